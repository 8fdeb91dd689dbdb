//! Subnet arithmetic as a course on subnet masks teaches it: an address AND its mask gives the
//! network. Pure functions over [`ipnet`], with input parsing that names what is wrong.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::address::{self, AddressType, SpecialRange};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrefixSource {
    /// `/24` after the address.
    Cidr,
    /// A dotted netmask (`255.255.255.0`), after a slash or as a second argument.
    Netmask,
    /// A dotted hostmask, the inverse of a netmask (`0.0.0.255`), as Python's ipaddress and
    /// Cisco access lists take it.
    Hostmask,
    /// No prefix was given: a single address (/32 or /128), as Python's ipaddress reads it.
    SingleAddress,
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

/// Split an IPv6 zone id off an address (`fe80::1%eth0` -> `fe80::1`, `eth0`). The zone names
/// the link a link-local address belongs to; the arithmetic ignores it.
pub fn split_zone<'a>(whole: &str, text: &'a str) -> Result<(&'a str, Option<&'a str>)> {
    super::address::split_zone(text).map_err(|reason| Error::invalid(whole, reason))
}

/// The prefix length of a dotted mask: a netmask (`255.255.255.0`), else a hostmask
/// (`0.0.0.255`), as Python's ipaddress tries them. All-zero and all-one read as netmasks.
pub fn parse_mask(text: &str) -> Result<(u8, PrefixSource)> {
    match parse_netmask(text) {
        Ok(prefix) => Ok((prefix, PrefixSource::Netmask)),
        Err(e) => {
            let bits = !u32::from(parse_ipv4(text)?);
            let ones = bits.leading_ones();
            if bits.checked_shl(ones).unwrap_or(0) == 0 {
                Ok((ones as u8, PrefixSource::Hostmask))
            } else {
                Err(e)
            }
        }
    }
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

/// Whether `text` is a contiguous IPv4 netmask or hostmask.
#[must_use]
pub fn is_netmask(text: &str) -> bool {
    parse_mask(text).is_ok()
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
    let (addr_text, _zone) = split_zone(text, addr_text)?;
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
            parse_mask(mask)?
        }
        (None, None) => (max_prefix(addr), PrefixSource::SingleAddress),
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
        return parse_mask(suffix);
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

/// The historical address class (before CIDR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

/// Every fact about an address and its network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
    #[schemars(with = "String")]
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
    /// The most specific special-purpose registry entry holding the address (null when none).
    pub special_use: Option<SpecialRange>,
    /// Whether the address is reachable beyond its own network, per the registries (null when
    /// they do not say: TEREDO, 6to4, multicast, unallocated space).
    pub globally_reachable: Option<bool>,
    /// One line naming the range, as the text output shows it.
    #[serde(skip)]
    pub type_text: String,
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
            // IPv6 has no broadcast, but the prefix's first address is its Subnet-Router
            // anycast address (RFC 4291 2.6.1), which routers answer: it is no host's, as in
            // Python's ipaddress. A /127 point-to-point link (RFC 6164) has two hosts, a /128 one.
            let network = u128::from(n.network());
            let (first, hosts) = match iface.prefix {
                128 => (network, 1),
                127 => (network, 2),
                _ => (network + 1, u128::MAX >> (128 - host_bits)),
            };
            (
                None,
                IpAddr::V6(Ipv6Addr::from(first)),
                IpAddr::V6(n.broadcast()),
                Some(hosts),
                None,
            )
        }
    };
    let kind = address::classify(iface.addr);
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
        address_type: kind.kind,
        special_use: kind.range.copied(),
        globally_reachable: kind.globally_reachable(),
        type_text: kind.describe(),
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

/// Parse a network for a list (`--aggregate`): as Python's `ip_network`, host bits must be
/// zero, and a bare address is a /32 or /128.
pub fn parse_network(text: &str) -> Result<IpNet> {
    let iface = parse_interface(text, None)?;
    let net = iface.net().trunc();
    if net.addr() != iface.addr {
        return Err(Error::invalid(
            text,
            format!("host bits are set (the network is {net})"),
        ));
    }
    Ok(net)
}

/// The fewest CIDR blocks that cover `first..=last` exactly, in order (what Python's
/// `ipaddress.summarize_address_range` and ipcalc's deaggregation print).
pub fn summarize_range(first: IpAddr, last: IpAddr, input: &str) -> Result<Vec<IpNet>> {
    match (first, last) {
        (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => {
            Ok(ipnet::Ipv4Subnets::new(a, b, 0).map(IpNet::V4).collect())
        }
        (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => {
            Ok(ipnet::Ipv6Subnets::new(a, b, 0).map(IpNet::V6).collect())
        }
        (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => Err(Error::invalid(
            input,
            format!("the range starts at {first}, after its end {last}"),
        )),
        _ => Err(Error::invalid(
            input,
            "a range needs two addresses of one family",
        )),
    }
}

/// Merge networks into the fewest that cover the same addresses (Python's
/// `ipaddress.collapse_addresses`): IPv4 first, then IPv6, each in order.
#[must_use]
pub fn aggregate(nets: &[IpNet]) -> Vec<IpNet> {
    IpNet::aggregate(&nets.to_vec())
}

/// How many addresses a block for `hosts` hosts needs: a power of two that leaves room for the
/// network and broadcast addresses (IPv4) or the Subnet-Router anycast address (IPv6). None
/// when no block of the family is that large.
#[must_use]
pub fn block_size(hosts: u128, ipv4: bool) -> Option<u128> {
    let reserved = if ipv4 { 2 } else { 1 };
    let size = hosts.checked_add(reserved)?.checked_next_power_of_two()?;
    (!ipv4 || size <= 1 << 32).then_some(size)
}

/// One block of a variable-length split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlsmBlock {
    /// The hosts asked for.
    pub requested: u128,
    /// The block that holds them.
    pub net: IpNet,
}

/// A variable-length split: blocks for host counts, largest first, packed from the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vlsm {
    /// The blocks, largest first (empty when they do not fit).
    pub blocks: Vec<VlsmBlock>,
    /// Addresses the blocks need together (None when more than 2^128).
    pub needed: Option<u128>,
    /// Addresses the network has (None for ::/0, 2^128).
    pub available: Option<u128>,
    /// Whether the blocks fit in the network.
    pub fits: bool,
    /// What is left after the blocks, as CIDR blocks.
    pub unused: Vec<IpNet>,
}

/// Split `net` into blocks for `hosts` (VLSM), as ipcalc's `--split` does: each request gets the
/// smallest block that holds it, largest request first, placed one after another; they fit when
/// their sizes add up to no more than the network's.
pub fn vlsm(net: IpNet, hosts: &[u128], input: &str) -> Result<Vlsm> {
    let ipv4 = net.addr().is_ipv4();
    if hosts.is_empty() || hosts.len() > MAX_SPLIT as usize {
        return Err(Error::invalid(
            input,
            format!("give 1 to {MAX_SPLIT} host counts"),
        ));
    }
    if hosts.contains(&0) {
        return Err(Error::invalid(input, "a host count is at least 1"));
    }
    let net = net.trunc();
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    let available = 1u128.checked_shl(host_bits).filter(|_| host_bits < 128);
    let mut order: Vec<(u128, Option<u128>)> =
        hosts.iter().map(|h| (*h, block_size(*h, ipv4))).collect();
    // Largest first; a block too large for the family sorts first and makes it not fit.
    order.sort_by_key(|(h, size)| std::cmp::Reverse((size.is_none(), *size, *h)));
    let needed = order
        .iter()
        .try_fold(0u128, |sum, (_, size)| sum.checked_add((*size)?));
    let fits = match (needed, available) {
        (Some(n), Some(a)) => n <= a,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let mut vlsm = Vlsm {
        blocks: Vec::new(),
        needed,
        available,
        fits,
        unused: Vec::new(),
    };
    if !fits {
        return Ok(vlsm);
    }
    let start = addr_to_u128(net.network());
    let mut offset = 0u128;
    for (requested, size) in order {
        let size = size.expect("sizes checked by fits");
        let prefix = net.max_prefix_len() - size.trailing_zeros() as u8;
        let block =
            IpNet::new(u128_to_addr(start + offset, ipv4), prefix).expect("prefix in range");
        vlsm.blocks.push(VlsmBlock {
            requested,
            net: block,
        });
        offset += size;
    }
    if needed != available {
        vlsm.unused = summarize_range(u128_to_addr(start + offset, ipv4), net.broadcast(), input)?;
    }
    Ok(vlsm)
}

fn addr_to_u128(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn u128_to_addr(value: u128, ipv4: bool) -> IpAddr {
    if ipv4 {
        IpAddr::V4(Ipv4Addr::from(value as u32))
    } else {
        IpAddr::V6(Ipv6Addr::from(value))
    }
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
            (32, PrefixSource::SingleAddress)
        );
        assert_eq!(iface("2001:db8::1/64").prefix, 64);
        assert_eq!(
            (iface("::1").prefix, iface("::1").prefix_source),
            (128, PrefixSource::SingleAddress)
        );
        let host = iface("10.0.0.9/0.0.0.255");
        assert_eq!(
            (host.prefix, host.prefix_source),
            (24, PrefixSource::Hostmask)
        );
        assert_eq!(
            iface("10.0.0.9/0.0.0.0").prefix_source,
            PrefixSource::Netmask
        );
        assert_eq!(iface("10.0.0.9/255.255.255.255").prefix, 32);
        assert_eq!(
            parse_interface("10.0.0.9", Some("0.0.255.255"))
                .unwrap()
                .prefix,
            16
        );
        let zoned = iface("fe80::1%eth0/64");
        assert_eq!(
            (zoned.addr.to_string(), zoned.prefix),
            ("fe80::1".into(), 64)
        );
        assert_eq!(
            split_zone("x", "fe80::1%eth0").unwrap(),
            ("fe80::1", Some("eth0"))
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
            (
                "fe80::1%/64",
                None,
                "fe80::1%/64: the zone after % must be one word (fe80::1%eth0)",
            ),
            (
                "10.0.0.1%eth0",
                None,
                "10.0.0.1%eth0: only IPv6 addresses take a %zone",
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
        assert_eq!(f.first_host.to_string(), "2001:db8::1");
        assert_eq!(f.last_host.to_string(), "2001:db8::ffff:ffff:ffff:ffff");
        assert_eq!(f.hosts, Some((1u128 << 64) - 1));
        assert_eq!(f.broadcast, None);
        assert_eq!(f.address_type, AddressType::Documentation);
        let all = facts(&iface("::/0"));
        assert_eq!((all.addresses, all.hosts), (None, Some(u128::MAX)));
        assert_eq!(facts(&iface("::1/128")).hosts, Some(1));
        let link = facts(&iface("2001:db8::1/127"));
        assert_eq!(
            (
                link.first_host.to_string(),
                link.last_host.to_string(),
                link.hosts
            ),
            ("2001:db8::".into(), "2001:db8::1".into(), Some(2))
        );
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

    #[test]
    fn ranges_lists_and_vlsm() {
        let ip = |t: &str| t.parse::<IpAddr>().unwrap();
        let blocks = summarize_range(ip("10.0.0.3"), ip("10.0.0.77"), "r").unwrap();
        let text: Vec<String> = blocks.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "10.0.0.3/32",
                "10.0.0.4/30",
                "10.0.0.8/29",
                "10.0.0.16/28",
                "10.0.0.32/27",
                "10.0.0.64/29",
                "10.0.0.72/30",
                "10.0.0.76/31"
            ]
        );
        assert_eq!(
            summarize_range(ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "r").unwrap(),
            ["::/0".parse::<IpNet>().unwrap()]
        );
        assert_eq!(
            summarize_range(ip("10.0.0.9"), ip("10.0.0.3"), "r")
                .unwrap_err()
                .to_string(),
            "r: the range starts at 10.0.0.9, after its end 10.0.0.3"
        );
        assert!(summarize_range(ip("10.0.0.9"), ip("::1"), "r").is_err());
        let nets: Vec<IpNet> = ["10.0.1.0/24", "fd00::/8", "10.0.0.0/24", "10.0.0.128/25"]
            .iter()
            .map(|t| parse_network(t).unwrap())
            .collect();
        assert_eq!(
            aggregate(&nets),
            [
                "10.0.0.0/23".parse::<IpNet>().unwrap(),
                "fd00::/8".parse().unwrap()
            ]
        );
        assert_eq!(
            parse_network("10.0.0.1/24").unwrap_err().to_string(),
            "10.0.0.1/24: host bits are set (the network is 10.0.0.0/24)"
        );
        let net: IpNet = "192.168.0.0/24".parse().unwrap();
        let plan = vlsm(net, &[10, 100, 50], "h").unwrap();
        let got: Vec<(u128, String)> = plan
            .blocks
            .iter()
            .map(|b| (b.requested, b.net.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                (100, "192.168.0.0/25".to_string()),
                (50, "192.168.0.128/26".to_string()),
                (10, "192.168.0.192/28".to_string())
            ]
        );
        assert_eq!(
            (plan.needed, plan.available, plan.fits),
            (Some(208), Some(256), true)
        );
        assert_eq!(
            plan.unused,
            [
                "192.168.0.208/28".parse::<IpNet>().unwrap(),
                "192.168.0.224/27".parse().unwrap()
            ]
        );
        let full = vlsm(net, &[126, 126], "h").unwrap();
        assert!(full.fits && full.unused.is_empty());
        let over = vlsm(net, &[127, 126], "h").unwrap();
        assert_eq!(
            (over.fits, over.needed, over.blocks.len()),
            (false, Some(384), 0)
        );
        let v6 = vlsm("2001:db8::/64".parse().unwrap(), &[1, 3], "h").unwrap();
        assert_eq!(v6.blocks[0].net.to_string(), "2001:db8::/126");
        assert_eq!(v6.blocks[1].net.to_string(), "2001:db8::4/127");
        assert!(!vlsm(net, &[u128::MAX], "h").unwrap().fits);
        assert_eq!(
            vlsm(net, &[0], "h").unwrap_err().to_string(),
            "h: a host count is at least 1"
        );
        assert_eq!(block_size(1, true), Some(4));
        assert_eq!(block_size(u128::from(u32::MAX), true), None);
    }
}
