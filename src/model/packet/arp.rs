//! ARP for IPv4 over Ethernet (RFC 826): decoding requests and replies, and building the
//! who-has requests, duplicate-address probes and gratuitous announcements `arping` sends.

use std::net::Ipv4Addr;

use serde::Serialize;

use crate::model::mac::{format_mac, vendor};

/// The length of an ARP packet for IPv4 over Ethernet.
pub const ARP_LEN: usize = 28;

/// What an ARP packet asks or answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArpOp {
    /// Who has the target IP?
    Request,
    /// The sender IP is at the sender MAC.
    Reply,
    /// Another operation code.
    Other,
}

/// An ARP packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Arp {
    /// Request or reply.
    pub op: ArpOp,
    /// The sender's MAC.
    pub sender_mac: String,
    /// The vendor of the sender's MAC.
    pub sender_vendor: Option<&'static str>,
    /// The sender's IPv4 address (0.0.0.0 in a duplicate-address probe).
    pub sender_ip: Ipv4Addr,
    /// The target's MAC (zero in a request).
    pub target_mac: String,
    /// The target's IPv4 address.
    pub target_ip: Ipv4Addr,
    #[serde(skip)]
    /// The sender's MAC as bytes.
    pub sender_bytes: [u8; 6],
}

/// Decode an ARP packet for IPv4 over Ethernet (the bytes after the link header).
#[must_use]
pub fn decode(bytes: &[u8]) -> Option<Arp> {
    if bytes.len() < ARP_LEN || bytes[0..2] != [0, 1] || bytes[2..4] != [8, 0] {
        return None;
    }
    if bytes[4] != 6 || bytes[5] != 4 {
        return None;
    }
    let op = match u16::from_be_bytes([bytes[6], bytes[7]]) {
        1 => ArpOp::Request,
        2 => ArpOp::Reply,
        _ => ArpOp::Other,
    };
    let mac = |at: usize| -> [u8; 6] { bytes[at..at + 6].try_into().unwrap_or([0; 6]) };
    let ip = |at: usize| Ipv4Addr::new(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
    let sender = mac(8);
    Some(Arp {
        op,
        sender_mac: format_mac(sender),
        sender_vendor: vendor(sender),
        sender_ip: ip(14),
        target_mac: format_mac(mac(18)),
        target_ip: ip(24),
        sender_bytes: sender,
    })
}

/// Build an ARP packet for IPv4 over Ethernet.
#[must_use]
pub fn build(
    op: ArpOp,
    sender_mac: [u8; 6],
    sender_ip: Ipv4Addr,
    target_mac: [u8; 6],
    target_ip: Ipv4Addr,
) -> [u8; ARP_LEN] {
    let mut b = [0u8; ARP_LEN];
    b[0..2].copy_from_slice(&1u16.to_be_bytes());
    b[2..4].copy_from_slice(&0x0800u16.to_be_bytes());
    b[4] = 6;
    b[5] = 4;
    let code: u16 = if op == ArpOp::Reply { 2 } else { 1 };
    b[6..8].copy_from_slice(&code.to_be_bytes());
    b[8..14].copy_from_slice(&sender_mac);
    b[14..18].copy_from_slice(&sender_ip.octets());
    b[18..24].copy_from_slice(&target_mac);
    b[24..28].copy_from_slice(&target_ip.octets());
    b
}

impl std::fmt::Display for Arp {
    /// As tcpdump: `Request who-has 10.0.0.2 tell 10.0.0.1`, `Reply 10.0.0.2 is-at MAC`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.op {
            ArpOp::Request => write!(
                f,
                "ARP, Request who-has {} tell {}",
                self.target_ip, self.sender_ip
            ),
            ArpOp::Reply => write!(f, "ARP, Reply {} is-at {}", self.sender_ip, self.sender_mac),
            ArpOp::Other => write!(f, "ARP, unknown operation"),
        }
    }
}
