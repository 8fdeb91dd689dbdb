//! The network interfaces, the one place every command gets them from: names, indexes, flags,
//! MACs and addresses from the interface list (getifaddrs, through pnet's datalink module), with
//! MTU, operational state, link type and counters from the operating system's own tables
//! ([`crate::net::linux::iface`] on Linux). [`index_of`] and [`names`] turn names into kernel
//! indexes and back, for routes, neighbours, multicast and IPv6 zones.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use ipnet::IpNet;
use serde::Serialize;

use super::os;
use crate::error::{Error, Result};

/// Traffic counters since the interface was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

/// One address of an interface, as the kernel holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The address with its prefix length.
    pub net: IpNet,
    /// Its label (IPv4 only): the interface's name, or an alias such as `eth0:1` given when the
    /// address was added. A label is not an interface: the address belongs to its interface.
    pub label: Option<String>,
    /// The broadcast address the kernel holds for it (IPv4), when one was set.
    pub broadcast: Option<Ipv4Addr>,
}

impl Address {
    /// An address with no label and no broadcast address.
    #[must_use]
    pub fn bare(net: IpNet) -> Self {
        Self {
            net,
            label: None,
            broadcast: None,
        }
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
    /// Its addresses, in the kernel's order (as `ip addr` lists them).
    pub addresses: Vec<Address>,
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

    /// Whether it is a loopback interface.
    #[must_use]
    pub fn is_loopback(&self) -> bool {
        self.flags & libc::IFF_LOOPBACK as u32 != 0
    }
}

/// The names of the flags set in `flags`, in the order `ip link` prints them.
#[must_use]
pub fn flag_names(flags: u32) -> Vec<&'static str> {
    os::iface::flag_names(flags)
}

/// Every interface of this network namespace, ordered by index. The interface list
/// (getifaddrs) names an address label (`eth0:1`) as if it were an interface of its own; the
/// link dump names the interface itself, so an entry whose name is not its link's is left out,
/// and the addresses come from the kernel's address dump, each under its own interface.
pub fn interfaces() -> Result<Vec<Interface>> {
    let mut links = os::iface::links()?;
    let mut addresses = os::iface::addresses()?;
    let listed: Vec<_> = pnet::datalink::interfaces()
        .into_iter()
        .filter(|i| {
            links
                .get(&i.index)
                .is_none_or(|l| l.name.is_empty() || l.name == i.name)
        })
        .collect();
    let mut all: Vec<Interface> = listed
        .into_iter()
        .map(|i| {
            let link = links.remove(&i.index).unwrap_or_default();
            let mac = i
                .mac
                .map(|m| m.octets())
                .filter(|b| b.iter().any(|&x| x != 0));
            Interface {
                addresses: addresses.remove(&i.index).unwrap_or_default(),
                name: i.name,
                index: i.index,
                flags: i.flags,
                mac,
                mtu: link.mtu,
                operstate: link.operstate,
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

/// The kernel index of the interface called `name`.
pub fn index_of(name: &str) -> Result<u32> {
    nix::net::if_::if_nametoindex(name)
        .map_err(|_| Error::invalid(name, "no such network interface"))
}

/// The name of the interface with kernel index `index`, if there is one.
#[must_use]
pub fn name_of(index: u32) -> Option<String> {
    // nix 0.31 reports an unknown index as an empty name rather than an error.
    nix::net::if_::if_indextoname(index)
        .ok()
        .and_then(|name| name.into_string().ok())
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_by_name_and_index() {
        let lo = interfaces()
            .unwrap()
            .into_iter()
            .find(|i| i.name == "lo")
            .expect("every namespace has lo");
        assert_eq!(index_of("lo").unwrap(), lo.index);
        assert_eq!(name_of(lo.index).as_deref(), Some("lo"));
        assert_eq!(
            names(std::slice::from_ref(&lo)).get(&lo.index),
            Some(&lo.name)
        );
    }

    #[test]
    fn unknown_interface() {
        assert_eq!(
            index_of("no-such-if0").unwrap_err().to_string(),
            "no-such-if0: no such network interface"
        );
        assert_eq!(name_of(u32::MAX), None);
    }
}
