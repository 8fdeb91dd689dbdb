//! `nettool man [PAGE] [--dir DIR [--mkdir]]`: print one man page, or write every page into DIR.
//!
//! Writing into a directory never follows a symbolic link planted there: each page is written
//! to a new temporary file (O_EXCL, O_NOFOLLOW) in the directory and renamed over its name, and
//! a page name that is a symbolic link is refused. The directory is created only with --mkdir.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::output::Output;

/// Arguments of `nettool man`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The page to print: nettool (the default) or a command's name (ping, resolve, ...)
    #[arg(value_name = "PAGE", conflicts_with = "dir")]
    pub page: Option<String>,

    /// Write nettool.1 and one nettool-<command>.1 per subcommand into this directory
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// With --dir: create the directory (and its parents) when it does not exist
    #[arg(long, requires = "dir")]
    pub mkdir: bool,
}

/// Print one page, or write every page into the chosen directory.
pub fn run(args: &Args, out: &mut Output) -> Result<Outcome> {
    let pages = crate::docs::man_pages().map_err(|e| Error::io("render man pages", e))?;
    match &args.dir {
        None => {
            let name = args.page.as_deref().unwrap_or("nettool");
            let file = if name == "nettool" {
                "nettool.1".to_string()
            } else {
                format!("nettool-{name}.1")
            };
            let Some((_, roff)) = pages.iter().find(|(n, _)| *n == file) else {
                return Err(Error::invalid(
                    name,
                    format!(
                        "no such page (one of: {})",
                        crate::docs::page_names().join(", ")
                    ),
                ));
            };
            out.write_bytes(roff)?;
            out.flush()?;
        }
        Some(dir) => {
            prepare_dir(dir, args.mkdir)?;
            for (name, roff) in &pages {
                write_page(dir, name, roff)?;
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

fn prepare_dir(dir: &Path, mkdir: bool) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Error::invalid(dir.display().to_string(), "not a directory")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && mkdir => std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("create {}", dir.display()), e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::invalid(
            dir.display().to_string(),
            "no such directory (--mkdir creates it)",
        )),
        Err(e) => Err(Error::io(format!("read {}", dir.display()), e)),
    }
}

/// Write `roff` to `dir/name` through a new temporary file and a rename.
fn write_page(dir: &Path, name: &str, roff: &[u8]) -> Result<()> {
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::invalid(
            path.display().to_string(),
            "is a symbolic link; refusing to write through it",
        ));
    }
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)
        .and_then(|mut file| {
            file.write_all(roff)?;
            file.sync_all()
        })
        .map_err(|e| Error::io(format!("write {}", tmp.display()), e));
    let renamed = written.and_then(|()| {
        std::fs::rename(&tmp, &path)
            .map_err(|e| Error::io(format!("rename to {}", path.display()), e))
    });
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
}
