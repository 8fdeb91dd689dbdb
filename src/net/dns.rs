//! Asking one DNS server directly: over UDP on a socket of our own, over TCP through
//! hickory-resolver's name-server pool.
//!
//! A query goes over UDP first, on one long-lived socket ([`crate::net::dns_udp`]); when the
//! server's answer is truncated, the query is repeated over TCP through hickory's name-server
//! pool. Keeping the two apart is what lets the report say which transport carried the answer
//! (hickory's own retry over TCP would hide it).
//!
//! The pool is used rather than hickory's `Resolver`, because the resolver answers some names
//! itself without asking anyone (`localhost.`, `127.in-addr.arpa.`, `.invalid.`, `.onion.`, as
//! RFC 6761 asks of system resolvers), and a report that names a server must come from it.
//!
//! hickory's defaults wait `timeout x (attempts + 1)`, 15 s against a dead server; here the
//! caller's `timeout` and `tries` are used as they are (`attempts = tries - 1`), so the defaults
//! of the command (1 s, 2 tries) fail a dead server within about 2 s. Nothing is cached, so every
//! query reaches the server and TTLs are the server's.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ProtocolConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::xfer::FirstAnswer;
use hickory_resolver::net::{DnsError, DnsHandle, NetError, RetryDnsHandle};
use hickory_resolver::proto::op::{DnsRequestOptions, DnsResponse, Message, Query, ResponseCode};
use hickory_resolver::proto::rr::Name;
use hickory_resolver::{NameServerPool, PoolContext, TlsConfig};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::dns_name::{self, Rtype};
use crate::net::dns_udp::{UdpFailure, UdpMux};

/// How a query travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// One UDP exchange.
    Udp,
    /// TCP, because it was asked for (`--tcp`).
    Tcp,
    /// UDP first; its answer was truncated, so the query was repeated over TCP.
    TcpAfterTruncation,
}

impl Transport {
    /// How the footer names it.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Udp => "UDP",
            Self::Tcp => "TCP",
            Self::TcpAfterTruncation => "TCP (UDP answer truncated)",
        }
    }
}

/// One resource record of an answer, in presentation form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DnsRecord {
    /// The owner name, fully qualified.
    pub name: String,
    /// The record type mnemonic (`A`, `MX`, ...).
    #[serde(rename = "type")]
    pub rtype: String,
    /// Time to live in seconds.
    pub ttl: u32,
    /// The data as dig prints it, control characters escaped.
    pub data: String,
}

/// Why a query has no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The name exists but has no record of the type (NOERROR with an empty answer).
    NoData,
    /// No answer within the timeout, after every try.
    Timeout,
    /// The server answered with an error code (REFUSED, SERVFAIL, ...).
    Rcode(String),
    /// The server could not be reached (connection refused, network unreachable, ...).
    Unreachable(String),
}

impl Failure {
    /// Whether this is a negative answer (the name or its data does not exist), as opposed to
    /// a failure to get any answer.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NxDomain | Self::NoData)
    }

    /// The response code shown for this failure, when the server gave one.
    #[must_use]
    pub fn rcode(&self) -> Option<&str> {
        match self {
            Self::NxDomain => Some("NXDOMAIN"),
            Self::NoData => Some("NOERROR"),
            Self::Rcode(code) => Some(code),
            Self::Timeout | Self::Unreachable(_) => None,
        }
    }
}

/// The result of one query: records, or why there are none, and how it went.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The answer records (CNAME chain included), or the failure.
    pub result: std::result::Result<Vec<DnsRecord>, Failure>,
    /// The transport that carried the final exchange.
    pub transport: Transport,
    /// Wall time from the first send to the final answer or failure.
    pub elapsed: Duration,
}

/// How to ask.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// Wait for one try.
    pub timeout: Duration,
    /// Tries before giving up (at least 1).
    pub tries: usize,
    /// TCP only.
    pub tcp: bool,
    /// Queries that may be in flight at once on one connection.
    pub in_flight: usize,
}

/// A client for one DNS server.
#[derive(Clone)]
pub struct Client {
    server: SocketAddr,
    udp: Option<Arc<UdpMux>>,
    tcp: Arc<Pool>,
}

/// One server over TCP, tried as often as asked.
type Pool = RetryDnsHandle<NameServerPool<TokioRuntimeProvider>>;

impl Client {
    /// A client that asks `server` only. Must be called inside a tokio runtime.
    pub fn new(server: SocketAddr, options: ClientOptions) -> Result<Self> {
        let udp = if options.tcp {
            None
        } else {
            let mux = UdpMux::new(server, options.timeout, options.tries)
                .map_err(|e| Error::io(format!("open a UDP socket for {server}"), e))?;
            Some(Arc::new(mux))
        };
        let tcp = Arc::new(tcp_pool(server, options)?);
        Ok(Self { server, udp, tcp })
    }

    /// The server this client asks.
    #[must_use]
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// Ask for `rtype` records of `name` (fully qualified, already validated).
    pub async fn query(&self, name: &str, rtype: Rtype) -> Exchange {
        let start = Instant::now();
        let name = match Name::from_utf8(name) {
            Ok(name) => name,
            Err(e) => {
                return Exchange {
                    result: Err(Failure::Unreachable(format!("invalid name: {e}"))),
                    transport: if self.udp.is_some() {
                        Transport::Udp
                    } else {
                        Transport::Tcp
                    },
                    elapsed: start.elapsed(),
                };
            }
        };
        let query = Query::query(name, rtype.record_type());
        let (result, transport) = match &self.udp {
            Some(udp) => match udp.ask(query.clone()).await {
                Ok(message) if message.metadata.truncation => {
                    (ask(&self.tcp, query).await, Transport::TcpAfterTruncation)
                }
                Ok(message) => (checked(message), Transport::Udp),
                Err(UdpFailure::Timeout) => (Err(NetError::Timeout), Transport::Udp),
                Err(UdpFailure::Io(e)) => (Err(NetError::from(e)), Transport::Udp),
            },
            None => (ask(&self.tcp, query).await, Transport::Tcp),
        };
        let result = match result {
            Ok(response) => {
                let records: Vec<DnsRecord> = response
                    .answers
                    .iter()
                    .map(|record| DnsRecord {
                        name: record.name.to_string(),
                        rtype: record.record_type().to_string(),
                        ttl: record.ttl,
                        data: dns_name::format_rdata(&record.data),
                    })
                    .collect();
                if records.is_empty() {
                    Err(Failure::NoData)
                } else {
                    Ok(records)
                }
            }
            Err(err) => Err(classify(&err)),
        };
        Exchange {
            result,
            transport,
            elapsed: start.elapsed(),
        }
    }
}

/// One query over TCP, recursion desired, EDNS on (as dig sends it), judged by [`judged`].
async fn ask(pool: &Pool, query: Query) -> std::result::Result<DnsResponse, NetError> {
    judged(
        pool.lookup(query, DnsRequestOptions::default())
            .first_answer()
            .await?,
    )
}

/// An answer that came over UDP, judged by [`judged`].
fn checked(message: Message) -> std::result::Result<DnsResponse, NetError> {
    judged(DnsResponse::from_message(message)?)
}

/// A negative answer (NXDOMAIN, no records, REFUSED, ...) becomes the error hickory gives for it.
fn judged(response: DnsResponse) -> std::result::Result<DnsResponse, NetError> {
    DnsError::from_response(response).map_err(NetError::from)
}

/// A pool of the one `server` over TCP, with the caller's timeout and tries.
fn tcp_pool(server: SocketAddr, options: ClientOptions) -> Result<Pool> {
    let mut connection = ConnectionConfig::new(ProtocolConfig::Tcp);
    connection.port = server.port();
    let name_server = NameServerConfig::new(server.ip(), true, vec![connection]);
    let mut opts = ResolverOpts::default();
    opts.timeout = options.timeout;
    opts.attempts = options.tries.max(1) - 1;
    opts.num_concurrent_reqs = 1;
    opts.max_active_requests = options.in_flight.max(1);
    let attempts = opts.attempts;
    let tls = TlsConfig::new()
        .map_err(|e| Error::other(format!("cannot set up a DNS client for {server}: {e}")))?;
    let context = Arc::new(PoolContext::new(opts, tls));
    let pool = NameServerPool::from_config([name_server], context, TokioRuntimeProvider::default());
    Ok(RetryDnsHandle::new(pool, attempts))
}

/// Map hickory's error onto the few cases a user acts on differently.
fn classify(err: &NetError) -> Failure {
    match err {
        NetError::Dns(DnsError::NoRecordsFound(no)) => match no.response_code {
            ResponseCode::NXDomain => Failure::NxDomain,
            ResponseCode::NoError => Failure::NoData,
            code => Failure::Rcode(rcode_name(code)),
        },
        NetError::Dns(DnsError::ResponseCode(code)) => Failure::Rcode(rcode_name(*code)),
        NetError::Timeout => Failure::Timeout,
        NetError::Io(io) => Failure::Unreachable(
            Error::io("query", io.kind().into())
                .to_string()
                .trim_start_matches("query: ")
                .to_string(),
        ),
        other => Failure::Unreachable(other.to_string()),
    }
}

/// A response code as dig names it (`REFUSED`, `SERVFAIL`).
#[must_use]
pub fn rcode_name(code: ResponseCode) -> String {
    let value = u16::from(code);
    let name = match value {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        16 => "BADVERS",
        _ => return format!("RCODE{value}"),
    };
    name.to_string()
}

/// The first name server of the system's configuration (/etc/resolv.conf), for `--dns` without
/// a server.
pub fn system_server() -> Result<SocketAddr> {
    let (config, _) = hickory_resolver::system_conf::read_system_conf().map_err(|e| {
        Error::other(format!(
            "cannot read the system's DNS servers from /etc/resolv.conf: {e}; name one with @SERVER"
        ))
    })?;
    let first = config.name_servers().first().ok_or_else(|| {
        Error::other("/etc/resolv.conf names no DNS server; name one with @SERVER")
    })?;
    let port = first
        .connections
        .iter()
        .map(|c| c.port)
        .next()
        .unwrap_or(53);
    Ok(SocketAddr::new(first.ip, port))
}

/// Parse a server as the user names it: `127.0.0.1`, `127.0.0.1:5353`, `::1`, `[::1]:5353`
/// (port 53 when none is given). Only addresses: a server given by name would need a lookup
/// before the lookup.
pub fn parse_server(text: &str) -> std::result::Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        if addr.port() == 0 {
            return Err("port 0 is not a server port".into());
        }
        return Ok(addr);
    }
    if let Some(ip) = crate::net::host::parse_literal(text) {
        return Ok(SocketAddr::new(ip, 53));
    }
    if let Some((host, port)) = text.rsplit_once(':')
        && host.parse::<IpAddr>().is_ok()
    {
        return Err(format!("'{port}' is not a port number (1-65535)"));
    }
    Err("not an address (use 127.0.0.1, 127.0.0.1:5353, ::1 or [::1]:5353)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers() {
        let ok = [
            ("127.0.0.1", "127.0.0.1:53"),
            ("127.0.0.1:5353", "127.0.0.1:5353"),
            ("::1", "[::1]:53"),
            ("[::1]", "[::1]:53"),
            ("[::1]:5353", "[::1]:5353"),
        ];
        for (text, want) in ok {
            assert_eq!(parse_server(text), Ok(want.parse().unwrap()), "{text}");
        }
        let bad = [
            ("127.0.0.1:0", "port 0 is not a server port"),
            ("127.0.0.1:x", "'x' is not a port number (1-65535)"),
            ("127.0.0.1:70000", "'70000' is not a port number (1-65535)"),
            (
                "dns.example",
                "not an address (use 127.0.0.1, 127.0.0.1:5353, ::1 or [::1]:5353)",
            ),
        ];
        for (text, want) in bad {
            assert_eq!(parse_server(text), Err(want.to_string()), "{text}");
        }
    }

    #[test]
    fn failures() {
        assert!(Failure::NxDomain.is_not_found());
        assert!(Failure::NoData.is_not_found());
        assert!(!Failure::Timeout.is_not_found());
        assert_eq!(Failure::Rcode("REFUSED".into()).rcode(), Some("REFUSED"));
        assert_eq!(Failure::Timeout.rcode(), None);
        assert_eq!(classify(&NetError::Timeout), Failure::Timeout);
        assert_eq!(
            classify(&NetError::Dns(DnsError::ResponseCode(
                ResponseCode::Refused
            ))),
            Failure::Rcode("REFUSED".into())
        );
        assert_eq!(rcode_name(ResponseCode::ServFail), "SERVFAIL");
        assert_eq!(rcode_name(ResponseCode::from(0, 12)), "RCODE12");
    }
}
