//! `nettool arping` against iputils `arping` on the same veth pair: a reply from the namespace
//! host (its MAC equal to its link's), no reply for a free address, `-D` against an address in
//! use; the same lines (times aside) and the same exit codes.

use crate::common::{self, Netns, linked_pair, mac_of, root_or_skip};

/// The lines and exit code of a run, with each reply's time replaced by `T`.
fn run(ns: &Netns, program: &str, args: &[&str]) -> (Vec<String>, Option<i32>) {
    let out = if program == "nettool" {
        ns.nettool().arg("arping").args(args).output().unwrap()
    } else {
        ns.command(program).args(args).output().unwrap()
    };
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| match l.rfind("]  ") {
            Some(at) => format!("{}]  T", &l[..at]),
            None => l.to_string(),
        })
        .collect();
    (lines, out.status.code())
}

fn both(ns: &Netns, args: &[&str]) -> (Vec<String>, Option<i32>) {
    let ours = run(ns, "nettool", args);
    let theirs = run(ns, "arping", args);
    assert_eq!(ours, theirs, "arping {args:?}");
    ours
}

#[test]
fn reply_free_address_and_duplicate_as_iputils() {
    if !root_or_skip("arping") || !common::tool_or_skip("arping", "arping") {
        return;
    }
    let (a, b) = linked_pair("ap", 33);
    let mac = mac_of(&b, "vb").to_uppercase();

    let (lines, code) = both(&a, &["-c", "2", "-I", "va", "10.33.0.2"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        lines,
        [
            "ARPING 10.33.0.2 from 10.33.0.1 va".to_string(),
            format!("Unicast reply from 10.33.0.2 [{mac}]  T"),
            format!("Unicast reply from 10.33.0.2 [{mac}]  T"),
            "Sent 2 probes (1 broadcast(s))".to_string(),
            "Received 2 response(s)".to_string(),
        ]
    );

    let (lines, code) = both(&a, &["-c", "2", "-w", "2", "-I", "va", "10.33.0.77"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        lines[1..],
        ["Sent 2 probes (2 broadcast(s))", "Received 0 response(s)"]
    );

    // Duplicate address detection: 10.33.0.2 is taken, 10.33.0.78 is free.
    let (lines, code) = both(&a, &["-D", "-c", "2", "-I", "va", "10.33.0.2"]);
    assert_eq!(code, Some(1));
    assert_eq!(lines[0], "ARPING 10.33.0.2 from 0.0.0.0 va");
    assert_eq!(lines[1], format!("Unicast reply from 10.33.0.2 [{mac}]  T"));
    let (_, code) = both(&a, &["-D", "-c", "1", "-I", "va", "10.33.0.78"]);
    assert_eq!(code, Some(0));
}

#[test]
fn json_names_the_mac_and_the_interface_is_found_by_route() {
    if !root_or_skip("arping json") {
        return;
    }
    let (a, b) = linked_pair("aj", 34);
    let mac = mac_of(&b, "vb");
    let out = a
        .nettool()
        .args(["arping", "-c", "1", "10.34.0.2", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = crate::common::schema::check("arping", &out.stdout);
    assert_eq!(records[0]["type"], "reply");
    assert_eq!(records[0]["mac"], mac.as_str());
    assert!(records[0]["rtt_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(records[1]["type"], "summary");
    assert_eq!(
        (records[1]["sent"].as_u64(), records[1]["received"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(records[1]["interface"], "va");
    // Gratuitous announcement: nothing to wait for, exit 0.
    let out = a
        .nettool()
        .args(["arping", "-U", "-c", "1", "-I", "va", "10.34.0.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    for (args, message) in [
        (
            &["10.0.0.300"][..],
            "error: 10.0.0.300: not an IPv4 address",
        ),
        (
            &["-c", "0", "10.0.0.1"][..],
            "error: -c 0: the count must be at least 1",
        ),
    ] {
        let out = common::nettool().arg("arping").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), message);
    }
    let out = common::nettool().args(["arping", "::1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("NDP") && err.contains("ifconfig --neighbours"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}
