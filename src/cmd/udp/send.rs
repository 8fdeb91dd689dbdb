//! `nettool udp-send`: the course's UDP client. Send a message, each stdin line, or a file as
//! datagrams; repeat and pace them; stamp them for `udp-recv --stats`; and with `--wait` print
//! the replies, as a request/response client such as a DNS resolver does. A reader starts at
//! [`run`]; what happens is a stream of [`SendEvent`]s printed by [`render`].

use std::io::{self, IsTerminal};
use std::net::{IpAddr, UdpSocket};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::{DatagramRecord, counted};
use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::input::{Line, read_line};
use crate::model::address::Endpoint;
use crate::model::chat::{is_quit, quit_hint};
use crate::model::services::Proto;
use crate::model::socket_trace::SocketCall;
use crate::model::udp_stats::{STAMP_LEN, Stamp};
use crate::net::services::parse_port;
use crate::net::udp::{self, BindOptions};
use crate::output::Output;

/// Arguments of `nettool udp-send`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// The destination: a name, an address, a broadcast or a multicast address
    pub host: String,

    /// The destination port (number or service name)
    pub port: String,

    /// The message (default: each line of stdin is one datagram; with --seq, none)
    #[arg(conflicts_with = "file")]
    pub message: Option<String>,

    /// Send this file's contents as one datagram
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Send the message N times
    #[arg(short = 'c', long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub count: u64,

    /// Wait this long between datagrams (250ms, 2s; default: none)
    #[arg(short = 'i', long, value_name = "DURATION", value_parser = crate::model::duration::value_parser,
          conflicts_with = "rate")]
    pub interval: Option<Duration>,

    /// Send at this many datagrams per second
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,

    /// Stamp each datagram with a sequence number and send time, for `udp-recv --stats`
    #[arg(long)]
    pub seq: bool,

    /// With --seq, pad each datagram to this many bytes (at least the 20-byte stamp)
    #[arg(short = 's', long, value_name = "BYTES", requires = "seq")]
    pub size: Option<usize>,

    /// Allow sending to a broadcast address (SO_BROADCAST)
    #[arg(long)]
    pub broadcast: bool,

    /// Time to live (hop limit) for unicast and multicast datagrams
    #[arg(short = 't', long, value_name = "TTL", value_parser = clap::value_parser!(u32).range(1..=255))]
    pub ttl: Option<u32>,

    /// Wait this long for a reply after each datagram and print it (default 1s)
    #[arg(long, value_name = "DURATION", num_args = 0..=1, default_missing_value = "1s",
          value_parser = crate::model::duration::value_parser)]
    pub wait: Option<Duration>,

    /// Narrate each socket call (socket, bind, connect, send, recvfrom) on stderr
    #[arg(long)]
    pub trace: bool,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub family: FamilyArgs,
}

const JSON_FIELDS: &str = "JSON output (--json) is NDJSON: with --wait one object per reply \
(type \"reply\", time, from, size, encoding, payload, seq), and with -v one per datagram sent \
(type \"sent\", seq, bytes); last a summary: type (\"summary\"), to, sent, bytes, replies, \
elapsed_ms, rate_per_s; with --trace, one object per socket call: type (\"trace\"), call. \
Exit status: 0 when every datagram was sent (with --wait: when a reply came); 1 when the \
destination port is unreachable (no listener) or, with --wait, nothing replied within the wait \
(said on stderr: `no reply from HOST:PORT within 1s`); 2 for invalid input, such as a datagram \
over the protocol's limit (65,507 bytes on IPv4, 65,527 on IPv6).";

/// The lines that end a session typed at a terminal (as in TCP chat).
const QUIT_WORDS: [&str; 2] = ["##", "q"];

/// Where the datagrams come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// One message, sent `count` times.
    Message(Vec<u8>),
    /// Each line of stdin, once.
    Stdin,
}

/// Validated arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// The destination.
    pub target: Endpoint,
    /// What to send.
    pub payload: Payload,
    /// How many times to send a message.
    pub count: u64,
    /// The pause between datagrams.
    pub interval: Duration,
    /// Whether to stamp datagrams.
    pub seq: bool,
    /// The padded size of stamped datagrams.
    pub size: Option<usize>,
    /// Whether to set SO_BROADCAST.
    pub broadcast: bool,
    /// The TTL.
    pub ttl: Option<u32>,
    /// How long to wait for a reply.
    pub wait: Option<Duration>,
    /// Whether to narrate socket calls.
    pub trace: bool,
}

/// A datagram over the protocol's limit: `len` is its size when known (a file or message), `None`
/// when only the bound was read (stdin, a device, a pipe).
fn limit_error(input: &str, len: Option<usize>, addr: IpAddr) -> Error {
    let (limit, family) = if addr.is_ipv4() {
        ("65,507", "IPv4")
    } else {
        ("65,527", "IPv6")
    };
    let reason = match len {
        Some(len) => {
            format!("a datagram of {len} bytes is over the {family} limit of {limit} bytes")
        }
        None => format!("over the {family} limit of {limit} bytes for one datagram"),
    };
    Error::invalid(input, reason)
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let port = parse_port(&args.port, Proto::Udp)?;
        let host = crate::net::host::resolve(&args.host, args.family.family())?.remove(0);
        let (ip, target) = (host.ip, host.endpoint(port));
        let max = udp::max_payload(ip);
        let stamp = if args.seq { STAMP_LEN } else { 0 };
        let payload = match (args.message, &args.file) {
            (Some(m), _) => Payload::Message(m.into_bytes()),
            (None, Some(path)) => {
                let room = max.saturating_sub(stamp);
                match crate::input::read_file(path, room)? {
                    Some(bytes) => Payload::Message(bytes),
                    None => {
                        // A regular file has a size to show; a device or a pipe only went on.
                        let len = std::fs::metadata(path)
                            .ok()
                            .filter(std::fs::Metadata::is_file)
                            .and_then(|m| usize::try_from(m.len()).ok())
                            .map(|len| len + stamp);
                        return Err(limit_error(&path.display().to_string(), len, ip));
                    }
                }
            }
            // A stamped stream needs no body: the stamp (and --size padding) is the datagram.
            (None, None) if args.seq => Payload::Message(Vec::new()),
            (None, None) => Payload::Stdin,
        };
        if let Payload::Message(m) = &payload
            && m.len() + stamp > max
        {
            return Err(limit_error("message", Some(m.len() + stamp), ip));
        }
        if let Some(size) = args.size {
            if size < STAMP_LEN {
                return Err(Error::invalid(
                    size.to_string(),
                    format!("--size is below the {STAMP_LEN}-byte stamp"),
                ));
            }
            if size > max {
                return Err(limit_error(&size.to_string(), Some(size), ip));
            }
        }
        let interval = match (args.interval, args.rate) {
            (Some(i), _) => i,
            (None, Some(rate)) if rate.is_finite() && rate > 0.0 => {
                Duration::try_from_secs_f64(1.0 / rate)
                    .map_err(|_| Error::invalid(rate.to_string(), "rate out of range"))?
            }
            (None, Some(rate)) => {
                return Err(Error::invalid(
                    rate.to_string(),
                    "--rate must be a positive number",
                ));
            }
            (None, None) => Duration::ZERO,
        };
        if ip.is_ipv4() && ip == IpAddr::from([255, 255, 255, 255]) && !args.broadcast {
            return Err(Error::invalid(
                &args.host,
                "is the broadcast address: add --broadcast",
            ));
        }
        Ok(Self {
            target,
            payload,
            count: args.count,
            interval,
            seq: args.seq,
            size: args.size,
            broadcast: args.broadcast,
            ttl: args.ttl,
            wait: args.wait,
            trace: args.trace,
        })
    }
}

/// The stream `udp-send` prints, tagged by `type`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SendEvent {
    /// A datagram went out (shown with -v).
    Sent(SentRecord),
    /// A reply arrived (with --wait).
    Reply(DatagramRecord),
    /// A socket call (`--trace`).
    Trace(SocketCall),
    /// The end of the run.
    Summary(SendSummary),
}

impl std::fmt::Display for SendEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sent(s) => s.fmt(f),
            Self::Reply(r) => r.fmt(f),
            Self::Trace(c) => c.fmt(f),
            Self::Summary(s) => s.fmt(f),
        }
    }
}

/// Print one event: sends and replies are results; the summary is a result with `--json`,
/// else a status line on stderr.
fn render(event: &SendEvent, out: &mut Output) -> Result<()> {
    match event {
        SendEvent::Summary(_) | SendEvent::Trace(_) if !out.is_json() => {
            out.note(event);
            Ok(())
        }
        _ => out.record(event),
    }
}

/// One datagram sent (with -v).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SentRecord {
    /// Its number, from 0.
    pub seq: u64,
    /// Its size in bytes.
    pub bytes: usize,
}

impl std::fmt::Display for SentRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sent #{} ({})",
            self.seq,
            counted(self.bytes as u64, "byte", "bytes")
        )
    }
}

/// The end of a send.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SendSummary {
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    /// The destination.
    pub to: Endpoint,
    /// Datagrams sent.
    pub sent: u64,
    /// Payload bytes sent.
    pub bytes: u64,
    /// Replies received (with --wait).
    pub replies: u64,
    /// From the first send to the end, in milliseconds.
    pub elapsed_ms: f64,
    /// Datagrams per second.
    pub rate_per_s: f64,
}

impl std::fmt::Display for SendSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sent {} ({}) to {} in {:.3} s ({:.0}/s)",
            counted(self.sent, "datagram", "datagrams"),
            counted(self.bytes, "byte", "bytes"),
            self.to,
            self.elapsed_ms / 1000.0,
            self.rate_per_s
        )?;
        if self.replies > 0 {
            write!(f, ", {}", counted(self.replies, "reply", "replies"))?;
        }
        Ok(())
    }
}

struct Sender<'a> {
    config: &'a Config,
    socket: UdpSocket,
    buf: Vec<u8>,
    reply_buf: Vec<u8>,
    sent: u64,
    bytes: u64,
    replies: u64,
    started: Instant,
}

impl Sender<'_> {
    fn unreachable(&self) -> Error {
        Error::negative(format!(
            "no listener on {} (port unreachable)",
            self.config.target
        ))
    }

    fn send(&mut self, message: &[u8], out: &mut Output) -> Result<()> {
        if !self.config.interval.is_zero() {
            let due = self.started + self.config.interval.mul_f64(self.sent as f64);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        let datagram: &[u8] = if self.config.seq {
            let sent_ns = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
            self.buf.clear();
            self.buf.extend_from_slice(
                &Stamp {
                    seq: self.sent,
                    sent_ns,
                }
                .encode(),
            );
            self.buf.extend_from_slice(message);
            if let Some(size) = self.config.size {
                self.buf.resize(size.max(self.buf.len()), 0);
            }
            &self.buf
        } else {
            message
        };
        let len = datagram.len();
        match self.socket.send(datagram) {
            Ok(n) if self.config.trace => {
                let call = format!("send({len} bytes) to {} = {n}", self.config.target);
                render(&SendEvent::Trace(SocketCall::new(call)), out)?;
            }
            Ok(_) => {}
            Err(e) if udp::is_port_unreachable(&e) => return Err(self.unreachable()),
            Err(e) => return Err(Error::io(format!("sendto {}", self.config.target), e)),
        }
        if out.verbose() > 0 {
            let sent = SentRecord {
                seq: self.sent,
                bytes: len,
            };
            render(&SendEvent::Sent(sent), out)?;
        }
        self.sent += 1;
        self.bytes += len as u64;
        if let Some(wait) = self.config.wait {
            self.await_reply(wait, out)?;
        }
        Ok(())
    }

    fn await_reply(&mut self, wait: Duration, out: &mut Output) -> Result<()> {
        self.socket
            .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .map_err(|e| Error::io("set read timeout", e))?;
        match self.socket.recv_from(&mut self.reply_buf) {
            Ok((len, from)) => {
                self.replies += 1;
                if self.config.trace {
                    let call = format!(
                        "recvfrom({}) = {len} bytes from {}",
                        self.reply_buf.len(),
                        udp::canonical(from)
                    );
                    render(&SendEvent::Trace(SocketCall::new(call)), out)?;
                }
                let record =
                    DatagramRecord::new(from, &self.reply_buf[..len], SystemTime::now(), false);
                render(&SendEvent::Reply(record), out)
            }
            Err(e) if udp::is_port_unreachable(&e) => Err(self.unreachable()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                out.debug(format_args!(
                    "no reply to #{} within {}",
                    self.sent - 1,
                    humantime::format_duration(wait)
                ));
                Ok(())
            }
            Err(e) => Err(Error::io(format!("recvfrom {}", self.config.target), e)),
        }
    }
}

/// Run `nettool udp-send`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::try_from(args)?;
    let target = &config.target;
    let options = BindOptions {
        broadcast: config.broadcast,
        ..BindOptions::default()
    };
    let local = udp::wildcard(target.is_ipv6(), 0);
    let socket = udp::bind(local, options)?;
    crate::net::privilege::drop_all();
    if config.trace {
        for call in super::opening_calls(&socket, local) {
            render(&SendEvent::Trace(call), out)?;
        }
    }
    if let Some(ttl) = config.ttl {
        udp::set_ttl(&socket, target.ip(), ttl)?;
    }
    socket.connect(target.addr).map_err(|e| match e.kind() {
        io::ErrorKind::PermissionDenied => Error::Permission(format!(
            "connect udp {target}: permission denied (a broadcast address needs --broadcast)"
        )),
        _ => Error::io(format!("connect udp {target}"), e),
    })?;
    if config.trace {
        let call = format!("connect({target}): no packet, the kernel only fixes the peer");
        render(&SendEvent::Trace(SocketCall::new(call)), out)?;
    }
    let mut sender = Sender {
        config: &config,
        socket,
        buf: Vec::new(),
        reply_buf: vec![0u8; 65_536],
        sent: 0,
        bytes: 0,
        replies: 0,
        started: Instant::now(),
    };
    match &config.payload {
        Payload::Message(message) => {
            for _ in 0..config.count {
                sender.send(message, out)?;
            }
        }
        Payload::Stdin => {
            let stdin = io::stdin();
            // From a terminal a quit word ends the session, as it does in TCP chat.
            let quit_words: Vec<String> = if stdin.is_terminal() {
                QUIT_WORDS.iter().map(ToString::to_string).collect()
            } else {
                Vec::new()
            };
            if stdin.is_terminal() {
                out.note(format_args!(
                    "each line you type is sent to {target} as one datagram; {} (or Ctrl-D)",
                    quit_hint(&quit_words)
                ));
            }
            // A line is at most one datagram: a longer one (or endless input, `< /dev/zero`)
            // ends the run when the bound is reached, before memory is.
            let max = udp::max_payload(target.ip());
            let mut reader = stdin.lock();
            let mut line = Vec::new();
            for number in 1u64.. {
                let body = match read_line(&mut reader, max, &mut line)
                    .map_err(|e| Error::io("read stdin", e))?
                {
                    Line::End => break,
                    Line::TooLong => {
                        return Err(limit_error(
                            &format!("stdin line {number}"),
                            None,
                            target.ip(),
                        ));
                    }
                    Line::Text(body) => body,
                };
                if !quit_words.is_empty() && is_quit(&body, &quit_words) {
                    break;
                }
                sender.send(&body, out)?;
            }
        }
    }
    let elapsed = sender.started.elapsed().as_secs_f64();
    let summary = SendSummary {
        schema_version: crate::output::schema::SchemaVersion,
        to: target.clone(),
        sent: sender.sent,
        bytes: sender.bytes,
        replies: sender.replies,
        elapsed_ms: elapsed * 1000.0,
        rate_per_s: if elapsed > 0.0 {
            sender.sent as f64 / elapsed
        } else {
            0.0
        },
    };
    render(&SendEvent::Summary(summary), out)?;
    match config.wait {
        Some(wait) if sender.replies == 0 => {
            Err(Error::negative(no_reply(target, sender.sent, wait)))
        }
        _ => Ok(Outcome::Yes),
    }
}

/// Why `--wait` ends with exit 1: nothing answered the `sent` datagrams.
fn no_reply(target: &Endpoint, sent: u64, wait: Duration) -> String {
    let wait = humantime::format_duration(wait);
    match sent {
        0 => format!("no datagram was sent, so no reply from {target}"),
        1 => format!("no reply from {target} within {wait}"),
        n => format!("no reply from {target} to any of {n} datagrams (waited {wait} after each)"),
    }
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![crate::output::schema::record::<SendEvent>(generator)]
}
