//! `nettool portinfo` arguments turned into a [`Config`]: each word split at commas and read as
//! a service name, a port or a range, and the protocol filter. No I/O.

use std::path::{Path, PathBuf};

use super::Args;
use crate::error::{Error, Result};
use crate::model::services::Proto;

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
    /// The services file the user named, if any (else the system's).
    pub services_file: Option<PathBuf>,
}

impl Config {
    /// The services file read: the one named, or the system's.
    #[must_use]
    pub fn system_file(&self) -> &Path {
        self.services_file
            .as_deref()
            .unwrap_or(Path::new(crate::net::services::SYSTEM_FILE))
    }
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) fn config(queries: &[&str], proto: Option<Proto>) -> Config {
        Config {
            queries: queries.iter().map(|q| parse_query(q).unwrap()).collect(),
            proto,
            check: false,
            services_file: None,
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
}
