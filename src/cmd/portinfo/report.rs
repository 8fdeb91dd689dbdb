//! What `nettool portinfo` reports: the services the queries name, with each port's IANA range
//! and whether it is ephemeral here, and (`--check`) what is bound to each port. [`lookup`] is
//! pure: the database and the ephemeral range come in as arguments, and the checks are added by
//! `run`. The text form is in `render`.

use std::path::PathBuf;

use serde::Serialize;

use super::config::{Config, Query};
use crate::model::services::PortRange;
use crate::net::services::{Database, Known};
use crate::net::sockets::BoundSocket;

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
    /// The ports the queries name, in query order (what `--check` looks at).
    #[serde(skip)]
    pub ports: Vec<u16>,
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
        checks: None,
        ports,
        single_port,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::cmd::portinfo::config::tests::config;
    use crate::model::services::{self, Proto};

    pub(crate) fn db() -> Database {
        Database::from_system(
            &services::parse(
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
        assert_eq!(r.unknown, ["nosuch", "50000"]);
    }
}
