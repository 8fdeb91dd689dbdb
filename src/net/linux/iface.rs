//! What Linux alone says about an interface: its name, MTU, operational state, link type and
//! the 64-bit counters from an rtnetlink link dump; its addresses with their labels and
//! broadcast addresses from an address dump; and the names of the `IFF_*` flags as `ip link`
//! prints them (`LOWER_UP` and `DORMANT` exist only here).

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;
use neli::consts::rtnl::{Arphrd, Ifa, Ifla, RtAddrFamily, RtScope, Rtm};
use neli::rtnl::{Ifaddrmsg, IfaddrmsgBuilder, Ifinfomsg, IfinfomsgBuilder};

use super::netlink::{self, ip_of};
use crate::error::{Error, Result};
use crate::net::iface::{Address, Counters};

/// The interface flags shown, in the order `ip link` prints them, with their `IFF_` bits.
const FLAG_NAMES: [(u32, &str); 11] = [
    (libc::IFF_LOOPBACK as u32, "LOOPBACK"),
    (libc::IFF_BROADCAST as u32, "BROADCAST"),
    (libc::IFF_POINTOPOINT as u32, "POINTOPOINT"),
    (libc::IFF_MULTICAST as u32, "MULTICAST"),
    (libc::IFF_NOARP as u32, "NOARP"),
    (libc::IFF_ALLMULTI as u32, "ALLMULTI"),
    (libc::IFF_PROMISC as u32, "PROMISC"),
    (libc::IFF_UP as u32, "UP"),
    (libc::IFF_RUNNING as u32, "RUNNING"),
    (libc::IFF_LOWER_UP as u32, "LOWER_UP"),
    (libc::IFF_DORMANT as u32, "DORMANT"),
];

/// The names of the flags set in `flags`.
#[must_use]
pub fn flag_names(flags: u32) -> Vec<&'static str> {
    FLAG_NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

/// What the link dump says about one interface.
#[derive(Debug, Clone)]
pub struct Link {
    /// The interface's own name (never an address label).
    pub name: String,
    /// Its MTU.
    pub mtu: Option<u32>,
    /// Operational state as RFC 2863 names it, in upper case as `ip` prints it.
    pub operstate: &'static str,
    /// Its counters.
    pub counters: Option<Counters>,
    /// The link type (`ether`, `loopback`, `none`, ...).
    pub link_type: &'static str,
}

impl Default for Link {
    /// An interface the dump did not list: nothing known, state `UNKNOWN`.
    fn default() -> Self {
        Self {
            name: String::new(),
            mtu: None,
            operstate: operstate_name(0),
            counters: None,
            link_type: "",
        }
    }
}

/// Decode `struct rtnl_link_stats64` (its first eight u64 fields, native byte order).
fn counters_from_stats64(bytes: &[u8]) -> Option<Counters> {
    let field = |i: usize| -> Option<u64> {
        Some(u64::from_ne_bytes(
            bytes.get(i * 8..i * 8 + 8)?.try_into().ok()?,
        ))
    };
    // rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped
    Some(Counters {
        rx_packets: field(0)?,
        tx_packets: field(1)?,
        rx_bytes: field(2)?,
        tx_bytes: field(3)?,
        rx_errors: field(4)?,
        tx_errors: field(5)?,
        rx_dropped: field(6)?,
        tx_dropped: field(7)?,
    })
}

/// The name of an `IF_OPER_*` state, in upper case as `ip` prints it.
fn operstate_name(state: u8) -> &'static str {
    match state {
        1 => "NOTPRESENT",
        2 => "DOWN",
        3 => "LOWERLAYERDOWN",
        4 => "TESTING",
        5 => "DORMANT",
        6 => "UP",
        _ => "UNKNOWN",
    }
}

fn link_type_name(kind: Arphrd) -> &'static str {
    match kind {
        Arphrd::Ether => "ether",
        Arphrd::Loopback => "loopback",
        Arphrd::None => "none",
        Arphrd::Void => "void",
        Arphrd::Infiniband => "infiniband",
        _ => "other",
    }
}

/// Every link of this network namespace by interface index.
pub fn links() -> Result<HashMap<u32, Link>> {
    let request = IfinfomsgBuilder::default()
        .ifi_family(RtAddrFamily::Unspecified)
        .build()
        .map_err(|e| Error::other(format!("netlink: cannot build a link request: {e}")))?;
    let mut links = HashMap::new();
    netlink::dump("links", Rtm::Getlink, request, |msg: &Ifinfomsg| {
        let mut link = Link {
            link_type: link_type_name(*msg.ifi_type()),
            ..Link::default()
        };
        let mut operstate = 0;
        for attr in msg.rtattrs().iter() {
            let bytes: &[u8] = attr.rta_payload().as_ref();
            match *attr.rta_type() {
                Ifla::Ifname => link.name = netlink::string_of(bytes),
                Ifla::Mtu => link.mtu = netlink::u32_of(bytes),
                Ifla::Operstate => operstate = bytes.first().copied().unwrap_or(0),
                Ifla::Stats64 => link.counters = counters_from_stats64(bytes),
                _ => {}
            }
        }
        link.operstate = operstate_name(operstate);
        if let Ok(index) = u32::try_from(*msg.ifi_index()) {
            links.insert(index, link);
        }
    })?;
    Ok(links)
}

/// Every address of this network namespace by interface index, each interface's in the
/// kernel's order (as `ip addr` lists them).
pub fn addresses() -> Result<HashMap<u32, Vec<Address>>> {
    let request = IfaddrmsgBuilder::default()
        .ifa_family(RtAddrFamily::Unspecified)
        .ifa_prefixlen(0)
        .ifa_scope(RtScope::Universe)
        .ifa_index(0)
        .build()
        .map_err(|e| Error::other(format!("netlink: cannot build an address request: {e}")))?;
    let mut all: HashMap<u32, Vec<Address>> = HashMap::new();
    netlink::dump("addresses", Rtm::Getaddr, request, |msg: &Ifaddrmsg| {
        let attrs = msg
            .rtattrs()
            .iter()
            .map(|a| (*a.rta_type(), a.rta_payload().as_ref()));
        if let Some(address) = address_from(*msg.ifa_prefixlen(), attrs) {
            all.entry(*msg.ifa_index()).or_default().push(address);
        }
    })?;
    Ok(all)
}

/// One address from its prefix length and attributes. `IFA_LOCAL` is the interface's own
/// address; `IFA_ADDRESS` is the same, except on a point-to-point link where it is the peer's,
/// so the local one wins when both are given (IPv6 gives only `IFA_ADDRESS`).
fn address_from<'a>(
    prefix_len: u8,
    attrs: impl Iterator<Item = (Ifa, &'a [u8])>,
) -> Option<Address> {
    let (mut local, mut address, mut label, mut broadcast) = (None, None, None, None);
    for (kind, bytes) in attrs {
        match kind {
            Ifa::Local => local = ip_of(bytes),
            Ifa::Address => address = ip_of(bytes),
            Ifa::Label => label = Some(netlink::string_of(bytes)),
            Ifa::Broadcast => {
                broadcast = match ip_of(bytes) {
                    Some(IpAddr::V4(b)) => Some(b),
                    _ => None,
                };
            }
            _ => {}
        }
    }
    Some(Address {
        net: IpNet::new(local.or(address)?, prefix_len).ok()?,
        label,
        broadcast,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_in_ip_order() {
        let flags = (libc::IFF_UP
            | libc::IFF_BROADCAST
            | libc::IFF_RUNNING
            | libc::IFF_MULTICAST
            | libc::IFF_LOWER_UP) as u32;
        assert_eq!(
            flag_names(flags),
            ["BROADCAST", "MULTICAST", "UP", "RUNNING", "LOWER_UP"]
        );
        let lo = (libc::IFF_UP | libc::IFF_LOOPBACK | libc::IFF_RUNNING) as u32;
        assert_eq!(flag_names(lo), ["LOOPBACK", "UP", "RUNNING"]);
        assert_eq!(
            flag_names(libc::IFF_POINTOPOINT as u32 | libc::IFF_NOARP as u32),
            ["POINTOPOINT", "NOARP"]
        );
        assert!(flag_names(0).is_empty());
    }

    #[test]
    fn stats64_decoding() {
        let values: [u64; 10] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_ne_bytes()).collect();
        let c = counters_from_stats64(&bytes).unwrap();
        assert_eq!(
            c,
            Counters {
                rx_packets: 1,
                tx_packets: 2,
                rx_bytes: 3,
                tx_bytes: 4,
                rx_errors: 5,
                tx_errors: 6,
                rx_dropped: 7,
                tx_dropped: 8,
            }
        );
        assert!(counters_from_stats64(&bytes[..60]).is_none());
    }

    #[test]
    fn address_attributes() {
        let v4 = |a: &str| a.parse::<std::net::Ipv4Addr>().unwrap().octets();
        let (local, peer, brd) = (v4("10.1.2.3"), v4("10.1.2.9"), v4("10.1.2.50"));
        let got = address_from(
            26,
            [
                (Ifa::Address, &peer[..]),
                (Ifa::Local, &local[..]),
                (Ifa::Label, &b"v0:1\0"[..]),
                (Ifa::Broadcast, &brd[..]),
            ]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(got.net, "10.1.2.3/26".parse::<IpNet>().unwrap());
        assert_eq!(got.label.as_deref(), Some("v0:1"));
        assert_eq!(got.broadcast, Some("10.1.2.50".parse().unwrap()));
        let v6: std::net::Ipv6Addr = "fd00::1".parse().unwrap();
        let got = address_from(64, [(Ifa::Address, &v6.octets()[..])].into_iter()).unwrap();
        assert_eq!(got, Address::bare("fd00::1/64".parse().unwrap()));
        assert_eq!(
            address_from(24, [(Ifa::Label, &b"x\0"[..])].into_iter()),
            None
        );
        assert_eq!(
            address_from(40, [(Ifa::Local, &local[..])].into_iter()),
            None
        );
    }

    #[test]
    fn operstates() {
        assert_eq!(operstate_name(6), "UP");
        assert_eq!(operstate_name(2), "DOWN");
        assert_eq!(operstate_name(0), "UNKNOWN");
        assert_eq!(operstate_name(3), "LOWERLAYERDOWN");
    }
}
