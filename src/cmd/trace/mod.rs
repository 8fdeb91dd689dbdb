//! `nettool trace`: the path to a host hop by hop, traceroute's probes with mtr's statistics.
//!
//! [`config`] checks the arguments; the prober ([`crate::probe::trace`]) sends probes with
//! rising TTL to every target at once and reports each probe's end; this module folds those into
//! one [`Path`] per target, looks up names off the runtime thread, and hands the paths to
//! [`render`]: mtr's report table (the default off a terminal, or `--report`), the same table
//! redrawn every round with sparklines on a terminal, or NDJSON.

pub mod config;
pub mod render;

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::trace::{Outcome as ProbeOutcome, Path};
use crate::net::privilege::Method;
use crate::output::Output;
use crate::probe::trace::socket::{IcmpHub, ProbeKind, TraceSockets};
use crate::probe::trace::{self as prober, Pacing, ProbeEvent};

pub use config::{Config, Mode};

/// How long name lookups may hold back the final report.
const LOOKUP_GRACE: Duration = Duration::from_secs(2);
/// Least time between two redraws of the live view.
const REDRAW: Duration = Duration::from_millis(100);

/// The path to a host, hop by hop, like traceroute and mtr.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Output: mtr's report table (HOP, HOST, LOSS%, SNT, LAST, AVG, BEST, WRST, \
STDEV in milliseconds; * for a hop that never answered, a line per further address where the \
path forks, !H !N !P !X after an unreachable answer, MPLS labels where routers quote them), \
then where the target answered. On a terminal without --report the table is redrawn every \
round with a sparkline per hop until Ctrl-C; Ctrl-C always prints the report.\n\n\
JSON (--json) is NDJSON, one object a line:\n\
  probe (one per probe, as it ends): target (the host as given), address, round, ttl, seq, \
from (null when nothing answered), rtt_ms, reply (\"time_exceeded\", \"reached\", \
\"unreachable\" or \"timeout\"), annotation (\"!H\"... or null), icmp_type, icmp_code (null \
for TCP answers and timeouts), mpls (list of {label, tc, s, ttl})\n\
  report (one per target, last): target, address, protocol (\"icmp\", \"udp\", \"tcp\"), method \
(\"raw\" or \"dgram\"), reached, reached_hop, hops: [{hop, addrs: [{addr, name, count}], \
loss_pct, sent, received, last_ms, avg_ms, best_ms, worst_ms, stdev_ms (null without replies), \
annotation, mpls}]\n\n\
Privilege: raw sockets as root (or with cap_net_raw); without, ICMP probes use an \
unprivileged ping socket (net.ipv4.ping_group_range) and UDP probes an ordinary UDP socket, \
both reading the routers' answers from the socket's error queue as tracepath does. TCP needs \
raw sockets.\n\n\
Exit status: 0 every target answered, 1 one did not (the path ends), 2 error."
)]
pub struct Args {
    /// Hosts to trace (names or addresses); several are traced at once
    #[arg(value_name = "HOST")]
    pub hosts: Vec<String>,

    /// Last hop (TTL) to probe
    #[arg(
        short = 'm',
        long = "max-hops",
        value_name = "HOPS",
        default_value_t = 30,
        allow_negative_numbers = true
    )]
    pub max_hops: i64,

    /// First hop (TTL) to probe
    #[arg(
        short = 'f',
        long = "first-hop",
        value_name = "HOPS",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    pub first_hop: i64,

    /// Probes per hop (rounds of the report); -q N as traceroute
    // `-q N` reaches this through [`spell_queries`]: `-q` alone is the global "quiet".
    #[arg(
        long = "queries",
        value_name = "N",
        default_value_t = 3,
        allow_negative_numbers = true
    )]
    pub queries: i64,

    /// Rounds of probes (like mtr -c); implied by the report, endless live without it
    #[arg(
        short = 'c',
        long = "count",
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub count: Option<i64>,

    /// How long to wait for each probe's answer (default 2s)
    #[arg(short = 'w', long = "wait", value_name = "DURATION", value_parser = crate::model::duration::value_parser)]
    pub wait: Option<Duration>,

    /// Least time between the starts of two rounds (default 1s live, none in a report)
    #[arg(short = 'i', long = "interval", value_name = "DURATION", value_parser = crate::model::duration::value_parser)]
    pub interval: Option<Duration>,

    /// Source address or interface name to send from
    #[arg(short = 'I', long = "interface", value_name = "ADDRESS|INTERFACE")]
    pub interface: Option<String>,

    /// UDP: first destination port (default 33434, one more per probe); TCP: see --tcp
    #[arg(short = 'p', long = "port", value_name = "PORT")]
    pub port: Option<String>,

    /// Probe with TCP SYN to this port (for paths that filter ICMP and UDP)
    #[arg(long = "tcp", value_name = "PORT")]
    pub tcp: Option<String>,

    /// Probe with UDP datagrams to rising ports (traceroute's classic method)
    #[arg(long = "udp")]
    pub udp: bool,

    /// Keep every probe in one flow (same ports and ICMP checksum), so a load balancer sends
    /// all of them one way (Paris traceroute)
    #[arg(long = "flow")]
    pub flow: bool,

    /// Numeric output: never look up names of addresses
    #[arg(short = 'n', long = "numeric")]
    pub numeric: bool,

    /// Print the report after the rounds (the default when stdout is not a terminal)
    #[arg(long = "report")]
    pub report: bool,

    /// Address family.
    #[command(flatten)]
    pub family: FamilyArgs,
}

/// One target: the host as given and the address traced.
#[derive(Debug, Clone)]
struct Target {
    host: String,
    addr: IpAddr,
    /// The address with its IPv6 zone, for the sockets.
    scoped: crate::model::address::ScopedAddr,
}

/// Run `nettool trace`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::new(args, std::io::stdout().is_terminal(), out.is_json())?;
    let family = config.target_family();
    let targets = config
        .hosts
        .iter()
        .map(|host| {
            let scoped = crate::net::host::resolve(host, family)?.remove(0);
            Ok(Target {
                host: host.clone(),
                addr: scoped.ip,
                scoped,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let rt = crate::runtime::current_thread()?;
    let local = tokio::task::LocalSet::new();
    rt.block_on(local.run_until(trace_all(&config, &targets, out)))
}

enum Message {
    Probe(usize, ProbeEvent),
    Done(Option<Error>),
}

/// Everything the run has learnt, per target.
struct State {
    paths: Vec<Path>,
    methods: Vec<Method>,
    looked_up: HashSet<IpAddr>,
    pending_lookups: usize,
}

async fn trace_all(config: &Config, targets: &[Target], out: &mut Output) -> Result<Outcome> {
    let pacing = Pacing {
        first_ttl: config.first_ttl,
        max_ttl: config.max_ttl,
        rounds: config.rounds,
        interval: config.interval,
        wait: config.wait,
        window: config::WINDOW,
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
    let mut state = State {
        paths: Vec::new(),
        methods: Vec::new(),
        looked_up: HashSet::new(),
        pending_lookups: 0,
    };
    // Every trace's sockets, opened with the capabilities raised once; the traces share one
    // raw ICMP socket per family.
    let hub = IcmpHub::default();
    let opened = crate::net::privilege::with_raised(|| {
        targets
            .iter()
            .enumerate()
            .map(|(index, target)| {
                let kind = ProbeKind {
                    protocol: config.protocol,
                    port: config.port,
                    flow: config.flow,
                    instance: u16::try_from(index).unwrap_or(u16::MAX),
                };
                let mpls = prober::MplsTable::default();
                TraceSockets::open(&target.scoped, kind, &config.source, &hub, mpls.clone())
                    .map(|sockets| (sockets, mpls))
            })
            .collect::<Result<Vec<_>>>()
    })?;
    let mut tasks = Vec::new();
    for ((index, target), (mut sockets, mpls)) in targets.iter().enumerate().zip(opened) {
        out.debug(format!(
            "trace to {} ({}) from {}: {} probes, {} sockets",
            target.host,
            target.addr,
            sockets.source(),
            config.protocol.as_str(),
            sockets.method().as_str()
        ));
        state.methods.push(sockets.method());
        state
            .paths
            .push(Path::new(target.addr, config.first_ttl, config.max_ttl));
        let tx = tx.clone();
        let addr = target.addr;
        let protocol = config.protocol;
        tasks.push(tokio::task::spawn_local(async move {
            let probe_tx = tx.clone();
            let result = prober::run(&mut sockets, addr, protocol, pacing, &mpls, move |event| {
                let _ = probe_tx.send(Message::Probe(index, event));
            })
            .await;
            let _ = tx.send(Message::Done(result.err()));
        }));
    }
    // Every raw socket is open: no capability is needed any more.
    crate::net::privilege::drop_all();
    drop(tx);
    let (name_tx, mut name_rx) = mpsc::unbounded_channel::<(IpAddr, Option<String>)>();
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| Error::io("catch Ctrl-C", e))?;
    let live = config.mode == Mode::Live && !out.is_json();
    let mut redraw = tokio::time::interval(REDRAW);
    redraw.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut dirty = false;
    let mut done = 0;
    let mut interrupted = false;
    while done < targets.len() {
        tokio::select! {
            message = rx.recv() => match message {
                Some(Message::Probe(index, event)) => {
                    if out.is_json() {
                        out.json_record(&render::probe_record(&targets[index].host, targets[index].addr, &event))?;
                    }
                    state.paths[index].record(event.ttl, &event.outcome);
                    if let ProbeOutcome::Answered { from, .. } = event.outcome
                        && !config.numeric && state.looked_up.insert(from) {
                            state.pending_lookups += 1;
                            let name_tx = name_tx.clone();
                            tokio::task::spawn_blocking(move || {
                                let name = crate::net::host::getnameinfo(from).ok();
                                let _ = name_tx.send((from, name));
                            });
                        }
                    dirty = true;
                }
                Some(Message::Done(error)) => {
                    done += 1;
                    if let Some(err) = error {
                        return Err(err);
                    }
                }
                None => break,
            },
            Some((addr, name)) = name_rx.recv() => {
                state.pending_lookups -= 1;
                set_name(&mut state.paths, addr, name);
                dirty = true;
            }
            _ = interrupt.recv() => {
                interrupted = true;
                break;
            }
            _ = redraw.tick(), if live && dirty => {
                dirty = false;
                draw_live(&state, targets, config, out)?;
            }
        }
    }
    for task in &tasks {
        task.abort();
    }
    // Names still on their way get a moment, not forever (a dead resolver would stall the
    // report); Ctrl-C does not wait at all.
    if !interrupted {
        let deadline = tokio::time::Instant::now() + LOOKUP_GRACE;
        while state.pending_lookups > 0 {
            tokio::select! {
                Some((addr, name)) = name_rx.recv() => {
                    state.pending_lookups -= 1;
                    set_name(&mut state.paths, addr, name);
                }
                () = tokio::time::sleep_until(deadline) => break,
                _ = interrupt.recv() => break,
            }
        }
    }
    if live {
        out.write_text("\x1b[H\x1b[2J")?;
    }
    let mut all_reached = true;
    for index in 0..targets.len() {
        let view = view(&state, targets, config, index);
        all_reached &= view.path.reached();
        if out.is_json() {
            out.json_record(&render::report_record(&view))?;
        } else {
            if index > 0 {
                out.write_text("\n")?;
            }
            let text = crate::output::palette::scoped(out.color(), || render::report_text(&view));
            out.write_text(&text)?;
        }
    }
    out.flush()?;
    Ok(Outcome::from_bool(all_reached))
}

fn set_name(paths: &mut [Path], addr: IpAddr, name: Option<String>) {
    let Some(name) = name else { return };
    for path in paths {
        for hop in path.hops_mut() {
            for known in hop.addrs.iter_mut().filter(|a| a.addr == addr) {
                known.name = Some(name.clone());
            }
        }
    }
}

fn view<'a>(
    state: &'a State,
    targets: &'a [Target],
    config: &Config,
    index: usize,
) -> render::View<'a> {
    render::View {
        host: &targets[index].host,
        path: &state.paths[index],
        protocol: config.protocol,
        method: state.methods[index],
        max_ttl: config.max_ttl,
    }
}

fn draw_live(state: &State, targets: &[Target], config: &Config, out: &mut Output) -> Result<()> {
    let views: Vec<render::View<'_>> = (0..targets.len())
        .map(|i| view(state, targets, config, i))
        .collect();
    let round = views
        .iter()
        .flat_map(|v| v.path.hops().first().map(|h| h.sent))
        .max()
        .unwrap_or(0);
    let screen = render::live_screen(&views, round);
    out.write_text("\x1b[H\x1b[2J")?;
    out.write_text(&screen)?;
    out.flush()
}

/// traceroute's `-q N` (probes per hop) after `trace`, spelled `--queries N` for the parser:
/// everywhere else `-q` is the global "quiet" flag, and clap cannot give one short flag two
/// meanings. Only a `-q` followed by a number is rewritten (`-q 5`, `-q5`), so `trace -q HOST`
/// still means quiet.
#[must_use]
pub fn spell_queries(argv: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut argv: Vec<OsString> = argv.into_iter().collect();
    let Some(start) = argv
        .iter()
        .enumerate()
        .skip(1)
        .find(|(i, a)| *a == "trace" && argv[i - 1] != "--color")
        .map(|(i, _)| i)
    else {
        return argv;
    };
    let is_number = |a: &OsString| a.to_str().is_some_and(|s| s.parse::<i64>().is_ok());
    let mut i = start + 1;
    while i < argv.len() {
        if argv[i] == "--" {
            break;
        }
        if argv[i] == "-q" && argv.get(i + 1).is_some_and(is_number) {
            argv[i] = OsString::from("--queries");
        } else if let Some(n) = argv[i].to_str().and_then(|a| a.strip_prefix("-q"))
            && n.parse::<i64>().is_ok()
        {
            argv[i] = OsString::from(format!("--queries={n}"));
        }
        i += 1;
    }
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelled(argv: &[&str]) -> Vec<String> {
        spell_queries(argv.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn q_with_a_number_after_trace_is_probes_per_hop() {
        assert_eq!(
            spelled(&["nettool", "-q", "trace", "-q", "5", "h"]),
            ["nettool", "-q", "trace", "--queries", "5", "h"]
        );
        assert_eq!(
            spelled(&["nettool", "trace", "-q2", "h"]),
            ["nettool", "trace", "--queries=2", "h"]
        );
        assert_eq!(
            spelled(&["nettool", "trace", "-q", "h"]),
            ["nettool", "trace", "-q", "h"]
        );
        assert_eq!(
            spelled(&["nettool", "ping", "-q", "5"]),
            ["nettool", "ping", "-q", "5"]
        );
        assert_eq!(
            spelled(&["nettool", "trace", "--", "-q", "5"]),
            ["nettool", "trace", "--", "-q", "5"]
        );
        // The spelled form parses.
        let cli = <crate::cli::Cli as clap::Parser>::try_parse_from(spelled(&[
            "nettool", "trace", "-q", "4", "h",
        ]))
        .unwrap();
        let crate::cli::Command::Trace(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.queries, 4);
        assert!(!cli.global.quiet);
    }
}
