//! DNS queries over UDP on one long-lived socket, answers matched to questions by message ID.
//!
//! hickory's UDP transport opens, binds, registers and closes a fresh socket for every query.
//! That is a defence for a stub resolver that trusts what comes back; for a diagnostic tool
//! sending thousands of queries to one chosen server it is the larger part of the cost (five
//! extra system calls a query). Here one socket on a random port carries every query: each gets
//! a random ID that no other query in flight has, and an answer is taken only from the server's
//! address, with that ID and the same question. Within a try the query is sent again every
//! 250 ms until an answer comes (as hickory does every 333 ms). A datagram that is not the
//! answer (too short, an ID no query has, another question, malformed, from another address) is
//! noted against the queries it could concern and the wait goes on; the notes are returned if
//! the wait ends without an answer. The socket stays unconnected (so another source can be
//! named) and asks for ICMP errors, so a closed port ends the wait at once. Answers are read in
//! batches (recvmmsg), as many as are waiting at once, and the queries asked meanwhile leave
//! together (sendmmsg): a burst of answers costs the server one wake-up for the queries that
//! follow, not one each. Messages are built and parsed by hickory-proto.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use std::io::IoSliceMut;
use std::os::fd::{AsFd, AsRawFd};

use hickory_resolver::proto::op::{Message, Query};
use std::io::IoSlice;

use nix::sys::socket::{MsgFlags, MultiHeaders, SockaddrStorage, recvmmsg, sendmmsg};
use tokio::io::Interest;
use tokio::net::UdpSocket;
use tokio::sync::{Notify, oneshot};

use super::os;

/// How long to wait for an answer before sending the query again, within one try.
const RESEND: Duration = Duration::from_millis(250);

/// The receive buffer asked for (the kernel caps it at net.core.rmem_max).
const RECV_BUFFER: usize = 4 << 20;

/// How many distinct problems are kept for one query.
const MAX_NOTES: usize = 4;

/// Why there is no answer.
#[derive(Debug)]
pub enum UdpFailure {
    /// No acceptable answer within the timeout, after every try; what came instead (a datagram
    /// that is not DNS, a wrong ID, another question, another source), one line each.
    Timeout(Vec<String>),
    /// The server's host said no one listens there (ICMP port unreachable), or another ICMP
    /// error about the query.
    Refused(io::Error),
    /// The socket failed.
    Io(io::Error),
}

/// What the reader hands to a waiting query.
enum Delivery {
    /// The answer, and its size in bytes as received.
    Answer(Message, usize),
    /// An ICMP error reported on the socket (port or host unreachable).
    Error(io::ErrorKind),
    /// The query could not be sent.
    SendFailed(io::Error),
}

/// A query in flight: its question, where its answer goes, and what was received that was
/// not its answer.
struct Waiter {
    query: Query,
    tx: Option<oneshot::Sender<Delivery>>,
    notes: Vec<String>,
}

impl Waiter {
    fn note(&mut self, text: String) {
        if self.notes.len() < MAX_NOTES && !self.notes.contains(&text) {
            self.notes.push(text);
        }
    }
}

type Waiters = Arc<Mutex<HashMap<u16, Waiter>>>;

/// One socket, many queries in flight.
pub struct UdpMux {
    waiters: Waiters,
    outbox: Arc<Outbox>,
    reader: tokio::task::JoinHandle<()>,
    sender: tokio::task::JoinHandle<()>,
    timeout: Duration,
    tries: usize,
}

impl Drop for UdpMux {
    fn drop(&mut self) {
        self.reader.abort();
        self.sender.abort();
    }
}

impl UdpMux {
    /// A socket for `server`. Must be called inside a tokio runtime.
    pub fn new(server: SocketAddr, timeout: Duration, tries: usize) -> io::Result<Self> {
        let any: IpAddr = if server.is_ipv4() {
            Ipv4Addr::UNSPECIFIED.into()
        } else {
            Ipv6Addr::UNSPECIFIED.into()
        };
        let std_socket = std::net::UdpSocket::bind((any, 0))?;
        // Answers to hundreds of queries in flight can arrive while the program is busy
        // writing: room for them, as far as net.core.rmem_max allows.
        let _ = socket2::SockRef::from(&std_socket).set_recv_buffer_size(RECV_BUFFER);
        // The socket stays unconnected, so that an answer from another address can be named;
        // "port unreachable" then needs asking for.
        os::udp_errors::report_icmp_errors(std_socket.as_fd(), server.is_ipv6())?;
        std_socket.set_nonblocking(true)?;
        let socket = Arc::new(UdpSocket::from_std(std_socket)?);
        let waiters: Waiters = Arc::default();
        let reader = tokio::spawn(read_answers(
            Arc::clone(&socket),
            server,
            Arc::clone(&waiters),
        ));
        let outbox: Arc<Outbox> = Arc::default();
        let sender = tokio::spawn(send_queued(
            Arc::clone(&socket),
            server,
            Arc::clone(&waiters),
            Arc::clone(&outbox),
        ));
        Ok(Self {
            waiters,
            outbox,
            reader,
            sender,
            timeout,
            tries: tries.max(1),
        })
    }

    /// Send `message` (its ID is set here) and wait for its answer, as the server sent it.
    pub async fn ask(&self, message: &Message) -> Result<Message, UdpFailure> {
        self.ask_message(message).await.map(|(answer, _)| answer)
    }

    /// [`Self::ask`], with the answer's size in bytes as it came off the wire.
    pub async fn ask_sized(&self, message: Message) -> Result<(Message, usize), UdpFailure> {
        self.ask_message(&message).await
    }

    async fn ask_message(&self, message: &Message) -> Result<(Message, usize), UdpFailure> {
        let Some(query) = message.queries.first() else {
            return Err(UdpFailure::Io(io::Error::other(
                "a query without a question",
            )));
        };
        let bytes = message
            .to_vec()
            .map_err(|e| UdpFailure::Io(io::Error::other(e.to_string())))?;
        self.ask_encoded(query, bytes).await
    }

    /// [`Self::ask_sized`] for a query already encoded: `bytes`, whose question is `query`.
    pub async fn ask_encoded(
        &self,
        query: &Query,
        mut bytes: Vec<u8>,
    ) -> Result<(Message, usize), UdpFailure> {
        // Encoded once; each try writes its own ID over the first two bytes.
        let mut notes: Vec<String> = Vec::new();
        for _ in 0..self.tries {
            let (id, answer) = self.register(query);
            bytes[..2].copy_from_slice(&id.to_be_bytes());
            let result = self.exchange(id, &bytes, answer).await;
            for note in self.forget(id) {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            match result {
                Some(Delivery::Answer(message, size)) => return Ok((message, size)),
                Some(Delivery::Error(kind)) => return Err(UdpFailure::Refused(kind.into())),
                Some(Delivery::SendFailed(e)) => return Err(UdpFailure::Io(e)),
                None => {}
            }
        }
        Err(UdpFailure::Timeout(notes))
    }

    /// Send `bytes` (the query with ID `id`) and wait up to the timeout for the answer, sending
    /// them again every [`RESEND`] meanwhile (a datagram lost at a busy server then costs that,
    /// not the whole timeout); `None` when no answer came.
    async fn exchange(
        &self,
        id: u16,
        bytes: &[u8],
        mut answer: oneshot::Receiver<Delivery>,
    ) -> Option<Delivery> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            self.outbox.post(id, bytes);
            let next = (tokio::time::Instant::now() + RESEND).min(deadline);
            match tokio::time::timeout_at(next, &mut answer).await {
                Ok(Ok(delivery)) => return Some(delivery),
                // The reader stopped: it never does while the socket works.
                Ok(Err(_)) => return None,
                Err(_) if next >= deadline => return None,
                Err(_) => {}
            }
        }
    }

    /// A fresh random ID for `query`, and where its answer will arrive.
    fn register(&self, query: &Query) -> (u16, oneshot::Receiver<Delivery>) {
        let (tx, rx) = oneshot::channel();
        let mut waiters = self.waiters.lock().unwrap_or_else(PoisonError::into_inner);
        let id = loop {
            let id = Message::query().metadata.id;
            if !waiters.contains_key(&id) {
                break id;
            }
        };
        waiters.insert(
            id,
            Waiter {
                query: query.clone(),
                tx: Some(tx),
                notes: Vec::new(),
            },
        );
        (id, rx)
    }

    /// Stop waiting for `id`; what was noted about it.
    fn forget(&self, id: u16) -> Vec<String> {
        self.waiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id)
            .map(|w| w.notes)
            .unwrap_or_default()
    }
}

/// The queries waiting to be sent, one after another in one buffer, with the task that sends
/// them woken when the first is posted.
#[derive(Default)]
struct Outbox {
    queued: Mutex<Queued>,
    posted: Notify,
}

/// Datagrams end to end in `bytes`; `ends[i]` is where datagram `i` ends, `ids[i]` its ID.
#[derive(Default)]
struct Queued {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    ids: Vec<u16>,
}

impl Queued {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.ids.clear();
    }

    fn datagram(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }
}

impl Outbox {
    /// Queue `bytes` (the query with ID `id`) to be sent when the running task next waits.
    fn post(&self, id: u16, bytes: &[u8]) {
        let mut queued = self.queued.lock().unwrap_or_else(PoisonError::into_inner);
        if queued.ids.is_empty() {
            self.posted.notify_one();
        }
        queued.bytes.extend_from_slice(bytes);
        let end = queued.bytes.len();
        queued.ends.push(end);
        queued.ids.push(id);
    }
}

/// How many datagrams one send call takes at most.
const SEND_BATCH: usize = 64;

/// Send what is posted to the outbox, as many datagrams a call as are queued (up to
/// [`SEND_BATCH`]). A datagram whose send fails fails its query: an ICMP error reported on the
/// send (about an earlier datagram) as the server being unreachable, any other error as is.
async fn send_queued(
    socket: Arc<UdpSocket>,
    server: SocketAddr,
    waiters: Waiters,
    outbox: Arc<Outbox>,
) {
    let mut sending = Queued::default();
    let address = SockaddrStorage::from(server);
    let addresses = vec![Some(address); SEND_BATCH];
    loop {
        outbox.posted.notified().await;
        {
            let mut queued = outbox.queued.lock().unwrap_or_else(PoisonError::into_inner);
            std::mem::swap(&mut *queued, &mut sending);
        }
        let mut next = 0;
        while next < sending.ids.len() {
            let count = (sending.ids.len() - next).min(SEND_BATCH);
            let sent = socket
                .async_io(Interest::WRITABLE, || {
                    send_batch(&socket, &sending, next, count, &addresses)
                })
                .await;
            match sent {
                Ok(sent) => next += sent.max(1),
                Err(e) => {
                    let delivery = if is_icmp_error(&e) {
                        os::udp_errors::drain_errors(socket.as_fd());
                        Delivery::Error(e.kind())
                    } else {
                        Delivery::SendFailed(e)
                    };
                    let id = sending.ids[next];
                    let mut map = waiters.lock().unwrap_or_else(PoisonError::into_inner);
                    if let Some(tx) = map.get_mut(&id).and_then(|w| w.tx.take()) {
                        let _ = tx.send(delivery);
                    }
                    next += 1;
                }
            }
        }
        sending.clear();
    }
}

/// One sendmmsg(2) call for `count` queued datagrams from `first`; how many left.
fn send_batch(
    socket: &UdpSocket,
    queued: &Queued,
    first: usize,
    count: usize,
    addresses: &[Option<SockaddrStorage>],
) -> io::Result<usize> {
    // The headers hold raw pointers (not Send): made for each call, as the sender is a task.
    let mut headers = MultiHeaders::<SockaddrStorage>::preallocate(count, None);
    let slices: Vec<[IoSlice<'_>; 1]> = (first..first + count)
        .map(|i| [IoSlice::new(queued.datagram(i))])
        .collect();
    let results = sendmmsg(
        socket.as_raw_fd(),
        &mut headers,
        &slices,
        &addresses[..count],
        [],
        MsgFlags::MSG_DONTWAIT,
    )
    .map_err(io::Error::from)?;
    Ok(results.count())
}

/// Whether a socket error is the kernel passing on an ICMP error (port or host unreachable).
fn is_icmp_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
    )
}

/// Hand each answer to the query it answers; name anything else to the queries it could
/// concern (by ID when it has one that is in flight, else every query waiting).
async fn read_answers(socket: Arc<UdpSocket>, server: SocketAddr, waiters: Waiters) {
    let mut batch = Batch::new();
    loop {
        let received = socket
            .async_io(Interest::READABLE, || batch.receive(&socket))
            .await;
        match received {
            Ok(()) => {}
            Err(e) if is_icmp_error(&e) => {
                os::udp_errors::drain_errors(socket.as_fd());
                let mut map = waiters.lock().unwrap_or_else(PoisonError::into_inner);
                for waiter in map.values_mut() {
                    if let Some(tx) = waiter.tx.take() {
                        let _ = tx.send(Delivery::Error(e.kind()));
                    }
                }
                continue;
            }
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        }
        let mut map = waiters.lock().unwrap_or_else(PoisonError::into_inner);
        for (bytes, from) in batch.datagrams() {
            match judge(bytes, from, server, &map) {
                Verdict::Answer(id, message, size) => {
                    if let Some(tx) = map.get_mut(&id).and_then(|w| w.tx.take()) {
                        let _ = tx.send(Delivery::Answer(message, size));
                    }
                }
                Verdict::NoteFor(id, note) => {
                    if let Some(waiter) = map.get_mut(&id) {
                        waiter.note(note);
                    }
                }
                Verdict::NoteForAll(note) => {
                    for waiter in map.values_mut() {
                        waiter.note(note.clone());
                    }
                }
            }
        }
    }
}

/// How many datagrams one receive call takes at most: a burst of answers costs one system
/// call, not one each.
const BATCH: usize = 32;

/// Room for one datagram: the largest UDP payload, so that none is cut short. The pages of a
/// slot are only touched as far as its datagrams reach.
const DATAGRAM: usize = 65_535;

/// Buffers for one recvmmsg(2) call, and what the last call received.
struct Batch {
    buffers: Vec<u8>,
    received: Vec<(usize, Option<SocketAddr>)>,
}

impl Batch {
    fn new() -> Self {
        Self {
            buffers: vec![0; BATCH * DATAGRAM],
            received: Vec::with_capacity(BATCH),
        }
    }

    /// Take every datagram waiting on `socket`, up to [`BATCH`], without blocking.
    fn receive(&mut self, socket: &UdpSocket) -> io::Result<()> {
        // The headers hold raw pointers (not Send): made for each call, as the reader is a task.
        let mut headers = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
        let mut slices: Vec<[IoSliceMut<'_>; 1]> = self
            .buffers
            .chunks_mut(DATAGRAM)
            .map(|slot| [IoSliceMut::new(slot)])
            .collect();
        let results = recvmmsg(
            socket.as_raw_fd(),
            &mut headers,
            slices.iter_mut(),
            MsgFlags::MSG_DONTWAIT,
            None,
        )
        .map_err(io::Error::from)?;
        self.received.clear();
        for message in results {
            let from = message.address.and_then(|a: SockaddrStorage| {
                a.as_sockaddr_in()
                    .map(|v4| SocketAddr::from(*v4))
                    .or_else(|| a.as_sockaddr_in6().map(|v6| SocketAddr::from(*v6)))
            });
            self.received.push((message.bytes, from));
        }
        Ok(())
    }

    /// The datagrams of the last call with their sources (those of an unknown kind of
    /// address are left out: the socket is IPv4 or IPv6).
    fn datagrams(&self) -> impl Iterator<Item = (&[u8], SocketAddr)> {
        self.buffers
            .chunks(DATAGRAM)
            .zip(&self.received)
            .filter_map(|(slot, (len, from))| Some((&slot[..*len], (*from)?)))
    }
}

/// What one received datagram is.
enum Verdict {
    /// The answer to the query with this ID.
    Answer(u16, Message, usize),
    /// Not an answer, but about the query with this ID.
    NoteFor(u16, String),
    /// Not an answer, about no query in particular.
    NoteForAll(String),
}

/// Judge `bytes` received from `from`, the queries in flight being `waiters`.
fn judge(
    bytes: &[u8],
    from: SocketAddr,
    server: SocketAddr,
    waiters: &HashMap<u16, Waiter>,
) -> Verdict {
    if bytes.len() < 12 {
        return Verdict::NoteForAll(format!(
            "{} from {from}, too short for a DNS message",
            crate::model::words::count(bytes.len(), "byte", "bytes")
        ));
    }
    let id = u16::from_be_bytes([bytes[0], bytes[1]]);
    let Some(waiter) = waiters.get(&id) else {
        let expected = match waiters.len() {
            1 => waiters
                .keys()
                .next()
                .map(|k| format!(", expected {k}"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        return Verdict::NoteForAll(format!(
            "an answer from {from} with ID {id}, which no query in flight has{expected}"
        ));
    };
    if from != server {
        return Verdict::NoteFor(
            id,
            format!("an answer from {from}, not from the server {server}"),
        );
    }
    if bytes[2] & 0x80 == 0 {
        return Verdict::NoteFor(id, format!("a query from {from}, not an answer"));
    }
    let message = match Message::from_vec(bytes) {
        Ok(message) => message,
        Err(e) => {
            return Verdict::NoteFor(id, format!("a malformed answer from {from}: {e}"));
        }
    };
    if !same_question(&waiter.query, &message) {
        let asked = message
            .queries
            .first()
            .map(|q| {
                format!(
                    "{} {}",
                    crate::model::dns_name::name_text(q.name()),
                    q.query_type()
                )
            })
            .unwrap_or_else(|| "no question".into());
        return Verdict::NoteFor(
            id,
            format!("an answer from {from} to another question ({asked})"),
        );
    }
    Verdict::Answer(id, message, bytes.len())
}

/// Whether `answer` repeats `query` as its question (names compared without regard to case).
pub(crate) fn same_question(query: &Query, answer: &Message) -> bool {
    answer.queries.len() == 1
        && answer.queries[0].query_type() == query.query_type()
        && answer.queries[0].query_class() == query.query_class()
        && answer.queries[0].name() == query.name()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::proto::op::{MessageType, OpCode};
    use hickory_resolver::proto::rr::{Name, RecordType};

    fn answer_to(name: &str, rtype: RecordType) -> Message {
        let mut m = Message::new(7, MessageType::Response, OpCode::Query);
        m.add_query(Query::query(Name::from_ascii(name).unwrap(), rtype));
        m
    }

    #[test]
    fn question_must_match_type_and_name_in_any_case() {
        let q = Query::query(Name::from_ascii("www.Test.").unwrap(), RecordType::A);
        assert!(same_question(&q, &answer_to("www.test.", RecordType::A)));
        assert!(same_question(&q, &answer_to("WWW.TEST.", RecordType::A)));
        assert!(!same_question(
            &q,
            &answer_to("www.test.", RecordType::AAAA)
        ));
        assert!(!same_question(&q, &answer_to("ww.test.", RecordType::A)));
        let mut none = answer_to("www.test.", RecordType::A);
        none.queries.clear();
        assert!(!same_question(&q, &none));
    }
}
