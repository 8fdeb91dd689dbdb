//! Chat mode on one connection (full duplex: the user types while the peer's lines arrive), and
//! the threads that read standard input for it and for the room. A reader starts at [`chat`];
//! every line shown goes to the [`Renderer`] as an [`Event`].

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::pipe::reset;
use super::render::Renderer;
use super::{ChatOptions, Event, Moved};
use crate::error::{Error, Result};
use crate::model::chat::{LineSplitter, Piece, is_quit};
use crate::model::sanitize::escape_bytes;
use crate::net::tcp::is_reset;

/// Lines typed on stdin, read by one thread for the whole run (so consecutive sessions share
/// it). The channel closes at end of input (Ctrl-D).
#[must_use]
pub fn stdin_lines(max_line: usize) -> mpsc::Receiver<Piece> {
    let (tx, rx) = mpsc::channel(64);
    std::thread::spawn(move || {
        use std::io::Read;
        let mut stdin = std::io::stdin().lock();
        let mut splitter = LineSplitter::new(max_line);
        let mut buf = vec![0u8; 16 * 1024];
        let mut pieces = Vec::new();
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => splitter.push(&buf[..n], &mut pieces),
            }
            for piece in pieces.drain(..) {
                if tx.blocking_send(piece).is_err() {
                    return;
                }
            }
        }
        if let Some(last) = splitter.finish() {
            let _ = tx.blocking_send(last);
        }
    });
    rx
}

/// Standard input in raw chunks (pipe mode with many clients), each as one piece.
#[must_use]
pub fn stdin_chunks() -> mpsc::Receiver<Piece> {
    let (tx, rx) = mpsc::channel(16);
    std::thread::spawn(move || {
        use std::io::Read;
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 || tx.blocking_send(Piece::Line(buf[..n].to_vec())).is_err() {
                return;
            }
        }
    });
    rx
}

/// How a chat session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatEnd {
    /// The user typed a quit word or ended stdin.
    Local,
    /// The peer closed the connection.
    Peer,
}

/// Run one chat session until the user or the peer ends it.
pub async fn chat(
    stream: TcpStream,
    peer: SocketAddr,
    input: &mut mpsc::Receiver<Piece>,
    opts: &ChatOptions,
    out: &mut Renderer<'_>,
    moved: &mut Moved,
) -> Result<ChatEnd> {
    let (mut reader, mut writer) = stream.into_split();
    let mut splitter = LineSplitter::new(opts.max_line);
    let mut buf = vec![0u8; 64 * 1024];
    let mut pieces = Vec::new();
    let input_open = opts.send;
    loop {
        tokio::select! {
            piece = input.recv(), if input_open => {
                let Some(piece) = piece else {
                    // Ctrl-D: close our side; the peer reports it.
                    let _ = writer.shutdown().await;
                    drain(&mut reader).await;
                    return Ok(ChatEnd::Local);
                };
                if let Piece::Cut(_) = piece {
                    out.note(format!("your line was cut at {} bytes", opts.max_line));
                }
                if is_quit(piece.bytes(), &opts.quit_words) {
                    let _ = writer.shutdown().await;
                    drain(&mut reader).await;
                    return Ok(ChatEnd::Local);
                }
                let mut line = piece.bytes().to_vec();
                line.push(b'\n');
                match writer.write_all(&line).await {
                    Ok(()) => moved.bytes_out += line.len() as u64,
                    Err(e) if is_reset(&e) => return Err(reset()),
                    Err(e) => return Err(Error::io(format!("send to {peer}"), e)),
                }
            }
            read = reader.read(&mut buf) => {
                let n = match read {
                    Ok(n) => n,
                    Err(e) if is_reset(&e) => return Err(reset()),
                    Err(e) => return Err(Error::io(format!("receive from {peer}"), e)),
                };
                moved.bytes_in += n as u64;
                if n == 0 {
                    if let Some(last) = splitter.finish() {
                        show(&last, peer, opts.max_line, out)?;
                    }
                    out.emit(&Event::peer_closed(peer))?;
                    return Ok(ChatEnd::Peer);
                }
                if !opts.recv {
                    continue;
                }
                splitter.push(&buf[..n], &mut pieces);
                for piece in pieces.drain(..) {
                    show(&piece, peer, opts.max_line, out)?;
                }
            }
        }
    }
}

/// After our side closed, read what is left for a moment, so the connection ends with the
/// peer's close rather than a reset (closing a socket with unread data sends a reset).
async fn drain(reader: &mut tokio::net::tcp::OwnedReadHalf) {
    let mut buf = vec![0u8; 16 * 1024];
    let wait = async {
        while let Ok(n) = reader.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), wait).await;
}

fn show(piece: &Piece, peer: SocketAddr, max_line: usize, out: &mut Renderer<'_>) -> Result<()> {
    out.emit(&Event::line(peer, escape_bytes(piece.bytes())))?;
    if let Piece::Cut(_) = piece {
        out.emit(&Event::cut(peer, max_line))?;
    }
    Ok(())
}
