//! Line handling for the chat and room modes of `listen`/`connect`: splitting a byte stream into
//! lines with a length bound (an over-long line is cut, the rest of it dropped, never buffered
//! without end) and the head of a line that stays unfinished (shown after an idle time, marked
//! partial), quit words, what a sent line ends with, room commands, nicknames and the access rules checked at accept
//! time. No I/O here.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

/// The default longest line kept in chat and room modes: 64 KiB.
pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

/// The longest nickname a room member may take.
pub const MAX_NICK: usize = 32;

/// One piece of a stream split into lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A whole line, without its `\n` (and without a `\r` before it).
    Line(Vec<u8>),
    /// The first `max` bytes of a line that was longer; the rest up to its `\n` is dropped.
    Cut(Vec<u8>),
    /// Bytes of a line whose `\n` has not come (yet): given out after an idle time or at the
    /// end of the stream.
    Partial(Vec<u8>),
}

impl Piece {
    /// The bytes kept.
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::Line(b) | Self::Cut(b) | Self::Partial(b) => b,
        }
    }

    /// Whether this is the unfinished head of a line.
    #[must_use]
    pub fn is_partial(&self) -> bool {
        matches!(self, Self::Partial(_))
    }
}

/// Splits a byte stream into lines of at most `max` bytes, holding at most `max` bytes.
#[derive(Debug)]
pub struct LineSplitter {
    buf: Vec<u8>,
    max: usize,
    /// Inside an over-long line whose head was already given out: drop bytes until `\n`.
    skipping: bool,
    /// Part of the current line was given out as [`Piece::Partial`]: its end adds no empty line.
    continued: bool,
}

impl LineSplitter {
    /// A splitter that cuts lines longer than `max` bytes (`max` at least 1).
    #[must_use]
    pub fn new(max: usize) -> Self {
        Self {
            buf: Vec::new(),
            max: max.max(1),
            skipping: false,
            continued: false,
        }
    }

    /// Feed bytes; complete lines (and cut heads of over-long ones) are appended to `out`.
    pub fn push(&mut self, mut data: &[u8], out: &mut Vec<Piece>) {
        while !data.is_empty() {
            let newline = data.iter().position(|&b| b == b'\n');
            if self.skipping {
                match newline {
                    Some(at) => {
                        self.skipping = false;
                        data = &data[at + 1..];
                    }
                    None => return,
                }
                continue;
            }
            let room = self.max - self.buf.len();
            match newline {
                Some(at) if at <= room => {
                    self.buf.extend_from_slice(&data[..at]);
                    data = &data[at + 1..];
                    let mut line = std::mem::take(&mut self.buf);
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    if !(self.continued && line.is_empty()) {
                        out.push(Piece::Line(line));
                    }
                    self.continued = false;
                }
                _ if data.len() <= room && newline.is_none() => {
                    self.buf.extend_from_slice(data);
                    return;
                }
                _ => {
                    // The line goes past the bound: give out its head, skip to its end.
                    self.buf.extend_from_slice(&data[..room]);
                    data = &data[room..];
                    out.push(Piece::Cut(std::mem::take(&mut self.buf)));
                    self.skipping = true;
                    self.continued = false;
                }
            }
        }
    }

    /// At end of stream: the last line if it had no `\n`, as a partial line.
    pub fn finish(&mut self) -> Option<Piece> {
        self.skipping = false;
        self.continued = false;
        if self.buf.is_empty() {
            return None;
        }
        let mut line = std::mem::take(&mut self.buf);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Some(Piece::Partial(line))
    }

    /// After an idle time: what is held of an unfinished line, as a partial line. A `\r` at
    /// its end is kept back, in case a `\n` follows, and so is the start of a character whose
    /// other bytes have not come. The rest of the line comes later.
    pub fn take_partial(&mut self) -> Option<Piece> {
        let keep_cr = self.buf.last() == Some(&b'\r');
        let mut len = self.buf.len() - usize::from(keep_cr);
        if let Err(e) = std::str::from_utf8(&self.buf[..len])
            && e.error_len().is_none()
        {
            len = e.valid_up_to();
        }
        if self.skipping || len == 0 {
            return None;
        }
        let head: Vec<u8> = self.buf.drain(..len).collect();
        self.continued = true;
        Some(Piece::Partial(head))
    }

    /// How many bytes are held waiting for a `\n` (never more than the bound).
    #[must_use]
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

/// Whether a line typed by the user ends the session: `/quit` or one of the quit words (the
/// line with surrounding blanks removed must equal the word).
#[must_use]
pub fn is_quit(line: &[u8], quit_words: &[String]) -> bool {
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    text == "/quit" || quit_words.iter().any(|w| w == text)
}

/// What a typed line ends with when it is sent (`--eol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Eol {
    /// `\n`, as most line-based programs expect.
    #[default]
    Lf,
    /// `\r\n`, as telnet and many Internet protocols send.
    Crlf,
    /// Nothing: exactly what was typed, as Python's `input().encode()` sends.
    None,
}

impl Eol {
    /// The bytes appended to a sent line.
    #[must_use]
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Self::Lf => b"\n",
            Self::Crlf => b"\r\n",
            Self::None => b"",
        }
    }
}

/// The line that tells the user how to end a chat: `type ## or q on a line of its own to quit`.
#[must_use]
pub fn quit_hint(quit_words: &[String]) -> String {
    let words = if quit_words.is_empty() {
        "/quit".to_string()
    } else {
        quit_words.join(" or ")
    };
    format!("type {words} on a line of its own to quit")
}

/// A line a room member sent: a command or a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomInput {
    /// `/nick NAME`: a valid new nickname.
    Nick(String),
    /// `/nick` with a name that cannot be used, and why.
    BadNick(String),
    /// `/quit`: leave the room.
    Quit,
    /// Anything else: a message for the others.
    Message,
}

/// Classify one line sent by a room member.
#[must_use]
pub fn room_input(line: &[u8]) -> RoomInput {
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    if text == "/quit" {
        return RoomInput::Quit;
    }
    match text.strip_prefix("/nick") {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
            match check_nick(rest.trim()) {
                Ok(name) => RoomInput::Nick(name),
                Err(reason) => RoomInput::BadNick(reason),
            }
        }
        _ => RoomInput::Message,
    }
}

/// A nickname is 1 to 32 characters, none of them blank, a control character, or one that is
/// shown escaped (invisible and direction-changing characters, U+2028/9): a name must read the
/// same to everyone, and no member may pass for another.
pub fn check_nick(name: &str) -> Result<String, String> {
    if name.is_empty() {
        return Err("usage: /nick NAME".to_string());
    }
    if name.chars().count() > MAX_NICK {
        return Err(format!("a nickname has at most {MAX_NICK} characters"));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || crate::model::sanitize::is_hidden(c))
    {
        return Err(
            "a nickname has no blanks, control characters or invisible characters".to_string(),
        );
    }
    if name.parse::<SocketAddr>().is_ok() {
        // Members without a nickname are shown by their address.
        return Err("a nickname cannot be an address: that is how others are shown".to_string());
    }
    Ok(name.to_string())
}

/// Whether two nicknames would read as one (compared without case).
#[must_use]
pub fn same_nick(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Why a member may not take the valid nickname `name`: it is the operator's (`operator`), or
/// one in `taken` (the other members'), without regard to case. `None` when it is free.
#[must_use]
pub fn nick_refusal<'a>(
    name: &str,
    operator: &str,
    mut taken: impl Iterator<Item = &'a str>,
) -> Option<String> {
    if same_nick(name, operator) {
        return Some(format!("{name} is the operator's nickname: choose another"));
    }
    taken
        .any(|t| same_nick(name, t))
        .then(|| format!("{name} is taken: choose another nickname"))
}

/// The address a peer is shown by: IPv4-mapped IPv6 addresses (from a dual-stack socket) as
/// plain IPv4.
#[must_use]
pub fn peer_addr(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), addr.port()),
            None => addr,
        },
        IpAddr::V4(_) => addr,
    }
}

/// Who may connect: `--allow` and `--deny` networks, checked at accept time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acl {
    /// When not empty, only peers in one of these networks are served.
    pub allow: Vec<IpNet>,
    /// Peers in one of these networks are refused (deny wins over allow).
    pub deny: Vec<IpNet>,
}

impl Acl {
    /// `None` when `peer` may connect, else why not (naming the rule).
    #[must_use]
    pub fn refusal(&self, peer: IpAddr) -> Option<String> {
        let peer = match peer {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(peer, IpAddr::V4),
            IpAddr::V4(_) => peer,
        };
        if let Some(net) = self.deny.iter().find(|n| n.contains(&peer)) {
            return Some(format!("denied by --deny {net}"));
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|n| n.contains(&peer)) {
            return Some("not in any --allow network".to_string());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(max: usize, chunks: &[&[u8]]) -> (Vec<Piece>, Option<Piece>) {
        let mut s = LineSplitter::new(max);
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut out);
            assert!(s.pending() <= max);
        }
        let last = s.finish();
        (out, last)
    }

    fn line(s: &str) -> Piece {
        Piece::Line(s.as_bytes().to_vec())
    }

    fn cut(s: &str) -> Piece {
        Piece::Cut(s.as_bytes().to_vec())
    }

    fn partial(s: &str) -> Piece {
        Piece::Partial(s.as_bytes().to_vec())
    }

    #[test]
    fn partial_lines_after_idle() {
        let mut s = LineSplitter::new(10);
        let mut out = Vec::new();
        s.push(b"hel", &mut out);
        assert_eq!(s.take_partial(), Some(partial("hel")));
        assert_eq!(s.take_partial(), None);
        s.push(b"lo\nab\r", &mut out);
        assert_eq!(out, vec![line("lo")]);
        // A held-back CR is not given out alone, and its LF ends the line without an empty one.
        assert_eq!(s.take_partial(), Some(partial("ab")));
        assert_eq!(s.take_partial(), None);
        out.clear();
        s.push(b"\n\nz", &mut out);
        assert_eq!(out, vec![line("")]);
        assert_eq!(s.finish(), Some(partial("z")));
        // The course's client: messages with no newline at all.
        s.push("你好".as_bytes(), &mut out);
        assert_eq!(s.take_partial(), Some(partial("你好")));
        s.push(b"##", &mut out);
        assert_eq!(s.finish(), Some(partial("##")));
        // A character cut by the pause waits for its last byte.
        s.push(b"ab\xe4\xbd", &mut out);
        assert_eq!(s.take_partial(), Some(partial("ab")));
        assert_eq!(s.take_partial(), None);
        s.push(b"\xa0\n", &mut out);
        assert_eq!(out.pop(), Some(line("你")));
    }

    #[test]
    fn eol_and_hint() {
        assert_eq!(Eol::Lf.bytes(), b"\n");
        assert_eq!(Eol::Crlf.bytes(), b"\r\n");
        assert_eq!(Eol::None.bytes(), b"");
        let words = vec!["##".to_string(), "q".to_string()];
        assert_eq!(
            quit_hint(&words),
            "type ## or q on a line of its own to quit"
        );
    }

    #[test]
    fn splits_lines() {
        type Case<'a> = (usize, Vec<&'a [u8]>, Vec<Piece>, Option<Piece>);
        let table: Vec<Case> = vec![
            (10, vec![b"a\nb\n"], vec![line("a"), line("b")], None),
            (
                10,
                vec![b"he", b"llo\nwo", b"rld"],
                vec![line("hello")],
                Some(partial("world")),
            ),
            (10, vec![b"crlf\r\n"], vec![line("crlf")], None),
            (10, vec![b"\n\n"], vec![line(""), line("")], None),
            (10, vec![b""], vec![], None),
            // Exactly the bound is kept whole.
            (5, vec![b"12345\n"], vec![line("12345")], None),
            // One past the bound is cut, the rest of the line dropped.
            (
                5,
                vec![b"123456\nok\n"],
                vec![cut("12345"), line("ok")],
                None,
            ),
            (
                3,
                vec![b"abcdefgh", b"ijk", b"lm\nz\n"],
                vec![cut("abc"), line("z")],
                None,
            ),
            (3, vec![b"ab", b"cd", b"\n"], vec![cut("abc")], None),
            // A cut line with no end at EOF leaves nothing behind.
            (2, vec![b"abcdef"], vec![cut("ab")], None),
        ];
        for (max, chunks, want, want_last) in table {
            let (got, last) = split(max, &chunks);
            assert_eq!(got, want, "{chunks:?}");
            assert_eq!(last, want_last, "{chunks:?}");
        }
    }

    #[test]
    fn huge_line_is_never_buffered() {
        let mut s = LineSplitter::new(1024);
        let mut out = Vec::new();
        let chunk = vec![b'x'; 4096];
        for _ in 0..1000 {
            s.push(&chunk, &mut out);
            assert!(s.pending() <= 1024);
        }
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].bytes().len(), 1024);
    }

    #[test]
    fn quit_words() {
        let words = vec!["q".to_string(), "##".to_string()];
        assert!(is_quit(b"q", &words));
        assert!(is_quit(b" ## ", &words));
        assert!(is_quit(b"/quit", &words));
        assert!(!is_quit(b"quit", &words));
        assert!(!is_quit(b"q q", &words));
        assert!(!is_quit(b"q", &[]));
        assert!(is_quit(b"/quit", &[]));
    }

    #[test]
    fn room_inputs() {
        assert_eq!(room_input(b"/nick alice"), RoomInput::Nick("alice".into()));
        assert_eq!(room_input(b"/nick  bob "), RoomInput::Nick("bob".into()));
        assert_eq!(room_input(b"/quit"), RoomInput::Quit);
        assert_eq!(room_input(b"hello"), RoomInput::Message);
        assert_eq!(room_input(b"/nickname"), RoomInput::Message);
        assert!(matches!(room_input(b"/nick"), RoomInput::BadNick(_)));
        assert!(matches!(room_input(b"/nick a\x1bb"), RoomInput::BadNick(_)));
        let long = format!("/nick {}", "n".repeat(33));
        assert!(matches!(room_input(long.as_bytes()), RoomInput::BadNick(_)));
        for hidden in [
            "s\u{200b}erver",
            "a\u{202e}b",
            "a\u{2028}b",
            "a\u{85}b",
            "a\u{a0}b",
        ] {
            let line = format!("/nick {hidden}");
            assert!(
                matches!(room_input(line.as_bytes()), RoomInput::BadNick(_)),
                "{hidden:?}"
            );
        }
        assert_eq!(
            room_input("/nick 李雷".as_bytes()),
            RoomInput::Nick("李雷".into())
        );
    }

    #[test]
    fn nick_clashes() {
        let taken = ["bob", "127.0.0.1:5000"];
        let refusal = |name| nick_refusal(name, "server", taken.iter().copied());
        assert_eq!(refusal("alice"), None);
        assert_eq!(
            refusal("SERVER").as_deref(),
            Some("SERVER is the operator's nickname: choose another")
        );
        assert_eq!(
            refusal("Bob").as_deref(),
            Some("Bob is taken: choose another nickname")
        );
        assert!(refusal("127.0.0.1:5000").is_some());
        assert!(check_nick("127.0.0.1:5001").is_err());
        assert!(check_nick("[::1]:5001").is_err());
        assert!(check_nick("host:80").is_ok());
        assert!(same_nick("ÄRGER", "ärger"));
        assert!(!same_nick("ann", "anne"));
    }

    #[test]
    fn mapped_addresses_shown_as_v4() {
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        assert_eq!(peer_addr(mapped).to_string(), "127.0.0.1:5000");
        let v6: SocketAddr = "[::1]:5000".parse().unwrap();
        assert_eq!(peer_addr(v6), v6);
    }

    #[test]
    fn acl_rules() {
        let acl = Acl {
            allow: vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()],
            deny: vec!["127.0.0.2/32".parse().unwrap()],
        };
        let table = [
            ("127.0.0.1", None),
            ("::ffff:127.0.0.1", None),
            ("::1", None),
            ("127.0.0.2", Some("denied by --deny 127.0.0.2/32")),
            ("10.0.0.1", Some("not in any --allow network")),
        ];
        for (ip, want) in table {
            assert_eq!(acl.refusal(ip.parse().unwrap()).as_deref(), want, "{ip}");
        }
        assert_eq!(Acl::default().refusal("10.0.0.1".parse().unwrap()), None);
    }
}
