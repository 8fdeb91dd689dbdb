//! Exit codes, in one place.
//!
//! Every subcommand follows one rule, so that scripts can rely on it. Each command asks a
//! question (is the host up, does the name exist, is the port open, are the two addresses in one
//! network, did a datagram arrive):
//!
//! * `0`: success, or the answer is "yes" (a reply came, the name resolved, the two addresses
//!   are in the same network, the port is open).
//! * `1`: the question was asked and the answer is "no" or none: no reply (ping, connect and
//!   `udp-send --wait` time-outs included), not found (NXDOMAIN, no such service or interface),
//!   different networks, connection refused or port unreachable, some targets down.
//! * `2`: the question could not be asked: a usage error, invalid input, a permission problem,
//!   an unreachable network (no route from this host), a DNS server that does not answer or
//!   refuses (for `resolve` the server is the means of asking, not the subject), a port in use,
//!   or any other error.
//!
//! [`crate::Error::exit_code`] applies the rule by error kind; [`crate::Error::answer`] sorts an
//! OS error from the step that asks the question into "no" and "could not ask".
//!
//! A closed stdout (`nettool ... | head`) is not an error: the command ends quietly with `0`.

/// The command did what was asked, or the answer was "yes".
pub const SUCCESS: u8 = 0;
/// The question was asked and the answer is "no" or none: no reply, not found, refused.
pub const NEGATIVE: u8 = 1;
/// The question could not be asked: usage, invalid input, permission, unreachable network or
/// server, any other failure.
pub const ERROR: u8 = 2;

/// How a command that ran to its end answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The answer was "yes" (exit 0).
    Yes,
    /// The answer was "no" (exit 1).
    No,
    /// The report was printed, but part of the question could not be asked, such as a port
    /// behind a network with no route (exit 2).
    NotAsked,
}

impl Outcome {
    /// `Yes` when `yes` holds, `No` otherwise.
    #[must_use]
    pub fn from_bool(yes: bool) -> Self {
        if yes { Self::Yes } else { Self::No }
    }

    /// The process exit code for this outcome.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Yes => SUCCESS,
            Self::No => NEGATIVE,
            Self::NotAsked => ERROR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_codes() {
        assert_eq!(Outcome::Yes.code(), 0);
        assert_eq!(Outcome::No.code(), 1);
        assert_eq!(Outcome::from_bool(true), Outcome::Yes);
        assert_eq!(Outcome::from_bool(false), Outcome::No);
    }
}
