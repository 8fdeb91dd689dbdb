//! The system resolver, the one adapter over getaddrinfo and getnameinfo, and host names and
//! address literals as every command takes them: `localhost`, `127.0.0.1`, `::1`, `[::1]`,
//! `fe80::1%eth0` (an IPv6 zone, turned into the interface index the kernel wants).
//! Names go through getaddrinfo, so /etc/hosts and nsswitch count as for every other program
//! on the machine, with the address family asked for in the hints.
//!
//! Both calls block (a DNS query may be behind them): where a tokio runtime runs, call them
//! inside `tokio::task::spawn_blocking`, never on a runtime thread.

use std::net::{IpAddr, SocketAddr};

use dns_lookup::LookupErrorKind;

use crate::error::{Error, Result};
use crate::model::address::{Endpoint, ScopedAddr};
use crate::net::iface;

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

/// An address literal with its IPv6 zone resolved to an interface index (`fe80::1%eth0`,
/// `[fe80::1%2]`); `Ok(None)` for a name. A zone that names no interface, a malformed zone and
/// a link-local address without one are errors naming `text`.
pub fn scoped_literal(text: &str) -> Result<Option<ScopedAddr>> {
    let Some(addr) = ScopedAddr::parse(text).map_err(|reason| Error::invalid(text, reason))? else {
        return Ok(None);
    };
    zoned(addr)
        .map(Some)
        .map_err(|reason| Error::invalid(text, reason))
}

/// `addr` with its zone resolved ([`resolve_zone`]), refused when it is link-local without one;
/// the reason when not.
pub fn zoned(addr: ScopedAddr) -> std::result::Result<ScopedAddr, String> {
    let addr = resolve_zone(addr)?;
    if addr.lacks_zone() {
        return Err(format!(
            "a link-local address needs a zone naming its interface ({}%IFACE, as in {}%eth0)",
            addr.ip, addr.ip
        ));
    }
    Ok(addr)
}

/// The interface index of `addr`'s zone (a name looked up, a number checked), labelled with the
/// interface's name; the reason when there is no such interface.
pub fn resolve_zone(mut addr: ScopedAddr) -> std::result::Result<ScopedAddr, String> {
    let Some(zone) = addr.zone.clone() else {
        return Ok(addr);
    };
    if addr.scope_id == 0 {
        addr.scope_id = iface::index_of(&zone)
            .map_err(|_| format!("the zone {zone} names no network interface here"))?;
    } else {
        let name = iface::name_of(addr.scope_id)
            .ok_or_else(|| format!("the zone {zone} is the index of no network interface here"))?;
        addr.zone = Some(name);
    }
    Ok(addr)
}

/// A socket address from the kernel (a peer, a bound address) with its zone named: the
/// interface of its `scope_id`, as `[fe80::1%eth0]:8001` prints it.
#[must_use]
pub fn endpoint(addr: SocketAddr) -> Endpoint {
    let zone = match addr {
        SocketAddr::V6(a) if a.scope_id() != 0 => {
            Some(iface::name_of(a.scope_id()).unwrap_or_else(|| a.scope_id().to_string()))
        }
        _ => None,
    };
    Endpoint { addr, zone }
}

/// The addresses of `host` in the order the system resolver gives them, restricted to `family`.
/// A literal is returned as it is, its zone resolved (after checking it fits the family). An
/// empty result or a resolver failure is an error naming the host.
pub fn resolve(host: &str, family: Family) -> Result<Vec<ScopedAddr>> {
    if host.trim().is_empty() {
        return Err(Error::invalid(host, "empty host name"));
    }
    if let Some(addr) = scoped_literal(host)? {
        return match (family, addr.ip) {
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
        .map(|answer| answer.addresses.into_iter().map(ScopedAddr::from).collect())
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
            vec![ScopedAddr::from("::1".parse::<IpAddr>().unwrap())]
        );
    }

    #[test]
    fn zones_resolve_to_interface_indexes() {
        let lo = iface::index_of("lo").unwrap();
        let named = resolve("fe80::1%lo", Family::Any).unwrap();
        assert_eq!(
            (named[0].scope_id, named[0].to_string()),
            (lo, "fe80::1%lo".into())
        );
        let numbered = resolve(&format!("[fe80::1%{lo}]"), Family::V6).unwrap();
        assert_eq!(numbered, named);
        assert_eq!(
            resolve("fe80::1%no-such-if0", Family::Any)
                .unwrap_err()
                .to_string(),
            "fe80::1%no-such-if0: the zone no-such-if0 names no network interface here"
        );
        assert_eq!(
            resolve("fe80::1%4294967295", Family::Any)
                .unwrap_err()
                .to_string(),
            "fe80::1%4294967295: the zone 4294967295 is the index of no network interface here"
        );
        assert_eq!(
            resolve("fe80::1", Family::Any).unwrap_err().to_string(),
            "fe80::1: a link-local address needs a zone naming its interface (fe80::1%IFACE, as \
             in fe80::1%eth0)"
        );
        assert_eq!(
            resolve("10.0.0.1%lo", Family::Any).unwrap_err().to_string(),
            "10.0.0.1%lo: only IPv6 addresses take a %zone"
        );
        assert_eq!(resolve("::1%lo", Family::Any).unwrap()[0].scope_id, lo);
        let kernel = named[0].socket_addr(8001);
        assert_eq!(endpoint(kernel).to_string(), "[fe80::1%lo]:8001");
        assert_eq!(
            endpoint("127.0.0.1:53".parse().unwrap()).to_string(),
            "127.0.0.1:53"
        );
    }

    #[test]
    fn empty_host() {
        assert!(resolve("", Family::Any).is_err());
    }
}
