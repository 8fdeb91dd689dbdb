//! Sockets bound on this host, as `ss -ltnup` shows them: listening TCP and bound UDP sockets
//! with their owning process where it is visible, read from the operating system's tables
//! ([`crate::net::linux::sockets`] on Linux).

use std::net::SocketAddr;

use serde::Serialize;

use super::os;
use crate::model::services::Proto;

/// One bound socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// Listening TCP and bound UDP sockets on `ports` (all ports when `None`), with owners.
#[must_use]
pub fn bound_sockets(ports: Option<&[u16]>) -> Vec<BoundSocket> {
    os::sockets::bound_sockets(ports)
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
