//! How TCP events are shown: with `--json` every event is one NDJSON record on stdout; in text,
//! lines and room messages are results on stdout (`[127.0.0.1:5000] hello`) and the rest is
//! status on stderr. The services in this folder hand every event to a [`Renderer`]; nothing
//! else in them prints.

use std::fmt;
use std::io::Write as _;

use super::Event;
use crate::error::Result;
use crate::model::socket_trace::SocketCall;
use crate::output::Output;

/// Prints the events of one run.
pub struct Renderer<'a> {
    out: &'a mut Output,
    timestamps: bool,
    /// Stdout carries the peer's bytes (pipe mode): trace records go to stderr as text.
    bytes_on_stdout: bool,
    /// Lines and records for stdout are gathered here and written by [`Renderer::release`]
    /// (a busy server writes a burst at once, not a line at a time); else written at once.
    hold: bool,
    held: Vec<u8>,
}

/// The most bytes a held renderer gathers before it writes them anyway.
const HELD_MAX: usize = 64 * 1024;

impl<'a> Renderer<'a> {
    /// A renderer on `out`; `timestamps` (`-D`) puts the time before lines and messages.
    pub fn new(out: &'a mut Output, timestamps: bool) -> Self {
        Self {
            out,
            timestamps,
            bytes_on_stdout: false,
            hold: false,
            held: Vec::new(),
        }
    }

    /// Hold stdout's lines (`on`) until [`Renderer::release`] (or until [`HELD_MAX`] bytes wait):
    /// for a loop that releases before it waits. Status lines on stderr release first, so
    /// the two streams keep their order.
    pub fn hold(&mut self, on: bool) -> Result<()> {
        self.hold = on;
        if on { Ok(()) } else { self.release() }
    }

    /// Write and flush what is held.
    pub fn release(&mut self) -> Result<()> {
        if self.held.is_empty() {
            return Ok(());
        }
        let written = self.out.write_bytes(&self.held);
        self.held.clear();
        written?;
        self.out.flush()
    }

    /// Bytes for stdout: held, or written and flushed.
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        if self.hold {
            self.held.extend_from_slice(bytes);
            if self.held.len() < HELD_MAX {
                return Ok(());
            }
            return self.release();
        }
        self.out.write_bytes(bytes)?;
        self.out.flush()
    }

    /// Before a line on stderr: what is held for stdout goes first. A failing stdout shows at
    /// the next line for it.
    fn before_stderr(&mut self) {
        let _ = self.release();
    }

    /// Whether stdout carries the peer's bytes (pipe mode), so that nothing else may go there.
    #[must_use]
    pub fn bytes_on_stdout(mut self, on: bool) -> Self {
        self.bytes_on_stdout = on;
        self
    }

    /// Print one event: NDJSON with `--json`; else results on stdout and status on stderr.
    pub fn emit(&mut self, event: &Event) -> Result<()> {
        let text = Text {
            event,
            stamp: self.timestamps,
        };
        if self.out.is_json() {
            let mut line = Vec::new();
            crate::output::ndjson_line(&mut line, event)?;
            self.put(&line)
        } else if matches!(event, Event::Line { .. } | Event::Message { .. }) {
            self.put(format!("{text}\n").as_bytes())
        } else {
            if !matches!(event, Event::Summary { .. }) {
                self.before_stderr();
                self.out.note(text);
            }
            Ok(())
        }
    }

    /// Print many events, the lines among them in one write to stdout (a burst from the peer
    /// costs one system call, not one a line); status lines keep their place between them.
    pub fn emit_all(&mut self, events: &[Event]) -> Result<()> {
        let mut lines = Vec::new();
        for event in events {
            if self.out.is_json() {
                crate::output::ndjson_line(&mut lines, event)?;
            } else if matches!(event, Event::Line { .. } | Event::Message { .. }) {
                let text = Text {
                    event,
                    stamp: self.timestamps,
                };
                let _ = writeln!(lines, "{text}");
            } else {
                self.write_lines(&mut lines)?;
                self.emit(event)?;
            }
        }
        self.write_lines(&mut lines)
    }

    /// Write and flush (or hold) what [`Renderer::emit_all`] gathered.
    fn write_lines(&mut self, lines: &mut Vec<u8>) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let put = self.put(lines);
        lines.clear();
        put
    }

    /// An event as a status line on stderr, whatever the format (pipe mode: stdout carries the
    /// peer's bytes).
    pub fn status(&mut self, event: &Event) {
        self.before_stderr();
        self.out.note(Text {
            event,
            stamp: false,
        });
    }

    /// A socket call (`--trace`): a line on stderr, or a record with `--json` (unless stdout
    /// carries the peer's bytes).
    pub fn trace(&mut self, call: &SocketCall) {
        if self.out.is_json() && !self.bytes_on_stdout {
            // A closed stdout ends the run at the next event; a trace line is not worth it.
            let mut line = Vec::new();
            if crate::output::ndjson_line(&mut line, &Event::trace(call)).is_ok() {
                let _ = self.put(&line);
            }
        } else {
            self.before_stderr();
            self.out.note(call);
        }
    }

    /// A status line on stderr (unless `-q`).
    pub fn note(&mut self, message: impl fmt::Display) {
        self.before_stderr();
        self.out.note(message);
    }

    /// A detail on stderr with `-v`.
    pub fn debug(&mut self, message: impl fmt::Display) {
        self.before_stderr();
        self.out.debug(message);
    }

    /// A warning on stderr.
    pub fn warn(&mut self, message: impl fmt::Display) {
        self.before_stderr();
        self.out.warn(message);
    }

    /// Bytes to stdout as they are, flushed (`--concurrent` in pipe mode).
    pub fn raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.put(bytes)
    }
}

impl Drop for Renderer<'_> {
    /// Nothing held is lost when a run ends early (an error, a signal).
    fn drop(&mut self) {
        let _ = self.release();
    }
}

/// The text rendering of one event.
struct Text<'e> {
    event: &'e Event,
    stamp: bool,
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.event {
            Event::Line {
                time,
                peer,
                text,
                partial,
            } => {
                clock(f, time, self.stamp)?;
                label(f, peer)?;
                write!(f, " {text}")?;
                if *partial {
                    write!(f, " (no newline)")?;
                }
                Ok(())
            }
            Event::Message {
                time, nick, text, ..
            } => {
                clock(f, time, self.stamp)?;
                write!(f, "[{nick}] {text}")
            }
            Event::Connected {
                peer, handshake_ms, ..
            } => write!(f, "connected to {peer} in {handshake_ms:.2} ms"),
            Event::Connection { peer, .. } => write!(f, "connection from {peer}"),
            Event::Closed {
                peer,
                bytes_in,
                bytes_out,
                ..
            } => write!(
                f,
                "connection from {peer} closed ({})",
                crate::output::words::bytes_in_out(*bytes_in, *bytes_out)
            ),
            Event::PeerClosed { .. } => write!(f, "peer closed the connection"),
            Event::Refused { peer, text, .. } => {
                write!(f, "refused connection from {peer}: {text}")
            }
            Event::Cut { peer, text, .. } => write!(f, "line from {peer} cut: {text}"),
            Event::Join { nick, .. } => write!(f, "* {nick} joined"),
            Event::Leave { nick, .. } => write!(f, "* {nick} left"),
            Event::Nick { peer, nick, .. } => write!(f, "* {peer} is now {nick}"),
            Event::Dropped { nick, text, .. } => write!(f, "* {nick} dropped: {text}"),
            Event::Trace {
                call, state, peer, ..
            } => {
                let mut shown = SocketCall::with_state(call.clone(), *state);
                shown.peer.clone_from(peer);
                shown.fmt(f)
            }
            Event::Summary {
                bytes_in,
                bytes_out,
                ..
            } => f.write_str(&crate::output::words::bytes_in_out(*bytes_in, *bytes_out)),
        }
    }
}

/// A peer's label: `[127.0.0.1:5000]`, and `[::1]:5000` as it is (its brackets are enough).
fn label(f: &mut fmt::Formatter<'_>, peer: &str) -> fmt::Result {
    if peer.starts_with('[') {
        f.write_str(peer)
    } else {
        write!(f, "[{peer}]")
    }
}

/// `2026-11-02T10:11:12.345Z` shown as `10:11:12.345 ` when timestamps are on.
fn clock(f: &mut fmt::Formatter<'_>, time: &str, on: bool) -> fmt::Result {
    if on {
        write!(f, "{} ", time.get(11..23).unwrap_or(time))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::super::Moved;
    use super::*;

    fn text(event: &Event, stamp: bool) -> String {
        Text { event, stamp }.to_string()
    }

    #[test]
    fn renders_events() {
        let peer: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        let line = Event::line(peer, "hi\\x1b[2J".into(), false);
        assert_eq!(text(&line, false), "[127.0.0.1:5000] hi\\x1b[2J");
        let moved = Moved {
            bytes_in: 3,
            bytes_out: 4,
        };
        let closed = Event::closed(peer, moved, None);
        assert_eq!(
            text(&closed, false),
            "connection from 127.0.0.1:5000 closed (3 bytes in, 4 bytes out)"
        );
        let json = serde_json::to_value(&closed).unwrap();
        assert_eq!(json["event"], "closed");
        assert_eq!(json["bytes_in"], 3);
        assert!(json.get("nick").is_none());
        assert!(json.get("text").is_none());
        let stamped = text(&Event::line(peer, "x".into(), false), true);
        assert_eq!(&stamped[2..3], ":");
        assert!(stamped.ends_with(" [127.0.0.1:5000] x"), "{stamped}");
        let json = serde_json::to_value(Event::peer_closed(peer)).unwrap();
        assert_eq!(json["event"], "peer_closed");
        let v6: SocketAddr = "[::1]:34252".parse().unwrap();
        let partial = Event::line(v6, "hello".into(), true);
        assert_eq!(text(&partial, false), "[::1]:34252 hello (no newline)");
        assert_eq!(serde_json::to_value(&partial).unwrap()["partial"], true);
        assert!(
            serde_json::to_value(&line)
                .unwrap()
                .get("partial")
                .is_none()
        );
    }

    #[test]
    fn held_lines_wait_for_release_and_stderr_keeps_its_order() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let (mut output, stdout, stderr) = Output::capture(crate::output::Format::Text);
        {
            let mut out = Renderer::new(&mut output, false);
            out.hold(true).unwrap();
            out.emit(&Event::line(peer, "a".into(), false)).unwrap();
            out.emit(&Event::line(peer, "b".into(), false)).unwrap();
            assert_eq!(stdout.contents(), "");
            out.release().unwrap();
            assert_eq!(
                stdout.contents(),
                "[127.0.0.1:5000] a\n[127.0.0.1:5000] b\n"
            );
            out.emit(&Event::line(peer, "c".into(), false)).unwrap();
            // A status line releases what is held first.
            out.emit(&Event::connection(peer)).unwrap();
            assert!(
                stdout.contents().ends_with("] c\n"),
                "{}",
                stdout.contents()
            );
            assert_eq!(stderr.contents(), "connection from 127.0.0.1:5000\n");
            out.emit(&Event::line(peer, "d".into(), false)).unwrap();
            let big = "x".repeat(HELD_MAX);
            out.emit(&Event::line(peer, big, false)).unwrap();
            // Past the bound, what is held is written without waiting.
            assert!(stdout.contents().contains("] d\n"));
            out.emit(&Event::line(peer, "e".into(), false)).unwrap();
        }
        // Dropping the renderer writes what was still held.
        assert!(stdout.contents().ends_with("] e\n"));
    }
}
