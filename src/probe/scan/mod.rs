//! The port prober: walks targets × ports lazily, keeps at most a window of probes in flight,
//! paces them to `--rate`, expires the unanswered after the adaptive timeout, retries them, and
//! judges each port once. It reports through a callback and never prints; `scan` configures it
//! and renders what it reports.
//!
//! A reader starts at [`run`]. The sockets are a [`Prober`] ([`open`] picks connect, SYN or
//! UDP from [`crate::net::port_probe`]) and time is read from the engine's [`Clock`], so the
//! state machine runs in unit tests against a fake network and a clock set by hand
//! (`tests.rs`). It keeps its own socket trait rather than [`crate::probe::ProbeSocket`]: a
//! scan has millions of probes where that trait numbers them in 16 bits, an answer is often
//! known inside the send itself (a loopback connect), and a probe holds a socket that must be
//! released when it is judged.
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
use crate::model::port_state::{Answer, PortState, Verdict, judge_tcp, judge_udp};
use crate::model::scan_pacing::{RttEstimate, TokenBucket, Window};
use crate::model::services::Proto;
use crate::net::port_probe::{self, ConnectProber, Prober, SynProber, UdpProber};
use crate::net::privilege;
use crate::probe::Clock;

/// The longest single wait, so that an interrupt and the progress line are seen promptly.
const MAX_WAIT: Duration = Duration::from_millis(100);
/// The most probes sent between two looks at the answers, so results stream out steadily
/// (and are not held in memory) even when every probe is answered as it is sent.
const BATCH: usize = 256;
/// How often a progress tick is reported.
const TICK: Duration = Duration::from_millis(250);

/// Sockets kept free for everything else while a connect or UDP scan holds one per probe.
const SPARE_FILES: u64 = 64;

/// How ports are probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A full TCP handshake per port.
    Connect,
    /// A raw SYN per port.
    Syn,
    /// A UDP datagram per port.
    Udp,
}

impl Method {
    /// Its name in JSON and text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Syn => "syn",
            Self::Udp => "udp",
        }
    }

    /// The transport it probes.
    #[must_use]
    pub fn proto(self) -> Proto {
        if self == Self::Udp {
            Proto::Udp
        } else {
            Proto::Tcp
        }
    }

    /// How an answer becomes a verdict under this method.
    #[must_use]
    pub fn judge(self) -> fn(Answer) -> Option<Verdict> {
        if self == Self::Udp {
            judge_udp
        } else {
            judge_tcp
        }
    }
}

/// How many probes a connect or UDP prober can hold at once: it holds a file per probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    /// Probes in flight at most.
    pub probes: usize,
    /// The open-files limit in force, which sets it.
    pub open_files: u64,
}

/// The prober for `method`, for targets of the families asked for, and the room it has when
/// it holds a file per probe. Every capability is dropped once its sockets are open.
pub fn open(method: Method, v4: bool, v6: bool) -> Result<(Box<dyn Prober>, Option<Room>)> {
    let epoll = |e| Error::io("open an epoll instance", e);
    let prober: Box<dyn Prober> = match method {
        Method::Connect => Box::new(ConnectProber::new().map_err(epoll)?),
        Method::Udp => Box::new(UdpProber::new().map_err(epoll)?),
        Method::Syn => Box::new(privilege::with_raised(|| SynProber::open(v4, v6)).map_err(
            |e| {
                if e.kind() == io::ErrorKind::PermissionDenied {
                    Error::Permission(
                        "--syn needs raw sockets: run as root or `setcap cap_net_raw+ep \
                         $(which nettool)`; the default connect scan needs no privilege"
                            .into(),
                    )
                } else {
                    Error::io("open raw sockets for --syn", e)
                }
            },
        )?),
    };
    // The raw sockets of --syn are open; no other probe needs a capability.
    privilege::drop_all();
    let room = (method != Method::Syn).then(|| {
        let files = port_probe::raise_open_files();
        let room = files.saturating_sub(SPARE_FILES).max(1);
        Room {
            probes: usize::try_from(room).unwrap_or(usize::MAX),
            open_files: files,
        }
    });
    Ok((prober, room))
}

/// One host to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// Its address, with the interface of its IPv6 zone.
    pub addr: ScopedAddr,
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
                self.group
                    .push((self.next_id, host.addr.ip, host.addr.scope_id));
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
struct Scan<'s, C: Clock> {
    settings: &'s Settings,
    clock: &'s C,
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

impl<C: Clock> Scan<'_, C> {
    /// Send `job`'s probe. An answer that came at once is judged at once.
    fn start(&mut self, prober: &mut dyn Prober, job: Job) -> io::Result<()> {
        let now = self.clock.now();
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
            self.answer(prober, id, answer, self.clock.now());
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
/// judged, until done or `stop` is set. Time is read from `clock`.
pub fn run<C: Clock>(
    prober: &mut dyn Prober,
    clock: &C,
    hosts: &mut dyn Iterator<Item = Host>,
    ports: &[u16],
    settings: &Settings,
    stop: &AtomicBool,
    sink: &mut dyn FnMut(Event<'_>) -> Result<()>,
) -> Result<Totals> {
    let started = clock.now();
    let mut scan = Scan {
        settings,
        clock,
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
        let now = clock.now();
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
        let now = clock.now();
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
    totals.elapsed = clock.now().saturating_duration_since(started);
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
mod tests;
