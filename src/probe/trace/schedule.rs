//! When each trace probe leaves and when it is given up: a state machine on explicit instants,
//! with no socket and no clock of its own, so every rule is unit-tested.
//!
//! Probes go out round by round, each round one probe per TTL from the first to the end of the
//! path, and the rounds overlap: up to `window` probes are in flight at once, as traceroute's
//! `-N 16` does, so a trace takes about one round trip plus whatever a silent hop makes it wait,
//! not a round trip per hop. The end of the path (where the target answered or an unreachable
//! error came from) is learnt from the answers and no probe goes beyond it after that. With an
//! interval, round `r` starts no earlier than `r × interval` after the first.

use std::time::{Duration, Instant};

use crate::model::trace::packet::SEQ_SPACE;

/// How a trace paces its probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// First TTL (`-f`).
    pub first_ttl: u8,
    /// Last TTL (`-m`).
    pub max_ttl: u8,
    /// Rounds (probes per hop); `None` until stopped.
    pub rounds: Option<u32>,
    /// Least time between the starts of two rounds.
    pub interval: Duration,
    /// How long a probe is waited for (`-w`).
    pub wait: Duration,
    /// Probes in flight at most.
    pub window: usize,
}

/// One probe in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// Its number, unique among the probes in flight.
    pub seq: u16,
    /// Its TTL.
    pub ttl: u8,
    /// Its round, from 1.
    pub round: u32,
    /// When it left.
    pub sent_at: Instant,
}

/// The schedule of one trace.
#[derive(Debug)]
pub struct Schedule {
    pacing: Pacing,
    started: Instant,
    round: u32,
    next_ttl: u8,
    end: u8,
    end_known: bool,
    next_seq: u16,
    in_flight: Vec<Probe>,
    stopped: bool,
}

impl Schedule {
    /// A schedule starting at `now`.
    #[must_use]
    pub fn new(pacing: Pacing, now: Instant) -> Self {
        Self {
            pacing,
            started: now,
            round: 1,
            next_ttl: pacing.first_ttl,
            end: pacing.max_ttl,
            end_known: false,
            next_seq: 0,
            in_flight: Vec::new(),
            stopped: false,
        }
    }

    /// No probe beyond `end` from now on (the path ends there).
    pub fn set_end(&mut self, end: u8) {
        if end < self.pacing.max_ttl {
            self.end_known = true;
        }
        self.end = self.end.min(end).max(self.pacing.first_ttl);
    }

    /// Send no more probes; those in flight are still waited for.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    fn rounds_left(&self) -> bool {
        !self.stopped && self.pacing.rounds.is_none_or(|n| self.round <= n)
    }

    fn round_start(&self, round: u32) -> Instant {
        self.started + self.pacing.interval * round.saturating_sub(1)
    }

    /// The next probe to send at `now`, when the window, the interval and the rounds allow;
    /// it counts as in flight from `now`.
    pub fn next_probe(&mut self, now: Instant) -> Option<Probe> {
        if self.next_ttl > self.end {
            self.round += 1;
            self.next_ttl = self.pacing.first_ttl;
        }
        // A later round waits until the end of the path is known, or until the first round has
        // ended without finding one: otherwise it would probe far beyond the target again.
        let end_unsure = !self.end_known && self.in_flight.iter().any(|p| p.round < self.round);
        if !self.rounds_left()
            || end_unsure
            || self.in_flight.len() >= self.pacing.window
            || now < self.round_start(self.round)
        {
            return None;
        }
        // The next number not in flight (the window is far smaller than the space).
        let mut seq = self.next_seq;
        while self.in_flight.iter().any(|p| p.seq == seq) {
            seq = (seq + 1) % SEQ_SPACE;
        }
        self.next_seq = (seq + 1) % SEQ_SPACE;
        let probe = Probe {
            seq,
            ttl: self.next_ttl,
            round: self.round,
            sent_at: now,
        };
        self.next_ttl += 1;
        self.in_flight.push(probe);
        Some(probe)
    }

    /// The probe an answer is for, taken out of flight; `None` for a number not in flight (a
    /// duplicate, or an answer after its probe was given up).
    pub fn answer(&mut self, seq: u16) -> Option<Probe> {
        let index = self.in_flight.iter().position(|p| p.seq == seq)?;
        Some(self.in_flight.swap_remove(index))
    }

    /// The probes whose wait is over at `now`, taken out of flight, oldest first.
    pub fn expire(&mut self, now: Instant) -> Vec<Probe> {
        let wait = self.pacing.wait;
        let mut expired: Vec<Probe> = self
            .in_flight
            .iter()
            .filter(|p| now >= p.sent_at + wait)
            .copied()
            .collect();
        self.in_flight.retain(|p| now < p.sent_at + wait);
        expired.sort_by_key(|p| (p.sent_at, p.round, p.ttl));
        expired
    }

    /// When something is next due: a probe's wait ending, or the next round's start.
    #[must_use]
    pub fn next_wake(&self) -> Option<Instant> {
        let expiry = self
            .in_flight
            .iter()
            .map(|p| p.sent_at + self.pacing.wait)
            .min();
        let mut round = self.round;
        if self.next_ttl > self.end {
            round += 1;
        }
        let end_unsure = !self.end_known && self.in_flight.iter().any(|p| p.round < round);
        let may_send = !self.stopped
            && !end_unsure
            && self.pacing.rounds.is_none_or(|n| round <= n)
            && self.in_flight.len() < self.pacing.window;
        let start = may_send.then(|| self.round_start(round));
        [expiry, start].into_iter().flatten().min()
    }

    /// Every round sent (or stopped) and nothing in flight.
    #[must_use]
    pub fn finished(&self) -> bool {
        let more = !self.stopped
            && self
                .pacing
                .rounds
                .is_none_or(|n| self.round < n || (self.round == n && self.next_ttl <= self.end));
        !more && self.in_flight.is_empty()
    }

    /// How many probes are in flight.
    #[must_use]
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacing(rounds: Option<u32>, window: usize) -> Pacing {
        Pacing {
            first_ttl: 1,
            max_ttl: 30,
            rounds,
            interval: Duration::ZERO,
            wait: Duration::from_secs(1),
            window,
        }
    }

    fn drain(s: &mut Schedule, now: Instant) -> Vec<(u8, u32)> {
        std::iter::from_fn(|| s.next_probe(now))
            .map(|p| (p.ttl, p.round))
            .collect()
    }

    #[test]
    fn first_round_fills_the_window_in_ttl_order() {
        let t0 = Instant::now();
        let mut s = Schedule::new(pacing(Some(3), 16), t0);
        let sent = drain(&mut s, t0);
        assert_eq!(sent, (1..=16).map(|t| (t, 1)).collect::<Vec<_>>());
        assert_eq!(s.in_flight(), 16);
    }

    #[test]
    fn learnt_end_bounds_the_next_rounds() {
        let t0 = Instant::now();
        let mut s = Schedule::new(pacing(Some(3), 16), t0);
        let first: Vec<Probe> = std::iter::from_fn(|| s.next_probe(t0)).collect();
        // Hop 4 is the target: every probe is answered, the end is 4.
        s.set_end(4);
        for p in &first {
            assert_eq!(s.answer(p.seq).map(|a| a.ttl), Some(p.ttl));
        }
        let rest = drain(&mut s, t0);
        assert_eq!(
            rest,
            [
                (1, 2),
                (2, 2),
                (3, 2),
                (4, 2),
                (1, 3),
                (2, 3),
                (3, 3),
                (4, 3)
            ]
        );
        assert!(!s.finished());
        assert!(s.next_probe(t0).is_none());
        let later = t0 + Duration::from_secs(1);
        assert_eq!(s.expire(later).len(), 8);
        assert!(s.finished());
        assert_eq!(s.next_wake(), None);
    }

    #[test]
    fn a_duplicate_or_late_answer_matches_nothing() {
        let t0 = Instant::now();
        let mut s = Schedule::new(pacing(Some(1), 2), t0);
        let a = s.next_probe(t0).unwrap();
        let b = s.next_probe(t0).unwrap();
        assert!(s.next_probe(t0).is_none(), "window full");
        assert_eq!(s.answer(a.seq).map(|p| p.ttl), Some(1));
        assert_eq!(s.answer(a.seq), None, "duplicate");
        let expired = s.expire(t0 + Duration::from_millis(1500));
        assert_eq!(expired.iter().map(|p| p.seq).collect::<Vec<_>>(), [b.seq]);
        assert_eq!(s.answer(b.seq), None, "late");
    }

    #[test]
    fn expiry_is_per_probe_and_wakes_at_the_earliest() {
        let t0 = Instant::now();
        let mut s = Schedule::new(pacing(Some(1), 2), t0);
        let a = s.next_probe(t0).unwrap();
        let t1 = t0 + Duration::from_millis(300);
        let b = s.next_probe(t1).unwrap();
        assert_eq!(s.next_wake(), Some(t0 + Duration::from_secs(1)));
        assert_eq!(s.expire(t0 + Duration::from_millis(999)), []);
        assert_eq!(s.expire(t0 + Duration::from_secs(1)), [a]);
        // A slot freed: the schedule wants to send again at once.
        assert_eq!(s.next_wake(), Some(t0));
        let c = s.next_probe(t0 + Duration::from_secs(1)).unwrap();
        assert_eq!((c.ttl, c.round), (3, 1));
        assert_ne!(c.seq, b.seq);
    }

    #[test]
    fn interval_spaces_the_rounds() {
        let t0 = Instant::now();
        let mut p = pacing(Some(2), 16);
        p.max_ttl = 2;
        p.interval = Duration::from_secs(1);
        let mut s = Schedule::new(p, t0);
        let first: Vec<Probe> = std::iter::from_fn(|| s.next_probe(t0)).collect();
        assert_eq!(first.len(), 2);
        for probe in first {
            s.answer(probe.seq).unwrap();
        }
        assert_eq!(s.next_wake(), Some(t0 + Duration::from_secs(1)));
        let t1 = t0 + Duration::from_millis(999);
        assert!(s.next_probe(t1).is_none());
        assert_eq!(drain(&mut s, t0 + Duration::from_secs(1)), [(1, 2), (2, 2)]);
    }

    #[test]
    fn later_rounds_wait_for_the_end_of_the_path() {
        let t0 = Instant::now();
        let mut p = pacing(Some(2), 16);
        p.max_ttl = 3;
        let mut s = Schedule::new(p, t0);
        let first: Vec<Probe> = std::iter::from_fn(|| s.next_probe(t0)).collect();
        assert_eq!(first.len(), 3, "round 2 waits: the end is not known yet");
        assert_eq!(s.next_wake(), Some(t0 + Duration::from_secs(1)));
        s.answer(first[0].seq).unwrap();
        assert!(s.next_probe(t0).is_none());
        // Nobody answered at all: once round 1 is over, round 2 probes every TTL again.
        assert_eq!(s.expire(t0 + Duration::from_secs(1)).len(), 2);
        assert_eq!(
            drain(&mut s, t0 + Duration::from_secs(1)),
            [(1, 2), (2, 2), (3, 2)]
        );
    }

    #[test]
    fn endless_until_stopped_and_numbers_wrap() {
        let t0 = Instant::now();
        let mut p = pacing(None, 1);
        p.max_ttl = 1;
        let mut s = Schedule::new(p, t0);
        let mut seqs = Vec::new();
        for _ in 0..(usize::from(SEQ_SPACE) + 2) {
            let probe = s.next_probe(t0).unwrap();
            seqs.push(probe.seq);
            s.answer(probe.seq).unwrap();
        }
        assert_eq!(seqs[usize::from(SEQ_SPACE)], 0);
        assert!(!s.finished());
        s.stop();
        assert!(s.next_probe(t0).is_none());
        assert!(s.finished());
    }

    #[test]
    fn first_ttl_and_end_below_it() {
        let t0 = Instant::now();
        let mut p = pacing(Some(1), 16);
        p.first_ttl = 3;
        p.max_ttl = 5;
        let mut s = Schedule::new(p, t0);
        s.set_end(1);
        assert_eq!(drain(&mut s, t0), [(3, 1)]);
    }
}
