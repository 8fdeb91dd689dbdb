//! How scan results are shown: a table per host (open ports; every port with -v) with the
//! other states counted, `-o open` lines for scripts, or NDJSON records; and the progress line
//! on a terminal's stderr.

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::IpAddr;

use serde::Serialize;

use super::config::{Layout, Method};
use crate::error::Result;
use crate::model::port_state::{Evidence, IcmpError, PortState};
use crate::model::services::Proto;
use crate::net::icmp;
use crate::net::services::Database;
use crate::output::{self, Output, Paint, words};
use crate::probe::scan::{Counts, Host, PortResult, Totals};

/// One port, as a JSON record.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct PortRecord<'a> {
    r#type: &'static str,
    host: IpAddr,
    name: Option<&'a str>,
    port: u16,
    proto: Proto,
    state: PortState,
    reason: Evidence,
    icmp_type: Option<u8>,
    icmp_code: Option<u8>,
    service: Option<&'a str>,
    rtt_ms: Option<f64>,
    tries: u8,
}

/// One host's counts, as a JSON record.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct HostRecord<'a> {
    r#type: &'static str,
    host: IpAddr,
    name: Option<&'a str>,
    open: u64,
    closed: u64,
    filtered: u64,
    open_filtered: u64,
}

/// The whole scan, as the closing JSON record.
#[derive(Debug, Serialize, schemars::JsonSchema)]
struct SummaryRecord {
    r#type: &'static str,
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    method: &'static str,
    hosts: u64,
    ports: u64,
    open: u64,
    closed: u64,
    filtered: u64,
    open_filtered: u64,
    probes: u64,
    elapsed_ms: f64,
    interrupted: bool,
}

/// A row of a host's table, kept until the host is done.
#[derive(Debug, Clone)]
struct Row {
    port: u16,
    state: PortState,
    evidence: String,
    rtt: Option<f64>,
}

/// Turns scan events into output.
pub struct Renderer {
    method: Method,
    layout: Layout,
    all_ports: bool,
    rows: Vec<Row>,
    progress: Option<u128>,
    open: u64,
}

fn service(port: u16, proto: Proto) -> Option<&'static str> {
    Database::system()
        .by_port(port, Some(proto))
        .next()
        .map(|k| k.entry.name.as_str())
}

fn ms(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// The evidence in words: `syn-ack`, `no answer (2 tries)`, `icmp 3/13 Packet filtered`.
fn evidence_text(result: &PortResult) -> String {
    let v = result.verdict;
    match (v.evidence, v.icmp) {
        (Evidence::IcmpUnreachable, Some(IcmpError { v6, kind, code })) => {
            format!("icmp {kind}/{code} {}", icmp::error_text(v6, kind, code))
        }
        (Evidence::NoAnswer, _) if result.tries > 1 => {
            format!("no answer ({} tries)", result.tries)
        }
        (Evidence::NoAnswer, _) => "no answer".into(),
        (Evidence::NoRoute, _) => "no route from here".into(),
        (e, _) => e.as_str().into(),
    }
}

impl Renderer {
    /// A renderer for `method`'s results; `total` ports are expected (for the progress line,
    /// drawn only when `progress` holds).
    #[must_use]
    pub fn new(
        method: Method,
        layout: Layout,
        all_ports: bool,
        progress: bool,
        total: u128,
    ) -> Self {
        Self {
            method,
            layout,
            all_ports,
            rows: Vec::new(),
            progress: progress.then_some(total),
            open: 0,
        }
    }

    /// A port was judged.
    pub fn port(&mut self, out: &mut Output, host: &Host, result: &PortResult) -> Result<()> {
        let state = result.verdict.state;
        if state.is_open() {
            self.open += 1;
        }
        let shown = state.is_open() || (self.all_ports && self.layout == Layout::Table);
        if !shown {
            return Ok(());
        }
        let proto = self.method.proto();
        if out.is_json() {
            return out.json_record(&PortRecord {
                r#type: "port",
                host: host.addr.ip,
                name: host.name.as_deref(),
                port: result.port,
                proto,
                state,
                reason: result.verdict.evidence,
                icmp_type: result.verdict.icmp.map(|i| i.kind),
                icmp_code: result.verdict.icmp.map(|i| i.code),
                service: service(result.port, proto),
                rtt_ms: result.rtt.map(ms),
                tries: result.tries,
            });
        }
        if self.layout == Layout::Open {
            self.clear_progress();
            return out.write_text(&format!("{} {}\n", host.addr.ip, result.port));
        }
        self.rows.push(Row {
            port: result.port,
            state,
            evidence: evidence_text(result),
            rtt: result.rtt.map(ms),
        });
        Ok(())
    }

    /// Every port of `host` was judged: its table, or its JSON record.
    pub fn host_done(&mut self, out: &mut Output, host: &Host, counts: &Counts) -> Result<()> {
        let mut rows = std::mem::take(&mut self.rows);
        if out.is_json() {
            return out.json_record(&HostRecord {
                r#type: "host",
                host: host.addr.ip,
                name: host.name.as_deref(),
                open: counts.of(PortState::Open),
                closed: counts.of(PortState::Closed),
                filtered: counts.of(PortState::Filtered),
                open_filtered: counts.of(PortState::OpenFiltered),
            });
        }
        if self.layout == Layout::Open {
            return out.flush();
        }
        self.clear_progress();
        rows.sort_by_key(|r| r.port);
        let proto = self.method.proto();
        let mut text = String::new();
        let label = match &host.name {
            Some(name) => format!("{name} ({})", host.addr.ip),
            None => host.addr.ip.to_string(),
        };
        let _ = writeln!(
            text,
            "{}: {}",
            out.paint(&label, Paint::Bold),
            count_text(counts)
        );
        if !rows.is_empty() {
            let mut table = output::table(["PORT", "STATE", "SERVICE", "EVIDENCE", "RTT"]);
            for row in &rows {
                let paint = Paint::for_port_state(row.state.as_str());
                table.add_row([
                    format!("{}/{proto}", row.port).into(),
                    output::palette::cell_if(out.color(), row.state.as_str(), paint),
                    service(row.port, proto).unwrap_or("-").into(),
                    row.evidence.as_str().into(),
                    row.rtt
                        .map_or_else(|| "-".into(), |r| format!("{r:.3} ms"))
                        .into(),
                ]);
            }
            for line in table.to_string().lines() {
                let _ = writeln!(text, "{}", line.trim_end());
            }
        }
        text.push('\n');
        out.write_text(&text)?;
        out.flush()
    }

    /// Progress: `judged` ports so far.
    pub fn tick(&mut self, out: &mut Output, judged: u64) -> Result<()> {
        // What is already printed should reach the reader while the scan goes on.
        out.flush()?;
        if let Some(total) = self.progress {
            let pct = (u128::from(judged) * 100).checked_div(total).unwrap_or(100);
            let mut err = std::io::stderr();
            let _ = write!(
                err,
                "\r\x1b[Kscanning: {judged}/{total} ports ({pct}%), {} open",
                self.open
            );
            let _ = err.flush();
        }
        Ok(())
    }

    fn clear_progress(&self) {
        if self.progress.is_some() {
            let mut err = std::io::stderr();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }

    /// The scan is over: the closing line or record.
    pub fn finish(&mut self, out: &mut Output, totals: &Totals) -> Result<()> {
        self.clear_progress();
        let c = &totals.counts;
        if out.is_json() {
            return out.json_record(&SummaryRecord {
                schema_version: crate::output::schema::SchemaVersion,
                r#type: "summary",
                method: self.method.as_str(),
                hosts: totals.hosts,
                ports: c.total(),
                open: c.of(PortState::Open),
                closed: c.of(PortState::Closed),
                filtered: c.of(PortState::Filtered),
                open_filtered: c.of(PortState::OpenFiltered),
                probes: totals.sent,
                elapsed_ms: ms(totals.elapsed),
                interrupted: totals.interrupted,
            });
        }
        // -q keeps the results (each host's table) and drops the closing count, as resolve does.
        if self.layout == Layout::Open || out.quiet() {
            return out.flush();
        }
        let stopped = if totals.interrupted {
            " (interrupted)"
        } else {
            ""
        };
        out.write_text(&format!(
            "{} scan of {}, {} in {:.2} s{stopped}: {} ({})\n",
            self.method.as_str(),
            words::count(totals.hosts, "host", "hosts"),
            words::count(c.total(), "port", "ports"),
            totals.elapsed.as_secs_f64(),
            count_text(c),
            words::count(totals.sent, "probe", "probes"),
        ))?;
        out.flush()
    }
}

/// `2 open, 97 closed, 1 filtered` (open|filtered only when some are).
fn count_text(c: &Counts) -> String {
    let mut text = format!(
        "{} open, {} closed, {} filtered",
        c.of(PortState::Open),
        c.of(PortState::Closed),
        c.of(PortState::Filtered)
    );
    let of = c.of(PortState::OpenFiltered);
    if of > 0 {
        let _ = write!(text, ", {of} open|filtered");
    }
    text
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::record::<PortRecord<'static>>(generator),
        crate::output::schema::record::<HostRecord<'static>>(generator),
        crate::output::schema::record::<SummaryRecord>(generator),
    ]
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::model::port_state::{Answer, judge_tcp, judge_udp};
    use crate::output::Format;

    fn result(port: u16, answer: Answer, tries: u8, rtt_us: Option<u64>) -> PortResult {
        let judge = if matches!(answer, Answer::Datagram) {
            judge_udp
        } else {
            judge_tcp
        };
        PortResult {
            port,
            verdict: judge(answer).unwrap(),
            rtt: rtt_us.map(Duration::from_micros),
            tries,
        }
    }

    fn host() -> Host {
        Host {
            addr: "127.0.0.1".parse::<IpAddr>().unwrap().into(),
            name: Some("localhost".into()),
        }
    }

    fn counts(open: u64, closed: u64, filtered: u64) -> Counts {
        Counts([open, closed, filtered, 0])
    }

    #[test]
    fn table_lists_open_ports_and_counts_the_rest() {
        let (mut out, stdout, _) = Output::capture(Format::Text);
        let mut r = Renderer::new(Method::Connect, Layout::Table, false, false, 3);
        r.port(
            &mut out,
            &host(),
            &result(8080, Answer::Connected, 1, Some(41)),
        )
        .unwrap();
        r.port(&mut out, &host(), &result(23, Answer::Reset, 1, Some(30)))
            .unwrap();
        r.port(
            &mut out,
            &host(),
            &result(22, Answer::Connected, 1, Some(52)),
        )
        .unwrap();
        r.host_done(&mut out, &host(), &counts(2, 1, 0)).unwrap();
        let text = stdout.contents();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "localhost (127.0.0.1): 2 open, 1 closed, 0 filtered"
        );
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            ["PORT", "STATE", "SERVICE", "EVIDENCE", "RTT"]
        );
        assert_eq!(
            lines[2].split_whitespace().collect::<Vec<_>>(),
            ["22/tcp", "open", "ssh", "handshake", "0.052", "ms"]
        );
        assert_eq!(lines[3].split_whitespace().next(), Some("8080/tcp"));
        assert_eq!(lines.len(), 5, "{text}");
    }

    #[test]
    fn verbose_lists_every_state_with_its_evidence() {
        let (mut out, stdout, _) = Output::capture(Format::Text);
        let mut r = Renderer::new(Method::Syn, Layout::Table, true, false, 3);
        let icmp = IcmpError {
            v6: false,
            kind: 3,
            code: 13,
        };
        r.port(&mut out, &host(), &result(1, Answer::Reset, 1, Some(10)))
            .unwrap();
        r.port(&mut out, &host(), &result(2, Answer::Silence, 2, None))
            .unwrap();
        r.port(
            &mut out,
            &host(),
            &result(3, Answer::Icmp(icmp), 1, Some(900)),
        )
        .unwrap();
        r.host_done(&mut out, &host(), &counts(0, 1, 2)).unwrap();
        let words: Vec<String> = stdout
            .contents()
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            words[2..5],
            [
                "1/tcp closed tcpmux rst 0.010 ms",
                "2/tcp filtered - no answer (2 tries) -",
                "3/tcp filtered - icmp 3/13 Packet filtered 0.900 ms",
            ]
        );
    }

    #[test]
    fn open_layout_is_one_line_per_open_port() {
        let (mut out, stdout, _) = Output::capture(Format::Text);
        let mut r = Renderer::new(Method::Connect, Layout::Open, true, false, 2);
        r.port(
            &mut out,
            &host(),
            &result(22, Answer::Connected, 1, Some(5)),
        )
        .unwrap();
        r.port(&mut out, &host(), &result(23, Answer::Reset, 1, Some(5)))
            .unwrap();
        r.host_done(&mut out, &host(), &counts(1, 1, 0)).unwrap();
        r.finish(&mut out, &Totals::default()).unwrap();
        assert_eq!(stdout.contents(), "127.0.0.1 22\n");
    }

    #[test]
    fn json_records_have_the_documented_fields() {
        let (mut out, stdout, _) = Output::capture(Format::Json);
        let mut r = Renderer::new(Method::Udp, Layout::Table, false, false, 1);
        r.port(
            &mut out,
            &host(),
            &result(53, Answer::Datagram, 1, Some(1500)),
        )
        .unwrap();
        r.host_done(&mut out, &host(), &Counts([1, 0, 0, 0]))
            .unwrap();
        let totals = Totals {
            hosts: 1,
            counts: Counts([1, 0, 0, 0]),
            sent: 1,
            elapsed: Duration::from_millis(3),
            interrupted: false,
        };
        r.finish(&mut out, &totals).unwrap();
        let lines: Vec<serde_json::Value> = stdout
            .contents()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["type"], "port");
        assert_eq!(lines[0]["host"], "127.0.0.1");
        assert_eq!(lines[0]["name"], "localhost");
        assert_eq!(lines[0]["proto"], "udp");
        assert_eq!(lines[0]["state"], "open");
        assert_eq!(lines[0]["reason"], "udp-reply");
        assert_eq!(lines[0]["rtt_ms"], 1.5);
        assert_eq!(lines[0]["tries"], 1);
        assert!(lines[0]["icmp_type"].is_null());
        assert_eq!(lines[1]["type"], "host");
        assert_eq!(lines[1]["open"], 1);
        assert_eq!(lines[2]["type"], "summary");
        assert_eq!(lines[2]["method"], "udp");
        assert_eq!(lines[2]["ports"], 1);
        assert_eq!(lines[2]["elapsed_ms"], 3.0);
        assert_eq!(lines[2]["interrupted"], false);
    }
}
