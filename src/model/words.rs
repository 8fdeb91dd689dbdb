//! Counts in words: `1 reply`, `2 replies`, never `1 replies`.

use std::fmt::Display;

/// `n` and the noun that agrees with it: `count(1, "query", "queries")` is `1 query`.
#[must_use]
pub fn count(n: impl Display, one: &str, many: &str) -> String {
    let n = n.to_string();
    let noun = if n == "1" { one } else { many };
    format!("{n} {noun}")
}

/// The noun alone that agrees with `n`, for a count printed apart from its noun.
#[must_use]
pub fn noun<'a>(n: impl Display, one: &'a str, many: &'a str) -> &'a str {
    if n.to_string() == "1" { one } else { many }
}

/// `1 byte in, 0 bytes out`: what a connection moved each way.
#[must_use]
pub fn bytes_in_out(bytes_in: u64, bytes_out: u64) -> String {
    format!(
        "{} in, {} out",
        count(bytes_in, "byte", "bytes"),
        count(bytes_out, "byte", "bytes")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement() {
        assert_eq!(count(1u64, "reply", "replies"), "1 reply");
        assert_eq!(count(0usize, "reply", "replies"), "0 replies");
        assert_eq!(count(2u128, "byte", "bytes"), "2 bytes");
        assert_eq!(count(11, "name", "names"), "11 names");
        assert_eq!(noun(1, "port", "ports"), "port");
        assert_eq!(noun(21, "port", "ports"), "ports");
        assert_eq!(bytes_in_out(1, 0), "1 byte in, 0 bytes out");
    }
}
