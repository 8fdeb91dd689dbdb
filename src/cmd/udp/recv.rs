//! `nettool udp-recv`: the course's UDP server. Bind, print each datagram (source, size,
//! payload escaped or as a hex dump), optionally answer each sender (recvfrom/sendto), join a
//! multicast group, and count a stamped stream's loss, duplicates, reordering and jitter.
//! A reader starts at [`run`]: the receive loop produces [`RecvEvent`]s, [`render`] prints them.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::reflect::{self, OncePerSource, ReplyLimit, ReplyLimiter};
use super::{DatagramRecord, counted};
use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::services::Proto;
use crate::model::socket_trace::SocketCall;
use crate::model::udp_stats::{SourceStreams, StreamStats};
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

    /// With --reply or --echo: answer each source address at most N times a second, in bursts
    /// of up to N, so that two reflectors pointed at each other stop and a forged source gets
    /// no flood; `off` for no limit. A datagram from this socket's own address and port is
    /// never answered
    #[arg(long, value_name = "N|off", default_value_t = ReplyLimit::default(),
          value_parser = reflect::parse_reply_limit)]
    pub reply_limit: ReplyLimit,

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

    /// Count streams stamped by `udp-send --seq`, one per source: received, lost, duplicated,
    /// reordered and jitter, printed at the end, on Ctrl-C and on SIGTERM (each datagram only
    /// with -v)
    #[arg(long)]
    pub stats: bool,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub family: FamilyArgs,
}

const JSON_FIELDS: &str = "JSON output (--json) is NDJSON. One object per datagram: type \
(\"datagram\"), time (RFC 3339, UTC), from (\"ip:port\"), size (bytes), encoding (\"text\" or \
\"base64\"), payload, seq (for stamped datagrams). Last, one summary: type (\"summary\"), \
datagrams, bytes, elapsed_ms; with --reply or --echo, replies and replies_withheld (over the \
reply limit, or from this socket's own address); with --stats, stats {received, unique, lost, \
duplicated, reordered, highest_seq, jitter_ms, unstamped, loss_pct: the totals of every \
stream, highest_seq and jitter_ms the largest; streams [{from, and the same fields for the \
stream of that source address and port}]; untracked (datagrams from sources past the first \
1,024)}. With --trace, one object per socket call: type (\"trace\"), call. Replies: a UDP \
source address is whatever the sender wrote, so --reply and --echo never answer this socket's \
own address and port, answer each source address at most --reply-limit times a second \
(default 100), and warn once per source when a reply is larger than its request. Exit status: \
0 when a datagram arrived; 1 when none did (--idle, Ctrl-C, SIGTERM); 2 on an error such as a \
port in use. Ctrl-C (SIGINT) and SIGTERM end the run with the same summary as -c or --idle.";

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
    /// Replies a second to one source address, if limited.
    pub reply_limit: Option<u32>,
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
            Some(text) => Some(crate::net::host::resolve(text, family)?.remove(0)),
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
        let v6 = match (&ip, args.join, family) {
            (Some(ip), _, _) => ip.ip.is_ipv6(),
            (None, Some(group), _) => group.is_ipv6(),
            (None, None, Family::V6) => true,
            (None, None, Family::V4) => false,
            // Broadcast is IPv4 only; otherwise the IPv6 wildcard takes both families.
            (None, None, Family::Any) => !args.broadcast,
        };
        let bind = match &ip {
            Some(ip) => ip.socket_addr(port),
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
            reply_limit: args.reply_limit.0,
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
    /// Replies sent and withheld (with --reply or --echo).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub replies: Option<ReplyCounts>,
    /// The stream's statistics (with --stats).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<StatsRecord>,
}

/// What `--reply` / `--echo` did.
#[derive(Debug, Default, Serialize, schemars::JsonSchema)]
pub struct ReplyCounts {
    /// Replies sent.
    pub replies: u64,
    /// Datagrams not answered: over the reply limit, or from this socket's own address.
    pub replies_withheld: u64,
}

/// Stream statistics: the totals over every source, then each source's stream.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct StatsRecord {
    /// The counts of every stream added up (`highest_seq` and `jitter_ms`: the largest).
    #[serde(flatten)]
    pub totals: StreamStats,
    /// Lost datagrams as a share of those expected.
    pub loss_pct: f64,
    /// One stream per source address and port, in the order first heard.
    pub streams: Vec<SourceStream>,
    /// Datagrams from sources past the first 1,024, counted in no stream.
    pub untracked: u64,
}

impl StatsRecord {
    /// The record of what `streams` counted.
    #[must_use]
    pub fn new(streams: &SourceStreams) -> Self {
        let totals = streams.totals();
        Self {
            loss_pct: totals.loss_pct(),
            totals,
            streams: streams
                .streams()
                .iter()
                .map(|(from, stats)| SourceStream {
                    from: *from,
                    loss_pct: stats.loss_pct(),
                    stats: stats.clone(),
                })
                .collect(),
            untracked: streams.untracked,
        }
    }
}

/// One source's stream.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SourceStream {
    /// The source address and port.
    pub from: SocketAddr,
    /// Its counts.
    #[serde(flatten)]
    pub stats: StreamStats,
    /// Lost datagrams as a share of those expected.
    pub loss_pct: f64,
}

/// `received, lost (pct), duplicated, reordered`, the figures every stream line has.
fn stream_counts(st: &StreamStats, loss_pct: f64) -> String {
    format!(
        "{} received, {} lost ({loss_pct:.2}%), {} duplicated, {} reordered",
        st.received, st.lost, st.duplicated, st.reordered
    )
}

impl fmt::Display for RecvSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.elapsed_ms / 1000.0;
        write!(
            f,
            "{}, {} in {secs:.3} s",
            counted(self.datagrams, "datagram", "datagrams"),
            counted(self.bytes, "byte", "bytes")
        )?;
        if let Some(r) = &self.replies {
            write!(f, "; {}", counted(r.replies, "reply", "replies"))?;
            if r.replies_withheld > 0 {
                write!(f, ", {} withheld", r.replies_withheld)?;
            }
        }
        let Some(s) = &self.stats else {
            return Ok(());
        };
        for stream in &s.streams {
            let st = &stream.stats;
            write!(
                f,
                "\nstream from {}: {}, jitter {:.3} ms",
                stream.from,
                stream_counts(st, stream.loss_pct),
                st.jitter_ms
            )?;
            if st.unstamped > 0 {
                write!(f, ", {} without a stamp", st.unstamped)?;
            }
        }
        if s.streams.len() > 1 {
            write!(
                f,
                "\nall {} streams: {}",
                s.streams.len(),
                stream_counts(&s.totals, s.loss_pct)
            )?;
        }
        if s.untracked > 0 {
            write!(
                f,
                "\n{} from further sources, counted in no stream",
                counted(s.untracked, "datagram", "datagrams")
            )?;
        }
        Ok(())
    }
}

/// Decides, datagram by datagram, whether a reply may go, and says why not once per source.
struct ReplyGuard {
    limiter: Option<ReplyLimiter>,
    limit: Option<u32>,
    told_own: OncePerSource,
    told_limited: OncePerSource,
    told_larger: OncePerSource,
}

impl ReplyGuard {
    fn new(limit: Option<u32>) -> Self {
        Self {
            limiter: limit.map(ReplyLimiter::new),
            limit,
            told_own: OncePerSource::default(),
            told_limited: OncePerSource::default(),
            told_larger: OncePerSource::default(),
        }
    }

    /// Whether a reply of `reply_len` bytes to `from` (a request of `request_len` bytes to this
    /// socket's port `own_port`) may go.
    fn allow(
        &mut self,
        from: SocketAddr,
        own_port: u16,
        reply_len: usize,
        request_len: usize,
        out: &mut Output,
    ) -> bool {
        let ip = from.ip();
        if from.port() == own_port && udp::is_own_address(from) {
            if self.told_own.first(ip) {
                out.warn(format_args!(
                    "not answering {from}: it is this socket's own address and port (a forged \
                     source; an answer would come back to this socket, forever)"
                ));
            }
            return false;
        }
        if let Some(limiter) = &mut self.limiter
            && !limiter.allow(ip, std::time::Instant::now())
        {
            if self.told_limited.first(ip) {
                out.warn(format_args!(
                    "{ip} sends more than the reply limit ({}/s, --reply-limit): the datagrams \
                     over it are not answered",
                    self.limit.unwrap_or_default()
                ));
            }
            return false;
        }
        if reply_len > request_len && self.told_larger.first(ip) {
            out.warn(format_args!(
                "the reply to {from} is larger than its request ({} for {}): a sender that \
                 forges its source address can use this to amplify a flood",
                counted(reply_len as u64, "byte", "bytes"),
                counted(request_len as u64, "byte", "bytes"),
            ));
        }
        true
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
    // The handlers are in place before "listening" is announced, so a Ctrl-C (or SIGTERM) right
    // after that line still gets the summary.
    let stop = crate::runtime::termination()?;
    tokio::pin!(stop);
    let socket =
        tokio::net::UdpSocket::from_std(socket).map_err(|e| Error::io("register socket", e))?;
    let local = crate::net::host::endpoint(
        socket
            .local_addr()
            .map_err(|e| Error::io("getsockname", e))?,
    );
    match &config.join {
        Some((group, _)) => out.note(format_args!("listening on udp {local}, joined {group}")),
        None => out.note(format_args!("listening on udp {local}")),
    }
    let started = std::time::Instant::now();
    let mut buf = vec![0u8; 65_536];
    let mut stats = SourceStreams::default();
    let (mut datagrams, mut bytes) = (0u64, 0u64);
    let show_each = !config.stats || out.verbose() > 0;
    let mut guard = ReplyGuard::new(config.reply_limit);
    let mut replies = ReplyCounts::default();
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
            () = &mut stop => break,
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
            stats.record(udp::canonical(from).addr, payload, now_ns(at));
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
            let from = udp::canonical(from);
            if guard.allow(from.addr, local.port(), answer.len(), len, out) {
                replies.replies += 1;
                match socket.send_to(answer, from.addr).await {
                    Ok(n) if config.trace => {
                        let call = format!("sendto({from}, {} bytes) = {n}", answer.len());
                        render(&RecvEvent::Trace(SocketCall::new(call)), config.stats, out)?;
                    }
                    Ok(_) => {}
                    Err(e) => out.warn(format_args!("reply to {from}: {e}")),
                }
            } else {
                replies.replies_withheld += 1;
            }
        }
    }
    let summary = RecvSummary {
        schema_version: crate::output::schema::SchemaVersion,
        datagrams,
        bytes,
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        replies: (config.reply != Reply::None).then_some(replies),
        stats: config.stats.then(|| StatsRecord::new(&stats)),
    };
    render(&RecvEvent::Summary(summary), config.stats, out)?;
    Ok(Outcome::from_bool(datagrams > 0))
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![crate::output::schema::record::<RecvEvent>(generator)]
}
