//! `nettool sniff [IFACE]`: capture frames with an AF_PACKET socket (or read a pcap file) and
//! decode each layer by layer, one line per packet like tcpdump or, with `--layers`, as the
//! OSI / TCP-IP stack; narrate each TCP connection's handshake and close; write what was
//! captured to a pcap file with `-w`. Kernel drops are reported at the end.
//!
//! The work is here; [`render`] turns each packet into text or JSON.

mod render;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::ValueEnum;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::duration;
use crate::model::packet::{self, LinkType, Packet, flow::FlowTracker};
use crate::net::capture::{Capture, FrameInfo};
use crate::net::pcap;
use crate::output::Output;

use render::{PacketRecord, Summary};

/// Arguments of `nettool sniff`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// The interface to capture on (default: all; `any` means all too)
    #[arg(value_name = "IFACE", conflicts_with = "read")]
    pub interface: Option<String>,

    /// Only packets to or from this IP address (IP source or destination, ARP sender or target)
    #[arg(long, value_name = "IP")]
    pub host: Option<String>,

    /// Only TCP and UDP packets with this source or destination port
    #[arg(long, value_name = "PORT")]
    pub port: Option<String>,

    /// Only packets of this protocol
    #[arg(long, value_enum, value_name = "PROTO")]
    pub proto: Option<ProtoFilter>,

    /// Stop after this many matching packets
    #[arg(short = 'c', long, value_name = "N")]
    pub count: Option<u64>,

    /// Stop after this long (250ms, 2s, 1m; a bare number is seconds)
    #[arg(long, value_name = "DURATION", value_parser = duration::value_parser)]
    pub duration: Option<Duration>,

    /// Print each packet as an indented block, one line per layer (link, internet, transport,
    /// application), labelled with the OSI and TCP/IP layer names
    #[arg(long)]
    pub layers: bool,

    /// Write the matching packets to this pcap file (readable by tcpdump -r and Wireshark)
    /// instead of printing them
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,

    /// Decode a pcap file instead of capturing
    #[arg(
        short = 'r',
        long = "read",
        value_name = "FILE",
        conflicts_with = "write"
    )]
    pub read: Option<PathBuf>,
}

/// `--proto` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtoFilter {
    /// TCP segments.
    Tcp,
    /// UDP datagrams.
    Udp,
    /// ICMP and ICMPv6 messages.
    Icmp,
    /// ARP requests and replies.
    Arp,
}

const JSON_FIELDS: &str = "JSON output (--json), NDJSON: one object per packet {type: \"packet\", \
index, time (seconds since the epoch), interface, direction (in|out|null), length, link {kind \
(ethernet|loopback|cooked), src_mac, dst_mac, src_vendor, dst_vendor, ethertype, ethertype_name}, \
arp {op (request|reply), sender_mac, sender_vendor, sender_ip, target_mac, target_ip}, ip {version, \
src, dst, ttl, id, flags [DF, MF], fragment_offset, tos, flow_label, proto, proto_name, length}, \
tcp {src_port, dst_port, flags (as tcpdump: S, S., P., F.), seq, ack, seq_rel, ack_rel, window, \
options [{kind: mss|wscale|sack_ok|sack|timestamp|nop|eol|other, ...}], payload_len}, udp \
{src_port, dst_port, payload_len}, icmp {version, type, code, name, id, seq, length}, dns {id, \
response, rcode, recursion_desired, questions [{name, type}], answers, authority_count, \
additional_count}, payload_text, error, narration [{phase (handshake|close|reset), step, text}]} \
(absent layers are null), then {type: \"summary\", captured, written, kernel_received, \
kernel_dropped}. Needs root or CAP_NET_RAW to capture; -r needs neither. Exit status: 0 when a \
packet matched, 1 when none did, 2 for an error (no privilege, no such interface, bad file).";

/// Validated arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// The interface name (`None`: all).
    pub interface: Option<String>,
    /// The host filter.
    pub host: Option<IpAddr>,
    /// The port filter.
    pub port: Option<u16>,
    /// The protocol filter.
    pub proto: Option<ProtoFilter>,
    /// The packet limit.
    pub count: Option<u64>,
    /// The time limit.
    pub duration: Option<Duration>,
    /// Print layer blocks.
    pub layers: bool,
    /// The file to write.
    pub write: Option<PathBuf>,
    /// The file to read.
    pub read: Option<PathBuf>,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let host = args
            .host
            .as_deref()
            .map(|h| {
                h.parse::<IpAddr>()
                    .map_err(|_| Error::invalid(h, "not an IPv4 or IPv6 address"))
            })
            .transpose()?;
        let port = args
            .port
            .as_deref()
            .map(|p| {
                p.parse::<u16>()
                    .map_err(|_| Error::invalid(p, "not a port number 0-65535"))
            })
            .transpose()?;
        if args.count == Some(0) {
            return Err(Error::invalid("-c 0", "the count must be at least 1"));
        }
        let interface = args.interface.filter(|i| i != "any");
        if let Some(name) = &interface
            && (name.is_empty()
                || name.len() > 15
                || name.contains('/')
                || name.contains(char::is_whitespace))
        {
            return Err(Error::invalid(name, "not an interface name"));
        }
        Ok(Self {
            interface,
            host,
            port,
            proto: args.proto,
            count: args.count,
            duration: args.duration,
            layers: args.layers,
            write: args.write,
            read: args.read,
        })
    }
}

impl Config {
    /// Whether a packet passes the filters.
    #[must_use]
    pub fn matches(&self, packet: &Packet) -> bool {
        if self.host.is_some_and(|h| !packet.involves(h)) {
            return false;
        }
        if let Some(port) = self.port
            && !packet.ports().is_some_and(|(s, d)| s == port || d == port)
        {
            return false;
        }
        match self.proto {
            None => true,
            Some(ProtoFilter::Tcp) => packet.tcp.is_some(),
            Some(ProtoFilter::Udp) => packet.udp.is_some(),
            Some(ProtoFilter::Icmp) => packet.icmp.is_some(),
            Some(ProtoFilter::Arp) => packet.arp.is_some(),
        }
    }

    fn filters(&self) -> bool {
        self.host.is_some() || self.port.is_some() || self.proto.is_some()
    }
}

/// Run `nettool sniff`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::try_from(args)?;
    if let Some(path) = &config.read {
        crate::net::privilege::drop_all();
        return read_file(&config, path, out);
    }
    capture(&config, out)
}

/// Prints or writes what matched, and keeps the flow tracker.
struct Sink {
    tracker: FlowTracker,
    writer: Option<pcap::Writer>,
    matched: u64,
    written: u64,
}

impl Sink {
    #[allow(clippy::too_many_arguments)]
    fn frame(
        &mut self,
        config: &Config,
        out: &mut Output,
        link: LinkType,
        data: &[u8],
        length: usize,
        time: Duration,
        interface: Option<&str>,
        direction: Option<&'static str>,
    ) -> Result<()> {
        // Writing without filters needs no decoding: the fast path for a busy capture.
        if config.write.is_some() && !config.filters() {
            self.matched += 1;
            return self.write(time, length, data);
        }
        let packet = packet::decode(link, data, length);
        if !config.matches(&packet) {
            return Ok(());
        }
        self.matched += 1;
        if config.write.is_some() {
            return self.write(time, length, data);
        }
        let (relative, narration) = self.tracker.observe(time.as_secs_f64(), &packet);
        let record = PacketRecord::new(
            self.matched,
            time,
            interface,
            direction,
            packet,
            relative,
            narration,
            config.layers,
        );
        out.record_unflushed(&record)
    }

    fn write(&mut self, time: Duration, length: usize, data: &[u8]) -> Result<()> {
        if let Some(writer) = &mut self.writer {
            writer.write(time, length, data)?;
            self.written += 1;
        }
        Ok(())
    }
}

fn read_file(config: &Config, path: &std::path::Path, out: &mut Output) -> Result<Outcome> {
    let mut reader = pcap::Reader::open(path)?;
    let mut sink = Sink {
        tracker: FlowTracker::new(),
        writer: None,
        matched: 0,
        written: 0,
    };
    while let Some(frame) = reader.next_frame()? {
        sink.frame(
            config,
            out,
            reader.link,
            &frame.data,
            frame.length,
            frame.time,
            None,
            None,
        )?;
        if config.count.is_some_and(|c| sink.matched >= c) {
            break;
        }
    }
    out.flush()?;
    finish(out, &sink, None)?;
    Ok(Outcome::from_bool(sink.matched > 0))
}

fn interface_names() -> std::collections::HashMap<u32, String> {
    pnet::datalink::interfaces()
        .into_iter()
        .map(|i| (i.index, i.name))
        .collect()
}

/// The Linux cooked header (16 bytes) for a frame, and where its network layer starts.
fn cooked(info: &FrameInfo, frame: &[u8]) -> Vec<u8> {
    let body = if info.ethernet {
        frame.get(14..).unwrap_or_default()
    } else {
        frame
    };
    let mut out = Vec::with_capacity(16 + body.len());
    out.extend_from_slice(&u16::from(info.pkttype).to_be_bytes());
    out.extend_from_slice(&info.hatype.to_be_bytes());
    out.extend_from_slice(&u16::from(info.addr.1).to_be_bytes());
    out.extend_from_slice(&info.addr.0);
    out.extend_from_slice(&info.protocol.to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn capture(config: &Config, out: &mut Output) -> Result<Outcome> {
    let names = interface_names();
    let ifindex = match &config.interface {
        None => None,
        Some(name) => Some(
            names
                .iter()
                .find(|(_, n)| *n == name)
                .map(|(i, _)| *i)
                .ok_or_else(|| Error::invalid(name, "no such interface"))?,
        ),
    };
    let opened = crate::net::privilege::with_raised(|| {
        Capture::open(ifindex, 32 << 20, Duration::from_millis(100))
    });
    // The packet socket is the only thing that needs a capability.
    crate::net::privilege::drop_all();
    let mut capture = opened.map_err(|e| {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            Error::Permission(
                "sniff needs CAP_NET_RAW to open a packet socket: run it as root, or \
                 `setcap cap_net_raw+ep $(which nettool)`"
                    .to_string(),
            )
        } else {
            Error::io("open a packet socket", e)
        }
    })?;
    // One interface with Ethernet framing is written as Ethernet; all interfaces as Linux
    // cooked frames, as `tcpdump -i any` writes them.
    let single_ethernet = ifindex.is_some();
    let link = if single_ethernet {
        LinkType::Ethernet
    } else {
        LinkType::LinuxSll
    };
    let interrupted = crate::runtime::interrupt_flag()?;
    let mut sink = Sink {
        tracker: FlowTracker::new(),
        writer: config
            .write
            .as_deref()
            .map(|p| pcap::Writer::create(p, link))
            .transpose()?,
        matched: 0,
        written: 0,
    };
    match &config.interface {
        Some(name) => out.note(format_args!("capturing on {name}")),
        None => out.note("capturing on all interfaces"),
    }
    // Anything the kernel queued before the socket was bound belongs to every interface.
    let _ = capture.stats();
    let deadline = config.duration.map(|d| Instant::now() + d);
    let mut buf = vec![0u8; 65_600];
    let mut kernel = crate::net::capture::CaptureStats::default();
    loop {
        if interrupted.load(Ordering::SeqCst)
            || deadline.is_some_and(|d| Instant::now() >= d)
            || config.count.is_some_and(|c| sink.matched >= c)
        {
            break;
        }
        let Some(info) = capture
            .next(&mut buf)
            .map_err(|e| Error::io("receive from the packet socket", e))?
        else {
            out.flush()?;
            continue;
        };
        let time = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let frame = &buf[..info.captured];
        let interface = names.get(&info.ifindex).map(String::as_str);
        let direction = Some(if info.outgoing { "out" } else { "in" });
        if single_ethernet && info.ethernet {
            sink.frame(
                config,
                out,
                LinkType::Ethernet,
                frame,
                info.length,
                time,
                interface,
                direction,
            )?;
        } else {
            let cooked = cooked(&info, frame);
            let length = info.length + cooked.len() - frame.len();
            sink.frame(
                config,
                out,
                LinkType::LinuxSll,
                &cooked,
                length,
                time,
                interface,
                direction,
            )?;
        }
    }
    out.flush()?;
    if let Ok(stats) = capture.stats() {
        kernel.received += stats.received;
        kernel.dropped += stats.dropped;
    }
    if let Some(writer) = sink.writer.take() {
        writer.finish()?;
    }
    finish(out, &sink, Some(kernel))?;
    Ok(Outcome::from_bool(sink.matched > 0))
}

fn finish(
    out: &mut Output,
    sink: &Sink,
    kernel: Option<crate::net::capture::CaptureStats>,
) -> Result<()> {
    let summary = Summary {
        schema_version: crate::output::schema::SchemaVersion,
        kind: "summary",
        captured: sink.matched,
        written: sink.written,
        kernel_received: kernel.map(|k| k.received),
        kernel_dropped: kernel.map(|k| k.dropped),
    };
    if out.is_json() {
        out.record(&summary)
    } else {
        out.note(&summary);
        Ok(())
    }
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::record::<render::PacketRecord>(generator),
        crate::output::schema::record::<render::Summary>(generator),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parse_args;

    fn config(argv: &[&str]) -> Result<Config> {
        Config::try_from(
            parse_args::<Args>("sniff", argv).map_err(|e| Error::other(e.to_string()))?,
        )
    }

    #[test]
    fn filters_and_limits() {
        let c = config(&[
            "lo",
            "--host",
            "10.0.0.2",
            "--port",
            "53",
            "--proto",
            "udp",
            "-c",
            "3",
            "--duration",
            "2s",
        ])
        .unwrap();
        assert_eq!(c.interface.as_deref(), Some("lo"));
        assert_eq!(c.host, Some("10.0.0.2".parse().unwrap()));
        assert_eq!(
            (c.port, c.count, c.duration),
            (Some(53), Some(3), Some(Duration::from_secs(2)))
        );
        assert_eq!(config(&["any"]).unwrap().interface, None);
    }

    #[test]
    fn bad_input_is_refused() {
        for (argv, message) in [
            (
                &["--host", "10.0.0.300"][..],
                "10.0.0.300: not an IPv4 or IPv6 address",
            ),
            (&["--port", "65536"][..], "65536: not a port number 0-65535"),
            (&["-c", "0"][..], "-c 0: the count must be at least 1"),
            (&["a/b"][..], "a/b: not an interface name"),
        ] {
            assert_eq!(config(argv).err().unwrap().to_string(), message);
        }
        assert!(config(&["--proto", "sctp"]).is_err());
        assert!(config(&["-r", "x.pcap", "-w", "y.pcap"]).is_err());
        assert!(config(&["--duration", "soon"]).is_err());
    }
}
