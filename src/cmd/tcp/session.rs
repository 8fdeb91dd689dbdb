//! Chat mode on one connection (full duplex: the user types while the peer's lines arrive), and
//! the threads that read standard input for it and for the room. A reader starts at [`chat`];
//! every line shown goes to the [`Renderer`] as an [`Event`].

use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::pipe::reset;
use super::render::Renderer;
use super::stop::Stop;
use super::{ChatOptions, Event, Moved};
use crate::error::{Error, Result};
use crate::model::chat::{LineSplitter, Piece, is_quit};
use crate::model::sanitize::{decode_escaped, encode};
use crate::model::socket_trace::{SocketCall, TcpState};
use crate::net::tcp::{self, is_reset};

/// The most typed bytes gathered into one write (more lines wait for the next).
const SEND_BATCH: usize = 64 * 1024;

/// Lines typed on stdin, read by one thread for the whole run (so consecutive sessions share
/// it). The reading thread hands over what it reads and the consumer cuts the lines, so that each
/// line's buffer is made and freed on one thread: made by the reader and freed by a session, they
/// had the two threads take turns at the allocator's lock, for half of chat mode's time.
#[must_use]
pub fn stdin_lines(max_line: usize) -> Typed {
    Typed::new(stdin_reads(16 * 1024, 4), Some(LineSplitter::new(max_line)))
}

/// Standard input in raw chunks (pipe mode with many clients), each read (of at most `size`
/// bytes) as one piece.
#[must_use]
pub fn stdin_chunks(size: usize) -> Typed {
    Typed::new(stdin_reads(size, 16), None)
}

/// What a thread reads from stdin, each read (of at most `size` bytes) as it came; the channel
/// closes at end of input.
fn stdin_reads(size: usize, queue: usize) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel(queue);
    std::thread::spawn(move || {
        use std::io::Read;
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; size];
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 || tx.blocking_send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    rx
}

/// What is typed (or piped) on stdin, as lines cut from its reads or as the reads themselves,
/// handed out as a consumer asks for them.
#[derive(Debug)]
pub struct Typed {
    reads: mpsc::Receiver<Vec<u8>>,
    /// Cuts the reads into lines; `None` gives each read whole.
    splitter: Option<LineSplitter>,
    /// Input has ended and its last piece was given out.
    ended: bool,
}

impl Typed {
    fn new(reads: mpsc::Receiver<Vec<u8>>, splitter: Option<LineSplitter>) -> Self {
        Self {
            reads,
            splitter,
            ended: false,
        }
    }

    /// The pieces of one read, appended to `into`.
    fn push(&mut self, read: Vec<u8>, into: &mut Vec<Piece>) {
        match &mut self.splitter {
            Some(splitter) => splitter.push(&read, into),
            None => into.push(Piece::Line(read)),
        }
    }

    /// Input has ended: its unfinished last line, if any, goes into `into`.
    fn end(&mut self, into: &mut Vec<Piece>) {
        self.ended = true;
        into.extend(self.splitter.as_mut().and_then(LineSplitter::finish));
    }

    /// Wait for typed pieces and append them to `into` with every piece already waiting behind
    /// them, up to about `limit` bytes; `false` at end of input. Cancel-safe: it adds nothing to
    /// `into` before its one wait is over, and nothing read is lost when it is dropped there.
    pub async fn next_lines(&mut self, into: &mut Vec<Piece>, limit: usize) -> bool {
        if self.ended {
            return false;
        }
        let start = into.len();
        // Until a read brings a whole piece (or input ends with part of one).
        while into.len() == start {
            let Some(read) = self.reads.recv().await else {
                self.end(into);
                return into.len() > start;
            };
            self.push(read, into);
        }
        let mut held: usize = into[start..].iter().map(|p| p.bytes().len()).sum();
        while held < limit {
            let before = into.len();
            match self.reads.try_recv() {
                Ok(read) => self.push(read, into),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    self.end(into);
                    break;
                }
            }
            held += into[before..]
                .iter()
                .map(|p| p.bytes().len())
                .sum::<usize>();
        }
        true
    }
}

/// How a chat session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatEnd {
    /// The user typed a quit word or ended stdin.
    Local,
    /// The peer closed the connection.
    Peer,
}

/// Run one chat session until the user or the peer ends it (or a stop signal). Whatever ends it,
/// everything the peer sent is shown first: unfinished lines as partial lines.
pub async fn chat(
    stream: TcpStream,
    peer: SocketAddr,
    input: &mut Typed,
    opts: &ChatOptions,
    stop: &Stop,
    out: &mut Renderer<'_>,
    moved: &mut Moved,
) -> Result<ChatEnd> {
    let (reader, writer) = stream.into_split();
    let mut talk = Talk {
        reader,
        writer,
        peer,
        opts,
        splitter: LineSplitter::new(opts.max_line),
        buf: vec![0u8; 64 * 1024],
        moved,
        closed_first: false,
    };
    let end = talk.run(input, stop, out).await;
    drop(talk);
    if opts.trace {
        out.trace(&SocketCall::close());
    }
    end
}

/// One conversation's state.
struct Talk<'a> {
    reader: OwnedReadHalf,
    writer: OwnedWriteHalf,
    peer: SocketAddr,
    opts: &'a ChatOptions,
    splitter: LineSplitter,
    buf: Vec<u8>,
    moved: &'a mut Moved,
    /// Our FIN went first (then the kernel keeps the connection in TIME_WAIT).
    closed_first: bool,
}

impl Talk<'_> {
    async fn run(
        &mut self,
        input: &mut Typed,
        stop: &Stop,
        out: &mut Renderer<'_>,
    ) -> Result<ChatEnd> {
        let input_open = self.opts.send;
        // When the peer's unfinished line is shown if nothing more comes.
        let mut flush_at: Option<Instant> = None;
        let mut typed = Vec::new();
        loop {
            let idle = async {
                match flush_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = stop.wait() => return self.close_local(out).await,
                more = input.next_lines(&mut typed, SEND_BATCH), if input_open => {
                    if !more {
                        // Ctrl-D: close our side; the peer reports it.
                        return self.close_local(out).await;
                    }
                    // Lines already waiting behind the first (a paste, a pipe) go in the same
                    // write; a line typed alone goes at once, as it is.
                    let sent = self.send(&typed, out).await;
                    typed.clear();
                    if sent? {
                        return self.close_local(out).await;
                    }
                }
                read = self.reader.read(&mut self.buf) => {
                    let n = self.received(read, out)?;
                    if n == 0 {
                        self.finish(out)?;
                        out.emit(&Event::peer_closed(self.peer))?;
                        // Our FIN in answer: the kernel then waits for the last ACK.
                        let _ = self.writer.shutdown().await;
                        self.trace(SocketCall::our_fin, out);
                        return Ok(ChatEnd::Peer);
                    }
                    flush_at = (self.splitter.pending() > 0)
                        .then(|| Instant::now() + self.opts.partial_after);
                }
                () = idle => {
                    flush_at = None;
                    if let Some(head) = self.splitter.take_partial() {
                        self.show(&[head], out)?;
                    }
                }
            }
        }
    }

    /// Send typed lines in one write, each in the chosen encoding with the chosen line end, up
    /// to a quit word (sent too with `--send-quit`); returns whether a quit word came.
    async fn send(&mut self, typed: &[Piece], out: &mut Renderer<'_>) -> Result<bool> {
        let mut wire = Vec::new();
        let mut lines = 0;
        let mut quit = false;
        for piece in typed {
            if let Piece::Cut(_) = piece {
                out.note(format!("your line was cut at {} bytes", self.opts.max_line));
            }
            quit = is_quit(piece.bytes(), &self.opts.quit_words);
            if quit && !self.opts.send_quit {
                break;
            }
            let (line, unmappable) = encode(piece.bytes(), self.opts.encoding);
            if unmappable {
                out.note(format!(
                    "some characters have no {} form and were sent as &#NNNN; references",
                    self.opts.encoding.name()
                ));
            }
            wire.extend_from_slice(&line);
            wire.extend_from_slice(self.opts.eol.bytes());
            lines += 1;
            if quit {
                break;
            }
        }
        if lines == 0 {
            return Ok(quit);
        }
        match self.writer.write_all(&wire).await {
            Ok(()) => self.moved.bytes_out += wire.len() as u64,
            Err(e) if is_reset(&e) => return Err(reset()),
            Err(e) => return Err(Error::io(format!("send to {}", self.peer), e)),
        }
        self.trace(|state| SocketCall::send(wire.len(), state), out);
        Ok(quit)
    }

    /// Account for one read and show the complete lines it brought; returns its size.
    fn received(&mut self, read: std::io::Result<usize>, out: &mut Renderer<'_>) -> Result<usize> {
        let n = match read {
            Ok(n) => n,
            Err(e) if is_reset(&e) => return Err(reset()),
            Err(e) => return Err(Error::io(format!("receive from {}", self.peer), e)),
        };
        if n == 0 {
            let closed_first = self.closed_first;
            self.trace(|state| SocketCall::peer_fin(closed_first, state), out);
            return Ok(0);
        }
        let size = self.buf.len();
        self.trace(|state| SocketCall::recv(size, n, state), out);
        self.moved.bytes_in += n as u64;
        if self.opts.recv {
            let mut pieces = Vec::new();
            self.splitter.push(&self.buf[..n], &mut pieces);
            self.show(&pieces, out)?;
        }
        Ok(n)
    }

    /// Our side ends: send our FIN, then show what the peer still sends until it closes too
    /// (for a moment at most), so nothing received is lost and the connection ends with the
    /// peer's close rather than a reset (closing a socket with unread data sends a reset).
    async fn close_local(&mut self, out: &mut Renderer<'_>) -> Result<ChatEnd> {
        let _ = self.writer.shutdown().await;
        self.closed_first = true;
        self.trace(SocketCall::our_fin, out);
        let deadline = Instant::now() + Duration::from_secs(2);
        while let Ok(read) =
            tokio::time::timeout_at(deadline, self.reader.read(&mut self.buf)).await
        {
            if !matches!(self.received(read, out), Ok(n) if n > 0) {
                break;
            }
        }
        self.finish(out)?;
        Ok(ChatEnd::Local)
    }

    /// Show what is held of an unfinished line.
    fn finish(&mut self, out: &mut Renderer<'_>) -> Result<()> {
        match self.splitter.finish() {
            Some(last) if self.opts.recv => self.show(&[last], out),
            _ => Ok(()),
        }
    }

    /// Show the peer's lines of one read, all in one write to stdout.
    fn show(&self, pieces: &[Piece], out: &mut Renderer<'_>) -> Result<()> {
        let mut events = Vec::with_capacity(pieces.len());
        for piece in pieces {
            let text = decode_escaped(piece.bytes(), self.opts.encoding);
            events.push(Event::line(self.peer, text, piece.is_partial()));
            if let Piece::Cut(_) = piece {
                events.push(Event::cut(self.peer, self.opts.max_line));
            }
        }
        out.emit_all(&events)
    }

    /// Narrate a call with the connection's state after it (`--trace`).
    fn trace(&self, call: impl FnOnce(Option<TcpState>) -> SocketCall, out: &mut Renderer<'_>) {
        if self.opts.trace {
            out.trace(&call(tcp::state(self.reader.as_ref().as_fd())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads that end lines anywhere: each ask waits for a whole line, takes every read already
    /// waiting behind it up to the limit, and the unfinished last line comes at the end.
    #[tokio::test]
    async fn stdin_lines_cut_reads_into_lines_on_the_session_side() {
        let (tx, rx) = mpsc::channel(8);
        for read in ["ab", "c\nd", "e\nf\n", "toolong\ng"] {
            tx.send(read.as_bytes().to_vec()).await.unwrap();
        }
        let mut lines = Typed::new(rx, Some(LineSplitter::new(4)));
        let mut got = Vec::new();
        // "abc" is under the limit, so the read behind it is taken too, with both its lines;
        // then the limit is reached and the last read waits for the next ask.
        assert!(lines.next_lines(&mut got, 5).await);
        let line = |s: &str| Piece::Line(s.as_bytes().to_vec());
        assert_eq!(got, [line("abc"), line("de"), line("f")]);
        got.clear();
        assert!(lines.next_lines(&mut got, 100).await);
        assert_eq!(got, [Piece::Cut(b"tool".to_vec())]);
        got.clear();
        drop(tx);
        assert!(lines.next_lines(&mut got, 100).await);
        assert_eq!(got, [Piece::Partial(b"g".to_vec())]);
        got.clear();
        assert!(!lines.next_lines(&mut got, 100).await);
        assert!(got.is_empty());
    }
}
