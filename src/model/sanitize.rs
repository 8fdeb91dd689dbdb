//! The one escaping policy for text that came from the network (chat and room lines, UDP
//! payloads, DNS data): shown so that a peer can neither drive the user's terminal (cursor moves,
//! colours, titles) nor make text read differently from what was sent (bidi overrides,
//! invisible characters). A reader starts at [`escape_bytes`].
//!
//! Escaped: C0 controls and DEL (`\t`, `\n`, `\r`, else `\xNN`), C1 controls and every Unicode
//! format character (category Cf: U+200B, U+200E, U+202A-U+202E, U+2066-U+2069, U+FEFF, ...)
//! and the line and paragraph separators U+2028/U+2029 (`\u{202e}`), bytes that do not decode
//! (`\xNN`), and the backslash itself (`\\`), so that the escaped text maps back to exactly the
//! bytes received. Everything else, letters of every script included, is kept.

use std::borrow::Cow;
use std::fmt::Write;

use encoding_rs::{DecoderResult, Encoding, UTF_8};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Escape `bytes` as UTF-8 (see the module comment).
#[must_use]
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    escape_bytes_into(&mut out, bytes);
    out
}

/// As [`escape_bytes`], appended to `out`.
pub fn escape_bytes_into(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        escape_into(out, chunk.valid(), true);
        push_bytes(out, chunk.invalid());
    }
}

/// Escape `text` (see the module comment).
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, true);
    out
}

/// Escape a message that may quote input (an error line): as [`escape`], but a backslash is
/// kept as it is, since the message may already hold escaped text. A newline cannot split it
/// and no control character reaches the terminal.
#[must_use]
pub fn escape_message(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, false);
    out
}

/// Decode `bytes` from `encoding` and escape the result; bytes that do not decode are shown as
/// `\xNN`, never as a replacement or a wrong character.
#[must_use]
pub fn decode_escaped(bytes: &[u8], encoding: &'static Encoding) -> String {
    if encoding == UTF_8 {
        return escape_bytes(bytes);
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len());
    let mut chunk = String::with_capacity(bytes.len() * 3 + 16);
    let mut src = bytes;
    loop {
        chunk.clear();
        let (result, read) = decoder.decode_to_string_without_replacement(src, &mut chunk, true);
        escape_into(&mut out, &chunk, true);
        match result {
            DecoderResult::InputEmpty => return out,
            DecoderResult::OutputFull => chunk.reserve(src.len() * 3 + 16),
            DecoderResult::Malformed(bad, extra) => {
                let end = read - usize::from(extra);
                let start = end.saturating_sub(usize::from(bad));
                push_bytes(&mut out, &src[start..end]);
            }
        }
        src = &src[read..];
    }
}

/// The encoding named `name` (`utf-8`, `gbk`, `gb18030`, `big5`, `shift_jis`, `latin1`, or any
/// WHATWG label), or why not.
pub fn encoding(name: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(name.trim().as_bytes()).ok_or_else(|| {
        "not a known encoding: try utf-8, gbk, gb18030, big5, shift_jis or latin1".to_string()
    })
}

/// `text` (what the user typed, UTF-8) in `encoding` (`text` itself for UTF-8), and whether
/// some character had no mapping there (it is then sent as an HTML numeric reference, as
/// browsers do).
#[must_use]
pub fn encode<'a>(text: &'a [u8], encoding: &'static Encoding) -> (Cow<'a, [u8]>, bool) {
    if encoding == UTF_8 {
        return (Cow::Borrowed(text), false);
    }
    let text = String::from_utf8_lossy(text);
    let (bytes, _, unmappable) = encoding.encode(&text);
    (Cow::Owned(bytes.into_owned()), unmappable)
}

fn push_bytes(out: &mut String, bytes: &[u8]) {
    for byte in bytes {
        let _ = write!(out, "\\x{byte:02x}");
    }
}

/// Whether `c` is shown escaped (besides the C0 controls, DEL and the backslash): C1 controls,
/// U+2028/9 and the format characters (Cf: invisible and direction-changing ones).
#[must_use]
pub fn is_hidden(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
        || matches!(c, '\u{2028}' | '\u{2029}')
        || c.general_category() == GeneralCategory::Format
}

fn escape_into(out: &mut String, mut text: &str, backslash: bool) {
    loop {
        // A run of printable ASCII is kept as it is, in one copy.
        let kept = text
            .bytes()
            .position(|b| !(b' '..b'\x7f').contains(&b) || (backslash && b == b'\\'))
            .unwrap_or(text.len());
        out.push_str(&text[..kept]);
        text = &text[kept..];
        let Some(c) = text.chars().next() else {
            return;
        };
        text = &text[c.len_utf8()..];
        match c {
            '\\' if backslash => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Whether `bytes` reads as text (to be shown escaped) rather than binary data (to be shown as a
/// hex dump): valid UTF-8 with no NUL byte.
#[must_use]
pub fn is_text(bytes: &[u8]) -> bool {
    !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_message_keeps_backslashes_and_cannot_be_split() {
        assert_eq!(
            escape_message("\u{1b}]0;PWNED\u{7}.test: bad\nerror: forged \\x41"),
            "\\x1b]0;PWNED\\x07.test: bad\\nerror: forged \\x41"
        );
    }

    /// The inverse of [`escape_bytes`]: proof that the escaped text keeps the exact bytes.
    fn unescape(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                continue;
            }
            match chars.next() {
                Some('\\') => out.push(b'\\'),
                Some('t') => out.push(b'\t'),
                Some('n') => out.push(b'\n'),
                Some('r') => out.push(b'\r'),
                Some('x') => {
                    let hex: String = chars.by_ref().take(2).collect();
                    out.push(u8::from_str_radix(&hex, 16).unwrap());
                }
                Some('u') => {
                    let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                    let c = char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap();
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                other => panic!("bad escape {other:?}"),
            }
        }
        out
    }

    #[test]
    fn escapes() {
        let table: [(&[u8], &str); 16] = [
            (b"hello", "hello"),
            (b"\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
            (b"a\tb\r\n", "a\\tb\\r\\n"),
            (b"\x07bell\x7f", "\\x07bell\\x7f"),
            (b"\xff\xfe", "\\xff\\xfe"),
            ("caf\u{e9} 你好".as_bytes(), "caf\u{e9} 你好"),
            ("\u{9b}2J".as_bytes(), "\\u{9b}2J"),
            ("abc\u{202e}def".as_bytes(), "abc\\u{202e}def"),
            ("a\u{200b}b".as_bytes(), "a\\u{200b}b"),
            ("a\u{2028}b\u{2029}".as_bytes(), "a\\u{2028}b\\u{2029}"),
            ("\u{2066}x\u{2069}".as_bytes(), "\\u{2066}x\\u{2069}"),
            ("\u{feff}bom".as_bytes(), "\\u{feff}bom"),
            ("soft\u{ad}hyphen".as_bytes(), "soft\\u{ad}hyphen"),
            (b"back\\x1b", "back\\\\x1b"),
            (b"\x00", "\\x00"),
            (b"", ""),
        ];
        for (input, want) in table {
            assert_eq!(escape_bytes(input), want, "{input:?}");
            assert_eq!(unescape(want), input, "{want}");
        }
    }

    proptest! {
        #[test]
        fn escaped_text_keeps_the_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(unescape(&escape_bytes(&bytes)), bytes);
        }

        #[test]
        fn escaped_text_has_no_control_or_format_character(s in "\\PC*|[\\x00-\\x1f\\u{80}-\\u{9f}\\u{2000}-\\u{206f}]*") {
            let shown = escape(&s);
            prop_assert!(!shown.chars().any(|c| c.is_control() || is_hidden(c)), "{}", shown);
        }
    }

    #[test]
    fn decodes_other_encodings() {
        let gbk = encoding("gbk").unwrap();
        // 你好 in GBK, then a lead byte with no trail, then ASCII.
        assert_eq!(decode_escaped(b"\xc4\xe3\xba\xc3", gbk), "你好");
        assert_eq!(decode_escaped(b"\xc4\xe3\x81", gbk), "你\\x81");
        assert_eq!(decode_escaped(b"\x81\x1bz", gbk), "\\x81\\x1bz");
        let big5 = encoding("big5").unwrap();
        assert_eq!(decode_escaped(b"\xa7\x41", big5), "你");
        let sjis = encoding("shift_jis").unwrap();
        assert_eq!(decode_escaped(b"\x82\xa0", sjis), "あ");
        let latin1 = encoding("latin1").unwrap();
        assert_eq!(decode_escaped(b"caf\xe9", latin1), "café");
        assert_eq!(decode_escaped(b"\xff", UTF_8), "\\xff");
        let (bytes, unmappable) = encode("你好".as_bytes(), gbk);
        assert_eq!((&*bytes, unmappable), (&b"\xc4\xe3\xba\xc3"[..], false));
        assert_eq!(
            &*encode("你好".as_bytes(), encoding("gb18030").unwrap()).0,
            b"\xc4\xe3\xba\xc3"
        );
        let (bytes, unmappable) = encode("é".as_bytes(), UTF_8);
        assert_eq!((&*bytes, unmappable), ("é".as_bytes(), false));
        assert!(encode("你".as_bytes(), latin1).1);
        assert!(encoding("klingon").is_err());
    }

    #[test]
    fn text_detection() {
        assert!(is_text(b"hello\n"));
        assert!(is_text("h\u{e9}".as_bytes()));
        assert!(
            is_text(b"\x1b[2J"),
            "text with an escape sequence is shown escaped"
        );
        assert!(!is_text(b"\x00\x01"));
        assert!(!is_text(b"\xff"));
    }
}
