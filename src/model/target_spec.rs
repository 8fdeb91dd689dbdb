//! Which hosts a scan probes, as the user writes them: an address (`10.0.0.5`, `::1`, `[::1]`),
//! a CIDR (`10.0.0.0/24`: without its network and broadcast addresses, as `ping -g` and fping
//! take it), a range (`10.0.0.1-10.0.0.40`, or `10.0.0.1-40` within the last octet), an IPv6
//! address with its zone (`fe80::1%eth0`, one link), or a host name, which the caller resolves. Ranges are kept as their two ends and walked lazily, so a
//! /8 costs no more memory than one address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::address::ScopedAddr;

/// The largest number of addresses one specification may name (a /8 of IPv4 is 2^24).
pub const MAX_ADDRESSES: u128 = 1 << 32;

/// One target as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// Consecutive addresses, both ends included, of one family.
    Range {
        /// The first address.
        first: IpAddr,
        /// The last address.
        last: IpAddr,
    },
    /// One address with an IPv6 zone (`fe80::1%eth0`), the zone to be resolved by the caller.
    Scoped(ScopedAddr),
    /// A host name, to be resolved by the caller.
    Name(String),
}

impl TargetSpec {
    /// Parse one target. Names are accepted as they are (resolving them is I/O).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("an empty target (give a name, an address, a CIDR or a range)".into());
        }
        match ScopedAddr::parse(text).map_err(|reason| format!("{text}: {reason}"))? {
            Some(addr) if addr.zone.is_some() => return Ok(Self::Scoped(addr)),
            Some(addr) => {
                return Ok(Self::Range {
                    first: addr.ip,
                    last: addr.ip,
                });
            }
            None => {}
        }
        if let Some((addr, _)) = text.split_once('/') {
            let net: IpNet = text.parse().map_err(|_| {
                if literal(addr).is_some() {
                    format!("{text}: the prefix length is out of range (IPv4 0-32, IPv6 0-128)")
                } else {
                    format!("{text}: not an IP address before the /")
                }
            })?;
            let (first, last) = match net.hosts() {
                ipnet::IpAddrRange::V4(mut r) => {
                    let first = r.next().map(IpAddr::V4);
                    (first, r.next_back().map(IpAddr::V4).or(first))
                }
                ipnet::IpAddrRange::V6(mut r) => {
                    let first = r.next().map(IpAddr::V6);
                    (first, r.next_back().map(IpAddr::V6).or(first))
                }
            };
            return Self::range(text, first, last);
        }
        if let Some((a, b)) = text.split_once('-')
            && let Some(first) = literal(a)
        {
            let last = match (first, b.parse::<u8>()) {
                (IpAddr::V4(v4), Ok(octet)) if !b.contains('.') => {
                    let [x, y, z, _] = v4.octets();
                    Some(IpAddr::V4(Ipv4Addr::new(x, y, z, octet)))
                }
                _ => literal(b),
            };
            let Some(last) = last else {
                return Err(format!(
                    "{text}: the range's end is not an address (write 10.0.0.1-10.0.0.40 or 10.0.0.1-40)"
                ));
            };
            return Self::range(text, Some(first), Some(last));
        }
        let name_like = text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        if !name_like
            || text.starts_with('-')
            || text.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            return Err(format!(
                "{text}: not a host name, an address, a CIDR or a range"
            ));
        }
        Ok(Self::Name(text.to_string()))
    }

    fn range(text: &str, first: Option<IpAddr>, last: Option<IpAddr>) -> Result<Self, String> {
        let (Some(first), Some(last)) = (first, last) else {
            return Err(format!("{text}: names no host address"));
        };
        match (first, last) {
            (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {}
            _ => return Err(format!("{text}: both ends must be of the same family")),
        }
        if number(last) < number(first) {
            return Err(format!("{text}: the range ends before it starts"));
        }
        if number(last) - number(first) >= MAX_ADDRESSES {
            return Err(format!(
                "{text}: more than {MAX_ADDRESSES} addresses in one target"
            ));
        }
        Ok(Self::Range { first, last })
    }

    /// How many addresses this target names (a name counts as one).
    #[must_use]
    pub fn len(&self) -> u128 {
        match self {
            Self::Range { first, last } => number(*last) - number(*first) + 1,
            Self::Scoped(_) | Self::Name(_) => 1,
        }
    }

    /// Always false: every target names at least one address.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }
}

fn literal(text: &str) -> Option<IpAddr> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    inner.parse().ok()
}

fn number(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_number(n: u128, v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(n))
    } else {
        // The range was built from IPv4 ends, so `n` fits 32 bits.
        IpAddr::V4(Ipv4Addr::from(u32::try_from(n).unwrap_or(u32::MAX)))
    }
}

/// Walks address ranges one address at a time, holding only a cursor.
#[derive(Debug, Clone)]
pub struct Addresses {
    ranges: Vec<(u128, u128, bool)>,
    at: usize,
    next: u128,
}

impl Addresses {
    /// The addresses of `ranges` (first, last), in the order given.
    #[must_use]
    pub fn new(ranges: &[(IpAddr, IpAddr)]) -> Self {
        let ranges: Vec<(u128, u128, bool)> = ranges
            .iter()
            .map(|(a, b)| (number(*a), number(*b), a.is_ipv6()))
            .collect();
        let next = ranges.first().map_or(0, |r| r.0);
        Self {
            ranges,
            at: 0,
            next,
        }
    }

    /// How many addresses are left.
    #[must_use]
    pub fn remaining(&self) -> u128 {
        self.ranges
            .iter()
            .enumerate()
            .skip(self.at)
            .map(|(i, (a, b, _))| {
                if i == self.at {
                    b - self.next + 1
                } else {
                    b - a + 1
                }
            })
            .sum()
    }
}

impl Iterator for Addresses {
    type Item = IpAddr;

    fn next(&mut self) -> Option<IpAddr> {
        let &(_, last, v6) = self.ranges.get(self.at)?;
        let addr = from_number(self.next, v6);
        if self.next == last {
            self.at += 1;
            self.next = self.ranges.get(self.at).map_or(0, |r| r.0);
        } else {
            self.next += 1;
        }
        Some(addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn range(a: &str, b: &str) -> TargetSpec {
        TargetSpec::Range {
            first: ip(a),
            last: ip(b),
        }
    }

    #[test]
    fn specs() {
        let cases: &[(&str, TargetSpec, u128)] = &[
            ("10.0.0.5", range("10.0.0.5", "10.0.0.5"), 1),
            ("[::1]", range("::1", "::1"), 1),
            ("10.0.0.0/24", range("10.0.0.1", "10.0.0.254"), 254),
            ("10.0.0.0/31", range("10.0.0.0", "10.0.0.1"), 2),
            ("10.0.0.7/32", range("10.0.0.7", "10.0.0.7"), 1),
            (
                "127.0.0.0/8",
                range("127.0.0.1", "127.255.255.254"),
                (1 << 24) - 2,
            ),
            ("fd00::/126", range("fd00::", "fd00::3"), 4),
            ("10.0.0.1-10.0.0.40", range("10.0.0.1", "10.0.0.40"), 40),
            ("10.0.0.1-40", range("10.0.0.1", "10.0.0.40"), 40),
            ("10.0.0.255-10.0.1.1", range("10.0.0.255", "10.0.1.1"), 3),
            ("::1-::3", range("::1", "::3"), 3),
            ("localhost", TargetSpec::Name("localhost".into()), 1),
            ("web-1.example", TargetSpec::Name("web-1.example".into()), 1),
            (
                "fe80::1%eth0",
                TargetSpec::Scoped(ScopedAddr::parse("fe80::1%eth0").unwrap().unwrap()),
                1,
            ),
            (
                "[fe80::1%2]",
                TargetSpec::Scoped(ScopedAddr::parse("fe80::1%2").unwrap().unwrap()),
                1,
            ),
        ];
        for (text, want, n) in cases {
            let got = TargetSpec::parse(text).unwrap();
            assert_eq!(&got, want, "{text}");
            assert_eq!(got.len(), *n, "{text}");
        }
    }

    #[test]
    fn bad_specs() {
        let cases: &[(&str, &str)] = &[
            (
                "",
                "an empty target (give a name, an address, a CIDR or a range)",
            ),
            (
                "10.0.0.0/33",
                "10.0.0.0/33: the prefix length is out of range (IPv4 0-32, IPv6 0-128)",
            ),
            ("foo/24", "foo/24: not an IP address before the /"),
            (
                "10.0.0.9-10.0.0.1",
                "10.0.0.9-10.0.0.1: the range ends before it starts",
            ),
            ("10.0.0.9-3", "10.0.0.9-3: the range ends before it starts"),
            (
                "10.0.0.1-::5",
                "10.0.0.1-::5: both ends must be of the same family",
            ),
            (
                "10.0.0.1-300",
                "10.0.0.1-300: the range's end is not an address (write 10.0.0.1-10.0.0.40 or 10.0.0.1-40)",
            ),
            (
                "300.1.1.1",
                "300.1.1.1: not a host name, an address, a CIDR or a range",
            ),
            ("a b", "a b: not a host name, an address, a CIDR or a range"),
            (
                "10.0.0.1%eth0",
                "10.0.0.1%eth0: only IPv6 addresses take a %zone",
            ),
            (
                "fe80::1%",
                "fe80::1%: the zone after % must be one word (fe80::1%eth0)",
            ),
            ("::/0", "::/0: more than 4294967296 addresses in one target"),
        ];
        for (text, want) in cases {
            assert_eq!(TargetSpec::parse(text).unwrap_err(), *want, "{text}");
        }
    }

    #[test]
    fn addresses_walk_lazily_across_ranges() {
        let mut walk = Addresses::new(&[
            (ip("10.0.0.254"), ip("10.0.1.1")),
            (ip("::1"), ip("::1")),
            (ip("127.0.0.1"), ip("127.0.0.1")),
        ]);
        assert_eq!(walk.remaining(), 6);
        let got: Vec<IpAddr> = walk.by_ref().take(4).collect();
        assert_eq!(
            got,
            [
                ip("10.0.0.254"),
                ip("10.0.0.255"),
                ip("10.0.1.0"),
                ip("10.0.1.1")
            ]
        );
        assert_eq!(walk.remaining(), 2);
        assert_eq!(walk.collect::<Vec<_>>(), [ip("::1"), ip("127.0.0.1")]);
        let mut big = Addresses::new(&[(ip("127.0.0.1"), ip("127.255.255.254"))]);
        assert_eq!(big.nth(65_535), Some(ip("127.1.0.0")));
        assert_eq!(Addresses::new(&[]).next(), None);
    }
}
