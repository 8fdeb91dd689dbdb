//! The path to a host as `trace` sees it: pure, no I/O.
//!
//! Every probe ends as one [`Outcome`]: an answer from a router on the path (time exceeded), from
//! the target (it was reached), an unreachable error that ends the path with an annotation
//! (`!H`, `!N`, `!P`, `!X`), or silence. [`Path`] folds outcomes into one [`Hop`] per TTL with
//! the statistics of mtr's report (loss %, sent, last, average, best, worst, standard deviation),
//! every address that answered at that TTL (a path that forks shows several), and the MPLS labels
//! routers quoted ([`mpls`]). [`packet`] builds the probes and reads the ICMP errors about them.

pub mod mpls;
pub mod packet;

use std::net::IpAddr;

use serde::Serialize;

pub use mpls::MplsLabel;

/// How many round trips of each hop the live view keeps for its sparkline.
pub const HISTORY: usize = 40;

/// The protocol of the probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// ICMP echo requests (answered by the target with an echo reply).
    Icmp,
    /// UDP datagrams to unused ports (answered by the target with port unreachable).
    Udp,
    /// TCP SYN to a port (answered by the target with SYN-ACK or RST).
    Tcp,
}

impl Protocol {
    /// The name used in text and JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Icmp => "icmp",
            Self::Udp => "udp",
            Self::Tcp => "tcp",
        }
    }
}

/// What an unreachable error says about the path, as traceroute marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotation {
    /// `!N`: network unreachable (no route).
    Network,
    /// `!H`: host unreachable.
    Host,
    /// `!P`: protocol unreachable.
    Protocol,
    /// `!X`: communication administratively prohibited.
    Prohibited,
    /// `!F`: fragmentation needed.
    Fragmentation,
    /// `!S`: source route failed, or beyond the scope of the source address (IPv6).
    Source,
    /// `!<code>`: any other unreachable code.
    Code(u8),
}

impl Annotation {
    /// The mark as traceroute prints it.
    #[must_use]
    pub fn mark(self) -> String {
        match self {
            Self::Network => "!N".into(),
            Self::Host => "!H".into(),
            Self::Protocol => "!P".into(),
            Self::Prohibited => "!X".into(),
            Self::Fragmentation => "!F".into(),
            Self::Source => "!S".into(),
            Self::Code(code) => format!("!{code}"),
        }
    }
}

impl Serialize for Annotation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.mark())
    }
}

crate::string_schema!(
    Annotation,
    "The mark traceroute prints: `!N`, `!H`, `!P`, `!X`, `!F`, `!S` or `!<code>`."
);

/// What a probe's answer means for the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "reply")]
pub enum Reply {
    /// A router on the path let the TTL run out.
    TimeExceeded,
    /// The target answered: the path ends here, reached.
    Reached,
    /// Someone said the target cannot be reached: the path ends here, not reached.
    Unreachable {
        /// The mark.
        annotation: Annotation,
    },
}

/// The meaning of an ICMP error (type, code) about one of our probes. `from_target` tells
/// whether the target itself sent it. `None` for messages that say nothing about the path.
#[must_use]
pub fn classify_error(v6: bool, icmp_type: u8, code: u8, from_target: bool) -> Option<Reply> {
    let annotation = match (v6, icmp_type) {
        (false, 11) | (true, 3) => return Some(Reply::TimeExceeded),
        (false, 3) => match code {
            // Port unreachable comes from the target (UDP's normal answer); protocol
            // unreachable from the target is an answer too.
            3 => return Some(Reply::Reached),
            2 if from_target => return Some(Reply::Reached),
            0 | 6 | 9 => Annotation::Network,
            1 | 7 | 10 => Annotation::Host,
            2 => Annotation::Protocol,
            4 => Annotation::Fragmentation,
            5 => Annotation::Source,
            13 => Annotation::Prohibited,
            other => Annotation::Code(other),
        },
        (true, 1) => match code {
            4 => return Some(Reply::Reached),
            0 => Annotation::Network,
            1 | 5 | 6 => Annotation::Prohibited,
            2 => Annotation::Source,
            3 => Annotation::Host,
            other => Annotation::Code(other),
        },
        // IPv6 parameter problem "unrecognized next header" from the target: reached.
        (true, 4) if code == 1 && from_target => return Some(Reply::Reached),
        _ => return None,
    };
    Some(Reply::Unreachable { annotation })
}

/// How one probe ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It was answered.
    Answered {
        /// Who answered.
        from: IpAddr,
        /// Round trip in microseconds.
        rtt_us: u64,
        /// What the answer means.
        reply: Reply,
        /// MPLS labels the router quoted (RFC 4950).
        mpls: Vec<MplsLabel>,
    },
    /// Nothing came back within the wait.
    Lost,
}

/// One address that answered at a hop, with how many probes it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HopAddr {
    /// The address.
    pub addr: IpAddr,
    /// Its name, when looked up and found.
    pub name: Option<String>,
    /// Probes it answered.
    pub count: u64,
}

/// Everything known about one TTL.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    /// The TTL (hop limit) of its probes.
    pub ttl: u8,
    /// Probes that ended (answered or lost).
    pub sent: u64,
    /// Probes that were answered.
    pub received: u64,
    /// Last round trip, µs.
    pub last_us: Option<u64>,
    /// Fastest round trip, µs.
    pub best_us: Option<u64>,
    /// Slowest round trip, µs.
    pub worst_us: Option<u64>,
    mean_us: f64,
    ssd: f64,
    /// Addresses that answered, in the order first seen.
    pub addrs: Vec<HopAddr>,
    /// The unreachable mark, when one came.
    pub annotation: Option<Annotation>,
    /// The MPLS labels last quoted at this hop.
    pub mpls: Vec<MplsLabel>,
    /// The most recent round trips, `None` for a lost probe (at most [`HISTORY`]).
    pub history: Vec<Option<u64>>,
}

impl Hop {
    fn new(ttl: u8) -> Self {
        Self {
            ttl,
            sent: 0,
            received: 0,
            last_us: None,
            best_us: None,
            worst_us: None,
            mean_us: 0.0,
            ssd: 0.0,
            addrs: Vec::new(),
            annotation: None,
            mpls: Vec::new(),
            history: Vec::new(),
        }
    }

    /// Loss in percent of the probes that ended.
    #[must_use]
    pub fn loss_pct(&self) -> f64 {
        crate::model::ping_stats::loss_pct(self.sent, self.received)
    }

    /// Mean round trip, µs.
    #[must_use]
    pub fn avg_us(&self) -> Option<f64> {
        (self.received > 0).then_some(self.mean_us)
    }

    /// Standard deviation of the round trips, µs, as mtr computes it: the sample deviation
    /// (divided by n - 1), 0 with fewer than two replies.
    #[must_use]
    pub fn stdev_us(&self) -> Option<f64> {
        match self.received {
            0 => None,
            1 => Some(0.0),
            #[expect(clippy::cast_precision_loss, reason = "counts stay far below 2^52")]
            n => Some((self.ssd / (n - 1) as f64).sqrt()),
        }
    }

    fn push_history(&mut self, rtt: Option<u64>) {
        if self.history.len() == HISTORY {
            self.history.remove(0);
        }
        self.history.push(rtt);
    }

    fn record(&mut self, outcome: &Outcome) {
        self.sent += 1;
        let Outcome::Answered {
            from,
            rtt_us,
            reply,
            mpls,
        } = outcome
        else {
            self.push_history(None);
            return;
        };
        self.received += 1;
        let rtt = *rtt_us;
        self.last_us = Some(rtt);
        self.best_us = Some(self.best_us.map_or(rtt, |b| b.min(rtt)));
        self.worst_us = Some(self.worst_us.map_or(rtt, |w| w.max(rtt)));
        // Welford's running mean and sum of squared deviations, as mtr keeps them.
        #[expect(
            clippy::cast_precision_loss,
            reason = "round trips stay far below 2^52 µs"
        )]
        let (x, n) = (rtt as f64, self.received as f64);
        let old_mean = self.mean_us;
        self.mean_us += (x - old_mean) / n;
        self.ssd += (x - old_mean) * (x - self.mean_us);
        match self.addrs.iter_mut().find(|a| a.addr == *from) {
            Some(known) => known.count += 1,
            None => self.addrs.push(HopAddr {
                addr: *from,
                name: None,
                count: 1,
            }),
        }
        if let Reply::Unreachable { annotation } = reply {
            self.annotation = Some(*annotation);
        }
        if !mpls.is_empty() {
            self.mpls.clone_from(mpls);
        }
        self.push_history(Some(rtt));
    }
}

/// The path to one target: a hop per TTL from the first to the last probed.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The target's address.
    pub target: IpAddr,
    /// The first TTL probed (`-f`).
    pub first_ttl: u8,
    hops: Vec<Hop>,
    /// The smallest TTL at which the target answered.
    pub reached_at: Option<u8>,
    /// The smallest TTL at which an unreachable error ended the path.
    pub unreachable_at: Option<u8>,
}

impl Path {
    /// An empty path to `target`, probed from TTL `first_ttl` to `max_ttl`.
    #[must_use]
    pub fn new(target: IpAddr, first_ttl: u8, max_ttl: u8) -> Self {
        Self {
            target,
            first_ttl,
            hops: (first_ttl..=max_ttl).map(Hop::new).collect(),
            reached_at: None,
            unreachable_at: None,
        }
    }

    /// The TTL beyond which probing says nothing new: where the target answered or an
    /// unreachable error ended the path, else the last TTL.
    #[must_use]
    pub fn end(&self) -> u8 {
        let last = self.hops.last().map_or(self.first_ttl, |h| h.ttl);
        [self.reached_at, self.unreachable_at]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(last)
    }

    /// Whether the target answered.
    #[must_use]
    pub fn reached(&self) -> bool {
        self.reached_at.is_some_and(|r| r <= self.end())
    }

    /// Fold one probe's outcome into the hop of its TTL.
    pub fn record(&mut self, ttl: u8, outcome: &Outcome) {
        let Some(index) = ttl.checked_sub(self.first_ttl).map(usize::from) else {
            return;
        };
        let Some(hop) = self.hops.get_mut(index) else {
            return;
        };
        hop.record(outcome);
        if let Outcome::Answered { from, reply, .. } = outcome {
            let reached = *reply == Reply::Reached
                || (*from == self.target && matches!(reply, Reply::Unreachable { .. }));
            let slot = if reached {
                &mut self.reached_at
            } else if matches!(reply, Reply::Unreachable { .. }) {
                &mut self.unreachable_at
            } else {
                return;
            };
            *slot = Some(slot.map_or(ttl, |t| t.min(ttl)));
        }
    }

    /// The hops to show: from the first TTL to [`Path::end`].
    #[must_use]
    pub fn hops(&self) -> &[Hop] {
        let end = self.end();
        let count = usize::from(end.saturating_sub(self.first_ttl)) + 1;
        &self.hops[..count.min(self.hops.len())]
    }

    /// Every hop, names included, for setting names once they are looked up.
    pub fn hops_mut(&mut self) -> impl Iterator<Item = &mut Hop> {
        self.hops.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn answered(from: &str, rtt_us: u64, reply: Reply) -> Outcome {
        Outcome::Answered {
            from: ip(from),
            rtt_us,
            reply,
            mpls: Vec::new(),
        }
    }

    #[test]
    fn statistics_are_mtrs() {
        let mut path = Path::new(ip("10.0.4.2"), 1, 30);
        for rtt in [1000, 2000, 4000] {
            path.record(1, &answered("10.0.1.1", rtt, Reply::TimeExceeded));
        }
        path.record(1, &Outcome::Lost);
        let hop = &path.hops[0];
        assert_eq!((hop.sent, hop.received), (4, 3));
        assert_eq!(hop.loss_pct(), 25.0);
        assert_eq!(
            (hop.last_us, hop.best_us, hop.worst_us),
            (Some(4000), Some(1000), Some(4000))
        );
        assert!((hop.avg_us().unwrap() - 7000.0 / 3.0).abs() < 1e-9);
        // Sample deviation of 1, 2, 4 ms: sqrt(((−4/3)² + (−1/3)² + (5/3)²) / 2) ms.
        let want = (((16.0 + 1.0 + 25.0) / 9.0) / 2.0_f64).sqrt() * 1000.0;
        assert!((hop.stdev_us().unwrap() - want).abs() < 1e-6);
        assert_eq!(hop.history, [Some(1000), Some(2000), Some(4000), None]);
    }

    #[test]
    fn one_reply_has_zero_deviation_none_has_no_figures() {
        let mut path = Path::new(ip("10.0.4.2"), 1, 3);
        path.record(1, &answered("10.0.1.1", 500, Reply::TimeExceeded));
        path.record(2, &Outcome::Lost);
        assert_eq!(path.hops[0].stdev_us(), Some(0.0));
        assert_eq!(path.hops[1].avg_us(), None);
        assert_eq!(path.hops[1].stdev_us(), None);
        assert_eq!(path.hops[1].loss_pct(), 100.0);
    }

    #[test]
    fn path_ends_where_the_target_answered_first() {
        let mut path = Path::new(ip("10.0.4.2"), 1, 30);
        path.record(6, &answered("10.0.4.2", 900, Reply::Reached));
        path.record(4, &answered("10.0.4.2", 800, Reply::Reached));
        path.record(3, &answered("10.0.3.1", 700, Reply::TimeExceeded));
        assert_eq!(path.reached_at, Some(4));
        assert_eq!(path.end(), 4);
        assert!(path.reached());
        assert_eq!(path.hops().len(), 4);
        assert_eq!(path.hops()[3].addrs[0].addr, ip("10.0.4.2"));
    }

    #[test]
    fn unreachable_ends_the_path_unreached_with_its_mark() {
        let mut path = Path::new(ip("10.9.0.1"), 1, 30);
        path.record(1, &answered("10.0.1.1", 100, Reply::TimeExceeded));
        let unreachable = Reply::Unreachable {
            annotation: Annotation::Host,
        };
        path.record(2, &answered("10.0.2.1", 100, unreachable));
        path.record(3, &answered("10.0.2.1", 100, unreachable));
        assert_eq!(path.end(), 2);
        assert!(!path.reached());
        assert_eq!(
            path.hops()[1].annotation.map(Annotation::mark),
            Some("!H".into())
        );
    }

    #[test]
    fn silent_target_shows_every_ttl() {
        let mut path = Path::new(ip("10.0.4.2"), 2, 5);
        for ttl in 2..=5 {
            path.record(ttl, &Outcome::Lost);
        }
        path.record(1, &Outcome::Lost);
        path.record(9, &Outcome::Lost);
        assert_eq!(path.end(), 5);
        assert!(!path.reached());
        let ttls: Vec<u8> = path.hops().iter().map(|h| h.ttl).collect();
        assert_eq!(ttls, [2, 3, 4, 5]);
    }

    #[test]
    fn forked_hop_keeps_both_addresses_with_counts() {
        let mut path = Path::new(ip("10.0.4.2"), 1, 30);
        for from in ["10.0.2.1", "10.0.2.9", "10.0.2.1"] {
            path.record(2, &answered(from, 100, Reply::TimeExceeded));
        }
        let addrs: Vec<(IpAddr, u64)> = path.hops[1]
            .addrs
            .iter()
            .map(|a| (a.addr, a.count))
            .collect();
        assert_eq!(addrs, [(ip("10.0.2.1"), 2), (ip("10.0.2.9"), 1)]);
    }

    #[test]
    fn history_keeps_the_most_recent() {
        let mut path = Path::new(ip("10.0.4.2"), 1, 1);
        for rtt in 0..(HISTORY as u64 + 5) {
            path.record(1, &answered("10.0.4.2", rtt, Reply::Reached));
        }
        let hop = &path.hops[0];
        assert_eq!(hop.history.len(), HISTORY);
        assert_eq!(hop.history[0], Some(5));
    }

    #[test]
    fn icmp_errors_classified_as_traceroute_marks_them() {
        let table: [(bool, u8, u8, bool, Option<Reply>); 12] = [
            (false, 11, 0, false, Some(Reply::TimeExceeded)),
            (true, 3, 0, false, Some(Reply::TimeExceeded)),
            (false, 3, 3, true, Some(Reply::Reached)),
            (true, 1, 4, true, Some(Reply::Reached)),
            (false, 3, 2, true, Some(Reply::Reached)),
            (
                false,
                3,
                0,
                false,
                Some(Reply::Unreachable {
                    annotation: Annotation::Network,
                }),
            ),
            (
                false,
                3,
                1,
                false,
                Some(Reply::Unreachable {
                    annotation: Annotation::Host,
                }),
            ),
            (
                false,
                3,
                2,
                false,
                Some(Reply::Unreachable {
                    annotation: Annotation::Protocol,
                }),
            ),
            (
                false,
                3,
                13,
                false,
                Some(Reply::Unreachable {
                    annotation: Annotation::Prohibited,
                }),
            ),
            (
                true,
                1,
                0,
                false,
                Some(Reply::Unreachable {
                    annotation: Annotation::Network,
                }),
            ),
            (
                true,
                1,
                3,
                false,
                Some(Reply::Unreachable {
                    annotation: Annotation::Host,
                }),
            ),
            (false, 0, 0, false, None),
        ];
        for (v6, t, c, target, want) in table {
            assert_eq!(classify_error(v6, t, c, target), want, "{v6} {t} {c}");
        }
        assert_eq!(Annotation::Code(99).mark(), "!99");
        assert_eq!(
            serde_json::to_string(&Reply::Unreachable {
                annotation: Annotation::Prohibited
            })
            .unwrap(),
            r#"{"reply":"unreachable","annotation":"!X"}"#
        );
    }
}
