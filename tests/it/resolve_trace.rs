//! `nettool resolve --trace` down a hierarchy of real authoritative servers (unbound's
//! auth-zones, and hickory-server for a server that serves none of them): a root, a top-level
//! zone and a zone below it, each on its own loopback address and on port 53, where referrals
//! send a resolver (and dig). Every run names its root
//! servers with `--root-hints` (or dig's `@ROOT`), so nothing leaves loopback. Port 53 needs
//! root; each test takes its own block of addresses (127.53.N.x) so tests run side by side.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use crate::common::auth_server::AuthServer;
use crate::common::dns_server::DnsServer;
use crate::common::{nettool, root_or_skip, tool_or_skip};
use serde_json::Value;

/// The address `host` of block `block`: 127.53.BLOCK.HOST.
fn ip(block: u8, host: u8) -> String {
    format!("127.53.{block}.{host}")
}

/// The servers of one hierarchy, stopped when dropped.
///
/// * `.1` the root (`.`), delegating `lab.` to `ns-lab.` (`.2`);
/// * `.2` `lab.`, delegating `zone.lab.` (to `.3`), `lame.lab.` (to `.4`, which does not serve
///   it), `loop.lab.` (to `.5`, which serves a copy of `lab.` and so refers it to itself) and
///   `glueless.lab.` (to `ns2.zone.lab.`, whose address only `zone.lab.` knows);
/// * `.3` `zone.lab.`; `.4` an unrelated zone; `.5` the copy of `lab.`; `.6` `glueless.lab.`.
struct Hierarchy {
    block: u8,
    _servers: Vec<AuthServer>,
    _others: Vec<DnsServer>,
    hints: tempfile::NamedTempFile,
}

impl Hierarchy {
    /// Start it, or `None` (with a note) when unbound is missing or this is not root.
    fn start(test: &str, block: u8) -> Option<Self> {
        if !root_or_skip(test) || !tool_or_skip(test, "unbound") {
            return None;
        }
        let a = |host| ip(block, host);
        let soa = |origin: &str, ns: &str| {
            format!(
                "$ORIGIN {origin}\n$TTL 3600\n@ IN SOA {ns} hostmaster.lab. 1 3600 600 86400 300\n"
            )
        };
        let root = format!(
            "{}@ IN NS a.root-lab.\n\
             a.root-lab. IN A {}\n\
             lab. 172800 IN NS ns-lab.\n\
             ns-lab. 172800 IN A {}\n",
            soa(".", "a.root-lab."),
            a(1),
            a(2)
        );
        let lab = format!(
            "{}@ IN NS ns-lab.\n\
             zone 86400 IN NS ns-zone.lab.\n\
             ns-zone 86400 IN A {}\n\
             lame IN NS ns-lame.lab.\n\
             ns-lame IN A {}\n\
             loop IN NS ns-loop.lab.\n\
             ns-loop IN A {}\n\
             glueless IN NS ns2.zone.lab.\n",
            soa("lab.", "ns-lab."),
            a(3),
            a(4),
            a(5)
        );
        let zone = format!(
            "{}@ IN NS ns-zone.lab.\n\
             ns2 IN A {}\n\
             www 300 IN A 192.0.2.80\n\
             www 300 IN A 192.0.2.81\n\
             mail 300 IN MX 10 mx.zone.lab.\n",
            soa("zone.lab.", "ns-zone.lab."),
            a(6)
        );
        let other = format!("{}@ IN NS ns.other.\n", soa("other.", "ns.other."));
        let glueless = format!(
            "{}@ IN NS ns2.zone.lab.\nwww 300 IN A 192.0.2.90\n",
            soa("glueless.lab.", "ns2.zone.lab.")
        );
        let at = |host| -> SocketAddr { format!("{}:53", a(host)).parse().unwrap() };
        let servers = vec![
            AuthServer::start(at(1), &[(".", root)]),
            AuthServer::start(at(2), &[("lab.", lab.clone())]),
            AuthServer::start(at(3), &[("zone.lab.", zone)]),
            AuthServer::start(at(5), &[("lab.", lab)]),
            AuthServer::start(at(6), &[("glueless.lab.", glueless)]),
        ];
        // hickory-server refuses a name outside its zones, as a lame server does.
        let others = vec![DnsServer::start_zones(at(4), vec![other])];
        let hints = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(
            hints.path(),
            format!(
                "; the root server of this lab\n\
                 .             3600000  NS  A.ROOT-LAB.\n\
                 A.ROOT-LAB.   3600000  A   {}\n",
                a(1)
            ),
        )
        .unwrap();
        Some(Self {
            block,
            _servers: servers,
            _others: others,
            hints,
        })
    }

    fn hints(&self) -> String {
        self.hints.path().display().to_string()
    }

    /// `nettool resolve --trace --root-hints HINTS ARGS...`: exit code, stdout, stderr.
    fn trace(&self, args: &[&str]) -> (i32, String, String) {
        let out = nettool()
            .args(["resolve", "--trace", "--root-hints", &self.hints()])
            .args(["--timeout", "500ms", "--tries", "1"])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn trace_json(&self, args: &[&str]) -> (i32, Value, String) {
        let mut full = vec!["--json"];
        full.extend_from_slice(args);
        let (code, stdout, stderr) = self.trace(&full);
        let value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("not one JSON document ({e}): {stdout}\n{stderr}"));
        (code, value, stderr)
    }
}

/// One block of a `+trace` listing: the NS records' owners and targets, the answer records,
/// and who sent them (`127.53.1.2#53(ns1.nic.lab)`).
#[derive(Debug, PartialEq, Eq)]
struct Block {
    ns: BTreeSet<(String, String)>,
    other: BTreeSet<String>,
    from: String,
}

/// The blocks of dig's or nettool's `+trace` text: records, then `;; Received ... from X in`.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut ns = BTreeSet::new();
    let mut other = BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix(";; Received ") {
            let from = rest.split(" from ").nth(1).unwrap_or_default();
            let from = from.split(" in ").next().unwrap_or_default().to_lowercase();
            out.push(Block {
                ns: std::mem::take(&mut ns),
                other: std::mem::take(&mut other),
                from,
            });
            continue;
        }
        if line.starts_with(';') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 5 {
            continue;
        }
        let (owner, rtype, data) = (fields[0].to_lowercase(), fields[3], fields[4..].join(" "));
        match rtype {
            "NS" => {
                ns.insert((owner, data.to_lowercase()));
            }
            // dig +trace asks with DO set; an unsigned hierarchy sends no signatures.
            "RRSIG" | "DS" | "NSEC" => {}
            _ => {
                other.insert(format!("{owner} {rtype} {data}"));
            }
        }
    }
    out
}

#[test]
fn trace_lists_the_referrals_dig_lists() {
    let test = "trace_lists_the_referrals_dig_lists";
    if !tool_or_skip(test, "dig") {
        return;
    }
    let Some(lab) = Hierarchy::start(test, 1) else {
        return;
    };
    // nettool and dig both ask the root server named with @ for the root's NS set first.
    let root = format!("@{}", ip(lab.block, 1));
    let out = nettool()
        .args(["resolve", "--trace", &root, "www.zone.lab"])
        .output()
        .unwrap();
    let ours = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{ours}\n{:?}", out.stderr);
    // dig +trace finds each name server's address through the system resolver, not from the
    // glue: it runs in a mount namespace of its own where /etc/hosts names the lab's servers
    // and /etc/resolv.conf names a loopback address where no server listens.
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts");
    let resolv = dir.path().join("resolv.conf");
    std::fs::write(
        &hosts,
        format!(
            "{} a.root-lab\n{} ns-lab\n{} ns-zone.lab\n",
            ip(lab.block, 1),
            ip(lab.block, 2),
            ip(lab.block, 3)
        ),
    )
    .unwrap();
    std::fs::write(&resolv, "nameserver 127.0.0.1\n").unwrap();
    let script = format!(
        "mount --bind {} /etc/hosts && mount --bind {} /etc/resolv.conf && \
         exec dig -4 +trace +tries=1 +time=2 {root} www.zone.lab A",
        hosts.display(),
        resolv.display()
    );
    let dig = std::process::Command::new("unshare")
        .args(["--mount", "sh", "-c", &script])
        .output()
        .unwrap();
    let dig = String::from_utf8(dig.stdout).unwrap();
    let (ours, theirs) = (blocks(&ours), blocks(&dig));
    assert_eq!(ours, theirs, "nettool:\n{ours:#?}\ndig:\n{dig}");
    // And what they are: the root's NS set from the root, then each zone cut from the servers
    // of the zone above, then the answer.
    let ns = |owner: &str, target: &str| BTreeSet::from([(owner.into(), target.into())]);
    let want = [
        (ns(".", "a.root-lab."), "127.53.1.1#53(127.53.1.1)"),
        (ns("lab.", "ns-lab."), "127.53.1.1#53(a.root-lab)"),
        (ns("zone.lab.", "ns-zone.lab."), "127.53.1.2#53(ns-lab)"),
        (BTreeSet::new(), "127.53.1.3#53(ns-zone.lab)"),
    ];
    assert_eq!(ours.len(), want.len(), "{ours:#?}");
    for (block, (ns, from)) in ours.iter().zip(want) {
        assert_eq!((&block.ns, block.from.as_str()), (&ns, from));
    }
    assert_eq!(
        ours[3].other,
        BTreeSet::from([
            "www.zone.lab. A 192.0.2.80".to_string(),
            "www.zone.lab. A 192.0.2.81".to_string()
        ])
    );
}

#[test]
fn trace_json_has_one_record_per_step() {
    let Some(lab) = Hierarchy::start("trace_json_has_one_record_per_step", 2) else {
        return;
    };
    let (code, doc, stderr) = lab.trace_json(&["-t", "MX", "mail.zone.lab"]);
    assert_eq!(code, 0, "{doc:#}\n{stderr}");
    assert_eq!(doc["kind"], "trace");
    assert_eq!(doc["query"], "mail.zone.lab.");
    assert_eq!(doc["type"], "MX");
    assert_eq!(doc["status"], "answer");
    assert_eq!(doc["roots_from"], lab.hints());
    let steps = doc["steps"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str, Value, &str)> = steps
        .iter()
        .map(|s| {
            (
                s["zone"].as_str().unwrap(),
                s["kind"].as_str().unwrap(),
                s["servers"][0]["address"].as_str().unwrap(),
                s["delegation"]["ns"].clone(),
                s["rcode"].as_str().unwrap(),
            )
        })
        .collect();
    let ns = |names: &[&str]| Value::from(names.to_vec());
    assert_eq!(
        summary,
        vec![
            (
                ".",
                "root",
                "127.53.2.1:53",
                ns(&["a.root-lab."]),
                "NOERROR"
            ),
            (
                ".",
                "referral",
                "127.53.2.1:53",
                ns(&["ns-lab."]),
                "NOERROR"
            ),
            (
                "lab.",
                "referral",
                "127.53.2.2:53",
                ns(&["ns-zone.lab."]),
                "NOERROR"
            ),
            (
                "zone.lab.",
                "answer",
                "127.53.2.3:53",
                Value::Null,
                "NOERROR"
            ),
        ]
    );
    assert_eq!(steps[1]["delegation"]["zone"], "lab.");
    assert_eq!(
        steps[1]["glue"],
        serde_json::json!([{"name": "ns-lab.", "address": "127.53.2.2"}])
    );
    assert_eq!(steps[1]["servers"][0]["name"], "a.root-lab.");
    assert_eq!(steps[3]["records"][0]["data"], "10 mx.zone.lab.");
    assert!(steps.iter().all(|s| s["bytes"].as_u64().unwrap() > 12));
    assert!(steps.iter().all(|s| s["time_ms"].is_number()));
}

#[test]
fn trace_of_a_missing_name_ends_at_nxdomain_with_exit_1() {
    let Some(lab) = Hierarchy::start("trace_of_a_missing_name_ends_at_nxdomain_with_exit_1", 3)
    else {
        return;
    };
    let (code, doc, stderr) = lab.trace_json(&["nope.zone.lab"]);
    assert_eq!(code, 1, "{doc:#}\n{stderr}");
    assert_eq!(doc["status"], "nxdomain");
    let last = doc["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["zone"].as_str(), last["rcode"].as_str()),
        (Some("zone.lab."), Some("NXDOMAIN"))
    );
    assert_eq!(
        stderr.trim(),
        "error: no such name nope.zone.lab. (NXDOMAIN from 127.53.3.3#53(ns-zone.lab))"
    );
}

#[test]
fn lame_delegation_is_named_and_ends_with_exit_2() {
    let Some(lab) = Hierarchy::start("lame_delegation_is_named_and_ends_with_exit_2", 4) else {
        return;
    };
    let (code, stdout, stderr) = lab.trace(&["www.lame.lab"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert_eq!(
        stderr.trim(),
        "error: lame delegation at lame.lab.: no server of lame.lab. answered www.lame.lab. A: \
         ns-lame.lab. (127.53.4.4:53) answered REFUSED"
    );
    // The referral to it was shown before the failure.
    assert_eq!(
        blocks(&stdout).last().unwrap().from,
        "127.53.4.2#53(ns-lab)"
    );
}

#[test]
fn referral_loop_is_named_and_ends_with_exit_2() {
    let Some(lab) = Hierarchy::start("referral_loop_is_named_and_ends_with_exit_2", 5) else {
        return;
    };
    let (code, doc, stderr) = lab.trace_json(&["www.loop.lab"]);
    assert_eq!(code, 2, "{doc:#}\n{stderr}");
    assert_eq!(doc["status"], "failed");
    assert_eq!(
        stderr.trim(),
        "error: referral loop at loop.lab.: no server of loop.lab. answered www.loop.lab. A: \
         ns-loop.lab. (127.53.5.5:53) referred back to loop.lab. (a referral loop)"
    );
    let steps = doc["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4, "{doc:#}");
    assert_eq!(steps[3]["kind"], "failed");
}

#[test]
fn glueless_name_server_is_looked_up_from_the_root() {
    let Some(lab) = Hierarchy::start("glueless_name_server_is_looked_up_from_the_root", 6) else {
        return;
    };
    let (code, doc, stderr) = lab.trace_json(&["www.glueless.lab"]);
    assert_eq!(code, 0, "{doc:#}\n{stderr}");
    let steps: Vec<(String, String, String, String)> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["query"].as_str().unwrap().to_string(),
                s["zone"].as_str().unwrap().to_string(),
                s["glue_for"].as_str().unwrap_or("-").to_string(),
                s["servers"].as_array().unwrap().last().unwrap()["address"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    let step = |q: &str, zone: &str, glue_for: &str, addr: &str| {
        (
            q.to_string(),
            zone.to_string(),
            glue_for.to_string(),
            addr.to_string(),
        )
    };
    assert_eq!(
        steps,
        vec![
            step(".", ".", "-", "127.53.6.1:53"),
            step("www.glueless.lab.", ".", "-", "127.53.6.1:53"),
            step("www.glueless.lab.", "lab.", "-", "127.53.6.2:53"),
            step("ns2.zone.lab.", ".", "ns2.zone.lab.", "127.53.6.1:53"),
            step("ns2.zone.lab.", "lab.", "ns2.zone.lab.", "127.53.6.2:53"),
            step(
                "ns2.zone.lab.",
                "zone.lab.",
                "ns2.zone.lab.",
                "127.53.6.3:53"
            ),
            step("www.glueless.lab.", "glueless.lab.", "-", "127.53.6.6:53"),
        ]
    );
    assert_eq!(doc["steps"][6]["records"][0]["data"], "192.0.2.90");
}

#[test]
fn a_root_that_does_not_answer_ends_the_trace_within_timeout_times_tries() {
    if !root_or_skip("a_root_that_does_not_answer_ends_the_trace_within_timeout_times_tries") {
        return;
    }
    // 127.53.7.1: nothing listens (ICMP port unreachable, at once). 127.53.7.2: a socket that
    // is bound and never read, so the queries get no answer at all.
    let _silent = std::net::UdpSocket::bind("127.53.7.2:53").unwrap();
    let cases = [
        ("127.53.7.1", "connection refused", 0),
        ("127.53.7.2", "timed out", 600),
    ];
    for (root, reason, at_least_ms) in cases {
        let hints = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(
            hints.path(),
            format!(". NS a.root.lab.\na.root.lab. A {root}\n"),
        )
        .unwrap();
        let started = std::time::Instant::now();
        let out = nettool()
            .args(["resolve", "--trace", "--timeout", "300ms", "--tries", "2"])
            .arg("--root-hints")
            .arg(hints.path())
            .args(["www.zone.lab"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{root}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            format!(
                "error: no root server answered for the root's NS set: a.root.lab. ({root}:53) \
                 {reason}"
            )
        );
        // Every try was waited out (a lower bound only: no clock tolerance).
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(at_least_ms),
            "{root}"
        );
    }
}

#[test]
fn bad_root_hints_and_flags_are_usage_errors() {
    let hints = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(hints.path(), ". NS a.root.lab.\na.root.lab. A 300.1.1.1\n").unwrap();
    let path = hints.path().display().to_string();
    let cases: [(&[&str], String); 4] = [
        (
            &["--root-hints", &path, "www.lab"],
            format!("error: {path}: line 2: 300.1.1.1 is not an address"),
        ),
        (
            &["a.lab", "b.lab"],
            "error: --trace: traces one name, 2 given".into(),
        ),
        (
            &["-t", "A,AAAA", "a.lab"],
            "error: --trace: traces one record type (-t TYPE), several given".into(),
        ),
        (
            &["--tcp", "a.lab"],
            "error: --tcp: cannot be combined with --trace".into(),
        ),
    ];
    for (args, want) in cases {
        let out = nettool()
            .args(["resolve", "--trace"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            want,
            "{args:?}"
        );
    }
}
