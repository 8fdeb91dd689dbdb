//! nettool: network diagnostics in one binary.
//!
//! # A map of the code
//!
//! Every command takes the same path, and a reader can follow it in this order:
//!
//! 1. [`cli`]: the clap tree. [`main_entry`] parses the arguments and [`run`] dispatches to the
//!    command.
//! 2. `cmd/<name>` ([`cmd`]): one module per subcommand, a folder once it grows
//!    (`cmd/resolve/`, `cmd/ifconfig/`, `cmd/portinfo/`). `config` turns the `Args` into a
//!    validated `Config` with no I/O (every rule unit-tested there); `run` does the work and
//!    collects a report, or a stream of events.
//! 3. The work goes through [`net`]: adapters over the operating system and the network crates
//!    (the system resolver, DNS, interfaces, routes, neighbours, sockets, services). They never
//!    print and never import `cmd` or `output`. Everything Linux-only (netlink, /proc and the
//!    like) lives in one folder, `net/linux`, reached through functions that name no Linux type;
//!    another operating system would be a sibling folder.
//! 4. [`model`]: pure logic (subnet math, MAC bits, DNS names, services parsing, statistics,
//!    escaping, durations), no I/O and no tokio, unit-tested next to its code.
//! 5. `render` in the command's folder, printed through [`output::Output`]: one renderer per
//!    command turns the report into text, one JSON document, or NDJSON for a stream.
//! 6. [`exit`]: the exit codes (0 yes, 1 no, 2 error) in one place; [`error`] the error type that
//!    names the input or the operation and maps to them.
//!
//! [`runtime`] is the one place that builds a tokio runtime; blocking lookups (getaddrinfo,
//! getnameinfo) run on its blocking pool, never on a runtime thread. [`docs`] renders the man
//! pages and completions from the clap tree.

pub mod cli;
pub mod cmd;
pub mod docs;
pub mod error;
pub mod exit;
pub mod help;
pub mod input;
pub mod model;
pub mod net;
pub mod output;
pub mod probe;
pub mod runtime;
pub mod version;

use clap::{CommandFactory, FromArgMatches};

pub use error::{Error, Result};

use cli::{Cli, Command};
use exit::Outcome;
use output::Output;

/// Parse the process arguments, run the command, print any error, and return the exit code.
#[must_use]
pub fn main_entry() -> u8 {
    // Three trees, each only when the one before rejects the line: the root with just the
    // subcommand named (a one-shot command should not pay for building the others), the plain
    // tree, and the tree with the help attached (examples, exit status, usage lines), which
    // words help and usage errors. A version request needs no further tree. `trace -q N` is
    // spelled `--queries N` first, since `-q` alone is the global quiet flag.
    let args = cmd::trace::spell_queries(std::env::args_os());
    // `--version` or `-V` alone needs no tree at all.
    if let [_, only] = args.as_slice()
        && (only == "--version" || only == "-V")
    {
        return version::print(args.into_iter().skip(1));
    }
    let parse = |tree: clap::Command| {
        tree.try_get_matches_from(&args)
            .and_then(|m| Cli::from_arg_matches(&m))
    };
    let mut parsed = cli::parse_one_subcommand(&args);
    for tree in [Cli::command, help::command] {
        match &parsed {
            Err(err) if err.kind() != clap::error::ErrorKind::DisplayVersion => {
                parsed = parse(tree());
            }
            _ => break,
        }
    }
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) if err.kind() == clap::error::ErrorKind::DisplayVersion => {
            return version::print(std::env::args_os().skip(1));
        }
        Err(err) => return usage_error(&err),
    };
    let mut out = Output::from_args(&cli.global);
    match run(cli.command, &mut out) {
        Ok(outcome) => outcome.code(),
        Err(err) if err.is_broken_pipe() => exit::SUCCESS,
        Err(err) => {
            // Errors quote input (names from files, arguments, paths): error_line escapes them.
            out.error_line(&err);
            err.exit_code()
        }
    }
}

/// Run one parsed command.
pub fn run(command: Command, out: &mut Output) -> Result<Outcome> {
    // The commands that may hold many descriptors (clients, probes, queries, captures) may use
    // as many as the hard limit allows; the one-shot lookups open a handful.
    if !matches!(
        command,
        Command::Hostname(_)
            | Command::Subnet(_)
            | Command::Portinfo(_)
            | Command::Completions(_)
            | Command::Man(_)
    ) {
        net::privilege::raise_file_limit();
    }
    // Commands that open a socket which may need privilege (a raw or packet socket, a port
    // below 1024) or name other users' processes keep their capabilities permitted but not
    // effective, raise them around that one call and drop them all once it is done; the others
    // never hold one.
    match command {
        Command::Ping(_)
        | Command::Listen(_)
        | Command::Connect(_)
        | Command::UdpSend(_)
        | Command::UdpRecv(_)
        | Command::Portinfo(_)
        | Command::Trace(_)
        | Command::Scan(_)
        | Command::Sockets(_)
        | Command::Sniff(_)
        | Command::Arping(_) => net::privilege::lower(),
        _ => net::privilege::drop_all(),
    }
    match command {
        Command::Ifconfig(args) => {
            apart(|| cmd::ifconfig::run(&cmd::ifconfig::Config::try_from(args)?, out))
        }
        Command::Completions(args) => apart(|| cmd::completions::run(&args, out)),
        Command::Man(args) => apart(|| cmd::man::run(&args, out)),
        Command::Hostname(args) => apart(|| cmd::hostname::run(&args, out)),
        Command::Subnet(args) => apart(|| cmd::subnet::run(args, out)),
        Command::Portinfo(args) => {
            apart(|| cmd::portinfo::run(&cmd::portinfo::Config::try_from(args)?, out))
        }
        Command::UdpSend(args) => apart(|| cmd::udp::send::run(args, out)),
        Command::UdpRecv(args) => apart(|| cmd::udp::recv::run(args, out)),
        Command::Ping(args) => apart(|| cmd::ping::run(args, out)),
        Command::Trace(args) => apart(|| cmd::trace::run(args, out)),
        Command::Resolve(args) => {
            apart(|| cmd::resolve::run(&cmd::resolve::Config::try_from(args)?, out))
        }
        Command::Listen(args) => apart(|| cmd::tcp::listen::run(&args, out)),
        Command::Connect(args) => apart(|| cmd::tcp::connect::run(&args, out)),
        Command::Sockets(args) => apart(|| cmd::sockets::run(args, out)),
        Command::Sniff(args) => apart(|| cmd::sniff::run(args, out)),
        Command::Arping(args) => apart(|| cmd::arping::run(args, out)),
        Command::Scan(args) => apart(|| cmd::scan::run(args, out)),
    }
}

/// Run `command` as a function of its own: the dispatch above stays a few hundred bytes instead
/// of every command's code inlined into one function of 100 KB, so that a one-shot command's
/// start-up touches the pages of its own code only (see data/symbol-order.txt).
#[inline(never)]
fn apart<R>(command: impl FnOnce() -> R) -> R {
    command()
}

/// Print a clap error. Help goes to stdout with exit 0; a usage error is one line on stderr
/// with exit 2 (see [`usage_line`]).
fn usage_error(err: &clap::Error) -> u8 {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // A closed stdout while printing help is not worth reporting.
            let _ = err.print();
            exit::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            exit::ERROR
        }
        _ => {
            eprintln!(
                "{}",
                model::sanitize::escape_message(&usage_line(&err.render().to_string()))
            );
            exit::ERROR
        }
    }
}

/// clap's rendered error as one line: what is wrong and the names it gives (`<PORT>`, the
/// flag another one needs, the valid values), then clap's suggestions in parentheses
/// (`(tip: a similar subcommand exists: 'ping')`); the usage block and the pointer to
/// `--help` are left out.
#[must_use]
pub fn usage_line(rendered: &str) -> String {
    let mut what: Vec<&str> = Vec::new();
    let mut tips: Vec<&str> = Vec::new();
    for line in rendered.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if let Some(tip) = line.strip_prefix("tip:") {
            tips.push(tip.trim());
        } else if !line.is_empty() {
            what.push(line);
        }
    }
    let mut text = match what.split_first() {
        // "...were not provided:" followed by "<PORT>": one line, "...: <PORT>".
        Some((first, rest)) => rest
            .iter()
            .fold((*first).to_string(), |acc, part| join_part(&acc, part)),
        None => "error: invalid usage".to_string(),
    };
    if !tips.is_empty() {
        text.push_str(&format!(" (tip: {})", tips.join("; ")));
    }
    text
}

/// The next line of a clap error joined to the ones before: after a colon or before a
/// bracketed list with a space, else with a comma (several missing arguments).
fn join_part(acc: &str, part: &str) -> String {
    if acc.ends_with(':') || part.starts_with('[') {
        format!("{acc} {part}")
    } else {
        format!("{acc}, {part}")
    }
}
