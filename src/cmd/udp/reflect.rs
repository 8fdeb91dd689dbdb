//! What keeps `udp-recv --echo` / `--reply` from being turned against anyone. A UDP source
//! address is whatever the sender wrote, so a reflector answers whoever a forger names:
//!
//! - a datagram forged to come from the reflector's own socket would be answered to itself,
//!   forever: it is never answered (see [`crate::net::udp::is_own_address`]);
//! - two reflectors pointed at each other answer each other forever, and a forged source turns
//!   a reflector into a flood towards a victim: replies to each source address are limited by
//!   a token bucket ([`ReplyLimiter`]), so a loop dies when a bucket runs dry;
//! - a reply larger than its request multiplies what a forger sends: said once per source
//!   ([`OncePerSource`]).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The replies a second to one source address that `udp-recv` sends unless told otherwise.
pub const DEFAULT_REPLY_LIMIT: u32 = 100;

/// How many sources the limiter and the warnings keep in memory at most.
pub const MAX_SOURCES: usize = 65_536;

/// `--reply-limit`: replies a second to one source address, or no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyLimit(pub Option<u32>);

impl Default for ReplyLimit {
    fn default() -> Self {
        Self(Some(DEFAULT_REPLY_LIMIT))
    }
}

impl fmt::Display for ReplyLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("off"),
        }
    }
}

/// Parse `--reply-limit`: a whole number of replies a second (1 or more) or `off`.
pub fn parse_reply_limit(text: &str) -> Result<ReplyLimit, String> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(ReplyLimit(None));
    }
    match text.parse::<u32>() {
        Ok(0) => Err("0 would answer nobody; write `off` for no limit".into()),
        Ok(n) => Ok(ReplyLimit(Some(n))),
        Err(_) => Err("expected replies a second (such as 100) or `off`".into()),
    }
}

/// One source's bucket: `tokens` replies may go now; it refills at the rate, up to the burst.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A token bucket per source address: `rate` replies a second, in bursts of up to `rate`.
#[derive(Debug)]
pub struct ReplyLimiter {
    rate: f64,
    buckets: HashMap<IpAddr, Bucket>,
}

impl ReplyLimiter {
    /// A limiter of `rate` replies a second to each source address.
    #[must_use]
    pub fn new(rate: u32) -> Self {
        Self {
            rate: f64::from(rate.max(1)),
            buckets: HashMap::new(),
        }
    }

    /// Whether a reply to `source` may go at `now`; if so, it is counted.
    pub fn allow(&mut self, source: IpAddr, now: Instant) -> bool {
        if !self.buckets.contains_key(&source) && self.buckets.len() >= MAX_SOURCES {
            // Full: forget the sources whose buckets have refilled; they would start full.
            // A burst is one second's worth, so an empty bucket is full after a second.
            self.buckets
                .retain(|_, b| now.saturating_duration_since(b.at) < Duration::from_secs(1));
            if self.buckets.len() >= MAX_SOURCES {
                // Every known source is still busy: a new one waits its turn.
                return false;
            }
        }
        let rate = self.rate;
        let bucket = self.buckets.entry(source).or_insert(Bucket {
            tokens: rate,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Remembers which sources have been told something, so each is told once; after
/// [`MAX_SOURCES`] sources, no more are named.
#[derive(Debug, Default)]
pub struct OncePerSource(HashSet<IpAddr>);

impl OncePerSource {
    /// Whether `source` is new here (and is now remembered).
    pub fn first(&mut self, source: IpAddr) -> bool {
        self.0.len() < MAX_SOURCES && self.0.insert(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn reply_limit_values() {
        assert_eq!(parse_reply_limit("100"), Ok(ReplyLimit(Some(100))));
        assert_eq!(parse_reply_limit("off"), Ok(ReplyLimit(None)));
        assert_eq!(parse_reply_limit("OFF"), Ok(ReplyLimit(None)));
        for bad in ["0", "-1", "1.5", "", "lots"] {
            assert!(parse_reply_limit(bad).is_err(), "{bad}");
        }
        assert_eq!(ReplyLimit::default().to_string(), "100");
        assert_eq!(ReplyLimit(None).to_string(), "off");
    }

    #[test]
    fn a_burst_then_the_rate_per_source() {
        let start = Instant::now();
        let mut limiter = ReplyLimiter::new(10);
        let a = ip("127.0.0.1");
        let allowed = (0..25).filter(|_| limiter.allow(a, start)).count();
        assert_eq!(allowed, 10, "a burst of one second's worth");
        // Another source has its own bucket.
        assert!(limiter.allow(ip("::1"), start));
        // A tenth of a second refills one reply, and no more.
        let later = start + Duration::from_millis(100);
        assert!(limiter.allow(a, later));
        assert!(!limiter.allow(a, later));
        // Idle for long, the bucket is full again but holds no more than the burst.
        let much_later = start + Duration::from_secs(60);
        let allowed = (0..25).filter(|_| limiter.allow(a, much_later)).count();
        assert_eq!(allowed, 10);
    }

    #[test]
    fn memory_is_bounded_by_the_number_of_sources() {
        let start = Instant::now();
        let mut limiter = ReplyLimiter::new(1);
        for n in 0..MAX_SOURCES as u32 {
            assert!(limiter.allow(IpAddr::from(n.to_be_bytes()), start));
        }
        // Every bucket is busy: a new source waits, and the table does not grow.
        let new = ip("198.51.100.1");
        assert!(!limiter.allow(new, start));
        assert_eq!(limiter.buckets.len(), MAX_SOURCES);
        // Once they have refilled they are forgotten, and the new source is answered.
        assert!(limiter.allow(new, start + Duration::from_secs(2)));
        assert_eq!(limiter.buckets.len(), 1);
    }

    #[test]
    fn each_source_is_told_once() {
        let mut told = OncePerSource::default();
        assert!(told.first(ip("127.0.0.1")));
        assert!(!told.first(ip("127.0.0.1")));
        assert!(told.first(ip("127.0.0.2")));
    }
}
