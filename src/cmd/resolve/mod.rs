//! `nettool resolve`: what the system resolver says about a name (getaddrinfo: /etc/hosts and
//! nsswitch count), or what a DNS server says (any of the common record types, over UDP or TCP),
//! for one name or thousands.
//!
//! System mode is the default. DNS mode starts when a record type (`-t`), a server (`@ADDR`,
//! `--server`) or `--dns` is given. An address is looked up in reverse (getnameinfo, or PTR in
//! DNS mode). Names are resolved concurrently, at most `--concurrency` at once, and every result
//! is printed the moment it arrives; with more than one name a summary follows.
//!
//! The work is split by mode: `config` checks the arguments, `system` and `dns` look one
//! name up, `report` holds what is found, and `render` prints it.

mod config;
mod dns;
mod render;
mod report;
mod system;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::AsyncBufReadExt;
use tokio::task::JoinSet;

pub use config::{Config, Mode, Target};
pub use report::{NameReport, QueryReport, Status, Summary};

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::dns_name::Rtype;
use crate::model::duration;
use crate::net::dns::{Client, ClientOptions};
use crate::net::host::Family;
use crate::output::Output;
use report::millis;

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

/// What every lookup task shares.
struct Resolver {
    client: Option<Client>,
    types: Vec<Rtype>,
    family: Family,
    short: bool,
}

impl Resolver {
    /// One name's report, timed. System lookups block, so they run on tokio's blocking pool.
    async fn resolve(self: Arc<Self>, target: Target) -> NameReport {
        let start = Instant::now();
        let mut report = match &self.client {
            Some(client) => dns::lookup(client, &target, &self.types, self.short).await,
            None => {
                let (family, short) = (self.family, self.short);
                let t = target.clone();
                tokio::task::spawn_blocking(move || system::lookup(&t, family, short))
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
                None => crate::net::dns::system_server()?,
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
        render::name(out, &report, many)?;
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
        render::summary(out, &summary, config.short)?;
    }
    report::verdict(&summary, many, last_problem)
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
