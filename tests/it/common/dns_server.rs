//! A real DNS server for the tests: hickory-server, in this process, on a loopback port (UDP and
//! TCP on the same port), authoritative for a small test zone plus reverse zones and a block of
//! generated names for bulk tests. It runs on its own thread with its own runtime and stops when
//! the handle drops.
#![allow(dead_code)] // each test binary uses a different part

use std::fmt::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use hickory_server::Server;
use hickory_server::proto::rr::rdata::TXT;
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};

/// How many generated names `h<N>.bulk.test.` the zone holds.
pub const BULK_NAMES: u32 = 3000;

/// The TTL of every record in the test zone.
pub const TTL: u32 = 300;

/// The TXT record that does not fit in a UDP answer (more than 512 bytes, and more than the
/// 1232 bytes of the usual EDNS buffer): 8 strings of 200 characters.
pub fn big_txt_chunks() -> Vec<String> {
    (0..8)
        .map(|i| {
            let c = char::from(b'a' + i as u8);
            std::iter::repeat_n(c, 200).collect()
        })
        .collect()
}

/// The address of bulk name `index`: 10.x.y.z.
pub fn bulk_addr(index: u32) -> Ipv4Addr {
    Ipv4Addr::from(0x0a00_0000 | (index + 1))
}

fn test_zone() -> String {
    let mut zone = String::from(
        "$ORIGIN test.\n\
         $TTL 300\n\
         @        IN SOA   ns1.test. hostmaster.test. 2024010101 3600 600 86400 300\n\
         @        IN NS    ns1.test.\n\
         @        IN NS    ns2.test.\n\
         ns1      IN A     127.0.0.1\n\
         ns2      IN A     127.0.0.2\n\
         www      IN A     192.0.2.10\n\
         www      IN A     192.0.2.11\n\
         www      IN AAAA  2001:db8::10\n\
         v4only   IN A     192.0.2.20\n\
         xn--bcher-kva IN A 192.0.2.40\n\
         alias    IN CNAME alias2.test.\n\
         alias2   IN CNAME www.test.\n\
         mx       IN MX    10 mail.test.\n\
         mx       IN MX    20 mail2.test.\n\
         mail     IN A     192.0.2.25\n\
         txt      IN TXT   \"hello world\" \"second string\"\n\
         _sip._tcp IN SRV  10 60 5060 sip.test.\n\
         caa      IN CAA   0 issue \"ca.example\"\n",
    );
    let _ = write!(zone, "big      IN TXT  ");
    for chunk in big_txt_chunks() {
        let _ = write!(zone, " \"{chunk}\"");
    }
    zone.push('\n');
    for i in 0..BULK_NAMES {
        let _ = writeln!(zone, "h{i}.bulk IN A {}", bulk_addr(i));
    }
    zone
}

const REVERSE_V4: &str = "$ORIGIN 2.0.192.in-addr.arpa.\n\
    $TTL 300\n\
    @   IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 300\n\
    @   IN NS  ns1.test.\n\
    10  IN PTR www.test.\n";

const REVERSE_V6: &str = "$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.\n\
    $TTL 300\n\
    @   IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 300\n\
    @   IN NS  ns1.test.\n\
    0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR www.test.\n";

fn zone_handler(text: &str) -> (Name, InMemoryZoneHandler) {
    let (origin, records) = Parser::new(text, None, None)
        .parse()
        .expect("test zone parses");
    let mut handler =
        InMemoryZoneHandler::new(origin.clone(), records, ZoneType::Primary, AxfrPolicy::Deny)
            .expect("test zone loads");
    if origin == Name::from_ascii("test.").unwrap() {
        // Control characters a terminal would obey (bell, clear screen), added as bytes.
        let txt = TXT::from_bytes(vec![b"bell\x07esc\x1b[2J".as_slice()]);
        let record = Record::from_rdata(
            Name::from_ascii("ctrl.test.").unwrap(),
            TTL,
            RData::TXT(txt),
        );
        assert!(handler.upsert_mut(record, 2024010101));
        // A name with an underscore, which the zone parser refuses but servers answer.
        let record = Record::from_rdata(
            Name::from_labels([&b"a_b"[..], b"test"]).unwrap(),
            TTL,
            RData::A(Ipv4Addr::new(192, 0, 2, 30).into()),
        );
        assert!(handler.upsert_mut(record, 2024010101));
    }
    (origin, handler)
}

/// A running test server; stopped when dropped.
pub struct DnsServer {
    /// Where it listens (UDP and TCP).
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DnsServer {
    /// Start the server on 127.0.0.1 (or `::1` with `v6`), on a free port.
    pub fn start() -> Self {
        Self::start_on("127.0.0.1")
    }

    /// Start the server on the loopback address `ip`.
    pub fn start_on(ip: &str) -> Self {
        let zones = vec![test_zone(), REVERSE_V4.to_string(), REVERSE_V6.to_string()];
        Self::serve(bind_pair(ip), zones)
    }

    /// Serve `zones` (zone-file text, each with its `$ORIGIN`) on `addr`, UDP and TCP; the
    /// port may be a fixed one such as 53 (a name server named in a referral is asked there).
    pub fn start_zones(addr: SocketAddr, zones: Vec<String>) -> Self {
        let udp = std::net::UdpSocket::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        let tcp = std::net::TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        Self::serve((udp, tcp), zones)
    }

    fn serve((udp, tcp): (std::net::UdpSocket, std::net::TcpListener), zones: Vec<String>) -> Self {
        let addr = udp.local_addr().unwrap();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let mut catalog = Catalog::new();
                for text in &zones {
                    let (origin, handler) = zone_handler(text);
                    catalog.upsert(LowerName::from(origin), vec![Arc::new(handler)]);
                }
                let mut server = Server::new(catalog);
                udp.set_nonblocking(true).unwrap();
                tcp.set_nonblocking(true).unwrap();
                server.register_socket(tokio::net::UdpSocket::from_std(udp).unwrap());
                server.register_listener(
                    tokio::net::TcpListener::from_std(tcp).unwrap(),
                    std::time::Duration::from_secs(5),
                    64 * 1024,
                );
                ready_tx.send(()).unwrap();
                let _ = stop_rx.await;
                let _ = server.shutdown_gracefully().await;
            });
        });
        ready_rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("test DNS server started");
        Self {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `@ADDR:PORT` as nettool takes it.
    pub fn at(&self) -> String {
        format!("@{}", self.addr)
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A UDP socket and a TCP listener on the same free port of `ip` (a few tries, in case another
/// test takes the TCP port between the two binds).
fn bind_pair(ip: &str) -> (std::net::UdpSocket, std::net::TcpListener) {
    for _ in 0..20 {
        let udp = std::net::UdpSocket::bind(format!("{}:0", bracket(ip))).unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = std::net::TcpListener::bind(format!("{}:{port}", bracket(ip))) {
            return (udp, tcp);
        }
    }
    panic!("no free port pair on {ip}");
}

fn bracket(ip: &str) -> String {
    if ip.contains(':') {
        format!("[{ip}]")
    } else {
        ip.to_string()
    }
}

/// A UDP port on 127.0.0.1 where nothing listens (bound, read by no one, then kept bound so no
/// one else takes it): queries sent there get no answer at all.
pub struct SilentPort {
    /// The address.
    pub addr: SocketAddr,
    _socket: std::net::UdpSocket,
}

impl SilentPort {
    /// Bind it.
    pub fn new() -> Self {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        Self {
            addr: socket.local_addr().unwrap(),
            _socket: socket,
        }
    }
}

/// What a [`ScriptedServer`] sends back for one query.
pub enum Reply {
    /// These bytes, from the server's own port.
    Bytes(Vec<u8>),
    /// These bytes, from another port of the same address.
    FromOtherPort(Vec<u8>),
}

/// A UDP server on a loopback port that answers each query with whatever its script returns,
/// byte for byte: for answers no well-behaved server gives (an rcode with answers, records of
/// another type, garbage, wrong IDs). It stops when dropped, and after 30 s in any case.
pub struct ScriptedServer {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ScriptedServer {
    /// Start it; `script` gets each query, parsed, and its bytes.
    pub fn start(
        script: impl Fn(&hickory_server::proto::op::Message, &[u8]) -> Vec<Reply> + Send + 'static,
    ) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let other = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(std::time::Duration::from_millis(50)))
            .unwrap();
        let addr = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let mut buf = [0u8; 1500];
            while !stopped.load(Ordering::Relaxed)
                && started.elapsed() < std::time::Duration::from_secs(30)
            {
                let Ok((len, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(query) = hickory_server::proto::op::Message::from_vec(&buf[..len]) else {
                    continue;
                };
                for reply in script(&query, &buf[..len]) {
                    let _ = match reply {
                        Reply::Bytes(bytes) => socket.send_to(&bytes, from),
                        Reply::FromOtherPort(bytes) => other.send_to(&bytes, from),
                    };
                }
            }
        });
        Self {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    /// `@ADDR:PORT` as nettool takes it.
    pub fn at(&self) -> String {
        format!("@{}", self.addr)
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The response to `query` a script starts from: same ID and question, QR and RD set.
pub fn response_to(
    query: &hickory_server::proto::op::Message,
) -> hickory_server::proto::op::Message {
    use hickory_server::proto::op::{Message, MessageType};
    let mut m = Message::new(
        query.metadata.id,
        MessageType::Response,
        query.metadata.op_code,
    );
    m.metadata.recursion_desired = query.metadata.recursion_desired;
    m.metadata.recursion_available = true;
    m.add_queries(query.queries.clone());
    m
}

/// A record for a script: `name` (kept byte for byte, case included), TTL 60.
pub fn record(labels: &[&[u8]], data: RData) -> Record {
    Record::from_rdata(Name::from_labels(labels.iter().copied()).unwrap(), 60, data)
}
