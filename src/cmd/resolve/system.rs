//! System mode of `nettool resolve`: getaddrinfo for a name, getnameinfo for an address, through
//! the one system-resolver adapter ([`crate::net::host`]). These calls block; the caller runs
//! them on tokio's blocking pool.

use super::config::Target;
use super::report::{NameReport, Status};
use crate::net::host::{self, Family, SystemFailure};

/// Look `target` up with the system resolver (blocking).
pub(super) fn lookup(target: &Target, family: Family, short: bool) -> NameReport {
    match target {
        Target::Name { input, checked } => {
            let mut report = NameReport::new(target, input.clone(), "system", short);
            report.canonical_name = Some(None);
            report.addresses = Some(Vec::new());
            if let Err(reason) = checked {
                report.error = Some(format!("{reason}; not looked up (system resolver)"));
                return report;
            }
            match host::getaddrinfo(input, family, libc::AI_CANONNAME) {
                Ok(answer) => {
                    report.status = Status::Resolved;
                    report.canonical_name = Some(answer.canonical_name);
                    report.addresses = Some(answer.addresses);
                }
                Err(failure) => system_failure(&mut report, failure),
            }
            report
        }
        Target::Address { input, addr } => {
            let mut report = NameReport::new(target, input.clone(), "system", short);
            if !family.allows(*addr) {
                report.error = Some(format!(
                    "is an {} address, but {} asks for the other family",
                    if addr.is_ipv4() { "IPv4" } else { "IPv6" },
                    if addr.is_ipv4() { "-6" } else { "-4" }
                ));
                return report;
            }
            match host::getnameinfo(*addr) {
                Ok(name) => {
                    report.status = Status::Resolved;
                    report.hostname = Some(name);
                }
                Err(failure) => system_failure(&mut report, failure),
            }
            report
        }
    }
}

fn system_failure(report: &mut NameReport, failure: SystemFailure) {
    match failure {
        SystemFailure::NotFound(reason) => {
            report.status = Status::NotFound;
            report.error = Some(format!("no such host ({reason}; system resolver)"));
        }
        SystemFailure::Failed(reason) => {
            report.status = Status::Failed;
            report.error = Some(format!("lookup failed ({reason}; system resolver)"));
        }
    }
}
