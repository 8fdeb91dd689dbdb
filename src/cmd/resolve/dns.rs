//! DNS mode of `nettool resolve`: every type asked of one server at once for a name (PTR for
//! an address), each query's outcome judged, and the name's status and reason from them.

use tokio::task::JoinSet;

use super::config::Target;
use super::report::{NameReport, QueryReport, Status, millis};
use crate::model::dns_name::{self, Rtype};
use crate::net::dns::{self, Client, Failure};

/// Ask `client`'s server about `target`, for `types` when it is a name.
pub(super) async fn lookup(
    client: &Client,
    target: &Target,
    types: &[Rtype],
    short: bool,
) -> NameReport {
    let server = client.server().to_string();
    let (query_name, types) = match target {
        Target::Name {
            checked: Ok(name), ..
        } => (name.clone(), types.to_vec()),
        Target::Name {
            checked: Err(reason),
            input,
        } => {
            let mut report = NameReport::new(target, input.clone(), "dns", short);
            report.server = Some(server.clone());
            report.queries = Some(Vec::new());
            report.error = Some(format!("{reason}; not sent to {server}"));
            return report;
        }
        Target::Address { addr, .. } => (dns_name::reverse_name(*addr), vec![Rtype::Ptr]),
    };
    let mut report = NameReport::new(target, query_name.clone(), "dns", short);
    report.server = Some(server.clone());
    let mut set = JoinSet::new();
    for (index, rtype) in types.iter().copied().enumerate() {
        let client = client.clone();
        let name = query_name.clone();
        set.spawn(async move { (index, rtype, client.query(&name, rtype).await) });
    }
    let mut queries: Vec<(usize, QueryReport)> = Vec::with_capacity(types.len());
    while let Some(joined) = set.join_next().await {
        let Ok((index, rtype, exchange)) = joined else {
            continue;
        };
        queries.push((index, query_report(rtype, exchange, &server)));
    }
    queries.sort_by_key(|(index, _)| *index);
    let queries: Vec<QueryReport> = queries.into_iter().map(|(_, q)| q).collect();
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
        Status::NotFound => Some(not_found_reason(&query_name, &queries, &server)),
    };
    report.queries = Some(queries);
    report
}

fn query_report(rtype: Rtype, exchange: dns::Exchange, server: &str) -> QueryReport {
    let (status, rcode, answers, error) = match exchange.result {
        Ok(answers) => (Status::Resolved, Some("NOERROR".to_string()), answers, None),
        Err(failure) => {
            let status = if failure.is_not_found() {
                Status::NotFound
            } else {
                Status::Failed
            };
            let error = match &failure {
                Failure::NxDomain => "no such name (NXDOMAIN)".to_string(),
                Failure::NoData => format!("no {rtype} record"),
                Failure::Timeout => format!("no answer from {server} (timed out)"),
                Failure::Rcode(code) => format!("{server} answered {code}"),
                Failure::Unreachable(reason) => format!("cannot reach {server}: {reason}"),
            };
            (
                status,
                failure.rcode().map(str::to_string),
                Vec::new(),
                Some(error),
            )
        }
    };
    QueryReport {
        rtype,
        status,
        rcode,
        transport: exchange.transport,
        time_ms: millis(exchange.elapsed),
        answers,
        error,
    }
}

fn not_found_reason(name: &str, queries: &[QueryReport], server: &str) -> String {
    if queries
        .iter()
        .any(|q| q.rcode.as_deref() == Some("NXDOMAIN"))
    {
        format!("no such name {name} (NXDOMAIN from {server})")
    } else {
        let types: Vec<&str> = queries.iter().map(|q| q.rtype.as_str()).collect();
        format!(
            "{name} has no {} record (server {server})",
            types.join(" or ")
        )
    }
}
