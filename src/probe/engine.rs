//! The probe state machine and its tokio driver.
//!
//! [`Engine::step`] does one turn without waiting: take what the socket has queued and match
//! it to the probe it answers, expire probes whose wait is over, and send every probe that is
//! due. [`Engine::next_wake`] says when the next turn is needed, and [`super::driver::run`] sleeps until then
//! or until the socket has something. Everything time-dependent reads the [`Clock`], so unit
//! tests drive the machine with a fake socket and a clock they set by hand.
//!
//! Matching: an answer names its sender (or, for an ICMP error, the quoted probe's destination)
//! and a sequence number; together they find the probe. An identifier that is not ours, an
//! address or a sequence number with no probe waiting, or a probe whose wait has ended: the
//! answer is ignored. A second answer to an answered probe is a duplicate.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::model::ping_stats::{RttSeries, RttStats};
use crate::net::icmp::error_text;

use super::event::{Corrupt, Event, Failed, IcmpError, Reply, SendFailed, Sent, Summary, Timeout};
use super::{Answer, Probe, ProbeSocket, Received};

/// With flood and no interval, the next probe goes when the last is answered or after this.
const FLOOD_STEP: Duration = Duration::from_millis(10);
/// How long a run that ended by itself waits for a duplicate of its last answer.
pub(super) const DUPLICATE_GRACE: Duration = Duration::from_millis(20);
/// Answered probes remembered for recognising a duplicate (and timing it), over all targets.
/// Older ones are forgotten, so that a long run keeps constant memory. Below half of what a
/// map of 4,096 buckets holds (3,584), so that the map's tombstones are swept in place
/// instead of doubling it: 4,096 kept a flood's map at 16,384 buckets (1 MB), 3,072 at 8,192
/// (0.5 MB, a fifth of a flood's resident memory). 1,536 answers are 15 ms of a loopback
/// flood and 25 minutes of a ping a second; a duplicate comes within milliseconds.
pub(super) const ANSWERED_KEPT: usize = 1536;
/// Round trips kept per target for [`Summary::rtts_us`] (the most recent probes).
pub const RTTS_KEPT: usize = 1024;

/// Where "now" comes from: the system's monotonic clock, or a test's.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The monotonic system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// When probes go and how long they are waited for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Probes per target; `None`: until stopped or the deadline.
    pub count: Option<u64>,
    /// Time between two probes to one target.
    pub interval: Duration,
    /// How long a probe is waited for before it counts as lost.
    pub wait: Duration,
    /// Stop this long after the engine was made, whatever is outstanding.
    pub deadline: Option<Duration>,
    /// With a zero interval: send the next probe as soon as the last is answered (or after
    /// 10 ms), and keep the socket busy without sleeping.
    pub flood: bool,
    /// The most probes waiting for an answer at once, over all targets.
    pub in_flight: Option<usize>,
    /// A target's next probe waits until its previous one is answered or expired.
    pub serial: bool,
    /// A target's first probe failing to send ends the run with that error.
    pub first_send_fatal: bool,
    /// The wait as ping applies it: probes do not expire one by one, and an answer counts
    /// whenever it comes. After the last probe the run waits `wait` when nothing has come back
    /// yet, else twice the slowest round trip (at least one interval); with a deadline it
    /// waits for the deadline.
    pub wait_at_end: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            count: None,
            interval: Duration::from_secs(1),
            wait: Duration::from_secs(1),
            deadline: None,
            flood: false,
            in_flight: None,
            serial: false,
            first_send_fatal: false,
            wait_at_end: false,
        }
    }
}

/// One destination and what each of its probes carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The name shown in events (as the user gave it).
    pub name: Arc<str>,
    /// The address probed.
    pub addr: IpAddr,
    /// The interface index of its IPv6 zone (`fe80::1%eth0`); 0: none.
    pub scope_id: u32,
    /// TTL or hop limit of its probes; `None`: the socket's.
    pub ttl: Option<u8>,
    /// Source port or flow id of its probes; `None`: any.
    pub flow: Option<u16>,
    /// The first sequence number. Targets that share an address need disjoint ranges.
    pub first_seq: u16,
}

impl Target {
    /// A target with the socket's TTL, any flow, and sequence numbers from 1 (as ping).
    #[must_use]
    pub fn new(name: &str, addr: IpAddr) -> Self {
        Self {
            name: Arc::from(name),
            addr,
            scope_id: 0,
            ttl: None,
            flow: None,
            first_seq: 1,
        }
    }
}

/// A probe still remembered (until its wait ends).
#[derive(Debug)]
struct Pending {
    target: usize,
    sent: Instant,
    /// Its number among the target's probes (from 0).
    number: u64,
    answered: bool,
    failed: bool,
}

impl Pending {
    fn waiting(&self) -> bool {
        !self.answered && !self.failed
    }
}

#[derive(Debug)]
struct TargetState {
    target: Target,
    stats: RttStats,
    rtts_us: RttSeries,
    next_seq: u16,
    sent: u64,
    outstanding: usize,
    next_due: Instant,
    last_sent: Option<Instant>,
    /// No more probes for this target (see [`Engine::retire`]).
    retired: bool,
}

/// What one turn did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// A probe was sent.
    pub sent: bool,
    /// The receive limit of the turn was reached: more may be queued.
    pub more_queued: bool,
    /// Every probe was sent and settled, or the deadline passed.
    pub finished: bool,
    /// Every probe was sent and settled (the run ended by itself, not by the deadline).
    pub settled: bool,
}

/// The state machine of one run over many targets.
pub struct Engine<C: Clock = SystemClock> {
    schedule: Schedule,
    clock: C,
    targets: Vec<TargetState>,
    probes: HashMap<(IpAddr, u16), Pending>,
    /// Probes in the order their wait ends (the wait is the same for all).
    expiry: VecDeque<(Instant, IpAddr, u16)>,
    /// Answered probes still in `probes`, oldest first (at most [`ANSWERED_KEPT`]).
    answered: VecDeque<(IpAddr, u16)>,
    /// The end of the wait after the last probe ([`Schedule::wait_at_end`]).
    end_at: Option<Instant>,
    /// When the last probe of the run left, or the last answer came: the end of the figures'
    /// `time` (the final wait is not part of it, as in ping).
    last_activity: Option<Instant>,
    payload: Vec<u8>,
    start: Option<Instant>,
    deadline: Option<Instant>,
    in_flight: usize,
    /// Sequence numbers of a target cycle through this many from its first (`None`: all).
    seq_span: Option<u16>,
}

impl<C: Clock> Engine<C> {
    /// An engine for `targets`; the deadline runs from now.
    #[must_use]
    pub fn new(targets: Vec<Target>, schedule: Schedule, payload: Vec<u8>, clock: C) -> Self {
        let now = clock.now();
        // Room for the probes of a short counted run up front; a long run grows as it needs.
        let expected = schedule
            .count
            .map_or(0, |c| usize::try_from(c.min(1 << 10)).unwrap_or(0));
        let targets = targets
            .into_iter()
            .map(|target| TargetState {
                next_seq: target.first_seq,
                target,
                stats: RttStats::default(),
                rtts_us: RttSeries::new(RTTS_KEPT),
                sent: 0,
                outstanding: 0,
                next_due: now,
                last_sent: None,
                retired: false,
            })
            .collect::<Vec<_>>();
        Self {
            deadline: schedule.deadline.map(|d| now + d),
            // No more than the probes allowed in flight, when they are bounded (a trace's
            // hops): the rest of the room would be pages touched for nothing.
            probes: HashMap::with_capacity(
                schedule
                    .in_flight
                    .unwrap_or(usize::MAX)
                    .min(expected.saturating_mul(targets.len()))
                    .min(1 << 10),
            ),
            schedule,
            clock,
            targets,
            expiry: VecDeque::new(),
            answered: VecDeque::new(),
            end_at: None,
            last_activity: None,
            payload,
            start: None,
            in_flight: 0,
            seq_span: None,
        }
    }

    /// Each target's sequence numbers cycle through `span` values from its `first_seq`, so
    /// that many targets sharing one address (a probe per TTL) keep disjoint ranges for ever.
    #[must_use]
    pub fn cycle_seqs(mut self, span: u16) -> Self {
        self.seq_span = Some(span.max(1));
        self
    }

    /// Send probes to target `i` again after [`Engine::retire`].
    pub fn resume(&mut self, i: usize) {
        if let Some(t) = self.targets.get_mut(i) {
            t.retired = false;
        }
    }

    /// Send no more probes to target `i` (by its place in the list given to [`Engine::new`]);
    /// those already sent are still waited for. A path prober retires the TTLs beyond the
    /// end of the path once it is known.
    pub fn retire(&mut self, i: usize) {
        if let Some(t) = self.targets.get_mut(i) {
            t.retired = true;
        }
    }

    /// The schedule the engine runs.
    #[must_use]
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// One turn without waiting: receive up to `at_most` items, expire, send what is due.
    pub fn step<S: ProbeSocket>(
        &mut self,
        socket: &mut S,
        at_most: usize,
        emit: &mut dyn FnMut(Event),
    ) -> Result<Step> {
        let more_queued = self.receive(socket, at_most, emit)?;
        let now = self.clock.now();
        self.expire(now, emit);
        if self.deadline.is_some_and(|d| now >= d) || self.end_at.is_some_and(|e| now >= e) {
            return Ok(Step {
                sent: false,
                more_queued,
                finished: true,
                settled: false,
            });
        }
        let sent = self.send_due(now, socket, emit)?;
        let settled = self.done();
        if self.schedule.wait_at_end && self.end_at.is_none() && self.all_sent() {
            self.end_at = self.final_wait().map(|w| now + w);
        }
        Ok(Step {
            sent,
            more_queued,
            finished: settled,
            settled,
        })
    }

    /// Take up to `at_most` received items and match them; whether more may be queued.
    pub fn receive<S: ProbeSocket>(
        &mut self,
        socket: &mut S,
        at_most: usize,
        emit: &mut dyn FnMut(Event),
    ) -> Result<bool> {
        for _ in 0..at_most {
            let Some(received) = socket.try_recv()? else {
                return Ok(false);
            };
            self.handle(socket.ident(), received, emit);
        }
        Ok(true)
    }

    /// When the next turn is needed even if nothing arrives (`None`: only an arrival).
    #[must_use]
    pub fn next_wake(&self) -> Option<Instant> {
        [
            self.next_send(),
            self.expiry.front().map(|e| e.0),
            self.deadline,
            self.end_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// End the run: probes still waiting are lost, then one summary per target, in order.
    pub fn finish<S: ProbeSocket>(&mut self, socket: &S, emit: &mut dyn FnMut(Event)) {
        let mut end = self.clock.now();
        while let Some((at, addr, seq)) = self.expiry.pop_front() {
            self.time_out(at, addr, seq, emit);
        }
        if self.schedule.wait_at_end {
            // Ping's `time` runs to the last probe or answer, not through the final wait.
            end = self.last_activity.unwrap_or(end);
            let mut waiting: Vec<(Instant, IpAddr, u16)> = self
                .probes
                .iter()
                .filter(|(_, p)| p.waiting())
                .map(|(&(addr, seq), p)| (p.sent, addr, seq))
                .collect();
            waiting.sort_unstable();
            for (_, addr, seq) in waiting {
                if let Some(p) = self.probes.remove(&(addr, seq)) {
                    self.settle(p.target);
                    emit(Event::Timeout(Timeout {
                        target: self.targets[p.target].target.name.clone(),
                        seq,
                    }));
                }
            }
        }
        let time_ms = self.start.map_or(0, |s| {
            u64::try_from((end.saturating_duration_since(s).as_micros() + 500) / 1000)
                .unwrap_or(u64::MAX)
        });
        for t in &mut self.targets {
            let ipg_us = (t.stats.transmitted > 1).then(|| {
                let span = t
                    .last_sent
                    .zip(self.start)
                    .map_or(0, |(l, s)| l.saturating_duration_since(s).as_micros());
                u64::try_from(span / u128::from(t.stats.transmitted - 1)).unwrap_or(0)
            });
            emit(Event::Summary(Summary::new(
                t.target.name.clone(),
                t.target.addr,
                t.stats.clone(),
                std::mem::take(&mut t.rtts_us).into_vec(),
                time_ms,
                socket.method(t.target.addr),
                ipg_us,
            )));
        }
    }

    fn done(&self) -> bool {
        self.targets
            .iter()
            .all(|t| self.finished_sending(t) && t.outstanding == 0)
    }

    fn all_sent(&self) -> bool {
        self.targets.iter().all(|t| self.finished_sending(t))
    }

    /// How long to wait after the last probe (`None`: until the deadline), as ping: `wait`
    /// while nothing has come back, else twice the slowest round trip, at least one interval.
    fn final_wait(&self) -> Option<Duration> {
        if self.deadline.is_some() {
            return None;
        }
        let slowest = self
            .targets
            .iter()
            .filter_map(|t| t.stats.summary())
            .map(|s| s.max_us)
            .max();
        Some(match slowest {
            None => self.schedule.wait,
            Some(us) => (Duration::from_micros(us) * 2).max(self.schedule.interval),
        })
    }

    fn finished_sending(&self, t: &TargetState) -> bool {
        t.retired || self.schedule.count.is_some_and(|c| t.sent >= c)
    }

    fn window_full(&self) -> bool {
        self.schedule.in_flight.is_some_and(|n| self.in_flight >= n)
    }

    pub(super) fn busy_flood(&self) -> bool {
        self.schedule.flood && self.schedule.interval.is_zero()
    }

    /// When the target's next probe is due; `None` while a serial target waits for an answer.
    fn due_at(&self, t: &TargetState) -> Option<Instant> {
        if self.schedule.serial && t.outstanding > 0 {
            return None;
        }
        if self.busy_flood() && t.outstanding == 0 {
            return Some(t.last_sent.unwrap_or(t.next_due));
        }
        Some(t.next_due)
    }

    fn next_send(&self) -> Option<Instant> {
        if self.window_full() {
            return None;
        }
        self.targets
            .iter()
            .filter(|t| !self.finished_sending(t))
            .filter_map(|t| self.due_at(t))
            .min()
    }

    fn send_due<S: ProbeSocket>(
        &mut self,
        now: Instant,
        socket: &mut S,
        emit: &mut dyn FnMut(Event),
    ) -> Result<bool> {
        let mut sent = false;
        for i in 0..self.targets.len() {
            if self.window_full() {
                break;
            }
            let t = &self.targets[i];
            if self.finished_sending(t) || self.due_at(t).is_none_or(|due| due > now) {
                continue;
            }
            sent |= self.send_one(i, socket, emit)?;
        }
        Ok(sent)
    }

    /// Send the next probe of target `i`; false when the socket asked to try again later.
    fn send_one<S: ProbeSocket>(
        &mut self,
        i: usize,
        socket: &mut S,
        emit: &mut dyn FnMut(Event),
    ) -> Result<bool> {
        let t = &self.targets[i];
        let (addr, seq) = (t.target.addr, t.next_seq);
        let previous_pending = self
            .probes
            .get(&(addr, seq.wrapping_sub(1)))
            .is_some_and(|p| p.target == i && p.waiting());
        let probe = Probe {
            dest: addr,
            scope_id: t.target.scope_id,
            seq,
            ttl: t.target.ttl,
            flow: t.target.flow,
            payload: &self.payload,
        };
        let sent = self.clock.now();
        match socket.send(&probe) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) if t.sent == 0 && self.schedule.first_send_fatal => {
                return Err(Error::io(format!("send to {addr}"), e));
            }
            Err(e) => emit(Event::SendFailed(SendFailed {
                target: t.target.name.clone(),
                dest: addr,
                seq,
                error: e.to_string(),
            })),
        }
        self.start.get_or_insert(sent);
        self.last_activity = Some(sent);
        let step = if self.busy_flood() {
            FLOOD_STEP
        } else {
            self.schedule.interval
        };
        let t = &mut self.targets[i];
        t.stats.sent();
        t.sent += 1;
        t.next_seq = match self.seq_span {
            Some(span) => t
                .target
                .first_seq
                .wrapping_add(t.next_seq.wrapping_sub(t.target.first_seq).wrapping_add(1) % span),
            None => t.next_seq.wrapping_add(1),
        };
        t.outstanding += 1;
        t.last_sent = Some(sent);
        t.next_due = sent + step;
        let number = t.rtts_us.push();
        let name = t.target.name.clone();
        self.in_flight += 1;
        let fresh = Pending {
            target: i,
            sent,
            number,
            answered: false,
            failed: false,
        };
        if let Some(old) = self.probes.insert((addr, seq), fresh) {
            // The sequence numbers wrapped within one wait: the older probe is lost.
            if old.waiting() {
                self.settle(old.target);
                emit(Event::Timeout(Timeout {
                    target: self.targets[old.target].target.name.clone(),
                    seq,
                }));
            }
        }
        if !self.schedule.wait_at_end {
            self.expiry
                .push_back((sent + self.schedule.wait, addr, seq));
        }
        emit(Event::Sent(Sent {
            target: name,
            seq,
            previous_pending,
        }));
        Ok(true)
    }

    /// A probe of target `i` stopped waiting (answered, failed or expired).
    fn settle(&mut self, i: usize) {
        self.targets[i].outstanding -= 1;
        self.in_flight -= 1;
    }

    fn handle(&mut self, ident: u16, received: Received, emit: &mut dyn FnMut(Event)) {
        let at = received.at;
        match received.what {
            Answer::Reply {
                from,
                ident: got,
                seq,
                ttl,
                bytes,
                data,
                state,
            } => {
                if got.is_some_and(|g| g != ident) {
                    return;
                }
                // One target waited for as ping: an answer from another host (a broadcast
                // target's hosts) answers the probe of that sequence number.
                let key = if self.schedule.wait_at_end
                    && self.targets.len() == 1
                    && !self.probes.contains_key(&(from, seq))
                {
                    (self.targets[0].target.addr, seq)
                } else {
                    (from, seq)
                };
                let Some(p) = self.probes.get_mut(&key) else {
                    return;
                };
                let rtt_us = u64::try_from(at.saturating_duration_since(p.sent).as_micros())
                    .unwrap_or(u64::MAX);
                let dup = p.answered;
                let (i, number, was_waiting) = (p.target, p.number, p.waiting());
                p.answered = true;
                if was_waiting {
                    self.settle(i);
                }
                if !dup {
                    self.remember_answered(key.0, seq);
                }
                self.last_activity = Some(at);
                let t = &mut self.targets[i];
                if !dup {
                    t.rtts_us.set(number, rtt_us);
                }
                t.stats.reply(rtt_us, dup);
                t.stats.answered_with(t.sent.saturating_sub(number));
                emit(Event::Reply(Reply {
                    target: t.target.name.clone(),
                    seq,
                    from,
                    ttl,
                    bytes,
                    data,
                    rtt_us,
                    dup,
                    state,
                }));
            }
            Answer::IcmpError {
                from,
                quoted,
                icmp_type,
                icmp_code,
            } => {
                if quoted.ident.is_some_and(|g| g != ident) {
                    return;
                }
                let Some((i, sent)) = self.fail(quoted.dest, quoted.seq) else {
                    return;
                };
                emit(Event::IcmpError(IcmpError {
                    rtt_us: u64::try_from(at.saturating_duration_since(sent).as_micros())
                        .unwrap_or(u64::MAX),
                    target: self.targets[i].target.name.clone(),
                    seq: quoted.seq,
                    from,
                    error: error_text(quoted.dest.is_ipv6(), icmp_type, icmp_code),
                    icmp_type,
                    icmp_code,
                    quoted,
                }));
            }
            Answer::Failed { dest, seq, reason } => {
                let Some((i, _)) = self.fail(dest, seq) else {
                    return;
                };
                emit(Event::Failed(Failed {
                    target: self.targets[i].target.name.clone(),
                    seq,
                    from: super::event::Absent,
                    error: reason,
                    icmp_type: super::event::Absent,
                    icmp_code: super::event::Absent,
                }));
            }
            Answer::Corrupt { from } => emit(Event::Corrupt(Corrupt { from })),
            Answer::Other => {}
        }
    }

    /// How many probes the map of remembered probes has room for (its memory).
    #[cfg(test)]
    pub(super) fn remembered_capacity(&self) -> usize {
        self.probes.capacity()
    }

    /// Keep an answered probe for duplicates, forgetting the oldest beyond [`ANSWERED_KEPT`].
    fn remember_answered(&mut self, addr: IpAddr, seq: u16) {
        self.answered.push_back((addr, seq));
        if self.answered.len() > ANSWERED_KEPT
            && let Some(key) = self.answered.pop_front()
        {
            // A newer probe with the same key (after a wrap) may be waiting: keep it.
            if self.probes.get(&key).is_some_and(|p| p.answered) {
                self.probes.remove(&key);
            }
        }
    }

    /// Mark a waiting probe failed and count the error; its target and when it was sent, or
    /// `None` when no probe of that address and sequence is waiting.
    fn fail(&mut self, dest: IpAddr, seq: u16) -> Option<(usize, Instant)> {
        let p = self.probes.get_mut(&(dest, seq))?;
        if !p.waiting() {
            return None;
        }
        p.failed = true;
        let (i, sent) = (p.target, p.sent);
        if self.schedule.wait_at_end {
            // No expiry will forget it: nothing is left to match.
            self.probes.remove(&(dest, seq));
        }
        self.settle(i);
        self.targets[i].stats.error();
        Some((i, sent))
    }

    fn expire(&mut self, now: Instant, emit: &mut dyn FnMut(Event)) {
        while let Some(&(at, addr, seq)) = self.expiry.front() {
            if at > now {
                break;
            }
            self.expiry.pop_front();
            self.time_out(at, addr, seq, emit);
        }
    }

    /// Forget the probe whose wait ends at `at`; report it lost when it got no answer.
    fn time_out(&mut self, at: Instant, addr: IpAddr, seq: u16, emit: &mut dyn FnMut(Event)) {
        let key = (addr, seq);
        // A newer probe with the same sequence number (after a wrap) keeps its own wait.
        if self
            .probes
            .get(&key)
            .is_none_or(|p| p.sent + self.schedule.wait != at)
        {
            return;
        }
        let Some(p) = self.probes.remove(&key) else {
            return;
        };
        if p.waiting() {
            self.settle(p.target);
            emit(Event::Timeout(Timeout {
                target: self.targets[p.target].target.name.clone(),
                seq,
            }));
        }
    }
}
