//! `nettool subnet`: the subnet-mask arithmetic of a socket-programming course. An address AND
//! its mask gives the network; two addresses are in the same network when both ANDs agree.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::subnet::{self, Facts, PrefixSource, Split};
use crate::output::{self, Output, Paint, paint, words};

mod lists;

/// Arguments of `nettool subnet`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// The address: 192.168.21.36/24, 192.168.21.36/255.255.255.0, a hostmask
    /// (10.0.0.0/0.0.0.255), 2001:db8::1/64, fe80::1%eth0/64, or bare (a single address); a range
    /// (10.0.0.3 - 10.0.0.77) prints the CIDR blocks that cover it
    #[arg(
        value_name = "ADDRESS[/PREFIX]",
        allow_negative_numbers = true,
        required_unless_present = "aggregate"
    )]
    pub address: Option<String>,

    /// A dotted netmask (192.168.21.36 255.255.255.0) and/or an address to test for the same
    /// network (192.168.21.36/24 192.168.21.21, or with the same prefix 192.168.21.21/24); with
    /// --aggregate, more prefixes
    #[arg(value_name = "NETMASK|ADDRESS", num_args = 0.., allow_negative_numbers = true)]
    pub rest: Vec<String>,

    /// Show address, mask and network in binary, laid out as address AND mask = network
    #[arg(short, long)]
    pub binary: bool,

    /// Split the network: into subnets of a prefix (/26), or into N equal subnets (4)
    #[arg(long, value_name = "/PREFIX|N", conflicts_with = "hosts")]
    pub split: Option<String>,

    /// Split the network by host counts (VLSM): a block for each count, largest first, packed
    /// from the network's start
    #[arg(
        long,
        value_name = "N,N,...",
        value_delimiter = ',',
        conflicts_with = "binary"
    )]
    pub hosts: Vec<String>,

    /// Merge the prefixes given (or read from stdin, one a line, when none or `-` is given)
    /// into the fewest networks that cover the same addresses
    #[arg(long, conflicts_with_all = ["binary", "split", "hosts"])]
    pub aggregate: bool,
}

const JSON_FIELDS: &str = "JSON output (--json), one document: input, address, zone (the IPv6 \
zone after %, or null), version (4|6), prefix, prefix_source (cidr|netmask|hostmask|\
single_address), netmask, wildcard, network, cidr, broadcast (null for /31, /32 and IPv6), \
first_host, last_host (IPv6 leaves out the Subnet-Router anycast address, the prefix's first), \
addresses and hosts (numbers; addresses null for ::/0), class (A-E, null for IPv6), \
address_type (unspecified, this_network, private, shared, loopback, link_local, \
protocol_assignment, documentation, benchmarking, multicast, broadcast, unique_local, \
site_local, ipv4_mapped, translation, discard, dummy, tunnel, anycast, identifier, \
segment_routing, reserved, public), special_use (null, or the IANA special-purpose registry \
entry holding the address: block, name, rfc, source, destination, forwardable, \
globally_reachable, reserved_by_protocol, deprecated), globally_reachable (true, false, or null \
when the registries do not say). With --binary: binary {address, netmask, network}. With a \
second address: compare {address, network, same_network}. With --split: subnets [{cidr, \
network, first_host, last_host, broadcast, hosts}]. A range: {input, first, last, addresses, \
blocks [cidr]}. --aggregate: {prefixes_in, networks [cidr]}. --hosts: {network, \
needed_addresses, available_addresses, fits, subnets [{requested_hosts, cidr, network, \
first_host, last_host, broadcast, hosts}], unused [cidr]}. Exit status: 0; with a second \
address 0 when both are in the same network and 1 when not; with --hosts 1 when the blocks do \
not fit; 2 for invalid input.";

/// What `nettool subnet` was asked to do, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The facts about one address and its network.
    Facts(Config),
    /// A range as CIDR blocks.
    Range {
        /// The range as typed.
        input: String,
        /// Its first address.
        first: IpAddr,
        /// Its last address.
        last: IpAddr,
    },
    /// Merge prefixes: these, or (None) those on stdin.
    Aggregate(Option<Vec<IpNet>>),
    /// Split a network by host counts.
    Vlsm {
        /// The input as typed.
        input: String,
        /// The network.
        net: IpNet,
        /// The host counts.
        hosts: Vec<u128>,
    },
}

/// Validated arguments for the facts of one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The input as typed, for the report.
    pub input: String,
    /// The address and its prefix.
    pub iface: subnet::Interface,
    /// The IPv6 zone after `%`.
    pub zone: Option<String>,
    /// The second address, when testing for the same network.
    pub compare: Option<IpAddr>,
    /// Whether to show the binary layout.
    pub binary: bool,
    /// How to split the network.
    pub split: Option<Split>,
}

impl TryFrom<Args> for Mode {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let address = args.address.clone().unwrap_or_default();
        if args.aggregate {
            let texts: Vec<&str> = args
                .address
                .iter()
                .chain(&args.rest)
                .map(String::as_str)
                .collect();
            if texts.is_empty() || texts == ["-"] {
                return Ok(Self::Aggregate(None));
            }
            let nets = texts
                .iter()
                .map(|t| subnet::parse_network(t))
                .collect::<Result<Vec<_>>>()?;
            return Ok(Self::Aggregate(Some(nets)));
        }
        let range = match (address.split_once('-'), args.rest.as_slice()) {
            (None, [dash, last]) if dash == "-" => Some((address.as_str(), last.as_str())),
            (Some((a, b)), []) if !a.is_empty() => Some((a.trim(), b.trim())),
            _ => None,
        };
        if let Some((a, b)) = range {
            let input = format!("{a} - {b}");
            let parse = |t: &str| {
                subnet::parse_addr(t).map_err(|e| match e {
                    Error::Invalid { reason, .. } => Error::invalid(t, reason),
                    other => other,
                })
            };
            let (first, last) = (parse(a)?, parse(b)?);
            subnet::summarize_range(first, last, &input)?;
            return Ok(Self::Range { input, first, last });
        }
        if !args.hosts.is_empty() {
            if let Some(extra) = args.rest.first() {
                return Err(Error::invalid(
                    extra,
                    "--hosts takes one network: give NETWORK/PREFIX --hosts N,N,...",
                ));
            }
            let iface = subnet::parse_interface(&address, None)?;
            let hosts = lists::parse_hosts(&args.hosts)?;
            let net = iface.net();
            subnet::vlsm(net, &hosts, &address)?;
            return Ok(Self::Vlsm {
                input: address,
                net,
                hosts,
            });
        }
        Config::try_from(args).map(Self::Facts)
    }
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let address = args.address.clone().unwrap_or_default();
        let mut rest = args.rest.iter().map(String::as_str);
        let mut second = rest.next();
        let has_prefix = address.contains('/');
        // After an IPv4 address without a prefix, a second argument shaped like a mask (a valid
        // netmask or hostmask, or one starting 255. or 0., which no host address does) is its
        // mask, as with `ipcalc ADDRESS NETMASK`; any other address is the one to compare.
        let mask = match second {
            Some(s) if !has_prefix && !address.contains(':') && looks_like_mask(s) => {
                subnet::parse_mask(s)?;
                second = rest.next();
                Some(s)
            }
            _ => None,
        };
        if let Some(extra) = rest.next() {
            return Err(Error::invalid(
                extra,
                "too many arguments: give ADDRESS [NETMASK] [ADDRESS]",
            ));
        }
        let iface = subnet::parse_interface(&address, mask)?;
        let addr_part = address.trim().split('/').next().unwrap_or_default();
        let zone = subnet::split_zone(&address, addr_part)?
            .1
            .map(str::to_string);
        let compare = match second {
            None => None,
            Some(text) => {
                if iface.prefix_source == subnet::PrefixSource::SingleAddress {
                    let hint = match iface.addr {
                        IpAddr::V4(a) => subnet::class_of(a).default_prefix().unwrap_or(24),
                        IpAddr::V6(_) => 64,
                    };
                    return Err(Error::invalid(
                        &address,
                        format!(
                            "no prefix to compare with: give one ({}/{hint}) or a netmask",
                            iface.addr
                        ),
                    ));
                }
                let other = compare_address(text, &iface, &address)?;
                if other.is_ipv4() != iface.addr.is_ipv4() {
                    return Err(Error::invalid(
                        text,
                        format!("cannot compare with {}: the families differ", iface.addr),
                    ));
                }
                Some(other)
            }
        };
        let split = args.split.as_deref().map(subnet::parse_split).transpose()?;
        if let Some(how) = split {
            // Validate now, so a bad split is an input error before anything is printed.
            subnet::split(iface.net(), how, args.split.as_deref().unwrap_or_default())?;
        }
        let input = match mask {
            Some(m) => format!("{address} {m}"),
            None => address.clone(),
        };
        Ok(Self {
            input,
            iface,
            zone,
            compare,
            binary: args.binary,
            split,
        })
    }
}

/// The address to compare with: bare, or with the first address's own prefix or netmask
/// (`192.168.1.10/24 192.168.2.10/24`). A different prefix would ask a different question, so
/// the error shows the form that asks this one.
fn compare_address(text: &str, first: &subnet::Interface, first_text: &str) -> Result<IpAddr> {
    if !text.contains('/') {
        return subnet::parse_addr(text);
    }
    let other = subnet::parse_interface(text, None)?;
    if other.prefix != first.prefix {
        return Err(Error::invalid(
            text,
            format!(
                "its prefix /{} differs from the /{} of {first_text}; to test whether {} is in \
                 {}'s network, give it without a prefix: nettool subnet {first_text} {}",
                other.prefix, first.prefix, other.addr, first.addr, other.addr
            ),
        ));
    }
    Ok(other.addr)
}

/// Whether a second argument is meant as a netmask rather than an address to compare.
fn looks_like_mask(text: &str) -> bool {
    subnet::is_netmask(text) || text.starts_with("255.") || text.starts_with("0.")
}

/// The three lines of the AND, in binary.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct BinaryLayout {
    /// The address in binary.
    pub address: String,
    /// The netmask in binary.
    pub netmask: String,
    /// The network (address AND netmask) in binary.
    pub network: String,
}

/// The same-network test.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Compare {
    /// The second address.
    pub address: IpAddr,
    /// The second address AND the netmask.
    pub network: IpAddr,
    /// Whether both ANDs agree.
    pub same_network: bool,
    #[serde(skip)]
    binary: Option<(String, String)>,
}

/// One row of a split.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SubnetRow {
    /// The subnet in CIDR form.
    #[schemars(with = "String")]
    pub cidr: IpNet,
    /// Its network address.
    pub network: IpAddr,
    /// Its first usable host.
    pub first_host: IpAddr,
    /// Its last usable host.
    pub last_host: IpAddr,
    /// Its broadcast address (IPv4 /30 and larger).
    pub broadcast: Option<IpAddr>,
    /// Its usable hosts.
    pub hosts: Option<u128>,
}

impl SubnetRow {
    /// The row for a subnet.
    #[must_use]
    pub fn of(net: IpNet) -> Self {
        let f = subnet::facts(&subnet::Interface {
            addr: net.network(),
            prefix: net.prefix_len(),
            prefix_source: PrefixSource::Cidr,
        });
        Self {
            cidr: net,
            network: f.network,
            first_host: f.first_host,
            last_host: f.last_host,
            broadcast: f.broadcast,
            hosts: f.hosts,
        }
    }

    /// The table cells: subnet, first host, last host, broadcast, hosts.
    #[must_use]
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.cidr.to_string(),
            self.first_host.to_string(),
            self.last_host.to_string(),
            self.broadcast.map_or_else(|| "-".into(), |b| b.to_string()),
            count(self.hosts),
        ]
    }
}

/// What `nettool subnet` reports.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SubnetReport {
    /// The input as typed.
    pub input: String,
    /// The IPv6 zone after `%`.
    pub zone: Option<String>,
    /// The facts about the address and its network.
    #[serde(flatten)]
    pub facts: Facts,
    /// The binary layout (with --binary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary: Option<BinaryLayout>,
    /// The same-network test (with a second address).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<Compare>,
    /// The split (with --split).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<SubnetRow>>,
}

/// Build the report for a config (no I/O).
pub fn report(config: &Config) -> Result<SubnetReport> {
    let facts = subnet::facts(&config.iface);
    let binary = config.binary.then(|| BinaryLayout {
        address: subnet::binary(facts.address),
        netmask: subnet::binary(facts.netmask),
        network: subnet::binary(facts.network),
    });
    let compare = config.compare.map(|other| {
        let network = subnet::and(other, facts.netmask);
        Compare {
            address: other,
            network,
            same_network: network == facts.network,
            binary: config
                .binary
                .then(|| (subnet::binary(other), subnet::binary(network))),
        }
    });
    let subnets = match config.split {
        None => None,
        Some(how) => Some(
            subnet::split(facts.cidr, how, &config.input)?
                .into_iter()
                .map(SubnetRow::of)
                .collect(),
        ),
    };
    Ok(SubnetReport {
        input: config.input.clone(),
        zone: config.zone.clone(),
        facts,
        binary,
        compare,
        subnets,
    })
}

fn count(n: Option<u128>) -> String {
    n.map_or_else(|| "2^128".to_string(), |n| n.to_string())
}

impl fmt::Display for SubnetReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = &self.facts;
        let origin = match (x.prefix_source, x.class) {
            (PrefixSource::SingleAddress, Some(class)) => {
                let default = class.default_prefix().map_or_else(
                    || format!("; class {class:?} has no default mask"),
                    |p| format!("; class {class:?}'s default mask would be /{p}"),
                );
                format!("  (no mask given: a single address{default})")
            }
            (PrefixSource::SingleAddress, None) => "  (no prefix given: a single address)".into(),
            (PrefixSource::Hostmask, _) => format!("  (from the hostmask {})", x.wildcard),
            _ => String::new(),
        };
        writeln!(f, "Address:     {}", paint(x.address, Paint::Address))?;
        if let Some(zone) = &self.zone {
            writeln!(f, "Zone:        {zone}")?;
        }
        if x.version == 4 {
            writeln!(f, "Netmask:     {} = /{}{origin}", x.netmask, x.prefix)?;
        } else {
            writeln!(f, "Prefix:      /{}{origin}", x.prefix)?;
        }
        writeln!(f, "Wildcard:    {}", x.wildcard)?;
        writeln!(f, "Network:     {}", paint(x.cidr, Paint::Address))?;
        match x.broadcast {
            Some(b) => writeln!(f, "Broadcast:   {b}")?,
            None if x.version == 4 && x.prefix == 31 => {
                writeln!(f, "Broadcast:   none (point-to-point link, RFC 3021)")?;
            }
            None if x.version == 4 => writeln!(f, "Broadcast:   none (a single host)")?,
            None => writeln!(f, "Broadcast:   none (IPv6 has no broadcast)")?,
        }
        if x.version == 6 && x.prefix < 127 {
            // RFC 4291 2.6.1: routers answer the prefix's first address; no host may use it.
            writeln!(
                f,
                "First host:  {}  (after {}, the Subnet-Router anycast address)",
                x.first_host, x.network
            )?;
        } else {
            writeln!(f, "First host:  {}", x.first_host)?;
        }
        writeln!(f, "Last host:   {}", x.last_host)?;
        writeln!(f, "Hosts:       {}", count(x.hosts))?;
        if let Some(class) = x.class {
            writeln!(f, "Class:       {class:?}")?;
        }
        write!(f, "Type:        {}", x.type_text)?;
        // With a second address the binary AND is shown side by side below, not twice.
        if let (Some(b), None) = (&self.binary, &self.compare) {
            let width = b.address.len();
            writeln!(f, "\n")?;
            writeln!(f, "    {}  {}", b.address, x.address)?;
            writeln!(f, "AND {}  {} (/{})", b.netmask, x.netmask, x.prefix)?;
            writeln!(f, "    {}", "-".repeat(width))?;
            write!(f, "  = {}  {}", b.network, x.network)?;
        }
        if let Some(c) = &self.compare {
            writeln!(f, "\n")?;
            let pad = x.address.to_string().len().max(c.address.to_string().len());
            if let (Some(b), Some((addr_bits, net_bits))) = (&self.binary, &c.binary) {
                writeln!(f, "{:pad$}  {}", x.address, b.address)?;
                writeln!(f, "{:pad$}  {}", "AND", b.netmask)?;
                writeln!(f, "{:pad$}  {}", "=", b.network)?;
                writeln!(f, "{:pad$}  {addr_bits}", c.address)?;
                writeln!(f, "{:pad$}  {}", "AND", b.netmask)?;
                writeln!(f, "{:pad$}  {net_bits}\n", "=")?;
            }
            writeln!(f, "{:pad$}  AND {} = {}", x.address, x.netmask, x.network)?;
            writeln!(f, "{:pad$}  AND {} = {}", c.address, x.netmask, c.network)?;
            if c.same_network {
                write!(
                    f,
                    "{}: {} and {} are both in {}",
                    paint("same network", Paint::Good),
                    x.address,
                    c.address,
                    x.cidr
                )?;
            } else {
                write!(
                    f,
                    "{}: {} is in {}, {} is in {}/{}",
                    paint("different networks", Paint::Bad),
                    x.address,
                    x.cidr,
                    c.address,
                    c.network,
                    x.prefix
                )?;
            }
        }
        if let Some(rows) = &self.subnets {
            let mut table =
                output::table(["SUBNET", "FIRST HOST", "LAST HOST", "BROADCAST", "HOSTS"]);
            for r in rows {
                table.add_row(r.cells());
            }
            write!(
                f,
                "\n\n{} of /{}:\n{table}",
                words::count(rows.len(), "subnet", "subnets"),
                rows.first().map_or(0, |r| r.cidr.prefix_len())
            )?;
        }
        Ok(())
    }
}

/// Run `nettool subnet`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    match Mode::try_from(args)? {
        Mode::Facts(config) => {
            let report = report(&config)?;
            out.report(&report)?;
            Ok(match &report.compare {
                Some(c) => Outcome::from_bool(c.same_network),
                None => Outcome::Yes,
            })
        }
        Mode::Range { input, first, last } => {
            out.report(&lists::range(&input, first, last)?)?;
            Ok(Outcome::Yes)
        }
        Mode::Aggregate(nets) => {
            let nets = match nets {
                Some(n) => n,
                None => lists::read_prefixes(std::io::stdin().lock())?,
            };
            out.report(&lists::aggregate(&nets))?;
            Ok(Outcome::Yes)
        }
        Mode::Vlsm { input, net, hosts } => {
            let report = lists::vlsm(&input, net, &hosts)?;
            out.report(&report)?;
            Ok(Outcome::from_bool(report.fits))
        }
    }
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::document::<SubnetReport>(generator),
        crate::output::schema::document::<lists::RangeReport>(generator),
        crate::output::schema::document::<lists::AggregateReport>(generator),
        crate::output::schema::document::<lists::VlsmReport>(generator),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(argv: &[&str]) -> Result<Config> {
        let args: Args =
            crate::cli::parse_args("subnet", argv).map_err(|e| Error::other(e.to_string()))?;
        Config::try_from(args)
    }

    #[test]
    fn second_argument_mask_or_address() {
        let c = config(&["192.168.21.36", "255.255.255.0"]).unwrap();
        assert_eq!((c.iface.prefix, c.compare), (24, None));
        let c = config(&["192.168.21.36/24", "192.168.21.21"]).unwrap();
        assert_eq!(c.compare, Some("192.168.21.21".parse().unwrap()));
        let c = config(&["192.168.21.36/24", "255.255.255.0"]).unwrap();
        assert_eq!(c.compare, Some("255.255.255.0".parse().unwrap()));
        let c = config(&["192.168.21.36", "255.255.255.0", "192.168.22.1"]).unwrap();
        assert_eq!(
            (c.iface.prefix, c.compare),
            (24, Some("192.168.22.1".parse().unwrap()))
        );
        let c = config(&["10.0.0.1/8", "10.0.0.2"]).unwrap();
        assert_eq!(
            (c.iface.prefix, c.compare),
            (8, Some("10.0.0.2".parse().unwrap()))
        );
        let c = config(&["10.0.0.9", "0.0.0.255", "10.0.0.200"]).unwrap();
        assert_eq!(
            (c.iface.prefix, c.iface.prefix_source),
            (24, PrefixSource::Hostmask)
        );
        let c = config(&["fe80::1%eth0/64", "fe80::2"]).unwrap();
        assert_eq!(c.zone.as_deref(), Some("eth0"));
    }

    #[test]
    fn modes() {
        let mode = |argv: &[&str]| {
            let args: Args = crate::cli::parse_args("subnet", argv).unwrap();
            Mode::try_from(args)
        };
        let ip = |t: &str| t.parse::<IpAddr>().unwrap();
        let range = Mode::Range {
            input: "10.0.0.3 - 10.0.0.77".into(),
            first: ip("10.0.0.3"),
            last: ip("10.0.0.77"),
        };
        assert_eq!(mode(&["10.0.0.3", "-", "10.0.0.77"]).unwrap(), range);
        assert_eq!(mode(&["10.0.0.3-10.0.0.77"]).unwrap(), range);
        assert_eq!(mode(&["--aggregate"]).unwrap(), Mode::Aggregate(None));
        assert_eq!(mode(&["--aggregate", "-"]).unwrap(), Mode::Aggregate(None));
        assert_eq!(
            mode(&["--aggregate", "10.0.0.0/24", "::1"]).unwrap(),
            Mode::Aggregate(Some(vec![
                "10.0.0.0/24".parse().unwrap(),
                "::1/128".parse().unwrap()
            ]))
        );
        assert!(matches!(
            mode(&["10.0.0.0/24", "--hosts", "100,50"]).unwrap(),
            Mode::Vlsm { hosts, .. } if hosts == [100, 50]
        ));
        let errors = [
            (
                &["10.0.0.3", "-", "::1"][..],
                "10.0.0.3 - ::1: a range needs two addresses of one family",
            ),
            (
                &["10.0.0.3-x"][..],
                "x: not an IP address (try 192.168.21.36/24 or 2001:db8::1/64)",
            ),
            (
                &["--aggregate", "10.0.0.1/24"][..],
                "10.0.0.1/24: host bits are set (the network is 10.0.0.0/24)",
            ),
            (
                &["10.0.0.0/24", "--hosts", "10,x"][..],
                "x: not a host count (try --hosts 100,50,10)",
            ),
            (
                &["10.0.0.0/24", "--hosts", "0"][..],
                "10.0.0.0/24: a host count is at least 1",
            ),
            (
                &["10.0.0.0/24", "10.0.0.1", "--hosts", "5"][..],
                "10.0.0.1: --hosts takes one network: give NETWORK/PREFIX --hosts N,N,...",
            ),
            (
                &["192.168.21.36", "192.168.21.21"][..],
                "192.168.21.36: no prefix to compare with: give one (192.168.21.36/24) or a netmask",
            ),
        ];
        for (argv, want) in errors {
            assert_eq!(mode(argv).unwrap_err().to_string(), want, "{argv:?}");
        }
    }

    #[test]
    fn bad_configs() {
        let table = [
            (
                &["10.0.0.1/8", "::1"][..],
                "::1: cannot compare with 10.0.0.1: the families differ",
            ),
            (
                &["10.0.0.1/8", "300.0.0.1"][..],
                "300.0.0.1: octet 300 is out of range 0-255",
            ),
            (
                &["10.0.0.1/8", "--split", "3"][..],
                "3: equal subnets come in powers of two (2, 4, 8, ...); use /PREFIX for a size",
            ),
            (
                &["10.0.0.1", "0.255.0.0"][..],
                "0.255.0.0: netmask is not contiguous (its one bits must all come before its zero bits)",
            ),
            (
                &["10.0.0.1", "255.0.255.0"][..],
                "255.0.255.0: netmask is not contiguous (its one bits must all come before its \
                 zero bits)",
            ),
            (
                &["-1"][..],
                "-1: not an IP address (try 192.168.21.36/24 or 2001:db8::1/64)",
            ),
        ];
        for (argv, want) in table {
            assert_eq!(config(argv).unwrap_err().to_string(), want, "{argv:?}");
        }
    }

    #[test]
    fn text_report() {
        let r = report(&config(&["192.168.21.36/24"]).unwrap()).unwrap();
        assert_eq!(
            r.to_string(),
            "Address:     192.168.21.36\n\
             Netmask:     255.255.255.0 = /24\n\
             Wildcard:    0.0.0.255\n\
             Network:     192.168.21.0/24\n\
             Broadcast:   192.168.21.255\n\
             First host:  192.168.21.1\n\
             Last host:   192.168.21.254\n\
             Hosts:       254\n\
             Class:       C\n\
             Type:        Private-Use (192.168.0.0/16, RFC 1918)"
        );
    }

    #[test]
    fn binary_layout() {
        let r = report(&config(&["192.168.21.36/24", "--binary"]).unwrap()).unwrap();
        let text = r.to_string();
        let tail: Vec<&str> = text.lines().skip(11).collect();
        assert_eq!(
            tail,
            [
                "    11000000.10101000.00010101.00100100  192.168.21.36",
                "AND 11111111.11111111.11111111.00000000  255.255.255.0 (/24)",
                "    -----------------------------------",
                "  = 11000000.10101000.00010101.00000000  192.168.21.0",
            ]
        );
    }

    #[test]
    fn compare_verdicts() {
        let same = report(&config(&["192.168.21.36/24", "192.168.21.21"]).unwrap()).unwrap();
        let text = same.to_string();
        let tail: Vec<&str> = text.lines().skip(11).collect();
        assert_eq!(
            tail,
            [
                "192.168.21.36  AND 255.255.255.0 = 192.168.21.0",
                "192.168.21.21  AND 255.255.255.0 = 192.168.21.0",
                "same network: 192.168.21.36 and 192.168.21.21 are both in 192.168.21.0/24",
            ]
        );
        let diff = report(&config(&["192.168.21.36/24", "192.168.22.21"]).unwrap()).unwrap();
        assert!(!diff.compare.as_ref().unwrap().same_network);
        assert!(diff.to_string().ends_with(
            "different networks: 192.168.21.36 is in 192.168.21.0/24, 192.168.22.21 is in 192.168.22.0/24"
        ));
    }

    #[test]
    fn binary_compare_shows_each_and_once() {
        let r = report(&config(&["192.168.21.36/24", "192.168.21.21", "-b"]).unwrap()).unwrap();
        let text = r.to_string();
        let tail: Vec<&str> = text.lines().skip(11).collect();
        assert_eq!(
            tail,
            [
                "192.168.21.36  11000000.10101000.00010101.00100100",
                "AND            11111111.11111111.11111111.00000000",
                "=              11000000.10101000.00010101.00000000",
                "192.168.21.21  11000000.10101000.00010101.00010101",
                "AND            11111111.11111111.11111111.00000000",
                "=              11000000.10101000.00010101.00000000",
                "",
                "192.168.21.36  AND 255.255.255.0 = 192.168.21.0",
                "192.168.21.21  AND 255.255.255.0 = 192.168.21.0",
                "same network: 192.168.21.36 and 192.168.21.21 are both in 192.168.21.0/24",
            ]
        );
    }

    #[test]
    fn split_table() {
        let r = report(&config(&["192.168.21.36/24", "--split", "/26"]).unwrap()).unwrap();
        let text = r.to_string();
        let tail: Vec<&str> = text.lines().skip(11).collect();
        assert_eq!(
            tail,
            [
                "4 subnets of /26:",
                "SUBNET             FIRST HOST      LAST HOST       BROADCAST       HOSTS",
                "192.168.21.0/26    192.168.21.1    192.168.21.62   192.168.21.63   62",
                "192.168.21.64/26   192.168.21.65   192.168.21.126  192.168.21.127  62",
                "192.168.21.128/26  192.168.21.129  192.168.21.190  192.168.21.191  62",
                "192.168.21.192/26  192.168.21.193  192.168.21.254  192.168.21.255  62",
            ]
        );
    }

    #[test]
    fn json_fields() {
        let r = report(&config(&["10.1.2.3", "255.0.0.0", "10.200.0.1"]).unwrap()).unwrap();
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["input"], "10.1.2.3 255.0.0.0");
        assert_eq!(v["prefix"], 8);
        assert_eq!(v["prefix_source"], "netmask");
        assert_eq!(v["netmask"], "255.0.0.0");
        assert_eq!(v["broadcast"], "10.255.255.255");
        assert_eq!(v["hosts"], 16_777_214);
        assert_eq!(v["class"], "A");
        assert_eq!(v["address_type"], "private");
        assert_eq!(v["compare"]["same_network"], true);
        assert_eq!(v["compare"]["network"], "10.0.0.0");
        assert!(v.get("binary").is_none());
    }
}
