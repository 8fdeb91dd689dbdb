//! IPv6 zones: every command that takes an address reaches a peer by its link-local address
//! and the interface after `%` (`fe80::b%za`, `[fe80::b%za]:8001`), over a veth pair between
//! two namespaces made here; labels name the zone; a link-local address without a zone, or a
//! zone that names no interface, is one error line with exit 2.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{self, ChildGuard, Netns, bin, root_or_skip};

const TCP_PORT: &str = "8001";
const UDP_PORT: &str = "9000";

/// Two namespaces joined by `za` (fe80::a, in `host`) and `zb` (fe80::b, in `peer`): the only
/// IPv6 addresses on the link, added without duplicate detection so they work at once.
struct Link {
    host: Netns,
    peer: Netns,
}

fn link(tag: &str) -> Link {
    let host = Netns::new(&format!("{tag}h"));
    let peer = Netns::new(&format!("{tag}p"));
    common::run(
        "ip",
        &[
            "link", "add", "za", "netns", &host.name, "type", "veth", "peer", "name", "zb",
            "netns", &peer.name,
        ],
    );
    for (ns, dev, addr) in [(&host, "za", "fe80::a/64"), (&peer, "zb", "fe80::b/64")] {
        ns.exec(&["ip", "link", "set", dev, "addrgenmode", "none"]);
        ns.exec(&["ip", "-6", "addr", "add", addr, "dev", dev, "nodad"]);
        ns.exec(&["ip", "link", "set", dev, "up"]);
    }
    Link { host, peer }
}

/// A nettool server in a namespace: its stderr lines as they come, its stdout at the end.
struct Server {
    child: ChildGuard,
    stderr: mpsc::Receiver<String>,
    stdout: std::thread::JoinHandle<String>,
}

impl Server {
    /// Start `nettool ARGS` in `ns` and wait for a stderr line containing `ready`.
    fn start(ns: &Netns, args: &[&str], ready: &str) -> Self {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let mut child = ns.spawn_piped(bin(), &args);
        let (tx, stderr) = mpsc::channel();
        let err = child.0.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut out = child.0.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        let server = Self {
            child,
            stderr,
            stdout,
        };
        server.wait_line(ready);
        server
    }

    /// The next stderr line containing `text` (at most 10 s).
    fn wait_line(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("no stderr line with {text:?}");
    }

    /// End the server (by its PID) and return what it wrote to stdout.
    fn stop(self) -> String {
        drop(self.child);
        self.stdout.join().unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What one run of nettool printed.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run `nettool ARGV` in `ns` with `stdin`, to its end.
fn run_in(ns: &Netns, argv: &[&str], stdin: &str) -> Run {
    run(ns.nettool(), argv, stdin)
}

/// Run `nettool` (`cmd`) with `argv` and `stdin`, to its end.
fn run(mut cmd: assert_cmd::Command, argv: &[&str], stdin: &str) -> Run {
    let out = cmd.args(argv).write_stdin(stdin).output().unwrap();
    Run {
        code: out.status.code(),
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    }
}

/// [`run_in`] without input, which must succeed.
fn ok_in(ns: &Netns, argv: &[&str]) -> Run {
    let run = run_in(ns, argv, "");
    assert_eq!(run.code, Some(0), "{argv:?}: {}", run.stderr);
    run
}

/// TCP over a zone: `listen` binds to a link-local address with its zone; `connect` (pipe and
/// -z, from a zoned source), `ping --tcp` and `scan` reach it; every label names the zone.
#[test]
fn tcp_commands_reach_a_link_local_peer_by_zone() {
    if !root_or_skip("tcp_commands_reach_a_link_local_peer_by_zone") {
        return;
    }
    let lab = link("zt");
    let server = Server::start(
        &lab.peer,
        &["listen", "-k", "fe80::b%zb", TCP_PORT],
        "listening on [fe80::b%zb]:8001",
    );

    let out = run_in(
        &lab.host,
        &["connect", "-s", "fe80::a%za", "fe80::b%za", TCP_PORT],
        "hello over a zone\n",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.starts_with("connected to [fe80::b%za]:8001 in "),
        "{}",
        out.stderr
    );
    let from = server.wait_line("connection from [fe80::a%zb]:");
    assert!(!from.contains("closed"), "{from}");
    server.wait_line("connection from [fe80::a%zb]:");

    let out = ok_in(
        &lab.host,
        &["connect", "-z", "--json", "fe80::b%za", TCP_PORT],
    );
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (&doc["host"], &doc["address"], &doc["port"], &doc["state"]),
        (
            &"fe80::b%za".into(),
            &"fe80::b%za".into(),
            &8001.into(),
            &"open".into()
        )
    );
    let out = run_in(&lab.host, &["connect", "-z", "fe80::b%za", "8002"], "");
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stdout, "fe80::b%za port 8002 closed (refused)\n");

    let out = ok_in(
        &lab.host,
        &[
            "ping",
            "--tcp",
            TCP_PORT,
            "-c",
            "2",
            "-i",
            "0.2",
            "fe80::b%za",
        ],
    );
    let stdout = &out.stdout;
    assert!(
        stdout.contains("2 packets transmitted, 2 received, 0% packet loss"),
        "{stdout}"
    );

    let out = ok_in(
        &lab.host,
        &["scan", "-p", "8001,8002", "--json", "fe80::b%za"],
    );
    let records: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let port = &records[0];
    assert_eq!(
        (&port["type"], &port["name"], &port["port"], &port["state"]),
        (
            &"port".into(),
            &"fe80::b%za".into(),
            &8001.into(),
            &"open".into()
        )
    );
    let host = &records[1];
    assert_eq!(
        (&host["type"], &host["open"], &host["closed"]),
        (&"host".into(), &1.into(), &1.into())
    );

    let received = server.stop();
    assert_eq!(received, "hello over a zone\n");
}

/// UDP over a zone: `udp-recv` binds to a link-local address with its zone and echoes;
/// `udp-send` reaches it and gets the echo; both name the zone.
#[test]
fn udp_commands_reach_a_link_local_peer_by_zone() {
    if !root_or_skip("udp_commands_reach_a_link_local_peer_by_zone") {
        return;
    }
    let lab = link("zu");
    let server = Server::start(
        &lab.peer,
        &["udp-recv", "--echo", "fe80::b%zb", UDP_PORT],
        "listening on udp [fe80::b%zb]:9000",
    );
    let out = ok_in(
        &lab.host,
        &[
            "udp-send",
            "--wait",
            "3s",
            "fe80::b%za",
            UDP_PORT,
            "ping over a zone",
        ],
    );
    let stdout = &out.stdout;
    assert!(
        stdout.contains("[fe80::b%za]:9000") && stdout.contains("ping over a zone"),
        "{stdout}"
    );
    let stderr = out.stderr;
    assert!(
        stderr.starts_with("sent 1 datagram (16 bytes) to [fe80::b%za]:9000 in ")
            && stderr.trim_end().ends_with(", 1 reply"),
        "{stderr}"
    );
    let received = server.stop();
    assert!(
        received.contains("[fe80::a%zb]:") && received.contains("16 bytes  ping over a zone"),
        "{received}"
    );
}

/// ICMP ping, trace and `resolve @SERVER` over a zone: ping and trace reach the peer in one
/// hop; resolve asks a DNS server that listens on the peer's link-local address.
#[test]
fn icmp_trace_and_dns_reach_a_link_local_peer_by_zone() {
    if !root_or_skip("icmp_trace_and_dns_reach_a_link_local_peer_by_zone") {
        return;
    }
    let lab = link("zi");
    let out = ok_in(
        &lab.host,
        &["ping", "-c", "2", "-i", "0.2", "-W", "2", "fe80::b%za"],
    );
    let stdout = &out.stdout;
    // As ping shows a link-local peer: the header and each reply name the zone.
    assert!(
        stdout.starts_with("PING fe80::b%za(fe80::b%za) 56 data bytes\n"),
        "{stdout}"
    );
    for seq in 1..=2 {
        let reply = format!("\n64 bytes from fe80::b%za: icmp_seq={seq} ttl=64 time=");
        assert!(stdout.contains(&reply), "{stdout}");
    }
    assert!(
        stdout.contains("2 packets transmitted, 2 received, 0% packet loss"),
        "{stdout}"
    );
    // With -I IFACE the interface is the zone.
    let out = ok_in(
        &lab.host,
        &["ping", "-c", "1", "-W", "2", "-I", "za", "fe80::b"],
    );
    assert!(
        out.stdout.contains("1 received, 0% packet loss"),
        "{}",
        out.stdout
    );

    let out = ok_in(&lab.host, &["trace", "-m", "3", "--json", "fe80::b%za"]);
    let stdout = &out.stdout;
    let report: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    assert_eq!(
        (
            &report["type"],
            &report["target"],
            &report["reached"],
            &report["reached_hop"],
            &report["hops"][0]["addrs"][0]["addr"]
        ),
        (
            &"report".into(),
            &"fe80::b%za".into(),
            &true.into(),
            &1.into(),
            &"fe80::b".into()
        ),
        "{stdout}"
    );

    // A DNS server on fe80::b in the peer's namespace, opened from a thread moved there.
    let peer = lab.peer.name.clone();
    let index = text(&lab.peer.exec(&["cat", "/sys/class/net/zb/ifindex"]).stdout)
        .trim()
        .to_string();
    let dns = std::thread::spawn(move || {
        use std::os::fd::AsRawFd;
        let file = std::fs::File::open(format!("/run/netns/{peer}")).unwrap();
        // SAFETY: setns on an open namespace file changes only this thread's namespace.
        #[allow(unsafe_code)]
        let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns");
        common::dns_server::DnsServer::start_on(&format!("fe80::b%{index}"))
    })
    .join()
    .unwrap();
    let at = format!("@[fe80::b%za]:{}", dns.addr.port());
    let out = ok_in(
        &lab.host,
        &["resolve", &at, "-t", "A", "--short", "www.test"],
    );
    let mut got: Vec<String> = out.stdout.lines().map(str::to_string).collect();
    got.sort();
    assert_eq!(got, ["192.0.2.10", "192.0.2.11"]);
    let out = ok_in(
        &lab.host,
        &["resolve", &at, "-t", "A", "--json", "www.test"],
    );
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let server = format!("[fe80::b%za]:{}", dns.addr.port());
    assert_eq!(doc["server"], server.as_str(), "{doc}");
}

/// A link-local address without a zone, or with a zone that names no interface, is one error
/// line with exit 2 in every command that takes an address; nothing is sent.
#[test]
fn missing_or_unknown_zone_is_one_error_line() {
    let missing = "a link-local address needs a zone naming its interface (fe80::b%IFACE, as \
                   in fe80::b%eth0)";
    let unknown = "the zone nope0 names no network interface here";
    let runs: [(&[&str], &str, &str); 14] = [
        (&["connect", "fe80::b", "80"], "fe80::b", missing),
        (
            &["connect", "-z", "fe80::b%nope0", "80"],
            "fe80::b%nope0",
            unknown,
        ),
        (
            &["connect", "-s", "fe80::a", "::1", "80"],
            "fe80::a",
            "a link-local address needs a zone naming its interface (fe80::a%IFACE, as in fe80::a%eth0)",
        ),
        (&["ping", "-c", "1", "fe80::b"], "fe80::b", missing),
        (
            &["ping", "--tcp", "80", "-c", "1", "fe80::b%nope0"],
            "fe80::b%nope0",
            unknown,
        ),
        (&["udp-send", "fe80::b", "9", "x"], "fe80::b", missing),
        (
            &["udp-recv", "fe80::b%nope0", "9"],
            "fe80::b%nope0",
            unknown,
        ),
        (&["listen", "fe80::b", "8001"], "fe80::b", missing),
        (
            &["listen", "fe80::b%nope0", "8001"],
            "fe80::b%nope0",
            unknown,
        ),
        (&["resolve", "@fe80::b", "www.test"], "@fe80::b", missing),
        (
            &["resolve", "@[fe80::b%nope0]:53", "www.test"],
            "@[fe80::b%nope0]:53",
            unknown,
        ),
        (&["scan", "-p", "80", "fe80::b"], "fe80::b", missing),
        (
            &["scan", "-p", "80", "fe80::b%nope0"],
            "fe80::b%nope0",
            unknown,
        ),
        (&["trace", "fe80::b%nope0"], "fe80::b%nope0", unknown),
    ];
    for (argv, input, reason) in runs {
        let out = run(common::nettool(), argv, "");
        assert_eq!(out.code, Some(2), "{argv:?}");
        assert_eq!(
            out.stderr,
            format!("error: {input}: {reason}\n"),
            "{argv:?}"
        );
        assert_eq!(out.stdout, "", "{argv:?}");
    }
    let out = run(common::nettool(), &["connect", "10.0.0.1%lo", "80"], "");
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        "error: 10.0.0.1%lo: only IPv6 addresses take a %zone\n"
    );
}
