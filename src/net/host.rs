//! The system resolver, the one adapter over getaddrinfo and getnameinfo, and host names and
//! address literals as every command takes them: `localhost`, `127.0.0.1`, `::1`, `[::1]`.
//! Names go through getaddrinfo, so /etc/hosts and nsswitch count as for every other program
//! on the machine, with the address family asked for in the hints.
//!
//! Both calls block (a DNS query may be behind them): where a tokio runtime runs, call them
//! inside `tokio::task::spawn_blocking`, never on a runtime thread.

use std::net::{IpAddr, SocketAddr};

use dns_lookup::LookupErrorKind;

use crate::error::{Error, Result};

/// Which address family a command may use (`-4`, `-6`, or either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    /// Either family.
    #[default]
    Any,
    /// IPv4 only (`-4`).
    V4,
    /// IPv6 only (`-6`).
    V6,
}

impl Family {
    /// Whether `addr` belongs to this family.
    #[must_use]
    pub fn allows(self, addr: IpAddr) -> bool {
        match self {
            Self::Any => true,
            Self::V4 => addr.is_ipv4(),
            Self::V6 => addr.is_ipv6(),
        }
    }
}

/// An address literal, with or without IPv6 brackets; `None` for a name.
#[must_use]
pub fn parse_literal(text: &str) -> Option<IpAddr> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    inner.parse().ok()
}

/// The addresses of `host` in the order the system resolver gives them, restricted to `family`.
/// A literal is returned as it is (after checking it fits the family). An empty result or a
/// resolver failure is an error naming the host.
pub fn resolve(host: &str, family: Family) -> Result<Vec<IpAddr>> {
    if host.trim().is_empty() {
        return Err(Error::invalid(host, "empty host name"));
    }
    if let Some(addr) = parse_literal(host) {
        return match (family, addr) {
            (Family::V4, IpAddr::V6(_)) => Err(Error::invalid(
                host,
                "is an IPv6 address, but -4 asks for IPv4",
            )),
            (Family::V6, IpAddr::V4(_)) => Err(Error::invalid(
                host,
                "is an IPv4 address, but -6 asks for IPv6",
            )),
            _ => Ok(vec![addr]),
        };
    }
    getaddrinfo(host, family, 0)
        .map(|answer| answer.addresses)
        .map_err(|failure| Error::invalid(host, format!("cannot resolve: {}", failure.reason())))
}

/// What getaddrinfo said about a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemAnswer {
    /// The canonical name, when asked for (`AI_CANONNAME`) and the resolver gave one.
    pub canonical_name: Option<String>,
    /// Every address, in the resolver's order, without repeats.
    pub addresses: Vec<IpAddr>,
}

/// Why the system resolver gave no answer; each carries the reason in the resolver's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemFailure {
    /// No such host (EAI_NONAME, EAI_NODATA), or no address of the family asked for.
    NotFound(String),
    /// Any other failure (EAI_AGAIN: the DNS server did not answer, EAI_FAIL, ...).
    Failed(String),
}

impl SystemFailure {
    /// The reason, in the resolver's words (`name or service not known`).
    #[must_use]
    pub fn reason(&self) -> &str {
        match self {
            Self::NotFound(reason) | Self::Failed(reason) => reason,
        }
    }

    fn from_lookup(err: &dns_lookup::LookupError) -> Self {
        let reason = lookup_reason(err);
        match err.kind() {
            LookupErrorKind::NoName | LookupErrorKind::NoData => Self::NotFound(reason),
            _ => Self::Failed(reason),
        }
    }
}

/// getaddrinfo for `name`, one stream socket per address of `family`, with `flags` (`AI_*`
/// bits such as `libc::AI_CANONNAME`, or 0). No address of the family is `NotFound`.
pub fn getaddrinfo(
    name: &str,
    family: Family,
    flags: i32,
) -> std::result::Result<SystemAnswer, SystemFailure> {
    let found = dns_lookup::getaddrinfo(Some(name), None, Some(hints(family, flags)))
        .map_err(|e| SystemFailure::from_lookup(&e))?;
    let mut answer = SystemAnswer {
        canonical_name: None,
        addresses: Vec::new(),
    };
    for info in found {
        let info = info.map_err(|e| SystemFailure::Failed(e.to_string()))?;
        if answer.canonical_name.is_none() {
            answer.canonical_name = info.canonname.filter(|c| !c.is_empty());
        }
        let addr = info.sockaddr.ip();
        if family.allows(addr) && !answer.addresses.contains(&addr) {
            answer.addresses.push(addr);
        }
    }
    if answer.addresses.is_empty() {
        return Err(SystemFailure::NotFound(
            "no address of the requested family".into(),
        ));
    }
    Ok(answer)
}

/// The name of `addr` from the system resolver (getnameinfo with `NI_NAMEREQD`).
pub fn getnameinfo(addr: IpAddr) -> std::result::Result<String, SystemFailure> {
    dns_lookup::getnameinfo(&SocketAddr::new(addr, 0), libc::NI_NAMEREQD)
        .map(|(name, _)| name)
        .map_err(|e| SystemFailure::from_lookup(&e))
}

/// getaddrinfo hints for one stream socket per address of `family`, with `flags` (`AI_*`).
fn hints(family: Family, flags: i32) -> dns_lookup::AddrInfoHints {
    dns_lookup::AddrInfoHints {
        address: match family {
            Family::Any => libc::AF_UNSPEC,
            Family::V4 => libc::AF_INET,
            Family::V6 => libc::AF_INET6,
        },
        socktype: libc::SOCK_STREAM,
        flags,
        ..dns_lookup::AddrInfoHints::default()
    }
}

/// getaddrinfo's own message (`Name or service not known`), in lower case.
pub fn lookup_reason(err: &dns_lookup::LookupError) -> String {
    let text = err.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(
            parse_literal("127.0.0.1"),
            Some("127.0.0.1".parse().unwrap())
        );
        assert_eq!(parse_literal("::1"), Some("::1".parse().unwrap()));
        assert_eq!(parse_literal("[::1]"), Some("::1".parse().unwrap()));
        assert_eq!(parse_literal("localhost"), None);
        assert_eq!(parse_literal("300.1.1.1"), None);
    }

    #[test]
    fn literal_family_mismatch() {
        let err = resolve("::1", Family::V4).unwrap_err();
        assert_eq!(
            err.to_string(),
            "::1: is an IPv6 address, but -4 asks for IPv4"
        );
        assert!(resolve("127.0.0.1", Family::V6).is_err());
        assert_eq!(
            resolve("[::1]", Family::V6).unwrap(),
            vec!["::1".parse::<IpAddr>().unwrap()]
        );
    }

    #[test]
    fn empty_host() {
        assert!(resolve("", Family::Any).is_err());
    }
}
