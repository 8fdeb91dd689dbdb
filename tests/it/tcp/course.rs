//! nettool as the other end of the course's own programs (`course_server.py`,
//! `course_client.py`: messages sent with `input().encode()`, no newline, "##" ends), telnet,
//! a peer that never ends its line, the escaping of invisible and bidi characters, and
//! `--trace` compared with what `ss -tan` shows at the same moments.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{ChildStdin, Command, Stdio};

use serde_json::Value;

use super::{LIMIT, Proc, Tmux, json_lines, listen};
use crate::common::{bin, free_tcp_port, tool_or_skip, wait_until};

fn script(name: &str) -> String {
    format!("{}/tests/it/tcp/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A course program (`python3 -u`, so its prints arrive at once) with a stdin the test types
/// into.
fn course(program: &str, port: u16, coding: &str) -> (Proc, ChildStdin) {
    let mut cmd = Command::new("python3");
    cmd.args(["-u", &script(program), &port.to_string(), coding])
        .env("PYTHONIOENCODING", "utf-8");
    let mut p = Proc::start(cmd, Stdio::piped());
    let stdin = p.child.0.stdin.take().unwrap();
    (p, stdin)
}

fn type_line(stdin: &mut ChildStdin, line: &str) {
    stdin.write_all(line.as_bytes()).unwrap();
    stdin.write_all(b"\n").unwrap();
    stdin.flush().unwrap();
}

fn out_text(p: &Proc) -> String {
    String::from_utf8_lossy(&p.out()).into_owned()
}

fn wait_out(p: &Proc, text: &str) {
    assert!(
        wait_until(LIMIT, || out_text(p).contains(text)),
        "never saw {text:?} on stdout: {}",
        out_text(p)
    );
}

fn tools(test: &str) -> bool {
    tool_or_skip(test, "tmux") && tool_or_skip(test, "python3")
}

/// The course server and `nettool connect` in a terminal: both ways, byte for byte, and "##"
/// ends both ends; the server then waits for its next client.
fn connect_to_the_course_server(test: &str, coding: &str, mine: &str, theirs: &str) {
    if !tools(test) {
        return;
    }
    let port = free_tcp_port();
    let (mut server, mut server_in) = course("course_server.py", port, coding);
    wait_out(&server, "Waiting for connect...");
    let t = Tmux::new();
    let nt = bin().display().to_string();
    t.start(
        "c",
        &format!(
            "LC_ALL=C.UTF-8 {nt} connect 127.0.0.1 {port} --send-quit --eol none \
             --encoding {coding}; echo EXIT=$?; sleep 60"
        ),
    );
    t.wait("c", "type ## or q on a line of its own to quit");
    wait_out(&server, "Connect from");

    t.cmd(&["send-keys", "-t", "c", "-l", mine]);
    t.cmd(&["send-keys", "-t", "c", "Enter"]);
    // Exactly what was typed, no newline: the server prints it and prompts on the next line.
    wait_out(&server, &format!("Receive: {mine}\nSend: "));
    type_line(&mut server_in, theirs);
    t.wait("c", &format!("[127.0.0.1:{port}] {theirs} (no newline)"));

    t.cmd(&["send-keys", "-t", "c", "##", "Enter"]);
    wait_out(&server, "Receive: ##\nWaiting for connect...");
    t.wait("c", "EXIT=0");
    assert_eq!(
        out_text(&server).matches("Waiting for connect...").count(),
        2
    );
    drop(server_in);
    let _ = server.child.0.kill();
    server.exit();
}

#[test]
fn connect_stands_in_for_the_course_client() {
    connect_to_the_course_server(
        "connect_stands_in_for_the_course_client",
        "utf-8",
        "hello 你好",
        "hi 你好 back",
    );
}

#[test]
fn connect_speaks_gbk_with_a_gbk_course_server() {
    connect_to_the_course_server(
        "connect_speaks_gbk_with_a_gbk_course_server",
        "gbk",
        "你好 gbk",
        "收到 gbk",
    );
}

/// `nettool listen -k` in a terminal and two course clients, one after the other.
fn listen_for_course_clients(test: &str, coding: &str) {
    if !tools(test) {
        return;
    }
    let port = free_tcp_port();
    let t = Tmux::new();
    let nt = bin().display().to_string();
    t.start(
        "l",
        &format!(
            "LC_ALL=C.UTF-8 {nt} listen 127.0.0.1 {port} -k --send-quit --eol none \
             --encoding {coding}; echo EXIT=$?; sleep 60"
        ),
    );
    t.wait("l", &format!("listening on 127.0.0.1:{port}"));

    // The first client talks and then quits with "##".
    let (mut one, mut one_in) = course("course_client.py", port, coding);
    type_line(&mut one_in, "hello 你好");
    t.wait("l", "] hello 你好 (no newline)");
    t.cmd(&["send-keys", "-t", "l", "-l", "回答 one"]);
    t.cmd(&["send-keys", "-t", "l", "Enter"]);
    wait_out(&one, "Receive: 回答 one\nSend: ");
    type_line(&mut one_in, "##");
    assert_eq!(one.exit(), Some(0), "{}", one.err());
    t.wait("l", "] ## (no newline)");
    t.wait("l", "peer closed the connection");

    // The second is served next, and "##" typed at nettool ends both ends.
    let (mut two, mut two_in) = course("course_client.py", port, coding);
    type_line(&mut two_in, "second");
    t.wait("l", "] second (no newline)");
    t.cmd(&["send-keys", "-t", "l", "##", "Enter"]);
    wait_out(&two, "Receive: ##\nClient done");
    assert_eq!(two.exit(), Some(0), "{}", two.err());
    t.wait("l", "EXIT=0");
    let screen = t.screen("l");
    assert_eq!(
        screen.matches("connection from 127.0.0.1:").count(),
        4,
        "{screen}"
    );
}

#[test]
fn listen_stands_in_for_the_course_server() {
    listen_for_course_clients("listen_stands_in_for_the_course_server", "utf-8");
}

#[test]
fn listen_speaks_gbk_with_gbk_course_clients() {
    listen_for_course_clients("listen_speaks_gbk_with_gbk_course_clients", "gbk");
}

#[test]
fn telnet_against_listen() {
    let test = "telnet_against_listen";
    if !tool_or_skip(test, "tmux") || !tool_or_skip(test, "telnet") {
        return;
    }
    let port = free_tcp_port();
    let mut l = listen(port, &["--chat", "--eol", "crlf"], Stdio::piped());
    let mut l_in = l.child.0.stdin.take().unwrap();
    let t = Tmux::new();
    t.start(
        "t",
        &format!("telnet 127.0.0.1 {port}; echo EXIT=$?; sleep 60"),
    );
    l.wait_err("connection from 127.0.0.1:");
    t.cmd(&["send-keys", "-t", "t", "hello from telnet", "Enter"]);
    // telnet ends the line with CR LF: the CR is part of the line end, not shown.
    wait_out(&l, "] hello from telnet\n");
    assert!(!out_text(&l).contains("\\r"), "{}", out_text(&l));
    type_line(&mut l_in, "hello from nettool");
    t.wait("t", "hello from nettool");
    drop(l_in);
    t.wait("t", "Connection closed by foreign host.");
    assert_eq!(l.exit(), Some(0), "{}", l.err());
}

#[test]
fn unfinished_line_is_shown_before_exit() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    for json in [false, true] {
        let port_text = port.to_string();
        let mut args = vec![
            "connect",
            "127.0.0.1",
            &port_text,
            "--chat",
            "--partial-after",
            "1h",
        ];
        if json {
            args.push("--json");
        }
        let mut c = Proc::nettool(&args, Stdio::piped());
        let mut c_in = c.child.0.stdin.take().unwrap();
        let (mut peer, _) = server.accept().unwrap();
        // The peer sends text with no newline and stays open.
        peer.write_all("no newline 你好".as_bytes()).unwrap();
        c.wait_err("type ## or q");
        std::thread::sleep(std::time::Duration::from_millis(100));
        type_line(&mut c_in, "q");
        assert_eq!(c.exit(), Some(0), "{}", c.err());
        let out = out_text(&c);
        if json {
            let records = json_lines(&c.out());
            let line = records.iter().find(|r| r["event"] == "line").unwrap();
            assert_eq!(line["text"], "no newline 你好");
            assert_eq!(line["partial"], true);
        } else {
            assert_eq!(
                out,
                format!("[127.0.0.1:{port}] no newline 你好 (no newline)\n")
            );
        }
        drop(peer);
    }
}

/// Each character that could hide text or turn it around, as a peer sends it, and how it is
/// shown.
pub(crate) const HOSTILE: [(&str, &str); 9] = [
    ("\u{202e}", "\\u{202e}"),
    ("\u{200b}", "\\u{200b}"),
    ("\u{2028}", "\\u{2028}"),
    ("\u{2029}", "\\u{2029}"),
    ("\u{2066}", "\\u{2066}"),
    ("\u{feff}", "\\u{feff}"),
    ("\u{9b}", "\\u{9b}"),
    ("\x7f", "\\x7f"),
    ("\x1b", "\\x1b"),
];

fn hostile_lines() -> (String, Vec<String>) {
    let mut sent = String::new();
    let mut shown = Vec::new();
    for (c, escaped) in HOSTILE {
        sent.push_str(&format!("a{c}b\n"));
        shown.push(format!("a{escaped}b"));
    }
    (sent, shown)
}

#[test]
fn chat_escapes_invisible_and_bidi_characters() {
    let (sent, shown) = hostile_lines();
    for json in [false, true] {
        let port = free_tcp_port();
        let mut extra = vec!["--chat", "--recv-only"];
        if json {
            extra.push("--json");
        }
        let mut l = listen(port, &extra, Stdio::null());
        let mut peer = TcpStream::connect(("127.0.0.1", port)).unwrap();
        peer.write_all(sent.as_bytes()).unwrap();
        drop(peer);
        assert_eq!(l.exit(), Some(0), "{}", l.err());
        let got: Vec<String> = if json {
            json_lines(&l.out())
                .iter()
                .filter(|r| r["event"] == "line")
                .map(|r| r["text"].as_str().unwrap().to_string())
                .collect()
        } else {
            out_text(&l)
                .lines()
                .map(|line| line.split_once("] ").unwrap().1.to_string())
                .collect()
        };
        assert_eq!(got, shown, "json: {json}");
    }
}

#[test]
fn room_escapes_invisible_and_bidi_characters() {
    let (sent, shown) = hostile_lines();
    let port = free_tcp_port();
    let mut l = listen(port, &["--room", "--json"], Stdio::null());
    let mut peer = TcpStream::connect(("127.0.0.1", port)).unwrap();
    peer.write_all(sent.as_bytes()).unwrap();
    let want = shown.len();
    assert!(
        wait_until(LIMIT, || json_lines(&l.out())
            .iter()
            .filter(|r| r["event"] == "message")
            .count()
            == want),
        "{}",
        out_text(&l)
    );
    l.child.interrupt();
    l.exit();
    let got: Vec<String> = json_lines(&l.out())
        .iter()
        .filter(|r| r["event"] == "message")
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, shown);
}

/// The states one socket is in according to `ss -tan`, by its local and peer ports.
fn ss_state(local_port: u16, peer_port: u16) -> Option<String> {
    let out = Command::new("ss").args(["-tan"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            (f.len() >= 5
                && f[3].ends_with(&format!(":{local_port}"))
                && f[4].ends_with(&format!(":{peer_port}")))
            .then(|| f[0].to_string())
        })
}

fn wait_ss(local_port: u16, peer_port: u16, want: &str) {
    assert!(
        wait_until(LIMIT, || ss_state(local_port, peer_port).as_deref()
            == Some(want)),
        "ss never showed {want} for :{local_port} -> :{peer_port}: {:?}",
        ss_state(local_port, peer_port)
    );
}

/// The trace records of a `--json` run: (call, state).
fn trace_of(p: &Proc) -> Vec<(String, String)> {
    json_lines(&p.out())
        .iter()
        .filter(|r| r["event"] == "trace")
        .map(|r| {
            (
                r["call"].as_str().unwrap().to_string(),
                r["state"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

fn wait_trace(p: &Proc, call_start: &str) -> (String, String) {
    let mut found = None;
    assert!(
        wait_until(LIMIT, || {
            found = trace_of(p)
                .into_iter()
                .find(|(c, _)| c.starts_with(call_start));
            found.is_some()
        }),
        "no {call_start:?} in the trace: {:?}",
        trace_of(p)
    );
    found.unwrap()
}

#[test]
fn trace_of_a_client_that_sends_and_closes_first() {
    if !tool_or_skip("trace_of_a_client_that_sends_and_closes_first", "ss") {
        return;
    }
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let port_text = port.to_string();
    let mut c = Proc::nettool(
        &[
            "connect",
            "127.0.0.1",
            &port_text,
            "--chat",
            "--trace",
            "--json",
        ],
        Stdio::piped(),
    );
    let mut c_in = c.child.0.stdin.take().unwrap();
    let (mut peer, client) = server.accept().unwrap();
    let (call, state) = wait_trace(&c, "connect(");
    assert_eq!(state, "ESTABLISHED", "{call}");
    wait_ss(client.port(), port, "ESTAB");
    type_line(&mut c_in, "hello");
    let mut buf = [0u8; 6];
    std::io::Read::read_exact(&mut peer, &mut buf).unwrap();
    assert_eq!(&buf, b"hello\n");
    type_line(&mut c_in, "q");
    let (_, state) = wait_trace(&c, "shutdown(SHUT_WR): our FIN");
    assert!(state == "FIN_WAIT1" || state == "FIN_WAIT2", "{state}");
    // Our FIN was acknowledged; the server has the FIN and has not closed: the two halves.
    wait_ss(client.port(), port, "FIN-WAIT-2");
    wait_ss(port, client.port(), "CLOSE-WAIT");
    drop(peer);
    let (call, _) = wait_trace(&c, "recv() = 0");
    assert!(call.contains("TIME_WAIT"), "{call}");
    // The closer's side holds TIME_WAIT.
    wait_ss(client.port(), port, "TIME-WAIT");
    assert_eq!(c.exit(), Some(0), "{}", c.err());
    let mut calls: Vec<String> = trace_of(&c)
        .into_iter()
        .map(|(call, state)| format!("{} [{state}]", call.split(" = ").next().unwrap()))
        .collect();
    // Whether connect(2) left the socket waiting (and in which state) depends on scheduling:
    // a step between the call and its completion is there only when the first poll waited.
    if calls.len() == 7 {
        let waiting = calls.remove(1);
        assert!(
            waiting == format!("connect(127.0.0.1:{port}) [ESTABLISHED]")
                || waiting
                    == format!("connect(127.0.0.1:{port}) blocks… (our SYN is out) [SYN_SENT]"),
            "{waiting}"
        );
    }
    assert_eq!(
        calls,
        [
            "socket(AF_INET, SOCK_STREAM) [CLOSED]".to_string(),
            format!("connect(127.0.0.1:{port}) [ESTABLISHED]"),
            "send(6) [ESTABLISHED]".to_string(),
            calls[3].clone(),
            "recv() [CLOSED]".to_string(),
            "close() [-]".to_string(),
        ]
    );
}

#[test]
fn trace_of_a_server_that_closes_first() {
    if !tool_or_skip("trace_of_a_server_that_closes_first", "ss") {
        return;
    }
    let port = free_tcp_port();
    let mut l = listen(
        port,
        &["--chat", "--trace", "--json", "--backlog", "5"],
        Stdio::piped(),
    );
    let mut l_in = l.child.0.stdin.take().unwrap();
    let (_, state) = wait_trace(&l, "listen(backlog 5)");
    assert_eq!(state, "LISTEN");
    wait_trace(&l, "accept() blocks");
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let me = client.local_addr().unwrap().port();
    let (call, state) = wait_trace(&l, "accept() = fd");
    assert!(
        call.ends_with(&format!(
            "from 127.0.0.1:{me} (the kernel completed the three-way handshake)"
        )),
        "{call}"
    );
    assert_eq!(state, "ESTABLISHED");
    client.write_all(b"hi\n").unwrap();
    let (call, state) = wait_trace(&l, "recv(");
    assert_eq!(
        (call.as_str(), state.as_str()),
        ("recv(65536) = 3 bytes", "ESTABLISHED")
    );
    type_line(&mut l_in, "##");
    let (_, state) = wait_trace(&l, "shutdown(SHUT_WR): our FIN");
    assert!(state == "FIN_WAIT1" || state == "FIN_WAIT2", "{state}");
    wait_ss(port, me, "FIN-WAIT-2");
    wait_ss(me, port, "CLOSE-WAIT");
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut client, &mut rest).unwrap();
    drop(client);
    let (call, _) = wait_trace(&l, "recv() = 0");
    assert!(call.contains("TIME_WAIT"), "{call}");
    wait_ss(port, me, "TIME-WAIT");
    assert_eq!(l.exit(), Some(0), "{}", l.err());
    let records = json_lines(&l.out());
    assert_eq!(records.last().unwrap()["event"], "summary");
    let _: &Value = &records[0];
}

#[test]
fn trace_shows_syn_sent_while_the_handshake_waits() {
    // A listener that never accepts, with a backlog of 0: once its queue is full, the kernel
    // drops further SYNs, and the connecting socket stays in SYN_SENT.
    let port = free_tcp_port();
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    sock.bind(&addr.into()).unwrap();
    sock.listen(0).unwrap();
    let mut fillers = Vec::new();
    for _ in 0..3 {
        if let Ok(s) = TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(300)) {
            fillers.push(s);
        }
    }
    let out = crate::common::nettool()
        .args([
            "connect",
            "-w",
            "400ms",
            "--trace",
            "127.0.0.1",
            &port.to_string(),
        ])
        .write_stdin("x")
        .timeout(LIMIT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("trace: socket(AF_INET, SOCK_STREAM) = fd "),
        "{err}"
    );
    assert_eq!(
        &lines[1..],
        [
            format!("trace: connect(127.0.0.1:{port}) blocks… (our SYN is out)  [SYN_SENT]"),
            format!("trace: connect(127.0.0.1:{port}): no SYN-ACK, given up  [SYN_SENT]"),
            format!("error: connect 127.0.0.1:{port}: timed out after 400ms"),
        ]
    );
    drop(fillers);
}

#[test]
fn pipe_mode_keeps_trace_records_off_stdout() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port().to_string();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = server.accept().unwrap();
        s.write_all(b"raw bytes\n").unwrap();
    });
    let out = crate::common::nettool()
        .args(["connect", "127.0.0.1", &port, "--pipe", "--trace", "--json"])
        .write_stdin("")
        .timeout(LIMIT)
        .output()
        .unwrap();
    peer.join().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"raw bytes\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("trace: connect(127.0.0.1:{port}) = 0 from")),
        "{err}"
    );
}

#[test]
fn trace_narrates_accept_for_every_service() {
    for service in ["--echo", "--room", "--concurrent"] {
        let port = free_tcp_port();
        let mut l = listen(port, &[service, "--trace"], Stdio::null());
        let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let me = client.local_addr().unwrap().port();
        let want = format!(
            " from 127.0.0.1:{me} (the kernel completed the three-way handshake)  [ESTABLISHED]"
        );
        assert!(
            wait_until(LIMIT, || l.err().lines().any(|line| line
                .starts_with("trace: accept() = fd ")
                && line.ends_with(&want))),
            "{service}: {}",
            l.err()
        );
        drop(client);
        l.child.interrupt();
        l.exit();
    }
}
