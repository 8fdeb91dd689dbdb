//! `nettool ping` against real sockets: loopback, and network namespaces joined by veth pairs
//! (a reachable host, an address nobody has, a router that lets the TTL run out, and a test
//! responder that delays and drops replies on purpose and records what it did).

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{ChildGuard, Netns, nettool, raw_icmpv4_socket_in, root_or_skip, veth};
use serde_json::Value;

/// The NDJSON records, each checked against schemas/ping.json.
fn ndjson(stdout: &[u8]) -> Vec<Value> {
    crate::common::schema::check("ping", stdout)
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

/// Parse ping's `rtt min/avg/max/mdev = a/b/c/d ms` into microseconds.
fn rtt_line(text: &str) -> [u64; 4] {
    let line = text
        .lines()
        .find(|l| l.starts_with("rtt min/avg/max/mdev = "))
        .expect("rtt line");
    let figures = line
        .trim_start_matches("rtt min/avg/max/mdev = ")
        .split(' ')
        .next()
        .unwrap();
    let v: Vec<u64> = figures
        .split('/')
        .map(|f| {
            let (ms, us) = f.split_once('.').unwrap();
            ms.parse::<u64>().unwrap() * 1000 + us.parse::<u64>().unwrap()
        })
        .collect();
    [v[0], v[1], v[2], v[3]]
}

#[test]
fn loopback_v4_text_is_pings_format_and_the_arithmetic_holds() {
    if !root_or_skip("loopback_v4_text") {
        return;
    }
    let out = nettool()
        .args(["ping", "-c", "4", "-i", "0.05", "127.0.0.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.");
    let mut rtts = Vec::new();
    for (i, line) in lines[1..5].iter().enumerate() {
        let prefix = format!("64 bytes from 127.0.0.1: icmp_seq={} ttl=64 time=", i + 1);
        assert!(line.starts_with(&prefix), "{line}");
        let time = line[prefix.len()..].strip_suffix(" ms").unwrap();
        let (ms, frac) = time.split_once('.').unwrap();
        assert_eq!(
            frac.len(),
            3,
            "sub-millisecond loopback times have 3 decimals: {line}"
        );
        rtts.push(ms.parse::<u64>().unwrap() * 1000 + frac.parse::<u64>().unwrap());
    }
    assert_eq!(lines[5], "");
    assert_eq!(lines[6], "--- 127.0.0.1 ping statistics ---");
    assert!(
        lines[7].starts_with("4 packets transmitted, 4 received, 0% packet loss, time "),
        "{}",
        lines[7]
    );
    // The summary is computed from the same microseconds the reply lines show.
    let [min, avg, max, mdev] = rtt_line(&text);
    assert_eq!(min, *rtts.iter().min().unwrap());
    assert_eq!(max, *rtts.iter().max().unwrap());
    assert_eq!(avg, rtts.iter().sum::<u64>() / 4);
    let mean_sq = rtts.iter().map(|r| r * r).sum::<u64>() / 4;
    assert_eq!(mdev, (mean_sq - avg * avg).isqrt());
    assert_eq!(lines.len(), 9);
}

#[test]
fn loopback_json_fields_and_sequence() {
    if !root_or_skip("loopback_json") {
        return;
    }
    let out = nettool()
        .args(["--json", "ping", "-c", "3", "-i", "0.05", "127.0.0.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = ndjson(&out.stdout);
    let replies = of_type(&records, "reply");
    assert_eq!(replies.len(), 3);
    for (i, r) in replies.iter().enumerate() {
        assert_eq!(r["seq"], i as u64 + 1);
        assert_eq!(r["from"], "127.0.0.1");
        assert_eq!(r["target"], "127.0.0.1");
        assert_eq!(r["ttl"], 64);
        assert_eq!(r["bytes"], 64);
        assert_eq!(r["dup"], false);
        assert!(r["rtt_ms"].as_f64().unwrap() > 0.0, "{r}");
    }
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["transmitted"], 3);
    assert_eq!(summary["received"], 3);
    assert_eq!(summary["loss_pct"], 0.0);
    assert_eq!(summary["method"], "raw");
    let rtts: Vec<f64> = replies
        .iter()
        .map(|r| r["rtt_ms"].as_f64().unwrap())
        .collect();
    let min = rtts.iter().copied().fold(f64::MAX, f64::min);
    let max = rtts.iter().copied().fold(0.0, f64::max);
    assert_eq!(summary["min_ms"].as_f64().unwrap(), min);
    assert_eq!(summary["max_ms"].as_f64().unwrap(), max);
    for key in ["avg_ms", "mdev_ms", "time_ms"] {
        assert!(summary[key].is_number(), "{key}: {summary}");
    }
    assert_eq!(summary["rtts_ms"].as_array().unwrap().len(), 3);
}

#[test]
fn loopback_v6_and_flags() {
    if !root_or_skip("loopback_v6") {
        return;
    }
    let out = nettool()
        .args([
            "ping", "-6", "-c", "2", "-i", "0.05", "-s", "100", "-t", "9", "-D", "::1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "PING ::1(::1) 100 data bytes");
    for (i, line) in lines[1..3].iter().enumerate() {
        // [1700000000.123456] 108 bytes from ::1: icmp_seq=1 ttl=9 time=...
        let (stamp, rest) = line.split_once("] ").unwrap();
        let (secs, micros) = stamp.trim_start_matches('[').split_once('.').unwrap();
        assert!(secs.parse::<u64>().unwrap() > 1_600_000_000);
        assert_eq!(micros.len(), 6);
        // -t sets the hop limit of our requests; the reply carries the kernel's own.
        let want = format!("108 bytes from ::1: icmp_seq={} ttl=64 time=", i + 1);
        assert!(rest.starts_with(&want), "{line}");
    }
    assert!(text.contains("2 packets transmitted, 2 received, 0% packet loss"));
    // -q: header and summary only.
    let out = nettool()
        .args(["-q", "ping", "-c", "2", "-i", "0.05", "::1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("bytes from"), "{text}");
    assert!(text.contains("--- ::1 ping statistics ---"));
}

#[test]
fn many_loopback_targets_all_alive() {
    if !root_or_skip("many_loopback") {
        return;
    }
    let out = nettool()
        .args([
            "--json",
            "ping",
            "-g",
            "127.0.1.0/28",
            "-c",
            "2",
            "-i",
            "0.05",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = ndjson(&out.stdout);
    let summaries = of_type(&records, "summary");
    assert_eq!(summaries.len(), 14);
    for (i, s) in summaries.iter().enumerate() {
        assert_eq!(s["target"], format!("127.0.1.{}", i + 1));
        assert_eq!(s["transmitted"], 2);
        assert_eq!(s["received"], 2);
        assert_eq!(s["loss_pct"], 0.0);
    }
    assert_eq!(of_type(&records, "reply").len(), 28);
    // The table: a header and one row per target, each ending in a two-bar sparkline.
    let out = nettool()
        .args(["ping", "-g", "127.0.1.0/28"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // The lines of the run, a blank line, then the table on one scale.
    let (streamed, table) = text.split_once("\n\n").unwrap();
    assert_eq!(streamed.lines().count(), 14, "{text}");
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("127.0.1."))
        .collect();
    assert_eq!(rows.len(), 14, "{text}");
    assert!(table.starts_with("TARGET"), "{text}");
    assert!(table.lines().next().unwrap().contains("RTTS 0-"), "{text}");
    let bars: Vec<&str> = rows
        .iter()
        .map(|row| {
            let cells: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(&cells[2..5], &["1", "1", "0%"], "{row}");
            cells[8]
        })
        .collect();
    // The slowest reply of all is the top of the scale.
    assert!(bars.contains(&"█"), "{text}");
    assert!(bars.iter().all(|b| b.chars().count() == 1), "{text}");
    // -a: the alive names, one a line, as fping -a.
    let out = nettool()
        .args(["ping", "-a", "-g", "127.0.1.1", "127.0.1.3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "127.0.1.1\n127.0.1.2\n127.0.1.3\n"
    );
}

/// The distinct targets of `records` of type `kind`, and how many records there were.
fn targets_of(records: &[Value], kind: &str) -> (std::collections::BTreeSet<String>, usize) {
    let of_kind = of_type(records, kind);
    let targets = of_kind
        .iter()
        .map(|r| r["target"].as_str().unwrap().to_string())
        .collect();
    (targets, of_kind.len())
}

#[test]
fn a_streamed_sweep_answers_every_address_once_and_keeps_its_table() {
    if !root_or_skip("streamed_sweep") {
        return;
    }
    // A /20 (4,094 targets) goes through the streaming sweep, and still ends with a summary
    // per target, in address order.
    let out = nettool()
        .args(["--json", "ping", "-g", "127.7.0.0/20"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = ndjson(&out.stdout);
    let (replied, replies) = targets_of(&records, "reply");
    assert_eq!((replied.len(), replies), (4094, 4094));
    assert!(of_type(&records, "timeout").is_empty());
    let summaries = of_type(&records, "summary");
    assert_eq!(summaries.len(), 4094);
    for (i, s) in summaries.iter().enumerate() {
        let want = std::net::Ipv4Addr::from(u32::from_be_bytes([127, 7, 0, 0]) + 1 + i as u32);
        assert_eq!(s["target"], want.to_string());
        assert_eq!(s["address"], want.to_string());
        assert_eq!((&s["transmitted"], &s["received"]), (&1.into(), &1.into()));
        assert_eq!(s["rtts_ms"].as_array().unwrap().len(), 1);
    }
    // Text: a line per answer, then the table's header and a row per target.
    let out = nettool()
        .args(["ping", "-g", "127.7.0.0/20"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let (streamed, table) = text.split_once("\n\n").unwrap();
    assert_eq!(streamed.lines().count(), 4094);
    assert!(streamed.lines().all(|l| l.contains(" : [1], 64 bytes, ")));
    assert!(table.starts_with("TARGET"));
    assert_eq!(table.lines().count(), 4095);
    // -u: nobody is unreachable.
    let out = nettool()
        .args(["ping", "-u", "-g", "127.7.0.0/20"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"");
}

#[test]
fn a_sweep_beyond_a_table_ends_with_its_totals() {
    if !root_or_skip("sweep_totals") {
        return;
    }
    // 65,552 targets: more than a table keeps, so the sweep ends with its totals.
    let out = nettool()
        .args(["--json", "ping", "-g", "127.8.0.1", "127.9.0.16"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = ndjson(&out.stdout);
    let (replied, replies) = targets_of(&records, "reply");
    assert_eq!((replied.len(), replies), (65_552, 65_552));
    assert!(of_type(&records, "summary").is_empty());
    let totals = records.last().unwrap();
    assert_eq!(totals["type"], "sweep");
    assert_eq!(totals["range"], "127.8.0.1 127.9.0.16");
    for field in ["targets", "probed", "alive", "transmitted", "received"] {
        assert_eq!(totals[field], 65_552, "{field}");
    }
    for field in ["unreachable", "duplicates", "errors"] {
        assert_eq!(totals[field], 0, "{field}");
    }
    assert_eq!(totals["loss_pct"], 0.0);
    // Text with -q: the totals in ping's words.
    let out = nettool()
        .args(["ping", "-q", "-g", "127.8.0.1", "127.9.0.16"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "",
            "--- 127.8.0.1 127.9.0.16 sweep ---",
            "65552 targets, 65552 alive, 0 unreachable"
        ],
        "{text}"
    );
    assert!(
        lines[3].starts_with("65552 packets transmitted, 65552 received, 0% packet loss, time "),
        "{text}"
    );
    assert!(lines[4].starts_with("rtt min/avg/max/mdev = "), "{text}");
}

#[test]
fn tcp_probe_open_and_closed_ports() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open = listener.local_addr().unwrap().port();
    let closed = crate::common::free_tcp_port();
    let out = nettool()
        .args([
            "--json",
            "ping",
            "--tcp",
            &open.to_string(),
            "-c",
            "2",
            "-i",
            "0.05",
            "127.0.0.1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = ndjson(&out.stdout);
    let replies = of_type(&records, "reply");
    assert_eq!(replies.len(), 2);
    assert!(replies.iter().all(|r| r["state"] == "open"));
    assert_eq!(records.last().unwrap()["method"], "tcp");
    assert_eq!(records.last().unwrap()["received"], 2);
    // A refused connection (RST) proves the host is up: a reply, exit 0.
    let out = nettool()
        .args([
            "ping",
            "--tcp",
            &closed.to_string(),
            "-c",
            "2",
            "-i",
            "0.05",
            "127.0.0.1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        format!("TCP PING 127.0.0.1 (127.0.0.1) port {closed}.")
    );
    let want = format!("reply from 127.0.0.1 port {closed}: tcp_seq=1 closed (refused) time=");
    assert!(text.contains(&want), "{text}");
    assert!(text.contains("2 packets transmitted, 2 received, 0% packet loss"));

    // Several targets: the table says which refused (a reset: host up, port closed).
    let out = nettool()
        .args(["ping", "--tcp", &open.to_string(), "-c", "1"])
        .args(["127.0.0.1", "127.0.0.2"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (streamed, table) = text.split_once("\n\n").unwrap();
    // Each handshake's line as it ends: 127.0.0.1 accepts, 127.0.0.2 resets.
    let mut streamed: Vec<&str> = streamed.lines().collect();
    streamed.sort_unstable();
    assert!(streamed[0].starts_with("127.0.0.1 : [1], open, "), "{text}");
    assert!(
        streamed[1].starts_with("127.0.0.2 : [1], closed (refused), "),
        "{text}"
    );
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        &header[..5],
        ["TARGET", "ADDRESS", "SENT", "RECV", "REFUSED"]
    );
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    // 127.0.0.1 accepts (the listener), so none of its replies is a refusal.
    assert_eq!(&row[..5], ["127.0.0.1", "127.0.0.1", "1", "1", "0"]);
    drop(listener);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let table: [(&[&str], &str); 10] = [
        (
            &["-c", "0", "127.0.0.1"],
            "error: -c 0: the count must be at least 1\n",
        ),
        (
            &["-c", "-1", "127.0.0.1"],
            "error: -c -1: the count must be at least 1\n",
        ),
        (
            &["-i", "-1", "127.0.0.1"],
            "error: invalid value '-1' for '--interval <DURATION>': a duration cannot be negative\n",
        ),
        (
            &["-s", "70000", "127.0.0.1"],
            "error: -s 70000: the payload size must be 0-65507 bytes\n",
        ),
        (
            &["-t", "0", "127.0.0.1"],
            "error: -t 0: the TTL must be 1-255\n",
        ),
        (
            &["-t", "256", "127.0.0.1"],
            "error: -t 256: the TTL must be 1-255\n",
        ),
        (
            &["-g", "10.0.0.0/33"],
            "error: 10.0.0.0/33: the prefix length is out of range (IPv4 0-32, IPv6 0-128)\n",
        ),
        (
            &["-4", "::1"],
            "error: ::1: is an IPv6 address, but -4 asks for IPv4\n",
        ),
        (
            &["-6", "127.0.0.1"],
            "error: 127.0.0.1: is an IPv4 address, but -6 asks for IPv6\n",
        ),
        (
            &[],
            "error: HOST: name a host to ping, or a range with -g\n",
        ),
    ];
    for (argv, want) in table {
        let out = nettool().arg("ping").args(argv).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{argv:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), want, "{argv:?}");
        assert!(out.stdout.is_empty());
    }
    // An unknown name: exit 2 naming it, without waiting for any probe.
    let out = nettool()
        .args(["ping", "-c", "1", "no-such-host.invalid"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: no-such-host.invalid: cannot resolve"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

/// `nettool ping ARGS`, interrupted after 400 ms: it must end within 5 s with exit 0; its stdout.
fn interrupted_after_400ms(args: &[&str]) -> String {
    let child = std::process::Command::new(crate::common::bin())
        .arg("ping")
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut guard = ChildGuard(child);
    std::thread::sleep(Duration::from_millis(400));
    guard.interrupt();
    let status = guard
        .wait_timeout(Duration::from_secs(5))
        .expect("ping ends on SIGINT");
    assert_eq!(status.code(), Some(0));
    let mut text = String::new();
    std::io::Read::read_to_string(guard.0.stdout.as_mut().unwrap(), &mut text).unwrap();
    text
}

#[test]
fn ctrl_c_prints_the_summary() {
    if !root_or_skip("ctrl_c") {
        return;
    }
    let text = interrupted_after_400ms(&["-i", "0.05", "127.0.0.1"]);
    let replies = text.lines().filter(|l| l.contains(" bytes from ")).count();
    assert!(replies >= 2, "{text}");
    assert!(text.contains("--- 127.0.0.1 ping statistics ---"), "{text}");
    let stats = text
        .lines()
        .find(|l| l.contains("packets transmitted"))
        .unwrap();
    let sent: usize = stats.split(' ').next().unwrap().parse().unwrap();
    assert!(stats.contains(&format!(", {replies} received,")), "{stats}");
    // A probe sent just before the signal may be counted lost, never more than one.
    assert!(sent == replies || sent == replies + 1, "{stats}");
}

#[test]
fn ctrl_c_ends_an_endless_flood() {
    // A flood on loopback never has to wait for a reply; Ctrl-C must still get through.
    if !root_or_skip("ctrl_c_flood") {
        return;
    }
    let text = interrupted_after_400ms(&["-q", "-f", "127.0.0.1"]);
    let stats = text
        .lines()
        .find(|l| l.contains("packets transmitted"))
        .unwrap_or_else(|| panic!("no summary: {text}"));
    let numbers: Vec<u64> = stats
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let (sent, received) = (numbers[0], numbers[1]);
    assert!(received > 100, "{stats}");
    assert!(sent == received || sent == received + 1, "{stats}");
}

#[test]
fn dgram_socket_when_raw_is_refused_and_one_error_when_both_are() {
    if !root_or_skip("dgram_fallback") || !crate::common::tool_or_skip("dgram_fallback", "setpriv")
    {
        return;
    }
    let drop_raw = ["--inh-caps=-net_raw", "--bounding-set=-net_raw"];
    // Default ping_group_range (1 0) and no CAP_NET_RAW: both refused.
    let ns = Netns::new("noicmp");
    let out = ns
        .command("setpriv")
        .args(drop_raw)
        .arg(crate::common::bin())
        .args(["ping", "-c", "1", "127.0.0.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("setcap cap_net_raw+ep "), "{err}");
    assert!(
        err.contains("sysctl -w net.ipv4.ping_group_range=\"0 2147483647\""),
        "{err}"
    );
    assert!(err.contains("--tcp PORT"), "{err}");
    // The group range widened in this namespace: the datagram socket, said with -v and in JSON.
    ns.sysctl("net.ipv4.ping_group_range", "0 2147483647");
    for target in ["127.0.0.1", "::1"] {
        let out = ns
            .command("setpriv")
            .args(drop_raw)
            .arg(crate::common::bin())
            .args(["-v", "--json", "ping", "-c", "2", "-i", "0.05", target])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{target}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("using dgram ICMP"));
        let records = ndjson(&out.stdout);
        let replies = of_type(&records, "reply");
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[1]["seq"], 2);
        assert_eq!(replies[0]["ttl"], 64, "TTL from the control message");
        assert_eq!(records.last().unwrap()["method"], "dgram");
    }
}

/// Two namespaces on one veth link: `a` at 10.X.0.1/24, `b` at 10.X.0.2/24.
pub(crate) fn pair(tag: &str, net: u8) -> (Netns, Netns) {
    let a = Netns::new(&format!("{tag}a"));
    let b = Netns::new(&format!("{tag}b"));
    veth(&a, "va", &b, "vb");
    a.exec(&[
        "ip",
        "addr",
        "add",
        &format!("10.{net}.0.1/24"),
        "dev",
        "va",
    ]);
    b.exec(&[
        "ip",
        "addr",
        "add",
        &format!("10.{net}.0.2/24"),
        "dev",
        "vb",
    ]);
    (a, b)
}

#[test]
fn namespace_reachable_and_hostless_addresses() {
    if !root_or_skip("netns_hosts") {
        return;
    }
    let (a, _b) = pair("h", 71);
    let out = a
        .nettool()
        .args(["ping", "-c", "2", "-i", "0.05", "10.71.0.2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("64 bytes from 10.71.0.2: icmp_seq=2 ttl=64 time="),
        "{text}"
    );
    // Nobody has 10.71.0.9: every probe lost, exit 1, and -w bounds the run.
    let started = Instant::now();
    let out = a
        .nettool()
        .args(["--json", "ping", "-w", "1.5", "-i", "0.2", "10.71.0.9"])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1));
    let records = ndjson(&out.stdout);
    let summary = records.last().unwrap();
    assert_eq!(summary["received"], 0);
    assert_eq!(summary["loss_pct"], 100.0);
    assert!(summary["min_ms"].is_null());
    let sent = summary["transmitted"].as_u64().unwrap();
    assert!(sent >= 2);
    // Every probe is accounted for: a timeout or an error record each.
    let accounted = of_type(&records, "timeout").len() + of_type(&records, "error").len();
    assert_eq!(accounted as u64, sent);
    // A mix of alive and dead: one row each, exit 1 because one did not answer.
    let out = a
        .nettool()
        .args(["--json", "ping", "-W", "0.5", "10.71.0.2", "10.71.0.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = ndjson(&out.stdout);
    let summaries = of_type(&records, "summary");
    assert_eq!(summaries.len(), 2);
    assert_eq!(
        (
            summaries[0]["target"].as_str(),
            summaries[0]["received"].as_u64()
        ),
        (Some("10.71.0.2"), Some(1))
    );
    assert_eq!(
        (
            summaries[1]["target"].as_str(),
            summaries[1]["received"].as_u64()
        ),
        (Some("10.71.0.9"), Some(0))
    );
    let out = a
        .nettool()
        .args(["ping", "-u", "-W", "0.5", "10.71.0.2", "10.71.0.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "10.71.0.9\n");
    // Into a pipe, each probe's end is a line as it happens: the dead one's says so.
    let out = a
        .nettool()
        .args(["ping", "-W", "0.5", "10.71.0.2", "10.71.0.9"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let dead: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("10.71.0.9 : "))
        .collect();
    assert_eq!(dead.len(), 1, "{text}");
    assert!(dead[0].starts_with("10.71.0.9 : [1], "), "{text}");
    assert!(dead[0].ends_with(" (NaN avg, 100% loss)"), "{text}");
}

#[test]
fn router_reports_time_to_live_exceeded() {
    if !root_or_skip("ttl_exceeded") {
        return;
    }
    let client = Netns::new("tc");
    let router = Netns::new("tr");
    let server = Netns::new("ts");
    veth(&client, "c0", &router, "r0");
    veth(&router, "r1", &server, "s0");
    client.exec(&["ip", "addr", "add", "10.72.1.2/24", "dev", "c0"]);
    client.exec(&["ip", "route", "add", "default", "via", "10.72.1.1"]);
    router.exec(&["ip", "addr", "add", "10.72.1.1/24", "dev", "r0"]);
    router.exec(&["ip", "addr", "add", "10.72.2.1/24", "dev", "r1"]);
    router.sysctl("net.ipv4.ip_forward", "1");
    server.exec(&["ip", "addr", "add", "10.72.2.2/24", "dev", "s0"]);
    server.exec(&["ip", "route", "add", "default", "via", "10.72.2.1"]);
    // Through the router, the server answers with one hop used up.
    let out = client
        .nettool()
        .args(["ping", "-c", "1", "10.72.2.2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("icmp_seq=1 ttl=63 time="));
    // -t 1: the router reports, and the report names it.
    let out = client
        .nettool()
        .args([
            "ping",
            "-t",
            "1",
            "-c",
            "2",
            "-i",
            "0.1",
            "-W",
            "1",
            "10.72.2.2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("From 10.72.1.1 icmp_seq=1 Time to live exceeded\n"),
        "{text}"
    );
    assert!(
        text.contains("From 10.72.1.1 icmp_seq=2 Time to live exceeded\n"),
        "{text}"
    );
    assert!(
        text.contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss"),
        "{text}"
    );
    let out = client
        .nettool()
        .args([
            "--json",
            "ping",
            "-t",
            "1",
            "-c",
            "1",
            "-W",
            "1",
            "10.72.2.2",
        ])
        .output()
        .unwrap();
    let records = ndjson(&out.stdout);
    let errors = of_type(&records, "error");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["from"], "10.72.1.1");
    assert_eq!(errors[0]["seq"], 1);
    assert_eq!(errors[0]["icmp_type"], 11);
    assert_eq!(errors[0]["error"], "Time to live exceeded");
    assert_eq!(records.last().unwrap()["errors"], 1);

    // A network the router holds an unreachable route for: it answers Host Unreachable.
    router.exec(&["ip", "route", "add", "unreachable", "10.72.9.0/24"]);
    // One ICMP error a second at most by default: none withheld here.
    router.sysctl("net.ipv4.icmp_ratelimit", "0");
    let out = client
        .nettool()
        .args(["ping", "-c", "2", "-i", "0.1", "-W", "1", "10.72.9.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for seq in [1, 2] {
        assert!(
            text.contains(&format!(
                "From 10.72.1.1 icmp_seq={seq} Destination Host Unreachable\n"
            )),
            "{text}"
        );
    }
    assert!(
        text.contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss"),
        "{text}"
    );
}

/// What the test responder sends besides each answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extras {
    /// Nothing.
    None,
    /// A duplicate of the answer.
    Duplicate,
    /// A duplicate, and three replies that are not nettool's (see [`responder`]).
    All,
}

/// How the test responder changes the payload of its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// It answers with the request's payload.
    None,
    /// Every bit of the byte at this offset flipped.
    Corrupt(usize),
    /// Cut to this many bytes.
    Truncate(usize),
    /// Carried on to this many bytes, in the request's own pattern (byte i is i mod 256).
    Extend(usize),
}

impl Change {
    fn apply(self, payload: &mut Vec<u8>) {
        match self {
            Self::None => {}
            Self::Corrupt(at) => payload[at] ^= 0xff,
            Self::Truncate(len) => payload.truncate(len),
            Self::Extend(len) => {
                let from = payload.len();
                payload.extend((from..len).map(|i| (i % 256) as u8));
            }
        }
    }
}

/// What the test responder did with each echo request: the sequence, and how long after
/// receiving it the reply left (`None`: dropped on purpose).
type Log = Arc<Mutex<Vec<(u16, Option<Duration>)>>>;

/// Answer echo requests in `ns` from a raw socket (the kernel's own replies are off there),
/// `delay` late, dropping every request whose sequence number is a multiple of `drop_every`.
/// With `extras`, each answer is followed by a duplicate of it and by three replies that are not
/// nettool's: another identifier, a broken checksum, and a sequence number never sent. `change`
/// changes each answer's payload (its checksum made right again).
fn responder(
    ns: &Netns,
    delay: Duration,
    drop_every: u16,
    extras: Extras,
    change: Change,
    stop: Arc<AtomicBool>,
) -> (Log, std::thread::JoinHandle<()>) {
    let log: Log = Arc::default();
    let name = ns.name.clone();
    let record = log.clone();
    let ready = Arc::new(AtomicBool::new(false));
    let ready_flag = ready.clone();
    let handle = std::thread::spawn(move || {
        let socket = raw_icmpv4_socket_in(&name);
        ready_flag.store(true, Ordering::SeqCst);
        let started = Instant::now();
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 2048];
        while !stop.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(20) {
            let Ok((len, from)) = socket.recv_from(&mut buf) else {
                continue;
            };
            // SAFETY: recv_from initialised the first `len` bytes.
            #[allow(unsafe_code)]
            let packet: Vec<u8> = buf[..len]
                .iter()
                .map(|b| unsafe { b.assume_init() })
                .collect();
            let header = usize::from(packet[0] & 0x0f) * 4;
            let icmp = &packet[header..];
            if icmp[0] != 8 {
                continue;
            }
            let seq = u16::from_be_bytes([icmp[6], icmp[7]]);
            let received = Instant::now();
            if seq.is_multiple_of(drop_every) {
                record.lock().unwrap().push((seq, None));
                continue;
            }
            std::thread::sleep(delay);
            let mut payload = icmp[8..].to_vec();
            change.apply(&mut payload);
            let mut reply = icmp[..8].to_vec();
            reply.extend_from_slice(&payload);
            reply[0] = 0;
            reply[2] = 0;
            reply[3] = 0;
            let sum = checksum(&reply);
            reply[2..4].copy_from_slice(&sum.to_be_bytes());
            socket.send_to(&reply, &from).unwrap();
            record.lock().unwrap().push((seq, Some(received.elapsed())));
            if extras != Extras::None {
                socket.send_to(&reply, &from).unwrap();
            }
            if extras == Extras::All {
                let resum = |mut packet: Vec<u8>| {
                    packet[2] = 0;
                    packet[3] = 0;
                    let sum = checksum(&packet);
                    packet[2..4].copy_from_slice(&sum.to_be_bytes());
                    packet
                };
                let mut other_ident = reply.clone();
                other_ident[4] ^= 0x55;
                let mut unsent_seq = reply.clone();
                unsent_seq[6..8].copy_from_slice(&seq.wrapping_add(1000).to_be_bytes());
                let mut broken = reply.clone();
                broken[2] ^= 0x01;
                for packet in [resum(other_ident), resum(unsent_seq), broken] {
                    socket.send_to(&packet, &from).unwrap();
                }
            }
        }
    });
    assert!(crate::common::wait_until(Duration::from_secs(5), || ready.load(Ordering::SeqCst)));
    (log, handle)
}

fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Namespace `a` joined to `b` (10.NET.0.1 and .2), where the kernel's echo replies are off and
/// [`responder`] answers instead.
pub(crate) struct ResponderLab {
    pub(crate) a: Netns,
    _b: Netns,
    log: Log,
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<()>,
}

impl ResponderLab {
    pub(crate) fn new(
        tag: &str,
        net: u8,
        delay: Duration,
        drop_every: u16,
        extras: Extras,
    ) -> Self {
        Self::start(tag, net, delay, drop_every, extras, Change::None)
    }

    /// A responder that answers every request at once, its payload changed by `change`.
    pub(crate) fn changing(tag: &str, net: u8, change: Change) -> Self {
        Self::start(tag, net, Duration::ZERO, u16::MAX, Extras::None, change)
    }

    fn start(
        tag: &str,
        net: u8,
        delay: Duration,
        drop_every: u16,
        extras: Extras,
        change: Change,
    ) -> Self {
        let (a, b) = pair(tag, net);
        // One kernel-answered probe first, so that neither side waits for ARP during the run.
        a.nettool()
            .args(["ping", "-c", "1", &format!("10.{net}.0.2")])
            .assert()
            .code(0);
        b.sysctl("net.ipv4.icmp_echo_ignore_all", "1");
        let stop = Arc::new(AtomicBool::new(false));
        let (log, handle) = responder(&b, delay, drop_every, extras, change, stop.clone());
        Self {
            a,
            _b: b,
            log,
            stop,
            handle,
        }
    }

    /// Stop the responder; what it did.
    pub(crate) fn finish(self) -> Vec<(u16, Option<Duration>)> {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.join().unwrap();
        self.log.lock().unwrap().clone()
    }
}

#[test]
fn impaired_peer_loss_and_delay_are_reported_exactly() {
    if !root_or_skip("impaired_peer") {
        return;
    }
    let delay = Duration::from_millis(30);
    let lab = ResponderLab::new("imp", 73, delay, 3, Extras::None);
    let out = lab
        .a
        .nettool()
        .args([
            "--json",
            "ping",
            "-c",
            "9",
            "-i",
            "0.05",
            "-W",
            "1",
            "10.73.0.2",
        ])
        .output()
        .unwrap();
    let log = lab.finish();
    assert_eq!(log.len(), 9, "the responder saw every request: {log:?}");
    let dropped = log.iter().filter(|(_, d)| d.is_none()).count() as u64;
    assert_eq!(dropped, 3);
    let records = ndjson(&out.stdout);
    let summary = records.last().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary["transmitted"], 9);
    assert_eq!(summary["received"], 9 - dropped);
    let lost: Vec<u64> = of_type(&records, "timeout")
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    let dropped_seqs: Vec<u64> = log
        .iter()
        .filter(|(_, d)| d.is_none())
        .map(|(s, _)| u64::from(*s))
        .collect();
    assert_eq!(lost, dropped_seqs);
    // How far each round trip runs past the responder's own record of its delay.
    let mut over = Vec::new();
    for r in of_type(&records, "reply") {
        let rtt = r["rtt_ms"].as_f64().unwrap();
        let seq = r["seq"].as_u64().unwrap();
        // The real delay is what the responder measured between the request and its reply.
        let real = log
            .iter()
            .find(|(s, _)| u64::from(*s) == seq)
            .unwrap()
            .1
            .unwrap();
        let delay_ms = real.as_secs_f64() * 1000.0;
        assert!(real >= delay);
        // The responder held each answer at least the set delay, so the round trip is never
        // shorter.
        let least = delay.as_secs_f64() * 1000.0;
        assert!(
            rtt >= least,
            "rtt {rtt} ms is below the {least} ms delay: {records:?}"
        );
        over.push(rtt - delay_ms);
    }
    // Its own record of the gap may run long when it is scheduled late after sending, and a
    // loaded machine may hold one reply back well over 100 ms: the typical round trip (the
    // median) is the responder's delay plus tens of milliseconds at most.
    over.sort_by(f64::total_cmp);
    let median = over[over.len() / 2];
    assert!(
        median <= 50.0,
        "the median round trip runs {median} ms past the responder's delay: {records:?}"
    );
    assert!((summary["loss_pct"].as_f64().unwrap() - 100.0 * 3.0 / 9.0).abs() < 1e-9);
}

#[test]
fn duplicates_are_marked_and_other_replies_ignored() {
    if !root_or_skip("duplicates") {
        return;
    }
    let lab = ResponderLab::new("dup", 74, Duration::ZERO, u16::MAX, Extras::All);
    let out = lab
        .a
        .nettool()
        .args(["ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", "10.74.0.2"])
        .output()
        .unwrap();
    let json = lab
        .a
        .nettool()
        .args([
            "--json",
            "ping",
            "-c",
            "2",
            "-i",
            "0.2",
            "-W",
            "1",
            "10.74.0.2",
        ])
        .output()
        .unwrap();
    assert_eq!(
        lab.finish().len(),
        5,
        "the responder answered every request"
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("bytes from")).collect();
    // Each sequence once, then once more marked; nothing from the foreign replies.
    assert_eq!(lines.len(), 6, "{text}");
    for seq in 1..=3 {
        let of_seq: Vec<&&str> = lines
            .iter()
            .filter(|l| l.contains(&format!("icmp_seq={seq} ")))
            .collect();
        assert_eq!(of_seq.len(), 2, "{text}");
        assert!(!of_seq[0].ends_with("(DUP!)"), "{text}");
        assert!(of_seq[1].ends_with(" ms (DUP!)"), "{text}");
        assert!(of_seq[0].starts_with("64 bytes from 10.74.0.2: "), "{text}");
    }
    assert!(
        text.contains("3 packets transmitted, 3 received, +3 duplicates, 0% packet loss"),
        "{text}"
    );
    let records = ndjson(&json.stdout);
    let replies = of_type(&records, "reply");
    assert_eq!(replies.len(), 4, "{records:?}");
    assert_eq!(
        replies.iter().filter(|r| r["dup"] == true).count(),
        2,
        "{records:?}"
    );
    let summary = records.last().unwrap();
    assert_eq!(summary["transmitted"], 2);
    assert_eq!(summary["received"], 2);
    assert_eq!(summary["duplicates"], 2);
}

/// ping's text with the figures that vary from run to run (round trips, elapsed time) taken out.
fn without_times(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("rtt "))
        .map(|line| {
            let words: Vec<&str> = line
                .split(' ')
                .map(|w| {
                    if w.starts_with("time=") {
                        "time=T"
                    } else if w.ends_with("ms") && w.trim_end_matches("ms").parse::<u64>().is_ok() {
                        "Tms"
                    } else {
                        w
                    }
                })
                .collect();
            words.join(" ") + "\n"
        })
        .collect()
}

/// A peer whose answers carry another payload than the request's: a changed byte is reported
/// as ping reports it (the byte, then the payload dumped), a short answer is marked
/// `(truncated)`, and a longer one (1,400 or 60,000 bytes) is an answer like any other. Each
/// is counted as received, and iputils ping prints the same lines on the same setup.
#[test]
fn changed_short_and_long_payloads_are_reported_as_ping_does() {
    if !root_or_skip("changed_payloads") || !crate::common::tool_or_skip("changed_payloads", "ping")
    {
        return;
    }
    let cases = [
        ("pcw", 79, Change::Corrupt(20)),
        ("pct", 80, Change::Truncate(20)),
        ("pce", 81, Change::Extend(1400)),
        ("pcx", 82, Change::Extend(60_000)),
    ];
    for (tag, net, change) in cases {
        let lab = ResponderLab::changing(tag, net, change);
        let target = format!("10.{net}.0.2");
        let args = ["-n", "-c", "2", "-i", "0.2", "-W", "1", target.as_str()];
        let json = lab
            .a
            .nettool()
            .args(["--json", "ping"])
            .args(args)
            .output()
            .unwrap();
        let ours = lab.a.nettool().arg("ping").args(args).output().unwrap();
        let peer = lab
            .a
            .command("ping")
            .args(args)
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        assert_eq!(
            lab.finish().len(),
            6,
            "{change:?}: the responder answered every request"
        );
        assert_eq!(json.status.code(), Some(0), "{change:?}");
        assert_eq!(ours.status.code(), peer.status.code(), "{change:?}");
        let records = ndjson(&json.stdout);
        let replies = of_type(&records, "reply");
        assert_eq!(replies.len(), 2, "{change:?}: {records:?}");
        let summary = records.last().unwrap();
        assert_eq!(summary["received"], 2, "{change:?}");
        assert_eq!(summary["duplicates"], 0, "{change:?}");
        let (ours, peer) = (
            String::from_utf8(ours.stdout).unwrap(),
            String::from_utf8(peer.stdout).unwrap(),
        );
        for reply in replies {
            match change {
                Change::Corrupt(at) => {
                    assert_eq!(reply["bytes"], 64);
                    let wrong = &reply["wrong_data"];
                    assert_eq!(wrong["offset"], at);
                    assert_eq!(wrong["expected"], at);
                    assert_eq!(wrong["got"], at ^ 0xff);
                    assert!(reply.get("truncated").is_none(), "{reply}");
                }
                Change::Truncate(len) => {
                    assert_eq!(reply["bytes"], 8 + len);
                    assert_eq!(reply["truncated"], true);
                    assert!(reply.get("wrong_data").is_none(), "{reply}");
                }
                Change::Extend(len) => {
                    assert_eq!(reply["bytes"], 8 + len);
                    assert!(reply.get("truncated").is_none(), "{reply}");
                    assert!(reply.get("wrong_data").is_none(), "{reply}");
                }
                Change::None => unreachable!(),
            }
        }
        match change {
            // iputils reads at most its own size plus some room (172 bytes of ICMP for -s 56)
            // and prints that; nettool prints the length that arrived. Otherwise the same.
            Change::Extend(len) => {
                let theirs =
                    without_times(&peer).replace("172 bytes", &format!("{} bytes", len + 8));
                assert_eq!(
                    without_times(&ours),
                    theirs,
                    "\nping:\n{peer}\nnettool:\n{ours}"
                );
            }
            _ => assert_eq!(
                without_times(&ours),
                without_times(&peer),
                "\nping:\n{peer}\nnettool:\n{ours}"
            ),
        }
    }
}

/// fping's line for one reply: `HOST : [SEQ], 64 bytes, RTT ms (AVG avg, 0% loss)`; the round
/// trip, or `None` when `line` is not one.
fn reply_line_rtt(line: &str, host: &str, seq: u16) -> Option<f64> {
    let rest = line.strip_prefix(&format!("{host} : [{seq}], 64 bytes, "))?;
    let (rtt, tally) = rest.split_once(" ms (")?;
    let avg = tally.strip_suffix(" avg, 0% loss)")?;
    avg.parse::<f64>().ok()?;
    rtt.parse().ok()
}

#[test]
fn many_targets_stream_a_line_per_reply_into_a_pipe() {
    use std::io::{BufRead, BufReader, Read};
    if !root_or_skip("many_stream") {
        return;
    }
    let mut child = ChildGuard(
        std::process::Command::new(crate::common::bin())
            .args(["ping", "-c", "3", "-i", "0.5", "127.0.0.1", "127.0.0.2"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    // Three probes half a second apart: the first reply is read while the run goes on.
    assert_eq!(child.0.try_wait().unwrap(), None, "{first}");
    let first_host = if first.starts_with("127.0.0.1 ") {
        "127.0.0.1"
    } else {
        "127.0.0.2"
    };
    assert!(
        reply_line_rtt(first.trim_end(), first_host, 1).is_some(),
        "{first:?}"
    );
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(
        child.wait_timeout(Duration::from_secs(10)).unwrap().code(),
        Some(0)
    );
    let text = format!("{first}{rest}");
    let (streamed, table) = text.split_once("\n\n").unwrap();
    for host in ["127.0.0.1", "127.0.0.2"] {
        let lines: Vec<&str> = streamed
            .lines()
            .filter(|l| l.starts_with(&format!("{host} ")))
            .collect();
        assert_eq!(lines.len(), 3, "{text}");
        for (seq, line) in (1..).zip(&lines) {
            assert!(reply_line_rtt(line, host, seq).is_some(), "{line:?}");
        }
    }
    assert_eq!(streamed.lines().count(), 6, "{text}");
    assert_eq!(table.lines().count(), 3, "{text}");
    // Nothing on stderr: a pipe gets no progress line.
    let mut err = String::new();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(err, "");
}

#[test]
fn many_targets_redraw_in_place_on_a_terminal() {
    if !root_or_skip("many_screen") || !crate::common::tool_or_skip("many_screen", "script") {
        return;
    }
    let screen = crate::common::on_a_terminal("ping -c 3 -i 0.3 127.0.0.1 127.0.0.2");
    // The table is drawn before the end, then moved back over (3 lines: header and two rows).
    let redraws = screen.matches("\x1b[3F\x1b[J").count();
    assert!(redraws >= 1, "{screen:?}");
    assert!(screen.matches("RTTS 0-").count() >= 2, "{screen:?}");
    assert!(
        !screen.contains(" : [1], "),
        "no streamed lines on a terminal: {screen:?}"
    );
}

#[test]
fn a_sweep_shows_progress_on_a_terminal_only() {
    if !root_or_skip("sweep_progress") || !crate::common::tool_or_skip("sweep_progress", "script") {
        return;
    }
    let sweep = "ping -g 127.0.1.0/28 -c 2 -i 0.05";
    // Results into a file, stderr on the terminal: the progress line counts the probes.
    let tty = crate::common::on_a_terminal(&format!("{sweep} >/dev/null"));
    assert!(tty.contains("/28 probes"), "{tty:?}");
    assert!(tty.contains(" of 14 targets answered"), "{tty:?}");
    // Never with --json.
    let tty = crate::common::on_a_terminal(&format!("--json {sweep} >/dev/null"));
    assert!(!tty.contains("probes"), "{tty:?}");
    // Never into a pipe.
    let out = nettool()
        .args(sweep.split(' ').collect::<Vec<_>>())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
