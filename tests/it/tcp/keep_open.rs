//! `listen -k` in pipe mode once standard input has ended: each session only receives, on the
//! listening thread itself. Its bytes reach stdout exactly, whether stdout is a file or a pipe;
//! our side is shut down before the session waits (or by the close, if the peer ended first);
//! and a stop signal ends the run with the closing counts even while the session waits for
//! room in a stdout pipe that nobody reads.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::Shutdown;
use std::process::{ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{LIMIT, connect_std, read_all};
use crate::common::{ChildGuard, bin, free_tcp_port, wait_until};

/// `nettool listen 127.0.0.1 PORT -k` with stdin at its end, stdout as given, and stderr
/// collected; waited for until it listens.
fn keep_open(port: u16, stdout: Stdio) -> (ChildGuard, Arc<Mutex<String>>) {
    let child = Command::new(bin())
        .args(["listen", "127.0.0.1", &port.to_string(), "-k"])
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = ChildGuard(child);
    let stderr = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&stderr);
    let err = child.0.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let mut s = sink.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
    let listening = format!("listening on 127.0.0.1:{port}");
    assert!(wait_until(LIMIT, || stderr
        .lock()
        .unwrap()
        .contains(&listening)));
    (child, stderr)
}

/// Clients that each send `line(i)`, half-close and read to the end, one after another; each
/// must see our end (no bytes) and be logged as closed before the next one comes.
fn clients(port: u16, range: std::ops::Range<usize>, stderr: &Mutex<String>) {
    for i in range {
        let mut s = connect_std(port);
        let local = s.local_addr().unwrap();
        s.write_all(line(i).as_bytes()).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        assert_eq!(read_all(&mut s), b"", "client {i}");
        let closed = format!("connection from {local} closed (10 bytes in, 0 bytes out)");
        assert!(
            wait_until(LIMIT, || stderr.lock().unwrap().contains(&closed)),
            "client {i}: {}",
            stderr.lock().unwrap()
        );
    }
}

fn line(i: usize) -> String {
    format!("client {i:02}\n")
}

#[test]
fn keep_open_after_stdin_ends_writes_each_session_to_a_file() {
    let port = free_tcp_port();
    let file = tempfile::NamedTempFile::new().unwrap();
    let (mut server, stderr) = keep_open(port, Stdio::from(file.reopen().unwrap()));
    clients(port, 0..20, &stderr);
    server.interrupt();
    let code = server.wait_timeout(LIMIT).and_then(|s| s.code());
    assert_eq!(code, Some(0), "{}", stderr.lock().unwrap());
    let want: String = (0..20).map(line).collect();
    assert_eq!(std::fs::read_to_string(file.path()).unwrap(), want);
}

/// Bytes waiting in the pipe whose read end is `pipe`.
fn queued(pipe: &ChildStdout) -> i32 {
    use std::os::fd::AsRawFd;
    let mut n: libc::c_int = 0;
    #[allow(unsafe_code)]
    // SAFETY: FIONREAD writes one int through the pointer, which points at `n`.
    let rc = unsafe { libc::ioctl(pipe.as_raw_fd(), libc::FIONREAD, &mut n) };
    assert_eq!(rc, 0);
    n
}

#[test]
fn signal_ends_a_keep_open_session_stalled_on_a_full_stdout() {
    let port = free_tcp_port();
    let (mut server, stderr) = keep_open(port, Stdio::piped());
    let mut stdout = server.0.stdout.take().unwrap();
    // A few short sessions first, the first of which sees stdin end.
    clients(port, 0..3, &stderr);
    // Then one that sends far more than the pipe holds, which nobody reads.
    let mut big = connect_std(port);
    let local = big.local_addr().unwrap();
    big.set_write_timeout(Some(LIMIT)).unwrap();
    let sender = std::thread::spawn(move || {
        let chunk = vec![b'z'; 64 * 1024];
        for _ in 0..(64 * 16) {
            if big.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    // Until the pipe stops filling: the session waits for room.
    let mut last = -1;
    assert!(wait_until(LIMIT, || {
        let now = queued(&stdout);
        let still = now > 0 && now == last;
        last = now;
        std::thread::sleep(Duration::from_millis(100));
        still
    }));
    server.interrupt();
    let code = server.wait_timeout(LIMIT).and_then(|s| s.code());
    let err = stderr.lock().unwrap().clone();
    assert_eq!(code, Some(0), "{err}");
    let mut out = Vec::new();
    stdout.read_to_end(&mut out).unwrap();
    sender.join().unwrap();
    // What the session counted is what reached stdout after the three lines.
    let head = format!("connection from {local} closed (");
    let counted: usize = err
        .lines()
        .find_map(|l| l.strip_prefix(&head))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no closing counts for {local}: {err}"));
    assert!(counted > 0, "{err}");
    assert_eq!(out.len(), 3 * 10 + counted, "{err}");
    let want: String = (0..3).map(line).collect();
    assert_eq!(&out[..30], want.as_bytes());
    assert!(out[30..].iter().all(|&b| b == b'z'));
}

/// A client that sends a line and then waits for our end before it ends its own (as a client
/// that reads a reply to the end does) gets it: our side is shut down before the session
/// waits, though the peer has not ended. Its line still reaches stdout.
#[test]
fn keep_open_after_stdin_ends_tells_a_waiting_client_its_end() {
    let port = free_tcp_port();
    let file = tempfile::NamedTempFile::new().unwrap();
    let (mut server, stderr) = keep_open(port, Stdio::from(file.reopen().unwrap()));
    for i in 0..3 {
        let mut s = connect_std(port);
        s.set_read_timeout(Some(LIMIT)).unwrap();
        s.write_all(line(i).as_bytes()).unwrap();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"", "client {i}");
        drop(s);
    }
    let closed = "closed (10 bytes in, 0 bytes out)";
    assert!(wait_until(LIMIT, || stderr
        .lock()
        .unwrap()
        .matches(closed)
        .count()
        == 3));
    server.interrupt();
    let code = server.wait_timeout(LIMIT).and_then(|s| s.code());
    assert_eq!(code, Some(0), "{}", stderr.lock().unwrap());
    let want: String = (0..3).map(line).collect();
    assert_eq!(std::fs::read_to_string(file.path()).unwrap(), want);
}
