//! The socket error queue: with `IP_RECVERR` / `IPV6_RECVERR` set, the kernel keeps each ICMP
//! error about a socket's packets (its type and code, and who sent it) for the socket to read,
//! instead of folding it into one errno. A port scan reads it to tell a RST ("connection
//! refused") from an ICMP port unreachable, and "administratively prohibited" from "no route".

use std::io::{self, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd};

use nix::sys::socket::{
    ControlMessageOwned, MsgFlags, SockaddrStorage, recvmsg, setsockopt, sockopt,
};

use crate::model::port_state::IcmpError;

/// Ask the kernel to queue ICMP errors about this socket's packets.
pub fn enable(socket: &impl AsFd, v6: bool) -> io::Result<()> {
    if v6 {
        setsockopt(socket, sockopt::Ipv6RecvErr, &true)?;
    } else {
        setsockopt(socket, sockopt::Ipv4RecvErr, &true)?;
    }
    Ok(())
}

/// The oldest ICMP error queued on the socket, if any (without waiting).
pub fn take_icmp(socket: &impl AsFd) -> io::Result<Option<IcmpError>> {
    let fd = socket.as_fd().as_raw_fd();
    let mut buf = [0u8; 64];
    let mut cmsg = nix::cmsg_space!(libc::sock_extended_err, libc::sockaddr_in6);
    let mut iov = [IoSliceMut::new(&mut buf)];
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
    for c in msg.cmsgs().into_iter().flatten() {
        match c {
            ControlMessageOwned::Ipv4RecvErr(ee, _) if ee.ee_origin == libc::SO_EE_ORIGIN_ICMP => {
                return Ok(Some(IcmpError {
                    v6: false,
                    kind: ee.ee_type,
                    code: ee.ee_code,
                }));
            }
            ControlMessageOwned::Ipv6RecvErr(ee, _) if ee.ee_origin == libc::SO_EE_ORIGIN_ICMP6 => {
                return Ok(Some(IcmpError {
                    v6: true,
                    kind: ee.ee_type,
                    code: ee.ee_code,
                }));
            }
            _ => {}
        }
    }
    Ok(None)
}
