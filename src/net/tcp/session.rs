//! Chat mode on one connection (full duplex: the user types while the peer's lines arrive),
//! the echo service, and the events both print: text on stderr/stdout for people, NDJSON
//! records with `--json`.

use std::fmt;
use std::net::SocketAddr;
use std::time::SystemTime;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::is_reset;
use super::pipe::{Moved, reset};
use crate::error::{Error, Result};
use crate::model::chat::{LineSplitter, Piece, is_quit};
use crate::model::sanitize::escape_bytes;
use crate::output::Output;

/// One thing that happened, printed as a line for people or an NDJSON record.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// listening, connected, connection, closed, refused, line, cut, join, leave, nick,
    /// dropped, summary.
    pub event: &'static str,
    /// UTC time, RFC 3339 with milliseconds.
    pub time: String,
    /// The peer's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// A room member's nickname.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    /// The text of a line (control characters escaped), or a reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The connect handshake time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handshake_ms: Option<f64>,
    /// Bytes received (closed, summary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_in: Option<u64>,
    /// Bytes sent (closed, summary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_out: Option<u64>,
    /// Seconds from start to end (summary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// Connections served (summary of listen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections: Option<u64>,
    #[serde(skip)]
    stamp: bool,
}

impl Event {
    /// An event of `kind` now.
    #[must_use]
    pub fn new(kind: &'static str) -> Self {
        Self {
            event: kind,
            time: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            peer: None,
            nick: None,
            text: None,
            handshake_ms: None,
            bytes_in: None,
            bytes_out: None,
            duration_s: None,
            connections: None,
            stamp: false,
        }
    }

    /// With the peer's address.
    #[must_use]
    pub fn peer(mut self, addr: SocketAddr) -> Self {
        self.peer = Some(crate::model::chat::peer_addr(addr).to_string());
        self
    }

    /// With a text (already escaped).
    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// With a nickname.
    #[must_use]
    pub fn nick(mut self, nick: impl Into<String>) -> Self {
        self.nick = Some(nick.into());
        self
    }

    /// With the byte counts.
    #[must_use]
    pub fn moved(mut self, moved: Moved) -> Self {
        self.bytes_in = Some(moved.bytes_in);
        self.bytes_out = Some(moved.bytes_out);
        self
    }

    /// Show the time in the text rendering (`-D`).
    #[must_use]
    pub fn stamped(mut self, on: bool) -> Self {
        self.stamp = on;
        self
    }

    /// Lines and room messages are results (stdout); the rest is status (stderr in text mode).
    fn is_result(&self) -> bool {
        matches!(self.event, "line" | "message")
    }

    /// Print: NDJSON on stdout with `--json`; else results on stdout and status on stderr.
    pub fn emit(&self, out: &mut Output) -> Result<()> {
        if out.is_json() {
            out.json_record(self)
        } else if self.is_result() {
            out.record(self)
        } else if self.event != "summary" {
            out.note(self);
            Ok(())
        } else {
            Ok(())
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.stamp {
            // 2026-11-02T10:11:12.345Z -> 10:11:12.345
            let clock = self.time.get(11..23).unwrap_or(&self.time);
            write!(f, "{clock} ")?;
        }
        let peer = self.peer.as_deref().unwrap_or("?");
        let who = self.nick.as_deref().unwrap_or(peer);
        let text = self.text.as_deref().unwrap_or("");
        match self.event {
            "line" | "message" => write!(f, "[{who}] {text}"),
            "connected" => write!(
                f,
                "connected to {peer} in {:.2} ms",
                self.handshake_ms.unwrap_or(0.0)
            ),
            "connection" => write!(f, "connection from {peer}"),
            "closed" => write!(
                f,
                "connection from {peer} closed ({} bytes in, {} bytes out)",
                self.bytes_in.unwrap_or(0),
                self.bytes_out.unwrap_or(0)
            ),
            "peer_closed" => write!(f, "peer closed the connection"),
            "refused" => write!(f, "refused connection from {peer}: {text}"),
            "cut" => write!(f, "line from {who} cut: {text}"),
            "join" => write!(f, "* {who} joined"),
            "leave" => write!(f, "* {who} left"),
            "nick" => write!(f, "* {peer} is now {who}"),
            "dropped" => write!(f, "* {who} dropped: {text}"),
            "summary" => write!(
                f,
                "{} bytes in, {} bytes out",
                self.bytes_in.unwrap_or(0),
                self.bytes_out.unwrap_or(0)
            ),
            other => write!(f, "{other} {text}"),
        }
    }
}

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

/// Chat settings.
#[derive(Debug, Clone)]
pub struct ChatOptions {
    /// Words that end the session when typed alone on a line (besides `/quit`).
    pub quit_words: Vec<String>,
    /// Show a timestamp before each line (`-D`).
    pub timestamps: bool,
    /// The longest line kept.
    pub max_line: usize,
    /// Send typed lines (off with `--recv-only`).
    pub send: bool,
    /// Show received lines (off with `--send-only`).
    pub recv: bool,
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
    out: &mut Output,
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
                        show(&last, peer, opts, out)?;
                    }
                    Event::new("peer_closed").peer(peer).emit(out)?;
                    return Ok(ChatEnd::Peer);
                }
                if !opts.recv {
                    continue;
                }
                splitter.push(&buf[..n], &mut pieces);
                for piece in pieces.drain(..) {
                    show(&piece, peer, opts, out)?;
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

fn show(piece: &Piece, peer: SocketAddr, opts: &ChatOptions, out: &mut Output) -> Result<()> {
    Event::new("line")
        .peer(peer)
        .text(escape_bytes(piece.bytes()))
        .stamped(opts.timestamps)
        .emit(out)?;
    if let Piece::Cut(_) = piece {
        Event::new("cut")
            .peer(peer)
            .text(format!(
                "longer than {} bytes, the rest was dropped",
                opts.max_line
            ))
            .emit(out)?;
    }
    Ok(())
}

/// Echo every byte back to the peer until it closes; returns what was moved.
pub async fn echo(mut stream: TcpStream) -> std::io::Result<Moved> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut moved = Moved::default();
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            let _ = stream.shutdown().await;
            return Ok(moved);
        }
        moved.bytes_in += n as u64;
        stream.write_all(&buf[..n]).await?;
        moved.bytes_out += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_events() {
        let peer: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        let line = Event::new("line").peer(peer).text("hi\\x1b[2J");
        assert_eq!(line.to_string(), "[127.0.0.1:5000] hi\\x1b[2J");
        let closed = Event::new("closed").peer(peer).moved(Moved {
            bytes_in: 3,
            bytes_out: 4,
        });
        assert_eq!(
            closed.to_string(),
            "connection from 127.0.0.1:5000 closed (3 bytes in, 4 bytes out)"
        );
        let json = serde_json::to_value(&closed).unwrap();
        assert_eq!(json["event"], "closed");
        assert_eq!(json["bytes_in"], 3);
        assert!(json.get("nick").is_none());
        let stamped = Event::new("line").peer(peer).text("x").stamped(true);
        let text = stamped.to_string();
        assert_eq!(&text[2..3], ":");
        assert!(text.ends_with(" [127.0.0.1:5000] x"), "{text}");
    }
}
