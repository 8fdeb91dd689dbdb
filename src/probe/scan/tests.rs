//! The port prober's state machine against a fake network and a clock set by hand: no root,
//! no sockets, no waiting. The fake answers each probe as its port's [`Behaviour`] says, and
//! its `wait` moves the clock forward instead of sleeping, so every time below is exact.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::*;
use crate::model::port_state::{Evidence, IcmpError, judge_tcp};
use crate::model::scan_pacing::MIN_TIMEOUT;

const MS: Duration = Duration::from_millis(1);

#[derive(Clone)]
struct FakeClock(Rc<Cell<Instant>>);

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.0.get()
    }
}

/// What the fake network does with a probe to a port.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Answers inside `send`.
    AtOnce(Answer),
    /// Answers this long after the probe.
    After(Duration, Answer),
    /// Drops the first try; answers the others this long after.
    DropFirst(Duration, Answer),
    /// Never answers.
    Silent,
    /// Out of sockets on the first try; answers the others at once.
    BusyFirst(Answer),
}

/// One probe as the network saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sent {
    /// When, since the start.
    at: Duration,
    port: u16,
    /// Probes in flight when it went.
    in_flight: usize,
}

struct Net {
    clock: Rc<Cell<Instant>>,
    t0: Instant,
    ports: HashMap<u16, Behaviour>,
    tries: HashMap<SocketAddr, u8>,
    /// Answers on their way: (due, probe id, answer).
    pending: Vec<(Instant, usize, Answer)>,
    live: HashSet<usize>,
    max_live: usize,
    sent: Vec<Sent>,
    waits: u32,
}

impl Net {
    fn new() -> Self {
        let t0 = Instant::now();
        Self {
            clock: Rc::new(Cell::new(t0)),
            t0,
            ports: HashMap::new(),
            tries: HashMap::new(),
            pending: Vec::new(),
            live: HashSet::new(),
            max_live: 0,
            sent: Vec::new(),
            waits: 0,
        }
    }

    fn with(mut self, ports: impl IntoIterator<Item = u16>, behaviour: Behaviour) -> Self {
        for port in ports {
            self.ports.insert(port, behaviour);
        }
        self
    }

    fn now(&self) -> Instant {
        self.clock.get()
    }

    fn take_due(&mut self, out: &mut Vec<(usize, Answer)>) {
        let now = self.now();
        self.pending.sort_by_key(|p| p.0);
        let due = self.pending.iter().take_while(|p| p.0 <= now).count();
        out.extend(self.pending.drain(..due).map(|(_, id, a)| (id, a)));
    }
}

impl Prober for Net {
    fn send(&mut self, id: usize, target: SocketAddr) -> io::Result<Option<Answer>> {
        let tries = self.tries.entry(target).or_default();
        *tries += 1;
        let first = *tries == 1;
        let behaviour = self.ports[&target.port()];
        if let (Behaviour::BusyFirst(_), true) = (behaviour, first) {
            return Err(io::Error::new(io::ErrorKind::WouldBlock, "busy"));
        }
        self.sent.push(Sent {
            at: self.now() - self.t0,
            port: target.port(),
            in_flight: self.live.len(),
        });
        assert!(self.live.insert(id), "id {id} handed out twice");
        self.max_live = self.max_live.max(self.live.len());
        let later = |delay: Duration, answer| Some((self.now() + delay, id, answer));
        let (now, later) = match behaviour {
            Behaviour::AtOnce(a) | Behaviour::BusyFirst(a) => (Some(a), None),
            Behaviour::After(delay, a) => (None, later(delay, a)),
            Behaviour::DropFirst(delay, a) if !first => (None, later(delay, a)),
            Behaviour::DropFirst(..) | Behaviour::Silent => (None, None),
        };
        self.pending.extend(later);
        Ok(now)
    }

    /// Hand out what is due; when nothing is, move the clock to the next answer or by `wait`.
    fn wait(&mut self, wait: Duration, out: &mut Vec<(usize, Answer)>) -> io::Result<()> {
        self.waits += 1;
        assert!(self.waits < 1_000_000, "the scan never ends");
        self.take_due(out);
        if out.is_empty() {
            let next = self.pending.iter().map(|p| p.0).min();
            let until = next.map_or(self.now() + wait, |at| at.min(self.now() + wait));
            self.clock.set(until.max(self.now()));
            self.take_due(out);
        }
        Ok(())
    }

    fn finish(&mut self, id: usize) {
        assert!(self.live.remove(&id), "id {id} finished twice");
        self.pending.retain(|p| p.1 != id);
    }
}

fn settings(window: usize, retries: u8, timeout: Duration) -> Settings {
    Settings {
        window,
        rate: None,
        retries,
        timeout,
        judge: judge_tcp,
    }
}

fn host(addr: &str) -> Host {
    Host {
        addr: addr.parse::<IpAddr>().unwrap().into(),
        name: None,
    }
}

/// A judged port: host, port, state, evidence, tries.
type Seen = (IpAddr, u16, PortState, Evidence, u8);

struct Outcome {
    seen: Vec<Seen>,
    done: Vec<IpAddr>,
    totals: Totals,
}

fn scan(net: &mut Net, hosts: Vec<Host>, ports: &[u16], s: &Settings) -> Outcome {
    let (mut seen, mut done) = (Vec::new(), Vec::new());
    let stop = AtomicBool::new(false);
    let clock = FakeClock(Rc::clone(&net.clock));
    let totals = run(
        net,
        &clock,
        &mut hosts.into_iter(),
        ports,
        s,
        &stop,
        &mut |e| {
            match e {
                Event::Port(h, r) => {
                    seen.push((
                        h.addr.ip,
                        r.port,
                        r.verdict.state,
                        r.verdict.evidence,
                        r.tries,
                    ));
                }
                Event::HostDone(h, c) => {
                    assert_eq!(c.total(), ports.len() as u64);
                    done.push(h.addr.ip);
                }
                Event::Tick(_) => {}
            }
            Ok(())
        },
    )
    .unwrap();
    seen.sort_by_key(|s| (s.0, s.1));
    assert!(net.live.is_empty(), "every probe was finished");
    Outcome { seen, done, totals }
}

/// When each probe to `port` went, in ms since the start.
fn sent_to(net: &Net, port: u16) -> Vec<u128> {
    net.sent
        .iter()
        .filter(|s| s.port == port)
        .map(|s| s.at.as_millis())
        .collect()
}

#[test]
fn every_answer_becomes_its_state() {
    let icmp = IcmpError {
        v6: false,
        kind: 3,
        code: 13,
    };
    // "Fragmentation needed" decides nothing: the probe times out and is tried again.
    let frag = IcmpError { code: 4, ..icmp };
    let mut net = Net::new()
        .with([1], Behaviour::AtOnce(Answer::Connected))
        .with([2], Behaviour::After(MS, Answer::Reset))
        .with([3], Behaviour::Silent)
        .with([4], Behaviour::DropFirst(MS, Answer::Connected))
        .with([5], Behaviour::BusyFirst(Answer::Reset))
        .with([6], Behaviour::After(MS, Answer::Icmp(icmp)))
        .with([7], Behaviour::After(MS, Answer::Icmp(frag)));
    let ip: IpAddr = "10.0.0.1".parse().unwrap();
    let out = scan(
        &mut net,
        vec![host("10.0.0.1")],
        &[1, 2, 3, 4, 5, 6, 7],
        &settings(8, 1, 30 * MS),
    );
    assert_eq!(
        out.seen,
        [
            (ip, 1, PortState::Open, Evidence::Handshake, 1),
            (ip, 2, PortState::Closed, Evidence::Rst, 1),
            (ip, 3, PortState::Filtered, Evidence::NoAnswer, 2),
            (ip, 4, PortState::Open, Evidence::Handshake, 2),
            (ip, 5, PortState::Closed, Evidence::Rst, 1),
            (ip, 6, PortState::Filtered, Evidence::IcmpUnreachable, 1),
            (ip, 7, PortState::Filtered, Evidence::NoAnswer, 2),
        ]
    );
    assert_eq!(out.done, [ip]);
    // Ports 3, 4 and 7 were sent twice; port 5's busy first try never left.
    assert_eq!(out.totals.sent, 10);
    assert_eq!(net.sent.len(), 10);
    assert_eq!(out.totals.counts.of(PortState::Open), 2);
    assert_eq!(out.totals.counts.of(PortState::Filtered), 3);
}

#[test]
fn a_silent_port_is_retried_one_timeout_apart_then_filtered() {
    let mut net = Net::new().with([9], Behaviour::Silent);
    let out = scan(
        &mut net,
        vec![host("10.0.0.1")],
        &[9],
        &settings(4, 2, 1000 * MS),
    );
    assert_eq!(out.seen[0].2, PortState::Filtered);
    assert_eq!((out.seen[0].4, out.totals.sent), (3, 3));
    // No answer was ever timed, so every try waits the whole --timeout.
    assert_eq!(sent_to(&net, 9), [0, 1000, 2000]);
    assert_eq!(out.totals.elapsed, 3000 * MS);
}

#[test]
fn no_retries_means_one_try() {
    let mut net = Net::new().with([9], Behaviour::Silent);
    let out = scan(&mut net, vec![host("::1")], &[9], &settings(4, 0, 30 * MS));
    assert_eq!(out.seen[0].2, PortState::Filtered);
    assert_eq!((out.seen[0].4, out.totals.sent), (1, 1));
    assert_eq!(out.totals.elapsed, 30 * MS);
}

#[test]
fn the_timeout_shrinks_to_what_the_target_answers() {
    // One probe at a time: ten ports answer 5 ms after their probe, then one never does.
    let mut net = Net::new()
        .with(1..=10, Behaviour::After(5 * MS, Answer::Reset))
        .with([11], Behaviour::Silent);
    let ports: Vec<u16> = (1..=11).collect();
    let out = scan(
        &mut net,
        vec![host("10.0.0.1")],
        &ports,
        &settings(1, 1, 1000 * MS),
    );
    assert_eq!(sent_to(&net, 10), [45]);
    // Waited for the floor of the adaptive timeout, not the 1 s ceiling, and tried again.
    let floor = MIN_TIMEOUT.as_millis();
    assert_eq!(sent_to(&net, 11), [50, 50 + floor]);
    assert_eq!(out.totals.elapsed, 50 * MS + 2 * MIN_TIMEOUT);
    assert_eq!(out.seen[10].2, PortState::Filtered);
}

#[test]
fn a_slow_target_is_waited_for_up_to_the_ceiling() {
    // Answers after 400 ms would ask for 400 + 4 × 200 ms; the ceiling is 600 ms.
    let mut net = Net::new()
        .with([1], Behaviour::After(400 * MS, Answer::Connected))
        .with([2], Behaviour::Silent);
    let out = scan(
        &mut net,
        vec![host("10.0.0.1")],
        &[1, 2],
        &settings(1, 1, 600 * MS),
    );
    assert_eq!(sent_to(&net, 2), [400, 1000]);
    assert_eq!(out.totals.elapsed, 1600 * MS);
}

#[test]
fn the_rate_spaces_the_probes() {
    let mut net = Net::new().with(1..=5, Behaviour::AtOnce(Answer::Reset));
    let s = Settings {
        rate: Some(100),
        ..settings(64, 0, 1000 * MS)
    };
    let out = scan(&mut net, vec![host("10.0.0.1")], &[1, 2, 3, 4, 5], &s);
    let at: Vec<u128> = net.sent.iter().map(|s| s.at.as_millis()).collect();
    // 100 a second: one every 10 ms (a burst of one), however wide the window.
    assert_eq!(at, [0, 10, 20, 30, 40]);
    assert_eq!(out.totals.sent, 5);
}

#[test]
fn a_lost_first_try_halves_the_window_and_answers_grow_it_back() {
    // Eight probes lose their first try; the answers to their retries halve the window eight
    // times, down to one. Then each answer to a first try widens it by one.
    let mut net = Net::new()
        .with(1..=8, Behaviour::DropFirst(MS, Answer::Reset))
        .with(9..=40, Behaviour::After(MS, Answer::Reset));
    let ports: Vec<u16> = (1..=40).collect();
    let out = scan(
        &mut net,
        vec![host("10.0.0.1")],
        &ports,
        &settings(8, 1, 100 * MS),
    );
    assert_eq!(out.seen.len(), 40);
    assert_eq!(net.max_live, 8);
    let mut per_ms: Vec<(u128, usize)> = Vec::new();
    for s in net.sent.iter().filter(|s| s.port > 8) {
        match per_ms.last_mut() {
            Some((at, n)) if *at == s.at.as_millis() => *n += 1,
            _ => per_ms.push((s.at.as_millis(), 1)),
        }
    }
    // One round trip (1 ms) at a time: 1, 2, 4, then the cap of 8.
    assert_eq!(
        per_ms,
        [
            (101, 1),
            (102, 2),
            (103, 4),
            (104, 8),
            (105, 8),
            (106, 8),
            (107, 1)
        ]
    );
}

#[test]
fn the_window_is_never_exceeded() {
    let mut net = Net::new().with(1..=40, Behaviour::Silent);
    let ports: Vec<u16> = (1..=40).collect();
    let out = scan(
        &mut net,
        vec![host("10.0.0.1")],
        &ports,
        &settings(3, 0, 30 * MS),
    );
    assert_eq!(out.seen.len(), 40);
    assert_eq!(net.max_live, 3);
    assert!(net.sent.iter().all(|s| s.in_flight < 3));
}

#[test]
fn hosts_finish_in_the_order_given_and_probes_interleave() {
    let mut net = Net::new()
        .with([22], Behaviour::After(MS, Answer::Connected))
        .with([80], Behaviour::AtOnce(Answer::Reset));
    let hosts: Vec<Host> = (1..=9).map(|i| host(&format!("10.0.0.{i}"))).collect();
    let want: Vec<IpAddr> = hosts.iter().map(|h| h.addr.ip).collect();
    let out = scan(&mut net, hosts, &[22, 80], &settings(2, 0, 30 * MS));
    assert_eq!(out.done, want);
    assert_eq!(out.seen.len(), 18);
    assert_eq!(out.totals.hosts, 9);
    // Port-major within a group of hosts: the first host's second probe comes after the
    // other hosts of its group had their first.
    assert_eq!(net.sent[1].port, 22);
    assert_eq!(net.tries.len(), 18);
}

#[test]
fn a_stop_ends_the_scan_early() {
    let mut net = Net::new().with([1], Behaviour::Silent);
    let stop = AtomicBool::new(true);
    let clock = FakeClock(Rc::clone(&net.clock));
    let totals = run(
        &mut net,
        &clock,
        &mut std::iter::once(host("10.0.0.1")),
        &[1],
        &settings(1, 0, 30 * MS),
        &stop,
        &mut |_| Ok(()),
    )
    .unwrap();
    assert!(totals.interrupted);
    assert_eq!((totals.hosts, totals.sent), (0, 0));
}

#[test]
fn groups_fill_the_window() {
    assert_eq!(group_size(512, 65_535), 4);
    assert_eq!(group_size(512, 100), 21);
    assert_eq!(group_size(512, 1), 2048);
    assert_eq!(group_size(100_000, 1), 4096);
}
