//! The room against members that misbehave: one that floods bad commands and never reads, one
//! that takes the operator's or another member's nickname or hides characters in it, and
//! members that half-close (for every many-client mode).

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Stdio;

use serde_json::Value;

use super::{LIMIT, connect_small_window, connect_std, json_lines, listen};
use crate::common::{free_tcp_port, wait_until};

/// A field of /proc/PID/status in KiB (`VmRSS`, `VmHWM`).
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

fn records(out: &[u8], event: &str) -> Vec<Value> {
    json_lines(out)
        .into_iter()
        .filter(|r| r["event"] == event)
        .collect()
}

/// The usage replies to bad commands skipped the queue bound: a member that sent `/nick` alone
/// again and again and never read made the server hold over a gigabyte. Every byte queued to a
/// member now counts, so this member is dropped as too slow and the server's memory stays flat.
#[test]
fn room_member_flooding_bad_commands_is_dropped_and_memory_stays_bounded() {
    const LINES: usize = 200_000;
    let port = free_tcp_port();
    let l = listen(
        port,
        &["--room", "--json", "--room-queue", "65536"],
        Stdio::null(),
    );
    let flooder = connect_small_window(port);
    let name = flooder.local_addr().unwrap().to_string();
    assert!(wait_until(LIMIT, || !records(&l.out(), "connection").is_empty()));
    let pid = l.child.pid();
    let before = status_kib(pid, "VmRSS");
    let mut w = flooder.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = "/nick\n".repeat(1000);
        let mut sent = 0;
        // Once dropped, the server resets the connection: the writes fail, which ends this.
        while sent < LINES && w.write_all(chunk.as_bytes()).is_ok() {
            sent += 1000;
        }
        sent
    });
    assert!(
        wait_until(LIMIT, || !records(&l.out(), "dropped").is_empty()),
        "the flooder was never dropped: {}",
        String::from_utf8_lossy(&l.out())
    );
    let sent = writer.join().unwrap();
    let dropped = records(&l.out(), "dropped");
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["peer"], name.as_str());
    assert_eq!(
        dropped[0]["text"],
        "too slow: more than 65536 bytes waiting to be sent"
    );
    // The replies it got are the one-line reason, and nothing else.
    let mut first = String::new();
    BufReader::new(&flooder).read_line(&mut first).unwrap();
    assert_eq!(first, "* usage: /nick NAME\n");
    // Peak memory: the queue bound and the socket buffers, not one reply per bad line.
    let peak = status_kib(pid, "VmHWM");
    assert!(
        peak < before + 16 * 1024,
        "{sent} lines sent: resident {before} KiB before, peak {peak} KiB"
    );
}

/// `/nick server` made a member's lines look exactly like the operator's, and duplicate or
/// invisible-character nicknames (`s\u{200b}erver`) were taken. Each is refused with one line
/// to that member alone, and the nickname stays as it was.
#[test]
fn room_refuses_operator_duplicate_and_invisible_nicknames() {
    let port = free_tcp_port();
    let l = listen(port, &["--room", "--json"], Stdio::null());
    let a = connect_std(port);
    let a_name = a.local_addr().unwrap().to_string();
    let mut a_lines = BufReader::new(a.try_clone().unwrap());
    let mut b = connect_std(port);
    let b_name = b.local_addr().unwrap().to_string();
    let mut b_lines = BufReader::new(b.try_clone().unwrap());
    let next = |r: &mut BufReader<TcpStream>| {
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "EOF");
        line
    };
    assert_eq!(next(&mut a_lines), format!("* {b_name} joined\n"));
    b.write_all(b"/nick bob\n").unwrap();
    let renamed = format!("* {b_name} is now bob\n");
    assert_eq!(next(&mut a_lines), renamed);
    assert_eq!(next(&mut b_lines), renamed);
    let mut a_w = a.try_clone().unwrap();
    let hidden = "a nickname has no blanks, control characters or invisible characters";
    let cases = [
        (
            "Server",
            "Server is the operator's nickname: choose another".to_string(),
        ),
        (
            "server",
            "server is the operator's nickname: choose another".to_string(),
        ),
        ("BOB", "BOB is taken: choose another nickname".to_string()),
        (
            b_name.as_str(),
            "a nickname cannot be an address: that is how others are shown".to_string(),
        ),
        ("s\u{200b}erver", hidden.to_string()),
        ("x\u{202e}y", hidden.to_string()),
        ("a\u{2028}b", hidden.to_string()),
        ("a\u{85}b", hidden.to_string()),
        ("a\tb", hidden.to_string()),
        ("a\u{7}b", hidden.to_string()),
    ];
    for (nick, reason) in &cases {
        a_w.write_all(format!("/nick {nick}\n").as_bytes()).unwrap();
        assert_eq!(next(&mut a_lines), format!("* {reason}\n"), "{nick:?}");
    }
    // Still its address: a message is labelled with it.
    a_w.write_all(b"/nick alice\n").unwrap();
    let renamed = format!("* {a_name} is now alice\n");
    assert_eq!(next(&mut a_lines), renamed);
    // The other member heard none of the refusals.
    assert_eq!(next(&mut b_lines), renamed);
    assert!(wait_until(LIMIT, || records(&l.out(), "nick").len() == 2));
    let nicks: Vec<Value> = records(&l.out(), "nick")
        .into_iter()
        .map(|r| r["nick"].clone())
        .collect();
    assert_eq!(nicks, ["bob", "alice"]);
}

/// With `--encoding gbk` every byte the room sends is GBK: members' lines and the room's own
/// notices (joined, a new nickname, left) alike; a nickname typed in GBK is read as such.
#[test]
fn room_notices_speak_the_members_encoding() {
    let port = free_tcp_port();
    let l = listen(
        port,
        &["--room", "--json", "--encoding", "gbk"],
        Stdio::null(),
    );
    let a = connect_std(port);
    let mut a_lines = BufReader::new(a.try_clone().unwrap());
    let mut b = connect_std(port);
    let b_name = b.local_addr().unwrap().to_string();
    let gbk = |text: &str| encoding_rs::GBK.encode(text).0.into_owned();
    let next = |r: &mut BufReader<TcpStream>| {
        let mut line = Vec::new();
        assert!(r.read_until(b'\n', &mut line).unwrap() > 0, "EOF");
        line
    };
    assert_eq!(
        next(&mut a_lines),
        format!("* {b_name} joined\n").into_bytes()
    );
    b.write_all(&gbk("/nick 小明\n")).unwrap();
    assert_eq!(
        next(&mut a_lines),
        gbk(&format!("* {b_name} is now 小明\n"))
    );
    b.write_all(&gbk("你好\n")).unwrap();
    assert_eq!(next(&mut a_lines), gbk("[小明] 你好\n"));
    b.shutdown(Shutdown::Both).unwrap();
    assert_eq!(next(&mut a_lines), gbk("* 小明 left\n"));
    assert!(wait_until(LIMIT, || !records(&l.out(), "nick").is_empty()));
    assert_eq!(records(&l.out(), "nick")[0]["nick"], "小明");
}

/// Members that half-closed kept their slots beyond `--max-clients`. After a member's FIN the
/// server finishes sending, closes, and the slot is free for the next client, in the room, the
/// echo service and the concurrent server alike.
#[test]
fn half_closed_members_free_their_slot() {
    for mode in ["--room", "--echo", "--concurrent"] {
        let port = free_tcp_port();
        let l = listen(port, &[mode, "--max-clients", "1", "--json"], Stdio::null());
        for k in 0..3 {
            let mut s = connect_std(port);
            let hello = format!("hello {k}\n");
            s.write_all(hello.as_bytes()).unwrap();
            s.shutdown(Shutdown::Write).unwrap();
            let mut back = Vec::new();
            std::io::Read::read_to_end(&mut s, &mut back)
                .unwrap_or_else(|e| panic!("{mode}: client {k}: {e}"));
            let want = if mode == "--echo" {
                hello.as_bytes()
            } else {
                b""
            };
            assert_eq!(back, want, "{mode}: client {k}");
        }
        assert!(
            wait_until(LIMIT, || records(&l.out(), "closed").len() == 3),
            "{mode}: {}",
            String::from_utf8_lossy(&l.out())
        );
        let out = l.out();
        assert_eq!(records(&out, "connection").len(), 3, "{mode}");
        assert!(records(&out, "refused").is_empty(), "{mode}");
    }
}
