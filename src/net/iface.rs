//! The network interfaces: names, indexes, flags, MACs and addresses from pnet's datalink
//! interface list (getifaddrs), with MTU, operational state and the 64-bit counters from an
//! rtnetlink link dump. Netlink answers for the caller's own network namespace, where
//! /sys/class/net answers for the namespace sysfs was mounted in (not the same after a bare
//! `unshare --net`).

use std::collections::HashMap;

use ipnet::IpNet;
use neli::consts::rtnl::{Arphrd, Ifla, RtAddrFamily, Rtm};
use neli::rtnl::{Ifinfomsg, IfinfomsgBuilder};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::net::route::netlink_dump;

/// The interface flags shown, in the order `ip link` prints them, with their `IFF_` bits.
pub const FLAG_NAMES: [(u32, &str); 11] = [
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

/// Traffic counters since the interface was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Bytes received.
    pub rx_bytes: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Receive errors.
    pub rx_errors: u64,
    /// Received packets dropped.
    pub rx_dropped: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Send errors.
    pub tx_errors: u64,
    /// Packets dropped on sending.
    pub tx_dropped: u64,
}

impl Counters {
    /// Decode `struct rtnl_link_stats64` (its first eight u64 fields, native byte order).
    #[must_use]
    pub fn from_stats64(bytes: &[u8]) -> Option<Self> {
        let field = |i: usize| -> Option<u64> {
            Some(u64::from_ne_bytes(
                bytes.get(i * 8..i * 8 + 8)?.try_into().ok()?,
            ))
        };
        // rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped
        Some(Self {
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
}

/// One interface and everything known about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// Its name (`eth0`).
    pub name: String,
    /// Its kernel index.
    pub index: u32,
    /// Raw `IFF_*` flags.
    pub flags: u32,
    /// Its hardware address, when it has one that is not all zero.
    pub mac: Option<[u8; 6]>,
    /// Its addresses with their prefix lengths.
    pub addresses: Vec<IpNet>,
    /// Its MTU.
    pub mtu: Option<u32>,
    /// Operational state as RFC 2863 names it (`UP`, `DOWN`, `UNKNOWN`, `DORMANT`, ...).
    pub operstate: &'static str,
    /// Its counters.
    pub counters: Option<Counters>,
    /// The link type (`ether`, `loopback`, `none`, ...).
    pub link_type: &'static str,
}

impl Interface {
    /// Whether the interface is administratively up.
    #[must_use]
    pub fn is_up(&self) -> bool {
        self.flags & libc::IFF_UP as u32 != 0
    }
}

/// What the link dump says about one interface.
#[derive(Debug, Clone, Default)]
struct Link {
    mtu: Option<u32>,
    operstate: u8,
    counters: Option<Counters>,
    link_type: &'static str,
}

/// The name of an `IF_OPER_*` state, in upper case as `ip` prints it.
#[must_use]
pub fn operstate_name(state: u8) -> &'static str {
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

fn links() -> Result<HashMap<u32, Link>> {
    let request = IfinfomsgBuilder::default()
        .ifi_family(RtAddrFamily::Unspecified)
        .build()
        .map_err(|e| Error::other(format!("netlink: cannot build a link request: {e}")))?;
    let mut links = HashMap::new();
    netlink_dump("links", Rtm::Getlink, request, |msg: &Ifinfomsg| {
        let mut link = Link {
            link_type: link_type_name(*msg.ifi_type()),
            ..Link::default()
        };
        for attr in msg.rtattrs().iter() {
            let bytes: &[u8] = attr.rta_payload().as_ref();
            match *attr.rta_type() {
                Ifla::Mtu => {
                    link.mtu = bytes
                        .get(..4)
                        .and_then(|b| b.try_into().ok())
                        .map(u32::from_ne_bytes);
                }
                Ifla::Operstate => link.operstate = bytes.first().copied().unwrap_or(0),
                Ifla::Stats64 => link.counters = Counters::from_stats64(bytes),
                _ => {}
            }
        }
        if let Ok(index) = u32::try_from(*msg.ifi_index()) {
            links.insert(index, link);
        }
    })?;
    Ok(links)
}

/// Every interface of this network namespace, ordered by index.
pub fn interfaces() -> Result<Vec<Interface>> {
    let mut links = links()?;
    let mut all: Vec<Interface> = pnet::datalink::interfaces()
        .into_iter()
        .map(|i| {
            let link = links.remove(&i.index).unwrap_or_default();
            let mac = i
                .mac
                .map(|m| m.octets())
                .filter(|b| b.iter().any(|&x| x != 0));
            Interface {
                addresses: i
                    .ips
                    .iter()
                    .filter_map(|n| IpNet::new(n.ip(), n.prefix()).ok())
                    .collect(),
                name: i.name,
                index: i.index,
                flags: i.flags,
                mac,
                mtu: link.mtu,
                operstate: operstate_name(link.operstate),
                counters: link.counters,
                link_type: link.link_type,
            }
        })
        .collect();
    all.sort_by_key(|i| i.index);
    Ok(all)
}

/// Interface names by index (for routes and neighbours).
#[must_use]
pub fn names(interfaces: &[Interface]) -> HashMap<u32, String> {
    interfaces
        .iter()
        .map(|i| (i.index, i.name.clone()))
        .collect()
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
        let c = Counters::from_stats64(&bytes).unwrap();
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
        assert!(Counters::from_stats64(&bytes[..60]).is_none());
    }

    #[test]
    fn operstates() {
        assert_eq!(operstate_name(6), "UP");
        assert_eq!(operstate_name(2), "DOWN");
        assert_eq!(operstate_name(0), "UNKNOWN");
        assert_eq!(operstate_name(3), "LOWERLAYERDOWN");
    }
}
