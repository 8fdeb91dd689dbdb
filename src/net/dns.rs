//! Asking one DNS server directly, over UDP ([`crate::net::dns_udp`]: one long-lived socket),
//! TCP or TLS ([`crate::net::dns_stream`]: one connection, queries pipelined) or HTTPS
//! ([`crate::net::dns_https`]: one connection, a stream a query). A query goes over
//! UDP first; when the answer is truncated it is repeated over TCP, and the report says which
//! transport carried the answer.
//!
//! The response is reported as the server sent it: its response code, header flags and every
//! record of the answer section, whatever their type. hickory-proto builds and parses the
//! messages; hickory's resolver is not used, because it answers some names without asking
//! anyone (`localhost.`, as RFC 6761 asks of system resolvers) and judges answers (records of
//! another type dropped, codes turned into errors). Nothing is cached, so every query reaches
//! the server and TTLs are the server's. The caller's `timeout` and `tries` bound every wait.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::{Edns, Message, MessageType, Query, ResponseCode};
use hickory_resolver::proto::rr::rdata::opt::{ClientSubnet, EdnsCode, EdnsOption, NSIDPayload};
use hickory_resolver::proto::rr::{Name, Record, RecordType};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::address::ScopedAddr;
use crate::model::dns_name;
use crate::model::sanitize;
use crate::net::dns_https::{Endpoint, HttpsMux};
pub use crate::net::dns_opt::OptReport;
use crate::net::dns_opt::option_data;
use crate::net::dns_stream::{Setup, StreamFailure, StreamMux};
use crate::net::dns_tls;
pub use crate::net::dns_tls::Trust;
use crate::net::dns_udp::{UdpFailure, UdpMux};

/// How a query travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// One UDP exchange.
    Udp,
    /// TCP, because it was asked for (`--tcp`).
    Tcp,
    /// UDP first; its answer was truncated, so the query was repeated over TCP.
    TcpAfterTruncation,
    /// DNS over TLS (RFC 7858).
    Tls,
    /// DNS over HTTPS (RFC 8484).
    Https,
}

impl Transport {
    /// How the footer names it.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Udp => "UDP",
            Self::Tcp => "TCP",
            Self::TcpAfterTruncation => "TCP (UDP answer truncated)",
            Self::Tls => "TLS",
            Self::Https => "HTTPS",
        }
    }
}

/// One resource record of an answer, in presentation form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DnsRecord {
    /// The owner name, fully qualified, as the server sent it (case kept, dig's escapes).
    pub name: String,
    /// The record type mnemonic (`A`, `MX`, ...).
    #[serde(rename = "type")]
    pub rtype: String,
    /// Time to live in seconds.
    pub ttl: u32,
    /// The data as dig prints it, control characters escaped.
    pub data: String,
}

impl DnsRecord {
    pub(crate) fn from_record(record: &Record) -> Self {
        Self {
            name: dns_name::name_text(&record.name),
            rtype: dns_name::type_name(record.record_type()),
            ttl: record.ttl,
            data: dns_name::format_rdata(&record.data),
        }
    }
}

/// A response as the server sent it: its code, header flags and answer section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The response code as dig names it (`NOERROR`, `NXDOMAIN`, `RESERVED15`, ...).
    pub rcode: String,
    /// The header flags that are set, in dig's order (`qr aa tc rd ra ad cd`).
    pub flags: Vec<&'static str>,
    /// The answer section, every record whatever its type.
    pub records: Vec<DnsRecord>,
    /// The server's OPT record, when it sent one.
    pub edns: Option<EdnsReport>,
    /// The same OPT record in full, as dig's pseudo-section shows it.
    pub opt: Option<OptReport>,
}

impl Answer {
    pub(crate) fn from_message(message: &Message) -> Self {
        let m = &message.metadata;
        let flags = [
            (m.message_type == MessageType::Response, "qr"),
            (m.authoritative, "aa"),
            (m.truncation, "tc"),
            (m.recursion_desired, "rd"),
            (m.recursion_available, "ra"),
            (m.authentic_data, "ad"),
            (m.checking_disabled, "cd"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect();
        Self {
            rcode: rcode_name(m.response_code),
            flags,
            records: message.answers.iter().map(DnsRecord::from_record).collect(),
            edns: message.edns.as_ref().map(EdnsReport::from_edns),
            opt: message.edns.as_ref().map(OptReport::from_edns),
        }
    }
}

/// Why a query has no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No acceptable response within the timeout, after every try; what came instead.
    Timeout(Vec<String>),
    /// Nothing listens on the server's port (ICMP port unreachable, or a TCP reset).
    Refused,
    /// The server could not be reached (network unreachable, connection closed, ...).
    Unreachable(String),
}

/// The result of one query: the response, or why there is none, and how it went.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The response, or the failure.
    pub result: std::result::Result<Answer, Failure>,
    /// The transport that carried the final exchange.
    pub transport: Transport,
    /// Wall time from the first send to the final answer or failure, connection setup included.
    pub elapsed: Duration,
    /// How the connection was set up, for TCP and TLS.
    pub setup: Option<Setup>,
}

/// DNS over TLS or HTTPS: the name to verify (and send as SNI), and what to trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// The name the certificate must hold; the server's address when `None`.
    pub name: Option<String>,
    /// The certificates trusted.
    pub trust: Trust,
    /// DNS over HTTPS, posting to this path, instead of DNS over TLS.
    pub https_path: Option<String>,
}

/// How to ask.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Wait for one try.
    pub timeout: Duration,
    /// Tries before giving up (at least 1).
    pub tries: usize,
    /// TCP only.
    pub tcp: bool,
    /// Header bits and EDNS options of every query.
    pub flags: QueryFlags,
    /// DNS over TLS (or HTTPS) instead of UDP and TCP.
    pub tls: Option<TlsOptions>,
}

/// A client for one DNS server.
#[derive(Clone)]
pub struct Client {
    server: SocketAddr,
    flags: QueryFlags,
    tls: bool,
    udp: Option<Arc<UdpMux>>,
    stream: Arc<StreamMux>,
    https: Option<Arc<HttpsMux>>,
    /// Queries over UDP encoded so far, one a record type, for [`Client::encode`].
    templates: Arc<Mutex<Vec<Template>>>,
}

impl Client {
    /// A client that asks `server` only. Must be called inside a tokio runtime.
    pub fn new(server: SocketAddr, options: ClientOptions) -> Result<Self> {
        let udp = if options.tcp || options.tls.is_some() {
            None
        } else {
            let mux = UdpMux::new(server, options.timeout, options.tries)
                .map_err(|e| Error::io(format!("open a UDP socket for {server}"), e))?;
            Some(Arc::new(mux))
        };
        let (opener, tls) = match &options.tls {
            Some(tls) => (
                dns_tls::opener(server, tls.name.as_deref(), &tls.trust).map_err(Error::other)?,
                true,
            ),
            None => (StreamMux::tcp_opener(server), false),
        };
        let stream = Arc::new(StreamMux::new(
            server,
            opener,
            options.timeout,
            options.tries,
        ));
        let https = match &options.tls {
            Some(TlsOptions {
                name,
                trust,
                https_path: Some(path),
            }) => {
                let endpoint = Endpoint {
                    addr: server,
                    path: path.clone(),
                };
                let mux = HttpsMux::new(
                    endpoint,
                    name.as_deref(),
                    trust,
                    options.timeout,
                    options.tries,
                )
                .map_err(Error::other)?;
                Some(Arc::new(mux))
            }
            _ => None,
        };
        Ok(Self {
            server,
            flags: options.flags,
            tls,
            udp,
            stream,
            https,
            templates: Arc::default(),
        })
    }

    /// The server this client asks.
    #[must_use]
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// The server as reports name it: `127.0.0.1:53`, or the URL for DNS over HTTPS.
    #[must_use]
    pub fn server_label(&self) -> String {
        match &self.https {
            Some(https) => https.endpoint().to_string(),
            None => crate::net::host::endpoint(self.server).to_string(),
        }
    }

    /// Ask for `rtype` records of `name` (fully qualified, already validated and in its
    /// ASCII form).
    pub async fn query(&self, name: &str, rtype: RecordType) -> Exchange {
        let start = Instant::now();
        let transport = match (self.tls, self.udp.is_some()) {
            _ if self.https.is_some() => Transport::Https,
            (true, _) => Transport::Tls,
            (false, true) => Transport::Udp,
            (false, false) => Transport::Tcp,
        };
        let name = match Name::from_ascii(name) {
            Ok(name) => name,
            Err(e) => {
                return Exchange {
                    result: Err(Failure::Unreachable(format!("invalid name: {e}"))),
                    transport,
                    elapsed: start.elapsed(),
                    setup: None,
                };
            }
        };
        let query = Query::query(name, rtype);
        let (result, transport) = match (&self.udp, self.encode(&query)) {
            (Some(udp), Some(bytes)) => {
                let answer = udp.ask_encoded(&query, bytes).await.map(|(m, _)| m);
                self.after_udp(answer, || request(query.clone(), &self.flags))
                    .await
            }
            _ => self.exchange(request(query, &self.flags)).await,
        };
        let result = result.map(|message| Answer::from_message(&message));
        let setup = match (transport, &self.https) {
            (Transport::Udp, _) => None,
            (_, Some(https)) => https.setup(),
            (_, None) => self.stream.setup(),
        };
        Exchange {
            result,
            transport,
            elapsed: start.elapsed(),
            setup,
        }
    }

    /// Send `message` as it is (over HTTPS when asked; otherwise UDP first unless TCP or TLS
    /// was asked for, TCP after a truncated answer) and return the response message, and the
    /// transport that carried it.
    pub async fn exchange(
        &self,
        message: Message,
    ) -> (std::result::Result<Message, Failure>, Transport) {
        // The paths other than UDP are boxed: their futures are large, and inline they would
        // make every UDP query's future as large, moved whole at each step of a bulk run.
        if let Some(https) = &self.https {
            return (
                stream_result(Box::pin(https.ask(message)).await),
                Transport::Https,
            );
        }
        let transport = if self.tls {
            Transport::Tls
        } else {
            Transport::Tcp
        };
        let Some(udp) = &self.udp else {
            return (Box::pin(self.over_stream(message)).await, transport);
        };
        let answer = udp.ask(&message).await;
        self.after_udp(answer, || message).await
    }

    /// The outcome of a query over UDP: the answer, or over TCP the answer to `message` (made
    /// only then) when the UDP one was truncated, or why there is none.
    async fn after_udp(
        &self,
        answer: std::result::Result<Message, UdpFailure>,
        message: impl FnOnce() -> Message,
    ) -> (std::result::Result<Message, Failure>, Transport) {
        match answer {
            Ok(answer) if answer.metadata.truncation => (
                Box::pin(self.over_stream(message())).await,
                Transport::TcpAfterTruncation,
            ),
            Ok(answer) => (Ok(answer), Transport::Udp),
            Err(UdpFailure::Timeout(notes)) => (Err(Failure::Timeout(notes)), Transport::Udp),
            Err(UdpFailure::Refused(e)) => (Err(icmp_failure(&e)), Transport::Udp),
            Err(UdpFailure::Io(e)) => (Err(Failure::Unreachable(io_reason(&e))), Transport::Udp),
        }
    }

    /// `query` as this client sends it over UDP, the bytes [`request`] would give (its ID
    /// aside), made from the query for the root name of the same type, encoded once: a bulk
    /// run then builds no message a query. `None` when each query differs in more than its
    /// question (a fresh cookie each) or the name cannot be encoded.
    fn encode(&self, query: &Query) -> Option<Vec<u8>> {
        if self.udp.is_none() || self.flags.cookie {
            return None;
        }
        let rtype = query.query_type();
        let mut templates = self
            .templates
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let template = match templates.iter().position(|t| t.rtype == rtype) {
            Some(at) => &templates[at],
            None => {
                templates.push(Template::new(rtype, &self.flags)?);
                templates.last()?
            }
        };
        template.with_name(query.name())
    }

    /// The header bits and EDNS options every query of this client carries.
    #[must_use]
    pub fn flags(&self) -> &QueryFlags {
        &self.flags
    }

    async fn over_stream(&self, message: Message) -> std::result::Result<Message, Failure> {
        stream_result(self.stream.ask(message).await)
    }
}

/// A query message for the root name: a query for any other name of the same type and flags
/// is its bytes with that name in the root's place.
struct Template {
    rtype: RecordType,
    bytes: Vec<u8>,
}

/// Where the question's name starts: after the 12-byte header.
const HEADER: usize = 12;

impl Template {
    fn new(rtype: RecordType, flags: &QueryFlags) -> Option<Self> {
        let bytes = request(Query::query(Name::root(), rtype), flags)
            .to_vec()
            .ok()?;
        Some(Self { rtype, bytes })
    }

    /// The query for `name`: its labels as hickory writes the first name of a message (each
    /// after its length, uncompressed, then the root's zero), in place of the root's zero.
    /// `None` for a name too long for a message.
    fn with_name(&self, name: &Name) -> Option<Vec<u8>> {
        let mut bytes = Vec::with_capacity(self.bytes.len() + 256);
        bytes.extend_from_slice(self.bytes.get(..HEADER)?);
        for label in name.iter() {
            if label.len() > 63 {
                return None;
            }
            bytes.push(label.len() as u8);
            bytes.extend_from_slice(label);
        }
        bytes.push(0);
        if bytes.len() - HEADER > 255 {
            return None;
        }
        bytes.extend_from_slice(self.bytes.get(HEADER + 1..)?);
        Some(bytes)
    }
}

/// The response over a connection, or why there is none.
fn stream_result(
    result: std::result::Result<Message, StreamFailure>,
) -> std::result::Result<Message, Failure> {
    match result {
        Ok(answer) => Ok(answer),
        Err(StreamFailure::Timeout) => Err(Failure::Timeout(Vec::new())),
        Err(StreamFailure::Refused(_)) => Err(Failure::Refused),
        Err(StreamFailure::Io(e)) if e.get_ref().is_some() => {
            Err(Failure::Unreachable(sanitize::escape(&e.to_string())))
        }
        Err(StreamFailure::Io(e)) => Err(Failure::Unreachable(io_reason(&e))),
    }
}

/// What a query asks for beyond its question: header bits and EDNS options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryFlags {
    /// Recursion desired (RD); off with `--norecurse`.
    pub recurse: bool,
    /// The EDNS UDP payload size offered.
    pub bufsize: u16,
    /// Ask for the server's identifier (NSID, RFC 5001).
    pub nsid: bool,
    /// Client subnet (RFC 7871): the network and its prefix length.
    pub subnet: Option<(IpAddr, u8)>,
    /// Send a client cookie (RFC 7873).
    pub cookie: bool,
    /// DNSSEC OK (the EDNS DO bit): ask for signatures.
    pub dnssec: bool,
    /// Checking disabled (CD): ask a validating server not to validate.
    pub checking_disabled: bool,
}

impl Default for QueryFlags {
    fn default() -> Self {
        Self {
            recurse: true,
            bufsize: EDNS_PAYLOAD,
            nsid: false,
            subnet: None,
            cookie: false,
            dnssec: false,
            checking_disabled: false,
        }
    }
}

/// The EDNS payload size offered by default, as dig and the DNS flag day of 2020 suggest.
pub const EDNS_PAYLOAD: u16 = 1232;

/// The EDNS option code of cookies (RFC 7873), which hickory has no type for.
const COOKIE: u16 = 10;

/// The query message: the question, the header bits and EDNS options of `flags`.
pub fn request(query: Query, flags: &QueryFlags) -> Message {
    let mut message = Message::query();
    message.metadata.recursion_desired = flags.recurse;
    message.metadata.checking_disabled = flags.checking_disabled;
    message.add_query(query);
    let mut edns = Edns::new();
    edns.set_max_payload(flags.bufsize.max(512));
    edns.set_dnssec_ok(flags.dnssec);
    if flags.nsid
        && let Ok(empty) = NSIDPayload::new(Vec::new())
    {
        edns.options_mut().insert(EdnsOption::NSID(empty));
    }
    if let Some((addr, prefix)) = flags.subnet {
        edns.options_mut()
            .insert(EdnsOption::Subnet(ClientSubnet::new(addr, prefix, 0)));
    }
    if flags.cookie {
        let client: [u8; 8] = std::array::from_fn(|_| rand_byte());
        edns.options_mut()
            .insert(EdnsOption::Unknown(COOKIE, client.to_vec()));
    }
    message.set_edns(edns);
    message
}

/// A random byte, from the same source as hickory's message IDs.
fn rand_byte() -> u8 {
    Message::query().metadata.id.to_be_bytes()[0]
}

/// What the server's OPT record said.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EdnsReport {
    /// The UDP payload size the server offers.
    pub udp: u16,
    /// The server's identifier (NSID) as dig shows it: hex bytes, then the printable text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsid: Option<String>,
    /// The cookie sent back (client and server parts), in hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie: Option<String>,
    /// The client subnet echoed: `ADDR/SOURCE/SCOPE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
}

impl EdnsReport {
    fn from_edns(edns: &Edns) -> Self {
        let mut report = Self {
            udp: edns.max_payload(),
            ..Self::default()
        };
        let text = |code| edns.option(code).map(|o| option_data(code, o));
        report.nsid = text(EdnsCode::NSID);
        report.cookie = text(EdnsCode::Cookie);
        report.subnet = text(EdnsCode::Subnet);
        report
    }

    /// The footer's words: `udp 1232, nsid 75 6e ("un"), cookie 0102...`.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("udp {}", self.udp)];
        if let Some(nsid) = &self.nsid {
            parts.push(format!("nsid {nsid}"));
        }
        if let Some(cookie) = &self.cookie {
            parts.push(format!("cookie {cookie}"));
        }
        if let Some(subnet) = &self.subnet {
            parts.push(format!("subnet {subnet}"));
        }
        parts.join(", ")
    }
}

fn icmp_failure(e: &std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::ConnectionRefused {
        Failure::Refused
    } else {
        Failure::Unreachable(io_reason(e))
    }
}

/// An I/O error as one short phrase (`network unreachable`).
fn io_reason(e: &std::io::Error) -> String {
    Error::io("query", std::io::Error::from(e.kind()))
        .to_string()
        .trim_start_matches("query: ")
        .to_string()
}

/// A response code as dig names it (`REFUSED`, `SERVFAIL`, `RESERVED15`).
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
        11 => "DSOTYPENI",
        12..=15 => return format!("RESERVED{value}"),
        16 => "BADVERS",
        17 => "BADKEY",
        18 => "BADTIME",
        19 => "BADMODE",
        20 => "BADNAME",
        21 => "BADALG",
        22 => "BADTRUNC",
        23 => "BADCOOKIE",
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
    parse_server_or(text, 53)
}

/// [`parse_server`] with `port` when none is given (853 for DNS over TLS).
pub fn parse_server_or(text: &str, port: u16) -> std::result::Result<SocketAddr, String> {
    let Some((addr, port)) = ScopedAddr::parse_with_port(text, port)? else {
        return Err("not an address (use 127.0.0.1, 127.0.0.1:5353, ::1 or [::1]:5353)".into());
    };
    if port == 0 {
        return Err("port 0 is not a server port".into());
    }
    Ok(crate::net::host::zoned(addr)?.socket_addr(port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_from_its_template_is_the_message_hickory_writes() {
        let flag_sets = [
            QueryFlags::default(),
            QueryFlags {
                recurse: false,
                bufsize: 4096,
                nsid: true,
                subnet: Some(("192.0.2.0".parse().unwrap(), 24)),
                dnssec: true,
                checking_disabled: true,
                ..QueryFlags::default()
            },
        ];
        let names = [
            "n0.bench.test.",
            "WWW.Example.ORG.",
            "a\\.b.c.",
            "_sip._udp.test.",
            "1.0.0.127.in-addr.arpa.",
            ".",
        ];
        for flags in &flag_sets {
            for rtype in [RecordType::A, RecordType::AAAA, RecordType::TXT] {
                let template = Template::new(rtype, flags).unwrap();
                for text in names {
                    let name = Name::from_ascii(text).unwrap();
                    let mut ours = template.with_name(&name).unwrap();
                    let mut theirs = request(Query::query(name, rtype), flags).to_vec().unwrap();
                    ours[..2].fill(0);
                    theirs[..2].fill(0);
                    assert_eq!(ours, theirs, "{text} {rtype} {flags:?}");
                }
            }
        }
    }

    #[test]
    fn servers() {
        let ok = [
            ("127.0.0.1", "127.0.0.1:53"),
            ("127.0.0.1:5353", "127.0.0.1:5353"),
            ("::1", "[::1]:53"),
            ("[::1]", "[::1]:53"),
            ("[::1]:5353", "[::1]:5353"),
            ("::1%lo", "[::1%1]:53"),
            ("[::1%lo]:5353", "[::1%1]:5353"),
        ];
        for (text, want) in ok {
            assert_eq!(parse_server(text), Ok(want.parse().unwrap()), "{text}");
        }
        let bad = [
            ("127.0.0.1:0", "port 0 is not a server port"),
            ("127.0.0.1:x", "'x' is not a port number (1-65535)"),
            ("127.0.0.1:70000", "'70000' is not a port number (1-65535)"),
            (
                "fe80::1%no-such-if0",
                "the zone no-such-if0 names no network interface here",
            ),
            (
                "fe80::1",
                "a link-local address needs a zone naming its interface (fe80::1%IFACE, as in \
                 fe80::1%eth0)",
            ),
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
    fn rcodes_as_dig_names_them() {
        assert_eq!(rcode_name(ResponseCode::ServFail), "SERVFAIL");
        assert_eq!(rcode_name(ResponseCode::from(0, 15)), "RESERVED15");
        assert_eq!(rcode_name(ResponseCode::from(1, 7)), "BADCOOKIE");
        assert_eq!(rcode_name(ResponseCode::from(2, 0)), "RCODE32");
    }
}
