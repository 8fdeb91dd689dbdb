//! TCP segments as a SYN scan writes and reads them: the SYN it sends (with the checksum over
//! the IPv4 or IPv6 pseudo-header), the SYN-ACK or RST that comes back, and the start of our
//! SYN as an ICMP error quotes it. Bytes in, values out; no sockets.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// TCP flag bits.
pub const FIN: u8 = 0x01;
/// SYN.
pub const SYN: u8 = 0x02;
/// RST.
pub const RST: u8 = 0x04;
/// ACK.
pub const ACK: u8 = 0x10;

/// The TCP fields a scan looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The sender's address.
    pub src: IpAddr,
    /// The sender's port.
    pub sport: u16,
    /// The receiver's port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// Flag bits.
    pub flags: u8,
}

/// The part of a probe an ICMP error quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted {
    /// ICMP type.
    pub kind: u8,
    /// ICMP code.
    pub code: u8,
    /// The probe's destination.
    pub dst: IpAddr,
    /// The probe's source port.
    pub sport: u16,
    /// The probe's destination port.
    pub dport: u16,
    /// The probe's sequence number.
    pub seq: u32,
}

/// A SYN from `src:sport` to `dst:dport` with sequence number `seq`, with an MSS option of
/// 1460 (a bare SYN without options is what some filters flag as a scan), checksum filled in.
#[must_use]
pub fn syn(src: IpAddr, dst: IpAddr, sport: u16, dport: u16, seq: u32) -> [u8; 24] {
    let mut s = [0u8; 24];
    s[0..2].copy_from_slice(&sport.to_be_bytes());
    s[2..4].copy_from_slice(&dport.to_be_bytes());
    s[4..8].copy_from_slice(&seq.to_be_bytes());
    s[12] = 6 << 4; // six 32-bit words of header
    s[13] = SYN;
    s[14..16].copy_from_slice(&1024u16.to_be_bytes()); // window
    s[20..24].copy_from_slice(&[2, 4, 0x05, 0xb4]); // MSS 1460
    let sum = checksum(src, dst, &s);
    s[16..18].copy_from_slice(&sum.to_be_bytes());
    s
}

/// The Internet checksum of a TCP segment with its pseudo-header.
#[must_use]
pub fn checksum(src: IpAddr, dst: IpAddr, segment: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    let mut add = |bytes: &[u8]| {
        for pair in bytes.chunks(2) {
            let hi = u64::from(pair[0]) << 8;
            sum += hi | pair.get(1).map_or(0, |b| u64::from(*b));
        }
    };
    match (src, dst) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            add(&a.octets());
            add(&b.octets());
        }
        _ => {
            add(&v6(src).octets());
            add(&v6(dst).octets());
        }
    }
    let len = u32::try_from(segment.len()).unwrap_or(u32::MAX);
    add(&[0, 6]);
    add(&len.to_be_bytes());
    add(segment);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    // The loop above folded the sum into 16 bits.
    !u16::try_from(sum).unwrap_or(0xffff)
}

fn v6(addr: IpAddr) -> Ipv6Addr {
    match addr {
        IpAddr::V4(a) => a.to_ipv6_mapped(),
        IpAddr::V6(a) => a,
    }
}

/// A TCP segment that starts at `bytes`, sent by `src`.
#[must_use]
pub fn parse_tcp(bytes: &[u8], src: IpAddr) -> Option<Segment> {
    if bytes.len() < 20 {
        return None;
    }
    let word = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Some(Segment {
        src,
        sport: u16::from_be_bytes([bytes[0], bytes[1]]),
        dport: u16::from_be_bytes([bytes[2], bytes[3]]),
        seq: word(4),
        ack: word(8),
        flags: bytes[13],
    })
}

/// An IPv4 packet carrying TCP, as a raw IPv4 TCP socket delivers it (IP header first).
#[must_use]
pub fn parse_v4_tcp(packet: &[u8]) -> Option<Segment> {
    let (src, _dst, proto, payload) = ipv4(packet)?;
    if proto != 6 {
        return None;
    }
    parse_tcp(payload, IpAddr::V4(src))
}

fn ipv4(packet: &[u8]) -> Option<(Ipv4Addr, Ipv4Addr, u8, &[u8])> {
    if packet.len() < 20 || packet[0] >> 4 != 4 {
        return None;
    }
    let ihl = usize::from(packet[0] & 0x0f) * 4;
    if ihl < 20 || packet.len() < ihl {
        return None;
    }
    let src = Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]);
    let dst = Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]);
    Some((src, dst, packet[9], &packet[ihl..]))
}

/// An ICMPv4 error about a TCP segment, as a raw ICMP socket delivers it (IP header first):
/// the error's type and code and the quoted segment's addresses, ports and sequence number.
#[must_use]
pub fn parse_icmp_v4(packet: &[u8]) -> Option<Quoted> {
    let (_, _, proto, icmp) = ipv4(packet)?;
    if proto != 1 || icmp.len() < 8 || !matches!(icmp[0], 3 | 11) {
        return None;
    }
    let (_, dst, inner_proto, tcp) = ipv4(&icmp[8..])?;
    quoted(icmp[0], icmp[1], inner_proto, IpAddr::V4(dst), tcp)
}

/// An ICMPv6 error about a TCP segment, as a raw ICMPv6 socket delivers it (no IPv6 header).
#[must_use]
pub fn parse_icmp_v6(icmp: &[u8]) -> Option<Quoted> {
    if icmp.len() < 8 + 40 || !matches!(icmp[0], 1 | 3) {
        return None;
    }
    let inner = &icmp[8..];
    if inner[0] >> 4 != 6 {
        return None;
    }
    let mut dst = [0u8; 16];
    dst.copy_from_slice(&inner[24..40]);
    quoted(
        icmp[0],
        icmp[1],
        inner[6],
        IpAddr::V6(Ipv6Addr::from(dst)),
        &inner[40..],
    )
}

fn quoted(kind: u8, code: u8, proto: u8, dst: IpAddr, tcp: &[u8]) -> Option<Quoted> {
    if proto != 6 || tcp.len() < 8 {
        return None;
    }
    Some(Quoted {
        kind,
        code,
        dst,
        sport: u16::from_be_bytes([tcp[0], tcp[1]]),
        dport: u16::from_be_bytes([tcp[2], tcp[3]]),
        seq: u32::from_be_bytes([tcp[4], tcp[5], tcp[6], tcp[7]]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(t: &str) -> IpAddr {
        t.parse().unwrap()
    }

    fn ipv4_header(proto: u8, src: [u8; 4], dst: [u8; 4], len: usize) -> Vec<u8> {
        let total = u16::try_from(20 + len).unwrap().to_be_bytes();
        let mut h = vec![0x45, 0, total[0], total[1], 0, 0, 0, 0, 64, proto, 0, 0];
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    }

    #[test]
    fn syn_layout_and_checksum_verify() {
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        let s = syn(a, b, 40000, 22, 0x0102_0304);
        assert_eq!(&s[0..4], &[0x9c, 0x40, 0, 22]);
        assert_eq!(&s[4..8], &[1, 2, 3, 4]);
        assert_eq!((s[12], s[13]), (0x60, SYN));
        // A segment with its checksum in place sums to zero.
        assert_eq!(checksum(a, b, &s), 0);
        let s6 = syn(ip("fd00::1"), ip("fd00::2"), 1, 2, 3);
        assert_eq!(checksum(ip("fd00::1"), ip("fd00::2"), &s6), 0);
        assert_ne!(checksum(ip("fd00::1"), ip("fd00::3"), &s6), 0);
    }

    #[test]
    fn checksum_of_a_known_segment() {
        // A SYN-ACK captured on loopback: 127.0.0.1:22 -> 127.0.0.1:51234.
        let seg: [u8; 20] = [
            0x00, 0x16, 0xc8, 0x22, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x50, 0x12,
            0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
        ];
        let sum = checksum(ip("127.0.0.1"), ip("127.0.0.1"), &seg);
        let mut with = seg;
        with[16..18].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(checksum(ip("127.0.0.1"), ip("127.0.0.1"), &with), 0);
    }

    #[test]
    fn reads_a_syn_ack_from_a_raw_v4_packet() {
        let mut tcp = vec![
            0,
            80,
            0x9c,
            0x40,
            0,
            0,
            0,
            9,
            1,
            2,
            3,
            5,
            0x50,
            SYN | ACK,
            0,
            0,
        ];
        tcp.extend_from_slice(&[0; 4]);
        let mut packet = ipv4_header(6, [10, 0, 0, 2], [10, 0, 0, 1], tcp.len());
        packet.extend_from_slice(&tcp);
        let seg = parse_v4_tcp(&packet).unwrap();
        assert_eq!(
            seg,
            Segment {
                src: ip("10.0.0.2"),
                sport: 80,
                dport: 40000,
                seq: 9,
                ack: 0x0102_0305,
                flags: SYN | ACK
            }
        );
        assert_eq!(parse_v4_tcp(&packet[..30]), None);
        packet[9] = 17;
        assert_eq!(parse_v4_tcp(&packet), None);
    }

    #[test]
    fn reads_the_probe_an_icmp_error_quotes() {
        let probe = syn(ip("10.0.0.1"), ip("10.0.9.9"), 40000, 443, 77);
        let inner = ipv4_header(6, [10, 0, 0, 1], [10, 0, 9, 9], probe.len());
        let mut icmp = vec![3, 13, 0, 0, 0, 0, 0, 0];
        icmp.extend_from_slice(&inner);
        icmp.extend_from_slice(&probe[..8]);
        let mut packet = ipv4_header(1, [10, 0, 0, 254], [10, 0, 0, 1], icmp.len());
        packet.extend_from_slice(&icmp);
        assert_eq!(
            parse_icmp_v4(&packet),
            Some(Quoted {
                kind: 3,
                code: 13,
                dst: ip("10.0.9.9"),
                sport: 40000,
                dport: 443,
                seq: 77
            })
        );
        // An echo reply is no error.
        let mut echo = packet.clone();
        echo[20] = 0;
        assert_eq!(parse_icmp_v4(&echo), None);

        let mut v6 = vec![1, 4, 0, 0, 0, 0, 0, 0];
        let mut hdr = vec![0x60, 0, 0, 0, 0, 24, 6, 64];
        hdr.extend_from_slice(&ip_v6_bytes("fd00::1"));
        hdr.extend_from_slice(&ip_v6_bytes("fd00::9"));
        v6.extend_from_slice(&hdr);
        v6.extend_from_slice(&probe[..8]);
        let q = parse_icmp_v6(&v6).unwrap();
        assert_eq!((q.kind, q.code, q.dst, q.dport), (1, 4, ip("fd00::9"), 443));
        assert_eq!(parse_icmp_v6(&v6[..40]), None);
    }

    fn ip_v6_bytes(t: &str) -> [u8; 16] {
        t.parse::<Ipv6Addr>().unwrap().octets()
    }
}
