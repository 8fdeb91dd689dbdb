//! The services database as `getservbyname` sees it: the system file (`/etc/services`) first,
//! in file order, then the built-in development ports ([`crate::model::services::BUILTIN`]) for names
//! the system file lacks. A missing system file leaves the built-in table.

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::services::{self, BUILTIN, Proto, ServiceEntry};

/// Where the system services database lives.
pub const SYSTEM_FILE: &str = "/etc/services";

/// The largest services file read: the system's is about 12 KiB and nmap's list of every port
/// about 1 MiB, so this is room to spare for a real file and a bound for `/dev/zero`.
pub const MAX_FILE: usize = 4 << 20;

/// Where an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The system services database.
    System,
    /// nettool's built-in table of development ports.
    BuiltIn,
}

impl Source {
    /// Its name in text output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::BuiltIn => "built-in",
        }
    }
}

/// One known service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Known {
    /// The entry: name, port, protocol, aliases.
    #[serde(flatten)]
    pub entry: ServiceEntry,
    /// What uses the port (built-in entries).
    pub description: Option<&'static str>,
    /// Where the entry came from.
    pub source: Source,
}

/// The merged database.
#[derive(Debug, Clone, Default)]
pub struct Database {
    entries: Vec<Known>,
    /// Whether the system file could be read.
    pub system_file_read: bool,
}

impl Database {
    /// Read the system file at `path` (missing or unreadable is fine: the built-in table is
    /// left) and add the built-in table.
    #[must_use]
    pub fn load(path: &Path) -> Self {
        Self::load_file(path).unwrap_or_else(|_| Self::from_system(Vec::new(), false))
    }

    /// Read a services file the user named, with the built-in table added: a missing file, a
    /// directory, a file over [`MAX_FILE`] bytes (`/dev/zero`) or one that is not text is an
    /// error that names it.
    pub fn load_file(path: &Path) -> Result<Self> {
        let named = || path.display().to_string();
        let bytes = crate::input::read_file(path, MAX_FILE)?.ok_or_else(|| {
            Error::invalid(
                named(),
                format!(
                    "is over {} MiB, larger than any services file",
                    MAX_FILE >> 20
                ),
            )
        })?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::invalid(named(), "is not a services file (not UTF-8 text)"))?;
        Ok(Self::from_system(services::parse(&text), true))
    }

    /// The database of this host, read once.
    pub fn system() -> &'static Self {
        static DB: OnceLock<Database> = OnceLock::new();
        DB.get_or_init(|| Self::load(Path::new(SYSTEM_FILE)))
    }

    /// System entries in order, then each built-in entry whose name the system lacks for TCP.
    /// The system entries are moved in, not copied: a one-shot lookup touches half the memory.
    #[must_use]
    pub fn from_system(system: Vec<ServiceEntry>, system_file_read: bool) -> Self {
        let mut entries: Vec<Known> = Vec::with_capacity(system.len() + BUILTIN.len());
        entries.extend(system.into_iter().map(|entry| Known {
            entry,
            description: None,
            source: Source::System,
        }));
        let system_len = entries.len();
        for (name, port, aliases, what) in BUILTIN {
            let known = entries[..system_len].iter().any(|k| {
                let e = &k.entry;
                e.proto == Proto::Tcp
                    && e.port == *port
                    && (e.name == *name || e.aliases.iter().any(|a| a == name))
            });
            if !known {
                entries.push(Known {
                    entry: ServiceEntry {
                        name: (*name).to_string(),
                        port: *port,
                        proto: Proto::Tcp,
                        aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
                    },
                    description: Some(what),
                    source: Source::BuiltIn,
                });
            }
        }
        Self {
            entries,
            system_file_read,
        }
    }

    /// Every entry, system first.
    #[must_use]
    pub fn all(&self) -> &[Known] {
        &self.entries
    }

    /// Entries whose name or alias is `name`, in database order.
    pub fn by_name<'a>(
        &'a self,
        name: &'a str,
        proto: Option<Proto>,
    ) -> impl Iterator<Item = &'a Known> {
        self.entries.iter().filter(move |k| {
            proto.is_none_or(|p| k.entry.proto == p)
                && (k.entry.name == name || k.entry.aliases.iter().any(|a| a == name))
        })
    }

    /// Entries for `port`, in database order.
    pub fn by_port(&self, port: u16, proto: Option<Proto>) -> impl Iterator<Item = &Known> {
        self.entries
            .iter()
            .filter(move |k| k.entry.port == port && proto.is_none_or(|p| k.entry.proto == p))
    }
}

/// The port for a service name (official or alias) and protocol.
#[must_use]
pub fn port_by_name(name: &str, proto: Proto) -> Option<u16> {
    Database::system()
        .by_name(name, Some(proto))
        .next()
        .map(|k| k.entry.port)
}

/// This host's ephemeral port range, as the kernel reports it.
#[must_use]
pub fn ephemeral_range() -> Option<(u16, u16)> {
    super::os::sockets::ephemeral_port_range()
}

/// A port as the user typed it: a number 0-65535 or a service name for `proto`.
pub fn parse_port(text: &str, proto: Proto) -> Result<u16> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(text, "empty port"));
    }
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() {
        return trimmed
            .parse::<u16>()
            .map_err(|_| Error::invalid(text, "port is out of range 0-65535"));
    }
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(Error::invalid(text, "not a port number or a service name"));
    }
    port_by_name(trimmed, proto).ok_or_else(|| {
        Error::invalid(
            text,
            format!("no such service for {proto} (try a number, or `nettool portinfo --list`)"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_names_and_bad_ports() {
        assert_eq!(parse_port("8001", Proto::Tcp).unwrap(), 8001);
        assert_eq!(parse_port("0", Proto::Tcp).unwrap(), 0);
        assert_eq!(parse_port("65535", Proto::Udp).unwrap(), 65535);
        assert_eq!(parse_port("mongodb", Proto::Tcp).unwrap(), 27017);
        for bad in ["70000", "-1", "", "12ab", "no-such-service-here"] {
            assert!(parse_port(bad, Proto::Tcp).is_err(), "{bad}");
        }
        assert_eq!(
            parse_port("70000", Proto::Tcp).unwrap_err().to_string(),
            "70000: port is out of range 0-65535"
        );
        assert_eq!(
            parse_port("12ab", Proto::Tcp).unwrap_err().to_string(),
            "12ab: not a port number or a service name"
        );
    }

    #[test]
    fn system_first_then_builtin() {
        let system =
            services::parse("http-alt 8080/tcp webcache\nmysql 3306/tcp\nmysql 3306/udp\n");
        let db = Database::from_system(system, true);
        let p8080: Vec<&str> = db
            .by_port(8080, None)
            .map(|k| k.entry.name.as_str())
            .collect();
        assert_eq!(p8080, ["http-alt", "tomcat"]);
        let mysql: Vec<(Proto, Source)> = db
            .by_name("mysql", None)
            .map(|k| (k.entry.proto, k.source))
            .collect();
        assert_eq!(
            mysql,
            [(Proto::Tcp, Source::System), (Proto::Udp, Source::System)]
        );
        let mongo = db.by_name("mongo", Some(Proto::Tcp)).next().unwrap();
        assert_eq!((mongo.entry.port, mongo.source), (27017, Source::BuiltIn));
    }

    #[test]
    fn a_named_file_that_is_not_a_services_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = |p: &Path| Database::load_file(p).unwrap_err().to_string();
        assert_eq!(
            err(&missing),
            format!("{}: no such file", missing.display())
        );
        assert_eq!(
            err(dir.path()),
            format!("{}: is a directory", dir.path().display())
        );
        assert_eq!(
            err(Path::new("/dev/zero")),
            "/dev/zero: is over 4 MiB, larger than any services file"
        );
        let binary = dir.path().join("binary");
        std::fs::write(&binary, b"ssh 22/tcp\n\xff\n").unwrap();
        assert_eq!(
            err(&binary),
            format!(
                "{}: is not a services file (not UTF-8 text)",
                binary.display()
            )
        );
        let good = dir.path().join("services");
        std::fs::write(&good, b"ssh 22/tcp\n").unwrap();
        let db = Database::load_file(&good).unwrap();
        assert!(db.system_file_read);
        assert_eq!(db.by_name("ssh", None).next().unwrap().entry.port, 22);
    }

    #[test]
    fn missing_system_file_leaves_builtin() {
        let db = Database::load(Path::new("/nonexistent/services"));
        assert!(!db.system_file_read);
        assert_eq!(
            db.by_name("redis", Some(Proto::Tcp))
                .next()
                .unwrap()
                .entry
                .port,
            6379
        );
        assert!(db.all().iter().all(|k| k.source == Source::BuiltIn));
    }
}
