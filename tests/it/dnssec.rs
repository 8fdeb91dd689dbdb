//! `nettool resolve --validate` and DNSSEC record presentation against zones signed with
//! ldns-signzone and served by an authoritative unbound on loopback (`common::signed_zone`):
//! each verdict compared with delv's on the same server and anchors, each record line with
//! dig's for the same answer.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

use crate::common::nettool;
use crate::common::signed_zone::SignedZones;

/// `nettool resolve --json ARGS`: exit code, the document, stderr.
fn resolve_json(args: &[&str]) -> (i32, Value, String) {
    let out = nettool()
        .arg("resolve")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let doc = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), doc, stderr)
}

/// delv's verdict on NAME A: its first stdout line (`; fully validated`, `; unsigned answer`)
/// or, when resolution failed, its stderr.
fn delv(zones: &SignedZones, root: &str, name: &str) -> (String, String) {
    let out = Command::new("delv")
        .arg(format!("@{}", zones.server.ip()))
        .args(["-p", &zones.server.port().to_string()])
        .arg(format!("+root={root}"))
        .arg("-a")
        .arg(zones.anchors_conf())
        .args([name, "A"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        stdout.lines().next().unwrap_or_default().to_string(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn validation_verdicts_agree_with_delv() {
    let test = "dnssec::validation_verdicts_agree_with_delv";
    let Some(zones) = SignedZones::start(test) else {
        return;
    };
    if !crate::common::tool_or_skip(test, "delv") {
        return;
    }
    let at = format!("@{}", zones.server);
    let anchors = zones.anchors();
    let anchors = anchors.to_str().unwrap();
    // name, zone of the anchor, status, reason (start), exit code, delv's first line or words
    // of its error.
    let cases = [
        (
            "www.good.test",
            "good.test",
            "secure",
            None,
            0,
            "; fully validated",
        ),
        (
            "www.insecure.good.test",
            "good.test",
            "insecure",
            None,
            0,
            "; unsigned answer",
        ),
        (
            "www.expired.test",
            "expired.test",
            "bogus",
            Some("expired signature: the RRSIG of expired.test. DNSKEY"),
            1,
            "RRSIG has expired",
        ),
        (
            "www.tampered.test",
            "tampered.test",
            "bogus",
            Some("bad signature: the RRSIG of www.tampered.test. A does not verify"),
            1,
            "RRSIG failed to verify",
        ),
    ];
    for (name, root, status, reason, code, delv_says) in cases {
        let (exit, doc, stderr) = resolve_json(&[&at, "--trust-anchor", anchors, "-t", "A", name]);
        let query = &doc["queries"][0];
        assert_eq!(query["dnssec"]["status"], status, "{name}: {doc}");
        assert_eq!(exit, code, "{name}: {stderr}");
        match reason {
            Some(reason) => {
                let got = query["dnssec"]["reason"].as_str().unwrap();
                assert!(got.starts_with(reason), "{name}: {got}");
                assert_eq!(stderr, format!("error: {name}: bogus answer: {got}\n"));
            }
            None => assert_eq!(query["dnssec"]["reason"], Value::Null, "{name}"),
        }
        let (first, errors) = delv(&zones, root, name);
        if code == 0 {
            assert_eq!(first, delv_says, "delv on {name}: {errors}");
        } else {
            assert!(
                errors.contains(delv_says),
                "delv on {name}: {first} {errors}"
            );
        }
    }
    // A name that does not exist in the signed zone: its denial is proven (delv: a negative
    // response, fully validated), so the answer is a secure NXDOMAIN (exit 1: not found).
    let (exit, doc, _) = resolve_json(&[&at, "--trust-anchor", anchors, "-t", "A", "nx.good.test"]);
    assert_eq!(doc["queries"][0]["rcode"], "NXDOMAIN");
    assert_eq!(doc["queries"][0]["dnssec"]["status"], "secure");
    assert_eq!(exit, 1);
    let (first, _) = delv(&zones, "good.test", "nx.good.test");
    assert_eq!(first, "; negative response, fully validated");

    // The text footer says the same.
    let out = nettool()
        .args([
            "resolve",
            &at,
            "--trust-anchor",
            anchors,
            "-t",
            "A",
            "www.good.test",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().last().unwrap().ends_with("; dnssec secure"),
        "{text}"
    );
    // Without the zone's anchor (the root's keys only) nothing proves good.test's keys.
    let (exit, doc, _) = resolve_json(&[&at, "--validate", "-t", "A", "www.good.test"]);
    assert_eq!(doc["queries"][0]["dnssec"]["status"], "bogus");
    assert_eq!(exit, 1);
}

#[test]
fn anchors_that_match_nothing_or_are_not_anchors() {
    let test = "dnssec::anchors_that_match_nothing_or_are_not_anchors";
    let Some(zones) = SignedZones::start(test) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let at = format!("@{}", zones.server);
    // A DS of another key: no DNSKEY of the zone matches it.
    let wrong = dir.path().join("wrong");
    std::fs::write(
        &wrong,
        "good.test. IN DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000\n",
    )
    .unwrap();
    let (exit, doc, _) = resolve_json(&[
        &at,
        "--trust-anchor",
        wrong.to_str().unwrap(),
        "-t",
        "A",
        "www.good.test",
    ]);
    assert_eq!(exit, 1);
    assert_eq!(
        doc["queries"][0]["dnssec"]["reason"],
        "no matching DNSKEY: no key of good.test. matches the trust anchor (DS key tag 1)"
    );
    // Not anchors at all: one error line, exit 2, nothing asked.
    let bad = dir.path().join("bad");
    std::fs::write(&bad, "www.good.test. IN A 192.0.2.1\n").unwrap();
    let out = nettool()
        .args([
            "resolve",
            &at,
            "--trust-anchor",
            bad.to_str().unwrap(),
            "www.good.test",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: --trust-anchor {}: www.good.test. A is not a trust anchor (only DS and DNSKEY records are)\n",
            bad.display()
        )
    );
    let out = nettool()
        .args(["resolve", "--validate", "localhost"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Records of dig's answer section as (name, ttl, type, data fields), sorted.
fn dig_records(zones: &SignedZones, name: &str, rtype: &str) -> BTreeSet<Vec<String>> {
    let out = Command::new("dig")
        .arg(format!("@{}", zones.server.ip()))
        .args(["-p", &zones.server.port().to_string()])
        .args(["+dnssec", "+norec", "+noall", "+answer", name, rtype])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let f: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            // name ttl IN type data...: the class is left out, as nettool's JSON leaves it.
            let mut record = vec![f[0].clone(), f[1].clone(), f[3].clone()];
            record.extend(f[4..].iter().cloned());
            record
        })
        .collect()
}

fn nettool_records(zones: &SignedZones, name: &str, rtype: &str) -> BTreeSet<Vec<String>> {
    let at = format!("@{}", zones.server);
    let (_, doc, _) = resolve_json(&[&at, "--dnssec", "--norecurse", "-t", rtype, name]);
    doc["queries"][0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut record = vec![
                r["name"].as_str().unwrap().to_string(),
                r["ttl"].to_string(),
                r["type"].as_str().unwrap().to_string(),
            ];
            record.extend(
                r["data"]
                    .as_str()
                    .unwrap()
                    .split_whitespace()
                    .map(str::to_string),
            );
            record
        })
        .collect()
}

#[test]
fn dnssec_records_read_as_dig_prints_them() {
    let test = "dnssec::dnssec_records_read_as_dig_prints_them";
    let Some(zones) = SignedZones::start(test) else {
        return;
    };
    if !crate::common::tool_or_skip(test, "dig") {
        return;
    }
    let cases = [
        ("good.test", "DNSKEY", ["DNSKEY", "RRSIG"].as_slice()),
        ("www.good.test", "A", &["A", "RRSIG"]),
        ("child.good.test", "DS", &["DS", "RRSIG"]),
        ("good.test", "NSEC", &["NSEC", "RRSIG"]),
        ("nsec3.test", "NSEC3PARAM", &["NSEC3PARAM", "RRSIG"]),
    ];
    for (name, rtype, types) in cases {
        let dig = dig_records(&zones, name, rtype);
        let ours = nettool_records(&zones, name, rtype);
        let seen: BTreeSet<&str> = dig.iter().map(|r| r[2].as_str()).collect();
        assert_eq!(
            seen,
            types.iter().copied().collect(),
            "{name} {rtype}: {dig:?}"
        );
        assert_eq!(ours, dig, "{name} {rtype}");
    }
}
