//! `scan`'s arguments as typed, and the validated configuration they become (no I/O: service
//! names are looked up through a function the caller passes).

use std::time::Duration;

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::model::port_spec;
use crate::model::services::Proto;
use crate::model::target_spec::TargetSpec;
use crate::net::host::Family;
pub use crate::probe::scan::Method;

/// The ports scanned when neither -p nor --top is given.
pub const DEFAULT_TOP: u32 = 1000;

/// Which ports of which hosts are open: TCP connect (no privilege), TCP SYN, or UDP.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "Examples:\n  \
nettool scan 127.0.0.1 -p 22,80,8000-8100\n  \
nettool scan 10.0.0.0/24 --top 100 -o open\n  \
sudo nettool scan --syn -p- 127.0.0.1\n  \
nettool scan -u -p domain,ntp 10.0.0.1\n\n\
States, with their evidence: open (TCP handshake completed or SYN-ACK; UDP: an answer), \
closed (RST; connect scan: refused, which is a RST or an ICMP port unreachable, as nmap -sT \
says; UDP: ICMP port unreachable), filtered (no answer after every try, or ICMP unreachable: \
host, network, protocol or port unreachable, prohibited, filtered; or no route from here), open|filtered (UDP: nothing came back). The text table lists open ports per host \
and counts the others; -v lists them all.\n\n\
JSON (--json) is NDJSON, one object a line, each with \"type\":\n  \
port: host (address), name (as given, or null), port, proto (\"tcp\" or \"udp\"), state \
(\"open\", \"closed\", \"filtered\", \"open|filtered\"), reason (\"handshake\", \"syn-ack\", \"rst\", \
\"refused\", \"udp-reply\", \"icmp-unreachable\", \"no-answer\", \"no-route\"), icmp_type and icmp_code (numbers, \
or null), service (the services database's name for the port, or null), rtt_ms (the answer's \
round trip in milliseconds, null without an answer), tries (probes sent to the port). Open \
ports only, every port with -v.\n  \
host (one per host, when its last port is judged): host, name, open, closed, filtered, \
open_filtered (port counts)\n  \
summary (last): method (\"connect\", \"syn\" or \"udp\"), hosts, ports (judged), open, closed, \
filtered, open_filtered, probes (sent, retries included), elapsed_ms, interrupted (true after \
Ctrl-C)\n\n\
Exit status: 0 when some port is open, 1 when none is, 2 on bad input or any error.")]
pub struct Args {
    /// Hosts: names, addresses, CIDRs (10.0.0.0/24, without network and broadcast) or ranges
    /// (10.0.0.1-10.0.0.40, 10.0.0.1-40)
    #[arg(value_name = "TARGET", required = true)]
    pub targets: Vec<String>,

    /// Ports: 22,80,8000-8100, service names (ssh,http), open ends (-1024), or - for 1-65535
    /// (`-p-`) [default: --top 1000]
    #[arg(
        short = 'p',
        long = "ports",
        value_name = "PORTS",
        allow_hyphen_values = true
    )]
    pub ports: Option<String>,

    /// The N ports most often found open (a built-in list, then the rest by number)
    #[arg(long, value_name = "N", conflicts_with = "ports")]
    pub top: Option<u32>,

    /// TCP SYN scan: half-open, the kernel resets each SYN-ACK (root or CAP_NET_RAW)
    #[arg(long, conflicts_with = "udp")]
    pub syn: bool,

    /// UDP scan: DNS and NTP ports get a real request, other ports an empty datagram
    #[arg(short = 'u', long)]
    pub udp: bool,

    /// The most probes waiting for an answer at once (lowered while losses are seen)
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub concurrency: usize,

    /// Send at most N probes a second (default: as fast as answers come)
    #[arg(long, value_name = "PPS")]
    pub rate: Option<u32>,

    /// Tries after the first for a probe that gets no answer
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub retries: u8,

    /// The longest wait for an answer (shortened to the measured round trip once known)
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = crate::model::duration::value_parser)]
    pub timeout: Duration,

    /// What to print: a table per host, or `open`: one `HOST PORT` line per open port
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Layout::Table)]
    pub output: Layout,

    /// Address family.
    #[command(flatten)]
    pub family: FamilyArgs,
}

/// `-o` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// A table of open ports per host, with the other states counted.
    Table,
    /// Only the open ports, one `HOST PORT` line each, for scripts.
    Open,
}

/// A validated scan.
#[derive(Debug, Clone)]
pub struct Config {
    /// The targets, in the order given.
    pub targets: Vec<TargetSpec>,
    /// The ports, in probing order.
    pub ports: Vec<u16>,
    /// How to probe.
    pub method: Method,
    /// In-flight cap.
    pub concurrency: usize,
    /// Probes a second, if limited.
    pub rate: Option<u32>,
    /// Retries per unanswered probe.
    pub retries: u8,
    /// Longest wait for an answer.
    pub timeout: Duration,
    /// What to print.
    pub layout: Layout,
    /// `-4` / `-6`.
    pub family: Family,
}

impl Config {
    /// Validate `args`; `lookup` maps a service name to its port (the services database).
    pub fn from_args(args: Args, lookup: impl Fn(&str, Proto) -> Option<u16>) -> Result<Self> {
        let method = match (args.syn, args.udp) {
            (true, _) => Method::Syn,
            (_, true) => Method::Udp,
            _ => Method::Connect,
        };
        let family = args.family.family();
        let ports = match (&args.ports, args.top) {
            (Some(spec), _) => port_spec::parse(spec, method.proto(), lookup),
            (None, Some(n)) => port_spec::top(n, method.proto()),
            (None, None) => port_spec::top(DEFAULT_TOP, method.proto()),
        }
        .map_err(|reason| invalid_line(&reason))?;
        let mut targets = Vec::with_capacity(args.targets.len());
        for text in &args.targets {
            let spec = TargetSpec::parse(text).map_err(|reason| invalid_line(&reason))?;
            if let TargetSpec::Range { first, .. } = spec
                && !family.allows(first)
            {
                let want = if first.is_ipv4() {
                    "-6 asks for IPv6"
                } else {
                    "-4 asks for IPv4"
                };
                return Err(Error::invalid(
                    text,
                    format!("is of the other family, but {want}"),
                ));
            }
            targets.push(spec);
        }
        if !(1..=65_536).contains(&args.concurrency) {
            return Err(Error::invalid(
                format!("--concurrency {}", args.concurrency),
                "give a number from 1 to 65536",
            ));
        }
        if args.rate == Some(0) {
            return Err(Error::invalid("--rate 0", "give at least 1 probe a second"));
        }
        if args.retries > 10 {
            return Err(Error::invalid(
                format!("--retries {}", args.retries),
                "give a number from 0 to 10",
            ));
        }
        if args.timeout.is_zero() || args.timeout > Duration::from_secs(60) {
            return Err(Error::invalid(
                format!("--timeout {}", humantime::format_duration(args.timeout)),
                "give a duration above 0 and at most 1m",
            ));
        }
        Ok(Self {
            targets,
            ports,
            method,
            concurrency: args.concurrency,
            rate: args.rate,
            retries: args.retries,
            timeout: args.timeout,
            layout: args.output,
            family,
        })
    }

    /// How many ports the whole scan judges (names count as one host each).
    #[must_use]
    pub fn total(&self) -> u128 {
        let hosts: u128 = self.targets.iter().map(TargetSpec::len).sum();
        hosts * self.ports.len() as u128
    }
}

/// A reason that already names its input (`70000: port is out of range 0-65535`).
fn invalid_line(reason: &str) -> Error {
    match reason.split_once(": ") {
        Some((input, why)) => Error::invalid(input, why),
        None => Error::other(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parse_args;

    fn lookup(name: &str, _: Proto) -> Option<u16> {
        (name == "ssh").then_some(22)
    }

    fn config(argv: &[&str]) -> Result<Config> {
        let args: Args = parse_args("scan", argv).map_err(|e| Error::other(e.to_string()))?;
        Config::from_args(args, lookup)
    }

    #[test]
    fn command_lines_and_their_configs() {
        let c = config(&["127.0.0.1", "-p", "ssh,80"]).unwrap();
        assert_eq!(
            (c.method, c.ports.as_slice()),
            (Method::Connect, &[22, 80][..])
        );
        assert_eq!(
            (c.concurrency, c.retries, c.timeout),
            (512, 1, Duration::from_secs(1))
        );
        assert_eq!(c.layout, Layout::Table);
        let c = config(&["127.0.0.1", "-p-"]).unwrap();
        assert_eq!(c.ports.len(), 65_535);
        assert_eq!(c.total(), 65_535);
        let c = config(&["10.0.0.0/24", "--top", "10", "--syn", "-o", "open"]).unwrap();
        assert_eq!(
            (c.method, c.ports.len(), c.layout),
            (Method::Syn, 10, Layout::Open)
        );
        assert_eq!(c.total(), 2540);
        let c = config(&[
            "::1",
            "-u",
            "-p",
            "53",
            "--rate",
            "100",
            "--timeout",
            "250ms",
        ])
        .unwrap();
        assert_eq!(
            (c.method, c.rate, c.timeout),
            (Method::Udp, Some(100), Duration::from_millis(250))
        );
        let c = config(&["localhost", "-4"]).unwrap();
        assert_eq!(c.ports.len(), 1000);
        assert_eq!(c.family, Family::V4);
    }

    #[test]
    fn bad_command_lines_get_one_line() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["127.0.0.1", "-p", "70000"],
                "70000: port is out of range 0-65535",
            ),
            (
                &["127.0.0.1", "-p", "9-1"],
                "9-1: the range ends before it starts",
            ),
            (
                &["10.0.0.0/33"],
                "10.0.0.0/33: the prefix length is out of range (IPv4 0-32, IPv6 0-128)",
            ),
            (
                &["::1", "-4"],
                "::1: is of the other family, but -4 asks for IPv4",
            ),
            (
                &["127.0.0.1", "--top", "0"],
                "--top 0: give a number of ports from 1 to 65535",
            ),
            (
                &["127.0.0.1", "--concurrency", "0"],
                "--concurrency 0: give a number from 1 to 65536",
            ),
            (
                &["127.0.0.1", "--rate", "0"],
                "--rate 0: give at least 1 probe a second",
            ),
            (
                &["127.0.0.1", "--retries", "11"],
                "--retries 11: give a number from 0 to 10",
            ),
            (
                &["127.0.0.1", "--timeout", "2m"],
                "--timeout 2m: give a duration above 0 and at most 1m",
            ),
        ];
        for (argv, want) in cases {
            assert_eq!(config(argv).unwrap_err().to_string(), *want, "{argv:?}");
        }
        assert!(config(&["127.0.0.1", "--syn", "-u"]).is_err());
        assert!(config(&["127.0.0.1", "-p", "1", "--top", "5"]).is_err());
        assert!(config(&[]).is_err());
    }
}
