//! The neighbour tables: which addresses on a local link resolved to which MAC, ARP (IPv4)
//! first, then NDP (IPv6), as the operating system keeps them ([`crate::net::linux::neigh`] on
//! Linux).

use std::collections::HashMap;
use std::net::IpAddr;

use serde::Serialize;

use super::os;
use crate::error::Result;
use crate::model::mac::MacInfo;

/// One neighbour: an address on a local link and the MAC it resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Neighbour {
    /// `inet` (ARP) or `inet6` (NDP).
    pub family: &'static str,
    /// The neighbour's IP address.
    pub address: IpAddr,
    /// Its MAC, bits and vendor; none while resolution is incomplete or failed.
    pub mac: Option<MacInfo>,
    /// The interface it was seen on.
    pub interface: String,
    /// The cache state as `ip neigh` prints it: `REACHABLE`, `STALE`, `DELAY`, `PROBE`,
    /// `FAILED`, `INCOMPLETE` or `PERMANENT`.
    pub state: &'static str,
}

/// Both neighbour tables, ARP then NDP, with interface names from `names`.
pub fn neighbours(names: &HashMap<u32, String>) -> Result<Vec<Neighbour>> {
    let mut all = os::neigh::arp(names)?;
    all.extend(os::neigh::ndp(names)?);
    Ok(all)
}
