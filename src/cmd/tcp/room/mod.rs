//! Many clients at once: the chat room (`listen --room`: every member's line goes to every
//! other member, prefixed by its nickname, and the listening terminal takes part) and the
//! concurrent server (`listen --concurrent`: every client talks with the listening terminal
//! only). One task, the hub, owns the member list; each member has one task that reads its
//! socket and sends what the socket did not take at once. A member's outgoing queue is bounded
//! in bytes: a member that does not read is dropped with a notice when its queue overflows, so
//! it cannot stall the others. A reader starts at [`serve`]; what the listening terminal sees
//! goes to the [`Renderer`] as [`Event`]s.
//!
//! The hub sends what it queued for the members itself once it has handled every event that
//! waits (and every so many events under a flood): a member gets the lines of many other
//! members in one writev(2), and a member that keeps up is never woken to write; only what its
//! socket does not take is left to the member's task, which sends it when the socket is
//! writable. A member's task hands the hub all the lines of one read at once, and those lines
//! go to the other members as one buffer, encoded once and shared by every queue.
//!
//! An idle member costs its task, its socket and a few words: the task waits for readiness
//! holding no buffer (a read buffer exists only while there is data to read), its queue
//! allocates only when something is queued, and what is rarely used (trace narration, a hub
//! that is busy) is boxed at the moment it is needed. A unit test bounds the task's size.

use std::collections::HashMap;
use std::future::poll_fn;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::Poll;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc};
use tokio::task::AbortHandle;
use tokio::time::{Duration, Instant};

use encoding_rs::Encoding;

use super::accept::AcceptPause;
use super::render::Renderer;
use super::session::Typed;
use super::stop::Stop;
use super::{Event, Moved};
use crate::error::Result;
use crate::model::chat::{
    Acl, Eol, Piece, RoomInput, is_quit, nick_refusal, peer_addr, room_input,
};
use crate::model::sanitize::{decode_escaped, encode, escape_bytes_into};
use crate::model::socket_trace::SocketCall;
mod member;
use member::{LineOptions, Link, run_member};

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

/// The members, and those the hub queued lines for and has not sent them yet.
#[derive(Default)]
struct Members {
    map: HashMap<u64, Member>,
    unsent: Vec<(Arc<Link>, SocketAddr)>,
}

impl std::ops::Deref for Members {
    type Target = HashMap<u64, Member>;
    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl std::ops::DerefMut for Members {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.map
    }
}

impl Members {
    /// The members with more than `mark` bytes waiting to be sent to them.
    fn behind(&self, mark: usize) -> impl Iterator<Item = u64> + '_ {
        self.map
            .iter()
            .filter(move |(_, m)| m.link.queued.load(Ordering::SeqCst) > mark)
            .map(|(id, _)| *id)
    }

    /// Whether a member is too far behind for more typed lines (see [`hold_mark`]).
    fn held_up(&self, opts: &HubOptions) -> bool {
        self.behind(hold_mark(opts)).next().is_some()
    }

    /// Send what the hub queued since it last sent, each member's lines in one writev(2)
    /// where its socket takes them.
    fn send_unsent(&mut self, opts: &HubOptions, out: &mut Renderer<'_>) {
        for (link, addr) in self.unsent.drain(..) {
            link.send_queued(addr, opts.trace, out);
        }
    }
}

struct Member {
    addr: SocketAddr,
    nick: String,
    link: Arc<Link>,
    task: AbortHandle,
}

impl Drop for Member {
    /// A member gone from the room gets no more lines; its task sends what it has, then
    /// closes (unless it was aborted).
    fn drop(&mut self) {
        let mut outbox = self.link.outbox();
        outbox.closed = true;
        let waker = outbox.waker.take();
        drop(outbox);
        if let Some(w) = waker {
            w.wake();
        }
    }
}

enum HubMsg {
    /// The pieces of one read.
    Data(u64, Vec<Piece>),
    Leave(u64, Option<String>),
    /// A socket call a member's task made (`--trace`).
    Trace(SocketCall),
}

/// Serve until the listening terminal quits or a stop signal; returns what was moved in total and
/// how many connections were accepted.
pub async fn serve(
    listener: TcpListener,
    opts: &HubOptions,
    mut input: Typed,
    stop: &Stop,
    out: &mut Renderer<'_>,
) -> Result<(Moved, u64)> {
    let (hub_tx, mut hub_rx) = mpsc::channel::<HubMsg>(1024);
    let mut members = Members::default();
    // Events handled since the queued lines were last sent.
    let mut since_sent = 0;
    let mut next_id = 0u64;
    let mut total = Moved::default();
    let mut input_open = true;
    // What the listening terminal typed, taken a batch at a time. It waits while a member has
    // more than half its queue's bound waiting (`held_up` says since when), and the members'
    // tasks wake the hub when that falls; a member still held up after TYPED_PATIENCE is
    // dropped as too slow. So piped input goes at the pace of the slowest member that reads.
    // Members' own lines never wait: a member too slow for them is dropped at once.
    let mut typed = Vec::new();
    let drained = Arc::new(Notify::new());
    let mut held_up: Option<Instant> = None;
    let mut pause = AcceptPause::default();
    // What the hub prints is written when it has nothing more to handle: a burst of lines
    // from the members takes one write, not one a line.
    out.hold(true)?;
    loop {
        // Lines queued while handling events are sent when no event is ready (and every so
        // many events under a flood): a member gets one writev(2) for the lines of many other
        // members, and the notices of a burst of joins. The listening terminal is shown what
        // is held for it first, so that it never shows a line later than the members get it.
        // Only typed lines left unsent can be held up: a member behind with none waiting
        // holds nothing up.
        held_up = (!typed.is_empty() && members.held_up(opts))
            .then(|| held_up.unwrap_or_else(Instant::now));
        if held_up.is_none() && !typed.is_empty() {
            if send_typed(&mut typed, &mut members, opts, out)? {
                break;
            }
            continue;
        }
        let event = {
            let next = next_event(
                stop,
                &mut pause,
                &listener,
                &mut hub_rx,
                Typing {
                    input: &mut input,
                    typed: &mut typed,
                    open: input_open,
                    held_up,
                    drained: &drained,
                },
            );
            let mut next = std::pin::pin!(next);
            since_sent += 1;
            match poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx))).await {
                Poll::Ready(event) if since_sent < SEND_EVERY => event,
                ready => {
                    out.release()?;
                    members.send_unsent(opts, out);
                    out.release()?;
                    since_sent = 0;
                    match ready {
                        Poll::Ready(event) => event,
                        Poll::Pending => next.await,
                    }
                }
            }
        };
        match event {
            HubEvent::Stop => break,
            HubEvent::Retry => {}
            HubEvent::Accepted(accepted) => {
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
                let hub = (hub_tx.clone(), Arc::clone(&drained));
                let member = start_member(next_id, stream, addr, opts, hub);
                out.emit(&Event::connection(addr))?;
                if opts.room {
                    out.emit(&Event::join(addr, &member.nick))?;
                    let text = format!("* {} joined\n", member.nick);
                    announce(&mut members, &text, opts, out)?;
                }
                members.insert(next_id, member);
            }
            HubEvent::Member(msg) => {
                let Some(msg) = msg else { break };
                match msg {
                    HubMsg::Data(id, pieces) => on_data(&mut members, id, pieces, opts, out)?,
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
            HubEvent::Stalled => {
                let mark = hold_mark(opts);
                let stuck: Vec<u64> = members.behind(mark).collect();
                let reason = format!(
                    "too slow: more than {mark} bytes waiting to be sent for {} s",
                    TYPED_PATIENCE.as_secs()
                );
                for id in stuck {
                    drop_slow(&mut members, id, reason.clone(), opts, out)?;
                }
            }
            HubEvent::Input(open) => {
                input_open = open;
                if send_typed(&mut typed, &mut members, opts, out)? {
                    break;
                }
            }
        }
    }
    // What is queued goes out now as far as each socket takes it, so that the lines typed
    // before a quit word reach every member that reads.
    out.release()?;
    members.send_unsent(opts, out);
    for (_, m) in members.drain() {
        m.task.abort();
        total.add(m.link.moved());
    }
    out.hold(false)?;
    Ok((total, next_id))
}

/// Send what the listening terminal typed to every member, in buffers of at most about
/// [`typed_chunk`] bytes, as long as no member is held up (more than [`hold_mark`] bytes waiting
/// for it): what is not sent stays in `typed`. `true` when a quit word was typed (the lines
/// before it are sent, the ones after it dropped).
fn send_typed(
    typed: &mut Vec<Piece>,
    members: &mut Members,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<bool> {
    let chunk = typed_chunk(opts.queue_limit);
    let mut bytes = Vec::new();
    let mut line = String::new();
    let mut taken = 0;
    let mut quit = false;
    for piece in typed.iter() {
        if bytes.is_empty() && members.held_up(opts) {
            break;
        }
        taken += 1;
        if opts.raw {
            bytes.extend_from_slice(piece.bytes());
        } else if is_quit(piece.bytes(), &opts.quit_words) {
            quit = true;
            break;
        } else if opts.room {
            line.clear();
            line.push('[');
            line.push_str(&opts.local_nick);
            line.push_str("] ");
            escape_bytes_into(&mut line, piece.bytes());
            line.push('\n');
            bytes.extend_from_slice(&encode(line.as_bytes(), opts.encoding).0);
        } else {
            bytes.extend_from_slice(&encode(piece.bytes(), opts.encoding).0);
            bytes.extend_from_slice(opts.eol.bytes());
        }
        if bytes.len() >= chunk {
            broadcast(members, None, &bytes, opts, out)?;
            bytes.clear();
        }
    }
    if !bytes.is_empty() {
        broadcast(members, None, &bytes, opts, out)?;
    }
    typed.drain(..taken);
    Ok(quit)
}

/// The most bytes of typed input sent to the members as one buffer (and of a raw read of
/// stdin): a quarter of the queue's bound, so that one sent on top of [`hold_mark`] still fits.
#[must_use]
pub fn typed_chunk(queue_limit: usize) -> usize {
    (queue_limit / 4).min(TYPED_BATCH)
}

/// How many bytes waiting for a member hold up typed input: half the queue's bound.
fn hold_mark(opts: &HubOptions) -> usize {
    opts.queue_limit / 2
}

/// What the hub handles next.
enum HubEvent {
    Stop,
    /// Accepting was paused for want of descriptors: try again.
    Retry,
    Accepted(std::io::Result<(TcpStream, SocketAddr)>),
    Member(Option<HubMsg>),
    /// Typed lines were taken (`false`: input has ended, with or without a last piece).
    Input(bool),
    /// A member has held up typed input for TYPED_PATIENCE.
    Stalled,
}

/// The listening terminal's side of the hub's wait.
struct Typing<'a> {
    input: &'a mut Typed,
    typed: &'a mut Vec<Piece>,
    /// Input has not ended.
    open: bool,
    /// Since when a member has had too much waiting for more typed lines to be sent.
    held_up: Option<Instant>,
    drained: &'a Notify,
}

/// Wait for the hub's next event. Every wait in it may be dropped unfinished without losing
/// anything.
async fn next_event(
    stop: &Stop,
    pause: &mut AcceptPause,
    listener: &TcpListener,
    hub_rx: &mut mpsc::Receiver<HubMsg>,
    typing: Typing<'_>,
) -> HubEvent {
    let paused = pause.paused();
    let (take, wait) = (
        typing.open && typing.held_up.is_none(),
        typing.held_up.is_some(),
    );
    let patience = typing.held_up.unwrap_or_else(Instant::now) + TYPED_PATIENCE;
    tokio::select! {
        () = stop.wait() => HubEvent::Stop,
        () = pause.retry(), if paused => HubEvent::Retry,
        accepted = listener.accept(), if !paused => HubEvent::Accepted(accepted),
        msg = hub_rx.recv() => HubEvent::Member(msg),
        open = typing.input.next_lines(typing.typed, TYPED_BATCH), if take => {
            HubEvent::Input(open)
        }
        () = typing.drained.notified(), if wait => HubEvent::Retry,
        () = tokio::time::sleep_until(patience), if wait => HubEvent::Stalled,
    }
}

fn leave(
    m: &Member,
    reason: Option<String>,
    total: &mut Moved,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    // A member that left on its own gets what was queued for it (its task closes the
    // connection then, and reads no more); one dropped or failed does not.
    if reason.is_some() {
        m.task.abort();
        if opts.trace {
            out.trace(&SocketCall::close().on(m.addr));
        }
    }
    let moved = m.link.moved();
    total.add(moved);
    if opts.room {
        out.emit(&Event::leave(m.addr, &m.nick, reason.clone()))?;
    }
    out.emit(&Event::closed(m.addr, moved, reason))
}

/// The most events the hub handles before it sends what it queued. Lower holds less queued in
/// a burst of joins (1,000 idle members: 1.82 KiB each at 8, 2.07 at 16, 2.80 at 64); sending
/// at every event made a send per member per join, half a million for 1,000 joins.
const SEND_EVERY: usize = 8;

/// The most typed bytes the hub takes from the listening terminal at a time.
const TYPED_BATCH: usize = 64 * 1024;

/// How long typed input waits for a member with too much waiting before it is dropped.
const TYPED_PATIENCE: Duration = Duration::from_secs(5);

/// The most bytes of one member's lines relayed to the others as one buffer: at most the
/// queue bound, so that a line that fits an empty queue alone still fits it.
const RELAY_CHUNK: usize = 16 * 1024;

/// The pieces of one read of member `id`: shown, obeyed (room commands) and relayed.
fn on_data(
    members: &mut Members,
    id: u64,
    pieces: Vec<Piece>,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    // This member's lines for the others, sent as one buffer when a command comes between
    // them, when it is full, and at the end of the read.
    let mut relay = Vec::new();
    let chunk = RELAY_CHUNK.min(opts.queue_limit);
    for piece in pieces {
        if !members.contains_key(&id) {
            break;
        }
        if opts.raw {
            out.raw(piece.bytes())?;
            continue;
        }
        if opts.room && !on_command(members, id, &piece, &mut relay, opts, out)? {
            continue;
        }
        let Some(m) = members.get(&id) else {
            break;
        };
        let (addr, nick) = (m.addr, &m.nick);
        let text = decode_escaped(piece.bytes(), opts.encoding);
        if opts.room {
            out.emit(&Event::message(addr, nick, text.clone()))?;
        } else {
            out.emit(&Event::line(addr, text.clone(), piece.is_partial()))?;
        }
        if let Piece::Cut(_) = piece {
            out.emit(&Event::cut(addr, opts.max_line))?;
        }
        if opts.room {
            let labelled = format!("[{nick}] {text}\n");
            let line = encode(labelled.as_bytes(), opts.encoding).0;
            if !relay.is_empty() && relay.len() + line.len() > chunk {
                broadcast(members, Some(id), &relay, opts, out)?;
                relay.clear();
            }
            relay.extend_from_slice(&line);
        }
    }
    if !relay.is_empty() {
        broadcast(members, Some(id), &relay, opts, out)?;
    }
    Ok(())
}

/// Obey `piece` if it is a room command (`/quit`, `/nick`), after relaying the lines before it;
/// true if it is a message to relay.
fn on_command(
    members: &mut Members,
    id: u64,
    piece: &Piece,
    relay: &mut Vec<u8>,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<bool> {
    // Commands are read in the members' encoding (`/nick 小明` typed in GBK is that name).
    let line = opts.encoding.decode_without_bom_handling(piece.bytes()).0;
    let input = room_input(line.as_bytes());
    if matches!(input, RoomInput::Message) {
        return Ok(true);
    }
    if !relay.is_empty() {
        broadcast(members, Some(id), relay, opts, out)?;
        relay.clear();
    }
    let Some(m) = members.get(&id) else {
        return Ok(false);
    };
    let (addr, nick) = (m.addr, m.nick.clone());
    match input {
        RoomInput::Quit => {
            // The task stops reading, and closes when it has sent what is queued.
            let m = members.remove(&id).expect("member present");
            let mut total = Moved::default();
            leave(&m, None, &mut total, opts, out)?;
            let text = format!("* {} left\n", m.nick);
            announce(members, &text, opts, out)?;
        }
        RoomInput::Nick(name) => {
            let others = members
                .iter()
                .filter(|(other, _)| **other != id)
                .map(|(_, m)| m.nick.as_str());
            if let Some(reason) = nick_refusal(&name, &opts.local_nick, others) {
                tell(members, id, &format!("* {reason}\n"), opts, out)?;
                return Ok(false);
            }
            if let Some(m) = members.get_mut(&id) {
                m.nick.clone_from(&name);
            }
            out.emit(&Event::nick(addr, &name))?;
            let text = format!("* {nick} is now {name}\n");
            announce(members, &text, opts, out)?;
        }
        RoomInput::BadNick(reason) => tell(members, id, &format!("* {reason}\n"), opts, out)?,
        RoomInput::Message => unreachable!("messages returned above"),
    }
    Ok(false)
}

/// Queue `bytes` for `m` if its queue stays within `limit` bytes; false (nothing queued) if
/// not. Every byte sent to a member goes through here, whatever produced it, so that no member,
/// however much it asks for and however little it reads, makes the server hold more. The hub
/// sends the queue when it has handled what is waiting ([`Members::send_unsent`]), or at once
/// when it is half full.
fn enqueue(
    m: &Member,
    bytes: &Arc<[u8]>,
    unsent: &mut Vec<(Arc<Link>, SocketAddr)>,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> bool {
    let link = &m.link;
    let fits = link
        .queued
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |queued| {
            (queued + bytes.len() <= opts.queue_limit).then_some(queued + bytes.len())
        })
        .is_ok();
    if !fits {
        return false;
    }
    let mut outbox = link.outbox();
    outbox.lines.push_back(Arc::clone(bytes));
    if !outbox.unsent {
        outbox.unsent = true;
        unsent.push((Arc::clone(link), m.addr));
    }
    drop(outbox);
    if link.queued.load(Ordering::SeqCst) > opts.queue_limit / 2 {
        link.send_queued(m.addr, opts.trace, out);
    }
    true
}

/// Queue `text` for one member (a reply to its command); a member whose queue would overflow
/// is dropped, as in [`broadcast`].
fn tell(
    members: &mut Members,
    id: u64,
    text: &str,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let bytes: Arc<[u8]> = Arc::from(encode(text.as_bytes(), opts.encoding).0);
    match members.map.get(&id) {
        Some(m) if !enqueue(m, &bytes, &mut members.unsent, opts, out) => {
            drop_slow(members, id, overflow(opts), opts, out)
        }
        _ => Ok(()),
    }
}

/// Queue a notice of the room (`* ana joined`) for every member, in the members' encoding
/// like every other line they are sent.
fn announce(
    members: &mut Members,
    text: &str,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let bytes = encode(text.as_bytes(), opts.encoding).0;
    broadcast(members, None, &bytes, opts, out)
}

/// Send or queue `bytes` for every member but `except`; members whose queue would overflow
/// are dropped, and the others told.
fn broadcast(
    members: &mut Members,
    except: Option<u64>,
    bytes: &[u8],
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let shared: Arc<[u8]> = Arc::from(bytes);
    let mut dropped = Vec::new();
    for (id, m) in &members.map {
        if Some(*id) != except && !enqueue(m, &shared, &mut members.unsent, opts, out) {
            dropped.push(*id);
        }
    }
    for id in dropped {
        drop_slow(members, id, overflow(opts), opts, out)?;
    }
    Ok(())
}

/// Why a member whose queue would overflow is dropped.
fn overflow(opts: &HubOptions) -> String {
    format!(
        "too slow: more than {} bytes waiting to be sent",
        opts.queue_limit
    )
}

/// Drop a member that is too slow for the room, and tell the others.
fn drop_slow(
    members: &mut Members,
    id: u64,
    reason: String,
    opts: &HubOptions,
    out: &mut Renderer<'_>,
) -> Result<()> {
    let Some(m) = members.remove(&id) else {
        return Ok(());
    };
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
    (hub, drained): (mpsc::Sender<HubMsg>, Arc<Notify>),
) -> Member {
    let _ = stream.set_nodelay(true);
    let link = Arc::new(Link::new(stream).waking_at(hold_mark(opts), drained));
    let line = LineOptions {
        raw: opts.raw,
        max_line: opts.max_line,
        trace: opts.trace,
    };
    let task = tokio::spawn(run_member(id, Arc::clone(&link), addr, line, hub));
    Member {
        addr,
        nick: addr.to_string(),
        link,
        task: task.abort_handle(),
    }
}
