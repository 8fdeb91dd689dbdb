//! Subnet arithmetic as a course on subnet masks teaches it: an address AND its mask gives the
//! network. Pure functions over [`ipnet`], with input parsing that names what is wrong.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Serialize;

use crate::error::{Error, Result};

/// The most subnets `split` will list.
pub const MAX_SPLIT: u32 = 65_536;

/// An address with the prefix it was given or defaulted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interface {
    /// The address as typed (host bits kept).
    pub addr: IpAddr,
    /// The prefix length.
    pub prefix: u8,
    /// Where the prefix came from.
    pub prefix_source: PrefixSource,
}

/// Where a prefix came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrefixSource {
    /// `/24` after the address.
    Cidr,
    /// A dotted netmask (`255.255.255.0`), after a slash or as a second argument.
    Netmask,
    /// No prefix was given: the historical class's default (A /8, B /16, C /24).
    ClassfulDefault,
    /// No prefix was given for a class D or E address: a single address (/32).
    SingleAddress,
    /// No prefix was given for an IPv6 address: /64, the standard IPv6 subnet size.
    Ipv6Default,
}

impl Interface {
    /// The network this address lies in.
    #[must_use]
    pub fn net(&self) -> IpNet {
        IpNet::new(self.addr, self.prefix).expect("prefix validated on parse")
    }
}

/// Parse an IPv4 address in dotted-quad form with errors that name the bad octet.
pub fn parse_ipv4(text: &str) -> Result<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return Err(Error::invalid(
            text,
            format!("an IPv4 address has 4 octets, found {}", parts.len()),
        ));
    }
    let mut octets = [0u8; 4];
    for (slot, part) in octets.iter_mut().zip(&parts) {
        if part.is_empty() {
            return Err(Error::invalid(text, "empty octet"));
        }
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid(
                text,
                format!("octet '{part}' is not a number"),
            ));
        }
        if part.len() > 1 && part.starts_with('0') {
            return Err(Error::invalid(
                text,
                format!("octet '{part}' has a leading zero (octal or decimal?); write it without"),
            ));
        }
        let value: u32 = if part.len() > 3 {
            u32::MAX
        } else {
            part.parse().unwrap_or(u32::MAX)
        };
        *slot = u8::try_from(value)
            .map_err(|_| Error::invalid(text, format!("octet {part} is out of range 0-255")))?;
    }
    Ok(Ipv4Addr::from(octets))
}

/// Parse an address of either family. Text with a colon is IPv6, anything else IPv4.
pub fn parse_addr(text: &str) -> Result<IpAddr> {
    if text.is_empty() {
        return Err(Error::invalid(text, "empty address"));
    }
    if text.contains(':') {
        let inner = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(text);
        return inner
            .parse::<Ipv6Addr>()
            .map(IpAddr::V6)
            .map_err(|_| Error::invalid(text, "not a valid IPv6 address"));
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_ipv4(text).map(IpAddr::V4);
    }
    Err(Error::invalid(
        text,
        "not an IP address (try 192.168.21.36/24 or 2001:db8::1/64)",
    ))
}

/// The prefix length of a contiguous IPv4 netmask (`255.255.255.0` -> 24).
pub fn parse_netmask(text: &str) -> Result<u8> {
    let mask = parse_ipv4(text)?;
    let bits = u32::from(mask);
    let ones = bits.leading_ones();
    if bits.checked_shl(ones).unwrap_or(0) != 0 {
        return Err(Error::invalid(
            text,
            "netmask is not contiguous (its one bits must all come before its zero bits)",
        ));
    }
    Ok(ones as u8)
}

/// Whether `text` is a contiguous IPv4 netmask.
#[must_use]
pub fn is_netmask(text: &str) -> bool {
    parse_netmask(text).is_ok()
}

fn max_prefix(addr: IpAddr) -> u8 {
    if addr.is_ipv4() { 32 } else { 128 }
}

/// Parse `ADDR`, `ADDR/PREFIX`, `ADDR/NETMASK`, with an optional separate netmask argument.
pub fn parse_interface(text: &str, netmask: Option<&str>) -> Result<Interface> {
    let text_trimmed = text.trim();
    if text_trimmed.is_empty() {
        return Err(Error::invalid(text, "empty address (try 192.168.21.36/24)"));
    }
    let (addr_text, suffix) = match text_trimmed.split_once('/') {
        Some((a, s)) => (a, Some(s)),
        None => (text_trimmed, None),
    };
    let addr = parse_addr(addr_text).map_err(|e| match e {
        Error::Invalid { reason, .. } => Error::invalid(text, reason),
        other => other,
    })?;
    let (prefix, prefix_source) = match (suffix, netmask) {
        (Some(_), Some(mask)) => {
            return Err(Error::invalid(
                mask,
                format!("{text} already has a prefix; give either /PREFIX or a netmask"),
            ));
        }
        (Some(s), None) => parse_suffix(text, s, addr)?,
        (None, Some(mask)) => {
            if addr.is_ipv6() {
                return Err(Error::invalid(
                    mask,
                    "IPv6 takes a /PREFIX, not a dotted netmask",
                ));
            }
            (parse_netmask(mask)?, PrefixSource::Netmask)
        }
        (None, None) => default_prefix(addr),
    };
    Ok(Interface {
        addr,
        prefix,
        prefix_source,
    })
}

fn parse_suffix(text: &str, suffix: &str, addr: IpAddr) -> Result<(u8, PrefixSource)> {
    if suffix.is_empty() {
        return Err(Error::invalid(text, "empty prefix after '/'"));
    }
    if suffix.contains('.') {
        if addr.is_ipv6() {
            return Err(Error::invalid(
                text,
                "IPv6 takes a /PREFIX, not a dotted netmask",
            ));
        }
        return Ok((parse_netmask(suffix)?, PrefixSource::Netmask));
    }
    let max = max_prefix(addr);
    let range_error = || Error::invalid(text, format!("prefix /{suffix} is out of range 0-{max}"));
    if !suffix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            text,
            format!("prefix '{suffix}' is not a number"),
        ));
    }
    let prefix: u8 = suffix.parse().map_err(|_| range_error())?;
    if prefix > max {
        return Err(range_error());
    }
    Ok((prefix, PrefixSource::Cidr))
}

/// The default prefix of a bare address: its class's for IPv4, /64 for IPv6.
#[must_use]
pub fn default_prefix(addr: IpAddr) -> (u8, PrefixSource) {
    match addr {
        IpAddr::V4(v4) => match class_of(v4).default_prefix() {
            Some(p) => (p, PrefixSource::ClassfulDefault),
            None => (32, PrefixSource::SingleAddress),
        },
        IpAddr::V6(_) => (64, PrefixSource::Ipv6Default),
    }
}

/// The historical address class (before CIDR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Class {
    /// 0-127: /8 networks.
    A,
    /// 128-191: /16 networks.
    B,
    /// 192-223: /24 networks.
    C,
    /// 224-239: multicast.
    D,
    /// 240-255: reserved.
    E,
}

impl Class {
    /// The class's default prefix; none for D and E.
    #[must_use]
    pub fn default_prefix(self) -> Option<u8> {
        match self {
            Self::A => Some(8),
            Self::B => Some(16),
            Self::C => Some(24),
            Self::D | Self::E => None,
        }
    }
}

/// The class of an IPv4 address, from its leading bits.
#[must_use]
pub fn class_of(addr: Ipv4Addr) -> Class {
    match addr.octets()[0] {
        0..=127 => Class::A,
        128..=191 => Class::B,
        192..=223 => Class::C,
        224..=239 => Class::D,
        240..=255 => Class::E,
    }
}

/// What kind of address this is, from the IANA special-purpose registries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressType {
    /// 0.0.0.0 or ::.
    Unspecified,
    /// 0.0.0.0/8 "this network" (RFC 791).
    ThisNetwork,
    /// RFC 1918 private (10/8, 172.16/12, 192.168/16).
    Private,
    /// Shared address space for carrier-grade NAT, 100.64.0.0/10 (RFC 6598).
    Shared,
    /// 127.0.0.0/8 or ::1.
    Loopback,
    /// 169.254.0.0/16 or fe80::/10.
    LinkLocal,
    /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737), 2001:db8::/32 (RFC 3849),
    /// 3fff::/20 (RFC 9637).
    Documentation,
    /// 198.18.0.0/15 (RFC 2544).
    Benchmarking,
    /// 192.0.0.0/24 IETF protocol assignments (RFC 6890).
    ProtocolAssignment,
    /// 224.0.0.0/4 or ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// fc00::/7 unique local (RFC 4193), IPv6's private range.
    UniqueLocal,
    /// ::ffff:0:0/96, an IPv4 address in IPv6 form.
    Ipv4Mapped,
    /// 240.0.0.0/4, or IPv6 space outside the ranges above and global unicast.
    Reserved,
    /// Anything else: routable on the Internet.
    Public,
}

impl AddressType {
    /// The human description, with the standard that defines it.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::ThisNetwork => "\"this network\" (RFC 791)",
            Self::Private => "private (RFC 1918)",
            Self::Shared => "shared address space, carrier-grade NAT (RFC 6598)",
            Self::Loopback => "loopback",
            Self::LinkLocal => "link-local",
            Self::Documentation => "documentation (not routed)",
            Self::Benchmarking => "benchmarking (RFC 2544)",
            Self::ProtocolAssignment => "IETF protocol assignments (RFC 6890)",
            Self::Multicast => "multicast",
            Self::Broadcast => "limited broadcast",
            Self::UniqueLocal => "unique local, IPv6 private (RFC 4193)",
            Self::Ipv4Mapped => "IPv4-mapped IPv6",
            Self::Reserved => "reserved",
            Self::Public => "public",
        }
    }
}

fn in_v4(addr: Ipv4Addr, net: &str) -> bool {
    net.parse::<Ipv4Net>().is_ok_and(|n| n.contains(&addr))
}

fn in_v6(addr: Ipv6Addr, net: &str) -> bool {
    net.parse::<Ipv6Net>().is_ok_and(|n| n.contains(&addr))
}

/// The type of an address.
#[must_use]
pub fn address_type(addr: IpAddr) -> AddressType {
    match addr {
        IpAddr::V4(a) => {
            let table: [(&str, AddressType); 14] = [
                ("0.0.0.0/32", AddressType::Unspecified),
                ("0.0.0.0/8", AddressType::ThisNetwork),
                ("10.0.0.0/8", AddressType::Private),
                ("100.64.0.0/10", AddressType::Shared),
                ("127.0.0.0/8", AddressType::Loopback),
                ("169.254.0.0/16", AddressType::LinkLocal),
                ("172.16.0.0/12", AddressType::Private),
                ("192.0.0.0/24", AddressType::ProtocolAssignment),
                ("192.0.2.0/24", AddressType::Documentation),
                ("192.168.0.0/16", AddressType::Private),
                ("198.18.0.0/15", AddressType::Benchmarking),
                ("198.51.100.0/24", AddressType::Documentation),
                ("203.0.113.0/24", AddressType::Documentation),
                ("224.0.0.0/4", AddressType::Multicast),
            ];
            if a == Ipv4Addr::BROADCAST {
                return AddressType::Broadcast;
            }
            if in_v4(a, "240.0.0.0/4") {
                return AddressType::Reserved;
            }
            table
                .iter()
                .find(|(n, _)| in_v4(a, n))
                .map_or(AddressType::Public, |(_, t)| *t)
        }
        IpAddr::V6(a) => {
            let table: [(&str, AddressType); 9] = [
                ("::/128", AddressType::Unspecified),
                ("::1/128", AddressType::Loopback),
                ("::ffff:0:0/96", AddressType::Ipv4Mapped),
                ("2001:db8::/32", AddressType::Documentation),
                ("3fff::/20", AddressType::Documentation),
                ("fc00::/7", AddressType::UniqueLocal),
                ("fe80::/10", AddressType::LinkLocal),
                ("ff00::/8", AddressType::Multicast),
                ("2000::/3", AddressType::Public),
            ];
            table
                .iter()
                .find(|(n, _)| in_v6(a, n))
                .map_or(AddressType::Reserved, |(_, t)| *t)
        }
    }
}

/// Every fact about an address and its network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// The address as given.
    pub address: IpAddr,
    /// 4 or 6.
    pub version: u8,
    /// The prefix length.
    pub prefix: u8,
    /// Where the prefix came from.
    pub prefix_source: PrefixSource,
    /// The netmask (dotted for IPv4).
    pub netmask: IpAddr,
    /// The wildcard (inverse) mask.
    pub wildcard: IpAddr,
    /// address AND netmask.
    pub network: IpAddr,
    /// The network in CIDR form.
    pub cidr: IpNet,
    /// The broadcast address (IPv4 only; IPv6 has none).
    pub broadcast: Option<IpAddr>,
    /// The first usable host.
    pub first_host: IpAddr,
    /// The last usable host.
    pub last_host: IpAddr,
    /// How many addresses the network spans (null when it does not fit in 128 bits: ::/0).
    pub addresses: Option<u128>,
    /// How many of them are usable hosts (null for ::/0).
    pub hosts: Option<u128>,
    /// The historical class (IPv4 only).
    pub class: Option<Class>,
    /// The address type.
    pub address_type: AddressType,
}

/// Compute the facts for an interface.
#[must_use]
pub fn facts(iface: &Interface) -> Facts {
    let net = iface.net();
    let host_bits = u32::from(max_prefix(iface.addr) - iface.prefix);
    let addresses = 1u128.checked_shl(host_bits).filter(|_| host_bits < 128);
    let (broadcast, first_host, last_host, hosts, class) = match net {
        IpNet::V4(n) => {
            let (first, last, hosts, broadcast) = match iface.prefix {
                32 => (n.network(), n.network(), 1, None),
                // RFC 3021: a point-to-point /31 has two hosts and no broadcast.
                31 => (n.network(), n.broadcast(), 2, None),
                _ => (
                    Ipv4Addr::from(u32::from(n.network()) + 1),
                    Ipv4Addr::from(u32::from(n.broadcast()) - 1),
                    (1u128 << host_bits) - 2,
                    Some(IpAddr::V4(n.broadcast())),
                ),
            };
            let v4 = match iface.addr {
                IpAddr::V4(a) => a,
                IpAddr::V6(_) => unreachable!("an IPv4 network has an IPv4 address"),
            };
            (
                broadcast,
                IpAddr::V4(first),
                IpAddr::V4(last),
                Some(hosts),
                Some(class_of(v4)),
            )
        }
        IpNet::V6(n) => {
            // IPv6 has no broadcast: every address of the prefix may be a host.
            (
                None,
                IpAddr::V6(n.network()),
                IpAddr::V6(n.broadcast()),
                addresses,
                None,
            )
        }
    };
    Facts {
        address: iface.addr,
        version: if iface.addr.is_ipv4() { 4 } else { 6 },
        prefix: iface.prefix,
        prefix_source: iface.prefix_source,
        netmask: net.netmask(),
        wildcard: net.hostmask(),
        network: net.network(),
        cidr: net.trunc(),
        broadcast,
        first_host,
        last_host,
        addresses,
        hosts,
        class,
        address_type: address_type(iface.addr),
    }
}

/// `addr` AND `mask`, the course's way of finding the network.
#[must_use]
pub fn and(addr: IpAddr, mask: IpAddr) -> IpAddr {
    match (addr, mask) {
        (IpAddr::V4(a), IpAddr::V4(m)) => IpAddr::V4(Ipv4Addr::from(u32::from(a) & u32::from(m))),
        (IpAddr::V6(a), IpAddr::V6(m)) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & u128::from(m))),
        _ => panic!("and() of addresses of different families"),
    }
}

/// An address in binary: IPv4 as four 8-bit octets joined by `.`, IPv6 as eight 16-bit groups
/// joined by `:`.
#[must_use]
pub fn binary(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(a) => a
            .octets()
            .iter()
            .map(|o| format!("{o:08b}"))
            .collect::<Vec<_>>()
            .join("."),
        IpAddr::V6(a) => a
            .segments()
            .iter()
            .map(|s| format!("{s:016b}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

/// How to split a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Into subnets of this prefix (`--split /26`).
    Prefix(u8),
    /// Into this many equal subnets, a power of two (`--split 4`).
    Count(u32),
}

/// Parse `--split`: `/26` or a count.
pub fn parse_split(text: &str) -> Result<Split> {
    if let Some(p) = text.strip_prefix('/') {
        let prefix: u8 = p
            .parse()
            .ok()
            .filter(|p| *p <= 128)
            .ok_or_else(|| Error::invalid(text, "not a prefix length (try /26)"))?;
        return Ok(Split::Prefix(prefix));
    }
    let count: u32 = text.parse().map_err(|_| {
        Error::invalid(
            text,
            "not a prefix or a count (try /26, or 4 for four equal subnets)",
        )
    })?;
    if count == 0 || !count.is_power_of_two() {
        return Err(Error::invalid(
            text,
            "equal subnets come in powers of two (2, 4, 8, ...); use /PREFIX for a size",
        ));
    }
    Ok(Split::Count(count))
}

/// The subnets of `net` for a split, or an error saying why it cannot be done.
pub fn split(net: IpNet, how: Split, input: &str) -> Result<Vec<IpNet>> {
    let max = if net.addr().is_ipv4() { 32 } else { 128 };
    let new_prefix = match how {
        Split::Prefix(p) => p,
        Split::Count(n) => net.prefix_len().saturating_add(n.trailing_zeros() as u8),
    };
    if new_prefix > max {
        return Err(Error::invalid(
            input,
            format!(
                "/{} cannot be split that far: the longest prefix is /{max}",
                net.prefix_len()
            ),
        ));
    }
    if new_prefix < net.prefix_len() {
        return Err(Error::invalid(
            input,
            format!(
                "the network /{} cannot be split into larger subnets",
                net.prefix_len()
            ),
        ));
    }
    let bits = u32::from(new_prefix - net.prefix_len());
    if bits > MAX_SPLIT.trailing_zeros() {
        return Err(Error::invalid(
            input,
            format!("that makes 2^{bits} subnets; the limit is {MAX_SPLIT}"),
        ));
    }
    Ok(net
        .trunc()
        .subnets(new_prefix)
        .expect("prefix checked")
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iface(text: &str) -> Interface {
        parse_interface(text, None).unwrap()
    }

    fn err(text: &str, mask: Option<&str>) -> String {
        parse_interface(text, mask).unwrap_err().to_string()
    }

    #[test]
    fn input_forms() {
        let want = Interface {
            addr: "192.168.21.36".parse().unwrap(),
            prefix: 24,
            prefix_source: PrefixSource::Cidr,
        };
        assert_eq!(iface("192.168.21.36/24"), want);
        let by_mask = Interface {
            prefix_source: PrefixSource::Netmask,
            ..want
        };
        assert_eq!(iface("192.168.21.36/255.255.255.0"), by_mask);
        assert_eq!(
            parse_interface("192.168.21.36", Some("255.255.255.0")).unwrap(),
            by_mask
        );
        let bare = iface("192.168.21.36");
        assert_eq!(
            (bare.prefix, bare.prefix_source),
            (24, PrefixSource::ClassfulDefault)
        );
        assert_eq!(iface("10.1.2.3").prefix, 8);
        assert_eq!(iface("172.16.0.1").prefix, 16);
        assert_eq!(
            iface("224.0.0.1").prefix_source,
            PrefixSource::SingleAddress
        );
        assert_eq!(iface("2001:db8::1/64").prefix, 64);
        assert_eq!(
            iface("2001:db8::1").prefix_source,
            PrefixSource::Ipv6Default
        );
    }

    #[test]
    fn bad_inputs() {
        let table = [
            (
                "300.1.1.1/24",
                None,
                "300.1.1.1/24: octet 300 is out of range 0-255",
            ),
            (
                "10.0.0.0/33",
                None,
                "10.0.0.0/33: prefix /33 is out of range 0-32",
            ),
            (
                "2001:db8::/129",
                None,
                "2001:db8::/129: prefix /129 is out of range 0-128",
            ),
            (
                "10.0.0.1/255.0.255.0",
                None,
                "255.0.255.0: netmask is not contiguous (its one bits must all come before its \
                 zero bits)",
            ),
            (
                "abc",
                None,
                "abc: not an IP address (try 192.168.21.36/24 or 2001:db8::1/64)",
            ),
            ("", None, ": empty address (try 192.168.21.36/24)"),
            (
                "1.2.3",
                None,
                "1.2.3: an IPv4 address has 4 octets, found 3",
            ),
            ("1.2.3.4/", None, "1.2.3.4/: empty prefix after '/'"),
            ("1.2.3.4/x", None, "1.2.3.4/x: prefix 'x' is not a number"),
            ("1..3.4", None, "1..3.4: empty octet"),
            (
                "01.2.3.4",
                None,
                "01.2.3.4: octet '01' has a leading zero (octal or decimal?); write it without",
            ),
            (
                "1.2.3.99999999999",
                None,
                "1.2.3.99999999999: octet 99999999999 is out of range 0-255",
            ),
            (
                "2001:db8::zz",
                None,
                "2001:db8::zz: not a valid IPv6 address",
            ),
            (
                "1.2.3.4/24",
                Some("255.0.0.0"),
                "255.0.0.0: 1.2.3.4/24 already has a prefix; give either /PREFIX or a netmask",
            ),
            (
                "::1",
                Some("255.0.0.0"),
                "255.0.0.0: IPv6 takes a /PREFIX, not a dotted netmask",
            ),
        ];
        for (text, mask, want) in table {
            assert_eq!(err(text, mask), want, "{text}");
        }
    }

    #[test]
    fn netmask_parsing() {
        assert_eq!(parse_netmask("255.255.255.0").unwrap(), 24);
        assert_eq!(parse_netmask("0.0.0.0").unwrap(), 0);
        assert_eq!(parse_netmask("255.255.255.255").unwrap(), 32);
        assert_eq!(parse_netmask("255.255.128.0").unwrap(), 17);
        assert!(parse_netmask("255.0.255.0").is_err());
        assert!(parse_netmask("0.255.255.255").is_err());
        assert!(is_netmask("255.255.255.252"));
        assert!(!is_netmask("192.168.21.21"));
    }

    #[test]
    fn facts_of_a_slash_24() {
        let f = facts(&iface("192.168.21.36/24"));
        assert_eq!(f.netmask.to_string(), "255.255.255.0");
        assert_eq!(f.wildcard.to_string(), "0.0.0.255");
        assert_eq!(f.network.to_string(), "192.168.21.0");
        assert_eq!(f.broadcast.unwrap().to_string(), "192.168.21.255");
        assert_eq!(f.first_host.to_string(), "192.168.21.1");
        assert_eq!(f.last_host.to_string(), "192.168.21.254");
        assert_eq!(f.hosts, Some(254));
        assert_eq!(f.addresses, Some(256));
        assert_eq!(f.class, Some(Class::C));
        assert_eq!(f.address_type, AddressType::Private);
    }

    #[test]
    fn point_to_point_and_host_routes() {
        let f = facts(&iface("10.1.2.3/31"));
        assert_eq!(
            (f.first_host.to_string(), f.last_host.to_string()),
            ("10.1.2.2".into(), "10.1.2.3".into())
        );
        assert_eq!((f.hosts, f.broadcast), (Some(2), None));
        let f = facts(&iface("10.1.2.3/32"));
        assert_eq!(
            (f.first_host.to_string(), f.hosts, f.broadcast),
            ("10.1.2.3".into(), Some(1), None)
        );
        let f = facts(&iface("0.0.0.0/0"));
        assert_eq!(f.hosts, Some((1u128 << 32) - 2));
    }

    #[test]
    fn ipv6_facts() {
        let f = facts(&iface("2001:db8::1/64"));
        assert_eq!(f.network.to_string(), "2001:db8::");
        assert_eq!(f.last_host.to_string(), "2001:db8::ffff:ffff:ffff:ffff");
        assert_eq!(f.hosts, Some(1u128 << 64));
        assert_eq!(f.broadcast, None);
        assert_eq!(f.address_type, AddressType::Documentation);
        assert_eq!(facts(&iface("::/0")).hosts, None);
        assert_eq!(facts(&iface("::1/128")).hosts, Some(1));
    }

    #[test]
    fn address_types() {
        let table = [
            ("10.0.0.1", AddressType::Private),
            ("172.31.255.255", AddressType::Private),
            ("172.32.0.1", AddressType::Public),
            ("192.168.1.1", AddressType::Private),
            ("100.64.0.1", AddressType::Shared),
            ("100.128.0.1", AddressType::Public),
            ("127.0.0.1", AddressType::Loopback),
            ("169.254.1.1", AddressType::LinkLocal),
            ("192.0.2.1", AddressType::Documentation),
            ("198.51.100.7", AddressType::Documentation),
            ("203.0.113.9", AddressType::Documentation),
            ("198.18.0.1", AddressType::Benchmarking),
            ("224.0.0.251", AddressType::Multicast),
            ("240.0.0.1", AddressType::Reserved),
            ("255.255.255.255", AddressType::Broadcast),
            ("0.0.0.0", AddressType::Unspecified),
            ("0.1.2.3", AddressType::ThisNetwork),
            ("8.8.8.8", AddressType::Public),
            ("::", AddressType::Unspecified),
            ("::1", AddressType::Loopback),
            ("fe80::1", AddressType::LinkLocal),
            ("fd00::1", AddressType::UniqueLocal),
            ("ff02::1", AddressType::Multicast),
            ("2001:db8::1", AddressType::Documentation),
            ("2606:4700::1", AddressType::Public),
            ("::ffff:10.0.0.1", AddressType::Ipv4Mapped),
            ("4000::1", AddressType::Reserved),
        ];
        for (addr, want) in table {
            assert_eq!(address_type(addr.parse().unwrap()), want, "{addr}");
        }
    }

    #[test]
    fn classes() {
        let table = [
            ("1.0.0.0", Class::A),
            ("127.255.255.255", Class::A),
            ("128.0.0.0", Class::B),
            ("191.255.0.0", Class::B),
            ("192.0.0.0", Class::C),
            ("223.1.1.1", Class::C),
            ("224.0.0.0", Class::D),
            ("239.9.9.9", Class::D),
            ("240.0.0.0", Class::E),
        ];
        for (a, want) in table {
            assert_eq!(class_of(a.parse().unwrap()), want, "{a}");
        }
    }

    #[test]
    fn binary_and_and() {
        let a: IpAddr = "192.168.21.36".parse().unwrap();
        let m: IpAddr = "255.255.255.0".parse().unwrap();
        assert_eq!(binary(a), "11000000.10101000.00010101.00100100");
        assert_eq!(binary(m), "11111111.11111111.11111111.00000000");
        assert_eq!(and(a, m).to_string(), "192.168.21.0");
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert!(binary(v6).starts_with("0010000000000001:0000110110111000:"));
    }

    #[test]
    fn splits() {
        let net: IpNet = "192.168.21.0/24".parse().unwrap();
        let by_prefix = split(net, parse_split("/26").unwrap(), "/26").unwrap();
        assert_eq!(
            by_prefix
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "192.168.21.0/26",
                "192.168.21.64/26",
                "192.168.21.128/26",
                "192.168.21.192/26"
            ]
        );
        assert_eq!(
            split(net, parse_split("4").unwrap(), "4").unwrap(),
            by_prefix
        );
        assert_eq!(
            split(net, parse_split("1").unwrap(), "1").unwrap(),
            vec![net]
        );
        assert!(parse_split("3").is_err());
        assert!(parse_split("0").is_err());
        assert!(parse_split("/x").is_err());
        assert_eq!(
            split(net, Split::Prefix(16), "/16")
                .unwrap_err()
                .to_string(),
            "/16: the network /24 cannot be split into larger subnets"
        );
        assert!(split(net, Split::Prefix(33), "/33").is_err());
        let big: IpNet = "10.0.0.0/8".parse().unwrap();
        assert_eq!(
            split(big, Split::Prefix(32), "/32")
                .unwrap_err()
                .to_string(),
            "/32: that makes 2^24 subnets; the limit is 65536"
        );
    }
}
