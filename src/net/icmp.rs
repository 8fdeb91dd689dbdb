//! ICMP echo over a raw or datagram socket (see [`crate::net::privilege`]), for IPv4 and IPv6.
//!
//! Packets are built and parsed with pnet's packet module; the socket is a socket2 socket
//! registered with tokio. Parsing is pure ([`parse_v4`], [`parse_v6`]) so it is tested on bytes.
//! The calls only Linux has (type filters, control messages, the error queue, binding to an
//! interface) live in [`crate::net::linux::icmp`].
//!
//! What a raw socket receives is every ICMP packet of the host: echo replies meant for other
//! processes, our own requests looped back, errors about anybody's traffic. A kernel type filter
//! keeps only replies and errors; the probe engine then accepts a reply only when its identifier
//! is ours, its source is a target, its sequence is outstanding and (IPv4) its checksum is right.
//! The kernel checks ICMPv6 checksums itself. A datagram socket gets only its own replies (the
//! kernel owns the identifier), and ICMP errors on its error queue.
//!
//! surge-ping is not used, for three things ping must do that it cannot: it hands each reply to
//! the one request waiting for it and drops the rest, so a duplicate can never be marked
//! `(DUP!)`; it does not read a datagram socket's error queue, so without root an unreachable
//! host or an expired TTL would look like silence; and its receive task with a channel per
//! request costs more CPU per reply than a flood ping can afford.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use pnet::packet::icmp::{self, IcmpPacket};
use pnet::packet::ipv4::Ipv4Packet;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use socket2::{SockAddr, Socket};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::os::icmp as os;
use crate::error::{Error, Result};
use crate::model::address::ScopedAddr;
use crate::net::privilege::{self, Method};

/// Where probes leave from and how far they may go.
#[derive(Debug, Clone, Default)]
pub struct SocketOptions {
    /// `-t`: IPv4 TTL or IPv6 hop limit.
    pub ttl: Option<u32>,
    /// `-I ADDRESS`: the source address.
    pub source: Option<IpAddr>,
    /// `-I INTERFACE`: the interface to send through.
    pub device: Option<String>,
    /// `-b`: allow sending to a broadcast address.
    pub broadcast: bool,
}

/// Something the socket received that concerns an echo request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// An echo reply.
    Reply {
        /// Who answered.
        from: IpAddr,
        /// The echo identifier (rewritten by the kernel on datagram sockets).
        ident: u16,
        /// The echo sequence number.
        seq: u16,
        /// The reply's TTL or hop limit, when known.
        ttl: Option<u8>,
        /// ICMP message length (header and payload), as ping prints it.
        bytes: usize,
        /// How its payload compares with what was sent.
        data: EchoData,
    },
    /// An ICMP error about one of the echo requests (ours or another process's).
    Error {
        /// The router or host that reported it.
        from: IpAddr,
        /// The destination of the request it is about.
        dest: IpAddr,
        /// The request's identifier.
        ident: u16,
        /// The request's sequence number.
        seq: u16,
        /// ICMP type.
        icmp_type: u8,
        /// ICMP code.
        icmp_code: u8,
    },
    /// An echo reply whose checksum is wrong: never counted.
    Corrupt {
        /// Who sent it.
        from: IpAddr,
    },
}

/// How the payload of an echo reply compares with the request's. A reply longer than the
/// request is intact when it starts with what was sent (ping compares only that much).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum EchoData {
    /// What was sent came back.
    #[default]
    Intact,
    /// Shorter than what was sent.
    Truncated,
    /// A byte differs from what was sent.
    Wrong(Box<WrongData>),
}

/// The first byte of a reply's payload that is not what was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WrongData {
    /// Its offset in the payload.
    pub offset: usize,
    /// The byte sent there.
    pub expected: u8,
    /// The byte that came back.
    pub got: u8,
    /// The payload as it came back, as long as what was sent (for ping's dump of it).
    #[serde(skip)]
    pub received: Vec<u8>,
}

impl EchoData {
    /// Compare a reply's payload with the request's.
    #[must_use]
    pub fn check(sent: &[u8], received: &[u8]) -> Self {
        let Some(received) = received.get(..sent.len()) else {
            return Self::Truncated;
        };
        match sent.iter().zip(received).position(|(s, r)| s != r) {
            None => Self::Intact,
            Some(offset) => Self::Wrong(Box::new(WrongData {
                offset,
                expected: sent[offset],
                got: received[offset],
                received: received.to_vec(),
            })),
        }
    }
}

/// Written into a reply's JSON record: nothing when intact, else `"truncated": true` or
/// `"wrong_data": {"offset", "expected", "got"}`.
impl Serialize for EchoData {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Self::Intact => {}
            Self::Truncated => map.serialize_entry("truncated", &true)?,
            Self::Wrong(wrong) => map.serialize_entry("wrong_data", wrong)?,
        }
        map.end()
    }
}

/// The keys [`EchoData`] adds to its reply: none, `truncated`, or `wrong_data`.
impl schemars::JsonSchema for EchoData {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EchoData".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let wrong = generator.subschema_for::<WrongData>();
        schemars::json_schema!({
            "type": "object",
            "properties": {
                "truncated": {
                    "description": "The reply was shorter than the request.",
                    "const": true
                },
                "wrong_data": wrong
            }
        })
    }
}

/// An ICMP socket ready for tokio, with the method it was opened with.
pub struct IcmpSocket {
    fd: AsyncFd<Socket>,
    method: Method,
    v6: bool,
    ident: u16,
    /// The TTL or hop limit currently set on the socket (`None`: the system default).
    ttl: Option<u32>,
    send_buf: Vec<u8>,
    /// The payload of the last request sent, which replies are compared with.
    sent_payload: Vec<u8>,
}

impl IcmpSocket {
    /// Open a socket of the family (raw, else datagram), apply the options, and register it.
    /// Must be called inside a tokio runtime.
    pub fn open(v6: bool, options: &SocketOptions) -> Result<Self> {
        let (socket, method) = privilege::open_icmp(v6)?;
        let fail = |what: &str, e: io::Error| Error::io(what.to_string(), e);
        socket
            .set_nonblocking(true)
            .map_err(|e| fail("set non-blocking", e))?;
        // A deep receive queue keeps a flood or a burst to many targets from losing replies.
        let _ = socket.set_recv_buffer_size(1 << 20);
        if let Some(ttl) = options.ttl {
            set_ttl(&socket, v6, ttl).map_err(|e| fail(&format!("set TTL {ttl}"), e))?;
        }
        if options.broadcast {
            socket
                .set_broadcast(true)
                .map_err(|e| fail("allow broadcast", e))?;
        }
        if let Some(device) = &options.device {
            os::bind_to_interface(&socket, device)
                .map_err(|e| fail(&format!("bind to interface {device}"), e))?;
        }
        if let Some(source) = options.source {
            socket
                .bind(&SockAddr::from(SocketAddr::new(source, 0)))
                .map_err(|e| fail(&format!("bind {source}"), e))?;
        }
        if method == Method::Raw {
            os::keep_replies_and_errors(&socket, v6).map_err(|e| {
                fail(
                    if v6 {
                        "set ICMPv6 filter"
                    } else {
                        "set ICMP filter"
                    },
                    e,
                )
            })?;
            // An IPv4 raw socket reads the TTL from the IP header it receives.
            if v6 {
                os::report_ttl(&socket, v6);
            }
        } else {
            os::report_ttl(&socket, v6);
            os::queue_errors(&socket, v6);
        }
        let fd = register(socket).map_err(|e| fail("register ICMP socket", e))?;
        Ok(Self {
            fd,
            method,
            v6,
            ident: (std::process::id() & 0xffff) as u16,
            ttl: options.ttl,
            send_buf: Vec::with_capacity(128),
            sent_payload: Vec::new(),
        })
    }

    /// Raw or datagram.
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// Whether this socket speaks ICMPv6.
    #[must_use]
    pub fn is_v6(&self) -> bool {
        self.v6
    }

    /// Whether a reply's identifier must equal ours (raw sockets; the kernel rewrites it on
    /// datagram sockets and delivers only our replies).
    #[must_use]
    pub fn checks_ident(&self) -> bool {
        self.method == Method::Raw
    }

    /// The identifier our requests carry.
    #[must_use]
    pub fn ident(&self) -> u16 {
        self.ident
    }

    /// Send one echo request without waiting, with `ttl` when given (else the socket's).
    /// `WouldBlock` means the send queue is full.
    pub fn send_echo(
        &mut self,
        dest: &ScopedAddr,
        seq: u16,
        ttl: Option<u8>,
        payload: &[u8],
    ) -> io::Result<()> {
        if let Some(ttl) = ttl.map(u32::from).filter(|t| self.ttl != Some(*t)) {
            set_ttl(self.fd.get_ref(), self.v6, ttl)?;
            self.ttl = Some(ttl);
        }
        if self.sent_payload != payload {
            self.sent_payload = payload.to_vec();
        }
        build_echo(&mut self.send_buf, self.v6, self.ident, seq, payload);
        self.fd
            .get_ref()
            .send_to(&self.send_buf, &SockAddr::from(dest.socket_addr(0)))
            .map(|_| ())
    }

    /// Wait until the socket has something to read (a packet or a queued error).
    pub async fn readable(&self) -> io::Result<()> {
        // Errors queued on a datagram socket raise only the error readiness.
        let mut guard = self.fd.ready(Interest::READABLE | Interest::ERROR).await?;
        guard.clear_ready();
        Ok(())
    }

    /// Read one packet without waiting: `Ok(None)` when nothing is queued; packets that are
    /// not about echo requests come back as `Ok(Some(None))`.
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<Option<Option<Incoming>>> {
        let Some(got) = os::recv_with_ttl(self.fd.get_ref(), buf)? else {
            return self.try_recv_error(buf);
        };
        let Some(from) = got.from else {
            return Ok(Some(None));
        };
        let packet = &buf[..got.len];
        let sent = &self.sent_payload;
        let parsed = match (self.v6, from) {
            (false, IpAddr::V4(from)) => parse_v4(packet, self.method == Method::Raw, from, sent)
                .map(|p| with_ttl(p, got.ttl)),
            (true, IpAddr::V6(from)) => parse_v6(packet, from, got.ttl, sent),
            _ => None,
        };
        Ok(Some(parsed))
    }

    /// Read one ICMP error from a datagram socket's error queue (the kernel reports ICMP errors
    /// about a ping socket's requests there, with the original request and the reporter).
    fn try_recv_error(&self, buf: &mut [u8]) -> io::Result<Option<Option<Incoming>>> {
        if self.method == Method::Raw {
            return Ok(None);
        }
        let Some(report) = os::recv_queued_error(self.fd.get_ref(), buf)? else {
            return Ok(None);
        };
        let (Some((from, icmp_type, icmp_code)), Some(dest)) = (report.icmp, report.dest) else {
            return Ok(Some(None));
        };
        // The queued data is our own request as sent: type, code, checksum, id, seq.
        let quoted = &buf[..report.len];
        if quoted.len() < 8 {
            return Ok(Some(None));
        }
        Ok(Some(Some(Incoming::Error {
            from,
            dest,
            ident: u16::from_be_bytes([quoted[4], quoted[5]]),
            seq: u16::from_be_bytes([quoted[6], quoted[7]]),
            icmp_type,
            icmp_code,
        })))
    }
}

fn set_ttl(socket: &Socket, v6: bool, ttl: u32) -> io::Result<()> {
    if v6 {
        socket.set_unicast_hops_v6(ttl)
    } else {
        socket.set_ttl_v4(ttl)
    }
}

/// Register the socket with tokio's reactor, for readiness to read and for queued errors.
#[allow(unsafe_code)]
fn register(socket: Socket) -> io::Result<AsyncFd<Socket>> {
    // SAFETY: `Socket` owns its descriptor: it stays open and `as_raw_fd` returns the same
    // descriptor until the socket is dropped, which happens only when the `AsyncFd` drops it.
    unsafe { AsyncFd::register_with_interest(socket, Interest::READABLE | Interest::ERROR) }
        .map_err(io::Error::from)
}

fn with_ttl(incoming: Incoming, cmsg_ttl: Option<u8>) -> Incoming {
    match incoming {
        Incoming::Reply {
            from,
            ident,
            seq,
            ttl: None,
            bytes,
            data,
        } => Incoming::Reply {
            from,
            ident,
            seq,
            ttl: cmsg_ttl,
            bytes,
            data,
        },
        other => other,
    }
}

/// Build an echo request into `buf`: type, code, checksum, identifier, sequence, payload.
/// The ICMPv6 checksum covers a pseudo-header the kernel fills in, so it is left at zero.
pub fn build_echo(buf: &mut Vec<u8>, v6: bool, ident: u16, seq: u16, payload: &[u8]) {
    buf.clear();
    buf.push(if v6 { 128 } else { 8 });
    buf.push(0);
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(&ident.to_be_bytes());
    buf.extend_from_slice(&seq.to_be_bytes());
    buf.extend_from_slice(payload);
    if !v6 {
        let sum = IcmpPacket::new(buf).map_or(0, |p| icmp::checksum(&p));
        buf[2..4].copy_from_slice(&sum.to_be_bytes());
    }
}

/// Parse an IPv4 ICMP packet (`with_ip_header` for raw sockets, which receive the IP header);
/// a reply's payload is compared with `sent`.
#[must_use]
pub fn parse_v4(
    packet: &[u8],
    with_ip_header: bool,
    from: Ipv4Addr,
    sent: &[u8],
) -> Option<Incoming> {
    let (icmp_bytes, ttl) = if with_ip_header {
        let ip = Ipv4Packet::new(packet)?;
        let header_len = usize::from(ip.get_header_length()) * 4;
        (packet.get(header_len..)?, Some(ip.get_ttl()))
    } else {
        (packet, None)
    };
    let message = IcmpPacket::new(icmp_bytes)?;
    let kind = message.get_icmp_type().0;
    match kind {
        0 => {
            if icmp_bytes.len() < 8 {
                return None;
            }
            if with_ip_header && icmp::checksum(&message) != message.get_checksum() {
                return Some(Incoming::Corrupt {
                    from: IpAddr::V4(from),
                });
            }
            Some(Incoming::Reply {
                from: IpAddr::V4(from),
                ident: u16::from_be_bytes([icmp_bytes[4], icmp_bytes[5]]),
                seq: u16::from_be_bytes([icmp_bytes[6], icmp_bytes[7]]),
                ttl,
                bytes: icmp_bytes.len(),
                data: EchoData::check(sent, &icmp_bytes[8..]),
            })
        }
        3 | 4 | 5 | 11 | 12 => {
            // After the 8-byte error header: the request's IP header and its first 8 bytes.
            let quoted = icmp_bytes.get(8..)?;
            let inner = Ipv4Packet::new(quoted)?;
            if inner.get_next_level_protocol().0 != 1 {
                return None;
            }
            let inner_icmp = quoted.get(usize::from(inner.get_header_length()) * 4..)?;
            if inner_icmp.len() < 8 || inner_icmp[0] != 8 {
                return None;
            }
            Some(Incoming::Error {
                from: IpAddr::V4(from),
                dest: IpAddr::V4(inner.get_destination()),
                ident: u16::from_be_bytes([inner_icmp[4], inner_icmp[5]]),
                seq: u16::from_be_bytes([inner_icmp[6], inner_icmp[7]]),
                icmp_type: kind,
                icmp_code: message.get_icmp_code().0,
            })
        }
        _ => None,
    }
}

/// Parse an ICMPv6 packet (no IP header on either socket type; the hop limit comes from a
/// control message); a reply's payload is compared with `sent`.
#[must_use]
pub fn parse_v6(packet: &[u8], from: Ipv6Addr, ttl: Option<u8>, sent: &[u8]) -> Option<Incoming> {
    if packet.len() < 8 {
        return None;
    }
    let kind = packet[0];
    match kind {
        129 => Some(Incoming::Reply {
            from: IpAddr::V6(from),
            ident: u16::from_be_bytes([packet[4], packet[5]]),
            seq: u16::from_be_bytes([packet[6], packet[7]]),
            ttl,
            bytes: packet.len(),
            data: EchoData::check(sent, &packet[8..]),
        }),
        1..=4 => {
            // After the 8-byte error header: the request's 40-byte IPv6 header, then its ICMPv6.
            let inner = packet.get(8..)?;
            if inner.len() < 48 || inner[6] != 58 || inner[40] != 128 {
                return None;
            }
            let mut dest = [0u8; 16];
            dest.copy_from_slice(&inner[24..40]);
            Some(Incoming::Error {
                from: IpAddr::V6(from),
                dest: IpAddr::V6(Ipv6Addr::from(dest)),
                ident: u16::from_be_bytes([inner[44], inner[45]]),
                seq: u16::from_be_bytes([inner[46], inner[47]]),
                icmp_type: kind,
                icmp_code: packet[1],
            })
        }
        _ => None,
    }
}

/// What an ICMP error means, in the words iputils ping prints.
#[must_use]
pub fn error_text(v6: bool, icmp_type: u8, icmp_code: u8) -> String {
    if v6 {
        return match (icmp_type, icmp_code) {
            (1, 0) => "Destination unreachable: No route".into(),
            (1, 1) => "Destination unreachable: Administratively prohibited".into(),
            (1, 2) => "Destination unreachable: Beyond scope of source address".into(),
            (1, 3) => "Destination unreachable: Address unreachable".into(),
            (1, 4) => "Destination unreachable: Port unreachable".into(),
            (1, c) => format!("Destination unreachable: Unknown code {c}"),
            (2, _) => "Packet too big".into(),
            (3, 0) => "Time exceeded: Hop limit".into(),
            (3, 1) => "Time exceeded: Defragmentation failure".into(),
            (3, c) => format!("Time exceeded: code {c}"),
            (4, _) => "Parameter problem".into(),
            (t, c) => format!("ICMPv6 type {t} code {c}"),
        };
    }
    let text = match (icmp_type, icmp_code) {
        (3, 0) => "Destination Net Unreachable",
        (3, 1) => "Destination Host Unreachable",
        (3, 2) => "Destination Protocol Unreachable",
        (3, 3) => "Destination Port Unreachable",
        (3, 4) => "Frag needed and DF set",
        (3, 5) => "Source Route Failed",
        (3, 6) => "Destination Net Unknown",
        (3, 7) => "Destination Host Unknown",
        (3, 8) => "Source Host Isolated",
        (3, 9) => "Destination Net Prohibited",
        (3, 10) => "Destination Host Prohibited",
        (3, 11) => "Destination Net Unreachable for Type of Service",
        (3, 12) => "Destination Host Unreachable for Type of Service",
        (3, 13) => "Packet filtered",
        (3, 14) => "Precedence Violation",
        (3, 15) => "Precedence Cutoff",
        (3, c) => return format!("Dest Unreachable, Bad Code: {c}"),
        (4, _) => "Source Quench",
        (5, 0) => "Redirect Network",
        (5, 1) => "Redirect Host",
        (5, _) => "Redirect",
        (11, 0) => "Time to live exceeded",
        (11, 1) => "Frag reassembly time exceeded",
        (11, c) => return format!("Time exceeded, Bad Code: {c}"),
        (12, _) => "Parameter problem",
        (t, c) => return format!("Bad ICMP type: {t} code {c}"),
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The payload the test requests carry.
    const SENT: [u8; 56] = [0xab; 56];

    fn ipv4_header(proto: u8, src: [u8; 4], dst: [u8; 4], total: u16, ttl: u8) -> Vec<u8> {
        let mut h = vec![0x45, 0, 0, 0, 0, 0, 0, 0, ttl, proto, 0, 0];
        h[2..4].copy_from_slice(&total.to_be_bytes());
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    }

    fn echo(v6: bool, kind: u8, ident: u16, seq: u16) -> Vec<u8> {
        let mut buf = Vec::new();
        build_echo(&mut buf, v6, ident, seq, &SENT);
        buf[0] = kind;
        if !v6 {
            buf[2..4].copy_from_slice(&[0, 0]);
            let sum = icmp::checksum(&IcmpPacket::new(&buf).unwrap());
            buf[2..4].copy_from_slice(&sum.to_be_bytes());
        }
        buf
    }

    #[test]
    fn echo_request_layout_and_checksum() {
        let mut buf = Vec::new();
        build_echo(&mut buf, false, 0x1234, 7, &[1, 2, 3]);
        assert_eq!(&buf[..2], &[8, 0]);
        assert_eq!(&buf[4..8], &[0x12, 0x34, 0, 7]);
        assert_eq!(&buf[8..], &[1, 2, 3]);
        // A correct checksum makes the one's-complement sum of the message zero.
        let p = IcmpPacket::new(&buf).unwrap();
        assert_eq!(icmp::checksum(&p), p.get_checksum());
        build_echo(&mut buf, true, 1, 2, &[]);
        assert_eq!(buf, vec![128, 0, 0, 0, 0, 1, 0, 2]);
    }

    #[test]
    fn v4_reply_from_raw_socket() {
        let icmp_part = echo(false, 0, 0x4242, 3);
        let mut packet = ipv4_header(1, [127, 0, 0, 1], [127, 0, 0, 1], 84, 64);
        packet.extend_from_slice(&icmp_part);
        let from = Ipv4Addr::LOCALHOST;
        assert_eq!(
            parse_v4(&packet, true, from, &SENT),
            Some(Incoming::Reply {
                from: IpAddr::V4(from),
                ident: 0x4242,
                seq: 3,
                ttl: Some(64),
                bytes: 64,
                data: EchoData::Intact
            })
        );
        // One flipped payload bit: the checksum no longer holds and the reply is not counted.
        let last = packet.len() - 1;
        packet[last] ^= 1;
        assert_eq!(
            parse_v4(&packet, true, from, &SENT),
            Some(Incoming::Corrupt {
                from: IpAddr::V4(from)
            })
        );
    }

    #[test]
    fn v4_reply_from_dgram_socket_has_no_ip_header() {
        let packet = echo(false, 0, 9, 1);
        let got = parse_v4(&packet, false, Ipv4Addr::LOCALHOST, &SENT).unwrap();
        assert!(matches!(
            got,
            Incoming::Reply {
                seq: 1,
                ttl: None,
                bytes: 64,
                ..
            }
        ));
    }

    #[test]
    fn v4_time_exceeded_quotes_the_request() {
        let request = echo(false, 8, 0x0101, 5);
        let mut quoted = ipv4_header(1, [10, 0, 0, 2], [10, 0, 1, 2], 84, 1);
        quoted.extend_from_slice(&request[..8]);
        let mut error = vec![11, 0, 0, 0, 0, 0, 0, 0];
        error.extend_from_slice(&quoted);
        let mut packet = ipv4_header(1, [10, 0, 0, 1], [10, 0, 0, 2], 0, 64);
        packet.extend_from_slice(&error);
        assert_eq!(
            parse_v4(&packet, true, Ipv4Addr::new(10, 0, 0, 1), &SENT),
            Some(Incoming::Error {
                from: "10.0.0.1".parse().unwrap(),
                dest: "10.0.1.2".parse().unwrap(),
                ident: 0x0101,
                seq: 5,
                icmp_type: 11,
                icmp_code: 0
            })
        );
        // An error about a UDP datagram is not about a ping.
        let mut udp = ipv4_header(17, [10, 0, 0, 2], [10, 0, 1, 2], 84, 1);
        udp.extend_from_slice(&[0; 8]);
        let mut error = vec![3, 3, 0, 0, 0, 0, 0, 0];
        error.extend_from_slice(&udp);
        assert_eq!(parse_v4(&error, false, Ipv4Addr::LOCALHOST, &SENT), None);
    }

    #[test]
    fn v4_other_types_and_short_packets_are_ignored() {
        assert_eq!(
            parse_v4(&echo(false, 8, 1, 1), false, Ipv4Addr::LOCALHOST, &SENT),
            None
        );
        assert_eq!(
            parse_v4(&[0, 0, 0], false, Ipv4Addr::LOCALHOST, &SENT),
            None
        );
        assert_eq!(parse_v4(&[0x45, 0], true, Ipv4Addr::LOCALHOST, &SENT), None);
    }

    #[test]
    fn v6_reply_and_error() {
        let reply = echo(true, 129, 7, 8);
        assert_eq!(
            parse_v6(&reply, Ipv6Addr::LOCALHOST, Some(64), &SENT),
            Some(Incoming::Reply {
                from: IpAddr::V6(Ipv6Addr::LOCALHOST),
                ident: 7,
                seq: 8,
                ttl: Some(64),
                bytes: 64,
                data: EchoData::Intact
            })
        );
        let mut inner = vec![0x60, 0, 0, 0, 0, 64, 58, 1];
        inner.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        let dest: Ipv6Addr = "fd00::2".parse().unwrap();
        inner.extend_from_slice(&dest.octets());
        inner.extend_from_slice(&echo(true, 128, 7, 9)[..8]);
        let mut error = vec![3, 0, 0, 0, 0, 0, 0, 0];
        error.extend_from_slice(&inner);
        assert_eq!(
            parse_v6(&error, "fd00::1".parse().unwrap(), None, &SENT),
            Some(Incoming::Error {
                from: "fd00::1".parse().unwrap(),
                dest: IpAddr::V6(dest),
                ident: 7,
                seq: 9,
                icmp_type: 3,
                icmp_code: 0
            })
        );
        assert_eq!(
            parse_v6(&echo(true, 128, 1, 1), Ipv6Addr::LOCALHOST, None, &SENT),
            None
        );
    }

    #[test]
    fn reply_payload_compared_with_the_request() {
        let sent: Vec<u8> = (0..56).collect();
        assert_eq!(EchoData::check(&sent, &sent), EchoData::Intact);
        // Longer than sent: only what was sent is compared.
        let mut longer = sent.clone();
        longer.extend_from_slice(&[0xee; 1344]);
        assert_eq!(EchoData::check(&sent, &longer), EchoData::Intact);
        assert_eq!(EchoData::check(&sent, &sent[..20]), EchoData::Truncated);
        let mut wrong = sent.clone();
        wrong[20] = 0xeb;
        wrong[30] = 0;
        let EchoData::Wrong(w) = EchoData::check(&sent, &wrong) else {
            panic!("not wrong");
        };
        assert_eq!((w.offset, w.expected, w.got), (20, 0x14, 0xeb));
        assert_eq!(w.received, wrong);
        // Through the parser: the reply of a raw socket with its payload changed (and its
        // checksum made right again, else it is not counted at all).
        let mut reply = Vec::new();
        build_echo(&mut reply, false, 1, 1, &wrong);
        reply[0] = 0;
        reply[2..4].copy_from_slice(&[0, 0]);
        let sum = icmp::checksum(&IcmpPacket::new(&reply).unwrap());
        reply[2..4].copy_from_slice(&sum.to_be_bytes());
        let mut packet = ipv4_header(1, [10, 0, 0, 2], [10, 0, 0, 1], 84, 64);
        packet.extend_from_slice(&reply);
        let Some(Incoming::Reply { data, bytes, .. }) =
            parse_v4(&packet, true, Ipv4Addr::new(10, 0, 0, 2), &sent)
        else {
            panic!("not a reply");
        };
        assert_eq!(bytes, 64);
        assert!(matches!(data, EchoData::Wrong(w) if w.offset == 20));
        let v6 = echo(true, 129, 1, 1);
        let got = parse_v6(&v6[..40], Ipv6Addr::LOCALHOST, None, &SENT);
        assert!(matches!(
            got,
            Some(Incoming::Reply {
                bytes: 40,
                data: EchoData::Truncated,
                ..
            })
        ));
        // JSON: nothing when intact, one field otherwise.
        let json = |d: &EchoData| serde_json::to_string(d).unwrap();
        assert_eq!(json(&EchoData::Intact), "{}");
        assert_eq!(json(&EchoData::Truncated), r#"{"truncated":true}"#);
        assert_eq!(
            json(&EchoData::check(&sent, &wrong)),
            r#"{"wrong_data":{"offset":20,"expected":20,"got":235}}"#
        );
    }

    #[test]
    fn error_texts_match_ping() {
        assert_eq!(error_text(false, 11, 0), "Time to live exceeded");
        assert_eq!(error_text(false, 3, 1), "Destination Host Unreachable");
        assert_eq!(error_text(false, 3, 99), "Dest Unreachable, Bad Code: 99");
        assert_eq!(error_text(true, 3, 0), "Time exceeded: Hop limit");
        assert_eq!(
            error_text(true, 1, 3),
            "Destination unreachable: Address unreachable"
        );
    }
}
