//! `nettool listen [ADDR] PORT`: wait for TCP connections and talk with them: one peer in chat
//! or pipe mode, several in turn (`-k`) or at once (`--concurrent`), a chat room (`--room`), or
//! an echo service (`--echo`), with access rules and a client limit checked at accept time.
//! A reader starts at [`run`], which picks the service by [`Serve`].

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsFd;
use std::time::Instant;

use ipnet::IpNet;

use super::accept::{self, AcceptPause};
use super::pipe::{self, PipeEnd, SharedStdin, Source};
use super::render::Renderer;
use super::room::{self, HubOptions};
use super::session::{self, ChatEnd};
use super::stop::Stop;
use super::{Event, Mode, ModeArgs, Moved, accepted, echo, event_fields};
use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::chat::{Acl, peer_addr, quit_hint};
use crate::model::services::Proto;
use crate::model::socket_trace::SocketCall;
use crate::net::host::{self, Family};
use crate::net::services::parse_port;
use crate::net::tcp::{self, Listener};
use crate::output::Output;

/// The default bound on bytes queued for one room member.
pub const DEFAULT_ROOM_QUEUE: usize = 1 << 20;

/// Arguments of `nettool listen`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = LISTEN_JSON)]
pub struct Args {
    /// [ADDR] PORT: the local address (default every interface, IPv4 and IPv6) and the port
    /// (number or service name)
    #[arg(value_names = ["ADDR", "PORT"], num_args = 1..=2, action = clap::ArgAction::Set, required = true)]
    pub target: Vec<String>,

    /// After a client leaves, wait for the next one
    #[arg(short = 'k', long = "keep-open")]
    pub keep_open: bool,

    /// Serve every client at once (their data goes to stdout, stdin goes to all of them)
    #[arg(long, conflicts_with_all = ["room", "echo"])]
    pub concurrent: bool,

    /// A chat room: every client's line goes to every other client, and this terminal joins
    #[arg(long, conflicts_with = "echo")]
    pub room: bool,

    /// An echo service: every client gets back what it sends
    #[arg(long)]
    pub echo: bool,

    /// Serve at most this many clients at once; more are refused and logged
    #[arg(long, value_name = "N")]
    pub max_clients: Option<usize>,

    /// Serve only peers in this network (repeatable; 127.0.0.0/8, ::1/128)
    #[arg(long, value_name = "CIDR")]
    pub allow: Vec<String>,

    /// Refuse peers in this network (repeatable; wins over --allow)
    #[arg(long, value_name = "CIDR")]
    pub deny: Vec<String>,

    /// Room: this terminal's nickname
    #[arg(long, value_name = "NAME", default_value = "server")]
    pub nick: String,

    /// The listen backlog: how many completed connections the kernel queues for accept()
    #[arg(long, value_name = "N", default_value_t = tcp::BACKLOG)]
    pub backlog: u32,

    /// Room: drop a member when more than this many bytes wait to be sent to it; what this
    /// terminal types waits while a member has more than half of it waiting, for at most 5 s
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_ROOM_QUEUE)]
    pub room_queue: usize,

    /// IPv4 or IPv6 only.
    #[command(flatten)]
    pub family: FamilyArgs,

    /// Chat or pipe, and their settings.
    #[command(flatten)]
    pub mode: ModeArgs,
}

const LISTEN_JSON: &str = concat!(
    event_fields!(),
    " Ctrl-C (SIGINT) and SIGTERM end the listener as its own end does: the sessions close and \
the closing byte counts (the summary record with --json) are printed. Exit status: 0 when the \
listener ended normally, by a signal too; 1 when its single session was reset by the peer; 2 when the port is in use (the message names the process holding it, where visible), \
below 1024 without privilege, or on invalid input."
);

/// How connections are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serve {
    /// One client, or one after another with `-k`.
    Sequential {
        /// `-k`.
        keep_open: bool,
    },
    /// `--concurrent`.
    Concurrent,
    /// `--room`.
    Room,
    /// `--echo`.
    Echo,
}

/// Validated `listen` arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// The local address, if one was given.
    pub addr: Option<crate::model::address::ScopedAddr>,
    /// The port.
    pub port: u16,
    /// Address family.
    pub family: Family,
    /// How clients are served.
    pub serve: Serve,
    /// `--max-clients`.
    pub max_clients: Option<usize>,
    /// `--allow` / `--deny`.
    pub acl: Acl,
    /// Room nickname of this terminal.
    pub nick: String,
    /// Room queue bound.
    pub room_queue: usize,
    /// The listen backlog.
    pub backlog: u32,
    /// Chat or pipe.
    pub mode: Mode,
}

fn parse_nets(values: &[String], flag: &str) -> Result<Vec<IpNet>> {
    values
        .iter()
        .map(|v| {
            v.parse::<IpNet>()
                .or_else(|_| v.parse::<IpAddr>().map(IpNet::from))
                .map(|n| n.trunc())
                .map_err(|_| {
                    Error::invalid(
                        format!("{flag} {v}"),
                        "not a network: expected ADDR/PREFIX such as 127.0.0.0/8 or ::1/128",
                    )
                })
        })
        .collect()
}

impl Config {
    /// Validate `args` (no I/O); `stdin_is_tty` picks the default mode.
    pub fn from_args(args: &Args, stdin_is_tty: bool) -> Result<Self> {
        let (addr_text, port_text) = match args.target.as_slice() {
            [port] => (None, port),
            [addr, port] => (Some(addr), port),
            _ => return Err(Error::invalid("listen", "expected [ADDR] PORT")),
        };
        let family = args.family.family();
        let addr = addr_text
            .map(|a| {
                let ip = host::scoped_literal(a)?.ok_or_else(|| {
                    Error::invalid(a.as_str(), "the local address must be an IP address")
                })?;
                if !family.allows(ip.ip) {
                    return Err(Error::invalid(
                        a.as_str(),
                        "is not of the family asked for with -4/-6",
                    ));
                }
                Ok(ip)
            })
            .transpose()?;
        let port = parse_port(port_text, Proto::Tcp)?;
        let serve = if args.echo {
            Serve::Echo
        } else if args.room {
            Serve::Room
        } else if args.concurrent {
            Serve::Concurrent
        } else {
            Serve::Sequential {
                keep_open: args.keep_open,
            }
        };
        if args.max_clients == Some(0) {
            return Err(Error::invalid("--max-clients 0", "must be at least 1"));
        }
        if args.backlog == 0 {
            return Err(Error::invalid("--backlog 0", "must be at least 1"));
        }
        if args.room_queue < 1024 {
            return Err(Error::invalid(
                format!("--room-queue {}", args.room_queue),
                "must be at least 1024 bytes",
            ));
        }
        let nick = crate::model::chat::check_nick(&args.nick)
            .map_err(|reason| Error::invalid(format!("--nick {}", args.nick), reason))?;
        Ok(Self {
            addr,
            port,
            family,
            serve,
            max_clients: args.max_clients,
            acl: Acl {
                allow: parse_nets(&args.allow, "--allow")?,
                deny: parse_nets(&args.deny, "--deny")?,
            },
            nick,
            room_queue: args.room_queue,
            backlog: args.backlog,
            mode: args.mode.to_mode(stdin_is_tty)?,
        })
    }
}

/// Run `nettool listen`.
pub fn run(args: &Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::from_args(args, std::io::stdin().is_terminal())?;
    // With -q the per-connection status lines are not even built (listen -k, many clients).
    let statuses = !out.quiet();
    let rt = crate::runtime::two_workers()?;
    let stop = Stop::catch(&rt)?;
    let Listener {
        listener,
        shown,
        calls,
    } = {
        let _guard = rt.enter();
        tcp::listen(
            config.addr.as_ref(),
            config.port,
            config.family,
            config.backlog,
        )?
    };
    crate::net::privilege::drop_all();
    let bytes_on_stdout =
        config.mode.pipe && matches!(config.serve, Serve::Sequential { .. } | Serve::Concurrent);
    let mut out = Renderer::new(out, config.mode.chat.timestamps).bytes_on_stdout(bytes_on_stdout);
    if config.mode.chat.trace {
        for call in &calls {
            out.trace(call);
        }
    }
    let shown: Vec<String> = shown
        .iter()
        .map(|a| host::endpoint(*a).to_string())
        .collect();
    out.note(format!("listening on {}", shown.join(" and ")));
    let chat = &config.mode.chat;
    if !config.mode.pipe && chat.send && config.serve != Serve::Echo {
        out.note(quit_hint(&chat.quit_words));
    }
    let started = Instant::now();
    let result = match config.serve {
        Serve::Sequential { keep_open } if config.mode.pipe => {
            let ctx = pipe::Context {
                handle: rt.handle(),
                stop: &stop,
                trace: config.mode.chat.trace,
            };
            let listener = listener.into_std().map_err(|e| Error::io("listen", e))?;
            let done = serve_pipe(&listener, keep_open, statuses, &config, &ctx, &mut out);
            // The stdin thread may still be blocked in read(): do not wait for it.
            rt.shutdown_background();
            return done;
        }
        Serve::Sequential { keep_open } => {
            rt.block_on(serve_chat(listener, keep_open, &config, &stop, &mut out))
        }
        Serve::Echo => rt.block_on(echo::serve(listener, &config, &stop, &mut out)),
        Serve::Concurrent | Serve::Room => {
            let raw = config.mode.pipe && config.serve == Serve::Concurrent;
            let opts = HubOptions {
                room: config.serve == Serve::Room,
                raw,
                max_line: config.mode.chat.max_line,
                queue_limit: config.room_queue,
                max_clients: config.max_clients,
                acl: config.acl.clone(),
                local_nick: config.nick.clone(),
                quit_words: config.mode.chat.quit_words.clone(),
                encoding: config.mode.chat.encoding,
                eol: config.mode.chat.eol,
                trace: config.mode.chat.trace,
            };
            let input = if raw {
                session::stdin_chunks(room::typed_chunk(config.room_queue))
            } else {
                session::stdin_lines(config.mode.chat.max_line)
            };
            rt.block_on(room::serve(listener, &opts, input, &stop, &mut out))
        }
    };
    rt.shutdown_background();
    let (moved, connections) = result?;
    out.emit(&Event::summary(moved, started.elapsed(), Some(connections)))?;
    Ok(Outcome::Yes)
}

/// Whether an accepted peer may stay; a refused one is logged (and closed by the caller).
fn admit(config: &Config, peer: SocketAddr, out: &mut Renderer<'_>) -> Result<bool> {
    match config.acl.refusal(peer.ip()) {
        Some(reason) => {
            out.emit(&Event::refused(peer, reason))?;
            Ok(false)
        }
        None => Ok(true),
    }
}

/// Pipe mode, one client at a time (each session on blocking sockets, so splice can be used).
/// A stop signal ends the session under way, which is reported as a normal end is, and the run.
/// Accepting, and with `-k` every session with nothing left to send, run on this thread.
fn serve_pipe(
    listener: &std::net::TcpListener,
    keep_open: bool,
    statuses: bool,
    config: &Config,
    ctx: &pipe::Context<'_>,
    out: &mut Renderer<'_>,
) -> Result<Outcome> {
    let source = if keep_open {
        Source::Shared(SharedStdin::start())
    } else {
        Source::Stdin
    };
    let mut here = (keep_open && !ctx.trace).then(pipe::Here::new);
    let mut pause = AcceptPause::default();
    // On Linux accept(2) waits itself, and the stop ends it by shutting the socket down: a
    // wait in poll(2) and an accept(2) that finds nothing cost 1.6 us more a connection
    // (`benches/tcp.sh`). Elsewhere a shutdown may not end a blocked accept(2), so the
    // listener stays non-blocking and the wait is a poll(2).
    #[cfg(target_os = "linux")]
    let _waker = {
        listener
            .set_nonblocking(false)
            .map_err(|e| Error::io("listen", e))?;
        ctx.stop.wakes_accept(listener)?
    };
    loop {
        if ctx.trace {
            let state = tcp::state(listener.as_fd());
            out.trace(&SocketCall::with_state("accept() blocks…", state));
        }
        let Some((stream, peer)) = accept::next_or_stop(listener, &mut pause, ctx.stop, out)?
        else {
            return Ok(Outcome::Yes);
        };
        pause.freed();
        let peer = peer_addr(peer);
        if ctx.trace {
            out.trace(&accepted(&stream, peer));
        }
        if !admit(config, peer, out)? {
            continue;
        }
        if statuses {
            out.status(&Event::connection(peer));
        }
        let dirs = config.mode.dirs;
        let session = match (&mut here, &source) {
            (Some(here), Source::Shared(shared)) if here.fits(dirs, shared) => {
                here.run(&stream, dirs, ctx.stop)
            }
            _ => pipe::run(stream, dirs, &source, ctx, out),
        };
        match session {
            Ok((moved, end)) => {
                if statuses {
                    out.status(&Event::closed(peer, moved, None));
                }
                if end == PipeEnd::Stopped {
                    return Ok(Outcome::Yes);
                }
            }
            Err(e) if keep_open => {
                out.note(format!("connection from {}: {e}", host::endpoint(peer)))
            }
            Err(e) => return Err(e),
        }
        if !keep_open {
            return Ok(Outcome::Yes);
        }
    }
}

/// Chat mode, one client at a time.
async fn serve_chat(
    listener: tokio::net::TcpListener,
    keep_open: bool,
    config: &Config,
    stop: &Stop,
    out: &mut Renderer<'_>,
) -> Result<(Moved, u64)> {
    let mut input = session::stdin_lines(config.mode.chat.max_line);
    let mut total = Moved::default();
    let mut connections = 0;
    let trace = config.mode.chat.trace;
    let mut pause = AcceptPause::default();
    loop {
        if trace {
            let state = tcp::state(listener.as_fd());
            out.trace(&SocketCall::with_state("accept() blocks…", state));
        }
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) if pause.hold(&e, out) => {
                    tokio::select! {
                        () = stop.wait() => return Ok((total, connections)),
                        () = pause.retry() => continue,
                    }
                }
                Err(e) => return Err(Error::io("accept", e)),
            },
            () = stop.wait() => return Ok((total, connections)),
        };
        pause.freed();
        let peer = peer_addr(peer);
        if trace {
            out.trace(&accepted(&stream, peer));
        }
        if !admit(config, peer, out)? {
            continue;
        }
        connections += 1;
        out.emit(&Event::connection(peer))?;
        let mut moved = Moved::default();
        let chat = &config.mode.chat;
        let end = session::chat(stream, peer, &mut input, chat, stop, out, &mut moved).await;
        total.add(moved);
        out.emit(&Event::closed(peer, moved, None))?;
        match end {
            Ok(ChatEnd::Local) => return Ok((total, connections)),
            Ok(ChatEnd::Peer) if !keep_open => return Ok((total, connections)),
            Ok(ChatEnd::Peer) => {}
            Err(e) if keep_open => {
                out.note(format!("connection from {}: {e}", host::endpoint(peer)))
            }
            Err(e) => return Err(e),
        }
    }
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![crate::output::schema::record::<super::Event>(generator)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(argv: &[&str]) -> Result<Config> {
        let args: Args =
            crate::cli::parse_args("listen", argv).map_err(|e| Error::other(e.to_string()))?;
        Config::from_args(&args, false)
    }

    #[test]
    fn good_inputs() {
        let c = config(&["8001"]).unwrap();
        assert_eq!((c.addr, c.port), (None, 8001));
        assert_eq!(c.serve, Serve::Sequential { keep_open: false });
        assert_eq!(c.backlog, tcp::BACKLOG);
        let c = config(&["1", "--backlog", "5", "--encoding", "GBK", "--eol", "none"]).unwrap();
        assert_eq!(c.backlog, 5);
        assert_eq!(c.mode.chat.encoding, encoding_rs::GBK);
        assert_eq!(c.mode.chat.eol, crate::model::chat::Eol::None);
        let c = config(&["::1", "http-alt", "-k"]).unwrap();
        assert_eq!(c.addr.map(|a| a.ip), Some("::1".parse().unwrap()));
        assert_eq!(c.port, 8080);
        assert_eq!(c.serve, Serve::Sequential { keep_open: true });
        let c = config(&["[::1]", "1", "--room", "--max-clients", "3"]).unwrap();
        assert_eq!(c.serve, Serve::Room);
        assert_eq!(c.max_clients, Some(3));
        let c = config(&[
            "1",
            "--echo",
            "--allow",
            "127.0.0.0/8",
            "--allow",
            "::1",
            "--deny",
            "127.0.0.9/8",
        ])
        .unwrap();
        assert_eq!(c.serve, Serve::Echo);
        assert_eq!(c.acl.allow.len(), 2);
        assert_eq!(c.acl.allow[1].to_string(), "::1/128");
        assert_eq!(c.acl.deny[0].to_string(), "127.0.0.0/8");
        assert_eq!(
            config(&["1", "--concurrent"]).unwrap().serve,
            Serve::Concurrent
        );
    }

    #[test]
    fn bad_inputs() {
        let table: [(&[&str], &str); 10] = [
            (&["70000"], "70000"),
            (&["nohost", "1"], "must be an IP address"),
            (&["-4", "::1", "1"], "family"),
            (
                &["1", "--allow", "10.0.0.0/33"],
                "--allow 10.0.0.0/33: not a network",
            ),
            (&["1", "--deny", "x"], "--deny x: not a network"),
            (&["1", "--max-clients", "0"], "at least 1"),
            (&["1", "--nick", "a b"], "--nick a b"),
            (&["1", "--room-queue", "10"], "at least 1024"),
            (&["1", "--backlog", "0"], "--backlog 0: must be at least 1"),
            (
                &["1", "--encoding", "klingon"],
                "--encoding klingon: not a known encoding",
            ),
        ];
        for (argv, want) in table {
            let err = config(argv).unwrap_err();
            assert!(err.to_string().contains(want), "{argv:?}: {err}");
        }
        assert!(config(&["1", "--room", "--echo"]).is_err());
        assert!(config(&["1", "2", "3"]).is_err());
    }
}
