//! Many clients at once: the chat room (`listen --room`: every member's line goes to every
//! other member, prefixed by its nickname, and the listening terminal takes part) and the
//! concurrent server (`listen --concurrent`: every client talks with the listening terminal
//! only). One task, the hub, owns the member list; each member has a reader task and a writer
//! task. A member's outgoing queue is bounded in bytes: a member that does not read is dropped
//! with a notice when its queue overflows, so it cannot stall the others. A reader starts at
//! [`serve`]; what the listening terminal sees goes to the [`Renderer`] as [`Event`]s.
//!
//! An idle member costs little: its tasks wait for readiness holding no buffer (a read buffer
//! exists only while there is data to read), and its queue allocates only when something is
//! queued. A line for many members is encoded once and shared by every queue; a writer sends
//! all that is queued for its member with one writev(2).

use std::collections::{HashMap, VecDeque};
use std::io::IoSlice;
use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::AsyncWriteExt;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc};
use tokio::task::AbortHandle;

use encoding_rs::Encoding;

use super::accept::AcceptPause;
use super::render::Renderer;
use super::stop::Stop;
use super::{Event, Moved};
use crate::error::{Error, Result};
use crate::model::chat::{
    Acl, Eol, LineSplitter, Piece, RoomInput, is_quit, nick_refusal, peer_addr, room_input,
};
use crate::model::sanitize::{decode_escaped, encode};
use crate::model::socket_trace::SocketCall;
use crate::net::tcp;

/// How the many-client server behaves.
#[derive(Debug, Clone)]
pub struct HubOptions {
    /// Room: members' lines go to each other (else only to the listening terminal).
    pub room: bool,
    /// Raw bytes instead of lines (`--concurrent` in pipe mode).
    pub raw: bool,
    /// The longest line kept.
    pub max_line: usize,
    /// The most bytes queued for one member before it is dropped.
    pub queue_limit: usize,
    /// The most members at once.
    pub max_clients: Option<usize>,
    /// Who may connect.
    pub acl: Acl,
    /// The listening terminal's nickname in the room.
    pub local_nick: String,
    /// Words that end the server when typed on the listening terminal.
    pub quit_words: Vec<String>,
    /// The members' text encoding, both ways.
    pub encoding: &'static Encoding,
    /// What a line typed on the listening terminal ends with (`--concurrent`).
    pub eol: Eol,
    /// Narrate each client's accept, recv, send and close (`--trace`).
    pub trace: bool,
}

#[derive(Default)]
struct Counters {
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
}

/// What waits to be sent to one member, shared by the hub (which queues) and the member's
/// writer (which sends). The queue holds no allocation while it is empty.
#[derive(Default)]
struct Outbox {
    lines: Mutex<VecDeque<Arc<[u8]>>>,
    /// Bytes queued and not yet sent: the bound `--room-queue` is checked against.
    queued: AtomicUsize,
    /// The member has left: its writer sends what is queued, then closes.
    closed: AtomicBool,
    /// Wakes the writer: something was queued, or the member left.
    ready: Notify,
    counters: Counters,
}

impl Outbox {
    fn lines(&self) -> std::sync::MutexGuard<'_, VecDeque<Arc<[u8]>>> {
        self.lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.ready.notify_one();
    }
}

struct Member {
    addr: SocketAddr,
    nick: String,
    outbox: Arc<Outbox>,
    reader: AbortHandle,
    writer: AbortHandle,
}

impl Drop for Member {
    /// A member gone from the room gets no more lines; its writer sends what it has, then
    /// closes (unless it was aborted).
    fn drop(&mut self) {
        self.outbox.close();
    }
}

enum HubMsg {
    Data(u64, Piece),
    Leave(u64, Option<String>),
    /// A socket call a member's task made (`--trace`).
    Trace(SocketCall),
}

/// Serve until the listening terminal quits or a stop signal; returns what was moved in total and
/// how many connections were accepted.
pub async fn serve(
    listener: TcpListener,
    opts: &HubOptions,
    mut input: mpsc::Receiver<Piece>,
    stop: &Stop,
    out: &mut Renderer<'_>,
) -> Result<(Moved, u64)> {
    let (hub_tx, mut hub_rx) = mpsc::channel::<HubMsg>(1024);
    let mut members: HashMap<u64, Member> = HashMap::new();
    let mut next_id = 0u64;
    let mut total = Moved::default();
    let mut input_open = true;
    let mut pause = AcceptPause::default();
    // What the hub prints is written when it has nothing more to handle: a burst of lines
    // from the members takes one write, not one a line.
    out.hold(true)?;
    loop {
        if hub_rx.is_empty() {
            out.release()?;
        }
        tokio::select! {
            () = stop.wait() => break,
            () = pause.retry(), if pause.paused() => {}
            accepted = listener.accept(), if !pause.paused() => {
                let (stream, addr) = match accepted {
                    Ok(a) => a,
                    Err(e) if pause.hold(&e, out) => continue,
                    Err(e) => {
                        out.warn(format!("accept: {e}"));
                        continue;
                    }
                };
                let addr = peer_addr(addr);
                if opts.trace {
                    out.trace(&super::accepted(&stream, addr));
                }
                if let Some(reason) = opts.acl.refusal(addr.ip()) {
                    out.emit(&Event::refused(addr, reason))?;
                    continue;
                }
                if let Some(max) = opts.max_clients
                    && members.len() >= max
                {
                    let reason = format!("--max-clients {max} reached");
                    out.emit(&Event::refused(addr, reason))?;
                    continue;
                }
                next_id += 1;
                let member = start_member(next_id, stream, addr, opts, hub_tx.clone());
                out.emit(&Event::connection(addr))?;
                if opts.room {
                    out.emit(&Event::join(addr, &member.nick))?;
                    let text = format!("* {} joined\n", member.nick);
                    announce(&mut members, &text, opts, out)?;
                }
                members.insert(next_id, member);
            }
            msg = hub_rx.recv() => {
                let Some(msg) = msg else { break };
                match msg {
                    HubMsg::Data(id, piece) => on_data(&mut members, id, &piece, opts, out)?,
                    HubMsg::Trace(call) => out.trace(&call),
                    HubMsg::Leave(id, reason) => {
                        pause.freed();
                        if let Some(m) = members.remove(&id) {
                            leave(&m, reason, &mut total, opts, out)?;
                            if opts.room {
                                let text = format!("* {} left\n", m.nick);
                                announce(&mut members, &text, opts, out)?;
                            }
                        }
                    }
                }
            }
            piece = input.recv(), if input_open => {
                let Some(piece) = piece else {
                    input_open = false;
                    continue;
                };
                if !opts.raw && is_quit(piece.bytes(), &opts.quit_words) {
                    break;
                }
                let bytes = if opts.raw {
                    piece.bytes().to_vec()
                } else if opts.room {
                    let typed = decode_escaped(piece.bytes(), encoding_rs::UTF_8);
                    encode(format!("[{}] {typed}\n", opts.local_nick).as_bytes(), opts.encoding).0
                } else {
                    let mut b = encode(piece.bytes(), opts.encoding).0;
                    b.extend_from_slice(opts.eol.bytes());
                    b
                };
                broadcast(&mut members, None, &bytes, opts, out)?;
            }
        }
    }
    for (_, m) in members.drain() {
        m.reader.abort();
        m.writer.abort();
        total.add(m.moved());
    }
    out.hold(false)?;
    Ok((total, next_id))
}

fn leave(
    m: &Member,
    reason: Option<String>,
    total: &mut Moved,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    m.reader.abort();
    // A member that left on its own gets what was queued for it (its writer closes the
    // connection then); one dropped or failed does not.
    if reason.is_some() {
        m.writer.abort();
        if opts.trace {
            out.trace(&SocketCall::close().on(m.addr));
        }
    }
    let moved = m.moved();
    total.add(moved);
    if opts.room {
        out.emit(&Event::leave(m.addr, &m.nick, reason.clone()))?;
    }
    out.emit(&Event::closed(m.addr, moved, reason))
}

fn on_data(
    members: &mut HashMap<u64, Member>,
    id: u64,
    piece: &Piece,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let Some(m) = members.get(&id) else {
        return Ok(());
    };
    let (addr, nick) = (m.addr, m.nick.clone());
    if opts.raw {
        return out.raw(piece.bytes());
    }
    if opts.room {
        // Commands are read in the members' encoding (`/nick 小明` typed in GBK is that name).
        let line = opts.encoding.decode_without_bom_handling(piece.bytes()).0;
        match room_input(line.as_bytes()) {
            RoomInput::Quit => {
                // The reader stops; the writer closes when the member is removed.
                let m = members.remove(&id).expect("member present");
                let mut total = Moved::default();
                leave(&m, None, &mut total, opts, out)?;
                let text = format!("* {} left\n", m.nick);
                return announce(members, &text, opts, out);
            }
            RoomInput::Nick(name) => {
                let others = members
                    .iter()
                    .filter(|(other, _)| **other != id)
                    .map(|(_, m)| m.nick.as_str());
                if let Some(reason) = nick_refusal(&name, &opts.local_nick, others) {
                    return tell(members, id, &format!("* {reason}\n"), opts, out);
                }
                if let Some(m) = members.get_mut(&id) {
                    m.nick.clone_from(&name);
                }
                out.emit(&Event::nick(addr, &name))?;
                let text = format!("* {nick} is now {name}\n");
                return announce(members, &text, opts, out);
            }
            RoomInput::BadNick(reason) => {
                return tell(members, id, &format!("* {reason}\n"), opts, out);
            }
            RoomInput::Message => {}
        }
    }
    let text = decode_escaped(piece.bytes(), opts.encoding);
    if opts.room {
        out.emit(&Event::message(addr, &nick, text.clone()))?;
    } else {
        out.emit(&Event::line(addr, text.clone(), piece.is_partial()))?;
    }
    if let Piece::Cut(_) = piece {
        out.emit(&Event::cut(addr, opts.max_line))?;
    }
    if opts.room {
        let line = encode(format!("[{nick}] {text}\n").as_bytes(), opts.encoding).0;
        broadcast(members, Some(id), &line, opts, out)?;
    }
    Ok(())
}

impl Member {
    /// What this member's connection has moved so far.
    fn moved(&self) -> Moved {
        let c = &self.outbox.counters;
        Moved {
            bytes_in: c.bytes_in.load(Ordering::Relaxed),
            bytes_out: c.bytes_out.load(Ordering::Relaxed),
        }
    }
}

/// Queue `bytes` for `m` if its queue stays within `limit` bytes; false (nothing queued) if not.
/// Every byte sent to a member goes through here, whatever produced it, so that no member,
/// however much it asks for and however little it reads, makes the server hold more.
fn enqueue(m: &Member, bytes: &Arc<[u8]>, limit: usize) -> bool {
    let outbox = &m.outbox;
    let fits = outbox
        .queued
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |queued| {
            (queued + bytes.len() <= limit).then_some(queued + bytes.len())
        })
        .is_ok();
    if fits {
        let mut lines = outbox.lines();
        let was_empty = lines.is_empty();
        lines.push_back(Arc::clone(bytes));
        drop(lines);
        // A writer that found its queue empty waits to be woken; one with lines still queued
        // finds the new one when it looks again.
        if was_empty {
            outbox.ready.notify_one();
        }
    }
    fits
}

/// Queue `text` for one member (a reply to its command); a member whose queue would overflow
/// is dropped, as in [`broadcast`].
fn tell(
    members: &mut HashMap<u64, Member>,
    id: u64,
    text: &str,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let bytes: Arc<[u8]> = Arc::from(encode(text.as_bytes(), opts.encoding).0);
    match members.get(&id) {
        Some(m) if !enqueue(m, &bytes, opts.queue_limit) => drop_slow(members, id, opts, out),
        _ => Ok(()),
    }
}

/// Queue a notice of the room (`* ana joined`) for every member, in the members' encoding
/// like every other line they are sent.
fn announce(
    members: &mut HashMap<u64, Member>,
    text: &str,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let bytes = encode(text.as_bytes(), opts.encoding).0;
    broadcast(members, None, &bytes, opts, out)
}

/// Queue `bytes` for every member but `except`; members whose queue would overflow are
/// dropped, and the others told.
fn broadcast(
    members: &mut HashMap<u64, Member>,
    except: Option<u64>,
    bytes: &[u8],
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let shared: Arc<[u8]> = Arc::from(bytes);
    let dropped: Vec<u64> = members
        .iter()
        .filter(|(id, m)| Some(**id) != except && !enqueue(m, &shared, opts.queue_limit))
        .map(|(id, _)| *id)
        .collect();
    for id in dropped {
        drop_slow(members, id, opts, out)?;
    }
    Ok(())
}

/// Drop a member whose queue is full, and tell the others.
fn drop_slow(
    members: &mut HashMap<u64, Member>,
    id: u64,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let Some(m) = members.remove(&id) else {
        return Ok(());
    };
    let reason = format!(
        "too slow: more than {} bytes waiting to be sent",
        opts.queue_limit
    );
    out.emit(&Event::dropped(m.addr, &m.nick, reason.clone()))?;
    let mut total = Moved::default();
    leave(&m, Some(reason.clone()), &mut total, opts, out)?;
    let notice = format!("* {} was dropped: {reason}\n", m.nick);
    announce(members, &notice, opts, out)
}

fn start_member(
    id: u64,
    stream: TcpStream,
    addr: SocketAddr,
    opts: &HubOptions,
    hub: mpsc::Sender<HubMsg>,
) -> Member {
    let _ = stream.set_nodelay(true);
    let (reader, writer) = stream.into_split();
    let outbox = Arc::new(Outbox::default());
    let line = LineOptions {
        raw: opts.raw,
        max_line: opts.max_line,
        trace: opts.trace,
    };
    let reader_task = tokio::spawn(read_member(
        id,
        reader,
        addr,
        line,
        Arc::clone(&outbox),
        hub.clone(),
    ));
    let writer_task = tokio::spawn(write_member(
        id,
        writer,
        addr,
        opts.trace,
        Arc::clone(&outbox),
        hub,
    ));
    Member {
        addr,
        nick: addr.to_string(),
        outbox,
        reader: reader_task.abort_handle(),
        writer: writer_task.abort_handle(),
    }
}

/// How a member's reader cuts what it receives.
#[derive(Clone, Copy)]
struct LineOptions {
    raw: bool,
    max_line: usize,
    trace: bool,
}

/// The most a member's reader takes in one read.
const READ_CHUNK: usize = 64 * 1024;

/// Read a member's lines (or raw chunks) and hand them to the hub until the member closes or
/// fails; then tell the hub it left. Between bursts of data it waits holding no buffer.
async fn read_member(
    id: u64,
    reader: OwnedReadHalf,
    addr: SocketAddr,
    opts: LineOptions,
    outbox: Arc<Outbox>,
    hub: mpsc::Sender<HubMsg>,
) {
    let mut splitter = LineSplitter::new(opts.max_line);
    // Narration (`--trace` only) is sent through a boxed future, so that the task does not
    // carry room for it while it waits.
    let narrate = |call: SocketCall| Box::pin(hub.send(HubMsg::Trace(call.on(addr))));
    let reason = 'session: loop {
        if let Err(e) = reader.readable().await {
            break Some(Error::io("receive", e).to_string());
        }
        let mut buf = Vec::with_capacity(READ_CHUNK);
        let mut pieces = Vec::new();
        loop {
            buf.clear();
            match reader.try_read_buf(&mut buf) {
                Ok(0) => {
                    if opts.trace {
                        let state = tcp::state(reader.as_ref().as_fd());
                        let _ = narrate(SocketCall::peer_fin(false, state)).await;
                    }
                    break 'session None;
                }
                Ok(n) => {
                    outbox
                        .counters
                        .bytes_in
                        .fetch_add(n as u64, Ordering::Relaxed);
                    if opts.trace {
                        let state = tcp::state(reader.as_ref().as_fd());
                        let _ = narrate(SocketCall::recv(READ_CHUNK, n, state)).await;
                    }
                    if opts.raw {
                        pieces.push(Piece::Line(buf.clone()));
                    } else {
                        splitter.push(&buf, &mut pieces);
                    }
                    for piece in pieces.drain(..) {
                        if hub.send(HubMsg::Data(id, piece)).await.is_err() {
                            return;
                        }
                    }
                }
                // Drained: the buffer goes until more comes.
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => break 'session Some(Error::io("receive", e).to_string()),
            }
        }
    };
    if let Some(last) = splitter.finish() {
        let _ = hub.send(HubMsg::Data(id, last)).await;
    }
    let _ = hub.send(HubMsg::Leave(id, reason)).await;
}

/// One writev(2) of the first [`WRITE_SLICES`] lines of `pending`, the first from
/// `sent_of_first` on. The slices live on this function's stack, not in the writer's task,
/// which idles at the size of its other state.
fn write_queued(
    writer: &OwnedWriteHalf,
    pending: &VecDeque<Arc<[u8]>>,
    sent_of_first: usize,
) -> std::io::Result<usize> {
    let mut slices = [IoSlice::new(&[]); WRITE_SLICES];
    let mut count = 0;
    for (i, line) in pending.iter().take(WRITE_SLICES).enumerate() {
        slices[i] = IoSlice::new(if i == 0 { &line[sent_of_first..] } else { line });
        count = i + 1;
    }
    writer.try_write_vectored(&slices[..count])
}

/// The most queued lines handed to one writev(2).
const WRITE_SLICES: usize = 64;

/// Send what is queued for a member, all of it in one writev(2) where the socket takes it,
/// until the member has left and its queue is empty; then close its side. A failed send tells
/// the hub, which drops the member.
async fn write_member(
    id: u64,
    writer: OwnedWriteHalf,
    addr: SocketAddr,
    trace: bool,
    outbox: Arc<Outbox>,
    hub: mpsc::Sender<HubMsg>,
) {
    let mut writer = writer;
    // Lines taken from the queue, and how much of the first is already sent.
    let mut pending: VecDeque<Arc<[u8]>> = VecDeque::new();
    let mut sent_of_first = 0;
    let failed = loop {
        if pending.is_empty() {
            // Take the whole queue at once: the hub's lock is held for a swap, not a send.
            pending = std::mem::take(&mut *outbox.lines());
            sent_of_first = 0;
            if pending.is_empty() {
                if outbox.closed.load(Ordering::SeqCst) && outbox.lines().is_empty() {
                    break None;
                }
                outbox.ready.notified().await;
                continue;
            }
        }
        let n = match write_queued(&writer, &pending, sent_of_first) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => match writer.writable().await {
                Ok(()) => continue,
                Err(e) => break Some(e),
            },
            Err(e) => break Some(e),
        };
        if trace {
            let state = tcp::state(writer.as_ref().as_fd());
            let call = SocketCall::send(n, state).on(addr);
            let _ = Box::pin(hub.send(HubMsg::Trace(call))).await;
        }
        outbox.queued.fetch_sub(n, Ordering::SeqCst);
        outbox
            .counters
            .bytes_out
            .fetch_add(n as u64, Ordering::Relaxed);
        let mut left = n;
        while let Some(first) = pending.front() {
            let rest = first.len() - sent_of_first;
            if left < rest {
                sent_of_first += left;
                break;
            }
            left -= rest;
            sent_of_first = 0;
            pending.pop_front();
        }
    };
    if let Some(e) = failed {
        let reason = Error::io("send", e).to_string();
        let _ = Box::pin(hub.send(HubMsg::Leave(id, Some(reason)))).await;
        return;
    }
    drop(pending);
    let _ = writer.shutdown().await;
    if trace {
        // The member has left: this half is the last, so dropping it closes the socket.
        let fin = SocketCall::our_fin(tcp::state(writer.as_ref().as_fd())).on(addr);
        let _ = hub.send(HubMsg::Trace(fin)).await;
        drop(writer);
        let _ = hub.send(HubMsg::Trace(SocketCall::close().on(addr))).await;
    }
}
