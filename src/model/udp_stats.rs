//! Counted UDP streams: the stamp `udp-send --seq` puts at the head of each datagram, and the
//! statistics `udp-recv --stats` keeps from it (received, lost, duplicated, reordered, and the
//! interarrival jitter of RFC 3550, section 6.4.1), as iperf3 -u reports them.

use std::collections::HashSet;

use serde::Serialize;

/// The first bytes of a stamped datagram.
pub const MAGIC: [u8; 4] = *b"NTSQ";
/// The stamp's length: magic, sequence number (u64), send time in ns since the epoch (u64).
pub const STAMP_LEN: usize = 20;

/// How far behind the highest sequence number duplicates are still recognised. Older
/// sequence numbers are forgotten, so memory stays bounded however long the stream runs.
pub const DUPLICATE_WINDOW: u64 = 1 << 16;

/// A sequence number and send time, read from or written to a datagram's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The sequence number, from 0.
    pub seq: u64,
    /// When it was sent, in nanoseconds since the Unix epoch.
    pub sent_ns: u64,
}

impl Stamp {
    /// The stamp's bytes.
    #[must_use]
    pub fn encode(self) -> [u8; STAMP_LEN] {
        let mut out = [0u8; STAMP_LEN];
        out[..4].copy_from_slice(&MAGIC);
        out[4..12].copy_from_slice(&self.seq.to_be_bytes());
        out[12..].copy_from_slice(&self.sent_ns.to_be_bytes());
        out
    }

    /// The stamp at the head of `datagram`, if it has one.
    #[must_use]
    pub fn decode(datagram: &[u8]) -> Option<Self> {
        if datagram.len() < STAMP_LEN || datagram[..4] != MAGIC {
            return None;
        }
        let word =
            |at: usize| u64::from_be_bytes(datagram[at..at + 8].try_into().expect("8 bytes"));
        Some(Self {
            seq: word(4),
            sent_ns: word(12),
        })
    }
}

/// What a receiver has counted so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StreamStats {
    /// Datagrams received with a stamp, duplicates included.
    pub received: u64,
    /// Distinct sequence numbers received.
    pub unique: u64,
    /// Sequence numbers below the highest seen that have not arrived.
    pub lost: u64,
    /// Datagrams whose sequence number had already arrived (or lay more than
    /// [`DUPLICATE_WINDOW`] behind the highest).
    pub duplicated: u64,
    /// Datagrams that arrived after one with a higher sequence number.
    pub reordered: u64,
    /// The highest sequence number seen.
    pub highest_seq: Option<u64>,
    /// Interarrival jitter in milliseconds (RFC 3550).
    pub jitter_ms: f64,
    /// Datagrams without a stamp (not counted above).
    pub unstamped: u64,
    #[serde(skip)]
    seen: HashSet<u64>,
    #[serde(skip)]
    last_transit_ns: Option<i128>,
    #[serde(skip)]
    jitter_ns: f64,
}

impl StreamStats {
    /// Count one datagram that arrived at `arrival_ns` (ns since the epoch).
    pub fn record(&mut self, datagram: &[u8], arrival_ns: u64) {
        let Some(stamp) = Stamp::decode(datagram) else {
            self.unstamped += 1;
            return;
        };
        self.received += 1;
        let floor = self
            .highest_seq
            .map_or(0, |h| h.saturating_sub(DUPLICATE_WINDOW));
        if stamp.seq < floor || !self.seen.insert(stamp.seq) {
            // Already seen, or too far behind to tell: not counted as new.
            self.duplicated += 1;
            return;
        }
        self.unique += 1;
        match self.highest_seq {
            Some(high) if stamp.seq < high => self.reordered += 1,
            _ => self.highest_seq = Some(stamp.seq),
        }
        if self.seen.len() as u64 > 2 * DUPLICATE_WINDOW {
            let floor = self
                .highest_seq
                .unwrap_or(0)
                .saturating_sub(DUPLICATE_WINDOW);
            self.seen.retain(|&s| s >= floor);
        }
        // RFC 3550: D = (Rj - Ri) - (Sj - Si); J += (|D| - J) / 16.
        let transit = i128::from(arrival_ns) - i128::from(stamp.sent_ns);
        if let Some(last) = self.last_transit_ns {
            let d = (transit - last).unsigned_abs() as f64;
            self.jitter_ns += (d - self.jitter_ns) / 16.0;
        }
        self.last_transit_ns = Some(transit);
        self.jitter_ms = self.jitter_ns / 1e6;
        self.lost = self.highest_seq.map_or(0, |h| h + 1 - self.unique);
    }

    /// The share of expected datagrams that were lost, in percent.
    #[must_use]
    pub fn loss_pct(&self) -> f64 {
        match self.highest_seq {
            Some(h) => self.lost as f64 * 100.0 / (h + 1) as f64,
            None => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn datagram(seq: u64, sent_ns: u64) -> Vec<u8> {
        let mut d = Stamp { seq, sent_ns }.encode().to_vec();
        d.extend_from_slice(b"payload");
        d
    }

    #[test]
    fn stamp_round_trip() {
        let s = Stamp {
            seq: 42,
            sent_ns: 1_700_000_000_123_456_789,
        };
        assert_eq!(Stamp::decode(&s.encode()), Some(s));
        assert_eq!(Stamp::decode(b"NTSQ short"), None);
        assert_eq!(Stamp::decode(&[0u8; 32]), None);
    }

    #[test]
    fn gaps_duplicates_reorders() {
        let mut stats = StreamStats::default();
        // Sent 0..10; 3 and 7 lost, 5 duplicated, 8 arrives before 6.
        for (seq, at) in [
            (0, 0),
            (1, 1),
            (2, 2),
            (4, 4),
            (5, 5),
            (5, 5),
            (8, 8),
            (6, 6),
            (9, 9),
        ] {
            stats.record(&datagram(seq, at * 1_000_000), at * 1_000_000 + 500_000);
        }
        stats.record(b"not stamped", 10);
        assert_eq!(stats.received, 9);
        assert_eq!(stats.unique, 8);
        assert_eq!(stats.duplicated, 1);
        assert_eq!(stats.reordered, 1);
        assert_eq!(stats.lost, 2);
        assert_eq!(stats.highest_seq, Some(9));
        assert_eq!(stats.unstamped, 1);
        assert!((stats.loss_pct() - 20.0).abs() < 1e-9);
        assert_eq!(stats.jitter_ms, 0.0, "constant transit time has no jitter");
    }

    #[test]
    fn memory_stays_bounded_and_old_numbers_are_not_new() {
        let mut stats = StreamStats::default();
        // A sender jumping to a huge sequence number costs nothing.
        stats.record(&datagram(u64::MAX - 1, 0), 0);
        stats.record(&datagram(0, 0), 0);
        assert_eq!((stats.unique, stats.duplicated), (1, 1));
        let mut stats = StreamStats::default();
        for seq in 0..3 * DUPLICATE_WINDOW {
            stats.record(&datagram(seq, 0), 0);
        }
        assert!(stats.seen.len() as u64 <= 2 * DUPLICATE_WINDOW + 1);
        assert_eq!((stats.unique, stats.lost), (3 * DUPLICATE_WINDOW, 0));
    }

    #[test]
    fn jitter_follows_rfc3550() {
        let mut stats = StreamStats::default();
        // Transit times 1 ms, 3 ms, 1 ms: |D| = 2 ms twice.
        stats.record(&datagram(0, 0), 1_000_000);
        stats.record(&datagram(1, 10_000_000), 13_000_000);
        stats.record(&datagram(2, 20_000_000), 21_000_000);
        let j1 = 2.0 / 16.0;
        let j2 = j1 + (2.0 - j1) / 16.0;
        assert!((stats.jitter_ms - j2).abs() < 1e-9, "{}", stats.jitter_ms);
    }
}
