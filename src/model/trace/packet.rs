//! Probe packets and the ICMP messages about them, on bytes: pure, tested without a network.
//!
//! Every probe of a trace carries a probe number (`seq`, below [`SEQ_SPACE`]) that an answer
//! must give back, so that an answer is matched to its probe and so to its TTL and send time:
//!
//! * ICMP echo: the sequence number; the identifier is the trace's own.
//! * UDP: classically the destination port, `base + seq`, so each probe goes to another unused
//!   port; with `--flow` both ports stay fixed (a load balancer hashing the five-tuple keeps one
//!   path) and the number rides in the UDP checksum, which the payload is chosen to produce
//!   (Paris traceroute's method). The payload also carries the number, for the error queue,
//!   which returns the payload and not the header.
//! * TCP SYN: the sequence number, `isn + seq`, quoted back by routers and acknowledged
//!   (`ack = isn + seq + 1`) by the target's SYN-ACK or RST. Without `--flow` the source port
//!   also changes per probe.
//!
//! For ICMP echo with `--flow`, the first payload word is the one's complement of the sequence
//! number, so the ICMP checksum (which some balancers hash) stays the same on every probe.
//!
//! Routers answer with time exceeded or unreachable, quoting the start of the probe: its IP
//! header and at least eight bytes after it ([`parse_icmp`] reads both families).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use pnet::packet::ip::IpNextHeaderProtocols;
use pnet::packet::util::{checksum, ipv4_checksum, ipv6_checksum};

use super::{MplsLabel, Protocol, mpls};

/// Probe numbers cycle below this; far more than can be in flight at once.
pub const SEQ_SPACE: u16 = 1024;

/// Bytes of payload after the UDP header and after the ICMP echo header.
pub const PAYLOAD_LEN: usize = 32;

/// How a trace marks its probes, fixed for the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoding {
    /// The probe protocol.
    pub protocol: Protocol,
    /// `--flow`: keep every header field a load balancer may hash the same on all probes.
    pub flow: bool,
    /// ICMP echo identifier.
    pub ident: u16,
    /// UDP/TCP source port (the first of a range without `--flow` for TCP).
    pub src_port: u16,
    /// UDP destination port (the first of a range without `--flow`), TCP destination port.
    pub dst_port: u16,
    /// TCP initial sequence number of probe 0.
    pub isn: u32,
}

/// Ports a probe leaves from and goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    /// Source port.
    pub src: u16,
    /// Destination port.
    pub dst: u16,
}

impl Encoding {
    /// The ports of probe `seq` (UDP and TCP).
    #[must_use]
    pub fn ports(&self, seq: u16) -> Ports {
        match (self.protocol, self.flow) {
            (Protocol::Udp, false) => Ports {
                src: self.src_port,
                dst: self.dst_port.wrapping_add(seq),
            },
            (Protocol::Tcp, false) => Ports {
                src: self.src_port.wrapping_add(seq),
                dst: self.dst_port,
            },
            _ => Ports {
                src: self.src_port,
                dst: self.dst_port,
            },
        }
    }

    /// An ICMP echo request for probe `seq`. The ICMPv6 checksum is the kernel's to fill in.
    #[must_use]
    pub fn echo_request(&self, v6: bool, seq: u16) -> Vec<u8> {
        let mut packet = vec![if v6 { 128 } else { 8 }, 0, 0, 0];
        packet.extend_from_slice(&self.ident.to_be_bytes());
        packet.extend_from_slice(&seq.to_be_bytes());
        // The header already carries the number (and the error queue returns the header).
        packet.extend_from_slice(&[0; PAYLOAD_LEN]);
        if self.flow {
            // seq + !seq is 0xffff whatever seq is: the checksum no longer depends on it.
            packet[8..10].copy_from_slice(&(!seq).to_be_bytes());
        }
        if !v6 {
            let sum = checksum(&packet, 1);
            packet[2..4].copy_from_slice(&sum.to_be_bytes());
        }
        packet
    }

    /// The UDP payload of probe `seq` from `src` to `dst` (the kernel adds the header). With
    /// `--flow` its first word makes the UDP checksum equal [`flow_checksum`]`(seq)`.
    #[must_use]
    pub fn udp_payload(&self, src: IpAddr, dst: IpAddr, seq: u16) -> Vec<u8> {
        let mut data = payload(seq);
        if self.flow {
            let ports = self.ports(seq);
            let datagram = udp_datagram(ports, &data);
            let unadjusted = transport_checksum(&datagram, 3, src, dst, Protocol::Udp);
            let word = adjust_word(unadjusted, flow_checksum(seq));
            data[0..2].copy_from_slice(&word.to_be_bytes());
        }
        data
    }

    /// A TCP SYN for probe `seq` from `src` to `dst`, checksum included (raw sockets send it
    /// as it is).
    #[must_use]
    pub fn tcp_syn(&self, src: IpAddr, dst: IpAddr, seq: u16) -> Vec<u8> {
        let ports = self.ports(seq);
        let mut segment = Vec::with_capacity(20);
        segment.extend_from_slice(&ports.src.to_be_bytes());
        segment.extend_from_slice(&ports.dst.to_be_bytes());
        segment.extend_from_slice(&self.isn.wrapping_add(u32::from(seq)).to_be_bytes());
        segment.extend_from_slice(&0u32.to_be_bytes());
        // Data offset 5 words, flags SYN, window 64240, checksum, urgent pointer.
        segment.extend_from_slice(&[0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0]);
        let sum = transport_checksum(&segment, 8, src, dst, Protocol::Tcp);
        segment[16..18].copy_from_slice(&sum.to_be_bytes());
        segment
    }

    /// The probe number quoted in an ICMP error, when the quote is one of this trace's probes
    /// to `target`.
    #[must_use]
    pub fn quoted_seq(&self, quote: &Quote, target: IpAddr) -> Option<u16> {
        if quote.dst != target {
            return None;
        }
        let seq = match (self.protocol, quote.probe) {
            (Protocol::Icmp, QuotedProbe::Echo { ident, seq }) if ident == self.ident => seq,
            (
                Protocol::Udp,
                QuotedProbe::Udp {
                    src,
                    dst,
                    checksum,
                    payload_seq,
                },
            ) if src == self.src_port => {
                if self.flow {
                    if dst != self.dst_port {
                        return None;
                    }
                    // The payload, when quoted, is the surer witness: a checksum left to
                    // offload (as on veth) may never be completed on the wire.
                    payload_seq.unwrap_or_else(|| checksum.wrapping_sub(1))
                } else {
                    dst.wrapping_sub(self.dst_port)
                }
            }
            (Protocol::Tcp, QuotedProbe::Tcp { src, dst, seq }) if dst == self.dst_port => {
                let n = u16::try_from(seq.wrapping_sub(self.isn)).ok()?;
                if self.ports(n).src != src {
                    return None;
                }
                n
            }
            _ => return None,
        };
        (seq < SEQ_SPACE).then_some(seq)
    }

    /// The probe number a TCP answer from the target acknowledges: SYN-ACK or RST whose
    /// acknowledgement is `isn + seq + 1` on our ports.
    #[must_use]
    pub fn tcp_answer_seq(&self, segment: &TcpSegment) -> Option<u16> {
        if segment.src_port != self.dst_port || (!segment.syn_ack() && !segment.rst()) {
            return None;
        }
        let n = u16::try_from(segment.ack.wrapping_sub(self.isn).wrapping_sub(1)).ok()?;
        (n < SEQ_SPACE && self.ports(n).src == segment.dst_port).then_some(n)
    }
}

/// The UDP checksum a `--flow` probe carries: its number plus one (zero means "no checksum").
#[must_use]
pub fn flow_checksum(seq: u16) -> u16 {
    seq.wrapping_add(1)
}

/// The probe payload: zeros but for the probe number in bytes 2-3.
fn payload(seq: u16) -> Vec<u8> {
    let mut data = vec![0u8; PAYLOAD_LEN];
    data[2..4].copy_from_slice(&seq.to_be_bytes());
    data
}

/// The probe number a probe's own payload carries (what the error queue gives back).
#[must_use]
pub fn payload_seq(data: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(2)?, *data.get(3)?])).filter(|s| *s < SEQ_SPACE)
}

fn udp_datagram(ports: Ports, data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(8 + data.len()).unwrap_or(u16::MAX);
    let mut datagram = Vec::with_capacity(8 + data.len());
    datagram.extend_from_slice(&ports.src.to_be_bytes());
    datagram.extend_from_slice(&ports.dst.to_be_bytes());
    datagram.extend_from_slice(&len.to_be_bytes());
    datagram.extend_from_slice(&[0, 0]);
    datagram.extend_from_slice(data);
    datagram
}

/// The UDP or TCP checksum over the pseudo-header of `src` and `dst`; `skipword` is the
/// checksum field's word index.
fn transport_checksum(
    segment: &[u8],
    skipword: usize,
    src: IpAddr,
    dst: IpAddr,
    protocol: Protocol,
) -> u16 {
    let next = if protocol == Protocol::Tcp {
        IpNextHeaderProtocols::Tcp
    } else {
        IpNextHeaderProtocols::Udp
    };
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => ipv4_checksum(segment, skipword, &[], &s, &d, next),
        (IpAddr::V6(s), IpAddr::V6(d)) => ipv6_checksum(segment, skipword, &[], &s, &d, next),
        (IpAddr::V4(s), IpAddr::V6(d)) => {
            ipv6_checksum(segment, skipword, &[], &s.to_ipv6_mapped(), &d, next)
        }
        (IpAddr::V6(s), IpAddr::V4(d)) => {
            ipv6_checksum(segment, skipword, &[], &s, &d.to_ipv6_mapped(), next)
        }
    }
}

/// The word that, written where a zero word was, turns checksum `have` into `want` (one's
/// complement arithmetic: the checksum is the complement of the sum).
fn adjust_word(have: u16, want: u16) -> u16 {
    // sum_old = !have; we need sum_old + w = !want, so w = !want - sum_old = !want + have.
    let total = u32::from(!want) + u32::from(have);
    let folded = (total & 0xffff) + (total >> 16);
    u16::try_from(folded & 0xffff).unwrap_or(0)
}

/// The start of one of our probes as a router quoted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// The probe's source address.
    pub src: IpAddr,
    /// The probe's destination address.
    pub dst: IpAddr,
    /// The probe's transport header fields.
    pub probe: QuotedProbe,
}

/// The quoted transport header fields that identify a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotedProbe {
    /// An ICMP echo request.
    Echo {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq: u16,
    },
    /// A UDP datagram.
    Udp {
        /// Source port.
        src: u16,
        /// Destination port.
        dst: u16,
        /// UDP checksum.
        checksum: u16,
        /// The probe number from the payload, when the quote reaches that far.
        payload_seq: Option<u16>,
    },
    /// A TCP segment.
    Tcp {
        /// Source port.
        src: u16,
        /// Destination port.
        dst: u16,
        /// Sequence number.
        seq: u32,
    },
    /// Anything else.
    Other,
}

/// An ICMP or ICMPv6 message that concerns probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Icmp {
    /// An echo reply.
    EchoReply {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq: u16,
    },
    /// Time exceeded, unreachable or parameter problem, with the quoted probe.
    Error {
        /// ICMP type.
        icmp_type: u8,
        /// ICMP code.
        code: u8,
        /// The quoted probe.
        quote: Quote,
        /// MPLS labels from the extension, if any.
        mpls: Vec<MplsLabel>,
    },
}

/// Skip the IPv4 header a raw IPv4 socket delivers before the ICMP message.
#[must_use]
pub fn strip_ipv4_header(packet: &[u8]) -> Option<&[u8]> {
    let first = *packet.first()?;
    if first >> 4 != 4 {
        return None;
    }
    packet.get(usize::from(first & 0x0f) * 4..)
}

/// Parse an ICMP (`v6 == false`) or ICMPv6 message starting at its header.
#[must_use]
pub fn parse_icmp(icmp: &[u8], v6: bool) -> Option<Icmp> {
    if icmp.len() < 8 {
        return None;
    }
    let (icmp_type, code) = (icmp[0], icmp[1]);
    let word = |i: usize| u16::from_be_bytes([icmp[i], icmp[i + 1]]);
    let is_error = match (v6, icmp_type) {
        (false, 0) | (true, 129) => {
            return Some(Icmp::EchoReply {
                ident: word(4),
                seq: word(6),
            });
        }
        (false, 3 | 11 | 12) | (true, 1 | 3 | 4) => true,
        _ => false,
    };
    if !is_error {
        return None;
    }
    let quote = parse_quote(&icmp[8..])?;
    Some(Icmp::Error {
        icmp_type,
        code,
        quote,
        mpls: mpls::labels(icmp, v6),
    })
}

/// Parse a quoted IP packet: its header and the first bytes of its transport header.
#[must_use]
pub fn parse_quote(quoted: &[u8]) -> Option<Quote> {
    let version = quoted.first()? >> 4;
    let (src, dst, proto, rest) = match version {
        4 => {
            let header_len = usize::from(quoted[0] & 0x0f) * 4;
            if header_len < 20 || quoted.len() < header_len {
                return None;
            }
            let addr = |i: usize| {
                IpAddr::V4(Ipv4Addr::new(
                    quoted[i],
                    quoted[i + 1],
                    quoted[i + 2],
                    quoted[i + 3],
                ))
            };
            (addr(12), addr(16), quoted[9], &quoted[header_len..])
        }
        6 => {
            if quoted.len() < 40 {
                return None;
            }
            let addr = |i: usize| {
                let octets: [u8; 16] = quoted[i..i + 16].try_into().unwrap_or([0; 16]);
                IpAddr::V6(Ipv6Addr::from(octets))
            };
            (addr(8), addr(24), quoted[6], &quoted[40..])
        }
        _ => return None,
    };
    let word =
        |i: usize| -> Option<u16> { Some(u16::from_be_bytes([*rest.get(i)?, *rest.get(i + 1)?])) };
    let probe = match proto {
        1 | 58 if matches!(rest.first(), Some(8 | 128)) => QuotedProbe::Echo {
            ident: word(4)?,
            seq: word(6)?,
        },
        17 => QuotedProbe::Udp {
            src: word(0)?,
            dst: word(2)?,
            checksum: word(6)?,
            payload_seq: rest.get(8..).and_then(payload_seq),
        },
        6 => QuotedProbe::Tcp {
            src: word(0)?,
            dst: word(2)?,
            seq: u32::from(word(4)?) << 16 | u32::from(word(6)?),
        },
        _ => QuotedProbe::Other,
    };
    Some(Quote { src, dst, probe })
}

/// The fields of a TCP segment that answer a SYN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSegment {
    /// Source port (the port probed).
    pub src_port: u16,
    /// Destination port (our source port).
    pub dst_port: u16,
    /// Acknowledgement number.
    pub ack: u32,
    /// Flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10).
    pub flags: u8,
}

impl TcpSegment {
    /// SYN and ACK: the port is open.
    #[must_use]
    pub fn syn_ack(&self) -> bool {
        self.flags & 0x12 == 0x12
    }

    /// RST: the port is closed (the host is there all the same).
    #[must_use]
    pub fn rst(&self) -> bool {
        self.flags & 0x04 != 0
    }
}

/// Parse a TCP segment (a raw IPv4 TCP socket delivers the IP header first: strip it with
/// [`strip_ipv4_header`]).
#[must_use]
pub fn parse_tcp(segment: &[u8]) -> Option<TcpSegment> {
    if segment.len() < 20 {
        return None;
    }
    Some(TcpSegment {
        src_port: u16::from_be_bytes([segment[0], segment[1]]),
        dst_port: u16::from_be_bytes([segment[2], segment[3]]),
        ack: u32::from_be_bytes([segment[8], segment[9], segment[10], segment[11]]),
        flags: segment[13],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn encoding(protocol: Protocol, flow: bool) -> Encoding {
        Encoding {
            protocol,
            flow,
            ident: 0x1234,
            src_port: 40000,
            dst_port: 33434,
            isn: 0xfffffff0,
        }
    }

    /// An IPv4 header (20 bytes) from `src` to `dst` carrying `proto`, then `transport`.
    fn ipv4(src: &str, dst: &str, proto: u8, transport: &[u8]) -> Vec<u8> {
        let (IpAddr::V4(s), IpAddr::V4(d)) = (ip(src), ip(dst)) else {
            panic!()
        };
        let mut p = vec![0x45, 0, 0, 0, 0, 0, 0x40, 0, 1, proto, 0, 0];
        p.extend_from_slice(&s.octets());
        p.extend_from_slice(&d.octets());
        p.extend_from_slice(transport);
        p
    }

    fn ipv6(src: &str, dst: &str, next: u8, transport: &[u8]) -> Vec<u8> {
        let (IpAddr::V6(s), IpAddr::V6(d)) = (ip(src), ip(dst)) else {
            panic!()
        };
        let mut p = vec![0x60, 0, 0, 0, 0, 0, next, 1];
        p.extend_from_slice(&s.octets());
        p.extend_from_slice(&d.octets());
        p.extend_from_slice(transport);
        p
    }

    fn icmp_error(icmp_type: u8, code: u8, quoted: &[u8]) -> Vec<u8> {
        let mut m = vec![icmp_type, code, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(quoted);
        m
    }

    #[test]
    fn echo_request_bytes_and_checksum() {
        let enc = encoding(Protocol::Icmp, false);
        let p = enc.echo_request(false, 7);
        assert_eq!(&p[..8], &[8, 0, p[2], p[3], 0x12, 0x34, 0, 7]);
        assert_eq!(p.len(), 8 + PAYLOAD_LEN);
        assert_eq!(checksum(&p, 1), u16::from_be_bytes([p[2], p[3]]));
        assert!(p[8..].iter().all(|b| *b == 0));
        let v6 = enc.echo_request(true, 7);
        assert_eq!((v6[0], v6[2], v6[3]), (128, 0, 0));
    }

    #[test]
    fn flow_echo_keeps_one_checksum() {
        let enc = encoding(Protocol::Icmp, true);
        let sums: Vec<[u8; 2]> = (0..50)
            .map(|s| {
                let p = enc.echo_request(false, s);
                assert_eq!(checksum(&p, 1), u16::from_be_bytes([p[2], p[3]]));
                [p[2], p[3]]
            })
            .collect();
        assert!(sums.iter().all(|s| *s == sums[0]));
        // Without --flow the checksum follows the sequence.
        let plain = encoding(Protocol::Icmp, false);
        assert_ne!(
            plain.echo_request(false, 1)[2..4],
            plain.echo_request(false, 2)[2..4]
        );
    }

    #[test]
    fn udp_ports_per_probe_or_fixed_with_flow() {
        let plain = encoding(Protocol::Udp, false);
        assert_eq!(
            plain.ports(0),
            Ports {
                src: 40000,
                dst: 33434
            }
        );
        assert_eq!(
            plain.ports(5),
            Ports {
                src: 40000,
                dst: 33439
            }
        );
        let flow = encoding(Protocol::Udp, true);
        assert_eq!(
            flow.ports(5),
            Ports {
                src: 40000,
                dst: 33434
            }
        );
        let tcp = encoding(Protocol::Tcp, false);
        assert_eq!(
            tcp.ports(5),
            Ports {
                src: 40005,
                dst: 33434
            }
        );
        assert_eq!(encoding(Protocol::Tcp, true).ports(5).src, 40000);
    }

    #[test]
    fn flow_udp_checksum_carries_the_probe_number() {
        let flow = encoding(Protocol::Udp, true);
        for (src, dst) in [("10.0.0.1", "10.0.4.2"), ("fd00::1", "fd00:4::2")] {
            for seq in [0, 1, 77, SEQ_SPACE - 1] {
                let data = flow.udp_payload(ip(src), ip(dst), seq);
                assert_eq!(payload_seq(&data), Some(seq));
                let datagram = udp_datagram(flow.ports(seq), &data);
                let sum = transport_checksum(&datagram, 3, ip(src), ip(dst), Protocol::Udp);
                assert_eq!(sum, flow_checksum(seq), "{src} seq {seq}");
            }
        }
        assert_eq!(adjust_word(0x1234, 0x1234), 0xffff);
    }

    #[test]
    fn icmp_time_exceeded_quoting_an_echo_v4() {
        let enc = encoding(Protocol::Icmp, false);
        let probe = ipv4("10.0.0.1", "10.0.4.2", 1, &enc.echo_request(false, 9));
        let msg = icmp_error(11, 0, &probe[..28]);
        let parsed = parse_icmp(&msg, false).unwrap();
        let Icmp::Error {
            icmp_type,
            code,
            quote,
            mpls,
        } = parsed
        else {
            panic!()
        };
        assert_eq!((icmp_type, code), (11, 0));
        assert!(mpls.is_empty());
        assert_eq!(quote.src, ip("10.0.0.1"));
        assert_eq!(
            quote.probe,
            QuotedProbe::Echo {
                ident: 0x1234,
                seq: 9
            }
        );
        assert_eq!(enc.quoted_seq(&quote, ip("10.0.4.2")), Some(9));
        // Another target, another identifier: not ours.
        assert_eq!(enc.quoted_seq(&quote, ip("10.0.4.3")), None);
        let other = Encoding { ident: 1, ..enc };
        assert_eq!(other.quoted_seq(&quote, ip("10.0.4.2")), None);
        // The raw socket's own IP header in front.
        let raw = ipv4("10.0.1.1", "10.0.0.1", 1, &msg);
        assert_eq!(strip_ipv4_header(&raw), Some(&msg[..]));
    }

    #[test]
    fn icmpv6_errors_quoting_udp_and_tcp() {
        let udp = encoding(Protocol::Udp, false);
        let datagram = udp_datagram(
            udp.ports(12),
            &udp.udp_payload(ip("fd00::1"), ip("fd00:4::2"), 12),
        );
        let probe = ipv6("fd00::1", "fd00:4::2", 17, &datagram);
        let msg = icmp_error(1, 4, &probe);
        let Some(Icmp::Error {
            quote,
            icmp_type: 1,
            code: 4,
            ..
        }) = parse_icmp(&msg, true)
        else {
            panic!()
        };
        assert_eq!(udp.quoted_seq(&quote, ip("fd00:4::2")), Some(12));

        let tcp = encoding(Protocol::Tcp, false);
        let syn = tcp.tcp_syn(ip("fd00::1"), ip("fd00:4::2"), 30);
        let probe = ipv6("fd00::1", "fd00:4::2", 6, &syn[..8]);
        let Some(Icmp::Error { quote, .. }) = parse_icmp(&icmp_error(3, 0, &probe), true) else {
            panic!()
        };
        // The sequence number wraps past 2^32 from the ISN: still probe 30.
        assert_eq!(tcp.quoted_seq(&quote, ip("fd00:4::2")), Some(30));
    }

    #[test]
    fn flow_udp_matched_by_checksum() {
        let flow = encoding(Protocol::Udp, true);
        let (src, dst) = (ip("10.0.0.1"), ip("10.0.4.2"));
        let data = flow.udp_payload(src, dst, 3);
        let mut datagram = udp_datagram(flow.ports(3), &data);
        let sum = transport_checksum(&datagram, 3, src, dst, Protocol::Udp);
        datagram[6..8].copy_from_slice(&sum.to_be_bytes());
        let probe = ipv4("10.0.0.1", "10.0.4.2", 17, &datagram[..8]);
        let quote = parse_quote(&probe).unwrap();
        assert_eq!(flow.quoted_seq(&quote, dst), Some(3));
    }

    #[test]
    fn tcp_syn_bytes_checksum_and_answers() {
        let tcp = encoding(Protocol::Tcp, false);
        let (src, dst) = (ip("10.0.0.1"), ip("10.0.4.2"));
        let syn = tcp.tcp_syn(src, dst, 2);
        assert_eq!(syn.len(), 20);
        assert_eq!(&syn[0..4], &[0x9c, 0x42, 0x82, 0x9a]); // 40002 -> 33434
        assert_eq!(&syn[4..8], &0xfffffff2u32.to_be_bytes());
        assert_eq!(syn[13], 0x02);
        assert_eq!(
            transport_checksum(&syn, 8, src, dst, Protocol::Tcp),
            u16::from_be_bytes([syn[16], syn[17]])
        );
        let answer = |flags: u8, ack: u32, dport: u16| {
            let mut s = vec![0x82, 0x9a];
            s.extend_from_slice(&dport.to_be_bytes());
            s.extend_from_slice(&[0, 0, 0, 1]);
            s.extend_from_slice(&ack.to_be_bytes());
            s.extend_from_slice(&[0x50, flags, 0, 0, 0, 0, 0, 0]);
            parse_tcp(&s).unwrap()
        };
        assert_eq!(
            tcp.tcp_answer_seq(&answer(0x12, 0xfffffff3, 40002)),
            Some(2)
        );
        assert_eq!(
            tcp.tcp_answer_seq(&answer(0x14, 0xfffffff3, 40002)),
            Some(2)
        );
        // A bare ACK, another port, another acknowledgement: not an answer.
        assert_eq!(tcp.tcp_answer_seq(&answer(0x10, 0xfffffff3, 40002)), None);
        assert_eq!(tcp.tcp_answer_seq(&answer(0x12, 0xfffffff3, 40003)), None);
        assert_eq!(tcp.tcp_answer_seq(&answer(0x12, 0x10, 40002)), None);
        assert!(parse_tcp(&[0; 19]).is_none());
    }

    #[test]
    fn echo_reply_and_junk() {
        assert_eq!(
            parse_icmp(&[0, 0, 0, 0, 0x12, 0x34, 0, 5], false),
            Some(Icmp::EchoReply {
                ident: 0x1234,
                seq: 5
            })
        );
        assert_eq!(
            parse_icmp(&[129, 0, 0, 0, 0, 1, 0, 2], true),
            Some(Icmp::EchoReply { ident: 1, seq: 2 })
        );
        // An echo request, a short message, an error with a truncated quote.
        assert_eq!(parse_icmp(&[8, 0, 0, 0, 0, 1, 0, 2], false), None);
        assert_eq!(parse_icmp(&[11, 0, 0], false), None);
        assert_eq!(parse_icmp(&icmp_error(11, 0, &[0x45, 0, 0]), false), None);
        assert_eq!(strip_ipv4_header(&[0x60]), None);
    }
}
