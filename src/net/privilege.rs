//! How nettool gets an ICMP socket without asking for more privilege than it needs.
//!
//! On Linux there are two ways to send ICMP echo requests:
//!
//! * a raw socket (`SOCK_RAW`, `IPPROTO_ICMP`), which needs `CAP_NET_RAW` (root, or
//!   `setcap cap_net_raw+ep` on the binary). It sees every ICMP packet the host receives, so the
//!   reader must pick out its own replies by identifier, sequence and source;
//! * an unprivileged "ping socket" (`SOCK_DGRAM`, `IPPROTO_ICMP`), allowed when the user's group
//!   is inside `net.ipv4.ping_group_range` (per network namespace; many systems ship `1 0`,
//!   which allows nobody). The kernel then owns the identifier and hands each socket only its
//!   own replies; ICMP errors arrive on the socket's error queue.
//!
//! nettool tries the raw socket first (it sees ICMP errors directly and keeps the identifier),
//! then the datagram socket, and when both are refused says how to allow either, and that
//! `--tcp PORT` needs no privilege at all.
//!
//! Capabilities are held no longer than the sockets that need them take to open, as iputils
//! ping does: at start [`lower`] clears the effective set of a command that may still open such
//! a socket (ping's raw socket, a port below 1024), [`with_raised`] brings it back around that
//! one call, and [`drop_all`] ends with none, right after. Every other command calls
//! [`drop_all`] before anything else. A process without capabilities is unaffected.

use std::io;

use socket2::{Domain, Protocol, Socket, Type};

use crate::error::{Error, Result};

/// How probes are sent; shown with `-v` and in JSON as `method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// A raw ICMP socket (`CAP_NET_RAW`).
    Raw,
    /// An unprivileged ICMP datagram ("ping") socket.
    Dgram,
    /// TCP connection handshakes (`--tcp PORT`).
    Tcp,
}

impl Method {
    /// The name used in JSON and in messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::Dgram => "dgram",
            Self::Tcp => "tcp",
        }
    }
}

/// Clear the effective capabilities, keeping the permitted ones for [`with_raised`]. Called
/// before any other thread starts, so every thread inherits the cleared set.
pub fn lower() {
    super::os::process::lower_effective();
}

/// Drop every capability of the calling thread for good.
pub fn drop_all() {
    super::os::process::drop_all();
}

/// Run `open` with the permitted capabilities effective, then clear them again.
pub fn with_raised<T>(open: impl FnOnce() -> T) -> T {
    super::os::process::raise_effective();
    let result = open();
    super::os::process::lower_effective();
    result
}

/// Raise the soft open-file limit to the hard one, so a server can hold as many clients as the
/// system allows; returns the limit in force.
pub fn raise_file_limit() -> Option<u64> {
    super::os::process::raise_nofile_limit()
}

/// Open an ICMP socket for IPv4 (`v6 == false`) or IPv6: raw first, then datagram.
pub fn open_icmp(v6: bool) -> Result<(Socket, Method)> {
    let (domain, protocol) = if v6 {
        (Domain::IPV6, Protocol::ICMPV6)
    } else {
        (Domain::IPV4, Protocol::ICMPV4)
    };
    let raw_err = match with_raised(|| Socket::new(domain, Type::RAW, Some(protocol))) {
        Ok(socket) => return Ok((socket, Method::Raw)),
        Err(err) => err,
    };
    let dgram_err = match Socket::new(domain, Type::DGRAM, Some(protocol)) {
        Ok(socket) => return Ok((socket, Method::Dgram)),
        Err(err) => err,
    };
    Err(both_refused(&raw_err, &dgram_err))
}

/// The one error for "neither socket could be opened", naming both fixes and `--tcp`.
#[must_use]
pub fn both_refused(raw_err: &io::Error, dgram_err: &io::Error) -> Error {
    let exe =
        std::env::current_exe().map_or_else(|_| "nettool".to_string(), |p| p.display().to_string());
    Error::Permission(format!(
        "cannot open an ICMP socket: raw socket: {}; datagram socket: {}. \
         Allow one: `setcap cap_net_raw+ep {exe}` (raw) or \
         `sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"` (datagram); \
         or probe without ICMP: --tcp PORT",
        reason(raw_err),
        reason(dgram_err)
    ))
}

fn reason(err: &io::Error) -> String {
    Error::io(
        "x",
        io::Error::from_raw_os_error(err.raw_os_error().unwrap_or(0)),
    )
    .to_string()
    .trim_start_matches("x: ")
    .to_string()
}

/// Whether this process may flood (as iputils: only the superuser).
#[must_use]
pub fn may_flood() -> bool {
    nix::unistd::geteuid().is_root()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_refused_names_both_fixes_and_tcp() {
        let err = both_refused(
            &io::Error::from_raw_os_error(libc::EPERM),
            &io::Error::from_raw_os_error(libc::EACCES),
        );
        let text = err.to_string();
        assert!(
            text.contains("raw socket: operation not permitted"),
            "{text}"
        );
        assert!(
            text.contains("datagram socket: permission denied"),
            "{text}"
        );
        assert!(text.contains("setcap cap_net_raw+ep "), "{text}");
        assert!(
            text.contains("sysctl -w net.ipv4.ping_group_range=\"0 2147483647\""),
            "{text}"
        );
        assert!(text.contains("--tcp PORT"), "{text}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn method_names() {
        assert_eq!(Method::Raw.as_str(), "raw");
        assert_eq!(serde_json::to_string(&Method::Dgram).unwrap(), "\"dgram\"");
        assert_eq!(Method::Tcp.as_str(), "tcp");
    }
}
