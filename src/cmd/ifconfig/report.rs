//! What `nettool ifconfig` reports, one struct per view: interfaces with the facts derived from
//! each address (netmask, network, broadcast, scope, primary), `-s` lines, routes, the route to
//! one address, neighbours. Built from what [`crate::net`] returns, without I/O; the text form
//! is in `render`.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;
use serde::Serialize;

use super::config::Config;
use crate::model::mac::MacInfo;
use crate::model::subnet;
use crate::net::iface::{self, Counters, Interface};
use crate::net::neigh::Neighbour;
use crate::net::route::Route;

/// One address of an interface and the facts derived from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
    /// The broadcast address the kernel holds for it (IPv4; none unless one was set, as with
    /// `ip addr add ... brd +`).
    pub broadcast: Option<Ipv4Addr>,
    /// The broadcast address of its network, as `nettool subnet` computes it (IPv4 with a
    /// prefix of /30 or shorter).
    pub computed_broadcast: Option<Ipv4Addr>,
    /// `global`, `link`, `site` or `host`.
    pub scope: &'static str,
    /// Whether this is the address the default route uses.
    pub primary: bool,
    /// Its label (IPv4): the interface's name, or the alias it was added with (`eth0:1`).
    pub label: Option<String>,
}

impl AddressReport {
    /// The facts of one address of an interface, with what the kernel holds for it: its label
    /// and its broadcast address.
    #[must_use]
    pub fn of(address: &iface::Address, primary: bool) -> Self {
        Self {
            broadcast: address.broadcast,
            label: address.label.clone(),
            ..Self::new(address.net, primary)
        }
    }

    /// Whether the kernel's broadcast address is not the one its network computes to.
    #[must_use]
    pub fn broadcast_differs(&self) -> bool {
        self.broadcast.is_some() && self.broadcast != self.computed_broadcast
    }

    /// The facts of one address with its prefix, computed (no label, no broadcast set).
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
                    broadcast: None,
                    computed_broadcast: facts.broadcast.and_then(|b| match b {
                        IpAddr::V4(b) => Some(b),
                        IpAddr::V6(_) => None,
                    }),
                    scope: if n.addr().is_loopback() {
                        "host"
                    } else {
                        "global"
                    },
                    primary,
                    label: None,
                }
            }
            IpNet::V6(n) => Self {
                family: "inet6",
                address: IpAddr::V6(n.addr()),
                prefix_len: n.prefix_len(),
                netmask: None,
                network: IpAddr::V6(n.network()),
                broadcast: None,
                computed_broadcast: None,
                scope: v6_scope(n.addr()),
                primary,
                label: None,
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
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InterfacesReport {
    /// The source address the IPv4 default route uses.
    pub primary_ipv4: Option<IpAddr>,
    /// The source address the IPv6 default route uses.
    pub primary_ipv6: Option<IpAddr>,
    /// The interfaces.
    pub interfaces: Vec<InterfaceReport>,
}

/// The default route of a family that wins: unicast, with the lowest metric.
#[must_use]
pub fn default_route(routes: &[Route], v4: bool) -> Option<&Route> {
    routes
        .iter()
        .filter(|r| r.default && r.destination.addr().is_ipv4() == v4 && r.kind == "unicast")
        .min_by_key(|r| r.metric)
}

impl InterfacesReport {
    /// Gather the report from the interfaces and the primary addresses of each family.
    #[must_use]
    pub fn build(
        config: &Config,
        interfaces: &[Interface],
        primary_ipv4: Option<IpAddr>,
        primary_ipv6: Option<IpAddr>,
    ) -> Self {
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
                    .filter(|a| config.family.allows(a.net.addr()))
                    .map(|a| {
                        let addr = Some(a.net.addr());
                        AddressReport::of(a, addr == primary_ipv4 || addr == primary_ipv6)
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

/// One line of `-s`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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

/// `--routes`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RoutesReport {
    /// The routes of the `main` table.
    pub routes: Vec<Route>,
}

/// `--route-to ADDR`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RouteToReport {
    /// The address asked about.
    pub destination: IpAddr,
    /// The prefix of the routing table that matched (the address itself when the table has no
    /// wider entry for the kernel's answer).
    #[schemars(with = "String")]
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

/// `--neighbours`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NeighboursReport {
    /// ARP entries, then NDP entries.
    pub neighbours: Vec<Neighbour>,
}

/// The report of whichever view was asked for; its JSON is the view's own document.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Report {
    /// The default view and IFACE.
    Interfaces(InterfacesReport),
    /// `-s`.
    Short(ShortReport),
    /// `--routes`.
    Routes(RoutesReport),
    /// `--route-to ADDR`.
    RouteTo(RouteToReport),
    /// `--neighbours`.
    Neighbours(NeighboursReport),
}

#[cfg(test)]
pub(super) mod tests {
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
            assert_eq!(
                report.computed_broadcast.map(IpAddr::V4),
                facts.broadcast,
                "{text}"
            );
            assert_eq!(report.broadcast, None, "{text}");
        }
        let r = AddressReport::new("192.168.21.36/24".parse().unwrap(), true);
        assert_eq!(r.netmask, Some("255.255.255.0".parse().unwrap()));
        assert_eq!(r.network, "192.168.21.0".parse::<IpAddr>().unwrap());
        assert_eq!(
            r.computed_broadcast,
            Some("192.168.21.255".parse().unwrap())
        );
        let r = AddressReport::new("10.0.0.1/31".parse().unwrap(), false);
        assert_eq!(r.computed_broadcast, None);
    }

    #[test]
    fn ipv4_address_facts() {
        let a = AddressReport::new("192.168.10.77/26".parse().unwrap(), true);
        assert_eq!(a.family, "inet");
        assert_eq!(a.prefix_len, 26);
        assert_eq!(a.netmask, Some(Ipv4Addr::new(255, 255, 255, 192)));
        assert_eq!(a.network, "192.168.10.64".parse::<IpAddr>().unwrap());
        assert_eq!(a.computed_broadcast, Some(Ipv4Addr::new(192, 168, 10, 127)));
        assert_eq!(a.scope, "global");
        assert!(a.primary);
        let p2p = AddressReport::new("10.0.0.0/31".parse().unwrap(), false);
        assert_eq!(p2p.computed_broadcast, None);
        let lo = AddressReport::new("127.0.0.1/8".parse().unwrap(), false);
        assert_eq!(lo.scope, "host");
        assert_eq!(
            lo.computed_broadcast,
            Some(Ipv4Addr::new(127, 255, 255, 255))
        );
    }

    #[test]
    fn kernel_broadcast_and_label() {
        let kernel = |net: &str, brd: Option<&str>, label: Option<&str>| iface::Address {
            net: net.parse().unwrap(),
            label: label.map(str::to_string),
            broadcast: brd.map(|b| b.parse().unwrap()),
        };
        // Set to something else than the network's: both are kept, and it is marked.
        let a = AddressReport::of(&kernel("10.1.2.5/26", Some("10.1.2.50"), Some("v0")), false);
        assert_eq!(a.broadcast, Some(Ipv4Addr::new(10, 1, 2, 50)));
        assert_eq!(a.computed_broadcast, Some(Ipv4Addr::new(10, 1, 2, 63)));
        assert!(a.broadcast_differs());
        assert_eq!(a.label.as_deref(), Some("v0"));
        // None set: none shown, and nothing differs.
        let a = AddressReport::of(&kernel("10.1.2.5/24", None, Some("v0:1")), true);
        assert_eq!(a.broadcast, None);
        assert!(!a.broadcast_differs());
        assert_eq!(a.label.as_deref(), Some("v0:1"));
        assert!(a.primary);
        let a = AddressReport::of(&kernel("10.1.2.5/24", Some("10.1.2.255"), None), false);
        assert!(!a.broadcast_differs());
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

    pub(crate) fn sample_route(
        dst: &str,
        gw: Option<&str>,
        metric: u32,
        prefsrc: Option<&str>,
    ) -> Route {
        Route {
            prefsrc: prefsrc.map(|p| p.parse().unwrap()),
            ..Route::sample(dst, gw, "eth0", metric)
        }
    }

    #[test]
    fn default_route_is_the_lowest_metric_unicast_default() {
        let mut unreachable = sample_route("0.0.0.0/0", None, 1, None);
        unreachable.kind = "unreachable";
        let routes = vec![
            sample_route("10.0.0.0/24", None, 0, Some("10.0.0.5")),
            unreachable,
            sample_route("0.0.0.0/0", Some("10.0.0.1"), 600, Some("10.0.0.9")),
            sample_route("0.0.0.0/0", Some("10.0.0.1"), 100, Some("10.0.0.7")),
        ];
        assert_eq!(default_route(&routes, true).map(|r| r.metric), Some(100));
        assert!(default_route(&routes, false).is_none());
    }
}
