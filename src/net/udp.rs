//! UDP sockets through socket2: binding with broadcast and a large receive buffer, joining
//! multicast groups on a chosen interface, TTLs, and the errors that say what went wrong.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use socket2::{Domain, InterfaceIndexOrAddress, Protocol, Socket, Type};

use crate::error::{Error, Result};
use crate::model::address::Endpoint;

/// The largest UDP payload over IPv4: 65,535 - 20 (IP header) - 8 (UDP header).
pub const MAX_PAYLOAD_V4: usize = 65_507;
/// The largest UDP payload over IPv6 (no jumbograms): 65,535 - 8.
pub const MAX_PAYLOAD_V6: usize = 65_527;

/// The largest payload for a destination's family.
#[must_use]
pub fn max_payload(addr: IpAddr) -> usize {
    if addr.is_ipv4() {
        MAX_PAYLOAD_V4
    } else {
        MAX_PAYLOAD_V6
    }
}

/// How to bind a socket.
#[derive(Debug, Clone, Copy, Default)]
pub struct BindOptions {
    /// Set SO_BROADCAST (send to, and on some systems receive, broadcast addresses).
    pub broadcast: bool,
    /// Set SO_REUSEADDR, so several receivers can share a multicast or broadcast port.
    pub reuse: bool,
    /// The receive buffer to ask for (SO_RCVBUF).
    pub recv_buffer: Option<usize>,
}

/// Bind a UDP socket. The IPv6 wildcard accepts IPv4 too where the system allows.
pub fn bind(addr: SocketAddr, options: BindOptions) -> Result<UdpSocket> {
    let context = || format!("bind udp {addr}");
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| Error::io(context(), e))?;
    if addr.is_ipv6() && addr.ip().is_unspecified() {
        // Dual stack where the system allows it; failing that, IPv6 only.
        let _ = socket.set_only_v6(false);
    }
    if options.reuse {
        socket
            .set_reuse_address(true)
            .map_err(|e| Error::io(context(), e))?;
    }
    if options.broadcast {
        socket
            .set_broadcast(true)
            .map_err(|e| Error::io(context(), e))?;
    }
    if let Some(size) = options.recv_buffer {
        // The kernel caps the size at net.core.rmem_max; a smaller buffer still works.
        let _ = socket.set_recv_buffer_size(size);
    }
    crate::net::privilege::with_raised(|| socket.bind(&addr.into()))
        .map_err(|e| bind_error(addr, e))?;
    Ok(socket.into())
}

/// A bind error that says what would help.
pub fn bind_error(addr: SocketAddr, err: io::Error) -> Error {
    match err.kind() {
        io::ErrorKind::PermissionDenied if addr.port() < 1024 => Error::Permission(format!(
            "bind udp {addr}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
        )),
        io::ErrorKind::AddrInUse => Error::io(
            format!("bind udp {addr}: port {} is in use", addr.port()),
            err,
        ),
        _ => Error::io(format!("bind udp {addr}"), err),
    }
}

/// Join a multicast group, on the named interface or on the one the kernel picks.
pub fn join(socket: &UdpSocket, group: IpAddr, iface: Option<&str>) -> Result<()> {
    let index = iface
        .map(crate::net::iface::index_of)
        .transpose()?
        .unwrap_or(0);
    let sock = socket2::SockRef::from(socket);
    let result = match group {
        IpAddr::V4(g) => sock.join_multicast_v4_n(&g, &InterfaceIndexOrAddress::Index(index)),
        IpAddr::V6(g) => sock.join_multicast_v6(&g, index),
    };
    result.map_err(|e| Error::io(format!("join multicast group {group}"), e))
}

/// Set the TTL (IPv4) or hop limit (IPv6) for unicast and multicast datagrams.
pub fn set_ttl(socket: &UdpSocket, destination: IpAddr, ttl: u32) -> Result<()> {
    let sock = socket2::SockRef::from(socket);
    let result = match destination {
        IpAddr::V4(a) if a.is_multicast() => sock.set_multicast_ttl_v4(ttl),
        IpAddr::V4(_) => sock.set_ttl_v4(ttl),
        IpAddr::V6(a) if a.is_multicast() => sock.set_multicast_hops_v6(ttl),
        IpAddr::V6(_) => sock.set_unicast_hops_v6(ttl),
    };
    result.map_err(|e| Error::io(format!("set ttl {ttl}"), e))
}

/// The wildcard address of a family, for binding.
#[must_use]
pub fn wildcard(v6: bool, port: u16) -> SocketAddr {
    if v6 {
        SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))
    } else {
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))
    }
}

/// A source as it is shown: an IPv4-mapped IPv6 address as the IPv4 address it is, a zone by
/// its interface's name.
#[must_use]
pub fn canonical(addr: SocketAddr) -> Endpoint {
    match addr.ip().to_canonical() {
        ip @ IpAddr::V4(_) => SocketAddr::new(ip, addr.port()).into(),
        IpAddr::V6(_) => crate::net::host::endpoint(addr),
    }
}

/// Whether `source`'s address is one of this host's own, as the kernel sees it: a socket can be
/// bound to it (every address of 127.0.0.0/8, the wildcard, the addresses of each interface).
/// A datagram from such an address with a receiver's own port came from that receiver's socket,
/// or was forged to look so; answering it would answer itself.
#[must_use]
pub fn is_own_address(source: SocketAddr) -> bool {
    let mut probe = canonical(source).addr;
    probe.set_port(0);
    UdpSocket::bind(probe).is_ok()
}

/// Whether an error is the ICMP port unreachable a connected UDP socket reports.
#[must_use]
pub fn is_port_unreachable(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::ConnectionRefused
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(max_payload("127.0.0.1".parse().unwrap()), 65_507);
        assert_eq!(max_payload("::1".parse().unwrap()), 65_527);
    }

    #[test]
    fn own_addresses() {
        for own in [
            "127.0.0.1:7",
            "127.0.0.2:7",
            "[::ffff:127.0.0.1]:7",
            "0.0.0.0:7",
        ] {
            assert!(is_own_address(own.parse().unwrap()), "{own}");
        }
        // Documentation addresses are nobody's on a test machine.
        for other in ["192.0.2.1:7", "[2001:db8::1]:7"] {
            assert!(!is_own_address(other.parse().unwrap()), "{other}");
        }
    }

    #[test]
    fn canonical_sources() {
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        assert_eq!(canonical(mapped).to_string(), "127.0.0.1:5000");
    }
}
