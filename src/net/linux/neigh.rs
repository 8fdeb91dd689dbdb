//! The neighbour tables on Linux: ARP (IPv4) and NDP (IPv6) from rtnetlink neighbour dumps,
//! with each entry's cache state (REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE,
//! PERMANENT) as `ip neigh` prints it; /proc/net/arp has flags only, not the state.

use std::collections::HashMap;

use neli::consts::rtnl::{Nda, Nud, RtAddrFamily, Rtm, Rtn};
use neli::rtnl::{Ndmsg, NdmsgBuilder};

use super::netlink::{self, ip_of};
use crate::error::{Error, Result};
use crate::model::mac::MacInfo;
use crate::net::neigh::Neighbour;

/// The name of a neighbour (NUD) state.
fn nud_name(state: u16) -> &'static str {
    const NAMES: [(u16, &str); 8] = [
        (libc::NUD_PERMANENT, "PERMANENT"),
        (libc::NUD_REACHABLE, "REACHABLE"),
        (libc::NUD_STALE, "STALE"),
        (libc::NUD_DELAY, "DELAY"),
        (libc::NUD_PROBE, "PROBE"),
        (libc::NUD_FAILED, "FAILED"),
        (libc::NUD_INCOMPLETE, "INCOMPLETE"),
        (libc::NUD_NOARP, "NOARP"),
    ];
    NAMES
        .iter()
        .find(|(bit, _)| state & bit != 0)
        .map_or("NONE", |(_, name)| name)
}

/// The IPv4 neighbour (ARP) table.
pub fn arp(names: &HashMap<u32, String>) -> Result<Vec<Neighbour>> {
    dump(RtAddrFamily::Inet, "inet", "ARP neighbours", names)
}

/// The IPv6 neighbour (NDP) table.
pub fn ndp(names: &HashMap<u32, String>) -> Result<Vec<Neighbour>> {
    dump(RtAddrFamily::Inet6, "inet6", "IPv6 neighbours", names)
}

/// One family's neighbour table, without the NOARP entries the kernel keeps for multicast and
/// loopback.
fn dump(
    family: RtAddrFamily,
    family_name: &'static str,
    what: &str,
    names: &HashMap<u32, String>,
) -> Result<Vec<Neighbour>> {
    let request = NdmsgBuilder::default()
        .ndm_family(family)
        .ndm_index(0)
        .ndm_state(Nud::empty())
        .ndm_type(Rtn::Unspec)
        .build()
        .map_err(|e| Error::other(format!("netlink: cannot build a neighbour request: {e}")))?;
    let mut all = Vec::new();
    netlink::dump(what, Rtm::Getneigh, request, |msg: &Ndmsg| {
        let state = nud_name(msg.ndm_state().bits());
        if state == "NOARP" || state == "NONE" || *msg.ndm_family() != family {
            return;
        }
        let (mut address, mut mac) = (None, None);
        for attr in msg.rtattrs().iter() {
            let bytes: &[u8] = attr.rta_payload().as_ref();
            match *attr.rta_type() {
                Nda::Dst => address = ip_of(bytes),
                Nda::Lladdr => mac = <[u8; 6]>::try_from(bytes).ok().map(MacInfo::new),
                _ => {}
            }
        }
        let Some(address) = address else { return };
        let index = u32::try_from(*msg.ndm_index()).unwrap_or(0);
        all.push(Neighbour {
            family: family_name,
            address,
            mac,
            interface: names
                .get(&index)
                .cloned()
                .unwrap_or_else(|| index.to_string()),
            state,
        });
    })?;
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nud_names() {
        assert_eq!(nud_name(libc::NUD_REACHABLE), "REACHABLE");
        assert_eq!(nud_name(libc::NUD_STALE), "STALE");
        assert_eq!(nud_name(libc::NUD_PERMANENT), "PERMANENT");
        assert_eq!(nud_name(libc::NUD_FAILED), "FAILED");
        assert_eq!(nud_name(libc::NUD_INCOMPLETE), "INCOMPLETE");
        assert_eq!(nud_name(libc::NUD_DELAY), "DELAY");
        assert_eq!(nud_name(libc::NUD_PROBE), "PROBE");
        assert_eq!(nud_name(libc::NUD_NOARP), "NOARP");
        assert_eq!(nud_name(0), "NONE");
    }
}
