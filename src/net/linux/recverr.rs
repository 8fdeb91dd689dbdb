//! ICMP errors through a datagram socket's error queue (`IP_RECVERR`, `IPV6_RECVERR`).
//!
//! Without `CAP_NET_RAW` a program cannot read ICMP. Linux instead queues each ICMP error about
//! a datagram a socket sent (time exceeded, unreachable) on that socket's error queue, with the
//! reporting router's address, the ICMP type and code, and the datagram's own payload; tracepath
//! works this way. A UDP socket needs no privilege at all; an ICMP "ping" socket needs the user's
//! group in `net.ipv4.ping_group_range`.

use std::io::{self, IoSliceMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};

use nix::sys::socket::{
    ControlMessageOwned, MsgFlags, SockaddrLike, SockaddrStorage, recvmsg, setsockopt, sockopt,
};

/// One ICMP error taken from a socket's error queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedError {
    /// The router or host that sent the ICMP error.
    pub from: IpAddr,
    /// ICMP (or ICMPv6) type.
    pub icmp_type: u8,
    /// ICMP code.
    pub icmp_code: u8,
    /// Where the datagram in error was going (address and port).
    pub dest: Option<SocketAddr>,
    /// How many bytes of the datagram's payload were copied into the buffer.
    pub len: usize,
}

/// Ask the kernel to queue ICMP errors on `socket` (IPv4 or IPv6).
pub fn enable(socket: &impl AsFd, v6: bool) -> io::Result<()> {
    if v6 {
        setsockopt(socket, sockopt::Ipv6RecvErr, &true)?;
    } else {
        setsockopt(socket, sockopt::Ipv4RecvErr, &true)?;
    }
    Ok(())
}

/// One entry of a socket's error queue, whatever put it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// How many bytes of the datagram's payload were copied into the buffer.
    pub len: usize,
    /// Where the datagram in error was going (address and port).
    pub dest: Option<SocketAddr>,
    /// The reporting router or host, ICMP type and code; `None` when the entry is not an ICMP
    /// error (a local error such as a full send buffer).
    pub icmp: Option<(IpAddr, u8, u8)>,
}

/// Take one entry off the error queue without waiting; `Ok(None)` when the queue is empty.
/// The datagram's payload is copied into `buf`.
pub fn read_entry(socket: &impl AsFd, buf: &mut [u8]) -> io::Result<Option<Entry>> {
    let fd = socket.as_fd().as_raw_fd();
    let mut cmsg = nix::cmsg_space!(libc::sock_extended_err, libc::sockaddr_in6);
    let mut iov = [IoSliceMut::new(buf)];
    let msg = match recvmsg::<SockaddrStorage>(
        fd,
        &mut iov,
        Some(&mut cmsg),
        MsgFlags::MSG_DONTWAIT | MsgFlags::MSG_ERRQUEUE,
    ) {
        Ok(msg) => msg,
        Err(nix::errno::Errno::EAGAIN) => return Ok(None),
        Err(e) => return Err(io::Error::from(e)),
    };
    let mut icmp = None;
    for c in msg.cmsgs().into_iter().flatten() {
        match c {
            ControlMessageOwned::Ipv4RecvErr(ee, offender)
                if ee.ee_origin == libc::SO_EE_ORIGIN_ICMP =>
            {
                let from =
                    offender.map(|sa| IpAddr::V4(Ipv4Addr::from(u32::from_be(sa.sin_addr.s_addr))));
                icmp = from.map(|from| (unmapped(from), ee.ee_type, ee.ee_code));
            }
            ControlMessageOwned::Ipv6RecvErr(ee, offender)
                if ee.ee_origin == libc::SO_EE_ORIGIN_ICMP6 =>
            {
                let from = offender.map(|sa| IpAddr::V6(Ipv6Addr::from(sa.sin6_addr.s6_addr)));
                icmp = from.map(|from| (unmapped(from), ee.ee_type, ee.ee_code));
            }
            _ => {}
        }
    }
    Ok(Some(Entry {
        len: msg.bytes,
        dest: msg.address.as_ref().and_then(socket_addr),
        icmp,
    }))
}

/// Take one ICMP error off the queue without waiting; `Ok(None)` when the queue is empty.
/// The datagram's payload is copied into `buf`. Errors that did not come from ICMP (a local
/// error such as a full send buffer) are skipped.
pub fn try_read(socket: &impl AsFd, buf: &mut [u8]) -> io::Result<Option<QueuedError>> {
    // A bounded loop: each pass takes one entry off the queue.
    for _ in 0..64 {
        let Some(entry) = read_entry(socket, buf)? else {
            return Ok(None);
        };
        if let Some((from, icmp_type, icmp_code)) = entry.icmp {
            return Ok(Some(QueuedError {
                from,
                icmp_type,
                icmp_code,
                dest: entry.dest,
                len: entry.len,
            }));
        }
    }
    Ok(None)
}

fn socket_addr(addr: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = addr.as_sockaddr_in() {
        return Some(SocketAddr::new(IpAddr::V4(v4.ip()), v4.port()));
    }
    let v6 = addr.as_sockaddr_in6()?;
    (addr.family().is_some()).then(|| SocketAddr::new(unmapped(IpAddr::V6(v6.ip())), v6.port()))
}

fn unmapped(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_queue_reads_none() {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        enable(&socket, false).unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(try_read(&socket, &mut buf).unwrap(), None);
    }

    #[test]
    fn port_unreachable_on_loopback_is_queued() {
        // A datagram to a port nobody listens on: the kernel's own port unreachable comes back
        // through the error queue, with the datagram's payload and destination.
        let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let dest = closed.local_addr().unwrap();
        drop(closed);
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        enable(&socket, false).unwrap();
        socket.send_to(b"\0\0\0\x05probe", dest).unwrap();
        let mut buf = [0u8; 64];
        let mut got = None;
        for _ in 0..100 {
            got = try_read(&socket, &mut buf).unwrap();
            if got.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let got = got.expect("an error was queued");
        assert_eq!((got.icmp_type, got.icmp_code), (3, 3));
        assert_eq!(got.from, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(got.dest, Some(dest));
        assert_eq!(&buf[..got.len], b"\0\0\0\x05probe");
    }
}
