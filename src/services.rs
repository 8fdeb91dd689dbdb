//! The services database (`/etc/services`) as pure data: parsing its text, and the built-in
//! table of development ports that the system file lacks. No I/O here; see
//! [`crate::net::services`] for reading the system's copy.

use serde::Serialize;

/// A transport protocol as the services database names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Proto {
    /// The lower-case name used in `/etc/services` (`tcp`, `udp`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
        }
    }
}

impl std::fmt::Display for Proto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the services database: `mysql 3306/tcp # MySQL`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceEntry {
    /// The official name.
    pub name: String,
    /// The port number.
    pub port: u16,
    /// The protocol.
    pub proto: Proto,
    /// Other names for the same service.
    pub aliases: Vec<String>,
}

/// Parse the text of a services file. Lines that do not parse are skipped, as the C library
/// skips them; protocols other than tcp and udp (sctp, ddp) are left out.
#[must_use]
pub fn parse(text: &str) -> Vec<ServiceEntry> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<ServiceEntry> {
    let line = line.split('#').next()?;
    let mut words = line.split_whitespace();
    let name = words.next()?;
    let (port, proto) = words.next()?.split_once('/')?;
    let port: u16 = port.parse().ok()?;
    let proto = match proto {
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        _ => return None,
    };
    Some(ServiceEntry {
        name: name.to_string(),
        port,
        proto,
        aliases: words.map(str::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_with_aliases_and_comments() {
        let text = "# comment\n\
                    tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n\
                    smtp\t\t25/tcp\t\tmail\n\
                    bad line\n\
                    x 99999/tcp\n\
                    sctp-thing 9/sctp\n\
                    domain\t\t53/udp\n";
        let entries = parse(text);
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1].name, "smtp");
        assert_eq!(entries[1].port, 25);
        assert_eq!(entries[1].aliases, ["mail"]);
        assert_eq!(entries[2].proto, Proto::Udp);
    }
}
