//! `nettool hostname`: the course's `gethostname()` and `gethostbyname(gethostname())`.
//!
//! The fully qualified name comes the way `hostname -f` finds it: getaddrinfo on the host name
//! with `AI_CANONNAME`, so /etc/hosts and nsswitch count. `-I` lists the addresses of every up,
//! non-loopback interface from getifaddrs, with no DNS, leaving out IPv6 link-local addresses
//! as `hostname -I` does.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::address::{self, Scope};
use crate::net::host::lookup_reason;
use crate::output::Output;

/// Arguments of `nettool hostname`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// Every address of every up, non-loopback interface, without DNS (as hostname -I)
    #[arg(short = 'I', long)]
    pub all_addresses: bool,
}

const JSON_FIELDS: &str = "JSON output (--json), one document: hostname, fqdn (null when the \
name does not resolve), fqdn_method, addresses (what the name resolves to), resolve_error (null \
or the resolver's message). With -I: all_addresses [{interface, address, version}]. Exit \
status: 0; 1 when the host name does not resolve (the name itself is still printed); 2 when the \
host name cannot be read.";

/// What `nettool hostname` reports.
#[derive(Debug, Serialize)]
pub struct HostnameReport {
    /// gethostname().
    pub hostname: String,
    /// The canonical name, as `hostname -f` prints it.
    pub fqdn: Option<String>,
    /// How the canonical name was found.
    pub fqdn_method: &'static str,
    /// The addresses the host name resolves to.
    pub addresses: Vec<IpAddr>,
    /// Why the name did not resolve.
    pub resolve_error: Option<String>,
}

/// One interface address (`-I`).
#[derive(Debug, Serialize)]
pub struct InterfaceAddress {
    /// The interface's name.
    pub interface: String,
    /// The address.
    pub address: IpAddr,
    /// 4 or 6.
    pub version: u8,
}

/// What `nettool hostname -I` reports.
#[derive(Debug, Serialize)]
pub struct AllAddressesReport {
    /// Every address, in getifaddrs order.
    pub all_addresses: Vec<InterfaceAddress>,
}

impl fmt::Display for HostnameReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Host name:  {}", self.hostname)?;
        match (&self.fqdn, &self.resolve_error) {
            (Some(fqdn), _) => writeln!(f, "FQDN:       {fqdn}  ({})", self.fqdn_method)?,
            (None, Some(err)) => writeln!(f, "FQDN:       unknown ({err})")?,
            (None, None) => writeln!(f, "FQDN:       unknown")?,
        }
        let addrs: Vec<String> = self.addresses.iter().map(ToString::to_string).collect();
        write!(
            f,
            "Addresses:  {}",
            if addrs.is_empty() {
                "none".into()
            } else {
                addrs.join(" ")
            }
        )
    }
}

impl fmt::Display for AllAddressesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let addrs: Vec<String> = self
            .all_addresses
            .iter()
            .map(|a| a.address.to_string())
            .collect();
        write!(f, "{}", addrs.join(" "))
    }
}

/// The host name, its canonical name and addresses.
pub fn lookup() -> Result<HostnameReport> {
    let hostname = dns_lookup::get_hostname().map_err(|e| Error::io("gethostname", e))?;
    let hints = dns_lookup::AddrInfoHints {
        flags: libc::AI_CANONNAME,
        socktype: libc::SOCK_STREAM,
        ..dns_lookup::AddrInfoHints::default()
    };
    let mut report = HostnameReport {
        hostname: hostname.clone(),
        fqdn: None,
        fqdn_method: "getaddrinfo AI_CANONNAME",
        addresses: Vec::new(),
        resolve_error: None,
    };
    match dns_lookup::getaddrinfo(Some(&hostname), None, Some(hints)) {
        Ok(found) => {
            for info in found.flatten() {
                if report.fqdn.is_none() {
                    report.fqdn = info.canonname.clone();
                }
                let ip = info.sockaddr.ip();
                if !report.addresses.contains(&ip) {
                    report.addresses.push(ip);
                }
            }
        }
        Err(e) => report.resolve_error = Some(lookup_reason(&e)),
    }
    Ok(report)
}

/// Every address of every up, non-loopback interface (IPv6 link-local left out).
pub fn all_addresses() -> Result<AllAddressesReport> {
    use nix::net::if_::InterfaceFlags;
    let list =
        nix::ifaddrs::getifaddrs().map_err(|e| Error::io("getifaddrs", std::io::Error::from(e)))?;
    let mut all = Vec::new();
    for ifa in list {
        if !ifa.flags.contains(InterfaceFlags::IFF_UP)
            || ifa.flags.contains(InterfaceFlags::IFF_LOOPBACK)
        {
            continue;
        }
        let Some(addr) = ifa.address else { continue };
        let ip = if let Some(v4) = addr.as_sockaddr_in() {
            IpAddr::V4(v4.ip())
        } else if let Some(v6) = addr.as_sockaddr_in6() {
            let ip = v6.ip();
            // hostname -I leaves out link-scoped IPv6 addresses, unicast and multicast.
            if address::ipv6_scope(ip) == Scope::LinkLocal {
                continue;
            }
            IpAddr::V6(ip)
        } else {
            continue;
        };
        all.push(InterfaceAddress {
            interface: ifa.interface_name,
            address: ip,
            version: if ip.is_ipv4() { 4 } else { 6 },
        });
    }
    Ok(AllAddressesReport { all_addresses: all })
}

/// Run `nettool hostname`.
pub fn run(args: &Args, out: &mut Output) -> Result<Outcome> {
    if args.all_addresses {
        out.report(&all_addresses()?)?;
        return Ok(Outcome::Yes);
    }
    let report = lookup()?;
    out.report(&report)?;
    Ok(Outcome::from_bool(report.resolve_error.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rendering() {
        let report = HostnameReport {
            hostname: "vm".into(),
            fqdn: Some("vm.example.org".into()),
            fqdn_method: "getaddrinfo AI_CANONNAME",
            addresses: vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
            resolve_error: None,
        };
        assert_eq!(
            report.to_string(),
            "Host name:  vm\nFQDN:       vm.example.org  (getaddrinfo AI_CANONNAME)\nAddresses:  127.0.0.1 ::1"
        );
        let failed = HostnameReport {
            fqdn: None,
            addresses: vec![],
            resolve_error: Some("name or service not known".into()),
            ..report
        };
        assert_eq!(
            failed.to_string(),
            "Host name:  vm\nFQDN:       unknown (name or service not known)\nAddresses:  none"
        );
    }

    #[test]
    fn all_addresses_on_one_line() {
        let report = AllAddressesReport {
            all_addresses: vec![
                InterfaceAddress {
                    interface: "eth0".into(),
                    address: "10.0.0.2".parse().unwrap(),
                    version: 4,
                },
                InterfaceAddress {
                    interface: "eth0".into(),
                    address: "fd00::2".parse().unwrap(),
                    version: 6,
                },
            ],
        };
        assert_eq!(report.to_string(), "10.0.0.2 fd00::2");
    }
}
