//! `nettool portinfo`: what a port is for, as `getservbyname`/`getservbyport` answer, which IANA
//! range it is in, and (`--check`) whether anything on this host is bound to it.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::services::{PortRange, Proto};
use crate::net::services::{self as db, Database, Known};
use crate::net::sockets::{self, BoundSocket};
use crate::output::{self, Output};

/// Bind tests are made for at most this many ports; a larger `--check` lists sockets only.
const MAX_BIND_TESTS: usize = 64;

/// Arguments of `nettool portinfo`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// Service names (mysql), ports (3306), ranges (20-25) or comma lists (22,80,443)
    #[arg(
        value_name = "SERVICE|PORT|RANGE",
        allow_negative_numbers = true,
        required_unless_present = "list"
    )]
    pub queries: Vec<String>,

    /// Only TCP entries
    #[arg(long, conflicts_with = "udp")]
    pub tcp: bool,

    /// Only UDP entries
    #[arg(long)]
    pub udp: bool,

    /// List every known service as a table
    #[arg(long, conflicts_with = "queries")]
    pub list: bool,

    /// Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning
    /// process) and whether it is free to bind
    #[arg(long, visible_alias = "listening")]
    pub check: bool,

    /// Read this services file instead of /etc/services
    #[arg(long, value_name = "FILE", default_value = db::SYSTEM_FILE)]
    pub services_file: PathBuf,
}

const JSON_FIELDS: &str = "JSON output (--json), one document: entries [{name, port, proto, \
aliases, description (built-in entries), source (system|built_in), range (well_known|registered|\
dynamic), ephemeral (in this host's ephemeral range)}], unknown [ports or names with no service], \
ephemeral_range [low, high] or null, system_file, system_file_read; with --check also \
checks [{port, sockets [{proto, local, state, pid, process}], tcp_free, udp_free}] where a \
*_free field is true, false, or null when not tested. Exit status: 0 when every query is known \
(with --check: when something is bound to every port asked about); 1 for a service name or \
port that is not known (\"no such service\"), or with --check a port nothing is bound to; 2 for \
invalid input such as 70000, -1 or 12ab.";

/// One thing the user asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A service name.
    Name(String),
    /// One port.
    Port(u16),
    /// An inclusive range of ports.
    Range(u16, u16),
}

/// Parse one query word (a list item).
pub fn parse_query(text: &str) -> Result<Query> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(text, "empty port or service name"));
    }
    let port = |t: &str| -> Result<u16> {
        if !t.bytes().all(|b| b.is_ascii_digit()) || t.is_empty() {
            return Err(Error::invalid(
                text,
                "not a port number, range or service name",
            ));
        }
        t.parse()
            .map_err(|_| Error::invalid(text, "port is out of range 0-65535"))
    };
    if trimmed.starts_with('-') {
        return Err(Error::invalid(text, "port is out of range 0-65535"));
    }
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        if let Some((lo, hi)) = trimmed.split_once('-') {
            let (lo, hi) = (port(lo)?, port(hi)?);
            if lo > hi {
                return Err(Error::invalid(
                    text,
                    "range runs backwards (write LOW-HIGH)",
                ));
            }
            return Ok(Query::Range(lo, hi));
        }
        return port(trimmed).map(Query::Port);
    }
    if !trimmed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.+/".contains(&b))
    {
        return Err(Error::invalid(
            text,
            "not a port number, range or service name",
        ));
    }
    Ok(Query::Name(trimmed.to_string()))
}

/// Validated arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// What to look up; empty with `--list`.
    pub queries: Vec<Query>,
    /// The protocol filter.
    pub proto: Option<Proto>,
    /// Whether to check what is bound.
    pub check: bool,
    /// The system services file.
    pub services_file: PathBuf,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let mut queries = Vec::new();
        for word in &args.queries {
            for item in word.split(',') {
                queries.push(parse_query(item)?);
            }
        }
        let proto = match (args.tcp, args.udp) {
            (true, _) => Some(Proto::Tcp),
            (_, true) => Some(Proto::Udp),
            _ => None,
        };
        Ok(Self {
            queries,
            proto,
            check: args.check,
            services_file: args.services_file,
        })
    }
}

/// One known service, as reported.
#[derive(Debug, Serialize)]
pub struct Entry {
    /// The service and its source.
    #[serde(flatten)]
    pub known: Known,
    /// The port's IANA range.
    pub range: PortRange,
    /// Whether the port is in this host's ephemeral range.
    pub ephemeral: bool,
}

/// What is bound to one port.
#[derive(Debug, Serialize)]
pub struct Check {
    /// The port.
    pub port: u16,
    /// The bound sockets.
    pub sockets: Vec<BoundSocket>,
    /// Whether TCP port is free to bind on every address, v4 and v6 (null: not tested).
    pub tcp_free: Option<bool>,
    /// Whether the UDP port is free to bind (null: not tested).
    pub udp_free: Option<bool>,
}

/// What `nettool portinfo` reports.
#[derive(Debug, Serialize)]
pub struct PortinfoReport {
    /// Known services matching the queries.
    pub entries: Vec<Entry>,
    /// Queries nothing is known for.
    pub unknown: Vec<String>,
    /// This host's ephemeral port range.
    pub ephemeral_range: Option<(u16, u16)>,
    /// The system services file consulted.
    pub system_file: PathBuf,
    /// Whether it could be read.
    pub system_file_read: bool,
    /// What is bound (with --check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<Check>>,
    #[serde(skip)]
    single_port: Option<u16>,
}

fn entry(known: &Known, ephemeral: Option<(u16, u16)>) -> Entry {
    let port = known.entry.port;
    Entry {
        known: known.clone(),
        range: PortRange::of(port),
        ephemeral: ephemeral.is_some_and(|(lo, hi)| (lo..=hi).contains(&port)),
    }
}

/// Look the queries up in `database` (no I/O apart from what `check` does).
pub fn lookup(
    config: &Config,
    database: &Database,
    ephemeral: Option<(u16, u16)>,
) -> PortinfoReport {
    let mut entries = Vec::new();
    let mut unknown = Vec::new();
    let mut ports: Vec<u16> = Vec::new();
    if config.queries.is_empty() {
        entries.extend(
            database
                .all()
                .iter()
                .filter(|k| config.proto.is_none_or(|p| k.entry.proto == p))
                .map(|k| entry(k, ephemeral)),
        );
    }
    for query in &config.queries {
        let before = entries.len();
        match query {
            Query::Name(name) => {
                entries.extend(
                    database
                        .by_name(name, config.proto)
                        .map(|k| entry(k, ephemeral)),
                );
                if entries.len() == before {
                    unknown.push(name.clone());
                }
                ports.extend(entries[before..].iter().map(|e| e.known.entry.port));
            }
            Query::Port(port) => {
                entries.extend(
                    database
                        .by_port(*port, config.proto)
                        .map(|k| entry(k, ephemeral)),
                );
                if entries.len() == before {
                    unknown.push(port.to_string());
                }
                ports.push(*port);
            }
            Query::Range(lo, hi) => {
                for port in *lo..=*hi {
                    entries.extend(
                        database
                            .by_port(port, config.proto)
                            .map(|k| entry(k, ephemeral)),
                    );
                }
                if entries.len() == before {
                    unknown.push(format!("{lo}-{hi}"));
                }
                ports.extend(*lo..=*hi);
            }
        }
    }
    ports.dedup();
    let single_port = match config.queries.as_slice() {
        [Query::Port(p)] => Some(*p),
        [Query::Name(_)] if ports.len() == 1 => ports.first().copied(),
        _ => None,
    };
    PortinfoReport {
        entries,
        unknown,
        ephemeral_range: ephemeral,
        system_file: config.services_file.clone(),
        system_file_read: database.system_file_read,
        checks: config.check.then(|| check_ports(&ports, config.proto)),
        single_port,
    }
}

/// Bound sockets and bind tests for each port.
fn check_ports(ports: &[u16], proto: Option<Proto>) -> Vec<Check> {
    let mut unique = ports.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let sockets = sockets::bound_sockets(Some(&unique));
    let test_binds = unique.len() <= MAX_BIND_TESTS;
    unique
        .iter()
        .map(|&port| Check {
            port,
            sockets: sockets
                .iter()
                .filter(|s| s.local.port() == port && proto.is_none_or(|p| s.proto == p))
                .cloned()
                .collect(),
            tcp_free: (test_binds && proto != Some(Proto::Udp)).then(|| tcp_free(port)),
            udp_free: (test_binds && proto != Some(Proto::Tcp)).then(|| udp_free(port)),
        })
        .collect()
}

fn any_addrs(port: u16) -> [SocketAddr; 2] {
    [
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
        SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
    ]
}

/// Whether a TCP listener could bind the port on the v4 and v6 wildcard addresses.
fn tcp_free(port: u16) -> bool {
    port != 0 && any_addrs(port).iter().all(|a| TcpListener::bind(a).is_ok())
}

/// Whether a UDP socket could bind the port on the v4 and v6 wildcard addresses.
fn udp_free(port: u16) -> bool {
    port != 0 && any_addrs(port).iter().all(|a| UdpSocket::bind(a).is_ok())
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "free",
        Some(false) => "not free",
        None => "not tested",
    }
}

impl fmt::Display for PortinfoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut blocks: Vec<String> = Vec::new();
        if !self.entries.is_empty() {
            let mut table = output::table([
                "PORT",
                "SERVICE",
                "ALIASES",
                "SOURCE",
                "RANGE",
                "DESCRIPTION",
            ]);
            for e in &self.entries {
                let k = &e.known;
                let range = match (e.range, e.ephemeral) {
                    (r, true) => format!("{}, ephemeral", range_word(r)),
                    (r, false) => range_word(r).to_string(),
                };
                table.add_row([
                    format!("{}/{}", k.entry.port, k.entry.proto),
                    k.entry.name.clone(),
                    if k.entry.aliases.is_empty() {
                        "-".into()
                    } else {
                        k.entry.aliases.join(",")
                    },
                    k.source.as_str().to_string(),
                    range,
                    k.description.unwrap_or("-").to_string(),
                ]);
            }
            blocks.push(trimmed(&table.to_string()));
        }
        if let Some(port) = self.single_port {
            let eph = match self.ephemeral_range {
                Some((lo, hi)) if (lo..=hi).contains(&port) => {
                    format!("; inside this host's ephemeral range {lo}-{hi}")
                }
                Some((lo, hi)) => format!("; outside this host's ephemeral range {lo}-{hi}"),
                None => String::new(),
            };
            blocks.push(format!(
                "{port} is a {} port{eph}",
                PortRange::of(port).describe()
            ));
        }
        for check in self.checks.iter().flatten() {
            let mut lines = Vec::new();
            if check.sockets.is_empty() {
                lines.push(format!("port {}: nothing is bound to it", check.port));
            } else {
                lines.push(format!("port {}: bound", check.port));
                let mut table = output::table(["PROTO", "LOCAL", "STATE", "PROCESS"]);
                for s in &check.sockets {
                    table.add_row([
                        format!("{}{}", s.proto, if s.local.is_ipv6() { "6" } else { "" }),
                        s.local.to_string(),
                        s.state.to_string(),
                        match (&s.process, s.pid) {
                            (Some(name), Some(pid)) => format!("{name} (pid {pid})"),
                            _ => "-".into(),
                        },
                    ]);
                }
                lines.push(trimmed(&table.to_string()));
            }
            if check.tcp_free.is_some() || check.udp_free.is_some() {
                let mut parts = Vec::new();
                if check.tcp_free.is_some() {
                    parts.push(format!("tcp {}", yes_no(check.tcp_free)));
                }
                if check.udp_free.is_some() {
                    parts.push(format!("udp {}", yes_no(check.udp_free)));
                }
                lines.push(format!("to bind: {}", parts.join(", ")));
            }
            blocks.push(lines.join("\n"));
        }
        write!(f, "{}", blocks.join("\n\n"))
    }
}

fn range_word(range: PortRange) -> &'static str {
    match range {
        PortRange::WellKnown => "well-known",
        PortRange::Registered => "registered",
        PortRange::Dynamic => "dynamic",
    }
}

fn trimmed(table: &str) -> String {
    table
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Run `nettool portinfo`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::try_from(args)?;
    let database = Database::load(&config.services_file);
    let report = lookup(&config, &database, db::ephemeral_range());
    if !report.system_file_read {
        out.debug(format_args!(
            "{} could not be read; only the built-in table was used",
            config.services_file.display()
        ));
    }
    let all_unknown = !config.queries.is_empty() && report.entries.is_empty() && !config.check;
    if all_unknown {
        if out.is_json() {
            out.report(&report)?;
        }
        return Err(Error::negative(format!(
            "no such service: {}",
            report.unknown.join(", ")
        )));
    }
    out.report(&report)?;
    if !config.check {
        for name in &report.unknown {
            out.warn(format_args!("no such service: {name}"));
        }
    }
    let yes = match &report.checks {
        Some(checks) => checks.iter().all(|c| !c.sockets.is_empty()),
        None => report.unknown.is_empty(),
    };
    Ok(Outcome::from_bool(yes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::services;

    fn db() -> Database {
        Database::from_system(
            &services::parse(
                "ftp 21/tcp\nssh 22/tcp\nsmtp 25/tcp mail\nmysql 3306/tcp\nmysql 3306/udp\n",
            ),
            true,
        )
    }

    fn config(queries: &[&str], proto: Option<Proto>) -> Config {
        Config {
            queries: queries.iter().map(|q| parse_query(q).unwrap()).collect(),
            proto,
            check: false,
            services_file: PathBuf::from("/etc/services"),
        }
    }

    #[test]
    fn query_parsing() {
        assert_eq!(parse_query("mysql").unwrap(), Query::Name("mysql".into()));
        assert_eq!(parse_query("3306").unwrap(), Query::Port(3306));
        assert_eq!(parse_query("20-25").unwrap(), Query::Range(20, 25));
        let bad = [
            ("70000", "70000: port is out of range 0-65535"),
            ("-1", "-1: port is out of range 0-65535"),
            ("12ab", "12ab: not a port number, range or service name"),
            ("25-20", "25-20: range runs backwards (write LOW-HIGH)"),
            ("", ": empty port or service name"),
            ("a b", "a b: not a port number, range or service name"),
            (
                "\u{1b}[2J",
                "\u{1b}[2J: not a port number, range or service name",
            ),
        ];
        for (text, want) in bad {
            assert_eq!(parse_query(text).unwrap_err().to_string(), want, "{text}");
        }
    }

    #[test]
    fn name_port_range_and_filters() {
        let d = db();
        let r = lookup(&config(&["mysql"], None), &d, Some((32768, 60999)));
        let got: Vec<String> = r
            .entries
            .iter()
            .map(|e| format!("{}/{}", e.known.entry.port, e.known.entry.proto))
            .collect();
        assert_eq!(got, ["3306/tcp", "3306/udp"]);
        let r = lookup(&config(&["mysql"], Some(Proto::Udp)), &d, None);
        assert_eq!(r.entries.len(), 1);
        let r = lookup(&config(&["mail"], None), &d, None);
        assert_eq!(r.entries[0].known.entry.name, "smtp");
        let r = lookup(&config(&["20-25"], None), &d, None);
        let names: Vec<&str> = r
            .entries
            .iter()
            .map(|e| e.known.entry.name.as_str())
            .collect();
        assert_eq!(names, ["ftp", "ssh", "smtp"]);
        let r = lookup(&config(&["27017"], None), &d, Some((32768, 60999)));
        assert_eq!(
            (
                r.entries[0].known.entry.name.as_str(),
                r.entries[0].ephemeral
            ),
            ("mongodb", false)
        );
        let r = lookup(
            &config(&["nosuch", "50000"], None),
            &d,
            Some((32768, 60999)),
        );
        assert_eq!(r.unknown, ["nosuch", "50000"]);
    }

    #[test]
    fn text_rendering() {
        let r = lookup(
            &config(&["3306"], Some(Proto::Tcp)),
            &db(),
            Some((32768, 60999)),
        );
        assert_eq!(
            r.to_string(),
            "PORT      SERVICE  ALIASES  SOURCE  RANGE       DESCRIPTION\n\
             3306/tcp  mysql    -        system  registered  -\n\
             \n\
             3306 is a registered (1024-49151) port; outside this host's ephemeral range 32768-60999"
        );
    }
}
