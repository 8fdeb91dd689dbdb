//! What a trace starts from: the root servers (built-in or from a named.root file) and the
//! options of the walk.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use crate::model::dns_name;
use crate::net::dns::QueryFlags;
use crate::net::host::Family;

/// One name server: its name and the addresses known for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameServer {
    /// Fully qualified, as the zone data spells it.
    pub name: String,
    /// Its addresses (glue, hints, or looked up).
    pub addrs: Vec<IpAddr>,
}

/// The root servers as IANA publishes them (named.root): the built-in root hints.
#[must_use]
pub fn builtin_root_hints() -> Vec<NameServer> {
    const ROOTS: [(char, Ipv4Addr, Ipv6Addr); 13] = [
        (
            'a',
            Ipv4Addr::new(198, 41, 0, 4),
            Ipv6Addr::new(0x2001, 0x503, 0xba3e, 0, 0, 0, 2, 0x30),
        ),
        (
            'b',
            Ipv4Addr::new(170, 247, 170, 2),
            Ipv6Addr::new(0x2801, 0x1b8, 0x10, 0, 0, 0, 0, 0xb),
        ),
        (
            'c',
            Ipv4Addr::new(192, 33, 4, 12),
            Ipv6Addr::new(0x2001, 0x500, 2, 0, 0, 0, 0, 0xc),
        ),
        (
            'd',
            Ipv4Addr::new(199, 7, 91, 13),
            Ipv6Addr::new(0x2001, 0x500, 0x2d, 0, 0, 0, 0, 0xd),
        ),
        (
            'e',
            Ipv4Addr::new(192, 203, 230, 10),
            Ipv6Addr::new(0x2001, 0x500, 0xa8, 0, 0, 0, 0, 0xe),
        ),
        (
            'f',
            Ipv4Addr::new(192, 5, 5, 241),
            Ipv6Addr::new(0x2001, 0x500, 0x2f, 0, 0, 0, 0, 0xf),
        ),
        (
            'g',
            Ipv4Addr::new(192, 112, 36, 4),
            Ipv6Addr::new(0x2001, 0x500, 0x12, 0, 0, 0, 0, 0xd0d),
        ),
        (
            'h',
            Ipv4Addr::new(198, 97, 190, 53),
            Ipv6Addr::new(0x2001, 0x500, 1, 0, 0, 0, 0, 0x53),
        ),
        (
            'i',
            Ipv4Addr::new(192, 36, 148, 17),
            Ipv6Addr::new(0x2001, 0x7fe, 0, 0, 0, 0, 0, 0x53),
        ),
        (
            'j',
            Ipv4Addr::new(192, 58, 128, 30),
            Ipv6Addr::new(0x2001, 0x503, 0xc27, 0, 0, 0, 2, 0x30),
        ),
        (
            'k',
            Ipv4Addr::new(193, 0, 14, 129),
            Ipv6Addr::new(0x2001, 0x7fd, 0, 0, 0, 0, 0, 1),
        ),
        (
            'l',
            Ipv4Addr::new(199, 7, 83, 42),
            Ipv6Addr::new(0x2001, 0x500, 0x9f, 0, 0, 0, 0, 0x42),
        ),
        (
            'm',
            Ipv4Addr::new(202, 12, 27, 33),
            Ipv6Addr::new(0x2001, 0xdc3, 0, 0, 0, 0, 0, 0x35),
        ),
    ];
    ROOTS
        .iter()
        .map(|(letter, v4, v6)| NameServer {
            name: format!("{letter}.root-servers.net."),
            addrs: vec![IpAddr::V4(*v4), IpAddr::V6(*v6)],
        })
        .collect()
}

/// Parse root hints in the named.root format: `. TTL NS NAME` lines for the servers and
/// `NAME TTL A|AAAA ADDR` lines for their addresses (TTL and class optional, `;` comments).
/// The error names the line and what is wrong with it.
pub fn parse_root_hints(text: &str) -> Result<Vec<NameServer>, String> {
    let mut servers: Vec<NameServer> = Vec::new();
    let mut addrs: HashMap<String, Vec<IpAddr>> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let at = index + 1;
        let line = raw.split(';').next().unwrap_or_default();
        let mut fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let owner = fields.remove(0);
        // An optional TTL and an optional class, in either order, before the type.
        while let Some(first) = fields.first() {
            if first.parse::<u32>().is_ok() || first.eq_ignore_ascii_case("IN") {
                fields.remove(0);
            } else {
                break;
            }
        }
        let [rtype, data] = fields[..] else {
            return Err(format!(
                "line {at}: expected OWNER [TTL] [IN] TYPE DATA (`. 3600000 NS a.root-servers.net.`)"
            ));
        };
        let owner = dns_name::validate(owner).map_err(|e| format!("line {at}: {owner}: {e}"))?;
        match rtype.to_ascii_uppercase().as_str() {
            "NS" => {
                if owner != "." {
                    return Err(format!(
                        "line {at}: an NS line names the root's servers, so its owner is `.`, not {owner}"
                    ));
                }
                let name =
                    dns_name::validate(data).map_err(|e| format!("line {at}: {data}: {e}"))?;
                if !servers.iter().any(|s| s.name.eq_ignore_ascii_case(&name)) {
                    servers.push(NameServer {
                        name,
                        addrs: Vec::new(),
                    });
                }
            }
            "A" | "AAAA" => {
                let addr: IpAddr = data
                    .parse()
                    .map_err(|_| format!("line {at}: {data} is not an address"))?;
                if addr.is_ipv4() != rtype.eq_ignore_ascii_case("A") {
                    return Err(format!("line {at}: {data} is not an {rtype} address"));
                }
                addrs
                    .entry(owner.to_ascii_lowercase())
                    .or_default()
                    .push(addr);
            }
            _ => {
                return Err(format!(
                    "line {at}: type {rtype}: root hints hold NS, A and AAAA lines only"
                ));
            }
        }
    }
    for server in &mut servers {
        server.addrs = addrs
            .remove(&server.name.to_ascii_lowercase())
            .unwrap_or_default();
    }
    servers.retain(|s| !s.addrs.is_empty());
    if servers.is_empty() {
        return Err("no root server with an address (an NS line for `.` and an A or AAAA line for its name)".into());
    }
    Ok(servers)
}

/// How to trace.
#[derive(Debug, Clone)]
pub struct TraceOptions {
    /// The servers to start from.
    pub roots: Vec<NameServer>,
    /// Ask this server for the root's NS set (recursion desired), as `dig +trace @SERVER`,
    /// instead of the root hints' servers.
    pub prime_via: Option<SocketAddr>,
    /// The port every name server is asked on.
    pub port: u16,
    /// Wait for one try.
    pub timeout: Duration,
    /// Tries per query.
    pub tries: usize,
    /// Which addresses of a server are used.
    pub family: Family,
    /// EDNS options and the DO bit (recursion is always off, save for `prime_via`).
    pub flags: QueryFlags,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_hints_in_named_root_form() {
        let text = "; comment\n\
            .                        3600000      NS    A.ROOT.TEST.\n\
            A.ROOT.TEST.             3600000      A     127.0.0.1\n\
            A.ROOT.TEST.             3600000 IN   AAAA  ::1\n\
            . NS b.root.test. ; no address: left out\n\
            . IN 60 NS c.root.test.\n\
            c.root.test. A 127.0.0.3\n";
        let hints = parse_root_hints(text).unwrap();
        assert_eq!(
            hints,
            vec![
                NameServer {
                    name: "A.ROOT.TEST.".into(),
                    addrs: vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
                },
                NameServer {
                    name: "c.root.test.".into(),
                    addrs: vec!["127.0.0.3".parse().unwrap()],
                },
            ]
        );
    }

    #[test]
    fn bad_root_hints_name_the_line() {
        let cases = [
            (
                "",
                "no root server with an address (an NS line for `.` and an A or AAAA line for its name)",
            ),
            (
                ". NS a.test.\na.test. A 300.1.1.1",
                "line 2: 300.1.1.1 is not an address",
            ),
            (
                ". NS a.test.\na.test. A ::1",
                "line 2: ::1 is not an A address",
            ),
            (
                "test. NS a.test.",
                "line 1: an NS line names the root's servers, so its owner is `.`, not test.",
            ),
            (
                ". MX a.test.",
                "line 1: type MX: root hints hold NS, A and AAAA lines only",
            ),
            (
                ". NS",
                "line 1: expected OWNER [TTL] [IN] TYPE DATA (`. 3600000 NS a.root-servers.net.`)",
            ),
            ("a..b. A 127.0.0.1", "line 1: a..b.: empty label (label 2)"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_root_hints(text), Err(want.to_string()), "{text:?}");
        }
    }

    #[test]
    fn builtin_hints_are_the_thirteen_roots() {
        let hints = builtin_root_hints();
        assert_eq!(hints.len(), 13);
        assert_eq!(hints[0].name, "a.root-servers.net.");
        assert_eq!(hints[0].addrs[0], "198.41.0.4".parse::<IpAddr>().unwrap());
        assert_eq!(
            hints[12].addrs[1],
            "2001:dc3::35".parse::<IpAddr>().unwrap()
        );
    }
}
