//! The routing tables (IPv4 and IPv6; `main` as `ip route` shows it, `local`, or all) read over
//! rtnetlink, and the route to one address as the kernel itself answers it (RTM_GETROUTE with
//! the destination, what `ip route get` asks: policy rules, the `local` table and every other
//! table count). Asking sends nothing on the network.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use ipnet::IpNet;
use neli::consts::nl::NlmF;
use neli::consts::rtnl::{RtAddrFamily, RtScope, RtTable, Rta, Rtm, RtmF, Rtn, Rtprot};
use neli::consts::socket::NlFamily;
use neli::nl::{NlPayload, Nlmsghdr};
use neli::router::synchronous::NlRouter;
use neli::rtnl::{Rtmsg, RtmsgBuilder};
use neli::types::{Buffer, RtBuffer};
use neli::utils::Groups;
use neli::{FromBytesWithInput, Size, ToBytes};
use serde::Serialize;

use crate::error::{Error, Result};

/// The `main` routing table's id.
const MAIN_TABLE: u32 = 254;
/// The `local` routing table's id (this host's own and broadcast addresses).
const LOCAL_TABLE: u32 = 255;

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

impl Tables {
    fn wants(self, table: u32) -> bool {
        match self {
            Self::Main => table == MAIN_TABLE,
            Self::Local => table == LOCAL_TABLE,
            Self::All => true,
        }
    }
}

/// The name `ip route` uses for a table id.
#[must_use]
pub fn table_name(table: u32) -> String {
    match table {
        253 => "default".to_string(),
        MAIN_TABLE => "main".to_string(),
        LOCAL_TABLE => "local".to_string(),
        n => n.to_string(),
    }
}

/// One route of a routing table.
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
    /// `unicast`, `local`, `broadcast`, `unreachable`, `blackhole`, `prohibit`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The table it is in: `main`, `local`, `default` or a number.
    pub table: String,
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
        netlink_dump("routes", Rtm::Getroute, request, |msg: &Rtmsg| {
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
    if !tables.wants(table) {
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
    })
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
    use neli::err::RouterError;
    use neli::rtnl::RtattrBuilder;

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
    let (socket, _) = NlRouter::connect(NlFamily::Route, None, Groups::empty())
        .map_err(|e| fail(e.to_string()))?;
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
