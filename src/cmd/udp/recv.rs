//! `nettool udp-recv`: the course's UDP server. Bind, print each datagram (source, size,
//! payload escaped or as a hex dump), optionally answer each sender (recvfrom/sendto), join a
//! multicast group, and count a stamped stream's loss, duplicates, reordering and jitter.
//! A reader starts at [`run`]: the receive loop produces [`RecvEvent`]s, [`render`] prints them.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::DatagramRecord;
use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::services::Proto;
use crate::model::socket_trace::SocketCall;
use crate::model::udp_stats::StreamStats;
use crate::net::host::Family;
use crate::net::services::parse_port;
use crate::net::udp::{self, BindOptions};
use crate::output::Output;

/// Arguments of `nettool udp-recv`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// [ADDRESS] PORT: the address to bind (default: every address) and the port (number or
    /// service name)
    #[arg(value_names = ["ADDRESS", "PORT"], num_args = 1..=2, action = clap::ArgAction::Set, required = true)]
    pub endpoint: Vec<String>,

    /// Stop after N datagrams
    #[arg(short = 'c', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Stop after this long without a datagram (250ms, 2s, 1m)
    #[arg(long, value_name = "DURATION", value_parser = crate::model::duration::value_parser)]
    pub idle: Option<Duration>,

    /// Answer each datagram with this text
    #[arg(long, value_name = "TEXT", conflicts_with = "echo")]
    pub reply: Option<String>,

    /// Send each datagram back to its sender
    #[arg(long)]
    pub echo: bool,

    /// Join this multicast group
    #[arg(long, value_name = "GROUP")]
    pub join: Option<IpAddr>,

    /// The interface to join the group on (default: the kernel's choice)
    #[arg(long, value_name = "IFACE", requires = "join")]
    pub iface: Option<String>,

    /// Receive broadcast datagrams (SO_BROADCAST, SO_REUSEADDR, bound to every address)
    #[arg(long)]
    pub broadcast: bool,

    /// Show every payload as a hex dump (automatic for data that is not text)
    #[arg(long)]
    pub hex: bool,

    /// Narrate each socket call (socket, bind, recvfrom, sendto) on stderr
    #[arg(long)]
    pub trace: bool,

    /// Count a stream stamped by `udp-send --seq`: received, lost, duplicated, reordered and
    /// jitter, printed at the end and on Ctrl-C (each datagram only with -v)
    #[arg(long)]
    pub stats: bool,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub family: FamilyArgs,
}

const JSON_FIELDS: &str = "JSON output (--json) is NDJSON. One object per datagram: type \
(\"datagram\"), time (RFC 3339, UTC), from (\"ip:port\"), size (bytes), encoding (\"text\" or \
\"base64\"), payload, seq (for stamped datagrams). Last, one summary: type (\"summary\"), \
datagrams, bytes, elapsed_ms, and with --stats stats {received, unique, lost, duplicated, \
reordered, highest_seq, jitter_ms, unstamped, loss_pct}. With --trace, one object per socket \
call: type (\"trace\"), call. Exit status: 0 when a datagram \
arrived; 1 when none did (--idle, Ctrl-C); 2 on an error such as a port in use.";

/// Validated arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to bind.
    pub bind: SocketAddr,
    /// Stop after this many datagrams.
    pub count: Option<u64>,
    /// Stop after this much silence.
    pub idle: Option<Duration>,
    /// What to answer each sender with.
    pub reply: Reply,
    /// The multicast group to join, and on which interface.
    pub join: Option<(IpAddr, Option<String>)>,
    /// Whether to set SO_BROADCAST.
    pub broadcast: bool,
    /// Whether every payload is a hex dump.
    pub hex: bool,
    /// Whether to count a stamped stream.
    pub stats: bool,
    /// Whether to narrate socket calls.
    pub trace: bool,
}

/// How `udp-recv` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Not at all.
    None,
    /// With fixed text.
    Text(Vec<u8>),
    /// With the datagram itself.
    Echo,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let family = args.family.family();
        let (addr_text, port_text) = match args.endpoint.as_slice() {
            [port] => (None, port.as_str()),
            [addr, port] => (Some(addr.as_str()), port.as_str()),
            _ => unreachable!("clap takes one or two values"),
        };
        let port = parse_port(port_text, Proto::Udp)?;
        let ip = match addr_text {
            Some(text) => Some(crate::net::host::resolve(text, family)?[0]),
            None => None,
        };
        if let Some(group) = args.join
            && !group.is_multicast()
        {
            return Err(Error::invalid(
                group.to_string(),
                "is not a multicast address",
            ));
        }
        let v6 = match (ip, args.join, family) {
            (Some(ip), _, _) => ip.is_ipv6(),
            (None, Some(group), _) => group.is_ipv6(),
            (None, None, Family::V6) => true,
            (None, None, Family::V4) => false,
            // Broadcast is IPv4 only; otherwise the IPv6 wildcard takes both families.
            (None, None, Family::Any) => !args.broadcast,
        };
        let bind = match ip {
            Some(ip) => SocketAddr::new(ip, port),
            None => udp::wildcard(v6, port),
        };
        let reply = match (args.reply, args.echo) {
            (Some(text), _) => Reply::Text(text.into_bytes()),
            (None, true) => Reply::Echo,
            (None, false) => Reply::None,
        };
        Ok(Self {
            bind,
            count: args.count,
            idle: args.idle,
            reply,
            join: args.join.map(|g| (g, args.iface)),
            broadcast: args.broadcast,
            hex: args.hex,
            stats: args.stats,
            trace: args.trace,
        })
    }
}

/// The stream `udp-recv` prints: one record a datagram, then a summary; tagged by `type`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RecvEvent {
    /// A datagram arrived.
    Datagram(DatagramRecord),
    /// A socket call (`--trace`).
    Trace(SocketCall),
    /// The end of the run.
    Summary(RecvSummary),
}

impl fmt::Display for RecvEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Datagram(d) => d.fmt(f),
            Self::Trace(c) => c.fmt(f),
            Self::Summary(s) => s.fmt(f),
        }
    }
}

/// Print one event: datagrams are results; the summary is a result with `--json` or
/// `--stats`, else a status line on stderr; so are trace lines without `--json`.
fn render(event: &RecvEvent, stats: bool, out: &mut Output) -> Result<()> {
    match event {
        RecvEvent::Trace(_) if !out.is_json() => {
            out.note(event);
            Ok(())
        }
        RecvEvent::Summary(_) if !out.is_json() && !stats => {
            out.note(event);
            Ok(())
        }
        _ => out.record(event),
    }
}

/// The end of a receive.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RecvSummary {
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    /// Datagrams received.
    pub datagrams: u64,
    /// Payload bytes received.
    pub bytes: u64,
    /// From the bind to the end, in milliseconds.
    pub elapsed_ms: f64,
    /// The stream's statistics (with --stats).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<StatsRecord>,
}

/// Stream statistics with the loss percentage.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct StatsRecord {
    /// The counters.
    #[serde(flatten)]
    pub stats: StreamStats,
    /// Lost datagrams as a share of those expected.
    pub loss_pct: f64,
}

impl fmt::Display for RecvSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.elapsed_ms / 1000.0;
        write!(
            f,
            "{} datagrams, {} bytes in {secs:.3} s",
            self.datagrams, self.bytes
        )?;
        if let Some(s) = &self.stats {
            let st = &s.stats;
            write!(
                f,
                "\nstream: {} received, {} lost ({:.2}%), {} duplicated, {} reordered, jitter {:.3} ms",
                st.received, st.lost, s.loss_pct, st.duplicated, st.reordered, st.jitter_ms
            )?;
            if st.unstamped > 0 {
                write!(f, ", {} without a stamp", st.unstamped)?;
            }
        }
        Ok(())
    }
}

fn now_ns(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Run `nettool udp-recv`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::try_from(args)?;
    let options = BindOptions {
        broadcast: config.broadcast,
        reuse: config.broadcast || config.join.is_some(),
        recv_buffer: Some(8 << 20),
    };
    let socket = udp::bind(config.bind, options)?;
    crate::net::privilege::drop_all();
    if config.trace {
        for call in super::opening_calls(&socket, config.bind) {
            render(&RecvEvent::Trace(call), config.stats, out)?;
        }
    }
    if let Some((group, iface)) = &config.join {
        udp::join(&socket, *group, iface.as_deref())?;
    }
    socket
        .set_nonblocking(true)
        .map_err(|e| Error::io("set non-blocking", e))?;
    let runtime = crate::runtime::current_thread()?;
    runtime.block_on(receive(&config, socket, out))
}

async fn receive(
    config: &Config,
    socket: std::net::UdpSocket,
    out: &mut Output,
) -> Result<Outcome> {
    use tokio::signal::unix::{SignalKind, signal};
    // The handler is in place before "listening" is announced, so a Ctrl-C right after that
    // line still gets the summary.
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| Error::io("install the SIGINT handler", e))?;
    let socket =
        tokio::net::UdpSocket::from_std(socket).map_err(|e| Error::io("register socket", e))?;
    let local = socket
        .local_addr()
        .map_err(|e| Error::io("getsockname", e))?;
    match &config.join {
        Some((group, _)) => out.note(format_args!("listening on udp {local}, joined {group}")),
        None => out.note(format_args!("listening on udp {local}")),
    }
    let started = std::time::Instant::now();
    let mut buf = vec![0u8; 65_536];
    let mut stats = StreamStats::default();
    let (mut datagrams, mut bytes) = (0u64, 0u64);
    let show_each = !config.stats || out.verbose() > 0;
    loop {
        if config.count.is_some_and(|c| datagrams >= c) {
            break;
        }
        let idle = async {
            match config.idle {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        let (len, from) = tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok(r) => r,
                // An ICMP error from an earlier reply is not this receiver's business.
                Err(e) if udp::is_port_unreachable(&e) => continue,
                Err(e) => return Err(Error::io(format!("recvfrom on {}", config.bind), e)),
            },
            () = idle => break,
            _ = interrupt.recv() => break,
        };
        let at = SystemTime::now();
        let payload = &buf[..len];
        if config.trace {
            let call = format!(
                "recvfrom({}) = {len} bytes from {}",
                buf.len(),
                udp::canonical(from)
            );
            render(&RecvEvent::Trace(SocketCall::new(call)), config.stats, out)?;
        }
        datagrams += 1;
        bytes += len as u64;
        if config.stats {
            stats.record(payload, now_ns(at));
        }
        if show_each {
            let record = DatagramRecord::new(from, payload, at, config.hex);
            render(&RecvEvent::Datagram(record), config.stats, out)?;
        }
        let answer: Option<&[u8]> = match &config.reply {
            Reply::None => None,
            Reply::Text(text) => Some(text),
            Reply::Echo => Some(payload),
        };
        if let Some(answer) = answer {
            match socket.send_to(answer, from).await {
                Ok(n) if config.trace => {
                    let call = format!(
                        "sendto({}, {} bytes) = {n}",
                        udp::canonical(from),
                        answer.len()
                    );
                    render(&RecvEvent::Trace(SocketCall::new(call)), config.stats, out)?;
                }
                Ok(_) => {}
                Err(e) => out.warn(format_args!("reply to {}: {e}", udp::canonical(from))),
            }
        }
    }
    let summary = RecvSummary {
        schema_version: crate::output::schema::SchemaVersion,
        datagrams,
        bytes,
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        stats: config.stats.then(|| {
            let loss_pct = stats.loss_pct();
            StatsRecord { stats, loss_pct }
        }),
    };
    render(&RecvEvent::Summary(summary), config.stats, out)?;
    Ok(Outcome::from_bool(datagrams > 0))
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![crate::output::schema::record::<RecvEvent>(generator)]
}
