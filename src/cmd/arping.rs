//! `nettool arping IP`: ARP who-has requests on the interface that reaches IP (or `-I`), each
//! reply's MAC, vendor and time, as iputils `arping` prints them; `-D` duplicate address
//! detection and `-U` gratuitous announcements. IPv6 has no ARP: neighbour discovery (NDP)
//! does that job there.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::duration;
use crate::model::mac::vendor;
use crate::model::packet::arp::{self, ArpOp};
use crate::net::capture::ArpSocket;
use crate::output::Output;

/// Arguments of `nettool arping`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// The IPv4 address to ask for
    #[arg(value_name = "IP")]
    pub target: String,

    /// The interface to send on (default: the one whose network holds IP)
    #[arg(short = 'I', long = "interface", value_name = "IFACE")]
    pub interface: Option<String>,

    /// Stop after sending N requests (with -w: after N replies)
    #[arg(short = 'c', long, value_name = "N")]
    pub count: Option<u32>,

    /// Stop after this long whatever was sent (1s, 500ms; a bare number is seconds)
    #[arg(short = 'w', long, value_name = "DEADLINE", value_parser = duration::value_parser)]
    pub deadline: Option<Duration>,

    /// Time between requests
    #[arg(short = 'i', long, value_name = "INTERVAL", default_value = "1s", value_parser = duration::value_parser)]
    pub interval: Duration,

    /// Duplicate address detection: ask from 0.0.0.0 and stop at the first answer; exit 1 when
    /// another host answers (the address is taken), 0 when none does
    #[arg(short = 'D', long = "dad", conflicts_with = "unsolicited")]
    pub dad: bool,

    /// Gratuitous ARP: announce this host's own address IP to the network (no answer expected)
    #[arg(short = 'U', long = "unsolicited")]
    pub unsolicited: bool,
}

const JSON_FIELDS: &str = "JSON output (--json), NDJSON: {type: \"reply\", ip, mac, vendor, \
rtt_ms, unicast} for each answer, then {type: \"summary\", target, interface, source, sent, \
broadcasts, received, mode (request|dad|unsolicited)}. Exit status: 0 when a host answered \
(with -D: when none did, so the address is free; with -U: when the announcements were sent), \
1 when none answered (with -D: another host holds the address), 2 for an error (not an IPv4 \
address, no interface reaches it, no privilege).";

/// What arping is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Ask who has IP.
    Request,
    /// Ask from 0.0.0.0 whether anyone holds IP.
    Dad,
    /// Announce our own IP.
    Unsolicited,
}

/// Validated arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address asked for.
    pub target: Ipv4Addr,
    /// The chosen interface.
    pub interface: Option<String>,
    /// The request count.
    pub count: Option<u32>,
    /// The deadline.
    pub deadline: Option<Duration>,
    /// Time between requests.
    pub interval: Duration,
    /// The mode.
    pub mode: Mode,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let target = match args.target.parse::<IpAddr>() {
            Ok(IpAddr::V4(v4)) => v4,
            Ok(IpAddr::V6(_)) => {
                return Err(Error::invalid(
                    &args.target,
                    "IPv6 has no ARP: neighbour discovery (NDP) finds MACs there; \
                     `nettool ping` the address, then `nettool ifconfig --neighbours`",
                ));
            }
            Err(_) => return Err(Error::invalid(&args.target, "not an IPv4 address")),
        };
        if args.count == Some(0) {
            return Err(Error::invalid("-c 0", "the count must be at least 1"));
        }
        if args.interval.is_zero() {
            return Err(Error::invalid("-i 0", "the interval must be above zero"));
        }
        let mode = if args.dad {
            Mode::Dad
        } else if args.unsolicited {
            Mode::Unsolicited
        } else {
            Mode::Request
        };
        Ok(Self {
            target,
            interface: args.interface,
            count: args.count,
            deadline: args.deadline,
            interval: args.interval,
            mode,
        })
    }
}

/// One answer.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Reply {
    #[serde(rename = "type")]
    kind: &'static str,
    ip: Ipv4Addr,
    mac: String,
    vendor: Option<&'static str>,
    rtt_ms: f64,
    unicast: bool,
}

impl fmt::Display for Reply {
    /// As iputils: `Unicast reply from 10.0.0.2 [AA:BB:CC:DD:EE:FF]  0.572ms`, then the vendor.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cast = if self.unicast { "Unicast" } else { "Broadcast" };
        write!(
            f,
            "{cast} reply from {} [{}]  {:.3}ms",
            crate::output::paint(self.ip, crate::output::Paint::Address),
            self.mac.to_uppercase(),
            self.rtt_ms
        )?;
        if let Some(v) = self.vendor {
            write!(f, "  {v}")?;
        }
        Ok(())
    }
}

/// The closing counts.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Summary {
    #[serde(rename = "type")]
    kind: &'static str,
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    target: Ipv4Addr,
    interface: String,
    source: Ipv4Addr,
    sent: u32,
    broadcasts: u32,
    received: u32,
    mode: Mode,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Sent {} probes ({} broadcast(s))",
            self.sent, self.broadcasts
        )?;
        write!(f, "Received {} response(s)", self.received)
    }
}

/// The interface to use: the one named, or the one whose IPv4 network holds the target; with
/// its index, MAC and first IPv4 address.
fn pick_interface(config: &Config) -> Result<(String, u32, [u8; 6], Ipv4Addr)> {
    let interfaces = pnet::datalink::interfaces();
    let v4 = |i: &pnet::datalink::NetworkInterface| {
        i.ips.iter().find_map(|n| match n.ip() {
            IpAddr::V4(a) => Some(a),
            IpAddr::V6(_) => None,
        })
    };
    let chosen = match &config.interface {
        Some(name) => interfaces
            .iter()
            .find(|i| &i.name == name)
            .ok_or_else(|| Error::invalid(name, "no such interface"))?,
        None => interfaces
            .iter()
            .find(|i| {
                !i.is_loopback()
                    && i.ips
                        .iter()
                        .any(|n| n.is_ipv4() && n.contains(IpAddr::V4(config.target)))
            })
            .ok_or_else(|| {
                Error::invalid(
                    config.target.to_string(),
                    "no interface is on a network that holds this address: name one with -I",
                )
            })?,
    };
    let mac = chosen
        .mac
        .map(|m| m.octets())
        .filter(|m| *m != [0; 6])
        .ok_or_else(|| {
            Error::invalid(
                &chosen.name,
                "has no MAC address: ARP needs an Ethernet-like interface",
            )
        })?;
    let source = v4(chosen).unwrap_or(Ipv4Addr::UNSPECIFIED);
    Ok((chosen.name.clone(), chosen.index, mac, source))
}

/// Run `nettool arping`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::try_from(args)?;
    let (interface, ifindex, mac, own_ip) = pick_interface(&config)?;
    let opened =
        crate::net::privilege::with_raised(|| ArpSocket::open(ifindex, Duration::from_millis(20)));
    // The packet socket is the only thing that needs a capability.
    crate::net::privilege::drop_all();
    let socket = opened.map_err(|e| {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            Error::Permission(
                "arping needs CAP_NET_RAW to send ARP: run it as root, or \
                 `setcap cap_net_raw+ep $(which nettool)`"
                    .to_string(),
            )
        } else {
            Error::io(format!("open an ARP socket on {interface}"), e)
        }
    })?;
    let (source, asked) = match config.mode {
        Mode::Request => (own_ip, config.target),
        Mode::Dad => (Ipv4Addr::UNSPECIFIED, config.target),
        Mode::Unsolicited => (config.target, config.target),
    };
    if !out.is_json() {
        out.write_text(&format!(
            "ARPING {} from {source} {interface}\n",
            config.target
        ))?;
        out.flush()?;
    }
    let interrupted = crate::runtime::interrupt_flag()?;
    let start = Instant::now();
    let deadline = config.deadline.map(|d| start + d);
    let mut summary = Summary {
        schema_version: crate::output::schema::SchemaVersion,
        kind: "summary",
        target: config.target,
        interface,
        source,
        sent: 0,
        broadcasts: 0,
        received: 0,
        mode: config.mode,
    };
    let mut peer: Option<[u8; 6]> = None;
    let mut next_send = start;
    let mut last_sent = start;
    let mut buf = [0u8; 256];
    loop {
        let now = Instant::now();
        if interrupted.load(Ordering::SeqCst) || deadline.is_some_and(|d| now >= d) {
            break;
        }
        let all_sent = config.count.is_some_and(|c| summary.sent >= c);
        let enough = match (config.count, config.deadline) {
            (Some(c), Some(_)) => summary.received >= c,
            (Some(_), None) => all_sent && now >= next_send,
            _ => false,
        };
        if enough || (config.mode == Mode::Dad && summary.received > 0) {
            break;
        }
        if now >= next_send && !all_sent {
            // After the first answer, iputils asks the answering host directly.
            let to = match (config.mode, peer) {
                (Mode::Request, Some(p)) => p,
                _ => [0xff; 6],
            };
            let packet = arp::build(ArpOp::Request, mac, source, [0; 6], asked);
            socket
                .send(&packet, to)
                .map_err(|e| Error::io(format!("send ARP on {}", summary.interface), e))?;
            summary.sent += 1;
            if to == [0xff; 6] {
                summary.broadcasts += 1;
            }
            last_sent = Instant::now();
            next_send = start + config.interval * summary.sent;
            continue;
        }
        let Some((len, from)) = socket
            .recv(&mut buf)
            .map_err(|e| Error::io(format!("receive ARP on {}", summary.interface), e))?
        else {
            continue;
        };
        if config.mode == Mode::Unsolicited {
            continue;
        }
        let Some(reply) = arp::decode(&buf[..len]) else {
            continue;
        };
        let for_us = config.mode == Mode::Dad || reply.target_ip == source;
        if reply.op != ArpOp::Reply || reply.sender_ip != config.target || !for_us {
            continue;
        }
        summary.received += 1;
        peer = Some(reply.sender_bytes);
        let record = Reply {
            kind: "reply",
            ip: reply.sender_ip,
            mac: reply.sender_mac,
            vendor: vendor(from),
            rtt_ms: last_sent.elapsed().as_secs_f64() * 1000.0,
            unicast: true,
        };
        out.record(&record)?;
    }
    if out.is_json() {
        out.record(&summary)?;
    } else {
        out.report(&summary)?;
    }
    Ok(match config.mode {
        Mode::Request => Outcome::from_bool(summary.received > 0),
        Mode::Dad => Outcome::from_bool(summary.received == 0),
        Mode::Unsolicited => Outcome::Yes,
    })
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::record::<Reply>(generator),
        crate::output::schema::record::<Summary>(generator),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parse_args;

    fn config(argv: &[&str]) -> Result<Config> {
        Config::try_from(
            parse_args::<Args>("arping", argv).map_err(|e| Error::other(e.to_string()))?,
        )
    }

    #[test]
    fn modes_and_limits() {
        let c = config(&["10.0.0.2", "-c", "3", "-w", "2", "-I", "eth0"]).unwrap();
        assert_eq!(
            (c.count, c.deadline),
            (Some(3), Some(Duration::from_secs(2)))
        );
        assert_eq!(
            (c.mode, c.interface.as_deref()),
            (Mode::Request, Some("eth0"))
        );
        assert_eq!(config(&["10.0.0.2", "-D"]).unwrap().mode, Mode::Dad);
        assert_eq!(config(&["10.0.0.2", "-U"]).unwrap().mode, Mode::Unsolicited);
        assert!(config(&["10.0.0.2", "-U", "-D"]).is_err());
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(
            config(&["10.0.0.300"]).err().unwrap().to_string(),
            "10.0.0.300: not an IPv4 address"
        );
        let v6 = config(&["fe80::1"]).err().unwrap().to_string();
        assert!(
            v6.starts_with("fe80::1: IPv6 has no ARP: neighbour discovery (NDP)"),
            "{v6}"
        );
        assert!(config(&["10.0.0.2", "-c", "0"]).is_err());
        assert!(config(&["10.0.0.2", "-i", "0"]).is_err());
    }

    #[test]
    fn reply_line_is_iputils_with_the_vendor_after() {
        let mut reply = Reply {
            kind: "reply",
            ip: Ipv4Addr::new(10, 0, 0, 2),
            mac: "3e:ee:31:7f:42:84".to_string(),
            vendor: None,
            rtt_ms: 0.5721,
            unicast: true,
        };
        assert_eq!(
            reply.to_string(),
            "Unicast reply from 10.0.0.2 [3E:EE:31:7F:42:84]  0.572ms"
        );
        reply.vendor = Some("Example Corp");
        assert!(reply.to_string().ends_with("0.572ms  Example Corp"));
    }
}
