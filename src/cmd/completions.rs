//! `nettool completions SHELL`: print a completion script.

use clap_complete::Shell;

use crate::error::Result;
use crate::exit::Outcome;
use crate::output::Output;

/// Arguments of `nettool completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Print the completion script for the chosen shell.
pub fn run(args: &Args, out: &mut Output) -> Result<Outcome> {
    out.write_bytes(&crate::docs::completions(args.shell))?;
    out.flush()?;
    Ok(Outcome::Yes)
}
