//! How fast a scan may go, adapted to what the targets answer. Pure arithmetic over durations
//! the caller measures, so every rule is unit-tested without a clock:
//!
//! * [`Window`]: how many probes may be unanswered at once. It starts at the `--concurrency`
//!   cap and halves when a retry is answered (the first try was lost: something on the path is
//!   dropping), then grows back by one for each answer, as TCP's congestion window does.
//! * [`RttEstimate`]: the wait before a probe counts as unanswered, the smoothed round trip plus
//!   four deviations (RFC 6298), never below [`MIN_TIMEOUT`] nor above `--timeout`.
//! * [`TokenBucket`]: `--rate` probes a second, with a burst of a hundredth of a second's worth.

use std::time::Duration;

/// The shortest wait for an answer, however fast the targets answered so far: a loaded host
/// can pause for tens of milliseconds.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(100);

/// The in-flight limit, adapted to losses.
#[derive(Debug, Clone)]
pub struct Window {
    cap: usize,
    size: f64,
}

impl Window {
    /// A window that may hold up to `cap` probes (at least one).
    #[must_use]
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        Self {
            cap,
            size: cap as f64,
        }
    }

    /// How many probes may be in flight now.
    #[must_use]
    pub fn limit(&self) -> usize {
        // The size stays within 1..=cap, so the cast neither truncates nor wraps.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "1..=cap"
        )]
        let n = self.size as usize;
        n.clamp(1, self.cap)
    }

    /// An answer to a first try: grow by one, up to the cap.
    pub fn on_answer(&mut self) {
        self.size = (self.size + 1.0).min(self.cap as f64);
    }

    /// An answer to a retry, so an earlier try was lost: halve.
    pub fn on_loss(&mut self) {
        self.size = (self.size / 2.0).max(1.0);
    }
}

/// The smoothed round-trip time and the timeout derived from it.
#[derive(Debug, Clone)]
pub struct RttEstimate {
    ceiling: Duration,
    srtt: Option<Duration>,
    rttvar: Duration,
}

impl RttEstimate {
    /// An estimate whose timeout starts at, and never exceeds, `ceiling` (`--timeout`).
    #[must_use]
    pub fn new(ceiling: Duration) -> Self {
        Self {
            ceiling,
            srtt: None,
            rttvar: Duration::ZERO,
        }
    }

    /// Fold in one measured round trip.
    pub fn sample(&mut self, rtt: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(rtt);
                self.rttvar = rtt / 2;
            }
            Some(srtt) => {
                let delta = srtt.abs_diff(rtt);
                self.rttvar = (self.rttvar * 3 + delta) / 4;
                self.srtt = Some((srtt * 7 + rtt) / 8);
            }
        }
    }

    /// How long to wait for an answer now.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        let floor = MIN_TIMEOUT.min(self.ceiling);
        match self.srtt {
            None => self.ceiling,
            Some(srtt) => (srtt + self.rttvar * 4).clamp(floor, self.ceiling),
        }
    }
}

/// A rate limit in probes a second; `None` rate means unlimited.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: Option<f64>,
    burst: f64,
    tokens: f64,
    last: Duration,
}

impl TokenBucket {
    /// A bucket for `rate` probes a second (`None` or 0: no limit), full at the start.
    #[must_use]
    pub fn new(rate: Option<u32>) -> Self {
        let rate = rate.filter(|r| *r > 0).map(f64::from);
        let burst = rate.map_or(0.0, |r| (r / 100.0).max(1.0));
        Self {
            rate,
            burst,
            tokens: burst,
            last: Duration::ZERO,
        }
    }

    /// Take one token at time `now` (since the scan started). `Err(wait)`: none is left, and
    /// one will be after `wait`.
    pub fn take(&mut self, now: Duration) -> Result<(), Duration> {
        let Some(rate) = self.rate else {
            return Ok(());
        };
        let elapsed = now.saturating_sub(self.last).as_secs_f64();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + elapsed * rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn window_halves_on_loss_and_grows_back() {
        let mut w = Window::new(8);
        assert_eq!(w.limit(), 8);
        w.on_answer();
        assert_eq!(w.limit(), 8);
        w.on_loss();
        assert_eq!(w.limit(), 4);
        for _ in 0..10 {
            w.on_loss();
        }
        assert_eq!(w.limit(), 1);
        w.on_answer();
        w.on_answer();
        assert_eq!(w.limit(), 3);
        assert_eq!(Window::new(0).limit(), 1);
    }

    #[test]
    fn timeout_follows_round_trips_within_bounds() {
        let mut r = RttEstimate::new(1000 * MS);
        assert_eq!(r.timeout(), 1000 * MS);
        r.sample(40 * MS);
        // 40 + 4 × 20
        assert_eq!(r.timeout(), 120 * MS);
        r.sample(40 * MS);
        // srtt 40, rttvar 15
        assert_eq!(r.timeout(), 100 * MS);
        let mut fast = RttEstimate::new(1000 * MS);
        fast.sample(Duration::from_micros(50));
        assert_eq!(fast.timeout(), MIN_TIMEOUT);
        let mut slow = RttEstimate::new(300 * MS);
        slow.sample(900 * MS);
        assert_eq!(slow.timeout(), 300 * MS);
        let mut tight = RttEstimate::new(20 * MS);
        tight.sample(MS);
        assert_eq!(tight.timeout(), 20 * MS);
    }

    #[test]
    fn bucket_paces_to_the_rate() {
        let mut b = TokenBucket::new(Some(1000));
        // A burst of 10 (a hundredth of a second), then one a millisecond.
        for _ in 0..10 {
            assert_eq!(b.take(Duration::ZERO), Ok(()));
        }
        assert_eq!(b.take(Duration::ZERO), Err(MS));
        assert_eq!(b.take(MS), Ok(()));
        assert!(b.take(MS).is_err());
        assert_eq!(b.take(5 * MS), Ok(()));
        let mut free = TokenBucket::new(None);
        assert!((0..1000).all(|_| free.take(Duration::ZERO).is_ok()));
        assert!(TokenBucket::new(Some(0)).take(Duration::ZERO).is_ok());
    }
}
