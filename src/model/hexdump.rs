//! A hex dump in the familiar 16-bytes-a-line layout (offset, hex, printable ASCII).

use std::fmt::Write;

/// `bytes` as hex-dump lines, each prefixed by `indent`.
#[must_use]
pub fn hexdump(bytes: &[u8], indent: &str) -> String {
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{indent}{:04x}  ", i * 16);
        for col in 0..16 {
            match chunk.get(col) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if col == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        }));
        out.push_str("|\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let dump = hexdump(b"\x00\x01hello, world!\xff\x1b[2J", "  ");
        assert_eq!(
            dump,
            "  0000  00 01 68 65 6c 6c 6f 2c  20 77 6f 72 6c 64 21 ff  |..hello, world!.|\n\
             \x20 0010  1b 5b 32 4a                                       |.[2J|\n"
        );
        assert_eq!(hexdump(b"", ""), "");
    }
}
