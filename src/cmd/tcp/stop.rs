//! Ctrl-C (SIGINT) and SIGTERM end a `listen` or `connect` run the way its own end does: the
//! sessions close, and the closing counts (the summary record with `--json`) are printed, so a
//! script that stops a server still learns what moved. Both signals are caught from the start
//! of a run (a signal that came while nothing waited for it is not lost: every wait sees it);
//! every async wait of a run ends on [`Stop::wait`]; a thread that blocks in poll(2) instead
//! (the sequential pipe service) watches [`Stop::signal`], a descriptor that turns readable,
//! and a thread blocked in accept(2) is woken by [`Stop::wakes_accept`].

use std::io::{PipeReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use crate::error::{Error, Result};
use crate::net::tcp::StopSignal;

/// Whether a stop signal came, shared by every wait of one run.
#[derive(Debug, Clone)]
pub struct Stop {
    stopped: watch::Receiver<bool>,
    /// Set at the stop, for loops that look between steps.
    flag: Arc<AtomicBool>,
    /// Readable from the stop on (a byte is written and never read), for poll(2).
    readable: Arc<PipeReader>,
    /// A listening socket that a thread may be blocked accepting on (a second descriptor of
    /// it): shut down at the stop.
    accepting: Arc<Mutex<Option<TcpListener>>>,
}

/// While it lives, the stop shuts down reading on a listening socket, which ends an accept(2)
/// blocked on it (with EINVAL, as does every later one); see [`Stop::wakes_accept`].
#[derive(Debug)]
pub struct AcceptWaker {
    accepting: Arc<Mutex<Option<TcpListener>>>,
}

impl Drop for AcceptWaker {
    fn drop(&mut self) {
        *self
            .accepting
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// Shut down reading on the registered listening socket, if any: a blocked accept(2) returns.
fn wake_accept(accepting: &Mutex<Option<TcpListener>>) {
    if let Some(listener) = &*accepting.lock().unwrap_or_else(PoisonError::into_inner) {
        let _ = socket2::SockRef::from(listener).shutdown(std::net::Shutdown::Read);
    }
}

impl Stop {
    /// Catch SIGINT and SIGTERM from now on, on `rt`.
    pub fn catch(rt: &tokio::runtime::Runtime) -> Result<Self> {
        let _entered = rt.enter();
        let mut interrupt =
            signal(SignalKind::interrupt()).map_err(|e| Error::io("catch Ctrl-C", e))?;
        let mut terminate =
            signal(SignalKind::terminate()).map_err(|e| Error::io("catch SIGTERM", e))?;
        let (tx, stopped) = watch::channel(false);
        let (readable, mut writer) = std::io::pipe().map_err(|e| Error::io("catch Ctrl-C", e))?;
        let flag = Arc::new(AtomicBool::new(false));
        let set = Arc::clone(&flag);
        let accepting = Arc::new(Mutex::new(None));
        let wake = Arc::clone(&accepting);
        rt.spawn(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            set.store(true, Ordering::SeqCst);
            let _ = writer.write_all(b"!");
            wake_accept(&wake);
            let _ = tx.send(true);
            // Keep the sender, so that waits see a stop rather than a closed channel.
            std::future::pending::<()>().await;
        });
        Ok(Self {
            stopped,
            flag,
            readable: Arc::new(readable),
            accepting,
        })
    }

    /// Have the stop end an accept(2) blocked on `listener` (and every later one) while the
    /// returned guard lives. A stop that came before is seen by [`StopSignal::stopped`],
    /// which a loop looks at before it blocks; one that comes after wakes it.
    pub fn wakes_accept(&self, listener: &TcpListener) -> Result<AcceptWaker> {
        let second = listener.try_clone().map_err(|e| Error::io("listen", e))?;
        *self
            .accepting
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(second);
        if self.flag.load(Ordering::SeqCst) {
            // The stop came while the socket was being registered: it may have missed it.
            wake_accept(&self.accepting);
        }
        Ok(AcceptWaker {
            accepting: Arc::clone(&self.accepting),
        })
    }

    /// The stop as a blocking loop sees it: a flag and a descriptor to poll.
    #[must_use]
    pub fn signal(&self) -> StopSignal<'_> {
        StopSignal {
            fd: std::os::fd::AsFd::as_fd(&*self.readable),
            flag: &self.flag,
        }
    }

    /// Resolves once a stop signal has come (at once if it already has).
    pub async fn wait(&self) {
        let mut stopped = self.stopped.clone();
        let _ = stopped.wait_for(|s| *s).await;
    }
}
