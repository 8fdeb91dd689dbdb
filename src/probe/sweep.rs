//! The sweep engine: echo requests to every address of one range (`ping -g`), in address
//! order, with memory that does not grow with the range. [`super::Engine`] keeps a record per
//! target and per probe, which a /8 (16.7 million targets) cannot afford; this one keeps only
//! the targets that are open (probed, and not yet settled) in a window of compact [`Slot`]s,
//! finds the target of an answer by subtracting the range's first address from the sender's,
//! and hands each target's figures to the caller when it settles ([`SweepEvent::Closed`]), so
//! the caller decides what to keep: a row per target for a table, or running totals only.
//!
//! A target is open from its first probe until its last probe was answered or its wait ended.
//! The window holds at most [`SweepSchedule::window`] targets; targets settle in address order
//! (the one at the front first), so a dead host holds the window for one wait at most. Each
//! target remembers the send times of its last [`RING`] probes: an answer to an older probe
//! is ignored, and a probe that leaves the ring unanswered is lost (with `-i` shorter than
//! `-W`, a probe may thus be lost before its wait ends).

use std::collections::VecDeque;
use std::io;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::model::ping_stats::RttStats;
use crate::net::icmp::EchoData;

use super::engine::Clock;
use super::{Answer, Probe, ProbeSocket, Received};

/// Probes per target whose send times are remembered.
pub const RING: usize = 4;
/// The most answers taken, or probes sent, in one turn before the other half gets its turn:
/// on loopback each send queues its answer at once, so sends and receives take turns in
/// batches small enough for the socket's receive queue.
const BATCH: usize = 64;

/// How a sweep probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepSchedule {
    /// Probes per target.
    pub count: u64,
    /// Time between two probes to one target.
    pub interval: Duration,
    /// How long a probe is waited for.
    pub wait: Duration,
    /// Stop this long after the start, whatever is open.
    pub deadline: Option<Duration>,
    /// The most targets open at once.
    pub window: usize,
    /// The most probes waiting for an answer at once: on loopback every answer is queued on
    /// our socket as soon as its probe leaves, and a burst larger than the socket's receive
    /// queue would be dropped (and each lost answer would hold the window for a wait).
    pub in_flight: usize,
}

/// One open target: its running figures and its last probes.
#[derive(Debug, Clone)]
struct Slot {
    stats: RttStats,
    /// Probes that ended (answered, lost or failed).
    ended: u64,
    /// Send time of probe `n` (from 1) at `(n - 1) % RING`, in microseconds from the start.
    sent_us: [u64; RING],
    /// Bit `(n - 1) % RING`: probe `n` was answered or failed.
    settled: u8,
}

/// What a target's probes got, as the caller sees it.
#[derive(Debug, Clone, Copy)]
pub struct Tally<'a> {
    /// The target's running figures.
    pub stats: &'a RttStats,
    /// Probes that ended (answered, lost or failed) so far.
    pub ended: u64,
}

/// What the sweep tells its caller, one at a time.
#[derive(Debug)]
pub enum SweepEvent<'a> {
    /// An answer to probe `number` (from 1) of `addr`.
    Reply {
        /// The target.
        addr: IpAddr,
        /// Its probe's number among the target's probes, from 1.
        number: u64,
        /// The sequence number the probe carried.
        seq: u16,
        /// TTL or hop limit of the answer.
        ttl: Option<u8>,
        /// ICMP message length.
        bytes: usize,
        /// How the payload came back.
        data: EchoData,
        /// Round trip in microseconds.
        rtt_us: u64,
        /// A second answer to the same probe.
        dup: bool,
        /// The target so far.
        tally: Tally<'a>,
    },
    /// Probe `seq` of `addr` got no answer.
    Lost {
        /// The target.
        addr: IpAddr,
        /// Its number among the target's probes, from 1.
        number: u64,
        /// Its sequence number.
        seq: u16,
        /// The target so far.
        tally: Tally<'a>,
    },
    /// A router or the host reported an ICMP error about probe `seq` of `addr`.
    Error {
        /// The target.
        addr: IpAddr,
        /// Its number among the target's probes, from 1.
        number: u64,
        /// Its sequence number.
        seq: u16,
        /// Who reported it.
        from: IpAddr,
        /// ICMP type.
        icmp_type: u8,
        /// ICMP code.
        icmp_code: u8,
        /// The target so far.
        tally: Tally<'a>,
    },
    /// A probe could not be sent (it counts as sent, and is lost).
    SendFailed {
        /// The target.
        addr: IpAddr,
        /// The system's reason.
        error: io::Error,
    },
    /// Target number `index` (from 0, in address order) settled: its final figures.
    Closed {
        /// Its place in the range, from 0.
        index: u64,
        /// The target.
        addr: IpAddr,
        /// Its figures.
        stats: &'a RttStats,
    },
}

/// What one turn did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepStep {
    /// More can be done at once (a probe is due, or answers may be queued).
    pub busy: bool,
    /// Every target settled, or the deadline passed.
    pub finished: bool,
}

/// The state of one sweep over the range `first..=last`.
pub struct Sweep<C: Clock> {
    schedule: SweepSchedule,
    clock: C,
    start: Instant,
    first: u128,
    v6: bool,
    /// Addresses in the range.
    total: u64,
    /// The index of the target at the front of the window; the window holds
    /// `front..front + window.len()`.
    front: u64,
    window: VecDeque<Slot>,
    /// Targets with more probes to send, by when the next is due (µs from the start; the
    /// interval is the same for all, so pushing at the back keeps the order).
    again: VecDeque<(u64, u64)>,
    payload: Vec<u8>,
    /// When the last probe left or the last answer came (the end of the run's `time`).
    last_activity: Option<Instant>,
    /// Probes sent and not yet answered, failed or lost.
    outstanding: usize,
}

/// An address as a number, for arithmetic on ranges.
#[must_use]
pub fn number(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

impl<C: Clock> Sweep<C> {
    /// A sweep of `first..=last` (one family, `first <= last`); the deadline runs from now.
    #[must_use]
    pub fn new(
        first: IpAddr,
        last: IpAddr,
        schedule: SweepSchedule,
        payload: Vec<u8>,
        clock: C,
    ) -> Self {
        let start = clock.now();
        let span = number(last).saturating_sub(number(first));
        Self {
            schedule,
            clock,
            start,
            first: number(first),
            v6: first.is_ipv6(),
            total: u64::try_from(span).unwrap_or(u64::MAX - 1) + 1,
            front: 0,
            window: VecDeque::new(),
            again: VecDeque::new(),
            payload,
            last_activity: None,
            outstanding: 0,
        }
    }

    /// How many addresses the sweep covers.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Time from the start to the last probe or answer.
    #[must_use]
    pub fn elapsed(&self) -> Duration {
        self.last_activity
            .map_or(Duration::ZERO, |t| t.saturating_duration_since(self.start))
    }

    fn addr(&self, index: u64) -> IpAddr {
        let n = self.first + u128::from(index);
        if self.v6 {
            IpAddr::V6(n.into())
        } else {
            IpAddr::V4(u32::try_from(n).unwrap_or(u32::MAX).into())
        }
    }

    fn next_index(&self) -> u64 {
        self.front + self.window.len() as u64
    }

    /// One turn without waiting: take queued answers, settle the targets whose wait is over,
    /// send what is due.
    pub fn step<S: ProbeSocket>(
        &mut self,
        socket: &mut S,
        emit: &mut dyn FnMut(SweepEvent<'_>),
    ) -> Result<SweepStep> {
        let mut busy = false;
        for _ in 0..BATCH {
            let Some(received) = socket.try_recv()? else {
                break;
            };
            busy = true;
            self.handle(socket.ident(), received, emit);
        }
        let now = self.clock.now();
        if self
            .schedule
            .deadline
            .is_some_and(|d| now >= self.start + d)
        {
            return Ok(SweepStep {
                busy: false,
                finished: true,
            });
        }
        let now_us = micros(now.saturating_duration_since(self.start));
        self.settle_front(now_us, emit);
        let mut sent = 0;
        while sent < BATCH && self.outstanding < self.schedule.in_flight {
            match self.again.front() {
                Some(&(due, index)) if due <= now_us => {
                    if !self.send(index, socket, emit) {
                        break;
                    }
                    self.again.pop_front();
                    sent += 1;
                }
                _ => break,
            }
        }
        while sent < BATCH
            && self.outstanding < self.schedule.in_flight
            && self.window.len() < self.schedule.window
            && self.next_index() < self.total
        {
            self.window.push_back(Slot {
                stats: RttStats::default(),
                ended: 0,
                sent_us: [0; RING],
                settled: 0,
            });
            let index = self.next_index() - 1;
            if !self.send(index, socket, emit) {
                self.window.pop_back();
                break;
            }
            sent += 1;
        }
        busy |= sent > 0;
        Ok(SweepStep {
            busy,
            finished: self.window.is_empty() && self.next_index() >= self.total,
        })
    }

    /// Send the next probe of target `index`; false when the socket asked to wait.
    fn send<S: ProbeSocket>(
        &mut self,
        index: u64,
        socket: &mut S,
        emit: &mut dyn FnMut(SweepEvent<'_>),
    ) -> bool {
        let addr = self.addr(index);
        let Some(slot) = self
            .window
            .get(usize::try_from(index - self.front).unwrap_or(usize::MAX))
        else {
            return true;
        };
        let number = slot.stats.transmitted + 1;
        let probe = Probe {
            dest: addr,
            scope_id: 0,
            // Probe n carries sequence number n, as ping's first probe carries 1.
            seq: number as u16,
            ttl: None,
            flow: None,
            payload: &self.payload,
        };
        match socket.send(&probe) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
            Err(error) => emit(SweepEvent::SendFailed { addr, error }),
        }
        let now = self.clock.now();
        self.last_activity = Some(now);
        self.outstanding += 1;
        let now_us = micros(now.saturating_duration_since(self.start));
        let at = usize::try_from(index - self.front).unwrap_or(usize::MAX);
        let slot = &mut self.window[at];
        let ring = ((number - 1) % RING as u64) as usize;
        if number > RING as u64 && slot.settled & (1 << ring) == 0 {
            // The probe that held this place in the ring is forgotten unanswered: lost.
            slot.ended += 1;
            self.outstanding -= 1;
            let old = number - RING as u64;
            emit(SweepEvent::Lost {
                addr,
                number: old,
                seq: old as u16,
                tally: Tally {
                    stats: &slot.stats,
                    ended: slot.ended,
                },
            });
        }
        slot.stats.sent();
        slot.sent_us[ring] = now_us;
        slot.settled &= !(1 << ring);
        if number < self.schedule.count {
            self.again
                .push_back((now_us + micros(self.schedule.interval), index));
        }
        true
    }

    /// The probes of `slot` sent and not settled, oldest first: (number, ring place).
    fn unsettled(slot: &Slot) -> impl Iterator<Item = (u64, usize)> + '_ {
        let sent = slot.stats.transmitted;
        (sent.saturating_sub(RING as u64) + 1..=sent)
            .map(|n| (n, ((n - 1) % RING as u64) as usize))
            .filter(|&(_, r)| slot.settled & (1 << r) == 0)
    }

    /// Settle the targets at the front whose probes are all sent and all answered or waited for.
    fn settle_front(&mut self, now_us: u64, emit: &mut dyn FnMut(SweepEvent<'_>)) {
        let wait_us = micros(self.schedule.wait);
        while let Some(slot) = self.window.front() {
            if slot.stats.transmitted < self.schedule.count {
                break;
            }
            let last = ((slot.stats.transmitted - 1) % RING as u64) as usize;
            let open = Self::unsettled(slot).next().is_some();
            if open && now_us < slot.sent_us[last] + wait_us {
                break;
            }
            self.close_front(emit);
        }
    }

    /// Close the target at the front: its unsettled probes are lost.
    fn close_front(&mut self, emit: &mut dyn FnMut(SweepEvent<'_>)) {
        let Some(mut slot) = self.window.pop_front() else {
            return;
        };
        let index = self.front;
        self.front += 1;
        let addr = self.addr(index);
        let lost: Vec<(u64, usize)> = Self::unsettled(&slot).collect();
        for (number, _) in lost {
            slot.ended += 1;
            self.outstanding -= 1;
            emit(SweepEvent::Lost {
                addr,
                number,
                seq: number as u16,
                tally: Tally {
                    stats: &slot.stats,
                    ended: slot.ended,
                },
            });
        }
        emit(SweepEvent::Closed {
            index,
            addr,
            stats: &slot.stats,
        });
    }

    /// The open target that `addr` is, with its place in the window.
    fn slot_of(&self, addr: IpAddr) -> Option<usize> {
        if addr.is_ipv6() != self.v6 {
            return None;
        }
        let index = u64::try_from(number(addr).checked_sub(self.first)?).ok()?;
        let at = usize::try_from(index.checked_sub(self.front)?).ok()?;
        (at < self.window.len()).then_some(at)
    }

    /// The probe of `slot` that carries `seq` among those remembered: (number, ring place).
    fn probe_of(slot: &Slot, seq: u16) -> Option<(u64, usize)> {
        let sent = slot.stats.transmitted;
        (sent.saturating_sub(RING as u64) + 1..=sent)
            .find(|&n| n as u16 == seq)
            .map(|n| (n, ((n - 1) % RING as u64) as usize))
    }

    fn handle(&mut self, ident: u16, received: Received, emit: &mut dyn FnMut(SweepEvent<'_>)) {
        let at_us = micros(received.at.saturating_duration_since(self.start));
        match received.what {
            Answer::Reply {
                from,
                ident: got,
                seq,
                ttl,
                bytes,
                data,
                ..
            } => {
                if got.is_some_and(|g| g != ident) {
                    return;
                }
                let Some(at) = self.slot_of(from) else {
                    return;
                };
                let index = self.front + at as u64;
                let slot = &mut self.window[at];
                let Some((number, ring)) = Self::probe_of(slot, seq) else {
                    return;
                };
                let rtt_us = at_us.saturating_sub(slot.sent_us[ring]);
                let dup = slot.settled & (1 << ring) != 0;
                if !dup {
                    slot.settled |= 1 << ring;
                    slot.ended += 1;
                    self.outstanding -= 1;
                }
                slot.stats.reply(rtt_us, dup);
                slot.stats
                    .answered_with(slot.stats.transmitted.saturating_sub(number) + 1);
                self.last_activity = Some(received.at);
                let addr = self.addr(index);
                let slot = &self.window[at];
                emit(SweepEvent::Reply {
                    addr,
                    number,
                    seq,
                    ttl,
                    bytes,
                    data,
                    rtt_us,
                    dup,
                    tally: Tally {
                        stats: &slot.stats,
                        ended: slot.ended,
                    },
                });
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
                let Some(at) = self.slot_of(quoted.dest) else {
                    return;
                };
                let index = self.front + at as u64;
                let slot = &mut self.window[at];
                let Some((number, ring)) = Self::probe_of(slot, quoted.seq) else {
                    return;
                };
                if slot.settled & (1 << ring) != 0 {
                    return;
                }
                slot.settled |= 1 << ring;
                slot.ended += 1;
                self.outstanding -= 1;
                slot.stats.error();
                let addr = self.addr(index);
                let slot = &self.window[at];
                emit(SweepEvent::Error {
                    addr,
                    number,
                    seq: quoted.seq,
                    from,
                    icmp_type,
                    icmp_code,
                    tally: Tally {
                        stats: &slot.stats,
                        ended: slot.ended,
                    },
                });
            }
            Answer::Failed { .. } | Answer::Corrupt { .. } | Answer::Other => {}
        }
    }

    /// When the next turn is needed if nothing arrives (`None`: only an arrival).
    #[must_use]
    pub fn next_wake(&self) -> Option<Instant> {
        let wait_us = micros(self.schedule.wait);
        let front = self.window.front().and_then(|slot| {
            (slot.stats.transmitted >= self.schedule.count).then(|| {
                let last = ((slot.stats.transmitted - 1) % RING as u64) as usize;
                slot.sent_us[last] + wait_us
            })
        });
        let again = self.again.front().map(|&(due, _)| due);
        let at = [front, again].into_iter().flatten().min();
        let at = at.map(|us| self.start + Duration::from_micros(us));
        let deadline = self.schedule.deadline.map(|d| self.start + d);
        [at, deadline].into_iter().flatten().min()
    }

    /// End the sweep: every open target settles (its unanswered probes lost). Targets never
    /// probed (after a deadline or Ctrl-C) are not reported.
    pub fn finish(&mut self, emit: &mut dyn FnMut(SweepEvent<'_>)) {
        while !self.window.is_empty() {
            self.close_front(emit);
        }
        self.again.clear();
    }
}

/// Drive `sweep` until every target settled, the deadline passed or `stop` completed, then
/// settle what is open.
pub async fn run<S: ProbeSocket, C: Clock>(
    sweep: &mut Sweep<C>,
    socket: &mut S,
    stop: impl std::future::Future<Output = ()>,
    emit: &mut dyn FnMut(SweepEvent<'_>),
) -> Result<()> {
    tokio::pin!(stop);
    let mut busy_turns = 0u32;
    loop {
        let step = sweep.step(socket, emit)?;
        if step.finished {
            break;
        }
        if step.busy {
            if super::driver::busy_turn(&mut busy_turns, stop.as_mut()).await {
                break;
            }
            continue;
        }
        tokio::select! {
            biased;
            () = &mut stop => break,
            r = socket.readable() => r?,
            () = super::driver::until_wake(sweep.next_wake()) => {}
        }
    }
    sweep.finish(emit);
    Ok(())
}
