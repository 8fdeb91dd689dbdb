//! AF_PACKET sockets: capturing every frame of one interface or of all (`nettool sniff`), and
//! sending and receiving ARP on one interface (`nettool arping`). Both need `CAP_NET_RAW`.
//!
//! A capture socket is `SOCK_RAW` with protocol `ETH_P_ALL`, so each frame arrives with its link
//! header; the kernel's `sockaddr_ll` says on which interface, which way, and with which
//! hardware type. `PACKET_STATISTICS` counts the frames the kernel dropped because the socket's
//! buffer was full. The ARP socket is `SOCK_DGRAM` with `ETH_P_ARP`: the kernel adds and strips
//! the Ethernet header, and the peer's MAC comes in `sockaddr_ll`.
#![allow(unsafe_code)]

use std::io;
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

/// One captured frame's metadata.
#[derive(Debug, Clone, Copy)]
pub struct FrameInfo {
    /// Bytes copied into the buffer.
    pub captured: usize,
    /// The frame's full length.
    pub length: usize,
    /// The interface's index.
    pub ifindex: u32,
    /// Whether this host sent the frame.
    pub outgoing: bool,
    /// The Linux packet type (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing).
    pub pkttype: u8,
    /// Whether the frame starts with an Ethernet header (Ethernet and loopback devices).
    pub ethernet: bool,
    /// The ARP hardware type of the interface (1 Ethernet, 772 loopback).
    pub hatype: u16,
    /// The EtherType the kernel saw.
    pub protocol: u16,
    /// The link-layer source address (up to 8 bytes) and its length.
    pub addr: ([u8; 8], u8),
}

/// What the kernel counted for a capture socket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaptureStats {
    /// Frames passed to the socket, dropped ones included.
    pub received: u64,
    /// Frames dropped because the socket's buffer was full.
    pub dropped: u64,
}

const ETH_P_ALL: u16 = 0x0003;
const ETH_P_ARP: u16 = 0x0806;
const ARPHRD_ETHER: u16 = 1;
const ARPHRD_LOOPBACK: u16 = 772;

fn packet_socket(kind: libc::c_int, protocol: u16) -> io::Result<OwnedFd> {
    // SAFETY: socket() takes no pointers; a valid descriptor is owned from here on.
    let fd = unsafe {
        libc::socket(
            libc::AF_PACKET,
            kind | libc::SOCK_CLOEXEC,
            libc::c_int::from(protocol.to_be()),
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn sockaddr_ll(ifindex: u32, protocol: u16) -> libc::sockaddr_ll {
    // SAFETY: sockaddr_ll is plain data; all zeros is a valid value.
    let mut addr: libc::sockaddr_ll = unsafe { zeroed() };
    addr.sll_family = libc::AF_PACKET as u16;
    addr.sll_protocol = protocol.to_be();
    addr.sll_ifindex = i32::try_from(ifindex).unwrap_or(0);
    addr
}

fn bind(fd: &OwnedFd, ifindex: u32, protocol: u16) -> io::Result<()> {
    let addr = sockaddr_ll(ifindex, protocol);
    // SAFETY: addr is a valid sockaddr_ll and the length passed is its size.
    let rc = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            std::ptr::from_ref(&addr).cast(),
            size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn set_int_option(
    fd: &OwnedFd,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    // SAFETY: value lives across the call and its size is passed.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            std::ptr::from_ref(&value).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn set_timeout(fd: &OwnedFd, timeout: Duration) -> io::Result<()> {
    let tv = libc::timeval {
        tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_usec: libc::suseconds_t::from(timeout.subsec_micros().max(1)),
    };
    // SAFETY: tv lives across the call and its size is passed.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            std::ptr::from_ref(&tv).cast(),
            size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Receive one frame; `Ok(None)` when the receive timeout passed or a signal interrupted.
fn recv_frame(fd: &OwnedFd, buf: &mut [u8]) -> io::Result<Option<(usize, libc::sockaddr_ll)>> {
    // SAFETY: sockaddr_ll is plain data; all zeros is a valid value.
    let mut addr: libc::sockaddr_ll = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: buf and addr are valid for writes of the lengths passed; MSG_TRUNC makes the
    // kernel return the frame's full length while copying at most buf.len() bytes.
    let n = unsafe {
        libc::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_TRUNC,
            std::ptr::from_mut(&mut addr).cast(),
            &raw mut len,
        )
    };
    if n < 0 {
        let err = io::Error::last_os_error();
        return match err.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(None),
            _ => Err(err),
        };
    }
    Ok(Some((usize::try_from(n).unwrap_or(0), addr)))
}

/// A loopback device hands a packet socket every frame twice, once going out and once coming
/// in; like libpcap, keep only the incoming copy. The kernel drops the outgoing one with a
/// classic BPF filter, so it never takes room in the socket's buffer.
fn skip_loopback_echoes(fd: &OwnedFd) -> io::Result<()> {
    const LD_ABS_W: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET | BPF_K
    const AD_PKTTYPE: u32 = 0xffff_f000 + 4; // SKF_AD_OFF + SKF_AD_PKTTYPE
    const AD_HATYPE: u32 = 0xffff_f000 + 28; // SKF_AD_OFF + SKF_AD_HATYPE
    let op = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    let program = [
        op(LD_ABS_W, 0, 0, AD_PKTTYPE),
        op(JEQ_K, 0, 2, u32::from(libc::PACKET_OUTGOING)),
        op(LD_ABS_W, 0, 0, AD_HATYPE),
        op(JEQ_K, 1, 0, u32::from(ARPHRD_LOOPBACK)),
        op(RET_K, 0, 0, u32::MAX),
        op(RET_K, 0, 0, 0),
    ];
    let fprog = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_ptr().cast_mut(),
    };
    // SAFETY: fprog points at `program`, which lives across the call; the kernel copies it.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            std::ptr::from_ref(&fprog).cast(),
            size_of::<libc::sock_fprog>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A capture on one interface or all.
pub struct Capture {
    fd: OwnedFd,
}

impl Capture {
    /// Open a capture on the interface with index `ifindex` (all interfaces when `None`),
    /// with a receive buffer of `buffer` bytes and receives that give up after `timeout`.
    pub fn open(ifindex: Option<u32>, buffer: usize, timeout: Duration) -> io::Result<Self> {
        let fd = packet_socket(libc::SOCK_RAW, ETH_P_ALL)?;
        let size = libc::c_int::try_from(buffer).unwrap_or(libc::c_int::MAX);
        // Root may exceed net.core.rmem_max; others get what the limit allows.
        if set_int_option(&fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, size).is_err() {
            set_int_option(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, size)?;
        }
        skip_loopback_echoes(&fd)?;
        if let Some(index) = ifindex {
            bind(&fd, index, ETH_P_ALL)?;
        }
        set_timeout(&fd, timeout)?;
        Ok(Self { fd })
    }

    /// The next frame into `buf`, or `None` when the timeout passed first.
    pub fn next(&mut self, buf: &mut [u8]) -> io::Result<Option<FrameInfo>> {
        let Some((length, addr)) = recv_frame(&self.fd, buf)? else {
            return Ok(None);
        };
        let mut hw = [0u8; 8];
        hw.copy_from_slice(&addr.sll_addr);
        Ok(Some(FrameInfo {
            captured: length.min(buf.len()),
            length,
            ifindex: u32::try_from(addr.sll_ifindex).unwrap_or(0),
            outgoing: addr.sll_pkttype == libc::PACKET_OUTGOING,
            pkttype: addr.sll_pkttype,
            ethernet: matches!(addr.sll_hatype, ARPHRD_ETHER | ARPHRD_LOOPBACK),
            hatype: addr.sll_hatype,
            protocol: u16::from_be(addr.sll_protocol),
            addr: (hw, addr.sll_halen.min(8)),
        }))
    }

    /// The kernel's counters since the last call (reading them resets them).
    pub fn stats(&self) -> io::Result<CaptureStats> {
        // SAFETY: tpacket_stats is plain data; all zeros is a valid value.
        let mut stats: libc::tpacket_stats = unsafe { zeroed() };
        let mut len = size_of::<libc::tpacket_stats>() as libc::socklen_t;
        // SAFETY: stats is valid for writes of len bytes.
        let rc = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                std::ptr::from_mut(&mut stats).cast(),
                &raw mut len,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(CaptureStats {
            received: u64::from(stats.tp_packets),
            dropped: u64::from(stats.tp_drops),
        })
    }
}

/// A socket that sends and receives ARP packets on one interface.
pub struct ArpSocket {
    fd: OwnedFd,
    ifindex: u32,
}

impl ArpSocket {
    /// Open on the interface with index `ifindex`; receives give up after `timeout`.
    pub fn open(ifindex: u32, timeout: Duration) -> io::Result<Self> {
        let fd = packet_socket(libc::SOCK_DGRAM, ETH_P_ARP)?;
        bind(&fd, ifindex, ETH_P_ARP)?;
        set_timeout(&fd, timeout)?;
        Ok(Self { fd, ifindex })
    }

    /// Send an ARP packet (without Ethernet header) to the MAC `to`.
    pub fn send(&self, payload: &[u8], to: [u8; 6]) -> io::Result<()> {
        let mut addr = sockaddr_ll(self.ifindex, ETH_P_ARP);
        addr.sll_halen = 6;
        addr.sll_addr[..6].copy_from_slice(&to);
        // SAFETY: payload and addr are valid for reads of the lengths passed.
        let rc = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                payload.as_ptr().cast(),
                payload.len(),
                0,
                std::ptr::from_ref(&addr).cast(),
                size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// The next ARP packet that this host did not send, and the MAC it came from; `None` when
    /// the timeout passed first.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<Option<(usize, [u8; 6])>> {
        let Some((length, addr)) = recv_frame(&self.fd, buf)? else {
            return Ok(None);
        };
        let mut mac = [0u8; 6];
        mac.copy_from_slice(&addr.sll_addr[..6]);
        if addr.sll_pkttype == libc::PACKET_OUTGOING {
            return Ok(Some((0, mac)));
        }
        Ok(Some((length.min(buf.len()), mac)))
    }
}
