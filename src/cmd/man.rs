//! `nettool man [--dir DIR]`: print the main man page, or write every page into DIR.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::output::Output;

/// Arguments of `nettool man`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write nettool.1 and one nettool-<command>.1 per subcommand into this directory
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Print `nettool.1`, or write every page into the chosen directory.
pub fn run(args: &Args, out: &mut Output) -> Result<Outcome> {
    let pages = crate::docs::man_pages().map_err(|e| Error::io("render man pages", e))?;
    match &args.dir {
        None => {
            out.write_bytes(&pages[0].1)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("create {}", dir.display()), e))?;
            for (name, roff) in &pages {
                let path = dir.join(name);
                std::fs::write(&path, roff)
                    .map_err(|e| Error::io(format!("write {}", path.display()), e))?;
            }
            out.note(format_args!(
                "wrote {} man pages into {}",
                pages.len(),
                dir.display()
            ));
        }
    }
    Ok(Outcome::Yes)
}
