//! The state of a TCP socket from getsockopt(TCP_INFO), for `--trace`.

use std::os::fd::RawFd;

use crate::model::socket_trace::TcpState;

/// The kernel's state of the TCP socket `fd`; `None` when it is not an open TCP socket.
#[allow(unsafe_code)]
pub fn state(fd: RawFd) -> Option<TcpState> {
    // SAFETY: tcp_info is plain old data, so zeroes are a valid value; the kernel writes at most
    // `len` bytes into it and only reads the descriptor number, which needs no ownership.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = libc::socklen_t::try_from(std::mem::size_of::<libc::tcp_info>()).ok()?;
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            std::ptr::from_mut(&mut info).cast(),
            &raw mut len,
        )
    };
    if rc != 0 {
        return None;
    }
    // include/net/tcp_states.h
    Some(match info.tcpi_state {
        1 => TcpState::Established,
        2 => TcpState::SynSent,
        3 => TcpState::SynRecv,
        4 => TcpState::FinWait1,
        5 => TcpState::FinWait2,
        6 => TcpState::TimeWait,
        8 => TcpState::CloseWait,
        9 => TcpState::LastAck,
        10 => TcpState::Listen,
        11 => TcpState::Closing,
        _ => TcpState::Close,
    })
}
