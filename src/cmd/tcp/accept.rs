//! What a server does when accept() fails because the process or the system is out of file
//! descriptors (EMFILE, ENFILE): the pending connection stays in the kernel's queue, so
//! retrying at once fails again and spins. Instead accepting pauses and resumes when a client
//! leaves (a descriptor is free again) or, failing that, after a second. Clients that arrive
//! meanwhile wait in the listen backlog. The first pause is said once: a server at its limit
//! pauses again with every client it takes, and saying so each time would flood the terminal.

use std::io;
use std::time::Duration;

use super::render::Renderer;

/// How long a pause lasts when no client leaves to end it sooner.
const RETRY: Duration = Duration::from_secs(1);

/// The pause state of one accepting loop.
#[derive(Debug, Default)]
pub struct AcceptPause {
    paused: bool,
    warned: bool,
}

/// Whether `err` means "no file descriptor left".
#[must_use]
pub fn is_exhaustion(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
}

impl AcceptPause {
    /// Whether accepting is paused.
    #[must_use]
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Take an accept() error: descriptor exhaustion pauses accepting (saying so the first
    /// time) and returns true; any other error returns false.
    pub fn hold(&mut self, err: &io::Error, out: &mut Renderer<'_>) -> bool {
        if !is_exhaustion(err) {
            return false;
        }
        self.paused = true;
        if !self.warned {
            self.warned = true;
            let reason = io::Error::from_raw_os_error(err.raw_os_error().unwrap_or(0));
            out.warn(format!(
                "{}; not accepting until a client leaves (new clients wait in the backlog)",
                crate::error::Error::io("accept", reason)
            ));
        }
        true
    }

    /// A client left, so a descriptor is free: accept again.
    pub fn freed(&mut self) {
        self.paused = false;
    }

    /// Resolves when a paused loop should try accept() again although no client left.
    pub async fn retry(&mut self) {
        tokio::time::sleep(RETRY).await;
        self.paused = false;
    }
}
