//! `nettool ifconfig [IFACE]`: interfaces with their flags, MTU, MAC (bits and vendor),
//! addresses (IPv4 netmask, network and broadcast; IPv6 scope), counters and the primary address;
//! `-s` one line per interface; `--routes` the routing table; `--route-to ADDR` the route to one
//! address; `--neighbours` the ARP and NDP tables.
//!
//! `config` checks the arguments, `run` asks [`crate::net`] for interfaces, routes or
//! neighbours and builds one report (`report`), and [`crate::output::Output`] prints it as
//! JSON or through its text renderer (`render`).

mod config;
mod render;
mod report;

use std::net::IpAddr;

pub use config::{Config, View};
pub use render::human_bytes;
pub use report::{
    AddressReport, InterfaceReport, InterfacesReport, NeighboursReport, Report, RouteToReport,
    RoutesReport, ShortLine, ShortReport, v6_scope,
};

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::net::iface::{self, Interface};
use crate::net::neigh;
use crate::net::route::{self, Route};
use crate::output::Output;

/// The JSON fields of every view (the long help).
const JSON_FIELDS: &str = "JSON output (--json), numbers as numbers:\n\n\
Default and IFACE: {\"primary_ipv4\", \"primary_ipv6\" (the source addresses the default routes \
use, or null), \"interfaces\": [{\"name\", \"index\", \"state\" (operational state as ip prints it: \
UP, DOWN, UNKNOWN, ...), \"flags\" ([\"BROADCAST\", \"MULTICAST\", \"UP\", \"RUNNING\", \
\"LOWER_UP\", ...]), \"mtu\", \"link_type\" (ether, loopback, none, ...), \"mac\" (null or \
{\"address\", \"administration\" (universal|local), \"cast\" (unicast|multicast), \"oui\" \
(the vendor's half), \"device\" (the device's half), \
\"vendor\" (null when local or unregistered)}), \"addresses\": [{\"family\" (inet|inet6), \
\"address\", \"prefix_len\", \"netmask\" (IPv4, else null), \"network\", \"broadcast\" (the \
kernel's, as ip addr shows it: null when none was set), \"computed_broadcast\" (the network's, \
IPv4 up to /30, else null), \"scope\" (global|link|site|host), \"primary\" (bool), \"label\" \
(IPv4: the interface's name or an alias such as eth0:1; null for IPv6)}], \"counters\": \
{\"rx_bytes\", \"rx_packets\", \"rx_errors\", \"rx_dropped\", \"tx_bytes\", \"tx_packets\", \
\"tx_errors\", \"tx_dropped\"}}]}\n\n\
-s: {\"interfaces\": [{\"name\", \"state\", \"mac\" (string or null), \"addresses\" \
([\"10.0.0.1/24\", ...]), \"primary\" (the primary address on it, or null)}]}\n\n\
--routes (the main table; --table local|all for others): {\"routes\": [{\"family\", \
\"destination\" (\"0.0.0.0/0\" for default), \"default\" (bool), \"gateway\" (null when \
on-link), \"interface\", \"metric\", \"protocol\" (kernel, boot, static, dhcp, ra, ...), \
\"scope\", \"prefsrc\", \"type\" (unicast, local, broadcast, unreachable, ...), \"table\" \
(main, local, default or a number), \"nexthops\" (a multipath route's paths, when \"gateway\" \
and \"interface\" are null: [{\"gateway\", \"interface\", \"weight\"}]; else [])}]}\n\n\
--route-to ADDR (the kernel's answer, as ip route get and ip route get fibmatch): \
{\"destination\", \"route\" (the table entry's prefix), \"default\" (bool), \"type\", \
\"table\", \"interface\", \"gateway\" (null when on-link), \"on_link\" (bool: delivered \
directly), \"local\" (bool: the address is this host's own), \"source\" (the source address \
the kernel picks), \"metric\"}. No route: exit 1.\n\n\
--neighbours: {\"neighbours\": [{\"family\", \"address\", \"mac\" (as above, or null while \
unresolved), \"interface\", \"state\" (as ip neigh prints it: REACHABLE, STALE, DELAY, PROBE, \
FAILED, INCOMPLETE, PERMANENT)}]}\n\n\
An unknown IFACE exits 1 naming it and listing the interfaces that exist; an address given \
as IFACE, a bad --route-to address, or a --route-to zone that names no interface exits 2.";

/// Arguments of `nettool ifconfig`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// Show only this interface (and with --routes or --neighbours, only its entries)
    #[arg(value_name = "IFACE")]
    pub interface: Option<String>,

    /// Include interfaces that are down
    #[arg(short, long)]
    pub all: bool,

    /// One short line per interface: name, state, MAC, addresses (like `ip -br addr`)
    #[arg(short, long, conflicts_with_all = ["routes", "route_to", "neighbours"])]
    pub short: bool,

    /// Show the routing table (IPv4 and IPv6), default routes marked
    #[arg(long, conflicts_with_all = ["route_to", "neighbours"])]
    pub routes: bool,

    /// Show this routing table instead of main (local: this host's own and broadcast addresses)
    #[arg(long, value_enum, conflicts_with_all = ["route_to", "neighbours", "short"])]
    pub table: Option<route::Tables>,

    /// Show the route, interface, source address and gateway that reach ADDR
    #[arg(long, value_name = "ADDR", conflicts_with = "neighbours")]
    pub route_to: Option<String>,

    /// Show the neighbour tables: ARP (IPv4) and NDP (IPv6)
    #[arg(long, visible_alias = "neighbors")]
    pub neighbours: bool,

    /// Address family filter
    #[command(flatten)]
    pub family: FamilyArgs,
}

/// Run `nettool ifconfig`: collect the report of the chosen view, then print it.
pub fn run(config: &Config, out: &mut Output) -> Result<Outcome> {
    let report = collect(config)?;
    out.report(&report)?;
    Ok(Outcome::Yes)
}

/// Ask the system for what the view shows. An unknown interface is a negative answer that
/// names the interfaces there are.
fn collect(config: &Config) -> Result<Report> {
    let interfaces = iface::interfaces()?;
    if let Some(name) = &config.interface
        && !interfaces.iter().any(|i| &i.name == name)
    {
        // An alias (`eth0:1`) is an address label, not an interface: say whose it is.
        let owner = interfaces.iter().find(|i| {
            i.addresses
                .iter()
                .any(|a| a.label.as_deref() == Some(name.as_str()))
        });
        let alias = owner.map_or_else(String::new, |i| {
            format!("{name} is a label of addresses of {}; ", i.name)
        });
        return Err(Error::negative(format!(
            "no such interface: {name} ({alias}interfaces here: {})",
            known_names(&interfaces)
        )));
    }
    let names = iface::names(&interfaces);
    Ok(match &config.view {
        View::Interfaces | View::Short => {
            let routes = route::routes(&names, route::Tables::Main)?;
            let report = InterfacesReport::build(
                config,
                &interfaces,
                primary_address(&routes, true),
                primary_address(&routes, false),
            );
            if config.view == View::Short {
                Report::Short(ShortReport::from(&report))
            } else {
                Report::Interfaces(report)
            }
        }
        View::Routes(tables) => {
            let routes = route::routes(&names, *tables)?
                .into_iter()
                .filter(|r| config.wants_route(r))
                .collect();
            Report::Routes(RoutesReport { routes })
        }
        View::RouteTo(addr, zone) => {
            Report::RouteTo(route_to(*addr, zone.as_deref(), &interfaces)?)
        }
        View::Neighbours => {
            let mut neighbours = neigh::neighbours(&names)?;
            neighbours.retain(|n| config.wants(n.address, Some(&n.interface)));
            Report::Neighbours(NeighboursReport { neighbours })
        }
    })
}

/// The names of `interfaces`, for a message.
fn known_names(interfaces: &[Interface]) -> String {
    let names: Vec<&str> = interfaces.iter().map(|i| i.name.as_str()).collect();
    names.join(", ")
}

/// The source address the best default route of a family would use: its preferred source if it
/// names one, else the address the kernel picks toward its gateway.
fn primary_address(routes: &[Route], v4: bool) -> Option<IpAddr> {
    let default = report::default_route(routes, v4)?;
    if let Some(src) = default.prefsrc {
        return Some(src);
    }
    let gateway = default.gateway?;
    route::source_for(gateway, default.ifindex.unwrap_or(0)).ok()
}

/// The kernel's route to `addr` (leaving through the interface `zone` names, if any): the
/// route as used and the table entry it comes from.
fn route_to(addr: IpAddr, zone: Option<&str>, interfaces: &[Interface]) -> Result<RouteToReport> {
    // A zone naming no interface makes the question unaskable: bad input (exit 2).
    let oif = match zone {
        Some(name) => Some(
            interfaces
                .iter()
                .find(|i| i.name == name)
                .ok_or_else(|| {
                    Error::invalid(
                        format!("{addr}%{name}"),
                        format!(
                            "the zone names no interface here (interfaces: {})",
                            known_names(interfaces)
                        ),
                    )
                })?
                .index,
        ),
        None => None,
    };
    let names = iface::names(interfaces);
    // The kernel's own answers, as `ip route get` and `ip route get fibmatch` ask for them: the
    // route as used, and the table entry it comes from.
    let used = route::route_get(addr, oif, false, &names)?
        .ok_or_else(|| Error::negative(format!("no route to {addr}")))?;
    let entry = route::route_get(addr, oif, true, &names)?.unwrap_or_else(|| used.clone());
    let source = used
        .prefsrc
        .or_else(|| route::source_for(addr, oif.or(used.ifindex).unwrap_or(0)).ok());
    Ok(RouteToReport {
        destination: addr,
        route: entry.destination,
        default: entry.default,
        kind: entry.kind,
        table: entry.table.clone(),
        interface: used.interface.clone(),
        gateway: used.gateway,
        on_link: used.gateway.is_none(),
        local: entry.kind == "local",
        source,
        metric: entry.metric,
    })
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![crate::output::schema::document::<report::Report>(generator)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::ifconfig::report::tests::sample_route;

    #[test]
    fn primary_is_the_default_route_prefsrc() {
        let routes = vec![
            sample_route("10.0.0.0/24", None, 0, Some("10.0.0.5")),
            sample_route("0.0.0.0/0", Some("10.0.0.1"), 600, Some("10.0.0.9")),
            sample_route("0.0.0.0/0", Some("10.0.0.1"), 100, Some("10.0.0.7")),
        ];
        assert_eq!(
            primary_address(&routes, true),
            Some("10.0.0.7".parse().unwrap())
        );
        assert_eq!(primary_address(&routes, false), None);
    }

    #[test]
    fn primary_without_prefsrc_is_the_source_toward_the_gateway() {
        let routes = vec![sample_route("0.0.0.0/0", Some("127.0.0.1"), 0, None)];
        assert_eq!(
            primary_address(&routes, true),
            Some("127.0.0.1".parse().unwrap())
        );
    }
}
