//! Every TCP and UDP socket of this network namespace, from the kernel's sock_diag netlink
//! interface (`NETLINK_SOCK_DIAG`, `inet_diag`): the same source `ss` reads, one dump request per
//! protocol and family, with the state filter applied by the kernel. The owning process of a
//! socket is found through its inode ([`super::sockets::socket_owners`]).
//!
//! The message types come from `netlink-packet-sock-diag`. That crate does not keep the time
//! left on a TIME_WAIT timer (it reports only that the timer runs), so that one field is read
//! from the fixed-layout `inet_diag_msg` header directly.

use std::io;
use std::net::SocketAddr;

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, NetlinkPayload,
};
use netlink_packet_sock_diag::SockDiagMessage;
use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP};
use netlink_packet_sock_diag::inet::{ExtensionFlags, InetRequest, SocketId, StateFlags};
use netlink_sys::protocols::NETLINK_SOCK_DIAG;
use netlink_sys::{Socket, SocketAddr as NetlinkAddr};

use crate::model::services::Proto;
use crate::model::socket::{SockState, SocketRow, Timer};
use crate::net::sockets::Query;

/// The netlink header (16 bytes) and, in `inet_diag_msg`, the four one-byte fields and the
/// 48-byte socket id before `idiag_expires`.
const EXPIRES_OFFSET: usize = 16 + 4 + 48;

/// Every socket the query asks for, in the kernel's order (TCP v4, TCP v6, UDP v4, UDP v6),
/// without owners (see [`attach_owners`]).
pub fn sockets(query: &Query) -> io::Result<Vec<SocketRow>> {
    let mut socket = Socket::new(NETLINK_SOCK_DIAG)?;
    socket.bind_auto()?;
    socket.connect(&NetlinkAddr::new(0, 0))?;
    let states = match &query.states {
        None => StateFlags::all(),
        Some(list) => StateFlags::from_bits_truncate(
            list.iter()
                .map(|s| 1u32 << kernel_number(*s))
                .fold(0, |a, b| a | b),
        ),
    };
    let mut rows = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    for (wanted, proto, protocol) in [
        (query.tcp, Proto::Tcp, IPPROTO_TCP),
        (query.udp, Proto::Udp, IPPROTO_UDP),
    ] {
        for (family_wanted, family, id) in [
            (query.v4, AF_INET, SocketId::new_v4()),
            (query.v6, AF_INET6, SocketId::new_v6()),
        ] {
            if wanted && family_wanted {
                dump(
                    &socket,
                    &mut buf,
                    proto,
                    family,
                    protocol,
                    states.clone(),
                    id,
                    &mut rows,
                )?;
            }
        }
    }
    Ok(rows)
}

#[expect(clippy::too_many_arguments, reason = "one request's fields, used once")]
fn dump(
    socket: &Socket,
    buf: &mut [u8],
    proto: Proto,
    family: u8,
    protocol: u8,
    states: StateFlags,
    socket_id: SocketId,
    rows: &mut Vec<SocketRow>,
) -> io::Result<()> {
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    let mut request = NetlinkMessage::new(
        header,
        SockDiagMessage::InetRequest(InetRequest {
            family,
            protocol,
            extensions: ExtensionFlags::empty(),
            states,
            socket_id,
        })
        .into(),
    );
    request.finalize();
    let mut out = vec![0u8; request.buffer_len()];
    request.serialize(&mut out);
    socket.send(&out, 0)?;
    loop {
        let size = socket.recv(&mut &mut buf[..], 0)?;
        let mut offset = 0;
        while offset < size {
            let bytes = &buf[offset..size];
            let message = NetlinkMessage::<SockDiagMessage>::deserialize(bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            let length = message.header.length as usize;
            match message.payload {
                NetlinkPayload::Done(_) => return Ok(()),
                NetlinkPayload::Error(err) => {
                    return match err.code {
                        Some(code) => Err(io::Error::from_raw_os_error(-code.get())),
                        None => Ok(()),
                    };
                }
                NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(response)) => {
                    let h = &response.header;
                    let expires = bytes
                        .get(EXPIRES_OFFSET..EXPIRES_OFFSET + 4)
                        .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
                    let (code, retransmits) = raw_timer(bytes);
                    let id = &h.socket_id;
                    rows.push(SocketRow {
                        proto,
                        state: SockState::from_kernel(h.state),
                        recv_q: h.recv_queue,
                        send_q: h.send_queue,
                        local: SocketAddr::new(id.source_address, id.source_port),
                        peer: SocketAddr::new(id.destination_address, id.destination_port),
                        timer: Timer::from_kernel(code, expires, retransmits),
                        uid: h.uid,
                        inode: u64::from(h.inode),
                        pid: None,
                        process: None,
                    });
                }
                _ => {}
            }
            if length == 0 {
                break;
            }
            offset += (length + 3) & !3;
        }
    }
}

/// `idiag_timer` and `idiag_retrans`: the third and fourth bytes after the netlink header.
fn raw_timer(message: &[u8]) -> (u8, u8) {
    (
        message.get(18).copied().unwrap_or(0),
        message.get(19).copied().unwrap_or(0),
    )
}

fn kernel_number(state: SockState) -> u32 {
    match state {
        SockState::Established => 1,
        SockState::SynSent => 2,
        SockState::SynRecv => 3,
        SockState::FinWait1 => 4,
        SockState::FinWait2 => 5,
        SockState::TimeWait => 6,
        SockState::Unconn => 7,
        SockState::CloseWait => 8,
        SockState::LastAck => 9,
        SockState::Listen => 10,
        SockState::Closing => 11,
        SockState::Unknown => 0,
    }
}

/// Fill in the owning process of every row whose socket inode a visible process holds.
/// Returns how many rows with an inode stayed without an owner (other users' processes).
pub fn attach_owners(rows: &mut [SocketRow]) -> usize {
    if rows.iter().all(|r| r.inode == 0) {
        return 0;
    }
    let owners = super::sockets::socket_owners();
    let mut hidden = 0;
    for row in rows.iter_mut().filter(|r| r.inode != 0) {
        match owners.get(&row.inode) {
            Some((pid, name)) => {
                row.pid = Some(*pid);
                row.process = Some(name.clone());
            }
            None => hidden += 1,
        }
    }
    hidden
}
