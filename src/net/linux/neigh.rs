//! The neighbour tables on Linux: ARP (IPv4) from /proc/net/arp, NDP (IPv6) from an rtnetlink
//! neighbour dump (the kernel has no /proc file for it). /proc/net/arp gives flags, not the
//! cache state, so a resolved ARP entry reads `complete`.

use std::collections::HashMap;

use neli::consts::rtnl::{Nda, Nud, RtAddrFamily, Rtm, Rtn};
use neli::rtnl::{Ndmsg, NdmsgBuilder};

use super::netlink::{self, ip_of};
use crate::error::{Error, Result};
use crate::model::mac::MacInfo;
use crate::net::neigh::Neighbour;

/// ARP flags of /proc/net/arp (`ATF_COM`, `ATF_PERM`).
const ATF_COM: u32 = 0x02;
const ATF_PERM: u32 = 0x04;

/// Parse the text of /proc/net/arp.
fn parse_proc_arp(text: &str) -> Vec<Neighbour> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let [ip, _hw_type, flags, mac, _mask, dev] = cols.as_slice() else {
                return None;
            };
            let flags = u32::from_str_radix(flags.trim_start_matches("0x"), 16).ok()?;
            let state = if flags & ATF_PERM != 0 {
                "permanent"
            } else if flags & ATF_COM != 0 {
                "complete"
            } else {
                "incomplete"
            };
            let mac = MacInfo::parse(mac).filter(|m| m.address != "00:00:00:00:00:00");
            Some(Neighbour {
                family: "inet",
                address: ip.parse().ok()?,
                mac,
                interface: (*dev).to_string(),
                state,
            })
        })
        .collect()
}

/// The name of a neighbour (NUD) state.
fn nud_name(state: u16) -> &'static str {
    const NAMES: [(u16, &str); 8] = [
        (libc::NUD_PERMANENT, "permanent"),
        (libc::NUD_REACHABLE, "reachable"),
        (libc::NUD_STALE, "stale"),
        (libc::NUD_DELAY, "delay"),
        (libc::NUD_PROBE, "probe"),
        (libc::NUD_FAILED, "failed"),
        (libc::NUD_INCOMPLETE, "incomplete"),
        (libc::NUD_NOARP, "noarp"),
    ];
    NAMES
        .iter()
        .find(|(bit, _)| state & bit != 0)
        .map_or("none", |(_, name)| name)
}

/// The IPv6 neighbour (NDP) table, without the `noarp` entries the kernel keeps for multicast.
pub fn ndp(names: &HashMap<u32, String>) -> Result<Vec<Neighbour>> {
    let request = NdmsgBuilder::default()
        .ndm_family(RtAddrFamily::Inet6)
        .ndm_index(0)
        .ndm_state(Nud::empty())
        .ndm_type(Rtn::Unspec)
        .build()
        .map_err(|e| Error::other(format!("netlink: cannot build a neighbour request: {e}")))?;
    let mut all = Vec::new();
    netlink::dump("IPv6 neighbours", Rtm::Getneigh, request, |msg: &Ndmsg| {
        let state = nud_name(msg.ndm_state().bits());
        if state == "noarp" || state == "none" || *msg.ndm_family() != RtAddrFamily::Inet6 {
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
            family: "inet6",
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

/// The ARP table of this namespace (/proc/net/arp).
pub fn arp() -> Result<Vec<Neighbour>> {
    let text =
        std::fs::read_to_string("/proc/net/arp").map_err(|e| Error::io("read /proc/net/arp", e))?;
    Ok(parse_proc_arp(&text))
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    const ARP: &str =
        "IP address       HW type     Flags       HW address            Mask     Device
192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
10.9.0.7         0x1         0x0         00:00:00:00:00:00     *        veth0
10.9.0.8         0x1         0x6         00:50:56:aa:bb:cc     *        veth0
garbage line
";

    #[test]
    fn proc_arp_rows() {
        let rows = parse_proc_arp(ARP);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].address, "192.0.2.1".parse::<IpAddr>().unwrap());
        assert_eq!(rows[0].mac.as_ref().unwrap().address, "02:fc:00:00:00:05");
        assert_eq!(rows[0].interface, "eth0");
        assert_eq!(rows[0].state, "complete");
        assert_eq!(rows[1].state, "incomplete");
        assert!(rows[1].mac.is_none());
        assert_eq!(rows[2].state, "permanent");
        assert_eq!(rows[2].family, "inet");
    }

    #[test]
    fn proc_arp_empty_table() {
        assert!(parse_proc_arp("IP address HW type Flags HW address Mask Device\n").is_empty());
        assert!(parse_proc_arp("").is_empty());
    }

    #[test]
    fn nud_names() {
        assert_eq!(nud_name(libc::NUD_REACHABLE), "reachable");
        assert_eq!(nud_name(libc::NUD_STALE), "stale");
        assert_eq!(nud_name(libc::NUD_NOARP), "noarp");
        assert_eq!(nud_name(0), "none");
    }
}
