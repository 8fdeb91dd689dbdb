//! Text that came from the network is shown with control characters escaped, so that a peer
//! cannot move the cursor, change colours or retitle the user's terminal.

use std::fmt::Write;

/// Escape control characters (C0, DEL, C1) and invalid UTF-8 in `bytes`.
///
/// Tab, newline and carriage return become `\t`, `\n`, `\r`; other controls `\xNN` (or
/// `\u{NN}` for C1 characters); bytes that are not UTF-8 `\xNN`. Everything else, including
/// non-ASCII letters, is kept.
#[must_use]
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        escape_into(&mut out, chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// Escape control characters in `text` (see [`escape_bytes`]).
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if ('\u{80}'..='\u{9f}').contains(&c) => {
                let _ = write!(out, "\\u{{{:02x}}}", c as u32);
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
    use super::*;

    #[test]
    fn escapes() {
        let table: [(&[u8], &str); 8] = [
            (b"hello", "hello"),
            (b"\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
            (b"a\tb\r\n", "a\\tb\\r\\n"),
            (b"\x07bell\x7f", "\\x07bell\\x7f"),
            (b"\xff\xfe", "\\xff\\xfe"),
            ("caf\u{e9}".as_bytes(), "caf\u{e9}"),
            ("\u{9b}2J".as_bytes(), "\\u{9b}2J"),
            (b"", ""),
        ];
        for (input, want) in table {
            assert_eq!(escape_bytes(input), want, "{input:?}");
        }
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
