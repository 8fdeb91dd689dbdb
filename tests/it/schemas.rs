//! The committed JSON Schemas (schemas/) against real output, for the outputs no other module
//! checks: `--version --json`, `listen --chat --json`, a many-name `resolve`; and the checker
//! itself, which must refuse a field the schema does not name and a missing `schema_version`.
//! Every other module's JSON helpers go through `common::schema::check` too.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::dns_server::DnsServer;
use crate::common::schema::{check, of_kind};
use crate::common::{ChildGuard, bin, free_tcp_port, nettool};

#[test]
fn version_documents_match_their_schema() {
    for args in [&["--version", "--json"][..], &["--version", "-v", "--json"]] {
        let out = nettool().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let doc = check("version", &out.stdout).remove(0);
        assert_eq!(doc["schema_version"], 1);
        assert_eq!(doc["version"], env!("CARGO_PKG_VERSION"));
    }
}

#[test]
fn listen_chat_records_match_their_schema() {
    let port = free_tcp_port();
    let mut child = ChildGuard(
        Command::new(bin())
            .args(["listen", "127.0.0.1", &port.to_string(), "--chat", "--json"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut stream = None;
    for _ in 0..100 {
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            stream = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stream = stream.expect("listen accepts within 5 s");
    // Its stdin is empty, so listen closes its side first: wait for that end of stream, so that
    // our close is seen after it (otherwise a `peer_closed` record comes between, by timing).
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut from_listen = Vec::new();
    stream.read_to_end(&mut from_listen).unwrap();
    assert!(from_listen.is_empty());
    stream.write_all(b"hi\n").unwrap();
    drop(stream);
    assert!(child.wait_timeout(Duration::from_secs(10)).is_some());
    let mut stdout = Vec::new();
    child
        .0
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    let records = check("listen", &stdout);
    let events: Vec<&str> = records
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["connection", "line", "closed", "summary"]);
    assert_eq!(records[1]["text"], "hi");
    assert_eq!(records[3]["schema_version"], 1);
    assert_eq!(records[3]["connections"], 1);
}

#[test]
fn resolve_many_names_match_their_schema() {
    let server = DnsServer::start();
    let out = nettool()
        .args(["resolve", "--json", &server.at(), "-t", "A"])
        .args(["www.test", "nope.test"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = check("resolve", &out.stdout);
    let names = of_kind(&records, "kind", "name");
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|n| n.get("schema_version").is_none()));
    let summary = of_kind(&records, "kind", "summary");
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["schema_version"], 1);
    assert_eq!(summary[0]["names"], 2);
}

#[test]
fn the_schemas_refuse_unnamed_fields_and_a_missing_version() {
    let out = nettool()
        .args(["subnet", "10.0.0.1/24", "--json"])
        .output()
        .unwrap();
    let good = check("subnet", &out.stdout).remove(0);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/subnet.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&good));
    let mut extra = good.clone();
    extra["unnamed"] = 1.into();
    assert!(!validator.is_valid(&extra));
    let mut nested = good.clone();
    nested["special_use"]["unnamed"] = 1.into();
    assert!(!validator.is_valid(&nested), "{nested}");
    let mut unversioned = good.clone();
    unversioned
        .as_object_mut()
        .unwrap()
        .remove("schema_version");
    assert!(!validator.is_valid(&unversioned));
    let mut wrong_type = good;
    wrong_type["schema_version"] = "1".into();
    assert!(!validator.is_valid(&wrong_type));
}
