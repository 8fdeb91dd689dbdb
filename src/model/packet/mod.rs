//! Frames decoded layer by layer, as a course draws them: link (Ethernet, the loopback
//! pseudo-header, Linux cooked capture), network (IPv4, IPv6, ARP), transport (TCP, UDP,
//! ICMP/ICMPv6) and, where it is cheap, application (a DNS summary, the first bytes as text).
//! Pure: bytes in, a [`Packet`] out; nothing here reads a socket. Header fields are read with
//! `pnet_packet`; what a field means is decided here.
//!
//! Start with [`decode`]; [`flow::FlowTracker`] narrates TCP handshakes and closes over a stream
//! of decoded packets.

pub mod arp;
pub mod dns;
pub mod flow;
pub mod ip;

use pnet::packet::ethernet::EthernetPacket;
use serde::Serialize;

pub use arp::Arp;
pub use dns::DnsSummary;
pub use ip::{Icmp, IpHeader, Tcp, TcpOption, Udp};

use crate::model::mac::{format_mac, vendor};

/// How a capture's frames begin (the pcap link types nettool reads and writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkType {
    /// Ethernet II (pcap 1); Linux loopback frames too, with zero MACs.
    Ethernet,
    /// The BSD loopback pseudo-header: the address family in host byte order (pcap 0).
    Null,
    /// The same with the family in network byte order (pcap 108, OpenBSD).
    Loop,
    /// Linux cooked capture: a 16-byte pseudo-header (pcap 113, `tcpdump -i any`).
    LinuxSll,
    /// A bare IP packet (pcap 101).
    Raw,
}

impl LinkType {
    /// The pcap link-type number.
    #[must_use]
    pub fn pcap_number(self) -> u32 {
        match self {
            Self::Ethernet => 1,
            Self::Null => 0,
            Self::Loop => 108,
            Self::LinuxSll => 113,
            Self::Raw => 101,
        }
    }

    /// The link type for a pcap number, when nettool decodes it.
    #[must_use]
    pub fn from_pcap(number: u32) -> Option<Self> {
        [
            Self::Ethernet,
            Self::Null,
            Self::Loop,
            Self::LinuxSll,
            Self::Raw,
        ]
        .into_iter()
        .find(|t| t.pcap_number() == number)
    }
}

/// The link layer of one frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Link {
    /// `ethernet`, `loopback` (BSD pseudo-header) or `cooked` (Linux).
    pub kind: &'static str,
    /// The source MAC (`aa:bb:cc:dd:ee:ff`), when the header has one.
    pub src_mac: Option<String>,
    /// The destination MAC, when the header has one.
    pub dst_mac: Option<String>,
    /// The vendor of the source MAC's OUI.
    pub src_vendor: Option<&'static str>,
    /// The vendor of the destination MAC's OUI.
    pub dst_vendor: Option<&'static str>,
    /// The EtherType (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP), or the protocol the pseudo-header
    /// names in the same numbers.
    pub ethertype: u16,
    /// `IPv4`, `IPv6`, `ARP`, or `0x....`.
    pub ethertype_name: String,
    /// Linux cooked capture: which way the frame went (`In`, `Out`, `B`, `M`, `P`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<&'static str>,
}

/// Everything decoded from one frame.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Packet {
    /// Bytes on the wire.
    pub length: usize,
    /// The link layer.
    pub link: Option<Link>,
    /// ARP.
    pub arp: Option<Arp>,
    /// IPv4 or IPv6.
    pub ip: Option<IpHeader>,
    /// TCP.
    pub tcp: Option<Tcp>,
    /// UDP.
    pub udp: Option<Udp>,
    /// ICMP or ICMPv6.
    pub icmp: Option<Icmp>,
    /// DNS (UDP or TCP port 53, 5353 mDNS).
    pub dns: Option<DnsSummary>,
    /// The first bytes of the transport payload as text, control characters escaped.
    pub payload_text: Option<String>,
    /// What could not be decoded (`truncated IPv4 header`).
    pub error: Option<String>,
}

/// The name of an EtherType.
#[must_use]
pub fn ethertype_name(ethertype: u16) -> String {
    match ethertype {
        0x0800 => "IPv4".to_string(),
        0x86dd => "IPv6".to_string(),
        0x0806 => "ARP".to_string(),
        0x8100 => "802.1Q".to_string(),
        other => format!("0x{other:04x}"),
    }
}

fn mac_text(bytes: &[u8]) -> Option<([u8; 6], String)> {
    let mac: [u8; 6] = bytes.get(..6)?.try_into().ok()?;
    Some((mac, format_mac(mac)))
}

/// Decode one frame of link type `link`; `length` is its length on the wire.
#[must_use]
pub fn decode(link: LinkType, frame: &[u8], length: usize) -> Packet {
    let mut packet = Packet {
        length,
        ..Packet::default()
    };
    let (link_layer, ethertype, rest) = match split_link(link, frame) {
        Ok(parts) => parts,
        Err(error) => {
            packet.error = Some(error);
            return packet;
        }
    };
    packet.link = link_layer;
    match ethertype {
        0x0806 => match arp::decode(rest) {
            Some(a) => packet.arp = Some(a),
            None => packet.error = Some("truncated ARP packet".to_string()),
        },
        0x0800 | 0x86dd => ip::decode(rest, ethertype == 0x86dd, &mut packet),
        _ => {}
    }
    packet
}

/// The link header, the EtherType of what follows and the rest of the frame.
fn split_link(link: LinkType, frame: &[u8]) -> Result<(Option<Link>, u16, &[u8]), String> {
    match link {
        LinkType::Ethernet => {
            let eth = EthernetPacket::new(frame).ok_or("truncated Ethernet header")?;
            let (dst, dst_text) = mac_text(frame).ok_or("truncated Ethernet header")?;
            let (src, src_text) = mac_text(&frame[6..]).ok_or("truncated Ethernet header")?;
            let ethertype = eth.get_ethertype().0;
            let link = Link {
                kind: "ethernet",
                src_mac: Some(src_text),
                dst_mac: Some(dst_text),
                src_vendor: vendor(src),
                dst_vendor: vendor(dst),
                ethertype,
                ethertype_name: ethertype_name(ethertype),
                direction: None,
            };
            Ok((Some(link), ethertype, &frame[14..]))
        }
        LinkType::Null | LinkType::Loop => {
            let word: [u8; 4] = frame
                .get(..4)
                .and_then(|b| b.try_into().ok())
                .ok_or("truncated loopback header")?;
            // Written in the capturing host's byte order: accept either.
            let family = if link == LinkType::Loop {
                u32::from_be_bytes(word)
            } else if u32::from_le_bytes(word) < 0x100 {
                u32::from_le_bytes(word)
            } else {
                u32::from_be_bytes(word)
            };
            // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24, 28 or 30 (the BSDs).
            let ethertype = match family {
                2 => 0x0800,
                10 | 24 | 28 | 30 => 0x86dd,
                _ => 0,
            };
            let link = Link {
                kind: "loopback",
                src_mac: None,
                dst_mac: None,
                src_vendor: None,
                dst_vendor: None,
                ethertype,
                ethertype_name: ethertype_name(ethertype),
                direction: None,
            };
            Ok((Some(link), ethertype, &frame[4..]))
        }
        LinkType::LinuxSll => {
            if frame.len() < 16 {
                return Err("truncated Linux cooked header".to_string());
            }
            let pkttype = u16::from_be_bytes([frame[0], frame[1]]);
            let halen = usize::from(u16::from_be_bytes([frame[4], frame[5]]));
            let ethertype = u16::from_be_bytes([frame[14], frame[15]]);
            let src = (halen == 6).then(|| mac_text(&frame[6..12])).flatten();
            let link = Link {
                kind: "cooked",
                src_vendor: src.as_ref().and_then(|(m, _)| vendor(*m)),
                src_mac: src.map(|(_, t)| t),
                dst_mac: None,
                dst_vendor: None,
                ethertype,
                ethertype_name: ethertype_name(ethertype),
                direction: Some(direction_name(pkttype)),
            };
            Ok((Some(link), ethertype, &frame[16..]))
        }
        LinkType::Raw => {
            let ethertype = match frame.first().map(|b| b >> 4) {
                Some(4) => 0x0800,
                Some(6) => 0x86dd,
                _ => return Err("not an IP packet".to_string()),
            };
            Ok((None, ethertype, frame))
        }
    }
}

/// How tcpdump names a Linux packet type (`sll_pkttype`).
#[must_use]
pub fn direction_name(pkttype: u16) -> &'static str {
    match pkttype {
        0 => "In",
        1 => "B",
        2 => "M",
        3 => "P",
        4 => "Out",
        _ => "?",
    }
}

impl Packet {
    /// The transport's source and destination ports, when it has ports.
    #[must_use]
    pub fn ports(&self) -> Option<(u16, u16)> {
        self.tcp
            .as_ref()
            .map(|t| (t.src_port, t.dst_port))
            .or_else(|| self.udp.as_ref().map(|u| (u.src_port, u.dst_port)))
    }

    /// The protocol's short name: `tcp`, `udp`, `icmp`, `arp`, or `other`.
    #[must_use]
    pub fn proto_name(&self) -> &'static str {
        if self.tcp.is_some() {
            "tcp"
        } else if self.udp.is_some() {
            "udp"
        } else if self.icmp.is_some() {
            "icmp"
        } else if self.arp.is_some() {
            "arp"
        } else {
            "other"
        }
    }

    /// Whether `addr` is the packet's IP source or destination, or an ARP sender or target.
    #[must_use]
    pub fn involves(&self, addr: std::net::IpAddr) -> bool {
        self.ip
            .as_ref()
            .is_some_and(|ip| ip.src == addr || ip.dst == addr)
            || self.arp.as_ref().is_some_and(|a| {
                std::net::IpAddr::V4(a.sender_ip) == addr
                    || std::net::IpAddr::V4(a.target_ip) == addr
            })
    }
}

/// The payload's first bytes as text, for the application layer of an unknown protocol.
pub(crate) fn payload_preview(payload: &[u8]) -> Option<String> {
    if payload.is_empty() {
        return None;
    }
    let head = &payload[..payload.len().min(32)];
    Some(crate::model::sanitize::escape_bytes(head))
}

#[cfg(test)]
mod tests;
