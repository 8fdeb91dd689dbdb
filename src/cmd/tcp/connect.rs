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
use super::{Event, Mode, ModeArgs, Moved, event_fields, millis};
use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::chat::quit_hint;
use crate::model::services::Proto;
use crate::net::host::{self, Family};
use crate::net::services::parse_port;
use crate::net::tcp::{self, ConnectOptions};
use crate::output::Output;

/// Arguments of `nettool connect`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = CONNECT_JSON)]
pub struct Args {
    /// Host name or address (127.0.0.1, ::1, [::1], localhost)
    pub host: String,

    /// Port number or service name (8001, http-alt)
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

    /// Only test whether the port accepts a connection (exit 0 open, 1 refused or timed out)
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
    "JSON output (--json): with -z one document {host, address, port, open, handshake_ms \
(null when closed), reason (why not: connection refused, timed out after ...; null when open)}. ",
    event_fields!(),
    " Exit status: 0 when the session ended normally (-z: the port is open); 1 connection \
refused, timed out, or reset mid-stream; 2 invalid input or any other error."
);

/// Validated `connect` arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// The host as typed.
    pub host: String,
    /// The port.
    pub port: u16,
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
        let port = parse_port(&args.port, Proto::Tcp)?;
        if port == 0 {
            return Err(Error::invalid(&args.port, "port 0 cannot be connected to"));
        }
        let source = args
            .source
            .as_deref()
            .map(|s| {
                host::parse_literal(s)
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
#[derive(Debug, Serialize)]
pub struct ZeroReport {
    /// The host as typed.
    pub host: String,
    /// The address that accepted.
    pub address: IpAddr,
    /// The port.
    pub port: u16,
    /// Whether it accepted the connection (false: exit 1).
    pub open: bool,
    /// The handshake time, when it accepted.
    pub handshake_ms: Option<f64>,
    /// Why not, when it did not: `connection refused`, `timed out after 2s`.
    pub reason: Option<String>,
}

impl fmt::Display for ZeroReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.handshake_ms, &self.reason) {
            (Some(ms), _) => write!(f, "{} port {} open ({ms:.2} ms)", self.address, self.port),
            (None, reason) => write!(
                f,
                "{} port {} closed ({})",
                self.address,
                self.port,
                reason.as_deref().unwrap_or("no answer")
            ),
        }
    }
}

/// `-z`: whether the port accepted; a refusal or a timeout is a report too (exit 1), any other
/// failure an error.
fn zero_report(
    config: &Config,
    addrs: &[IpAddr],
    connected: Result<tcp::Connected>,
    out: &mut Output,
) -> Result<Outcome> {
    let (report, outcome) = match connected {
        Ok(c) => (
            ZeroReport {
                host: config.host.clone(),
                address: c.peer.ip(),
                port: config.port,
                open: true,
                handshake_ms: Some(millis(c.handshake)),
                reason: None,
            },
            Outcome::Yes,
        ),
        Err(e) if e.exit_code() == 1 => {
            let text = e.to_string();
            // "connect 127.0.0.1:8001: connection refused": the reason is the last part.
            let reason = text.rsplit(": ").next().unwrap_or(&text).to_string();
            let address = addrs
                .last()
                .copied()
                .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
            (
                ZeroReport {
                    host: config.host.clone(),
                    address,
                    port: config.port,
                    open: false,
                    handshake_ms: None,
                    reason: Some(reason),
                },
                Outcome::No,
            )
        }
        Err(e) => return Err(e),
    };
    out.report(&report)?;
    Ok(outcome)
}

/// Run `nettool connect`.
pub fn run(args: &Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::from_args(args, std::io::stdin().is_terminal())?;
    let addrs = host::resolve(&config.host, config.family)?;
    let rt = crate::runtime::two_workers()?;
    let started = Instant::now();
    let mut calls = Vec::new();
    let connected = rt.block_on(tcp::connect(
        &addrs,
        config.port,
        &config.connect,
        &mut calls,
    ));
    crate::net::privilege::drop_all();
    let mode = &config.mode;
    if mode.chat.trace {
        // -z prints one document: its trace goes to stderr, as in pipe mode.
        let mut render = Renderer::new(out, false).bytes_on_stdout(mode.pipe || config.zero);
        for call in &calls {
            render.trace(call);
        }
    }
    if config.zero {
        return zero_report(&config, &addrs, connected, out);
    }
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
        drop(rt);
        let moved = pipe::run(stream, mode.dirs, &Source::Stdin)?;
        render.debug(format!(
            "{} bytes in, {} bytes out",
            moved.bytes_in, moved.bytes_out
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(config(&["h", "1", "--send-only", "--recv-only"], false).is_err());
    }
}
