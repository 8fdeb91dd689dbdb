//! Exit codes, in one place.
//!
//! Every subcommand follows the same rule, so that scripts can rely on it:
//!
//! * `0`: success, or the answer to the question was "yes" (a reply came, the name resolved,
//!   the two addresses are in the same network, the port is open).
//! * `1`: a negative answer (no reply, not found, different networks, connection refused,
//!   some targets down). Nothing is wrong with the input or the tool.
//! * `2`: a usage error, invalid input, a permission problem, or any other error.
//!
//! A closed stdout (`nettool ... | head`) is not an error: the command ends quietly with `0`.

/// The command did what was asked, or the answer was "yes".
pub const SUCCESS: u8 = 0;
/// The answer was "no": no reply, not found, refused, different networks.
pub const NEGATIVE: u8 = 1;
/// Usage error, invalid input, permission problem, or any other failure.
pub const ERROR: u8 = 2;

/// How a command that ran to its end answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The answer was "yes" (exit 0).
    Yes,
    /// The answer was "no" (exit 1).
    No,
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
