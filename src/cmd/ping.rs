//! `nettool ping`: ICMP echo with iputils ping's flags and output, many targets at once like
//! fping (with a summary row and a sparkline per target), and a TCP handshake probe that needs
//! no privilege.
//!
//! One target prints ping's reply lines and summary, byte for byte in ping's format, so parsers
//! of ping keep working. Several targets (or `-g`) print one row per target at the end. The
//! round trip is timed here, around our own send and receive, to the microsecond.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant, SystemTime};

use ipnet::IpNet;
use serde::Serialize;
use tokio::signal::unix::{SignalKind, signal};

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::ping_stats::{self, RttStats};
use crate::net::host::{self, Family};
use crate::net::icmp::{self, IcmpSocket, Incoming, SocketOptions};
use crate::net::privilege::{self, Method};
use crate::output::{Output, Paint};

/// The largest payload an IPv4 echo request can carry (65535 - 20 - 8).
const MAX_PAYLOAD: u16 = 65_507;
/// The most addresses `-g` may expand to.
const MAX_TARGETS: usize = 65_536;
/// How many probes may wait for an answer at once when pinging many targets.
const MAX_IN_FLIGHT: usize = 256;

/// Ping one host like ping, or many like fping.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "JSON (--json) is NDJSON, one object a line, each with \"type\" and \
\"target\" (the host as given):\n\
  reply: seq, from, ttl (null on TCP), bytes (ICMP message length; 0 for TCP), rtt_ms \
(milliseconds, to the microsecond), dup (true for a duplicate reply), state (TCP only: \
\"open\", or \"closed\" for a reset, which proves the host is up)\n\
  timeout: seq (no answer within -W, or still unanswered at the end)\n\
  error: seq, from (the reporting router or host, or null), error (ping's wording, e.g. \
\"Time to live exceeded\"), icmp_type, icmp_code (null for TCP)\n\
  summary (one per target, last): address, transmitted, received, duplicates, errors, \
loss_pct, min_ms, avg_ms, max_ms, mdev_ms (null without replies; mdev as ping computes it), \
time_ms, method (\"raw\", \"dgram\" or \"tcp\"), refused (TCP: replies that were a \
reset, so the host is up and the port closed; null for ICMP), rtts_ms (one entry per probe, null for a \
lost one)\n\n\
Privilege: a raw ICMP socket is tried first, then an unprivileged ICMP datagram socket \
(net.ipv4.ping_group_range); -v says which. With neither, use --tcp PORT."
)]
pub struct Args {
    /// Hosts to ping (names or addresses); more than one prints a summary row per host
    #[arg(value_name = "HOST")]
    pub hosts: Vec<String>,

    /// Ping a range: -g CIDR (network and broadcast left out) or -g START END
    #[arg(short = 'g', long = "generate", num_args = 1..=2, value_names = ["CIDR|START", "END"])]
    pub generate: Option<Vec<String>>,

    /// Stop after COUNT probes per host (default: until Ctrl-C for one host, 1 for many)
    #[arg(
        short = 'c',
        long = "count",
        allow_negative_numbers = true,
        value_name = "COUNT"
    )]
    pub count: Option<i64>,

    /// Time between probes to a host (default 1s; below 2ms needs root)
    #[arg(short = 'i', long = "interval", allow_negative_numbers = true, value_name = "DURATION", value_parser = crate::model::duration::value_parser)]
    pub interval: Option<Duration>,

    /// How long to wait for each reply (default 10s for one host, 1s for many or --tcp)
    #[arg(short = 'W', long = "wait", allow_negative_numbers = true, value_name = "DURATION", value_parser = crate::model::duration::value_parser)]
    pub wait: Option<Duration>,

    /// Stop after this long, whatever was sent or received
    #[arg(short = 'w', long = "deadline", allow_negative_numbers = true, value_name = "DURATION", value_parser = crate::model::duration::value_parser)]
    pub deadline: Option<Duration>,

    /// Payload bytes per probe (default 56, as ping)
    #[arg(
        short = 's',
        long = "size",
        allow_negative_numbers = true,
        value_name = "BYTES",
        default_value_t = 56
    )]
    pub size: i64,

    /// IP time to live (IPv6 hop limit), 1-255
    #[arg(
        short = 't',
        long = "ttl",
        allow_negative_numbers = true,
        value_name = "TTL"
    )]
    pub ttl: Option<i64>,

    /// Source address or interface name to send from
    #[arg(short = 'I', long = "interface", value_name = "ADDRESS|INTERFACE")]
    pub interface: Option<String>,

    /// Print a Unix timestamp before each line, as ping -D
    #[arg(short = 'D', long = "timestamps")]
    pub timestamps: bool,

    /// Report a probe still unanswered when the next one is sent
    #[arg(short = 'O', long = "outstanding")]
    pub outstanding: bool,

    /// Flood: send as fast as replies come back, or 100 a second (root only, as ping)
    #[arg(short = 'f', long = "flood")]
    pub flood: bool,

    /// Numeric output: never look up names of addresses
    #[arg(short = 'n', long = "numeric")]
    pub numeric: bool,

    /// Many targets: print only the targets that replied
    #[arg(short = 'a', long = "alive", conflicts_with = "unreachable")]
    pub alive: bool,

    /// Many targets: print only the targets that did not reply
    #[arg(short = 'u', long = "unreachable")]
    pub unreachable: bool,

    /// Probe a TCP port instead of ICMP: a completed or refused handshake is a reply
    #[arg(long = "tcp", value_name = "PORT")]
    pub tcp: Option<String>,

    /// Address family.
    #[command(flatten)]
    pub family: FamilyArgs,
}

/// A host to ping: as the user named it, or a literal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    /// The text shown in headers and summaries.
    pub name: String,
    /// Set when the text is an address literal (no lookup needed).
    pub literal: Option<IpAddr>,
}

/// Where probes leave from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A source address.
    Address(IpAddr),
    /// An interface name.
    Device(String),
}

/// Validated settings of one ping run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The hosts, in order, after `-g` expansion.
    pub hosts: Vec<HostSpec>,
    /// Whether the run prints ping's per-reply output (one host) or a table (many).
    pub many: bool,
    /// Probes per host; `None` means until Ctrl-C or the deadline.
    pub count: Option<u64>,
    /// Time between probes to one host.
    pub interval: Duration,
    /// Wait for each reply.
    pub wait: Duration,
    /// Whole-run deadline.
    pub deadline: Option<Duration>,
    /// Payload bytes.
    pub size: u16,
    /// TTL / hop limit.
    pub ttl: Option<u32>,
    /// `-I`.
    pub source: Option<Source>,
    /// `-D`.
    pub timestamps: bool,
    /// `-O`.
    pub outstanding: bool,
    /// `-f`.
    pub flood: bool,
    /// `-n`.
    pub numeric: bool,
    /// `-a` / `-u`: which rows of a many-target run to print.
    pub filter: Filter,
    /// `--tcp PORT`.
    pub tcp_port: Option<u16>,
    /// `-4` / `-6`.
    pub family: Family,
}

/// Which targets a many-target run prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Every target (a table).
    All,
    /// `-a`: names of the targets that replied.
    Alive,
    /// `-u`: names of the targets that did not.
    Unreachable,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let family = args.family.family();
        let mut hosts: Vec<HostSpec> = Vec::new();
        if let Some(range) = &args.generate {
            let mut all = range.clone();
            all.extend(args.hosts.iter().cloned());
            hosts = expand_range(&all)?;
        } else {
            for name in &args.hosts {
                let literal = host::parse_literal(name);
                if name.trim().is_empty() {
                    return Err(Error::invalid(name, "empty host name"));
                }
                hosts.push(HostSpec {
                    name: name.clone(),
                    literal,
                });
            }
        }
        if hosts.is_empty() {
            return Err(Error::invalid(
                "HOST",
                "name a host to ping, or a range with -g",
            ));
        }
        for h in hosts.iter().filter(|h| h.literal.is_some()) {
            // A literal is checked against -4/-6 without any lookup.
            host::resolve(&h.name, family)?;
        }
        let many = hosts.len() > 1 || args.generate.is_some();
        let count = match args.count {
            None => many.then_some(1),
            Some(c) if c < 1 => {
                return Err(Error::invalid(
                    format!("-c {c}"),
                    "the count must be at least 1",
                ));
            }
            Some(c) => Some(u64::try_from(c).unwrap_or(u64::MAX)),
        };
        let size = u16::try_from(args.size)
            .ok()
            .filter(|s| *s <= MAX_PAYLOAD)
            .ok_or_else(|| {
                Error::invalid(
                    format!("-s {}", args.size),
                    format!("the payload size must be 0-{MAX_PAYLOAD} bytes"),
                )
            })?;
        let ttl = match args.ttl {
            None => None,
            Some(t @ 1..=255) => Some(u32::try_from(t).unwrap_or(255)),
            Some(t) => {
                return Err(Error::invalid(format!("-t {t}"), "the TTL must be 1-255"));
            }
        };
        let tcp_port = match &args.tcp {
            None => None,
            Some(text) => {
                let port =
                    crate::net::services::parse_port(text, crate::model::services::Proto::Tcp)?;
                if port == 0 {
                    return Err(Error::invalid(text, "port 0 cannot be probed"));
                }
                Some(port)
            }
        };
        if args.flood && tcp_port.is_some() {
            return Err(Error::invalid(
                "-f",
                "flood works with ICMP, not with --tcp",
            ));
        }
        let interval = match (args.interval, args.flood) {
            (Some(i), _) => i,
            (None, true) => Duration::ZERO,
            (None, false) => Duration::from_secs(1),
        };
        let wait = args.wait.unwrap_or(if many || tcp_port.is_some() {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(10)
        });
        if wait.is_zero() {
            return Err(Error::invalid("-W 0", "the wait must be longer than zero"));
        }
        let source = args
            .interface
            .as_ref()
            .map(|text| match host::parse_literal(text) {
                Some(addr) => Source::Address(addr),
                None => Source::Device(text.clone()),
            });
        if let Some(Source::Address(addr)) = source {
            host::resolve(&addr.to_string(), family)?;
        }
        let filter = match (args.alive, args.unreachable) {
            (true, _) => Filter::Alive,
            (_, true) => Filter::Unreachable,
            _ => Filter::All,
        };
        Ok(Self {
            hosts,
            many,
            count,
            interval,
            wait,
            deadline: args.deadline,
            size,
            ttl,
            source,
            timestamps: args.timestamps,
            outstanding: args.outstanding,
            flood: args.flood,
            numeric: args.numeric,
            filter,
            tcp_port,
            family,
        })
    }
}

/// `-g CIDR` (without the network and broadcast addresses, as fping) or `-g START END`.
pub fn expand_range(args: &[String]) -> Result<Vec<HostSpec>> {
    let addrs: Vec<IpAddr> = match args {
        [cidr] => {
            let net: IpNet = cidr.parse().map_err(|_| {
                let reason = match cidr.split_once('/') {
                    Some((addr, _)) if host::parse_literal(addr).is_some() => {
                        "the prefix length is out of range (IPv4 0-32, IPv6 0-128)"
                    }
                    Some(_) => "not an IP address before the /",
                    None => "a range is CIDR (10.0.0.0/24) or START END",
                };
                Error::invalid(cidr, reason)
            })?;
            if host_count(&net) > MAX_TARGETS as u128 {
                return Err(Error::invalid(
                    cidr,
                    format!("more than {MAX_TARGETS} addresses"),
                ));
            }
            net.hosts().collect()
        }
        [start, end] => {
            let parse = |t: &String| {
                host::parse_literal(t).ok_or_else(|| Error::invalid(t, "not an IP address"))
            };
            match (parse(start)?, parse(end)?) {
                (IpAddr::V4(a), IpAddr::V4(b)) => {
                    let (a, b) = (u32::from(a), u32::from(b));
                    if b < a {
                        return Err(Error::invalid(end, "the range ends before it starts"));
                    }
                    if (b - a) as usize >= MAX_TARGETS {
                        return Err(Error::invalid(
                            format!("{start} {end}"),
                            format!("more than {MAX_TARGETS} addresses"),
                        ));
                    }
                    (a..=b).map(|n| IpAddr::V4(Ipv4Addr::from(n))).collect()
                }
                (IpAddr::V6(a), IpAddr::V6(b)) => {
                    let (a, b) = (u128::from(a), u128::from(b));
                    if b < a {
                        return Err(Error::invalid(end, "the range ends before it starts"));
                    }
                    if b - a >= MAX_TARGETS as u128 {
                        return Err(Error::invalid(
                            format!("{start} {end}"),
                            format!("more than {MAX_TARGETS} addresses"),
                        ));
                    }
                    (a..=b)
                        .map(|n| IpAddr::V6(std::net::Ipv6Addr::from(n)))
                        .collect()
                }
                _ => {
                    return Err(Error::invalid(
                        format!("{start} {end}"),
                        "both ends must be of the same family",
                    ));
                }
            }
        }
        _ => {
            return Err(Error::invalid(args.join(" "), "-g takes CIDR or START END"));
        }
    };
    Ok(addrs
        .into_iter()
        .map(|a| HostSpec {
            name: a.to_string(),
            literal: Some(a),
        })
        .collect())
}

fn host_count(net: &IpNet) -> u128 {
    let bits = u32::from(net.max_prefix_len() - net.prefix_len());
    if bits >= 128 {
        u128::MAX
    } else {
        1u128 << bits
    }
}

/// One echo reply (or TCP handshake answer), as streamed in JSON.
#[derive(Debug, Serialize)]
struct ReplyRecord<'a> {
    r#type: &'static str,
    target: &'a str,
    seq: u16,
    from: IpAddr,
    ttl: Option<u8>,
    bytes: usize,
    rtt_ms: f64,
    dup: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'static str>,
}

/// A probe that got no answer in time.
#[derive(Debug, Serialize)]
struct TimeoutRecord<'a> {
    r#type: &'static str,
    target: &'a str,
    seq: u16,
}

/// An ICMP error (or a failed TCP probe) about one probe.
#[derive(Debug, Serialize)]
struct ErrorRecord<'a> {
    r#type: &'static str,
    target: &'a str,
    seq: u16,
    from: Option<IpAddr>,
    error: &'a str,
    icmp_type: Option<u8>,
    icmp_code: Option<u8>,
}

/// The final figures of one target.
#[derive(Debug, Serialize)]
pub struct Summary {
    r#type: &'static str,
    /// The host as given.
    pub target: String,
    /// The address pinged.
    pub address: Option<IpAddr>,
    /// Probes sent.
    pub transmitted: u64,
    /// Distinct replies.
    pub received: u64,
    /// Duplicate replies.
    pub duplicates: u64,
    /// ICMP errors.
    pub errors: u64,
    /// Loss in percent.
    pub loss_pct: f64,
    /// Fastest round trip.
    pub min_ms: Option<f64>,
    /// Mean round trip.
    pub avg_ms: Option<f64>,
    /// Slowest round trip.
    pub max_ms: Option<f64>,
    /// Mean deviation (ping's mdev).
    pub mdev_ms: Option<f64>,
    /// Time from the first probe to the end, in milliseconds.
    pub time_ms: u64,
    /// Raw, datagram or TCP.
    pub method: Method,
    /// TCP: replies that were a reset (the host is up, the port closed); null for ICMP.
    pub refused: Option<u64>,
    /// Round trip of every probe in order, null when lost.
    pub rtts_ms: Vec<Option<f64>>,
}

/// One outstanding or recently answered probe.
struct Probe {
    sent: Instant,
    index: usize,
    answered: bool,
    failed: bool,
}

/// The state of one target during the run.
struct Target {
    spec: HostSpec,
    addr: IpAddr,
    stats: RttStats,
    probes: HashMap<u16, Probe>,
    samples: Vec<Option<u64>>,
    next_seq: u16,
    sent: u64,
    outstanding: usize,
    next_due: Instant,
    last_sent: Option<Instant>,
    socket: usize,
}

impl Target {
    fn finished_sending(&self, count: Option<u64>) -> bool {
        count.is_some_and(|c| self.sent >= c)
    }
}

/// Resolve every host once (an unknown name is an error naming it).
fn resolve_all(config: &Config) -> Result<Vec<(HostSpec, IpAddr)>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for spec in &config.hosts {
        let addr = match spec.literal {
            Some(a) => a,
            None => host::resolve(&spec.name, config.family)?[0],
        };
        // The same address twice would make replies ambiguous; ping it once.
        if seen.insert(addr) {
            out.push((spec.clone(), addr));
        }
    }
    Ok(out)
}

/// Run `nettool ping`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::try_from(args)?;
    if config.flood && !privilege::may_flood() {
        return Err(Error::Permission(
            "-f: flood ping needs root, as ping; use -i 0.002 or longer".into(),
        ));
    }
    if config.interval < Duration::from_millis(2)
        && config.tcp_port.is_none()
        && !privilege::may_flood()
    {
        return Err(Error::Permission(
            "-i: an interval below 2ms needs root, as ping".into(),
        ));
    }
    let targets = resolve_all(&config)?;
    let runtime = crate::runtime::current_thread()?;
    runtime.block_on(async {
        match config.tcp_port {
            Some(port) => tcp::run(&config, targets, port, out).await,
            None => IcmpRun::new(&config, targets, out)?.run(out).await,
        }
    })
}

/// A name for an address in reply lines: `name (addr)` when the user gave a name and `-n` is
/// off, else the address.
struct Namer {
    enabled: bool,
    cache: HashMap<IpAddr, String>,
}

impl Namer {
    fn show(&mut self, addr: IpAddr) -> String {
        if !self.enabled {
            return addr.to_string();
        }
        self.cache
            .entry(addr)
            .or_insert_with(|| match dns_lookup::lookup_addr(&addr) {
                Ok(name) if name != addr.to_string() => format!("{name} ({addr})"),
                _ => addr.to_string(),
            })
            .clone()
    }
}

fn timestamp_prefix(enabled: bool) -> String {
    if !enabled {
        return String::new();
    }
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    format!("[{}.{:06}] ", now.as_secs(), now.subsec_micros())
}

/// The header line ping prints before the first probe.
fn header(name: &str, addr: IpAddr, size: u16, source: Option<&Source>) -> String {
    let from = match source {
        None => String::new(),
        Some(Source::Address(a)) => format!("from {a} : "),
        Some(Source::Device(d)) => format!("from {d}: "),
    };
    match addr {
        IpAddr::V4(_) => format!(
            "PING {name} ({addr}) {from}{size}({}) bytes of data.\n",
            u32::from(size) + 28
        ),
        IpAddr::V6(_) => format!("PING {name}({addr}) {from}{size} data bytes\n"),
    }
}

/// ping's closing lines for one target.
fn summary_text(name: &str, stats: &RttStats, time_ms: u64, flood_ipg: Option<u64>) -> String {
    let mut text = format!(
        "\n--- {name} ping statistics ---\n{} packets transmitted, {} received",
        stats.transmitted, stats.received
    );
    if stats.duplicates > 0 {
        let _ = write!(text, ", +{} duplicates", stats.duplicates);
    }
    if stats.errors > 0 {
        let _ = write!(text, ", +{} errors", stats.errors);
    }
    let _ = writeln!(
        text,
        ", {}% packet loss, time {time_ms}ms",
        ping_stats::format_g(stats.loss_pct())
    );
    if let Some(s) = stats.summary() {
        let _ = write!(
            text,
            "rtt min/avg/max/mdev = {}/{}/{}/{} ms",
            ping_stats::format_ms3(s.min_us),
            ping_stats::format_ms3(s.avg_us),
            ping_stats::format_ms3(s.max_us),
            ping_stats::format_ms3(s.mdev_us)
        );
        if let Some(ipg) = flood_ipg {
            let _ = write!(
                text,
                ", ipg/ewma {}/{} ms",
                ping_stats::format_ms3(ipg),
                ping_stats::format_ms3(stats.ewma_us())
            );
        }
        text.push('\n');
    }
    text
}

fn make_summary(
    spec: &HostSpec,
    addr: Option<IpAddr>,
    stats: &RttStats,
    samples: &[Option<u64>],
    time_ms: u64,
    method: Method,
) -> Summary {
    let s = stats.summary();
    let ms = |f: fn(&ping_stats::RttSummary) -> u64| s.as_ref().map(|s| ping_stats::us_to_ms(f(s)));
    Summary {
        r#type: "summary",
        target: spec.name.clone(),
        address: addr,
        transmitted: stats.transmitted,
        received: stats.received,
        duplicates: stats.duplicates,
        errors: stats.errors,
        loss_pct: stats.loss_pct(),
        min_ms: ms(|s| s.min_us),
        avg_ms: ms(|s| s.avg_us),
        max_ms: ms(|s| s.max_us),
        mdev_ms: ms(|s| s.mdev_us),
        time_ms,
        method,
        refused: None,
        rtts_ms: samples
            .iter()
            .map(|r| r.map(ping_stats::us_to_ms))
            .collect(),
    }
}

/// Print the per-target results of a many-target run: a table, or names only with -a / -u.
fn print_many(
    out: &mut Output,
    filter: Filter,
    rows: &[(Summary, Vec<Option<u64>>)],
) -> Result<()> {
    let keep = |s: &Summary| match filter {
        Filter::All => true,
        Filter::Alive => s.received > 0,
        Filter::Unreachable => s.received == 0,
    };
    if out.is_json() {
        for (summary, _) in rows.iter().filter(|(s, _)| keep(s)) {
            out.json_record(summary)?;
        }
        return Ok(());
    }
    if filter != Filter::All {
        let mut text = String::new();
        for (summary, _) in rows.iter().filter(|(s, _)| keep(s)) {
            text.push_str(&summary.target);
            text.push('\n');
        }
        out.write_text(&text)?;
        return out.flush();
    }
    // TCP rows say how many replies were refusals: the host is up, the port closed.
    let tcp = rows.iter().any(|(s, _)| s.refused.is_some());
    let mut header = vec!["TARGET", "ADDRESS", "SENT", "RECV"];
    if tcp {
        header.push("REFUSED");
    }
    header.extend(["LOSS", "MIN ms", "AVG ms", "MAX ms", "RTTS"]);
    let mut table = crate::output::table(header);
    let fmt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"));
    for (s, samples) in rows {
        let loss = format!("{}%", ping_stats::format_g(s.loss_pct));
        let loss = out.paint(
            &loss,
            if s.received > 0 {
                Paint::Good
            } else {
                Paint::Bad
            },
        );
        let mut row = vec![
            s.target.clone(),
            s.address.map_or_else(|| "-".into(), |a| a.to_string()),
            s.transmitted.to_string(),
            s.received.to_string(),
        ];
        if tcp {
            row.push(s.refused.unwrap_or(0).to_string());
        }
        row.extend([
            loss,
            fmt(s.min_ms),
            fmt(s.avg_ms),
            fmt(s.max_ms),
            ping_stats::sparkline(samples),
        ]);
        table.add_row(row);
    }
    out.write_text(&format!("{table}\n"))?;
    out.flush()
}

fn elapsed_ms(start: Option<Instant>, end: Instant) -> u64 {
    start.map_or(0, |s| {
        u64::try_from((end.saturating_duration_since(s).as_micros() + 500) / 1000)
            .unwrap_or(u64::MAX)
    })
}

/// The ICMP run: one socket per address family, every target driven from one loop.
struct IcmpRun<'c> {
    config: &'c Config,
    sockets: Vec<IcmpSocket>,
    targets: Vec<Target>,
    by_addr: HashMap<IpAddr, usize>,
    expiry: VecDeque<(Instant, usize, u16)>,
    payload: Vec<u8>,
    namer: Namer,
    start: Option<Instant>,
    in_flight: usize,
    /// Text waiting to be written (flood dots, reply lines); written before each wait.
    pending_text: String,
}

impl<'c> IcmpRun<'c> {
    fn new(
        config: &'c Config,
        resolved: Vec<(HostSpec, IpAddr)>,
        out: &mut Output,
    ) -> Result<Self> {
        let options = SocketOptions {
            ttl: config.ttl,
            source: match &config.source {
                Some(Source::Address(a)) => Some(*a),
                _ => None,
            },
            device: match &config.source {
                Some(Source::Device(d)) => Some(d.clone()),
                _ => None,
            },
        };
        let mut sockets: Vec<IcmpSocket> = Vec::new();
        let mut targets = Vec::new();
        let mut by_addr = HashMap::new();
        let now = Instant::now();
        // Room for every probe of a counted run up front: growing the maps costs a flood
        // more than the probes themselves.
        let expected = config
            .count
            .map_or(0, |c| usize::try_from(c.min(1 << 16)).unwrap_or(0));
        for (spec, addr) in resolved {
            let v6 = addr.is_ipv6();
            let socket = match sockets.iter().position(|s| s.is_v6() == v6) {
                Some(i) => i,
                None => {
                    let s = IcmpSocket::open(v6, &options)?;
                    out.debug(format_args!(
                        "ping: using {} ICMP{} socket ({})",
                        s.method().as_str(),
                        if v6 { "v6" } else { "" },
                        if s.method() == Method::Raw {
                            "CAP_NET_RAW"
                        } else {
                            "net.ipv4.ping_group_range"
                        }
                    ));
                    sockets.push(s);
                    sockets.len() - 1
                }
            };
            by_addr.insert(addr, targets.len());
            targets.push(Target {
                spec,
                addr,
                stats: RttStats::default(),
                probes: HashMap::with_capacity(expected),
                samples: Vec::with_capacity(expected),
                next_seq: 1,
                sent: 0,
                outstanding: 0,
                next_due: now,
                last_sent: None,
                socket,
            });
        }
        let payload = (0..config.size).map(|i| (i % 256) as u8).collect();
        let any_name = config.hosts.iter().any(|h| h.literal.is_none());
        Ok(Self {
            config,
            sockets,
            targets,
            by_addr,
            expiry: VecDeque::new(),
            payload,
            namer: Namer {
                enabled: any_name && !config.numeric,
                cache: HashMap::new(),
            },
            start: None,
            in_flight: 0,
            pending_text: String::new(),
        })
    }

    fn single_text(&self, out: &Output) -> bool {
        !self.config.many && !out.is_json()
    }

    fn line_output(&self, out: &Output) -> bool {
        self.single_text(out) && !out.quiet() && !self.config.flood
    }

    async fn run(mut self, out: &mut Output) -> Result<Outcome> {
        if self.single_text(out) {
            let t = &self.targets[0];
            out.write_text(&header(
                &t.spec.name,
                t.addr,
                self.config.size,
                self.config.source.as_ref(),
            ))?;
            out.flush()?;
        }
        let mut sigint =
            signal(SignalKind::interrupt()).map_err(|e| Error::io("catch Ctrl-C", e))?;
        let deadline = self.config.deadline.map(|d| Instant::now() + d);
        let mut buf = vec![0u8; usize::from(self.config.size) + 1024];
        // A flood takes one reply at a time and sends the next at once, then looks for its
        // reply without waiting (on loopback it is queued before the send returns): a send and
        // a receive per probe, as ping -f, instead of a wait and an empty read besides.
        let flood = self.config.flood && self.config.interval.is_zero();
        let per_turn = if flood { 1 } else { 4096 };
        let mut busy_turns = 0u32;
        loop {
            let mut queued = false;
            for i in 0..self.sockets.len() {
                queued |= self.drain(i, &mut buf, per_turn, out)?;
            }
            let now = Instant::now();
            self.expire(now, out)?;
            if deadline.is_some_and(|d| now >= d) {
                break;
            }
            let sent = self.send_due(now, out)?;
            if self.done() {
                break;
            }
            if !self.pending_text.is_empty() {
                out.write_text(&std::mem::take(&mut self.pending_text))?;
                out.flush()?;
            } else if !flood || out.is_json() {
                // Reply lines and records were written as they came; a flood in text writes
                // only dots, which go through pending_text.
                out.flush()?;
            }
            if flood && (sent || queued) {
                // Every 64 probes the runtime gets a turn (a signal reaches us only through its
                // event loop) and Ctrl-C is looked at, without waiting for anything else.
                busy_turns = busy_turns.wrapping_add(1);
                if busy_turns % 64 == 0 {
                    tokio::task::yield_now().await;
                    let interrupted = tokio::select! {
                        biased;
                        _ = sigint.recv() => true,
                        () = std::future::ready(()) => false,
                    };
                    if interrupted {
                        break;
                    }
                }
                continue;
            }
            let wake = [self.next_send(), self.expiry.front().map(|e| e.0), deadline]
                .into_iter()
                .flatten()
                .min();
            let sleep = async {
                match wake {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            let second = async {
                match self.sockets.get(1) {
                    Some(s) => s.readable().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                _ = sigint.recv() => break,
                r = self.sockets[0].readable() => r.map_err(|e| Error::io("wait for replies", e))?,
                r = second => r.map_err(|e| Error::io("wait for replies", e))?,
                () = sleep => {}
            }
        }
        self.finish(out)
    }

    fn done(&self) -> bool {
        self.targets
            .iter()
            .all(|t| t.finished_sending(self.config.count) && t.outstanding == 0)
    }

    /// When the next probe is due, if any may still be sent.
    fn next_send(&self) -> Option<Instant> {
        if self.config.many && self.in_flight >= MAX_IN_FLIGHT {
            return None;
        }
        self.targets
            .iter()
            .filter(|t| !t.finished_sending(self.config.count))
            .map(|t| self.due_at(t))
            .min()
    }

    fn due_at(&self, t: &Target) -> Instant {
        // Flood: the next request goes as soon as the last one is answered, or after 10 ms.
        if self.config.flood && t.outstanding == 0 && self.config.interval.is_zero() {
            return t.last_sent.unwrap_or(t.next_due);
        }
        t.next_due
    }

    /// Send every probe that is due; whether one was sent.
    fn send_due(&mut self, now: Instant, out: &mut Output) -> Result<bool> {
        let mut sent = false;
        for i in 0..self.targets.len() {
            if self.config.many && self.in_flight >= MAX_IN_FLIGHT {
                break;
            }
            let t = &self.targets[i];
            if t.finished_sending(self.config.count) || self.due_at(t) > now {
                continue;
            }
            sent |= self.send_one(i, out)?;
        }
        Ok(sent)
    }

    /// Send the next probe to target `i`; false when the send queue was full.
    fn send_one(&mut self, i: usize, out: &mut Output) -> Result<bool> {
        let seq = self.targets[i].next_seq;
        if self.config.outstanding && self.line_output(out) {
            let prev = seq.wrapping_sub(1);
            if let Some(p) = self.targets[i].probes.get(&prev) {
                if !p.answered && !p.failed {
                    let _ = writeln!(
                        self.pending_text,
                        "{}no answer yet for icmp_seq={prev}",
                        timestamp_prefix(self.config.timestamps)
                    );
                }
            }
        }
        let addr = self.targets[i].addr;
        let socket = self.targets[i].socket;
        let sent = Instant::now();
        let result = self.sockets[socket].send_echo(addr, seq, &self.payload);
        let t = &mut self.targets[i];
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                // The send queue is full: try again on the next turn.
                return Ok(false);
            }
            Err(e) if t.sent == 0 && !self.config.many => {
                return Err(Error::io(format!("send to {addr}"), e));
            }
            Err(e) => {
                out.debug(format_args!("ping: send to {addr}: {e}"));
            }
        }
        self.start.get_or_insert(sent);
        t.stats.sent();
        t.sent += 1;
        t.next_seq = t.next_seq.wrapping_add(1);
        t.outstanding += 1;
        self.in_flight += 1;
        t.last_sent = Some(sent);
        let step = if self.config.flood && self.config.interval.is_zero() {
            Duration::from_millis(10)
        } else {
            self.config.interval
        };
        t.next_due = sent + step;
        let index = t.samples.len();
        t.samples.push(None);
        t.probes.insert(
            seq,
            Probe {
                sent,
                index,
                answered: false,
                failed: false,
            },
        );
        self.expiry.push_back((sent + self.config.wait, i, seq));
        if self.config.flood && !out.quiet() && self.single_text(out) {
            self.pending_text.push('.');
        }
        Ok(true)
    }

    /// Read what the socket has queued, `at_most` packets (so sending keeps its turn); whether
    /// more may be queued (false once a read found nothing).
    fn drain(
        &mut self,
        socket: usize,
        buf: &mut [u8],
        at_most: usize,
        out: &mut Output,
    ) -> Result<bool> {
        for _ in 0..at_most {
            let got = self.sockets[socket]
                .try_recv(buf)
                .map_err(|e| Error::io("receive ICMP", e))?;
            let at = Instant::now();
            match got {
                None => return Ok(false),
                Some(None) => {}
                Some(Some(incoming)) => self.handle(socket, incoming, at, out)?,
            }
        }
        Ok(true)
    }

    fn handle(
        &mut self,
        socket: usize,
        incoming: Incoming,
        at: Instant,
        out: &mut Output,
    ) -> Result<()> {
        let checks_ident = self.sockets[socket].checks_ident();
        let ident = self.sockets[socket].ident();
        match incoming {
            Incoming::Reply {
                from,
                ident: got,
                seq,
                ttl,
                bytes,
            } => {
                let Some(i) = self.locate(checks_ident && got != ident, from, seq) else {
                    return Ok(());
                };
                let t = &mut self.targets[i];
                let Some(probe) = t.probes.get_mut(&seq) else {
                    return Ok(());
                };
                let rtt_us = u64::try_from(at.saturating_duration_since(probe.sent).as_micros())
                    .unwrap_or(u64::MAX);
                let dup = probe.answered;
                if !dup {
                    probe.answered = true;
                    if !probe.failed {
                        t.outstanding -= 1;
                        self.in_flight -= 1;
                    }
                    t.samples[probe.index] = Some(rtt_us);
                }
                t.stats.reply(rtt_us, dup);
                if out.is_json() {
                    if !out.quiet() {
                        let target = t.spec.name.clone();
                        out.json_record(&ReplyRecord {
                            r#type: "reply",
                            target: &target,
                            seq,
                            from,
                            ttl,
                            bytes,
                            rtt_ms: ping_stats::us_to_ms(rtt_us),
                            dup,
                            state: None,
                        })?;
                    }
                } else if self.config.flood && self.single_text(out) && !out.quiet() {
                    if !dup {
                        self.pending_text.push('\u{8}');
                    }
                } else if self.line_output(out) {
                    let shown = self.namer.show(from);
                    let ttl = ttl.map_or_else(String::new, |t| format!(" ttl={t}"));
                    let _ = writeln!(
                        self.pending_text,
                        "{}{bytes} bytes from {shown}: icmp_seq={seq}{ttl} time={} ms{}",
                        timestamp_prefix(self.config.timestamps),
                        ping_stats::format_rtt(rtt_us),
                        if dup { " (DUP!)" } else { "" }
                    );
                    out.write_text(&std::mem::take(&mut self.pending_text))?;
                }
            }
            Incoming::Error {
                from,
                dest,
                ident: got,
                seq,
                icmp_type,
                icmp_code,
            } => {
                let Some(i) = self.locate(checks_ident && got != ident, dest, seq) else {
                    return Ok(());
                };
                let t = &mut self.targets[i];
                let Some(probe) = t.probes.get_mut(&seq) else {
                    return Ok(());
                };
                if probe.answered || probe.failed {
                    return Ok(());
                }
                probe.failed = true;
                t.outstanding -= 1;
                self.in_flight -= 1;
                t.stats.error();
                let text = icmp::error_text(dest.is_ipv6(), icmp_type, icmp_code);
                if out.is_json() {
                    if !out.quiet() {
                        let target = t.spec.name.clone();
                        out.json_record(&ErrorRecord {
                            r#type: "error",
                            target: &target,
                            seq,
                            from: Some(from),
                            error: &text,
                            icmp_type: Some(icmp_type),
                            icmp_code: Some(icmp_code),
                        })?;
                    }
                } else if self.config.flood && self.single_text(out) && !out.quiet() {
                    self.pending_text.push('E');
                } else if self.line_output(out) {
                    let shown = self.namer.show(from);
                    let _ = writeln!(
                        self.pending_text,
                        "{}From {shown} icmp_seq={seq} {text}",
                        timestamp_prefix(self.config.timestamps)
                    );
                }
            }
            Incoming::Corrupt { from } => {
                out.debug(format_args!(
                    "ping: reply from {from} with a bad checksum, ignored"
                ));
            }
        }
        Ok(())
    }

    /// The target a packet is about: the identifier must be ours (`foreign` says it is not),
    /// the address a target's, and the sequence one of its probes still remembered.
    fn locate(&self, foreign: bool, addr: IpAddr, seq: u16) -> Option<usize> {
        if foreign {
            return None;
        }
        let i = *self.by_addr.get(&addr)?;
        self.targets[i].probes.contains_key(&seq).then_some(i)
    }

    /// Forget probes whose wait is over; report the unanswered ones as timeouts.
    fn expire(&mut self, now: Instant, out: &mut Output) -> Result<()> {
        while let Some(&(at, i, seq)) = self.expiry.front() {
            if at > now {
                break;
            }
            self.expiry.pop_front();
            self.time_out(i, seq, out)?;
        }
        Ok(())
    }

    fn time_out(&mut self, i: usize, seq: u16, out: &mut Output) -> Result<()> {
        let t = &mut self.targets[i];
        let Some(probe) = t.probes.remove(&seq) else {
            return Ok(());
        };
        if probe.answered || probe.failed {
            return Ok(());
        }
        t.outstanding -= 1;
        self.in_flight -= 1;
        if out.is_json() && !out.quiet() {
            let target = t.spec.name.clone();
            out.json_record(&TimeoutRecord {
                r#type: "timeout",
                target: &target,
                seq,
            })?;
        }
        Ok(())
    }

    fn finish(mut self, out: &mut Output) -> Result<Outcome> {
        let end = Instant::now();
        // Probes still unanswered at the end (deadline, Ctrl-C) are lost.
        while let Some((_, i, seq)) = self.expiry.pop_front() {
            self.time_out(i, seq, out)?;
        }
        if !self.pending_text.is_empty() {
            out.write_text(&std::mem::take(&mut self.pending_text))?;
        }
        let time_ms = elapsed_ms(self.start, end);
        let mut rows = Vec::new();
        for t in &self.targets {
            let method = self.sockets[t.socket].method();
            rows.push((
                make_summary(&t.spec, Some(t.addr), &t.stats, &t.samples, time_ms, method),
                t.samples.clone(),
            ));
        }
        if self.config.many {
            print_many(out, self.config.filter, &rows)?;
            return Ok(Outcome::from_bool(rows.iter().all(|(s, _)| s.received > 0)));
        }
        let t = &self.targets[0];
        if out.is_json() {
            out.json_record(&rows[0].0)?;
        } else {
            let ipg = (self.config.flood && t.stats.transmitted > 1).then(|| {
                let span = t
                    .last_sent
                    .zip(self.start)
                    .map_or(0, |(l, s)| l.saturating_duration_since(s).as_micros());
                u64::try_from(span / u128::from(t.stats.transmitted - 1)).unwrap_or(0)
            });
            out.write_text(&summary_text(&t.spec.name, &t.stats, time_ms, ipg))?;
            out.flush()?;
        }
        Ok(Outcome::from_bool(t.stats.received > 0))
    }
}

/// TCP "ping": time the connect handshake. An accepted or refused (RST) connection proves the
/// host is up and counts as a reply; no answer within the wait is a loss.
mod tcp {
    use super::*;
    use tokio::net::TcpSocket;
    use tokio::task::JoinSet;

    enum Answer {
        Open(u64),
        Closed(u64),
        Lost,
        Failed(String),
    }

    async fn probe(
        addr: SocketAddr,
        source: Option<IpAddr>,
        ttl: Option<u32>,
        wait: Duration,
    ) -> Answer {
        let socket = match if addr.is_ipv4() {
            TcpSocket::new_v4()
        } else {
            TcpSocket::new_v6()
        } {
            Ok(s) => s,
            Err(e) => return Answer::Failed(Error::io("socket", e).to_string()),
        };
        if let Some(src) = source {
            if let Err(e) = socket.bind(SocketAddr::new(src, 0)) {
                return Answer::Failed(Error::io(format!("bind {src}"), e).to_string());
            }
        }
        if let Some(ttl) = ttl {
            let _ = socket2::SockRef::from(&socket).set_ttl_v4(ttl);
        }
        let start = Instant::now();
        let result = tokio::time::timeout(wait, socket.connect(addr)).await;
        let rtt = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
        match result {
            Err(_) => Answer::Lost,
            Ok(Ok(_stream)) => Answer::Open(rtt),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => Answer::Closed(rtt),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::TimedOut => Answer::Lost,
            Ok(Err(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NetworkUnreachable | std::io::ErrorKind::HostUnreachable
                ) =>
            {
                // Nothing proves the port closed: the probe found no way to the host.
                Answer::Failed("unreachable (no route)".into())
            }
            Ok(Err(e)) => Answer::Failed(
                Error::io("x", e)
                    .to_string()
                    .trim_start_matches("x: ")
                    .to_string(),
            ),
        }
    }

    pub(super) async fn run(
        config: &Config,
        targets: Vec<(HostSpec, IpAddr)>,
        port: u16,
        out: &mut Output,
    ) -> Result<Outcome> {
        let single_text = !config.many && !out.is_json();
        let lines = single_text && !out.quiet();
        if single_text {
            let (spec, addr) = &targets[0];
            out.write_text(&format!("TCP PING {} ({addr}) port {port}.\n", spec.name))?;
            out.flush()?;
        }
        let mut sigint =
            signal(SignalKind::interrupt()).map_err(|e| Error::io("catch Ctrl-C", e))?;
        let deadline = config.deadline.map(|d| tokio::time::Instant::now() + d);
        let source = match config.source {
            Some(Source::Address(a)) => Some(a),
            _ => None,
        };
        let mut stats = vec![RttStats::default(); targets.len()];
        let mut samples: Vec<Vec<Option<u64>>> = vec![Vec::new(); targets.len()];
        let mut refused = vec![0u64; targets.len()];
        let start = Instant::now();
        let mut round: u64 = 0;
        let semaphore = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT));
        let mut interrupted = false;
        'rounds: while config.count.is_none_or(|c| round < c) {
            round += 1;
            let seq = u16::try_from(round % 65_536).unwrap_or(0);
            let round_start = tokio::time::Instant::now();
            let mut set = JoinSet::new();
            for (i, (_, addr)) in targets.iter().enumerate() {
                let (addr, sem, wait, ttl) = (*addr, semaphore.clone(), config.wait, config.ttl);
                stats[i].sent();
                samples[i].push(None);
                set.spawn(async move {
                    let _permit = sem.acquire_owned().await;
                    (
                        i,
                        probe(SocketAddr::new(addr, port), source, ttl, wait).await,
                    )
                });
            }
            loop {
                let next = tokio::select! {
                    biased;
                    _ = sigint.recv() => { interrupted = true; None }
                    () = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => { interrupted = true; None }
                    r = set.join_next() => r,
                };
                let Some(joined) = next else { break };
                let Ok((i, answer)) = joined else { continue };
                let (spec, addr) = &targets[i];
                let prefix = timestamp_prefix(config.timestamps);
                match answer {
                    Answer::Open(rtt) | Answer::Closed(rtt) => {
                        let state = if matches!(answer, Answer::Open(_)) {
                            "open"
                        } else {
                            refused[i] += 1;
                            "closed"
                        };
                        stats[i].reply(rtt, false);
                        if let Some(last) = samples[i].last_mut() {
                            *last = Some(rtt);
                        }
                        if out.is_json() && !out.quiet() {
                            out.json_record(&ReplyRecord {
                                r#type: "reply",
                                target: &spec.name,
                                seq,
                                from: *addr,
                                ttl: None,
                                bytes: 0,
                                rtt_ms: ping_stats::us_to_ms(rtt),
                                dup: false,
                                state: Some(state),
                            })?;
                        } else if lines {
                            let state = if state == "closed" {
                                "closed (refused)"
                            } else {
                                state
                            };
                            out.write_text(&format!(
                                "{prefix}reply from {addr} port {port}: tcp_seq={seq} {state} time={} ms\n",
                                ping_stats::format_rtt(rtt)
                            ))?;
                            out.flush()?;
                        }
                    }
                    Answer::Lost => {
                        if out.is_json() && !out.quiet() {
                            out.json_record(&TimeoutRecord {
                                r#type: "timeout",
                                target: &spec.name,
                                seq,
                            })?;
                        } else if lines && config.outstanding {
                            out.write_text(&format!("{prefix}no answer yet for tcp_seq={seq}\n"))?;
                        }
                    }
                    Answer::Failed(reason) => {
                        stats[i].error();
                        if out.is_json() && !out.quiet() {
                            out.json_record(&ErrorRecord {
                                r#type: "error",
                                target: &spec.name,
                                seq,
                                from: None,
                                error: &reason,
                                icmp_type: None,
                                icmp_code: None,
                            })?;
                        } else if lines {
                            out.write_text(&format!(
                                "{prefix}From {addr} tcp_seq={seq} {reason}\n"
                            ))?;
                            out.flush()?;
                        }
                    }
                }
            }
            if interrupted {
                set.abort_all();
                // Probes cut short by Ctrl-C or the deadline are lost, and reported as such.
                for (i, (spec, _)) in targets.iter().enumerate() {
                    if samples[i].last().is_some_and(Option::is_none)
                        && out.is_json()
                        && !out.quiet()
                    {
                        out.json_record(&TimeoutRecord {
                            r#type: "timeout",
                            target: &spec.name,
                            seq,
                        })?;
                    }
                }
                break 'rounds;
            }
            if config.count.is_some_and(|c| round >= c) {
                break;
            }
            let next = round_start + config.interval;
            tokio::select! {
                biased;
                _ = sigint.recv() => break 'rounds,
                () = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => break 'rounds,
                () = tokio::time::sleep_until(next) => {}
            }
        }
        let time_ms = elapsed_ms(Some(start), Instant::now());
        let rows: Vec<(Summary, Vec<Option<u64>>)> = targets
            .iter()
            .enumerate()
            .map(|(i, (spec, addr))| {
                let mut summary = make_summary(
                    spec,
                    Some(*addr),
                    &stats[i],
                    &samples[i],
                    time_ms,
                    Method::Tcp,
                );
                summary.refused = Some(refused[i]);
                (summary, samples[i].clone())
            })
            .collect();
        if config.many {
            print_many(out, config.filter, &rows)?;
            return Ok(Outcome::from_bool(rows.iter().all(|(s, _)| s.received > 0)));
        }
        if out.is_json() {
            out.json_record(&rows[0].0)?;
        } else {
            out.write_text(&summary_text(&targets[0].0.name, &stats[0], time_ms, None))?;
            out.flush()?;
        }
        Ok(Outcome::from_bool(stats[0].received > 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(argv: &[&str]) -> Result<Config> {
        let args: Args =
            crate::cli::parse_args("ping", argv).map_err(|e| Error::other(e.to_string()))?;
        Config::try_from(args)
    }

    fn err(argv: &[&str]) -> String {
        config(argv).unwrap_err().to_string()
    }

    #[test]
    fn defaults_for_one_host() {
        let c = config(&["127.0.0.1"]).unwrap();
        assert!(!c.many);
        assert_eq!(c.count, None);
        assert_eq!(c.interval, Duration::from_secs(1));
        assert_eq!(c.wait, Duration::from_secs(10));
        assert_eq!(c.size, 56);
        assert_eq!(c.filter, Filter::All);
        assert_eq!(c.hosts[0].literal, Some("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn flags_map_to_config() {
        let c = config(&[
            "-c",
            "3",
            "-i",
            "0.2",
            "-W",
            "500ms",
            "-w",
            "5",
            "-s",
            "100",
            "-t",
            "1",
            "-I",
            "lo",
            "-D",
            "-O",
            "-n",
            "localhost",
        ])
        .unwrap();
        assert_eq!(c.count, Some(3));
        assert_eq!(c.interval, Duration::from_millis(200));
        assert_eq!(c.wait, Duration::from_millis(500));
        assert_eq!(c.deadline, Some(Duration::from_secs(5)));
        assert_eq!((c.size, c.ttl), (100, Some(1)));
        assert_eq!(c.source, Some(Source::Device("lo".into())));
        assert!(c.timestamps && c.outstanding && c.numeric);
        assert_eq!(c.hosts[0].literal, None);
        let c = config(&["-I", "127.0.0.1", "-f", "127.0.0.1"]).unwrap();
        assert_eq!(
            c.source,
            Some(Source::Address("127.0.0.1".parse().unwrap()))
        );
        assert_eq!(c.interval, Duration::ZERO);
    }

    #[test]
    fn many_targets_default_to_one_probe() {
        let c = config(&["127.0.0.1", "127.0.0.2"]).unwrap();
        assert!(c.many);
        assert_eq!(c.count, Some(1));
        assert_eq!(c.wait, Duration::from_secs(1));
        let c = config(&["-g", "127.0.1.0/28", "-a"]).unwrap();
        assert_eq!(c.hosts.len(), 14);
        assert_eq!(c.hosts[0].name, "127.0.1.1");
        assert_eq!(c.hosts[13].name, "127.0.1.14");
        assert_eq!(c.filter, Filter::Alive);
        let c = config(&["-g", "127.0.0.250", "127.0.1.2", "-u"]).unwrap();
        assert_eq!(c.hosts.len(), 9);
        assert_eq!(c.filter, Filter::Unreachable);
        let c = config(&["-g", "::1", "::3"]).unwrap();
        assert_eq!(c.hosts.len(), 3);
    }

    #[test]
    fn tcp_port_by_number_or_name() {
        assert_eq!(config(&["--tcp", "22", "::1"]).unwrap().tcp_port, Some(22));
        assert_eq!(
            config(&["--tcp", "http", "::1"]).unwrap().tcp_port,
            Some(80)
        );
    }

    #[test]
    fn bad_inputs_name_the_input() {
        let table: [(&[&str], &str); 14] = [
            (&["-c", "0", "h"], "-c 0: the count must be at least 1"),
            (&["-c", "-1", "h"], "-c -1: the count must be at least 1"),
            (
                &["-s", "70000", "h"],
                "-s 70000: the payload size must be 0-65507 bytes",
            ),
            (
                &["-s", "-1", "h"],
                "-s -1: the payload size must be 0-65507 bytes",
            ),
            (&["-t", "0", "h"], "-t 0: the TTL must be 1-255"),
            (&["-t", "256", "h"], "-t 256: the TTL must be 1-255"),
            (
                &["-g", "10.0.0.0/33"],
                "10.0.0.0/33: the prefix length is out of range (IPv4 0-32, IPv6 0-128)",
            ),
            (
                &["-g", "10.0.0.9", "10.0.0.1"],
                "10.0.0.1: the range ends before it starts",
            ),
            (
                &["-g", "10.0.0.0/8"],
                "10.0.0.0/8: more than 65536 addresses",
            ),
            (
                &["-g", "10.0.0.1", "::1"],
                "10.0.0.1 ::1: both ends must be of the same family",
            ),
            (
                &["-4", "::1"],
                "::1: is an IPv6 address, but -4 asks for IPv4",
            ),
            (
                &["-6", "127.0.0.1"],
                "127.0.0.1: is an IPv4 address, but -6 asks for IPv6",
            ),
            (&[], "HOST: name a host to ping, or a range with -g"),
            (
                &["-f", "--tcp", "80", "h"],
                "-f: flood works with ICMP, not with --tcp",
            ),
        ];
        for (argv, want) in table {
            assert_eq!(err(argv), want, "{argv:?}");
        }
        // Negative durations are refused by the duration parser (clap names the flag).
        assert!(err(&["-i", "-1", "h"]).contains("a duration cannot be negative"));
        assert!(err(&["--tcp", "nosuchservice", "h"]).contains("nosuchservice"));
        assert!(err(&["-W", "0", "h"]).contains("-W 0"));
    }

    #[test]
    fn header_lines_like_ping() {
        let v4: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(
            header("localhost", v4, 56, None),
            "PING localhost (127.0.0.1) 56(84) bytes of data.\n"
        );
        assert_eq!(
            header("::1", "::1".parse().unwrap(), 56, None),
            "PING ::1(::1) 56 data bytes\n"
        );
        assert_eq!(
            header("127.0.0.1", v4, 10, Some(&Source::Address(v4))),
            "PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 : 10(38) bytes of data.\n"
        );
    }

    #[test]
    fn summary_lines_like_ping() {
        let mut s = RttStats::default();
        for rtt in [237, 39] {
            s.sent();
            s.reply(rtt, false);
        }
        assert_eq!(
            summary_text("127.0.0.1", &s, 204, None),
            "\n--- 127.0.0.1 ping statistics ---\n\
             2 packets transmitted, 2 received, 0% packet loss, time 204ms\n\
             rtt min/avg/max/mdev = 0.039/0.138/0.237/0.099 ms\n"
        );
        s.reply(100, true);
        s.sent();
        s.sent();
        s.error();
        assert_eq!(
            summary_text("h", &s, 3000, Some(1500)),
            "\n--- h ping statistics ---\n\
             4 packets transmitted, 2 received, +1 duplicates, +1 errors, 50% packet loss, time 3000ms\n\
             rtt min/avg/max/mdev = 0.039/0.125/0.237/0.083 ms, ipg/ewma 1.500/0.198 ms\n"
        );
        let mut lost = RttStats::default();
        lost.sent();
        assert_eq!(
            summary_text("h", &lost, 1000, None),
            "\n--- h ping statistics ---\n\
             1 packets transmitted, 0 received, 100% packet loss, time 1000ms\n"
        );
    }
}
