//! What `nettool resolve` reports: one [`NameReport`] per name as it is answered, a
//! [`Summary`] after several, and the exit status they add up to. Plain data; the text form is
//! in `render`.

use std::net::IpAddr;
use std::time::Duration;

use serde::Serialize;

use super::config::Target;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::dns_name::Rtype;
use crate::net::dns::{DnsRecord, EdnsReport, OptReport, Transport};
use crate::net::dns_validate::Validation;

/// The outcome of one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At least one answer and no failure.
    Resolved,
    /// The name (or its data) does not exist.
    NotFound,
    /// No usable answer: timeout, unreachable, refused, invalid name.
    Failed,
}

/// One DNS query of a name, as reported.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct QueryReport {
    /// The type asked for.
    #[serde(rename = "type")]
    pub rtype: Rtype,
    /// The query's outcome.
    pub status: Status,
    /// The server's response code, when one came.
    pub rcode: Option<String>,
    /// The header flags of the response that are set (`qr aa tc rd ra ad cd`).
    pub flags: Vec<&'static str>,
    /// The server's OPT record.
    pub edns: Option<EdnsReport>,
    /// The server's OPT record in full (version, flags, every option), when it sent one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opt: Option<OptReport>,
    /// How the query travelled.
    pub transport: Transport,
    /// Over TCP and TLS: how the connection was set up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<Connection>,
    /// Query time in milliseconds.
    pub time_ms: f64,
    /// How many records of the answer section are of the type asked.
    pub answer_count: usize,
    /// The answer section, every record whatever its type.
    pub answers: Vec<DnsRecord>,
    /// What went wrong, when the query has no answer.
    pub error: Option<String>,
    /// With --validate: the DNSSEC verdict on the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnssec: Option<Validation>,
}

/// The connection a query went over.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Connection {
    /// Time to open it (TCP and TLS handshakes), in milliseconds.
    pub setup_ms: f64,
    /// `TLSv1.3`, or `None` for plain TCP.
    pub tls_version: Option<String>,
    /// `HTTP/2` or `HTTP/1.1`, for DNS over HTTPS only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
}

impl Serialize for Rtype {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

crate::string_schema!(
    Rtype,
    "A record type: `A`, `MX`, or `TYPE<n>` for one without a name."
);

/// The result for one name, in text and JSON.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NameReport {
    /// Always `name`.
    pub kind: &'static str,
    /// The name as given.
    pub name: String,
    /// The name asked (fully qualified in DNS mode; the reverse name for an address).
    pub query: String,
    /// The name asked in its Unicode form, when it has A-labels (`xn--...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_unicode: Option<String>,
    /// `system` or `dns`.
    pub mode: &'static str,
    /// The outcome.
    pub status: Status,
    /// System mode: the canonical name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_name: Option<Option<String>>,
    /// System mode: the addresses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<IpAddr>>,
    /// System mode, reverse: the host name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// DNS mode: the server asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// DNS mode: one entry per type asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queries: Option<Vec<QueryReport>>,
    /// Total time for this name in milliseconds.
    pub time_ms: f64,
    /// Why the name did not resolve.
    pub error: Option<String>,
    /// Print only the data.
    #[serde(skip)]
    pub short: bool,
    /// Print each response's OPT pseudo-section (`-v`).
    #[serde(skip)]
    pub show_opt: bool,
}

/// A duration in milliseconds, to the microsecond.
pub(super) fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

impl NameReport {
    pub(super) fn new(target: &Target, query: String, mode: &'static str, short: bool) -> Self {
        Self {
            kind: "name",
            name: target.input().to_string(),
            query_unicode: crate::model::dns_name::unicode_form(&query),
            query,
            mode,
            status: Status::Failed,
            canonical_name: None,
            addresses: None,
            hostname: None,
            server: None,
            queries: None,
            time_ms: 0.0,
            error: None,
            short,
            show_opt: false,
        }
    }

    /// The one line that names a name that did not resolve, and why.
    #[must_use]
    pub fn problem(&self) -> Option<String> {
        let error = self.error.as_ref()?;
        Some(format!("{}: {error}", self.name))
    }
}

/// The counts printed after several names.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Always `summary`.
    pub kind: &'static str,
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    /// Names looked up.
    pub names: u64,
    /// Names resolved.
    pub resolved: u64,
    /// Names that do not exist.
    pub not_found: u64,
    /// Names that failed.
    pub failed: u64,
    /// Queries sent (names x types in DNS mode; lookups in system mode).
    pub queries: u64,
    /// Wall time in milliseconds.
    pub elapsed_ms: f64,
    /// Queries per second over the whole run.
    pub queries_per_second: f64,
}

impl Summary {
    pub(super) fn new() -> Self {
        Self {
            schema_version: crate::output::schema::SchemaVersion,
            kind: "summary",
            names: 0,
            resolved: 0,
            not_found: 0,
            failed: 0,
            queries: 0,
            elapsed_ms: 0.0,
            queries_per_second: 0.0,
        }
    }

    pub(super) fn add(&mut self, report: &NameReport) {
        self.names += 1;
        self.queries += report.queries.as_ref().map_or(1, |q| q.len() as u64);
        match report.status {
            Status::Resolved => self.resolved += 1,
            Status::NotFound => self.not_found += 1,
            Status::Failed => self.failed += 1,
        }
    }

    pub(super) fn finish(&mut self, elapsed: Duration) {
        self.elapsed_ms = millis(elapsed);
        let secs = elapsed.as_secs_f64();
        self.queries_per_second = if secs > 0.0 {
            (self.queries as f64 / secs).round()
        } else {
            0.0
        };
    }
}

/// The exit status of a run: an error naming the problem when a name failed (or, with one name,
/// did not exist), a negative answer when a name of several did not exist.
pub(super) fn verdict(
    summary: &Summary,
    many: bool,
    last_problem: Option<String>,
) -> Result<Outcome> {
    let problem = last_problem.unwrap_or_default();
    if summary.failed > 0 {
        return Err(Error::other(if many {
            format!(
                "{} of {} names failed (timeout, unreachable server, refused, or invalid name)",
                summary.failed, summary.names
            )
        } else {
            problem
        }));
    }
    if summary.not_found > 0 {
        if many {
            return Ok(Outcome::No);
        }
        return Err(Error::negative(problem));
    }
    Ok(Outcome::Yes)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::cmd::resolve::config::tests::name;

    pub(crate) fn dns_report(answers: Vec<DnsRecord>, short: bool) -> NameReport {
        let target = name("mx.test");
        let mut report = NameReport::new(&target, "mx.test.".into(), "dns", short);
        report.server = Some("127.0.0.1:5353".into());
        report.status = Status::Resolved;
        report.queries = Some(vec![QueryReport {
            rtype: Rtype::MX,
            status: Status::Resolved,
            rcode: Some("NOERROR".into()),
            flags: vec!["qr", "aa", "rd"],
            edns: None,
            opt: None,
            transport: Transport::Udp,
            connection: None,
            time_ms: 0.25,
            answer_count: answers.len(),
            answers,
            error: None,
            dnssec: None,
        }]);
        report.time_ms = 0.3;
        report
    }

    #[test]
    fn summary_counts() {
        let mut summary = Summary::new();
        let mut report = dns_report(Vec::new(), false);
        summary.add(&report);
        report.status = Status::NotFound;
        summary.add(&report);
        report.status = Status::Failed;
        summary.add(&report);
        summary.finish(Duration::from_millis(500));
        assert_eq!(
            (
                summary.names,
                summary.resolved,
                summary.not_found,
                summary.failed,
                summary.queries
            ),
            (3, 1, 1, 1, 3)
        );
        assert_eq!(summary.queries_per_second, 6.0);
        assert_eq!(
            summary.to_string(),
            ";; 3 names: 1 resolved, 1 not found, 1 failed; 3 queries in 500.0 ms"
        );
        // One of each reads in the singular; a rate shows only for a run long enough to
        // measure one.
        let mut one = Summary::new();
        one.add(&dns_report(Vec::new(), false));
        one.finish(Duration::from_micros(263));
        assert_eq!(
            one.to_string(),
            ";; 1 name: 1 resolved, 0 not found, 0 failed; 1 query in 0.26 ms"
        );
        let mut bulk = Summary::new();
        for _ in 0..2000 {
            bulk.add(&dns_report(Vec::new(), false));
        }
        bulk.finish(Duration::from_millis(1250));
        assert_eq!(
            bulk.to_string(),
            ";; 2000 names: 2000 resolved, 0 not found, 0 failed; 2000 queries in 1.25 s \
             (1600 queries/s)"
        );
        assert!(verdict(&summary, true, None).is_err());
        summary.failed = 0;
        assert_eq!(verdict(&summary, true, None).unwrap(), Outcome::No);
        assert_eq!(
            verdict(&summary, false, Some("x: no such name".into()))
                .unwrap_err()
                .exit_code(),
            1
        );
    }
}
