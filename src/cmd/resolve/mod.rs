//! `nettool resolve`: what the system resolver says about a name (getaddrinfo: /etc/hosts and
//! nsswitch count), or what a DNS server says (any of the common record types, over UDP or TCP),
//! for one name or thousands.
//!
//! System mode is the default. DNS mode starts when a record type (`-t`), a server (`@ADDR`,
//! `--server`) or `--dns` is given. An address is looked up in reverse (getnameinfo, or PTR in
//! DNS mode). Names are resolved concurrently, at most `--concurrency` at once, and every result
//! is printed as it arrives (to a terminal at once; to a file or a pipe in blocks, written before
//! any wait for more input and within about 100 ms of an answer); with more than one name a
//! summary follows. The lookups in flight are futures polled by the one loop that prints them,
//! not tasks: in bulk runs a task a name cost more than the query.
//!
//! The work is split by mode: `config` checks the arguments, `system` and `dns` look one
//! name up, `report` holds what is found, and `render` prints it.

mod config;
mod dns;
mod render;
mod report;
mod system;
mod trace;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::io::{AsyncBufReadExt, AsyncReadExt};
use tokio::sync::mpsc::error::TryRecvError;

pub use config::{Config, Mode, Target};
pub use report::{NameReport, QueryReport, Status, Summary};
pub use trace::{TraceConfig, TraceReport};

use crate::cli::FamilyArgs;
use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::dns_name::Rtype;
use crate::model::duration;
use crate::net::dns::{Client, ClientOptions};
use crate::net::dns_validate::Anchors;
use crate::net::host::Family;
use crate::output::{Output, progress};
use report::millis;

const JSON_FIELDS: &str = "\
JSON output (--json): one document for one name; for several names (or -f) one object a line \
(NDJSON), in the order the answers arrive, then a summary object.

Name object: kind (\"name\"), name (as given), query (the name asked, fully qualified in DNS mode, \
an international name in its xn-- form; the reverse name for an address), query_unicode (the \
Unicode form of an xn-- name, when it has one), mode (\"system\" or \"dns\"), status (\"resolved\", \
\"not_found\" or \"failed\"), time_ms (number), error (string, when not resolved). \
System mode adds canonical_name (string or null), addresses (array of strings) or, for an \
address, hostname. DNS mode adds server (\"127.0.0.1:53\", or the URL for DNS over HTTPS) and queries: an array with one \
object per record type: type, status, rcode (\"NOERROR\", \"NXDOMAIN\", \"REFUSED\", \
\"RESERVED15\", ...: always the code of the response; null when no response came), flags (the \
header flags set: \"qr\", \"aa\", \"tc\", \"rd\", \"ra\", \"ad\", \"cd\"), edns (null when \
the response had no OPT record, else {udp (the server's payload size), nsid (hex bytes and text, \
with --nsid), cookie (hex, with --cookie), subnet (\"ADDR/SOURCE/SCOPE\", with --subnet)}), opt \
(when the response has an OPT record, all of it as dig's OPT PSEUDOSECTION shows it: {version, \
flags ([\"do\"] or []), mbz (the reserved flag bits), udp, options (every option in order: \
{code, name (\"NSID\", \"COOKIE\", \"CLIENT-SUBNET\", \"EDE\", ..., \"OPT=N\"), data (as dig \
prints it)})}; -v prints the same section above each response's records), transport (\"udp\", \
\"tcp\", \"tcp_after_truncation\", \"tls\" or \"https\"), connection (over TCP, TLS and HTTPS: \
{setup_ms (time to open the connection, handshakes included; time_ms includes it for the query \
that opened it), tls_version (\"TLSv1.3\", or null), http_version (over HTTPS only: \"HTTP/2\" \
or \"HTTP/1.1\")}), time_ms, error, answer_count (records of the type asked), \
and answers: the whole answer section, records of other types (a CNAME chain) included, each \
{name (case as sent, dig's \\DDD escapes), type, ttl (number, seconds), data (as dig prints \
it)}, and with --validate dnssec: {status (\"secure\", \"insecure\", \"bogus\" or \
\"indeterminate\"), reason (why, when not secure; null otherwise)}.

Summary object: kind (\"summary\"), names, resolved, not_found, failed, queries, elapsed_ms, \
queries_per_second (numbers).

With --trace, one document: kind (\"trace\"), name, query, type, roots_from (\"built-in\", the \
--root-hints file, or @SERVER), status (\"answer\", \"nxdomain\", \"nodata\" or \"failed\"), \
error, time_ms, and steps: one object per zone asked, in order: query and type (the name asked: \
the traced name, or a name server's name when its address came without glue, which glue_for \
then names), zone (whose servers were asked, \".\" for the root), kind (\"root\" for the \
root's NS set, \"referral\", \"answer\", \"nxdomain\", \"nodata\", \"failed\"), servers (every \
server asked: name, address, rcode, error, time_ms; the last one's response is used), rcode, \
flags, bytes, time_ms, records (what dig +trace shows for the step: the referral's NS records, \
or the answer), delegation ({zone, ns: [names]} or null) and glue ([{name, address}]).

Exit status: 0 every name resolved; 1 a name does not exist (NXDOMAIN, no such host, or no \
record of the type asked for, or --validate finds the answer bogus); 2 a timeout, an unreachable \
server, a refused or failed query, or an invalid name (label over 63 bytes, name over 253, empty \
label, bad character). Ctrl-C (SIGINT) or SIGTERM stops reading and asking: the names answered so \
far get the summary of a normal end, and the exit status follows the same rule over them. A \
trace exits 0 at an answer, 1 at NXDOMAIN or no data, 2 when every server of a zone fails (a lame \
delegation, a referral loop) or a bound is reached.";

/// Arguments of `nettool resolve`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS)]
pub struct Args {
    /// Names or addresses to look up; `@ADDR[:PORT]` names the DNS server to ask
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV,
    /// PTR, CAA, HTTPS, SVCB, DNSKEY, DS, TLSA, SSHFP, NAPTR, HINFO, any other type's name, or
    /// TYPEnnn (DNS mode)
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub types: Vec<String>,

    /// Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)
    #[arg(short = 'x', long = "reverse", value_name = "ADDR")]
    pub reverse: Vec<String>,

    /// The DNS server to ask: 127.0.0.1, 127.0.0.1:5353, ::1, [::1]:5353, tls://127.0.0.1,
    /// https://127.0.0.1/dns-query (DNS mode)
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

    /// DNS over TLS (RFC 7858), port 853 unless one is named; `@tls://ADDR[:PORT]` says the same
    #[arg(long, conflicts_with = "https")]
    pub tls: bool,

    /// DNS over HTTPS (RFC 8484): a POST to /dns-query over HTTP/2 (HTTP/1.1 when the server
    /// offers only that), port 443 unless one is named; `@https://ADDR[:PORT]/PATH` names
    /// another path. DNS over QUIC is not offered: no server here speaks it to test against
    /// (Debian's unbound 1.17 is built without ngtcp2)
    #[arg(long)]
    pub https: bool,

    /// The name the server's certificate must hold (and the SNI sent); the address otherwise
    #[arg(long, value_name = "NAME")]
    pub tls_name: Option<String>,

    /// Trust only the CA certificates in FILE (PEM) instead of the system's roots
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub ca: Option<PathBuf>,

    /// Accept any server certificate (a lab with a throw-away one); the traffic is still encrypted
    #[arg(long)]
    pub insecure: bool,

    /// Set the DO bit: ask for DNSSEC signatures (RRSIG records are shown), as dig +dnssec;
    /// the AD flag of the answer shows in the footer (DNS mode)
    #[arg(long)]
    pub dnssec: bool,

    /// Validate the answer's DNSSEC chain of trust from a trust anchor (the root's keys unless
    /// --trust-anchor names others) and say secure, insecure or bogus, and why (DNS mode; sets DO)
    #[arg(long)]
    pub validate: bool,

    /// Trust anchors for --validate: DS or DNSKEY records in zone-file form, as unbound's
    /// trust-anchor-file (implies --validate)
    #[arg(long, value_name = "FILE")]
    pub trust_anchor: Option<PathBuf>,

    /// Set the CD bit: ask a validating server not to validate, as dig +cd (DNS mode)
    #[arg(long)]
    pub cd: bool,

    /// Ask without recursion desired (RD clear), as dig +norecurse (DNS mode)
    #[arg(long)]
    pub norecurse: bool,

    /// The EDNS UDP payload size offered, 512-65535 (DNS mode)
    #[arg(long, value_name = "BYTES", default_value_t = crate::net::dns::EDNS_PAYLOAD,
          value_parser = clap::value_parser!(u16).range(512..))]
    pub bufsize: u16,

    /// Ask for the server's identifier (EDNS NSID), shown in the footer (DNS mode)
    #[arg(long)]
    pub nsid: bool,

    /// Send an EDNS client subnet, 192.0.2.0/24 or 2001:db8::/56 (DNS mode)
    #[arg(long, value_name = "CIDR")]
    pub subnet: Option<ipnet::IpNet>,

    /// Send an EDNS client cookie; the cookie the server returns is shown (DNS mode)
    #[arg(long)]
    pub cookie: bool,

    /// Resolve iteratively from the root servers, printing each referral (the zone cut, its
    /// name servers, the server asked), as dig +trace; one name, one type (DNS mode)
    #[arg(long)]
    pub trace: bool,

    /// Root hints for --trace, in the named.root format (the IANA root servers are built in)
    #[arg(long, value_name = "FILE", requires = "trace")]
    pub root_hints: Option<PathBuf>,

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
    /// The DNS server as reports name it (the client's label, made once).
    server: String,
    types: Vec<Rtype>,
    anchors: Option<Anchors>,
    family: Family,
    short: bool,
    show_opt: bool,
}

impl Resolver {
    /// One name's report, timed. System lookups block, so they run on tokio's blocking pool.
    async fn resolve(&self, target: Target) -> NameReport {
        let start = Instant::now();
        let mut report = match &self.client {
            Some(client) => {
                dns::lookup(
                    client,
                    &self.server,
                    &target,
                    &self.types,
                    self.short,
                    self.anchors.as_ref(),
                )
                .await
            }
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
        report.show_opt = self.show_opt;
        report
    }
}

/// Look up every target, print each result as it arrives, then the summary.
pub fn run(config: &Config, out: &mut Output) -> Result<Outcome> {
    // One thread: DNS queries are waits on sockets, and handing each answer between worker
    // threads cost more than the queries in bulk runs. Lookups through the system resolver
    // block, so they run on tokio's blocking pool either way.
    let runtime = crate::runtime::current_thread()?;
    if let Some(trace) = &config.trace {
        return runtime.block_on(trace::run(config, trace, out));
    }
    let result = runtime.block_on(run_async(config, out));
    // A read of stdin stopped by a signal is still blocked on its thread: do not wait for it.
    runtime.shutdown_background();
    result
}

async fn run_async(config: &Config, out: &mut Output) -> Result<Outcome> {
    let (client, types, anchors) = match &config.mode {
        Mode::System => (None, Vec::new(), None),
        Mode::Dns {
            server,
            types,
            tcp,
            timeout,
            tries,
            flags,
            tls,
            validate,
        } => {
            let server = match server {
                Some(server) => *server,
                None => crate::net::dns::system_server()?,
            };
            let options = ClientOptions {
                timeout: *timeout,
                tries: *tries as usize,
                tcp: *tcp,
                flags: *flags,
                tls: tls.clone(),
            };
            let anchors = match validate {
                None => None,
                Some(None) => Some(Anchors::root()),
                Some(Some(path)) => Some(Anchors::from_file(path).map_err(|reason| {
                    Error::invalid(format!("--trust-anchor {}", path.display()), reason)
                })?),
            };
            (Some(Client::new(server, options)?), types.clone(), anchors)
        }
    };
    let resolver = Resolver {
        server: client
            .as_ref()
            .map(Client::server_label)
            .unwrap_or_default(),
        client,
        types,
        anchors,
        family: config.family,
        short: config.short,
        show_opt: out.verbose() > 0,
    };
    let many = config.file.is_some() || config.targets.len() > 1;
    let mut input = Inputs::open(config).await?;
    let start = Instant::now();
    let mut summary = Summary::new();
    let mut last_problem = None;
    // The lookups in flight, polled here on the one thread: no task of their own.
    let mut pending = FuturesUnordered::new();
    let mut exhausted = false;
    // A file of names whose results go to a file or a pipe: a progress line on the terminal.
    let progress = match config.file {
        Some(_) if !out.is_terminal() => progress::line(out, None, "names"),
        _ => None,
    };
    // Many results into a file or a pipe go out in blocks, not a write a line; a terminal
    // still sees each burst of answers as it comes.
    if many && !out.is_terminal() {
        out.buffer_blocks(OUTPUT_BLOCK);
    }
    let mut flushed = Instant::now();
    let mut line = Vec::new();
    // Names are read on a task of their own, so that an answer is shown while the next line of
    // a pipe is awaited (a read cut short by an answer would lose its bytes). The channel holds
    // at most `concurrency` names: the input is read as it is needed.
    let (tx, mut names) = tokio::sync::mpsc::channel(config.concurrency.max(1));
    let reader = tokio::spawn(async move {
        loop {
            let next = input.next().await.transpose();
            let last = !matches!(next, Some(Ok(_)));
            if let Some(next) = next
                && tx.send(next).await.is_err()
            {
                break;
            }
            if last {
                break;
            }
        }
    });
    // Ctrl-C or SIGTERM stops reading and asking; what was answered is summarised as at a
    // normal end. Lookups in flight are dropped with the set.
    let stop = crate::runtime::termination()?;
    tokio::pin!(stop);
    loop {
        // Names that are ready fill the free places without a wait.
        while !exhausted && pending.len() < config.concurrency {
            match names.try_recv() {
                Ok(Ok(target)) => pending.push(resolver.resolve(target)),
                Ok(Err(e)) => {
                    out.flush()?;
                    return Err(e);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => exhausted = true,
            }
        }
        // Results that are ready are written together; the loop waits only when none is.
        let report = match pending.next().now_or_never() {
            Some(Some(report)) => report,
            _ if exhausted && pending.is_empty() => break,
            _ => {
                let can_ask = !exhausted && pending.len() < config.concurrency;
                // stdout is flushed before a wait that could keep its reader waiting: on a
                // terminal, for input (a pipe that stalls), or once results have waited a while.
                if out.is_terminal() || can_ask || flushed.elapsed() >= FLUSH_AFTER {
                    out.flush()?;
                    flushed = Instant::now();
                }
                tokio::select! {
                    biased;
                    () = &mut stop => break,
                    Some(report) = pending.next(), if !pending.is_empty() => report,
                    next = names.recv(), if can_ask => {
                        match next {
                            Some(Ok(target)) => pending.push(resolver.resolve(target)),
                            Some(Err(e)) => {
                                out.flush()?;
                                return Err(e);
                            }
                            None => exhausted = true,
                        }
                        continue;
                    }
                }
            }
        };
        summary.add(&report);
        render::name(out, &report, many, &mut line)?;
        if let Some(bar) = &progress {
            bar.inc(1);
            bar.set_message(format!(", {} failed", summary.failed + summary.not_found));
        }
        if let Some(problem) = report.problem() {
            if many {
                out.flush()?;
                flushed = Instant::now();
                match &progress {
                    Some(bar) => bar.suspend(|| out.error_line(&problem)),
                    None => out.error_line(&problem),
                }
            }
            last_problem = Some(problem);
        }
    }
    reader.abort();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    summary.finish(start.elapsed());
    if many {
        render::summary(out, &summary, config.short)?;
    }
    report::verdict(&summary, many, last_problem)
}

/// The block stdout is gathered in when many results go to a file or a pipe.
const OUTPUT_BLOCK: usize = 64 * 1024;

/// How long results may wait in that block while answers are awaited.
const FLUSH_AFTER: Duration = Duration::from_millis(100);

/// The longest line `-f` accepts (a name is at most 253 bytes, with its dot 254).
const MAX_LINE: usize = 255;

/// How far past an over-long line the reader looks for its end before it gives the file up.
const SKIP_LIMIT: u64 = 64 * 1024;

/// The targets: first those of the command line, then the lines of the file, read as they
/// are needed so that a pipe feeding `-f -` is answered as it goes. Each line is read with a
/// bound: a line that is too long or not UTF-8 becomes a target that fails with the reason
/// (so the batch goes on), and a line with no end in sight ends the reading.
struct Inputs {
    queued: std::vec::IntoIter<Target>,
    reader: Option<Box<dyn tokio::io::AsyncBufRead + Unpin + Send>>,
    source: String,
    line: u64,
}

impl Inputs {
    async fn open(config: &Config) -> Result<Self> {
        let (reader, source) = match &config.file {
            None => (None, String::new()),
            Some(path) if path.as_os_str() == "-" => {
                let reader: Box<dyn tokio::io::AsyncBufRead + Unpin + Send> =
                    Box::new(tokio::io::BufReader::new(tokio::io::stdin()));
                (Some(reader), "stdin".to_string())
            }
            Some(path) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::io(format!("open {}", path.display()), e))?;
                let reader: Box<dyn tokio::io::AsyncBufRead + Unpin + Send> =
                    Box::new(tokio::io::BufReader::with_capacity(64 * 1024, file));
                (Some(reader), path.display().to_string())
            }
        };
        Ok(Self {
            queued: config.targets.clone().into_iter(),
            reader,
            source,
            line: 0,
        })
    }

    async fn next(&mut self) -> Result<Option<Target>> {
        if let Some(target) = self.queued.next() {
            return Ok(Some(target));
        }
        let Some(reader) = &mut self.reader else {
            return Ok(None);
        };
        let mut buf = Vec::with_capacity(MAX_LINE + 2);
        loop {
            buf.clear();
            let read = (&mut *reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf)
                .await
                .map_err(|e| Error::io(format!("read {}", self.source), e))?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            let at = || format!("{} line {}", self.source, self.line);
            if buf.last() == Some(&b'\n') {
                buf.pop();
            } else if buf.len() > MAX_LINE {
                // Too long: skip to its end, if that comes soon enough.
                let mut rest = Vec::new();
                let skipped = (&mut *reader)
                    .take(SKIP_LIMIT)
                    .read_until(b'\n', &mut rest)
                    .await
                    .map_err(|e| Error::io(format!("read {}", self.source), e))?;
                let reason = if rest.last() == Some(&b'\n') || skipped == 0 {
                    format!("line is over {MAX_LINE} bytes long")
                } else {
                    self.reader = None;
                    format!(
                        "line is over {MAX_LINE} bytes long and does not end within {} KiB; \
                         the rest of {} is not read",
                        SKIP_LIMIT / 1024,
                        self.source
                    )
                };
                return Ok(Some(Target::invalid(at(), reason)));
            }
            let Ok(text) = std::str::from_utf8(&buf) else {
                return Ok(Some(Target::invalid(at(), "line is not UTF-8 text".into())));
            };
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            return Ok(Some(Target::parse(text)));
        }
    }
}

/// Every kind of document or record `--json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::document::<report::NameReport>(generator),
        crate::output::schema::record::<report::NameReport>(generator),
        crate::output::schema::record::<report::Summary>(generator),
    ]
}
