//! Port numbers from service names, as `getservbyname` gives them: the system services database
//! first, then the built-in table of development ports.

use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::services::{self, Proto, ServiceEntry};

/// Where the system services database lives.
pub const SYSTEM_FILE: &str = "/etc/services";

/// The system's services entries, read once; empty when the file is missing.
pub fn system_entries() -> &'static [ServiceEntry] {
    static ENTRIES: OnceLock<Vec<ServiceEntry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        std::fs::read_to_string(SYSTEM_FILE)
            .map(|t| services::parse(&t))
            .unwrap_or_default()
    })
}

/// The port for a service name (official or alias) and protocol.
#[must_use]
pub fn port_by_name(name: &str, proto: Proto) -> Option<u16> {
    system_entries()
        .iter()
        .find(|e| e.proto == proto && (e.name == name || e.aliases.iter().any(|a| a == name)))
        .map(|e| e.port)
}

/// A port as the user typed it: a number 0-65535 or a service name for `proto`.
pub fn parse_port(text: &str, proto: Proto) -> Result<u16> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(text, "empty port"));
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed
            .parse::<u16>()
            .map_err(|_| Error::invalid(text, "port is out of range 0-65535"));
    }
    if trimmed.starts_with('-') && trimmed[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(text, "port is out of range 0-65535"));
    }
    port_by_name(trimmed, proto).ok_or_else(|| {
        Error::invalid(
            text,
            format!("no such service for {proto} (try a number or `nettool portinfo`)"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_bad_numbers() {
        assert_eq!(parse_port("8001", Proto::Tcp).unwrap(), 8001);
        assert_eq!(parse_port("0", Proto::Tcp).unwrap(), 0);
        assert_eq!(parse_port("65535", Proto::Udp).unwrap(), 65535);
        for bad in ["70000", "-1", "", "12ab!"] {
            assert!(parse_port(bad, Proto::Tcp).is_err(), "{bad}");
        }
        assert_eq!(
            parse_port("70000", Proto::Tcp).unwrap_err().to_string(),
            "70000: port is out of range 0-65535"
        );
    }
}
