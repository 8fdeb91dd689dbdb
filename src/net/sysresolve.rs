//! The operating system's answer: getaddrinfo with `AI_CANONNAME` (so /etc/hosts and
//! nsswitch count, as for every other program on the machine) and getnameinfo for reverse
//! lookups. Blocking calls: the caller runs them on a blocking thread.

use std::net::{IpAddr, SocketAddr};

use dns_lookup::LookupErrorKind;

use crate::net::host::{self, Family};

/// What getaddrinfo said about a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemAnswer {
    /// The canonical name, when the resolver gave one.
    pub canonical_name: Option<String>,
    /// Every address, in the resolver's order, without repeats.
    pub addresses: Vec<IpAddr>,
}

/// Why the system resolver gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemFailure {
    /// No such host (EAI_NONAME, EAI_NODATA), or no address of the family asked for.
    NotFound(String),
    /// Any other failure (EAI_AGAIN: the DNS server did not answer, EAI_FAIL, ...).
    Failed(String),
}

fn failure(err: &dns_lookup::LookupError) -> SystemFailure {
    let reason = host::lookup_reason(err);
    match err.kind() {
        LookupErrorKind::NoName | LookupErrorKind::NoData => SystemFailure::NotFound(reason),
        _ => SystemFailure::Failed(reason),
    }
}

/// Resolve `name` with the system resolver, restricted to `family`.
pub fn lookup(name: &str, family: Family) -> Result<SystemAnswer, SystemFailure> {
    let found = dns_lookup::getaddrinfo(
        Some(name),
        None,
        Some(host::hints(family, libc::AI_CANONNAME)),
    )
    .map_err(|e| failure(&e))?;
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
pub fn reverse(addr: IpAddr) -> Result<String, SystemFailure> {
    dns_lookup::getnameinfo(&SocketAddr::new(addr, 0), libc::NI_NAMEREQD)
        .map(|(name, _)| name)
        .map_err(|e| failure(&e))
}
