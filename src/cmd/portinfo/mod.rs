//! `nettool portinfo`: what a port is for, as `getservbyname`/`getservbyport` answer, which IANA
//! range it is in, and (`--check`) whether anything on this host is bound to it.
//!
//! `config` checks the arguments, `report` looks the queries up in the services database,
//! `run` adds the checks of what is bound (the only I/O besides reading the database), and the
//! report is printed once, as JSON or through its text renderer (`render`).

mod config;
mod render;
mod report;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;

pub use config::{Config, Query, parse_query};
pub use report::{Check, Entry, PortinfoReport, lookup};

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::services::Proto;
use crate::net::services::{self as db, Database};
use crate::net::sockets;
use crate::output::Output;

/// Bind tests are made for at most this many ports; a larger `--check` lists sockets only.
const MAX_BIND_TESTS: usize = 64;

/// Arguments of `nettool portinfo`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// Service names (mysql), ports (3306), ranges (20-25) or comma lists (22,80,443)
    #[arg(
        value_name = "SERVICE|PORT|RANGE",
        allow_negative_numbers = true,
        required_unless_present = "list"
    )]
    pub queries: Vec<String>,

    /// Only TCP entries
    #[arg(long, conflicts_with = "udp")]
    pub tcp: bool,

    /// Only UDP entries
    #[arg(long)]
    pub udp: bool,

    /// List every known service as a table
    #[arg(long, conflicts_with = "queries")]
    pub list: bool,

    /// Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning
    /// process) and whether it is free to bind
    #[arg(long, visible_alias = "listening")]
    pub check: bool,

    /// Read this services file instead of /etc/services
    #[arg(long, value_name = "FILE", default_value = db::SYSTEM_FILE)]
    pub services_file: PathBuf,
}

const JSON_FIELDS: &str = "JSON output (--json), one document: entries [{name, port, proto, \
aliases, description (built-in entries), source (system|built_in), range (well_known|registered|\
dynamic), ephemeral (in this host's ephemeral range)}], unknown [ports or names with no service], \
ephemeral_range [low, high] or null, system_file, system_file_read; with --check also \
checks [{port, sockets [{proto, local, state, pid, process}], tcp_free, udp_free}] where a \
*_free field is true, false, or null when not tested. Exit status: 0 when every query is known \
(with --check: when something is bound to every port asked about); 1 for a service name or \
port that is not known (\"no such service\"), or with --check a port nothing is bound to; 2 for \
invalid input such as 70000, -1 or 12ab.";

/// Run `nettool portinfo`.
pub fn run(config: &Config, out: &mut Output) -> Result<Outcome> {
    let database = Database::load(&config.services_file);
    let mut report = lookup(config, &database, db::ephemeral_range());
    if config.check {
        report.checks = Some(check_ports(&report.ports, config.proto));
    }
    if !report.system_file_read {
        out.debug(format_args!(
            "{} could not be read; only the built-in table was used",
            config.services_file.display()
        ));
    }
    let all_unknown = !config.queries.is_empty() && report.entries.is_empty() && !config.check;
    if all_unknown {
        if out.is_json() {
            out.report(&report)?;
        }
        return Err(Error::negative(format!(
            "no such service: {}",
            report.unknown.join(", ")
        )));
    }
    out.report(&report)?;
    if !config.check {
        for name in &report.unknown {
            out.warn(format_args!("no such service: {name}"));
        }
    }
    let yes = match &report.checks {
        Some(checks) => checks.iter().all(|c| !c.sockets.is_empty()),
        None => report.unknown.is_empty(),
    };
    Ok(Outcome::from_bool(yes))
}

/// Bound sockets and bind tests for each port.
fn check_ports(ports: &[u16], proto: Option<Proto>) -> Vec<Check> {
    let mut unique = ports.to_vec();
    unique.sort_unstable();
    unique.dedup();
    // Naming the processes of other users reads their /proc entries, which needs privilege.
    let sockets = crate::net::privilege::with_raised(|| sockets::bound_sockets(Some(&unique)));
    crate::net::privilege::drop_all();
    let test_binds = unique.len() <= MAX_BIND_TESTS;
    unique
        .iter()
        .map(|&port| Check {
            port,
            sockets: sockets
                .iter()
                .filter(|s| s.local.port() == port && proto.is_none_or(|p| s.proto == p))
                .cloned()
                .collect(),
            tcp_free: (test_binds && proto != Some(Proto::Udp)).then(|| tcp_free(port)),
            udp_free: (test_binds && proto != Some(Proto::Tcp)).then(|| udp_free(port)),
        })
        .collect()
}

fn any_addrs(port: u16) -> [SocketAddr; 2] {
    [
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
        SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
    ]
}

/// Whether a TCP listener could bind the port on the v4 and v6 wildcard addresses.
fn tcp_free(port: u16) -> bool {
    port != 0 && any_addrs(port).iter().all(|a| TcpListener::bind(a).is_ok())
}

/// Whether a UDP socket could bind the port on the v4 and v6 wildcard addresses.
fn udp_free(port: u16) -> bool {
    port != 0 && any_addrs(port).iter().all(|a| UdpSocket::bind(a).is_ok())
}
