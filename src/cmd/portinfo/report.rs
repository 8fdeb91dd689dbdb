//! What `nettool portinfo` reports: the services the queries name, with each port's IANA range
//! and whether it is ephemeral here, and (`--check`) every socket on each port with what it
//! means for binding it. [`lookup`] and [`binding_notes`] are pure: the database, the ephemeral
//! range and the sockets come in as arguments, and the checks are added by `run`. The text form
//! is in `render`.

use std::path::PathBuf;

use serde::Serialize;

use super::config::{Config, Query};
use crate::model::services::{PortRange, Proto, course_range};
use crate::model::socket::{SockState, SocketRow};
use crate::net::services::{Database, Known};

/// One known service, as reported.
#[derive(Debug, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Serialize, schemars::JsonSchema)]
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
    /// What is on each port (with --check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<Check>>,
    /// The ports the queries name, in query order (what `--check` looks at).
    #[serde(skip)]
    pub ports: Vec<u16>,
    /// The ports asked for by number or service name, not only through a range: `--check`
    /// reports these even when nothing is on them.
    #[serde(skip)]
    pub listed_ports: Vec<u16>,
    /// The one port asked about, when there is one (its range gets a sentence).
    #[serde(skip)]
    pub single_port: Option<u16>,
}

fn entry(known: &Known, ephemeral: Option<(u16, u16)>) -> Entry {
    let port = known.entry.port;
    Entry {
        known: known.clone(),
        range: PortRange::of(port),
        ephemeral: ephemeral.is_some_and(|(lo, hi)| (lo..=hi).contains(&port)),
    }
}

/// Look the queries up in `database`; `checks` is left empty.
pub fn lookup(
    config: &Config,
    database: &Database,
    ephemeral: Option<(u16, u16)>,
) -> PortinfoReport {
    let mut entries = Vec::new();
    let mut unknown = Vec::new();
    let mut unnamed = Vec::new();
    let mut ports: Vec<u16> = Vec::new();
    let mut listed_ports: Vec<u16> = Vec::new();
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
                listed_ports.extend(entries[before..].iter().map(|e| e.known.entry.port));
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
                listed_ports.push(*port);
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
        unnamed,
        ephemeral_range: ephemeral,
        system_file: config.system_file().to_path_buf(),
        system_file_read: database.system_file_read,
        course_range: single_port.map(course_range),
        checks: None,
        ports,
        listed_ports,
        single_port,
    }
}

/// What the sockets on a port mean for a program that wants to bind it; `privileged_below` is
/// the first port an unprivileged process may bind, `root` whether this process is root.
#[must_use]
pub fn binding_notes(
    port: u16,
    rows: &[SocketRow],
    privileged_below: u16,
    root: bool,
) -> Vec<String> {
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::cmd::portinfo::config::tests::config;
    use std::net::{Ipv4Addr, SocketAddr};

    use crate::model::services;

    pub(crate) fn db() -> Database {
        Database::from_system(
            services::parse(
                "ftp 21/tcp\nssh 22/tcp\nsmtp 25/tcp mail\nmysql 3306/tcp\nmysql 3306/udp\n",
            ),
            true,
        )
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
        assert_eq!(r.course_range, None);
        let r = lookup(&config(&["80", "70-90"], None), &d, None);
        assert_eq!(r.listed_ports, [80]);
        let r = lookup(&config(&["80-80", "80"], None), &d, None);
        assert_eq!(
            (r.ports.as_slice(), r.listed_ports.as_slice()),
            (&[80][..], &[80][..])
        );
        let r = lookup(&config(&["8080"], None), &d, None);
        assert_eq!(r.course_range, Some(course_range(8080)));
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
