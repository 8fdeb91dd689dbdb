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
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        v["all_addresses"],
        serde_json::json!([
            {"interface": "ha0", "address": "10.77.0.1", "version": 4},
            {"interface": "ha0", "address": "10.78.0.1", "version": 4},
            {"interface": "ha0", "address": "fd00:77::1", "version": 6},
        ])
    );
}
