//! `nettool sockets` against `ss` in a namespace joined to another by veth: listeners, an
//! established pair, a TIME_WAIT left on the side that closed first, a full accept queue and a
//! UDP socket; every row equals `ss -tanu` (and its owners `ss -tanup`) at the same moment.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{self, Netns, linked_pair, python_until_ready, root_or_skip};

/// Server side (10.31.0.2): a listener on 8001 whose first connection stays open and whose
/// second it closes first (TIME_WAIT here), a listener on 8002 with backlog 0 that never
/// accepts, and a UDP socket.
const SERVER: &str = "
import socket, time
l = socket.socket(); l.bind(('10.31.0.2', 8001)); l.listen(5)
full = socket.socket(); full.bind(('10.31.0.2', 8002)); full.listen(0)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('10.31.0.2', 5353))
print('ready')
kept, _ = l.accept()
closer, _ = l.accept(); closer.close()
time.sleep(60)
";

/// Client side (10.31.0.1): the two connections to 8001 (closing the second when the server
/// has), and connections to 8002 until its accept queue is over its backlog.
const CLIENT: &str = "
import socket, time
keep = socket.create_connection(('10.31.0.2', 8001))
second = socket.create_connection(('10.31.0.2', 8001))
second.recv(1); second.close()
queued = []
for _ in range(2):
    s = socket.socket(); s.settimeout(0.5)
    try: s.connect(('10.31.0.2', 8002))
    except OSError: pass
    queued.append(s)
time.sleep(0.2)
print('ready')
time.sleep(60)
";

/// `proto state recv_q send_q local peer` for each row, as ss writes them.
fn ss_rows(ns: &Netns, with_process: bool) -> BTreeSet<String> {
    let flags = if with_process { "-tanupH" } else { "-tanuH" };
    let out = ns.exec(&["ss", flags]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let w: Vec<&str> = line.split_whitespace().collect();
            let mut row = w[..6].join(" ");
            if with_process {
                // users:(("python3",pid=123,fd=3)) -> python3/123
                if let Some(users) = w.get(6) {
                    let name = users.split('"').nth(1).unwrap_or("");
                    let pid = users
                        .split("pid=")
                        .nth(1)
                        .and_then(|p| p.split(',').next())
                        .unwrap_or("");
                    row.push_str(&format!(" {name}/{pid}"));
                }
            }
            row
        })
        .collect()
}

fn addr(text: &str) -> String {
    // ss writes a missing port as *.
    text.strip_suffix(":0")
        .map_or(text.to_string(), |a| format!("{a}:*"))
}

fn nettool_rows(ns: &Netns, with_process: bool) -> (BTreeSet<String>, Value) {
    let out = ns.nettool().args(["sockets", "--json"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = crate::common::schema::check("sockets", &out.stdout).remove(0);
    let rows = report["sockets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let state = match s["state"].as_str().unwrap() {
                "ESTABLISHED" => "ESTAB",
                "TIME_WAIT" => "TIME-WAIT",
                "SYN_RECV" => "SYN-RECV",
                "SYN_SENT" => "SYN-SENT",
                "FIN_WAIT1" => "FIN-WAIT-1",
                "FIN_WAIT2" => "FIN-WAIT-2",
                "CLOSE_WAIT" => "CLOSE-WAIT",
                "LAST_ACK" => "LAST-ACK",
                other => other,
            };
            let mut row = format!(
                "{} {state} {} {} {} {}",
                s["proto"].as_str().unwrap(),
                s["recv_q"],
                s["send_q"],
                s["local"].as_str().unwrap(),
                addr(s["peer"].as_str().unwrap())
            );
            if with_process && !s["pid"].is_null() {
                row.push_str(&format!(" {}/{}", s["process"].as_str().unwrap(), s["pid"]));
            }
            row
        })
        .collect();
    (rows, report)
}

/// nettool's rows and ss's, taken when two ss readings around nettool's agree.
fn same_moment(ns: &Netns, with_process: bool) -> (BTreeSet<String>, BTreeSet<String>, Value) {
    for _ in 0..5 {
        let before = ss_rows(ns, with_process);
        let (ours, report) = nettool_rows(ns, with_process);
        let after = ss_rows(ns, with_process);
        if before == after {
            return (ours, before, report);
        }
    }
    panic!("the sockets kept changing between two readings of ss");
}

#[test]
fn rows_equal_ss_for_listeners_established_time_wait_and_a_full_queue() {
    if !root_or_skip("sockets rows") || !common::tool_or_skip("sockets rows", "python3") {
        return;
    }
    let (a, b) = linked_pair("so", 31);
    let _server = python_until_ready(&b, SERVER);
    let _client = python_until_ready(&a, CLIENT);

    let (ours, theirs, report) = same_moment(&b, false);
    assert_eq!(ours, theirs);
    let has = |needle: &str| ours.iter().any(|r| r.contains(needle));
    assert!(has("tcp LISTEN 0 5 10.31.0.2:8001 0.0.0.0:*"), "{ours:#?}");
    assert!(has("tcp LISTEN 1 0 10.31.0.2:8002 0.0.0.0:*"), "{ours:#?}");
    assert!(has("udp UNCONN 0 0 10.31.0.2:5353 0.0.0.0:*"), "{ours:#?}");
    assert!(
        ours.iter()
            .filter(|r| r.starts_with("tcp ESTAB") && r.contains("10.31.0.2:8001 10.31.0.1:"))
            .count()
            >= 1
    );
    // The server closed its second connection first: the TIME_WAIT is on its side.
    let tw: Vec<&Value> = report["sockets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "TIME_WAIT")
        .collect();
    assert_eq!(tw.len(), 1, "{report:#}");
    assert_eq!(tw[0]["local"], "10.31.0.2:8001");
    assert_eq!(tw[0]["timer"]["kind"], "timewait");
    assert!(tw[0]["timer"]["expires_ms"].as_u64().unwrap() <= 60_000);
    let full: Vec<&Value> = report["sockets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["accept_queue_full"] == true)
        .collect();
    assert_eq!(full.len(), 1);
    assert_eq!(full[0]["local"], "10.31.0.2:8002");
    assert_eq!(report["counts"]["TIME_WAIT"], 1);
    assert_eq!(report["total"].as_u64().unwrap() as usize, ours.len());

    // Owners as ss -p shows them.
    let (ours, theirs, _) = same_moment(&b, true);
    assert_eq!(ours, theirs);

    // The client side holds no TIME_WAIT: it closed second.
    let out = a
        .nettool()
        .args(["sockets", "--state", "time-wait"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("total 0\n"));
}

#[test]
fn text_table_filters_and_summary() {
    if !root_or_skip("sockets text") || !common::tool_or_skip("sockets text", "python3") {
        return;
    }
    let (a, b) = linked_pair("st", 32);
    let _server = python_until_ready(&b, &SERVER.replace("10.31.", "10.32."));
    let _client = python_until_ready(&a, &CLIENT.replace("10.31.", "10.32."));
    let out = b
        .nettool()
        .args(["sockets", "-l", "-t", "--port", "8001"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(out.status.code(), Some(0));
    assert!(lines[0].starts_with("Proto State"), "{text}");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with("tcp   LISTEN"), "{text}");
    assert!(
        lines[1].contains("10.32.0.2:8001") && lines[1].contains("python3 (pid "),
        "{text}"
    );
    assert_eq!(lines[2], "total 1: LISTEN 1");
    let out = b
        .nettool()
        .args(["sockets", "--state", "time_wait", "-4"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("TIME_WAIT") && text.contains("timewait "),
        "{text}"
    );
    assert!(text.ends_with("total 1: TIME_WAIT 1\n"), "{text}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    for args in [
        &["--port", "99999"][..],
        &["--state", "open"][..],
        &["-t", "-u"][..],
    ] {
        let out = common::nettool()
            .arg("sockets")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr)
                .trim_end()
                .lines()
                .count(),
            1,
            "{args:?}"
        );
    }
}
