//! Reading what the user points a command at (a file, stdin) with a bound that fits its purpose,
//! so that `/dev/zero`, a FIFO that never ends or a huge file costs at most the bound, and with
//! errors that name the file: `error: FILE: no such file`, `error: FILE: is a directory`.

use std::io::{self, BufRead, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// Open `path` for reading: a missing file, a directory and a refused permission are each
/// reported as such, naming the file.
pub fn open(path: &Path) -> Result<std::fs::File> {
    let named = || path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Error::invalid(named(), "no such file"),
        io::ErrorKind::PermissionDenied => {
            Error::Permission(format!("{}: permission denied", named()))
        }
        io::ErrorKind::IsADirectory => Error::invalid(named(), "is a directory"),
        _ => Error::io(format!("open {}", named()), e),
    })?;
    // Linux opens a directory for reading; only the read would fail, with a vaguer message.
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::invalid(named(), "is a directory"));
    }
    Ok(file)
}

/// The whole of `path`, or `None` when it holds more than `limit` bytes (only `limit + 1` bytes
/// are read to find out).
pub fn read_file(path: &Path, limit: usize) -> Result<Option<Vec<u8>>> {
    let file = open(path)?;
    // Room for all of a regular file and the byte that finds its end, in one allocation.
    let size = file
        .metadata()
        .map_or(0, |m| usize::try_from(m.len()).unwrap_or(limit));
    read_into(file, limit, Vec::with_capacity(size.min(limit) + 1))
        .map_err(|e| Error::io(format!("read {}", path.display()), e))
}

/// Everything `reader` gives, or `None` when that is more than `limit` bytes.
pub fn read_all(reader: impl Read, limit: usize) -> io::Result<Option<Vec<u8>>> {
    read_into(reader, limit, Vec::new())
}

fn read_into(reader: impl Read, limit: usize, mut bytes: Vec<u8>) -> io::Result<Option<Vec<u8>>> {
    reader.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}

/// One line read with a bound on its length.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line without its end (`\n`, or `\r\n`); the last line of the input may lack the end.
    Text(Vec<u8>),
    /// More than the bound before a line end; the bytes read so far were dropped and the rest
    /// of the line is left unread.
    TooLong,
    /// The end of the input.
    End,
}

/// The next line of `reader`, holding at most `limit` bytes of it (`limit + 1` to find out).
pub fn read_line(reader: &mut impl BufRead, limit: usize, line: &mut Vec<u8>) -> io::Result<Line> {
    line.clear();
    let n = reader.take(limit as u64 + 2).read_until(b'\n', line)?;
    if n == 0 {
        return Ok(Line::End);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    if line.len() > limit {
        line.clear();
        return Ok(Line::TooLong);
    }
    Ok(Line::Text(std::mem::take(line)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert_eq!(
            read_file(&missing, 10).unwrap_err().to_string(),
            format!("{}: no such file", missing.display())
        );
        assert_eq!(
            read_file(dir.path(), 10).unwrap_err().to_string(),
            format!("{}: is a directory", dir.path().display())
        );
        let small = dir.path().join("small");
        std::fs::write(&small, b"0123456789").unwrap();
        assert_eq!(read_file(&small, 10).unwrap(), Some(b"0123456789".to_vec()));
        assert_eq!(read_file(&small, 9).unwrap(), None);
    }

    #[test]
    fn endless_input_costs_the_bound() {
        let zeros = io::repeat(0);
        assert_eq!(read_all(zeros, 1000).unwrap(), None);
        let mut endless = io::BufReader::new(io::repeat(b'x'));
        let mut line = Vec::new();
        assert_eq!(
            read_line(&mut endless, 100, &mut line).unwrap(),
            Line::TooLong
        );
        assert!(line.capacity() < 1000);
    }

    #[test]
    fn lines_lose_their_ends() {
        let mut input = io::Cursor::new(b"one\r\ntwo\n\nlast\nsix789\n".to_vec());
        let mut line = Vec::new();
        let mut got = Vec::new();
        loop {
            match read_line(&mut input, 5, &mut line).unwrap() {
                Line::End => break,
                Line::TooLong => {
                    got.push(Line::TooLong);
                    break;
                }
                text => got.push(text),
            }
        }
        assert_eq!(
            got,
            [
                Line::Text(b"one".to_vec()),
                Line::Text(b"two".to_vec()),
                Line::Text(Vec::new()),
                Line::Text(b"last".to_vec()),
                Line::TooLong,
            ]
        );
    }
}
