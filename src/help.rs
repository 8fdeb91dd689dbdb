//! What each command's long help and man page says beyond its flags: examples, the exit status,
//! related pages, what `-v` adds there, and the usage lines clap cannot draw. It is kept in one
//! table keyed by subcommand name and attached to the clap tree in one place ([`command`]), so
//! the command modules keep only their arguments and the help stays the same in `--help`,
//! `nettool help CMD` and the man pages.

use clap::CommandFactory;
use clap::builder::StyledStr;

use crate::cli::Cli;

/// The extra help of one subcommand (or of `nettool` itself, named `nettool`).
#[derive(Debug)]
pub struct Page {
    /// The subcommand's name.
    pub name: &'static str,
    /// Command lines, each with what it does.
    pub examples: &'static [(&'static str, &'static str)],
    /// Related man pages, as `name(section)`.
    pub see_also: &'static [&'static str],
    /// What `-v` adds in this command; `None` hides `-v` from its help (it is still accepted).
    pub verbose: Option<&'static str>,
    /// The usage line, where clap would draw one that misleads.
    pub usage: Option<&'static str>,
}

/// The exit-status rule every command follows, as (code, meaning).
pub const EXIT_RULE: [(u8, &str); 3] = [
    (0, "success, or the answer to the question is yes"),
    (
        1,
        "the question was asked and the answer is no or none: no reply, not found, different \
         networks, port closed, some targets down",
    ),
    (
        2,
        "the question could not be asked: usage error, invalid input, permission problem, \
         unreachable network or DNS server, or any other error",
    ),
];

/// What follows the rule in every EXIT STATUS section.
pub const EXIT_NOTE: &str = "A closed stdout (nettool ... | head) ends quietly with 0.";

/// The extra help of every subcommand, and of `nettool` itself.
pub const PAGES: &[Page] = &[
    Page {
        name: "nettool",
        examples: &[
            ("nettool help ping", "The help of one command"),
            (
                "nettool ping -c 3 127.0.0.1",
                "Three echo requests to this host",
            ),
            (
                "nettool --version -v",
                "Version, commit, target, features and the ICMP access this user has",
            ),
        ],
        see_also: &[
            "nettool-hostname(1)",
            "nettool-resolve(1)",
            "nettool-ifconfig(1)",
            "nettool-ping(1)",
            "nettool-subnet(1)",
            "nettool-portinfo(1)",
            "nettool-scan(1)",
            "nettool-sockets(1)",
            "nettool-sniff(1)",
            "nettool-arping(1)",
            "nettool-listen(1)",
            "nettool-connect(1)",
            "nettool-udp-send(1)",
            "nettool-udp-recv(1)",
            "nettool-completions(1)",
            "nettool-man(1)",
        ],
        verbose: Some(
            "Print more; what depends on the command (see its help). With --version: the \
             commit, target, features and ICMP access",
        ),
        usage: None,
    },
    Page {
        name: "hostname",
        examples: &[
            (
                "nettool hostname",
                "The host name, its fully qualified name and addresses",
            ),
            (
                "nettool hostname -I",
                "Every address of every up interface, as hostname -I",
            ),
        ],
        see_also: &["hostname(1)", "nettool-ifconfig(1)", "nettool-resolve(1)"],
        verbose: None,
        usage: None,
    },
    Page {
        name: "resolve",
        examples: &[
            (
                "nettool resolve localhost",
                "Ask the system resolver, as getent ahosts",
            ),
            (
                "nettool resolve @127.0.0.1:5353 -t A,MX example.test",
                "Ask one DNS server for the A and MX records",
            ),
            ("nettool resolve -x 127.0.0.1", "The name of an address"),
            (
                "nettool resolve --json -f names.txt @127.0.0.1",
                "Many names, one JSON object a line, then a summary",
            ),
        ],
        see_also: &["dig(1)", "getent(1)", "nettool-hostname(1)"],
        verbose: None,
        usage: None,
    },
    Page {
        name: "ifconfig",
        examples: &[
            (
                "nettool ifconfig",
                "Every up interface with its addresses, MAC and counters",
            ),
            (
                "nettool ifconfig -s",
                "One line per interface, like ip -br addr",
            ),
            (
                "nettool ifconfig --routes",
                "The routing table, default routes marked",
            ),
            (
                "nettool ifconfig --route-to 127.0.0.1",
                "The route the kernel picks for one address",
            ),
            ("nettool ifconfig --neighbours", "The ARP and NDP tables"),
        ],
        see_also: &[
            "ip(8)",
            "ip-route(8)",
            "ip-neighbour(8)",
            "nettool-hostname(1)",
        ],
        verbose: None,
        usage: None,
    },
    Page {
        name: "ping",
        examples: &[
            (
                "nettool ping -c 3 127.0.0.1",
                "Three echo requests, then the statistics",
            ),
            (
                "nettool ping 127.0.0.1 ::1",
                "Several hosts at once, as fping",
            ),
            (
                "nettool ping -g 127.0.0.0/29 -a",
                "Sweep a range and print the hosts that answer",
            ),
            (
                "nettool ping --tcp 22 -c 3 127.0.0.1",
                "TCP handshakes instead of ICMP",
            ),
        ],
        see_also: &["ping(8)", "fping(8)", "nettool-connect(1)"],
        verbose: Some(
            "Print more: which ICMP socket was opened (raw or datagram), send errors, and \
             replies ignored for a bad checksum",
        ),
        usage: None,
    },
    Page {
        name: "scan",
        examples: &[
            (
                "nettool scan 127.0.0.1",
                "The most common TCP ports of one host, by connect",
            ),
            (
                "nettool scan 127.0.0.1 -p ssh,http,8000-8003 -v",
                "Chosen ports, with closed and filtered ones listed too",
            ),
            (
                "nettool scan 127.0.0.0/29 -p 22,80 -o open",
                "Open ports of a range, one HOST PORT line each, for scripts",
            ),
            (
                "nettool scan --syn -p- 127.0.0.1",
                "Every port by half-open SYN probes (root or CAP_NET_RAW)",
            ),
            (
                "nettool scan -u -p domain,ntp 127.0.0.1",
                "UDP ports, with a DNS or NTP request where one is known",
            ),
        ],
        see_also: &["nmap(1)", "nettool-connect(1)", "nettool-portinfo(1)"],
        verbose: Some("List closed and filtered ports too, each with its evidence"),
        usage: None,
    },
    Page {
        name: "trace",
        examples: &[
            (
                "nettool trace 127.0.0.1",
                "The path hop by hop, by ICMP echo with rising TTLs",
            ),
            (
                "nettool trace --udp -n 127.0.0.1",
                "UDP probes to rising ports, as classic traceroute, without names",
            ),
            (
                "nettool trace --tcp 443 127.0.0.1",
                "TCP SYN probes to a port, for paths that filter ICMP and UDP",
            ),
            (
                "nettool trace --report -c 10 127.0.0.1",
                "Ten rounds, then mtr's report table",
            ),
            (
                "nettool trace --json 127.0.0.1",
                "A record per probe, then the report",
            ),
        ],
        see_also: &["traceroute(8)", "tracepath(8)", "mtr(8)", "nettool-ping(1)"],
        verbose: None,
        usage: None,
    },
    Page {
        name: "subnet",
        examples: &[
            (
                "nettool subnet 192.168.21.36/24",
                "Netmask, network, broadcast and hosts",
            ),
            (
                "nettool subnet 192.168.21.36 255.255.255.0",
                "The same with a dotted netmask",
            ),
            (
                "nettool subnet 192.168.21.36/24 192.168.21.21",
                "Whether a second address is in the same network (exit 0 yes, 1 no)",
            ),
            (
                "nettool subnet 10.0.0.0/24 --split /26",
                "Split a network into /26 subnets",
            ),
        ],
        see_also: &["ipcalc(1)", "sipcalc(1)", "nettool-ifconfig(1)"],
        verbose: None,
        usage: None,
    },
    Page {
        name: "portinfo",
        examples: &[
            (
                "nettool portinfo mysql",
                "The port and protocol of a service",
            ),
            ("nettool portinfo 20-25", "The services of a range of ports"),
            (
                "nettool portinfo --check 8001",
                "Which process is bound to a port on this host",
            ),
        ],
        see_also: &["getent(1)", "services(5)", "ss(8)"],
        verbose: Some("Print more: say when the services file could not be read"),
        usage: None,
    },
    Page {
        name: "sockets",
        examples: &[
            ("nettool sockets", "Every TCP and UDP socket, as ss -tanu"),
            ("nettool sockets -lt", "The TCP listeners"),
            (
                "nettool sockets --state time_wait --port 8001",
                "Why a server cannot bind port 8001",
            ),
            (
                "nettool sockets -u -6 --json",
                "The UDP sockets of IPv6, as JSON",
            ),
        ],
        see_also: &["ss(8)", "netstat(8)", "nettool-portinfo(1)"],
        verbose: None,
        usage: None,
    },
    Page {
        name: "sniff",
        examples: &[
            (
                "nettool sniff lo --port 8001",
                "A TCP conversation on loopback, its handshake and close narrated",
            ),
            (
                "nettool sniff eth0 --proto arp",
                "The ARP traffic of one interface",
            ),
            (
                "nettool sniff --layers -c 1 --proto icmp",
                "One ICMP packet, layer by layer",
            ),
            (
                "nettool sniff lo -w trace.pcap",
                "Write a pcap file for tcpdump -r or nettool sniff -r",
            ),
            (
                "nettool sniff -r trace.pcap --json",
                "Decode a pcap file as JSON",
            ),
        ],
        see_also: &["tcpdump(8)", "pcap-savefile(5)", "nettool-arping(1)"],
        verbose: None,
        usage: None,
    },
    Page {
        name: "arping",
        examples: &[
            (
                "nettool arping 192.168.1.1",
                "Ask who has the address, until Ctrl-C",
            ),
            (
                "nettool arping -c 3 -I eth0 10.0.0.2",
                "Three requests out of one interface",
            ),
            (
                "nettool arping -D -c 2 10.0.0.9",
                "Whether the address is free before taking it (exit 0 free)",
            ),
            (
                "nettool arping -U -c 1 10.0.0.5",
                "Announce this host's own address",
            ),
        ],
        see_also: &["arping(8)", "ip-neighbour(8)", "nettool-ifconfig(1)"],
        verbose: None,
        usage: None,
    },
    Page {
        name: "listen",
        examples: &[
            (
                "nettool listen 8001",
                "Wait for one client and chat with it (/quit or q alone on a line ends it)",
            ),
            (
                "nettool listen 127.0.0.1 8001 > file",
                "Receive a file, like nc -l",
            ),
            (
                "nettool listen --room 8001",
                "A chat room for every client that connects",
            ),
            (
                "nettool listen -k --echo 8007",
                "An echo service, one client after another",
            ),
        ],
        see_also: &["nc(1)", "socat(1)", "nettool-connect(1)"],
        verbose: None,
        usage: Some("nettool listen [OPTIONS] [ADDR] <PORT>"),
    },
    Page {
        name: "connect",
        examples: &[
            (
                "nettool connect localhost 8001",
                "Chat with a listener (/quit or q alone on a line ends it)",
            ),
            (
                "nettool connect 127.0.0.1 8001 < file",
                "Send a file, like nc",
            ),
            (
                "nettool connect -z 127.0.0.1 22",
                "Only test whether the port is open",
            ),
        ],
        see_also: &["nc(1)", "socat(1)", "nettool-listen(1)"],
        verbose: Some("Print more: in pipe mode, the bytes moved each way at the end"),
        usage: None,
    },
    Page {
        name: "udp-send",
        examples: &[
            ("nettool udp-send 127.0.0.1 8001 hello", "One datagram"),
            (
                "nettool udp-send 127.0.0.1 8001 --wait 1s hello",
                "One datagram, then print the reply",
            ),
            (
                "nettool udp-send 127.0.0.1 9997 --seq -c 1000 --rate 500",
                "A stamped stream for udp-recv --stats",
            ),
        ],
        see_also: &["nettool-udp-recv(1)", "nc(1)", "socat(1)"],
        verbose: Some("Print more: one record per datagram sent"),
        usage: None,
    },
    Page {
        name: "udp-recv",
        examples: &[
            (
                "nettool udp-recv 8001",
                "Print every datagram that arrives on port 8001",
            ),
            (
                "nettool udp-recv 127.0.0.1 8001 --echo",
                "Send each datagram back",
            ),
            (
                "nettool udp-recv 5000 --join 239.1.2.3 --iface eth0",
                "Receive a multicast group",
            ),
            (
                "nettool udp-recv 9997 --stats --idle 1s",
                "Count a stamped stream: lost, duplicated, reordered, jitter",
            ),
        ],
        see_also: &["nettool-udp-send(1)", "nc(1)", "socat(1)"],
        verbose: Some("Print more: with --stats, every datagram too"),
        usage: Some("nettool udp-recv [OPTIONS] [ADDRESS] <PORT>"),
    },
    Page {
        name: "completions",
        examples: &[
            (
                "nettool completions bash > ~/.local/share/bash-completion/completions/nettool",
                "Bash, for this user",
            ),
            (
                "nettool completions zsh > ~/.zfunc/_nettool",
                "Zsh (with ~/.zfunc in fpath)",
            ),
            (
                "nettool completions fish > ~/.config/fish/completions/nettool.fish",
                "Fish, for this user",
            ),
        ],
        see_also: &["nettool-man(1)"],
        verbose: None,
        usage: None,
    },
    Page {
        name: "man",
        examples: &[
            (
                "nettool man ping | man -l -",
                "Read one page without installing it",
            ),
            (
                "nettool man --mkdir --dir ~/.local/share/man/man1",
                "Install every page for this user",
            ),
        ],
        see_also: &["man(1)", "nettool-completions(1)"],
        verbose: None,
        usage: None,
    },
];

/// The extra help of the subcommand `name` (`nettool` for the top level).
#[must_use]
pub fn page(name: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.name == name)
}

/// The command-line tree with every page's help attached, built (global flags propagated).
/// Parsing, `--help`, completions and man pages all use this tree.
#[must_use]
pub fn command() -> clap::Command {
    let mut cmd = unbuilt();
    cmd.build();
    cmd
}

/// [`command`] before it is built, for callers that change it further (completions). A built
/// tree must not be changed: clap indexes its arguments when it builds.
#[must_use]
pub fn unbuilt() -> clap::Command {
    let root = Cli::command();
    let verbose = root
        .get_arguments()
        .find(|a| a.get_id() == "verbose")
        .cloned()
        .expect("the global flags include -v");
    let root = root.mut_subcommands(|sub| match page(sub.get_name()) {
        // The subcommand's own -v, with what it does there, stands in for the global one.
        Some(page) => decorate(sub, page).arg(match page.verbose {
            Some(help) => verbose.clone().help(help),
            None => verbose.clone().hide(true),
        }),
        None => sub,
    });
    let top = page("nettool").expect("the table has the top-level page");
    decorate(root, top).mut_arg("verbose", |arg| arg.help(top.verbose.unwrap_or_default()))
}

fn decorate(cmd: clap::Command, page: &Page) -> clap::Command {
    let header = *cmd.get_styles().get_header();
    let json = cmd.get_after_long_help().map(ToString::to_string);
    let (json, own_exit) = split_exit_status(json.as_deref().unwrap_or(""));
    let mut text = String::new();
    if !json.is_empty() {
        text.push_str(&json);
        text.push_str("\n\n");
    }
    let heading = |text: &mut String, title: &str| {
        text.push_str(&format!("{header}{title}:{header:#}\n"));
    };
    heading(&mut text, "Examples");
    for (line, what) in page.examples {
        text.push_str(&format!("  {line}\n      {what}\n"));
    }
    text.push('\n');
    heading(&mut text, "Exit status");
    for (code, meaning) in EXIT_RULE {
        text.push_str(&format!("  {code}  {meaning}\n"));
    }
    if let Some(own) = own_exit {
        text.push_str(&format!("  {own}\n"));
    }
    text.push_str(&format!("  {EXIT_NOTE}\n\n"));
    heading(&mut text, "See also");
    text.push_str(&format!("  {}", page.see_also.join(", ")));
    let mut cmd = cmd.after_long_help(StyledStr::from(text));
    if let Some(usage) = page.usage {
        cmd = cmd.override_usage(usage);
    }
    cmd
}

/// A command's own help text split into the part before its `Exit status:` sentences and
/// those sentences (without the label), which join the EXIT STATUS section.
#[must_use]
pub fn split_exit_status(text: &str) -> (String, Option<String>) {
    match text.find("Exit status:") {
        Some(at) => {
            let own = text[at + "Exit status:".len()..].trim();
            let mut rest = text[..at].trim_end().to_string();
            // What followed the sentences (a paragraph of its own) stays where it was.
            let (own, after) = match own.find("\n\n") {
                Some(end) => (&own[..end], Some(own[end..].trim())),
                None => (own, None),
            };
            if let Some(after) = after {
                rest.push_str("\n\n");
                rest.push_str(after);
            }
            let own = own.split_whitespace().collect::<Vec<_>>().join(" ");
            (rest, Some(format!("This command: {own}")))
        }
        None => (text.trim().to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_has_a_page() {
        let root = command();
        let names: Vec<&str> = root
            .get_subcommands()
            .map(clap::Command::get_name)
            .filter(|n| *n != "help")
            .collect();
        for name in &names {
            assert!(page(name).is_some(), "{name}");
        }
        assert_eq!(PAGES.len(), names.len() + 1);
    }

    #[test]
    fn every_example_parses() {
        for page in PAGES {
            for (line, _) in page.examples {
                let argv: Vec<&str> = line
                    .split(" | ")
                    .next()
                    .unwrap()
                    .split(" > ")
                    .next()
                    .unwrap()
                    .split(" < ")
                    .next()
                    .unwrap()
                    .split_whitespace()
                    .collect();
                assert_eq!(argv[0], "nettool", "{line}");
                let result = command().try_get_matches_from(&argv);
                let ok = match &result {
                    Ok(_) => true,
                    Err(e) => matches!(
                        e.kind(),
                        clap::error::ErrorKind::DisplayVersion
                            | clap::error::ErrorKind::DisplayHelp
                    ),
                };
                assert!(ok, "{line}: {result:?}");
            }
        }
    }

    #[test]
    fn exit_sentences_move_to_their_section() {
        let (rest, own) =
            split_exit_status("JSON: a, b. Exit status: 0 yes;\n1 no.\n\nAn unknown X exits 1.");
        assert_eq!(rest, "JSON: a, b.\n\nAn unknown X exits 1.");
        assert_eq!(own.as_deref(), Some("This command: 0 yes; 1 no."));
        assert_eq!(
            split_exit_status("JSON: a.\n"),
            ("JSON: a.".to_string(), None)
        );
    }
}
