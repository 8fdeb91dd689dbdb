//! Ctrl-C (SIGINT) and SIGTERM on `listen` and `connect`, in pipe and chat mode: the run ends as
//! its own end does, with the closing counts (the summary record with `--json`) and exit 0.
//! The signal is sent by PID to the running nettool.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Stdio;
use std::time::Duration;

use super::{LIMIT, Proc, connect_std, json_lines, listen};
use crate::common::{free_tcp_port, wait_until};

/// The two signals that end a run, by the names `kill -s` takes.
const SIGNALS: [&str; 2] = ["INT", "TERM"];

/// Send `signal` to the process `pid`.
fn kill(pid: u32, signal: &str) {
    let sent = std::process::Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -s {signal} {pid}");
}

/// One run: nettool (`command` with `extra` arguments) and a peer exchange "ping\n" and
/// "pong\n" while nettool's stdin stays open, then nettool gets `signal`. Returns nettool, its
/// exit code, and the peer's address as nettool names it.
fn stopped_run(command: &str, extra: &[&str], signal: &str) -> (Proc, Option<i32>, String) {
    let (mut p, mut peer, name) = if command == "listen" {
        let port = free_tcp_port();
        let p = listen(port, extra, Stdio::piped());
        let peer = connect_std(port);
        let name = peer.local_addr().unwrap().to_string();
        (p, peer, name)
    } else {
        let server = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port().to_string();
        let mut args = vec!["-v", "connect", "127.0.0.1", &port];
        args.extend_from_slice(extra);
        let p = Proc::nettool(&args, Stdio::piped());
        let (peer, name) = server.accept().unwrap();
        peer.set_read_timeout(Some(LIMIT)).unwrap();
        (p, peer, name.to_string())
    };
    let what = format!("{command} {extra:?} {signal}");
    let mut stdin = p.child.0.stdin.take().unwrap();
    stdin.write_all(b"pong\n").unwrap();
    peer.write_all(b"ping\n").unwrap();
    let mut got = [0u8; 5];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"pong\n", "{what}");
    assert!(
        wait_until(LIMIT, || String::from_utf8_lossy(&p.out()).contains("ping")),
        "{what}: {}",
        p.err()
    );
    // The peer reads to the end, as a peer does when nettool closes.
    let drain = std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = peer.read_to_end(&mut rest);
        rest
    });
    kill(p.child.pid(), signal);
    let code = p.exit();
    assert!(drain.join().unwrap().is_empty(), "{what}");
    drop(stdin);
    (p, code, name)
}

/// Before, both signals ended a chat at once, without the summary record (exit 130, 143).
#[test]
fn signals_end_chat_mode_with_the_summary_record() {
    for signal in SIGNALS {
        for command in ["listen", "connect"] {
            let what = format!("{command} --chat, SIG{signal}");
            let (p, code, _) = stopped_run(command, &["--chat", "--json"], signal);
            assert_eq!(code, Some(0), "{what}: {}", p.err());
            let records = json_lines(&p.out());
            let last = records
                .last()
                .unwrap_or_else(|| panic!("{what}: no records"));
            assert_eq!(last["event"], "summary", "{what}: {records:?}");
            assert_eq!(last["bytes_in"], 5, "{what}");
            assert_eq!(last["bytes_out"], 5, "{what}");
            if command == "listen" {
                assert_eq!(last["connections"], 1, "{what}");
            }
        }
    }
}

/// Before, both signals killed a pipe session without its closing counts.
#[test]
fn signals_end_pipe_mode_with_the_closing_counts() {
    for signal in SIGNALS {
        for command in ["listen", "connect"] {
            let what = format!("{command} --pipe, SIG{signal}");
            let (p, code, peer) = stopped_run(command, &["--pipe"], signal);
            assert_eq!(code, Some(0), "{what}: {}", p.err());
            assert_eq!(p.out(), b"ping\n", "{what}");
            let counts = if command == "listen" {
                format!("connection from {peer} closed (5 bytes in, 5 bytes out)")
            } else {
                "5 bytes in, 5 bytes out".to_string()
            };
            assert!(p.err().lines().any(|l| l == counts), "{what}: {}", p.err());
        }
    }
}

/// Whether a socket of this network namespace waits in SYN_SENT for `port` (/proc/net/tcp:
/// the remote address in hex, then the state, 02 for SYN_SENT).
fn syn_sent_to(port: u16) -> bool {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let remote = format!(":{port:04X}");
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.len() > 3 && fields[2].ends_with(&remote) && fields[3] == "02"
    })
}

/// A signal while `listen` waits for its first client ends the run at once, as a normal end;
/// while `connect` waits for a handshake that cannot come, with no connection made (exit 1).
#[test]
fn signals_while_waiting_end_the_run() {
    for signal in SIGNALS {
        let port = free_tcp_port();
        let mut l = listen(port, &["--pipe"], Stdio::piped());
        kill(l.child.pid(), signal);
        assert_eq!(l.exit(), Some(0), "listen, SIG{signal}: {}", l.err());

        // With -k, blocked in accept(2) again after a client: the stop ends that wait too.
        let port = free_tcp_port();
        let mut l = listen(port, &["--pipe", "-k"], Stdio::null());
        let mut s = connect_std(port);
        s.write_all(b"one\n").unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        assert!(wait_until(LIMIT, || l
            .err()
            .contains("closed (4 bytes in, 0 bytes out)")));
        kill(l.child.pid(), signal);
        assert_eq!(l.exit(), Some(0), "listen -k, SIG{signal}: {}", l.err());
        assert_eq!(l.out(), b"one\n");

        // A listener that never accepts, with its queue full: further SYNs are dropped.
        let sock =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        sock.bind(&addr.into()).unwrap();
        sock.listen(0).unwrap();
        let addr = sock.local_addr().unwrap().as_socket().unwrap();
        let fillers: Vec<TcpStream> = (0..3)
            .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok())
            .collect();
        let port = addr.port().to_string();
        let mut c = Proc::nettool(&["connect", "127.0.0.1", &port], Stdio::piped());
        // Its SYN is out once it waits for the handshake, after it caught the signals.
        assert!(wait_until(LIMIT, || syn_sent_to(addr.port())));
        kill(c.child.pid(), signal);
        assert_eq!(c.exit(), Some(1), "connect, SIG{signal}: {}", c.err());
        assert_eq!(
            c.err(),
            "error: connect 127.0.0.1: interrupted before a connection was made\n"
        );
        drop(fillers);
    }
}
