//! Durations as every flag takes them: `250ms`, `2s`, `1m`, `1h30m`, and a bare number (which may
//! have a fraction, as ping's `-i 0.2`) means seconds.

use std::time::Duration;

/// The longest duration accepted: a bound that keeps arithmetic on it far from overflow.
pub const MAX: Duration = Duration::from_secs(366 * 24 * 3600);

/// Parse a duration; the error says what is wrong with the text.
pub fn parse(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("empty duration (try 250ms, 2s, 1m, or a number of seconds)".into());
    }
    let duration = if trimmed.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && trimmed.chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        let seconds: f64 = trimmed
            .parse()
            .map_err(|_| format!("'{trimmed}' is not a number of seconds"))?;
        Duration::try_from_secs_f64(seconds).map_err(|_| format!("'{trimmed}' is out of range"))?
    } else if trimmed.starts_with('-') {
        return Err("a duration cannot be negative".into());
    } else {
        humantime::parse_duration(trimmed)
            .map_err(|e| format!("'{trimmed}' is not a duration ({e}); try 250ms, 2s, 1m"))?
    };
    if duration > MAX {
        return Err(format!("'{trimmed}' is longer than the limit of 366 days"));
    }
    Ok(duration)
}

/// A clap value parser for durations.
pub fn value_parser(text: &str) -> Result<Duration, String> {
    parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let table = [
            ("250ms", Duration::from_millis(250)),
            ("2s", Duration::from_secs(2)),
            ("1m", Duration::from_secs(60)),
            ("1h30m", Duration::from_secs(5400)),
            ("3", Duration::from_secs(3)),
            ("0.2", Duration::from_millis(200)),
            (".5", Duration::from_millis(500)),
            ("0", Duration::ZERO),
            (" 2s ", Duration::from_secs(2)),
        ];
        for (text, want) in table {
            assert_eq!(parse(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejected_forms() {
        for text in [
            "",
            "-1",
            "-1s",
            "abc",
            "1.2.3",
            "10x",
            "1e3",
            "99999999999999999999",
        ] {
            assert!(parse(text).is_err(), "{text} should be rejected");
        }
        assert_eq!(parse("-1").unwrap_err(), "a duration cannot be negative");
    }

    #[test]
    fn upper_bound() {
        assert!(parse("400d").is_err());
        assert_eq!(parse("366d"), Ok(MAX));
    }
}
