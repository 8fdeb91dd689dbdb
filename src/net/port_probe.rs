//! Port probers: the three ways a scan asks a port whether it is open, behind one small trait
//! so the scan's scheduler (pacing, retries, timeouts) is the same for all and is tested with a
//! fake. Each prober sends one probe per call, never waits inside `send`, and reports answers
//! by the id the scheduler gave the probe.
//!
//! * [`ConnectProber`]: a non-blocking `connect()` per probe; no privilege. It reads the
//!   answer from the connect's error alone (`SO_ERROR`), as nmap -sT does: refused (a RST or
//!   an ICMP port unreachable) is closed, any other unreachable filtered. Four system calls a
//!   closed port: socket, connect, getsockopt, close.
//! * [`UdpProber`]: a connected UDP socket per probe, so the kernel routes the ICMP error
//!   about it back to that socket; no privilege.
//! * [`SynProber`]: hand-built SYNs on a raw socket, half-open (see [`crate::net::linux::raw_tcp`]).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use socket2::{Domain, Protocol, Socket, Type};

use crate::model::port_state::{Answer, IcmpError};
use crate::model::tcp_segment::{self, ACK, RST, SYN};
use crate::model::udp_payload;
use crate::net::os::icmp as errqueue;
use crate::net::os::raw_tcp::SynSockets;

/// One way of probing ports.
pub trait Prober {
    /// Send a probe with id `id` to `target`. An answer known at once (a loopback connect
    /// often completes inside the call) is returned; `Ok(None)` means wait for it. An error of
    /// kind `WouldBlock` means "out of sockets or ports for now, try again later".
    fn send(&mut self, id: usize, target: SocketAddr) -> io::Result<Option<Answer>>;

    /// Wait at most `wait` for answers, and append each as (probe id, answer).
    fn wait(&mut self, wait: Duration, out: &mut Vec<(usize, Answer)>) -> io::Result<()>;

    /// The probe `id` is over (answered or given up): release what it holds.
    fn finish(&mut self, id: usize);
}

/// Raise the soft limit on open files towards the hard limit (a connect or UDP scan holds
/// one socket per probe in flight) and return the limit now in force.
#[must_use]
pub fn raise_open_files() -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 1024;
    };
    let want = hard.min(1 << 20);
    if want > soft && setrlimit(Resource::RLIMIT_NOFILE, want, hard).is_ok() {
        return want;
    }
    soft
}

/// What an errno from a probe socket means. `None`: not an answer (a local resource problem,
/// or an error the caller passes on).
fn answer_for_error(err: &io::Error, socket: &Socket) -> Option<Answer> {
    let mut buf = [0u8; 64];
    if let Ok(Some(queued)) = errqueue::recv_queued_error(socket, &mut buf)
        && let Some((from, kind, code)) = queued.icmp
    {
        let v6 = from.is_ipv6();
        return Some(Answer::Icmp(IcmpError { v6, kind, code }));
    }
    match err.raw_os_error()? {
        libc::ECONNREFUSED => Some(Answer::Reset),
        _ if refused_locally(err) => Some(Answer::NoRoute),
        _ => None,
    }
}

/// Whether this host itself would not send the probe: no route, or its firewall said no.
fn refused_locally(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(libc::ENETUNREACH | libc::EHOSTUNREACH | libc::EACCES | libc::EPERM)
    )
}

fn would_block(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(libc::EAGAIN | libc::EADDRNOTAVAIL | libc::ENOBUFS | libc::EMFILE | libc::ENFILE)
    )
}

fn try_later(err: io::Error) -> io::Error {
    if would_block(&err) {
        io::Error::new(io::ErrorKind::WouldBlock, err)
    } else {
        err
    }
}

/// A non-blocking socket (one call: `SOCK_NONBLOCK | SOCK_CLOEXEC`).
fn new_socket(target: SocketAddr, ty: Type, proto: Protocol) -> io::Result<Socket> {
    Socket::new(Domain::for_address(target), ty.nonblocking(), Some(proto)).map_err(try_later)
}

/// The sockets of the probes in flight, indexed by probe id, each registered with one epoll
/// instance under its id: a wait costs the sockets that are ready, not all those in flight.
struct Slots {
    sockets: Vec<Option<Socket>>,
    poll: mio::Poll,
    events: mio::Events,
    interest: mio::Interest,
}

impl Slots {
    fn new(interest: mio::Interest) -> io::Result<Self> {
        Ok(Self {
            sockets: Vec::new(),
            poll: mio::Poll::new()?,
            events: mio::Events::with_capacity(1024),
            interest,
        })
    }

    /// Hold `socket` for probe `id` and watch it. Readiness already there when it is
    /// registered is reported by the next wait.
    fn put(&mut self, id: usize, socket: Socket) -> io::Result<()> {
        self.poll.registry().register(
            &mut mio::unix::SourceFd(&socket.as_raw_fd()),
            mio::Token(id),
            self.interest,
        )?;
        if self.sockets.len() <= id {
            self.sockets.resize_with(id + 1, || None);
        }
        self.sockets[id] = Some(socket);
        Ok(())
    }

    /// Close the socket of probe `id`; closing it also takes it out of the epoll set.
    fn take(&mut self, id: usize) {
        if let Some(slot) = self.sockets.get_mut(id) {
            *slot = None;
        }
    }

    /// Wait at most `wait` for readiness and append the ids of the sockets that became ready
    /// (edge-triggered: a socket is named once per change, so its caller reads it then).
    fn wait(&mut self, wait: Duration, ready: &mut Vec<usize>) -> io::Result<()> {
        match self.poll.poll(&mut self.events, Some(wait)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(e),
        }
        for event in &self.events {
            let id = event.token().0;
            if self.sockets.get(id).is_some_and(Option::is_some) {
                ready.push(id);
            }
        }
        Ok(())
    }

    fn get(&self, id: usize) -> Option<&Socket> {
        self.sockets.get(id).and_then(Option::as_ref)
    }
}

/// TCP connect probes.
pub struct ConnectProber {
    slots: Slots,
    ready: Vec<usize>,
    /// Sockets whose connect was refused or unreachable, unconnected again and ready for the
    /// next probe of their family (IPv4, IPv6): a closed port then costs two connects and no
    /// socket or close of its own.
    spare: [Vec<Socket>; 2],
}

/// What an errno ending a connect means; `None`: none of these (the caller decides).
fn connect_answer(err: &io::Error) -> Option<Answer> {
    match err.raw_os_error()? {
        // A SYN answered by a RST fails with "refused"; a reset is only possible once the
        // handshake completed, so something listens there.
        libc::ECONNRESET => Some(Answer::Connected),
        libc::ECONNREFUSED => Some(Answer::Refused),
        // An error after the SYN left is an ICMP error about it (an unanswered neighbour
        // lookup comes back as one too).
        libc::EHOSTUNREACH
        | libc::ENETUNREACH
        | libc::EHOSTDOWN
        | libc::ENONET
        | libc::ENOPROTOOPT => Some(Answer::Unreachable),
        _ if refused_locally(err) => Some(Answer::NoRoute),
        _ => None,
    }
}

impl ConnectProber {
    /// A prober with no probe in flight (an error only when no epoll instance can be made).
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            slots: Slots::new(mio::Interest::WRITABLE)?,
            ready: Vec::new(),
            spare: [Vec::new(), Vec::new()],
        })
    }

    /// The answer of a socket whose connect has finished, or `None` while it has not.
    fn outcome(socket: &Socket) -> io::Result<Option<Answer>> {
        if let Some(err) = socket.take_error()? {
            return connect_answer(&err).map(Some).ok_or(err);
        }
        match socket.peer_addr() {
            Ok(_) => Ok(Some(Self::connected(socket))),
            Err(_) => Ok(None),
        }
    }

    /// The answer of a socket whose handshake completed.
    fn connected(socket: &Socket) -> Answer {
        // Resetting on close leaves no TIME_WAIT behind for each open port.
        let _ = socket.set_linger(Some(Duration::ZERO));
        match (socket.peer_addr(), socket.local_addr()) {
            // A loopback connect to a port in the ephemeral range can be given that same port
            // as its source and "connect" to itself; no program listens there.
            (Ok(peer), Ok(local)) if peer.as_socket() == local.as_socket() => Answer::Refused,
            _ => Answer::Connected,
        }
    }

    /// Ask a socket whose connect is under way how it went, by connecting again: the kernel
    /// answers "already" while the SYN waits, success once the handshake is done, and the
    /// error otherwise, which also leaves the socket unconnected and reusable.
    fn settle(
        &mut self,
        id: usize,
        socket: Socket,
        target: SocketAddr,
    ) -> io::Result<Option<Answer>> {
        match socket.connect(&target.into()) {
            Ok(()) => Ok(Some(Self::connected(&socket))),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EALREADY | libc::EINPROGRESS)) => {
                // An ICMP error that came while connect held the socket is kept as a soft
                // error, which only SO_ERROR reports.
                if let Some(err) = socket.take_error()? {
                    return connect_answer(&err).map(Some).ok_or(err);
                }
                self.slots.put(id, socket)?;
                Ok(None)
            }
            Err(e) if e.raw_os_error() == Some(libc::EISCONN) => Ok(Some(Self::connected(&socket))),
            Err(e) => {
                let answer = connect_answer(&e).ok_or(e)?;
                if answer != Answer::Connected {
                    self.spare[usize::from(target.is_ipv6())].push(socket);
                }
                Ok(Some(answer))
            }
        }
    }
}

impl Prober for ConnectProber {
    fn send(&mut self, id: usize, target: SocketAddr) -> io::Result<Option<Answer>> {
        let socket = match self.spare[usize::from(target.is_ipv6())].pop() {
            Some(socket) => socket,
            None => new_socket(target, Type::STREAM, Protocol::TCP)?,
        };
        match socket.connect(&target.into()) {
            Ok(()) => Ok(Some(Self::connected(&socket))),
            // On loopback the handshake (or the RST) is usually over before connect returns.
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {
                self.settle(id, socket, target)
            }
            // Failed before anything left: this host has no route or its firewall said no.
            Err(e) if refused_locally(&e) => Ok(Some(Answer::NoRoute)),
            Err(e) => Err(try_later(e)),
        }
    }

    fn wait(&mut self, wait: Duration, out: &mut Vec<(usize, Answer)>) -> io::Result<()> {
        self.ready.clear();
        self.slots.wait(wait, &mut self.ready)?;
        for &id in &self.ready {
            if let Some(socket) = self.slots.get(id)
                && let Some(answer) = Self::outcome(socket)?
            {
                out.push((id, answer));
            }
        }
        Ok(())
    }

    fn finish(&mut self, id: usize) {
        self.slots.take(id);
    }
}

/// UDP probes, with the payload the port's protocol expects ([`udp_payload::for_port`]).
pub struct UdpProber {
    slots: Slots,
    ready: Vec<usize>,
}

impl UdpProber {
    /// A prober with no probe in flight (an error only when no epoll instance can be made).
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            slots: Slots::new(mio::Interest::READABLE)?,
            ready: Vec::new(),
        })
    }
}

impl Prober for UdpProber {
    fn send(&mut self, id: usize, target: SocketAddr) -> io::Result<Option<Answer>> {
        let socket = new_socket(target, Type::DGRAM, Protocol::UDP)?;
        // The error queue keeps the ICMP error's type and code: port unreachable is closed,
        // the other codes filtered.
        errqueue::queue_errors(&socket, target.is_ipv6());
        let sent = socket
            .connect(&target.into())
            .and_then(|()| socket.send(&udp_payload::for_port(target.port())));
        if let Err(e) = sent {
            return match answer_for_error(&e, &socket) {
                Some(answer) => Ok(Some(answer)),
                None => Err(try_later(e)),
            };
        }
        self.slots.put(id, socket)?;
        Ok(None)
    }

    fn wait(&mut self, wait: Duration, out: &mut Vec<(usize, Answer)>) -> io::Result<()> {
        self.ready.clear();
        self.slots.wait(wait, &mut self.ready)?;
        let mut buf = [0u8; 1];
        for &id in &self.ready {
            let Some(socket) = self.slots.get(id) else {
                continue;
            };
            // A datagram larger than the buffer is truncated: only its arrival matters.
            match std::io::Read::read(&mut &*socket, &mut buf) {
                Ok(_) => out.push((id, Answer::Datagram)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => {
                    if let Some(answer) = answer_for_error(&e, socket) {
                        out.push((id, answer));
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, id: usize) {
        self.slots.take(id);
    }
}

/// The source address this host would use towards `dst` (a route lookup: connecting a UDP
/// socket sends nothing).
pub fn source_for(dst: IpAddr) -> io::Result<IpAddr> {
    let any: SocketAddr = match dst {
        IpAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        IpAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(any)?;
    socket.connect((dst, 9))?;
    Ok(socket.local_addr()?.ip())
}

/// TCP SYN probes on raw sockets (root or CAP_NET_RAW).
pub struct SynProber {
    v4: Option<SynSockets>,
    v6: Option<SynSockets>,
    flights: HashMap<(IpAddr, u16), usize>,
    targets: Vec<Option<(IpAddr, u16)>>,
    sources: HashMap<IpAddr, IpAddr>,
    secret: RandomState,
    buf: Vec<u8>,
}

impl SynProber {
    /// Open the raw sockets for the families asked for. `PermissionDenied` without privilege.
    pub fn open(v4: bool, v6: bool) -> io::Result<Self> {
        Ok(Self {
            v4: v4.then(|| SynSockets::open(false)).transpose()?,
            v6: v6.then(|| SynSockets::open(true)).transpose()?,
            flights: HashMap::new(),
            targets: Vec::new(),
            sources: HashMap::new(),
            secret: RandomState::new(),
            buf: vec![0u8; 65_536],
        })
    }

    /// The sequence number of every SYN to `dst:port`: keyed by a secret, so that only an
    /// answer to our own SYN acknowledges it.
    fn seq(&self, dst: IpAddr, port: u16) -> u32 {
        let hash = self.secret.hash_one((dst, port));
        (hash >> 16) as u32
    }

    fn sockets(&self, v6: bool) -> Option<&SynSockets> {
        if v6 {
            self.v6.as_ref()
        } else {
            self.v4.as_ref()
        }
    }

    fn drain(&mut self, v6: bool, out: &mut Vec<(usize, Answer)>) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        let result = self.drain_into(v6, &mut buf, out);
        self.buf = buf;
        result
    }

    fn drain_into(
        &self,
        v6: bool,
        buf: &mut [u8],
        out: &mut Vec<(usize, Answer)>,
    ) -> io::Result<()> {
        let Some(sockets) = self.sockets(v6) else {
            return Ok(());
        };
        while let Some(seg) = sockets.recv_segment(buf)? {
            let key = (seg.src, seg.sport);
            let Some(&id) = self.flights.get(&key) else {
                continue;
            };
            if seg.ack != self.seq(seg.src, seg.sport).wrapping_add(1) {
                continue;
            }
            if seg.flags & (SYN | ACK) == SYN | ACK {
                out.push((id, Answer::SynAck));
            } else if seg.flags & RST != 0 {
                out.push((id, Answer::Reset));
            }
        }
        while let Some(q) = sockets.recv_icmp(buf)? {
            let Some(&id) = self.flights.get(&(q.dst, q.dport)) else {
                continue;
            };
            if q.seq == self.seq(q.dst, q.dport) {
                out.push((
                    id,
                    Answer::Icmp(IcmpError {
                        v6,
                        kind: q.kind,
                        code: q.code,
                    }),
                ));
            }
        }
        Ok(())
    }
}

impl Prober for SynProber {
    fn send(&mut self, id: usize, target: SocketAddr) -> io::Result<Option<Answer>> {
        let dst = target.ip();
        let src = match self.sources.get(&dst) {
            Some(src) => *src,
            None => match source_for(dst) {
                Ok(src) => {
                    if self.sources.len() > 4096 {
                        self.sources.clear();
                    }
                    self.sources.insert(dst, src);
                    src
                }
                Err(e) if refused_locally(&e) => return Ok(Some(Answer::NoRoute)),
                Err(e) => return Err(e),
            },
        };
        let Some(sockets) = self.sockets(dst.is_ipv6()) else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "address family not opened",
            ));
        };
        let seq = self.seq(dst, target.port());
        let segment = tcp_segment::syn(src, dst, sockets.source_port(), target.port(), seq);
        if let Err(e) = sockets.send(dst, &segment) {
            return if refused_locally(&e) {
                Ok(Some(Answer::NoRoute))
            } else {
                Err(try_later(e))
            };
        }
        let key = (dst, target.port());
        self.flights.insert(key, id);
        if self.targets.len() <= id {
            self.targets.resize(id + 1, None);
        }
        self.targets[id] = Some(key);
        Ok(None)
    }

    fn wait(&mut self, wait: Duration, out: &mut Vec<(usize, Answer)>) -> io::Result<()> {
        let ready = {
            let mut fds: Vec<PollFd<'_>> = [&self.v4, &self.v6]
                .into_iter()
                .flatten()
                .flat_map(SynSockets::fds)
                .map(|fd| PollFd::new(fd, PollFlags::POLLIN))
                .collect();
            let ms = PollTimeout::try_from(wait.as_millis().max(u128::from(!wait.is_zero())))
                .unwrap_or(PollTimeout::MAX);
            match poll(&mut fds, ms) {
                Ok(n) => n > 0,
                Err(nix::errno::Errno::EINTR) => false,
                Err(e) => return Err(e.into()),
            }
        };
        if ready {
            self.drain(false, out)?;
            self.drain(true, out)?;
        }
        Ok(())
    }

    fn finish(&mut self, id: usize) {
        if let Some(key) = self.targets.get_mut(id).and_then(Option::take)
            && self.flights.get(&key) == Some(&id)
        {
            self.flights.remove(&key);
        }
    }
}
