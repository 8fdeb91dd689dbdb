//! TCP conversations for `listen` and `connect`. A reader starts at [`listen::run`] or
//! [`connect::run`]; both turn their arguments into a config, open the socket through
//! [`crate::net::tcp`], and hand the connection to one of the services here:
//! [`session`] (chat on one connection), [`room`] (many clients: room or concurrent),
//! [`echo`] and [`pipe`] (byte-exact, like nc). The services produce [`Event`]s and never print;
//! [`render`] turns each event into a line for people or an NDJSON record.
//!
//! This module holds what both commands share: the talking settings ([`ModeArgs`], [`Mode`]),
//! the byte counts ([`Moved`]) and the event records.

mod accept;
pub mod connect;
mod echo;
pub mod listen;
mod pipe;
mod render;
mod room;
mod session;
mod stop;

use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use encoding_rs::Encoding;

use crate::error::{Error, Result};
use crate::model::chat::{DEFAULT_MAX_LINE, Eol, peer_addr};
use crate::model::sanitize;
use crate::model::socket_trace::{SocketCall, TcpState};
use crate::net::tcp;

/// The talking settings shared by `listen` and `connect`.
#[derive(Debug, Clone, clap::Args)]
pub struct ModeArgs {
    /// Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)
    #[arg(long, conflicts_with = "chat")]
    pub pipe: bool,

    /// Chat mode: lines, labelled and escaped (the default when stdin is a terminal)
    #[arg(long)]
    pub chat: bool,

    /// Only send; ignore what the peer sends
    #[arg(long, conflicts_with = "recv_only")]
    pub send_only: bool,

    /// Only receive; do not read stdin
    #[arg(long)]
    pub recv_only: bool,

    /// Chat: show the time (UTC) before each received line
    #[arg(short = 'D', long = "timestamps")]
    pub timestamps: bool,

    /// Chat: a line that ends the session when typed alone (repeatable; besides /quit)
    #[arg(long = "quit-word", value_name = "WORD", default_values_t = ["##".to_string(), "q".to_string()])]
    pub quit_words: Vec<String>,

    /// Chat: send the quit word to the peer before closing (for a peer that waits for it)
    #[arg(long)]
    pub send_quit: bool,

    /// Chat: what a typed line ends with when sent (none: exactly what was typed)
    #[arg(long, value_enum, value_name = "EOL", default_value_t = Eol::Lf)]
    pub eol: Eol,

    /// Chat and room: the peer's text encoding, both ways (utf-8, gbk, gb18030, big5,
    /// shift_jis, latin1)
    #[arg(long, value_name = "NAME", default_value = "utf-8")]
    pub encoding: String,

    /// Chat: show a line that has no newline yet after this long without more data
    #[arg(long, value_name = "DURATION", default_value = "200ms",
          value_parser = crate::model::duration::value_parser)]
    pub partial_after: Duration,

    /// Narrate each socket call and the TCP state after it (TCP_INFO), on stderr
    #[arg(long)]
    pub trace: bool,

    /// Chat and room: the longest line kept; longer lines are cut with a notice
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE)]
    pub max_line: usize,
}

/// Which directions a session moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directions {
    /// stdin to the peer (off with `--recv-only`).
    pub send: bool,
    /// the peer to stdout (off with `--send-only`).
    pub recv: bool,
}

/// What a session moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    /// Bytes received from the peer.
    pub bytes_in: u64,
    /// Bytes sent to the peer.
    pub bytes_out: u64,
}

impl Moved {
    /// Add another session's counts.
    pub fn add(&mut self, other: Self) {
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
    }
}

/// Chat settings (also used by the room).
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
    /// Send the quit word before closing (`--send-quit`).
    pub send_quit: bool,
    /// What a sent line ends with.
    pub eol: Eol,
    /// The peer's text encoding.
    pub encoding: &'static Encoding,
    /// How long an unfinished line waits before it is shown.
    pub partial_after: Duration,
    /// Narrate socket calls (`--trace`).
    pub trace: bool,
}

/// The validated talking settings.
#[derive(Debug, Clone)]
pub struct Mode {
    /// Pipe mode (else chat).
    pub pipe: bool,
    /// The directions moved.
    pub dirs: Directions,
    /// Chat settings (also used by the room).
    pub chat: ChatOptions,
}

impl ModeArgs {
    /// Validate; `stdin_is_tty` picks the default mode.
    pub fn to_mode(&self, stdin_is_tty: bool) -> Result<Mode> {
        if self.max_line == 0 {
            return Err(Error::invalid(
                "--max-line 0",
                "the line bound must be at least 1",
            ));
        }
        if let Some(w) = self.quit_words.iter().find(|w| w.trim().is_empty()) {
            return Err(Error::invalid(
                format!("--quit-word {w:?}"),
                "a quit word cannot be empty",
            ));
        }
        let encoding = sanitize::encoding(&self.encoding)
            .map_err(|reason| Error::invalid(format!("--encoding {}", self.encoding), reason))?;
        let pipe = self.pipe || (!self.chat && !stdin_is_tty);
        let dirs = Directions {
            send: !self.recv_only,
            recv: !self.send_only,
        };
        Ok(Mode {
            pipe,
            dirs,
            chat: ChatOptions {
                quit_words: self
                    .quit_words
                    .iter()
                    .map(|w| w.trim().to_string())
                    .collect(),
                timestamps: self.timestamps,
                max_line: self.max_line,
                send: dirs.send,
                recv: dirs.recv,
                send_quit: self.send_quit,
                eol: self.eol,
                encoding,
                partial_after: self.partial_after,
                trace: self.trace,
            },
        })
    }
}

/// The NDJSON event fields, shared by the man pages of `listen` and `connect`.
macro_rules! event_fields {
    () => {
        "With --json, chat and room modes print NDJSON records: {event, time (UTC, RFC 3339), \
peer, nick, text (control characters escaped), handshake_ms, bytes_in, bytes_out, duration_s, \
connections}, fields absent when they do not apply. Events: connected (peer, handshake_ms), \
connection (peer), line (peer, text, partial: true when the line had no newline yet and was \
shown after --partial-after or at the end), message (room: peer, nick, text), cut (a line longer than \
--max-line: its head was shown, the rest dropped), refused (peer, text: the rule), join, leave, \
nick (peer, nick: the new name), dropped (a room member too slow to read), peer_closed, closed \
(peer, bytes_in, bytes_out), trace (--trace: call, state as TCP_INFO reports it, such as \
ESTABLISHED or TIME_WAIT, and peer where a server talks with many clients at once), and last \
summary (bytes_in, bytes_out, duration_s, connections). \
Pipe mode passes raw bytes on stdout; its events go to stderr as text."
    };
}
use event_fields;

/// Milliseconds with microsecond precision.
#[must_use]
pub fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// One thing that happened on a TCP conversation: a line for people (see [`render`]) or one
/// NDJSON record, tagged by `event`. Every record carries its UTC time (RFC 3339, ms).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// `connect` reached its peer.
    Connected {
        /// When.
        time: String,
        /// The peer.
        peer: String,
        /// The three-way handshake time.
        handshake_ms: f64,
    },
    /// `listen` accepted a client.
    Connection {
        /// When.
        time: String,
        /// The client.
        peer: String,
    },
    /// A line the peer sent (chat, concurrent).
    Line {
        /// When.
        time: String,
        /// The peer.
        peer: String,
        /// The line, escaped.
        text: String,
        /// The line has no newline (yet): shown after an idle time or at the end.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        partial: bool,
    },
    /// A room member's message.
    Message {
        /// When.
        time: String,
        /// The member's address.
        peer: String,
        /// The member's nickname.
        nick: String,
        /// The message, escaped.
        text: String,
    },
    /// A line longer than `--max-line`: its head was shown, the rest dropped.
    Cut {
        /// When.
        time: String,
        /// The peer.
        peer: String,
        /// What happened.
        text: String,
    },
    /// A client refused at accept time.
    Refused {
        /// When.
        time: String,
        /// The client.
        peer: String,
        /// The rule that refused it.
        text: String,
    },
    /// A member joined the room.
    Join {
        /// When.
        time: String,
        /// Its address.
        peer: String,
        /// Its nickname.
        nick: String,
    },
    /// A member left the room.
    Leave {
        /// When.
        time: String,
        /// Its address.
        peer: String,
        /// Its nickname.
        nick: String,
        /// Why, when it did not leave on its own.
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// A member took a new nickname.
    Nick {
        /// When.
        time: String,
        /// Its address.
        peer: String,
        /// The new nickname.
        nick: String,
    },
    /// A member too slow to read was dropped.
    Dropped {
        /// When.
        time: String,
        /// Its address.
        peer: String,
        /// Its nickname.
        nick: String,
        /// Why.
        text: String,
    },
    /// The peer closed its side.
    PeerClosed {
        /// When.
        time: String,
        /// The peer.
        peer: String,
    },
    /// A connection ended.
    Closed {
        /// When.
        time: String,
        /// The peer.
        peer: String,
        /// Why, when it did not end normally.
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Bytes received.
        bytes_in: u64,
        /// Bytes sent.
        bytes_out: u64,
    },
    /// A socket call (`--trace`).
    Trace {
        /// When.
        time: String,
        /// The call and its result.
        call: String,
        /// The TCP state after it.
        #[serde(skip_serializing_if = "Option::is_none")]
        state: Option<TcpState>,
        /// The client whose connection it was on (a server with many clients).
        #[serde(skip_serializing_if = "Option::is_none")]
        peer: Option<String>,
    },
    /// The last record: totals.
    Summary {
        /// When.
        time: String,
        /// The version of this JSON shape.
        schema_version: crate::output::schema::SchemaVersion,
        /// Bytes received.
        bytes_in: u64,
        /// Bytes sent.
        bytes_out: u64,
        /// Seconds from start to end.
        #[serde(skip_serializing_if = "Option::is_none")]
        duration_s: Option<f64>,
        /// Connections served (listen).
        #[serde(skip_serializing_if = "Option::is_none")]
        connections: Option<u64>,
    },
}

/// The narration of accept() that returned `stream` from `peer` (`--trace`).
pub(crate) fn accepted(stream: &(impl AsFd + AsRawFd), peer: SocketAddr) -> SocketCall {
    let call = format!(
        "accept() = fd {} from {peer} (the kernel completed the three-way handshake)",
        stream.as_raw_fd()
    );
    SocketCall::with_state(call, tcp::state(stream.as_fd()))
}

/// Now, as events show it.
fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// A peer address as events show it (IPv4-mapped addresses as IPv4, a zone by its name).
fn peer_text(addr: SocketAddr) -> String {
    crate::net::host::endpoint(peer_addr(addr)).to_string()
}

impl Event {
    /// `connect` reached `peer`.
    #[must_use]
    pub fn connected(peer: SocketAddr, handshake: Duration) -> Self {
        let (time, peer) = (now(), peer_text(peer));
        let handshake_ms = millis(handshake);
        Self::Connected {
            time,
            peer,
            handshake_ms,
        }
    }

    /// A client was accepted.
    #[must_use]
    pub fn connection(peer: SocketAddr) -> Self {
        let (time, peer) = (now(), peer_text(peer));
        Self::Connection { time, peer }
    }

    /// A line from `peer` (already escaped), whole or `partial`.
    #[must_use]
    pub fn line(peer: SocketAddr, text: String, partial: bool) -> Self {
        let (time, peer) = (now(), peer_text(peer));
        Self::Line {
            time,
            peer,
            text,
            partial,
        }
    }

    /// A socket call (`--trace`).
    #[must_use]
    pub fn trace(call: &SocketCall) -> Self {
        Self::Trace {
            time: now(),
            call: call.call.clone(),
            state: call.state,
            peer: call.peer.clone(),
        }
    }

    /// A room message from `nick` (already escaped).
    #[must_use]
    pub fn message(peer: SocketAddr, nick: &str, text: String) -> Self {
        let (time, peer, nick) = (now(), peer_text(peer), nick.to_string());
        Self::Message {
            time,
            peer,
            nick,
            text,
        }
    }

    /// A line from `peer` cut at `max_line` bytes.
    #[must_use]
    pub fn cut(peer: SocketAddr, max_line: usize) -> Self {
        let (time, peer) = (now(), peer_text(peer));
        let text = format!("longer than {max_line} bytes, the rest was dropped");
        Self::Cut { time, peer, text }
    }

    /// `peer` was refused, and why.
    #[must_use]
    pub fn refused(peer: SocketAddr, reason: String) -> Self {
        let (time, peer) = (now(), peer_text(peer));
        Self::Refused {
            time,
            peer,
            text: reason,
        }
    }

    /// `nick` joined the room.
    #[must_use]
    pub fn join(peer: SocketAddr, nick: &str) -> Self {
        let (time, peer, nick) = (now(), peer_text(peer), nick.to_string());
        Self::Join { time, peer, nick }
    }

    /// `nick` left the room (and why, when it did not leave on its own).
    #[must_use]
    pub fn leave(peer: SocketAddr, nick: &str, reason: Option<String>) -> Self {
        let (time, peer, nick) = (now(), peer_text(peer), nick.to_string());
        Self::Leave {
            time,
            peer,
            nick,
            text: reason,
        }
    }

    /// `peer` is now called `nick`.
    #[must_use]
    pub fn nick(peer: SocketAddr, nick: &str) -> Self {
        let (time, peer, nick) = (now(), peer_text(peer), nick.to_string());
        Self::Nick { time, peer, nick }
    }

    /// `nick` was dropped, and why.
    #[must_use]
    pub fn dropped(peer: SocketAddr, nick: &str, reason: String) -> Self {
        let (time, peer, nick) = (now(), peer_text(peer), nick.to_string());
        Self::Dropped {
            time,
            peer,
            nick,
            text: reason,
        }
    }

    /// `peer` closed its side.
    #[must_use]
    pub fn peer_closed(peer: SocketAddr) -> Self {
        let (time, peer) = (now(), peer_text(peer));
        Self::PeerClosed { time, peer }
    }

    /// The connection with `peer` ended, having moved `moved` (and why, when not normally).
    #[must_use]
    pub fn closed(peer: SocketAddr, moved: Moved, reason: Option<String>) -> Self {
        let (time, peer) = (now(), peer_text(peer));
        Self::Closed {
            time,
            peer,
            text: reason,
            bytes_in: moved.bytes_in,
            bytes_out: moved.bytes_out,
        }
    }

    /// The totals of a run.
    #[must_use]
    pub fn summary(moved: Moved, duration: Duration, connections: Option<u64>) -> Self {
        Self::Summary {
            schema_version: crate::output::schema::SchemaVersion,
            time: now(),
            bytes_in: moved.bytes_in,
            bytes_out: moved.bytes_out,
            duration_s: Some(duration.as_secs_f64()),
            connections,
        }
    }
}
