//! The command-line tree (clap derive): the global flags every command honours, the shared
//! argument groups, and one variant per subcommand. Each subcommand's own `Args` lives in its
//! module under [`crate::cmd`].

use clap::{Args, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::cmd;
use crate::net::host::Family;

/// Network diagnostics in one binary: names, addresses, subnets, ports, ping, TCP and UDP.
#[derive(Debug, Parser)]
#[command(
    name = "nettool",
    version,
    about,
    long_about = "Network diagnostics in one binary: who am I (hostname, ifconfig), what is that \
                  name (resolve), is it up (ping), which network is this (subnet), what is that \
                  port (portinfo), which ports are open (scan), and can two programs talk \
                  (listen/connect over TCP, udp-send/udp-recv over UDP).\n\n\
                  Every command prints text for people and, with --json, JSON for programs \
                  (one document, or NDJSON for a stream ending with a summary object).",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Flags every command honours.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that mean the same for every subcommand, listed under their own heading in every help.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Print JSON: one document, or NDJSON (one object a line) for streams
    #[arg(long, global = true)]
    pub json: bool,

    /// Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set;
    /// CLICOLOR_FORCE=1 colours a pipe too)
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true,
          hide_possible_values = true)]
    pub color: ColorChoice,

    /// Print less: results only, no progress lines
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Print more (what each command adds is in its help)
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set.
    Auto,
    /// Always colour (not with --json).
    Always,
    /// Never colour.
    Never,
}

/// `-4` / `-6`, for commands that choose an address family.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct FamilyArgs {
    /// Use IPv4 only
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,

    /// Use IPv6 only
    #[arg(short = '6')]
    pub ipv6: bool,
}

impl FamilyArgs {
    /// The family these flags ask for.
    #[must_use]
    pub fn family(self) -> Family {
        match (self.ipv4, self.ipv6) {
            (true, _) => Family::V4,
            (_, true) => Family::V6,
            _ => Family::Any,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// This host's name, fully qualified name and addresses (gethostname, getaddrinfo)
    Hostname(cmd::hostname::Args),
    /// Resolve names and addresses: the system resolver, or any DNS server and record type
    Resolve(cmd::resolve::Args),
    /// Interfaces, addresses, MACs and vendors, counters, routes and neighbours
    Ifconfig(cmd::ifconfig::Args),
    /// Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping
    Ping(cmd::ping::Args),
    /// The path to a host hop by hop, with loss and delay per hop (traceroute and mtr)
    Trace(cmd::trace::Args),
    /// Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test
    Subnet(cmd::subnet::Args),
    /// What a port is for (getservbyname), its range, and what is bound to it
    Portinfo(cmd::portinfo::Args),
    /// Wait for TCP connections: chat, pipe (like nc -l), many clients, a room, echo
    Listen(cmd::tcp::listen::Args),
    /// Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open
    Connect(cmd::tcp::connect::Args),
    /// Which ports are open on which hosts: TCP connect, TCP SYN or UDP, with the evidence
    Scan(cmd::scan::Args),
    /// Send UDP datagrams: a message, stdin lines or a file; repeated, stamped, with replies
    UdpSend(cmd::udp::send::Args),
    /// Receive UDP datagrams: print, reply, echo, join multicast, count a stamped stream
    UdpRecv(cmd::udp::recv::Args),
    /// Every TCP and UDP socket by state, with queues, timers and owners, like ss -tuanp
    Sockets(cmd::sockets::Args),
    /// Capture and decode packets layer by layer, narrate TCP handshakes, read/write pcap
    Sniff(cmd::sniff::Args),
    /// Send ARP requests and show who answers (duplicate detection, announcements)
    Arping(cmd::arping::Args),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    Completions(cmd::completions::Args),
    /// Print the man page, or write every page into a directory
    Man(cmd::man::Args),
}

/// Parse `argv` with a tree of the root and only the subcommand it names: building all of them
/// takes most of a one-shot command's run. It gives what the whole tree ([`Cli::command`])
/// gives; anything it rejects (help, usage errors, an unknown name) is parsed again by the
/// whole tree, which words the messages.
///
/// The global flags are plain arguments of both the root and the subcommand here, and the two
/// sets of values are merged as clap merges a global flag's (the subcommand's, unless only the
/// root's was given): clap's propagation clones every level's matches, about a sixth of a
/// one-shot command's instructions.
pub fn parse_one_subcommand(argv: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
    let mut tree = one_subcommand_tree(argv);
    let parsed = tree.try_get_matches_from_mut(argv).and_then(|mut matches| {
        let global = match matches.subcommand() {
            // The subcommand holds the global flags only when they were added to it.
            Some((_, sub)) if sub.ids().any(|id| id == "json") => GlobalArgs::merge(&matches, sub),
            _ => GlobalArgs::read(&matches),
        };
        let command = Command::from_arg_matches_mut(&mut matches)?;
        // The tree and the matches would live until the process ends anyway; freeing them node
        // by node is a tenth of a one-shot command's instructions.
        std::mem::forget(matches);
        Ok(Cli { global, command })
    });
    std::mem::forget(tree);
    parsed
}

/// The root command with the global flags and only the subcommand `argv` names, or none when it
/// names no known one, the global flags plain arguments of the root and, when a word after the
/// subcommand may be one of them, of the subcommand too.
#[must_use]
pub fn one_subcommand_tree(argv: &[std::ffi::OsString]) -> clap::Command {
    // No help or version flags, nor the help subcommand: those lines are for the whole tree,
    // which answers them (main_entry answers `--version` alone before any tree), and each is an
    // argument to build and search at every start.
    let root = GlobalArgs::augment_args(
        clap::Command::new("nettool")
            .subcommand_required(true)
            .disable_help_flag(true)
            .disable_help_subcommand(true),
    );
    let local = |command: clap::Command| command.mut_args(|arg| arg.global(false));
    let Some((at, sub)) = subcommand_at(argv)
        .and_then(|(at, name)| subcommand(name).map(|sub| (at, sub.disable_help_flag(true))))
    else {
        return local(root);
    };
    // The global flags join the subcommand only when a word after it may be one of them.
    let sub = if global_flag_after(argv, at) {
        local(GlobalArgs::augment_args(sub))
    } else {
        sub
    };
    local(root).subcommand(sub)
}

impl GlobalArgs {
    /// The global flags as one level of a command line set them (or their defaults).
    fn read(matches: &clap::ArgMatches) -> Self {
        let flag = |id: &str| matches!(matches.try_get_one::<bool>(id), Ok(Some(true)));
        Self {
            json: flag("json"),
            color: matches
                .try_get_one::<ColorChoice>("color")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(ColorChoice::Auto),
            quiet: flag("quiet"),
            verbose: matches
                .try_get_one::<u8>("verbose")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(0),
        }
    }

    /// The global flags of a command line parsed with them at two levels: per flag, the
    /// subcommand's value unless the root's source ranks higher (given against defaulted).
    fn merge(root: &clap::ArgMatches, sub: &clap::ArgMatches) -> Self {
        let (mut merged, from_sub) = (Self::read(root), Self::read(sub));
        let sub_wins = |id: &str| root.value_source(id) <= sub.value_source(id);
        if sub_wins("json") {
            merged.json = from_sub.json;
        }
        if sub_wins("color") {
            merged.color = from_sub.color;
        }
        if sub_wins("quiet") {
            merged.quiet = from_sub.quiet;
        }
        if sub_wins("verbose") {
            merged.verbose = from_sub.verbose;
        }
        merged
    }
}

/// The first word of `argv` after the program that is not a global flag or its value (the
/// subcommand's name), and its place.
fn subcommand_at(argv: &[std::ffi::OsString]) -> Option<(usize, &str)> {
    let mut words = argv.iter().enumerate().skip(1);
    while let Some((at, word)) = words.next() {
        let word = word.to_str()?;
        if word == "--" {
            return None;
        }
        if word == "--color" {
            words.next();
        } else if !word.starts_with('-') {
            return Some((at, word));
        }
    }
    None
}

/// Whether a word after the subcommand may be a global flag: `--json`, `--color`, `--quiet`,
/// `--verbose`, or a cluster of short flags with a `q` or a `v` in it. Erring towards yes costs
/// only the time to add the flags to the subcommand; a flag missed would be refused there and
/// parsed again by the whole tree.
fn global_flag_after(argv: &[std::ffi::OsString], at: usize) -> bool {
    argv.iter()
        .skip(at + 1)
        .map(|word| word.to_str())
        .take_while(|word| *word != Some("--"))
        .any(|word| match word {
            None => true,
            Some(word) => match word.strip_prefix("--") {
                Some(long) => ["json", "color", "quiet", "verbose"]
                    .iter()
                    .any(|flag| long.split('=').next() == Some(flag)),
                None => word.starts_with('-') && word.contains(['q', 'v']),
            },
        })
}

/// One subcommand as the derived tree builds it (without its about line, which only help shows).
fn subcommand(name: &str) -> Option<clap::Command> {
    fn build<A: Args>(name: &'static str) -> Option<clap::Command> {
        Some(A::augment_args(clap::Command::new(name)))
    }
    match name {
        "hostname" => build::<cmd::hostname::Args>("hostname"),
        "resolve" => build::<cmd::resolve::Args>("resolve"),
        "ifconfig" => build::<cmd::ifconfig::Args>("ifconfig"),
        "ping" => build::<cmd::ping::Args>("ping"),
        "trace" => build::<cmd::trace::Args>("trace"),
        "subnet" => build::<cmd::subnet::Args>("subnet"),
        "portinfo" => build::<cmd::portinfo::Args>("portinfo"),
        "listen" => build::<cmd::tcp::listen::Args>("listen"),
        "connect" => build::<cmd::tcp::connect::Args>("connect"),
        "scan" => build::<cmd::scan::Args>("scan"),
        "udp-send" => build::<cmd::udp::send::Args>("udp-send"),
        "udp-recv" => build::<cmd::udp::recv::Args>("udp-recv"),
        "sockets" => build::<cmd::sockets::Args>("sockets"),
        "sniff" => build::<cmd::sniff::Args>("sniff"),
        "arping" => build::<cmd::arping::Args>("arping"),
        "completions" => build::<cmd::completions::Args>("completions"),
        "man" => build::<cmd::man::Args>("man"),
        _ => None,
    }
}

/// Parse `argv` (without the program or subcommand name) as the arguments `A` of subcommand
/// `name`, as the command line would: for the commands' unit tests.
#[cfg(test)]
pub(crate) fn parse_args<A: clap::Args + clap::FromArgMatches>(
    name: &'static str,
    argv: &[&str],
) -> Result<A, clap::Error> {
    let matches = A::augment_args(clap::Command::new(name))
        .try_get_matches_from(std::iter::once(name).chain(argv.iter().copied()))?;
    A::from_arg_matches(&matches)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The one-subcommand tree knows every subcommand, with the same arguments as the whole
    /// tree (and the global flags), and parses command lines into the same values, global flags
    /// at either level or both included.
    #[test]
    fn one_subcommand_tree_matches_the_whole_tree() {
        let whole = Cli::command();
        let globals = ["json", "color", "quiet", "verbose"];
        for sub in whole.get_subcommands() {
            let name = sub.get_name().to_string();
            let argv: Vec<std::ffi::OsString> =
                vec!["nettool".into(), name.clone().into(), "--json".into()];
            let thin = one_subcommand_tree(&argv);
            let mine = thin
                .find_subcommand(&name)
                .unwrap_or_else(|| panic!("{name} missing"));
            let ids = |c: &clap::Command| {
                c.get_arguments()
                    .filter(|a| !globals.contains(&a.get_id().as_str()))
                    .map(|a| format!("{:?}", a))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(mine), ids(sub), "{name}");
            assert!(globals.iter().all(|id| {
                mine.get_arguments()
                    .any(|a| a.get_id() == *id && !a.is_global_set())
            }));
            // With no word after the subcommand that may be a global flag, it has none of them.
            let argv: Vec<std::ffi::OsString> = vec!["nettool".into(), "-q".into(), name.into()];
            let thin = one_subcommand_tree(&argv);
            let mine = thin.find_subcommand(sub.get_name()).unwrap();
            assert!(
                mine.get_arguments()
                    .all(|a| !globals.contains(&a.get_id().as_str()))
            );
        }
        let argv = |line: &[&str]| -> Vec<std::ffi::OsString> {
            std::iter::once(&"nettool")
                .chain(line.iter())
                .map(Into::into)
                .collect()
        };
        for (line, may) in [
            (&["ping", "-c", "3", "h"][..], false),
            (&["ping", "-c", "3", "-I", "veth0", "h"], false),
            (&["ping", "-c", "3", "-Iveth0", "h"], true),
            (&["ping", "-qc", "3", "h"], true),
            (&["subnet", "--color=never", "h"], true),
            (&["subnet", "--colour", "h"], false),
            (&["subnet", "--", "--json"], false),
            (&["-v", "subnet", "h"], false),
        ] {
            let (at, _) = subcommand_at(&argv(line)).unwrap();
            assert_eq!(global_flag_after(&argv(line), at), may, "{line:?}");
        }
        // Lines the thin tree parses (as the whole tree does), and lines it leaves to the
        // whole tree (help, version, usage errors), which words the answer.
        let thin_parses: &[&[&str]] = &[
            &["--color", "never", "subnet", "10.0.0.1/8", "--json"],
            &["subnet", "10.0.0.1/8"],
            &["-q", "hostname", "-s"],
            &["hostname", "-s", "-q", "--json"],
            &["-v", "hostname", "-vv"],
            &["-vvv", "hostname"],
            &["hostname", "-v"],
            &["--color", "always", "portinfo", "mysql", "--color", "never"],
            &["--color=always", "portinfo", "mysql"],
            &["portinfo", "--color", "always", "mysql", "-q"],
            &["--json", "hostname", "--json"],
            &["ping", "-qc", "3", "127.0.0.1"],
            &["ping", "-c", "3", "-v", "127.0.0.1", "--json"],
            &["trace", "--queries", "2", "127.0.0.1", "-v"],
            &["subnet", "--", "-h"],
            &["subnet", "--", "-q"],
            &["hostname", "-s"],
            &["-q", "--color", "never", "hostname"],
            &["ping", "-c", "3", "-I", "lo", "127.0.0.1"],
            &["ping", "-c", "3", "-I", "veth0", "127.0.0.1", "--json"],
            &["portinfo", "--color=never", "mysql"],
        ];
        let whole_answers: &[&[&str]] = &[
            &["subnet", "--color", "sometimes", "10.0.0.1/8"],
            &["subnet"],
            &["-q", "-q", "hostname"],
            &["--help"],
            &["-h"],
            &["hostname", "--help"],
            &["ping", "-h", "127.0.0.1"],
            &["ping", "-c", "--help", "127.0.0.1"],
            &["help", "hostname"],
            &["help"],
            &["hostname", "--version"],
            &["hostname", "-V"],
            &["nosuch"],
            &[],
        ];
        for line in thin_parses {
            let thin =
                parse_one_subcommand(&argv(line)).unwrap_or_else(|e| panic!("{line:?}: {e}"));
            let full = Cli::try_parse_from(argv(line)).unwrap();
            assert_eq!(format!("{thin:?}"), format!("{full:?}"), "{line:?}");
        }
        for line in whole_answers {
            assert!(parse_one_subcommand(&argv(line)).is_err(), "{line:?}");
        }
        for line in [&["--version", "-v"][..], &["-V"], &["--version"]] {
            assert!(parse_one_subcommand(&argv(line)).is_err(), "{line:?}");
            let whole = Cli::try_parse_from(argv(line)).unwrap_err();
            assert_eq!(whole.kind(), clap::error::ErrorKind::DisplayVersion);
        }
        let argv: Vec<std::ffi::OsString> = ["nettool", "--color", "never", "subnet"]
            .iter()
            .map(Into::into)
            .collect();
        assert_eq!(subcommand_at(&argv[..3]), None);
        assert_eq!(subcommand_at(&argv), Some((3, "subnet")));
    }

    #[test]
    fn global_flags_after_subcommand() {
        let cli = Cli::try_parse_from(["nettool", "completions", "bash", "--json", "-q"]).unwrap();
        assert!(cli.global.json);
        assert!(cli.global.quiet);
    }
}
