//! `trace`'s arguments checked and turned into a [`Config`]: every rule here, no I/O beyond
//! reading /etc/services for a port name.

use std::net::IpAddr;
use std::time::Duration;

use super::Args;
use crate::error::{Error, Result};
use crate::model::services::Proto;
use crate::model::trace::Protocol;
use crate::net::host::{self, Family};
use crate::probe::trace::socket::Source;

/// The classic first UDP port (traceroute's 33434), and the TCP port when none is given.
pub const UDP_BASE_PORT: u16 = 33434;
/// The TCP port probed when `-p` is not given with `--tcp` and no port follows it.
pub const TCP_DEFAULT_PORT: u16 = 80;
/// Probes in flight at once per target (traceroute's `-N 16`).
pub const WINDOW: usize = 16;
/// The most targets one run takes.
pub const MAX_TARGETS: usize = 256;

/// How the results are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A fixed number of rounds, then the table (mtr's `--report`).
    Report,
    /// The table redrawn every round until Ctrl-C (or `-c` rounds).
    Live,
}

/// Validated settings of one trace run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The hosts as given.
    pub hosts: Vec<String>,
    /// Probe protocol.
    pub protocol: Protocol,
    /// UDP: the first destination port; TCP: the port probed.
    pub port: u16,
    /// `--flow`.
    pub flow: bool,
    /// `-4` / `-6`.
    pub family: Family,
    /// `-f`.
    pub first_ttl: u8,
    /// `-m`.
    pub max_ttl: u8,
    /// Rounds: `None` until Ctrl-C (live mode without `-c`).
    pub rounds: Option<u32>,
    /// `-w`.
    pub wait: Duration,
    /// Between the starts of two rounds.
    pub interval: Duration,
    /// `-I`.
    pub source: Source,
    /// `-n`.
    pub numeric: bool,
    /// Report or live.
    pub mode: Mode,
}

fn ttl(flag: &str, value: i64) -> Result<u8> {
    u8::try_from(value)
        .ok()
        .filter(|t| *t >= 1)
        .ok_or_else(|| Error::invalid(format!("{flag} {value}"), "a hop count must be 1-255"))
}

impl Config {
    /// Validate `args`; `terminal` says whether stdout is a terminal (live mode's default) and
    /// `json` whether `--json` was given (which always reports).
    pub fn new(args: Args, terminal: bool, json: bool) -> Result<Self> {
        if args.hosts.is_empty() {
            return Err(Error::invalid("trace", "name at least one HOST"));
        }
        if args.hosts.len() > MAX_TARGETS {
            return Err(Error::invalid(
                format!("{} hosts", args.hosts.len()),
                format!("at most {MAX_TARGETS} targets at once"),
            ));
        }
        for name in &args.hosts {
            if name.trim().is_empty() {
                return Err(Error::invalid(name, "empty host name"));
            }
        }
        let first_ttl = ttl("-f", args.first_hop)?;
        let max_ttl = ttl("-m", args.max_hops)?;
        if first_ttl > max_ttl {
            return Err(Error::invalid(
                format!("-f {first_ttl}"),
                format!("the first hop is beyond the last (-m {max_ttl})"),
            ));
        }
        let queries = u32::try_from(args.queries)
            .ok()
            .filter(|q| (1..=100).contains(q))
            .ok_or_else(|| {
                Error::invalid(
                    format!("-q {}", args.queries),
                    "probes per hop must be 1-100",
                )
            })?;
        let count = match args.count {
            None => None,
            Some(c) => Some(u32::try_from(c).ok().filter(|c| *c >= 1).ok_or_else(|| {
                Error::invalid(format!("-c {c}"), "the number of rounds must be at least 1")
            })?),
        };
        let protocol = match (&args.tcp, args.udp) {
            (Some(_), true) => {
                return Err(Error::invalid("--tcp", "choose one of --tcp and --udp"));
            }
            (Some(_), false) => Protocol::Tcp,
            (None, true) => Protocol::Udp,
            (None, false) => Protocol::Icmp,
        };
        let port = match (&args.tcp, &args.port) {
            (Some(text), None) => crate::net::services::parse_port(text, Proto::Tcp)?,
            (Some(_), Some(text)) => {
                return Err(Error::invalid(
                    text,
                    "--tcp takes the port itself; -p is for --udp",
                ));
            }
            (None, Some(text)) => {
                let proto = if protocol == Protocol::Tcp {
                    Proto::Tcp
                } else {
                    Proto::Udp
                };
                if protocol == Protocol::Icmp {
                    return Err(Error::invalid(
                        format!("-p {text}"),
                        "ICMP probes have no port (use it with --udp or --tcp)",
                    ));
                }
                crate::net::services::parse_port(text, proto)?
            }
            (None, None) => UDP_BASE_PORT,
        };
        if port == 0 {
            return Err(Error::invalid("0", "port 0 cannot be probed"));
        }
        let wait = args.wait.unwrap_or(Duration::from_secs(2));
        if wait.is_zero() {
            return Err(Error::invalid("-w 0", "the wait must be more than 0"));
        }
        let mode = if args.report || json || !terminal {
            Mode::Report
        } else {
            Mode::Live
        };
        let rounds = match (mode, count) {
            (_, Some(c)) => Some(c),
            (Mode::Report, None) => Some(queries),
            (Mode::Live, None) => None,
        };
        let interval = args.interval.unwrap_or(match mode {
            Mode::Report => Duration::ZERO,
            Mode::Live => Duration::from_secs(1),
        });
        let source = match args.interface {
            None => Source::default(),
            Some(text) => match host::parse_literal(&text) {
                Some(addr) => Source {
                    addr: Some(addr),
                    device: None,
                },
                None if text.trim().is_empty() => {
                    return Err(Error::invalid("-I", "empty interface or address"));
                }
                None => Source {
                    addr: None,
                    device: Some(text),
                },
            },
        };
        let family = args.family.family();
        if let Some(addr) = source.addr
            && !family.allows(addr)
        {
            return Err(Error::invalid(
                addr.to_string(),
                "the source address is of the other family than -4/-6 asks for",
            ));
        }
        Ok(Self {
            hosts: args.hosts,
            protocol,
            port,
            flow: args.flow,
            family,
            first_ttl,
            max_ttl,
            rounds,
            wait,
            interval,
            source,
            numeric: args.numeric,
            mode,
        })
    }

    /// The family a target must have: `-4`/`-6`, else that of a `-I` address.
    #[must_use]
    pub fn target_family(&self) -> Family {
        match (self.family, self.source.addr) {
            (Family::Any, Some(IpAddr::V4(_))) => Family::V4,
            (Family::Any, Some(IpAddr::V6(_))) => Family::V6,
            (family, _) => family,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(argv: &[&str]) -> Result<Config> {
        let args: Args =
            crate::cli::parse_args("trace", argv).map_err(|e| Error::other(e.to_string()))?;
        Config::new(args, false, false)
    }

    #[test]
    fn defaults_are_traceroutes() {
        let c = config(&["10.0.0.1"]).unwrap();
        assert_eq!(c.protocol, Protocol::Icmp);
        assert_eq!((c.first_ttl, c.max_ttl), (1, 30));
        assert_eq!(c.rounds, Some(3));
        assert_eq!(c.wait, Duration::from_secs(2));
        assert_eq!(c.interval, Duration::ZERO);
        assert_eq!(c.mode, Mode::Report);
        assert_eq!(c.port, UDP_BASE_PORT);
        assert!(!c.flow && !c.numeric);
    }

    #[test]
    fn flags_as_given() {
        let c = config(&[
            "-m",
            "8",
            "-f",
            "2",
            "--queries",
            "5",
            "-w",
            "250ms",
            "-I",
            "10.0.0.2",
            "--udp",
            "-p",
            "40000",
            "--flow",
            "-n",
            "-4",
            "a",
            "b",
        ])
        .unwrap();
        assert_eq!(c.hosts, ["a", "b"]);
        assert_eq!((c.first_ttl, c.max_ttl, c.rounds), (2, 8, Some(5)));
        assert_eq!(c.wait, Duration::from_millis(250));
        assert_eq!(c.protocol, Protocol::Udp);
        assert_eq!(c.port, 40000);
        assert!(c.flow && c.numeric);
        assert_eq!(c.source.addr, Some("10.0.0.2".parse().unwrap()));
        assert_eq!(c.target_family(), Family::V4);
        let c = config(&["--tcp", "443", "-I", "eth0", "--report", "-c", "7", "h"]).unwrap();
        assert_eq!(
            (c.protocol, c.port, c.rounds),
            (Protocol::Tcp, 443, Some(7))
        );
        assert_eq!(c.source.device.as_deref(), Some("eth0"));
        assert_eq!(config(&["--tcp", "http", "h"]).unwrap().port, 80);
    }

    #[test]
    fn live_on_a_terminal_until_stopped() {
        let args: Args = crate::cli::parse_args("trace", &["h"]).unwrap();
        let c = Config::new(args, true, false).unwrap();
        assert_eq!(
            (c.mode, c.rounds, c.interval),
            (Mode::Live, None, Duration::from_secs(1))
        );
        let args: Args = crate::cli::parse_args("trace", &["-c", "2", "h"]).unwrap();
        assert_eq!(Config::new(args, true, false).unwrap().rounds, Some(2));
        let args: Args = crate::cli::parse_args("trace", &["h"]).unwrap();
        assert_eq!(Config::new(args, true, true).unwrap().mode, Mode::Report);
        let args: Args = crate::cli::parse_args("trace", &["--report", "h"]).unwrap();
        assert_eq!(Config::new(args, true, false).unwrap().mode, Mode::Report);
    }

    #[test]
    fn bad_input_is_named() {
        let table: [(&[&str], &str); 12] = [
            (&["-m", "0", "h"], "-m 0: a hop count must be 1-255"),
            (&["-m", "256", "h"], "-m 256: a hop count must be 1-255"),
            (
                &["-f", "5", "-m", "4", "h"],
                "-f 5: the first hop is beyond the last (-m 4)",
            ),
            (
                &["--queries", "0", "h"],
                "-q 0: probes per hop must be 1-100",
            ),
            (
                &["-c", "0", "h"],
                "-c 0: the number of rounds must be at least 1",
            ),
            (
                &["--tcp", "80", "--udp", "h"],
                "--tcp: choose one of --tcp and --udp",
            ),
            (
                &["-p", "80", "h"],
                "-p 80: ICMP probes have no port (use it with --udp or --tcp)",
            ),
            (
                &["--tcp", "80", "-p", "81", "h"],
                "81: --tcp takes the port itself; -p is for --udp",
            ),
            (&["--udp", "-p", "0", "h"], "0: port 0 cannot be probed"),
            (
                &["--udp", "-p", "70000", "h"],
                "70000: port is out of range 0-65535",
            ),
            (&["-w", "0", "h"], "-w 0: the wait must be more than 0"),
            (&[""], ": empty host name"),
        ];
        for (argv, want) in table {
            assert_eq!(config(argv).unwrap_err().to_string(), want, "{argv:?}");
        }
        assert!(config(&[]).is_err());
        assert!(config(&["-6", "-I", "10.0.0.1", "h"]).is_err());
    }
}
