//! The one place that builds a tokio runtime. Two shapes serve every command: one thread for
//! the commands whose work is waiting on a few sockets (ping, resolve, udp-recv), where handing
//! events between threads would cost more than the work, and two workers for the TCP commands,
//! whose sessions copy data both ways at once. Blocking calls (getaddrinfo, getnameinfo, stdin)
//! go to tokio's blocking pool with `spawn_blocking`, never onto a runtime thread.

use crate::error::{Error, Result};

/// A runtime on the calling thread only.
pub fn current_thread() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime", e))
}

/// A runtime with two worker threads, for sessions that move data both ways at once.
pub fn two_workers() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime", e))
}

/// A flag that turns true at Ctrl-C (SIGINT), for commands whose work loop is synchronous and
/// checks it between short waits. The handler is installed before this returns.
pub fn interrupt_flag() -> Result<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::signal::unix::{SignalKind, signal};

    let flag = Arc::new(AtomicBool::new(false));
    let set = Arc::clone(&flag);
    let runtime = current_thread()?;
    let mut interrupt = {
        let _entered = runtime.enter();
        signal(SignalKind::interrupt()).map_err(|e| Error::io("install the SIGINT handler", e))?
    };
    std::thread::spawn(move || {
        runtime.block_on(async {
            if interrupt.recv().await.is_some() {
                set.store(true, Ordering::SeqCst);
            }
        });
    });
    Ok(flag)
}

/// A future that ends at the first SIGINT (Ctrl-C) or SIGTERM (`kill`, a service manager), for
/// streaming commands that owe a summary either way. The handlers are in place when this
/// returns; call it inside a runtime.
pub fn termination() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| Error::io("install the SIGINT handler", e))?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|e| Error::io("install the SIGTERM handler", e))?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}
