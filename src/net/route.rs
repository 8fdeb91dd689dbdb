//! Routes: the routing tables (IPv4 and IPv6; `main` as `ip route` shows it, `local`, or all)
//! and the route to one address as the kernel itself answers it. The tables are read through the
//! operating system's folder ([`crate::net::linux::route`] on Linux); this module holds what a
//! command sees of them. Asking sends nothing on the network.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use ipnet::IpNet;
use serde::Serialize;

use super::os;
use crate::error::Result;

/// Which routing tables to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tables {
    /// The `main` table, as `ip route` shows it.
    Main,
    /// The `local` table: this host's own and broadcast addresses.
    Local,
    /// Every table.
    All,
}

/// One route of a routing table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Route {
    /// `inet` or `inet6`.
    pub family: &'static str,
    /// The destination network (`0.0.0.0/0` and `::/0` for a default route).
    #[schemars(with = "String")]
    pub destination: IpNet,
    /// Whether this is a default route.
    pub default: bool,
    /// The next hop, when the destination is reached via a gateway.
    pub gateway: Option<IpAddr>,
    /// The outgoing interface's name.
    pub interface: Option<String>,
    /// The outgoing interface's index.
    #[serde(skip)]
    pub ifindex: Option<u32>,
    /// The route's metric (priority); lower wins among equal prefixes.
    pub metric: u32,
    /// Who installed it: `kernel`, `boot`, `static`, `dhcp`, `ra`, or a number.
    pub protocol: String,
    /// `global` (universe), `link`, `host`, `site` or `nowhere`.
    pub scope: &'static str,
    /// The preferred source address the route names, if any.
    pub prefsrc: Option<IpAddr>,
    /// `unicast`, `local`, `broadcast`, `unreachable`, `blackhole`, `prohibit`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The table it is in: `main`, `local`, `default` or a number.
    pub table: String,
    /// A multipath route's next hops (`gateway` and `interface` are then null); empty for a
    /// route with one path.
    pub nexthops: Vec<NextHop>,
}

/// One path of a multipath route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NextHop {
    /// Its gateway, when it has one.
    pub gateway: Option<IpAddr>,
    /// Its outgoing interface's name.
    pub interface: Option<String>,
    /// Its weight (1-256): its share of the flows is its weight over the sum of weights.
    pub weight: u16,
}

impl Route {
    /// A unicast route for unit tests.
    #[cfg(test)]
    #[must_use]
    pub(crate) fn sample(dst: &str, gw: Option<&str>, dev: &str, metric: u32) -> Self {
        let destination: IpNet = dst.parse().unwrap();
        Self {
            family: if destination.addr().is_ipv4() {
                "inet"
            } else {
                "inet6"
            },
            default: destination.prefix_len() == 0,
            destination,
            gateway: gw.map(|g| g.parse().unwrap()),
            interface: Some(dev.to_string()),
            ifindex: None,
            metric,
            protocol: "kernel".to_string(),
            scope: "global",
            prefsrc: None,
            kind: "unicast",
            table: "main".to_string(),
            nexthops: Vec::new(),
        }
    }
}

impl Route {
    /// Whether it leaves through the interface called `name` (on any of its paths).
    #[must_use]
    pub fn uses_interface(&self, name: &str) -> bool {
        self.interface.as_deref() == Some(name)
            || self
                .nexthops
                .iter()
                .any(|h| h.interface.as_deref() == Some(name))
    }
}

/// Every route of the chosen tables, IPv4 then IPv6, with interface names from `names`.
pub fn routes(names: &HashMap<u32, String>, tables: Tables) -> Result<Vec<Route>> {
    os::route::routes(names, tables)
}

/// Ask the kernel which route it uses for `dst` (leaving through `oif` when given, for an IPv6
/// zone), as `ip route get` does: with `fib_match` the table entry itself (its prefix, table and
/// metric, as `ip route get fibmatch`), without it the route as used (interface, gateway and the
/// source address picked). `Ok(None)` when it has none: network unreachable, or a route of type
/// unreachable, prohibit or blackhole.
pub fn route_get(
    dst: IpAddr,
    oif: Option<u32>,
    fib_match: bool,
    names: &HashMap<u32, String>,
) -> Result<Option<Route>> {
    os::route::route_get(dst, oif, fib_match, names)
}

/// The source address the kernel picks for packets to `dst`, learned by connecting a UDP socket
/// (which sends no packet) and asking for its local address.
pub fn source_for(dst: IpAddr, scope_id: u32) -> io::Result<IpAddr> {
    let (bind, target): (SocketAddr, SocketAddr) = match dst {
        IpAddr::V4(a) => ((Ipv4Addr::UNSPECIFIED, 0).into(), SocketAddr::from((a, 9))),
        IpAddr::V6(a) => (
            (Ipv6Addr::UNSPECIFIED, 0).into(),
            std::net::SocketAddrV6::new(a, 9, 0, scope_id).into(),
        ),
    };
    let socket = UdpSocket::bind(bind)?;
    socket.connect(target)?;
    Ok(socket.local_addr()?.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_for_loopback() {
        assert_eq!(
            source_for("127.0.0.1".parse().unwrap(), 0).unwrap(),
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
    }
}
