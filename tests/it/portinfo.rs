//! `nettool portinfo`: agreement with `getent services`, the built-in table, exit codes, and
//! `--check` against a real listener.

use crate::common::nettool;
use serde_json::Value;

fn json(args: &[&str]) -> (Option<i32>, Value) {
    let out = nettool()
        .arg("portinfo")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    crate::common::schema::check("portinfo", &out.stdout);
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), value)
}

/// (name, port/proto, aliases) from one line of getent's services output.
fn getent_fields(line: &str) -> (String, String, Vec<String>) {
    let mut words = line.split_whitespace().map(str::to_string);
    let name = words.next().unwrap();
    let port = words.next().unwrap();
    (name, port, words.collect())
}

fn entry_fields(e: &Value) -> (String, String, Vec<String>) {
    (
        e["name"].as_str().unwrap().to_string(),
        format!("{}/{}", e["port"], e["proto"].as_str().unwrap()),
        e["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect(),
    )
}

#[test]
fn agrees_with_getent_for_every_entry() {
    if !crate::common::tool_or_skip("agrees_with_getent_for_every_entry", "getent") {
        return;
    }
    let listing = String::from_utf8(crate::common::run("getent", &["services"]).stdout).unwrap();
    let peer: Vec<_> = listing.lines().map(getent_fields).collect();
    assert!(peer.len() > 100, "getent listed {} services", peer.len());

    // The whole database, in order.
    let (code, all) = json(&["--list"]);
    assert_eq!(code, Some(0));
    let ours: Vec<_> = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"] == "system")
        .map(entry_fields)
        .collect();
    assert_eq!(ours, peer);

    // getservbyname and getservbyport with no protocol return the first entry that matches.
    let mut names: Vec<&str> = peer.iter().map(|(n, _, _)| n.as_str()).collect();
    names.dedup();
    for name in names {
        let want = getent_fields(
            String::from_utf8(crate::common::run("getent", &["services", name]).stdout)
                .unwrap()
                .trim(),
        );
        let (code, got) = json(&[name]);
        assert_eq!(code, Some(0), "{name}");
        assert_eq!(entry_fields(&got["entries"][0]), want, "by name: {name}");
    }
    let mut ports: Vec<String> = peer
        .iter()
        .map(|(_, p, _)| p.split('/').next().unwrap().to_string())
        .collect();
    ports.dedup();
    for port in ports {
        let want = getent_fields(
            String::from_utf8(crate::common::run("getent", &["services", &port]).stdout)
                .unwrap()
                .trim(),
        );
        let (_, got) = json(&[&port]);
        assert_eq!(entry_fields(&got["entries"][0]), want, "by port: {port}");
    }
}

#[test]
fn name_to_port_and_port_to_name() {
    let (code, v) = json(&["mysql", "--tcp"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["entries"].as_array().unwrap().len(), 1);
    assert_eq!(v["entries"][0]["port"], 3306);
    assert_eq!(v["entries"][0]["proto"], "tcp");
    assert_eq!(v["entries"][0]["range"], "registered");
    assert_eq!(v["entries"][0]["source"], "system");
    let (_, v) = json(&["22", "--tcp"]);
    assert_eq!(v["entries"][0]["name"], "ssh");
    assert_eq!(v["entries"][0]["range"], "well_known");
    let (_, v) = json(&["smtp"]);
    assert_eq!(v["entries"][0]["aliases"], serde_json::json!(["mail"]));
}

#[test]
fn builtin_development_ports() {
    for (name, port) in [
        ("mongodb", 27017),
        ("django", 8000),
        ("flask", 5000),
        ("redis", 6379),
    ] {
        let (code, v) = json(&[name, "--tcp"]);
        assert_eq!(code, Some(0), "{name}");
        let first = &v["entries"][0];
        assert_eq!(
            (first["name"].as_str(), first["port"].as_u64()),
            (Some(name), Some(port))
        );
    }
    let (_, v) = json(&["27017"]);
    assert_eq!(v["entries"][0]["source"], "built_in");
    assert_eq!(v["entries"][0]["description"], "MongoDB");
}

/// A services file named on the command line is read or refused with a reason that names it:
/// a missing file or a directory was read as an empty database (`no such service`), and
/// `/dev/zero` was read until memory ran out.
#[test]
fn a_named_services_file_is_read_with_a_bound_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let cases = [
        (missing.display().to_string(), "no such file".to_string()),
        (
            dir.path().display().to_string(),
            "is a directory".to_string(),
        ),
        (
            "/dev/zero".to_string(),
            "is over 4 MiB, larger than any services file".to_string(),
        ),
    ];
    for (file, reason) in cases {
        let out = nettool()
            .args(["portinfo", "ssh", "--services-file", &file])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            format!("error: {file}: {reason}\n")
        );
        assert!(out.stdout.is_empty(), "{file}");
    }
    // A file with one line and nothing else: its entry, then the built-in table.
    let file = dir.path().join("services");
    std::fs::write(&file, "course 4242/udp lab\n").unwrap();
    let file = file.display().to_string();
    let (code, v) = json(&["lab", "--services-file", &file]);
    assert_eq!(code, Some(0));
    assert_eq!(v["system_file"], file.as_str());
    assert_eq!(v["system_file_read"], true);
    assert_eq!(v["entries"][0]["port"], 4242);
    let (code, v) = json(&["mongodb", "--services-file", &file]);
    assert_eq!(
        (code, &v["entries"][0]["port"]),
        (Some(0), &Value::from(27017))
    );
    let (code, _) = json(&["ssh", "--services-file", &file]);
    assert_eq!(code, Some(1), "ssh is in neither");
}

#[test]
fn ranges_lists_and_ephemeral() {
    let (code, v) = json(&["20-25", "--tcp"]);
    assert_eq!(code, Some(0));
    let names: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ftp-data", "ftp", "ssh", "telnet", "smtp"]);
    let (_, v) = json(&["22,80", "--tcp"]);
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap();
    let lo: u64 = range.split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(v["ephemeral_range"][0], lo);
}

#[test]
fn unknown_and_invalid() {
    let out = nettool()
        .args(["portinfo", "nosuchservice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: no such service: nosuchservice\n"
    );
    for (arg, want) in [
        ("70000", "error: 70000: port is out of range 0-65535\n"),
        ("-1", "error: -1: port is out of range 0-65535\n"),
        (
            "12ab",
            "error: 12ab: not a port number, range or service name\n",
        ),
    ] {
        let out = nettool().args(["portinfo", arg]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{arg}");
        assert_eq!(String::from_utf8(out.stderr).unwrap(), want);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn check_sees_a_real_listener_and_its_process() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (code, v) = json(&["--check", &port]);
    assert_eq!(code, Some(0));
    let check = &v["checks"][0];
    assert_eq!(check["port"].as_u64(), Some(port.parse().unwrap()));
    let sockets = check["sockets"].as_array().unwrap();
    assert_eq!(sockets.len(), 1, "{sockets:?}");
    assert_eq!(sockets[0]["proto"], "tcp");
    assert_eq!(sockets[0]["local"], format!("127.0.0.1:{port}"));
    assert_eq!(sockets[0]["state"], "LISTEN");
    assert_eq!(sockets[0]["pid"], std::process::id());
    assert_eq!(check["tcp_free"], false);
    assert_eq!(check["udp_free"], true);

    let out = nettool()
        .args(["portinfo", "--listening", &port])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("tcp    127.0.0.1:{port}  *     LISTEN  ")),
        "{text}"
    );
    assert!(
        text.contains(&format!("(pid {})", std::process::id())),
        "{text}"
    );
    assert!(
        text.ends_with("to bind: tcp not free, udp free\n"),
        "{text}"
    );
    drop(listener);

    let (code, v) = json(&["--check", &port]);
    assert_eq!(code, Some(1), "nothing bound is a negative answer");
    assert_eq!(v["checks"][0]["sockets"], serde_json::json!([]));
    assert_eq!(v["checks"][0]["tcp_free"], true);
}

/// The course's server failed with "Address already in use" after a close while portinfo said
/// the port was free: a TIME_WAIT must now be listed, explained, and the port reported not free
/// for a server without SO_REUSEADDR.
#[test]
fn check_lists_time_wait_and_says_what_it_means() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (server_side, _) = listener.accept().unwrap();
    drop(server_side); // the server closes first: TIME_WAIT is on its side, the listener's port
    let _ = client.read(&mut [0u8; 1]);
    drop(client);
    drop(listener);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let (code, v) = json(&["--check", &port.to_string()]);
    assert_eq!(code, Some(0), "a socket is on the port");
    let check = &v["checks"][0];
    let states: Vec<&str> = check["sockets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["TIME_WAIT"]);
    assert_eq!(check["tcp_free"], false);
    let note = check["notes"][0].as_str().unwrap();
    assert!(
        note.contains("is in TIME_WAIT for ") && note.contains("without SO_REUSEADDR"),
        "{note}"
    );
    // Every port of a range that has nothing on it is left out.
    let lo = port.saturating_sub(3);
    let (code, v) = json(&["--check", &format!("{lo}-{port}")]);
    assert_eq!(code, Some(0));
    // (Other tests' sockets may sit on the ports below it: each port listed has one.)
    let checks = v["checks"].as_array().unwrap();
    assert!(checks.iter().any(|c| c["port"] == u64::from(port)), "{v}");
    for c in checks {
        assert!(
            !c["sockets"].as_array().unwrap().is_empty(),
            "a port with nothing on it is listed: {c}"
        );
    }
}

#[test]
fn a_port_without_a_name_is_explained_not_refused() {
    let out = nettool().args(["portinfo", "9527"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("9527: no service name in /etc/services or the built-in table\n9527 is a registered (1024-49151) port"), "{text}");
    assert!(
        text.contains("in the 1-255 / 256-1023 / 1024-65535 split: 1024-65535"),
        "{text}"
    );
    let (code, v) = json(&["0"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["unnamed"][0], 0);
    assert!(
        v["course_range"]
            .as_str()
            .unwrap()
            .contains("asks the kernel to pick")
    );
    let (_, v) = json(&["200"]);
    assert!(v["course_range"].as_str().unwrap().starts_with("1-255"));
}
