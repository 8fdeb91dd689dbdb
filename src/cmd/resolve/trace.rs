//! `nettool resolve --trace`: one name resolved iteratively from the root servers
//! ([`crate::net::dns_trace`]), each step printed as `dig +trace` prints it: the records the
//! step brought (the root's NS set, each referral's NS set, the answer), then
//! `;; Received N bytes from ADDR#PORT(SERVER) in T ms`. The root servers come from the built-in
//! IANA root hints or `--root-hints FILE`; with `@SERVER` the root's NS set is asked of that
//! server instead, as `dig +trace @SERVER` does.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use super::config::{Config, Mode, Target};
use super::report::millis;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::dns_name::{self, Rtype};
use crate::net::dns_trace::{self, StepKind, TraceOptions, TraceStep};
use crate::output::Output;

/// What `--trace` asks for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceConfig {
    /// The name as given.
    pub input: String,
    /// The name asked, fully qualified (the reverse name for an address).
    pub name: String,
    /// The type asked.
    pub rtype: Rtype,
    /// Root hints file; the built-in ones when `None`.
    pub hints: Option<PathBuf>,
    /// Ask this server for the root's NS set instead of the root hints' servers.
    pub prime_via: Option<SocketAddr>,
}

/// The flags `--trace` cannot be combined with, by whether they were given.
pub(super) struct Conflicts {
    pub file: bool,
    pub tcp: bool,
    pub tls: bool,
    pub short: bool,
}

impl TraceConfig {
    /// Check the arguments of a trace: one name, one type, nothing it cannot do.
    pub(super) fn check(
        targets: &[Target],
        types: &[Rtype],
        server: Option<SocketAddr>,
        hints: Option<PathBuf>,
        conflicts: &Conflicts,
    ) -> Result<Self> {
        let given = [
            (conflicts.file, "-f"),
            (conflicts.tcp, "--tcp"),
            (conflicts.tls, "--tls"),
            (conflicts.short, "--short"),
        ];
        if let Some((_, flag)) = given.iter().find(|(given, _)| *given) {
            return Err(Error::invalid(*flag, "cannot be combined with --trace"));
        }
        if server.is_some() && hints.is_some() {
            return Err(Error::invalid(
                "--root-hints",
                "cannot be combined with @SERVER (the root's servers come from one or the other)",
            ));
        }
        let [target] = targets else {
            return Err(Error::invalid(
                "--trace",
                format!("traces one name, {} given", targets.len()),
            ));
        };
        let (name, default) = match target {
            Target::Name {
                checked: Ok(name), ..
            } => (name.clone(), Rtype::A),
            Target::Name {
                checked: Err(reason),
                input,
            } => return Err(Error::invalid(input, reason.clone())),
            Target::Address { addr, .. } => (dns_name::reverse_name(*addr), Rtype::PTR),
        };
        let rtype = match types {
            [] => default,
            [one] => *one,
            _ => {
                return Err(Error::invalid(
                    "--trace",
                    "traces one record type (-t TYPE), several given",
                ));
            }
        };
        Ok(Self {
            input: target.input().to_string(),
            name,
            rtype,
            hints,
            prime_via: server,
        })
    }
}

/// A trace as shown: every step, and how it ended.
#[derive(Debug, Serialize)]
pub struct TraceReport {
    /// Always `"trace"`.
    pub kind: &'static str,
    /// The name as given.
    pub name: String,
    /// The name asked, fully qualified.
    pub query: String,
    /// The type asked.
    #[serde(rename = "type")]
    pub rtype: String,
    /// Where the root servers came from: `built-in`, the hints file, or `@SERVER`.
    pub roots_from: String,
    /// `answer`, `nxdomain`, `nodata` or `failed`.
    pub status: StepKind,
    /// Why the trace failed.
    pub error: Option<String>,
    /// Total time in milliseconds.
    pub time_ms: f64,
    /// Every step, in order.
    pub steps: Vec<TraceStep>,
}

impl fmt::Display for TraceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut blocks: Vec<String> = Vec::new();
        let mut glue_for: Option<&str> = None;
        for step in &self.steps {
            let mut lines: Vec<String> = Vec::new();
            if step.glue_for.as_deref() != glue_for {
                glue_for = step.glue_for.as_deref();
                lines.push(match glue_for {
                    Some(ns) => format!(
                        ";; {}: no glue; looking up its address from the root",
                        crate::model::sanitize::escape_message(ns)
                    ),
                    None => format!(";; back to {} {}", self.query, self.rtype),
                });
            }
            for r in &step.records {
                lines.push(format!(
                    "{}\t{}\tIN\t{}\t{}",
                    r.name, r.ttl, r.rtype, r.data
                ));
            }
            let used = if step.kind == StepKind::Failed {
                None
            } else {
                step.servers.last()
            };
            for server in &step.servers {
                if let Some(error) = &server.error {
                    lines.push(format!(
                        ";; {} {}: {} {}",
                        step.query,
                        step.rtype,
                        from(&server.address, &server.name),
                        error
                    ));
                }
            }
            if let Some(server) = used {
                lines.push(format!(
                    ";; Received {} bytes from {} in {} ms",
                    step.bytes.unwrap_or_default(),
                    from(&server.address, &server.name),
                    step.time_ms
                ));
            }
            blocks.push(lines.join("\n"));
        }
        f.write_str(&blocks.join("\n\n"))
    }
}

/// dig's `ADDR#PORT(NAME)`, the name without its final dot.
fn from(address: &str, name: &str) -> String {
    let (addr, port) = match address.parse::<SocketAddr>() {
        Ok(sa) => (sa.ip().to_string(), sa.port().to_string()),
        Err(_) => (address.to_string(), String::new()),
    };
    let name = name
        .strip_suffix('.')
        .filter(|n| !n.is_empty())
        .unwrap_or(name);
    format!(
        "{addr}#{port}({})",
        crate::model::sanitize::escape_message(name)
    )
}

/// Run the trace and print it; the exit status by the project's rule.
pub(super) async fn run(config: &Config, trace: &TraceConfig, out: &mut Output) -> Result<Outcome> {
    let Mode::Dns {
        timeout,
        tries,
        flags,
        ..
    } = &config.mode
    else {
        return Err(Error::other("--trace needs DNS mode"));
    };
    let (roots, roots_from) = match (&trace.hints, trace.prime_via) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::io(format!("read {}", path.display()), e))?;
            let hints = dns_trace::parse_root_hints(&text)
                .map_err(|reason| Error::invalid(path.display().to_string(), reason))?;
            (hints, path.display().to_string())
        }
        (None, Some(server)) => (
            Vec::new(),
            format!("@{}", crate::net::host::endpoint(server)),
        ),
        (None, None) => (dns_trace::builtin_root_hints(), "built-in".to_string()),
    };
    let options = TraceOptions {
        roots,
        prime_via: trace.prime_via,
        port: 53,
        timeout: *timeout,
        tries: *tries as usize,
        family: config.family,
        flags: *flags,
    };
    let start = Instant::now();
    let result = dns_trace::trace(&trace.name, trace.rtype.record_type(), &options).await;
    let report = TraceReport {
        kind: "trace",
        name: trace.input.clone(),
        query: trace.name.clone(),
        rtype: trace.rtype.as_str(),
        roots_from,
        status: *result.end.as_ref().unwrap_or(&StepKind::Failed),
        error: result.end.as_ref().err().cloned(),
        time_ms: millis(start.elapsed()),
        steps: result.steps,
    };
    out.report(&report)?;
    let last = report.steps.last().and_then(|s| {
        s.servers
            .last()
            .map(|server| from(&server.address, &server.name))
    });
    let at = last.unwrap_or_default();
    match result.end {
        Ok(StepKind::Nxdomain) => Err(Error::negative(format!(
            "no such name {} (NXDOMAIN from {at})",
            report.query
        ))),
        Ok(StepKind::Nodata) => Err(Error::negative(format!(
            "{} has no {} record ({at})",
            report.query, report.rtype
        ))),
        Ok(_) => Ok(Outcome::Yes),
        Err(reason) => Err(Error::other(reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflicts() -> Conflicts {
        Conflicts {
            file: false,
            tcp: false,
            tls: false,
            short: false,
        }
    }

    #[test]
    fn one_name_one_type() {
        let name = [Target::parse("www.test")];
        let ok = TraceConfig::check(&name, &[], None, None, &conflicts()).unwrap();
        assert_eq!((ok.name.as_str(), ok.rtype), ("www.test.", Rtype::A));
        let addr = [Target::parse("192.0.2.10")];
        let ok = TraceConfig::check(&addr, &[], None, None, &conflicts()).unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.rtype),
            ("10.2.0.192.in-addr.arpa.", Rtype::PTR)
        );
        let two = [Target::parse("a.test"), Target::parse("b.test")];
        let bad = [
            (
                TraceConfig::check(&two, &[], None, None, &conflicts()),
                "--trace: traces one name, 2 given",
            ),
            (
                TraceConfig::check(&name, &[Rtype::A, Rtype::MX], None, None, &conflicts()),
                "--trace: traces one record type (-t TYPE), several given",
            ),
            (
                TraceConfig::check(
                    &name,
                    &[],
                    Some("127.0.0.1:53".parse().unwrap()),
                    Some("hints".into()),
                    &conflicts(),
                ),
                "--root-hints: cannot be combined with @SERVER (the root's servers come from one \
                 or the other)",
            ),
            (
                TraceConfig::check(
                    &name,
                    &[],
                    None,
                    None,
                    &Conflicts {
                        tcp: true,
                        ..conflicts()
                    },
                ),
                "--tcp: cannot be combined with --trace",
            ),
            (
                TraceConfig::check(&[Target::parse("a..b")], &[], None, None, &conflicts()),
                "a..b: empty label (label 2)",
            ),
        ];
        for (result, want) in bad {
            assert_eq!(result.unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn servers_as_dig_names_them() {
        assert_eq!(
            from("127.0.0.1:53", "a.root.test."),
            "127.0.0.1#53(a.root.test)"
        );
        assert_eq!(from("[::1]:53", "::1"), "::1#53(::1)");
        assert_eq!(from("127.0.0.1:53", "."), "127.0.0.1#53(.)");
    }
}
