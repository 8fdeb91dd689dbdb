//! nettool: network diagnostics in one binary.
//!
//! The data path of every command: [`cli`] parses, `cmd::<name>` validates the arguments into a
//! config with no I/O, `run` does the work through the [`net`] adapters and prints reports through
//! [`output::Output`], and [`main_entry`] maps the result to an exit code ([`exit`]).

pub mod cli;
pub mod cmd;
pub mod docs;
pub mod error;
pub mod exit;
pub mod model;
pub mod net;
pub mod output;
pub mod runtime;

use clap::Parser;

pub use error::{Error, Result};

use cli::{Cli, Command};
use exit::Outcome;
use output::Output;

/// Parse the process arguments, run the command, print any error, and return the exit code.
#[must_use]
pub fn main_entry() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let mut out = Output::from_args(&cli.global);
    match run(cli.command, &mut out) {
        Ok(outcome) => outcome.code(),
        Err(err) if err.is_broken_pipe() => exit::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            err.exit_code()
        }
    }
}

/// Run one parsed command.
pub fn run(command: Command, out: &mut Output) -> Result<Outcome> {
    match command {
        Command::Ifconfig(args) => cmd::ifconfig::run(&cmd::ifconfig::Config::try_from(args)?, out),
        Command::Completions(args) => cmd::completions::run(&args, out),
        Command::Man(args) => cmd::man::run(&args, out),
        Command::Hostname(args) => cmd::hostname::run(&args, out),
        Command::Subnet(args) => cmd::subnet::run(args, out),
        Command::Portinfo(args) => cmd::portinfo::run(args, out),
        Command::UdpSend(args) => cmd::udp::send::run(args, out),
        Command::UdpRecv(args) => cmd::udp::recv::run(args, out),
        Command::Ping(args) => cmd::ping::run(args, out),
        Command::Resolve(args) => cmd::resolve::run(&cmd::resolve::Config::try_from(args)?, out),
        Command::Listen(args) => cmd::tcp::listen::run(&args, out),
        Command::Connect(args) => cmd::tcp::connect::run(&args, out),
        Command::Sockets(args) => cmd::sockets::run(args, out),
        Command::Sniff(args) => cmd::sniff::run(args, out),
        Command::Arping(args) => cmd::arping::run(args, out),
    }
}

/// Print a clap error. Help and version go to stdout with exit 0; a usage error is one line on
/// stderr (clap's own first line, which names the argument and what is wrong) with exit 2.
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
            let text = err.render().to_string();
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("error: invalid usage");
            let hint = if text.contains("Usage:") {
                " (see --help)"
            } else {
                ""
            };
            eprintln!("{first}{hint}");
            exit::ERROR
        }
    }
}
