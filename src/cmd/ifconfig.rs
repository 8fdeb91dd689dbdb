//! `nettool ifconfig [IFACE]`: interfaces with their flags, MTU, MAC (bits and vendor),
//! addresses (IPv4 netmask, network and broadcast; IPv6 scope), counters and the primary address;
//! `-s` one line per interface; `--routes` the routing table; `--route-to ADDR` the route to one
//! address; `--neighbours` the ARP and NDP tables.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;
use serde::Serialize;

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::mac::MacInfo;
use crate::model::subnet;
use crate::net::host::{Family, parse_literal};
use crate::net::iface::{self, Counters, Interface};
use crate::net::neigh::{self, Neighbour};
use crate::net::route::{self, Route};
use crate::output::{Output, table};

const JSON_FIELDS: &str = "JSON output (--json), numbers as numbers:\n\n\
Default and IFACE: {\"primary_ipv4\", \"primary_ipv6\" (the source addresses the default routes \
use, or null), \"interfaces\": [{\"name\", \"index\", \"state\" (operational state as ip prints it: \
UP, DOWN, UNKNOWN, ...), \"flags\" ([\"BROADCAST\", \"MULTICAST\", \"UP\", \"RUNNING\", \
\"LOWER_UP\", ...]), \"mtu\", \"link_type\" (ether, loopback, none, ...), \"mac\" (null or \
{\"address\", \"administration\" (universal|local), \"cast\" (unicast|multicast), \"oui\", \
\"vendor\" (null when local or unregistered)}), \"addresses\": [{\"family\" (inet|inet6), \
\"address\", \"prefix_len\", \"netmask\" (IPv4, else null), \"network\", \"broadcast\" (IPv4 up \
to /30, else null), \"scope\" (global|link|site|host), \"primary\" (bool)}], \"counters\": \
{\"rx_bytes\", \"rx_packets\", \"rx_errors\", \"rx_dropped\", \"tx_bytes\", \"tx_packets\", \
\"tx_errors\", \"tx_dropped\"}}]}\n\n\
-s: {\"interfaces\": [{\"name\", \"state\", \"mac\" (string or null), \"addresses\" \
([\"10.0.0.1/24\", ...]), \"primary\" (the primary address on it, or null)}]}\n\n\
--routes (the main table; --table local|all for others): {\"routes\": [{\"family\", \
\"destination\" (\"0.0.0.0/0\" for default), \"default\" (bool), \"gateway\" (null when \
on-link), \"interface\", \"metric\", \"protocol\" (kernel, boot, static, dhcp, ra, ...), \
\"scope\", \"prefsrc\", \"type\" (unicast, local, broadcast, unreachable, ...), \"table\" \
(main, local, default or a number)}]}\n\n\
--route-to ADDR (the kernel's answer, as ip route get and ip route get fibmatch): \
{\"destination\", \"route\" (the table entry's prefix), \"default\" (bool), \"type\", \
\"table\", \"interface\", \"gateway\" (null when on-link), \"on_link\" (bool: delivered \
directly), \"local\" (bool: the address is this host's own), \"source\" (the source address \
the kernel picks), \"metric\"}. No route: exit 1.\n\n\
--neighbours: {\"neighbours\": [{\"family\", \"address\", \"mac\" (as above, or null while \
unresolved), \"interface\", \"state\" (reachable, stale, delay, probe, failed, incomplete, \
permanent; ARP entries read from /proc/net/arp say complete)}]}\n\n\
An unknown IFACE exits 1 naming it and listing the interfaces that exist; a bad --route-to \
address exits 2.";

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

/// Run `nettool ifconfig`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::try_from(args)?;
    let interfaces = iface::interfaces()?;
    if let Some(name) = &config.interface
        && !interfaces.iter().any(|i| &i.name == name)
    {
        let known: Vec<&str> = interfaces.iter().map(|i| i.name.as_str()).collect();
        return Err(Error::negative(format!(
            "no such interface: {name} (interfaces here: {})",
            known.join(", ")
        )));
    }
    match &config.view {
        View::Interfaces | View::Short => {
            let names = iface::names(&interfaces);
            let routes = route::routes(&names, route::Tables::Main)?;
            let report = InterfacesReport::build(&config, &interfaces, &routes);
            if config.view == View::Short {
                out.report(&ShortReport::from(&report))?;
            } else {
                out.report(&report)?;
            }
        }
        View::Routes(tables) => {
            let names = iface::names(&interfaces);
            let routes = route::routes(&names, *tables)?
                .into_iter()
                .filter(|r| wanted(&config, r.destination.addr(), r.interface.as_deref()))
                .collect();
            out.report(&RoutesReport { routes })?;
        }
        View::RouteTo(addr, zone) => {
            let report = route_to(*addr, zone.as_deref(), &interfaces)?;
            out.report(&report)?;
        }
        View::Neighbours => {
            let names = iface::names(&interfaces);
            let mut neighbours = neigh::arp()?;
            neighbours.extend(neigh::ndp(&names)?);
            neighbours.retain(|n| wanted(&config, n.address, Some(&n.interface)));
            out.report(&NeighboursReport { neighbours })?;
        }
    }
    Ok(Outcome::Yes)
}

/// Whether an entry passes the family and interface filters.
fn wanted(config: &Config, addr: IpAddr, interface: Option<&str>) -> bool {
    config.family.allows(addr)
        && config
            .interface
            .as_deref()
            .is_none_or(|want| interface == Some(want))
}

// ---------------------------------------------------------------------------------------------
// Interfaces

/// One address of an interface and the facts derived from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressReport {
    /// `inet` or `inet6`.
    pub family: &'static str,
    /// The address.
    pub address: IpAddr,
    /// The prefix length.
    pub prefix_len: u8,
    /// The dotted netmask (IPv4 only).
    pub netmask: Option<Ipv4Addr>,
    /// The network address.
    pub network: IpAddr,
    /// The broadcast address (IPv4 with a prefix of /30 or shorter).
    pub broadcast: Option<Ipv4Addr>,
    /// `global`, `link`, `site` or `host`.
    pub scope: &'static str,
    /// Whether this is the address the default route uses.
    pub primary: bool,
}

impl AddressReport {
    /// The facts of one address with its prefix.
    #[must_use]
    pub fn new(net: IpNet, primary: bool) -> Self {
        match net {
            IpNet::V4(n) => {
                // Netmask, network and broadcast as `nettool subnet` computes them.
                let facts = subnet::facts(&subnet::Interface {
                    addr: IpAddr::V4(n.addr()),
                    prefix: n.prefix_len(),
                    prefix_source: subnet::PrefixSource::Cidr,
                });
                Self {
                    family: "inet",
                    address: facts.address,
                    prefix_len: facts.prefix,
                    netmask: match facts.netmask {
                        IpAddr::V4(mask) => Some(mask),
                        IpAddr::V6(_) => None,
                    },
                    network: facts.network,
                    broadcast: facts.broadcast.and_then(|b| match b {
                        IpAddr::V4(b) => Some(b),
                        IpAddr::V6(_) => None,
                    }),
                    scope: if n.addr().is_loopback() {
                        "host"
                    } else {
                        "global"
                    },
                    primary,
                }
            }
            IpNet::V6(n) => Self {
                family: "inet6",
                address: IpAddr::V6(n.addr()),
                prefix_len: n.prefix_len(),
                netmask: None,
                network: IpAddr::V6(n.network()),
                broadcast: None,
                scope: v6_scope(n.addr()),
                primary,
            },
        }
    }
}

/// The scope of an IPv6 address as the kernel assigns it.
#[must_use]
pub fn v6_scope(addr: std::net::Ipv6Addr) -> &'static str {
    crate::model::address::ipv6_scope(addr).as_str()
}

/// One interface as shown.
#[derive(Debug, Clone, Serialize)]
pub struct InterfaceReport {
    /// Its name.
    pub name: String,
    /// Its kernel index.
    pub index: u32,
    /// Operational state (`UP`, `DOWN`, `UNKNOWN`, ...).
    pub state: &'static str,
    /// Flag names.
    pub flags: Vec<&'static str>,
    /// MTU.
    pub mtu: Option<u32>,
    /// Link type.
    pub link_type: &'static str,
    /// MAC with its bits and vendor.
    pub mac: Option<MacInfo>,
    /// Addresses.
    pub addresses: Vec<AddressReport>,
    /// Counters.
    pub counters: Option<Counters>,
}

/// The default view: every (up) interface.
#[derive(Debug, Clone, Serialize)]
pub struct InterfacesReport {
    /// The source address the IPv4 default route uses.
    pub primary_ipv4: Option<IpAddr>,
    /// The source address the IPv6 default route uses.
    pub primary_ipv6: Option<IpAddr>,
    /// The interfaces.
    pub interfaces: Vec<InterfaceReport>,
}

/// The source address the best default route of a family would use: its preferred source if it
/// names one, else the address the kernel picks toward its gateway.
fn primary_address(routes: &[Route], v4: bool) -> Option<IpAddr> {
    let default = routes
        .iter()
        .filter(|r| r.default && r.destination.addr().is_ipv4() == v4 && r.kind == "unicast")
        .min_by_key(|r| r.metric)?;
    if let Some(src) = default.prefsrc {
        return Some(src);
    }
    let gateway = default.gateway?;
    route::source_for(gateway, default.ifindex.unwrap_or(0)).ok()
}

impl InterfacesReport {
    /// Gather the report from the interfaces and the routing table.
    #[must_use]
    pub fn build(config: &Config, interfaces: &[Interface], routes: &[Route]) -> Self {
        let primary_ipv4 = primary_address(routes, true);
        let primary_ipv6 = primary_address(routes, false);
        let shown = interfaces
            .iter()
            .filter(|i| match &config.interface {
                Some(name) => &i.name == name,
                None => config.all || i.is_up(),
            })
            .map(|i| InterfaceReport {
                name: i.name.clone(),
                index: i.index,
                state: i.operstate,
                flags: iface::flag_names(i.flags),
                mtu: i.mtu,
                link_type: i.link_type,
                mac: i.mac.map(MacInfo::new),
                addresses: i
                    .addresses
                    .iter()
                    .filter(|n| config.family.allows(n.addr()))
                    .map(|&n| {
                        let primary =
                            Some(n.addr()) == primary_ipv4 || Some(n.addr()) == primary_ipv6;
                        AddressReport::new(n, primary)
                    })
                    .collect(),
                counters: i.counters,
            })
            .collect();
        Self {
            primary_ipv4,
            primary_ipv6,
            interfaces: shown,
        }
    }
}

/// A byte counter as ifconfig shows it: `512 bytes`, or `2.0 KiB (2048 bytes)`.
fn byte_count(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else {
        format!("{} ({bytes} bytes)", human_bytes(bytes))
    }
}

/// Bytes in binary units: `0 B`, `1.5 KiB`, `3.2 GiB`.
#[must_use]
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)] // a display value
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {}\n", l.trim_end()))
        .collect()
}

impl fmt::Display for InterfaceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: index {}  state {}  mtu {}  <{}>",
            self.name,
            self.index,
            self.state,
            or_dash(self.mtu),
            self.flags.join(",")
        )?;
        match &self.mac {
            Some(mac) => writeln!(
                f,
                "    mac {}  {}  vendor: {}",
                mac.address,
                mac.bits(),
                mac.vendor_text()
            )?,
            None => writeln!(f, "    mac -  (link type {})", self.link_type)?,
        }
        if !self.addresses.is_empty() {
            let mut t = table([
                "FAMILY",
                "ADDRESS",
                "PREFIX",
                "NETMASK",
                "NETWORK",
                "BROADCAST",
                "SCOPE",
            ]);
            for a in &self.addresses {
                let address = if a.primary {
                    format!("{} (primary)", a.address)
                } else {
                    a.address.to_string()
                };
                t.add_row([
                    a.family.to_string(),
                    address,
                    format!("/{}", a.prefix_len),
                    or_dash(a.netmask),
                    a.network.to_string(),
                    or_dash(a.broadcast),
                    a.scope.to_string(),
                ]);
            }
            f.write_str(&indent(&t.to_string()))?;
        }
        if let Some(c) = &self.counters {
            writeln!(
                f,
                "    RX {}  {} packets  {} errors  {} dropped",
                byte_count(c.rx_bytes),
                c.rx_packets,
                c.rx_errors,
                c.rx_dropped
            )?;
            writeln!(
                f,
                "    TX {}  {} packets  {} errors  {} dropped",
                byte_count(c.tx_bytes),
                c.tx_packets,
                c.tx_errors,
                c.tx_dropped
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for InterfacesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, i) in self.interfaces.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            write!(f, "{i}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// -s

/// One line of `-s`.
#[derive(Debug, Clone, Serialize)]
pub struct ShortLine {
    /// Interface name.
    pub name: String,
    /// Operational state.
    pub state: &'static str,
    /// MAC address.
    pub mac: Option<String>,
    /// Addresses as `address/prefix`.
    pub addresses: Vec<String>,
    /// The primary address on this interface, if any.
    pub primary: Option<IpAddr>,
}

/// `-s`: one line per interface.
#[derive(Debug, Clone, Serialize)]
pub struct ShortReport {
    /// The lines.
    pub interfaces: Vec<ShortLine>,
}

impl From<&InterfacesReport> for ShortReport {
    fn from(report: &InterfacesReport) -> Self {
        let interfaces = report
            .interfaces
            .iter()
            .map(|i| ShortLine {
                name: i.name.clone(),
                state: i.state,
                mac: i.mac.as_ref().map(|m| m.address.clone()),
                addresses: i
                    .addresses
                    .iter()
                    .map(|a| format!("{}/{}", a.address, a.prefix_len))
                    .collect(),
                primary: i.addresses.iter().find(|a| a.primary).map(|a| a.address),
            })
            .collect();
        Self { interfaces }
    }
}

impl fmt::Display for ShortReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = table(["INTERFACE", "STATE", "MAC", "ADDRESSES"]);
        for line in &self.interfaces {
            t.add_row([
                line.name.clone(),
                line.state.to_string(),
                line.mac.clone().unwrap_or_else(|| "-".to_string()),
                line.addresses
                    .iter()
                    .map(|a| {
                        let primary = line
                            .primary
                            .is_some_and(|p| a.split('/').next() == Some(&p.to_string()));
                        if primary {
                            format!("{a} (primary)")
                        } else {
                            a.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ]);
        }
        write!(f, "{t}")
    }
}

// ---------------------------------------------------------------------------------------------
// --routes

/// `--routes`.
#[derive(Debug, Clone, Serialize)]
pub struct RoutesReport {
    /// The routes of the `main` table.
    pub routes: Vec<Route>,
}

impl fmt::Display for RoutesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = table([
            "DESTINATION",
            "GATEWAY",
            "INTERFACE",
            "METRIC",
            "PROTOCOL",
            "SCOPE",
            "SOURCE",
        ]);
        for r in &self.routes {
            let mut dst = if r.default {
                format!("default ({})", r.destination)
            } else {
                r.destination.to_string()
            };
            if r.kind != "unicast" {
                dst = format!("{} {dst}", r.kind);
            }
            t.add_row([
                dst,
                r.gateway
                    .map_or_else(|| "on-link".to_string(), |g| g.to_string()),
                or_dash(r.interface.as_ref()),
                r.metric.to_string(),
                r.protocol.clone(),
                r.scope.to_string(),
                or_dash(r.prefsrc),
            ]);
        }
        write!(f, "{t}")
    }
}

// ---------------------------------------------------------------------------------------------
// --route-to

/// `--route-to ADDR`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteToReport {
    /// The address asked about.
    pub destination: IpAddr,
    /// The prefix of the routing table that matched (the address itself when the table has no
    /// wider entry for the kernel's answer).
    pub route: IpNet,
    /// Whether that prefix is a default route.
    pub default: bool,
    /// The route's type: `unicast`, `local` (this host's own address), `broadcast`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The table the route is in: `main`, `local`, or another.
    pub table: String,
    /// The outgoing interface.
    pub interface: Option<String>,
    /// The next hop; none when the address is on-link.
    pub gateway: Option<IpAddr>,
    /// Whether the address is in a directly attached network (delivered without a gateway).
    pub on_link: bool,
    /// Whether the address is one of this host's own.
    pub local: bool,
    /// The source address the kernel picks.
    pub source: Option<IpAddr>,
    /// The route's metric.
    pub metric: u32,
}

fn route_to(addr: IpAddr, zone: Option<&str>, interfaces: &[Interface]) -> Result<RouteToReport> {
    let oif = match zone {
        Some(name) => Some(
            interfaces
                .iter()
                .find(|i| i.name == name)
                .ok_or_else(|| {
                    Error::negative(format!("no such interface: {name} (the zone of {addr})"))
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

impl fmt::Display for RouteToReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match (self.local, self.gateway) {
            (true, _) => "is this host's own address".to_string(),
            (false, None) => format!(
                "is on-link: in the attached network {}, delivered directly",
                self.route
            ),
            (false, Some(g)) => format!("is not on-link: sent via gateway {g}"),
        };
        writeln!(f, "{} {how}", self.destination)?;
        let mut t = table([
            "ROUTE",
            "TYPE",
            "TABLE",
            "INTERFACE",
            "GATEWAY",
            "SOURCE",
            "METRIC",
        ]);
        let route = if self.default {
            format!("default ({})", self.route)
        } else {
            self.route.to_string()
        };
        t.add_row([
            route,
            self.kind.to_string(),
            self.table.clone(),
            or_dash(self.interface.as_ref()),
            self.gateway
                .map_or_else(|| "on-link".to_string(), |g| g.to_string()),
            or_dash(self.source),
            self.metric.to_string(),
        ]);
        write!(f, "{t}")
    }
}

// ---------------------------------------------------------------------------------------------
// --neighbours

/// `--neighbours`.
#[derive(Debug, Clone, Serialize)]
pub struct NeighboursReport {
    /// ARP entries, then NDP entries.
    pub neighbours: Vec<Neighbour>,
}

impl fmt::Display for NeighboursReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = table(["ADDRESS", "MAC", "VENDOR", "INTERFACE", "STATE"]);
        for n in &self.neighbours {
            let (mac, vendor) = match &n.mac {
                Some(m) => (m.address.clone(), m.vendor_text().to_string()),
                None => ("-".to_string(), "-".to_string()),
            };
            t.add_row([
                n.address.to_string(),
                mac,
                vendor,
                n.interface.clone(),
                n.state.to_string(),
            ]);
        }
        write!(f, "{t}")
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn ipv4_address_facts_are_subnets() {
        for text in [
            "192.168.21.36/24",
            "10.0.0.1/31",
            "10.0.0.1/32",
            "172.16.5.4/12",
        ] {
            let net: IpNet = text.parse().unwrap();
            let report = AddressReport::new(net, false);
            let facts = subnet::facts(&subnet::Interface {
                addr: net.addr(),
                prefix: net.prefix_len(),
                prefix_source: subnet::PrefixSource::Cidr,
            });
            assert_eq!(
                report.netmask.map(IpAddr::V4),
                Some(facts.netmask),
                "{text}"
            );
            assert_eq!(report.network, facts.network, "{text}");
            assert_eq!(report.broadcast.map(IpAddr::V4), facts.broadcast, "{text}");
        }
        let r = AddressReport::new("192.168.21.36/24".parse().unwrap(), true);
        assert_eq!(r.netmask, Some("255.255.255.0".parse().unwrap()));
        assert_eq!(r.network, "192.168.21.0".parse::<IpAddr>().unwrap());
        assert_eq!(r.broadcast, Some("192.168.21.255".parse().unwrap()));
        let r = AddressReport::new("10.0.0.1/31".parse().unwrap(), false);
        assert_eq!(r.broadcast, None);
    }
    use crate::cli::{Cli, Command};

    fn config(argv: &[&str]) -> Result<Config> {
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
        let cases: [(&[&str], &str); 6] = [
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
    fn ipv4_address_facts() {
        let a = AddressReport::new("192.168.10.77/26".parse().unwrap(), true);
        assert_eq!(a.family, "inet");
        assert_eq!(a.prefix_len, 26);
        assert_eq!(a.netmask, Some(Ipv4Addr::new(255, 255, 255, 192)));
        assert_eq!(a.network, "192.168.10.64".parse::<IpAddr>().unwrap());
        assert_eq!(a.broadcast, Some(Ipv4Addr::new(192, 168, 10, 127)));
        assert_eq!(a.scope, "global");
        assert!(a.primary);
        let p2p = AddressReport::new("10.0.0.0/31".parse().unwrap(), false);
        assert_eq!(p2p.broadcast, None);
        let lo = AddressReport::new("127.0.0.1/8".parse().unwrap(), false);
        assert_eq!(lo.scope, "host");
        assert_eq!(lo.broadcast, Some(Ipv4Addr::new(127, 255, 255, 255)));
    }

    #[test]
    fn ipv6_address_facts() {
        let cases = [
            ("fd09::1/64", "global", "fd09::"),
            ("2001:db8:1:2::5/48", "global", "2001:db8:1::"),
            ("fe80::1234/64", "link", "fe80::"),
            ("::1/128", "host", "::1"),
            ("fec0::1/10", "site", "fec0::"),
        ];
        for (net, scope, network) in cases {
            let a = AddressReport::new(net.parse().unwrap(), false);
            assert_eq!(a.family, "inet6");
            assert_eq!(a.scope, scope, "{net}");
            assert_eq!(a.network.to_string(), network, "{net}");
            assert_eq!(a.netmask, None);
            assert_eq!(a.broadcast, None);
        }
    }

    #[test]
    fn human_units() {
        let cases = [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (5 * 1024 * 1024, "5.0 MiB"),
            (3 * 1024 * 1024 * 1024 + 1024 * 1024 * 300, "3.3 GiB"),
        ];
        for (bytes, text) in cases {
            assert_eq!(human_bytes(bytes), text);
        }
    }

    fn sample_route(dst: &str, gw: Option<&str>, metric: u32, prefsrc: Option<&str>) -> Route {
        Route {
            prefsrc: prefsrc.map(|p| p.parse().unwrap()),
            ..Route::sample(dst, gw, "eth0", metric)
        }
    }

    #[test]
    fn primary_prefers_lowest_metric_default_and_its_prefsrc() {
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
    fn short_and_text_rendering() {
        let interfaces = vec![Interface {
            name: "veth0".to_string(),
            index: 3,
            flags: (libc::IFF_UP | libc::IFF_BROADCAST | libc::IFF_RUNNING) as u32,
            mac: Some([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]),
            addresses: vec!["10.9.0.1/24".parse().unwrap()],
            mtu: Some(1400),
            operstate: "UP",
            counters: Some(Counters {
                rx_bytes: 2048,
                rx_packets: 3,
                tx_bytes: 512,
                tx_packets: 4,
                ..Counters::default()
            }),
            link_type: "ether",
        }];
        let routes = vec![sample_route(
            "0.0.0.0/0",
            Some("10.9.0.2"),
            0,
            Some("10.9.0.1"),
        )];
        let cfg = config(&[]).unwrap();
        let report = InterfacesReport::build(&cfg, &interfaces, &routes);
        let text = report.to_string();
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        assert_eq!(
            lines[0],
            "veth0: index 3  state UP  mtu 1400  <BROADCAST,UP,RUNNING>"
        );
        assert_eq!(
            lines[1],
            "    mac 02:11:22:33:44:55  locally administered, unicast  vendor: (local, no vendor)"
        );
        assert!(lines[3].contains("10.9.0.1 (primary)"), "{text}");
        assert!(lines[3].contains("255.255.255.0"), "{text}");
        assert!(lines[3].contains("10.9.0.255"), "{text}");
        assert_eq!(
            lines[4],
            "    RX 2.0 KiB (2048 bytes)  3 packets  0 errors  0 dropped"
        );
        assert_eq!(lines[5], "    TX 512 bytes  4 packets  0 errors  0 dropped");
        let short = ShortReport::from(&report).to_string();
        let short: Vec<&str> = short.lines().map(str::trim_end).collect();
        assert_eq!(
            short,
            [
                "INTERFACE  STATE  MAC                ADDRESSES",
                "veth0      UP     02:11:22:33:44:55  10.9.0.1/24 (primary)"
            ]
        );
    }
}
