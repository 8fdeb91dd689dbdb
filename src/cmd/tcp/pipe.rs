//! Pipe mode: a byte-exact stream both ways between stdin/stdout and one connection, like nc.
//! Standard input's end shuts down the write half; the session ends once the peer has closed
//! its side too, or at a stop signal. Each direction runs on its own thread with blocking
//! descriptors, so [`crate::net::tcp::copy`] can splice the bytes when stdin or stdout is a
//! pipe (with `--trace`, read and write, so that each recv and send can be narrated). The two
//! threads live as long as the process and serve one session after another: `listen -k` taking
//! thousands of short connections would otherwise start two threads (and map their stacks) for
//! each. A session with nothing to send (stdin has ended, or `--recv-only`) needs no second
//! direction at all: [`Here`] runs it on the calling thread, so that a stream of short
//! connections costs no hand-off between threads. A reader starts at [`run`].

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::render::Renderer;
use super::stop::Stop;
use super::{Directions, Moved};
use crate::error::{Error, Result};
use crate::model::socket_trace::SocketCall;
use crate::net::tcp::{self, CHUNK, CopyEnd, Sink, copy, copy_or_stop, is_reset, state};

/// Where a session's outgoing bytes come from.
#[derive(Clone)]
pub enum Source {
    /// Straight from this process's stdin (one session: splice can be used).
    Stdin,
    /// From a reader thread shared by consecutive sessions (`listen -k`).
    Shared(Arc<SharedStdin>),
}

/// Standard input read by one thread in chunks, handed to whichever session is running.
pub struct SharedStdin {
    rx: Mutex<Receiver<Feed>>,
    /// Lets a session whose peer has left wake its forwarder, which waits on `rx`.
    waker: SyncSender<Feed>,
    ended: AtomicBool,
    /// Stdin ended before it gave a byte (`< /dev/null`): nothing is queued but its end.
    empty: Arc<AtomicBool>,
}

/// What the forwarder of the running session is handed.
enum Feed {
    /// Bytes read from stdin.
    Chunk(Vec<u8>),
    /// Stdin ended (or failed).
    End,
    /// Look again whether the peer has left (sent by a session as its receiving side ends).
    Wake,
}

impl SharedStdin {
    /// Start the reader thread.
    #[must_use]
    pub fn start() -> Arc<Self> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Feed>(4);
        let waker = tx.clone();
        let empty = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&empty);
        std::thread::spawn(move || read_stdin_chunks(&tx, &seen));
        Arc::new(Self {
            rx: Mutex::new(rx),
            waker,
            ended: AtomicBool::new(false),
            empty,
        })
    }

    /// Whether stdin has ended with nothing left to send: seen by the forwarder of an earlier
    /// session, or by the reader before it read a byte.
    #[must_use]
    pub fn ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst) || self.empty.load(Ordering::SeqCst)
    }

    /// Wake the forwarder waiting for stdin, so that it sees at once that its session's peer
    /// left. A full queue needs no wake: the forwarder is busy and looks again when idle.
    fn wake(&self) {
        match self.waker.try_send(Feed::Wake) {
            Ok(()) | Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {}
        }
    }
}

/// Read stdin in chunks into `tx` until it ends; `empty` is set when it ends before a byte.
fn read_stdin_chunks(tx: &SyncSender<Feed>, empty: &AtomicBool) {
    let mut stdin = io::stdin().lock();
    let mut first = true;
    loop {
        let mut buf = vec![0u8; 64 * 1024];
        match stdin.read(&mut buf) {
            Ok(0) | Err(_) => {
                empty.store(first, Ordering::SeqCst);
                let _ = tx.send(Feed::End);
                return;
            }
            Ok(n) => {
                first = false;
                buf.truncate(n);
                if tx.send(Feed::Chunk(buf)).is_err() {
                    return;
                }
            }
        }
    }
}

/// A job for one of the direction threads.
type Job = Box<dyn FnOnce() + Send>;

/// A thread that runs jobs one after another. A session returns only once both its jobs have
/// reported their end (or when a stop signal ends the run), so a new session's job never waits
/// behind an old one for longer than the old one takes to return.
struct Worker {
    jobs: Sender<Job>,
}

impl Worker {
    fn start() -> Self {
        let (jobs, rx) = std::sync::mpsc::channel::<Job>();
        std::thread::spawn(move || {
            for job in rx {
                job();
            }
        });
        Self { jobs }
    }

    /// Run `job` on this thread (on a thread of its own if this one has gone).
    fn run(&self, job: Job) {
        if let Err(returned) = self.jobs.send(job) {
            std::thread::spawn(returned.0);
        }
    }
}

/// The receiving and the sending thread, started by the first session.
struct Workers {
    recv: Worker,
    send: Worker,
}

fn workers() -> &'static Workers {
    static WORKERS: OnceLock<Workers> = OnceLock::new();
    WORKERS.get_or_init(|| Workers {
        recv: Worker::start(),
        send: Worker::start(),
    })
}

/// What a pipe session needs besides its connection: a runtime to wait on (for the stop
/// signal and the two directions at once), the run's [`Stop`], and whether to narrate.
pub struct Context<'a> {
    /// The run's runtime.
    pub handle: &'a tokio::runtime::Handle,
    /// Ends the session early (Ctrl-C, SIGTERM).
    pub stop: &'a Stop,
    /// `--trace`: narrate each recv and send (read/write then, so that each is one call).
    pub trace: bool,
}

/// How a pipe session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipeEnd {
    /// Both directions ran to their end.
    Done,
    /// A stop signal ended it; the counts are what had moved by then.
    Stopped,
}

/// What the two direction threads tell the waiting thread.
enum Report {
    Trace(SocketCall),
    Received(io::Result<u64>),
    Sent(io::Result<u64>),
}

/// Bytes moved so far, counted as they go.
#[derive(Default)]
struct Counts {
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
}

/// Run one pipe session on `stream`; returns the bytes moved and how it ended. A reset by the
/// peer is one line and exit 1; a closed stdout ends the session quietly. Each direction runs
/// on a thread of its own; this thread prints their narration and waits for both, or for a
/// stop signal, which shuts the connection down and ends the session with the counts so far.
pub fn run(
    stream: TcpStream,
    dirs: Directions,
    source: &Source,
    ctx: &Context<'_>,
    out: &mut Renderer<'_>,
) -> Result<(Moved, PipeEnd)> {
    stream
        .set_nonblocking(false)
        .map_err(|e| Error::io("set blocking", e))?;
    let stream = Arc::new(stream);
    let counts = Arc::new(Counts::default());
    let recv_done = Arc::new(AtomicBool::new(!dirs.recv));
    let fin_sent = Arc::new(AtomicBool::new(false));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let trace = ctx.trace;
    let mut waiting = 0;
    let workers = workers();
    if dirs.recv {
        waiting += 1;
        let (stream, counts, tx) = (Arc::clone(&stream), Arc::clone(&counts), tx.clone());
        let (done, fin_sent) = (Arc::clone(&recv_done), Arc::clone(&fin_sent));
        let shared = match source {
            Source::Shared(shared) => Some(Arc::clone(shared)),
            Source::Stdin => None,
        };
        workers.recv.run(Box::new(move || {
            let fd = stream.as_fd();
            let stdout = io::stdout();
            let result = copy(fd, stdout.as_fd(), !trace, &mut |n| {
                counts.bytes_in.fetch_add(n as u64, Ordering::SeqCst);
                if trace {
                    let _ = tx.send(Report::Trace(SocketCall::recv(CHUNK, n, state(fd))));
                }
            });
            if trace && result.is_ok() {
                let first = fin_sent.load(Ordering::SeqCst);
                let _ = tx.send(Report::Trace(SocketCall::peer_fin(first, state(fd))));
            }
            done.store(true, Ordering::SeqCst);
            if let Some(shared) = shared {
                shared.wake();
            }
            let _ = tx.send(Report::Received(result));
        }));
    }
    if dirs.send {
        waiting += 1;
        let (stream, counts, tx) = (Arc::clone(&stream), Arc::clone(&counts), tx.clone());
        let (recv_done, source) = (Arc::clone(&recv_done), source.clone());
        workers.send.run(Box::new(move || {
            let fd = stream.as_fd();
            let mut step = |n: usize| {
                counts.bytes_out.fetch_add(n as u64, Ordering::SeqCst);
                if trace {
                    let _ = tx.send(Report::Trace(SocketCall::send(n, state(fd))));
                }
            };
            let sent = match &source {
                Source::Stdin => copy(io::stdin().as_fd(), fd, !trace, &mut step),
                Source::Shared(shared) => forward_shared(shared, &stream, &recv_done, &mut step),
            };
            // Our side is done: tell the peer (a reset peer makes this fail, which is fine).
            let _ = stream.shutdown(Shutdown::Write);
            fin_sent.store(true, Ordering::SeqCst);
            if trace {
                let _ = tx.send(Report::Trace(SocketCall::our_fin(state(fd))));
            }
            let _ = tx.send(Report::Sent(sent));
        }));
    }
    drop(tx);
    let (mut received, mut sent) = (None, None);
    let stopped = ctx.handle.block_on(async {
        while waiting > 0 {
            tokio::select! {
                biased;
                () = ctx.stop.wait() => return true,
                report = rx.recv() => match report {
                    Some(Report::Trace(call)) => out.trace(&call),
                    Some(Report::Received(r)) => {
                        received = Some(r);
                        waiting -= 1;
                    }
                    Some(Report::Sent(r)) => {
                        sent = Some(r);
                        waiting -= 1;
                    }
                    None => break,
                },
            }
        }
        false
    });
    if stopped {
        // The threads may be blocked on stdin or stdout; the connection ends here all the same.
        let _ = stream.shutdown(Shutdown::Both);
    }
    if trace {
        out.trace(&SocketCall::close());
    }
    let moved = Moved {
        bytes_in: counts.bytes_in.load(Ordering::SeqCst),
        bytes_out: counts.bytes_out.load(Ordering::SeqCst),
    };
    if stopped {
        return Ok((moved, PipeEnd::Stopped));
    }
    verdict(received, sent)?;
    Ok((moved, PipeEnd::Done))
}

/// The session's error, if either direction failed.
fn verdict(received: Option<io::Result<u64>>, sent: Option<io::Result<u64>>) -> Result<()> {
    match received {
        // Reading the socket fails with a reset; writing into a closed stdout with EPIPE.
        Some(Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Some(Err(e)) if is_reset(&e) => return Err(reset()),
        Some(Err(e)) => return Err(Error::io("receive", e)),
        Some(Ok(_)) | None => {}
    }
    match sent {
        Some(Err(e)) if is_reset(&e) => Err(reset()),
        Some(Err(e)) => Err(Error::io("send", e)),
        Some(Ok(_)) | None => Ok(()),
    }
}

/// Pipe sessions with nothing to send, run one after another on the calling thread: the
/// connection's bytes go to stdout, our side is shut down at once, and every wait is a poll(2)
/// that the stop signal also ends. What is kept from one session to the next: how stdout is
/// written, looked at once, and the copy buffer.
pub struct Here {
    /// How stdout is written (a pipe is widened once).
    stdout: Sink,
    /// stdout takes bytes without a wait that a stop could not end: a pipe (written or
    /// spliced without blocking), a file, or a device that is not a terminal.
    stdout_fits: bool,
    buf: Vec<u8>,
}

impl Here {
    /// Look at stdout.
    #[must_use]
    pub fn new() -> Self {
        use std::io::IsTerminal;
        let stdout = io::stdout();
        let sink = tcp::sink(stdout.as_fd());
        let kind = nix::sys::stat::fstat(stdout.as_fd()).map(|st| st.st_mode & libc::S_IFMT);
        let stdout_fits = sink != Sink::File
            || matches!(kind, Ok(libc::S_IFREG))
            || (matches!(kind, Ok(libc::S_IFCHR)) && !stdout.is_terminal());
        Self {
            stdout: sink,
            stdout_fits,
            buf: Vec::new(),
        }
    }

    /// Whether a session moving `dirs`, its outgoing bytes from `shared`, can run here.
    #[must_use]
    pub fn fits(&self, dirs: Directions, shared: &SharedStdin) -> bool {
        (!dirs.send || shared.ended()) && (!dirs.recv || self.stdout_fits)
    }

    /// Run one session on `stream` (non-blocking), which [`Here::fits`]; returns the bytes
    /// moved and how it ended, with the errors of [`run`].
    pub fn run(
        &mut self,
        stream: &TcpStream,
        dirs: Directions,
        stop: &Stop,
    ) -> Result<(Moved, PipeEnd)> {
        // Standard input has ended, so our side is done (a reset peer makes the shutdown
        // fail). The peer is told before anything here waits, which is all that one waiting
        // for our end needs; until then, what it has sent already goes to stdout first. A peer
        // that has ended too by then gets our end from the close instead: it ends in
        // TIME_WAIT, as a client of `nc -l` does, and not this server.
        let mut fin = dirs.send;
        let mut tell = || {
            if std::mem::take(&mut fin) {
                let _ = stream.shutdown(Shutdown::Write);
            }
        };
        let mut moved = Moved::default();
        let mut received = None;
        if !dirs.recv {
            tell();
        } else {
            let stdout = io::stdout();
            let copied = copy_or_stop(
                stream.as_fd(),
                stdout.as_fd(),
                &mut self.stdout,
                &mut self.buf,
                stop.signal(),
                &mut |n| moved.bytes_in += n as u64,
                &mut tell,
            );
            if let Ok((_, CopyEnd::Stopped)) = copied {
                let _ = stream.shutdown(Shutdown::Both);
                return Ok((moved, PipeEnd::Stopped));
            }
            received = Some(copied.map(|(n, _)| n));
        }
        verdict(received, None)?;
        Ok((moved, PipeEnd::Done))
    }
}

/// The one line for a connection that the peer reset mid-stream (exit 1).
#[must_use]
pub fn reset() -> Error {
    Error::negative("connection reset by peer")
}

/// Send chunks from the shared stdin until it ends, the peer leaves, or a write fails, telling
/// `step` the size of each chunk sent.
fn forward_shared(
    shared: &SharedStdin,
    stream: &TcpStream,
    recv_done: &AtomicBool,
    step: &mut dyn FnMut(usize),
) -> io::Result<u64> {
    let mut total = 0u64;
    if shared.ended.load(Ordering::SeqCst) {
        return Ok(0);
    }
    let rx = shared
        .rx
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut writer = stream;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(Feed::Chunk(chunk)) => {
                writer.write_all(&chunk)?;
                total += chunk.len() as u64;
                step(chunk.len());
            }
            Ok(Feed::Wake) | Err(RecvTimeoutError::Timeout) => {
                if recv_done.load(Ordering::SeqCst) {
                    return Ok(total);
                }
            }
            Ok(Feed::End) | Err(RecvTimeoutError::Disconnected) => {
                shared.ended.store(true, Ordering::SeqCst);
                return Ok(total);
            }
        }
    }
}
