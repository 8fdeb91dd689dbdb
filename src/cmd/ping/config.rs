//! `nettool ping`'s settings: what the user typed ([`super::Args`]) checked and turned into a
//! [`Config`], with no I/O. Every validation rule of ping lives here, with its unit tests;
//! `-g` ranges are expanded here too. A reader starts at `TryFrom<Args> for Config`.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use ipnet::IpNet;

use crate::error::{Error, Result};
use crate::model::address::{ScopedAddr, is_link_local};
use crate::net::host::{self, Family};
use crate::probe::sweep::number;

use super::Args;

/// The largest payload an IPv4 echo request can carry (65535 - 20 - 8).
const MAX_PAYLOAD: u16 = 65_507;
/// The most addresses a `--tcp` range may name (it keeps a row per target).
const MAX_TARGETS: u128 = 65_536;
/// A range of more addresses than this is swept by the streaming engine
/// ([`crate::probe::sweep`]), whose memory does not grow with the range.
pub const SWEEP_ABOVE: u128 = 1_024;
/// The largest range `-g` takes: 2^32 addresses (all of IPv4).
const MAX_SWEEP_BITS: u32 = 32;
/// The most targets whose rows a sweep keeps for its closing table (a /16); a larger sweep
/// ends with totals instead.
pub const TABLE_ROWS: u64 = 65_536;

/// A host to ping: as the user named it, or a literal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    /// The text shown in headers and summaries.
    pub name: String,
    /// Set when the text is an address literal (no lookup needed).
    pub literal: Option<IpAddr>,
}

/// Where probes leave from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A source address.
    Address(IpAddr),
    /// An interface name.
    Device(String),
}

/// Validated settings of one ping run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The hosts, in order, after `-g` expansion.
    pub hosts: Vec<HostSpec>,
    /// Whether the run prints ping's per-reply output (one host) or a table (many).
    pub many: bool,
    /// Probes per host; `None` means until Ctrl-C or the deadline.
    pub count: Option<u64>,
    /// Time between probes to one host.
    pub interval: Duration,
    /// Wait for each reply.
    pub wait: Duration,
    /// Whole-run deadline.
    pub deadline: Option<Duration>,
    /// Payload bytes.
    pub size: u16,
    /// TTL / hop limit.
    pub ttl: Option<u32>,
    /// `-I`.
    pub source: Option<Source>,
    /// `-D`.
    pub timestamps: bool,
    /// `-O`.
    pub outstanding: bool,
    /// `-f`.
    pub flood: bool,
    /// `-n`.
    pub numeric: bool,
    /// `-b`.
    pub broadcast: bool,
    /// `-a` / `-u`: which rows of a many-target run to print.
    pub filter: Filter,
    /// `--tcp PORT`.
    pub tcp_port: Option<u16>,
    /// `-4` / `-6`.
    pub family: Family,
    /// A `-g` range of more than [`SWEEP_ABOVE`] addresses, swept in streaming mode (`hosts`
    /// then holds its first address only).
    pub sweep: Option<SweepRange>,
}

/// A `-g` range: its first and last address (one family).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepRange {
    /// The range as the user wrote it (`127.0.0.0/8`, `10.0.0.1 10.0.0.9`).
    pub text: String,
    /// The first address.
    pub first: IpAddr,
    /// The last address.
    pub last: IpAddr,
}

impl SweepRange {
    /// How many addresses it names.
    #[must_use]
    pub fn len(&self) -> u128 {
        number(self.last) - number(self.first) + 1
    }

    /// Never: a range names one address at least.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Which targets a many-target run prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Every target (a table).
    All,
    /// `-a`: names of the targets that replied.
    Alive,
    /// `-u`: names of the targets that did not.
    Unreachable,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let family = args.family.family();
        let mut hosts: Vec<HostSpec> = Vec::new();
        let mut sweep = None;
        if let Some(range) = &args.generate {
            let mut all = range.clone();
            all.extend(args.hosts.iter().cloned());
            let range = parse_range(&all)?;
            let size = range.len();
            if size > SWEEP_ABOVE && args.tcp.is_none() {
                hosts.push(HostSpec {
                    name: range.first.to_string(),
                    literal: Some(range.first),
                });
                sweep = Some(range);
            } else if size > MAX_TARGETS {
                return Err(Error::invalid(
                    &range.text,
                    format!("more than {MAX_TARGETS} addresses for --tcp"),
                ));
            } else {
                hosts = expand(&range);
            }
        } else {
            for name in &args.hosts {
                // As ping: the unspecified address means this host.
                let literal = ScopedAddr::parse(name)
                    .ok()
                    .flatten()
                    .map(|a| this_host_for_unspecified(a.ip));
                if name.trim().is_empty() {
                    return Err(Error::invalid(name, "empty host name"));
                }
                hosts.push(HostSpec {
                    name: name.clone(),
                    literal,
                });
            }
        }
        if hosts.is_empty() {
            return Err(Error::invalid(
                "HOST",
                "name a host to ping, or a range with -g",
            ));
        }
        let many = hosts.len() > 1 || args.generate.is_some();
        let count = match args.count {
            None => many.then_some(1),
            Some(c) if c < 1 => {
                return Err(Error::invalid(
                    format!("-c {c}"),
                    "the count must be at least 1",
                ));
            }
            Some(c) => Some(u64::try_from(c).unwrap_or(u64::MAX)),
        };
        let size = u16::try_from(args.size)
            .ok()
            .filter(|s| *s <= MAX_PAYLOAD)
            .ok_or_else(|| {
                Error::invalid(
                    format!("-s {}", args.size),
                    format!("the payload size must be 0-{MAX_PAYLOAD} bytes"),
                )
            })?;
        let ttl = match args.ttl {
            None => None,
            Some(t @ 1..=255) => Some(u32::try_from(t).unwrap_or(255)),
            Some(t) => {
                return Err(Error::invalid(format!("-t {t}"), "the TTL must be 1-255"));
            }
        };
        let tcp_port = match &args.tcp {
            None => None,
            Some(text) => {
                let port =
                    crate::net::services::parse_port(text, crate::model::services::Proto::Tcp)?;
                if port == 0 {
                    return Err(Error::invalid(text, "port 0 cannot be probed"));
                }
                Some(port)
            }
        };
        if args.flood && tcp_port.is_some() {
            return Err(Error::invalid(
                "-f",
                "flood works with ICMP, not with --tcp",
            ));
        }
        let interval = match (args.interval, args.flood) {
            (Some(i), _) => i,
            (None, true) => Duration::ZERO,
            (None, false) => Duration::from_secs(1),
        };
        let wait = args.wait.unwrap_or(if many || tcp_port.is_some() {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(10)
        });
        if wait.is_zero() {
            return Err(Error::invalid("-W 0", "the wait must be longer than zero"));
        }
        let source = args
            .interface
            .as_ref()
            .map(|text| match host::parse_literal(text) {
                Some(addr) => Source::Address(addr),
                None => Source::Device(text.clone()),
            });
        if args
            .interface
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(Error::invalid(
                "-I ''",
                "name a source address or an interface",
            ));
        }
        for h in hosts.iter().filter(|h| h.literal.is_some()) {
            // A literal is checked against -4/-6 and its zone without any lookup.
            host::resolve(&lookup_name(h, source.as_ref()), family)?;
        }
        if let Some(Source::Address(addr)) = source {
            host::resolve(&addr.to_string(), family)?;
            source_family_matches(addr, &hosts)?;
        }
        let filter = match (args.alive, args.unreachable) {
            (true, _) => Filter::Alive,
            (_, true) => Filter::Unreachable,
            _ => Filter::All,
        };
        Ok(Self {
            hosts,
            many,
            count,
            interval,
            wait,
            // `-w 0`, as ping: no deadline.
            deadline: args.deadline.filter(|d| !d.is_zero()),
            size,
            ttl,
            source,
            timestamps: args.timestamps,
            outstanding: args.outstanding,
            flood: args.flood,
            numeric: args.numeric,
            broadcast: args.broadcast,
            filter,
            tcp_port,
            family,
            sweep,
        })
    }
}

/// The text to look a host up by: a link-local address without a zone takes the interface of
/// `-I IFACE` as its zone, as the socket is bound to that link.
#[must_use]
pub fn lookup_name(spec: &HostSpec, source: Option<&Source>) -> String {
    match (spec.literal, source) {
        (Some(ip @ IpAddr::V6(_)), Some(Source::Device(device)))
            if is_link_local(ip) && !spec.name.contains('%') =>
        {
            format!("{ip}%{device}")
        }
        _ => spec.name.clone(),
    }
}

/// 0.0.0.0 and :: as ping reads them: this host (127.0.0.1 and ::1, where the answer comes from).
#[must_use]
pub fn this_host_for_unspecified(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        other => other,
    }
}

/// A source address must be of the family of every target given as an address.
pub fn source_family_matches(source: IpAddr, hosts: &[HostSpec]) -> Result<()> {
    match hosts
        .iter()
        .filter_map(|h| h.literal)
        .find(|a| a.is_ipv6() != source.is_ipv6())
    {
        Some(target) => Err(Error::invalid(
            format!("-I {source}"),
            format!(
                "an IPv{} source cannot send to the IPv{} address {target}",
                if source.is_ipv6() { 6 } else { 4 },
                if target.is_ipv6() { 6 } else { 4 }
            ),
        )),
        None => Ok(()),
    }
}

/// `-g CIDR` (without the network and broadcast addresses, as fping) or `-g START END`: the
/// first and last address, and the text as the user gave it.
pub fn parse_range(args: &[String]) -> Result<SweepRange> {
    let (first, last) = match args {
        [cidr] => {
            let net: IpNet = cidr.parse().map_err(|_| {
                let reason = match cidr.split_once('/') {
                    Some((addr, _)) if host::parse_literal(addr).is_some() => {
                        "the prefix length is out of range (IPv4 0-32, IPv6 0-128)"
                    }
                    Some(_) => "not an IP address before the /",
                    None => "a range is CIDR (10.0.0.0/24) or START END",
                };
                Error::invalid(cidr, reason)
            })?;
            let bits = u32::from(net.max_prefix_len() - net.prefix_len());
            if u128::from(bits) > u128::from(MAX_SWEEP_BITS) {
                return Err(Error::invalid(
                    cidr,
                    format!("more than 2^{MAX_SWEEP_BITS} addresses"),
                ));
            }
            let mut hosts = net.hosts();
            let first = hosts.next();
            let last = hosts.next_back().or(first);
            match (first, last) {
                (Some(first), Some(last)) => (first, last),
                _ => return Err(Error::invalid(cidr, "names no host address")),
            }
        }
        [start, end] => {
            let parse = |t: &String| {
                host::parse_literal(t).ok_or_else(|| Error::invalid(t, "not an IP address"))
            };
            let (a, b) = (parse(start)?, parse(end)?);
            if a.is_ipv6() != b.is_ipv6() {
                return Err(Error::invalid(
                    format!("{start} {end}"),
                    "both ends must be of the same family",
                ));
            }
            if number(b) < number(a) {
                return Err(Error::invalid(end, "the range ends before it starts"));
            }
            if number(b) - number(a) >= 1u128 << MAX_SWEEP_BITS {
                return Err(Error::invalid(
                    format!("{start} {end}"),
                    format!("more than 2^{MAX_SWEEP_BITS} addresses"),
                ));
            }
            (a, b)
        }
        _ => {
            return Err(Error::invalid(args.join(" "), "-g takes CIDR or START END"));
        }
    };
    Ok(SweepRange {
        text: args.join(" "),
        first,
        last,
    })
}

/// Every address of `range`, as hosts (a range small enough for a row per target).
fn expand(range: &SweepRange) -> Vec<HostSpec> {
    let (a, b, v6) = (
        number(range.first),
        number(range.last),
        range.first.is_ipv6(),
    );
    (a..=b)
        .map(|n| {
            let ip = if v6 {
                IpAddr::V6(n.into())
            } else {
                IpAddr::V4(Ipv4Addr::from(u32::try_from(n).unwrap_or(u32::MAX)))
            };
            HostSpec {
                name: ip.to_string(),
                literal: Some(ip),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(argv: &[&str]) -> Result<Config> {
        let args: Args =
            crate::cli::parse_args("ping", argv).map_err(|e| Error::other(e.to_string()))?;
        Config::try_from(args)
    }

    fn err(argv: &[&str]) -> String {
        config(argv).unwrap_err().to_string()
    }

    #[test]
    fn large_ranges_are_swept_small_ones_expanded() {
        let c = config(&["-g", "10.0.0.0/22"]).unwrap();
        assert_eq!(c.hosts.len(), 1022);
        assert_eq!(c.sweep, None);
        let c = config(&["-g", "10.0.0.0/21"]).unwrap();
        let range = c.sweep.unwrap();
        assert_eq!(
            (range.first, range.last, range.len()),
            (
                "10.0.0.1".parse().unwrap(),
                "10.0.7.254".parse().unwrap(),
                2046
            )
        );
        assert_eq!(c.hosts[0].name, "10.0.0.1");
        let c = config(&["-g", "10.0.0.0", "10.255.255.255"]).unwrap();
        assert_eq!(c.sweep.unwrap().len(), 1 << 24);
        assert_eq!(
            config(&["-g", "0.0.0.0/0"]).unwrap().sweep.unwrap().len(),
            (1 << 32) - 2
        );
    }

    #[test]
    fn defaults_for_one_host() {
        let c = config(&["127.0.0.1"]).unwrap();
        assert!(!c.many);
        assert_eq!(c.count, None);
        assert_eq!(c.interval, Duration::from_secs(1));
        assert_eq!(c.wait, Duration::from_secs(10));
        assert_eq!(c.size, 56);
        assert_eq!(c.filter, Filter::All);
        assert_eq!(c.hosts[0].literal, Some("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn flags_map_to_config() {
        let c = config(&[
            "-c",
            "3",
            "-i",
            "0.2",
            "-W",
            "500ms",
            "-w",
            "5",
            "-s",
            "100",
            "-t",
            "1",
            "-I",
            "lo",
            "-D",
            "-O",
            "-n",
            "localhost",
        ])
        .unwrap();
        assert_eq!(c.count, Some(3));
        assert_eq!(c.interval, Duration::from_millis(200));
        assert_eq!(c.wait, Duration::from_millis(500));
        assert_eq!(c.deadline, Some(Duration::from_secs(5)));
        assert_eq!((c.size, c.ttl), (100, Some(1)));
        assert_eq!(c.source, Some(Source::Device("lo".into())));
        assert!(c.timestamps && c.outstanding && c.numeric);
        assert_eq!(c.hosts[0].literal, None);
        let c = config(&["-I", "127.0.0.1", "-f", "127.0.0.1"]).unwrap();
        assert_eq!(
            c.source,
            Some(Source::Address("127.0.0.1".parse().unwrap()))
        );
        assert_eq!(c.interval, Duration::ZERO);
    }

    #[test]
    fn many_targets_default_to_one_probe() {
        let c = config(&["127.0.0.1", "127.0.0.2"]).unwrap();
        assert!(c.many);
        assert_eq!(c.count, Some(1));
        assert_eq!(c.wait, Duration::from_secs(1));
        let c = config(&["-g", "127.0.1.0/28", "-a"]).unwrap();
        assert_eq!(c.hosts.len(), 14);
        assert_eq!(c.hosts[0].name, "127.0.1.1");
        assert_eq!(c.hosts[13].name, "127.0.1.14");
        assert_eq!(c.filter, Filter::Alive);
        let c = config(&["-g", "127.0.0.250", "127.0.1.2", "-u"]).unwrap();
        assert_eq!(c.hosts.len(), 9);
        assert_eq!(c.filter, Filter::Unreachable);
        let c = config(&["-g", "::1", "::3"]).unwrap();
        assert_eq!(c.hosts.len(), 3);
    }

    #[test]
    fn unspecified_is_this_host_and_w_0_no_deadline() {
        let c = config(&["-w", "0", "0.0.0.0"]).unwrap();
        assert_eq!(c.hosts[0].name, "0.0.0.0");
        assert_eq!(c.hosts[0].literal, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(c.deadline, None);
        let c = config(&["::"]).unwrap();
        assert_eq!(c.hosts[0].literal, Some("::1".parse().unwrap()));
    }

    #[test]
    fn tcp_port_by_number_or_name() {
        assert_eq!(config(&["--tcp", "22", "::1"]).unwrap().tcp_port, Some(22));
        assert_eq!(
            config(&["--tcp", "http", "::1"]).unwrap().tcp_port,
            Some(80)
        );
    }

    #[test]
    fn bad_inputs_name_the_input() {
        let table: [(&[&str], &str); 18] = [
            (
                &["-I", "", "h"],
                "-I '': name a source address or an interface",
            ),
            (
                &["-I", "::1", "127.0.0.1"],
                "-I ::1: an IPv6 source cannot send to the IPv4 address 127.0.0.1",
            ),
            (
                &["-I", "127.0.0.1", "::1"],
                "-I 127.0.0.1: an IPv4 source cannot send to the IPv6 address ::1",
            ),
            (&["-c", "0", "h"], "-c 0: the count must be at least 1"),
            (&["-c", "-1", "h"], "-c -1: the count must be at least 1"),
            (
                &["-s", "70000", "h"],
                "-s 70000: the payload size must be 0-65507 bytes",
            ),
            (
                &["-s", "-1", "h"],
                "-s -1: the payload size must be 0-65507 bytes",
            ),
            (&["-t", "0", "h"], "-t 0: the TTL must be 1-255"),
            (&["-t", "256", "h"], "-t 256: the TTL must be 1-255"),
            (
                &["-g", "10.0.0.0/33"],
                "10.0.0.0/33: the prefix length is out of range (IPv4 0-32, IPv6 0-128)",
            ),
            (
                &["-g", "10.0.0.9", "10.0.0.1"],
                "10.0.0.1: the range ends before it starts",
            ),
            (
                &["-g", "10.0.0.0/8", "--tcp", "80"],
                "10.0.0.0/8: more than 65536 addresses for --tcp",
            ),
            (&["-g", "::/64"], "::/64: more than 2^32 addresses"),
            (
                &["-g", "10.0.0.1", "::1"],
                "10.0.0.1 ::1: both ends must be of the same family",
            ),
            (
                &["-4", "::1"],
                "::1: is an IPv6 address, but -4 asks for IPv4",
            ),
            (
                &["-6", "127.0.0.1"],
                "127.0.0.1: is an IPv4 address, but -6 asks for IPv6",
            ),
            (&[], "HOST: name a host to ping, or a range with -g"),
            (
                &["-f", "--tcp", "80", "h"],
                "-f: flood works with ICMP, not with --tcp",
            ),
        ];
        for (argv, want) in table {
            assert_eq!(err(argv), want, "{argv:?}");
        }
        // Negative durations are refused by the duration parser (clap names the flag).
        assert!(err(&["-i", "-1", "h"]).contains("a duration cannot be negative"));
        assert!(err(&["--tcp", "nosuchservice", "h"]).contains("nosuchservice"));
        assert!(err(&["-W", "0", "h"]).contains("-W 0"));
    }
}
