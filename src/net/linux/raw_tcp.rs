//! Raw sockets for a SYN scan: a raw TCP socket sends hand-built SYNs (the kernel adds the IP
//! header) and receives a copy of every TCP segment that arrives, and a raw ICMP socket
//! receives the errors routers send about them. Both need root or CAP_NET_RAW.
//!
//! The scan never answers a SYN-ACK itself: its source port is held by a bound TCP socket that
//! neither listens nor connects, so the kernel finds no connection for the SYN-ACK and resets
//! it, exactly as nmap's half-open scan relies on, and the port cannot be handed to another
//! program's connection meanwhile.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use nix::sys::socket::{SockaddrStorage, recvfrom, setsockopt, sockopt};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::model::tcp_segment::{self, Quoted, Segment};

/// The sockets of one SYN scan over one address family.
pub struct SynSockets {
    v6: bool,
    tcp: Socket,
    icmp: Socket,
    /// Bound, never listening: holds the source port so the kernel resets SYN-ACKs to it.
    _port_holder: Socket,
    sport: u16,
}

impl SynSockets {
    /// Open the raw sockets and hold a source port. `PermissionDenied` without privilege.
    pub fn open(v6: bool) -> io::Result<Self> {
        let (domain, icmp_proto) = if v6 {
            (Domain::IPV6, Protocol::ICMPV6)
        } else {
            (Domain::IPV4, Protocol::ICMPV4)
        };
        let tcp = Socket::new(domain, Type::RAW, Some(Protocol::TCP))?;
        let icmp = Socket::new(domain, Type::RAW, Some(icmp_proto))?;
        for s in [&tcp, &icmp] {
            s.set_nonblocking(true)?;
            grow_receive_buffer(s, 8 << 20);
        }
        let port_holder = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
        let any: SocketAddr = if v6 {
            (Ipv6Addr::UNSPECIFIED, 0).into()
        } else {
            (Ipv4Addr::UNSPECIFIED, 0).into()
        };
        port_holder.bind(&any.into())?;
        let sport = port_holder
            .local_addr()?
            .as_socket()
            .map_or(0, |a| a.port());
        Ok(Self {
            v6,
            tcp,
            icmp,
            _port_holder: port_holder,
            sport,
        })
    }

    /// The source port every SYN carries.
    #[must_use]
    pub fn source_port(&self) -> u16 {
        self.sport
    }

    /// Send one TCP segment (built for `dst`) to `dst`.
    pub fn send(&self, dst: IpAddr, segment: &[u8]) -> io::Result<()> {
        let to: SockAddr = SocketAddr::new(dst, 0).into();
        self.tcp.send_to(segment, &to).map(|_| ())
    }

    /// The descriptors to wait on: TCP then ICMP.
    #[must_use]
    pub fn fds(&self) -> [BorrowedFd<'_>; 2] {
        [self.tcp.as_fd(), self.icmp.as_fd()]
    }

    /// One TCP segment addressed to our source port, if one is queued. `Ok(None)` when the
    /// queue is empty; segments for other ports are skipped.
    pub fn recv_segment(&self, buf: &mut [u8]) -> io::Result<Option<Segment>> {
        loop {
            let Some((len, from)) = recv(&self.tcp, buf)? else {
                return Ok(None);
            };
            let seg = if self.v6 {
                tcp_segment::parse_tcp(&buf[..len], from)
            } else {
                tcp_segment::parse_v4_tcp(&buf[..len])
            };
            if let Some(seg) = seg.filter(|s| s.dport == self.sport) {
                return Ok(Some(seg));
            }
        }
    }

    /// One ICMP error quoting a segment from our source port, if one is queued.
    pub fn recv_icmp(&self, buf: &mut [u8]) -> io::Result<Option<Quoted>> {
        loop {
            let Some((len, _)) = recv(&self.icmp, buf)? else {
                return Ok(None);
            };
            let quoted = if self.v6 {
                tcp_segment::parse_icmp_v6(&buf[..len])
            } else {
                tcp_segment::parse_icmp_v4(&buf[..len])
            };
            if let Some(q) = quoted.filter(|q| q.sport == self.sport) {
                return Ok(Some(q));
            }
        }
    }
}

fn recv(socket: &Socket, buf: &mut [u8]) -> io::Result<Option<(usize, IpAddr)>> {
    match recvfrom::<SockaddrStorage>(socket.as_raw_fd(), buf) {
        Ok((len, from)) => {
            let ip = from
                .and_then(|a| {
                    a.as_sockaddr_in()
                        .map(|v4| IpAddr::V4(v4.ip()))
                        .or_else(|| a.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip())))
                })
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            Ok(Some((len, ip)))
        }
        Err(nix::errno::Errno::EAGAIN) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Let a socket's receive buffer grow to `bytes`, past `net.core.rmem_max` when privileged, so
/// a burst of answers to a fast scan is not dropped before it is read.
fn grow_receive_buffer(socket: &Socket, bytes: usize) {
    if setsockopt(socket, sockopt::RcvBufForce, &bytes).is_err() {
        // Without the privilege the kernel caps the size at rmem_max: still larger than default.
        let _ = socket.set_recv_buffer_size(bytes);
    }
}
