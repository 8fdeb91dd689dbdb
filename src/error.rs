//! The library's error type. Every variant says which input or which operation on which
//! address failed, and maps to an exit code (see [`crate::exit`]).

use std::io;

use crate::exit;

/// Anything that stops a command before it could give its answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user gave a value that cannot be used: `300.1.1.1: octet 300 is out of range 0-255`.
    #[error("{input}: {reason}")]
    Invalid {
        /// The input as the user typed it.
        input: String,
        /// What is wrong with it, and where useful what would work.
        reason: String,
    },
    /// An operating-system call failed: `bind 0.0.0.0:80: permission denied`.
    #[error("{context}: {}", io_reason(.source))]
    Io {
        /// The operation and its address, e.g. `connect 127.0.0.1:8001`.
        context: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A negative answer that ends the command early and deserves one line on stderr
    /// (`no such service: foo`, `connection refused`). Exit code 1.
    #[error("{0}")]
    Negative(String),
    /// Missing privilege; the message names the fix.
    #[error("{0}")]
    Permission(String),
    /// Any other failure.
    #[error("{0}")]
    Other(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An input that cannot be used, named as the user typed it.
    pub fn invalid(input: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            input: input.into(),
            reason: reason.into(),
        }
    }

    /// A failed operation, e.g. `Error::io("bind 0.0.0.0:80", err)`.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    /// A negative answer (exit 1) with its one-line explanation.
    pub fn negative(message: impl Into<String>) -> Self {
        Self::Negative(message.into())
    }

    /// Any other failure (exit 2).
    pub fn other(message: impl Into<String>) -> Self {
        Self::Other(message.into())
    }

    /// Whether this error is a write into a closed pipe, which ends the command quietly.
    #[must_use]
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The process exit code for this error.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            _ if self.is_broken_pipe() => exit::SUCCESS,
            Self::Negative(_) => exit::NEGATIVE,
            _ => exit::ERROR,
        }
    }
}

/// The OS message without Rust's ` (os error 13)` suffix, in lower case as C tools print it.
fn io_reason(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_input_and_reason() {
        let err = Error::invalid("300.1.1.1", "octet 300 is out of range 0-255");
        assert_eq!(
            err.to_string(),
            "300.1.1.1: octet 300 is out of range 0-255"
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn io_error_drops_os_error_suffix() {
        let err = Error::io(
            "bind 0.0.0.0:80",
            io::Error::from_raw_os_error(libc::EACCES),
        );
        assert_eq!(err.to_string(), "bind 0.0.0.0:80: permission denied");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn broken_pipe_is_quiet_success() {
        let err = Error::io("write stdout", io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(err.is_broken_pipe());
        assert_eq!(err.exit_code(), 0);
    }

    #[test]
    fn negative_exits_one() {
        assert_eq!(Error::negative("no such service: foo").exit_code(), 1);
    }
}
