//! `nettool resolve`: what the system resolver says about a name (getaddrinfo: /etc/hosts and
//! nsswitch count), or what a DNS server says (any of the common record types, over UDP or TCP),
//! for one name or thousands.
//!
//! System mode is the default. DNS mode starts when a record type (`-t`), a server (`@ADDR`,
//! `--server`) or `--dns` is given. An address is looked up in reverse (getnameinfo, or PTR in
//! DNS mode). Names are resolved concurrently, at most `--concurrency` at once, and every result
//! is printed the moment it arrives; with more than one name a summary follows.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::AsyncBufReadExt;
use tokio::task::JoinSet;

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::dns_name::{self, Rtype};
use crate::model::duration;
use crate::net::dns::{self, Client, ClientOptions, DnsRecord, Failure, Transport};
use crate::net::host::{self, Family};
use crate::net::sysresolve::{self, SystemFailure};
use crate::output::Output;

const JSON_FIELDS: &str = "\
JSON output (--json): one document for one name; for several names (or -f) one object a line \
(NDJSON), in the order the answers arrive, then a summary object.

Name object: kind (\"name\"), name (as given), query (the name asked, fully qualified in DNS mode; \
the reverse name for an address), mode (\"system\" or \"dns\"), status (\"resolved\", \
\"not_found\" or \"failed\"), time_ms (number), error (string, when not resolved). \
System mode adds canonical_name (string or null), addresses (array of strings) or, for an \
address, hostname. DNS mode adds server (\"127.0.0.1:53\") and queries: an array with one \
object per record type: type, status, rcode (\"NOERROR\", \"NXDOMAIN\", \"REFUSED\", ...; null \
when no answer came), transport (\"udp\", \"tcp\" or \"tcp_after_truncation\"), time_ms, error, \
and answers: an array of {name, type, ttl (number, seconds), data (as dig prints it, control \
characters escaped)}.

Summary object: kind (\"summary\"), names, resolved, not_found, failed, queries, elapsed_ms, \
queries_per_second (numbers).

Exit status: 0 every name resolved; 1 a name does not exist (NXDOMAIN, no such host, or no \
record of the type asked for); 2 a timeout, an unreachable server, a refused or failed query, or \
an invalid name (label over 63 bytes, name over 253, empty label, bad character).";

/// Arguments of `nettool resolve`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// Names or addresses to look up; `@ADDR[:PORT]` names the DNS server to ask
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV,
    /// PTR, CAA (DNS mode)
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub types: Vec<String>,

    /// Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)
    #[arg(short = 'x', long = "reverse", value_name = "ADDR")]
    pub reverse: Vec<String>,

    /// The DNS server to ask: 127.0.0.1, 127.0.0.1:5353, ::1, [::1]:5353 (DNS mode)
    #[arg(long, value_name = "ADDR")]
    pub server: Option<String>,

    /// Ask DNS directly instead of the system resolver (the first server in /etc/resolv.conf
    /// unless one is named)
    #[arg(long)]
    pub dns: bool,

    /// Query over TCP (DNS mode); over UDP a truncated answer is asked again over TCP anyway
    #[arg(long)]
    pub tcp: bool,

    /// How long to wait for an answer to one try (DNS mode; over UDP the query is sent again every 250 ms meanwhile)
    #[arg(long, value_name = "DURATION", value_parser = duration::value_parser, default_value = "1s")]
    pub timeout: Duration,

    /// How many tries a query gets before it fails (DNS mode)
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=10))]
    pub tries: u32,

    /// Print only the data, one item a line (as dig +short)
    #[arg(long)]
    pub short: bool,

    /// Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// How many lookups may be in flight at once
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub concurrency: u32,

    /// Address family
    #[command(flatten)]
    pub family: FamilyArgs,
}

/// What one input asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A name, fully qualified, or the reason it cannot be sent.
    Name {
        /// As given.
        input: String,
        /// The checked name with its final dot, or what is wrong with it.
        checked: std::result::Result<String, String>,
    },
    /// An address, looked up in reverse.
    Address {
        /// As given.
        input: String,
        /// The address.
        addr: IpAddr,
    },
}

impl Target {
    /// Classify one input: an address literal is a reverse lookup, anything else a name.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let input = text.trim().to_string();
        match host::parse_literal(&input) {
            Some(addr) => Self::Address { input, addr },
            None => Self::Name {
                checked: dns_name::validate(&input),
                input,
            },
        }
    }

    fn input(&self) -> &str {
        match self {
            Self::Name { input, .. } | Self::Address { input, .. } => input,
        }
    }
}

/// Which resolver answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// getaddrinfo / getnameinfo.
    System,
    /// One DNS server, asked directly.
    Dns {
        /// The server; `None` means the first one in /etc/resolv.conf.
        server: Option<SocketAddr>,
        /// The types asked for a name (an address is always asked for PTR).
        types: Vec<Rtype>,
        /// TCP only.
        tcp: bool,
        /// Wait for one try.
        timeout: Duration,
        /// Tries per query.
        tries: u32,
    },
}

/// The validated arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Targets from the command line, in order.
    pub targets: Vec<Target>,
    /// A file (or `-` for stdin) with more names.
    pub file: Option<PathBuf>,
    /// The resolver.
    pub mode: Mode,
    /// `-4` / `-6`.
    pub family: Family,
    /// Data only.
    pub short: bool,
    /// Lookups in flight at once.
    pub concurrency: usize,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let mut server = None;
        let mut targets = Vec::new();
        for name in &args.names {
            if let Some(text) = name.strip_prefix('@') {
                let addr =
                    dns::parse_server(text).map_err(|reason| Error::invalid(name, reason))?;
                if server.replace(addr).is_some() {
                    return Err(Error::invalid(name, "only one server may be named"));
                }
            } else {
                targets.push(Target::parse(name));
            }
        }
        if let Some(text) = &args.server {
            let addr = dns::parse_server(text).map_err(|reason| Error::invalid(text, reason))?;
            if server.replace(addr).is_some() {
                return Err(Error::invalid(
                    text,
                    "only one server may be named (--server and @ADDR both given)",
                ));
            }
        }
        for text in &args.reverse {
            let addr = host::parse_literal(text.trim())
                .ok_or_else(|| Error::invalid(text, "-x takes an address (127.0.0.1, ::1)"))?;
            targets.push(Target::Address {
                input: text.trim().to_string(),
                addr,
            });
        }
        if targets.is_empty() && args.file.is_none() {
            return Err(Error::invalid(
                "resolve",
                "no name given (nettool resolve NAME..., or -f FILE)",
            ));
        }
        let types = dns_name::parse_types(&args.types)
            .map_err(|(part, reason)| Error::invalid(part, reason))?;
        let family = args.family.family();
        if args.timeout.is_zero() {
            return Err(Error::invalid(
                "--timeout 0",
                "the timeout must be above zero",
            ));
        }
        let dns_mode = args.dns || server.is_some() || !types.is_empty();
        if !dns_mode && args.tcp {
            return Err(Error::invalid(
                "--tcp",
                "applies to DNS mode only (add -t TYPE, @SERVER or --dns)",
            ));
        }
        let mode = if dns_mode {
            let types = if types.is_empty() {
                match family {
                    Family::Any => vec![Rtype::A, Rtype::Aaaa],
                    Family::V4 => vec![Rtype::A],
                    Family::V6 => vec![Rtype::Aaaa],
                }
            } else {
                types
            };
            Mode::Dns {
                server,
                types,
                tcp: args.tcp,
                timeout: args.timeout,
                tries: args.tries,
            }
        } else {
            Mode::System
        };
        Ok(Self {
            targets,
            file: args.file,
            mode,
            family,
            short: args.short,
            concurrency: args.concurrency as usize,
        })
    }
}

/// The outcome of one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct QueryReport {
    /// The type asked for.
    #[serde(rename = "type")]
    pub rtype: Rtype,
    /// The query's outcome.
    pub status: Status,
    /// The server's response code, when one came.
    pub rcode: Option<String>,
    /// How the query travelled.
    pub transport: Transport,
    /// Query time in milliseconds.
    pub time_ms: f64,
    /// The answer records.
    pub answers: Vec<DnsRecord>,
    /// What went wrong, when the query has no answer.
    pub error: Option<String>,
}

impl Serialize for Rtype {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The result for one name, in text and JSON.
#[derive(Debug, Clone, Serialize)]
pub struct NameReport {
    /// Always `name`.
    pub kind: &'static str,
    /// The name as given.
    pub name: String,
    /// The name asked (fully qualified in DNS mode; the reverse name for an address).
    pub query: String,
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
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

impl NameReport {
    fn new(target: &Target, query: String, mode: &'static str, short: bool) -> Self {
        Self {
            kind: "name",
            name: target.input().to_string(),
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
        }
    }

    /// The one line that names a name that did not resolve, and why.
    #[must_use]
    pub fn problem(&self) -> Option<String> {
        let error = self.error.as_ref()?;
        Some(format!("{}: {error}", self.name))
    }
}

impl fmt::Display for NameReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines: Vec<String> = Vec::new();
        if let Some(addresses) = &self.addresses {
            for addr in addresses {
                lines.push(if self.short {
                    addr.to_string()
                } else {
                    format!("{}\t{addr}", self.name)
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
                lines.extend(query.answers.iter().map(|r| r.data.clone()));
            }
            return f.write_str(&lines.join("\n"));
        }
        if self.mode == "system" {
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
                self.query,
                status_word(self.status),
                self.time_ms
            ));
        }
        for query in self.queries.iter().flatten() {
            for r in &query.answers {
                lines.push(format!(
                    "{}\t{}\tIN\t{}\t{}",
                    r.name, r.ttl, r.rtype, r.data
                ));
            }
            let count = query.answers.len();
            lines.push(format!(
                ";; {} {}: {}, {count} answer{}, server {} over {}, {} ms",
                self.query,
                query.rtype,
                query
                    .rcode
                    .clone()
                    .or_else(|| query.error.clone())
                    .unwrap_or_default(),
                if count == 1 { "" } else { "s" },
                self.server.as_deref().unwrap_or("?"),
                query.transport.describe(),
                query.time_ms
            ));
        }
        f.write_str(&lines.join("\n"))
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Resolved => "resolved",
        Status::NotFound => "not found",
        Status::Failed => "failed",
    }
}

/// The counts printed after several names.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Always `summary`.
    pub kind: &'static str,
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
    fn new() -> Self {
        Self {
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

    fn add(&mut self, report: &NameReport) {
        self.names += 1;
        self.queries += report.queries.as_ref().map_or(1, |q| q.len() as u64);
        match report.status {
            Status::Resolved => self.resolved += 1,
            Status::NotFound => self.not_found += 1,
            Status::Failed => self.failed += 1,
        }
    }

    fn finish(&mut self, elapsed: Duration) {
        self.elapsed_ms = millis(elapsed);
        let secs = elapsed.as_secs_f64();
        self.queries_per_second = if secs > 0.0 {
            (self.queries as f64 / secs).round()
        } else {
            0.0
        };
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            ";; {} names: {} resolved, {} not found, {} failed; {} queries in {:.3} s ({} queries/s)",
            self.names,
            self.resolved,
            self.not_found,
            self.failed,
            self.queries,
            self.elapsed_ms / 1e3,
            self.queries_per_second
        )
    }
}

/// What every lookup task shares.
struct Resolver {
    client: Option<Client>,
    types: Vec<Rtype>,
    family: Family,
    short: bool,
}

impl Resolver {
    async fn resolve(self: Arc<Self>, target: Target) -> NameReport {
        let start = Instant::now();
        let mut report = match &self.client {
            Some(client) => self.dns(client, &target).await,
            None => {
                let this = Arc::clone(&self);
                let t = target.clone();
                tokio::task::spawn_blocking(move || this.system(&t))
                    .await
                    .unwrap_or_else(|e| {
                        let mut r =
                            NameReport::new(&target, target.input().into(), "system", false);
                        r.error = Some(format!("lookup task failed: {e}"));
                        r
                    })
            }
        };
        report.time_ms = millis(start.elapsed());
        report
    }

    fn system(&self, target: &Target) -> NameReport {
        match target {
            Target::Name { input, checked } => {
                let mut report = NameReport::new(target, input.clone(), "system", self.short);
                report.canonical_name = Some(None);
                report.addresses = Some(Vec::new());
                if let Err(reason) = checked {
                    report.error = Some(format!("{reason}; not looked up (system resolver)"));
                    return report;
                }
                match sysresolve::lookup(input, self.family) {
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
                let mut report = NameReport::new(target, input.clone(), "system", self.short);
                if !self.family.allows(*addr) {
                    report.error = Some(format!(
                        "is an {} address, but {} asks for the other family",
                        if addr.is_ipv4() { "IPv4" } else { "IPv6" },
                        if addr.is_ipv4() { "-6" } else { "-4" }
                    ));
                    return report;
                }
                match sysresolve::reverse(*addr) {
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

    async fn dns(&self, client: &Client, target: &Target) -> NameReport {
        let server = client.server().to_string();
        let (query_name, types) = match target {
            Target::Name {
                checked: Ok(name), ..
            } => (name.clone(), self.types.clone()),
            Target::Name {
                checked: Err(reason),
                input,
            } => {
                let mut report = NameReport::new(target, input.clone(), "dns", self.short);
                report.server = Some(server.clone());
                report.queries = Some(Vec::new());
                report.error = Some(format!("{reason}; not sent to {server}"));
                return report;
            }
            Target::Address { addr, .. } => (dns_name::reverse_name(*addr), vec![Rtype::Ptr]),
        };
        let mut report = NameReport::new(target, query_name.clone(), "dns", self.short);
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

/// Look up every target, print each result as it arrives, then the summary.
pub fn run(config: &Config, out: &mut Output) -> Result<Outcome> {
    // One thread: DNS queries are waits on sockets, and handing each answer between worker
    // threads cost more than the queries in bulk runs. Lookups through the system resolver
    // block, so they run on tokio's blocking pool either way.
    let runtime = crate::runtime::current_thread()?;
    runtime.block_on(run_async(config, out))
}

async fn run_async(config: &Config, out: &mut Output) -> Result<Outcome> {
    let (client, types) = match &config.mode {
        Mode::System => (None, Vec::new()),
        Mode::Dns {
            server,
            types,
            tcp,
            timeout,
            tries,
        } => {
            let server = match server {
                Some(server) => *server,
                None => dns::system_server()?,
            };
            let options = ClientOptions {
                timeout: *timeout,
                tries: *tries as usize,
                tcp: *tcp,
                in_flight: config.concurrency.max(32),
            };
            (Some(Client::new(server, options)?), types.clone())
        }
    };
    let resolver = Arc::new(Resolver {
        client,
        types,
        family: config.family,
        short: config.short,
    });
    let many = config.file.is_some() || config.targets.len() > 1;
    let mut input = Inputs::open(config).await?;
    let start = Instant::now();
    let mut summary = Summary::new();
    let mut last_problem = None;
    let mut set: JoinSet<NameReport> = JoinSet::new();
    let mut exhausted = false;
    loop {
        while !exhausted && set.len() < config.concurrency {
            match input.next().await? {
                Some(target) => {
                    set.spawn(Arc::clone(&resolver).resolve(target));
                }
                None => exhausted = true,
            }
        }
        // Results that are ready are written together; stdout is flushed before each wait.
        let joined = match set.try_join_next() {
            Some(joined) => joined,
            None => {
                out.flush()?;
                let Some(joined) = set.join_next().await else {
                    break;
                };
                joined
            }
        };
        let report = joined.map_err(|e| Error::other(format!("lookup task failed: {e}")))?;
        summary.add(&report);
        emit(out, &report, many)?;
        if let Some(problem) = report.problem() {
            if many {
                out.flush()?;
                out.error_line(&problem);
            }
            last_problem = Some(problem);
        }
    }
    summary.finish(start.elapsed());
    if many {
        if out.is_json() {
            out.record(&summary)?;
        } else if config.short {
            out.note(&summary);
        } else {
            out.record(&summary)?;
        }
    }
    verdict(&summary, many, last_problem)
}

/// Print one name's result: the JSON document or NDJSON line, or the text unless it is empty.
fn emit(out: &mut Output, report: &NameReport, many: bool) -> Result<()> {
    if out.is_json() {
        return if many {
            out.record_unflushed(report)
        } else {
            out.report(report)
        };
    }
    if report.status == Status::Resolved || !report.short {
        let text = report.to_string();
        if !text.is_empty() {
            out.record_unflushed(&text)?;
        }
    }
    Ok(())
}

fn verdict(summary: &Summary, many: bool, last_problem: Option<String>) -> Result<Outcome> {
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

/// The targets: first those of the command line, then the lines of the file, read as they
/// are needed so that a pipe feeding `-f -` is answered as it goes.
struct Inputs {
    queued: std::vec::IntoIter<Target>,
    lines: Option<tokio::io::Lines<Box<dyn tokio::io::AsyncBufRead + Unpin + Send>>>,
    source: String,
}

impl Inputs {
    async fn open(config: &Config) -> Result<Self> {
        let (lines, source) = match &config.file {
            None => (None, String::new()),
            Some(path) if path.as_os_str() == "-" => {
                let reader: Box<dyn tokio::io::AsyncBufRead + Unpin + Send> =
                    Box::new(tokio::io::BufReader::new(tokio::io::stdin()));
                (Some(reader.lines()), "stdin".to_string())
            }
            Some(path) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::io(format!("open {}", path.display()), e))?;
                let reader: Box<dyn tokio::io::AsyncBufRead + Unpin + Send> =
                    Box::new(tokio::io::BufReader::with_capacity(64 * 1024, file));
                (Some(reader.lines()), path.display().to_string())
            }
        };
        Ok(Self {
            queued: config.targets.clone().into_iter(),
            lines,
            source,
        })
    }

    async fn next(&mut self) -> Result<Option<Target>> {
        if let Some(target) = self.queued.next() {
            return Ok(Some(target));
        }
        let Some(lines) = &mut self.lines else {
            return Ok(None);
        };
        loop {
            let line = lines
                .next_line()
                .await
                .map_err(|e| Error::io(format!("read {}", self.source), e))?;
            let Some(line) = line else {
                return Ok(None);
            };
            let text = line.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            return Ok(Some(Target::parse(text)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(argv: &[&str]) -> Result<Config> {
        Config::try_from(crate::cli::parse_args::<Args>("resolve", argv).expect("parses"))
    }

    fn name(input: &str) -> Target {
        Target::Name {
            input: input.into(),
            checked: Ok(format!("{input}.")),
        }
    }

    #[test]
    fn system_mode_by_default() {
        let c = config(&["localhost"]).unwrap();
        assert_eq!(c.mode, Mode::System);
        assert_eq!(c.targets, vec![name("localhost")]);
        assert_eq!(c.family, Family::Any);
        assert_eq!(c.concurrency, 100);
        assert_eq!(config(&["-4", "a"]).unwrap().family, Family::V4);
    }

    #[test]
    fn dns_mode_triggers() {
        let dns = |argv: &[&str]| match config(argv).unwrap().mode {
            Mode::Dns {
                server,
                types,
                tcp,
                timeout,
                tries,
            } => (server, types, tcp, timeout, tries),
            Mode::System => panic!("{argv:?} should be DNS mode"),
        };
        let local: SocketAddr = "127.0.0.1:53".parse().unwrap();
        let table: Vec<(&[&str], Option<SocketAddr>, Vec<Rtype>)> = vec![
            (&["-t", "MX", "a"], None, vec![Rtype::Mx]),
            (
                &["@127.0.0.1", "a"],
                Some(local),
                vec![Rtype::A, Rtype::Aaaa],
            ),
            (
                &["a", "--server", "127.0.0.1:5353", "-4"],
                Some("127.0.0.1:5353".parse().unwrap()),
                vec![Rtype::A],
            ),
            (
                &["@[::1]:5353", "-6", "a"],
                Some("[::1]:5353".parse().unwrap()),
                vec![Rtype::Aaaa],
            ),
            (&["--dns", "a"], None, vec![Rtype::A, Rtype::Aaaa]),
            (
                &["-t", "A,AAAA,MX", "-t", "txt", "a"],
                None,
                vec![Rtype::A, Rtype::Aaaa, Rtype::Mx, Rtype::Txt],
            ),
        ];
        for (argv, server, types) in table {
            let got = dns(argv);
            assert_eq!(got.0, server, "{argv:?}");
            assert_eq!(got.1, types, "{argv:?}");
            assert_eq!(got.3, Duration::from_secs(1), "{argv:?}");
            assert_eq!(got.4, 2, "{argv:?}");
        }
        let got = dns(&["--dns", "--tcp", "--timeout", "250ms", "--tries", "3", "a"]);
        assert!(got.2);
        assert_eq!(got.3, Duration::from_millis(250));
        assert_eq!(got.4, 3);
    }

    #[test]
    fn targets_and_reverse() {
        let c = config(&["-x", "127.0.0.1", "::1", "bad..name", "@127.0.0.1"]).unwrap();
        assert_eq!(
            c.targets,
            vec![
                Target::Address {
                    input: "::1".into(),
                    addr: "::1".parse().unwrap()
                },
                Target::Name {
                    input: "bad..name".into(),
                    checked: Err("empty label (label 2)".into())
                },
                Target::Address {
                    input: "127.0.0.1".into(),
                    addr: "127.0.0.1".parse().unwrap()
                },
            ]
        );
        let c = config(&["-f", "-"]).unwrap();
        assert_eq!(c.file, Some(PathBuf::from("-")));
        assert!(c.targets.is_empty());
    }

    #[test]
    fn bad_inputs() {
        let table: [(&[&str], &str); 8] = [
            (
                &[],
                "resolve: no name given (nettool resolve NAME..., or -f FILE)",
            ),
            (
                &["-t", "BOGUS", "a"],
                "BOGUS: unknown record type (one of A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA)",
            ),
            (
                &["@nope", "a"],
                "@nope: not an address (use 127.0.0.1, 127.0.0.1:5353, ::1 or [::1]:5353)",
            ),
            (
                &["@127.0.0.1", "@127.0.0.2", "a"],
                "@127.0.0.2: only one server may be named",
            ),
            (
                &["--server", "127.0.0.1:x", "a"],
                "127.0.0.1:x: 'x' is not a port number (1-65535)",
            ),
            (
                &["-x", "host.test"],
                "host.test: -x takes an address (127.0.0.1, ::1)",
            ),
            (
                &["--tcp", "a"],
                "--tcp: applies to DNS mode only (add -t TYPE, @SERVER or --dns)",
            ),
            (
                &["--dns", "--timeout", "0", "a"],
                "--timeout 0: the timeout must be above zero",
            ),
        ];
        for (argv, want) in table {
            let err = config(argv).unwrap_err();
            assert_eq!(err.to_string(), want, "{argv:?}");
            assert_eq!(err.exit_code(), 2);
        }
        for argv in [
            &["--tries", "0", "a"][..],
            &["--concurrency", "0", "a"],
            &["--timeout", "x", "a"],
            &["-4", "-6", "a"],
        ] {
            assert!(
                crate::cli::parse_args::<Args>("resolve", argv).is_err(),
                "{argv:?}"
            );
        }
    }

    fn dns_report(answers: Vec<DnsRecord>, short: bool) -> NameReport {
        let target = name("mx.test");
        let mut report = NameReport::new(&target, "mx.test.".into(), "dns", short);
        report.server = Some("127.0.0.1:5353".into());
        report.status = Status::Resolved;
        report.queries = Some(vec![QueryReport {
            rtype: Rtype::Mx,
            status: Status::Resolved,
            rcode: Some("NOERROR".into()),
            transport: Transport::Udp,
            time_ms: 0.25,
            answers,
            error: None,
        }]);
        report.time_ms = 0.3;
        report
    }

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
             ;; mx.test. MX: NOERROR, 1 answer, server 127.0.0.1:5353 over UDP, 0.25 ms"
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
            ";; 3 names: 1 resolved, 1 not found, 1 failed; 3 queries in 0.500 s (6 queries/s)"
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
