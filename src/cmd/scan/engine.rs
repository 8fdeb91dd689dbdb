//! The scan scheduler: walks targets × ports lazily, keeps at most a window of probes in flight,
//! paces them to `--rate`, expires the unanswered after the adaptive timeout, retries them, and
//! judges each port once. It works through any [`Prober`] (connect, SYN, UDP, or a fake in the
//! tests) and reports through a callback; it never prints.
//!
//! Memory is bounded whatever the number of targets: hosts are taken from their iterator a
//! group at a time (enough to keep the window full), probes go port by port across the group
//! so no one host gets them all at once, and a host is forgotten once its last port is judged.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::model::address::ScopedAddr;
use crate::model::port_state::{Answer, PortState, Verdict};
use crate::model::scan_pacing::{RttEstimate, TokenBucket, Window};
use crate::net::port_probe::Prober;

/// The longest single wait, so that an interrupt and the progress line are seen promptly.
const MAX_WAIT: Duration = Duration::from_millis(100);
/// The most probes sent between two looks at the answers, so results stream out steadily
/// (and are not held in memory) even when every probe is answered as it is sent.
const BATCH: usize = 256;
/// How often a progress tick is reported.
const TICK: Duration = Duration::from_millis(250);

/// One host to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// Its address.
    pub addr: IpAddr,
    /// The interface index of its IPv6 zone; 0: none.
    pub scope_id: u32,
    /// The name it was given by, if any.
    pub name: Option<String>,
}

/// How the scheduler paces and judges.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The most probes in flight at once (`--concurrency`).
    pub window: usize,
    /// Probes a second (`--rate`), or no limit.
    pub rate: Option<u32>,
    /// Tries after the first for a probe that goes unanswered (`--retries`).
    pub retries: u8,
    /// The longest wait for an answer (`--timeout`); shorter once round trips are known.
    pub timeout: Duration,
    /// How an answer becomes a verdict (TCP or UDP rules).
    pub judge: fn(Answer) -> Option<Verdict>,
}

/// The judgement of one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortResult {
    /// The port.
    pub port: u16,
    /// Its state and evidence.
    pub verdict: Verdict,
    /// The round trip of the answer (none for silence).
    pub rtt: Option<Duration>,
    /// How many probes were sent to it.
    pub tries: u8,
}

/// Ports counted by state: open, closed, filtered, open|filtered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts(pub [u64; 4]);

impl Counts {
    fn add(&mut self, state: PortState) {
        self.0[state as usize] += 1;
    }

    /// How many ports are in `state`.
    #[must_use]
    pub fn of(&self, state: PortState) -> u64 {
        self.0[state as usize]
    }

    /// Every port counted.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    fn merge(&mut self, other: &Self) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }
}

/// What the scheduler reports, as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    /// A port was judged.
    Port(&'a Host, PortResult),
    /// Every port of a host was judged (hosts finish in the order they were given).
    HostDone(&'a Host, &'a Counts),
    /// Every quarter second: how many ports have been judged so far.
    Tick(u64),
}

/// The whole scan, at its end.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Hosts fully scanned.
    pub hosts: u64,
    /// Ports by state, over all hosts.
    pub counts: Counts,
    /// Probes sent, retries included.
    pub sent: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Whether Ctrl-C ended the scan early.
    pub interrupted: bool,
}

#[derive(Debug, Clone, Copy)]
struct Job {
    host: u64,
    addr: IpAddr,
    scope_id: u32,
    port: u16,
    tries: u8,
}

#[derive(Debug, Clone, Copy)]
struct Flight {
    job: Job,
    sent: Instant,
    generation: u64,
}

struct HostEntry {
    host: Host,
    remaining: usize,
    counts: Counts,
}

/// Hosts in the order they were taken, until their last port is judged.
#[derive(Default)]
struct HostBook {
    first: u64,
    entries: VecDeque<HostEntry>,
}

impl HostBook {
    fn entry(&mut self, id: u64) -> Option<&mut HostEntry> {
        let at = usize::try_from(id.checked_sub(self.first)?).ok()?;
        self.entries.get_mut(at)
    }
}

/// The jobs of a group of hosts, port-major: every host's first port, then every host's second.
struct Jobs<'p> {
    ports: &'p [u16],
    group_size: usize,
    group: Vec<(u64, IpAddr, u32)>,
    port_at: usize,
    host_at: usize,
    next_id: u64,
}

impl Jobs<'_> {
    fn next(&mut self, hosts: &mut dyn Iterator<Item = Host>, book: &mut HostBook) -> Option<Job> {
        loop {
            if let Some(&(host, addr, scope_id)) = self.group.get(self.host_at) {
                self.host_at += 1;
                return Some(Job {
                    host,
                    addr,
                    scope_id,
                    port: self.ports[self.port_at],
                    tries: 1,
                });
            }
            if !self.group.is_empty() && self.port_at + 1 < self.ports.len() {
                self.port_at += 1;
                self.host_at = 0;
                continue;
            }
            self.group.clear();
            (self.port_at, self.host_at) = (0, 0);
            for host in (&mut *hosts).take(self.group_size) {
                self.group.push((self.next_id, host.addr, host.scope_id));
                book.entries.push_back(HostEntry {
                    host,
                    remaining: self.ports.len(),
                    counts: Counts::default(),
                });
                self.next_id += 1;
            }
            if self.group.is_empty() {
                return None;
            }
        }
    }
}

/// How many hosts to take at once: enough that the window is filled four times over by their
/// ports, at least 4 and at most 4,096.
fn group_size(window: usize, ports: usize) -> usize {
    (window * 4).div_ceil(ports.max(1)).clamp(4, 4096)
}

/// The scheduler's state for one scan.
struct Scan<'s> {
    settings: &'s Settings,
    window: Window,
    rtt: RttEstimate,
    flights: Vec<Option<Flight>>,
    free: Vec<usize>,
    in_flight: usize,
    generation: u64,
    expiry: BinaryHeap<Reverse<(Instant, usize, u64)>>,
    retry: VecDeque<Job>,
    /// Ports judged since the last report.
    judged: Vec<(Job, PortResult)>,
    sent: u64,
}

impl Scan<'_> {
    /// Send `job`'s probe. An answer that came at once is judged at once.
    fn start(&mut self, prober: &mut dyn Prober, job: Job) -> io::Result<()> {
        let now = Instant::now();
        let id = self.free.pop().unwrap_or_else(|| {
            self.flights.push(None);
            self.flights.len() - 1
        });
        let dest = ScopedAddr {
            scope_id: job.scope_id,
            ..job.addr.into()
        };
        let answer = match prober.send(id, dest.socket_addr(job.port)) {
            Ok(answer) => answer,
            Err(e) => {
                self.free.push(id);
                return Err(e);
            }
        };
        self.generation += 1;
        self.flights[id] = Some(Flight {
            job,
            sent: now,
            generation: self.generation,
        });
        self.in_flight += 1;
        self.sent += 1;
        self.expiry
            .push(Reverse((now + self.rtt.timeout(), id, self.generation)));
        if let Some(answer) = answer {
            self.answer(prober, id, answer, Instant::now());
        }
        Ok(())
    }

    /// Take flight `id` off the books and release what its prober holds for it.
    fn land(&mut self, prober: &mut dyn Prober, id: usize) -> Option<Flight> {
        let flight = self.flights.get_mut(id)?.take()?;
        self.free.push(id);
        self.in_flight -= 1;
        prober.finish(id);
        Some(flight)
    }

    /// An answer for flight `id`: judged, or ignored when it decides nothing.
    fn answer(&mut self, prober: &mut dyn Prober, id: usize, answer: Answer, now: Instant) {
        let Some(verdict) = (self.settings.judge)(answer) else {
            return;
        };
        let Some(flight) = self.land(prober, id) else {
            return;
        };
        let rtt = now.saturating_duration_since(flight.sent);
        if flight.job.tries == 1 {
            // Karn's rule: only an answer to a first try times the path.
            self.rtt.sample(rtt);
            self.window.on_answer();
        } else {
            self.window.on_loss();
        }
        self.judged.push((
            flight.job,
            PortResult {
                port: flight.job.port,
                verdict,
                rtt: Some(rtt),
                tries: flight.job.tries,
            },
        ));
    }

    /// Retry or give up on every flight whose time is up.
    fn expire(&mut self, prober: &mut dyn Prober, now: Instant) {
        while let Some(&Reverse((deadline, id, generation))) = self.expiry.peek() {
            if deadline > now {
                break;
            }
            self.expiry.pop();
            let current = self.flights[id].is_some_and(|f| f.generation == generation);
            if !current {
                continue;
            }
            let Some(flight) = self.land(prober, id) else {
                continue;
            };
            let job = flight.job;
            if job.tries <= self.settings.retries {
                self.retry.push_back(Job {
                    tries: job.tries + 1,
                    ..job
                });
            } else if let Some(verdict) = (self.settings.judge)(Answer::Silence) {
                self.judged.push((
                    job,
                    PortResult {
                        port: job.port,
                        verdict,
                        rtt: None,
                        tries: job.tries,
                    },
                ));
            }
        }
    }
}

/// Scan `ports` of every host from `hosts` through `prober`, reporting to `sink` as ports are
/// judged, until done or `stop` is set.
pub fn run(
    prober: &mut dyn Prober,
    hosts: &mut dyn Iterator<Item = Host>,
    ports: &[u16],
    settings: &Settings,
    stop: &AtomicBool,
    sink: &mut dyn FnMut(Event<'_>) -> Result<()>,
) -> Result<Totals> {
    let started = Instant::now();
    let mut scan = Scan {
        settings,
        window: Window::new(settings.window),
        rtt: RttEstimate::new(settings.timeout),
        flights: Vec::new(),
        free: Vec::new(),
        in_flight: 0,
        generation: 0,
        expiry: BinaryHeap::new(),
        retry: VecDeque::new(),
        judged: Vec::new(),
        sent: 0,
    };
    let mut bucket = TokenBucket::new(settings.rate);
    let mut book = HostBook::default();
    let mut jobs = Jobs {
        ports,
        group_size: group_size(settings.window, ports.len()),
        group: Vec::new(),
        port_at: 0,
        host_at: 0,
        next_id: 0,
    };
    let mut totals = Totals::default();
    let mut answers = Vec::new();
    let mut judged_count = 0u64;
    let mut next_tick = started + TICK;
    let mut exhausted = false;
    loop {
        if stop.load(Ordering::Relaxed) {
            totals.interrupted = true;
            break;
        }
        let now = Instant::now();
        scan.expire(prober, now);
        let mut pause: Option<Duration> = None;
        let mut batch = 0;
        while scan.in_flight < scan.window.limit() && batch < BATCH {
            batch += 1;
            let job = match scan.retry.pop_front() {
                Some(job) => job,
                None if exhausted => break,
                None => match jobs.next(hosts, &mut book) {
                    Some(job) => job,
                    None => {
                        exhausted = true;
                        break;
                    }
                },
            };
            if let Err(wait) = bucket.take(now.duration_since(started)) {
                scan.retry.push_front(job);
                pause = Some(wait);
                break;
            }
            match scan.start(prober, job) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // Out of sockets or local ports: fewer in flight, and a moment for the
                    // kernel to free some.
                    scan.retry.push_front(job);
                    scan.window.on_loss();
                    pause = Some(Duration::from_millis(1));
                    break;
                }
                Err(e) => {
                    return Err(Error::io(
                        format!("probe {}", SocketAddr::new(job.addr, job.port)),
                        e,
                    ));
                }
            }
        }
        judged_count += report(&mut scan.judged, &mut book, &mut totals, sink)?;
        if exhausted && scan.in_flight == 0 && scan.retry.is_empty() {
            break;
        }
        let until_expiry = scan.expiry.peek().map_or(MAX_WAIT, |Reverse((at, _, _))| {
            at.saturating_duration_since(now)
        });
        let can_send = scan.in_flight < scan.window.limit()
            && pause.is_none()
            && !(exhausted && scan.retry.is_empty());
        let wait = if can_send {
            Duration::ZERO
        } else {
            until_expiry.min(pause.unwrap_or(MAX_WAIT)).min(MAX_WAIT)
        };
        prober
            .wait(wait, &mut answers)
            .map_err(|e| Error::io("wait for answers", e))?;
        let now = Instant::now();
        for (id, answer) in answers.drain(..) {
            scan.answer(prober, id, answer, now);
        }
        judged_count += report(&mut scan.judged, &mut book, &mut totals, sink)?;
        if now >= next_tick {
            next_tick = now + TICK;
            sink(Event::Tick(judged_count))?;
        }
    }
    totals.sent = scan.sent;
    totals.elapsed = started.elapsed();
    Ok(totals)
}

/// Hand the judged ports to `sink`, then every host at the front whose ports are all judged.
fn report(
    judged: &mut Vec<(Job, PortResult)>,
    book: &mut HostBook,
    totals: &mut Totals,
    sink: &mut dyn FnMut(Event<'_>) -> Result<()>,
) -> Result<u64> {
    let n = judged.len() as u64;
    for (job, result) in judged.drain(..) {
        if let Some(entry) = book.entry(job.host) {
            entry.remaining -= 1;
            entry.counts.add(result.verdict.state);
            sink(Event::Port(&entry.host, result))?;
        }
    }
    while book.entries.front().is_some_and(|e| e.remaining == 0) {
        if let Some(done) = book.entries.pop_front() {
            book.first += 1;
            totals.hosts += 1;
            totals.counts.merge(&done.counts);
            sink(Event::HostDone(&done.host, &done.counts))?;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::model::port_state::{Evidence, judge_tcp};

    /// What the fake network does with a probe to a port, by try number.
    #[derive(Clone, Copy)]
    enum Behaviour {
        /// Answers inside `send`.
        AtOnce(Answer),
        /// Answers at the next wait.
        Later(Answer),
        /// Drops the first try, answers the others at the next wait.
        DropFirst(Answer),
        /// Never answers.
        Silent,
        /// Out of sockets on the first try.
        BusyFirst(Answer),
    }

    #[derive(Default)]
    struct Fake {
        ports: HashMap<u16, Behaviour>,
        tries: HashMap<SocketAddr, u8>,
        queued: Vec<(usize, Answer)>,
        live: std::collections::HashSet<usize>,
        max_live: usize,
        sent: Vec<SocketAddr>,
    }

    impl Prober for Fake {
        fn send(&mut self, id: usize, target: SocketAddr) -> io::Result<Option<Answer>> {
            let tries = self.tries.entry(target).or_default();
            *tries += 1;
            let first = *tries == 1;
            let behaviour = self.ports[&target.port()];
            if let (Behaviour::BusyFirst(_), true) = (behaviour, first) {
                return Err(io::Error::new(io::ErrorKind::WouldBlock, "busy"));
            }
            assert!(self.live.insert(id), "id {id} handed out twice");
            self.max_live = self.max_live.max(self.live.len());
            self.sent.push(target);
            Ok(match behaviour {
                Behaviour::AtOnce(a) => Some(a),
                Behaviour::Later(a) | Behaviour::BusyFirst(a) => {
                    self.queued.push((id, a));
                    None
                }
                Behaviour::DropFirst(a) => {
                    if !first {
                        self.queued.push((id, a));
                    }
                    None
                }
                Behaviour::Silent => None,
            })
        }

        fn wait(&mut self, wait: Duration, out: &mut Vec<(usize, Answer)>) -> io::Result<()> {
            if self.queued.is_empty() {
                std::thread::sleep(wait);
            }
            out.append(&mut self.queued);
            Ok(())
        }

        fn finish(&mut self, id: usize) {
            assert!(self.live.remove(&id), "id {id} finished twice");
        }
    }

    fn settings(window: usize, retries: u8) -> Settings {
        Settings {
            window,
            rate: None,
            retries,
            timeout: Duration::from_millis(30),
            judge: judge_tcp,
        }
    }

    fn host(addr: &str) -> Host {
        Host {
            addr: addr.parse().unwrap(),
            scope_id: 0,
            name: None,
        }
    }

    type Seen = Vec<(IpAddr, u16, PortState, Evidence, u8)>;

    fn scan(
        fake: &mut Fake,
        hosts: Vec<Host>,
        ports: &[u16],
        s: &Settings,
    ) -> (Seen, Vec<IpAddr>, Totals) {
        let (mut seen, mut done) = (Vec::new(), Vec::new());
        let stop = AtomicBool::new(false);
        let totals = run(fake, &mut hosts.into_iter(), ports, s, &stop, &mut |e| {
            match e {
                Event::Port(h, r) => {
                    seen.push((h.addr, r.port, r.verdict.state, r.verdict.evidence, r.tries));
                }
                Event::HostDone(h, c) => {
                    assert_eq!(c.total(), ports.len() as u64);
                    done.push(h.addr);
                }
                Event::Tick(_) => {}
            }
            Ok(())
        })
        .unwrap();
        seen.sort_by_key(|s| (s.0, s.1));
        (seen, done, totals)
    }

    #[test]
    fn every_answer_becomes_its_state() {
        let mut fake = Fake::default();
        fake.ports.insert(1, Behaviour::AtOnce(Answer::Connected));
        fake.ports.insert(2, Behaviour::Later(Answer::Reset));
        fake.ports.insert(3, Behaviour::Silent);
        fake.ports
            .insert(4, Behaviour::DropFirst(Answer::Connected));
        fake.ports.insert(5, Behaviour::BusyFirst(Answer::Reset));
        let icmp = crate::model::port_state::IcmpError {
            v6: false,
            kind: 3,
            code: 13,
        };
        fake.ports.insert(6, Behaviour::Later(Answer::Icmp(icmp)));
        // "Fragmentation needed" decides nothing: the probe times out and is tried again.
        let frag = crate::model::port_state::IcmpError { code: 4, ..icmp };
        fake.ports.insert(7, Behaviour::Later(Answer::Icmp(frag)));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let (seen, done, totals) = scan(
            &mut fake,
            vec![host("10.0.0.1")],
            &[1, 2, 3, 4, 5, 6, 7],
            &settings(8, 1),
        );
        assert_eq!(
            seen,
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
        assert_eq!(done, [ip]);
        // Ports 3, 4 and 7 were sent twice; port 5's busy first try never left.
        assert_eq!(totals.sent, 10);
        assert_eq!(fake.sent.len(), 10);
        assert_eq!(totals.counts.of(PortState::Open), 2);
        assert_eq!(totals.counts.of(PortState::Filtered), 3);
        assert!(fake.live.is_empty(), "every probe was finished");
    }

    #[test]
    fn no_retries_means_one_try() {
        let mut fake = Fake::default();
        fake.ports.insert(9, Behaviour::Silent);
        let (seen, _, totals) = scan(&mut fake, vec![host("::1")], &[9], &settings(4, 0));
        assert_eq!(seen[0].2, PortState::Filtered);
        assert_eq!((seen[0].4, totals.sent), (1, 1));
    }

    #[test]
    fn the_window_is_never_exceeded() {
        let mut fake = Fake::default();
        let ports: Vec<u16> = (1..=40).collect();
        for p in &ports {
            fake.ports.insert(*p, Behaviour::Silent);
        }
        let (seen, _, _) = scan(&mut fake, vec![host("10.0.0.1")], &ports, &settings(3, 0));
        assert_eq!(seen.len(), 40);
        assert_eq!(fake.max_live, 3);
    }

    #[test]
    fn hosts_finish_in_the_order_given_and_probes_interleave() {
        let mut fake = Fake::default();
        fake.ports.insert(22, Behaviour::Later(Answer::Connected));
        fake.ports.insert(80, Behaviour::AtOnce(Answer::Reset));
        let hosts: Vec<Host> = (1..=9).map(|i| host(&format!("10.0.0.{i}"))).collect();
        let want: Vec<IpAddr> = hosts.iter().map(|h| h.addr).collect();
        let (seen, done, totals) = scan(&mut fake, hosts, &[22, 80], &settings(2, 0));
        assert_eq!(done, want);
        assert_eq!(seen.len(), 18);
        assert_eq!(totals.hosts, 9);
        // Port-major within a group of hosts: the first host's second probe comes after
        // the other hosts of its group had their first.
        assert_eq!(fake.sent[1].port(), 22);
        assert_eq!(fake.sent[1].ip(), want[1]);
    }

    #[test]
    fn a_stop_ends_the_scan_early() {
        let mut fake = Fake::default();
        fake.ports.insert(1, Behaviour::Silent);
        let stop = AtomicBool::new(true);
        let totals = run(
            &mut fake,
            &mut std::iter::once(host("10.0.0.1")),
            &[1],
            &settings(1, 0),
            &stop,
            &mut |_| Ok(()),
        )
        .unwrap();
        assert!(totals.interrupted);
        assert_eq!(totals.hosts, 0);
    }

    #[test]
    fn groups_fill_the_window() {
        assert_eq!(group_size(512, 65_535), 4);
        assert_eq!(group_size(512, 100), 21);
        assert_eq!(group_size(512, 1), 2048);
        assert_eq!(group_size(100_000, 1), 4096);
    }
}
