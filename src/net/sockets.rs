//! Sockets bound on this host, as `ss -ltnup` shows them: listening TCP and bound UDP sockets
//! with their owning process where it is visible, and every socket in any state, read from the
//! operating system's tables ([`crate::net::linux::sock_diag`] on Linux).

use std::net::SocketAddr;

use serde::Serialize;

use super::os;
use crate::model::services::Proto;
use crate::model::socket::{SockState, SocketRow};

/// One bound socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BoundSocket {
    /// tcp or udp.
    pub proto: Proto,
    /// The local address and port.
    pub local: SocketAddr,
    /// LISTEN for TCP; UNCONN or ESTAB for UDP (as ss names them).
    pub state: &'static str,
    /// The owning process's id, where visible.
    pub pid: Option<u32>,
    /// The owning process's command name, where visible.
    pub process: Option<String>,
}

/// Which sockets to ask the kernel for.
#[derive(Debug, Clone)]
pub struct Query {
    /// TCP sockets.
    pub tcp: bool,
    /// UDP sockets.
    pub udp: bool,
    /// IPv4 sockets.
    pub v4: bool,
    /// IPv6 sockets.
    pub v6: bool,
    /// Only these states (`None`: every state).
    pub states: Option<Vec<SockState>>,
}

/// Every TCP and UDP socket the query asks for (TCP before UDP, v4 before v6), without owners.
pub fn sockets(query: &Query) -> std::io::Result<Vec<SocketRow>> {
    os::sock_diag::sockets(query)
}

/// Fill in the owning process of each row where it is visible; returns how many rows that
/// have an owner stayed without one (another user's processes, when not root).
pub fn attach_owners(rows: &mut [SocketRow]) -> usize {
    os::sock_diag::attach_owners(rows)
}

/// Listening TCP and bound UDP sockets on `ports` (all ports when `None`), with owners.
#[must_use]
pub fn bound_sockets(ports: Option<&[u16]>) -> Vec<BoundSocket> {
    let query = Query {
        tcp: true,
        udp: true,
        v4: true,
        v6: true,
        states: None,
    };
    let Ok(mut rows) = sockets(&query) else {
        return Vec::new();
    };
    rows.retain(|r| {
        ports.is_none_or(|p| p.contains(&r.local.port()))
            && (r.proto == Proto::Udp || r.state == SockState::Listen)
    });
    attach_owners(&mut rows);
    rows.into_iter()
        .map(|r| BoundSocket {
            proto: r.proto,
            local: r.local,
            state: r.state.ss_name(),
            pid: r.pid,
            process: r.process,
        })
        .collect()
}

/// The first port an unprivileged process may bind (1024 unless the system changed it).
#[must_use]
pub fn unprivileged_port_start() -> u16 {
    os::sockets::unprivileged_port_start().unwrap_or(1024)
}

/// Who holds `port` for `proto` on this host: `"nginx (pid 123)"`, or `None` when nothing
/// visible is bound there.
#[must_use]
pub fn holder(port: u16, proto: Proto) -> Option<String> {
    bound_sockets(Some(&[port]))
        .into_iter()
        .filter(|s| s.proto == proto)
        .find_map(|s| {
            s.pid
                .map(|pid| format!("{} (pid {pid})", s.process.unwrap_or_default()))
        })
}
