//! What the engine tells its caller, one event at a time. The enum is also the `--json` stream:
//! serde writes each event as one NDJSON object whose `type` is the variant's name, so no
//! renderer writes a `type` field by hand. Round trips are kept in microseconds and written as
//! milliseconds (`rtt_ms`), exact to the microsecond.
//!
//! [`Event::Sent`], [`Event::SendFailed`] and [`Event::Corrupt`] are for text renderers and `-v`
//! only; they are never written to the JSON stream.

use std::net::IpAddr;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::model::ping_stats::{self, RttStats};
use crate::net::icmp::EchoData;
use crate::net::privilege::Method;

use super::Quoted;

/// One thing that happened to a probe, or the closing figures of a target.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A probe left.
    #[schemars(skip)]
    Sent(Sent),
    /// A probe could not be sent; it is counted as sent and will time out.
    #[schemars(skip)]
    SendFailed(SendFailed),
    /// A probe was answered (or answered again: `dup`).
    Reply(Reply),
    /// A probe got no answer within the wait, or was still unanswered at the end.
    Timeout(Timeout),
    /// A router or the host reported an ICMP error about a probe.
    #[serde(rename = "error")]
    IcmpError(IcmpError),
    /// A probe failed without an ICMP error (a TCP connect error other than a reset).
    #[serde(rename = "error")]
    Failed(Failed),
    /// An answer with a bad checksum, ignored.
    #[schemars(skip)]
    Corrupt(Corrupt),
    /// The figures of one target, once, at the end.
    Summary(Summary),
}

/// A probe left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Sent {
    /// The target as the user named it.
    #[serde(serialize_with = "shared_str")]
    pub target: Arc<str>,
    /// The probe's sequence number.
    pub seq: u16,
    /// Whether the target's previous probe was still waiting for its answer.
    pub previous_pending: bool,
}

/// A probe could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SendFailed {
    /// The target as the user named it.
    #[serde(serialize_with = "shared_str")]
    pub target: Arc<str>,
    /// The address it was sent to.
    pub dest: IpAddr,
    /// The probe's sequence number.
    pub seq: u16,
    /// The system's reason.
    pub error: String,
}

/// An answer to a probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Reply {
    /// The target as the user named it.
    #[serde(serialize_with = "shared_str")]
    pub target: Arc<str>,
    /// The sequence number of the probe answered.
    pub seq: u16,
    /// Who answered.
    pub from: IpAddr,
    /// The answer's TTL or hop limit (none for TCP).
    pub ttl: Option<u8>,
    /// ICMP message length (0 for TCP).
    pub bytes: usize,
    /// ICMP: how its payload compares with the probe's (`truncated` or `wrong_data` in JSON,
    /// nothing when intact).
    #[serde(flatten)]
    pub data: EchoData,
    /// Round trip in microseconds, timed around our own send and receive.
    #[serde(rename = "rtt_ms", serialize_with = "us_as_ms")]
    #[schemars(with = "f64")]
    pub rtt_us: u64,
    /// A second (or later) answer to the same probe.
    pub dup: bool,
    /// TCP only: open (handshake completed) or closed (reset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<TcpState>,
}

/// What a TCP handshake probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TcpState {
    /// The handshake completed.
    Open,
    /// The host answered with a reset: up, but nothing listens.
    Closed,
}

impl TcpState {
    /// The word used in text and JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// A probe without an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Timeout {
    /// The target as the user named it.
    #[serde(serialize_with = "shared_str")]
    pub target: Arc<str>,
    /// The lost probe's sequence number.
    pub seq: u16,
}

/// An ICMP error about a probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IcmpError {
    /// The target as the user named it.
    #[serde(serialize_with = "shared_str")]
    pub target: Arc<str>,
    /// The sequence number of the probe it is about.
    pub seq: u16,
    /// The router or host that reported it.
    pub from: IpAddr,
    /// What it means, in ping's words (`Time to live exceeded`).
    pub error: String,
    /// ICMP type.
    pub icmp_type: u8,
    /// ICMP code.
    pub icmp_code: u8,
    /// The probe the error quoted.
    #[serde(skip)]
    pub quoted: Quoted,
    /// From the probe's send to the error's arrival, in microseconds (a path prober's round
    /// trip to the router that reported it).
    #[serde(skip)]
    pub rtt_us: u64,
}

/// A probe that failed without an ICMP error. Its `from`, `icmp_type` and `icmp_code` are
/// null, so that every `error` record of the stream has the same fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Failed {
    /// The target as the user named it.
    #[serde(serialize_with = "shared_str")]
    pub target: Arc<str>,
    /// The sequence number of the failed probe.
    pub seq: u16,
    /// Nobody reported it.
    pub from: Absent,
    /// What went wrong.
    pub error: String,
    /// Not an ICMP error.
    pub icmp_type: Absent,
    /// Not an ICMP error.
    pub icmp_code: Absent,
}

/// A field that is always null in JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Absent;

impl Serialize for Absent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_none()
    }
}

impl schemars::JsonSchema for Absent {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Absent".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "null" })
    }
}

/// An answer with a bad checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Corrupt {
    /// Who sent it.
    pub from: IpAddr,
}

/// The closing figures of one target, ICMP or TCP alike.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    /// The target as the user named it.
    #[serde(serialize_with = "shared_str")]
    pub target: Arc<str>,
    /// The address probed.
    pub address: IpAddr,
    /// Probes sent.
    pub transmitted: u64,
    /// Distinct answers.
    pub received: u64,
    /// Duplicate answers.
    pub duplicates: u64,
    /// ICMP errors and failed probes.
    pub errors: u64,
    /// Loss in percent.
    pub loss_pct: f64,
    /// Fastest round trip.
    pub min_ms: Option<f64>,
    /// Mean round trip.
    pub avg_ms: Option<f64>,
    /// Slowest round trip.
    pub max_ms: Option<f64>,
    /// Mean deviation (ping's mdev).
    pub mdev_ms: Option<f64>,
    /// Time from the first probe to the end, in milliseconds.
    pub time_ms: u64,
    /// Raw, datagram or TCP.
    pub method: Method,
    /// Round trip of every probe in order (microseconds), `None` when it got no answer.
    #[serde(rename = "rtts_ms", serialize_with = "us_list_as_ms")]
    #[schemars(with = "Vec<Option<f64>>")]
    pub rtts_us: Vec<Option<u64>>,
    /// The running figures the summary was made from (ping's text needs the moving average).
    #[serde(skip)]
    pub stats: RttStats,
    /// The mean gap between two sends to this target, in microseconds (ping -f's `ipg`).
    #[serde(skip)]
    pub ipg_us: Option<u64>,
}

impl Summary {
    /// The one summary builder, for every prober.
    #[must_use]
    pub fn new(
        target: Arc<str>,
        address: IpAddr,
        stats: RttStats,
        rtts_us: Vec<Option<u64>>,
        time_ms: u64,
        method: Method,
        ipg_us: Option<u64>,
    ) -> Self {
        let s = stats.summary();
        let ms =
            |f: fn(&ping_stats::RttSummary) -> u64| s.as_ref().map(|s| ping_stats::us_to_ms(f(s)));
        Self {
            target,
            schema_version: crate::output::schema::SchemaVersion,
            address,
            transmitted: stats.transmitted,
            received: stats.received,
            duplicates: stats.duplicates,
            errors: stats.errors,
            loss_pct: stats.loss_pct(),
            min_ms: ms(|s| s.min_us),
            avg_ms: ms(|s| s.avg_us),
            max_ms: ms(|s| s.max_us),
            mdev_ms: ms(|s| s.mdev_us),
            time_ms,
            method,
            rtts_us,
            stats,
            ipg_us,
        }
    }
}

fn shared_str<S: Serializer>(text: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

fn us_as_ms<S: Serializer>(us: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(ping_stats::us_to_ms(*us))
}

fn us_list_as_ms<S: Serializer>(list: &[Option<u64>], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(list.iter().map(|r| r.map(ping_stats::us_to_ms)))
}
