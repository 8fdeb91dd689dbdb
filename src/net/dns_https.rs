//! DNS over HTTPS (RFC 8484): each query is one POST of an `application/dns-message` body to
//! the server's path, over one TLS connection that hyper speaks HTTP/2 on (every query in
//! flight is a stream of its own), or HTTP/1.1 when that is all the server offers in ALPN
//! (then one query at a time, hyper does not pipeline). The connection is opened at the first
//! query and again after it closes; TLS is set up as for DNS over TLS ([`crate::net::dns_tls`]).
//!
//! POST, not GET: the message travels as it is, with no base64url form and no URL length
//! limit, and a POST is not answered from an HTTP cache on the way, so the answer is the
//! server's own. The message ID is 0, as RFC 8484 asks; an answer is matched to its question
//! by the HTTP exchange, and its question is checked as over UDP.
//!
//! hickory-net 0.26 has a DoH client too, but it offers only `h2` in ALPN (no HTTP/1.1
//! fallback) and keeps its TLS session to itself (no version for the report), so hyper's
//! connection API is used instead.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hickory_resolver::proto::op::Message;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::{http1, http2};
use hyper::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Response, StatusCode, Uri, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

use crate::net::dns_stream::{Setup, StreamFailure, open_by, question};
use crate::net::dns_tls::{self, Trust};

/// The media type of a DNS message in an HTTP body (RFC 8484).
const DNS_MESSAGE: &str = "application/dns-message";

/// The path asked when only an address is named (`--https`).
pub const DEFAULT_PATH: &str = "/dns-query";

/// The largest body read: a DNS message is at most 65,535 bytes.
const MAX_BODY: usize = 65_535;

/// Where DNS over HTTPS is asked: the address connected to and the path posted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The server's address.
    pub addr: SocketAddr,
    /// The path (and query string, if any), starting with `/`.
    pub path: String,
}

impl Endpoint {
    /// Parse `https://ADDR[:PORT][/PATH]` (port 443 and [`DEFAULT_PATH`] when not given). The
    /// host must be an address: a name would need a lookup before the lookup (name the address
    /// and give the name with `--tls-name`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let uri: Uri = text
            .parse()
            .map_err(|e| format!("not a URL ({e}); use https://127.0.0.1/dns-query"))?;
        if uri.scheme_str() != Some("https") {
            return Err("not an https:// URL".into());
        }
        let authority = uri
            .authority()
            .ok_or_else(|| "the URL names no server".to_string())?;
        if authority.as_str().contains('@') {
            return Err("user names are not sent to a DNS server".into());
        }
        let host = authority.host();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let ip = crate::net::host::parse_literal(bare).ok_or_else(|| {
            format!(
                "'{host}' is not an address; name the server's address and give its name with \
                 --tls-name (https://192.0.2.1/dns-query --tls-name {host})"
            )
        })?;
        let port = match authority.as_str()[host.len()..].strip_prefix(':') {
            None => 443,
            Some("0") => return Err("port 0 is not a server port".into()),
            Some(text) => text
                .parse()
                .map_err(|_| format!("'{text}' is not a port number (1-65535)"))?,
        };
        let path = match uri.path_and_query().map(|p| p.as_str()) {
            None | Some("" | "/") => DEFAULT_PATH.to_string(),
            Some(path) => path.to_string(),
        };
        Ok(Self {
            addr: SocketAddr::new(ip, port),
            path,
        })
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "https://{}{}", self.addr, self.path)
    }
}

/// A request sender on one open connection.
enum Sender {
    /// HTTP/2: cloned per query, each query a stream.
    H2(http2::SendRequest<Full<Bytes>>),
    /// HTTP/1.1: one exchange at a time.
    H1(tokio::sync::Mutex<http1::SendRequest<Full<Bytes>>>),
}

/// One open connection and the task that drives it.
struct Conn {
    sender: Sender,
    driver: tokio::task::JoinHandle<()>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Conn {
    fn is_open(&self) -> bool {
        if self.driver.is_finished() {
            return false;
        }
        match &self.sender {
            Sender::H2(sender) => !sender.is_closed(),
            Sender::H1(sender) => sender.try_lock().map_or(true, |s| !s.is_closed()),
        }
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> hyper::Result<Response<Incoming>> {
        match &self.sender {
            Sender::H2(sender) => sender.clone().send_request(request).await,
            Sender::H1(sender) => {
                let response = {
                    let mut sender = sender.lock().await;
                    sender.ready().await?;
                    sender.send_request(request)
                };
                response.await
            }
        }
    }
}

type Incoming = hyper::body::Incoming;

/// A client that keeps one HTTPS connection to one server.
pub struct HttpsMux {
    endpoint: Endpoint,
    /// `Host` / `:authority`: the TLS name, else the address (with the port unless 443).
    authority: String,
    connector: TlsConnector,
    server_name: ServerName<'static>,
    conn: tokio::sync::Mutex<Option<Arc<Conn>>>,
    timeout: Duration,
    tries: usize,
    setup: Mutex<Option<Setup>>,
}

impl HttpsMux {
    /// A client for `endpoint`, verifying the certificate for `name` as `trust` says.
    pub fn new(
        endpoint: Endpoint,
        name: Option<&str>,
        trust: &Trust,
        timeout: Duration,
        tries: usize,
    ) -> Result<Self, String> {
        let mut config = dns_tls::client_config(trust)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let server_name = dns_tls::server_name(endpoint.addr, name)?;
        let host = match (name, endpoint.addr) {
            (Some(name), _) => name.to_string(),
            (None, SocketAddr::V4(v4)) => v4.ip().to_string(),
            (None, SocketAddr::V6(v6)) => format!("[{}]", v6.ip()),
        };
        let authority = match endpoint.addr.port() {
            443 => host,
            port => format!("{host}:{port}"),
        };
        Ok(Self {
            endpoint,
            authority,
            connector: TlsConnector::from(Arc::new(config)),
            server_name,
            conn: tokio::sync::Mutex::new(None),
            timeout,
            tries: tries.max(1),
            setup: Mutex::new(None),
        })
    }

    /// Where queries go.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// How the last connection was opened (TCP, TLS and HTTP/2 handshakes).
    pub fn setup(&self) -> Option<Setup> {
        self.setup
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// TCP, TLS, then HTTP/2 when the server chose `h2` in ALPN, else HTTP/1.1.
    async fn open(&self) -> io::Result<(Conn, Setup)> {
        let start = Instant::now();
        let (tls, tls_version) = dns_tls::connect(
            self.endpoint.addr,
            &self.connector,
            self.server_name.clone(),
        )
        .await?;
        let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
        let io = TokioIo::new(tls);
        let http_error = |e: hyper::Error| io::Error::other(format!("HTTP handshake: {e}"));
        let (sender, driver, http_version) = if h2 {
            let (sender, connection) = http2::Builder::new(TokioExecutor::new())
                .handshake(io)
                .await
                .map_err(http_error)?;
            let driver = tokio::spawn(async move {
                let _ = connection.await;
            });
            (Sender::H2(sender), driver, "HTTP/2")
        } else {
            let (sender, connection) = http1::handshake(io).await.map_err(http_error)?;
            let driver = tokio::spawn(async move {
                let _ = connection.await;
            });
            (
                Sender::H1(tokio::sync::Mutex::new(sender)),
                driver,
                "HTTP/1.1",
            )
        };
        let setup = Setup {
            time: start.elapsed(),
            tls_version,
            http_version: Some(http_version.to_string()),
        };
        Ok((Conn { sender, driver }, setup))
    }

    /// The open connection, or a new one; the time to open it counts against `deadline`.
    async fn connection(&self, deadline: tokio::time::Instant) -> Result<Arc<Conn>, StreamFailure> {
        let mut slot = self.conn.lock().await;
        if let Some(conn) = slot.as_ref()
            && conn.is_open()
        {
            return Ok(Arc::clone(conn));
        }
        let (conn, setup) = open_by(deadline, self.open()).await?;
        *self.setup.lock().unwrap_or_else(PoisonError::into_inner) = Some(setup);
        let conn = Arc::new(conn);
        *slot = Some(Arc::clone(&conn));
        Ok(conn)
    }

    fn request(&self, body: Vec<u8>, h2: bool) -> Result<Request<Full<Bytes>>, StreamFailure> {
        // HTTP/2 takes the authority from the URI; HTTP/1.1 from the Host header.
        let uri = if h2 {
            format!("https://{}{}", self.authority, self.endpoint.path)
        } else {
            self.endpoint.path.clone()
        };
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(CONTENT_TYPE, DNS_MESSAGE)
            .header(ACCEPT, DNS_MESSAGE)
            .header(CONTENT_LENGTH, body.len());
        if !h2 {
            builder = builder
                .header(HOST, &self.authority)
                .version(Version::HTTP_11);
        }
        builder
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| StreamFailure::Io(io::Error::other(format!("HTTP request: {e}"))))
    }

    /// Send `message` (its ID set to 0) and wait for its answer.
    pub async fn ask(&self, mut message: Message) -> Result<Message, StreamFailure> {
        let query = question(&message)?;
        message.metadata.id = 0;
        let body = message
            .to_vec()
            .map_err(|e| StreamFailure::Io(io::Error::other(e.to_string())))?;
        let mut last = StreamFailure::Timeout;
        for _ in 0..self.tries {
            let deadline = tokio::time::Instant::now() + self.timeout;
            let conn = match self.connection(deadline).await {
                Ok(conn) => conn,
                Err(StreamFailure::Timeout) => continue,
                Err(e) => return Err(e),
            };
            let request = self.request(body.clone(), matches!(conn.sender, Sender::H2(_)))?;
            let exchange = async {
                let response = conn.send(request).await?;
                let status = response.status();
                let content_type = response.headers().get(CONTENT_TYPE).cloned();
                let bytes = Limited::new(response.into_body(), MAX_BODY)
                    .collect()
                    .await
                    .map_err(|e| io::Error::other(format!("HTTP body: {e}")))?
                    .to_bytes();
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>((status, content_type, bytes))
            };
            match tokio::time::timeout_at(deadline, exchange).await {
                Err(_) => last = StreamFailure::Timeout,
                Ok(Err(e)) => {
                    // The connection failed under the exchange: the next try opens another.
                    last = StreamFailure::Io(io::Error::new(
                        io::ErrorKind::ConnectionReset,
                        format!("HTTP exchange with {}: {e}", self.endpoint),
                    ));
                }
                Ok(Ok((status, content_type, bytes))) => {
                    return judge(
                        status,
                        content_type.as_ref(),
                        &bytes,
                        &query,
                        &self.endpoint,
                    );
                }
            }
        }
        Err(last)
    }
}

/// The answer in an HTTP response, or what is wrong with the response.
fn judge(
    status: StatusCode,
    content_type: Option<&hyper::header::HeaderValue>,
    body: &[u8],
    query: &hickory_resolver::proto::op::Query,
    endpoint: &Endpoint,
) -> Result<Message, StreamFailure> {
    let fail = |what: String| Err(StreamFailure::Io(io::Error::other(what)));
    if !status.is_success() {
        return fail(format!("HTTP status {status} for POST {}", endpoint.path));
    }
    if let Some(kind) = content_type
        && kind.as_bytes() != DNS_MESSAGE.as_bytes()
    {
        return fail(format!(
            "the answer is {}, not {DNS_MESSAGE}",
            crate::model::sanitize::escape(&String::from_utf8_lossy(kind.as_bytes()))
        ));
    }
    let message = match Message::from_vec(body) {
        Ok(message) => message,
        Err(e) => return fail(format!("the HTTP body is not a DNS message: {e}")),
    };
    if !super::dns_udp::same_question(query, &message) {
        return fail("the answer is to another question".into());
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let ok = [
            ("https://127.0.0.1/dns-query", "127.0.0.1:443", "/dns-query"),
            ("https://127.0.0.1:4443", "127.0.0.1:4443", "/dns-query"),
            ("https://127.0.0.1:4443/", "127.0.0.1:4443", "/dns-query"),
            ("https://[::1]:8443/q?x=1", "[::1]:8443", "/q?x=1"),
            ("https://[::1]/dns-query", "[::1]:443", "/dns-query"),
        ];
        for (text, addr, path) in ok {
            let endpoint = Endpoint::parse(text).unwrap();
            assert_eq!(endpoint.addr, addr.parse().unwrap(), "{text}");
            assert_eq!(endpoint.path, path, "{text}");
        }
        assert_eq!(
            Endpoint::parse("https://127.0.0.1:4443/dns-query")
                .unwrap()
                .to_string(),
            "https://127.0.0.1:4443/dns-query"
        );
        let bad = [
            ("https://dns.test/dns-query", "'dns.test' is not an address"),
            ("https://127.0.0.1:0/", "port 0 is not a server port"),
            (
                "https://127.0.0.1:99999/",
                "'99999' is not a port number (1-65535)",
            ),
            ("https://127.0.0.1:/", "'' is not a port number (1-65535)"),
            ("http://127.0.0.1/dns-query", "not an https:// URL"),
            ("https://u@127.0.0.1/", "user names are not sent"),
            ("https:///dns-query", "not a URL"),
        ];
        for (text, want) in bad {
            let err = Endpoint::parse(text).expect_err(text);
            assert!(err.starts_with(want), "{text}: {err}");
        }
    }
}
