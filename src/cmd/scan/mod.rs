//! `nettool scan`: which ports are open on which hosts, by TCP connect (no privilege), TCP SYN
//! (half-open, raw sockets) or UDP, with each port's evidence.
//!
//! Start at [`run`]: the arguments become a [`config::Config`], names are resolved, the hosts
//! are walked lazily into the [`engine`] with the chosen prober from
//! [`crate::net::port_probe`], and the [`render::Renderer`] prints what the engine reports.

pub mod config;
pub mod engine;
pub mod render;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use config::Args;
use config::{Config, Method};
use engine::{Event, Host, Settings};
use render::Renderer;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::address::ScopedAddr;
use crate::model::port_state::{judge_tcp, judge_udp};
use crate::model::target_spec::{Addresses, TargetSpec};
use crate::net::host;
use crate::net::port_probe::{self, ConnectProber, Prober, SynProber, UdpProber};
use crate::net::privilege;
use crate::net::services;
use crate::output::{Output, words};

/// Sockets kept free for everything else while a connect or UDP scan holds one per probe.
const SPARE_FILES: u64 = 64;

/// Run a scan.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::from_args(args, services::port_by_name)?;
    let hosts = resolve(&config)?;
    let (mut v4, mut v6) = (false, false);
    for span in &hosts {
        v4 |= span.first.is_ipv4();
        v6 |= span.first.is_ipv6();
    }
    let mut window = config.concurrency;
    let mut prober: Box<dyn Prober> = match config.method {
        Method::Connect => {
            Box::new(ConnectProber::new().map_err(|e| Error::io("open an epoll instance", e))?)
        }
        Method::Udp => {
            Box::new(UdpProber::new().map_err(|e| Error::io("open an epoll instance", e))?)
        }
        Method::Syn => Box::new(privilege::with_raised(|| SynProber::open(v4, v6)).map_err(
            |e| {
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    Error::Permission(
                        "--syn needs raw sockets: run as root or `setcap cap_net_raw+ep \
                     $(which nettool)`; the default connect scan needs no privilege"
                            .into(),
                    )
                } else {
                    Error::io("open raw sockets for --syn", e)
                }
            },
        )?),
    };
    // The raw sockets of --syn are open; no other probe needs a capability.
    privilege::drop_all();
    if config.method != Method::Syn {
        let files = port_probe::raise_open_files();
        let room = usize::try_from(files.saturating_sub(SPARE_FILES).max(1)).unwrap_or(usize::MAX);
        if room < window {
            out.debug(format_args!(
                "at most {} in flight: the open-files limit is {files}",
                words::count(room, "probe", "probes")
            ));
            window = room;
        }
    }
    out.debug(format_args!(
        "{} scan of {}, up to {} in flight",
        config.method.as_str(),
        words::count(config.ports.len(), "port", "ports"),
        words::count(window, "probe", "probes")
    ));
    let settings = Settings {
        window,
        rate: config.rate,
        retries: config.retries,
        timeout: config.timeout,
        judge: if config.method == Method::Udp {
            judge_udp
        } else {
            judge_tcp
        },
    };
    let progress = !out.quiet() && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let all_ports = out.verbose() > 0;
    let mut renderer = Renderer::new(
        config.method,
        config.layout,
        all_ports,
        progress,
        config.total(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    watch_interrupt(Arc::clone(&stop));
    let mut walk = hosts.into_iter().flat_map(|span| {
        Addresses::new(&[(span.first, span.last)]).map(move |addr| Host {
            addr,
            scope_id: span.scope_id,
            name: span.name.clone(),
        })
    });
    let totals = engine::run(
        prober.as_mut(),
        &mut walk,
        &config.ports,
        &settings,
        &stop,
        &mut |event| match event {
            Event::Port(host, result) => renderer.port(out, host, &result),
            Event::HostDone(host, counts) => renderer.host_done(out, host, counts),
            Event::Tick(judged) => renderer.tick(out, judged),
        },
    )?;
    renderer.finish(out, &totals)?;
    Ok(Outcome::from_bool(
        totals.counts.of(crate::model::port_state::PortState::Open) > 0,
    ))
}

/// The addresses of one target, resolved.
struct Span {
    first: IpAddr,
    last: IpAddr,
    /// The name or zoned address it was given by.
    name: Option<String>,
    /// The interface index of its IPv6 zone; 0: none.
    scope_id: u32,
}

impl Span {
    fn one(addr: &ScopedAddr, name: String) -> Self {
        Self {
            first: addr.ip,
            last: addr.ip,
            name: Some(name),
            scope_id: addr.scope_id,
        }
    }
}

/// Each target's addresses: ranges as they are, names resolved to their first address of the
/// family asked for (as nmap scans a name), a zone to its interface.
fn resolve(config: &Config) -> Result<Vec<Span>> {
    config
        .targets
        .iter()
        .map(|spec| match spec {
            TargetSpec::Range { first, last } => {
                // A link-local range has no zone to name: refused as a single address would be.
                host::zoned(ScopedAddr::from(*first))
                    .map_err(|reason| Error::invalid(first.to_string(), reason))?;
                Ok(Span {
                    first: *first,
                    last: *last,
                    name: None,
                    scope_id: 0,
                })
            }
            TargetSpec::Scoped(addr) => {
                let zoned = host::zoned(addr.clone())
                    .map_err(|reason| Error::invalid(addr.to_string(), reason))?;
                Ok(Span::one(&zoned, zoned.to_string()))
            }
            TargetSpec::Name(name) => {
                let addr = host::resolve(name, config.family)?.remove(0);
                Ok(Span::one(&addr, name.clone()))
            }
        })
        .collect()
}

/// Set `stop` on Ctrl-C, so the scan ends with the summary it owes.
fn watch_interrupt(stop: Arc<AtomicBool>) {
    let _ = std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            if let Ok(rt) = crate::runtime::current_thread() {
                rt.block_on(async {
                    if tokio::signal::ctrl_c().await.is_ok() {
                        stop.store(true, Ordering::Relaxed);
                    }
                });
            }
        });
}
