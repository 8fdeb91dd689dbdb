//! `nettool portinfo`: what a port is for, as `getservbyname`/`getservbyport` answer, which IANA
//! range it is in, and (`--check`) whether anything on this host is bound to it.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::services::{PortRange, Proto, course_range};
use crate::model::socket::{SockState, SocketRow};
use crate::net::services::{self as db, Database, Known};
use crate::net::sockets::{self, Query as SocketQuery};
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

    /// List every socket on the port (TCP and UDP, v4 and v6, any state, with the owning
    /// process) and say what that means for binding it: in use, in TIME_WAIT, needs privilege
    #[arg(long, visible_alias = "listening")]
    pub check: bool,

    /// Read this services file instead of /etc/services
    #[arg(long, value_name = "FILE", default_value = db::SYSTEM_FILE)]
    pub services_file: PathBuf,
}

const JSON_FIELDS: &str = "JSON output (--json), one document: entries [{name, port, proto, \
aliases, description (built-in entries), source (system|built_in), range (well_known|registered|\
dynamic), ephemeral (in this host's ephemeral range)}], unknown [service names or ranges with no \
service], unnamed [ports with no service name], ephemeral_range [low, high] or null, \
system_file, system_file_read, course_range (for one port: where it falls in the 1-255 / \
256-1023 / 1024-65535 split); with --check also checks [{port, sockets [{proto, state, recv_q, \
send_q, local, peer, timer, uid, inode, pid, process}], tcp_free, udp_free, notes}] where a \
*_free field says whether a server without SO_REUSEADDR could bind the port on every address \
(null when not tested) and notes say why not (in use by whom, TIME_WAIT and how long, privilege). \
A range with --check lists only the ports in use. Exit status: 0 when every query is known or is \
a port number (with --check: when something is on every port asked about, or on any port of a \
range); 1 for a service name that is not known (\"no such service\"), or with --check a port \
nothing is on; 2 for invalid input such as 70000, -1 or 12ab.";

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

/// What is on one port.
#[derive(Debug, Serialize)]
pub struct Check {
    /// The port.
    pub port: u16,
    /// Every socket whose local port it is, in any state.
    pub sockets: Vec<SocketRow>,
    /// Whether TCP port is free to bind on every address, v4 and v6 (null: not tested).
    pub tcp_free: Option<bool>,
    /// Whether the UDP port is free to bind (null: not tested).
    pub udp_free: Option<bool>,
    /// What the sockets mean for binding the port.
    pub notes: Vec<String>,
}

/// What `nettool portinfo` reports.
#[derive(Debug, Serialize)]
pub struct PortinfoReport {
    /// Known services matching the queries.
    pub entries: Vec<Entry>,
    /// Service names and ranges nothing is known for.
    pub unknown: Vec<String>,
    /// Port numbers that have no service name (not an error).
    pub unnamed: Vec<u16>,
    /// This host's ephemeral port range.
    pub ephemeral_range: Option<(u16, u16)>,
    /// The system services file consulted.
    pub system_file: PathBuf,
    /// Whether it could be read.
    pub system_file_read: bool,
    /// For one port: where it falls in the 1-255 / 256-1023 / 1024-65535 split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course_range: Option<&'static str>,
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
    let mut unnamed = Vec::new();
    let mut ports: Vec<u16> = Vec::new();
    let mut range_ports: Vec<u16> = Vec::new();
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
                    unnamed.push(*port);
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
                range_ports.extend(*lo..=*hi);
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
        course_range: single_port.map(course_range),
        checks: config
            .check
            .then(|| check_ports(&ports, &range_ports, config.proto)),
        unnamed,
        single_port,
    }
}

/// Every socket on each port, bind tests, and what they mean. Ports that only a range asked
/// about are listed only when something is on them.
fn check_ports(ports: &[u16], range_ports: &[u16], proto: Option<Proto>) -> Vec<Check> {
    let mut unique = ports.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let query = SocketQuery {
        tcp: proto != Some(Proto::Udp),
        udp: proto != Some(Proto::Tcp),
        v4: true,
        v6: true,
        states: None,
    };
    let mut rows = sockets::sockets(&query).unwrap_or_default();
    rows.retain(|r| unique.binary_search(&r.local.port()).is_ok());
    sockets::attach_owners(&mut rows);
    let test_binds = unique.len() <= MAX_BIND_TESTS;
    let privileged_below = sockets::unprivileged_port_start();
    let root = nix::unistd::geteuid().is_root();
    unique
        .iter()
        .map(|&port| {
            let on_port: Vec<SocketRow> = rows
                .iter()
                .filter(|s| s.local.port() == port)
                .cloned()
                .collect();
            let tcp_free = (test_binds && proto != Some(Proto::Udp)).then(|| tcp_free(port));
            let udp_free = (test_binds && proto != Some(Proto::Tcp)).then(|| udp_free(port));
            let notes = binding_notes(port, &on_port, privileged_below, root);
            Check {
                port,
                sockets: on_port,
                tcp_free,
                udp_free,
                notes,
            }
        })
        .filter(|c| {
            !c.sockets.is_empty()
                || !range_ports.contains(&c.port)
                || ports_named(ports, range_ports, c.port)
        })
        .collect()
}

/// Whether `port` was asked for by itself as well as inside a range.
fn ports_named(ports: &[u16], range_ports: &[u16], port: u16) -> bool {
    ports.iter().filter(|p| **p == port).count()
        > range_ports.iter().filter(|p| **p == port).count()
}

/// What the sockets on a port mean for a program that wants to bind it.
fn binding_notes(port: u16, rows: &[SocketRow], privileged_below: u16, root: bool) -> Vec<String> {
    let mut notes = Vec::new();
    if port == 0 {
        notes.push(
            "port 0 is never bound as such: bind(0) asks the kernel to pick a free ephemeral port"
                .to_string(),
        );
        return notes;
    }
    for row in rows {
        let owner = match (&row.process, row.pid) {
            (Some(name), Some(pid)) => format!("{name} (pid {pid})"),
            _ if row.inode == 0 => "no process (the kernel holds it)".to_string(),
            _ => "a process of another user (run as root to see it)".to_string(),
        };
        match row.state {
            SockState::TimeWait => {
                let left = row.timer.map_or(0, |t| t.expires_ms.div_ceil(1000));
                notes.push(format!(
                    "{} {} -> {} is in TIME_WAIT for {left} s more: this side closed first; a \
                     server without SO_REUSEADDR gets \"Address already in use\" on this port \
                     until it ends (about 60 s after the close)",
                    row.proto, row.local, row.peer
                ));
            }
            SockState::Listen => notes.push(format!(
                "{} {} is in use: a listener of {owner}",
                row.proto, row.local
            )),
            SockState::Unconn | SockState::Established if row.proto == Proto::Udp => notes.push(
                format!("{} {} is in use: bound by {owner}", row.proto, row.local),
            ),
            state => notes.push(format!(
                "{} {} -> {} is {}: a connection of {owner}",
                row.proto,
                row.local,
                row.peer,
                state.as_str()
            )),
        }
    }
    if port < privileged_below {
        let who = if root {
            "you are root, so you may"
        } else {
            "you are not root: bind fails with \"Permission denied\""
        };
        notes.push(format!(
            "ports below {privileged_below} need privilege to bind (root or CAP_NET_BIND_SERVICE); {who}"
        ));
    }
    notes
}

fn any_addrs(port: u16) -> [SocketAddr; 2] {
    [
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
        SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
    ]
}

/// Whether a TCP server that does not set SO_REUSEADDR (the plain `bind` of a first socket
/// program) could bind the port on the v4 and v6 wildcard addresses. Rust's `TcpListener` sets
/// SO_REUSEADDR, which would hide a TIME_WAIT.
fn tcp_free(port: u16) -> bool {
    port != 0
        && any_addrs(port).iter().all(|a| {
            let Ok(socket) = socket2::Socket::new(
                socket2::Domain::for_address(*a),
                socket2::Type::STREAM,
                None,
            ) else {
                return false;
            };
            if a.is_ipv6() {
                let _ = socket.set_only_v6(true);
            }
            socket.bind(&(*a).into()).is_ok()
        })
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
            let mut text = String::new();
            if self.unnamed.contains(&port) {
                text.push_str(&format!(
                    "{port}: no service name in {} or the built-in table\n",
                    self.system_file.display()
                ));
            }
            text.push_str(&format!(
                "{port} is a {} port{eph}",
                PortRange::of(port).describe()
            ));
            if let Some(course) = self.course_range {
                text.push_str(&format!(
                    "\nin the 1-255 / 256-1023 / 1024-65535 split: {course}"
                ));
            }
            blocks.push(text);
        }
        if self.checks.as_ref().is_some_and(Vec::is_empty) {
            blocks.push("no socket is on any of these ports".to_string());
        }
        for check in self.checks.iter().flatten() {
            let mut lines = Vec::new();
            if check.sockets.is_empty() {
                lines.push(format!("port {}: no socket is on it", check.port));
            } else {
                lines.push(format!(
                    "port {}: {} socket(s)",
                    check.port,
                    check.sockets.len()
                ));
                let mut table = output::table(["PROTO", "LOCAL", "PEER", "STATE", "PROCESS"]);
                for s in &check.sockets {
                    let unspecified = s.peer.ip().is_unspecified() && s.peer.port() == 0;
                    table.add_row([
                        format!("{}{}", s.proto, if s.local.is_ipv6() { "6" } else { "" }),
                        s.local.to_string(),
                        if unspecified {
                            "*".to_string()
                        } else {
                            s.peer.to_string()
                        },
                        s.state.as_str().to_string(),
                        match (&s.process, s.pid) {
                            (Some(name), Some(pid)) => format!("{name} (pid {pid})"),
                            _ => "-".into(),
                        },
                    ]);
                }
                lines.push(trimmed(&table.to_string()));
            }
            lines.extend(check.notes.iter().cloned());
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
    let all_unknown = !config.queries.is_empty()
        && report.entries.is_empty()
        && report.unnamed.is_empty()
        && !config.check;
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
        Some(checks) => !checks.is_empty() && checks.iter().all(|c| !c.sockets.is_empty()),
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
        assert_eq!(r.unknown, ["nosuch"]);
        assert_eq!(r.unnamed, [50000]);
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
             3306 is a registered (1024-49151) port; outside this host's ephemeral range 32768-60999\n\
             in the 1-255 / 256-1023 / 1024-65535 split: 1024-65535: unprivileged; any user's \
             program may bind it, and ephemeral ports come from here"
        );
    }

    fn row(state: SockState, port: u16, pid: Option<u32>, inode: u64) -> SocketRow {
        SocketRow {
            proto: Proto::Tcp,
            state,
            recv_q: 0,
            send_q: 0,
            local: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            peer: "127.0.0.1:40000".parse().unwrap(),
            timer: (state == SockState::TimeWait).then_some(crate::model::socket::Timer {
                kind: crate::model::socket::TimerKind::Timewait,
                expires_ms: 41_200,
                retransmits: 0,
            }),
            uid: 0,
            inode,
            pid,
            process: pid.map(|_| "nginx".to_string()),
        }
    }

    #[test]
    fn binding_notes_say_why() {
        let notes = binding_notes(80, &[row(SockState::Listen, 80, Some(7), 9)], 1024, false);
        assert_eq!(
            notes[0],
            "tcp 127.0.0.1:80 is in use: a listener of nginx (pid 7)"
        );
        assert!(notes[1].ends_with("you are not root: bind fails with \"Permission denied\""));
        let notes = binding_notes(
            9527,
            &[row(SockState::TimeWait, 9527, None, 0)],
            1024,
            false,
        );
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0]
                .starts_with("tcp 127.0.0.1:9527 -> 127.0.0.1:40000 is in TIME_WAIT for 42 s more")
        );
        let notes = binding_notes(22, &[row(SockState::Listen, 22, None, 5)], 1024, true);
        assert!(notes[0].ends_with("a process of another user (run as root to see it)"));
        assert!(notes[1].ends_with("you are root, so you may"));
        assert!(binding_notes(0, &[], 1024, false)[0].starts_with("port 0 is never bound"));
    }
}
