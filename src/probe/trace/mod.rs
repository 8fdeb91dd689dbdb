//! The path prober: probes with rising TTL toward one target, run by the probe engine
//! ([`crate::probe::Engine`]), and one [`ProbeEvent`] per probe. It never prints.
//!
//! Each TTL is one engine target (the same address, its own TTL and its own range of probe
//! numbers), so the engine's pacing, in-flight window, expiry and matching serve every hop at
//! once: a trace takes about one round trip plus whatever a silent hop makes it wait, not a
//! round trip per hop. An ICMP error is matched to its probe by the datagram it quotes; this
//! module turns the engine's events into hop outcomes and, once the end of the path is known
//! (where the target answered, or an unreachable error came from), retires the TTLs beyond it.
//! The first probes go out one TTL a turn (without waiting), reading what came back before the
//! next, so that on a fast path no probe goes past an end already known.
//! [`socket::TraceSockets`] is the socket on the network; the tests drive a scripted fake.

mod hub;
pub mod socket;

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::IpAddr;
use std::rc::Rc;
use std::time::Duration;

use crate::error::Result;
use crate::model::trace::packet::SEQ_SPACE;
use crate::model::trace::{MplsLabel, Outcome, Path, Protocol, Reply, classify_error};
use crate::probe::driver::until_wake;
use crate::probe::{Engine, Event, ProbeSocket, Schedule, SystemClock, Target};

/// MPLS labels quoted by ICMP errors, by probe number: the socket fills it, the prober takes
/// them when the engine hands it the error.
pub type MplsTable = Rc<RefCell<HashMap<u16, Vec<MplsLabel>>>>;

/// How a trace paces its probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// First TTL (`-f`).
    pub first_ttl: u8,
    /// Last TTL (`-m`).
    pub max_ttl: u8,
    /// Rounds (probes per hop); `None` until stopped.
    pub rounds: Option<u32>,
    /// Least time between two probes of one hop.
    pub interval: Duration,
    /// How long a probe is waited for (`-w`).
    pub wait: Duration,
    /// Probes in flight at most.
    pub window: usize,
}

/// How one probe ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeEvent {
    /// Its round, from 1.
    pub round: u32,
    /// Its TTL.
    pub ttl: u8,
    /// Its number.
    pub seq: u16,
    /// The outcome.
    pub outcome: Outcome,
    /// ICMP type and code of the answer.
    pub icmp: Option<(u8, u8)>,
}

/// Probe numbers: each TTL owns `span` consecutive numbers below [`SEQ_SPACE`].
#[derive(Debug, Clone, Copy)]
struct Numbering {
    first_ttl: u8,
    span: u16,
}

impl Numbering {
    fn new(pacing: &Pacing) -> Self {
        let hops = u16::from(pacing.max_ttl - pacing.first_ttl) + 1;
        Self {
            first_ttl: pacing.first_ttl,
            span: (SEQ_SPACE / hops).max(1),
        }
    }

    fn first_seq(self, ttl: u8) -> u16 {
        u16::from(ttl - self.first_ttl) * self.span
    }

    fn ttl(self, seq: u16) -> u8 {
        self.first_ttl
            .saturating_add(u8::try_from(seq / self.span).unwrap_or(u8::MAX))
    }
}

/// What the prober keeps while the engine runs.
struct Tracker<'a, F: FnMut(ProbeEvent)> {
    target: IpAddr,
    protocol: Protocol,
    numbering: Numbering,
    path: Path,
    /// Probes sent per TTL so far, and the round of each probe number in flight.
    sent: Vec<u32>,
    rounds: HashMap<u16, u32>,
    /// Per TTL: whether a probe has ended (answered or lost).
    settled: Vec<bool>,
    mpls: &'a MplsTable,
    emit: F,
}

impl<F: FnMut(ProbeEvent)> Tracker<'_, F> {
    fn event(&mut self, event: Event) {
        let (seq, outcome, icmp) = match event {
            Event::Sent(s) => {
                let ttl = self.numbering.ttl(s.seq);
                let index = usize::from(ttl - self.numbering.first_ttl);
                self.sent[index] += 1;
                self.rounds.insert(s.seq, self.sent[index]);
                return;
            }
            Event::Reply(r) if !r.dup => {
                let icmp = (self.protocol == Protocol::Icmp).then_some(if self.target.is_ipv6() {
                    (129, 0)
                } else {
                    (0, 0)
                });
                let outcome = Outcome::Answered {
                    from: r.from,
                    rtt_us: r.rtt_us,
                    reply: Reply::Reached,
                    mpls: Vec::new(),
                };
                (r.seq, outcome, icmp)
            }
            Event::IcmpError(e) => {
                let mpls = self.mpls.borrow_mut().remove(&e.seq).unwrap_or_default();
                let from_target = e.from == self.target;
                let outcome = match classify_error(
                    self.target.is_ipv6(),
                    e.icmp_type,
                    e.icmp_code,
                    from_target,
                ) {
                    Some(reply) => Outcome::Answered {
                        from: e.from,
                        rtt_us: e.rtt_us,
                        reply,
                        mpls,
                    },
                    None => Outcome::Lost,
                };
                (e.seq, outcome, Some((e.icmp_type, e.icmp_code)))
            }
            Event::Timeout(t) => (t.seq, Outcome::Lost, None),
            _ => return,
        };
        let ttl = self.numbering.ttl(seq);
        self.settled[usize::from(ttl - self.numbering.first_ttl)] = true;
        self.path.record(ttl, &outcome);
        (self.emit)(ProbeEvent {
            round: self.rounds.remove(&seq).unwrap_or(1),
            ttl,
            seq,
            outcome,
            icmp,
        });
    }
}

/// How many hops the first probes reach, and how many join each time the path goes on.
const FIRST_REACH: u8 = 8;

/// Let the next hops join when the outermost hop reached has settled its first probe and the
/// end of the path is not known yet; whether any joined.
fn extend_reach<C: crate::probe::Clock, F: FnMut(ProbeEvent)>(
    engine: &mut Engine<C>,
    tracker: &Tracker<'_, F>,
    reach: &mut u8,
    pacing: &Pacing,
) -> bool {
    let outermost = usize::from(*reach - pacing.first_ttl);
    let end_unknown = tracker.path.end() >= pacing.max_ttl && !tracker.path.reached();
    if *reach >= pacing.max_ttl || !end_unknown || !tracker.settled[outermost] {
        return false;
    }
    let next = pacing.max_ttl.min(reach.saturating_add(FIRST_REACH));
    for ttl in *reach + 1..=next {
        engine.resume(usize::from(ttl - pacing.first_ttl));
    }
    *reach = next;
    true
}

/// The first probes of the reach go out one TTL a turn, each turn reading what has come back
/// before the next TTL goes: where answers arrive while probes are still being sent (a short
/// path, a fast link), the end of the path is known before any probe goes past it. Elsewhere
/// the turns pass without waiting, and the reach leaves at once as before.
struct Ramp {
    /// The next TTL whose first probe is to go; `None` once every TTL of the reach (up to the
    /// end of the path) has gone.
    next: Option<u16>,
}

impl Ramp {
    /// Hold every TTL until its turn.
    fn start<C: crate::probe::Clock>(engine: &mut Engine<C>, pacing: &Pacing) -> Self {
        for ttl in pacing.first_ttl..=pacing.max_ttl {
            engine.retire(usize::from(ttl - pacing.first_ttl));
        }
        Self {
            next: Some(u16::from(pacing.first_ttl)),
        }
    }

    /// Before a turn: let the next TTL up to `limit` (the reach or the known end) go, holding
    /// the TTLs gone before so that their next rounds wait for the ramp; past `limit`, let
    /// every TTL up to it go on. Whether the ramp goes on.
    fn turn<C: crate::probe::Clock>(
        &mut self,
        engine: &mut Engine<C>,
        limit: u8,
        pacing: &Pacing,
    ) -> bool {
        let Some(next) = self.next else {
            return false;
        };
        let first = u16::from(pacing.first_ttl);
        let index = |ttl: u16| usize::from(ttl - first);
        if next > u16::from(limit) {
            self.next = None;
            for ttl in first..=u16::from(limit) {
                engine.resume(index(ttl));
            }
            return false;
        }
        for ttl in first..next {
            engine.retire(index(ttl));
        }
        engine.resume(index(next));
        self.next = Some(next + 1);
        true
    }
}

/// Trace `target` through `socket` until every round is done, handing every probe's end to
/// `emit`. Probes are given up after the wait; answers after that, and duplicates, are ignored.
/// `mpls` is the table the socket files quoted labels in.
pub async fn run<S: ProbeSocket>(
    socket: &mut S,
    target: IpAddr,
    protocol: Protocol,
    pacing: Pacing,
    mpls: &MplsTable,
    emit: impl FnMut(ProbeEvent),
) -> Result<()> {
    let numbering = Numbering::new(&pacing);
    let targets = (pacing.first_ttl..=pacing.max_ttl)
        .map(|ttl| Target {
            ttl: Some(ttl),
            first_seq: numbering.first_seq(ttl),
            ..Target::new(&target.to_string(), target)
        })
        .collect();
    let schedule = Schedule {
        count: pacing.rounds.map(u64::from),
        interval: pacing.interval,
        wait: pacing.wait,
        in_flight: Some(pacing.window),
        ..Schedule::default()
    };
    let mut engine =
        Engine::new(targets, schedule, Vec::new(), SystemClock).cycle_seqs(numbering.span);
    let mut tracker = Tracker {
        target,
        protocol,
        numbering,
        path: Path::new(target, pacing.first_ttl, pacing.max_ttl),
        sent: vec![0; usize::from(pacing.max_ttl - pacing.first_ttl) + 1],
        rounds: HashMap::new(),
        settled: vec![false; usize::from(pacing.max_ttl - pacing.first_ttl) + 1],
        mpls,
        emit,
    };
    // The first probes reach FIRST_REACH hops; each time the outermost of them has its first
    // answer (or loss) and the path goes on, the next as many hops join. Most paths end well
    // within the first reach, and the probes beyond the end, which cross the whole path and
    // come back, are the costly ones.
    let mut reach = pacing
        .max_ttl
        .min(pacing.first_ttl.saturating_add(FIRST_REACH - 1));
    let mut ramp = Ramp::start(&mut engine, &pacing);
    loop {
        let more_queued = engine.receive(socket, 4096, &mut |e| tracker.event(e))?;
        let mut extended = extend_reach(&mut engine, &tracker, &mut reach, &pacing);
        // No probe beyond the end of the path once it is known, from this turn's sends on.
        let end = tracker.path.end().max(pacing.first_ttl);
        let ramping = ramp.turn(&mut engine, reach.min(end), &pacing);
        for ttl in end.saturating_add(1)..=reach {
            engine.retire(usize::from(ttl - pacing.first_ttl));
        }
        if engine.step(socket, 0, &mut |e| tracker.event(e))?.finished && !ramping {
            // A loss at the edge of the reach may have ended the turn: go further if it did.
            extended = extend_reach(&mut engine, &tracker, &mut reach, &pacing);
            if !extended {
                break;
            }
        }
        if more_queued || extended || ramping {
            continue;
        }
        tokio::select! {
            r = socket.readable() => r?,
            () = until_wake(engine.next_wake()) => {}
        }
    }
    engine.finish(socket, &mut |e| tracker.event(e));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::io;
    use std::time::Instant;

    use super::*;
    use crate::model::trace::Annotation;
    use crate::net::privilege::Method;
    use crate::probe::{Answer, Probe, Quoted, Received};

    /// A scripted network: hop `i` (1-based) is router `10.0.i.1`, the target sits at hop
    /// `target_hop`; some hops never answer, one answers every probe twice. Answers are there
    /// as soon as the probe is sent (as on a path of namespaces), or, `held`, only once the
    /// prober waits (as on a path whose round trip outlasts a burst of sends).
    struct FakeNet {
        held: bool,
        later: VecDeque<Answer>,
        target: IpAddr,
        target_hop: u8,
        silent: Vec<u8>,
        unreachable_at: Option<u8>,
        doubled: Option<u8>,
        queue: VecDeque<Answer>,
        mpls: Option<(u8, Vec<MplsLabel>)>,
        labels: MplsTable,
        sent: Vec<(u16, u8)>,
    }

    impl FakeNet {
        fn new(target_hop: u8) -> Self {
            Self {
                held: false,
                later: VecDeque::new(),
                target: "10.0.9.9".parse().unwrap(),
                target_hop,
                silent: Vec::new(),
                unreachable_at: None,
                doubled: None,
                queue: VecDeque::new(),
                mpls: None,
                labels: MplsTable::default(),
                sent: Vec::new(),
            }
        }
    }

    /// The answer of `from` to probe `seq`: an echo reply from the target, else an ICMP error.
    fn answer(target: IpAddr, from: IpAddr, seq: u16, error: Option<(u8, u8)>) -> Answer {
        match error {
            None => Answer::Reply {
                from,
                ident: None,
                seq,
                ttl: None,
                bytes: 0,
                data: crate::probe::EchoData::Intact,
                state: None,
            },
            Some((icmp_type, icmp_code)) => Answer::IcmpError {
                from,
                quoted: Quoted {
                    dest: target,
                    ident: None,
                    seq,
                },
                icmp_type,
                icmp_code,
            },
        }
    }

    impl ProbeSocket for FakeNet {
        fn send(&mut self, probe: &Probe<'_>) -> io::Result<()> {
            let ttl = probe.ttl.unwrap();
            self.sent.push((probe.seq, ttl));
            if self.silent.contains(&ttl) {
                return Ok(());
            }
            let router = format!("10.0.{ttl}.1").parse().unwrap();
            let (from, error) = match self.unreachable_at {
                Some(u) if ttl >= u => (format!("10.0.{u}.1").parse().unwrap(), Some((3, 0))),
                _ if ttl >= self.target_hop => (self.target, None),
                _ => (router, Some((11, 0))),
            };
            if let Some((at, labels)) = &self.mpls
                && *at == ttl
            {
                self.labels.borrow_mut().insert(probe.seq, labels.clone());
            }
            let answer = answer(self.target, from, probe.seq, error);
            let queue = if self.held {
                &mut self.later
            } else {
                &mut self.queue
            };
            if self.doubled == Some(ttl) {
                queue.push_back(answer.clone());
            }
            queue.push_back(answer);
            Ok(())
        }

        async fn readable(&mut self) -> Result<()> {
            self.queue.append(&mut self.later);
            if self.queue.is_empty() {
                std::future::pending::<()>().await;
            }
            Ok(())
        }

        fn try_recv(&mut self) -> Result<Option<Received>> {
            Ok(self.queue.pop_front().map(|what| Received {
                at: Instant::now(),
                what,
            }))
        }

        fn ident(&self) -> u16 {
            0
        }

        fn method(&self, _dest: IpAddr) -> Method {
            Method::Raw
        }
    }

    fn pacing(rounds: u32) -> Pacing {
        Pacing {
            first_ttl: 1,
            max_ttl: 8,
            rounds: Some(rounds),
            interval: Duration::ZERO,
            wait: Duration::from_millis(60),
            window: 16,
        }
    }

    fn trace(net: &mut FakeNet, pacing: Pacing) -> (Vec<ProbeEvent>, Path) {
        let rt = crate::runtime::current_thread().unwrap();
        let mut events = Vec::new();
        let target = net.target;
        let labels = net.labels.clone();
        rt.block_on(run(net, target, Protocol::Icmp, pacing, &labels, |e| {
            events.push(e);
        }))
        .unwrap();
        let mut path = Path::new(target, pacing.first_ttl, pacing.max_ttl);
        for e in &events {
            path.record(e.ttl, &e.outcome);
        }
        (events, path)
    }

    #[test]
    fn every_probe_ends_once_and_the_path_stops_at_the_target() {
        let mut net = FakeNet::new(4);
        let (events, path) = trace(&mut net, pacing(3));
        // The target answered TTL 4 before TTL 5 was due: no probe went past it.
        assert_eq!(net.sent.len(), 4 + 4 + 4);
        assert_eq!(events.len(), net.sent.len());
        assert!(path.reached());
        let hops = path.hops();
        assert_eq!(hops.len(), 4);
        for hop in hops {
            assert_eq!((hop.sent, hop.received), (3, 3), "hop {}", hop.ttl);
        }
        assert_eq!(hops[3].addrs[0].addr, net.target);
        assert_eq!(hops[0].addrs[0].addr.to_string(), "10.0.1.1");
    }

    #[test]
    fn silent_hop_times_out_and_the_trace_goes_on() {
        let mut net = FakeNet::new(4);
        net.silent = vec![2];
        let (events, path) = trace(&mut net, pacing(2));
        let lost: Vec<u8> = events
            .iter()
            .filter(|e| e.outcome == Outcome::Lost)
            .map(|e| e.ttl)
            .collect();
        assert_eq!(lost, [2, 2]);
        assert!(path.reached());
        assert_eq!(path.hops()[1].received, 0);
        assert_eq!(path.hops()[2].received, 2);
    }

    #[test]
    fn duplicates_are_not_counted_twice() {
        let mut net = FakeNet::new(3);
        net.doubled = Some(2);
        let (events, path) = trace(&mut net, pacing(2));
        assert_eq!(events.iter().filter(|e| e.ttl == 2).count(), 2);
        assert_eq!((path.hops()[1].sent, path.hops()[1].received), (2, 2));
    }

    #[test]
    fn unreachable_ends_the_path_unreached() {
        let mut net = FakeNet::new(6);
        net.unreachable_at = Some(2);
        let (_, path) = trace(&mut net, pacing(2));
        assert!(!path.reached());
        assert_eq!(path.hops().len(), 2);
        assert_eq!(path.hops()[1].annotation, Some(Annotation::Network));
    }

    #[test]
    fn silent_target_is_probed_to_the_last_ttl() {
        let mut net = FakeNet::new(200);
        net.silent = (4..=8).collect();
        let (events, path) = trace(&mut net, pacing(1));
        assert_eq!(events.len(), 8);
        assert!(!path.reached());
        assert_eq!(path.hops().len(), 8);
    }

    #[test]
    fn rounds_icmp_types_and_mpls_labels_reach_each_probe() {
        let mut net = FakeNet::new(3);
        let label = MplsLabel {
            label: 16,
            tc: 0,
            s: true,
            ttl: 1,
        };
        net.mpls = Some((2, vec![label]));
        let (events, _) = trace(&mut net, pacing(2));
        let hop2: Vec<&ProbeEvent> = events.iter().filter(|e| e.ttl == 2).collect();
        assert_eq!(hop2.iter().map(|e| e.round).collect::<Vec<_>>(), [1, 2]);
        for e in hop2 {
            assert_eq!(e.icmp, Some((11, 0)));
            let Outcome::Answered { reply, mpls, .. } = &e.outcome else {
                panic!("hop 2 lost");
            };
            assert_eq!(
                (reply, mpls.as_slice()),
                (&Reply::TimeExceeded, &[label][..])
            );
        }
        let reached = events.iter().find(|e| e.ttl == 3).unwrap();
        assert_eq!(reached.icmp, Some((0, 0)));
    }

    #[test]
    fn the_first_probes_reach_eight_hops_and_more_join_while_the_path_goes_on() {
        // Answers there at once: the target's answer to TTL 4 stops the ramp. Nothing back
        // during the burst: eight hops at first (not the whole window) and their second
        // round with them, then the third up to the target.
        for (held, sent, firsts) in [(false, 4 + 4 + 4, 4u8), (true, 8 + 8 + 4, 8)] {
            let mut net = FakeNet::new(4);
            net.held = held;
            let (_, path) = trace(
                &mut net,
                Pacing {
                    max_ttl: 20,
                    ..pacing(3)
                },
            );
            assert!(path.reached());
            assert_eq!(net.sent.len(), sent, "held: {held}");
            let ttls: Vec<u8> = net.sent[..usize::from(firsts)]
                .iter()
                .map(|s| s.1)
                .collect();
            assert_eq!(
                ttls,
                (1..=firsts).collect::<Vec<u8>>(),
                "one TTL after the other"
            );
        }
        let mut net = FakeNet::new(200);
        net.silent = (12..=20).collect();
        let (events, path) = trace(
            &mut net,
            Pacing {
                max_ttl: 20,
                ..pacing(1)
            },
        );
        assert!(!path.reached());
        let mut ttls: Vec<u8> = events.iter().map(|e| e.ttl).collect();
        ttls.sort_unstable();
        assert_eq!(ttls, (1..=20).collect::<Vec<u8>>());
    }
}
