//! How a decoded packet is shown: one line in tcpdump's words, an indented block per layer
//! (`--layers`), or one JSON object.

use std::fmt::{self, Write as _};
use std::time::Duration;

use serde::Serialize;

use crate::model::packet::arp::ArpOp;
use crate::model::packet::flow::{Note, Relative};
use crate::model::packet::{Packet, Tcp};

/// One packet as reported.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PacketRecord {
    #[serde(rename = "type")]
    kind: &'static str,
    index: u64,
    time: f64,
    interface: Option<String>,
    direction: Option<&'static str>,
    #[serde(flatten)]
    packet: Packet,
    seq_rel: Option<u32>,
    ack_rel: Option<u32>,
    narration: Vec<Note>,
    #[serde(skip)]
    stamp: Duration,
    #[serde(skip)]
    layers: bool,
}

impl PacketRecord {
    /// A record for the packet numbered `index` (from 1).
    #[allow(clippy::too_many_arguments)]
    #[must_use]
    pub fn new(
        index: u64,
        stamp: Duration,
        interface: Option<&str>,
        direction: Option<&'static str>,
        packet: Packet,
        relative: Relative,
        narration: Vec<Note>,
        layers: bool,
    ) -> Self {
        Self {
            kind: "packet",
            index,
            time: stamp.as_secs_f64(),
            interface: interface.map(str::to_string),
            direction,
            packet,
            seq_rel: relative.seq,
            ack_rel: relative.ack,
            narration,
            stamp,
            layers,
        }
    }

    /// `HH:MM:SS.uuuuuu` (UTC).
    fn clock(&self) -> String {
        let secs = self.stamp.as_secs();
        format!(
            "{:02}:{:02}:{:02}.{:06}",
            secs / 3600 % 24,
            secs / 60 % 60,
            secs % 60,
            self.stamp.subsec_micros()
        )
    }

    fn endpoints(&self, sep: char) -> String {
        let Some(ip) = &self.packet.ip else {
            return String::new();
        };
        match self.packet.ports() {
            Some((s, d)) => format!("{}{sep}{s} > {}{sep}{d}", ip.src, ip.dst),
            None => format!("{} > {}", ip.src, ip.dst),
        }
    }

    /// The TCP details as tcpdump prints them, with relative numbers where known.
    fn tcp_text(&self, tcp: &Tcp) -> String {
        let mut text = format!("Flags [{}]", tcp.flags);
        let syn_fin_rst = tcp.has(0x02) || tcp.has(0x01) || tcp.has(0x04);
        let seq = self.seq_rel.unwrap_or(tcp.seq);
        if tcp.payload_len > 0 {
            let end = seq.wrapping_add(u32::try_from(tcp.payload_len).unwrap_or(0));
            let _ = write!(text, ", seq {seq}:{end}");
        } else if syn_fin_rst {
            let _ = write!(text, ", seq {seq}");
        }
        if let Some(ack) = tcp.ack {
            let _ = write!(text, ", ack {}", self.ack_rel.unwrap_or(ack));
        }
        let _ = write!(text, ", win {}", tcp.window);
        if !tcp.options.is_empty() {
            let options: Vec<String> = tcp.options.iter().map(ToString::to_string).collect();
            let _ = write!(text, ", options [{}]", options.join(","));
        }
        let _ = write!(text, ", length {}", tcp.payload_len);
        text
    }

    /// The transport and application layers in one phrase.
    fn upper_text(&self) -> String {
        let p = &self.packet;
        if let Some(tcp) = &p.tcp {
            let mut text = self.tcp_text(tcp);
            if let Some(dns) = &p.dns {
                let _ = write!(text, ": {dns}");
            }
            return text;
        }
        if let Some(udp) = &p.udp {
            return match &p.dns {
                Some(dns) => format!("{dns} ({})", udp.payload_len),
                None => format!("UDP, length {}", udp.payload_len),
            };
        }
        if let Some(icmp) = &p.icmp {
            let mut text = if icmp.version == 6 {
                format!("ICMP6, {}", icmp.name)
            } else {
                format!("ICMP {}", icmp.name)
            };
            if let (Some(id), Some(seq)) = (icmp.id, icmp.seq) {
                let _ = write!(text, ", id {id}, seq {seq}");
            }
            let _ = write!(text, ", length {}", icmp.length);
            return text;
        }
        match &p.ip {
            Some(ip) => format!("{}, length {}", ip.proto_name, ip.length),
            None => String::new(),
        }
    }

    fn one_line(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.clock())?;
        if let Some(name) = &self.interface {
            write!(f, " {name}")?;
        }
        if let Some(dir) = self.direction {
            write!(f, " {}", if dir == "out" { "Out" } else { "In " })?;
        }
        let p = &self.packet;
        if let Some(arp) = &p.arp {
            write!(f, " {arp}, length 28")?;
        } else if let Some(ip) = &p.ip {
            let family = if ip.version == 6 { "IP6" } else { "IP" };
            let sep = if p.icmp.is_some() { ' ' } else { '.' };
            write!(
                f,
                " {family} {}: {}",
                self.endpoints(sep),
                self.upper_text()
            )?;
        } else if let Some(link) = &p.link {
            write!(f, " ethertype {}, length {}", link.ethertype_name, p.length)?;
        }
        if let Some(error) = &p.error {
            write!(f, " [{error}]")?;
        }
        for note in &self.narration {
            write!(f, "\n    {} {:<9} {}", note.phase, note.step, note.text)?;
        }
        Ok(())
    }

    fn block(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.packet;
        write!(f, "#{} {}", self.index, self.clock())?;
        if let Some(name) = &self.interface {
            write!(f, " {name}")?;
        }
        if let Some(dir) = self.direction {
            write!(f, " {dir}")?;
        }
        writeln!(
            f,
            ", {}",
            crate::output::words::count(p.length, "byte", "bytes")
        )?;
        let row = |f: &mut fmt::Formatter<'_>, tcpip: &str, osi: &str, text: &str| {
            writeln!(f, "  {tcpip:<11} {osi:<22} {text}")
        };
        if let Some(link) = &p.link {
            let mac = |m: &Option<String>, v: Option<&str>| match (m, v) {
                (Some(m), Some(v)) => format!("{m} ({v})"),
                (Some(m), None) => m.clone(),
                (None, _) => "-".to_string(),
            };
            let text = match link.kind {
                "ethernet" => format!(
                    "Ethernet {} > {}, type {} (0x{:04x})",
                    mac(&link.src_mac, link.src_vendor),
                    mac(&link.dst_mac, link.dst_vendor),
                    link.ethertype_name,
                    link.ethertype
                ),
                "cooked" => format!(
                    "Linux cooked {} from {}, type {} (0x{:04x})",
                    link.direction.unwrap_or("?"),
                    mac(&link.src_mac, link.src_vendor),
                    link.ethertype_name,
                    link.ethertype
                ),
                _ => format!("loopback pseudo-header, family {}", link.ethertype_name),
            };
            row(f, "Link", "(OSI 2, data link)", &text)?;
        }
        if let Some(arp) = &p.arp {
            let op = match arp.op {
                ArpOp::Request => "request",
                ArpOp::Reply => "reply",
                ArpOp::Other => "other",
            };
            let text = format!(
                "ARP {op}: sender {} {}, target {} {}",
                arp.sender_ip, arp.sender_mac, arp.target_ip, arp.target_mac
            );
            row(f, "Link", "(OSI 2-3, ARP)", &text)?;
        }
        if let Some(ip) = &p.ip {
            let text = if ip.version == 4 {
                let flags = if ip.flags.is_empty() {
                    "none".to_string()
                } else {
                    ip.flags.join(",")
                };
                format!(
                    "IPv4 {} > {}, ttl {}, id {}, flags [{flags}], offset {}, proto {} ({}), length {}",
                    ip.src,
                    ip.dst,
                    ip.ttl,
                    ip.id.unwrap_or(0),
                    ip.fragment_offset,
                    ip.proto_name,
                    ip.proto,
                    ip.length
                )
            } else {
                format!(
                    "IPv6 {} > {}, hop limit {}, flow label 0x{:05x}, next header {} ({}), payload length {}",
                    ip.src,
                    ip.dst,
                    ip.ttl,
                    ip.flow_label.unwrap_or(0),
                    ip.proto_name,
                    ip.proto,
                    ip.length
                )
            };
            row(f, "Internet", "(OSI 3, network)", &text)?;
        }
        if p.tcp.is_some() || p.udp.is_some() || p.icmp.is_some() {
            let text = if let Some(tcp) = &p.tcp {
                format!(
                    "TCP {} > {}, {}",
                    tcp.src_port,
                    tcp.dst_port,
                    self.tcp_text(tcp)
                )
            } else if let Some(udp) = &p.udp {
                format!(
                    "UDP {} > {}, length {}",
                    udp.src_port, udp.dst_port, udp.payload_len
                )
            } else {
                self.upper_text()
            };
            let osi = if p.icmp.is_some() {
                "(OSI 3, network)"
            } else {
                "(OSI 4, transport)"
            };
            row(f, "Transport", osi, &text)?;
        }
        if let Some(dns) = &p.dns {
            row(f, "Application", "(OSI 5-7)", &dns.to_string())?;
        } else if let Some(text) = &p.payload_text {
            row(f, "Application", "(OSI 5-7)", &format!("\"{text}\""))?;
        }
        if let Some(error) = &p.error {
            writeln!(f, "  error: {error}")?;
        }
        for note in &self.narration {
            writeln!(f, "  {} {} {}", note.phase, note.step, note.text)?;
        }
        Ok(())
    }
}

impl fmt::Display for PacketRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.layers {
            self.block(f)
        } else {
            self.one_line(f)
        }
    }
}

/// The closing counts.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Summary {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    /// Packets that matched the filters.
    pub(super) captured: u64,
    /// Packets written to the file.
    pub(super) written: u64,
    /// Frames the kernel passed to the socket (live capture only).
    pub(super) kernel_received: Option<u64>,
    /// Frames the kernel dropped because the socket's buffer was full.
    pub(super) kernel_dropped: Option<u64>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} captured",
            crate::output::words::count(self.captured, "packet", "packets")
        )?;
        if self.written > 0 {
            write!(f, ", {} written", self.written)?;
        }
        if let (Some(received), Some(dropped)) = (self.kernel_received, self.kernel_dropped) {
            write!(
                f,
                ", {received} received by the socket, {dropped} dropped by the kernel"
            )?;
        }
        Ok(())
    }
}
