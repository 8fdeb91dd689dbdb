//! `nettool ping`: ICMP echo with iputils ping's flags and output, many targets at once like
//! fping (with a summary row and a sparkline per target), and a TCP handshake probe that needs
//! no privilege.
//!
//! The command is config -> engine -> renderer: [`config`] checks the arguments, [`run`] resolves
//! the hosts and opens the sockets, the probe engine ([`crate::probe`]) sends and matches the
//! probes and emits events, and [`render`] prints them. A reader starts at [`run`]. The round
//! trip is timed by the engine, around our own send and receive, to the microsecond.

pub mod config;
pub mod live;
pub mod render;
pub mod sweep;

use std::convert::Infallible;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::address::ScopedAddr;
use crate::net::host::{self, Family};
use crate::net::icmp::SocketOptions;
use crate::net::privilege::{self, Method};
use crate::output::Output;
use crate::probe::icmp::IcmpProber;
use crate::probe::tcp::TcpProber;
use crate::probe::{self, Engine, ProbeSocket, Schedule, SystemClock, Target};

pub use config::{Config, Filter, HostSpec, Source};
use render::Renderer;

/// How many probes may wait for an answer at once when pinging many targets.
const MAX_IN_FLIGHT: usize = 256;

/// Ping one host like ping, or many like fping.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "JSON (--json) is NDJSON, one object a line, each with \"type\" and \
\"target\" (the host as given):\n\
  reply: seq, from, ttl (null on TCP), bytes (ICMP message length as it arrived; 0 for TCP), \
rtt_ms (milliseconds, to the microsecond), dup (true for a duplicate reply), state (TCP only: \
\"open\", or \"closed\" for a reset, which proves the host is up); only when the payload did \
not come back as sent: truncated (true: shorter than sent) or wrong_data (the first byte that \
differs: offset, expected, got)\n\
  timeout: seq (no answer within -W, or still unanswered at the end)\n\
  error: seq, from (the reporting router or host, or null), error (ping's wording, e.g. \
\"Time to live exceeded\"), icmp_type, icmp_code (null for TCP)\n\
  summary (one per target, last): address, transmitted, received, duplicates, errors, \
loss_pct, min_ms, avg_ms, max_ms, mdev_ms (null without replies; mdev as ping computes it), \
time_ms, method (\"raw\", \"dgram\" or \"tcp\"), rtts_ms (one entry per probe, the last 1,024 at most, null for a \
lost one)\n\
  sweep (last, only for a -g range of more than 65,536 addresses, instead of a summary per \
target): range, targets, probed, alive, unreachable, transmitted, received, duplicates, errors, \
loss_pct, min_ms, avg_ms, max_ms, mdev_ms, time_ms, method\n\n\
Sweeps: a -g range of more than 1,024 addresses (up to all of IPv4) is probed in address \
order with a bounded number of targets open at once, and its answers, losses and errors are \
printed as they come; -a and -u print each address as it settles. Up to 65,536 addresses it \
ends with the table (or the summaries) of every target; a larger range ends with the sweep's \
totals, so its memory stays flat whatever its size.\n\n\
Privilege: a raw ICMP socket is tried first, then an unprivileged ICMP datagram socket \
(net.ipv4.ping_group_range); -v says which. With neither, use --tcp PORT."
)]
pub struct Args {
    /// Hosts to ping (names or addresses); more than one shows a row per host, live on a terminal
    #[arg(value_name = "HOST")]
    pub hosts: Vec<String>,

    /// Ping a range: -g CIDR (network and broadcast left out) or -g START END; beyond 1,024
    /// addresses the sweep is streamed (see below)
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

    /// Allow pinging a broadcast address (every host that answers is shown)
    #[arg(short = 'b', long = "broadcast")]
    pub broadcast: bool,

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
    let runtime = crate::runtime::current_thread()?;
    let outcome = runtime.block_on(ping(&config, out));
    // A name lookup abandoned after Ctrl-C must not hold the exit.
    runtime.shutdown_background();
    outcome
}

/// Resolve every host once (an unknown name is an error naming it); the same address twice
/// would make answers ambiguous, so it is pinged once.
fn resolve_all(
    hosts: &[HostSpec],
    source: Option<&Source>,
    family: Family,
) -> Result<Vec<(HostSpec, ScopedAddr)>> {
    let mut seen = std::collections::HashSet::new();
    let mut resolved = Vec::new();
    for spec in hosts {
        let mut addr = host::resolve(&config::lookup_name(spec, source), family)?.remove(0);
        addr.ip = config::this_host_for_unspecified(addr.ip);
        if seen.insert(addr.ip) {
            resolved.push((spec.clone(), addr));
        }
    }
    Ok(resolved)
}

async fn ping(config: &Config, out: &mut Output) -> Result<Outcome> {
    let (hosts, family, source) = (config.hosts.clone(), config.family, config.source.clone());
    let resolved = if hosts.iter().all(|h| h.literal.is_some()) {
        // Addresses need no lookup: no thread for it (a flood's memory is mostly its threads
        // and pages touched).
        resolve_all(&hosts, source.as_ref(), family)?
    } else {
        tokio::task::spawn_blocking(move || resolve_all(&hosts, source.as_ref(), family))
            .await
            .map_err(|e| Error::other(format!("name lookup: {e}")))??
    };
    let ttl = config.ttl.and_then(|t| u8::try_from(t).ok());
    let targets: Vec<Target> = resolved
        .iter()
        .map(|(spec, addr)| Target {
            ttl,
            scope_id: addr.scope_id,
            ..Target::new(&spec.name, addr.ip)
        })
        .collect();
    let schedule = Schedule {
        count: config.count,
        interval: config.interval,
        wait: config.wait,
        deadline: config.deadline,
        flood: config.flood,
        in_flight: (config.many || config.tcp_port.is_some()).then_some(MAX_IN_FLIGHT),
        // One handshake at a time per target, as a TCP ping waits for each.
        serial: config.tcp_port.is_some(),
        first_send_fatal: !config.many,
        // One ICMP target waits as ping does; many targets and TCP probes time out one by one.
        wait_at_end: !config.many && config.tcp_port.is_none(),
    };
    let source_addr = match config.source {
        Some(Source::Address(a)) => Some(a),
        _ => None,
    };
    if let Some(source) = source_addr {
        let named: Vec<HostSpec> = resolved
            .iter()
            .map(|(spec, addr)| HostSpec {
                literal: Some(addr.ip),
                ..spec.clone()
            })
            .collect();
        config::source_family_matches(source, &named)?;
    }
    let (first_name, first_addr) = (resolved[0].0.name.as_str(), resolved[0].1.ip);
    let first_zone = resolved[0].1.zone.clone();
    let shown: Vec<_> = targets.iter().map(|t| (t.name.clone(), t.addr)).collect();
    let probes = config.count.map(|c| c * targets.len() as u64);
    if let Some(port) = config.tcp_port {
        let mut renderer = Renderer::new(config, first_addr, out);
        renderer.set_zone(first_zone.clone());
        renderer.header(first_name, config.size, config.source.as_ref())?;
        renderer.live(&shown, probes);
        privilege::drop_all();
        let socket = TcpProber::new(port, source_addr, config.wait);
        let engine = Engine::new(targets, schedule, Vec::new(), SystemClock);
        return drive(engine, socket, renderer).await;
    }
    let options = SocketOptions {
        ttl: config.ttl,
        source: source_addr,
        device: match &config.source {
            Some(Source::Device(d)) => Some(d.clone()),
            _ => None,
        },
        broadcast: config.broadcast,
    };
    let size = usize::from(config.size);
    let socket = IcmpProber::open(targets.iter().map(|t| t.addr), &options, size)?;
    privilege::drop_all();
    for (v6, method) in socket.methods() {
        out.debug(format_args!(
            "ping: using {} ICMP{} socket ({})",
            method.as_str(),
            if v6 { "v6" } else { "" },
            if method == Method::Raw {
                "CAP_NET_RAW"
            } else {
                "net.ipv4.ping_group_range"
            }
        ));
    }
    if let Some(range) = &config.sweep {
        return sweep::run(config, range, socket, out).await;
    }
    let mut renderer = Renderer::new(config, first_addr, out);
    renderer.set_zone(first_zone);
    renderer.header(first_name, config.size, config.source.as_ref())?;
    renderer.live(&shown, probes);
    let payload = (0..config.size).map(|i| (i % 256) as u8).collect();
    let engine = Engine::new(targets, schedule, payload, SystemClock);
    drive(engine, socket, renderer)
        .await
        .map_err(|e| broadcast_hint(e, config.broadcast))
}

/// The kernel refuses a send to a broadcast address without SO_BROADCAST: say so, as ping.
fn broadcast_hint(error: Error, broadcast: bool) -> Error {
    match error {
        Error::Io { context, source }
            if !broadcast
                && source.kind() == std::io::ErrorKind::PermissionDenied
                && context.starts_with("send to ") =>
        {
            Error::Permission(format!(
                "{context}: permission denied: to ping a broadcast address, add -b; \
                 if it is not one, check the local firewall rules"
            ))
        }
        other => other,
    }
}

/// Run the engine and render its events; Ctrl-C stops the engine (which then reports what is
/// still waiting and the summaries) and any name lookup. Without name lookups each event is
/// rendered where the engine emits it; with them, the renderer runs beside the engine.
async fn drive<S: ProbeSocket>(
    mut engine: Engine,
    mut socket: S,
    mut renderer: Renderer<'_>,
) -> Result<Outcome> {
    let mut sigint = signal(SignalKind::interrupt()).map_err(|e| Error::io("catch Ctrl-C", e))?;
    if !renderer.looks_up_names() {
        let failed = std::cell::Cell::new(None);
        let write_failed = tokio::sync::Notify::new();
        let stop = async {
            tokio::select! {
                _ = sigint.recv() => {}
                () = write_failed.notified() => {}
            }
        };
        let mut emit = |event| {
            if !renderer.wants(&event) {
                return;
            }
            let rendered = match failed.take() {
                Some(e) => Err(e),
                None => renderer.render(event),
            };
            if let Err(e) = rendered {
                failed.set(Some(e));
                write_failed.notify_one();
            }
        };
        probe::driver::run(&mut engine, &mut socket, stop, &mut emit).await?;
        if let Some(e) = failed.take() {
            return Err(e);
        }
        return renderer.finish();
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let (events_tx, events_rx) = mpsc::unbounded_channel();
    let mut stop_seen = stop_rx.clone();
    let stopped = async move {
        if stop_seen.wait_for(|stopped| *stopped).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let probing = async move {
        let mut emit = |event| {
            // The renderer is gone only when it failed, and its error ends the run.
            let _ = events_tx.send(event);
        };
        probe::driver::run(&mut engine, &mut socket, stopped, &mut emit).await
    };
    let rendering = renderer.run(events_rx, stop_rx);
    let ctrl_c = async {
        if sigint.recv().await.is_some() {
            let _ = stop_tx.send(true);
        }
        std::future::pending::<Infallible>().await
    };
    tokio::select! {
        done = async { tokio::try_join!(probing, rendering) } => done.map(|((), outcome)| outcome),
        never = ctrl_c => match never {},
    }
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::record::<crate::probe::Event>(generator),
        crate::output::schema::record::<sweep::SweepRecord>(generator),
    ]
}
