//! The trace prober: probes with rising TTL toward one target, each answer matched to its probe,
//! and one [`ProbeEvent`] per probe. It never prints.
//!
//! [`run`] drives a [`Schedule`] (which probe leaves when, which is given up when) over any
//! [`ProbeSocket`]: [`socket::TraceSockets`] on the network, a scripted fake in the tests.

pub mod schedule;
pub mod socket;

use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::time::Instant;

use crate::model::trace::{MplsLabel, Outcome, Path, Reply};

pub use schedule::{Pacing, Schedule};

/// An answer to one probe, as a socket decoded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The probe's number.
    pub seq: u16,
    /// Who answered.
    pub from: IpAddr,
    /// What the answer means.
    pub reply: Reply,
    /// ICMP type and code, when the answer was ICMP.
    pub icmp: Option<(u8, u8)>,
    /// MPLS labels quoted with it.
    pub mpls: Vec<MplsLabel>,
}

/// Sends probes and reads what comes back.
pub trait ProbeSocket {
    /// Send probe `seq` with TTL `ttl`.
    fn send(&mut self, seq: u16, ttl: u8) -> io::Result<()>;
    /// Wait until something may be read.
    fn readable(&self) -> impl Future<Output = io::Result<()>>;
    /// Read one thing without waiting: `Ok(None)` when nothing is queued, `Ok(Some(None))` for
    /// something that is not an answer to this trace.
    fn try_recv(&mut self) -> io::Result<Option<Option<Answer>>>;
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

/// Trace `target` through `socket` until the schedule is done, handing every probe's end to
/// `emit`. Probes are given up after the wait; answers after that, and duplicates, are ignored.
pub async fn run<S: ProbeSocket>(
    socket: &mut S,
    target: IpAddr,
    pacing: Pacing,
    mut emit: impl FnMut(ProbeEvent),
) -> io::Result<()> {
    let mut path = Path::new(target, pacing.first_ttl, pacing.max_ttl);
    let mut schedule = Schedule::new(pacing, Instant::now());
    loop {
        let now = Instant::now();
        while let Some(probe) = schedule.next_probe(now) {
            match socket.send(probe.seq, probe.ttl) {
                // A full send queue or a route the kernel refuses this moment: the probe
                // is lost like any other.
                Ok(()) => {}
                Err(e) if is_transient(&e) => {}
                Err(e) => return Err(e),
            }
        }
        for probe in schedule.expire(now) {
            path.record(probe.ttl, &Outcome::Lost);
            emit(ProbeEvent {
                round: probe.round,
                ttl: probe.ttl,
                seq: probe.seq,
                outcome: Outcome::Lost,
                icmp: None,
            });
        }
        if schedule.finished() {
            return Ok(());
        }
        let wake = schedule.next_wake().unwrap_or(now + pacing.wait);
        tokio::select! {
            ready = socket.readable() => {
                ready?;
                // Bounded: at most a burst's worth per wake-up, the rest on the next pass.
                for _ in 0..256 {
                    let Some(got) = socket.try_recv()? else { break };
                    let Some(answer) = got else { continue };
                    let Some(probe) = schedule.answer(answer.seq) else { continue };
                    let rtt = Instant::now().saturating_duration_since(probe.sent_at);
                    let outcome = Outcome::Answered {
                        from: answer.from,
                        rtt_us: u64::try_from(rtt.as_micros()).unwrap_or(u64::MAX),
                        reply: answer.reply,
                        mpls: answer.mpls,
                    };
                    path.record(probe.ttl, &outcome);
                    schedule.set_end(path.end());
                    emit(ProbeEvent {
                        round: probe.round,
                        ttl: probe.ttl,
                        seq: probe.seq,
                        outcome,
                        icmp: answer.icmp,
                    });
                }
            }
            () = tokio::time::sleep_until(wake.into()) => {}
        }
    }
}

fn is_transient(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::WouldBlock
        || matches!(
            err.raw_os_error(),
            Some(libc::ENOBUFS | libc::EHOSTUNREACH | libc::ENETUNREACH | libc::EMSGSIZE)
        )
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::time::Duration;

    use super::*;
    use crate::model::trace::Annotation;

    /// A scripted network: hop `i` (1-based) is router `10.0.i.1`, the target sits at hop
    /// `target_hop`; some hops never answer, one answers every probe twice.
    struct FakeNet {
        target: IpAddr,
        target_hop: u8,
        silent: Vec<u8>,
        unreachable_at: Option<u8>,
        doubled: Option<u8>,
        queue: VecDeque<Answer>,
        sent: Vec<(u16, u8)>,
    }

    impl FakeNet {
        fn new(target_hop: u8) -> Self {
            Self {
                target: "10.0.9.9".parse().unwrap(),
                target_hop,
                silent: Vec::new(),
                unreachable_at: None,
                doubled: None,
                queue: VecDeque::new(),
                sent: Vec::new(),
            }
        }
    }

    impl ProbeSocket for FakeNet {
        fn send(&mut self, seq: u16, ttl: u8) -> io::Result<()> {
            self.sent.push((seq, ttl));
            if self.silent.contains(&ttl) {
                return Ok(());
            }
            let router = format!("10.0.{ttl}.1").parse().unwrap();
            let (from, reply) = match self.unreachable_at {
                Some(u) if ttl >= u => (
                    format!("10.0.{u}.1").parse().unwrap(),
                    Reply::Unreachable {
                        annotation: Annotation::Network,
                    },
                ),
                _ if ttl >= self.target_hop => (self.target, Reply::Reached),
                _ => (router, Reply::TimeExceeded),
            };
            let answer = Answer {
                seq,
                from,
                reply,
                icmp: None,
                mpls: Vec::new(),
            };
            if self.doubled == Some(ttl) {
                self.queue.push_back(answer.clone());
            }
            self.queue.push_back(answer);
            Ok(())
        }

        async fn readable(&self) -> io::Result<()> {
            if self.queue.is_empty() {
                std::future::pending::<()>().await;
            }
            Ok(())
        }

        fn try_recv(&mut self) -> io::Result<Option<Option<Answer>>> {
            Ok(self.queue.pop_front().map(Some))
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
        rt.block_on(run(net, target, pacing, |e| events.push(e)))
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
        // Round 1 reached every TTL up to 8 before the end was known; rounds 2-3 stop at 4.
        assert_eq!(net.sent.len(), 8 + 4 + 4);
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
}
