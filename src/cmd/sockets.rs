//! `nettool sockets`: every TCP and UDP socket of this host, v4 and v6, as `ss -tuanp` shows
//! them: state, queues, local and peer address, the running timer and the owning process, read
//! from the kernel's sock_diag interface. Ends with the counts by state.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::socket::{self, SockState, SocketRow};
use crate::net::host::Family;
use crate::net::sockets::{self as sock, Query};
use crate::output::{Output, Paint, paint, words};

/// Arguments of `nettool sockets`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// Listening sockets only (TCP LISTEN, and UDP sockets without a peer)
    #[arg(short, long, conflicts_with = "state")]
    pub listening: bool,

    /// Only sockets in this state (repeat or comma-separate for several)
    #[arg(long, value_name = "STATE", value_delimiter = ',', value_parser = state_values(), ignore_case = true)]
    pub state: Vec<String>,

    /// Only sockets whose local or peer port is PORT
    #[arg(long, value_name = "PORT")]
    pub port: Option<String>,

    /// TCP sockets only
    #[arg(short, long, conflicts_with = "udp")]
    pub tcp: bool,

    /// UDP sockets only
    #[arg(short, long)]
    pub udp: bool,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub family: FamilyArgs,
}

/// The state names for `--state`, each also accepted as `ss` writes it (`time-wait`).
fn state_values() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        STATE_NAMES
            .map(|(name, ss)| clap::builder::PossibleValue::new(name).aliases(ss.iter().copied())),
    )
}

const STATE_NAMES: [(&str, &[&str]); 11] = [
    ("established", &["estab"]),
    ("syn_sent", &["syn-sent"]),
    ("syn_recv", &["syn-recv"]),
    ("fin_wait1", &["fin-wait-1"]),
    ("fin_wait2", &["fin-wait-2"]),
    ("time_wait", &["time-wait"]),
    ("unconn", &[]),
    ("close_wait", &["close-wait"]),
    ("last_ack", &["last-ack"]),
    ("listen", &[]),
    ("closing", &[]),
];

const JSON_FIELDS: &str = "JSON output (--json), one document: sockets [{proto (tcp|udp), state \
(ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, UNCONN, CLOSE_WAIT, LAST_ACK, \
LISTEN, CLOSING), recv_q, send_q (for a listener: the accept queue and its backlog), local, peer \
(\"address:port\"), timer {kind (retransmit|keepalive|timewait|probe), expires_ms, retransmits} or \
null, uid, inode, pid and process (null where not visible), accept_queue_full}], counts {STATE: \
number}, total, owners_hidden (sockets whose process this user cannot see). Exit status: 0 when \
at least one socket matched, 1 when none did, 2 for invalid input.";

/// Validated arguments.
#[derive(Debug, Clone)]
pub struct Config {
    /// What to ask the kernel for.
    pub query: Query,
    /// Only sockets with this local or peer port.
    pub port: Option<u16>,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let port = args
            .port
            .as_deref()
            .map(|p| {
                p.parse::<u16>()
                    .map_err(|_| Error::invalid(p, "not a port number 0-65535"))
            })
            .transpose()?;
        let states = if args.listening {
            Some(vec![SockState::Listen, SockState::Unconn])
        } else if args.state.is_empty() {
            None
        } else {
            let mut list = Vec::new();
            for name in &args.state {
                list.push(
                    SockState::parse(name)
                        .ok_or_else(|| Error::invalid(name, "not a socket state"))?,
                );
            }
            Some(list)
        };
        let family = args.family.family();
        Ok(Self {
            query: Query {
                tcp: !args.udp,
                udp: !args.tcp,
                v4: family != Family::V6,
                v6: family != Family::V4,
                states,
            },
            port,
        })
    }
}

/// One socket as reported.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Row {
    #[serde(flatten)]
    socket: SocketRow,
    accept_queue_full: bool,
}

/// What `nettool sockets` reports.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SocketsReport {
    /// The sockets, TCP before UDP, v4 before v6.
    pub sockets: Vec<Row>,
    /// How many sockets are in each state.
    pub counts: BTreeMap<SockState, usize>,
    /// How many sockets there are.
    pub total: usize,
    /// Sockets whose owning process this user cannot see.
    pub owners_hidden: usize,
    /// Whether the text ends with the counts (not with `-q`).
    #[serde(skip)]
    pub show_total: bool,
}

/// The peer as `ss` prints it: `*` for the port of a socket without a peer.
fn write_peer(text: &mut String, row: &SocketRow) {
    if row.peer.port() == 0 && row.peer.ip().is_unspecified() {
        text.push_str(match row.peer {
            std::net::SocketAddr::V4(_) => "0.0.0.0:*",
            std::net::SocketAddr::V6(_) => "[::]:*",
        });
    } else {
        let _ = write!(text, "{}", row.peer);
    }
}

fn write_process(text: &mut String, row: &SocketRow) {
    if let (Some(name), Some(pid)) = (&row.process, row.pid) {
        let _ = write!(text, "{name} (pid {pid})");
    }
}

/// The columns of the table.
const COLUMNS: usize = 8;

impl fmt::Display for SocketsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every cell in one string, each row keeping where its cells end: tens of thousands of
        // rows cost a few allocations, not one a cell.
        let mut cells = String::with_capacity(self.sockets.len() * 64);
        // Where each row's cells start and end: bounds[i]..bounds[i + 1] is cell i.
        let mut rows: Vec<[usize; COLUMNS + 1]> = Vec::with_capacity(self.sockets.len());
        for r in &self.sockets {
            let s = &r.socket;
            let mut bounds = [cells.len(); COLUMNS + 1];
            let _ = write!(cells, "{}", s.proto);
            bounds[1] = cells.len();
            cells.push_str(s.state.as_str());
            if r.accept_queue_full {
                cells.push_str(" (queue full)");
            }
            bounds[2] = cells.len();
            let _ = write!(cells, "{}", s.recv_q);
            bounds[3] = cells.len();
            let _ = write!(cells, "{}", s.send_q);
            bounds[4] = cells.len();
            let _ = write!(cells, "{}", s.local);
            bounds[5] = cells.len();
            write_peer(&mut cells, s);
            bounds[6] = cells.len();
            if let Some(timer) = s.timer {
                let _ = write!(cells, "{timer}");
            }
            bounds[7] = cells.len();
            write_process(&mut cells, s);
            bounds[8] = cells.len();
            rows.push(bounds);
        }
        let row_cells = |bounds: &[usize; COLUMNS + 1]| -> [&str; COLUMNS] {
            std::array::from_fn(|i| &cells[bounds[i]..bounds[i + 1]])
        };
        let header = [
            "Proto", "State", "Recv-Q", "Send-Q", "Local", "Peer", "Timer", "Process",
        ];
        let mut widths = header.map(str::len);
        for bounds in &rows {
            for (i, w) in widths.iter_mut().enumerate() {
                *w = (*w).max(bounds[i + 1] - bounds[i]);
            }
        }
        // The state in colour: listening sockets are what a reader looks for, a full accept
        // queue is trouble. The padding is painted with it, so the columns stay aligned.
        let state_paint = |state: &str| {
            if state.ends_with("(queue full)") {
                Some(Paint::Bad)
            } else if state == "LISTEN" || state == "UNCONN" {
                Some(Paint::Good)
            } else {
                None
            }
        };
        let mut text = String::new();
        let mut line = |cols: [&str; COLUMNS], body: bool, last: bool| -> fmt::Result {
            text.clear();
            for (i, (col, w)) in cols.iter().zip(widths).enumerate() {
                if i == COLUMNS - 1 {
                    text.push_str(col);
                } else if let (1, true, Some(role)) = (i, body, state_paint(col)) {
                    let _ = write!(text, "{} ", paint(format_args!("{col:<w$}"), role));
                } else if i == 2 || i == 3 {
                    let _ = write!(text, "{col:>w$} ");
                } else {
                    let _ = write!(text, "{col:<w$} ");
                }
            }
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
            if !last {
                text.push('\n');
            }
            f.write_str(&text)
        };
        let bare = !self.show_total;
        line(header, false, bare && rows.is_empty())?;
        for (n, bounds) in rows.iter().enumerate() {
            line(row_cells(bounds), true, bare && n + 1 == rows.len())?;
        }
        if bare {
            return Ok(());
        }
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(state, n)| format!("{} {n}", state.as_str()))
            .collect();
        write!(f, "total {}", self.total)?;
        if !counts.is_empty() {
            write!(f, ": {}", counts.join(", "))?;
        }
        Ok(())
    }
}

/// Run `nettool sockets`.
pub fn run(args: Args, out: &mut Output) -> Result<Outcome> {
    let config = Config::try_from(args)?;
    let mut rows = sock::sockets(&config.query)
        .map_err(|e| Error::io("read sockets (sock_diag netlink)", e))?;
    if let Some(port) = config.port {
        rows.retain(|r| r.local.port() == port || r.peer.port() == port);
    }
    // Naming other users' processes reads their /proc entries, which may need privilege.
    let owners_hidden = crate::net::privilege::with_raised(|| sock::attach_owners(&mut rows));
    crate::net::privilege::drop_all();
    if owners_hidden > 0 && !out.is_json() {
        out.note(format_args!(
            "{} of other users: their owner is shown to root only",
            words::count(
                owners_hidden,
                "socket belongs to a process",
                "sockets belong to processes"
            )
        ));
    }
    let report = SocketsReport {
        counts: socket::counts_by_state(&rows),
        total: rows.len(),
        owners_hidden,
        show_total: !out.quiet(),
        sockets: rows
            .into_iter()
            .map(|socket| Row {
                accept_queue_full: socket.accept_queue_full(),
                socket,
            })
            .collect(),
    };
    out.report(&report)?;
    Ok(Outcome::from_bool(report.total > 0))
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![crate::output::schema::document::<SocketsReport>(generator)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parse_args;

    fn config(argv: &[&str]) -> Result<Config> {
        Config::try_from(
            parse_args::<Args>("sockets", argv).map_err(|e| Error::other(e.to_string()))?,
        )
    }

    #[test]
    fn filters_become_a_query() {
        let c = config(&["-l", "-t", "-4"]).unwrap();
        assert!(c.query.tcp && !c.query.udp && c.query.v4 && !c.query.v6);
        assert_eq!(
            c.query.states,
            Some(vec![SockState::Listen, SockState::Unconn])
        );
        let c = config(&["--state", "time_wait,established", "--port", "8001"]).unwrap();
        assert_eq!(
            c.query.states,
            Some(vec![SockState::TimeWait, SockState::Established])
        );
        assert_eq!(c.port, Some(8001));
        let c = config(&["-u", "-6"]).unwrap();
        assert!(!c.query.tcp && c.query.udp && !c.query.v4 && c.query.v6);
    }

    #[test]
    fn bad_input_is_refused() {
        let err = config(&["--port", "70000"]).err().unwrap();
        assert_eq!(err.to_string(), "70000: not a port number 0-65535");
        assert!(config(&["--state", "open"]).is_err());
        assert!(config(&["-l", "--state", "listen"]).is_err());
        assert!(config(&["-t", "-u"]).is_err());
    }
}
