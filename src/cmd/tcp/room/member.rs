//! One member of a room or concurrent server: its connection, shared by the hub (which sends,
//! or queues what the socket does not take) and the member's task (which reads the member's
//! lines for the hub and sends what the hub left queued).

use std::collections::VecDeque;
use std::future::poll_fn;
use std::io::IoSlice;
use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use tokio::net::TcpStream;
use tokio::sync::{Notify, mpsc};

use super::super::Moved;
use super::super::render::Renderer;
use super::HubMsg;
use crate::error::Error;
use crate::model::chat::{LineSplitter, Piece};
use crate::model::socket_trace::SocketCall;
use crate::net::tcp;

/// One member's connection, shared by the hub (which sends, or queues what the socket does not
/// take) and the member's task (which reads, and sends what was queued).
pub(super) struct Link {
    pub(super) stream: TcpStream,
    pub(super) outbox: Mutex<Outbox>,
    /// Bytes queued and not yet sent: the bound `--room-queue` is checked against.
    pub(super) queued: AtomicUsize,
    pub(super) bytes_in: AtomicU64,
    pub(super) bytes_out: AtomicU64,
    /// Who is told when `queued` falls to a mark or below it.
    drained: Option<(usize, Arc<Notify>)>,
}

/// What waits to be sent to one member. Whoever sends holds the lock, so the hub's sends and
/// the task's never interleave. The queue holds no allocation while it is empty.
#[derive(Default)]
pub(super) struct Outbox {
    pub(super) lines: VecDeque<Arc<[u8]>>,
    /// How much of the first line is already sent.
    pub(super) sent_of_first: usize,
    /// The member has left: its task sends what is queued, then closes.
    pub(super) closed: bool,
    /// A send of the hub's failed: the task reports it.
    pub(super) failed: Option<std::io::Error>,
    /// Lines were queued that the hub has yet to try to send.
    pub(super) unsent: bool,
    /// The member's task, waiting with nothing to send: woken when something is queued or the
    /// member leaves.
    pub(super) waker: Option<Waker>,
}

impl Link {
    pub(super) fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            outbox: Mutex::default(),
            queued: AtomicUsize::new(0),
            bytes_in: AtomicU64::new(0),
            bytes_out: AtomicU64::new(0),
            drained: None,
        }
    }

    /// Notify `hub` whenever the bytes queued fall from above `mark` to `mark` or below.
    pub(super) fn waking_at(mut self, mark: usize, hub: Arc<Notify>) -> Self {
        self.drained = Some((mark, hub));
        self
    }

    pub(super) fn outbox(&self) -> std::sync::MutexGuard<'_, Outbox> {
        self.outbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Count `n` bytes sent from the queue.
    pub(super) fn sent(&self, n: usize) {
        let before = self.queued.fetch_sub(n, Ordering::SeqCst);
        if let Some((mark, hub)) = &self.drained
            && before > *mark
            && before - n <= *mark
        {
            hub.notify_one();
        }
        self.bytes_out.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// The hub's send of what is queued, as far as the socket takes it; what it does not take,
    /// or a failure, is left to the member's task, which is woken for it. A member that left
    /// is left to its task alone (which is gone if the member was dropped).
    pub(super) fn send_queued(&self, addr: SocketAddr, trace: bool, out: &mut Renderer<'_>) {
        let mut outbox = self.outbox();
        outbox.unsent = false;
        while !outbox.closed && outbox.failed.is_none() && !outbox.lines.is_empty() {
            match write_queued(&self.stream, &outbox.lines, outbox.sent_of_first) {
                Ok(n) => {
                    outbox.consume(n);
                    self.sent(n);
                    if trace {
                        let state = tcp::state(self.stream.as_fd());
                        out.trace(&SocketCall::send(n, state).on(addr));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => outbox.failed = Some(e),
            }
        }
        // A task that found nothing to send waits to be woken; one with lines still queued
        // waits for its socket, and finds the new ones then.
        let waker = if outbox.lines.is_empty() && outbox.failed.is_none() {
            None
        } else {
            outbox.waker.take()
        };
        drop(outbox);
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// What this member's connection has moved so far.
    pub(super) fn moved(&self) -> Moved {
        Moved {
            bytes_in: self.bytes_in.load(Ordering::Relaxed),
            bytes_out: self.bytes_out.load(Ordering::Relaxed),
        }
    }

    /// Send what is queued as far as the socket takes it, then wait: for writability while
    /// something is left, for the hub while nothing is, and for data to read while `reading`.
    /// With `one_send`, the first send ends the wait, so that it can be narrated.
    fn poll_wake(&self, cx: &mut Context<'_>, reading: bool, one_send: bool) -> Poll<Wake> {
        let mut outbox = self.outbox();
        if let Some(e) = outbox.failed.take() {
            return Poll::Ready(Wake::Failed(e));
        }
        while !outbox.lines.is_empty() {
            match write_queued(&self.stream, &outbox.lines, outbox.sent_of_first) {
                Ok(n) => {
                    outbox.consume(n);
                    self.sent(n);
                    if one_send {
                        return Poll::Ready(Wake::Sent(n));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    match self.stream.poll_write_ready(cx) {
                        Poll::Ready(Ok(())) => {}
                        Poll::Ready(Err(e)) => return Poll::Ready(Wake::Failed(e)),
                        Poll::Pending => break,
                    }
                }
                Err(e) => return Poll::Ready(Wake::Failed(e)),
            }
        }
        let closed = outbox.closed;
        if outbox.lines.is_empty() {
            if closed {
                return Poll::Ready(Wake::Flushed);
            }
            match &mut outbox.waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                slot => *slot = Some(cx.waker().clone()),
            }
        }
        drop(outbox);
        if reading
            && !closed
            && let Poll::Ready(r) = self.stream.poll_read_ready(cx)
        {
            return Poll::Ready(Wake::Readable(r));
        }
        Poll::Pending
    }
}

impl Outbox {
    /// Forget the first `n` bytes of the queue: they were sent.
    pub(super) fn consume(&mut self, n: usize) {
        let mut left = n;
        while let Some(first) = self.lines.front() {
            let rest = first.len() - self.sent_of_first;
            if left < rest {
                self.sent_of_first += left;
                return;
            }
            left -= rest;
            self.sent_of_first = 0;
            self.lines.pop_front();
        }
        // Empty again: let the queue's allocation go.
        self.lines = VecDeque::new();
    }
}

/// Why a member's task woke.
enum Wake {
    /// Its socket has data (or an error) to read.
    Readable(std::io::Result<()>),
    /// It sent this many queued bytes (told only when narrating).
    Sent(usize),
    /// The member has left and everything queued is sent.
    Flushed,
    /// A send failed.
    Failed(std::io::Error),
}

/// How a member's task cuts what it receives.
#[derive(Clone, Copy)]
pub(super) struct LineOptions {
    pub(super) raw: bool,
    pub(super) max_line: usize,
    pub(super) trace: bool,
}

/// The most a member's task takes in one read.
const READ_CHUNK: usize = 64 * 1024;

/// Tell the hub `msg`; false if the hub is gone. The wait for room in a full channel is boxed,
/// so that the task does not carry room for it while it waits for its socket.
async fn tell_hub(hub: &mpsc::Sender<HubMsg>, msg: HubMsg) -> bool {
    match hub.try_send(msg) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(msg)) => Box::pin(hub.send(msg)).await.is_ok(),
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}

/// A member's task: read the member's lines (or raw chunks) and hand them to the hub, and send
/// what the hub queued, until the member closes or fails. A member that closes its side is
/// told to the hub and still gets what is queued; the task closes the connection when the hub
/// has removed the member and the queue is empty.
pub(super) async fn run_member(
    id: u64,
    link: Arc<Link>,
    addr: SocketAddr,
    opts: LineOptions,
    hub: mpsc::Sender<HubMsg>,
) {
    let mut splitter = LineSplitter::new(opts.max_line);
    let mut reading = true;
    let failed = loop {
        match poll_fn(|cx| link.poll_wake(cx, reading, opts.trace)).await {
            // Boxed: the burst's buffers and waits take room only while it lasts.
            Wake::Readable(Ok(())) => {
                match Box::pin(read_burst(id, &link, addr, opts, &mut splitter, &hub)).await {
                    Read::More => {}
                    Read::End(reason) => {
                        if let Some(last) = splitter.finish() {
                            let _ = tell_hub(&hub, HubMsg::Data(id, vec![last])).await;
                        }
                        let failed = reason.is_some();
                        let _ = tell_hub(&hub, HubMsg::Leave(id, reason)).await;
                        if failed {
                            // The hub drops the member, and this task with it.
                            return;
                        }
                        reading = false;
                    }
                    Read::HubGone => return,
                }
            }
            Wake::Readable(Err(e)) => {
                let reason = Error::io("receive", e).to_string();
                let _ = tell_hub(&hub, HubMsg::Leave(id, Some(reason))).await;
                return;
            }
            Wake::Sent(n) => {
                let state = tcp::state(link.stream.as_fd());
                let call = SocketCall::send(n, state).on(addr);
                let _ = tell_hub(&hub, HubMsg::Trace(call)).await;
            }
            Wake::Flushed => break None,
            Wake::Failed(e) => break Some(e),
        }
    };
    if let Some(e) = failed {
        let reason = Error::io("send", e).to_string();
        let _ = tell_hub(&hub, HubMsg::Leave(id, Some(reason))).await;
        return;
    }
    let _ = socket2::SockRef::from(&link.stream).shutdown(std::net::Shutdown::Write);
    if opts.trace {
        // The member has left: this task holds the last reference, so dropping it closes the
        // socket.
        let fin = SocketCall::our_fin(tcp::state(link.stream.as_fd())).on(addr);
        let _ = tell_hub(&hub, HubMsg::Trace(fin)).await;
        drop(link);
        let _ = tell_hub(&hub, HubMsg::Trace(SocketCall::close().on(addr))).await;
    }
}

/// How a burst of reads ended.
enum Read {
    /// Drained: wait for more.
    More,
    /// The member closed its side (`None`) or the read failed.
    End(Option<String>),
    /// The hub is gone.
    HubGone,
}

/// Read what a member's socket holds, handing the hub the pieces of each read. The read buffer
/// exists only during the burst.
async fn read_burst(
    id: u64,
    link: &Link,
    addr: SocketAddr,
    opts: LineOptions,
    splitter: &mut LineSplitter,
    hub: &mpsc::Sender<HubMsg>,
) -> Read {
    let mut buf = Vec::with_capacity(READ_CHUNK);
    loop {
        buf.clear();
        let n = match link.stream.try_read_buf(&mut buf) {
            Ok(0) => {
                if opts.trace {
                    let state = tcp::state(link.stream.as_fd());
                    let call = SocketCall::peer_fin(false, state).on(addr);
                    let _ = tell_hub(hub, HubMsg::Trace(call)).await;
                }
                return Read::End(None);
            }
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Read::More,
            Err(e) => return Read::End(Some(Error::io("receive", e).to_string())),
        };
        link.bytes_in.fetch_add(n as u64, Ordering::Relaxed);
        if opts.trace {
            let state = tcp::state(link.stream.as_fd());
            let call = SocketCall::recv(READ_CHUNK, n, state).on(addr);
            let _ = tell_hub(hub, HubMsg::Trace(call)).await;
        }
        let mut pieces = Vec::new();
        if opts.raw {
            pieces.push(Piece::Line(buf.clone()));
        } else {
            splitter.push(&buf, &mut pieces);
        }
        if !pieces.is_empty() && !tell_hub(hub, HubMsg::Data(id, pieces)).await {
            return Read::HubGone;
        }
    }
}

/// One writev(2) of the first [`WRITE_SLICES`] lines of `pending`, the first from
/// `sent_of_first` on. The slices live on this function's stack, not in the member's task,
/// which idles at the size of its other state.
fn write_queued(
    stream: &TcpStream,
    pending: &VecDeque<Arc<[u8]>>,
    sent_of_first: usize,
) -> std::io::Result<usize> {
    let mut slices = [IoSlice::new(&[]); WRITE_SLICES];
    let mut count = 0;
    for (i, line) in pending.iter().take(WRITE_SLICES).enumerate() {
        slices[i] = IoSlice::new(if i == 0 { &line[sent_of_first..] } else { line });
        count = i + 1;
    }
    stream.try_write_vectored(&slices[..count])
}

/// The most queued lines handed to one writev(2).
const WRITE_SLICES: usize = 64;

#[cfg(test)]
mod tests {
    use super::super::Member;
    use super::*;
    use tokio::net::TcpListener;

    /// What an idle member holds: its task's future, the shared link and the hub's entry.
    /// Bounded here so that it cannot grow back unnoticed (a future carries room for every
    /// await in it, and for every value held across one).
    #[tokio::test]
    async fn an_idle_member_stays_small() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (stream, addr) = listener.accept().await.unwrap();
        let link = Arc::new(Link::new(stream));
        let (hub, _rx) = mpsc::channel(1);
        let opts = LineOptions {
            raw: false,
            max_line: 1024,
            trace: true,
        };
        let task = run_member(1, link, addr, opts, hub);
        let sizes = (
            std::mem::size_of_val(&task),
            std::mem::size_of::<Link>(),
            std::mem::size_of::<Member>(),
        );
        eprintln!("task, link, member: {sizes:?}");
        assert!(sizes.0 <= 512, "{sizes:?}");
        assert!(sizes.1 <= 256, "{sizes:?}");
        assert!(sizes.2 <= 128, "{sizes:?}");
    }
}
