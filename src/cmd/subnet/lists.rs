//! The list modes of `nettool subnet`: a range as CIDR blocks, prefixes merged (`--aggregate`)
//! and a network split by host counts (`--hosts`, VLSM). Each builds a report from validated
//! input; only [`read_prefixes`] does I/O (stdin, read with a bound).

use std::fmt;
use std::io::BufRead;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use super::{SubnetRow, count};
use crate::error::{Error, Result};
use crate::model::subnet;
use crate::output::words;

/// The most prefixes `--aggregate` reads.
pub const MAX_PREFIXES: usize = 1_000_000;
/// The longest line `--aggregate` reads from stdin.
const MAX_LINE: usize = 256;

/// A range as CIDR blocks.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RangeReport {
    /// The range as typed.
    pub input: String,
    /// Its first address.
    pub first: IpAddr,
    /// Its last address.
    pub last: IpAddr,
    /// How many addresses it spans (null for all of IPv6, 2^128).
    pub addresses: Option<u128>,
    /// The fewest CIDR blocks that cover it exactly, in order.
    #[schemars(with = "Vec<String>")]
    pub blocks: Vec<IpNet>,
}

/// The range `first..=last` as CIDR blocks.
pub fn range(input: &str, first: IpAddr, last: IpAddr) -> Result<RangeReport> {
    let blocks = subnet::summarize_range(first, last, input)?;
    let addresses = blocks.iter().try_fold(0u128, |sum, b| {
        let bits = u32::from(b.max_prefix_len() - b.prefix_len());
        sum.checked_add(1u128.checked_shl(bits).filter(|_| bits < 128)?)
    });
    Ok(RangeReport {
        input: input.to_string(),
        first,
        last,
        addresses,
        blocks,
    })
}

/// Prefixes merged into the fewest networks.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AggregateReport {
    /// How many prefixes were read.
    pub prefixes_in: usize,
    /// The merged networks, IPv4 first, then IPv6.
    #[schemars(with = "Vec<String>")]
    pub networks: Vec<IpNet>,
}

/// Merge prefixes.
#[must_use]
pub fn aggregate(nets: &[IpNet]) -> AggregateReport {
    AggregateReport {
        prefixes_in: nets.len(),
        networks: subnet::aggregate(nets),
    }
}

/// Read one prefix a line (blank lines and `#` comments skipped), at most [`MAX_PREFIXES`]
/// of them, each line at most 256 bytes; an error names the line.
pub fn read_prefixes(mut reader: impl BufRead) -> Result<Vec<IpNet>> {
    let mut nets = Vec::new();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let read = std::io::Read::take(&mut reader, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io("reading prefixes from stdin", e))?;
        if read == 0 {
            break;
        }
        let name = format!("stdin line {number}");
        if line.strip_suffix(b"\n").unwrap_or(&line).len() > MAX_LINE {
            return Err(Error::invalid(
                name,
                format!("longer than {MAX_LINE} bytes"),
            ));
        }
        let text = std::str::from_utf8(&line)
            .map_err(|_| Error::invalid(&name, "not UTF-8 text"))?
            .trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        if nets.len() == MAX_PREFIXES {
            return Err(Error::invalid(
                name,
                format!("more than {MAX_PREFIXES} prefixes"),
            ));
        }
        let net = subnet::parse_network(text).map_err(|e| Error::invalid(&name, e.to_string()))?;
        nets.push(net);
    }
    Ok(nets)
}

/// One block of a VLSM split.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct VlsmRow {
    /// The hosts asked for.
    pub requested_hosts: u128,
    /// The block, with its hosts.
    #[serde(flatten)]
    pub row: SubnetRow,
}

/// A network split by host counts.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct VlsmReport {
    /// The network split.
    #[schemars(with = "String")]
    pub network: IpNet,
    /// Addresses the blocks need together (null when beyond 2^128).
    pub needed_addresses: Option<u128>,
    /// Addresses the network has (null for ::/0).
    pub available_addresses: Option<u128>,
    /// Whether the blocks fit.
    pub fits: bool,
    /// The blocks, largest first (empty when they do not fit).
    pub subnets: Vec<VlsmRow>,
    /// What is left, as CIDR blocks.
    #[schemars(with = "Vec<String>")]
    pub unused: Vec<IpNet>,
}

/// Split `net` by host counts.
pub fn vlsm(input: &str, net: IpNet, hosts: &[u128]) -> Result<VlsmReport> {
    let plan = subnet::vlsm(net, hosts, input)?;
    Ok(VlsmReport {
        network: net.trunc(),
        needed_addresses: plan.needed,
        available_addresses: plan.available,
        fits: plan.fits,
        subnets: plan
            .blocks
            .iter()
            .map(|b| VlsmRow {
                requested_hosts: b.requested,
                row: SubnetRow::of(b.net),
            })
            .collect(),
        unused: plan.unused,
    })
}

/// Parse `--hosts 100,50,10`.
pub fn parse_hosts(values: &[String]) -> Result<Vec<u128>> {
    values
        .iter()
        .map(|v| {
            v.trim()
                .parse::<u128>()
                .map_err(|_| Error::invalid(v, "not a host count (try --hosts 100,50,10)"))
        })
        .collect()
}

fn lines(items: &[IpNet], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let text: Vec<String> = items.iter().map(ToString::to_string).collect();
    write!(f, "{}", text.join("\n"))
}

impl fmt::Display for RangeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        lines(&self.blocks, f)
    }
}

impl fmt::Display for AggregateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        lines(&self.networks, f)
    }
}

impl fmt::Display for VlsmReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let needed = count(self.needed_addresses);
        let available = count(self.available_addresses);
        if !self.fits {
            return write!(
                f,
                "{}: the blocks need {needed} {}, {} has {available}",
                crate::output::paint("does not fit", crate::output::Paint::Bad),
                words::noun(&needed, "address", "addresses"),
                self.network
            );
        }
        let mut table = crate::output::table([
            "REQUESTED",
            "SUBNET",
            "FIRST HOST",
            "LAST HOST",
            "BROADCAST",
            "HOSTS",
        ]);
        for r in &self.subnets {
            let mut cells = vec![r.requested_hosts.to_string()];
            cells.extend(r.row.cells());
            table.add_row(cells);
        }
        writeln!(f, "{table}")?;
        write!(
            f,
            "\nNeeded:      {needed} of {available} {} in {}",
            words::noun(&available, "address", "addresses"),
            self.network
        )?;
        if !self.unused.is_empty() {
            let unused: Vec<String> = self.unused.iter().map(ToString::to_string).collect();
            write!(f, "\nUnused:      {}", unused.join(" "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_prefixes_with_errors_naming_the_line() {
        let nets =
            read_prefixes("10.0.0.0/24\n\n# comment\n 10.0.1.0/24 \n::1\n".as_bytes()).unwrap();
        assert_eq!(nets.len(), 3);
        let table = [
            (
                "10.0.0.0/24\n10.0.0.1/24\n",
                "stdin line 2: 10.0.0.1/24: host bits are set (the network is 10.0.0.0/24)",
            ),
            (
                "x\n",
                "stdin line 1: x: not an IP address (try 192.168.21.36/24 or 2001:db8::1/64)",
            ),
        ];
        for (input, want) in table {
            assert_eq!(
                read_prefixes(input.as_bytes()).unwrap_err().to_string(),
                want
            );
        }
        assert_eq!(
            read_prefixes(&b"::1\n\xff\n"[..]).unwrap_err().to_string(),
            "stdin line 2: not UTF-8 text"
        );
        let long = format!("{}\n", "1".repeat(300));
        assert_eq!(
            read_prefixes(long.as_bytes()).unwrap_err().to_string(),
            "stdin line 1: longer than 256 bytes"
        );
    }

    #[test]
    fn vlsm_text() {
        let r = vlsm("h", "192.168.0.0/24".parse().unwrap(), &[100, 50, 10]).unwrap();
        assert_eq!(
            r.to_string(),
            "REQUESTED  SUBNET            FIRST HOST     LAST HOST      BROADCAST      HOSTS\n\
             100        192.168.0.0/25    192.168.0.1    192.168.0.126  192.168.0.127  126\n\
             50         192.168.0.128/26  192.168.0.129  192.168.0.190  192.168.0.191  62\n\
             10         192.168.0.192/28  192.168.0.193  192.168.0.206  192.168.0.207  14\n\
             \n\
             Needed:      208 of 256 addresses in 192.168.0.0/24\n\
             Unused:      192.168.0.208/28 192.168.0.224/27"
        );
        let r = vlsm("h", "192.168.0.0/26".parse().unwrap(), &[100]).unwrap();
        assert_eq!(
            r.to_string(),
            "does not fit: the blocks need 128 addresses, 192.168.0.0/26 has 64"
        );
        assert!(parse_hosts(&["x".into()]).is_err());
    }
}
