//! `nettool portinfo`: what a port is for, as `getservbyname`/`getservbyport` answer, which IANA
//! range it is in, and (`--check`) every socket on this host whose port it is, with what that
//! means for binding it.
//!
//! `config` checks the arguments, `report` looks the queries up in the services database and
//! explains what sockets mean for binding, `run` adds the checks (the sockets from the
//! operating system and the bind tests: the only I/O besides reading the database), and the
//! report is printed once, as JSON or through its text renderer (`render`).

mod config;
mod render;
mod report;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};

pub use config::{Config, Query, parse_query};
pub use report::{Check, Entry, PortinfoReport, binding_notes, lookup};

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::services::Proto;
use crate::model::socket::SocketRow;
use crate::net::services::{self as db, Database};
use crate::net::sockets::{self, Query as SocketQuery};
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

    /// List every socket on the port (TCP and UDP, v4 and v6, any state, with the owning
    /// process) and say what that means for binding it: in use, in TIME_WAIT, needs privilege
    #[arg(long, visible_alias = "listening")]
    pub check: bool,

    /// Read this services file instead of /etc/services (which, if missing, leaves the
    /// built-in table; a file named here must exist)
    #[arg(long, value_name = "FILE")]
    pub services_file: Option<PathBuf>,
}

const JSON_FIELDS: &str = "JSON output (--json), one document: entries [{name, port, proto, \
aliases, description (built-in entries), source (system|built_in), range (well_known|registered|\
dynamic), ephemeral (in this host's ephemeral range)}], unknown [service names or ranges with no \
service], unnamed [ports with no service name], ephemeral_range [low, high] or null, \
system_file, system_file_read, course_range (for one port: where it falls in the 1-255 / \
256-1023 / 1024-65535 split); with --check also checks [{port, sockets [{proto, state, recv_q, \
send_q, local, peer, timer, uid, inode, pid, process}], tcp_free, udp_free, notes}] where a \
*_free field says whether a server without SO_REUSEADDR could bind the port on every address \
(null when not tested) and notes say why not (in use by whom, TIME_WAIT and how long, privilege). \
A range with --check lists only the ports in use. Exit status: 0 when every query is known or is \
a port number (with --check: when something is on every port asked about, or on any port of a \
range); 1 for a service name that is not known (\"no such service\"), or with --check a port \
nothing is on; 2 for invalid input such as 70000, -1 or 12ab.";

/// Run `nettool portinfo`.
pub fn run(config: &Config, out: &mut Output) -> Result<Outcome> {
    let database = match &config.services_file {
        Some(path) => Database::load_file(path)?,
        None => Database::load(Path::new(db::SYSTEM_FILE)),
    };
    let mut report = lookup(config, &database, db::ephemeral_range());
    if config.check {
        report.checks = Some(check_ports(&report, config.proto));
    }
    if !report.system_file_read {
        out.debug(format_args!(
            "{} could not be read; only the built-in table was used",
            config.system_file().display()
        ));
    }
    let all_unknown = !config.queries.is_empty()
        && report.entries.is_empty()
        && report.unnamed.is_empty()
        && !config.check;
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
        Some(checks) => !checks.is_empty() && checks.iter().all(|c| !c.sockets.is_empty()),
        None => report.unknown.is_empty(),
    };
    Ok(Outcome::from_bool(yes))
}

/// Every socket on each port the report names, bind tests, and what they mean. Ports that only
/// a range asked about are listed only when something is on them.
fn check_ports(report: &PortinfoReport, proto: Option<Proto>) -> Vec<Check> {
    let mut unique = report.ports.clone();
    unique.sort_unstable();
    unique.dedup();
    let query = SocketQuery {
        tcp: proto != Some(Proto::Udp),
        udp: proto != Some(Proto::Tcp),
        v4: true,
        v6: true,
        states: None,
    };
    let mut rows = sockets::sockets(&query).unwrap_or_default();
    rows.retain(|r| unique.binary_search(&r.local.port()).is_ok());
    // Naming the processes of other users reads their /proc entries, which needs privilege.
    crate::net::privilege::with_raised(|| sockets::attach_owners(&mut rows));
    crate::net::privilege::drop_all();
    let test_binds = unique.len() <= MAX_BIND_TESTS;
    let privileged_below = sockets::unprivileged_port_start();
    let root = nix::unistd::geteuid().is_root();
    unique
        .iter()
        .map(|&port| {
            let on_port: Vec<SocketRow> = rows
                .iter()
                .filter(|s| s.local.port() == port)
                .cloned()
                .collect();
            Check {
                port,
                tcp_free: (test_binds && proto != Some(Proto::Udp)).then(|| tcp_free(port)),
                udp_free: (test_binds && proto != Some(Proto::Tcp)).then(|| udp_free(port)),
                notes: binding_notes(port, &on_port, privileged_below, root),
                sockets: on_port,
            }
        })
        .filter(|c| !c.sockets.is_empty() || report.listed_ports.contains(&c.port))
        .collect()
}

fn any_addrs(port: u16) -> [SocketAddr; 2] {
    [
        SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
        SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
    ]
}

/// Whether a TCP server that does not set SO_REUSEADDR (the plain `bind` of a first socket
/// program) could bind the port on the v4 and v6 wildcard addresses. Rust's `TcpListener` sets
/// SO_REUSEADDR, which would hide a TIME_WAIT.
fn tcp_free(port: u16) -> bool {
    port != 0
        && any_addrs(port).iter().all(|a| {
            let Ok(socket) = socket2::Socket::new(
                socket2::Domain::for_address(*a),
                socket2::Type::STREAM,
                None,
            ) else {
                return false;
            };
            if a.is_ipv6() {
                let _ = socket.set_only_v6(true);
            }
            socket.bind(&(*a).into()).is_ok()
        })
}

/// Whether a UDP socket could bind the port on the v4 and v6 wildcard addresses.
fn udp_free(port: u16) -> bool {
    port != 0 && any_addrs(port).iter().all(|a| UdpSocket::bind(a).is_ok())
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![crate::output::schema::document::<report::PortinfoReport>(
        generator,
    )]
}
