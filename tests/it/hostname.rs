//! `nettool hostname` agrees with `hostname`, `hostname -f` and `hostname -I`.

use crate::common::{Netns, nettool, veth};

fn stdout(output: std::process::Output) -> String {
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn agrees_with_hostname_and_hostname_f() {
    if !crate::common::tool_or_skip("agrees_with_hostname_and_hostname_f", "hostname") {
        return;
    }
    let name = stdout(crate::common::run("hostname", &[]))
        .trim()
        .to_string();
    let out = nettool().args(["hostname", "--json"]).output().unwrap();
    let v = crate::common::schema::check("hostname", &out.stdout).remove(0);
    assert_eq!(v["hostname"], name);
    let fqdn = std::process::Command::new("hostname")
        .arg("-f")
        .output()
        .unwrap();
    if fqdn.status.success() {
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(v["fqdn"], stdout(fqdn).trim());
        assert_eq!(v["fqdn_method"], "getaddrinfo AI_CANONNAME");
        assert!(!v["addresses"].as_array().unwrap().is_empty());
    } else {
        // hostname -f failed to resolve the name: so must we, with exit 1.
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(v["fqdn"], serde_json::Value::Null);
    }
    let text = stdout(nettool().arg("hostname").output().unwrap());
    assert!(text.starts_with(&format!("Host name:  {name}\n")), "{text}");
}

#[test]
fn all_addresses_agree_with_hostname_i() {
    if !crate::common::root_or_skip("all_addresses_agree_with_hostname_i")
        || !crate::common::tool_or_skip("all_addresses_agree_with_hostname_i", "hostname")
    {
        return;
    }
    let a = Netns::new("hostI-a");
    let b = Netns::new("hostI-b");
    veth(&a, "ha0", &b, "hb0");
    a.exec(&["ip", "addr", "add", "10.77.0.1/24", "dev", "ha0"]);
    a.exec(&["ip", "addr", "add", "10.78.0.1/24", "dev", "ha0"]);
    a.exec(&["ip", "addr", "add", "fd00:77::1/64", "dev", "ha0", "nodad"]);
    // A second pair whose end in `a` stays down: its address must not be listed.
    veth(&a, "ha1", &b, "hb1");
    a.exec(&["ip", "addr", "add", "10.79.0.1/24", "dev", "ha1"]);
    a.exec(&["ip", "link", "set", "ha1", "down"]);

    let peer = stdout(a.exec(&["hostname", "-I"]));
    let ours = a.nettool().args(["hostname", "-I"]).output().unwrap();
    assert_eq!(ours.status.code(), Some(0));
    assert_eq!(stdout(ours).trim(), peer.trim());
    assert_eq!(
        peer.split_whitespace().collect::<Vec<_>>(),
        ["10.77.0.1", "10.78.0.1", "fd00:77::1"]
    );

    let json = a
        .nettool()
        .args(["hostname", "-I", "--json"])
        .output()
        .unwrap();
    let v = crate::common::schema::check("hostname", &json.stdout).remove(0);
    assert_eq!(
        v["all_addresses"],
        serde_json::json!([
            {"interface": "ha0", "address": "10.77.0.1", "version": 4},
            {"interface": "ha0", "address": "10.78.0.1", "version": 4},
            {"interface": "ha0", "address": "fd00:77::1", "version": 6},
        ])
    );
}

/// Runs `hostname FLAG` and `nettool hostname FLAG` for each flag inside a namespace with its own
/// host name (UTS), /etc/hosts and an empty /etc/resolv.conf (mount), so every lookup is answered
/// from the file and no DNS query can leave: returns (flag, peer's output and status, ours).
fn side_by_side(
    ns: &Netns,
    name: &str,
    hosts: &str,
    flags: &[&str],
) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hosts"), hosts).unwrap();
    std::fs::write(dir.path().join("resolv.conf"), "").unwrap();
    let mut script = format!(
        "set -e; mount --bind {d}/hosts /etc/hosts; mount --bind {d}/resolv.conf /etc/resolv.conf; \
         printf '{name}' > /proc/sys/kernel/hostname; set +e\n",
        d = dir.path().display()
    );
    for flag in flags {
        script.push_str(&format!(
            "echo '== {flag}'; hostname {flag}; echo \"rc=$?\"; echo '--'; {bin} hostname {flag}; echo \"rc=$?\"\n",
            bin = crate::common::bin().display()
        ));
    }
    let out = ns
        .command("unshare")
        .args(["--uts", "--mount", "sh", "-c", &script])
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    // hostname(1) prints a host name's bytes as they are; nettool escapes the ones that are not
    // UTF-8 as \xNN: write the peer's the same way to compare.
    let mut text = String::new();
    for chunk in out.stdout.utf8_chunks() {
        text.push_str(chunk.valid());
        for b in chunk.invalid() {
            text.push_str(&format!("\\x{b:02x}"));
        }
    }
    text.split("== ")
        .skip(1)
        .map(|block| {
            let (flag, rest) = block.split_once('\n').unwrap();
            let (peer, ours) = rest.split_once("--\n").unwrap();
            let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            (flag.to_string(), words(peer), words(ours))
        })
        .collect()
}

#[test]
fn flags_agree_with_hostname() {
    if !crate::common::root_or_skip("flags_agree_with_hostname")
        || !crate::common::tool_or_skip("flags_agree_with_hostname", "hostname")
    {
        return;
    }
    let a = Netns::new("hostf-a");
    let b = Netns::new("hostf-b");
    veth(&a, "hf0", &b, "hf1");
    a.exec(&["ip", "addr", "add", "10.77.0.1/24", "dev", "hf0"]);
    a.exec(&["ip", "addr", "add", "10.78.0.1/24", "dev", "hf0"]);
    a.exec(&["ip", "addr", "add", "fd00:77::1/64", "dev", "hf0", "nodad"]);
    let hosts = "127.0.0.1 localhost\n10.77.0.1 box.example.test box\n\
                 fd00:77::1 box.example.test box\n10.78.0.1 other.example.test\n";
    let flags = [
        "", "-f", "-s", "-d", "-i", "-I", "-A", "--fqdn", "--short", "--domain",
    ];
    let rows = side_by_side(&a, "box", hosts, &flags);
    assert_eq!(rows.len(), flags.len());
    for (flag, peer, ours) in &rows {
        if flag.is_empty() {
            // The default report is nettool's own; its first line is the name.
            assert!(
                ours.starts_with("Host name: box FQDN: box.example.test"),
                "{ours}"
            );
            continue;
        }
        assert_eq!(ours, peer, "hostname {flag}");
    }
    let want = |flag: &str| rows.iter().find(|r| r.0 == flag).unwrap().1.clone();
    assert_eq!(want("-f"), "box.example.test rc=0");
    assert_eq!(want("-d"), "example.test rc=0");
    // getaddrinfo orders them (RFC 6724) for both; the set is what /etc/hosts says.
    let mut addrs: Vec<String> = want("-i").split(' ').map(str::to_string).collect();
    addrs.sort();
    assert_eq!(addrs, ["10.77.0.1", "fd00:77::1", "rc=0"]);
    assert_eq!(
        want("-A"),
        "box.example.test other.example.test box.example.test rc=0"
    );

    // A dotted name that /etc/hosts does not know: -s cuts it, -f and -d fail with exit 1.
    let rows = side_by_side(
        &a,
        "lone.host.test",
        "127.0.0.1 localhost\n",
        &["-s", "-f", "-d"],
    );
    for (flag, peer, ours) in &rows {
        let status = |t: &str| t.rsplit(' ').next().unwrap().to_string();
        assert_eq!(
            status(ours),
            status(peer),
            "hostname {flag}: {peer} / {ours}"
        );
    }
    assert_eq!(rows[0].2, "lone rc=0");
    assert_eq!(rows[1].2, "rc=1");
}

#[test]
fn a_host_name_that_is_not_utf8_is_printed_escaped() {
    if !crate::common::root_or_skip("a_host_name_that_is_not_utf8_is_printed_escaped")
        || !crate::common::tool_or_skip(
            "a_host_name_that_is_not_utf8_is_printed_escaped",
            "hostname",
        )
    {
        return;
    }
    let a = Netns::new("hostu");
    let rows = side_by_side(&a, "box\\377.x", "127.0.0.1 localhost\n", &["", "-s"]);
    // The peer prints the raw bytes (escaped here to compare); nettool prints them escaped.
    assert_eq!(rows[0].1, "box\\xff.x rc=0");
    assert_eq!(
        rows[0].2,
        "Host name: box\\xff.x FQDN: unknown (the host name is not UTF-8 text) Addresses: none rc=1"
    );
    assert_eq!(rows[1].2, rows[1].1);
    assert_eq!(rows[1].2, "box\\xff rc=0");
}
