//! `nettool udp-send` / `udp-recv`: exact bytes, replies, port unreachable, limits, counted
//! streams, broadcast and multicast between namespaces, and socat/nc as the other end.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{ChildGuard, Netns, bin, nettool, veth};
use base64::Engine as _;
use nettool::model::udp_stats::Stamp;
use serde_json::Value;

/// Start `cmd` (a nettool udp-recv) and wait for its "listening on" line on stderr.
fn start_receiver(mut cmd: Command) -> (ChildGuard, BufReader<std::process::ChildStdout>) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on udp "), "{line}");
    (ChildGuard(child), stdout)
}

fn recv_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.arg("udp-recv").args(args);
    cmd
}

fn lines(mut out: BufReader<std::process::ChildStdout>) -> Vec<Value> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut out, &mut text).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn payload_bytes(record: &Value) -> Vec<u8> {
    let payload = record["payload"].as_str().unwrap();
    match record["encoding"].as_str().unwrap() {
        "text" => payload.as_bytes().to_vec(),
        _ => base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap(),
    }
}

#[test]
fn send_exact_bytes() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = socket.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut buf = vec![0u8; 70_000];

    nettool()
        .args(["udp-send", "127.0.0.1", &port, "hello, world"])
        .assert()
        .code(0);
    let n = socket.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello, world");

    nettool()
        .args(["udp-send", "127.0.0.1", &port, ""])
        .assert()
        .code(0);
    assert_eq!(socket.recv(&mut buf).unwrap(), 0);

    let binary: Vec<u8> = (0..=255u8).cycle().take(65_507).collect();
    let path = dir.path().join("max.bin");
    std::fs::write(&path, &binary).unwrap();
    nettool()
        .args(["udp-send", "127.0.0.1", &port, "--file"])
        .arg(&path)
        .assert()
        .code(0);
    let n = socket.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], &binary[..]);

    nettool()
        .args(["udp-send", "127.0.0.1", &port])
        .write_stdin("one\ntwo\r\n\nthree")
        .assert()
        .code(0);
    for want in [&b"one"[..], b"two", b"", b"three"] {
        let n = socket.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], want);
    }
}

#[test]
fn over_the_limit_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    std::fs::write(&path, vec![0u8; 65_508]).unwrap();
    let out = nettool()
        .args(["udp-send", "127.0.0.1", "9", "--file"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: {}: a datagram of 65508 bytes is over the IPv4 limit of 65,507 bytes\n",
            path.display()
        )
    );
}

#[test]
fn receive_exact_bytes_text_binary_empty_max() {
    let port = crate::common::free_udp_port().to_string();
    let (mut guard, out) = start_receiver(recv_cmd(&["127.0.0.1", &port, "-c", "4", "--json"]));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let big: Vec<u8> = (0..65_507u32).map(|i| (i % 251) as u8).collect();
    let datagrams: [&[u8]; 4] = [b"plain text\n", b"\x00\x01\xfe\xff", b"", &big];
    for d in datagrams {
        sender.send_to(d, format!("127.0.0.1:{port}")).unwrap();
    }
    let records = lines(out);
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
    assert_eq!(records.len(), 5);
    let from = format!("127.0.0.1:{}", sender.local_addr().unwrap().port());
    for (record, want) in records.iter().zip(datagrams) {
        assert_eq!(record["type"], "datagram");
        assert_eq!(record["from"], from);
        assert_eq!(record["size"].as_u64(), Some(want.len() as u64));
        assert_eq!(payload_bytes(record), want);
    }
    assert_eq!(records[1]["encoding"], "base64");
    assert_eq!(records[4]["type"], "summary");
    assert_eq!(records[4]["datagrams"], 4);
    assert_eq!(records[4]["bytes"].as_u64(), Some(11 + 4 + 65_507));
}

#[test]
fn text_is_escaped_and_binary_is_dumped() {
    let port = crate::common::free_udp_port().to_string();
    let (mut guard, mut out) = start_receiver(recv_cmd(&["127.0.0.1", &port, "-c", "2"]));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender
        .send_to(b"red \x1b[31malert\x07", format!("127.0.0.1:{port}"))
        .unwrap();
    sender
        .send_to(b"\x00\xffAB", format!("127.0.0.1:{port}"))
        .unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut out, &mut text).unwrap();
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
    let lines: Vec<&str> = text.lines().collect();
    let from = format!("127.0.0.1:{}", sender.local_addr().unwrap().port());
    assert!(
        lines[0].ends_with(&format!("  {from}  15 bytes  red \\x1b[31malert\\x07")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].ends_with(&format!("  {from}  4 bytes, binary")),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "  0000  00 ff 41 42                                       |..AB|"
    );
}

#[test]
fn reply_and_echo_reach_the_sender() {
    let port = crate::common::free_udp_port().to_string();
    let (mut guard, _out) = start_receiver(recv_cmd(&[
        "127.0.0.1",
        &port,
        "-c",
        "1",
        "--reply",
        "pong",
    ]));
    let out = nettool()
        .args([
            "udp-send",
            "127.0.0.1",
            &port,
            "ping",
            "--wait",
            "2s",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = crate::common::schema::check("udp-send", &out.stdout);
    assert_eq!(records[0]["type"], "reply");
    assert_eq!(records[0]["payload"], "pong");
    assert_eq!(records[0]["from"], format!("127.0.0.1:{port}"));
    assert_eq!(records[1]["type"], "summary");
    assert_eq!(
        (records[1]["sent"].as_u64(), records[1]["replies"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );

    let port = crate::common::free_udp_port().to_string();
    let (mut guard, _out) = start_receiver(recv_cmd(&["127.0.0.1", &port, "-c", "2", "--echo"]));
    let out = nettool()
        .args(["udp-send", "127.0.0.1", &port, "--wait", "2s"])
        .write_stdin("first\nsecond\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let shown: Vec<&str> = text
        .lines()
        .map(|l| l.split("  ").last().unwrap())
        .collect();
    assert_eq!(shown, ["first", "second"]);
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
}

#[test]
fn port_unreachable_is_exit_1() {
    let port = crate::common::free_udp_port().to_string();
    let out = nettool()
        .args(["udp-send", "127.0.0.1", &port, "anyone?", "--wait", "2s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!("error: no listener on 127.0.0.1:{port} (port unreachable)\n")
    );
}

#[test]
fn idle_and_count_end_the_receiver() {
    let port = crate::common::free_udp_port().to_string();
    let out = nettool()
        .args(["udp-recv", "127.0.0.1", &port, "--idle", "200ms", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "no datagram is a negative answer"
    );
    let summary = crate::common::schema::check("udp-recv", &out.stdout).remove(0);
    assert_eq!(
        (summary["type"].as_str(), summary["datagrams"].as_u64()),
        (Some("summary"), Some(0))
    );

    let port = crate::common::free_udp_port().to_string();
    let (mut guard, out) = start_receiver(recv_cmd(&["127.0.0.1", &port, "-c", "2", "--json"]));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..2 {
        sender.send_to(b"x", format!("127.0.0.1:{port}")).unwrap();
    }
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
    assert_eq!(lines(out).len(), 3);
}

fn stamped(seq: u64) -> Vec<u8> {
    let mut d = Stamp {
        seq,
        sent_ns: 1_000_000 * (seq + 1),
    }
    .encode()
    .to_vec();
    d.extend_from_slice(b"body");
    d
}

#[test]
fn stats_are_exact_for_gaps_duplicates_and_reordering() {
    let port = crate::common::free_udp_port().to_string();
    // Sent 0..=9: 3 and 7 never sent (lost), 5 twice (duplicate), 8 before 6 (reordered),
    // plus one datagram without a stamp.
    let order = [0u64, 1, 2, 4, 5, 5, 8, 6, 9];
    let (mut guard, out) = start_receiver(recv_cmd(&[
        "127.0.0.1",
        &port,
        "--stats",
        "-c",
        "10",
        "--json",
    ]));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for seq in order {
        sender
            .send_to(&stamped(seq), format!("127.0.0.1:{port}"))
            .unwrap();
    }
    sender
        .send_to(b"no stamp", format!("127.0.0.1:{port}"))
        .unwrap();
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
    let records = lines(out);
    assert_eq!(
        records.len(),
        1,
        "with --stats only the summary is printed: {records:?}"
    );
    let stats = &records[0]["stats"];
    assert_eq!(stats["received"], 9);
    assert_eq!(stats["unique"], 8);
    assert_eq!(stats["lost"], 2);
    assert_eq!(stats["duplicated"], 1);
    assert_eq!(stats["reordered"], 1);
    assert_eq!(stats["highest_seq"], 9);
    assert_eq!(stats["unstamped"], 1);
    assert_eq!(stats["loss_pct"], 20.0);
}

#[test]
fn counted_stream_from_udp_send_and_ctrl_c_summary() {
    let port = crate::common::free_udp_port().to_string();
    let mut cmd = recv_cmd(&["127.0.0.1", &port, "--stats"]);
    cmd.env("LC_ALL", "C");
    let (mut guard, mut out) = start_receiver(cmd);
    nettool()
        .args([
            "udp-send",
            "127.0.0.1",
            &port,
            "--seq",
            "-c",
            "50",
            "--rate",
            "2000",
            "-s",
            "64",
        ])
        .assert()
        .code(0);
    std::thread::sleep(Duration::from_millis(200));
    guard.interrupt();
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
    let mut text = String::new();
    std::io::Read::read_to_string(&mut out, &mut text).unwrap();
    assert!(text.starts_with("50 datagrams, 3200 bytes in "), "{text}");
    assert!(
        text.contains("\nstream: 50 received, 0 lost (0.00%), 0 duplicated, 0 reordered, jitter "),
        "{text}"
    );
}

/// Two namespaces joined by a veth pair on 10.50.0.0/24: `a` (.1) sends, `b` (.2) receives.
fn pair() -> (Netns, Netns) {
    let a = Netns::new("udp-a");
    let b = Netns::new("udp-b");
    veth(&a, "ua0", &b, "ub0");
    a.exec(&["ip", "addr", "add", "10.50.0.1/24", "dev", "ua0"]);
    b.exec(&["ip", "addr", "add", "10.50.0.2/24", "dev", "ub0"]);
    (a, b)
}

fn ns_receiver(ns: &Netns, args: &[&str]) -> (ChildGuard, BufReader<std::process::ChildStdout>) {
    let mut cmd = ns.command(bin());
    cmd.arg("udp-recv").args(args);
    start_receiver(cmd)
}

#[test]
fn broadcast_reaches_the_other_namespace() {
    if !crate::common::root_or_skip("broadcast_reaches_the_other_namespace") {
        return;
    }
    let (a, b) = pair();
    // The limited broadcast leaves by the default route; this one stays inside `a`'s link.
    a.exec(&["ip", "route", "add", "default", "dev", "ua0"]);
    let (mut guard, out) = ns_receiver(&b, &["--broadcast", "5050", "-c", "2", "--json"]);
    a.nettool()
        .args([
            "udp-send",
            "--broadcast",
            "255.255.255.255",
            "5050",
            "to everyone",
        ])
        .assert()
        .code(0);
    a.nettool()
        .args([
            "udp-send",
            "--broadcast",
            "10.50.0.255",
            "5050",
            "to the subnet",
        ])
        .assert()
        .code(0);
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
    let records = lines(out);
    assert_eq!(records[0]["payload"], "to everyone");
    assert_eq!(records[1]["payload"], "to the subnet");
    assert!(
        records[0]["from"]
            .as_str()
            .unwrap()
            .starts_with("10.50.0.1:")
    );

    let out = a
        .nettool()
        .args(["udp-send", "255.255.255.255", "5050", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: 255.255.255.255: is the broadcast address: add --broadcast\n"
    );
}

#[test]
fn multicast_group_is_joined_and_received() {
    if !crate::common::root_or_skip("multicast_group_is_joined_and_received") {
        return;
    }
    let (a, b) = pair();
    a.exec(&["ip", "route", "add", "224.0.0.0/4", "dev", "ua0"]);
    let (mut guard, out) = ns_receiver(
        &b,
        &[
            "--join",
            "239.1.2.3",
            "--iface",
            "ub0",
            "6060",
            "-c",
            "1",
            "--json",
        ],
    );
    a.nettool()
        .args(["udp-send", "239.1.2.3", "6060", "group news", "--ttl", "1"])
        .assert()
        .code(0);
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
    let records = lines(out);
    assert_eq!(records[0]["payload"], "group news");
    assert_eq!(
        records[0]["from"].as_str().unwrap().split(':').next(),
        Some("10.50.0.1")
    );
}

#[test]
fn interop_with_socat_and_nc() {
    if !crate::common::tool_or_skip("interop_with_socat_and_nc", "socat")
        || !crate::common::tool_or_skip("interop_with_socat_and_nc", "nc")
    {
        return;
    }
    // nettool sends, socat receives.
    let port = crate::common::free_udp_port().to_string();
    let mut socat = ChildGuard(
        Command::new("socat")
            .args(["-u", &format!("UDP-RECV:{port},bind=127.0.0.1"), "STDOUT"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(200));
    nettool()
        .args(["udp-send", "127.0.0.1", &port, "from nettool\n"])
        .assert()
        .code(0);
    let mut got = [0u8; 13];
    std::io::Read::read_exact(socat.0.stdout.as_mut().unwrap(), &mut got).unwrap();
    assert_eq!(&got, b"from nettool\n");
    drop(socat);

    // socat sends and reads the echo from nettool.
    let port = crate::common::free_udp_port().to_string();
    let (mut guard, _out) = start_receiver(recv_cmd(&["127.0.0.1", &port, "--echo", "-c", "1"]));
    let out = Command::new("socat")
        .args(["-T", "2", "-", &format!("UDP:127.0.0.1:{port}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.as_mut().unwrap().write_all(b"echo me")?;
            std::thread::sleep(Duration::from_millis(300));
            drop(child.stdin.take());
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.stdout, b"echo me");
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );

    // nc -u sends to nettool.
    let port = crate::common::free_udp_port().to_string();
    let (mut guard, out) = start_receiver(recv_cmd(&["127.0.0.1", &port, "-c", "1", "--json"]));
    let status = Command::new("sh")
        .args([
            "-c",
            &format!("printf 'via nc' | nc -u -w1 127.0.0.1 {port}"),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        guard
            .wait_timeout(Duration::from_secs(5))
            .and_then(|s| s.code()),
        Some(0)
    );
    assert_eq!(lines(out)[0]["payload"], "via nc");

    // nettool sends to nc -u -l.
    let port = crate::common::free_udp_port().to_string();
    let mut nc = ChildGuard(
        Command::new("nc")
            .args(["-u", "-l", "127.0.0.1", &port])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(200));
    nettool()
        .args(["udp-send", "127.0.0.1", &port, "to nc\n"])
        .assert()
        .code(0);
    let mut got = [0u8; 6];
    std::io::Read::read_exact(nc.0.stdout.as_mut().unwrap(), &mut got).unwrap();
    assert_eq!(&got, b"to nc\n");
}

#[test]
fn ctrl_c_right_after_listening_still_prints_the_summary() {
    let port = crate::common::free_udp_port().to_string();
    let (mut guard, out) = start_receiver(recv_cmd(&["127.0.0.1", &port, "--stats", "--json"]));
    guard.interrupt();
    let status = guard
        .wait_timeout(Duration::from_secs(5))
        .expect("exits on SIGINT");
    assert_eq!(status.code(), Some(1), "no datagram arrived");
    let records = lines(out);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["type"], "summary");
    assert_eq!(records[0]["stats"]["received"], 0);
}

#[test]
fn invisible_and_bidi_characters_are_escaped_and_json_keeps_the_bytes() {
    let sent = crate::tcp::course::HOSTILE;
    for json in [false, true] {
        let port = crate::common::free_udp_port().to_string();
        let count = sent.len().to_string();
        let mut args = vec!["127.0.0.1", &port, "-c", &count];
        if json {
            args.push("--json");
        }
        let (mut child, out) = start_receiver(recv_cmd(&args));
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        for (c, _) in sent {
            socket
                .send_to(format!("a{c}b").as_bytes(), format!("127.0.0.1:{port}"))
                .unwrap();
        }
        if json {
            let records = lines(out);
            for (record, (c, _)) in records.iter().zip(sent) {
                assert_eq!(payload_bytes(record), format!("a{c}b").as_bytes());
            }
        } else {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut { out }, &mut text).unwrap();
            let shown: Vec<&str> = text
                .lines()
                .map(|l| l.rsplit("  ").next().unwrap())
                .collect();
            let want: Vec<String> = sent.iter().map(|(_, e)| format!("a{e}b")).collect();
            assert_eq!(shown, want);
        }
        assert!(child.wait_timeout(Duration::from_secs(10)).is_some());
    }
}

#[test]
fn quit_word_typed_at_a_terminal_ends_udp_send() {
    if !crate::common::tool_or_skip("quit_word_typed_at_a_terminal_ends_udp_send", "tmux") {
        return;
    }
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let port = socket.local_addr().unwrap().port();
    let t = crate::tcp::Tmux::new();
    let nt = bin().display().to_string();
    t.start(
        "s",
        &format!("{nt} udp-send 127.0.0.1 {port}; echo EXIT=$?; sleep 60"),
    );
    t.wait("s", "type ## or q on a line of its own to quit");
    t.cmd(&["send-keys", "-t", "s", "one", "Enter"]);
    t.cmd(&["send-keys", "-t", "s", "##", "Enter"]);
    t.wait("s", "EXIT=0");
    let mut buf = [0u8; 64];
    let (n, _) = socket.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"one");
    // "##" ended the session: it was not sent.
    assert!(socket.recv_from(&mut buf).is_err());
    assert!(
        t.screen("s").contains("sent 1 datagrams"),
        "{}",
        t.screen("s")
    );
}

#[test]
fn trace_narrates_socket_calls_both_ends() {
    let port = crate::common::free_udp_port();
    let port_text = port.to_string();
    let mut recv = recv_cmd(&[
        "127.0.0.1",
        &port_text,
        "-c",
        "1",
        "--trace",
        "--json",
        "--echo",
    ]);
    recv.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = ChildGuard(recv.spawn().unwrap());
    let stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut stderr = BufReader::new(child.0.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on udp "), "{line}");
    let out = nettool()
        .args([
            "udp-send",
            "127.0.0.1",
            &port_text,
            "hello",
            "--trace",
            "--json",
            "--wait",
            "5s",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sender = crate::common::schema::check("udp-send", &out.stdout);
    let calls = |records: &[Value]| -> Vec<String> {
        records
            .iter()
            .filter(|r| r["type"] == "trace")
            .map(|r| r["call"].as_str().unwrap().to_string())
            .collect()
    };
    let sent = calls(&sender);
    assert_eq!(sent.len(), 5, "{sent:?}");
    assert!(
        sent[0].starts_with("socket(AF_INET, SOCK_DGRAM) = fd "),
        "{sent:?}"
    );
    assert!(
        sent[1].starts_with("bind(0.0.0.0:0): bound to 0.0.0.0:"),
        "{sent:?}"
    );
    assert!(
        sent[2].starts_with(&format!("connect(127.0.0.1:{port})")),
        "{sent:?}"
    );
    assert_eq!(sent[3], format!("send(5 bytes) to 127.0.0.1:{port} = 5"));
    assert_eq!(
        sent[4],
        format!("recvfrom(65536) = 5 bytes from 127.0.0.1:{port}")
    );
    assert!(child.wait_timeout(Duration::from_secs(10)).is_some());
    let received = calls(&lines(stdout));
    assert!(
        received[0].starts_with("socket(AF_INET, SOCK_DGRAM) = fd "),
        "{received:?}"
    );
    assert_eq!(received[1], format!("bind(127.0.0.1:{port})"));
    assert!(
        received[2].starts_with("recvfrom(65536) = 5 bytes from 127.0.0.1:"),
        "{received:?}"
    );
    assert!(received[3].starts_with("sendto(127.0.0.1:"), "{received:?}");
    assert!(received[3].ends_with(", 5 bytes) = 5"), "{received:?}");
}
