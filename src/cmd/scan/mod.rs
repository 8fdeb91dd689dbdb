//! `nettool scan`: which ports are open on which hosts, by TCP connect (no privilege), TCP SYN
//! (half-open, raw sockets) or UDP, with each port's evidence.
//!
//! Start at [`run`]: the arguments become a [`config::Config`], names are resolved, the hosts
//! are walked lazily into the port prober ([`crate::probe::scan`]), and the
//! [`render::Renderer`] prints what it reports.

pub mod config;
pub mod render;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use config::Args;
use config::Config;
use render::Renderer;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::address::ScopedAddr;
use crate::model::port_state::PortState;
use crate::model::target_spec::{Addresses, TargetSpec};
use crate::net::host;
use crate::net::services;
use crate::output::{Output, words};
use crate::probe::SystemClock;
use crate::probe::scan::{self, Event, Host, Settings};

/// Run a scan.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::from_args(args, services::port_by_name)?;
    let hosts = resolve(&config)?;
    let (mut v4, mut v6) = (false, false);
    for span in &hosts {
        v4 |= span.first.is_ipv4();
        v6 |= span.first.is_ipv6();
    }
    let (mut prober, room) = scan::open(config.method, v4, v6)?;
    let mut window = config.concurrency;
    if let Some(room) = room.filter(|room| room.probes < window) {
        out.debug(format_args!(
            "at most {} in flight: the open-files limit is {}",
            words::count(room.probes, "probe", "probes"),
            room.open_files
        ));
        window = room.probes;
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
        judge: config.method.judge(),
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
        Addresses::new(&[(span.first, span.last)]).map(move |ip| Host {
            addr: ScopedAddr {
                scope_id: span.scope_id,
                ..ip.into()
            },
            name: span.name.clone(),
        })
    });
    let totals = scan::run(
        prober.as_mut(),
        &SystemClock,
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
    Ok(Outcome::from_bool(totals.counts.of(PortState::Open) > 0))
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
