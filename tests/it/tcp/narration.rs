//! `--trace` where a server talks with many clients at once (`--echo`, `--room`,
//! `--concurrent`: every call names its client) and in pipe mode on both ends: the exact
//! sequence of calls and the TCP state after each. Each step waits for the narration of the
//! one before, so the order is the order of the calls, not of a race.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::process::Stdio;

use super::{LIMIT, Proc, connect_std, json_lines, listen};
use crate::common::wait_until;

/// The trace records of a `--json` run about `peer`: (call, state), from its accept on.
fn calls_of(p: &Proc, peer: &str) -> Vec<(String, String)> {
    let accepted = format!("from {peer} (the kernel completed the three-way handshake)");
    json_lines(&p.out())
        .iter()
        .filter(|r| r["event"] == "trace")
        .filter(|r| r["peer"] == peer || r["call"].as_str().is_some_and(|c| c.ends_with(&accepted)))
        .map(|r| {
            let call = r["call"].as_str().unwrap();
            // The descriptor number is whatever the kernel gave.
            let call = match call.split_once(" = fd ") {
                Some((head, tail)) => format!("{head} = fd N{}", &tail[tail.find(' ').unwrap()..]),
                None => call.to_string(),
            };
            (call, r["state"].as_str().unwrap_or("-").to_string())
        })
        .collect()
}

fn wait_call(p: &Proc, peer: &str, call: &str) {
    assert!(
        wait_until(LIMIT, || calls_of(p, peer).iter().any(|(c, _)| c == call)),
        "no {call:?} for {peer}: {:?}",
        calls_of(p, peer)
    );
}

/// The state after our FIN when the peer's came first: LAST_ACK until its ACK, then CLOSED
/// (over loopback the ACK may come within the call).
fn last_ack(state: &str) -> &str {
    if state == "CLOSED" { "LAST_ACK" } else { state }
}

#[test]
fn trace_names_each_call_of_each_client_in_echo_room_and_concurrent() {
    // (mode, what the operator types, what the client sends, what the client gets back, the
    // calls the exchange makes on the server)
    type Case<'a> = (&'a str, &'a str, &'a str, &'a str, [&'a str; 2]);
    let cases: [Case; 3] = [
        (
            "--echo",
            "",
            "hi\n",
            "hi\n",
            ["recv(65536) = 3 bytes", "send(3) = 3 bytes"],
        ),
        (
            "--room",
            "",
            "/nick\n",
            "* usage: /nick NAME\n",
            ["recv(65536) = 6 bytes", "send(20) = 20 bytes"],
        ),
        (
            "--concurrent",
            "hello\n",
            "hi\n",
            "hello\n",
            ["send(6) = 6 bytes", "recv(65536) = 3 bytes"],
        ),
    ];
    for (mode, typed, sent, reply, exchange) in cases {
        let port = crate::common::free_tcp_port();
        // Chat mode: in pipe mode `--concurrent` gives stdout to the clients' bytes.
        let mut l = listen(port, &[mode, "--chat", "--trace", "--json"], Stdio::piped());
        let mut stdin = l.child.0.stdin.take().unwrap();
        let mut client = connect_std(port);
        let peer = client.local_addr().unwrap().to_string();
        let accept =
            format!("accept() = fd N from {peer} (the kernel completed the three-way handshake)");
        wait_call(&l, &peer, &accept);
        assert!(wait_until(LIMIT, || json_lines(&l.out())
            .iter()
            .any(|r| r["event"] == "connection")));
        if typed.is_empty() {
            client.write_all(sent.as_bytes()).unwrap();
            wait_call(&l, &peer, exchange[0]);
        } else {
            stdin.write_all(typed.as_bytes()).unwrap();
        }
        let mut got = vec![0u8; reply.len()];
        client.read_exact(&mut got).unwrap();
        assert_eq!(got, reply.as_bytes(), "{mode}");
        if typed.is_empty() {
            wait_call(&l, &peer, exchange[1]);
        } else {
            wait_call(&l, &peer, exchange[0]);
            client.write_all(sent.as_bytes()).unwrap();
            wait_call(&l, &peer, exchange[1]);
        }
        client.shutdown(Shutdown::Write).unwrap();
        wait_call(&l, &peer, "recv() = 0: the peer sent FIN");
        let mut rest = Vec::new();
        client.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty(), "{mode}: {rest:?}");
        wait_call(&l, &peer, "close()");
        let calls = calls_of(&l, &peer);
        let shown: Vec<(&str, &str)> = calls
            .iter()
            .map(|(c, s)| {
                let s = if c.starts_with("shutdown") {
                    last_ack(s)
                } else {
                    s
                };
                (c.as_str(), s)
            })
            .collect();
        assert_eq!(
            shown,
            [
                (accept.as_str(), "ESTABLISHED"),
                (exchange[0], "ESTABLISHED"),
                (exchange[1], "ESTABLISHED"),
                ("recv() = 0: the peer sent FIN", "CLOSE_WAIT"),
                ("shutdown(SHUT_WR): our FIN", "LAST_ACK"),
                ("close()", "-"),
            ],
            "{mode}"
        );
        let records = json_lines(&l.out());
        let record = records
            .iter()
            .find(|r| r["event"] == "trace" && r["call"] == exchange[0])
            .unwrap();
        assert_eq!(record["peer"], peer.as_str());
        drop(stdin);
        l.child.interrupt();
        assert_eq!(l.exit(), Some(0), "{mode}");
    }
}

/// The `trace:` lines of a pipe-mode run (its stdout carries the peer's bytes), after `from`.
fn trace_lines(p: &Proc, from: &str) -> Vec<String> {
    let err = p.err();
    let at = err.find(from).unwrap_or(0);
    err[at..]
        .lines()
        .filter_map(|l| l.strip_prefix("trace: "))
        .map(str::to_string)
        .collect()
}

fn wait_line(p: &Proc, from: &str, start: &str) {
    assert!(
        wait_until(LIMIT, || trace_lines(p, from)
            .iter()
            .any(|l| l.starts_with(start))),
        "no {start:?}: {}",
        p.err()
    );
}

/// A state in `[...]` at the end of a trace line, one of `either`, said as the first.
fn settle(line: &str, either: [&str; 2]) -> String {
    let other = format!("  [{}]", either[1]);
    match line.strip_suffix(&other) {
        Some(head) => format!("{head}  [{}]", either[0]),
        None => line.to_string(),
    }
}

#[test]
fn trace_in_pipe_mode_on_the_listening_side() {
    let port = crate::common::free_tcp_port();
    let mut l = listen(port, &["--pipe", "--trace"], Stdio::piped());
    let mut stdin = l.child.0.stdin.take().unwrap();
    let mut peer = connect_std(port);
    let from = format!("connection from {}", peer.local_addr().unwrap());
    l.wait_err(&from);
    peer.write_all(b"ping\n").unwrap();
    wait_line(&l, &from, "recv(1048576) = 5 bytes");
    stdin.write_all(b"pong\n").unwrap();
    drop(stdin);
    wait_line(&l, &from, "shutdown(SHUT_WR): our FIN");
    let mut got = Vec::new();
    peer.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"pong\n");
    drop(peer);
    assert_eq!(l.exit(), Some(0));
    assert_eq!(l.out(), b"ping\n");
    let lines: Vec<String> = trace_lines(&l, &from)
        .iter()
        .map(|l| settle(l, ["FIN_WAIT2", "FIN_WAIT1"]))
        .map(|l| settle(&l, ["TIME_WAIT", "CLOSED"]))
        .collect();
    assert_eq!(
        lines,
        [
            "recv(1048576) = 5 bytes  [ESTABLISHED]",
            "send(5) = 5 bytes  [ESTABLISHED]",
            "shutdown(SHUT_WR): our FIN  [FIN_WAIT2]",
            "recv() = 0: the peer sent FIN; we closed first, so the kernel keeps the connection \
             in TIME_WAIT for 60 s  [TIME_WAIT]",
            "close()",
        ]
    );
}

#[test]
fn trace_in_pipe_mode_on_the_connecting_side() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port().to_string();
    let mut c = Proc::nettool(
        &["connect", "127.0.0.1", &port, "--pipe", "--trace"],
        Stdio::piped(),
    );
    let mut stdin = c.child.0.stdin.take().unwrap();
    let (mut peer, _) = server.accept().unwrap();
    peer.set_read_timeout(Some(LIMIT)).unwrap();
    let from = "connected to ";
    c.wait_err(from);
    stdin.write_all(b"ping\n").unwrap();
    let mut got = [0u8; 5];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"ping\n");
    wait_line(&c, from, "send(5) = 5 bytes");
    peer.write_all(b"pong\n").unwrap();
    wait_line(&c, from, "recv(1048576) = 5 bytes");
    peer.shutdown(Shutdown::Write).unwrap();
    wait_line(&c, from, "recv() = 0");
    drop(stdin);
    assert_eq!(c.exit(), Some(0));
    assert_eq!(c.out(), b"pong\n");
    let lines: Vec<String> = trace_lines(&c, from)
        .iter()
        .map(|l| settle(l, ["LAST_ACK", "CLOSED"]))
        .collect();
    assert_eq!(
        lines,
        [
            "send(5) = 5 bytes  [ESTABLISHED]",
            "recv(1048576) = 5 bytes  [ESTABLISHED]",
            "recv() = 0: the peer sent FIN  [CLOSE_WAIT]",
            "shutdown(SHUT_WR): our FIN  [LAST_ACK]",
            "close()",
        ]
    );
}
