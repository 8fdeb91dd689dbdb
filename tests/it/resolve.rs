//! `nettool resolve` against a real DNS server on a loopback port (hickory-server, in this
//! process), the system resolver with /etc/hosts names and address literals, bulk lookups, and
//! dig for interoperability. Every DNS-mode run names its server; nothing leaves loopback.

use std::collections::BTreeSet;
use std::io::Write;

use crate::common::dns_server::{
    BULK_NAMES, DnsServer, Reply, ScriptedServer, SilentPort, TTL, record, response_to,
};
use crate::common::nettool;
use crate::common::unbound::Unbound;
use hickory_server::proto::op::ResponseCode;
use hickory_server::proto::rr::RData;
use hickory_server::proto::rr::rdata::{A, CNAME, MX, TXT};
use serde_json::{Value, json};

mod doh;
mod opt;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

fn run_with_stdin(args: &[&str], stdin: Option<String>) -> Run {
    let mut cmd = nettool();
    cmd.arg("resolve").args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn json_doc(args: &[&str]) -> (i32, Value) {
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    let r = run(&full);
    let value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}): {}\n{}", r.stdout, r.stderr));
    crate::common::schema::check("resolve", r.stdout.as_bytes());
    (r.code, value)
}

/// `--short` output lines for one query.
fn short(server: &DnsServer, rtype: &str, name: &str) -> Vec<String> {
    let r = run(&[&server.at(), "-t", rtype, "--short", name]);
    assert_eq!(r.code, 0, "{rtype} {name}: {}", r.stderr);
    r.stdout.lines().map(str::to_string).collect()
}

#[test]
fn every_record_type_short() {
    let server = DnsServer::start();
    let big = crate::common::dns_server::big_txt_chunks()
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(" ");
    let table: Vec<(&str, &str, Vec<&str>)> = vec![
        ("A", "www.test", vec!["192.0.2.10", "192.0.2.11"]),
        ("AAAA", "www.test", vec!["2001:db8::10"]),
        ("CNAME", "alias.test", vec!["alias2.test."]),
        ("MX", "mx.test", vec!["10 mail.test.", "20 mail2.test."]),
        ("NS", "test", vec!["ns1.test.", "ns2.test."]),
        ("TXT", "txt.test", vec!["\"hello world\" \"second string\""]),
        ("TXT", "big.test", vec![big.as_str()]),
        (
            "SOA",
            "test",
            vec!["ns1.test. hostmaster.test. 2024010101 3600 600 86400 300"],
        ),
        ("SRV", "_sip._tcp.test", vec!["10 60 5060 sip.test."]),
        ("CAA", "caa.test", vec!["0 issue \"ca.example\""]),
        ("PTR", "10.2.0.192.in-addr.arpa", vec!["www.test."]),
    ];
    for (rtype, name, want) in table {
        let mut got = short(&server, rtype, name);
        got.sort();
        assert_eq!(got, want, "{rtype} {name}");
    }
}

#[test]
fn answers_show_name_type_ttl_data_and_footer() {
    let server = DnsServer::start();
    let r = run(&[&server.at(), "-t", "MX", "mx.test"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    let mut records = lines[..2].to_vec();
    records.sort_unstable();
    assert_eq!(
        records,
        vec![
            "mx.test.\t300\tIN\tMX\t10 mail.test.",
            "mx.test.\t300\tIN\tMX\t20 mail2.test."
        ]
    );
    let footer = format!(
        ";; mx.test. MX: NOERROR, 2 answers, server {} over UDP, ",
        server.addr
    );
    assert!(lines[2].starts_with(&footer), "{}", lines[2]);
    assert!(lines[2].ends_with(" ms, flags qr aa rd"), "{}", lines[2]);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn server_forms_are_equivalent() {
    let server = DnsServer::start();
    let port = server.addr.port().to_string();
    let addr = server.addr.to_string();
    for args in [
        vec![server.at(), "www.test".into()],
        vec!["--server".into(), addr.clone(), "www.test".into()],
        vec!["www.test".into(), "--server".into(), addr],
    ] {
        let mut full: Vec<&str> = args.iter().map(String::as_str).collect();
        full.extend(["-4", "--short"]);
        let r = run(&full);
        assert_eq!(r.code, 0, "{full:?}: {}", r.stderr);
        assert_eq!(r.stdout, "192.0.2.10\n192.0.2.11\n", "{full:?}");
    }
    // A server on ::1 with the bracketed form.
    let v6 = DnsServer::start_on("::1");
    let r = run(&[
        &format!("@[::1]:{}", v6.addr.port()),
        "-t",
        "AAAA",
        "--short",
        "www.test",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "2001:db8::10\n");
    assert!(!port.is_empty());
}

#[test]
fn json_one_document_with_numbers() {
    let server = DnsServer::start();
    let (code, doc) = json_doc(&[&server.at(), "-t", "A,AAAA,MX", "www.test"]);
    assert_eq!(code, 0);
    assert_eq!(doc["kind"], "name");
    assert_eq!(doc["name"], "www.test");
    assert_eq!(doc["query"], "www.test.");
    assert_eq!(doc["mode"], "dns");
    assert_eq!(doc["status"], "resolved");
    assert_eq!(doc["server"], server.addr.to_string());
    assert!(doc["time_ms"].is_number());
    assert_eq!(doc["error"], Value::Null);
    let queries = doc["queries"].as_array().unwrap();
    let types: Vec<&str> = queries
        .iter()
        .map(|q| q["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["A", "AAAA", "MX"]);
    let a = &queries[0];
    assert_eq!(a["status"], "resolved");
    assert_eq!(a["rcode"], "NOERROR");
    assert_eq!(a["transport"], "udp");
    assert!(a["time_ms"].as_f64().unwrap() >= 0.0);
    let mut answers = a["answers"].as_array().unwrap().clone();
    answers.sort_by_key(|v| v["data"].as_str().unwrap().to_string());
    assert_eq!(
        answers,
        vec![
            json!({"name": "www.test.", "type": "A", "ttl": TTL, "data": "192.0.2.10"}),
            json!({"name": "www.test.", "type": "A", "ttl": TTL, "data": "192.0.2.11"}),
        ]
    );
    assert_eq!(
        queries[1]["answers"],
        json!([{"name": "www.test.", "type": "AAAA", "ttl": 300, "data": "2001:db8::10"}])
    );
    // www has no MX: that query is empty, the name still resolved.
    assert_eq!(queries[2]["status"], "not_found");
    assert_eq!(queries[2]["rcode"], "NOERROR");
    assert_eq!(queries[2]["answers"], json!([]));
    assert_eq!(queries[2]["error"], "no MX record");
}

#[test]
fn cname_chain_is_shown() {
    let server = DnsServer::start();
    let (code, doc) = json_doc(&[&server.at(), "-t", "A", "alias.test"]);
    assert_eq!(code, 0);
    let answers: Vec<(String, String)> = doc["queries"][0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                format!(
                    "{} {}",
                    a["name"].as_str().unwrap(),
                    a["type"].as_str().unwrap()
                ),
                a["data"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        answers[..2],
        [
            ("alias.test. CNAME".into(), "alias2.test.".into()),
            ("alias2.test. CNAME".into(), "www.test.".into()),
        ]
    );
    let mut rest: Vec<_> = answers[2..].to_vec();
    rest.sort();
    assert_eq!(
        rest,
        vec![
            ("www.test. A".to_string(), "192.0.2.10".to_string()),
            ("www.test. A".to_string(), "192.0.2.11".to_string()),
        ]
    );
}

#[test]
fn truncated_udp_answer_is_retried_over_tcp() {
    let server = DnsServer::start();
    let (code, doc) = json_doc(&[&server.at(), "-t", "TXT", "big.test"]);
    assert_eq!(code, 0);
    let query = &doc["queries"][0];
    assert_eq!(query["transport"], "tcp_after_truncation");
    let data = query["answers"][0]["data"].as_str().unwrap();
    assert!(data.len() > 1232, "{}", data.len());
    let want: Vec<String> = crate::common::dns_server::big_txt_chunks()
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    assert_eq!(data, want.join(" "));
    let r = run(&[&server.at(), "-t", "TXT", "big.test"]);
    assert!(
        r.stdout.contains("over TCP (UDP answer truncated)"),
        "{}",
        r.stdout
    );

    // --tcp asks over TCP from the start; a small answer comes back the same.
    let (code, doc) = json_doc(&[&server.at(), "--tcp", "-t", "TXT", "txt.test"]);
    assert_eq!(code, 0);
    assert_eq!(doc["queries"][0]["transport"], "tcp");
    assert_eq!(
        doc["queries"][0]["answers"][0]["data"],
        "\"hello world\" \"second string\""
    );
}

#[test]
fn txt_control_characters_are_escaped() {
    let server = DnsServer::start();
    let r = run(&[&server.at(), "-t", "TXT", "ctrl.test", "--short"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "\"bell\\007esc\\027[2J\"\n");
    assert!(!r.stdout.contains('\x1b'));
}

#[test]
fn nxdomain_exits_1_naming_the_name() {
    let server = DnsServer::start();
    let r = run(&[&server.at(), "nope.test"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "error: nope.test: no such name nope.test. (NXDOMAIN from {})\n",
            server.addr
        )
    );
    assert!(
        r.stdout.contains(";; nope.test. A: NXDOMAIN, 0 answers"),
        "{}",
        r.stdout
    );
    // No record of the type: also a negative answer.
    let r = run(&[&server.at(), "-t", "MX", "v4only.test"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "error: v4only.test: v4only.test. has no MX record (server {})\n",
            server.addr
        )
    );
    let (code, doc) = json_doc(&[&server.at(), "nope.test"]);
    assert_eq!(code, 1);
    assert_eq!(doc["status"], "not_found");
    assert_eq!(doc["queries"][0]["rcode"], "NXDOMAIN");
}

#[test]
fn silent_server_times_out_exit_2() {
    let silent = SilentPort::new();
    let at = format!("@{}", silent.addr);
    let r = run(&[
        &at,
        "--timeout",
        "200ms",
        "--tries",
        "2",
        "-t",
        "A",
        "www.test",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "error: www.test: no answer from {} (timed out)\n",
            silent.addr
        )
    );
    let (code, doc) = json_doc(&[&at, "--timeout", "200ms", "-t", "A", "www.test"]);
    assert_eq!(code, 2);
    assert_eq!(doc["status"], "failed");
    assert_eq!(doc["queries"][0]["rcode"], Value::Null);
    // The defaults (1 s, 2 tries) give up on their own too.
    let r = run(&[&at, "-t", "A", "www.test"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn refused_query_exits_2() {
    // The test server is authoritative for test. only: a name elsewhere is refused.
    let server = DnsServer::start();
    let r = run(&[&server.at(), "-t", "A", "example.org"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!("error: example.org: {} answered REFUSED\n", server.addr)
    );
}

#[test]
fn special_use_names_are_asked_of_the_server() {
    // localhost. and 127.in-addr.arpa. are answered by the server like any name (here: refused,
    // as the test server serves test. only), never made up without asking.
    let server = DnsServer::start();
    for (args, shown) in [
        (vec!["-t", "A", "localhost."], "localhost."),
        (vec!["-t", "AAAA", "localhost"], "localhost"),
        (vec!["-x", "127.0.0.1"], "127.0.0.1"),
        (vec!["-t", "A", "name.invalid"], "name.invalid"),
    ] {
        let mut argv = vec![server.at()];
        argv.extend(args.iter().map(ToString::to_string));
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let r = run(&argv);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            format!("error: {shown}: {} answered REFUSED\n", server.addr),
            "{args:?}"
        );
    }
}

#[test]
fn invalid_names_exit_2_naming_name_and_server() {
    let server = DnsServer::start();
    let long_label = format!("{}.test", "a".repeat(64));
    let long_name = format!("{0}.{0}.{0}.{0}", "a".repeat(63));
    let table = [
        (
            long_label.as_str(),
            "label 'aaaaaaaaaaaaaaaa...' is 64 bytes long, over the limit of 63",
        ),
        (
            long_name.as_str(),
            "name is 255 bytes long, over the limit of 253",
        ),
        ("a..test", "empty label (label 2)"),
        ("bad_ch@r.test", "bad character '@' in label 'bad_ch@r'"),
    ];
    for (name, reason) in table {
        let r = run(&[&server.at(), name]);
        assert_eq!(r.code, 2, "{name}");
        assert_eq!(
            r.stderr,
            format!("error: {name}: {reason}; not sent to {}\n", server.addr),
            "{name}"
        );
    }
}

#[test]
fn reverse_lookups_in_dns_mode() {
    let server = DnsServer::start();
    for args in [
        vec!["-x", "192.0.2.10"],
        vec!["192.0.2.10"],
        vec!["2001:db8::10"],
    ] {
        let mut full = vec![server.at()];
        full.extend(args.iter().map(|s| s.to_string()));
        full.push("--short".into());
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let r = run(&full);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "www.test.\n", "{args:?}");
    }
    let (code, doc) = json_doc(&[&server.at(), "-x", "192.0.2.10"]);
    assert_eq!(code, 0);
    assert_eq!(doc["query"], "10.2.0.192.in-addr.arpa.");
    assert_eq!(doc["queries"][0]["type"], "PTR");
}

#[test]
fn system_mode_hosts_file_and_literal() {
    // /etc/hosts: 127.0.0.1 localhost (and no ::1 line, hence -4).
    let r = run(&["-4", "localhost"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "localhost\t127.0.0.1");
    assert!(
        lines[1].starts_with(
            ";; localhost: resolved, system resolver (getaddrinfo, canonical name localhost), "
        ),
        "{}",
        lines[1]
    );
    let (code, doc) = json_doc(&["-4", "localhost"]);
    assert_eq!(code, 0);
    assert_eq!(doc["mode"], "system");
    assert_eq!(doc["status"], "resolved");
    assert_eq!(doc["canonical_name"], "localhost");
    assert_eq!(doc["addresses"], json!(["127.0.0.1"]));
    assert!(doc["time_ms"].is_number());
    assert!(doc.get("queries").is_none());

    // An address literal: getnameinfo, which reads /etc/hosts too.
    let r = run(&["--short", "127.0.0.1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "localhost\n");
    let (code, doc) = json_doc(&["-x", "127.0.0.1"]);
    assert_eq!(code, 0);
    assert_eq!(doc["hostname"], "localhost");

    // -6 has no address for localhost here, and a v4 literal does not fit -6.
    let r = run(&["-6", "127.0.0.1"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: 127.0.0.1: is an IPv4 address, but -6 asks for the other family\n"
    );
}

#[test]
fn several_names_stream_then_summary() {
    let server = DnsServer::start();
    let r = run(&[
        &server.at(),
        "-4",
        "--short",
        "www.test",
        "mail.test",
        "nope.test",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut lines: Vec<&str> = r.stdout.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, ["192.0.2.10", "192.0.2.11", "192.0.2.25"]);
    // The not-found name is named on stderr, then the summary (--short sends it there).
    let mut err = r.stderr.lines();
    assert_eq!(
        err.next(),
        Some(
            format!(
                "error: nope.test: no such name nope.test. (NXDOMAIN from {})",
                server.addr
            )
            .as_str()
        )
    );
    let summary = err.next().unwrap();
    assert!(
        summary.starts_with(";; 3 names: 2 resolved, 1 not found, 0 failed; 3 queries in "),
        "{summary}"
    );
}

#[test]
fn bulk_from_file_every_answer_checked() {
    let server = DnsServer::start();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "# bulk names").unwrap();
    for i in 0..BULK_NAMES {
        writeln!(file, "h{i}.bulk.test").unwrap();
    }
    writeln!(file).unwrap();
    writeln!(file, "missing1.bulk.test").unwrap();
    writeln!(file, "missing2.bulk.test").unwrap();
    let path = file.path().to_str().unwrap().to_string();
    let r = run(&[
        "--json",
        &server.at(),
        "-4",
        "--concurrency",
        "64",
        "-f",
        &path,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u32, BULK_NAMES + 3);
    let mut seen = BTreeSet::new();
    for line in &lines[..lines.len() - 1] {
        let name = line["name"].as_str().unwrap();
        if let Some(index) = name
            .strip_prefix('h')
            .and_then(|n| n.strip_suffix(".bulk.test"))
        {
            let index: u32 = index.parse().unwrap();
            assert_eq!(line["status"], "resolved", "{line}");
            assert_eq!(
                line["queries"][0]["answers"],
                json!([{"name": format!("{name}."), "type": "A", "ttl": 300,
                        "data": crate::common::dns_server::bulk_addr(index).to_string()}]),
                "{name}"
            );
            assert!(seen.insert(index), "{name} twice");
        } else {
            assert!(name.starts_with("missing"), "{name}");
            assert_eq!(line["status"], "not_found");
        }
    }
    assert_eq!(seen.len() as u32, BULK_NAMES);
    let summary = lines.last().unwrap();
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["names"], BULK_NAMES + 2);
    assert_eq!(summary["resolved"], BULK_NAMES);
    assert_eq!(summary["not_found"], 2);
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["queries"], BULK_NAMES + 2);
    assert!(summary["elapsed_ms"].as_f64().unwrap() > 0.0);
    assert!(summary["queries_per_second"].as_f64().unwrap() > 0.0);
    let stderr_lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(stderr_lines.len(), 2, "{}", r.stderr);
}

#[test]
fn names_from_stdin() {
    let server = DnsServer::start();
    let input = "www.test\nmx.test\n\n".to_string();
    let r = run_with_stdin(&[&server.at(), "-t", "A", "-f", "-"], Some(input));
    assert_eq!(r.code, 1, "mx.test has no A record: {}", r.stderr);
    assert!(
        r.stdout.contains("www.test.\t300\tIN\tA\t192.0.2.10"),
        "{}",
        r.stdout
    );
    let summary = r.stdout.lines().last().unwrap();
    assert!(
        summary.starts_with(";; 2 names: 1 resolved, 1 not found, 0 failed; 2 queries in "),
        "{summary}"
    );
}

/// SIGINT and SIGTERM on `resolve -f -` fed by a pipe that stays open: the answers so far get
/// the summary of a normal end (Ctrl-C exited 130 without it), and the exit status of one.
#[test]
fn signals_on_names_from_stdin_print_the_summary() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let server = DnsServer::start();
    for signal in ["INT", "TERM"] {
        for json in [false, true] {
            let mut cmd = Command::new(crate::common::bin());
            cmd.arg("resolve");
            if json {
                cmd.arg("--json");
            }
            cmd.args([&server.at(), "-t", "A", "-f", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            let mut child = crate::common::ChildGuard(cmd.spawn().unwrap());
            let mut stdin = child.0.stdin.take().unwrap();
            // Lines as they come, read on a thread so that a wait for them is bounded.
            let out = BufReader::new(child.0.stdout.take().unwrap());
            let (tx, lines) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                for line in out.lines() {
                    let _ = tx.send(line.unwrap());
                }
            });
            let next = || lines.recv_timeout(std::time::Duration::from_secs(10));
            writeln!(stdin, "www.test\nmx.test").unwrap();
            // Both answered, while stdin stays open, before the signal: two records, or two
            // answer headers.
            let mut answered = 0;
            while answered < 2 {
                let line = next().expect("an answer while stdin is open");
                let answer = if json {
                    line.starts_with('{')
                } else {
                    line.starts_with(";; ") && line.contains(" A: ")
                };
                answered += usize::from(answer);
            }
            let status = Command::new("kill")
                .args(["-s", signal, &child.pid().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
            let code = child
                .wait_timeout(std::time::Duration::from_secs(10))
                .and_then(|s| s.code());
            assert_eq!(
                code,
                Some(1),
                "{signal} json={json}: mx.test has no A record"
            );
            let rest: Vec<String> = std::iter::from_fn(|| next().ok()).collect();
            let summary = rest.last().map_or("", String::as_str);
            if json {
                let v: Value = serde_json::from_str(summary).unwrap();
                assert_eq!(v["kind"], "summary", "{signal}");
                assert_eq!(
                    (&v["names"], &v["resolved"], &v["not_found"], &v["failed"]),
                    (&json!(2), &json!(1), &json!(1), &json!(0)),
                    "{signal}"
                );
            } else {
                assert!(
                    summary.starts_with(
                        ";; 2 names: 1 resolved, 1 not found, 0 failed; 2 queries in "
                    ),
                    "{signal}: {rest:?}"
                );
            }
            drop(stdin);
        }
    }
}

#[test]
fn bad_arguments_exit_2() {
    for (args, want) in [
        (
            vec!["-t", "BOGUS", "@127.0.0.1", "a.test"],
            "error: BOGUS: unknown record type",
        ),
        (
            vec!["@nowhere", "a.test"],
            "error: @nowhere: not an address",
        ),
        (
            vec!["--tcp", "a.test"],
            "error: --tcp: applies to DNS mode only",
        ),
    ] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.starts_with(want), "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1);
    }
}

/// dig's answer section as a set of normalised lines.
fn dig_answers(server: &DnsServer, rtype: &str, name: &str) -> BTreeSet<String> {
    normalise(&dig(server.addr, &["+noall", "+answer", name, rtype]))
}

/// What dig prints when it asks `addr` (one try, 2 s).
fn dig(addr: std::net::SocketAddr, args: &[&str]) -> String {
    let out = std::process::Command::new("dig")
        .args([
            &format!("@{}", addr.ip()),
            "-p",
            &addr.port().to_string(),
            "+tries=1",
            "+time=2",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "dig {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn normalise(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with(";;") && !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn interop_answers_equal_digs() {
    if !crate::common::tool_or_skip("interop_answers_equal_digs", "dig") {
        return;
    }
    let server = DnsServer::start();
    let cases = [
        ("A", "www.test"),
        ("AAAA", "www.test"),
        ("A", "alias.test"),
        ("CNAME", "alias.test"),
        ("MX", "mx.test"),
        ("NS", "test"),
        ("TXT", "txt.test"),
        ("TXT", "big.test"),
        ("SOA", "test"),
        ("SRV", "_sip._tcp.test"),
        ("CAA", "caa.test"),
        ("PTR", "10.2.0.192.in-addr.arpa"),
        ("A", "h42.bulk.test"),
    ];
    for (rtype, name) in cases {
        let ours = run(&[&server.at(), "-t", rtype, name]);
        assert_eq!(ours.code, 0, "{rtype} {name}: {}", ours.stderr);
        let theirs = dig_answers(&server, rtype, name);
        assert!(!theirs.is_empty(), "dig found nothing for {rtype} {name}");
        assert_eq!(normalise(&ours.stdout), theirs, "{rtype} {name}");
    }
}

/// A server on a loopback port that ignores the first datagram of every query ID and answers
/// the second with one A record (192.0.2.7), built by hand from the query's bytes. It records
/// the ID of every datagram it received.
fn forgetful_server() -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<u16>>>,
) {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_millis(100)))
        .unwrap();
    let addr = socket.local_addr().unwrap();
    let seen: std::sync::Arc<std::sync::Mutex<Vec<u16>>> = std::sync::Arc::default();
    let log = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let mut buf = [0u8; 1500];
        while started.elapsed() < std::time::Duration::from_secs(20) {
            let Ok((len, from)) = socket.recv_from(&mut buf) else {
                continue;
            };
            let query = &buf[..len];
            let id = u16::from_be_bytes([query[0], query[1]]);
            let repeat = {
                let mut seen = log.lock().unwrap();
                seen.push(id);
                seen.iter().filter(|&&s| s == id).count() > 1
            };
            if !repeat {
                continue;
            }
            // The question: the name's labels up to the root, then type and class.
            let mut end = 12;
            while query[end] != 0 {
                end += usize::from(query[end]) + 1;
            }
            end += 5;
            let mut reply = query[..end].to_vec();
            reply[2] |= 0x80; // a response
            reply[3] = 0x80; // recursion available, NOERROR
            reply[6..12].copy_from_slice(&[0, 1, 0, 0, 0, 0]); // one answer, nothing else
            reply.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]);
            socket.send_to(&reply, from).unwrap();
        }
    });
    (addr, seen)
}

#[test]
fn a_lost_query_is_sent_again_within_the_try() {
    let (addr, seen) = forgetful_server();
    let at = format!("@{addr}");
    // One try of 3 s: the answer comes from the second datagram of the same query.
    let r = run(&[
        &at,
        "--tries",
        "1",
        "--timeout",
        "3s",
        "-t",
        "A",
        "lost.test",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "lost.test.\t60\tIN\tA\t192.0.2.7\n;; lost.test. A: NOERROR, 1 answer, server "
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(" over UDP, "), "{}", r.stdout);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0], seen[1], "the same query twice: {seen:?}");
}

/// The server's reply, built by `edit` from the response to the query.
fn answering(
    edit: impl Fn(&mut hickory_server::proto::op::Message) + Send + 'static,
) -> ScriptedServer {
    ScriptedServer::start(move |query, _| {
        let mut m = response_to(query);
        edit(&mut m);
        vec![Reply::Bytes(m.to_vec().unwrap())]
    })
}

#[test]
fn rcode_is_read_even_with_answers() {
    let server = answering(|m| {
        m.metadata.response_code = ResponseCode::NXDomain;
        m.add_answer(record(&[b"www", b"test"], RData::A(A::new(192, 0, 2, 1))));
    });
    let (code, doc) = json_doc(&[&server.at(), "-t", "A", "www.test"]);
    assert_eq!(code, 1);
    assert_eq!(doc["status"], "not_found");
    assert_eq!(doc["queries"][0]["rcode"], "NXDOMAIN");
    assert_eq!(doc["queries"][0]["answers"][0]["data"], "192.0.2.1");
    let r = run(&[&server.at(), "-t", "A", "www.test"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains(": NXDOMAIN, 1 answer, "), "{}", r.stdout);

    // Code 15 is no NOERROR: named as dig names it, and a failure.
    let server = answering(|m| {
        m.metadata.response_code = ResponseCode::from(0, 15);
        m.add_answer(record(&[b"www", b"test"], RData::A(A::new(192, 0, 2, 1))));
    });
    let (code, doc) = json_doc(&[&server.at(), "-t", "A", "www.test"]);
    assert_eq!(code, 2);
    assert_eq!(doc["status"], "failed");
    assert_eq!(doc["queries"][0]["rcode"], "RESERVED15");
    assert_eq!(doc["error"], format!("{} answered RESERVED15", server.addr));
    if crate::common::tool_or_skip("rcode_is_read_even_with_answers", "dig") {
        let theirs = dig(server.addr, &["+noall", "+comments", "www.test", "A"]);
        assert!(theirs.contains("status: RESERVED15,"), "{theirs}");
    }
}

#[test]
fn records_of_another_type_are_shown_not_counted() {
    let server = answering(|m| {
        m.add_answer(record(
            &[b"www", b"test"],
            RData::MX(MX::new(10, "mail.test.".parse().unwrap())),
        ));
    });
    let r = run(&[&server.at(), "-t", "A", "www.test"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("www.test.\t60\tIN\tMX\t10 mail.test.\n;; www.test. A: NOERROR, 0 answers, 1 other record, "),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stderr,
        format!(
            "error: www.test: www.test. has no A record (server {})\n",
            server.addr
        )
    );
    let r = run(&[&server.at(), "-t", "A", "--short", "www.test"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    let (_, doc) = json_doc(&[&server.at(), "-t", "A", "www.test"]);
    assert_eq!(doc["queries"][0]["answer_count"], 0);
    assert_eq!(doc["queries"][0]["answers"][0]["type"], "MX");
    assert_eq!(doc["queries"][0]["flags"], json!(["qr", "rd", "ra"]));
}

#[test]
fn soa_of_a_missing_name_and_of_an_alias() {
    let server = DnsServer::start();
    let (code, doc) = json_doc(&[&server.at(), "-t", "SOA", "nope.test"]);
    assert_eq!(code, 1);
    assert_eq!(doc["queries"][0]["rcode"], "NXDOMAIN");
    let r = run(&[&server.at(), "-t", "SOA", "alias.test"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0], "alias.test.\t300\tIN\tCNAME\talias2.test.",
        "{}",
        r.stdout
    );
    if crate::common::tool_or_skip("soa_of_a_missing_name_and_of_an_alias", "dig") {
        let theirs = dig_answers(&server, "SOA", "alias.test");
        let ours = normalise(&r.stdout);
        assert_eq!(ours, theirs);
        let theirs = dig(server.addr, &["+noall", "+comments", "nope.test", "SOA"]);
        assert!(theirs.contains("status: NXDOMAIN,"), "{theirs}");
    }
}

#[test]
fn names_keep_their_case_and_dig_escapes() {
    let server = answering(|m| {
        let rtype = m.queries[0].query_type();
        if rtype == hickory_server::proto::rr::RecordType::TXT {
            m.add_answer(record(
                &[b"TXT", b"Test"],
                RData::TXT(TXT::from_bytes(vec![
                    b"tab\there del\x7f ff\xff \"q\" \\".as_slice(),
                ])),
            ));
        } else {
            m.add_answer(record(
                &[b"WWW", b"Test"],
                RData::CNAME(CNAME(
                    hickory_server::proto::rr::Name::from_labels([&b"a b"[..], b"T.x", b"Test"])
                        .unwrap(),
                )),
            ));
            m.add_answer(record(
                &[b"a b", b"T.x", b"Test"],
                RData::A(A::new(192, 0, 2, 1)),
            ));
        }
    });
    let r = run(&[&server.at(), "-t", "A", "www.test"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "WWW.Test.\t60\tIN\tCNAME\ta\\032b.T\\.x.Test.",
            "a\\032b.T\\.x.Test.\t60\tIN\tA\t192.0.2.1"
        ]
    );
    let r = run(&[&server.at(), "-t", "TXT", "--short", "txt.test"]);
    assert_eq!(
        r.stdout,
        "\"tab\\009here del\\127 ff\\255 \\\"q\\\" \\\\\"\n"
    );
    if crate::common::tool_or_skip("names_keep_their_case_and_dig_escapes", "dig") {
        for (rtype, name) in [("A", "www.test"), ("TXT", "txt.test")] {
            let ours = run(&[&server.at(), "-t", rtype, name]);
            let theirs = normalise(&dig(server.addr, &["+noall", "+answer", name, rtype]));
            assert_eq!(normalise(&ours.stdout), theirs);
        }
    }
}

#[test]
fn underscore_names_are_asked() {
    let server = DnsServer::start();
    assert_eq!(short(&server, "A", "a_b.test"), vec!["192.0.2.30"]);
}

#[test]
fn a_port_where_nothing_listens_is_refused_at_once() {
    let port = {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap().port()
    };
    let at = format!("@127.0.0.1:{port}");
    for extra in [&[][..], &["--tcp"]] {
        let mut args = vec![at.as_str(), "-t", "A", "--timeout", "5s", "www.test"];
        args.extend_from_slice(extra);
        let started = std::time::Instant::now();
        let r = run(&args);
        assert_eq!(r.code, 2, "{extra:?}");
        assert_eq!(
            r.stderr,
            format!("error: www.test: cannot reach 127.0.0.1:{port}: connection refused\n"),
            "{extra:?}"
        );
        // Well before the 5 s timeout.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(4),
            "{extra:?}"
        );
    }
}

/// A server that first sends `bad` and then, when `then_answer`, the right answer.
fn hostile(
    bad: impl Fn(&hickory_server::proto::op::Message, &[u8]) -> Reply + Send + 'static,
    then_answer: bool,
) -> ScriptedServer {
    ScriptedServer::start(move |query, bytes| {
        let mut replies = vec![bad(query, bytes)];
        if then_answer {
            let mut m = response_to(query);
            m.add_answer(record(&[b"www", b"test"], RData::A(A::new(192, 0, 2, 9))));
            replies.push(Reply::Bytes(m.to_vec().unwrap()));
        }
        replies
    })
}

#[test]
fn hostile_answers_are_named_and_a_good_one_still_taken() {
    fn good(query: &hickory_server::proto::op::Message) -> Vec<u8> {
        let mut m = response_to(query);
        m.add_answer(record(&[b"www", b"test"], RData::A(A::new(192, 0, 2, 9))));
        m.to_vec().unwrap()
    }
    type Bad = fn(&hickory_server::proto::op::Message, &[u8]) -> Reply;
    let cases: Vec<(&str, Bad, String)> = vec![
        (
            "garbage",
            |_, _| Reply::Bytes(b"garbage".to_vec()),
            "7 bytes from {server}, too short for a DNS message".into(),
        ),
        (
            "wrong id",
            |q, _| {
                let mut bytes = good(q);
                bytes[0] ^= 0xff;
                Reply::Bytes(bytes)
            },
            "an answer from {server} with ID ".into(),
        ),
        (
            "wrong question",
            |q, _| {
                let mut m = response_to(q);
                m.queries[0].set_name("other.test.".parse().unwrap());
                Reply::Bytes(m.to_vec().unwrap())
            },
            "an answer from {server} to another question (other.test. A)".into(),
        ),
        (
            "pointer loop",
            |q, bytes| {
                // The header of a response with one answer whose owner name points at itself.
                let mut m = bytes[..12].to_vec();
                m[2] |= 0x80;
                m[6..12].copy_from_slice(&[0, 1, 0, 0, 0, 0]);
                let _ = q;
                m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
                Reply::Bytes(m)
            },
            "a malformed answer from {server}: ".into(),
        ),
        (
            "other port",
            |q, _| Reply::FromOtherPort(good(q)),
            "an answer from 127.0.0.1:".into(),
        ),
    ];
    for (what, bad, want) in cases {
        // Only the bad datagram: named in the timeout's error, and no wait beyond 2 x 300 ms.
        let server = hostile(bad, false);
        let want = want.replace("{server}", &server.addr.to_string());
        let started = std::time::Instant::now();
        let r = run(&[
            &server.at(),
            "-t",
            "A",
            "--timeout",
            "300ms",
            "--tries",
            "2",
            "www.test",
        ]);
        assert_eq!(r.code, 2, "{what}: {}", r.stderr);
        let prefix = format!(
            "error: www.test: no answer from {} (timed out; ignored ",
            server.addr
        );
        assert!(r.stderr.starts_with(&prefix), "{what}: {}", r.stderr);
        assert!(
            r.stderr[prefix.len()..].starts_with(&want),
            "{what}: {}",
            r.stderr
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{what}"
        );
        // The bad datagram first, then the answer: the answer is taken.
        let server = hostile(bad, true);
        let r = run(&[
            &server.at(),
            "-t",
            "A",
            "--short",
            "--timeout",
            "2s",
            "www.test",
        ]);
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (0, "192.0.2.9\n"),
            "{what}: {}",
            r.stderr
        );
    }
}

#[test]
fn file_lines_are_bounded_and_a_bad_line_does_not_stop_the_batch() {
    let server = DnsServer::start();
    let file = tempfile::NamedTempFile::new().unwrap();
    let long = "a".repeat(300);
    let mut bytes = b"www.test\n\xff\xfe.test\n".to_vec();
    bytes.extend_from_slice(format!("{long}\nv4only.test\n").as_bytes());
    std::fs::write(file.path(), &bytes).unwrap();
    let path = file.path().to_str().unwrap();
    let r = run(&[&server.at(), "-t", "A", "--short", "-f", path]);
    assert_eq!(r.code, 2);
    let mut got: Vec<&str> = r.stdout.lines().collect();
    got.sort_unstable();
    assert_eq!(
        got,
        ["192.0.2.10", "192.0.2.11", "192.0.2.20"],
        "{}",
        r.stderr
    );
    let errors: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        errors[..2],
        [
            format!(
                "error: {path} line 2: line is not UTF-8 text; not sent to {}",
                server.addr
            ),
            format!(
                "error: {path} line 3: line is over 255 bytes long; not sent to {}",
                server.addr
            ),
        ]
    );
    // A file that never ends is an error, not a memory exhaustion; so is stdin that never ends.
    let r = run(&[&server.at(), "-t", "A", "-f", "/dev/zero"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "error: /dev/zero line 1: line is over 255 bytes long and does not end within 64 KiB; \
             the rest of /dev/zero is not read"
        ),
        "{}",
        r.stderr
    );
    let out = std::process::Command::new(crate::common::bin())
        .args(["resolve", &server.at(), "-t", "A", "-f", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(
            "error: stdin line 1: line is over 255 bytes long and does not end within 64 KiB; \
             the rest of stdin is not read"
        ),
        "{err}"
    );
}

#[test]
fn international_names_are_asked_as_a_labels() {
    let server = DnsServer::start();
    assert_eq!(short(&server, "A", "bücher.test"), vec!["192.0.2.40"]);
    let r = run(&[&server.at(), "-t", "A", "bücher.test"]);
    assert!(
        r.stdout
            .contains("\n;; xn--bcher-kva.test. (bücher.test.) A: NOERROR, 1 answer, "),
        "{}",
        r.stdout
    );
    let (_, doc) = json_doc(&[&server.at(), "-t", "A", "bücher.test"]);
    assert_eq!(doc["name"], "bücher.test");
    assert_eq!(doc["query"], "xn--bcher-kva.test.");
    assert_eq!(doc["query_unicode"], "bücher.test.");
}

#[test]
fn header_bits_and_edns_options_reach_the_server_and_come_back() {
    use hickory_server::proto::rr::rdata::opt::{EdnsCode, EdnsOption, NSIDPayload};
    let seen: std::sync::Arc<std::sync::Mutex<Vec<String>>> = std::sync::Arc::default();
    let log = std::sync::Arc::clone(&seen);
    let server = ScriptedServer::start(move |query, _| {
        let edns = query.edns.clone().unwrap_or_default();
        let mut line = format!(
            "rd={} cd={} do={} udp={}",
            query.metadata.recursion_desired,
            query.metadata.checking_disabled,
            edns.flags().dnssec_ok,
            edns.max_payload()
        );
        let mut m = response_to(query);
        let mut back = hickory_server::proto::op::Edns::new();
        back.set_max_payload(1232);
        if edns.option(EdnsCode::NSID).is_some() {
            line.push_str(" nsid");
            back.options_mut().insert(EdnsOption::NSID(
                NSIDPayload::new(b"ns-test".to_vec()).unwrap(),
            ));
        }
        if let Some(EdnsOption::Subnet(subnet)) = edns.option(EdnsCode::Subnet) {
            line.push_str(&format!(
                " subnet={}/{}",
                subnet.addr(),
                subnet.source_prefix()
            ));
            let mut echo = *subnet;
            echo.set_scope_prefix(16);
            back.options_mut().insert(EdnsOption::Subnet(echo));
        }
        if let Some(EdnsOption::Unknown(10, client)) = edns.option(EdnsCode::Cookie) {
            line.push_str(&format!(" cookie={}", client.len()));
            let mut both = client.clone();
            both.extend_from_slice(&[0xaa; 8]);
            back.options_mut().insert(EdnsOption::Unknown(10, both));
        }
        log.lock().unwrap().push(line);
        m.set_edns(back);
        m.add_answer(record(&[b"www", b"test"], RData::A(A::new(192, 0, 2, 1))));
        vec![Reply::Bytes(m.to_vec().unwrap())]
    });
    let r = run(&[
        &server.at(),
        "-t",
        "A",
        "www.test",
        "--norecurse",
        "--bufsize",
        "4096",
        "--nsid",
        "--subnet",
        "192.0.2.0/24",
        "--cookie",
        "--dnssec",
        "--cd",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        seen.lock().unwrap().clone(),
        ["rd=false cd=true do=true udp=4096 nsid subnet=192.0.2.0/24 cookie=8"]
    );
    let footer = r.stdout.lines().nth(1).unwrap();
    assert!(
        footer.contains(
            " ms, flags qr ra; EDNS udp 1232, nsid 6e 73 2d 74 65 73 74 (\"ns-test\"), cookie "
        ),
        "{footer}"
    );
    assert!(
        footer.ends_with("aaaaaaaaaaaaaaaa, subnet 192.0.2.0/24/16"),
        "{footer}"
    );
    let (_, doc) = json_doc(&[&server.at(), "-t", "A", "www.test", "--nsid"]);
    assert_eq!(
        doc["queries"][0]["edns"],
        json!({"udp": 1232, "nsid": "6e 73 2d 74 65 73 74 (\"ns-test\")"})
    );
    assert_eq!(doc["queries"][0]["flags"], json!(["qr", "rd", "ra"]));
    if crate::common::tool_or_skip("header_bits_and_edns_options", "dig") {
        let theirs = dig(server.addr, &["+nsid", "www.test", "A"]);
        assert!(
            theirs.contains("; NSID: 6e 73 2d 74 65 73 74 (\"ns-test\")"),
            "{theirs}"
        );
    }
}

/// Records of many types, each answered by a scripted server from zone-file text and compared
/// with what dig prints for the same answer.
#[test]
fn every_type_is_shown_as_dig_shows_it() {
    if !crate::common::tool_or_skip("every_type_is_shown_as_dig_shows_it", "dig") {
        return;
    }
    let zone = "$ORIGIN test.\n$TTL 60\n\
        @ IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 300\n\
        t IN HINFO \"PDP-11\" \"UNIX\"\n\
        t IN SSHFP 4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789\n\
        t IN TLSA 3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6\n\
        t IN NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.test!\" .\n\
        t IN CAA 128 tbs \"Unknown\"\n\
        t IN HTTPS 1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1\n\
        t IN SVCB 0 svc.test.\n";
    let (_, records) = hickory_server::proto::serialize::txt::Parser::new(zone, None, None)
        .parse()
        .expect("zone parses");
    let records: Vec<hickory_server::proto::rr::Record> = records
        .into_values()
        .flat_map(|set| set.records_without_rrsigs().cloned().collect::<Vec<_>>())
        .collect();
    let server = ScriptedServer::start(move |query, _| {
        let mut m = response_to(query);
        let asked = query.queries[0].query_type();
        for r in records.iter().filter(|r| r.record_type() == asked) {
            m.add_answer(r.clone());
        }
        if asked == hickory_server::proto::rr::RecordType::Unknown(65400) {
            m.add_answer(record(
                &[b"t", b"test"],
                RData::Unknown {
                    code: asked,
                    rdata: hickory_server::proto::rr::rdata::NULL::with(vec![10, 0, 0, 1]),
                },
            ));
        }
        vec![Reply::Bytes(m.to_vec().unwrap())]
    });
    let mut differ = Vec::new();
    for rtype in [
        "HINFO",
        "SSHFP",
        "TLSA",
        "NAPTR",
        "CAA",
        "HTTPS",
        "SVCB",
        "TYPE65400",
    ] {
        let ours = run(&[&server.at(), "-t", rtype, "t.test"]);
        assert_eq!(ours.code, 0, "{rtype}: {}", ours.stderr);
        let theirs = normalise(&dig(
            server.addr,
            &["+noall", "+answer", "+nosplit", "t.test", rtype],
        ));
        assert!(!theirs.is_empty(), "{rtype}");
        if normalise(&ours.stdout) != theirs {
            differ.push(format!(
                "{rtype}: ours {:?} dig {theirs:?}",
                normalise(&ours.stdout)
            ));
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
}

/// kdig's answer section over TLS (`+tls`) or HTTPS (`+https`) from `addr`, verified against
/// the test CA.
fn kdig_over(
    addr: std::net::SocketAddr,
    transport: &str,
    ca: &str,
    rtype: &str,
    name: &str,
) -> BTreeSet<String> {
    let out = std::process::Command::new("kdig")
        .args([
            &format!("@{}", addr.ip()),
            "-p",
            &addr.port().to_string(),
            transport,
            &format!("+tls-ca={ca}"),
            "+tls-hostname=dns.test",
            "+noall",
            "+answer",
            "+retry=0",
            "+time=3",
            name,
            rtype,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "kdig {transport} {rtype} {name}");
    normalise(&String::from_utf8(out.stdout).unwrap())
}

#[test]
fn dns_over_tls_answers_equal_kdigs() {
    let Some(server) = Unbound::start("dns_over_tls_answers_equal_kdigs") else {
        return;
    };
    if !crate::common::tool_or_skip("dns_over_tls_answers_equal_kdigs", "kdig") {
        return;
    }
    let ca = server.ca();
    let ca = ca.to_str().unwrap();
    let at = format!("@tls://{}", server.tls);
    for (rtype, name) in [("A", "www.test"), ("MX", "mx.test"), ("TXT", "txt.test")] {
        let ours = run(&[&at, "--ca", ca, "--tls-name", "dns.test", "-t", rtype, name]);
        assert_eq!(ours.code, 0, "{rtype} {name}: {}", ours.stderr);
        assert_eq!(
            normalise(&ours.stdout),
            kdig_over(server.tls, "+tls", ca, rtype, name),
            "{rtype} {name}"
        );
        let footer = ours.stdout.lines().last().unwrap();
        assert!(
            footer.contains(&format!(
                "server {} over TLS (TLSv1.3, connection set up in ",
                server.tls
            )),
            "{footer}"
        );
    }
    let (code, doc) = json_doc(&[&at, "--ca", ca, "-t", "A", "www.test"]);
    assert_eq!(code, 0, "the certificate names 127.0.0.1 too");
    assert_eq!(doc["queries"][0]["transport"], "tls");
    assert_eq!(doc["queries"][0]["connection"]["tls_version"], "TLSv1.3");
    assert!(
        doc["queries"][0]["connection"]["setup_ms"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    // --tls with a plain address means the same, on port 853 unless one is named.
    let r = run(&[
        &format!("@{}", server.tls),
        "--tls",
        "--ca",
        ca,
        "-t",
        "A",
        "--short",
        "www.test",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Over TLS or HTTPS (`at`): the system's roots do not hold the test CA, a name the certificate
/// does not hold is refused, `--insecure` and `--ca` are accepted.
fn certificate_is_checked(at: &str, server: &Unbound) {
    let ca = server.ca();
    let ca = ca.to_str().unwrap();
    let label = at.trim_start_matches("@tls://").trim_start_matches('@');
    let r = run(&[at, "-t", "A", "www.test"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            format!(
                "error: www.test: cannot reach {label}: TLS handshake: invalid peer certificate: \
                 UnknownIssuer\n"
            )
            .as_str()
        )
    );
    let r = run(&[
        at,
        "--ca",
        ca,
        "--tls-name",
        "other.test",
        "-t",
        "A",
        "www.test",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("invalid peer certificate: certificate not valid for name \"other.test\""),
        "{}",
        r.stderr
    );
    for trust in [&["--insecure"][..], &["--ca", ca]] {
        let mut argv = vec![at];
        argv.extend_from_slice(trust);
        argv.extend(["-t", "A", "--short", "www.test"]);
        let r = run(&argv);
        let mut lines: Vec<&str> = r.stdout.lines().collect();
        lines.sort_unstable();
        assert_eq!(
            (r.code, lines),
            (0, vec!["192.0.2.10", "192.0.2.11"]),
            "{trust:?}"
        );
    }
}

#[test]
fn dns_over_tls_verifies_the_certificate() {
    let Some(server) = Unbound::start("dns_over_tls_verifies_the_certificate") else {
        return;
    };
    certificate_is_checked(&format!("@tls://{}", server.tls), &server);
    let r = run(&[
        "--tls-name",
        "dns.test",
        "-t",
        "A",
        "www.test",
        &format!("@{}", server.plain),
    ]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "error: --tls-name: applies to DNS over TLS or HTTPS only (add --tls, --https, \
             @tls://ADDR or @https://ADDR/dns-query)\n"
        )
    );
}

/// Every name of the test zone's bulk set asked with `-f` of `at` (trusting the test CA): each
/// answer checked, and the query objects returned.
fn bulk_over(at: &str, server: &Unbound) -> Vec<Value> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    for i in 0..crate::common::unbound::BULK {
        writeln!(file, "h{i}.bulk.test").unwrap();
    }
    let r = run(&[
        at,
        "--ca",
        server.ca().to_str().unwrap(),
        "-t",
        "A",
        "--json",
        "-f",
        file.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut queries = Vec::new();
    for line in r.stdout.lines() {
        let mut doc: Value = serde_json::from_str(line).unwrap();
        if doc["kind"] != "name" {
            assert_eq!(doc["resolved"], crate::common::unbound::BULK);
            continue;
        }
        let i: u32 = doc["name"].as_str().unwrap()[1..]
            .split('.')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let query = doc["queries"][0].take();
        assert_eq!(
            query["answers"][0]["data"],
            format!("10.0.{}.{}", i / 256, i % 256)
        );
        queries.push(query);
    }
    assert_eq!(queries.len(), crate::common::unbound::BULK as usize);
    queries
}

#[test]
fn dns_over_tls_bulk_uses_one_connection() {
    let Some(server) = Unbound::start("dns_over_tls_bulk_uses_one_connection") else {
        return;
    };
    let relay = crate::common::relay::Relay::start(server.tls);
    let queries = bulk_over(&format!("@tls://{}", relay.addr), &server);
    // Every answer came over the connection set up once.
    let setups: BTreeSet<String> = queries
        .iter()
        .map(|q| q["connection"]["setup_ms"].to_string())
        .collect();
    assert_eq!(setups.len(), 1, "{setups:?}");
    assert_eq!(relay.accepted(), 1, "connections the server saw");
}

#[test]
fn quiet_keeps_the_answers_and_drops_footers_and_summary() {
    let server = DnsServer::start();
    let args = [
        server.at(),
        "-4".into(),
        "www.test".into(),
        "mail.test".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let loud = run(&args);
    assert_eq!(loud.code, 0, "{}", loud.stderr);
    assert!(
        loud.stdout.contains("\n;; 2 names: 2 resolved"),
        "{}",
        loud.stdout
    );
    let mut quiet_args = vec!["-q"];
    quiet_args.extend(&args);
    let quiet = run(&quiet_args);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert_eq!(quiet.stderr, "");
    // Exactly the answer lines of the loud run, no line starting ;;.
    let answers: Vec<&str> = loud
        .stdout
        .lines()
        .filter(|l| !l.starts_with(";;"))
        .collect();
    let mut got: Vec<&str> = quiet.stdout.lines().collect();
    let mut want = answers.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    // System mode too: the footer of one name.
    let quiet = run(&["-q", "localhost"]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str()),
        (0, "localhost\t127.0.0.1\n")
    );
}

#[test]
fn summary_of_a_short_run_reads_in_ms_without_a_rate() {
    let server = DnsServer::start();
    let r = run(&[&server.at(), "-4", "www.test", "nope.test"]);
    let summary = r.stdout.lines().last().unwrap();
    // ";; 2 names: 1 resolved, 1 not found, 0 failed; 2 queries in 1.23 ms"
    let (head, time) = summary.split_once(" queries in ").unwrap();
    assert_eq!(head, ";; 2 names: 1 resolved, 1 not found, 0 failed; 2");
    let (value, unit) = time.split_once(' ').unwrap();
    assert!(value.parse::<f64>().is_ok() && unit == "ms", "{summary}");
    assert!(!summary.contains("queries/s"), "{summary}");
    let r = run(&[&server.at(), "www.test"]);
    assert!(!r.stdout.contains(";; 1 names"), "{}", r.stdout);
}

#[test]
fn an_address_and_port_given_as_a_name_suggests_the_at_form() {
    for (input, server) in [
        ("127.0.0.1:5399", "@127.0.0.1:5399"),
        ("[::1]:5399", "@[::1]:5399"),
    ] {
        let r = run(&[input]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "error: {input}: an address and port, not a name (did you mean {server}?); \
                 not looked up (system resolver)\n"
            )
        );
    }
    // With a name after it, the batch goes on and the hint is on the failed name's line.
    let r = run(&["127.0.0.1:5399", "localhost"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "error: 127.0.0.1:5399: an address and port, not a name (did you mean @127.0.0.1:5399?)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_file_of_names_shows_progress_on_a_terminal_only() {
    if !crate::common::tool_or_skip("resolve_progress", "script") {
        return;
    }
    let server = DnsServer::start();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "www.test\nnope.test\nv4only.test\n").unwrap();
    let path = file.path().to_str().unwrap();
    // Results into a file, stderr on the terminal: the progress line counts the names.
    let tty = crate::common::on_a_terminal(&format!(
        "resolve {} -t A -f {path} >/dev/null",
        server.at()
    ));
    assert!(tty.contains(" names, "), "{tty:?}");
    // The error line is coloured on a terminal: its text after the mark.
    assert!(
        tty.contains("error:\u{1b}[0m nope.test: no such name"),
        "{tty:?}"
    );
    // Never with --json, never into a pipe.
    let tty = crate::common::on_a_terminal(&format!(
        "--json resolve {} -t A -f {path} >/dev/null",
        server.at()
    ));
    assert!(!tty.contains(" names, "), "{tty:?}");
    let r = run(&[&server.at(), "-t", "A", "-f", path]);
    assert!(!r.stderr.contains(" names, "), "{}", r.stderr);
    assert!(r.stderr.contains("error: nope.test"), "{}", r.stderr);
}
