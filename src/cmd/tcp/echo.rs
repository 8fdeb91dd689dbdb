//! The echo service (`listen --echo`): every client at once gets back every byte it sends, until
//! Ctrl-C or SIGTERM. A reader starts at [`serve`]; each client is one task running [`echo`].
//! An idle client costs its task and its socket only: the task waits for readability holding no
//! buffer, and a buffer exists only while there is data to echo.

use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::accept::AcceptPause;
use super::listen::Config;
use super::render::Renderer;
use super::stop::Stop;
use super::{Event, Moved};
use crate::error::{Error, Result};
use crate::model::chat::peer_addr;
use crate::model::socket_trace::{SocketCall, TcpState};
use crate::net::tcp;

/// Serve every client at once until a stop signal; returns what was moved and how many connections
/// were served. Clients outside the access rules, or beyond `--max-clients`, are refused and
/// logged.
pub async fn serve(
    listener: TcpListener,
    config: &Config,
    stop: &Stop,
    out: &mut Renderer<'_>,
) -> Result<(Moved, u64)> {
    let (acl, max_clients) = (&config.acl, config.max_clients);
    let (news_tx, mut news_rx) = mpsc::channel::<News>(1024);
    // Clients being served. A client's task gives its slot back before its FIN goes out, so a
    // client that saw the end of its echo finds the slot free when it connects again.
    let active = Arc::new(AtomicUsize::new(0));
    let mut connections = 0u64;
    let mut total = Moved::default();
    let mut pause = AcceptPause::default();
    loop {
        tokio::select! {
            () = stop.wait() => return Ok((total, connections)),
            () = pause.retry(), if pause.paused() => {}
            accepted = listener.accept(), if !pause.paused() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) if pause.hold(&e, out) => continue,
                    Err(e) => return Err(Error::io("accept", e)),
                };
                let peer = peer_addr(peer);
                if config.mode.chat.trace {
                    out.trace(&super::accepted(&stream, peer));
                }
                if let Some(reason) = acl.refusal(peer.ip()) {
                    out.emit(&Event::refused(peer, reason))?;
                    continue;
                }
                if let Some(max) = max_clients
                    && active.load(Ordering::SeqCst) >= max
                {
                    out.emit(&Event::refused(peer, format!("--max-clients {max} reached")))?;
                    continue;
                }
                active.fetch_add(1, Ordering::SeqCst);
                connections += 1;
                out.emit(&Event::connection(peer))?;
                let news = news_tx.clone();
                let slot = Arc::clone(&active);
                let trace = config.mode.chat.trace;
                tokio::spawn(async move {
                    let result = echo(stream, peer, &slot, trace.then_some(&news)).await;
                    let _ = news.send(News::Done(peer, result)).await;
                });
            }
            Some(news) = news_rx.recv() => {
                let (peer, result) = match news {
                    News::Trace(call) => {
                        out.trace(&call);
                        continue;
                    }
                    News::Done(peer, result) => (peer, result),
                };
                pause.freed();
                match result {
                    Ok(moved) => {
                        total.add(moved);
                        out.emit(&Event::closed(peer, moved, None))?;
                    }
                    Err(e) => out.note(format!(
                        "connection from {}: {}",
                        crate::net::host::endpoint(peer),
                        Error::io("echo", e)
                    )),
                }
            }
        }
    }
}

/// The most one read takes.
const CHUNK: usize = 64 * 1024;

/// What a client's task tells the serving loop.
enum News {
    /// A socket call it made (`--trace`).
    Trace(SocketCall),
    /// Its session ended.
    Done(SocketAddr, std::io::Result<Moved>),
}

/// Echo every byte back to `peer` until it closes; returns what was moved. The client's place
/// in `active` is given back as the session ends, before the last FIN. With `trace`, each
/// socket call is told there.
async fn echo(
    mut stream: TcpStream,
    peer: SocketAddr,
    active: &AtomicUsize,
    trace: Option<&mpsc::Sender<News>>,
) -> std::io::Result<Moved> {
    let mut moved = Moved::default();
    let result = 'session: loop {
        if let Err(e) = stream.readable().await {
            break Err(e);
        }
        let mut buf = Vec::with_capacity(CHUNK);
        loop {
            buf.clear();
            let n = match stream.try_read_buf(&mut buf) {
                Ok(0) => {
                    narrate(trace, &stream, peer, |s| SocketCall::peer_fin(false, s)).await;
                    break 'session Ok(());
                }
                Ok(n) => n,
                // Drained: the buffer goes until more comes.
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => break 'session Err(e),
            };
            moved.bytes_in += n as u64;
            narrate(trace, &stream, peer, |s| SocketCall::recv(CHUNK, n, s)).await;
            if let Err(e) = stream.write_all(&buf).await {
                break 'session Err(e);
            }
            moved.bytes_out += n as u64;
            narrate(trace, &stream, peer, |s| SocketCall::send(n, s)).await;
        }
    };
    active.fetch_sub(1, Ordering::SeqCst);
    if result.is_ok() {
        let _ = stream.shutdown().await;
        narrate(trace, &stream, peer, SocketCall::our_fin).await;
    }
    drop(stream);
    if let Some(news) = trace {
        let _ = news.send(News::Trace(SocketCall::close().on(peer))).await;
    }
    result.map(|()| moved)
}

/// Tell a socket call on `stream` with its state after it, when narrating.
async fn narrate(
    trace: Option<&mpsc::Sender<News>>,
    stream: &TcpStream,
    peer: SocketAddr,
    call: impl FnOnce(Option<TcpState>) -> SocketCall,
) {
    if let Some(news) = trace {
        let call = call(tcp::state(stream.as_fd())).on(peer);
        let _ = news.send(News::Trace(call)).await;
    }
}
