//! Counted UDP streams: the stamp `udp-send --seq` puts at the head of each datagram, and the
//! statistics `udp-recv --stats` keeps from it (received, lost, duplicated, reordered, and the
//! interarrival jitter of RFC 3550, section 6.4.1), as iperf3 -u reports them, one stream per
//! source address and port ([`SourceStreams`]): two senders each counting from 0 are two
//! streams, not one stream of duplicates.

use std::collections::HashMap;
use std::net::SocketAddr;

use serde::Serialize;

/// The first bytes of a stamped datagram.
pub const MAGIC: [u8; 4] = *b"NTSQ";
/// The stamp's length: magic, sequence number (u64), send time in ns since the epoch (u64).
pub const STAMP_LEN: usize = 20;

/// How far behind the highest sequence number duplicates are still recognised: one bit each,
/// 8 KiB a stream. Older sequence numbers are forgotten, so memory stays bounded however long
/// the stream runs.
pub const DUPLICATE_WINDOW: u64 = 1 << 16;

/// The most sources counted one by one; datagrams from further sources are only counted in
/// [`SourceStreams::untracked`], so a flood of forged sources costs at most this many windows.
pub const MAX_SOURCES: usize = 1024;

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
    /// Which of the last [`DUPLICATE_WINDOW`] sequence numbers up to the highest have arrived:
    /// bit `seq % DUPLICATE_WINDOW`; empty until the first stamp.
    #[serde(skip)]
    window: Vec<u64>,
    #[serde(skip)]
    last_transit_ns: Option<i128>,
    #[serde(skip)]
    jitter_ns: f64,
}

const WORDS: usize = (DUPLICATE_WINDOW / 64) as usize;

impl StreamStats {
    fn bit(seq: u64) -> (usize, u64) {
        let at = seq % DUPLICATE_WINDOW;
        ((at / 64) as usize, 1 << (at % 64))
    }

    /// Mark `seq` as arrived; whether it had arrived already.
    fn mark(&mut self, seq: u64) -> bool {
        let (word, mask) = Self::bit(seq);
        let seen = self.window[word] & mask != 0;
        self.window[word] |= mask;
        seen
    }

    /// Move the window's top from the highest sequence number to `seq`, forgetting what falls
    /// out of it.
    fn advance(&mut self, seq: u64) {
        let from = match self.highest_seq {
            Some(high) if seq - high < DUPLICATE_WINDOW => high + 1,
            _ => {
                self.window.clear();
                self.window.resize(WORDS, 0);
                return;
            }
        };
        for s in from..=seq {
            let (word, mask) = Self::bit(s);
            self.window[word] &= !mask;
        }
    }

    /// Count one datagram that arrived at `arrival_ns` (ns since the epoch).
    pub fn record(&mut self, datagram: &[u8], arrival_ns: u64) {
        let Some(stamp) = Stamp::decode(datagram) else {
            self.unstamped += 1;
            return;
        };
        self.received += 1;
        let seq = stamp.seq;
        match self.highest_seq {
            Some(high) if seq <= high => {
                // Too far behind to tell, or already seen: not counted as new.
                if high - seq >= DUPLICATE_WINDOW || self.mark(seq) {
                    self.duplicated += 1;
                    return;
                }
                self.reordered += 1;
            }
            _ => {
                self.advance(seq);
                self.mark(seq);
                self.highest_seq = Some(seq);
            }
        }
        self.unique += 1;
        // RFC 3550: D = (Rj - Ri) - (Sj - Si); J += (|D| - J) / 16.
        let transit = i128::from(arrival_ns) - i128::from(stamp.sent_ns);
        if let Some(last) = self.last_transit_ns {
            let d = (transit - last).unsigned_abs() as f64;
            self.jitter_ns += (d - self.jitter_ns) / 16.0;
        }
        self.last_transit_ns = Some(transit);
        self.jitter_ms = self.jitter_ns / 1e6;
        self.lost = self
            .highest_seq
            .map_or(0, |h| h.saturating_add(1).saturating_sub(self.unique));
    }

    /// The share of expected datagrams that were lost, in percent.
    #[must_use]
    pub fn loss_pct(&self) -> f64 {
        let expected = self.unique + self.lost;
        if expected == 0 {
            0.0
        } else {
            self.lost as f64 * 100.0 / expected as f64
        }
    }

    /// Add another stream's counts to these totals: counts add up, `highest_seq` and
    /// `jitter_ms` are the largest of the two.
    fn add(&mut self, other: &Self) {
        self.received += other.received;
        self.unique += other.unique;
        self.lost += other.lost;
        self.duplicated += other.duplicated;
        self.reordered += other.reordered;
        self.unstamped += other.unstamped;
        self.highest_seq = self.highest_seq.max(other.highest_seq);
        self.jitter_ms = self.jitter_ms.max(other.jitter_ms);
    }
}

/// One stream per source address and port, in the order the sources were first heard.
#[derive(Debug, Clone, Default)]
pub struct SourceStreams {
    streams: Vec<(SocketAddr, StreamStats)>,
    index: HashMap<SocketAddr, usize>,
    /// Datagrams from sources beyond the first [`MAX_SOURCES`], counted nowhere else.
    pub untracked: u64,
}

impl SourceStreams {
    /// Count one datagram from `from` that arrived at `arrival_ns`.
    pub fn record(&mut self, from: SocketAddr, datagram: &[u8], arrival_ns: u64) {
        let at = match self.index.get(&from) {
            Some(&at) => at,
            None if self.streams.len() < MAX_SOURCES => {
                self.streams.push((from, StreamStats::default()));
                self.index.insert(from, self.streams.len() - 1);
                self.streams.len() - 1
            }
            None => {
                self.untracked += 1;
                return;
            }
        };
        self.streams[at].1.record(datagram, arrival_ns);
    }

    /// Each source's stream, in the order first heard.
    #[must_use]
    pub fn streams(&self) -> &[(SocketAddr, StreamStats)] {
        &self.streams
    }

    /// Every stream's counts added up (see [`StreamStats`] for how).
    #[must_use]
    pub fn totals(&self) -> StreamStats {
        let mut totals = StreamStats::default();
        for (_, stream) in &self.streams {
            totals.add(stream);
        }
        totals
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
        // A sender jumping to the largest sequence number costs nothing and overflows nothing.
        stats.record(&datagram(u64::MAX, 0), 0);
        stats.record(&datagram(0, 0), 0);
        assert_eq!((stats.unique, stats.duplicated), (1, 1));
        assert_eq!(stats.lost, u64::MAX - 1);
        let mut stats = StreamStats::default();
        for seq in 0..3 * DUPLICATE_WINDOW {
            stats.record(&datagram(seq, 0), 0);
        }
        assert_eq!(stats.window.len() as u64 * 64, DUPLICATE_WINDOW);
        assert_eq!((stats.unique, stats.lost), (3 * DUPLICATE_WINDOW, 0));
        // The oldest number the window holds is still known; the one before it is too old.
        let high = 3 * DUPLICATE_WINDOW - 1;
        stats.record(&datagram(high + 1 - DUPLICATE_WINDOW, 0), 0);
        stats.record(&datagram(high - DUPLICATE_WINDOW, 0), 0);
        assert_eq!((stats.duplicated, stats.reordered), (2, 0));
    }

    #[test]
    fn a_jump_forgets_what_fell_out_of_the_window() {
        let mut stats = StreamStats::default();
        stats.record(&datagram(5, 0), 0);
        // n + DUPLICATE_WINDOW shares n's bit: moving the window's top past it forgets n, so
        // none of these five distinct numbers reads as a duplicate.
        stats.record(&datagram(5 + DUPLICATE_WINDOW, 0), 0);
        stats.record(&datagram(6, 0), 0);
        stats.record(&datagram(7 + DUPLICATE_WINDOW, 0), 0);
        stats.record(&datagram(6 + DUPLICATE_WINDOW, 0), 0);
        assert_eq!((stats.unique, stats.duplicated, stats.reordered), (5, 0, 2));
    }

    #[test]
    fn each_source_is_its_own_stream() {
        let a: SocketAddr = "127.0.0.1:4001".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:4002".parse().unwrap();
        let mut streams = SourceStreams::default();
        for seq in 0..2000 {
            streams.record(a, &datagram(seq, 0), 0);
            streams.record(b, &datagram(seq, 0), 0);
        }
        streams.record(b, b"plain", 0);
        let got: Vec<(SocketAddr, u64, u64, u64)> = streams
            .streams()
            .iter()
            .map(|(from, s)| (*from, s.unique, s.duplicated, s.unstamped))
            .collect();
        assert_eq!(got, [(a, 2000, 0, 0), (b, 2000, 0, 1)]);
        let totals = streams.totals();
        assert_eq!(
            (
                totals.received,
                totals.unique,
                totals.duplicated,
                totals.unstamped
            ),
            (4000, 4000, 0, 1)
        );
        assert_eq!(totals.highest_seq, Some(1999));
    }

    #[test]
    fn sources_past_the_bound_are_only_counted() {
        let mut streams = SourceStreams::default();
        for port in 0..=MAX_SOURCES as u16 {
            let from = SocketAddr::from(([127, 0, 0, 1], port));
            streams.record(from, &datagram(0, 0), 0);
        }
        assert_eq!(streams.streams().len(), MAX_SOURCES);
        assert_eq!(streams.untracked, 1);
        assert_eq!(streams.totals().received, MAX_SOURCES as u64);
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
