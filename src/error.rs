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

    /// An OS error from the step that asks the question (a TCP handshake, a datagram to a
    /// port): refused, timed out, host unreachable or reset are the answer "no" (exit 1); any
    /// other error, such as network unreachable (no route from here) or permission denied,
    /// means the question could not be asked (exit 2). See [`crate::exit`].
    pub fn answer(context: impl Into<String>, source: io::Error) -> Self {
        let err = Self::io(context, source);
        match &err {
            Self::Io { source, .. } if is_negative_answer(source) => {
                Self::Negative(err.to_string())
            }
            _ => err,
        }
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

    /// Whether this is a failure to ask because no route leads to the network.
    #[must_use]
    pub fn is_network_unreachable(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == io::ErrorKind::NetworkUnreachable)
    }

    /// The process exit code for this error, by kind (the rule is in [`crate::exit`]): a
    /// negative answer is 1; invalid input, missing permission, a failed OS call and anything
    /// else mean the question could not be asked, 2.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            _ if self.is_broken_pipe() => exit::SUCCESS,
            Self::Negative(_) => exit::NEGATIVE,
            _ => exit::ERROR,
        }
    }
}

/// Whether an OS error from asking is the answer "no" rather than a failure to ask.
fn is_negative_answer(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::TimedOut
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::ConnectionReset
    )
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
    fn answers_are_no_and_failures_to_ask_are_errors() {
        let cases = [
            (
                libc::ECONNREFUSED,
                1,
                "connect 127.0.0.1:9: connection refused",
            ),
            (
                libc::ETIMEDOUT,
                1,
                "connect 127.0.0.1:9: connection timed out",
            ),
            (
                libc::EHOSTUNREACH,
                1,
                "connect 127.0.0.1:9: no route to host",
            ),
            (
                libc::ECONNRESET,
                1,
                "connect 127.0.0.1:9: connection reset by peer",
            ),
            (
                libc::ENETUNREACH,
                2,
                "connect 127.0.0.1:9: network is unreachable",
            ),
            (libc::EACCES, 2, "connect 127.0.0.1:9: permission denied"),
            (
                libc::EADDRNOTAVAIL,
                2,
                "connect 127.0.0.1:9: cannot assign requested address",
            ),
        ];
        for (errno, code, text) in cases {
            let err = Error::answer("connect 127.0.0.1:9", io::Error::from_raw_os_error(errno));
            assert_eq!(
                (err.exit_code(), err.to_string().as_str()),
                (code, text),
                "{errno}"
            );
        }
    }

    #[test]
    fn negative_exits_one() {
        assert_eq!(Error::negative("no such service: foo").exit_code(), 1);
    }
}
