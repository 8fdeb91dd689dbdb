//! DNS queries over one stream connection (TCP, RFC 7766), pipelined: every query in flight is
//! written at once, each with its own ID, and answers are matched to questions by ID in the
//! order they come. The connection is opened at the first query and opened again after it
//! closes. Messages are built and parsed by hickory-proto; hickory's resolver pool is not
//! used, because it judges answers (drops records, turns codes into errors) and a report must
//! show the message as the server sent it.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::{Message, Query};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

/// Why there is no answer.
#[derive(Debug)]
pub enum StreamFailure {
    /// No answer within the timeout, after every try.
    Timeout,
    /// The server refused the connection (nothing listens on the port).
    Refused(io::Error),
    /// The connection could not be opened, or closed before the answer.
    Io(io::Error),
}

/// A connected stream of any kind.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

type Waiters = Arc<Mutex<HashMap<u16, (Query, oneshot::Sender<Message>)>>>;

/// One open connection: a writer task fed by a channel, a reader task handing out answers.
struct Conn {
    writer: mpsc::UnboundedSender<Vec<u8>>,
    waiters: Waiters,
    tasks: [tokio::task::JoinHandle<()>; 2],
}

impl Drop for Conn {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Conn {
    fn start(stream: Box<dyn Stream>) -> Self {
        let (mut read, mut write) = tokio::io::split(stream);
        let (writer, mut queue) = mpsc::unbounded_channel::<Vec<u8>>();
        let waiters: Waiters = Arc::default();
        let write_task = tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                // Everything queued meanwhile goes out in one write.
                let mut batch = first;
                while let Ok(more) = queue.try_recv() {
                    batch.extend_from_slice(&more);
                }
                if write.write_all(&batch).await.is_err() || write.flush().await.is_err() {
                    return;
                }
            }
        });
        let map = Arc::clone(&waiters);
        let read_task = tokio::spawn(async move {
            let mut buf = Vec::new();
            while let Ok(len) = read.read_u16().await {
                buf.resize(usize::from(len), 0);
                if read.read_exact(&mut buf).await.is_err() {
                    break;
                }
                let Ok(message) = Message::from_vec(&buf) else {
                    continue;
                };
                let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
                let matches = map
                    .get(&message.metadata.id)
                    .is_some_and(|(query, _)| super::dns_udp::same_question(query, &message));
                if matches && let Some((_, tx)) = map.remove(&message.metadata.id) {
                    let _ = tx.send(message);
                }
            }
            // Closed: every query still waiting learns it when its sender drops.
            map.lock().unwrap_or_else(PoisonError::into_inner).clear();
        });
        Self {
            writer,
            waiters,
            tasks: [write_task, read_task],
        }
    }

    fn is_open(&self) -> bool {
        !self.tasks[1].is_finished() && !self.writer.is_closed()
    }
}

/// A connection just opened, and its TLS version when it is TLS.
pub struct Opened {
    /// The stream.
    pub stream: Box<dyn Stream>,
    /// `TLSv1.3`, or `None` for plain TCP.
    pub tls_version: Option<String>,
}

/// How a connection is opened (TCP, or TLS over TCP).
pub type Opener = Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = io::Result<Opened>> + Send>> + Send + Sync,
>;

/// How the connection that carried a query was set up.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// Time to open it (TCP and TLS handshakes).
    pub time: Duration,
    /// The TLS version, for TLS.
    pub tls_version: Option<String>,
    /// The HTTP version, for DNS over HTTPS (`HTTP/2`).
    pub http_version: Option<String>,
}

/// Open a connection by `deadline`: a refusal, a failure or a timeout told apart.
pub(crate) async fn open_by<T>(
    deadline: tokio::time::Instant,
    open: impl Future<Output = io::Result<T>>,
) -> Result<T, StreamFailure> {
    match tokio::time::timeout_at(deadline, open).await {
        Err(_) => Err(StreamFailure::Timeout),
        Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
            Err(StreamFailure::Refused(e))
        }
        Ok(Err(e)) => Err(StreamFailure::Io(e)),
        Ok(Ok(opened)) => Ok(opened),
    }
}

/// The question of a query about to be sent (its answer must repeat it).
pub(crate) fn question(message: &Message) -> Result<Query, StreamFailure> {
    message
        .queries
        .first()
        .cloned()
        .ok_or_else(|| StreamFailure::Io(io::Error::other("a query without a question")))
}

/// A client that keeps one connection to one server.
pub struct StreamMux {
    server: SocketAddr,
    open: Opener,
    conn: tokio::sync::Mutex<Option<Arc<Conn>>>,
    timeout: Duration,
    tries: usize,
    setup: Mutex<Option<Setup>>,
}

impl StreamMux {
    /// A client for `server` whose connections `open` makes.
    pub fn new(server: SocketAddr, open: Opener, timeout: Duration, tries: usize) -> Self {
        Self {
            server,
            open,
            conn: tokio::sync::Mutex::new(None),
            timeout,
            tries: tries.max(1),
            setup: Mutex::new(None),
        }
    }

    /// A plain TCP connection to `server`.
    #[must_use]
    pub fn tcp_opener(server: SocketAddr) -> Opener {
        Arc::new(move || {
            Box::pin(async move {
                let stream = tokio::net::TcpStream::connect(server).await?;
                stream.set_nodelay(true)?;
                Ok(Opened {
                    stream: Box::new(stream) as Box<dyn Stream>,
                    tls_version: None,
                })
            })
        })
    }

    /// How the last connection was opened (handshakes included).
    pub fn setup(&self) -> Option<Setup> {
        self.setup
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The open connection, or a new one; the time to open it counts against `deadline`.
    async fn connection(&self, deadline: tokio::time::Instant) -> Result<Arc<Conn>, StreamFailure> {
        let mut slot = self.conn.lock().await;
        if let Some(conn) = slot.as_ref()
            && conn.is_open()
        {
            return Ok(Arc::clone(conn));
        }
        let start = Instant::now();
        let opened = open_by(deadline, (self.open)()).await?;
        *self.setup.lock().unwrap_or_else(PoisonError::into_inner) = Some(Setup {
            time: start.elapsed(),
            tls_version: opened.tls_version,
            http_version: None,
        });
        let conn = Arc::new(Conn::start(opened.stream));
        *slot = Some(Arc::clone(&conn));
        Ok(conn)
    }

    /// Send `message` (its ID is set here) and wait for its answer.
    pub async fn ask(&self, mut message: Message) -> Result<Message, StreamFailure> {
        let query = question(&message)?;
        let mut last = StreamFailure::Timeout;
        for _ in 0..self.tries {
            let deadline = tokio::time::Instant::now() + self.timeout;
            let conn = match self.connection(deadline).await {
                Ok(conn) => conn,
                Err(StreamFailure::Timeout) => continue,
                Err(e) => return Err(e),
            };
            let (tx, rx) = oneshot::channel();
            let id = {
                let mut map = conn.waiters.lock().unwrap_or_else(PoisonError::into_inner);
                let id = loop {
                    let id = Message::query().metadata.id;
                    if !map.contains_key(&id) {
                        break id;
                    }
                };
                map.insert(id, (query.clone(), tx));
                id
            };
            message.metadata.id = id;
            let bytes = message
                .to_vec()
                .map_err(|e| StreamFailure::Io(io::Error::other(e.to_string())))?;
            let Ok(len) = u16::try_from(bytes.len()) else {
                return Err(StreamFailure::Io(io::Error::other("query too long")));
            };
            let mut framed = Vec::with_capacity(bytes.len() + 2);
            framed.extend_from_slice(&len.to_be_bytes());
            framed.extend_from_slice(&bytes);
            let _ = conn.writer.send(framed);
            match tokio::time::timeout_at(deadline, rx).await {
                Ok(Ok(answer)) => return Ok(answer),
                Ok(Err(_)) => {
                    last = StreamFailure::Io(io::Error::new(
                        io::ErrorKind::ConnectionReset,
                        format!("{} closed the connection", self.server),
                    ));
                }
                Err(_) => {
                    conn.waiters
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&id);
                    last = StreamFailure::Timeout;
                }
            }
        }
        Err(last)
    }
}
