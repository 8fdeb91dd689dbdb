//! What a server does when accept() fails because the process or the system is out of file
//! descriptors (EMFILE, ENFILE): the pending connection stays in the kernel's queue, so
//! retrying at once fails again and spins. Instead accepting pauses and resumes when a client
//! leaves (a descriptor is free again) or, failing that, after a second. Clients that arrive
//! meanwhile wait in the listen backlog. The first pause is said once: a server at its limit
//! pauses again with every client it takes, and saying so each time would flood the terminal.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::time::Duration;

use socket2::SockRef;

use super::render::Renderer;
use super::stop::Stop;
use crate::error::{Error, Result};
use crate::net::tcp::Want;

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
        self.retried();
    }

    /// The pause's time is up (a blocking loop waited [`RETRY`] itself): accept again.
    fn retried(&mut self) {
        self.paused = false;
    }
}

/// The next connection on `listener`, taken on the calling thread, `None` at the stop. On a
/// blocking listener that [`Stop::wakes_accept`] covers, accept(2) itself waits, as `nc -l`
/// does, and the stop ends it; on a non-blocking one, a wait in poll(2) that the stop also
/// ends comes only when none is queued. Running out of file descriptors pauses as
/// [`AcceptPause`] says. The connection comes non-blocking.
pub fn next_or_stop(
    listener: &TcpListener,
    pause: &mut AcceptPause,
    stop: &Stop,
    out: &mut Renderer<'_>,
) -> Result<Option<(TcpStream, SocketAddr)>> {
    let stop = stop.signal();
    let poll_error = |e| Error::io("poll", e);
    loop {
        if stop.stopped() {
            return Ok(None);
        }
        match SockRef::from(listener).accept4(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) {
            Ok((socket, addr)) => {
                let peer = addr
                    .as_socket()
                    .ok_or_else(|| Error::other("accept: the peer has no IP address"))?;
                return Ok(Some((socket.into(), peer)));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                let ready = Some((listener.as_fd(), Want::Read));
                if stop.wait(ready, None).map_err(poll_error)? {
                    return Ok(None);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // The stop shut the listening socket down to end the wait.
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) && stop.stopped() => {
                return Ok(None);
            }
            Err(e) if pause.hold(&e, out) => {
                if stop.wait(None, Some(RETRY)).map_err(poll_error)? {
                    return Ok(None);
                }
                pause.retried();
            }
            Err(e) => return Err(Error::io("accept", e)),
        }
    }
}
