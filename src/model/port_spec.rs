//! Which ports a scan probes, as the user writes them: `22,80,8000-8100`, `-` (1-65535), open
//! ends (`-1024`, `60000-`), service names (`ssh,http`, looked up by a function the caller
//! passes, so this stays pure) and `--top N` from [`TOP_TCP`] / [`TOP_UDP`].

use crate::model::services::Proto;

/// TCP ports in the order they are most often found open on hosts people scan: web first, then
/// remote access, mail, name and directory services, file sharing, databases and the ports that
/// development servers and message brokers listen on. Written for this tool from what servers,
/// routers, desktops and container hosts commonly run; `--top N` takes the first N and, past
/// the end of the list, the remaining ports by number.
pub const TOP_TCP: &[u16] = &[
    80, 443, 22, 8080, 21, 25, 3389, 53, 8443, 110, 143, 445, 139, 135, 3306, 993, 995, 587, 23,
    465, 5900, 111, 8000, 8888, 5432, 6379, 3000, 5000, 1723, 2049, 389, 636, 1433, 27017, 9200,
    8081, 9090, 11211, 631, 554, 179, 1521, 5060, 5061, 5672, 15672, 9092, 2181, 6443, 10250, 2375,
    2376, 5984, 8086, 8500, 9000, 9042, 8008, 8082, 8088, 8181, 9443, 7001, 8009, 873, 88, 464,
    3268, 3269, 5985, 5986, 1434, 2222, 8022, 3128, 1080, 8118, 5222, 5269, 6667, 1883, 8883,
    25565, 4369, 514, 515, 548, 79, 113, 119, 563, 990, 989, 2121, 69, 161, 162, 10000, 20000,
    5357, 49152, 49153, 49154, 49155, 49156, 49157, 1025, 1026, 1027, 1028, 1029, 3260, 5353, 5800,
    5901, 5902, 6000, 6001, 7000, 7070, 7443, 8001, 8002, 8010, 8069, 8090, 8140, 8161, 8200, 8222,
    8280, 8300, 8400, 8800, 8880, 8983, 9001, 9002, 9080, 9091, 9100, 9300, 9418, 9999, 10443,
    50000, 50070, 51413, 4443, 4444, 4848, 5001, 5044, 5601, 5666, 5671, 6080, 6082, 6660, 6697,
    7071, 7474, 7687, 8065, 8123, 8384, 8444, 8545, 8761, 8787, 9093, 9094, 9160, 9411, 9600,
    10050, 10051, 11000, 15000, 16010, 18080, 19999, 28017, 32400, 33060, 37777, 44818, 47001,
    61616,
];

/// UDP ports in the order they are most often found answering: name, time and management
/// services, discovery protocols, VPNs and games. `--top N -u` takes the first N and, past the
/// end of the list, the remaining ports by number.
pub const TOP_UDP: &[u16] = &[
    53, 123, 161, 137, 67, 68, 500, 514, 69, 138, 1900, 5353, 4500, 162, 111, 2049, 1194, 51820,
    5060, 3478, 1812, 1813, 520, 427, 623, 1434, 5355, 3702, 11211, 19132, 27015, 88, 464, 389,
    636, 1701, 1645, 1646, 177, 631, 7, 9, 13, 17, 19, 37, 49, 546, 547, 2048, 3283, 3389, 4789,
    5004, 5005, 5683, 6881, 8472, 10161, 10162, 17185, 20031, 26000, 27960, 31337, 32768, 49152,
];

/// Longest `-p` text accepted (a list of every port written out is far shorter).
const MAX_SPEC_LEN: usize = 1 << 20;

/// The ports of a `-p` specification, in ascending order without duplicates.
///
/// `lookup` maps a service name to its port for `proto` (the services database); it is called
/// only for words that are not numbers. Errors are one line naming the part that is wrong.
pub fn parse(
    spec: &str,
    proto: Proto,
    lookup: impl Fn(&str, Proto) -> Option<u16>,
) -> Result<Vec<u16>, String> {
    if spec.len() > MAX_SPEC_LEN {
        return Err("the port list is too long".into());
    }
    let mut seen = vec![false; 65_536];
    for part in spec.split(',') {
        let part = part.trim();
        if part.is_empty() {
            return Err(format!(
                "{spec}: an empty item in the port list (write 22,80 or 1-1024)"
            ));
        }
        let (lo, hi) = parse_part(part, proto, &lookup)?;
        for port in lo..=hi {
            seen[usize::from(port)] = true;
        }
    }
    Ok(seen
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .filter_map(|(port, _)| u16::try_from(port).ok())
        .collect())
}

fn parse_part(
    part: &str,
    proto: Proto,
    lookup: &impl Fn(&str, Proto) -> Option<u16>,
) -> Result<(u16, u16), String> {
    if part == "-" {
        return Ok((1, 65_535));
    }
    let is_number = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some((lo, hi)) = part.split_once('-')
        && (lo.is_empty() || is_number(lo))
        && (hi.is_empty() || is_number(hi))
    {
        let lo = if lo.is_empty() { 1 } else { number(lo)? };
        let hi = if hi.is_empty() { 65_535 } else { number(hi)? };
        if hi < lo {
            return Err(format!("{part}: the range ends before it starts"));
        }
        return Ok((lo, hi));
    }
    if is_number(part) {
        let port = number(part)?;
        return Ok((port, port));
    }
    if part.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("{part}: not a port, a range or a service name"));
    }
    match lookup(part, proto) {
        Some(port) => Ok((port, port)),
        None => Err(format!(
            "{part}: no such service for {proto} (try a number, or `nettool portinfo --list`)"
        )),
    }
}

fn number(text: &str) -> Result<u16, String> {
    text.parse::<u16>()
        .map_err(|_| format!("{text}: port is out of range 0-65535"))
}

/// The first `n` ports of the common-ports list for `proto`, then the other ports from 1 up,
/// so that any `n` up to 65,535 is served. Errors for 0 and for more than 65,535.
pub fn top(n: u32, proto: Proto) -> Result<Vec<u16>, String> {
    if n == 0 || n > 65_535 {
        return Err(format!("--top {n}: give a number of ports from 1 to 65535"));
    }
    let list = if proto == Proto::Udp {
        TOP_UDP
    } else {
        TOP_TCP
    };
    let mut seen = vec![false; 65_536];
    let mut ports = Vec::with_capacity(n as usize);
    let rest = 1..=65_535u16;
    for port in list.iter().copied().chain(rest) {
        if ports.len() == n as usize {
            break;
        }
        if !std::mem::replace(&mut seen[usize::from(port)], true) {
            ports.push(port);
        }
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str, proto: Proto) -> Option<u16> {
        match (name, proto) {
            ("ssh", Proto::Tcp) => Some(22),
            ("http", _) => Some(80),
            ("domain", Proto::Udp) => Some(53),
            _ => None,
        }
    }

    #[test]
    fn specs_and_their_ports() {
        let cases: &[(&str, &[u16])] = &[
            ("22", &[22]),
            ("22,80", &[22, 80]),
            ("80,22,80", &[22, 80]),
            ("8000-8003", &[8000, 8001, 8002, 8003]),
            ("22, 80 ,443", &[22, 80, 443]),
            ("ssh,http", &[22, 80]),
            ("1-3,2-4", &[1, 2, 3, 4]),
            ("0", &[0]),
            ("65534-", &[65534, 65535]),
            ("-3", &[1, 2, 3]),
        ];
        for (spec, want) in cases {
            assert_eq!(parse(spec, Proto::Tcp, lookup).unwrap(), *want, "{spec}");
        }
        let all = parse("-", Proto::Tcp, lookup).unwrap();
        assert_eq!((all.len(), all[0], all[65_534]), (65_535, 1, 65_535));
        assert_eq!(parse("domain", Proto::Udp, lookup).unwrap(), [53]);
    }

    #[test]
    fn bad_specs_name_the_part() {
        let cases: &[(&str, &str)] = &[
            ("70000", "70000: port is out of range 0-65535"),
            (
                "22,,80",
                "22,,80: an empty item in the port list (write 22,80 or 1-1024)",
            ),
            (
                "",
                ": an empty item in the port list (write 22,80 or 1-1024)",
            ),
            ("90-80", "90-80: the range ends before it starts"),
            ("1-70000", "70000: port is out of range 0-65535"),
            ("12ab", "12ab: not a port, a range or a service name"),
            (
                "nosuch",
                "nosuch: no such service for tcp (try a number, or `nettool portinfo --list`)",
            ),
            (
                "domain",
                "domain: no such service for tcp (try a number, or `nettool portinfo --list`)",
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(
                parse(spec, Proto::Tcp, lookup).unwrap_err(),
                *want,
                "{spec}"
            );
        }
    }

    #[test]
    fn top_lists_lead_then_fill_by_number() {
        assert_eq!(top(3, Proto::Tcp).unwrap(), [80, 443, 22]);
        assert_eq!(top(2, Proto::Udp).unwrap(), [53, 123]);
        let all = top(65_535, Proto::Tcp).unwrap();
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 65_535);
        assert_eq!(sorted[0], 1);
        let unique: std::collections::HashSet<u16> = TOP_TCP.iter().copied().collect();
        let n = u32::try_from(unique.len()).unwrap();
        let next = top(n + 1, Proto::Tcp).unwrap();
        // The first port not in the list comes right after it.
        assert_eq!(
            next[unique.len()],
            (1..).find(|p| !unique.contains(p)).unwrap()
        );
        assert!(top(0, Proto::Tcp).is_err());
        assert!(top(65_536, Proto::Tcp).is_err());
    }

    #[test]
    fn top_lists_hold_real_ports() {
        for list in [TOP_TCP, TOP_UDP] {
            assert!(list.iter().all(|p| *p > 0));
        }
        assert!(TOP_TCP.len() > 150 && TOP_UDP.len() > 50);
        let unique: std::collections::HashSet<u16> = TOP_TCP.iter().copied().collect();
        assert_eq!(unique.len(), TOP_TCP.len(), "no port twice");
    }
}
