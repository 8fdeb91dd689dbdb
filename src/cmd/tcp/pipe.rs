//! Pipe mode: a byte-exact stream both ways between stdin/stdout and one connection, like nc.
//! Standard input's end shuts down the write half; the session ends once the peer has closed
//! its side too. Each direction runs on its own thread with blocking descriptors, so
//! [`crate::net::tcp::copy`] can splice the bytes when stdin or stdout is a pipe. A reader
//! starts at [`run`].

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Directions, Moved};
use crate::error::{Error, Result};
use crate::net::tcp::{copy, is_reset};

/// Where a session's outgoing bytes come from.
pub enum Source {
    /// Straight from this process's stdin (one session: splice can be used).
    Stdin,
    /// From a reader thread shared by consecutive sessions (`listen -k`).
    Shared(Arc<SharedStdin>),
}

/// Standard input read by one thread in chunks, handed to whichever session is running.
pub struct SharedStdin {
    rx: Mutex<Receiver<Vec<u8>>>,
    ended: AtomicBool,
}

impl SharedStdin {
    /// Start the reader thread.
    #[must_use]
    pub fn start() -> Arc<Self> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        std::thread::spawn(move || read_stdin_chunks(&tx));
        Arc::new(Self {
            rx: Mutex::new(rx),
            ended: AtomicBool::new(false),
        })
    }
}

fn read_stdin_chunks(tx: &SyncSender<Vec<u8>>) {
    let mut stdin = io::stdin().lock();
    loop {
        let mut buf = vec![0u8; 64 * 1024];
        match stdin.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                buf.truncate(n);
                if tx.send(buf).is_err() {
                    return;
                }
            }
        }
    }
}

/// Run one pipe session on `stream`; returns the bytes moved. A reset by the peer is one line
/// and exit 1; a closed stdout ends the session quietly.
pub fn run(stream: TcpStream, dirs: Directions, source: &Source) -> Result<Moved> {
    stream
        .set_nonblocking(false)
        .map_err(|e| Error::io("set blocking", e))?;
    let stream = Arc::new(stream);
    let recv_done = Arc::new(AtomicBool::new(false));
    let receiver = dirs.recv.then(|| {
        let stream = Arc::clone(&stream);
        let done = Arc::clone(&recv_done);
        std::thread::spawn(move || {
            let stdout = io::stdout();
            let result = copy(stream.as_fd(), stdout.as_fd());
            done.store(true, Ordering::SeqCst);
            result
        })
    });
    if !dirs.recv {
        recv_done.store(true, Ordering::SeqCst);
    }

    let sent = if dirs.send {
        let sent = match source {
            Source::Stdin => copy(io::stdin().as_fd(), stream.as_fd()),
            Source::Shared(shared) => forward_shared(shared, &stream, &recv_done),
        };
        // Our side is done: tell the peer (a reset peer makes this fail, which is fine).
        let _ = stream.shutdown(Shutdown::Write);
        Some(sent)
    } else {
        None
    };

    let received = receiver.map(|h| {
        h.join()
            .unwrap_or_else(|_| Err(io::Error::other("receiving thread failed")))
    });
    let mut moved = Moved::default();
    match received {
        Some(Ok(n)) => moved.bytes_in = n,
        // Reading the socket fails with a reset; writing into a closed stdout with EPIPE.
        Some(Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Some(Err(e)) if is_reset(&e) => return Err(reset()),
        Some(Err(e)) => return Err(Error::io("receive", e)),
        None => {}
    }
    match sent {
        Some(Ok(n)) => moved.bytes_out = n,
        Some(Err(e)) if is_reset(&e) => return Err(reset()),
        Some(Err(e)) => return Err(Error::io("send", e)),
        None => {}
    }
    Ok(moved)
}

/// The one line for a connection that the peer reset mid-stream (exit 1).
#[must_use]
pub fn reset() -> Error {
    Error::negative("connection reset by peer")
}

/// Send chunks from the shared stdin until it ends, the peer leaves, or a write fails.
fn forward_shared(
    shared: &SharedStdin,
    stream: &TcpStream,
    recv_done: &AtomicBool,
) -> io::Result<u64> {
    let mut total = 0u64;
    if shared.ended.load(Ordering::SeqCst) {
        return Ok(0);
    }
    let rx = shared
        .rx
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut writer = stream;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(chunk) => {
                writer.write_all(&chunk)?;
                total += chunk.len() as u64;
            }
            Err(RecvTimeoutError::Timeout) => {
                if recv_done.load(Ordering::SeqCst) {
                    return Ok(total);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                shared.ended.store(true, Ordering::SeqCst);
                return Ok(total);
            }
        }
    }
}
