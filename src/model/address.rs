//! What kind of address this is: one definition of address type, IPv6 scope and link-local that
//! `subnet`, `ifconfig` and `hostname` all use.
//!
//! The type comes from the IANA IPv4 and IPv6 Special-Purpose Address Registries (every entry,
//! named as the registry names it, with its RFCs and flags), completed by the address-space
//! registries for what the special-purpose ones leave out: multicast, the deprecated IPv6
//! site-local block, the IETF-reserved IPv6 space and global unicast. The registries nest
//! (192.0.0.9/32 inside 192.0.0.0/24, TEREDO inside 2001::/23); the most specific entry wins and
//! the enclosing ones are reported with it.
//!
//! [`ScopedAddr`] is the one parser of an address as a command takes it, with the IPv6 zone
//! that says which link a link-local address belongs to (`fe80::1%eth0`, `[fe80::1%2]:8001`):
//! the kernel needs that link as `sin6_scope_id`, so the zone travels with the address to the
//! socket, and back into every label that names it.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Serialize;

/// The coarse kind of an address: one word a script can switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AddressType {
    /// 0.0.0.0/32 or ::/128.
    Unspecified,
    /// 0.0.0.0/8, "this network" (RFC 791).
    ThisNetwork,
    /// RFC 1918 private-use.
    Private,
    /// 100.64.0.0/10, carrier-grade NAT (RFC 6598).
    Shared,
    /// 127.0.0.0/8 or ::1.
    Loopback,
    /// 169.254.0.0/16 or fe80::/10.
    LinkLocal,
    /// 192.0.0.0/24 or 2001::/23 where no more specific entry applies.
    ProtocolAssignment,
    /// TEST-NET-1/2/3, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// 198.18.0.0/15, 2001:2::/48.
    Benchmarking,
    /// 224.0.0.0/4 or ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// fc00::/7 (RFC 4193), IPv6's private range.
    UniqueLocal,
    /// fec0::/10, deprecated by RFC 3879.
    SiteLocal,
    /// ::ffff:0:0/96, an IPv4 address in IPv6 form.
    Ipv4Mapped,
    /// NAT64 prefixes and their discovery addresses.
    Translation,
    /// 100::/64, traffic to it is dropped (RFC 6666).
    Discard,
    /// A placeholder address that is never a real endpoint (192.0.0.8, 100:0:0:1::/64).
    Dummy,
    /// Transition tunnels: TEREDO, 6to4, 6a44, DS-Lite's service continuity prefix.
    Tunnel,
    /// Well-known anycast services: PCP, TURN, DNS-SD SRP, AMT, AS112.
    Anycast,
    /// Cryptographic identifiers that are not locators: ORCHID, ORCHIDv2, drone DETs.
    Identifier,
    /// 5f00::/16, SRv6 segment identifiers (RFC 9602).
    SegmentRouting,
    /// 240.0.0.0/4, or IPv6 space the IETF keeps unallocated.
    Reserved,
    /// Anything else: unicast routable on the Internet.
    Public,
}

/// One entry of an IANA special-purpose address registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SpecialRange {
    /// The address block.
    #[schemars(with = "String")]
    pub block: IpNet,
    /// The registry's name for it.
    pub name: &'static str,
    /// The RFCs the registry cites.
    pub rfc: &'static str,
    /// The coarse kind.
    #[serde(skip)]
    pub kind: AddressType,
    /// Valid as a source address (null where the registry says N/A).
    pub source: Option<bool>,
    /// Valid as a destination address.
    pub destination: Option<bool>,
    /// Routers may forward it.
    pub forwardable: Option<bool>,
    /// Reachable beyond its administrative domain.
    pub globally_reachable: Option<bool>,
    /// A protocol reserves it (it is not just allocated).
    pub reserved_by_protocol: Option<bool>,
    /// The registry lists it as deprecated (its flags are then N/A).
    pub deprecated: bool,
}

const T: Option<bool> = Some(true);
const F: Option<bool> = Some(false);
const NA: Option<bool> = None;

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> IpNet {
    IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len))
}

const fn v6(segments: [u16; 8], len: u8) -> IpNet {
    let [a, b, c, d, e, f, g, h] = segments;
    IpNet::V6(Ipv6Net::new_assert(
        Ipv6Addr::new(a, b, c, d, e, f, g, h),
        len,
    ))
}

/// An entry with its five flags: source, destination, forwardable, globally reachable,
/// reserved-by-protocol.
const fn entry(
    block: IpNet,
    name: &'static str,
    rfc: &'static str,
    kind: AddressType,
    flags: [Option<bool>; 5],
) -> SpecialRange {
    SpecialRange {
        block,
        name,
        rfc,
        kind,
        source: flags[0],
        destination: flags[1],
        forwardable: flags[2],
        globally_reachable: flags[3],
        reserved_by_protocol: flags[4],
        deprecated: false,
    }
}

const fn deprecated(
    block: IpNet,
    name: &'static str,
    rfc: &'static str,
    kind: AddressType,
) -> SpecialRange {
    SpecialRange {
        deprecated: true,
        ..entry(block, name, rfc, kind, [NA; 5])
    }
}

use AddressType as K;

/// The IANA IPv4 Special-Purpose Address Registry, every entry.
#[rustfmt::skip]
pub const IPV4_SPECIAL: &[SpecialRange] = &[
    entry(v4(0, 0, 0, 0, 8), "\"This network\"", "RFC 791", K::ThisNetwork, [T, F, F, F, T]),
    entry(v4(0, 0, 0, 0, 32), "\"This host on this network\"", "RFC 1122", K::Unspecified, [T, F, F, F, T]),
    entry(v4(10, 0, 0, 0, 8), "Private-Use", "RFC 1918", K::Private, [T, T, T, F, F]),
    entry(v4(100, 64, 0, 0, 10), "Shared Address Space", "RFC 6598", K::Shared, [T, T, T, F, F]),
    entry(v4(127, 0, 0, 0, 8), "Loopback", "RFC 1122", K::Loopback, [F, F, F, F, T]),
    entry(v4(169, 254, 0, 0, 16), "Link Local", "RFC 3927", K::LinkLocal, [T, T, F, F, T]),
    entry(v4(172, 16, 0, 0, 12), "Private-Use", "RFC 1918", K::Private, [T, T, T, F, F]),
    entry(v4(192, 0, 0, 0, 24), "IETF Protocol Assignments", "RFC 6890", K::ProtocolAssignment, [F, F, F, F, F]),
    entry(v4(192, 0, 0, 0, 29), "IPv4 Service Continuity Prefix", "RFC 7335", K::Tunnel, [T, T, T, F, F]),
    entry(v4(192, 0, 0, 8, 32), "IPv4 dummy address", "RFC 7600", K::Dummy, [T, F, F, F, F]),
    entry(v4(192, 0, 0, 9, 32), "Port Control Protocol Anycast", "RFC 7723", K::Anycast, [T, T, T, T, F]),
    entry(v4(192, 0, 0, 10, 32), "Traversal Using Relays around NAT Anycast", "RFC 8155", K::Anycast, [T, T, T, T, F]),
    entry(v4(192, 0, 0, 170, 32), "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050", K::Translation, [F, T, F, F, T]),
    entry(v4(192, 0, 0, 171, 32), "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050", K::Translation, [F, T, F, F, T]),
    entry(v4(192, 0, 2, 0, 24), "Documentation (TEST-NET-1)", "RFC 5737", K::Documentation, [F, F, F, F, F]),
    entry(v4(192, 31, 196, 0, 24), "AS112-v4", "RFC 7535", K::Anycast, [T, T, T, T, F]),
    entry(v4(192, 52, 193, 0, 24), "AMT", "RFC 7450", K::Anycast, [T, T, T, T, F]),
    deprecated(v4(192, 88, 99, 0, 24), "Deprecated (6to4 Relay Anycast)", "RFC 7526", K::Tunnel),
    entry(v4(192, 88, 99, 2, 32), "6a44-relay anycast address", "RFC 6751", K::Tunnel, [T, T, T, F, F]),
    entry(v4(192, 168, 0, 0, 16), "Private-Use", "RFC 1918", K::Private, [T, T, T, F, F]),
    entry(v4(192, 175, 48, 0, 24), "Direct Delegation AS112 Service", "RFC 7534", K::Anycast, [T, T, T, T, F]),
    entry(v4(198, 18, 0, 0, 15), "Benchmarking", "RFC 2544", K::Benchmarking, [T, T, T, F, F]),
    entry(v4(198, 51, 100, 0, 24), "Documentation (TEST-NET-2)", "RFC 5737", K::Documentation, [F, F, F, F, F]),
    entry(v4(203, 0, 113, 0, 24), "Documentation (TEST-NET-3)", "RFC 5737", K::Documentation, [F, F, F, F, F]),
    entry(v4(240, 0, 0, 0, 4), "Reserved", "RFC 1112", K::Reserved, [F, F, F, F, T]),
    entry(v4(255, 255, 255, 255, 32), "Limited Broadcast", "RFC 8190, RFC 919", K::Broadcast, [F, T, F, F, T]),
];

/// The IANA IPv6 Special-Purpose Address Registry, every entry.
#[rustfmt::skip]
pub const IPV6_SPECIAL: &[SpecialRange] = &[
    entry(v6([0, 0, 0, 0, 0, 0, 0, 1], 128), "Loopback Address", "RFC 4291", K::Loopback, [F, F, F, F, T]),
    entry(v6([0; 8], 128), "Unspecified Address", "RFC 4291", K::Unspecified, [T, F, F, F, T]),
    entry(v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), "IPv4-mapped Address", "RFC 4291", K::Ipv4Mapped, [F, F, F, F, T]),
    entry(v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), "IPv4-IPv6 Translat.", "RFC 6052", K::Translation, [T, T, T, T, F]),
    entry(v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), "IPv4-IPv6 Translat.", "RFC 8215", K::Translation, [T, T, T, F, F]),
    entry(v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64), "Discard-Only Address Block", "RFC 6666", K::Discard, [T, T, T, F, F]),
    entry(v6([0x100, 0, 0, 1, 0, 0, 0, 0], 64), "Dummy IPv6 Prefix", "RFC 9780", K::Dummy, [T, F, F, F, F]),
    entry(v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), "IETF Protocol Assignments", "RFC 2928", K::ProtocolAssignment, [F, F, F, F, F]),
    entry(v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32), "TEREDO", "RFC 4380, RFC 8190", K::Tunnel, [T, T, T, NA, NA]),
    entry(v6([0x2001, 1, 0, 0, 0, 0, 0, 1], 128), "Port Control Protocol Anycast", "RFC 7723", K::Anycast, [T, T, T, T, F]),
    entry(v6([0x2001, 1, 0, 0, 0, 0, 0, 2], 128), "Traversal Using Relays around NAT Anycast", "RFC 8155", K::Anycast, [T, T, T, T, F]),
    entry(v6([0x2001, 1, 0, 0, 0, 0, 0, 3], 128), "DNS-SD Service Registration Protocol Anycast", "RFC 9665", K::Anycast, [T, T, T, T, F]),
    entry(v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48), "Benchmarking", "RFC 5180", K::Benchmarking, [T, T, T, F, F]),
    entry(v6([0x2001, 3, 0, 0, 0, 0, 0, 0], 32), "AMT", "RFC 7450", K::Anycast, [T, T, T, T, F]),
    entry(v6([0x2001, 4, 0x112, 0, 0, 0, 0, 0], 48), "AS112-v6", "RFC 7535", K::Anycast, [T, T, T, T, F]),
    deprecated(v6([0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28), "Deprecated (previously ORCHID)", "RFC 4843", K::Identifier),
    entry(v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28), "ORCHIDv2", "RFC 7343", K::Identifier, [T, T, T, T, F]),
    entry(v6([0x2001, 0x30, 0, 0, 0, 0, 0, 0], 28), "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", K::Identifier, [T, T, T, T, F]),
    entry(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), "Documentation", "RFC 3849", K::Documentation, [F, F, F, F, F]),
    entry(v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16), "6to4", "RFC 3056", K::Tunnel, [T, T, T, NA, F]),
    entry(v6([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48), "Direct Delegation AS112 Service", "RFC 7534", K::Anycast, [T, T, T, T, F]),
    entry(v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), "Documentation", "RFC 9637", K::Documentation, [F, F, F, F, F]),
    entry(v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16), "Segment Routing (SRv6) SIDs", "RFC 9602", K::SegmentRouting, [T, T, T, F, F]),
    entry(v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), "Unique-Local", "RFC 4193, RFC 8190", K::UniqueLocal, [T, T, T, F, F]),
    entry(v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10), "Link-Local Unicast", "RFC 4291", K::LinkLocal, [T, T, F, F, T]),
];

/// The IPv6 blocks the IPv6 Address Space registry marks "Reserved by IETF" (RFC 4291): space
/// that is neither global unicast, unique local, link-local, site-local nor multicast.
const IPV6_IETF_RESERVED: &[IpNet] = &[
    v6([0; 8], 8),
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 8),
    v6([0x200, 0, 0, 0, 0, 0, 0, 0], 7),
    v6([0x400, 0, 0, 0, 0, 0, 0, 0], 6),
    v6([0x800, 0, 0, 0, 0, 0, 0, 0], 5),
    v6([0x1000, 0, 0, 0, 0, 0, 0, 0], 4),
    v6([0x4000, 0, 0, 0, 0, 0, 0, 0], 3),
    v6([0x6000, 0, 0, 0, 0, 0, 0, 0], 3),
    v6([0x8000, 0, 0, 0, 0, 0, 0, 0], 3),
    v6([0xa000, 0, 0, 0, 0, 0, 0, 0], 3),
    v6([0xc000, 0, 0, 0, 0, 0, 0, 0], 3),
    v6([0xe000, 0, 0, 0, 0, 0, 0, 0], 4),
    v6([0xf000, 0, 0, 0, 0, 0, 0, 0], 5),
    v6([0xf800, 0, 0, 0, 0, 0, 0, 0], 6),
    v6([0xfe00, 0, 0, 0, 0, 0, 0, 0], 9),
];

const IPV4_MULTICAST: IpNet = v4(224, 0, 0, 0, 4);
const IPV6_MULTICAST: IpNet = v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8);
const IPV6_SITE_LOCAL: IpNet = v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10);

/// Every special-purpose registry entry that contains `addr`, most specific first.
#[must_use]
pub fn special_ranges(addr: IpAddr) -> Vec<&'static SpecialRange> {
    let table = if addr.is_ipv4() {
        IPV4_SPECIAL
    } else {
        IPV6_SPECIAL
    };
    let mut found: Vec<&SpecialRange> = table.iter().filter(|r| r.block.contains(&addr)).collect();
    found.sort_by_key(|r| std::cmp::Reverse(r.block.prefix_len()));
    found
}

/// Whether `addr` lies in space the address-space registries keep unallocated: IPv4 240.0.0.0/4
/// (which holds 255.255.255.255) and the IPv6 blocks "Reserved by IETF". This is what Python's
/// `ipaddress` calls `is_reserved`.
#[must_use]
pub fn is_reserved(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => a.octets()[0] >= 240,
        IpAddr::V6(_) => IPV6_IETF_RESERVED.iter().any(|n| n.contains(&addr)),
    }
}

/// What an address is: its kind, the registry entry that decides it and the entries around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Classification {
    /// The coarse kind.
    pub kind: AddressType,
    /// The most specific special-purpose registry entry, if any.
    pub range: Option<&'static SpecialRange>,
    /// The less specific entries that also contain the address, innermost first.
    pub within: Vec<&'static SpecialRange>,
}

impl Classification {
    /// Whether the address is reachable beyond its administrative domain: the deciding
    /// registry entry's flag; true for public unicast; unknown (None) where the registry says
    /// N/A, for multicast (its reach is its scope) and for unallocated IPv6 space.
    #[must_use]
    pub fn globally_reachable(&self) -> Option<bool> {
        match self.range {
            Some(r) => r.globally_reachable,
            None => (self.kind == AddressType::Public).then_some(true),
        }
    }

    /// One line for people: the registry's name and RFC, or the kind.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut text = match self.range {
            Some(r) => format!("{} ({}, {})", r.name, r.block, r.rfc),
            None => self.kind.describe().to_string(),
        };
        if let Some(outer) = self.within.first() {
            text.push_str(&format!(", within {} ({})", outer.name, outer.block));
        }
        text
    }
}

impl AddressType {
    /// The human description of a kind that no registry entry names.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Multicast => "multicast",
            Self::SiteLocal => "site-local (fec0::/10, deprecated by RFC 3879)",
            Self::Reserved => "reserved by the IETF (unallocated)",
            Self::Public => "public",
            // Every other kind comes with a registry entry, described by its name.
            other => other.name(),
        }
    }

    /// The snake_case name, as in JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::ThisNetwork => "this_network",
            Self::Private => "private",
            Self::Shared => "shared",
            Self::Loopback => "loopback",
            Self::LinkLocal => "link_local",
            Self::ProtocolAssignment => "protocol_assignment",
            Self::Documentation => "documentation",
            Self::Benchmarking => "benchmarking",
            Self::Multicast => "multicast",
            Self::Broadcast => "broadcast",
            Self::UniqueLocal => "unique_local",
            Self::SiteLocal => "site_local",
            Self::Ipv4Mapped => "ipv4_mapped",
            Self::Translation => "translation",
            Self::Discard => "discard",
            Self::Dummy => "dummy",
            Self::Tunnel => "tunnel",
            Self::Anycast => "anycast",
            Self::Identifier => "identifier",
            Self::SegmentRouting => "segment_routing",
            Self::Reserved => "reserved",
            Self::Public => "public",
        }
    }
}

/// Classify an address: the most specific special-purpose entry decides; outside the
/// registries, multicast, site-local, IETF-reserved or public.
#[must_use]
pub fn classify(addr: IpAddr) -> Classification {
    let mut found = special_ranges(addr);
    if !found.is_empty() {
        let range = found.remove(0);
        return Classification {
            kind: range.kind,
            range: Some(range),
            within: found,
        };
    }
    let kind = match addr {
        _ if IPV4_MULTICAST.contains(&addr) || IPV6_MULTICAST.contains(&addr) => {
            AddressType::Multicast
        }
        _ if IPV6_SITE_LOCAL.contains(&addr) => AddressType::SiteLocal,
        _ if is_reserved(addr) => AddressType::Reserved,
        _ => AddressType::Public,
    };
    Classification {
        kind,
        range: None,
        within: Vec::new(),
    }
}

/// The coarse kind of an address (the kind of [`classify`]).
#[must_use]
pub fn address_type(addr: IpAddr) -> AddressType {
    classify(addr).kind
}

/// The scope of an IPv6 address (RFC 4007; multicast scopes from RFC 7346).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// ::1, or multicast scope 1: never leaves the interface (the kernel's "host").
    InterfaceLocal,
    /// fe80::/10, or multicast scope 2.
    LinkLocal,
    /// Multicast scope 3.
    RealmLocal,
    /// Multicast scope 4.
    AdminLocal,
    /// fec0::/10 (deprecated), or multicast scope 5.
    SiteLocal,
    /// Multicast scope 8.
    OrganizationLocal,
    /// Every other unicast address, or multicast scope 14.
    Global,
    /// Multicast scopes 0 and 15.
    Reserved(u8),
    /// The multicast scopes RFC 7346 leaves unassigned (6, 7, 9-13).
    Unassigned(u8),
}

impl Scope {
    /// The name `ip address` prints for an interface address (`host`, `link`, `site`,
    /// `global`); the multicast-only scopes get their RFC 7346 names.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InterfaceLocal => "host",
            Self::LinkLocal => "link",
            Self::SiteLocal => "site",
            Self::Global => "global",
            Self::RealmLocal => "realm-local",
            Self::AdminLocal => "admin-local",
            Self::OrganizationLocal => "organization-local",
            Self::Reserved(_) => "reserved",
            Self::Unassigned(_) => "unassigned",
        }
    }
}

/// The scope of an IPv6 address: for unicast as the kernel assigns it to an interface address
/// (::1 host, fe80::/10 link, fec0::/10 site, everything else global), for multicast the scope
/// field of the address.
#[must_use]
pub fn ipv6_scope(addr: Ipv6Addr) -> Scope {
    let first = addr.segments()[0];
    if IPV6_MULTICAST.contains(&IpAddr::V6(addr)) {
        return match (first & 0x000f) as u8 {
            1 => Scope::InterfaceLocal,
            2 => Scope::LinkLocal,
            3 => Scope::RealmLocal,
            4 => Scope::AdminLocal,
            5 => Scope::SiteLocal,
            8 => Scope::OrganizationLocal,
            14 => Scope::Global,
            s @ (0 | 15) => Scope::Reserved(s),
            s => Scope::Unassigned(s),
        };
    }
    if addr.is_loopback() {
        Scope::InterfaceLocal
    } else if first & 0xffc0 == 0xfe80 {
        Scope::LinkLocal
    } else if first & 0xffc0 == 0xfec0 {
        Scope::SiteLocal
    } else {
        Scope::Global
    }
}

/// Whether a unicast address is link-local: 169.254.0.0/16 or fe80::/10 (what Python's
/// `ipaddress` calls `is_link_local`; link-scoped multicast is not included, see [`ipv6_scope`]).
#[must_use]
pub fn is_link_local(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => a.is_link_local(),
        IpAddr::V6(a) => a.segments()[0] & 0xffc0 == 0xfe80,
    }
}

/// The longest interface name the kernel accepts (IFNAMSIZ less its terminating zero).
const MAX_ZONE_LEN: usize = 15;

/// Split an IPv6 zone off an address (`fe80::1%eth0` gives `fe80::1` and `eth0`); the reason
/// when the zone is malformed or follows an IPv4 address.
pub fn split_zone(text: &str) -> Result<(&str, Option<&str>), &'static str> {
    let Some((addr, zone)) = text.split_once('%') else {
        return Ok((text, None));
    };
    if !addr.contains(':') {
        return Err("only IPv6 addresses take a %zone");
    }
    if zone.is_empty() || zone.contains('%') || zone.chars().any(|c| c.is_control() || c == ' ') {
        return Err("the zone after % must be one word (fe80::1%eth0)");
    }
    Ok((addr, Some(zone)))
}

/// An address with the IPv6 zone it was given in: `fe80::1%eth0` or `fe80::1%2`. The zone is
/// kept as written for labels and resolved to the kernel's interface index (`scope_id`) by
/// `net::host::scoped`; an address without a zone has `scope_id` 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopedAddr {
    /// The address.
    pub ip: IpAddr,
    /// The zone: an interface name, or its index in decimal.
    pub zone: Option<String>,
    /// The interface index the zone names (0: none, or not resolved yet).
    pub scope_id: u32,
}

impl From<IpAddr> for ScopedAddr {
    fn from(ip: IpAddr) -> Self {
        Self {
            ip,
            zone: None,
            scope_id: 0,
        }
    }
}

impl ScopedAddr {
    /// Parse an address literal, brackets allowed, with an optional `%zone` after an IPv6
    /// address. `Ok(None)`: not an address (a host name); an error says what is wrong with the
    /// zone. A numeric zone is its own index; a name waits for `net::host::scoped`.
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        let inner = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(text);
        let (addr, zone) = match split_zone(inner) {
            Ok(split) => split,
            // `10.0.0.1%eth0` is an address with a misplaced zone; `a%b` is no address at all.
            Err(reason)
                if inner
                    .split('%')
                    .next()
                    .is_some_and(|a| a.parse::<IpAddr>().is_ok()) =>
            {
                return Err(reason.to_string());
            }
            Err(_) => return Ok(None),
        };
        let Ok(ip) = addr.parse::<IpAddr>() else {
            return Ok(None);
        };
        let Some(zone) = zone else {
            return Ok(Some(Self::from(ip)));
        };
        if zone.len() > MAX_ZONE_LEN || zone.contains('/') {
            return Err(format!(
                "the zone {zone} is not an interface name (at most {MAX_ZONE_LEN} characters, no /)"
            ));
        }
        let scope_id = if zone.bytes().all(|b| b.is_ascii_digit()) {
            match zone.parse::<u32>() {
                Ok(index) if index > 0 => index,
                _ => {
                    return Err(format!(
                        "the zone {zone} is not an interface index (1-{})",
                        u32::MAX
                    ));
                }
            }
        } else {
            0
        };
        Ok(Some(Self {
            ip,
            zone: Some(zone.to_string()),
            scope_id,
        }))
    }

    /// Parse an address with an optional port: `::1`, `[::1]:5353`, `fe80::1%eth0`,
    /// `[fe80::1%eth0]:53`, `127.0.0.1:53`; `port` when none is given. `Ok(None)`: not an
    /// address; an error names a bad port or zone.
    pub fn parse_with_port(text: &str, port: u16) -> Result<Option<(Self, u16)>, String> {
        if let Some(addr) = Self::parse(text)? {
            return Ok(Some((addr, port)));
        }
        let Some((host, port_text)) = text.rsplit_once(':') else {
            return Ok(None);
        };
        // An IPv6 address with a port needs its brackets, or its last group reads as the port.
        let bracketed = host.starts_with('[') && host.ends_with(']');
        let Some(addr) = Self::parse(host)?.filter(|a| bracketed || a.ip.is_ipv4()) else {
            return Ok(None);
        };
        match port_text.parse::<u16>() {
            Ok(port) => Ok(Some((addr, port))),
            Err(_) => Err(format!("'{port_text}' is not a port number (1-65535)")),
        }
    }

    /// A link-local IPv6 unicast address given without a zone: the kernel cannot tell which
    /// link it is on.
    #[must_use]
    pub fn lacks_zone(&self) -> bool {
        self.scope_id == 0 && self.ip.is_ipv6() && is_link_local(self.ip)
    }

    /// The socket address of `port` at this address, with the zone as `sin6_scope_id`.
    #[must_use]
    pub fn socket_addr(&self, port: u16) -> SocketAddr {
        match self.ip {
            IpAddr::V6(ip) => SocketAddr::V6(SocketAddrV6::new(ip, port, 0, self.scope_id)),
            ip @ IpAddr::V4(_) => SocketAddr::new(ip, port),
        }
    }

    /// This address with `port`: a socket address that prints as `[fe80::1%eth0]:8001`.
    #[must_use]
    pub fn endpoint(&self, port: u16) -> Endpoint {
        Endpoint {
            addr: self.socket_addr(port),
            zone: self.zone.clone(),
        }
    }
}

/// A socket address with the name of its IPv6 zone, for labels: `[fe80::1%eth0]:8001` where
/// `SocketAddr` would print the index (`[fe80::1%2]:8001`). In JSON, the same string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The socket address, its zone as `scope_id`.
    pub addr: SocketAddr,
    /// The zone's interface name, when it has one.
    pub zone: Option<String>,
}

impl Endpoint {
    /// The address part.
    #[must_use]
    pub fn ip(&self) -> IpAddr {
        self.addr.ip()
    }

    /// The port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Whether it is an IPv6 socket address.
    #[must_use]
    pub fn is_ipv6(&self) -> bool {
        self.addr.is_ipv6()
    }
}

impl From<SocketAddr> for Endpoint {
    fn from(addr: SocketAddr) -> Self {
        Self { addr, zone: None }
    }
}

/// `[fe80::1%eth0]:8001`, `[::1]:53`, `127.0.0.1:53`.
impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.addr, &self.zone) {
            (SocketAddr::V6(a), Some(zone)) => write!(f, "[{}%{zone}]:{}", a.ip(), a.port()),
            (addr, _) => write!(f, "{addr}"),
        }
    }
}

impl Serialize for Endpoint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An address literal with an optional zone, which stays unresolved (`scope_id` 0 for a name).
impl std::str::FromStr for ScopedAddr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text)?.ok_or_else(|| format!("{text}: not an IP address"))
    }
}

/// In JSON, the address as it prints (`"fe80::1%eth0"`).
/// A string schema, for the types that serialize as their text.
fn text_schema(description: &str) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "description": description })
}

impl schemars::JsonSchema for Endpoint {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Endpoint".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        text_schema("A socket address: `127.0.0.1:53`, `[::1]:53`, `[fe80::1%eth0]:8001`.")
    }
}

impl schemars::JsonSchema for ScopedAddr {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ScopedAddr".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        text_schema("An address, with its zone when link-local: `10.0.0.1`, `fe80::1%eth0`.")
    }
}

impl Serialize for ScopedAddr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// `fe80::1%eth0`, or the bare address without a zone.
impl fmt::Display for ScopedAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.zone {
            Some(zone) => write!(f, "{}%{zone}", self.ip),
            None => write!(f, "{}", self.ip),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn registry_blocks_are_canonical_and_unique() {
        for table in [IPV4_SPECIAL, IPV6_SPECIAL] {
            for (i, r) in table.iter().enumerate() {
                assert_eq!(r.block, r.block.trunc(), "{} has host bits", r.block);
                assert!(
                    table[i + 1..].iter().all(|o| o.block != r.block),
                    "{} listed twice",
                    r.block
                );
                assert!(r.rfc.starts_with("RFC "), "{}", r.block);
            }
        }
        assert_eq!((IPV4_SPECIAL.len(), IPV6_SPECIAL.len()), (26, 25));
    }

    #[test]
    #[rustfmt::skip]
    fn most_specific_entry_wins() {
        let table = [
            ("0.0.0.0", "\"This host on this network\"", AddressType::Unspecified, F),
            ("0.1.2.3", "\"This network\"", AddressType::ThisNetwork, F),
            ("10.0.0.1", "Private-Use", AddressType::Private, F),
            ("172.31.255.255", "Private-Use", AddressType::Private, F),
            ("100.64.0.1", "Shared Address Space", AddressType::Shared, F),
            ("127.0.0.1", "Loopback", AddressType::Loopback, F),
            ("169.254.1.1", "Link Local", AddressType::LinkLocal, F),
            ("192.0.0.1", "IPv4 Service Continuity Prefix", AddressType::Tunnel, F),
            ("192.0.0.8", "IPv4 dummy address", AddressType::Dummy, F),
            ("192.0.0.9", "Port Control Protocol Anycast", AddressType::Anycast, T),
            ("192.0.0.10", "Traversal Using Relays around NAT Anycast", AddressType::Anycast, T),
            ("192.0.0.11", "IETF Protocol Assignments", AddressType::ProtocolAssignment, F),
            ("192.0.0.171", "NAT64/DNS64 Discovery", AddressType::Translation, F),
            ("192.0.2.1", "Documentation (TEST-NET-1)", AddressType::Documentation, F),
            ("192.31.196.1", "AS112-v4", AddressType::Anycast, T),
            ("192.52.193.1", "AMT", AddressType::Anycast, T),
            ("192.88.99.1", "Deprecated (6to4 Relay Anycast)", AddressType::Tunnel, NA),
            ("192.88.99.2", "6a44-relay anycast address", AddressType::Tunnel, F),
            ("192.175.48.1", "Direct Delegation AS112 Service", AddressType::Anycast, T),
            ("198.19.255.255", "Benchmarking", AddressType::Benchmarking, F),
            ("198.51.100.7", "Documentation (TEST-NET-2)", AddressType::Documentation, F),
            ("203.0.113.9", "Documentation (TEST-NET-3)", AddressType::Documentation, F),
            ("240.0.0.1", "Reserved", AddressType::Reserved, F),
            ("255.255.255.255", "Limited Broadcast", AddressType::Broadcast, F),
            ("::", "Unspecified Address", AddressType::Unspecified, F),
            ("::1", "Loopback Address", AddressType::Loopback, F),
            ("::ffff:10.0.0.1", "IPv4-mapped Address", AddressType::Ipv4Mapped, F),
            ("64:ff9b::8.8.8.8", "IPv4-IPv6 Translat.", AddressType::Translation, T),
            ("64:ff9b:1::1", "IPv4-IPv6 Translat.", AddressType::Translation, F),
            ("100::1", "Discard-Only Address Block", AddressType::Discard, F),
            ("100:0:0:1::1", "Dummy IPv6 Prefix", AddressType::Dummy, F),
            ("2001::1", "TEREDO", AddressType::Tunnel, NA),
            ("2001:1::1", "Port Control Protocol Anycast", AddressType::Anycast, T),
            ("2001:1::3", "DNS-SD Service Registration Protocol Anycast", AddressType::Anycast, T),
            ("2001:1::4", "IETF Protocol Assignments", AddressType::ProtocolAssignment, F),
            ("2001:2::1", "Benchmarking", AddressType::Benchmarking, F),
            ("2001:2:1::1", "IETF Protocol Assignments", AddressType::ProtocolAssignment, F),
            ("2001:3::1", "AMT", AddressType::Anycast, T),
            ("2001:4:112::1", "AS112-v6", AddressType::Anycast, T),
            ("2001:10::1", "Deprecated (previously ORCHID)", AddressType::Identifier, NA),
            ("2001:20::1", "ORCHIDv2", AddressType::Identifier, T),
            ("2001:30::1", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", AddressType::Identifier, T),
            ("2001:db8::1", "Documentation", AddressType::Documentation, F),
            ("2002::1", "6to4", AddressType::Tunnel, NA),
            ("2620:4f:8000::1", "Direct Delegation AS112 Service", AddressType::Anycast, T),
            ("3fff:fff::1", "Documentation", AddressType::Documentation, F),
            ("5f00::1", "Segment Routing (SRv6) SIDs", AddressType::SegmentRouting, F),
            ("fd00::1", "Unique-Local", AddressType::UniqueLocal, F),
            ("fe80::1", "Link-Local Unicast", AddressType::LinkLocal, F),
        ];
        for (addr, name, kind, reach) in table {
            let c = classify(ip(addr));
            assert_eq!(c.range.map(|r| r.name), Some(name), "{addr}");
            assert_eq!((c.kind, c.globally_reachable()), (kind, reach), "{addr}");
        }
    }

    #[test]
    fn outside_the_special_registries() {
        let table = [
            ("8.8.8.8", AddressType::Public, T),
            ("172.32.0.1", AddressType::Public, T),
            ("100.128.0.1", AddressType::Public, T),
            ("224.0.0.251", AddressType::Multicast, NA),
            ("2606:4700::1", AddressType::Public, T),
            ("2001:200::1", AddressType::Public, T),
            ("3fff:1000::1", AddressType::Public, T),
            ("ff02::1", AddressType::Multicast, NA),
            ("fec0::1", AddressType::SiteLocal, NA),
            ("4000::1", AddressType::Reserved, NA),
            ("::2", AddressType::Reserved, NA),
        ];
        for (addr, kind, reach) in table {
            let c = classify(ip(addr));
            assert_eq!(
                (c.range, c.kind, c.globally_reachable()),
                (None, kind, reach),
                "{addr}"
            );
        }
    }

    #[test]
    fn descriptions_name_the_range_and_what_encloses_it() {
        assert_eq!(
            classify(ip("2001::1")).describe(),
            "TEREDO (2001::/32, RFC 4380, RFC 8190), within IETF Protocol Assignments (2001::/23)"
        );
        assert_eq!(
            classify(ip("10.1.2.3")).describe(),
            "Private-Use (10.0.0.0/8, RFC 1918)"
        );
        assert_eq!(classify(ip("8.8.8.8")).describe(), "public");
    }

    #[test]
    fn scopes() {
        let table = [
            ("::1", Scope::InterfaceLocal, "host"),
            ("fe80::1", Scope::LinkLocal, "link"),
            ("febf::1", Scope::LinkLocal, "link"),
            ("fec0::1", Scope::SiteLocal, "site"),
            ("2001:db8::1", Scope::Global, "global"),
            ("::", Scope::Global, "global"),
            ("fd00::1", Scope::Global, "global"),
            ("ff01::1", Scope::InterfaceLocal, "host"),
            ("ff02::1", Scope::LinkLocal, "link"),
            ("ff12::1", Scope::LinkLocal, "link"),
            ("ff03::1", Scope::RealmLocal, "realm-local"),
            ("ff04::1", Scope::AdminLocal, "admin-local"),
            ("ff05::2", Scope::SiteLocal, "site"),
            ("ff08::1", Scope::OrganizationLocal, "organization-local"),
            ("ff0e::1", Scope::Global, "global"),
            ("ff00::1", Scope::Reserved(0), "reserved"),
            ("ff0f::1", Scope::Reserved(15), "reserved"),
            ("ff06::1", Scope::Unassigned(6), "unassigned"),
        ];
        for (addr, scope, name) in table {
            let got = ipv6_scope(addr.parse().unwrap());
            assert_eq!((got, got.as_str()), (scope, name), "{addr}");
        }
    }

    #[test]
    fn link_local_and_reserved() {
        for (addr, link, reserved) in [
            ("169.254.0.1", true, false),
            ("169.255.0.1", false, false),
            ("fe80::1", true, false),
            ("fec0::1", false, false),
            ("ff02::1", false, false),
            ("240.0.0.1", false, true),
            ("255.255.255.255", false, true),
            ("239.255.255.255", false, false),
            ("::2", false, true),
            ("4000::", false, true),
            ("2000::", false, false),
            ("fe00::", false, true),
        ] {
            assert_eq!(
                (is_link_local(ip(addr)), is_reserved(ip(addr))),
                (link, reserved),
                "{addr}"
            );
        }
    }
    #[test]
    fn scoped_addresses() {
        let ok: &[(&str, &str, Option<&str>, u32)] = &[
            ("::1", "::1", None, 0),
            ("[::1]", "::1", None, 0),
            ("127.0.0.1", "127.0.0.1", None, 0),
            ("fe80::1%eth0", "fe80::1", Some("eth0"), 0),
            ("[fe80::1%veth0]", "fe80::1", Some("veth0"), 0),
            ("fe80::1%3", "fe80::1", Some("3"), 3),
            ("ff02::1%lo", "ff02::1", Some("lo"), 0),
        ];
        for (text, ip_text, zone, scope_id) in ok {
            let got = ScopedAddr::parse(text).unwrap().unwrap();
            assert_eq!(
                (got.ip, got.zone.as_deref(), got.scope_id),
                (ip(ip_text), *zone, *scope_id),
                "{text}"
            );
            assert_eq!(got.to_string(), text.trim_matches(['[', ']']), "{text}");
        }
        for name in ["localhost", "host%eth0", "a.b", "fe80::zz"] {
            assert_eq!(ScopedAddr::parse(name), Ok(None), "{name}");
        }
        assert_eq!(
            "localhost".parse::<ScopedAddr>(),
            Err("localhost: not an IP address".to_string())
        );
        assert_eq!("fe80::1%3".parse::<ScopedAddr>().map(|a| a.scope_id), Ok(3));
        let bad = [
            ("10.0.0.1%eth0", "only IPv6 addresses take a %zone"),
            (
                "fe80::1%",
                "the zone after % must be one word (fe80::1%eth0)",
            ),
            (
                "fe80::1%a%b",
                "the zone after % must be one word (fe80::1%eth0)",
            ),
            (
                "fe80::1%a b",
                "the zone after % must be one word (fe80::1%eth0)",
            ),
            (
                "fe80::1%0",
                "the zone 0 is not an interface index (1-4294967295)",
            ),
            (
                "fe80::1%99999999999",
                "the zone 99999999999 is not an interface index (1-4294967295)",
            ),
            (
                "fe80::1%a/b",
                "the zone a/b is not an interface name (at most 15 characters, no /)",
            ),
            (
                "fe80::1%abcdefghijklmnop",
                "the zone abcdefghijklmnop is not an interface name (at most 15 characters, no /)",
            ),
        ];
        for (text, want) in bad {
            assert_eq!(ScopedAddr::parse(text), Err(want.to_string()), "{text}");
        }
    }

    #[test]
    fn scoped_socket_addresses_and_labels() {
        let mut a = ScopedAddr::parse("fe80::1%veth0").unwrap().unwrap();
        assert!(a.lacks_zone(), "a named zone is not resolved yet");
        a.scope_id = 7;
        assert!(!a.lacks_zone());
        assert_eq!(a.endpoint(8001).to_string(), "[fe80::1%veth0]:8001");
        assert_eq!(
            serde_json::to_string(&a.endpoint(8001)).unwrap(),
            "\"[fe80::1%veth0]:8001\""
        );
        let SocketAddr::V6(sa) = a.socket_addr(8001) else {
            panic!("IPv6")
        };
        assert_eq!((sa.port(), sa.scope_id()), (8001, 7));
        assert!(ScopedAddr::from(ip("fe80::1")).lacks_zone());
        assert!(!ScopedAddr::from(ip("2001:db8::1")).lacks_zone());
        assert!(!ScopedAddr::from(ip("169.254.0.1")).lacks_zone());
        let plain = |t: &str, port| ScopedAddr::from(ip(t)).endpoint(port).to_string();
        assert_eq!(plain("10.0.0.1", 53), "10.0.0.1:53");
        assert_eq!(plain("::1", 53), "[::1]:53");
        let kernel: SocketAddr = "[fe80::1%4]:9".parse().unwrap();
        assert_eq!(Endpoint::from(kernel).to_string(), "[fe80::1%4]:9");
    }

    #[test]
    fn scoped_addresses_with_ports() {
        let parse = |t: &str| {
            ScopedAddr::parse_with_port(t, 53).map(|o| o.map(|(a, p)| (a.to_string(), p)))
        };
        for (text, addr, port) in [
            ("::1", "::1", 53),
            ("[::1]:5353", "::1", 5353),
            ("127.0.0.1:5353", "127.0.0.1", 5353),
            ("fe80::1%eth0", "fe80::1%eth0", 53),
            ("[fe80::1%eth0]:54", "fe80::1%eth0", 54),
            ("[fe80::1%2]", "fe80::1%2", 53),
        ] {
            assert_eq!(parse(text), Ok(Some((addr.to_string(), port))), "{text}");
        }
        assert_eq!(parse("dns.example"), Ok(None));
        assert_eq!(parse("dns.example:53"), Ok(None));
        assert_eq!(
            parse("127.0.0.1:x"),
            Err("'x' is not a port number (1-65535)".into())
        );
        assert_eq!(
            parse("[fe80::1%eth0]:70000"),
            Err("'70000' is not a port number (1-65535)".into())
        );
        assert_eq!(
            parse("[10.0.0.1%eth0]:53"),
            Err("only IPv6 addresses take a %zone".into())
        );
    }
}
