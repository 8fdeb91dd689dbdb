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
fn start_receiver(cmd: Command) -> (ChildGuard, BufReader<std::process::ChildStdout>) {
    let (guard, stdout, _) = start_receiver_with_stderr(cmd);
    (guard, stdout)
}

/// [`start_receiver`], keeping the rest of its stderr to read.
fn start_receiver_with_stderr(
    mut cmd: Command,
) -> (
    ChildGuard,
    BufReader<std::process::ChildStdout>,
    BufReader<std::process::ChildStderr>,
) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on udp "), "{line}");
    (ChildGuard(child), stdout, stderr)
}

/// Send the signal `name` (INT, TERM) to the child, by its PID.
pub(crate) fn signal(guard: &ChildGuard, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &guard.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The exit code of a child that ends by itself within 10 s.
fn exit_code(guard: &mut ChildGuard) -> Option<i32> {
    guard
        .wait_timeout(Duration::from_secs(10))
        .and_then(|s| s.code())
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

/// Endless input (`< /dev/zero`, `--file /dev/zero`) is read up to one datagram's limit and
/// refused in one line, where it was read until memory ran out; a file that is missing or a
/// directory is named as such.
#[test]
fn endless_or_wrong_input_is_refused_at_the_datagram_limit() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().display().to_string();
    let missing = dir.path().join("missing").display().to_string();
    let cases: [(&[&str], bool, String); 6] = [
        (
            &["127.0.0.1", "9"],
            true,
            "stdin line 1: over the IPv4 limit of 65,507 bytes for one datagram".into(),
        ),
        (
            &["::1", "9"],
            true,
            "stdin line 1: over the IPv6 limit of 65,527 bytes for one datagram".into(),
        ),
        (
            &["127.0.0.1", "9", "--file", "/dev/zero"],
            false,
            "/dev/zero: over the IPv4 limit of 65,507 bytes for one datagram".into(),
        ),
        (
            &["127.0.0.1", "9", "--file", "/dev/zero", "--seq"],
            false,
            "/dev/zero: over the IPv4 limit of 65,507 bytes for one datagram".into(),
        ),
        (
            &["127.0.0.1", "9", "--file", &missing],
            false,
            format!("{missing}: no such file"),
        ),
        (
            &["127.0.0.1", "9", "--file", &folder],
            false,
            format!("{folder}: is a directory"),
        ),
    ];
    for (args, zero_stdin, want) in cases {
        let mut cmd = Command::new(bin());
        cmd.arg("udp-send").args(args);
        if zero_stdin {
            cmd.stdin(std::fs::File::open("/dev/zero").unwrap());
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            format!("error: {want}\n"),
            "{args:?}"
        );
    }
    // The longest line that fits is sent whole, the next line one byte longer is refused, and
    // a line past the limit ends the run before the lines after it.
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = socket.local_addr().unwrap().port().to_string();
    let mut input = vec![b'a'; 65_507];
    input.push(b'\n');
    input.extend(vec![b'b'; 65_508]);
    input.extend_from_slice(b"\nnot sent\n");
    let out = nettool()
        .args(["udp-send", "127.0.0.1", &port])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: stdin line 2: over the IPv4 limit of 65,507 bytes for one datagram\n"
    );
    let mut buf = vec![0u8; 70_000];
    let (n, _) = socket.recv_from(&mut buf).unwrap();
    assert_eq!(n, 65_507);
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    assert!(
        socket.recv_from(&mut buf).is_err(),
        "nothing after the refused line"
    );
}

/// Counts agree with their nouns (`sent 1 datagram`, where it said `1 datagrams`), and
/// `--wait` with no reply says so in a line on stderr, even with -q, and exits 1.
#[test]
fn one_datagram_is_singular_and_no_reply_is_said() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let out = nettool()
        .args(["udp-send", "127.0.0.1", &port, "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!("sent 1 datagram (1 byte) to 127.0.0.1:{port} in ")),
        "{err}"
    );
    for quiet in [false, true] {
        let mut args = vec!["udp-send", "127.0.0.1", &port, "x", "--wait", "200ms"];
        if quiet {
            args.push("-q");
        }
        let out = nettool().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        let last = err.lines().last().unwrap_or_default();
        assert_eq!(
            last,
            format!("error: no reply from 127.0.0.1:{port} within 200ms"),
            "{err}"
        );
        assert_eq!(err.lines().count(), if quiet { 1 } else { 2 }, "{err}");
    }
    let out = nettool()
        .args([
            "udp-send",
            "127.0.0.1",
            &port,
            "x",
            "-c",
            "2",
            "--wait",
            "100ms",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().ends_with(&format!(
        "error: no reply from 127.0.0.1:{port} to any of 2 datagrams (waited 100ms after each)\n"
    )));
    // The receiver's records and summary count in the singular too.
    let recv_port = crate::common::free_udp_port().to_string();
    let (mut guard, mut out, mut err) =
        start_receiver_with_stderr(recv_cmd(&["127.0.0.1", &recv_port, "-c", "1"]));
    silent
        .send_to(b"!", format!("127.0.0.1:{recv_port}"))
        .unwrap();
    assert_eq!(exit_code(&mut guard), Some(0));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut out, &mut text).unwrap();
    assert!(
        text.ends_with(&format!("  127.0.0.1:{port}  1 byte  !\n")),
        "{text}"
    );
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.starts_with("1 datagram, 1 byte in "), "{line}");
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
    assert_eq!(exit_code(&mut guard), Some(0));
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
    assert_eq!(exit_code(&mut guard), Some(0));
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
    assert_eq!(exit_code(&mut guard), Some(0));

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
    assert_eq!(exit_code(&mut guard), Some(0));
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
    assert_eq!(exit_code(&mut guard), Some(0));
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
    assert_eq!(exit_code(&mut guard), Some(0));
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
    assert_eq!(exit_code(&mut guard), Some(0));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut out, &mut text).unwrap();
    assert!(text.starts_with("50 datagrams, 3200 bytes in "), "{text}");
    let stream = text.lines().nth(1).unwrap_or_default();
    assert!(stream.starts_with("stream from 127.0.0.1:"), "{text}");
    assert!(
        stream.contains(": 50 received, 0 lost (0.00%), 0 duplicated, 0 reordered, jitter "),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "one source, no total line: {text}");
}

/// Two senders counting from 0 are two streams of 2,000, where they were one stream with 2,000
/// duplicates: per-source figures in text and JSON, and totals that add them up.
#[test]
fn each_source_is_counted_as_its_own_stream() {
    for json in [true, false] {
        let port = crate::common::free_udp_port().to_string();
        let mut args = vec!["127.0.0.1", &port, "--stats", "-c", "4000"];
        if json {
            args.push("--json");
        }
        let (mut guard, mut out) = start_receiver(recv_cmd(&args));
        let senders: Vec<UdpSocket> = (0..2)
            .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
            .collect();
        // Interleaved, so that each number arrives twice in a row from the two sources.
        for seq in 0..2000 {
            for sender in &senders {
                sender
                    .send_to(&stamped(seq), format!("127.0.0.1:{port}"))
                    .unwrap();
            }
        }
        assert_eq!(exit_code(&mut guard), Some(0));
        let sources: Vec<String> = senders
            .iter()
            .map(|s| s.local_addr().unwrap().to_string())
            .collect();
        if json {
            let records = lines(out);
            assert_eq!(records.len(), 1, "{records:?}");
            let stats = &records[0]["stats"];
            let streams = stats["streams"].as_array().unwrap();
            assert_eq!(streams.len(), 2);
            for (stream, from) in streams.iter().zip(&sources) {
                assert_eq!(stream["from"], from.as_str());
                for (field, want) in [
                    ("received", 2000),
                    ("unique", 2000),
                    ("lost", 0),
                    ("duplicated", 0),
                    ("reordered", 0),
                    ("highest_seq", 1999),
                    ("unstamped", 0),
                ] {
                    assert_eq!(stream[field], want, "{from} {field}");
                }
                assert_eq!(stream["loss_pct"], 0.0);
            }
            assert_eq!(
                (&stats["received"], &stats["unique"], &stats["duplicated"]),
                (&Value::from(4000), &Value::from(4000), &Value::from(0))
            );
            assert_eq!(stats["untracked"], 0);
        } else {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut out, &mut text).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), 4, "{text}");
            assert!(lines[0].starts_with("4000 datagrams, 96000 bytes in "));
            for (line, from) in lines[1..3].iter().zip(&sources) {
                let want = format!(
                    "stream from {from}: 2000 received, 0 lost (0.00%), 0 duplicated, \
                     0 reordered, jitter "
                );
                assert!(line.starts_with(&want), "{line}");
            }
            assert_eq!(
                lines[3],
                "all 2 streams: 4000 received, 0 lost (0.00%), 0 duplicated, 0 reordered"
            );
        }
    }
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
    assert_eq!(exit_code(&mut guard), Some(0));
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
    assert_eq!(exit_code(&mut guard), Some(0));
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
    assert_eq!(exit_code(&mut guard), Some(0));

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
    assert_eq!(exit_code(&mut guard), Some(0));
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

/// SIGINT and SIGTERM end udp-recv with the summary a normal end prints (SIGTERM lost the
/// statistics), in text and JSON, with and without --stats, and the exit status of a normal end.
#[test]
fn sigint_and_sigterm_print_the_summary_of_a_normal_end() {
    let modes: [&[&str]; 4] = [
        &[],
        &["--json"],
        &["--stats", "-v"],
        &["--stats", "-v", "--json"],
    ];
    for mode in modes {
        let json = mode.contains(&"--json");
        let stats = mode.contains(&"--stats");
        // A normal end (-c 3), then the same run ended by each signal.
        let mut summaries = Vec::new();
        for how in ["-c", "INT", "TERM"] {
            let port = crate::common::free_udp_port().to_string();
            let mut args = vec!["127.0.0.1", port.as_str()];
            args.extend_from_slice(mode);
            if how == "-c" {
                args.extend_from_slice(&["-c", "3"]);
            }
            let (mut guard, mut out, mut err) = start_receiver_with_stderr(recv_cmd(&args));
            let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
            let mut line = String::new();
            for seq in 0..3 {
                sender
                    .send_to(&stamped(seq), format!("127.0.0.1:{port}"))
                    .unwrap();
                // The record shows it was counted before the signal: one JSON line, or a
                // line and two of hex dump (a stamp is binary).
                for _ in 0..if json { 1 } else { 3 } {
                    line.clear();
                    out.read_line(&mut line).unwrap();
                }
                let want = if json {
                    "{\"type\":\"datagram\""
                } else {
                    "  0010  "
                };
                assert!(line.starts_with(want), "{mode:?} {how}: {line}");
            }
            if how != "-c" {
                signal(&guard, how);
            }
            assert_eq!(exit_code(&mut guard), Some(0), "{mode:?} {how}");
            let mut rest = String::new();
            // The summary is a result with --json or --stats, else a status line.
            if json || stats {
                std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
            } else {
                std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
            }
            summaries.push(rest);
        }
        for (summary, how) in summaries.iter().zip(["-c", "INT", "TERM"]) {
            if json {
                let v: Value = serde_json::from_str(summary.trim()).unwrap();
                assert_eq!(v["type"], "summary", "{mode:?} {how}");
                assert_eq!(v["datagrams"], 3, "{mode:?} {how}");
                assert_eq!(v["bytes"], 72, "{mode:?} {how}");
                if stats {
                    assert_eq!(v["stats"]["streams"][0]["unique"], 3, "{mode:?} {how}");
                    assert_eq!(v["stats"]["streams"][0]["lost"], 0, "{mode:?} {how}");
                }
                let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
                let normal: Value = serde_json::from_str(summaries[0].trim()).unwrap();
                assert_eq!(keys(&v), keys(&normal), "{mode:?} {how}");
            } else {
                let lines: Vec<&str> = summary.lines().collect();
                assert!(
                    lines[0].starts_with("3 datagrams, 72 bytes in "),
                    "{mode:?} {how}: {summary}"
                );
                if stats {
                    assert_eq!(lines.len(), 2, "{mode:?} {how}: {summary}");
                    assert!(
                        lines[1].contains(": 3 received, 0 lost (0.00%), 0 duplicated"),
                        "{mode:?} {how}: {summary}"
                    );
                }
            }
        }
    }
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
        t.screen("s")
            .contains("sent 1 datagram (3 bytes) to 127.0.0.1:"),
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

/// Send `payload` to `to` in a UDP datagram whose source is `from`, through a raw socket: the
/// forger a reflector must withstand (loopback only; needs root).
fn forge(from: std::net::SocketAddrV4, to: std::net::SocketAddrV4, payload: &[u8]) {
    use socket2::{Domain, Protocol, Socket, Type};
    let raw = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP)).unwrap();
    raw.bind(&std::net::SocketAddr::from((*from.ip(), 0)).into())
        .unwrap();
    let mut datagram = Vec::with_capacity(8 + payload.len());
    datagram.extend_from_slice(&from.port().to_be_bytes());
    datagram.extend_from_slice(&to.port().to_be_bytes());
    datagram.extend_from_slice(&u16::try_from(8 + payload.len()).unwrap().to_be_bytes());
    datagram.extend_from_slice(&[0, 0]); // no checksum (IPv4 allows it)
    datagram.extend_from_slice(payload);
    raw.send_to(&datagram, &std::net::SocketAddr::from((*to.ip(), 0)).into())
        .unwrap();
}

/// The JSON summary a receiver printed last.
fn summary_of(out: BufReader<std::process::ChildStdout>) -> Value {
    let records = lines(out);
    let last = records.last().cloned().unwrap_or(Value::Null);
    assert_eq!(last["type"], "summary", "{records:?}");
    last
}

/// A datagram forged to come from the reflector's own address and port was answered to itself,
/// forever (620,000 datagrams in 2 s): it is not answered at all, even with no reply limit, and
/// the receiver says so once. Bound to 127.0.0.1 and to every address (where 127.0.0.2 is its
/// own address too).
#[test]
fn a_forged_self_addressed_datagram_is_not_answered() {
    if !crate::common::root_or_skip("a_forged_self_addressed_datagram_is_not_answered") {
        return;
    }
    for (bind, source) in [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.2")] {
        let port = crate::common::free_udp_port();
        let port_text = port.to_string();
        let args = [
            bind,
            &port_text,
            "--echo",
            "--reply-limit",
            "off",
            "--idle",
            "500ms",
            "--json",
        ];
        let (mut guard, out, mut err) = start_receiver_with_stderr(recv_cmd(&args));
        let own = std::net::SocketAddrV4::new(source.parse().unwrap(), port);
        let to = std::net::SocketAddrV4::new("127.0.0.1".parse().unwrap(), port);
        for _ in 0..2 {
            forge(own, to, b"loop?");
        }
        // Ended by --idle: nothing kept it busy.
        assert_eq!(exit_code(&mut guard), Some(0), "{bind}");
        let summary = summary_of(out);
        assert_eq!(summary["datagrams"], 2, "{bind}: {summary}");
        assert_eq!(summary["replies"], 0, "{bind}: {summary}");
        assert_eq!(summary["replies_withheld"], 2, "{bind}: {summary}");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut err, &mut text).unwrap();
        let warnings: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect();
        assert_eq!(
            warnings,
            [format!(
                "warning: not answering {own}: it is this socket's own address and port (a \
                 forged source; an answer would come back to this socket, forever)"
            )],
            "{bind}"
        );
    }
}

/// Two reflectors pointed at each other answered each other forever; with a reply limit each
/// answers at most its burst, the first to run dry ends the exchange, and both fall idle. What
/// each received is exactly what the other sent.
#[test]
fn two_reflectors_pointed_at_each_other_stop_within_the_limit() {
    if !crate::common::root_or_skip("two_reflectors_pointed_at_each_other_stop_within_the_limit") {
        return;
    }
    let start = |port: &str| {
        let args = [
            "127.0.0.1",
            port,
            "--echo",
            "--reply-limit",
            "20",
            "--idle",
            "1s",
            "--json",
        ];
        start_receiver_with_stderr(recv_cmd(&args))
    };
    let (a_port, b_port) = (
        crate::common::free_udp_port(),
        crate::common::free_udp_port(),
    );
    let (mut a, a_out, _a_err) = start(&a_port.to_string());
    let (mut b, b_out, _b_err) = start(&b_port.to_string());
    let at = |port| std::net::SocketAddrV4::new("127.0.0.1".parse().unwrap(), port);
    // One datagram to A that claims to come from B: A answers B, B answers A, and so on.
    forge(at(b_port), at(a_port), b"ping-pong");
    // Both end by --idle: the exchange stopped by itself.
    assert_eq!(exit_code(&mut a), Some(0));
    assert_eq!(exit_code(&mut b), Some(0));
    let (a, b) = (summary_of(a_out), summary_of(b_out));
    let n = |v: &Value, field: &str| v[field].as_u64().unwrap();
    // A received the forged datagram and B's replies; B received A's replies.
    assert_eq!(n(&a, "datagrams"), 1 + n(&b, "replies"), "{a} {b}");
    assert_eq!(n(&b, "datagrams"), n(&a, "replies"), "{a} {b}");
    // The one that ran dry withheld one reply, which ended it; the other withheld none.
    assert_eq!(
        n(&a, "replies_withheld") + n(&b, "replies_withheld"),
        1,
        "{a} {b}"
    );
    // Each answered its burst of 20, and at most what a second of refilling adds.
    for v in [&a, &b] {
        assert!((20..=40).contains(&n(v, "replies")), "{a} {b}");
    }
}

/// Replies to one source are limited by default (100 a second, in bursts of 100), to the rate
/// given with --reply-limit, and not at all with `--reply-limit off`.
#[test]
fn replies_per_source_are_limited_by_default_and_by_flag() {
    for (limit, range) in [
        (None, 100..300),
        (Some("10"), 10..100),
        (Some("off"), 300..301),
    ] {
        let port = crate::common::free_udp_port().to_string();
        let mut args = vec!["127.0.0.1", &port, "--echo", "-c", "300", "--json"];
        if let Some(limit) = limit {
            args.extend_from_slice(&["--reply-limit", limit]);
        }
        let (mut guard, out) = start_receiver(recv_cmd(&args));
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        // Room for every reply even when the reading thread is scheduled late: the default
        // buffer holds about 256 small datagrams. (SO_RCVBUFFORCE passes rmem_max as root.)
        let _ = nix::sys::socket::setsockopt(
            &client,
            nix::sys::socket::sockopt::RcvBufForce,
            &(4 << 20),
        );
        // Replies are read as they come, so that none overflows the client's buffer.
        let reader = client.try_clone().unwrap();
        let counter = std::thread::spawn(move || {
            let mut got = 0u64;
            let mut buf = [0u8; 16];
            while reader.recv_from(&mut buf).is_ok() {
                got += 1;
            }
            got
        });
        for n in 0..300u32 {
            client
                .send_to(&n.to_be_bytes(), format!("127.0.0.1:{port}"))
                .unwrap();
        }
        assert_eq!(exit_code(&mut guard), Some(0), "{limit:?}");
        let got = counter.join().unwrap();
        assert!(range.contains(&got), "{limit:?}: {got} replies");
        let summary = summary_of(out);
        assert_eq!(summary["replies"], got, "{limit:?}");
        assert_eq!(summary["replies_withheld"], 300 - got, "{limit:?}");
    }
    let out = nettool()
        .args(["udp-recv", "9", "--echo", "--reply-limit", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("write `off` for no limit"), "{err}");
}

/// A reply larger than its request (2,000x with `--reply` of 60,000 bytes to 1-byte datagrams)
/// is an amplifier for a forger: said once per source on stderr, not once per datagram.
#[test]
fn a_reply_larger_than_its_request_is_warned_once_per_source() {
    let port = crate::common::free_udp_port().to_string();
    let reply = "x".repeat(60_000);
    let args = ["127.0.0.1", &port, "--reply", &reply, "-c", "6", "--json"];
    let (mut guard, out, mut err) = start_receiver_with_stderr(recv_cmd(&args));
    let clients: Vec<UdpSocket> = (0..2)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    for client in &clients {
        for _ in 0..3 {
            client.send_to(b"?", format!("127.0.0.1:{port}")).unwrap();
        }
    }
    assert_eq!(exit_code(&mut guard), Some(0));
    assert_eq!(summary_of(out)["replies"], 6);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut err, &mut text).unwrap();
    let warnings: Vec<&str> = text.lines().filter(|l| l.starts_with("warning:")).collect();
    // Sources are told apart by address: both clients are 127.0.0.1.
    let first = clients[0].local_addr().unwrap();
    assert_eq!(
        warnings,
        [format!(
            "warning: the reply to {first} is larger than its request (60000 bytes for 1 byte): \
             a sender that forges its source address can use this to amplify a flood"
        )]
    );
    // An echo is never larger, and a reply no larger than its request is not warned about.
    let port = crate::common::free_udp_port().to_string();
    let args = ["127.0.0.1", &port, "--reply", "ok", "-c", "1"];
    let (mut guard, _out, mut err) = start_receiver_with_stderr(recv_cmd(&args));
    clients[0]
        .send_to(b"ok?", format!("127.0.0.1:{port}"))
        .unwrap();
    assert_eq!(exit_code(&mut guard), Some(0));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut err, &mut text).unwrap();
    assert!(!text.contains("warning"), "{text}");
}
