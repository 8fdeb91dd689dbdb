//! The routing table (IPv4 and IPv6, the `main` table that `ip route` shows) read over
//! rtnetlink, and the route to one address: longest prefix match over that table, with the source
//! address the kernel would pick learned from a connected UDP socket (connecting a UDP socket
//! sends nothing).

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use ipnet::IpNet;
use neli::consts::nl::NlmF;
use neli::consts::rtnl::{RtAddrFamily, RtScope, RtTable, Rta, Rtm, Rtn, Rtprot};
use neli::consts::socket::NlFamily;
use neli::nl::{NlPayload, Nlmsghdr};
use neli::router::synchronous::NlRouter;
use neli::rtnl::{Rtmsg, RtmsgBuilder};
use neli::utils::Groups;
use neli::{FromBytesWithInput, Size, ToBytes};
use serde::Serialize;

use crate::error::{Error, Result};

/// The `main` routing table's id.
const MAIN_TABLE: u32 = 254;

/// One route of the `main` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// `inet` or `inet6`.
    pub family: &'static str,
    /// The destination network (`0.0.0.0/0` and `::/0` for a default route).
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
    /// `unicast`, `unreachable`, `blackhole`, `prohibit`, `multicast`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
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
        }
    }
}

/// Run one rtnetlink dump request and hand every answer's payload to `each`.
pub(crate) fn netlink_dump<SP, RP>(
    what: &str,
    request: Rtm,
    payload: SP,
    mut each: impl FnMut(&RP),
) -> Result<()>
where
    SP: Size + ToBytes + std::fmt::Debug,
    RP: Size + FromBytesWithInput<Input = usize> + std::fmt::Debug,
{
    let fail = |detail: String| Error::other(format!("netlink: cannot read {what}: {detail}"));
    let (socket, _) = NlRouter::connect(NlFamily::Route, None, Groups::empty())
        .map_err(|e| fail(e.to_string()))?;
    let answers = socket
        .send::<Rtm, SP, Rtm, RP>(request, NlmF::DUMP, NlPayload::Payload(payload))
        .map_err(|e| fail(e.to_string()))?;
    for answer in answers {
        let header: Nlmsghdr<Rtm, RP> = answer.map_err(|e| fail(e.to_string()))?;
        if let Some(payload) = header.get_payload() {
            each(payload);
        }
    }
    Ok(())
}

/// Every route of the `main` table, IPv4 then IPv6, with interface names from `names`.
pub fn routes(names: &HashMap<u32, String>) -> Result<Vec<Route>> {
    let mut all = Vec::new();
    for family in [RtAddrFamily::Inet, RtAddrFamily::Inet6] {
        let request = RtmsgBuilder::default()
            .rtm_family(family)
            .rtm_dst_len(0)
            .rtm_src_len(0)
            .rtm_tos(0)
            .rtm_table(RtTable::Unspec)
            .rtm_protocol(Rtprot::Unspec)
            .rtm_scope(RtScope::Universe)
            .rtm_type(Rtn::Unspec)
            .build()
            .map_err(|e| Error::other(format!("netlink: cannot build a route request: {e}")))?;
        netlink_dump("routes", Rtm::Getroute, request, |msg: &Rtmsg| {
            if let Some(route) = route_from(msg, names) {
                all.push(route);
            }
        })?;
    }
    Ok(all)
}

fn route_from(msg: &Rtmsg, names: &HashMap<u32, String>) -> Option<Route> {
    let v4 = *msg.rtm_family() == RtAddrFamily::Inet;
    let mut table = u32::from(u8::from(*msg.rtm_table()));
    let (mut dst, mut gateway, mut oif, mut metric, mut prefsrc) = (None, None, None, 0, None);
    for attr in msg.rtattrs().iter() {
        let bytes: &[u8] = attr.rta_payload().as_ref();
        match *attr.rta_type() {
            Rta::Table => table = u32_of(bytes).unwrap_or(table),
            Rta::Dst => dst = ip_of(bytes),
            Rta::Gateway => gateway = ip_of(bytes),
            Rta::Oif => oif = u32_of(bytes),
            Rta::Priority => metric = u32_of(bytes).unwrap_or(0),
            Rta::Prefsrc => prefsrc = ip_of(bytes),
            _ => {}
        }
    }
    if table != MAIN_TABLE {
        return None;
    }
    let len = *msg.rtm_dst_len();
    let addr = dst.unwrap_or(if v4 {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    });
    let destination = IpNet::new(addr, len).ok()?;
    Some(Route {
        family: if v4 { "inet" } else { "inet6" },
        destination,
        default: len == 0,
        gateway,
        interface: oif.and_then(|i| names.get(&i).cloned()),
        ifindex: oif,
        metric,
        protocol: protocol_name(u8::from(*msg.rtm_protocol())),
        scope: scope_name(u8::from(*msg.rtm_scope())),
        prefsrc,
        kind: type_name(u8::from(*msg.rtm_type())),
    })
}

fn u32_of(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(bytes.get(..4)?.try_into().ok()?))
}

/// An address from a netlink attribute: 4 bytes for IPv4, 16 for IPv6 (network order).
pub(crate) fn ip_of(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => None,
    }
}

/// The name `ip route` uses for a route protocol number (/etc/iproute2/rt_protos).
#[must_use]
pub fn protocol_name(proto: u8) -> String {
    match proto {
        0 => "unspec",
        1 => "redirect",
        2 => "kernel",
        3 => "boot",
        4 => "static",
        9 => "gated",
        10 => "ra",
        11 => "mrt",
        12 => "zebra",
        13 => "bird",
        16 => "dhcp",
        42 => "babel",
        186 => "bgp",
        187 => "isis",
        188 => "ospf",
        189 => "rip",
        192 => "eigrp",
        n => return n.to_string(),
    }
    .to_string()
}

/// The name of a route scope.
#[must_use]
pub fn scope_name(scope: u8) -> &'static str {
    match scope {
        0 => "global",
        200 => "site",
        253 => "link",
        254 => "host",
        255 => "nowhere",
        _ => "other",
    }
}

/// The name of a route type.
#[must_use]
pub fn type_name(kind: u8) -> &'static str {
    match kind {
        1 => "unicast",
        2 => "local",
        3 => "broadcast",
        4 => "anycast",
        5 => "multicast",
        6 => "blackhole",
        7 => "unreachable",
        8 => "prohibit",
        9 => "throw",
        10 => "nat",
        _ => "unspec",
    }
}

/// The route the table gives for `dst`: the longest prefix that contains it, and among those the
/// lowest metric (what the kernel does for the `main` table when no policy rule says otherwise).
#[must_use]
pub fn longest_match(routes: &[Route], dst: IpAddr) -> Option<&Route> {
    routes
        .iter()
        .filter(|r| r.destination.contains(&dst))
        .min_by_key(|r| (std::cmp::Reverse(r.destination.prefix_len()), r.metric))
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
    fn longest_prefix_then_lowest_metric() {
        let table = vec![
            Route::sample("0.0.0.0/0", Some("10.0.0.1"), "eth0", 100),
            Route::sample("0.0.0.0/0", Some("10.0.0.254"), "eth1", 50),
            Route::sample("10.0.0.0/24", None, "eth0", 0),
            Route::sample("10.0.0.0/16", None, "eth1", 0),
            Route::sample("fd00::/64", None, "eth0", 256),
            Route::sample("::/0", Some("fd00::1"), "eth0", 1024),
        ];
        let cases = [
            ("10.0.0.7", "10.0.0.0/24"),
            ("10.0.9.7", "10.0.0.0/16"),
            ("192.0.2.1", "0.0.0.0/0"),
            ("fd00::9", "fd00::/64"),
            ("2001:db8::1", "::/0"),
        ];
        for (dst, want) in cases {
            let got = longest_match(&table, dst.parse().unwrap()).unwrap();
            assert_eq!(got.destination.to_string(), want, "{dst}");
        }
        let default = longest_match(&table, "192.0.2.1".parse().unwrap()).unwrap();
        assert_eq!(default.metric, 50);
        assert_eq!(default.interface.as_deref(), Some("eth1"));
    }

    #[test]
    fn no_route_is_none() {
        let table = vec![Route::sample("10.0.0.0/24", None, "eth0", 0)];
        assert!(longest_match(&table, "10.0.1.1".parse().unwrap()).is_none());
        assert!(longest_match(&table, "fd00::1".parse().unwrap()).is_none());
    }

    #[test]
    fn names_of_numbers() {
        assert_eq!(protocol_name(2), "kernel");
        assert_eq!(protocol_name(16), "dhcp");
        assert_eq!(protocol_name(77), "77");
        assert_eq!(scope_name(253), "link");
        assert_eq!(scope_name(0), "global");
        assert_eq!(type_name(7), "unreachable");
    }

    #[test]
    fn addresses_from_attribute_bytes() {
        assert_eq!(ip_of(&[10, 0, 0, 1]), Some("10.0.0.1".parse().unwrap()));
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_of(&v6), Some("::1".parse().unwrap()));
        assert_eq!(ip_of(&[1, 2, 3]), None);
    }

    #[test]
    fn source_for_loopback() {
        assert_eq!(
            source_for("127.0.0.1".parse().unwrap(), 0).unwrap(),
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
    }
}
