//! `nettool hostname`: the course's `gethostname()` and `gethostbyname(gethostname())`.
//!
//! The flags of hostname(1) print what it prints, one value on one line, for scripts: `-f` the
//! canonical name, `-s` the name up to its first dot, `-d` the canonical name after its first
//! dot, `-i` the addresses the name resolves to, `-I` every interface address, `-A` the names
//! of those addresses (reverse lookups; the ones without a name are left out). A host name that
//! is not UTF-8 is printed with its bytes escaped (`\xff`).
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
use crate::model::sanitize;
use crate::net::host::{self, Family};
use crate::net::iface;
use crate::output::Output;

/// Arguments of `nettool hostname`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
#[command(group(clap::ArgGroup::new("one").multiple(false)))]
pub struct Args {
    /// The fully qualified name only (as hostname -f)
    #[arg(short = 'f', long, group = "one")]
    pub fqdn: bool,

    /// The host name up to its first dot (as hostname -s)
    #[arg(short = 's', long, group = "one")]
    pub short: bool,

    /// The DNS domain: the fully qualified name after its first dot (as hostname -d)
    #[arg(short = 'd', long, group = "one")]
    pub domain: bool,

    /// The addresses the host name resolves to (as hostname -i)
    #[arg(short = 'i', long, group = "one")]
    pub ip_address: bool,

    /// Every address of every up, non-loopback interface, without DNS (as hostname -I)
    #[arg(short = 'I', long, alias = "all-ip-addresses", group = "one")]
    pub all_addresses: bool,

    /// The names of those addresses, by reverse lookup (as hostname -A)
    #[arg(short = 'A', long, group = "one")]
    pub all_fqdns: bool,
}

const JSON_FIELDS: &str = "JSON output (--json), one document: hostname, fqdn (null when the \
name does not resolve), fqdn_method, addresses (what the name resolves to), resolve_error (null \
or the resolver's message). With -I: all_addresses [{interface, address, version}]. Exit \
status: 0; 1 when the host name does not resolve (the name itself is still printed); 2 when the \
host name cannot be read. With -f, -s, -d, -i or -A: {value} (a string; -i: \
addresses, a list; -A: fqdns, a list) and exit 1 when -f, -d or -i cannot resolve the name. A \
host name that is not UTF-8 has its bytes escaped (\\xff).";

/// What `nettool hostname` reports.
#[derive(Debug, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct InterfaceAddress {
    /// The interface's name.
    pub interface: String,
    /// The address.
    pub address: IpAddr,
    /// 4 or 6.
    pub version: u8,
}

/// What `nettool hostname -I` reports.
#[derive(Debug, Serialize, schemars::JsonSchema)]
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

/// gethostname(), with bytes that are not UTF-8 escaped; false when it was not UTF-8.
fn host_name() -> Result<(String, bool)> {
    use std::os::unix::ffi::OsStrExt;
    let name = nix::unistd::gethostname()
        .map_err(|e| Error::io("gethostname", std::io::Error::from(e)))?;
    let bytes = name.as_bytes();
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => (sanitize::escape(text), true),
        Err(_) => (sanitize::escape_bytes(bytes), false),
    })
}

/// The host name, its canonical name and addresses.
pub fn lookup() -> Result<HostnameReport> {
    let (hostname, utf8) = host_name()?;
    let mut report = HostnameReport {
        hostname: hostname.clone(),
        fqdn: None,
        fqdn_method: "getaddrinfo AI_CANONNAME",
        addresses: Vec::new(),
        resolve_error: None,
    };
    if !utf8 {
        report.resolve_error = Some("the host name is not UTF-8 text".into());
        return Ok(report);
    }
    match host::getaddrinfo(&hostname, Family::Any, libc::AI_CANONNAME) {
        Ok(found) => {
            report.fqdn = found.canonical_name;
            report.addresses = found.addresses;
        }
        Err(e) => report.resolve_error = Some(e.reason().to_string()),
    }
    Ok(report)
}

/// Every address of every up, non-loopback interface (IPv6 link-local left out).
pub fn all_addresses() -> Result<AllAddressesReport> {
    let interfaces = iface::interfaces()?;
    let mut all = Vec::new();
    // hostname -I walks getifaddrs, which lists every IPv4 address before the IPv6 ones, each
    // family in interface order.
    for want_v4 in [true, false] {
        for ifa in interfaces.iter().filter(|i| i.is_up() && !i.is_loopback()) {
            for address in &ifa.addresses {
                let ip = address.net.addr();
                if ip.is_ipv4() != want_v4 {
                    continue;
                }
                // hostname -I leaves out link-scoped IPv6 addresses, unicast and multicast.
                if let IpAddr::V6(v6) = ip
                    && address::ipv6_scope(v6) == Scope::LinkLocal
                {
                    continue;
                }
                all.push(InterfaceAddress {
                    interface: ifa.name.clone(),
                    address: ip,
                    version: if ip.is_ipv4() { 4 } else { 6 },
                });
            }
        }
    }
    Ok(AllAddressesReport { all_addresses: all })
}

/// One value, as hostname(1) prints it with `-f`, `-s`, `-d` (`value`), `-i` (`addresses`)
/// or `-A` (`fqdns`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ValueReport {
    /// `-f`, `-s`, `-d`.
    Value {
        /// The value.
        value: String,
    },
    /// `-i`.
    Addresses {
        /// The addresses of the host name.
        addresses: Vec<IpAddr>,
    },
    /// `-A`.
    Fqdns {
        /// The names of the interface addresses.
        fqdns: Vec<String>,
    },
}

impl fmt::Display for ValueReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value { value } => write!(f, "{value}"),
            Self::Addresses { addresses } => {
                let text: Vec<String> = addresses.iter().map(ToString::to_string).collect();
                write!(f, "{}", text.join(" "))
            }
            Self::Fqdns { fqdns } => write!(f, "{}", fqdns.join(" ")),
        }
    }
}

/// The name of every interface address that has one (`-A`), in address order; a name with two
/// addresses comes twice, as hostname -A prints it.
fn all_fqdns() -> Result<ValueReport> {
    let fqdns = all_addresses()?
        .all_addresses
        .iter()
        .filter_map(|a| host::getnameinfo(a.address).ok())
        .map(|name| sanitize::escape(&name))
        .collect();
    Ok(ValueReport::Fqdns { fqdns })
}

/// The value a single-value flag asks for, or None when no such flag was given.
fn single_value(args: &Args, out: &mut Output) -> Result<Option<Outcome>> {
    if args.all_fqdns {
        out.report(&all_fqdns()?)?;
        return Ok(Some(Outcome::Yes));
    }
    if args.short {
        let (name, _) = host_name()?;
        let short = name.split('.').next().unwrap_or_default().to_string();
        out.report(&ValueReport::Value { value: short })?;
        return Ok(Some(Outcome::Yes));
    }
    if !(args.fqdn || args.domain || args.ip_address) {
        return Ok(None);
    }
    let report = lookup()?;
    let (Some(fqdn), None) = (&report.fqdn, &report.resolve_error) else {
        let reason = report
            .resolve_error
            .as_deref()
            .unwrap_or("no canonical name");
        out.error_line(format!("{}: {reason}", report.hostname));
        return Ok(Some(Outcome::No));
    };
    let value = if args.ip_address {
        ValueReport::Addresses {
            addresses: report.addresses.clone(),
        }
    } else if args.domain {
        let domain = fqdn.split_once('.').map_or("", |(_, d)| d);
        ValueReport::Value {
            value: domain.to_string(),
        }
    } else {
        ValueReport::Value {
            value: fqdn.clone(),
        }
    };
    out.report(&value)?;
    Ok(Some(Outcome::Yes))
}

/// Run `nettool hostname`.
pub fn run(args: &Args, out: &mut Output) -> Result<Outcome> {
    if args.all_addresses {
        out.report(&all_addresses()?)?;
        return Ok(Outcome::Yes);
    }
    if let Some(outcome) = single_value(args, out)? {
        return Ok(outcome);
    }
    let report = lookup()?;
    out.report(&report)?;
    Ok(Outcome::from_bool(report.resolve_error.is_none()))
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::document::<HostnameReport>(generator),
        crate::output::schema::document::<AllAddressesReport>(generator),
        crate::output::schema::document::<ValueReport>(generator),
    ]
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

    #[test]
    fn single_values_on_one_line() {
        let value = ValueReport::Value {
            value: "example.test".into(),
        };
        assert_eq!(value.to_string(), "example.test");
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            serde_json::json!({"value": "example.test"})
        );
        let addrs = ValueReport::Addresses {
            addresses: vec!["10.0.0.1".parse().unwrap(), "fd00::1".parse().unwrap()],
        };
        assert_eq!(addrs.to_string(), "10.0.0.1 fd00::1");
        let names = ValueReport::Fqdns {
            fqdns: vec!["a.test".into(), "a.test".into()],
        };
        assert_eq!(names.to_string(), "a.test a.test");
        let err = crate::cli::parse_args::<Args>("hostname", &["-f", "-s"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
