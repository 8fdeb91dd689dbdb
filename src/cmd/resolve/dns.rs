//! DNS mode of `nettool resolve`: every type asked of one server at once for a name (PTR for
//! an address), each query's outcome judged, and the name's status and reason from them.

use std::borrow::Cow;

use futures_util::future::join_all;

use super::config::Target;
use super::report::{Connection, NameReport, QueryReport, Status, millis};
use crate::model::dns_name::{self, Rtype};
use crate::net::dns::{self, Client, Failure};
use crate::net::dns_validate::{self, Anchors, Security, Validation};

/// Ask `client`'s server (named `server` in reports) about `target`, for `types` when it is a
/// name.
pub(super) async fn lookup(
    client: &Client,
    server: &str,
    target: &Target,
    types: &[Rtype],
    short: bool,
    anchors: Option<&Anchors>,
) -> NameReport {
    let (query_name, types) = match target {
        Target::Name {
            checked: Ok(name), ..
        } => (Cow::Borrowed(name.as_str()), types),
        Target::Name {
            checked: Err(reason),
            input,
        } => {
            let mut report = NameReport::new(target, input.clone(), "dns", short);
            report.server = Some(server.to_string());
            report.queries = Some(Vec::new());
            report.error = Some(format!("{reason}; not sent to {server}"));
            return report;
        }
        Target::Address { addr, .. } => {
            (Cow::Owned(dns_name::reverse_name(*addr)), &[Rtype::PTR][..])
        }
    };
    let mut report = NameReport::new(target, query_name.to_string(), "dns", short);
    report.server = Some(server.to_string());
    // Every type at once, polled together in this future: no task of their own.
    let name: &str = &query_name;
    let ask = |rtype: Rtype| {
        async move {
            let exchange = client.query(name, rtype.record_type()).await;
            let validation = match (anchors, &exchange.result) {
                // Boxed: a chain walk's future is large, and most queries have none.
                (Some(anchors), Ok(_)) => Some(
                    Box::pin(dns_validate::validate(
                        client,
                        anchors,
                        name,
                        rtype.record_type(),
                    ))
                    .await,
                ),
                _ => None,
            };
            (rtype, exchange, validation)
        }
    };
    let mut queries: Vec<QueryReport> = Vec::with_capacity(types.len());
    let mut take = |(rtype, exchange, validation): (Rtype, dns::Exchange, Option<Validation>)| {
        let mut query = query_report(rtype, exchange, server);
        if let Some(validation) = validation {
            // A bogus answer is no answer: the question was asked and the data cannot be trusted.
            if validation.status == Security::Bogus {
                query.status = Status::NotFound;
                query.error = Some(format!(
                    "bogus answer: {}",
                    validation.reason.as_deref().unwrap_or("validation failed")
                ));
            }
            query.dnssec = Some(validation);
        }
        queries.push(query);
    };
    // One type is awaited in place: a set of futures is an allocation the size of them all.
    match types {
        [rtype] => take(ask(*rtype).await),
        _ => join_all(types.iter().copied().map(ask))
            .await
            .into_iter()
            .for_each(take),
    }
    let failed = queries.iter().find(|q| q.status == Status::Failed);
    let any_answer = queries.iter().any(|q| q.status == Status::Resolved);
    report.status = match (failed, any_answer) {
        (Some(_), _) => Status::Failed,
        (None, true) => Status::Resolved,
        (None, false) => Status::NotFound,
    };
    report.error = match report.status {
        Status::Resolved => None,
        Status::Failed => failed.and_then(|q| q.error.clone()),
        Status::NotFound => Some(
            queries
                .iter()
                .find(|q| {
                    q.dnssec
                        .as_ref()
                        .is_some_and(|v| v.status == Security::Bogus)
                })
                .and_then(|q| q.error.clone())
                .unwrap_or_else(|| not_found_reason(&query_name, &queries, server)),
        ),
    };
    report.queries = Some(queries);
    report
}

fn query_report(rtype: Rtype, exchange: dns::Exchange, server: &str) -> QueryReport {
    let mut report = QueryReport {
        rtype,
        status: Status::Failed,
        rcode: None,
        flags: Vec::new(),
        edns: None,
        opt: None,
        transport: exchange.transport,
        connection: exchange.setup.map(|setup| Connection {
            setup_ms: millis(setup.time),
            tls_version: setup.tls_version,
            http_version: setup.http_version,
        }),
        time_ms: millis(exchange.elapsed),
        answer_count: 0,
        answers: Vec::new(),
        error: None,
        dnssec: None,
    };
    match exchange.result {
        Ok(answer) => {
            // The answer is the records of the type asked; others (a CNAME chain, or data
            // the question did not ask for) are shown but not counted.
            let asked = rtype.as_str();
            report.answer_count = answer.records.iter().filter(|r| r.rtype == asked).count();
            (report.status, report.error) = match answer.rcode.as_str() {
                "NOERROR" if report.answer_count > 0 => (Status::Resolved, None),
                "NOERROR" => (Status::NotFound, Some(format!("no {rtype} record"))),
                "NXDOMAIN" => (
                    Status::NotFound,
                    Some("no such name (NXDOMAIN)".to_string()),
                ),
                code => (Status::Failed, Some(format!("{server} answered {code}"))),
            };
            report.rcode = Some(answer.rcode);
            report.flags = answer.flags;
            report.edns = answer.edns;
            report.opt = answer.opt;
            report.answers = answer.records;
        }
        Err(failure) => {
            report.error = Some(match failure {
                Failure::Timeout(notes) if notes.is_empty() => {
                    format!("no answer from {server} (timed out)")
                }
                Failure::Timeout(notes) => format!(
                    "no answer from {server} (timed out; ignored {})",
                    notes.join("; ")
                ),
                Failure::Refused => format!("cannot reach {server}: connection refused"),
                Failure::Unreachable(reason) => format!("cannot reach {server}: {reason}"),
            });
        }
    }
    report
}

fn not_found_reason(name: &str, queries: &[QueryReport], server: &str) -> String {
    if queries
        .iter()
        .any(|q| q.rcode.as_deref() == Some("NXDOMAIN"))
    {
        format!("no such name {name} (NXDOMAIN from {server})")
    } else {
        let types: Vec<String> = queries.iter().map(|q| q.rtype.as_str()).collect();
        format!(
            "{name} has no {} record (server {server})",
            types.join(" or ")
        )
    }
}
