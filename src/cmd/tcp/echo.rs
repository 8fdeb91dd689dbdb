//! The echo service (`listen --echo`): every client at once gets back every byte it sends, until
//! Ctrl-C. A reader starts at [`serve`]; each client is one task running [`echo`].

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::accept::AcceptPause;
use super::listen::Config;
use super::render::Renderer;
use super::{Event, Moved};
use crate::error::{Error, Result};
use crate::model::chat::peer_addr;

/// Serve every client at once until Ctrl-C; returns what was moved and how many connections
/// were served. Clients outside the access rules, or beyond `--max-clients`, are refused and
/// logged.
pub async fn serve(
    listener: TcpListener,
    config: &Config,
    out: &mut Renderer<'_>,
) -> Result<(Moved, u64)> {
    let (acl, max_clients) = (&config.acl, config.max_clients);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    // Clients being served. A client's task gives its slot back before its FIN goes out, so a
    // client that saw the end of its echo finds the slot free when it connects again.
    let active = Arc::new(AtomicUsize::new(0));
    let mut connections = 0u64;
    let mut total = Moved::default();
    let mut pause = AcceptPause::default();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = &mut ctrl_c => return Ok((total, connections)),
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
                let done = done_tx.clone();
                let slot = Arc::clone(&active);
                tokio::spawn(async move {
                    let result = echo(stream, &slot).await;
                    let _ = done.send((peer, result));
                });
            }
            Some((peer, result)) = done_rx.recv() => {
                pause.freed();
                match result {
                    Ok(moved) => {
                        total.add(moved);
                        out.emit(&Event::closed(peer, moved, None))?;
                    }
                    Err(e) => out.note(format!(
                        "connection from {peer}: {}",
                        Error::io("echo", e)
                    )),
                }
            }
        }
    }
}

/// Echo every byte back to the peer until it closes; returns what was moved. The client's
/// place in `active` is given back as the session ends, before the last FIN.
pub async fn echo(mut stream: TcpStream, active: &AtomicUsize) -> std::io::Result<Moved> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut moved = Moved::default();
    let result = loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) => break Err(e),
        };
        moved.bytes_in += n as u64;
        if let Err(e) = stream.write_all(&buf[..n]).await {
            break Err(e);
        }
        moved.bytes_out += n as u64;
    };
    active.fetch_sub(1, Ordering::SeqCst);
    result?;
    let _ = stream.shutdown().await;
    Ok(moved)
}
