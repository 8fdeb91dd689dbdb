//! The one renderer of `nettool resolve`: a name's lines as dig and getent print them (or the
//! data alone with `--short`), the summary line, and the choice between text, one JSON document
//! and NDJSON.

use std::fmt::{self, Write};

use super::report::{NameReport, Status, Summary};
use crate::error::Result;
use crate::output::{Output, Paint, paint, palette, words};

impl fmt::Display for NameReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(true))
    }
}

impl NameReport {
    /// The text lines, with or without the `;;` footers that say how each answer came (`-q`
    /// leaves them out, as dig's `+noall +answer` does).
    fn text(&self, footers: bool) -> String {
        let mut lines: Vec<String> = Vec::new();
        if let Some(addresses) = &self.addresses {
            for addr in addresses {
                lines.push(if self.short {
                    addr.to_string()
                } else {
                    format!("{}\t{}", self.name, paint(addr, Paint::Address))
                });
            }
        }
        if let Some(hostname) = &self.hostname {
            lines.push(if self.short {
                hostname.clone()
            } else {
                format!("{}\t{hostname}", self.name)
            });
        }
        if self.short {
            for query in self.queries.iter().flatten() {
                let asked = query.rtype.as_str();
                lines.extend(
                    query
                        .answers
                        .iter()
                        .filter(|r| r.rtype == asked)
                        .map(|r| r.data.clone()),
                );
            }
            return lines.join("\n");
        }
        if self.mode == "system" && footers {
            let what = if self.hostname.is_some() {
                "getnameinfo".to_string()
            } else {
                match self.canonical_name.clone().flatten() {
                    Some(canon) => format!("getaddrinfo, canonical name {canon}"),
                    None => "getaddrinfo".to_string(),
                }
            };
            lines.push(format!(
                ";; {}: {}, system resolver ({what}), {} ms",
                crate::model::sanitize::escape_message(&self.query),
                paint(status_word(self.status), status_paint(self.status)),
                self.time_ms
            ));
        }
        for query in self.queries.iter().flatten() {
            if self.show_opt
                && let Some(opt) = &query.opt
            {
                lines.extend(opt.lines());
            }
            for r in &query.answers {
                lines.push(format!(
                    "{}\t{}\tIN\t{}\t{}",
                    r.name, r.ttl, r.rtype, r.data
                ));
            }
            if !footers {
                continue;
            }
            let count = query.answer_count;
            let others = query.answers.len() - count;
            let others = match others {
                0 => String::new(),
                1 => ", 1 other record".to_string(),
                n => format!(", {n} other records"),
            };
            let mut flags = if query.flags.is_empty() {
                String::new()
            } else {
                format!(", flags {}", query.flags.join(" "))
            };
            // The server's EDNS payload size alone is left to JSON; options asked for show.
            if let Some(edns) = query
                .edns
                .as_ref()
                .filter(|e| e.nsid.is_some() || e.cookie.is_some() || e.subnet.is_some())
            {
                let _ = write!(flags, "; EDNS {}", edns.describe());
            }
            if let Some(validation) = &query.dnssec {
                let _ = write!(flags, "; {}", validation.describe());
            }
            let asked = match &self.query_unicode {
                Some(unicode) => format!("{} ({unicode})", self.query),
                None => self.query.clone(),
            };
            lines.push(format!(
                ";; {} {}: {}, {}{others}, server {} over {}, {} ms{flags}",
                crate::model::sanitize::escape_message(&asked),
                query.rtype,
                paint(
                    query
                        .rcode
                        .clone()
                        .or_else(|| query.error.clone())
                        .unwrap_or_default(),
                    status_paint(query.status)
                ),
                words::count(count, "answer", "answers"),
                self.server.as_deref().unwrap_or("?"),
                transport_words(query),
                query.time_ms
            ));
        }
        lines.join("\n")
    }
}

/// `UDP`, `TLS (TLSv1.3, connection set up in 1.2 ms)` or
/// `HTTPS (HTTP/2, TLSv1.3, connection set up in 1.5 ms)`.
fn transport_words(query: &super::report::QueryReport) -> String {
    let name = query.transport.describe();
    match &query.connection {
        Some(c) => {
            let versions = [&c.http_version, &c.tls_version]
                .into_iter()
                .flatten()
                .map(|v| format!("{v}, "))
                .collect::<String>();
            format!("{name} ({versions}connection set up in {} ms)", c.setup_ms)
        }
        None => name.to_string(),
    }
}

fn status_paint(status: Status) -> Paint {
    match status {
        Status::Resolved => Paint::Good,
        Status::NotFound => Paint::Bad,
        Status::Failed => Paint::Warn,
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Resolved => "resolved",
        Status::NotFound => "not found",
        Status::Failed => "failed",
    }
}

/// Below this many queries, or this much time, a rate says more about the clock than about
/// the resolver, and the summary leaves it out.
const RATE_MIN_QUERIES: u64 = 100;
const RATE_MIN_MS: f64 = 10.0;

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            ";; {}: {} resolved, {} not found, {} failed; {} in {}",
            words::count(self.names, "name", "names"),
            self.resolved,
            self.not_found,
            self.failed,
            words::count(self.queries, "query", "queries"),
            elapsed_words(self.elapsed_ms),
        )?;
        if self.queries >= RATE_MIN_QUERIES && self.elapsed_ms >= RATE_MIN_MS {
            write!(f, " ({} queries/s)", self.queries_per_second)?;
        }
        Ok(())
    }
}

/// `0.42 ms`, `12.3 ms`, `1.50 s`: milliseconds below a second, so a short run does not read
/// as `0.000 s`.
fn elapsed_words(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1e3)
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// Print one name's result: the JSON document or NDJSON line, or the text unless it is empty.
/// An NDJSON line is built in `line` (kept between calls) and written whole: serde's many small
/// writes cost more through stdout's writer than into memory.
pub(super) fn name(
    out: &mut Output,
    report: &NameReport,
    many: bool,
    line: &mut Vec<u8>,
) -> Result<()> {
    if out.is_json() {
        if !many {
            return out.report(report);
        }
        line.clear();
        crate::output::ndjson_line(line, report)?;
        return out.write_bytes(line);
    }
    if report.status == Status::Resolved || !report.short {
        let footers = !out.quiet();
        let text = palette::scoped(out.color(), || report.text(footers));
        if !text.is_empty() {
            out.record_unflushed(&text)?;
        }
    }
    Ok(())
}

/// Print the summary that follows several names: a JSON record, or a text line (on stderr with
/// `--short`, which keeps stdout to the data; none with `-q`).
pub(super) fn summary(out: &mut Output, summary: &Summary, short: bool) -> Result<()> {
    if out.is_json() {
        return out.record(summary);
    }
    if out.quiet() {
        return out.flush();
    }
    if !short {
        out.record(summary)
    } else {
        out.note(summary);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::resolve::config::tests::name;
    use crate::cmd::resolve::report::tests::dns_report;
    use crate::cmd::resolve::report::*;
    use crate::net::dns::DnsRecord;

    #[test]
    fn dns_text_and_json() {
        let answers = vec![DnsRecord {
            name: "mx.test.".into(),
            rtype: "MX".into(),
            ttl: 300,
            data: "10 mail.test.".into(),
        }];
        let report = dns_report(answers.clone(), false);
        assert_eq!(
            report.to_string(),
            "mx.test.\t300\tIN\tMX\t10 mail.test.\n\
             ;; mx.test. MX: NOERROR, 1 answer, server 127.0.0.1:5353 over UDP, 0.25 ms, flags qr aa rd"
        );
        assert_eq!(
            dns_report(answers.clone(), true).to_string(),
            "10 mail.test."
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "name", "name": "mx.test", "query": "mx.test.", "mode": "dns",
                "status": "resolved", "server": "127.0.0.1:5353", "time_ms": 0.3, "error": null,
                "queries": [{"type": "MX", "status": "resolved", "rcode": "NOERROR",
                    "flags": ["qr", "aa", "rd"], "edns": null, "answer_count": 1,
                    "transport": "udp", "time_ms": 0.25, "error": null,
                    "answers": [{"name": "mx.test.", "type": "MX", "ttl": 300,
                                 "data": "10 mail.test."}]}]
            })
        );
    }

    #[test]
    fn system_text() {
        let target = name("localhost");
        let mut report = NameReport::new(&target, "localhost".into(), "system", false);
        report.status = Status::Resolved;
        report.canonical_name = Some(Some("localhost".into()));
        report.addresses = Some(vec!["127.0.0.1".parse().unwrap()]);
        report.time_ms = 0.12;
        assert_eq!(
            report.to_string(),
            "localhost\t127.0.0.1\n\
             ;; localhost: resolved, system resolver (getaddrinfo, canonical name localhost), 0.12 ms"
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["canonical_name"], "localhost");
        assert_eq!(json["addresses"], serde_json::json!(["127.0.0.1"]));
        assert!(json.get("queries").is_none());
    }
}
