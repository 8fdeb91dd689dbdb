//! Ctrl-C (SIGINT) and SIGTERM end a `listen` or `connect` run the way its own end does: the
//! sessions close, and the closing counts (the summary record with `--json`) are printed, so a
//! script that stops a server still learns what moved. Both signals are caught from the start
//! of a run (a signal that came while nothing waited for it is not lost: every wait sees it);
//! every wait of a run, async or blocking, ends on [`Stop::wait`].

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use crate::error::{Error, Result};

/// Whether a stop signal came, shared by every wait of one run.
#[derive(Debug, Clone)]
pub struct Stop {
    stopped: watch::Receiver<bool>,
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
        rt.spawn(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            let _ = tx.send(true);
            // Keep the sender, so that waits see a stop rather than a closed channel.
            std::future::pending::<()>().await;
        });
        Ok(Self { stopped })
    }

    /// Resolves once a stop signal has come (at once if it already has).
    pub async fn wait(&self) {
        let mut stopped = self.stopped.clone();
        let _ = stopped.wait_for(|s| *s).await;
    }
}
