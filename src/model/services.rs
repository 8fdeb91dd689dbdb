//! The services database (`/etc/services`) as pure data: parsing its text, and the built-in
//! table of development ports that the system file lacks. No I/O here; see
//! [`crate::net::services`] for reading the system's copy.

use serde::Serialize;

/// A transport protocol as the services database names it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP (listed in the services database; nettool has no SCTP commands).
    Sctp,
    /// AppleTalk DDP (listed in the services database for its historical entries).
    Ddp,
}

impl Proto {
    /// The lower-case name used in `/etc/services` (`tcp`, `udp`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Sctp => "sctp",
            Self::Ddp => "ddp",
        }
    }
}

impl std::fmt::Display for Proto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the services database: `mysql 3306/tcp # MySQL`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

/// Parse the text of a services file. Lines that do not parse, or name a protocol other than
/// tcp, udp, sctp and ddp, are skipped.
#[must_use]
pub fn parse(text: &str) -> Vec<ServiceEntry> {
    // One allocation for the table (a line holds at most one entry), not a doubling series.
    let mut entries = Vec::with_capacity(text.lines().count());
    entries.extend(text.lines().filter_map(parse_line));
    entries
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
        "sctp" => Proto::Sctp,
        "ddp" => Proto::Ddp,
        _ => return None,
    };
    Some(ServiceEntry {
        name: name.to_string(),
        port,
        proto,
        aliases: words.map(str::to_string).collect(),
    })
}

/// Development ports that the system services database usually lacks or names differently:
/// (name, port, aliases, what uses it). All are TCP.
pub const BUILTIN: &[(&str, u16, &[&str], &str)] = &[
    (
        "node",
        3000,
        &["express", "grafana"],
        "Node.js/Express and Grafana development servers",
    ),
    ("mysql", 3306, &[], "MySQL"),
    ("flask", 5000, &[], "Flask development server"),
    ("vite", 5173, &[], "Vite development server"),
    ("postgresql", 5432, &["postgres"], "PostgreSQL"),
    ("amqp", 5672, &["rabbitmq"], "RabbitMQ (AMQP)"),
    ("couchdb", 5984, &[], "CouchDB"),
    ("redis", 6379, &[], "Redis"),
    (
        "kube-apiserver",
        6443,
        &["kubernetes"],
        "Kubernetes API server",
    ),
    ("django", 8000, &[], "Django development server"),
    (
        "tomcat",
        8080,
        &["http-alt"],
        "Apache Tomcat, HTTP alternate",
    ),
    ("influxdb", 8086, &[], "InfluxDB"),
    ("consul", 8500, &[], "Consul HTTP API"),
    ("jupyter", 8888, &[], "Jupyter notebook"),
    ("minio", 9000, &[], "MinIO object storage"),
    ("cassandra", 9042, &[], "Cassandra native protocol"),
    ("prometheus", 9090, &[], "Prometheus"),
    ("kafka", 9092, &[], "Apache Kafka"),
    ("elasticsearch", 9200, &[], "Elasticsearch HTTP"),
    ("memcached", 11211, &["memcache"], "memcached"),
    ("mongodb", 27017, &["mongo"], "MongoDB"),
];

/// The IANA range a port belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PortRange {
    /// 0-1023: system ports; binding needs privilege on Linux.
    WellKnown,
    /// 1024-49151: registered ports.
    Registered,
    /// 49152-65535: dynamic or private ports.
    Dynamic,
}

impl PortRange {
    /// The range a port belongs to.
    #[must_use]
    pub fn of(port: u16) -> Self {
        match port {
            0..=1023 => Self::WellKnown,
            1024..=49151 => Self::Registered,
            _ => Self::Dynamic,
        }
    }

    /// Its name and bounds, as text.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::WellKnown => "well-known (0-1023)",
            Self::Registered => "registered (1024-49151)",
            Self::Dynamic => "dynamic (49152-65535)",
        }
    }
}

/// Where a port falls in the classic teaching split of the port space: 1-255 for well-known
/// public services, 256-1023 for other privileged system services, 1024-65535 for any user's
/// programs and ephemeral ports; port 0 means "let the kernel choose".
#[must_use]
pub fn course_range(port: u16) -> &'static str {
    match port {
        0 => {
            "0: not a service port; binding to port 0 asks the kernel to pick a free ephemeral port"
        }
        1..=255 => "1-255: well-known public services (binding needs privilege)",
        256..=1023 => "256-1023: other privileged system services (binding needs privilege)",
        _ => {
            "1024-65535: unprivileged; any user's program may bind it, and ephemeral ports come from here"
        }
    }
}

/// Parse a port range as the kernel prints its ephemeral range: two numbers, low then high
/// (`32768\t60999`).
#[must_use]
pub fn parse_port_range(text: &str) -> Option<(u16, u16)> {
    let mut words = text.split_whitespace().map(str::parse::<u16>);
    match (words.next(), words.next()) {
        (Some(Ok(lo)), Some(Ok(hi))) if lo <= hi => Some((lo, hi)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranges() {
        assert_eq!(PortRange::of(0), PortRange::WellKnown);
        assert_eq!(PortRange::of(1023), PortRange::WellKnown);
        assert_eq!(PortRange::of(1024), PortRange::Registered);
        assert_eq!(PortRange::of(49151), PortRange::Registered);
        assert_eq!(PortRange::of(49152), PortRange::Dynamic);
        assert_eq!(PortRange::of(65535), PortRange::Dynamic);
        assert_eq!(parse_port_range("32768\t60999\n"), Some((32768, 60999)));
        assert_eq!(parse_port_range("x"), None);
        assert!(course_range(0).contains("kernel to pick"));
        assert!(course_range(255).starts_with("1-255"));
        assert!(course_range(256).starts_with("256-1023"));
        assert!(course_range(1023).starts_with("256-1023"));
        assert!(course_range(1024).starts_with("1024-65535"));
        assert_eq!(parse_port_range("5 4"), None);
    }

    #[test]
    fn builtin_table_is_sane() {
        for (name, port, _, what) in BUILTIN {
            assert!(!name.is_empty() && *port > 0 && !what.is_empty());
        }
        assert!(BUILTIN.iter().any(|e| e.0 == "mongodb" && e.1 == 27017));
    }

    use super::*;

    #[test]
    fn parses_lines_with_aliases_and_comments() {
        let text = "# comment\n\
                    tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n\
                    smtp\t\t25/tcp\t\tmail\n\
                    bad line\n\
                    x 99999/tcp\n\
                    sctp-thing 9/sctp\n\
                    other 9/xyz\n\
                    domain\t\t53/udp\n";
        let entries = parse(text);
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[1].name, "smtp");
        assert_eq!(entries[1].port, 25);
        assert_eq!(entries[1].aliases, ["mail"]);
        assert_eq!(entries[2].proto, Proto::Sctp);
        assert_eq!(entries[3].proto, Proto::Udp);
    }
}
