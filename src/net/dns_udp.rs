//! DNS queries over UDP on one long-lived socket, answers matched to questions by message ID.
//!
//! hickory's UDP transport opens, binds, registers and closes a fresh socket for every query.
//! That is a defence for a stub resolver that trusts what comes back; for a diagnostic tool
//! sending thousands of queries to one chosen server it is the larger part of the cost (five
//! extra system calls a query). Here one socket on a random port carries every query: each gets
//! a random ID that no other query in flight has, and an answer is taken only from the server's
//! address, with that ID and the same question. Within a try the query is sent again every
//! 250 ms until an answer comes (as hickory does every 333 ms). Messages are built and parsed by
//! hickory-proto.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hickory_resolver::proto::op::{Edns, Message, Query};
use tokio::net::UdpSocket;
use tokio::sync::oneshot;

/// The EDNS payload size offered, as dig and the DNS flag day of 2020 suggest.
const EDNS_PAYLOAD: u16 = 1232;

/// How long to wait for an answer before sending the query again, within one try.
const RESEND: Duration = Duration::from_millis(250);

/// The receive buffer asked for (the kernel caps it at net.core.rmem_max).
const RECV_BUFFER: usize = 4 << 20;

/// Why there is no answer.
#[derive(Debug)]
pub enum UdpFailure {
    /// No answer within the timeout, after every try.
    Timeout,
    /// The socket failed.
    Io(io::Error),
}

type Waiters = Arc<Mutex<HashMap<u16, (Query, oneshot::Sender<Message>)>>>;

/// One socket, many queries in flight.
pub struct UdpMux {
    socket: Arc<UdpSocket>,
    server: SocketAddr,
    waiters: Waiters,
    reader: tokio::task::JoinHandle<()>,
    timeout: Duration,
    tries: usize,
}

impl Drop for UdpMux {
    fn drop(&mut self) {
        self.reader.abort();
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
        std_socket.set_nonblocking(true)?;
        let socket = Arc::new(UdpSocket::from_std(std_socket)?);
        let waiters: Waiters = Arc::default();
        let reader = tokio::spawn(read_answers(
            Arc::clone(&socket),
            server,
            Arc::clone(&waiters),
        ));
        Ok(Self {
            socket,
            server,
            waiters,
            reader,
            timeout,
            tries: tries.max(1),
        })
    }

    /// Ask `query` (recursion desired, EDNS on); the answer as the server sent it.
    pub async fn ask(&self, query: Query) -> Result<Message, UdpFailure> {
        for _ in 0..self.tries {
            let (id, answer) = self.register(&query);
            let mut message = Message::query();
            message.metadata.id = id;
            message.metadata.recursion_desired = true;
            message.add_query(query.clone());
            let mut edns = Edns::new();
            edns.set_max_payload(EDNS_PAYLOAD);
            message.set_edns(edns);
            let bytes = message
                .to_vec()
                .map_err(|e| UdpFailure::Io(io::Error::other(e.to_string())))?;
            match self.exchange(&bytes, answer).await {
                Ok(Some(message)) => return Ok(message),
                Ok(None) => self.forget(id),
                Err(e) => {
                    self.forget(id);
                    return Err(UdpFailure::Io(e));
                }
            }
        }
        Err(UdpFailure::Timeout)
    }

    /// Send `bytes` and wait up to the timeout for the answer, sending them again every
    /// [`RESEND`] meanwhile (a datagram lost at a busy server then costs that, not the whole
    /// timeout); `None` when no answer came.
    async fn exchange(
        &self,
        bytes: &[u8],
        mut answer: oneshot::Receiver<Message>,
    ) -> io::Result<Option<Message>> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            self.socket.send_to(bytes, self.server).await?;
            let next = (tokio::time::Instant::now() + RESEND).min(deadline);
            match tokio::time::timeout_at(next, &mut answer).await {
                Ok(Ok(message)) => return Ok(Some(message)),
                // The reader stopped: it never does while the socket works.
                Ok(Err(_)) => return Ok(None),
                Err(_) if next >= deadline => return Ok(None),
                Err(_) => {}
            }
        }
    }

    /// A fresh random ID for `query`, and where its answer will arrive.
    fn register(&self, query: &Query) -> (u16, oneshot::Receiver<Message>) {
        let (tx, rx) = oneshot::channel();
        let mut waiters = self.waiters.lock().unwrap_or_else(PoisonError::into_inner);
        let id = loop {
            let id = Message::query().metadata.id;
            if !waiters.contains_key(&id) {
                break id;
            }
        };
        waiters.insert(id, (query.clone(), tx));
        (id, rx)
    }

    fn forget(&self, id: u16) {
        self.waiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }
}

/// Hand each answer to the query it answers; drop anything else.
async fn read_answers(socket: Arc<UdpSocket>, server: SocketAddr, waiters: Waiters) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let Ok((len, from)) = socket.recv_from(&mut buf).await else {
            // An ICMP error about an earlier datagram: the queries time out on their own.
            continue;
        };
        if from != server {
            continue;
        }
        let Ok(message) = Message::from_vec(&buf[..len]) else {
            continue;
        };
        let mut map = waiters.lock().unwrap_or_else(PoisonError::into_inner);
        let matches = map
            .get(&message.metadata.id)
            .is_some_and(|(query, _)| same_question(query, &message));
        if matches && let Some((_, tx)) = map.remove(&message.metadata.id) {
            let _ = tx.send(message);
        }
    }
}

/// Whether `answer` repeats `query` as its question (names compared without regard to case).
fn same_question(query: &Query, answer: &Message) -> bool {
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
