//! Many clients at once: the chat room (`listen --room`: every member's line goes to every
//! other member, prefixed by its nickname, and the listening terminal takes part) and the
//! concurrent server (`listen --concurrent`: every client talks with the listening terminal
//! only). One task, the hub, owns the member list; each member has a reader task and a writer
//! task. A member's outgoing queue is bounded in bytes: a member that does not read is dropped
//! with a notice when its queue overflows, so it cannot stall the others. A reader starts at
//! [`serve`]; what the listening terminal sees goes to the [`Renderer`] as [`Event`]s.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
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

struct Member {
    addr: SocketAddr,
    nick: String,
    tx: mpsc::UnboundedSender<Arc<[u8]>>,
    queued: Arc<AtomicUsize>,
    counters: Arc<Counters>,
    reader: AbortHandle,
    writer: AbortHandle,
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
    loop {
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
        total.bytes_in += m.counters.bytes_in.load(Ordering::Relaxed);
        total.bytes_out += m.counters.bytes_out.load(Ordering::Relaxed);
    }
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
    let moved = Moved {
        bytes_in: m.counters.bytes_in.load(Ordering::Relaxed),
        bytes_out: m.counters.bytes_out.load(Ordering::Relaxed),
    };
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

/// Queue `bytes` for `m` if its queue stays within `limit` bytes; false (nothing queued) if not.
/// Every byte sent to a member goes through here, whatever produced it, so that no member,
/// however much it asks for and however little it reads, makes the server hold more.
fn enqueue(m: &Member, bytes: &Arc<[u8]>, limit: usize) -> bool {
    let fits = m
        .queued
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |queued| {
            (queued + bytes.len() <= limit).then_some(queued + bytes.len())
        })
        .is_ok();
    if fits {
        let _ = m.tx.send(Arc::clone(bytes));
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
    let (mut reader, mut writer) = stream.into_split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Arc<[u8]>>();
    let queued = Arc::new(AtomicUsize::new(0));
    let counters = Arc::new(Counters::default());

    let (raw, max_line, trace) = (opts.raw, opts.max_line, opts.trace);
    let reader_counters = Arc::clone(&counters);
    let reader_hub = hub.clone();
    let reader_task = tokio::spawn(async move {
        let mut splitter = LineSplitter::new(max_line);
        let mut buf = vec![0u8; 64 * 1024];
        let mut pieces = Vec::new();
        let reason = loop {
            match reader.read(&mut buf).await {
                Ok(0) => {
                    if trace {
                        let state = tcp::state(reader.as_ref().as_fd());
                        let call = SocketCall::peer_fin(false, state).on(addr);
                        let _ = reader_hub.send(HubMsg::Trace(call)).await;
                    }
                    break None;
                }
                Ok(n) => {
                    reader_counters
                        .bytes_in
                        .fetch_add(n as u64, Ordering::Relaxed);
                    if trace {
                        let state = tcp::state(reader.as_ref().as_fd());
                        let call = SocketCall::recv(buf.len(), n, state).on(addr);
                        let _ = reader_hub.send(HubMsg::Trace(call)).await;
                    }
                    if raw {
                        pieces.push(Piece::Line(buf[..n].to_vec()));
                    } else {
                        splitter.push(&buf[..n], &mut pieces);
                    }
                    for piece in pieces.drain(..) {
                        if reader_hub.send(HubMsg::Data(id, piece)).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => break Some(Error::io("receive", e).to_string()),
            }
        };
        if let Some(last) = splitter.finish() {
            let _ = reader_hub.send(HubMsg::Data(id, last)).await;
        }
        let _ = reader_hub.send(HubMsg::Leave(id, reason)).await;
    });

    let writer_queued = Arc::clone(&queued);
    let writer_counters = Arc::clone(&counters);
    let writer_task = tokio::spawn(async move {
        let mut batch = Vec::with_capacity(64 * 1024);
        while let Some(first) = rx.recv().await {
            batch.clear();
            batch.extend_from_slice(&first);
            while batch.len() < 256 * 1024 {
                match rx.try_recv() {
                    Ok(more) => batch.extend_from_slice(&more),
                    Err(_) => break,
                }
            }
            if let Err(e) = writer.write_all(&batch).await {
                let _ = hub
                    .send(HubMsg::Leave(id, Some(Error::io("send", e).to_string())))
                    .await;
                return;
            }
            if trace {
                let state = tcp::state(writer.as_ref().as_fd());
                let call = SocketCall::send(batch.len(), state).on(addr);
                let _ = hub.send(HubMsg::Trace(call)).await;
            }
            writer_queued.fetch_sub(batch.len(), Ordering::SeqCst);
            writer_counters
                .bytes_out
                .fetch_add(batch.len() as u64, Ordering::Relaxed);
        }
        let _ = writer.shutdown().await;
        if trace {
            // The member has left: this half is the last, so dropping it closes the socket.
            let fin = SocketCall::our_fin(tcp::state(writer.as_ref().as_fd())).on(addr);
            let _ = hub.send(HubMsg::Trace(fin)).await;
            drop(writer);
            let _ = hub.send(HubMsg::Trace(SocketCall::close().on(addr))).await;
        }
    });

    Member {
        addr,
        nick: addr.to_string(),
        tx,
        queued,
        counters,
        reader: reader_task.abort_handle(),
        writer: writer_task.abort_handle(),
    }
}
