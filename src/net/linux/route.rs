//! The routing tables over rtnetlink: a dump of every route (RTM_GETROUTE with NLM_F_DUMP), and
//! the kernel's own answer for one destination (RTM_GETROUTE with the destination, what
//! `ip route get` asks: policy rules, the `local` table and every other table count). Linux
//! numbers tables, protocols, scopes and route types; the names `ip route` prints for them are
//! decoded here, so [`crate::net::route::Route`] carries only names.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use neli::consts::nl::NlmF;
use neli::consts::rtnl::{RtAddrFamily, RtScope, RtTable, Rta, Rtm, RtmF, Rtn, Rtprot};
use neli::err::RouterError;
use neli::nl::{NlPayload, Nlmsghdr};
use neli::rtnl::{RtattrBuilder, Rtmsg, RtmsgBuilder};
use neli::types::{Buffer, RtBuffer};

use super::netlink::{self, ip_of, u32_of};
use crate::error::{Error, Result};
use crate::net::route::{NextHop, Route, Tables};

/// The `main` routing table's id.
const MAIN_TABLE: u32 = 254;
/// The `local` routing table's id (this host's own and broadcast addresses).
const LOCAL_TABLE: u32 = 255;

/// Whether `tables` includes the table numbered `table`.
fn wants(tables: Tables, table: u32) -> bool {
    match tables {
        Tables::Main => table == MAIN_TABLE,
        Tables::Local => table == LOCAL_TABLE,
        Tables::All => true,
    }
}

/// The name `ip route` uses for a table id.
fn table_name(table: u32) -> String {
    match table {
        253 => "default".to_string(),
        MAIN_TABLE => "main".to_string(),
        LOCAL_TABLE => "local".to_string(),
        n => n.to_string(),
    }
}

/// A route request for one family: a dump with no attributes, or a lookup of one destination.
fn request(
    family: RtAddrFamily,
    dst_len: u8,
    flags: RtmF,
    attrs: RtBuffer<Rta, Buffer>,
) -> Result<Rtmsg> {
    RtmsgBuilder::default()
        .rtm_family(family)
        .rtm_dst_len(dst_len)
        .rtm_src_len(0)
        .rtm_tos(0)
        .rtm_table(RtTable::Unspec)
        .rtm_protocol(Rtprot::Unspec)
        .rtm_scope(RtScope::Universe)
        .rtm_type(Rtn::Unspec)
        .rtm_flags(flags)
        .rtattrs(attrs)
        .build()
        .map_err(|e| Error::other(format!("netlink: cannot build a route request: {e}")))
}

/// Every route of the chosen tables, IPv4 then IPv6, with interface names from `names`.
pub fn routes(names: &HashMap<u32, String>, tables: Tables) -> Result<Vec<Route>> {
    let mut all = Vec::new();
    for family in [RtAddrFamily::Inet, RtAddrFamily::Inet6] {
        let request = request(family, 0, RtmF::empty(), RtBuffer::new())?;
        netlink::dump("routes", Rtm::Getroute, request, |msg: &Rtmsg| {
            if let Some(route) = route_from(msg, names, tables) {
                all.push(route);
            }
        })?;
    }
    Ok(all)
}

/// The route in `msg`, if its table is one of `tables`.
fn route_from(msg: &Rtmsg, names: &HashMap<u32, String>, tables: Tables) -> Option<Route> {
    let v4 = *msg.rtm_family() == RtAddrFamily::Inet;
    let mut table = u32::from(u8::from(*msg.rtm_table()));
    let (mut dst, mut gateway, mut oif, mut metric, mut prefsrc) = (None, None, None, 0, None);
    let mut nexthops = Vec::new();
    for attr in msg.rtattrs().iter() {
        let bytes: &[u8] = attr.rta_payload().as_ref();
        match *attr.rta_type() {
            Rta::Table => table = u32_of(bytes).unwrap_or(table),
            Rta::Dst => dst = ip_of(bytes),
            Rta::Gateway => gateway = ip_of(bytes),
            Rta::Oif => oif = u32_of(bytes),
            Rta::Priority => metric = u32_of(bytes).unwrap_or(0),
            Rta::Prefsrc => prefsrc = ip_of(bytes),
            Rta::Via => gateway = via_of(bytes),
            Rta::Multipath => nexthops = nexthops_of(bytes, names),
            _ => {}
        }
    }
    if !wants(tables, table) {
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
        table: table_name(table),
        nexthops,
    })
}

/// The next hops of `RTA_MULTIPATH`: one `struct rtnexthop` each (length u16, flags u8, hops u8
/// (the weight less one), interface index i32, native order), followed by its own attributes
/// (a gateway), each entry padded to 4 bytes.
fn nexthops_of(bytes: &[u8], names: &HashMap<u32, String>) -> Vec<NextHop> {
    let mut hops = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 8 {
        let len = usize::from(u16::from_ne_bytes([rest[0], rest[1]]));
        if len < 8 || len > rest.len() {
            break;
        }
        let ifindex = u32_of(&rest[4..8]).filter(|&i| i != 0);
        let mut gateway = None;
        for (kind, payload) in attributes(&rest[8..len]) {
            if kind == u16::from(Rta::Gateway) {
                gateway = ip_of(payload);
            } else if kind == u16::from(Rta::Via) {
                gateway = via_of(payload);
            }
        }
        hops.push(NextHop {
            gateway,
            interface: ifindex.and_then(|i| names.get(&i).cloned()),
            weight: u16::from(rest[3]) + 1,
        });
        rest = rest.get(align4(len)..).unwrap_or_default();
    }
    hops
}

/// Netlink attributes packed in `bytes` (length u16 with the 4-byte header, type u16, payload,
/// padded to 4 bytes): their types and payloads.
fn attributes(mut bytes: &[u8]) -> Vec<(u16, &[u8])> {
    let mut all = Vec::new();
    while bytes.len() >= 4 {
        let len = usize::from(u16::from_ne_bytes([bytes[0], bytes[1]]));
        if len < 4 || len > bytes.len() {
            break;
        }
        all.push((u16::from_ne_bytes([bytes[2], bytes[3]]), &bytes[4..len]));
        bytes = bytes.get(align4(len)..).unwrap_or_default();
    }
    all
}

fn align4(len: usize) -> usize {
    (len + 3) & !3
}

/// `RTA_VIA`: a gateway of another family than the route's (an IPv6 next hop of an IPv4
/// route): the family (u16), then the address.
fn via_of(bytes: &[u8]) -> Option<IpAddr> {
    ip_of(bytes.get(2..)?)
}

/// The kernel's route for `dst` (see [`crate::net::route::route_get`]).
pub fn route_get(
    dst: IpAddr,
    oif: Option<u32>,
    fib_match: bool,
    names: &HashMap<u32, String>,
) -> Result<Option<Route>> {
    let fail = |detail: String| {
        Error::other(format!(
            "netlink: cannot look up the route to {dst}: {detail}"
        ))
    };
    let (family, bytes, len) = match dst {
        IpAddr::V4(a) => (RtAddrFamily::Inet, a.octets().to_vec(), 32),
        IpAddr::V6(a) => (RtAddrFamily::Inet6, a.octets().to_vec(), 128),
    };
    let mut attrs = RtBuffer::new();
    attrs.push(
        RtattrBuilder::default()
            .rta_type(Rta::Dst)
            .rta_payload(Buffer::from(bytes))
            .build()
            .map_err(|e| fail(e.to_string()))?,
    );
    if let Some(index) = oif {
        attrs.push(
            RtattrBuilder::default()
                .rta_type(Rta::Oif)
                .rta_payload(index)
                .build()
                .map_err(|e| fail(e.to_string()))?,
        );
    }
    let flags = if fib_match {
        RtmF::FIBMATCH
    } else {
        RtmF::empty()
    };
    let request = request(family, len, flags, attrs)?;
    let socket = netlink::connect(fail)?;
    let answers = socket
        .send::<Rtm, Rtmsg, Rtm, Rtmsg>(Rtm::Getroute, NlmF::REQUEST, NlPayload::Payload(request))
        .map_err(|e| fail(e.to_string()))?;
    for answer in answers {
        match answer {
            Ok(header) => {
                let header: Nlmsghdr<Rtm, Rtmsg> = header;
                if let Some(msg) = header.get_payload() {
                    return Ok(route_from(msg, names, Tables::All)
                        .filter(|r| !matches!(r.kind, "unreachable" | "prohibit" | "blackhole")));
                }
            }
            Err(RouterError::Nlmsgerr(e)) => {
                let errno = e.error().abs();
                return match errno {
                    libc::ENETUNREACH | libc::EHOSTUNREACH | libc::EACCES | libc::EINVAL => {
                        Ok(None)
                    }
                    _ => Err(fail(io::Error::from_raw_os_error(errno).to_string())),
                };
            }
            Err(e) => return Err(fail(e.to_string())),
        }
    }
    Ok(None)
}

/// The name `ip route` uses for a route protocol number (/etc/iproute2/rt_protos).
fn protocol_name(proto: u8) -> String {
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
fn scope_name(scope: u8) -> &'static str {
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
fn type_name(kind: u8) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_numbers() {
        assert_eq!(protocol_name(2), "kernel");
        assert_eq!(protocol_name(16), "dhcp");
        assert_eq!(protocol_name(77), "77");
        assert_eq!(scope_name(253), "link");
        assert_eq!(scope_name(0), "global");
        assert_eq!(type_name(7), "unreachable");
    }

    /// One `rtnexthop` with an `RTA_GATEWAY`, as the kernel writes it.
    fn nexthop(ifindex: i32, weight: u8, gateway: [u8; 4]) -> Vec<u8> {
        let mut hop = 16u16.to_ne_bytes().to_vec();
        hop.extend_from_slice(&[0, weight - 1]);
        hop.extend_from_slice(&ifindex.to_ne_bytes());
        hop.extend_from_slice(&8u16.to_ne_bytes());
        hop.extend_from_slice(&u16::from(Rta::Gateway).to_ne_bytes());
        hop.extend_from_slice(&gateway);
        hop
    }

    #[test]
    fn multipath_next_hops() {
        let names = HashMap::from([(3, "v0".to_string()), (4, "v1".to_string())]);
        let mut bytes = nexthop(3, 1, [10, 1, 2, 7]);
        bytes.extend(nexthop(4, 2, [10, 1, 4, 7]));
        let hops = nexthops_of(&bytes, &names);
        assert_eq!(
            hops,
            [
                NextHop {
                    gateway: Some("10.1.2.7".parse().unwrap()),
                    interface: Some("v0".into()),
                    weight: 1
                },
                NextHop {
                    gateway: Some("10.1.4.7".parse().unwrap()),
                    interface: Some("v1".into()),
                    weight: 2
                },
            ]
        );
        // A hop without a gateway (on-link), and a cut-off tail that is not read.
        let mut bytes = 8u16.to_ne_bytes().to_vec();
        bytes.extend_from_slice(&[0, 255]);
        bytes.extend_from_slice(&4i32.to_ne_bytes());
        bytes.extend_from_slice(&nexthop(3, 1, [1, 2, 3, 4])[..12]);
        let hops = nexthops_of(&bytes, &names);
        assert_eq!(
            hops,
            [NextHop {
                gateway: None,
                interface: Some("v1".into()),
                weight: 256
            }]
        );
        // RTA_VIA: an IPv6 gateway for an IPv4 route.
        let mut via = 10u16.to_ne_bytes().to_vec();
        via.extend_from_slice(&[0u8; 16]);
        via[17] = 1;
        assert_eq!(via_of(&via), Some("::1".parse().unwrap()));
    }

    #[test]
    fn tables_by_id() {
        assert_eq!(table_name(254), "main");
        assert_eq!(table_name(255), "local");
        assert_eq!(table_name(253), "default");
        assert_eq!(table_name(100), "100");
        assert!(wants(Tables::Main, 254) && !wants(Tables::Main, 255));
        assert!(wants(Tables::Local, 255) && !wants(Tables::Local, 254));
        assert!(wants(Tables::All, 100));
    }
}
