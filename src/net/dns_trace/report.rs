//! What a trace found, step by step, as the renderer and `--json` show it.

use std::time::Duration;

use serde::Serialize;

use super::NameServer;
use crate::net::dns::DnsRecord;

/// What a step found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The root's NS set (priming).
    Root,
    /// A referral to the next zone cut.
    Referral,
    /// The answer.
    Answer,
    /// The name does not exist.
    Nxdomain,
    /// The name exists without records of the type asked.
    Nodata,
    /// Every server of the zone failed.
    Failed,
}

/// One server asked in a step, and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerTry {
    /// The server's name (its address when it has none, as for `@SERVER`).
    pub name: String,
    /// Where the query went (`198.41.0.4:53`).
    pub address: String,
    /// The response code, when a response came.
    pub rcode: Option<String>,
    /// Why this server's response was not used.
    pub error: Option<String>,
    /// Time of the exchange in milliseconds.
    pub time_ms: f64,
}

/// A glue address: a name server's address sent along with a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Glue {
    /// The server's name.
    pub name: String,
    /// One of its addresses.
    pub address: String,
}

/// A zone cut: the zone delegated and its name servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegation {
    /// The zone (`tld.`).
    pub zone: String,
    /// Its name servers, in the order sent.
    pub ns: Vec<String>,
}

/// One step of a trace: one zone's servers asked one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStep {
    /// The name asked.
    pub query: String,
    /// The type asked.
    #[serde(rename = "type")]
    pub rtype: String,
    /// The zone whose servers were asked (`.` for the root).
    pub zone: String,
    /// What the step found.
    pub kind: StepKind,
    /// Set when this step looks up the address of a name server that came without glue: the
    /// name server's name.
    pub glue_for: Option<String>,
    /// Every server asked, in order; the last one gave the response used (unless failed).
    pub servers: Vec<ServerTry>,
    /// The response code of the response used.
    pub rcode: Option<String>,
    /// Its header flags.
    pub flags: Vec<&'static str>,
    /// Its size in bytes.
    pub bytes: Option<usize>,
    /// Time of the exchange that gave it, in milliseconds.
    pub time_ms: f64,
    /// The records dig shows for the step: the answer section, or a referral's authority
    /// records (NS, DS and their signatures).
    pub records: Vec<DnsRecord>,
    /// The zone cut, for a referral (and the root's NS set when priming).
    pub delegation: Option<Delegation>,
    /// The glue addresses that came with it.
    pub glue: Vec<Glue>,
}

/// A trace: its steps, and how it ended.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Every step, in the order taken (glue lookups included).
    pub steps: Vec<TraceStep>,
    /// The final kind (answer, NXDOMAIN, no data), or why the trace stopped.
    pub end: Result<StepKind, String>,
}

impl ServerTry {
    /// This attempt, its response set aside for `reason`.
    pub(super) fn failed(mut self, reason: String) -> Self {
        self.error = Some(reason);
        self
    }
}

pub(super) fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

pub(super) fn glue_list(servers: &[NameServer]) -> Vec<Glue> {
    servers
        .iter()
        .flat_map(|s| {
            s.addrs.iter().map(|a| Glue {
                name: s.name.clone(),
                address: a.to_string(),
            })
        })
        .collect()
}

/// Every server's failure, one phrase each: `ns.tld. (127.0.0.1:53) answered REFUSED`.
pub(super) fn failure_summary(servers: &[ServerTry]) -> String {
    if servers.is_empty() {
        return "no server address to ask".into();
    }
    servers
        .iter()
        .map(|s| {
            format!(
                "{} ({}) {}",
                s.name,
                s.address,
                s.error.as_deref().unwrap_or("failed")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
