//! The network and transport layers: IPv4 and IPv6 headers, TCP (flags, sequence numbers,
//! window, options), UDP, and ICMP/ICMPv6 types and codes by name.

use std::net::IpAddr;

use pnet::packet::Packet as _;
use pnet::packet::icmp::IcmpPacket;
use pnet::packet::ipv4::Ipv4Packet;
use pnet::packet::ipv6::Ipv6Packet;
use pnet::packet::tcp::TcpPacket;
use pnet::packet::udp::UdpPacket;
use serde::Serialize;

use super::{Packet, dns, payload_preview};

/// An IPv4 or IPv6 header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IpHeader {
    /// 4 or 6.
    pub version: u8,
    /// The source address.
    pub src: IpAddr,
    /// The destination address.
    pub dst: IpAddr,
    /// The TTL (IPv4) or hop limit (IPv6).
    pub ttl: u8,
    /// The IPv4 identification (none in IPv6).
    pub id: Option<u16>,
    /// The IPv4 flags: `DF`, `MF`, both, or empty.
    pub flags: Vec<&'static str>,
    /// The IPv4 fragment offset in bytes.
    pub fragment_offset: u16,
    /// The type-of-service byte (IPv4) or traffic class (IPv6).
    pub tos: u8,
    /// The IPv6 flow label.
    pub flow_label: Option<u32>,
    /// The protocol number of what follows (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6).
    pub proto: u8,
    /// Its name (`TCP`, `UDP`, `ICMP`, `ICMPv6`).
    pub proto_name: String,
    /// The IPv4 total length, or the IPv6 payload length.
    pub length: u16,
}

/// One TCP option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TcpOption {
    /// Maximum segment size.
    Mss {
        /// The size in bytes.
        value: u16,
    },
    /// Window scale shift.
    Wscale {
        /// The shift count.
        shift: u8,
    },
    /// Selective acknowledgement permitted.
    SackOk,
    /// Selective acknowledgement blocks.
    Sack {
        /// The (left, right) edges.
        blocks: Vec<(u32, u32)>,
    },
    /// Timestamps.
    Timestamp {
        /// The sender's clock.
        val: u32,
        /// The echoed clock.
        ecr: u32,
    },
    /// No operation (padding).
    Nop,
    /// End of options.
    Eol,
    /// Another option.
    Other {
        /// The option number.
        number: u8,
    },
}

impl std::fmt::Display for TcpOption {
    /// As tcpdump prints options: `mss 1460`, `sackOK`, `TS val 1 ecr 0`, `nop`, `wscale 7`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mss { value } => write!(f, "mss {value}"),
            Self::Wscale { shift } => write!(f, "wscale {shift}"),
            Self::SackOk => f.write_str("sackOK"),
            Self::Sack { blocks } => {
                write!(f, "sack {}", blocks.len())?;
                for (l, r) in blocks {
                    write!(f, " {{{l}:{r}}}")?;
                }
                Ok(())
            }
            Self::Timestamp { val, ecr } => write!(f, "TS val {val} ecr {ecr}"),
            Self::Nop => f.write_str("nop"),
            Self::Eol => f.write_str("eol"),
            Self::Other { number } => write!(f, "opt-{number}"),
        }
    }
}

/// A TCP header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Tcp {
    /// The source port.
    pub src_port: u16,
    /// The destination port.
    pub dst_port: u16,
    /// The flags as tcpdump writes them: `S`, `S.`, `.`, `P.`, `F.`, `R`, `none`.
    pub flags: String,
    /// The sequence number (absolute).
    pub seq: u32,
    /// The acknowledgement number (absolute), when the ACK flag is set.
    pub ack: Option<u32>,
    /// The advertised window (unscaled).
    pub window: u16,
    /// The options.
    pub options: Vec<TcpOption>,
    /// Payload bytes.
    pub payload_len: usize,
    #[serde(skip)]
    pub(crate) raw_flags: u8,
}

/// TCP flag bits.
pub mod flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
    /// URG.
    pub const URG: u8 = 0x20;
    /// ECE.
    pub const ECE: u8 = 0x40;
    /// CWR.
    pub const CWR: u8 = 0x80;
}

impl Tcp {
    /// Whether every bit of `mask` is set.
    #[must_use]
    pub fn has(&self, mask: u8) -> bool {
        self.raw_flags & mask == mask
    }
}

/// tcpdump's flag string, in its order: F S R P . U E W.
#[must_use]
pub fn flag_text(bits: u8) -> String {
    let text: String = [
        (flags::FIN, 'F'),
        (flags::SYN, 'S'),
        (flags::RST, 'R'),
        (flags::PSH, 'P'),
        (flags::ACK, '.'),
        (flags::URG, 'U'),
        (flags::ECE, 'E'),
        (flags::CWR, 'W'),
    ]
    .iter()
    .filter(|(bit, _)| bits & bit != 0)
    .map(|(_, c)| *c)
    .collect();
    if text.is_empty() {
        "none".to_string()
    } else {
        text
    }
}

/// A UDP header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Udp {
    /// The source port.
    pub src_port: u16,
    /// The destination port.
    pub dst_port: u16,
    /// Payload bytes (the header's length field less its 8 bytes, as tcpdump prints it).
    pub payload_len: usize,
}

/// An ICMP or ICMPv6 message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Icmp {
    /// 4 (ICMP) or 6 (ICMPv6).
    pub version: u8,
    /// The type.
    #[serde(rename = "type")]
    pub kind: u8,
    /// The code.
    pub code: u8,
    /// The type (and code) by name, as tcpdump writes it: `echo request`, `port unreachable`.
    pub name: String,
    /// The echo identifier.
    pub id: Option<u16>,
    /// The echo sequence number.
    pub seq: Option<u16>,
    /// The message's length in bytes.
    pub length: usize,
}

/// The name of an IP protocol number.
#[must_use]
pub fn proto_name(proto: u8) -> String {
    match proto {
        1 => "ICMP".to_string(),
        2 => "IGMP".to_string(),
        6 => "TCP".to_string(),
        17 => "UDP".to_string(),
        58 => "ICMPv6".to_string(),
        132 => "SCTP".to_string(),
        other => format!("proto-{other}"),
    }
}

/// The name of an ICMP type and code.
#[must_use]
pub fn icmp_name(kind: u8, code: u8) -> String {
    let name = match (kind, code) {
        (0, _) => "echo reply",
        (3, 0) => "net unreachable",
        (3, 1) => "host unreachable",
        (3, 2) => "protocol unreachable",
        (3, 3) => "port unreachable",
        (3, 4) => "fragmentation needed",
        (3, 13) => "administratively prohibited",
        (3, _) => "destination unreachable",
        (4, _) => "source quench",
        (5, _) => "redirect",
        (8, _) => "echo request",
        (11, 0) => "time exceeded in-transit",
        (11, _) => "time exceeded in-reassembly",
        (12, _) => "parameter problem",
        (13, _) => "time stamp request",
        (14, _) => "time stamp reply",
        _ => return format!("type-#{kind}"),
    };
    name.to_string()
}

/// The name of an ICMPv6 type and code.
#[must_use]
pub fn icmpv6_name(kind: u8, code: u8) -> String {
    let name = match (kind, code) {
        (1, 0) => "no route to destination",
        (1, 1) => "administratively prohibited",
        (1, 3) => "address unreachable",
        (1, 4) => "port unreachable",
        (1, _) => "destination unreachable",
        (2, _) => "packet too big",
        (3, _) => "time exceeded",
        (4, _) => "parameter problem",
        (128, _) => "echo request",
        (129, _) => "echo reply",
        (130, _) => "multicast listener query",
        (131, _) => "multicast listener report",
        (133, _) => "router solicitation",
        (134, _) => "router advertisement",
        (135, _) => "neighbor solicitation",
        (136, _) => "neighbor advertisement",
        (137, _) => "redirect",
        (143, _) => "multicast listener report v2",
        _ => return format!("type-#{kind}"),
    };
    name.to_string()
}

/// Decode an IP packet (and what it carries) into `packet`.
pub(super) fn decode(bytes: &[u8], v6: bool, packet: &mut Packet) {
    let (header, payload) = if v6 {
        match decode_v6(bytes) {
            Some(parts) => parts,
            None => {
                packet.error = Some("truncated IPv6 header".to_string());
                return;
            }
        }
    } else {
        match decode_v4(bytes) {
            Some(parts) => parts,
            None => {
                packet.error = Some("truncated IPv4 header".to_string());
                return;
            }
        }
    };
    let proto = header.proto;
    let first_fragment = header.fragment_offset == 0;
    packet.ip = Some(header);
    if !first_fragment {
        return;
    }
    match proto {
        6 => decode_tcp(&payload, packet),
        17 => decode_udp(&payload, packet),
        1 | 58 => decode_icmp(&payload, proto == 58, packet),
        _ => {}
    }
}

fn decode_v4(bytes: &[u8]) -> Option<(IpHeader, Vec<u8>)> {
    let ip = Ipv4Packet::new(bytes)?;
    let header_len = usize::from(ip.get_header_length()) * 4;
    if ip.get_version() != 4 || header_len < 20 || bytes.len() < header_len {
        return None;
    }
    let total = usize::from(ip.get_total_length()).clamp(header_len, bytes.len());
    let mut flags = Vec::new();
    if ip.get_flags() & 0b010 != 0 {
        flags.push("DF");
    }
    if ip.get_flags() & 0b001 != 0 {
        flags.push("MF");
    }
    let proto = ip.get_next_level_protocol().0;
    let header = IpHeader {
        version: 4,
        src: IpAddr::V4(ip.get_source()),
        dst: IpAddr::V4(ip.get_destination()),
        ttl: ip.get_ttl(),
        id: Some(ip.get_identification()),
        flags,
        fragment_offset: ip.get_fragment_offset() * 8,
        tos: (ip.get_dscp() << 2) | ip.get_ecn(),
        flow_label: None,
        proto,
        proto_name: proto_name(proto),
        length: ip.get_total_length(),
    };
    Some((header, bytes[header_len..total].to_vec()))
}

fn decode_v6(bytes: &[u8]) -> Option<(IpHeader, Vec<u8>)> {
    let ip = Ipv6Packet::new(bytes)?;
    if ip.get_version() != 6 {
        return None;
    }
    let end = (40 + usize::from(ip.get_payload_length())).min(bytes.len());
    // Skip extension headers (hop-by-hop, routing, destination options) to the transport;
    // a fragment header ends the walk (only the first fragment carries the transport header).
    let (mut proto, mut at) = (ip.get_next_header().0, 40);
    while matches!(proto, 0 | 43 | 60) {
        let (Some(&next), Some(&len)) = (bytes.get(at), bytes.get(at + 1)) else {
            return None;
        };
        proto = next;
        at += (usize::from(len) + 1) * 8;
    }
    if at > end {
        return None;
    }
    let header = IpHeader {
        version: 6,
        src: IpAddr::V6(ip.get_source()),
        dst: IpAddr::V6(ip.get_destination()),
        ttl: ip.get_hop_limit(),
        id: None,
        flags: Vec::new(),
        fragment_offset: 0,
        tos: ip.get_traffic_class(),
        flow_label: Some(ip.get_flow_label()),
        proto,
        proto_name: proto_name(proto),
        length: ip.get_payload_length(),
    };
    Some((header, bytes[at..end].to_vec()))
}

/// Parse TCP options from the bytes between the fixed header and the data.
#[must_use]
pub fn parse_tcp_options(mut raw: &[u8]) -> Vec<TcpOption> {
    let mut options = Vec::new();
    while let Some(&kind) = raw.first() {
        match kind {
            0 => {
                options.push(TcpOption::Eol);
                break;
            }
            1 => {
                options.push(TcpOption::Nop);
                raw = &raw[1..];
                continue;
            }
            _ => {}
        }
        let Some(&len) = raw.get(1) else { break };
        let len = usize::from(len);
        if len < 2 || raw.len() < len {
            break;
        }
        let data = &raw[2..len];
        let be32 =
            |at: usize| u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
        options.push(match (kind, data.len()) {
            (2, 2) => TcpOption::Mss {
                value: u16::from_be_bytes([data[0], data[1]]),
            },
            (3, 1) => TcpOption::Wscale { shift: data[0] },
            (4, 0) => TcpOption::SackOk,
            (5, n) if n % 8 == 0 => TcpOption::Sack {
                blocks: (0..n / 8).map(|i| (be32(i * 8), be32(i * 8 + 4))).collect(),
            },
            (8, 8) => TcpOption::Timestamp {
                val: be32(0),
                ecr: be32(4),
            },
            _ => TcpOption::Other { number: kind },
        });
        raw = &raw[len..];
    }
    options
}

fn decode_tcp(bytes: &[u8], packet: &mut Packet) {
    let Some(tcp) = TcpPacket::new(bytes) else {
        packet.error = Some("truncated TCP header".to_string());
        return;
    };
    let offset = usize::from(tcp.get_data_offset()) * 4;
    if offset < 20 || bytes.len() < offset {
        packet.error = Some("truncated TCP header".to_string());
        return;
    }
    let bits = tcp.get_flags();
    let payload = &bytes[offset..];
    let (src_port, dst_port) = (tcp.get_source(), tcp.get_destination());
    packet.tcp = Some(Tcp {
        src_port,
        dst_port,
        flags: flag_text(bits),
        seq: tcp.get_sequence(),
        ack: (bits & flags::ACK != 0).then(|| tcp.get_acknowledgement()),
        window: tcp.get_window(),
        options: parse_tcp_options(&bytes[20..offset]),
        payload_len: payload.len(),
        raw_flags: bits,
    });
    application(src_port, dst_port, payload, true, packet);
}

fn decode_udp(bytes: &[u8], packet: &mut Packet) {
    let Some(udp) = UdpPacket::new(bytes) else {
        packet.error = Some("truncated UDP header".to_string());
        return;
    };
    let (src_port, dst_port) = (udp.get_source(), udp.get_destination());
    let declared = usize::from(udp.get_length()).saturating_sub(8);
    packet.udp = Some(Udp {
        src_port,
        dst_port,
        payload_len: declared,
    });
    let payload = udp.payload();
    let payload = &payload[..payload.len().min(declared)];
    application(src_port, dst_port, payload, false, packet);
}

/// The application layer: DNS on its ports, otherwise the first bytes as text.
fn application(src: u16, dst: u16, payload: &[u8], tcp: bool, packet: &mut Packet) {
    if payload.is_empty() {
        return;
    }
    if [53, 5353].contains(&src) || [53, 5353].contains(&dst) {
        // DNS over TCP puts a two-byte length before each message.
        let message = if tcp {
            payload.get(2..).unwrap_or_default()
        } else {
            payload
        };
        if let Some(summary) = dns::summarize(message) {
            packet.dns = Some(summary);
            return;
        }
    }
    packet.payload_text = payload_preview(payload);
}

fn decode_icmp(bytes: &[u8], v6: bool, packet: &mut Packet) {
    let Some(icmp) = IcmpPacket::new(bytes) else {
        packet.error = Some("truncated ICMP header".to_string());
        return;
    };
    let (kind, code) = (icmp.get_icmp_type().0, icmp.get_icmp_code().0);
    let echo = if v6 {
        kind == 128 || kind == 129
    } else {
        kind == 0 || kind == 8
    };
    let word = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    packet.icmp = Some(Icmp {
        version: if v6 { 6 } else { 4 },
        kind,
        code,
        name: if v6 {
            icmpv6_name(kind, code)
        } else {
            icmp_name(kind, code)
        },
        id: if echo { word(4) } else { None },
        seq: if echo { word(6) } else { None },
        length: bytes.len(),
    });
}
