//! The Linux-only parts of an ICMP socket: the raw-socket type filters, the TTL and hop-limit
//! control messages, the error queue where the kernel reports ICMP errors about a datagram
//! ("ping") socket's requests, and binding to an interface by name.
//!
//! [`crate::net::icmp`] opens the socket and parses packets; it calls these functions and sees
//! only addresses, lengths and ICMP type and code numbers.

use std::io::{self, IoSliceMut};
use std::net::IpAddr;
use std::os::fd::{AsFd, AsRawFd};

use nix::sys::socket::{
    ControlMessageOwned, MsgFlags, SockaddrStorage, recvmsg, setsockopt, sockopt,
};
use socket2::Socket;

/// The socket level of raw sockets (`SOL_RAW`), where the IPv4 ICMP filter lives.
const SOL_RAW: libc::c_int = 255;
/// `ICMP_FILTER` (linux/icmp.h): a bit mask of the ICMP types a raw socket drops.
const ICMP_FILTER: libc::c_int = 1;
/// `ICMP6_FILTER` (linux/icmpv6.h): the same for ICMPv6, 256 bits.
const ICMP6_FILTER: libc::c_int = 1;

/// One packet read from the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram {
    /// Bytes written into the buffer.
    pub len: usize,
    /// The sender.
    pub from: Option<IpAddr>,
    /// The TTL or hop limit the packet arrived with, when a control message said it.
    pub ttl: Option<u8>,
}

/// One report read from a datagram socket's error queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedError {
    /// Bytes of our own request written into the buffer (type, code, checksum, id, seq, ...).
    pub len: usize,
    /// The destination of the request the report is about.
    pub dest: Option<IpAddr>,
    /// The reporting router or host, ICMP type and code; `None` when the report is not an ICMP
    /// error (a local error, for instance).
    pub icmp: Option<(IpAddr, u8, u8)>,
}

/// Make a raw socket deliver only echo replies and the ICMP errors that can quote a request,
/// so that our own requests looped back and other processes' traffic never reach us.
pub fn keep_replies_and_errors(socket: &Socket, v6: bool) -> io::Result<()> {
    if v6 {
        let mut blocked = [u32::MAX; 8];
        // Unreachable, packet too big, time exceeded, parameter problem, echo reply.
        for kind in [1u32, 2, 3, 4, 129] {
            blocked[(kind / 32) as usize] &= !(1 << (kind % 32));
        }
        set_raw_filter(socket, libc::IPPROTO_ICMPV6, ICMP6_FILTER, &blocked)
    } else {
        // Echo reply, unreachable, source quench, time exceeded, parameter problem.
        let wanted: u32 = (1 << 0) | (1 << 3) | (1 << 4) | (1 << 11) | (1 << 12);
        set_raw_filter(socket, SOL_RAW, ICMP_FILTER, &[!wanted])
    }
}

/// Ask for the TTL (IPv4) or hop limit (IPv6) of each received packet as a control message.
/// Best effort: without it replies are shown without a TTL.
pub fn report_ttl(socket: &Socket, v6: bool) {
    if v6 {
        let _ = setsockopt(socket, sockopt::Ipv6RecvHopLimit, &true);
    } else {
        let _ = setsockopt(socket, sockopt::Ipv4RecvTtl, &true);
    }
}

/// Ask the kernel to queue ICMP errors about our requests on the socket's error queue (a
/// datagram socket sees them nowhere else). Best effort: without it errors look like silence.
pub fn queue_errors(socket: &Socket, v6: bool) {
    let _ = super::recverr::enable(socket, v6);
}

/// Send only through the interface named `device`.
pub fn bind_to_interface(socket: &Socket, device: &str) -> io::Result<()> {
    socket.bind_device(Some(device.as_bytes()))
}

/// Read one packet without waiting, with its sender and TTL; `Ok(None)` when none is queued.
pub fn recv_with_ttl(socket: &Socket, buf: &mut [u8]) -> io::Result<Option<Datagram>> {
    let fd = socket.as_fd().as_raw_fd();
    let mut cmsg = nix::cmsg_space!(libc::c_int, libc::sock_extended_err, libc::sockaddr_in6);
    let mut iov = [IoSliceMut::new(buf)];
    let msg =
        match recvmsg::<SockaddrStorage>(fd, &mut iov, Some(&mut cmsg), MsgFlags::MSG_DONTWAIT) {
            Ok(msg) => msg,
            Err(nix::errno::Errno::EAGAIN) => return Ok(None),
            Err(e) => return Err(io::Error::from(e)),
        };
    let mut ttl = None;
    for c in msg.cmsgs().into_iter().flatten() {
        if let ControlMessageOwned::Ipv4Ttl(t) | ControlMessageOwned::Ipv6HopLimit(t) = c {
            ttl = u8::try_from(t).ok();
        }
    }
    Ok(Some(Datagram {
        len: msg.bytes,
        from: msg.address.as_ref().and_then(storage_ip),
        ttl,
    }))
}

/// Read one report from the socket's error queue without waiting; `Ok(None)` when it is empty.
/// The data is our own request as sent, and the control message names the reporter.
pub fn recv_queued_error(socket: &Socket, buf: &mut [u8]) -> io::Result<Option<QueuedError>> {
    Ok(
        super::recverr::read_entry(socket, buf)?.map(|entry| QueuedError {
            len: entry.len,
            dest: entry.dest.map(|d| d.ip()),
            icmp: entry.icmp,
        }),
    )
}

fn storage_ip(addr: &SockaddrStorage) -> Option<IpAddr> {
    if let Some(v4) = addr.as_sockaddr_in() {
        return Some(IpAddr::V4(v4.ip()));
    }
    addr.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
}

/// `setsockopt` for the raw-socket ICMP type filters, which neither socket2 nor nix wrap.
#[allow(unsafe_code)]
fn set_raw_filter(socket: &Socket, level: i32, name: i32, words: &[u32]) -> io::Result<()> {
    let len = libc::socklen_t::try_from(std::mem::size_of_val(words)).unwrap_or(0);
    // SAFETY: the pointer and length describe `words`, a live, initialised slice of u32, which
    // is the layout of both `struct icmp_filter` (one u32) and `struct icmp6_filter` (eight);
    // the kernel only reads `len` bytes from it during the call.
    let rc =
        unsafe { libc::setsockopt(socket.as_raw_fd(), level, name, words.as_ptr().cast(), len) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
