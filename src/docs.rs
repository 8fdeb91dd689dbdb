//! Shell completions and man pages, generated from the clap tree so they cannot drift from it.
//! Everything renders into memory first: clap_complete panics when it writes into a closed pipe.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The shells completions are generated for, with the file name each is committed under.
pub const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "nettool.bash"),
    (Shell::Zsh, "_nettool"),
    (Shell::Fish, "nettool.fish"),
    (Shell::Elvish, "nettool.elv"),
    (Shell::PowerShell, "_nettool.ps1"),
];

/// The completion script for `shell`.
#[must_use]
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "nettool", &mut buf);
    buf
}

/// Every man page: `nettool.1` and `nettool-<sub>.1` for each subcommand, as (file name, roff).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut root = Cli::command();
    root.build();
    let mut pages = Vec::new();
    let mut buf = Vec::new();
    clap_mangen::Man::new(root.clone()).render(&mut buf)?;
    pages.push(("nettool.1".to_string(), buf));
    for sub in root.get_subcommands() {
        let name = format!("nettool-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("nettool {}", sub.get_name()));
        let mut buf = Vec::new();
        clap_mangen::Man::new(page)
            .title(name.clone())
            .render(&mut buf)?;
        pages.push((format!("{name}.1"), buf));
    }
    Ok(pages)
}
