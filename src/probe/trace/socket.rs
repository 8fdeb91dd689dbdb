//! The sockets of one trace, for each protocol and privilege.
//!
//! As root (`CAP_NET_RAW`), answers are read from a raw ICMP socket, which sees every time
//! exceeded and unreachable message whole (MPLS extensions included); ICMP echo probes go out
//! through it too, UDP probes through an ordinary UDP socket, TCP SYNs through a raw TCP socket,
//! which also receives the target's SYN-ACK or RST. Without root, UDP probes and ICMP probes on
//! an unprivileged ping socket read their errors from the socket's error queue
//! ([`crate::net::linux::recverr`]), as tracepath does; TCP needs a raw socket.

use std::io;
use std::io::IoSlice;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::rc::Rc;

use nix::sys::socket::{ControlMessage, MsgFlags, SockaddrStorage, recvfrom, sendmsg};
use socket2::{Domain, Protocol as SockProtocol, SockAddr, Socket, Type};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::MplsTable;
pub use super::hub::IcmpHub;
use super::hub::Slot;
use crate::error::{Error, Result};
use crate::model::address::ScopedAddr;
use crate::model::trace::packet::{self, Encoding, Icmp};
use crate::model::trace::{MplsLabel, Protocol, classify_error};
use crate::net::linux::filter::{self, Keep};
use crate::net::linux::{icmp, recverr};
use crate::net::privilege::{self, Method};
use crate::probe::{Answer, EchoData, Probe, ProbeSocket, Quoted, Received};

/// Where probes leave from (`-I`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// A source address.
    pub addr: Option<IpAddr>,
    /// An interface to send through.
    pub device: Option<String>,
}

/// What a trace's probes look like, apart from their addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeKind {
    /// The protocol.
    pub protocol: Protocol,
    /// The port (UDP: the first of the range, TCP: the port probed).
    pub port: u16,
    /// `--flow`: one flow for every probe.
    pub flow: bool,
    /// Tells this trace's probes from others' (ICMP identifier, TCP ports), e.g. the index
    /// of the target.
    pub instance: u16,
}

/// An answer to one probe, as the socket decoded it, before the engine matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decoded {
    seq: u16,
    from: IpAddr,
    icmp: Option<(u8, u8)>,
    mpls: Vec<MplsLabel>,
}

/// The open sockets of one trace.
pub struct TraceSockets {
    kind: ProbeKind,
    v6: bool,
    target: IpAddr,
    /// The interface index of the target's IPv6 zone; 0: none.
    scope_id: u32,
    source: IpAddr,
    encoding: Encoding,
    method: Method,
    /// The socket probes go out through (for raw ICMP probes, the run's shared ICMP socket).
    send: Rc<AsyncFd<Socket>>,
    /// Whether answers are read from `send` too (not when it is the shared ICMP socket).
    send_reads: bool,
    /// This trace's share of the raw ICMP socket that reads errors (and echo replies).
    icmp: Option<Slot>,
    /// MPLS labels quoted by the errors read, by probe number, for the caller to take.
    mpls: MplsTable,
}

pub(super) fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
    let what = what.into();
    move |e| Error::io(what, e)
}

/// Send `bytes` to `dest`, with this TTL (hop limit) as ancillary data rather than a socket
/// option set before each probe.
fn send_with_ttl(
    socket: &Socket,
    bytes: &[u8],
    dest: SocketAddr,
    ttl: Option<u8>,
) -> io::Result<()> {
    let hops = libc::c_int::from(ttl.unwrap_or(0));
    let cmsg = if dest.is_ipv6() {
        ControlMessage::Ipv6HopLimit(&hops)
    } else {
        ControlMessage::Ipv4Ttl(&hops)
    };
    let cmsgs = if ttl.is_some() {
        std::slice::from_ref(&cmsg)
    } else {
        &[]
    };
    let addr = SockaddrStorage::from(dest);
    sendmsg(
        socket.as_raw_fd(),
        &[IoSlice::new(bytes)],
        cmsgs,
        MsgFlags::empty(),
        Some(&addr),
    )
    .map(|_| ())
    .map_err(io::Error::from)
}

#[allow(unsafe_code)]
pub(super) fn register(socket: Socket) -> io::Result<AsyncFd<Socket>> {
    socket.set_nonblocking(true)?;
    // SAFETY: `Socket` owns its descriptor, which stays open and the same until the socket is
    // dropped, and only the `AsyncFd` drops it.
    unsafe { AsyncFd::register_with_interest(socket, Interest::READABLE | Interest::ERROR) }
        .map_err(io::Error::from)
}

pub(super) fn domain(v6: bool) -> Domain {
    if v6 { Domain::IPV6 } else { Domain::IPV4 }
}

pub(super) fn icmp_protocol(v6: bool) -> SockProtocol {
    if v6 {
        SockProtocol::ICMPV6
    } else {
        SockProtocol::ICMPV4
    }
}

fn unspecified(v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    }
}

/// Apply `-I` to a socket before it sends.
pub(super) fn apply_source(socket: &Socket, source: &Source, port: u16, v6: bool) -> Result<()> {
    if let Some(name) = &source.device {
        icmp::bind_to_interface(socket, name)
            .map_err(io_err(format!("bind to interface {name}")))?;
    }
    let addr = SocketAddr::new(source.addr.unwrap_or_else(|| unspecified(v6)), port);
    if source.addr.is_some() || port != 0 {
        socket
            .bind(&SockAddr::from(addr))
            .map_err(io_err(format!("bind {addr}")))?;
    }
    Ok(())
}

/// The address the kernel would send from to `target` (a connected UDP socket sends nothing).
fn source_for(target: &ScopedAddr, source: &Source) -> Result<IpAddr> {
    if let Some(addr) = source.addr {
        return Ok(addr);
    }
    let v6 = target.ip.is_ipv6();
    let probe = Socket::new(domain(v6), Type::DGRAM, None).map_err(io_err("open a UDP socket"))?;
    apply_source(&probe, source, 0, v6)?;
    probe
        .connect(&SockAddr::from(target.socket_addr(9)))
        .map_err(io_err(format!("find a route to {target}")))?;
    probe
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map(|a| a.ip())
        .ok_or_else(|| Error::other(format!("no source address toward {target}")))
}

/// What a trace's raw ICMP socket keeps: echo replies and errors for its identifier (ICMP), or
/// errors quoting its source ports (UDP: one; TCP: one per probe number unless `--flow`).
fn keep_filter(encoding: &Encoding, kind: ProbeKind) -> Keep {
    match kind.protocol {
        Protocol::Icmp => Keep::Echo(encoding.ident),
        Protocol::Udp => Keep::QuotedSourcePorts(encoding.src_port, encoding.src_port),
        Protocol::Tcp => {
            let last = encoding.ports(packet::SEQ_SPACE - 1).src;
            if last < encoding.src_port {
                // The range wraps past 65535: keep every port rather than lose answers.
                Keep::QuotedSourcePorts(0, u16::MAX)
            } else {
                Keep::QuotedSourcePorts(encoding.src_port, last)
            }
        }
    }
}

/// The error when a raw socket is refused and there is no unprivileged way.
fn raw_refused(what: &str, err: &io::Error) -> Error {
    let exe =
        std::env::current_exe().map_or_else(|_| "nettool".to_string(), |p| p.display().to_string());
    Error::Permission(format!(
        "cannot open a raw {what} socket ({}). Allow it: `setcap cap_net_raw+ep {exe}`, or run \
         as root; without privilege, trace with --udp or ICMP (which fall back to datagram \
         sockets)",
        Error::io(
            "x",
            io::Error::from_raw_os_error(err.raw_os_error().unwrap_or(0))
        )
        .to_string()
        .trim_start_matches("x: ")
    ))
}

impl TraceSockets {
    /// Open the sockets of a trace to `target`, its raw ICMP socket a share of `hub`'s. Must be
    /// called inside a tokio runtime, with the capabilities raised.
    pub fn open(
        scoped: &ScopedAddr,
        kind: ProbeKind,
        source: &Source,
        hub: &IcmpHub,
        mpls: MplsTable,
    ) -> Result<Self> {
        let v6 = scoped.ip.is_ipv6();
        let source_addr = source_for(scoped, source)?;
        let pid = u16::try_from(std::process::id() & 0xffff).unwrap_or(0);
        let mut encoding = Encoding {
            protocol: kind.protocol,
            flow: kind.flow,
            ident: pid.wrapping_add(kind.instance.wrapping_mul(7919)),
            src_port: 0,
            dst_port: kind.port,
            isn: u32::from(pid) << 16 | u32::from(kind.instance) << 10,
        };
        // Each trace's share of the raw ICMP socket keeps its own answers only.
        let (send, icmp) = match kind.protocol {
            Protocol::Icmp => match hub.slot(v6, source, keep_filter(&encoding, kind))? {
                // Echo probes go out through the shared socket, which reads their answers.
                Ok(slot) => {
                    let send = slot.socket();
                    return Ok(Self::new(
                        kind,
                        v6,
                        scoped,
                        source_addr,
                        encoding,
                        send,
                        false,
                        Some(slot),
                        mpls,
                    ));
                }
                Err(raw_err) => {
                    let socket = Socket::new(domain(v6), Type::DGRAM, Some(icmp_protocol(v6)))
                        .map_err(|e| privilege::both_refused(&raw_err, &e))?;
                    recverr::enable(&socket, v6).map_err(io_err("enable the error queue"))?;
                    apply_source(&socket, source, 0, v6)?;
                    (socket, None)
                }
            },
            Protocol::Udp => {
                let socket = Socket::new(domain(v6), Type::DGRAM, Some(SockProtocol::UDP))
                    .map_err(io_err("open a UDP socket"))?;
                apply_source(&socket, source, 0, v6)?;
                if source.addr.is_none() {
                    socket
                        .bind(&SockAddr::from(SocketAddr::new(unspecified(v6), 0)))
                        .map_err(io_err("bind a UDP port"))?;
                }
                encoding.src_port = socket
                    .local_addr()
                    .ok()
                    .and_then(|a| a.as_socket())
                    .map_or(0, |a| a.port());
                match hub.slot(v6, source, keep_filter(&encoding, kind))? {
                    Ok(slot) => (socket, Some(slot)),
                    Err(_) => {
                        recverr::enable(&socket, v6).map_err(io_err("enable the error queue"))?;
                        (socket, None)
                    }
                }
            }
            Protocol::Tcp => {
                let socket = Socket::new(domain(v6), Type::RAW, Some(SockProtocol::TCP))
                    .map_err(|e| raw_refused("TCP", &e))?;
                apply_source(&socket, source, 0, v6)?;
                // A base port per trace; without --flow each probe takes the next.
                encoding.src_port = 33000u16
                    .wrapping_add(pid % 16 * 2048)
                    .wrapping_add(kind.instance.wrapping_mul(1024) % 2048);
                let keep = keep_filter(&encoding, kind);
                let slot = hub
                    .slot(v6, source, keep)?
                    .map_err(|e| raw_refused("ICMP", &e))?;
                // The raw TCP socket sees every TCP segment: it keeps the target's answers only.
                if let Keep::QuotedSourcePorts(low, high) = keep {
                    let _ = filter::keep_only(&socket, v6, Keep::TcpToPorts(low, high));
                }
                (socket, Some(slot))
            }
        };
        let _ = send.set_recv_buffer_size(1 << 18);
        let send = Rc::new(register(send).map_err(io_err("register the probe socket"))?);
        Ok(Self::new(
            kind,
            v6,
            scoped,
            source_addr,
            encoding,
            send,
            true,
            icmp,
            mpls,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: ProbeKind,
        v6: bool,
        scoped: &ScopedAddr,
        source: IpAddr,
        encoding: Encoding,
        send: Rc<AsyncFd<Socket>>,
        send_reads: bool,
        icmp: Option<Slot>,
        mpls: MplsTable,
    ) -> Self {
        let method = if icmp.is_some() {
            Method::Raw
        } else {
            Method::Dgram
        };
        Self {
            kind,
            v6,
            target: scoped.ip,
            scope_id: scoped.scope_id,
            source,
            encoding,
            method,
            send,
            send_reads,
            icmp,
            mpls,
        }
    }

    /// Raw or datagram.
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// The source address of the probes.
    #[must_use]
    pub fn source(&self) -> IpAddr {
        self.source
    }

    /// An answer from a raw ICMP socket's packet (`from` its sender).
    fn answer_from_icmp(&self, packet: &[u8], from: IpAddr) -> Option<Decoded> {
        let icmp = if self.v6 {
            packet
        } else {
            packet::strip_ipv4_header(packet)?
        };
        match packet::parse_icmp(icmp, self.v6)? {
            Icmp::EchoReply { ident, seq } => {
                let ours = self.kind.protocol == Protocol::Icmp
                    && from == self.target
                    && (self.method == Method::Dgram || ident == self.encoding.ident);
                ours.then(|| Decoded {
                    seq,
                    from,
                    icmp: Some((icmp[0], icmp[1])),
                    mpls: Vec::new(),
                })
            }
            Icmp::Error {
                icmp_type,
                code,
                quote,
                mpls,
            } => {
                let seq = if self.method == Method::Dgram {
                    // The kernel rewrote the identifier: the sequence is all there is.
                    match quote.probe {
                        packet::QuotedProbe::Echo { seq, .. } if quote.dst == self.target => seq,
                        _ => return None,
                    }
                } else {
                    self.encoding.quoted_seq(&quote, self.target)?
                };
                // Only errors that say something about the path (not, say, a redirect).
                classify_error(self.v6, icmp_type, code, from == self.target)?;
                Some(Decoded {
                    seq,
                    from,
                    icmp: Some((icmp_type, code)),
                    mpls,
                })
            }
        }
    }

    /// One packet from `socket` without waiting: `Ok(None)` when none is queued.
    pub(super) fn read_one(
        socket: &AsyncFd<Socket>,
        buf: &mut [u8],
    ) -> io::Result<Option<(usize, IpAddr)>> {
        let fd = socket.get_ref().as_raw_fd();
        match recvfrom::<SockaddrStorage>(fd, buf) {
            Ok((len, from)) => Ok(from.as_ref().and_then(storage_ip).map(|ip| (len, ip))),
            Err(nix::errno::Errno::EAGAIN) => Ok(None),
            Err(e) => Err(io::Error::from(e)),
        }
    }
}

fn storage_ip(addr: &SockaddrStorage) -> Option<IpAddr> {
    if let Some(v4) = addr.as_sockaddr_in() {
        return Some(IpAddr::V4(v4.ip()));
    }
    addr.as_sockaddr_in6()
        .map(|v6| unmapped(IpAddr::V6(v6.ip())))
}

/// The errors a socket reports for an ICMP error it received (time exceeded, unreachable).
fn is_reported_icmp(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(
            libc::EHOSTUNREACH
                | libc::ENETUNREACH
                | libc::ECONNREFUSED
                | libc::EPROTO
                | libc::EACCES
                | libc::EMSGSIZE
                | libc::ENOPROTOOPT
        )
    )
}

fn unmapped(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    }
}

impl ProbeSocket for TraceSockets {
    fn send(&mut self, probe: &Probe<'_>) -> io::Result<()> {
        let seq = probe.seq;
        let (bytes, port) = match self.kind.protocol {
            Protocol::Icmp => (self.encoding.echo_request(self.v6, seq), 0),
            Protocol::Udp => (
                self.encoding.udp_payload(self.source, self.target, seq),
                self.encoding.ports(seq).dst,
            ),
            Protocol::Tcp => (self.encoding.tcp_syn(self.source, self.target, seq), 0),
        };
        let dest = ScopedAddr {
            scope_id: self.scope_id,
            ..self.target.into()
        };
        let dest = dest.socket_addr(port);
        let send = || send_with_ttl(self.send.get_ref(), &bytes, dest, probe.ttl);
        match send() {
            // With the error queue enabled the kernel also reports the last ICMP error on the socket's next
            // call, which fails with it; the error itself stays on the queue. Send again.
            Err(e) if self.method == Method::Dgram && is_reported_icmp(&e) => send(),
            other => other,
        }
    }

    async fn readable(&mut self) -> Result<()> {
        let interest = Interest::READABLE | Interest::ERROR;
        let ready = match &self.icmp {
            Some(icmp) if !self.send_reads => icmp.ready().await,
            Some(icmp) => {
                tokio::select! {
                    guard = self.send.ready(interest) => guard.map(|mut g| g.clear_ready()),
                    ready = icmp.ready() => ready,
                }
            }
            None => self.send.ready(interest).await.map(|mut g| g.clear_ready()),
        };
        ready.map_err(|e| Error::io("wait for answers", e))
    }

    fn try_recv(&mut self) -> Result<Option<Received>> {
        // On the stack: a buffer per trace was 4 KiB of heap touched for each of a run's traces.
        let mut buf = [0u8; 4096];
        let result = self.try_recv_into(&mut buf);
        let Some(decoded) = result.map_err(|e| Error::io("read answers", e))? else {
            return Ok(None);
        };
        let at = std::time::Instant::now();
        Ok(Some(Received {
            at,
            what: decoded.map_or(Answer::Other, |d| self.answer(d)),
        }))
    }

    fn ident(&self) -> u16 {
        self.encoding.ident
    }

    fn method(&self, _dest: IpAddr) -> Method {
        self.method
    }
}

impl TraceSockets {
    /// What the engine matches: an echo reply or a TCP answer from the target is a reply; any
    /// ICMP error quotes its probe (whose identifier or ports were checked when decoding).
    fn answer(&self, d: Decoded) -> Answer {
        match d.icmp {
            Some((icmp_type, icmp_code)) if !is_echo_reply(self.v6, icmp_type) => {
                if !d.mpls.is_empty() {
                    self.mpls.borrow_mut().insert(d.seq, d.mpls);
                }
                Answer::IcmpError {
                    from: d.from,
                    quoted: Quoted {
                        dest: self.target,
                        ident: None,
                        seq: d.seq,
                    },
                    icmp_type,
                    icmp_code,
                }
            }
            _ => Answer::Reply {
                from: d.from,
                ident: None,
                seq: d.seq,
                ttl: None,
                bytes: 0,
                data: EchoData::Intact,
                state: None,
            },
        }
    }
}

fn is_echo_reply(v6: bool, icmp_type: u8) -> bool {
    icmp_type == if v6 { 129 } else { 0 }
}

impl TraceSockets {
    fn try_recv_into(&self, buf: &mut [u8]) -> io::Result<Option<Option<Decoded>>> {
        if let Some(icmp) = &self.icmp
            && let Some((len, from)) = icmp.next(buf)?
        {
            return Ok(Some(self.answer_from_icmp(&buf[..len], from)));
        }
        if self.method == Method::Dgram
            && let Some(queued) = recverr::try_read(self.send.get_ref(), buf)?
        {
            return Ok(Some(self.answer_from_queue(&queued, &buf[..queued.len])));
        }
        if !self.send_reads {
            return Ok(None);
        }
        let (len, from) = match Self::read_one(&self.send, buf) {
            Ok(Some(got)) => got,
            Ok(None) => return Ok(None),
            // A pending ICMP error reported on the call; its detail is on the error queue.
            Err(e) if is_reported_icmp(&e) => return Ok(Some(None)),
            Err(e) => return Err(e),
        };
        let packet = &buf[..len];
        Ok(Some(match (self.kind.protocol, self.method) {
            // A raw ICMP socket that also sends; a ping socket, which gets no IP header.
            (Protocol::Icmp, Method::Raw) => self.answer_from_icmp(packet, from),
            (Protocol::Icmp, _) => match packet::parse_icmp(packet, self.v6) {
                Some(Icmp::EchoReply { seq, .. }) if from == self.target => Some(Decoded {
                    seq,
                    from,
                    icmp: packet.first().map(|t| (*t, 0)),
                    mpls: Vec::new(),
                }),
                _ => None,
            },
            (Protocol::Tcp, _) if from == self.target => {
                let segment = if self.v6 {
                    Some(packet)
                } else {
                    packet::strip_ipv4_header(packet)
                };
                segment
                    .and_then(packet::parse_tcp)
                    .and_then(|s| self.encoding.tcp_answer_seq(&s))
                    .map(|seq| Decoded {
                        seq,
                        from,
                        icmp: None,
                        mpls: Vec::new(),
                    })
            }
            _ => None,
        }))
    }

    /// An answer from the error queue: the reporter, the ICMP type and code, and the probe's
    /// own payload (UDP) or echo request (ICMP).
    fn answer_from_queue(&self, queued: &recverr::QueuedError, data: &[u8]) -> Option<Decoded> {
        if queued.dest.is_some_and(|d| d.ip() != self.target) {
            return None;
        }
        let seq = match self.kind.protocol {
            Protocol::Icmp => u16::from_be_bytes([*data.get(6)?, *data.get(7)?]),
            _ => packet::payload_seq(data)?,
        };
        let from = queued.from;
        classify_error(
            self.v6,
            queued.icmp_type,
            queued.icmp_code,
            from == self.target,
        )?;
        Some(Decoded {
            seq,
            from,
            icmp: Some((queued.icmp_type, queued.icmp_code)),
            mpls: Vec::new(),
        })
    }
}
