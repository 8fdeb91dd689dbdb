//! `nettool connect HOST PORT`: open a TCP connection and talk over it: chat (a terminal on
//! stdin) or a byte-exact pipe (like nc), or with `-z` only test whether the port accepts.
//! A reader starts at [`run`]: config, connect, then [`super::session`] or [`super::pipe`].

use std::fmt;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::pipe::{self, Source};
use super::render::Renderer;
use super::session::{self, ChatEnd};
use super::stop::Stop;
use super::{Event, Mode, ModeArgs, Moved, event_fields, millis};
use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::address::ScopedAddr;
use crate::model::chat::quit_hint;
use crate::model::port_spec;
use crate::model::services::Proto;
use crate::model::socket_trace::SocketCall;
use crate::net::host::{self, Family};
use crate::net::services::{parse_port, port_by_name};
use crate::net::tcp::{self, ConnectOptions};
use crate::output::{Output, Paint, paint};

/// Arguments of `nettool connect`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = CONNECT_JSON)]
pub struct Args {
    /// Host name or address (127.0.0.1, ::1, [::1], localhost)
    pub host: String,

    /// Port number or service name (8001, http-alt); with -z also lists and ranges
    /// (22,80,8000-8100)
    pub port: String,

    /// Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)
    #[arg(short = 'w', long = "wait", value_name = "DURATION", value_parser = crate::model::duration::value_parser)]
    pub timeout: Option<Duration>,

    /// Connect from this local address
    #[arg(short = 's', long = "source", value_name = "ADDR")]
    pub source: Option<String>,

    /// Connect from this local port
    #[arg(short = 'p', long = "source-port", value_name = "PORT")]
    pub source_port: Option<String>,

    /// Only test whether the ports accept a connection (exit 0 when one is open, else 1)
    #[arg(short = 'z', long = "zero")]
    pub zero: bool,

    /// IPv4 or IPv6 only.
    #[command(flatten)]
    pub family: FamilyArgs,

    /// Chat or pipe, and their settings.
    #[command(flatten)]
    pub mode: ModeArgs,
}

const CONNECT_JSON: &str = concat!(
    "JSON output (--json): with -z one document per port (one object a line for several) \
{host, address, port, open, state (open, closed, filtered, unreachable), handshake_ms (null \
when not open), reason (why not: refused, no answer in 1s, no route; null when open)}. ",
    event_fields!(),
    " Ctrl-C (SIGINT) and SIGTERM end the session as its own end does: the closing byte counts \
(the summary record with --json) are printed. Exit status: 0 when the session ended normally, \
by a signal too (-z: a port is open); 1 connection refused, timed out, reset mid-stream, or a \
signal before the connection was made; 2 invalid input or any other error."
);

/// Validated `connect` arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// The host as typed.
    pub host: String,
    /// The port.
    pub port: u16,
    /// With `-z`: every port to test (the list and ranges given), in order.
    pub ports: Vec<u16>,
    /// Address family.
    pub family: Family,
    /// Connect options.
    pub connect: ConnectOptions,
    /// `-z`.
    pub zero: bool,
    /// Chat or pipe.
    pub mode: Mode,
}

impl Config {
    /// Validate `args` (no I/O); `stdin_is_tty` picks the default mode.
    pub fn from_args(args: &Args, stdin_is_tty: bool) -> Result<Self> {
        let ports = if args.zero && args.port.contains([',', '-']) {
            port_spec::parse(&args.port, Proto::Tcp, port_by_name).map_err(Error::other)?
        } else {
            vec![parse_port(&args.port, Proto::Tcp)?]
        };
        if ports.contains(&0) {
            return Err(Error::invalid(&args.port, "port 0 cannot be connected to"));
        }
        let port = ports[0];
        let source = args
            .source
            .as_deref()
            .map(|s| {
                host::scoped_literal(s)?
                    .ok_or_else(|| Error::invalid(s, "the source must be an IP address"))
            })
            .transpose()?;
        let source_port = args
            .source_port
            .as_deref()
            .map(|p| parse_port(p, Proto::Tcp))
            .transpose()?;
        if args.timeout == Some(Duration::ZERO) {
            return Err(Error::invalid(
                "-w 0",
                "the connect timeout must be above zero",
            ));
        }
        Ok(Self {
            host: args.host.clone(),
            port,
            ports,
            family: args.family.family(),
            connect: ConnectOptions {
                timeout: args.timeout,
                source,
                source_port,
            },
            zero: args.zero,
            mode: args.mode.to_mode(stdin_is_tty)?,
        })
    }
}

/// The `-z` answer.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ZeroReport {
    /// The host as typed.
    pub host: String,
    /// The address that accepted, with its zone.
    pub address: ScopedAddr,
    /// The port.
    pub port: u16,
    /// Whether it accepted the connection (false: exit 1).
    pub open: bool,
    /// `open`, `closed` (refused), `filtered` (no answer), `unreachable` (no route).
    pub state: &'static str,
    /// The handshake time, when it accepted.
    pub handshake_ms: Option<f64>,
    /// Why not, when it did not: `refused`, `no answer in 2s`, `no route`.
    pub reason: Option<String>,
}

impl fmt::Display for ZeroReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.handshake_ms, &self.reason) {
            (Some(ms), _) => write!(
                f,
                "{} port {} {} ({ms:.2} ms)",
                self.address,
                self.port,
                paint(self.state, Paint::for_port_state(self.state))
            ),
            (None, reason) => write!(
                f,
                "{} port {} {} ({})",
                self.address,
                self.port,
                paint(self.state, Paint::for_port_state(self.state)),
                reason.as_deref().unwrap_or("no answer")
            ),
        }
    }
}

/// The state a failed `-z` connect names, and why, from the system's reason: a refusal is
/// `closed (refused)`, silence `filtered (no answer in 1s)`, a missing route `unreachable (no
/// route)`; neither silence nor a missing route says that the port is closed.
fn zero_state(reason: &str) -> (&'static str, String) {
    match reason {
        "connection refused" => ("closed", "refused".into()),
        "connection reset by peer" => ("closed", "reset".into()),
        "connection timed out" => ("filtered", "no answer".into()),
        "network is unreachable" | "no route to host" => ("unreachable", "no route".into()),
        _ => match reason.strip_prefix("timed out after ") {
            Some(limit) => ("filtered", format!("no answer in {limit}")),
            None => ("closed", reason.to_string()),
        },
    }
}

/// `-z` for one port: whether it accepted; a refusal, silence or a missing route is a report
/// too (a missing route to the network makes the exit status 2: that port could not be asked),
/// any other failure an error.
fn zero_report(
    config: &Config,
    port: u16,
    addrs: &[ScopedAddr],
    connected: Result<tcp::Connected>,
) -> Result<ZeroReport> {
    match connected {
        Ok(c) => Ok(ZeroReport {
            host: config.host.clone(),
            address: addrs
                .iter()
                .find(|a| a.ip == c.peer.ip())
                .cloned()
                .unwrap_or_else(|| c.peer.ip().into()),
            port,
            open: true,
            state: "open",
            handshake_ms: Some(millis(c.handshake)),
            reason: None,
        }),
        Err(e) if e.exit_code() == 1 || e.is_network_unreachable() => {
            let text = e.to_string();
            // "connect 127.0.0.1:8001: connection refused": the reason is the last part.
            let (state, reason) = zero_state(text.rsplit(": ").next().unwrap_or(&text));
            let address = addrs
                .last()
                .cloned()
                .unwrap_or_else(|| IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED).into());
            Ok(ZeroReport {
                host: config.host.clone(),
                address,
                port,
                open: false,
                state,
                handshake_ms: None,
                reason: Some(reason),
            })
        }
        Err(e) => Err(e),
    }
}

/// `-z` over every port given: all tried at once, reported in the order given.
fn zero_all(
    config: &Config,
    addrs: &[ScopedAddr],
    rt: &tokio::runtime::Runtime,
    out: &mut Output,
) -> Result<Outcome> {
    let mut any_open = false;
    let mut any_unasked = false;
    for chunk in config.ports.chunks(256) {
        let results = rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (i, &port) in chunk.iter().enumerate() {
                let (addrs, opts) = (addrs.to_vec(), config.connect.clone());
                set.spawn(async move {
                    let mut calls = Vec::new();
                    let result = tcp::connect(&addrs, port, &opts, &mut calls).await;
                    (i, result, calls)
                });
            }
            let mut results: Vec<Option<(Result<tcp::Connected>, Vec<SocketCall>)>> =
                std::iter::repeat_with(|| None).take(chunk.len()).collect();
            while let Some(joined) = set.join_next().await {
                if let Ok((i, result, calls)) = joined {
                    results[i] = Some((result, calls));
                }
            }
            results
        });
        for (&port, result) in chunk.iter().zip(results) {
            let (result, calls) = result
                .unwrap_or_else(|| (Err(Error::other("the connect task failed")), Vec::new()));
            if config.mode.chat.trace {
                // -z prints one document per port: its trace goes to stderr, as in pipe mode.
                let mut render = Renderer::new(out, false).bytes_on_stdout(true);
                for call in &calls {
                    render.trace(call);
                }
            }
            if let Err(e) = &result
                && e.is_network_unreachable()
                && !any_unasked
            {
                // The exit status says the question could not be asked; stderr says why, once.
                any_unasked = true;
                out.error_line(e);
            }
            let report = zero_report(config, port, addrs, result)?;
            any_open |= report.open;
            if config.ports.len() == 1 {
                out.report(&report)?;
            } else {
                out.record(&report)?;
            }
        }
    }
    Ok(if any_open {
        Outcome::Yes
    } else if any_unasked {
        Outcome::NotAsked
    } else {
        Outcome::No
    })
}

/// Run `nettool connect`.
pub fn run(args: &Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::from_args(args, std::io::stdin().is_terminal())?;
    let addrs = host::resolve(&config.host, config.family)?;
    let rt = crate::runtime::two_workers()?;
    if config.zero {
        return zero_all(&config, &addrs, &rt, out);
    }
    let stop = Stop::catch(&rt)?;
    let started = Instant::now();
    let mut calls = Vec::new();
    let connected = rt.block_on(async {
        tokio::select! {
            c = tcp::connect(&addrs, config.port, &config.connect, &mut calls) => Some(c),
            () = stop.wait() => None,
        }
    });
    crate::net::privilege::drop_all();
    let mode = &config.mode;
    if mode.chat.trace {
        let mut render = Renderer::new(out, false).bytes_on_stdout(mode.pipe);
        for call in &calls {
            render.trace(call);
        }
    }
    let Some(connected) = connected else {
        return Err(Error::negative(format!(
            "connect {}: interrupted before a connection was made",
            config.host
        )));
    };
    let connected = connected?;
    let peer = connected.peer;
    let hello = Event::connected(peer, connected.handshake);
    let mut render = Renderer::new(out, mode.chat.timestamps).bytes_on_stdout(mode.pipe);
    if mode.pipe {
        render.status(&hello);
        let stream = connected
            .stream
            .into_std()
            .map_err(|e| Error::io("socket", e))?;
        let ctx = pipe::Context {
            handle: rt.handle(),
            stop: &stop,
            trace: mode.chat.trace,
        };
        let moved = pipe::run(stream, mode.dirs, &Source::Stdin, &ctx, &mut render);
        // The stdin thread may still be blocked in read(): do not wait for it.
        rt.shutdown_background();
        let (moved, _) = moved?;
        render.debug(crate::output::words::bytes_in_out(
            moved.bytes_in,
            moved.bytes_out,
        ));
        return Ok(Outcome::Yes);
    }
    render.emit(&hello)?;
    if mode.chat.send {
        render.note(quit_hint(&mode.chat.quit_words));
    }
    let mut input = session::stdin_lines(mode.chat.max_line);
    let mut moved = Moved::default();
    let end = rt.block_on(session::chat(
        connected.stream,
        peer,
        &mut input,
        &mode.chat,
        &stop,
        &mut render,
        &mut moved,
    ));
    // The stdin thread may still be blocked in read(): do not wait for it.
    rt.shutdown_background();
    let end = end?;
    render.emit(&Event::summary(moved, started.elapsed(), None))?;
    debug_assert!(matches!(end, ChatEnd::Local | ChatEnd::Peer));
    Ok(Outcome::Yes)
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::document::<ZeroReport>(generator),
        crate::output::schema::record::<ZeroReport>(generator),
        crate::output::schema::record::<super::Event>(generator),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_states_name_what_happened() {
        let cases: &[(&str, &str, &str)] = &[
            ("connection refused", "closed", "refused"),
            ("timed out after 1s", "filtered", "no answer in 1s"),
            ("connection timed out", "filtered", "no answer"),
            ("network is unreachable", "unreachable", "no route"),
            ("no route to host", "unreachable", "no route"),
            ("connection reset by peer", "closed", "reset"),
        ];
        for (reason, state, why) in cases {
            assert_eq!(zero_state(reason), (*state, (*why).to_string()), "{reason}");
        }
    }

    fn config(argv: &[&str], tty: bool) -> Result<Config> {
        let args: Args =
            crate::cli::parse_args("connect", argv).map_err(|e| Error::other(e.to_string()))?;
        Config::from_args(&args, tty)
    }

    #[test]
    fn good_inputs() {
        let c = config(&["127.0.0.1", "8001"], false).unwrap();
        assert_eq!(c.port, 8001);
        assert!(c.mode.pipe);
        assert_eq!(c.mode.chat.quit_words, vec!["##", "q"]);
        let c = config(
            &["::1", "http", "-w", "2s", "-s", "::1", "-p", "4000"],
            true,
        )
        .unwrap();
        assert_eq!(c.port, 80);
        assert!(!c.mode.pipe);
        assert_eq!(c.connect.timeout, Some(Duration::from_secs(2)));
        assert_eq!(c.connect.source, Some("::1".parse().unwrap()));
        assert_eq!(c.connect.source_port, Some(4000));
        let c = config(&["h", "22,80,8000-8002", "-z"], false).unwrap();
        assert_eq!(c.ports, [22, 80, 8000, 8001, 8002]);
        assert_eq!(config(&["h", "ssh", "-z"], false).unwrap().ports, [22]);
        let c = config(&["h", "1", "--pipe", "--quit-word", "bye"], true).unwrap();
        assert!(c.mode.pipe);
        assert_eq!(c.mode.chat.quit_words, vec!["bye"]);
        let c = config(&["h", "1", "--chat", "--send-only"], false).unwrap();
        assert!(!c.mode.pipe);
        assert!(c.mode.dirs.send && !c.mode.dirs.recv);
    }

    #[test]
    fn bad_inputs() {
        let table: [(&[&str], &str); 7] = [
            (&["h", "70000"], "70000"),
            (&["h", "0"], "port 0"),
            (
                &["h", "1", "-s", "nohost"],
                "the source must be an IP address",
            ),
            (&["h", "1", "-p", "x-no-such"], "x-no-such"),
            (&["h", "1", "-w", "0"], "above zero"),
            (&["h", "1", "--max-line", "0"], "at least 1"),
            (&["h", "1", "--quit-word", " "], "cannot be empty"),
        ];
        for (argv, want) in table {
            let err = config(argv, false).unwrap_err();
            assert!(err.to_string().contains(want), "{argv:?}: {err}");
        }
        assert!(config(&["h", "1", "--pipe", "--chat"], false).is_err());
        assert!(config(&["h", "0-5", "-z"], false).is_err());
        assert!(config(&["h", "9-5", "-z"], false).is_err());
        assert!(config(&["h", "1", "--send-only", "--recv-only"], false).is_err());
    }
}
