//! `nettool scan`: states and evidence against real listeners on loopback and in namespaces
//! (a dropping and a rejecting firewall made with nft, a UDP echo service, a closed UDP port),
//! compared port by port with what nmap -sT, -sS and -sU say; every port of 127.0.0.1; a /24 of
//! namespace hosts; and bad input.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::common::{ChildGuard, Netns, nettool, root_or_skip, tool_or_skip, veth};

/// Every JSON line of a scan's stdout.
/// The NDJSON records, each checked against schemas/scan.json.
fn records(stdout: &[u8]) -> Vec<serde_json::Value> {
    crate::common::schema::check("scan", stdout)
}

/// (host, port) -> state, from `--json -v` records.
fn states(recs: &[serde_json::Value]) -> BTreeMap<(String, u16), String> {
    recs.iter()
        .filter(|r| r["type"] == "port")
        .map(|r| {
            let port = u16::try_from(r["port"].as_u64().unwrap()).unwrap();
            let key = (r["host"].as_str().unwrap().to_string(), port);
            (key, r["state"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let cases: &[&[&str]] = &[
        &["scan", "127.0.0.1", "-p", "70000"],
        &["scan", "127.0.0.1", "-p", "90-80"],
        &["scan", "127.0.0.1", "-p", "no-such-service"],
        &["scan", "300.1.1.1", "-p", "22"],
        &["scan", "10.0.0.0/33", "-p", "22"],
        &["scan", "127.0.0.1", "--top", "0"],
        &["scan", "127.0.0.1", "--timeout", "0s"],
        &["scan", "127.0.0.1", "--syn", "-u"],
        &["scan"],
    ];
    for argv in cases {
        let out = nettool().args(*argv).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{argv:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{argv:?}: {err}");
        assert!(out.stdout.is_empty(), "{argv:?}");
    }
    let out = nettool()
        .args(["scan", "127.0.0.1", "-p", "70000"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: 70000: port is out of range 0-65535\n"
    );
}

#[test]
fn loopback_listeners_are_open_and_other_ports_closed() {
    let listeners: Vec<TcpListener> = (0..3)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let open: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect();
    // A port just freed is closed (nothing else in this test binary binds it at once).
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let spec = format!("{},{},{},{closed}", open[0], open[1], open[2]);
    let out = nettool()
        .args(["scan", "127.0.0.1", "-p", &spec, "--json", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out.stdout);
    let got = states(&recs);
    for port in &open {
        assert_eq!(got[&("127.0.0.1".into(), *port)], "open");
    }
    assert_eq!(got[&("127.0.0.1".into(), closed)], "closed");
    let by_port: BTreeMap<u64, &serde_json::Value> = recs
        .iter()
        .filter(|r| r["type"] == "port")
        .map(|r| (r["port"].as_u64().unwrap(), r))
        .collect();
    assert_eq!(by_port[&u64::from(open[0])]["reason"], "handshake");
    assert_eq!(by_port[&u64::from(closed)]["reason"], "refused");
    assert_eq!(by_port[&u64::from(closed)]["proto"], "tcp");
    let summary = recs.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(
        (summary["open"].as_u64(), summary["closed"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(summary["method"], "connect");

    // -o open: one line per open port, for scripts.
    let out = nettool()
        .args(["scan", "127.0.0.1", "-p", &spec, "-o", "open"])
        .output()
        .unwrap();
    let mut want: Vec<String> = open.iter().map(|p| format!("127.0.0.1 {p}")).collect();
    want.sort_by_key(|l| l.split(' ').nth(1).unwrap().parse::<u16>().unwrap());
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_by_key(|l| l.split(' ').nth(1).unwrap().parse::<u16>().unwrap());
    assert_eq!(lines, want);

    // Nothing open: exit 1, and the table counts the closed port.
    let out = nettool()
        .args(["scan", "127.0.0.1", "-p", &closed.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().next(),
        Some("127.0.0.1: 0 open, 1 closed, 0 filtered")
    );
    drop(listeners);
}

/// Run a Python `script` in `ns` (ended with the guard) and return its first line of output.
fn python(ns: &Netns, script: &str) -> (ChildGuard, String) {
    let mut child = ns
        .command("python3")
        .args(["-c", script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (ChildGuard(child), line)
}

static NEXT_LAB: AtomicU32 = AtomicU32::new(0);

/// A scanner namespace and a target namespace joined by a veth pair: the scanner is
/// 10.N.0.1, the target 10.N.0.2, and the target also answers for all of 10.N.5.0/24.
struct Lab {
    scanner: Netns,
    target: Netns,
    net: u32,
}

impl Lab {
    fn new(tag: &str) -> Self {
        let net = 150 + NEXT_LAB.fetch_add(1, Ordering::Relaxed) + (std::process::id() % 50);
        let scanner = Netns::new(&format!("{tag}s"));
        let target = Netns::new(&format!("{tag}t"));
        veth(&scanner, "sa", &target, "ta");
        scanner.exec(&[
            "ip",
            "addr",
            "add",
            &format!("10.{net}.0.1/24"),
            "dev",
            "sa",
        ]);
        target.exec(&[
            "ip",
            "addr",
            "add",
            &format!("10.{net}.0.2/24"),
            "dev",
            "ta",
        ]);
        scanner.exec(&[
            "ip",
            "route",
            "add",
            &format!("10.{net}.5.0/24"),
            "via",
            &format!("10.{net}.0.2"),
        ]);
        target.exec(&[
            "ip",
            "route",
            "add",
            "local",
            &format!("10.{net}.5.0/24"),
            "dev",
            "lo",
        ]);
        // Closed UDP ports answer every probe with "port unreachable", however fast they come.
        target.sysctl("net.ipv4.icmp_ratelimit", "0");
        target.sysctl("net.ipv4.icmp_msgs_per_sec", "100000");
        Self {
            scanner,
            target,
            net,
        }
    }

    fn target_ip(&self) -> String {
        format!("10.{}.0.2", self.net)
    }

    /// TCP listeners on `tcp` and UDP echo services on `udp`, on every target address.
    fn serve(&self, tcp: &[u16], udp: &[u16]) -> ChildGuard {
        let script = format!(
            "import socket,select\n\
             ts=[]\n\
             for p in {tcp:?}:\n s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); s.bind(('0.0.0.0',p)); s.listen(1024); ts.append(s)\n\
             us=[]\n\
             for p in {udp:?}:\n u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.bind(('0.0.0.0',p)); us.append(u)\n\
             print('ready',flush=True)\n\
             for _ in range(100000):\n r,_,_=select.select(us,[],[],60)\n for u in r:\n  d,a=u.recvfrom(2048); u.sendto(b'echo:'+d,a)\n"
        );
        let (child, line) = python(&self.target, &script);
        assert_eq!(line.trim(), "ready");
        child
    }

    fn nft(&self, rule: &str) {
        self.target.exec(&["nft", rule]);
    }
}

/// The states nmap's grepable output gives: `Ports: 22/open/tcp//ssh///, 81/filtered/...`.
fn nmap_states(lab: &Lab, args: &[&str]) -> BTreeMap<u16, String> {
    let out = lab
        .scanner
        .command("nmap")
        .args(["-n", "-Pn", "-oG", "-"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let ports = text
        .lines()
        .find_map(|l| l.split("Ports: ").nth(1))
        .unwrap_or_else(|| panic!("no Ports line: {text}"));
    ports
        .split("\t")
        .next()
        .unwrap()
        .split(", ")
        .map(|item| {
            let mut f = item.split('/');
            let port = f.next().unwrap().trim().parse().unwrap();
            (port, f.next().unwrap().to_string())
        })
        .collect()
}

/// The JSON records of `scan --json -v ARGS` run in the scanner's namespace, and its exit code.
fn our_records(lab: &Lab, args: &[&str]) -> (Vec<serde_json::Value>, Option<i32>) {
    let out = lab
        .scanner
        .nettool()
        .args(["scan", "--json", "-v"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (records(&out.stdout), out.status.code())
}

fn our_states(lab: &Lab, args: &[&str]) -> BTreeMap<u16, String> {
    states(&our_records(lab, args).0)
        .into_iter()
        .map(|((_, port), state)| (port, state))
        .collect()
}

/// A lab whose target filters with `rules` (nft rules for an input chain), when root, nmap
/// and nft are at hand; `None` (the test skips) otherwise.
fn firewalled_lab(test: &str, tag: &str, rules: &[&str]) -> Option<Lab> {
    if !root_or_skip(test) || !tool_or_skip(test, "nmap") || !tool_or_skip(test, "nft") {
        return None;
    }
    let lab = Lab::new(tag);
    lab.nft("add table inet scan");
    lab.nft("add chain inet scan input { type filter hook input priority 0; }");
    for rule in rules {
        lab.nft(&format!("add rule inet scan input {rule}"));
    }
    Some(lab)
}

/// Expected states by port.
fn expect(states: &[(u16, &str)]) -> BTreeMap<u16, String> {
    states.iter().map(|(p, s)| (*p, (*s).to_string())).collect()
}

#[test]
fn tcp_states_equal_nmap_connect_and_syn_scans() {
    let Some(lab) = firewalled_lab(
        "tcp_states_equal_nmap_connect_and_syn_scans",
        "scn",
        &[
            "tcp dport 81 drop",
            "tcp dport 82 reject with icmp type admin-prohibited",
            "tcp dport 83 reject with icmp type port-unreachable",
            "tcp dport 8080 drop",
        ],
    ) else {
        return;
    };
    let _served = lab.serve(&[22, 80, 8080], &[]);
    let ports = "22,23,80,81,82,83,443,8080";
    let ip = lab.target_ip();
    let mut want = expect(&[
        (22, "open"),
        (23, "closed"),
        (80, "open"),
        (81, "filtered"),
        (82, "filtered"),
        (443, "closed"),
        (8080, "filtered"),
    ]);
    // An ICMP port unreachable refuses a connect as a RST does (nmap -sT: closed,
    // conn-refused); to a SYN scan it is an ICMP error like any other (filtered).
    want.insert(83, "closed".into());
    let fast = ["--timeout", "300ms", "--retries", "1"];
    let connect = our_states(
        &lab,
        &[&ip, "-p", ports, fast[0], fast[1], fast[2], fast[3]],
    );
    assert_eq!(connect, want);
    assert_eq!(nmap_states(&lab, &["-sT", "-p", ports, &ip]), want);
    want.insert(83, "filtered".into());
    let syn = our_states(
        &lab,
        &[
            &ip, "-p", ports, "--syn", fast[0], fast[1], fast[2], fast[3],
        ],
    );
    assert_eq!(syn, want);
    assert_eq!(nmap_states(&lab, &["-sS", "-p", ports, &ip]), want);

    // The evidence: a dropped SYN went unanswered twice, a rejected one got ICMP 3/13.
    let (recs, code) = our_records(&lab, &["--syn", &ip, "-p", "81,82", "--timeout", "300ms"]);
    let r81 = recs.iter().find(|r| r["port"] == 81).unwrap();
    assert_eq!(
        (r81["reason"].as_str(), r81["tries"].as_u64()),
        (Some("no-answer"), Some(2))
    );
    let r82 = recs.iter().find(|r| r["port"] == 82).unwrap();
    assert_eq!(r82["reason"], "icmp-unreachable");
    assert_eq!(
        (r82["icmp_type"].as_u64(), r82["icmp_code"].as_u64()),
        (Some(3), Some(13))
    );
    assert_eq!(code, Some(1), "no port open among 81, 82");

    // A connect scan reads the kernel's error alone: refused for 83, and an unreachable whose
    // type and code the kernel does not pass on for 82.
    let (recs, _) = our_records(&lab, &[&ip, "-p", "82,83", "--timeout", "300ms"]);
    let reasons: Vec<(u64, &str, &str, bool)> = recs
        .iter()
        .filter(|r| r["type"] == "port")
        .map(|r| {
            (
                r["port"].as_u64().unwrap(),
                r["state"].as_str().unwrap(),
                r["reason"].as_str().unwrap(),
                r["icmp_type"].is_null(),
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        reasons,
        [
            (82, "filtered", "icmp-unreachable", true),
            (83, "closed", "refused", true)
        ]
    );
}

#[test]
fn udp_states_equal_nmap_udp_scan() {
    let Some(lab) = firewalled_lab(
        "udp_states_equal_nmap_udp_scan",
        "scu",
        &[
            "udp dport 7001 drop",
            "udp dport 7002 reject with icmp type host-prohibited",
        ],
    ) else {
        return;
    };
    let _served = lab.serve(&[], &[53, 7000]);
    let ports = "53,7000,7001,7002,7003";
    let ip = lab.target_ip();
    let want = expect(&[
        (53, "open"),
        (7000, "open"),
        (7001, "open|filtered"),
        (7002, "filtered"),
        (7003, "closed"),
    ]);
    let ours = our_states(&lab, &[&ip, "-u", "-p", ports, "--timeout", "300ms"]);
    assert_eq!(ours, want);
    // nmap sends its own DNS probe to 53 and an empty datagram elsewhere; the echo service
    // answers both.
    let theirs = nmap_states(&lab, &["-sU", "-p", ports, "--max-retries", "1", &ip]);
    assert_eq!(theirs, want);
}

#[test]
fn every_port_of_loopback_finds_exactly_the_listeners() {
    if !root_or_skip("every_port_of_loopback_finds_exactly_the_listeners") {
        return;
    }
    // Its own namespace, so no other test's listener is counted.
    let ns = Netns::new("scall");
    let script = "import socket,sys\nss=[]\nfor _ in range(20):\n s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(8); ss.append(s)\nprint(' '.join(str(s.getsockname()[1]) for s in ss),flush=True)\nimport time\ntime.sleep(120)\n";
    let (_guard, line) = python(&ns, script);
    let mut want: Vec<u16> = line
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    want.sort_unstable();
    assert_eq!(want.len(), 20);
    for syn in [false, true] {
        let mut cmd = ns.nettool();
        cmd.args(["scan", "127.0.0.1", "-p", "0-65535", "--json"]);
        if syn {
            cmd.arg("--syn");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let recs = records(&out.stdout);
        let mut open: Vec<u16> = recs
            .iter()
            .filter(|r| r["type"] == "port" && r["state"] == "open")
            .map(|r| u16::try_from(r["port"].as_u64().unwrap()).unwrap())
            .collect();
        open.sort_unstable();
        assert_eq!(open, want, "syn: {syn}");
        let summary = recs.last().unwrap();
        assert_eq!(summary["ports"], 65_536);
        assert_eq!(summary["open"], 20);
        assert_eq!(summary["closed"], 65_516);
    }
}

#[test]
fn a_slash_24_of_namespace_hosts_by_100_ports() {
    if !root_or_skip("a_slash_24_of_namespace_hosts_by_100_ports") {
        return;
    }
    let lab = Lab::new("sc24");
    let _served = lab.serve(&[22, 80], &[]);
    let net = format!("10.{}.5.0/24", lab.net);
    let out = lab
        .scanner
        .nettool()
        .args(["scan", &net, "-p", "1-100", "--json", "--timeout", "500ms"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out.stdout);
    let hosts: Vec<&serde_json::Value> = recs.iter().filter(|r| r["type"] == "host").collect();
    assert_eq!(hosts.len(), 254);
    // Hosts are reported in address order, each with exactly the two listeners open.
    assert_eq!(hosts[0]["host"], format!("10.{}.5.1", lab.net));
    assert_eq!(hosts[253]["host"], format!("10.{}.5.254", lab.net));
    for h in &hosts {
        assert_eq!(
            (h["open"].as_u64(), h["closed"].as_u64()),
            (Some(2), Some(98)),
            "{h}"
        );
    }
    let summary = recs.last().unwrap();
    assert_eq!(
        (summary["hosts"].as_u64(), summary["ports"].as_u64()),
        (Some(254), Some(25_400))
    );
}
