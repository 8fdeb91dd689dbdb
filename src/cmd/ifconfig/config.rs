//! `nettool ifconfig` arguments turned into a [`Config`]: which view (interfaces, `-s`, routes,
//! the route to one address, neighbours), the interface and family filters, and the
//! `--route-to` address checked. No I/O.

use std::net::IpAddr;

use super::Args;
use crate::error::{Error, Result};
use crate::net::host::{Family, parse_literal};
use crate::net::route;

/// What to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// Interfaces in full.
    Interfaces,
    /// One line per interface.
    Short,
    /// The routing tables chosen.
    Routes(route::Tables),
    /// The route to one address, with an optional IPv6 zone (interface name).
    RouteTo(IpAddr, Option<String>),
    /// ARP and NDP tables.
    Neighbours,
}

/// Validated arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// What to show.
    pub view: View,
    /// Only this interface.
    pub interface: Option<String>,
    /// Include down interfaces.
    pub all: bool,
    /// Address family filter.
    pub family: Family,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let family = args.family.family();
        if let Some(name) = &args.interface
            && (name.is_empty() || name.contains(['/', ' ', '\t', '\n']))
        {
            return Err(Error::invalid(
                name.clone(),
                "not an interface name (names have no spaces or slashes)",
            ));
        }
        if let Some(name) = &args.interface
            && parse_route_to(name).is_ok()
        {
            return Err(Error::invalid(
                name.clone(),
                format!(
                    "an address, not an interface name (for the route to it: \
                     nettool ifconfig --route-to {name})"
                ),
            ));
        }
        let view = if let Some(text) = &args.route_to {
            let (addr, zone) = parse_route_to(text)?;
            if !family.allows(addr) {
                let want = if family == Family::V4 { "-4" } else { "-6" };
                return Err(Error::invalid(
                    text.clone(),
                    format!("address family does not match {want}"),
                ));
            }
            View::RouteTo(addr, zone)
        } else if args.routes || args.table.is_some() {
            View::Routes(args.table.unwrap_or(route::Tables::Main))
        } else if args.neighbours {
            View::Neighbours
        } else if args.short {
            View::Short
        } else {
            View::Interfaces
        };
        Ok(Self {
            view,
            interface: args.interface,
            all: args.all,
            family,
        })
    }
}

/// Parse a `--route-to` address: an IPv4 or IPv6 literal, brackets allowed, an IPv6 zone as
/// `%IFACE`.
fn parse_route_to(text: &str) -> Result<(IpAddr, Option<String>)> {
    let bad = || {
        Error::invalid(
            text,
            "not an IP address (give a literal such as 192.0.2.1, 2001:db8::1 or fe80::1%eth0)",
        )
    };
    let (addr_text, zone) = match text.split_once('%') {
        Some((a, z)) if !z.is_empty() => (a, Some(z.to_string())),
        Some(_) => return Err(bad()),
        None => (text, None),
    };
    let addr = parse_literal(addr_text).ok_or_else(bad)?;
    if zone.is_some() && !addr.is_ipv6() {
        return Err(Error::invalid(text, "a %zone is only for IPv6 addresses"));
    }
    Ok((addr, zone))
}

impl Config {
    /// Whether an entry passes the family and interface filters.
    #[must_use]
    pub fn wants(&self, addr: IpAddr, interface: Option<&str>) -> bool {
        self.family.allows(addr)
            && self
                .interface
                .as_deref()
                .is_none_or(|want| interface == Some(want))
    }

    /// Whether a route passes the family and interface filters (a multipath route passes
    /// when one of its paths leaves through the interface).
    #[must_use]
    pub fn wants_route(&self, route: &route::Route) -> bool {
        self.family.allows(route.destination.addr())
            && self
                .interface
                .as_deref()
                .is_none_or(|want| route.uses_interface(want))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    pub(crate) fn config(argv: &[&str]) -> Result<Config> {
        let mut full = vec!["nettool", "ifconfig"];
        full.extend_from_slice(argv);
        let cli = Cli::try_parse_from(full).map_err(|e| Error::other(e.to_string()))?;
        match cli.command {
            Command::Ifconfig(args) => Config::try_from(args),
            other => panic!("parsed {other:?}"),
        }
    }

    #[test]
    fn views() {
        let cases: [(&[&str], View); 9] = [
            (&[], View::Interfaces),
            (&["-a"], View::Interfaces),
            (&["-s"], View::Short),
            (&["--routes"], View::Routes(route::Tables::Main)),
            (
                &["--routes", "--table", "local"],
                View::Routes(route::Tables::Local),
            ),
            (&["--table", "all"], View::Routes(route::Tables::All)),
            (&["--neighbours"], View::Neighbours),
            (&["--neighbors"], View::Neighbours),
            (
                &["--route-to", "192.0.2.1"],
                View::RouteTo("192.0.2.1".parse().unwrap(), None),
            ),
        ];
        for (argv, view) in cases {
            assert_eq!(config(argv).unwrap().view, view, "{argv:?}");
        }
    }

    #[test]
    fn route_to_forms() {
        let c = config(&["--route-to", "[2001:db8::1]"]).unwrap();
        assert_eq!(c.view, View::RouteTo("2001:db8::1".parse().unwrap(), None));
        let c = config(&["--route-to", "fe80::1%eth0"]).unwrap();
        assert_eq!(
            c.view,
            View::RouteTo("fe80::1".parse().unwrap(), Some("eth0".to_string()))
        );
    }

    #[test]
    fn bad_inputs_exit_2() {
        let cases: [(&[&str], &str); 8] = [
            (&["--route-to", "300.1.1.1"], "300.1.1.1: not an IP address"),
            (
                &["--route-to", "example.com"],
                "example.com: not an IP address",
            ),
            (&["--route-to", "fe80::1%"], "fe80::1%: not an IP address"),
            (
                &["--route-to", "10.0.0.1%eth0"],
                "10.0.0.1%eth0: a %zone is only",
            ),
            (
                &["-4", "--route-to", "::1"],
                "::1: address family does not match -4",
            ),
            (&["bad/name"], "bad/name: not an interface name"),
            (
                &["fe80::1%nosuch0"],
                "fe80::1%nosuch0: an address, not an interface name (for the route to it: \
                 nettool ifconfig --route-to fe80::1%nosuch0)",
            ),
            (&["10.0.0.1"], "10.0.0.1: an address, not an interface name"),
        ];
        for (argv, start) in cases {
            let err = config(argv).unwrap_err();
            assert!(err.to_string().starts_with(start), "{argv:?}: {err}");
            assert_eq!(err.exit_code(), 2, "{argv:?}");
        }
    }

    #[test]
    fn views_conflict() {
        assert!(config(&["--routes", "--neighbours"]).is_err());
        assert!(config(&["-s", "--routes"]).is_err());
        assert!(config(&["--route-to", "::1", "--routes"]).is_err());
    }

    #[test]
    fn filters() {
        let c = config(&["-4", "eth0"]).unwrap();
        let v4: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(c.wants(v4, Some("eth0")));
        assert!(!c.wants(v4, Some("eth1")));
        assert!(!c.wants(v4, None));
        assert!(!c.wants("::1".parse().unwrap(), Some("eth0")));
        assert!(config(&[]).unwrap().wants(v4, None));
    }
}
