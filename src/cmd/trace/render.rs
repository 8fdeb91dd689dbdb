//! What `trace` prints: mtr's report table, the live view (the same table with a sparkline per
//! hop, redrawn every round) and the JSON records (one per probe, one report per target).

use std::fmt::Write as _;
use std::net::IpAddr;

use serde::Serialize;

use crate::model::ping_stats::{sparkline, us_to_ms};
use crate::model::trace::{Annotation, Hop, HopAddr, MplsLabel, Outcome, Path, Protocol, Reply};
use crate::net::privilege::Method;
use crate::probe::trace::ProbeEvent;

/// One target's trace, as the renderers need it.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The host as the user named it.
    pub host: &'a str,
    /// Its path so far.
    pub path: &'a Path,
    /// The probe protocol.
    pub protocol: Protocol,
    /// Raw or datagram sockets.
    pub method: Method,
    /// `-m`.
    pub max_ttl: u8,
}

/// The NDJSON record of one probe.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ProbeRecord<'a> {
    /// Always `probe`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The host as given.
    pub target: &'a str,
    /// Its address.
    pub address: IpAddr,
    /// Round, from 1.
    pub round: u32,
    /// The probe's TTL (hop limit).
    pub ttl: u8,
    /// The probe's number.
    pub seq: u16,
    /// Who answered (null: nobody within the wait).
    pub from: Option<IpAddr>,
    /// Round trip in milliseconds (null when lost).
    pub rtt_ms: Option<f64>,
    /// `time_exceeded`, `reached`, `unreachable` or `timeout`.
    pub reply: &'static str,
    /// `!H`, `!N`, `!P`, `!X`... for an unreachable answer.
    pub annotation: Option<String>,
    /// ICMP type and code of the answer (null for TCP answers and timeouts).
    pub icmp_type: Option<u8>,
    /// See `icmp_type`.
    pub icmp_code: Option<u8>,
    /// MPLS labels the router quoted.
    pub mpls: &'a [MplsLabel],
}

const NO_LABELS: &[MplsLabel] = &[];

/// The record of `event` in the trace of `host` at `address`.
#[must_use]
pub fn probe_record<'a>(host: &'a str, address: IpAddr, event: &'a ProbeEvent) -> ProbeRecord<'a> {
    let (from, rtt_ms, reply, annotation, mpls) = match &event.outcome {
        Outcome::Lost => (None, None, "timeout", None, NO_LABELS),
        Outcome::Answered {
            from,
            rtt_us,
            reply,
            mpls,
        } => {
            let (name, annotation) = reply_names(*reply);
            (
                Some(*from),
                Some(us_to_ms(*rtt_us)),
                name,
                annotation,
                mpls.as_slice(),
            )
        }
    };
    ProbeRecord {
        kind: "probe",
        target: host,
        address,
        round: event.round,
        ttl: event.ttl,
        seq: event.seq,
        from,
        rtt_ms,
        reply,
        annotation,
        icmp_type: event.icmp.map(|(t, _)| t),
        icmp_code: event.icmp.map(|(_, c)| c),
        mpls,
    }
}

fn reply_names(reply: Reply) -> (&'static str, Option<String>) {
    match reply {
        Reply::TimeExceeded => ("time_exceeded", None),
        Reply::Reached => ("reached", None),
        Reply::Unreachable { annotation } => ("unreachable", Some(annotation.mark())),
    }
}

/// One hop of the JSON report.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct HopRecord<'a> {
    /// The TTL.
    pub hop: u8,
    /// Addresses that answered, with names and counts.
    pub addrs: &'a [HopAddr],
    /// Loss in percent.
    pub loss_pct: f64,
    /// Probes sent (that ended).
    pub sent: u64,
    /// Probes answered.
    pub received: u64,
    /// Last, mean, best and worst round trip and standard deviation, ms (null without replies).
    pub last_ms: Option<f64>,
    /// See `last_ms`.
    pub avg_ms: Option<f64>,
    /// See `last_ms`.
    pub best_ms: Option<f64>,
    /// See `last_ms`.
    pub worst_ms: Option<f64>,
    /// See `last_ms`.
    pub stdev_ms: Option<f64>,
    /// The unreachable mark.
    pub annotation: Option<String>,
    /// MPLS labels.
    pub mpls: &'a [MplsLabel],
}

/// The final JSON object of one target.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ReportRecord<'a> {
    /// Always `report`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    /// The host as given.
    pub target: &'a str,
    /// Its address.
    pub address: IpAddr,
    /// `icmp`, `udp` or `tcp`.
    pub protocol: Protocol,
    /// `raw` or `dgram`.
    pub method: Method,
    /// Whether the target answered.
    pub reached: bool,
    /// The hop where it answered.
    pub reached_hop: Option<u8>,
    /// One entry per hop, first to last.
    pub hops: Vec<HopRecord<'a>>,
}

fn ms(us: Option<u64>) -> Option<f64> {
    us.map(us_to_ms)
}

fn ms_f(us: Option<f64>) -> Option<f64> {
    // To the microsecond, as the other figures.
    us.map(|v| v.round() / 1000.0)
}

/// The report object of one target.
#[must_use]
pub fn report_record<'a>(view: &View<'a>) -> ReportRecord<'a> {
    let path = view.path;
    ReportRecord {
        schema_version: crate::output::schema::SchemaVersion,
        kind: "report",
        target: view.host,
        address: path.target,
        protocol: view.protocol,
        method: view.method,
        reached: path.reached(),
        reached_hop: path.reached().then_some(path.end()),
        hops: path
            .hops()
            .iter()
            .map(|hop| HopRecord {
                hop: hop.ttl,
                addrs: &hop.addrs,
                loss_pct: hop.loss_pct(),
                sent: hop.sent,
                received: hop.received,
                last_ms: ms(hop.last_us),
                avg_ms: ms_f(hop.avg_us()),
                best_ms: ms(hop.best_us),
                worst_ms: ms(hop.worst_us),
                stdev_ms: ms_f(hop.stdev_us()),
                annotation: hop.annotation.map(Annotation::mark),
                mpls: &hop.mpls,
            })
            .collect(),
    }
}

fn host_label(addr: &HopAddr) -> String {
    match &addr.name {
        Some(name) => format!("{} ({})", crate::model::sanitize::escape(name), addr.addr),
        None => addr.addr.to_string(),
    }
}

fn cell(us: Option<f64>) -> String {
    us.map_or_else(String::new, |v| format!("{:.3}", v / 1000.0))
}

#[expect(
    clippy::cast_precision_loss,
    reason = "round trips stay far below 2^52 µs"
)]
fn cell_u(us: Option<u64>) -> String {
    cell(us.map(|v| v as f64))
}

/// The hop table: mtr's report columns, one row per hop, a line per further address or MPLS
/// label; `live` adds a sparkline of each hop's recent round trips.
#[must_use]
pub fn table(path: &Path, live: bool) -> String {
    let hops = path.hops();
    let first_label = |hop: &Hop| -> String {
        let mut label = hop
            .addrs
            .first()
            .map_or_else(|| "*".to_string(), host_label);
        if let Some(mark) = hop.annotation {
            label.push(' ');
            label.push_str(&mark.mark());
        }
        label
    };
    let width = hops
        .iter()
        .flat_map(|h| {
            std::iter::once(first_label(h).chars().count()).chain(
                h.addrs
                    .iter()
                    .skip(1)
                    .map(|a| host_label(a).chars().count()),
            )
        })
        .max()
        .unwrap_or(4)
        .max(4);
    let mut text = String::new();
    let _ = write!(
        text,
        "{:>3}  {:<width$}  {:>6}  {:>4}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}",
        "HOP", "HOST", "LOSS%", "SNT", "LAST", "AVG", "BEST", "WRST", "STDEV"
    );
    if live {
        text.push_str("  RTTS");
    }
    text.push('\n');
    for hop in hops {
        let mut row = format!(
            "{:>3}  {:<width$}  {:>5.1}%  {:>4}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}",
            hop.ttl,
            first_label(hop),
            hop.loss_pct(),
            hop.sent,
            cell_u(hop.last_us),
            cell(hop.avg_us()),
            cell_u(hop.best_us),
            cell_u(hop.worst_us),
            cell(hop.stdev_us()),
        );
        if live {
            row.push_str("  ");
            row.push_str(&sparkline(&hop.history));
        }
        text.push_str(row.trim_end());
        text.push('\n');
        for extra in hop.addrs.iter().skip(1) {
            let _ = writeln!(text, "{:>3}  {}", "", host_label(extra));
        }
        for label in &hop.mpls {
            let _ = writeln!(text, "{:>3}  {label}", "");
        }
    }
    text
}

/// The heading line of one target's table.
#[must_use]
pub fn heading(view: &View<'_>) -> String {
    format!(
        "trace to {} ({}), {} hops max, {} probes",
        crate::model::sanitize::escape(view.host),
        view.path.target,
        view.max_ttl,
        view.protocol.as_str()
    )
}

/// The closing line: where the target answered, or why it did not.
#[must_use]
pub fn verdict(view: &View<'_>) -> String {
    let path = view.path;
    let host = crate::model::sanitize::escape(view.host);
    if path.reached() {
        return format!("{host} answered at hop {}", path.end());
    }
    match path.unreachable_at {
        Some(hop) if hop == path.end() => {
            let mark = path
                .hops()
                .last()
                .and_then(|h| h.annotation)
                .map_or_else(String::new, |a| format!(" ({})", a.mark()));
            format!("{host} not reached: unreachable at hop {hop}{mark}")
        }
        _ => format!(
            "{host} did not answer within {}",
            crate::output::words::count(view.max_ttl, "hop", "hops")
        ),
    }
}

/// The text report of one target: heading, table, verdict.
#[must_use]
pub fn report_text(view: &View<'_>) -> String {
    let role = crate::output::Paint::for_answer(view.path.reached());
    format!(
        "{}\n{}{}\n",
        heading(view),
        table(view.path, false),
        crate::output::paint(verdict(view), role)
    )
}

/// The live screen: every target's heading and table with sparklines, and the round.
#[must_use]
pub fn live_screen(views: &[View<'_>], round: u64) -> String {
    let mut text = String::new();
    for view in views {
        let _ = writeln!(text, "{}  (round {round}, Ctrl-C to stop)", heading(view));
        text.push_str(&table(view.path, true));
        text.push('\n');
    }
    text
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::record::<ProbeRecord<'static>>(generator),
        crate::output::schema::record::<ReportRecord<'static>>(generator),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trace::Reply;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn path() -> Path {
        let mut path = Path::new(ip("10.0.4.2"), 1, 30);
        let answer = |from: &str, rtt_us, reply| Outcome::Answered {
            from: ip(from),
            rtt_us,
            reply,
            mpls: Vec::new(),
        };
        for rtt in [100, 300] {
            path.record(1, &answer("10.0.1.1", rtt, Reply::TimeExceeded));
            path.record(2, &Outcome::Lost);
            path.record(4, &answer("10.0.4.2", rtt * 10, Reply::Reached));
        }
        path.record(3, &answer("10.0.3.1", 500, Reply::TimeExceeded));
        path.record(3, &answer("10.0.3.9", 700, Reply::TimeExceeded));
        path
    }

    fn view(path: &Path) -> View<'_> {
        View {
            host: "target",
            path,
            protocol: Protocol::Icmp,
            method: Method::Raw,
            max_ttl: 30,
        }
    }

    #[test]
    fn report_table_is_mtrs_columns() {
        let path = path();
        let text = report_text(&view(&path));
        let want = "\
trace to target (10.0.4.2), 30 hops max, icmp probes
HOP  HOST       LOSS%   SNT     LAST      AVG     BEST     WRST    STDEV
  1  10.0.1.1    0.0%     2    0.300    0.200    0.100    0.300    0.141
  2  *         100.0%     2
  3  10.0.3.1    0.0%     2    0.700    0.600    0.500    0.700    0.141
     10.0.3.9
  4  10.0.4.2    0.0%     2    3.000    2.000    1.000    3.000    1.414
target answered at hop 4
";
        assert_eq!(text, want);
    }

    #[test]
    fn live_table_adds_a_sparkline() {
        let path = path();
        let text = live_screen(&[view(&path)], 2);
        assert!(text.starts_with(
            "trace to target (10.0.4.2), 30 hops max, icmp probes  (round 2, Ctrl-C to stop)\n"
        ));
        let rows: Vec<&str> = text.lines().collect();
        assert!(rows[1].ends_with("  RTTS"), "{text}");
        assert!(rows[2].ends_with("  ▁█"), "{text}");
        assert!(rows[3].ends_with("  ××"), "{text}");
    }

    #[test]
    fn json_report_and_probe_records() {
        let path = path();
        let value = serde_json::to_value(report_record(&view(&path))).unwrap();
        assert_eq!(value["type"], "report");
        assert_eq!(value["reached"], true);
        assert_eq!(value["reached_hop"], 4);
        assert_eq!(value["method"], "raw");
        assert_eq!(value["protocol"], "icmp");
        let hops = value["hops"].as_array().unwrap();
        assert_eq!(hops.len(), 4);
        assert_eq!(hops[0]["avg_ms"], 0.2);
        assert_eq!(hops[0]["best_ms"], 0.1);
        assert_eq!(hops[0]["stdev_ms"], 0.141);
        assert_eq!(hops[1]["loss_pct"], 100.0);
        assert!(hops[1]["avg_ms"].is_null());
        assert_eq!(hops[2]["addrs"][1]["addr"], "10.0.3.9");
        assert_eq!(hops[2]["addrs"][1]["count"], 1);
        let event = ProbeEvent {
            round: 2,
            ttl: 3,
            seq: 7,
            outcome: Outcome::Answered {
                from: ip("10.0.3.1"),
                rtt_us: 1234,
                reply: Reply::Unreachable {
                    annotation: Annotation::Host,
                },
                mpls: Vec::new(),
            },
            icmp: Some((3, 1)),
        };
        let record = serde_json::to_string(&probe_record("t", ip("10.0.4.2"), &event)).unwrap();
        assert_eq!(
            record,
            r#"{"type":"probe","target":"t","address":"10.0.4.2","round":2,"ttl":3,"seq":7,"from":"10.0.3.1","rtt_ms":1.234,"reply":"unreachable","annotation":"!H","icmp_type":3,"icmp_code":1,"mpls":[]}"#
        );
    }

    #[test]
    fn verdicts() {
        let mut path = Path::new(ip("10.9.0.1"), 1, 5);
        path.record(
            2,
            &Outcome::Answered {
                from: ip("10.0.2.1"),
                rtt_us: 100,
                reply: Reply::Unreachable {
                    annotation: Annotation::Network,
                },
                mpls: Vec::new(),
            },
        );
        assert_eq!(
            verdict(&view(&path)),
            "target not reached: unreachable at hop 2 (!N)"
        );
        assert!(table(&path, false).contains("10.0.2.1 !N"));
        let silent = Path::new(ip("10.9.0.1"), 1, 5);
        let mut v = view(&silent);
        v.max_ttl = 5;
        assert_eq!(verdict(&v), "target did not answer within 5 hops");
    }
}
