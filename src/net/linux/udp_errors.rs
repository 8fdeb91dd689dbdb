//! ICMP errors on an unconnected UDP socket. Linux reports "port unreachable" for a datagram
//! sent with `sendto` only when the socket asked for it (`IP_RECVERR` / `IPV6_RECVERR`); the
//! next receive then fails with `ECONNREFUSED`. Each such error is also queued on the socket's
//! error queue, which is read empty here so that it does not take room from real datagrams.

use std::io;
use std::io::IoSliceMut;
use std::os::fd::{AsRawFd, BorrowedFd};

use nix::sys::socket::{MsgFlags, recvmsg};

/// Ask the kernel to report ICMP errors about datagrams sent from `fd` (an IPv6 socket when
/// `v6`).
pub fn report_icmp_errors(fd: BorrowedFd<'_>, v6: bool) -> io::Result<()> {
    super::recverr::enable(&fd, v6)
}

/// Read the error queue of `fd` empty (at most 256 entries), without blocking.
pub fn drain_errors(fd: BorrowedFd<'_>) {
    let mut data = [0u8; 512];
    for _ in 0..256 {
        let mut iov = [IoSliceMut::new(&mut data)];
        let got = recvmsg::<()>(
            fd.as_raw_fd(),
            &mut iov,
            None,
            MsgFlags::MSG_ERRQUEUE | MsgFlags::MSG_DONTWAIT,
        );
        if got.is_err() {
            return;
        }
    }
}
