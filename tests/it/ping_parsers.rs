//! `nettool ping` read by the parsers people feed ping's output to (`jc --ping` and Python's
//! pingparsing): on one namespace setup, iputils ping and nettool run with the same arguments,
//! and both parsers must read the same structure from each (every field but the timings).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::{root_or_skip, strict, tool_or_skip};
use crate::ping::pair;
use crate::ping::{Change, Extras, ResponderLab};

/// The Python that has pingparsing: `NETTOOL_PINGPARSING_PYTHON`, else the venv `.ci/run`
/// makes in `target/pyvenv`.
fn pingparsing_python() -> Option<String> {
    let python = std::env::var("NETTOOL_PINGPARSING_PYTHON")
        .unwrap_or_else(|_| format!("{}/target/pyvenv/bin/python", env!("CARGO_MANIFEST_DIR")));
    let ok = Command::new(&python)
        .args(["-c", "import pingparsing"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(python);
    }
    assert!(
        !strict(),
        "pingparsing is not importable by {python} (.ci/run installs it)"
    );
    eprintln!("skipping: pingparsing is not importable by {python}");
    None
}

fn feed(program: &str, args: &[&str], input: &str) -> String {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

const PINGPARSING: &str = "import json, sys, pingparsing
stats = pingparsing.PingParsing().parse(sys.stdin.read())
d = stats.as_dict()
d['replies'] = stats.icmp_replies
print(json.dumps(d, default=str))";

/// Drop the timings from a parsed structure (keeping whether a timestamp was read).
fn without_timings(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.retain(|k, _| {
            !(k.starts_with("round_trip_ms")
                || k.starts_with("rtt_")
                || k == "time_ms"
                || k == "time")
        });
        for (k, v) in map.iter_mut() {
            if k == "timestamp" {
                *v = Value::Bool(!v.is_null());
            } else if let Value::Array(items) = v {
                for item in items.iter_mut() {
                    *item = without_timings(item.take());
                }
            }
        }
    }
    value
}

/// Both parsers' readings of a ping output, without timings.
fn readings(text: &str, python: &str) -> (Value, Value) {
    let jc: Value = serde_json::from_str(&feed("jc", &["--ping"], text))
        .unwrap_or_else(|e| panic!("jc could not read {text:?}: {e}"));
    let pp: Value = serde_json::from_str(&feed(python, &["-c", PINGPARSING], text))
        .unwrap_or_else(|e| panic!("pingparsing could not read {text:?}: {e}"));
    (without_timings(jc), without_timings(pp))
}

/// Run iputils ping and nettool ping side by side in `lab` with `args`; both parsers must read
/// the same from each, and the exit codes must agree.
fn same_readings(lab: &ResponderLab, python: &str, args: &[&str]) {
    same_readings_but(lab, python, args, |_| {});
}

/// [`same_readings`], with `adjust` applied to every reading first (to leave out a field the
/// two tools print apart on purpose).
fn same_readings_but(lab: &ResponderLab, python: &str, args: &[&str], adjust: fn(&mut Value)) {
    let peer = lab
        .a
        .command("ping")
        .args(args)
        .env("LC_ALL", "C")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let ours = lab.a.nettool().arg("ping").args(args).output().unwrap();
    let peer = peer.wait_with_output().unwrap();
    let (peer_text, our_text) = (
        String::from_utf8(peer.stdout).unwrap(),
        String::from_utf8(ours.stdout).unwrap(),
    );
    assert_eq!(
        ours.status.code(),
        peer.status.code(),
        "{args:?}\nping:\n{peer_text}\nnettool:\n{our_text}"
    );
    let (mut peer_jc, mut peer_pp) = readings(&peer_text, python);
    let (mut our_jc, mut our_pp) = readings(&our_text, python);
    for reading in [&mut peer_jc, &mut peer_pp, &mut our_jc, &mut our_pp] {
        adjust(reading);
    }
    assert_eq!(
        our_jc, peer_jc,
        "jc reads them apart, {args:?}\nping:\n{peer_text}\nnettool:\n{our_text}"
    );
    assert_eq!(
        our_pp, peer_pp,
        "pingparsing reads them apart, {args:?}\nping:\n{peer_text}\nnettool:\n{our_text}"
    );
}

#[test]
fn parsers_read_replies_loss_quiet_timestamps_outstanding_and_flood_alike() {
    if !root_or_skip("parsers_alike") || !tool_or_skip("parsers_alike", "jc") {
        return;
    }
    let Some(python) = pingparsing_python() else {
        return;
    };
    // Every third request is dropped by the responder.
    let lab = ResponderLab::new("pp", 75, Duration::ZERO, 3, Extras::None);
    let table: [&[&str]; 6] = [
        &["-n", "-c", "4", "-i", "0.2", "-W", "1", "10.75.0.2"],
        &["-n", "-D", "-c", "2", "-i", "0.2", "10.75.0.2"],
        &["-n", "-O", "-c", "4", "-i", "0.3", "-W", "1", "10.75.0.2"],
        &["-n", "-q", "-c", "4", "-i", "0.2", "-W", "1", "10.75.0.2"],
        &["-n", "-f", "-c", "30", "10.75.0.2"],
        // Nobody has .9: the host's own "Destination Host Unreachable" errors.
        &["-n", "-c", "1", "-W", "5", "10.75.0.9"],
    ];
    for args in table {
        same_readings(&lab, &python, args);
    }
    lab.finish();
}

#[test]
fn parsers_read_duplicates_and_total_loss_alike() {
    if !root_or_skip("parsers_dup_loss") || !tool_or_skip("parsers_dup_loss", "jc") {
        return;
    }
    let Some(python) = pingparsing_python() else {
        return;
    };
    // Each answer twice; the last request dropped, so that neither tool ends on an answer
    // whose duplicate may or may not have been read yet.
    let lab = ResponderLab::new("ppd", 76, Duration::ZERO, 3, Extras::Duplicate);
    same_readings(
        &lab,
        &python,
        &["-n", "-c", "3", "-i", "0.3", "-W", "1", "10.76.0.2"],
    );
    lab.finish();
    // Every request dropped: 100% loss.
    let lab = ResponderLab::new("ppl", 77, Duration::ZERO, 1, Extras::None);
    same_readings(
        &lab,
        &python,
        &["-n", "-c", "2", "-i", "0.2", "-W", "0.5", "10.77.0.2"],
    );
    lab.finish();
}

#[test]
fn broadcast_needs_b_and_then_parses_as_pings() {
    if !root_or_skip("parsers_broadcast") || !tool_or_skip("parsers_broadcast", "jc") {
        return;
    }
    let Some(python) = pingparsing_python() else {
        return;
    };
    let (a, b) = pair("ppb", 78);
    for ns in [&a, &b] {
        ns.sysctl("net.ipv4.icmp_echo_ignore_broadcasts", "0");
    }
    // Without -b the kernel refuses the send: exit 2 and one line that names the fix.
    let out = a
        .nettool()
        .args(["ping", "-c", "1", "10.78.0.255"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("add -b"), "{err}");
    let args = ["-b", "-n", "-c", "2", "-i", "0.3", "10.78.0.255"];
    let ours = a.nettool().arg("ping").args(args).output().unwrap();
    let peer = a.command("ping").args(args).output().unwrap();
    assert_eq!(ours.status.code(), peer.status.code());
    let (ours, peer) = (
        String::from_utf8(ours.stdout).unwrap(),
        String::from_utf8(peer.stdout).unwrap(),
    );
    // Both hosts answer each probe: the second answer is a duplicate, as ping marks it.
    assert!(ours.contains("bytes from 10.78.0.2: icmp_seq=1 "), "{ours}");
    // ping ends as soon as the last probe is answered, before or after its duplicate came
    // in: the last probe's answers and the duplicate counts are left out of the comparison.
    let sorted = |text: &str, python: &str| {
        let (mut jc, mut pp) = readings(text, python);
        for (v, key) in [(&mut jc, "responses"), (&mut pp, "replies")] {
            let Value::Object(map) = v else {
                panic!("not an object: {v}");
            };
            map.retain(|k, _| !k.contains("duplicate"));
            if let Some(Value::Array(items)) = map.get_mut(key) {
                items.retain(|i| i["icmp_seq"] == 1);
                items.sort_by_key(ToString::to_string);
            }
        }
        (jc, pp)
    };
    assert_eq!(
        sorted(&ours, &python),
        sorted(&peer, &python),
        "\nping:\n{peer}\nnettool:\n{ours}"
    );
}

#[test]
fn parsers_read_changed_short_and_long_payloads_alike() {
    if !root_or_skip("parsers_payloads") || !tool_or_skip("parsers_payloads", "jc") {
        return;
    }
    let Some(python) = pingparsing_python() else {
        return;
    };
    let cases = [
        ("ppw", 83, Change::Corrupt(20)),
        ("ppt", 84, Change::Truncate(20)),
        ("ppe", 85, Change::Extend(1400)),
    ];
    for (tag, net, change) in cases {
        let lab = ResponderLab::changing(tag, net, change);
        let target = format!("10.{net}.0.2");
        let args = ["-n", "-c", "2", "-i", "0.2", "-W", "1", target.as_str()];
        // iputils prints the length it read (at most 172 bytes here), nettool the length that
        // arrived: the byte counts of longer answers are left out of the comparison.
        let adjust: fn(&mut Value) = match change {
            Change::Extend(_) => |reading| {
                for key in ["responses", "replies"] {
                    if let Some(Value::Array(items)) = reading.get_mut(key) {
                        for item in items {
                            if let Value::Object(map) = item {
                                map.remove("bytes");
                            }
                        }
                    }
                }
            },
            _ => |_| {},
        };
        same_readings_but(&lab, &python, &args, adjust);
        lab.finish();
    }
}
