//! `nettool sniff` across a veth pair: a TCP connection opened, used and closed, a ping, a DNS
//! query to a dnsmasq in the other namespace, and the ARP exchange before them, captured with
//! `sniff -w`. The file is read back twice, by `tcpdump -nn -v -e -r` and by `sniff -r --json`,
//! and every decoded field must equal what tcpdump printed; the narration of the connection
//! must name the client as the side that closed first and is left in TIME_WAIT, which
//! `nettool sockets` confirms on that side.

use std::time::Duration;

use serde_json::Value;

use crate::common::{
    self, ChildGuard, linked_pair, mac_of, python_until_ready, root_or_skip, wait_until,
};

const SERVER: &str = "
import socket
l = socket.socket(); l.bind(('10.35.0.2', 8001)); l.listen(1)
print('ready')
a, _ = l.accept(); a.sendall(a.recv(100).upper())
a.recv(10); a.close()
";

const CLIENT: &str = "
import socket, time
c = socket.create_connection(('10.35.0.2', 8001)); c.sendall(b'hello'); c.recv(10)
c.close(); time.sleep(0.3)
print('ready')
";

/// The token after `key` in `text`, up to a comma, a parenthesis or a space.
fn after<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let at = text.find(key)? + key.len();
    let rest = &text[at..];
    let end = rest.find([',', ')', ' ']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// tcpdump's output grouped by packet: (first line, continuation lines joined).
fn tcpdump_packets(text: &str) -> Vec<(String, String)> {
    let mut packets: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with(char::is_whitespace) {
            if let Some(last) = packets.last_mut() {
                last.1.push_str(line.trim());
                last.1.push(' ');
            }
        } else {
            packets.push((line.to_string(), String::new()));
        }
    }
    packets
}

fn num(v: &Value) -> String {
    v.as_u64().map_or_else(|| v.to_string(), |n| n.to_string())
}

/// Compare one decoded packet with tcpdump's lines for it.
fn check(index: usize, p: &Value, head: &str, rest: &str) {
    let ctx = format!("packet {index}: {head} | {rest}\n{p:#}");
    let link = &p["link"];
    // 21:54:45.295244 8e:1b:.. > fe:dd:.., ethertype IPv4 (0x0800), length 74: ...
    let words: Vec<&str> = head.split_whitespace().collect();
    assert_eq!(link["src_mac"], words[1], "{ctx}");
    assert_eq!(link["dst_mac"], words[3].trim_end_matches(','), "{ctx}");
    let ethertype = format!(
        "{} (0x{:04x}),",
        link["ethertype_name"].as_str().unwrap(),
        link["ethertype"].as_u64().unwrap()
    );
    assert_eq!(words[5..7].join(" "), ethertype, "{ctx}");
    let length = after(head, "length ").map(|s| s.trim_end_matches(':'));
    assert_eq!(length, Some(num(&p["length"]).as_str()), "{ctx}");
    if !p["arp"].is_null() {
        let arp = &p["arp"];
        if arp["op"] == "request" {
            let expected = format!(
                "Request who-has {} tell {}, length 28",
                arp["target_ip"].as_str().unwrap(),
                arp["sender_ip"].as_str().unwrap()
            );
            assert!(head.ends_with(&expected), "{ctx}");
        } else {
            let expected = format!(
                "Reply {} is-at {}, length 28",
                arp["sender_ip"].as_str().unwrap(),
                arp["sender_mac"].as_str().unwrap()
            );
            assert!(head.ends_with(&expected), "{ctx}");
        }
        return;
    }
    let ip = &p["ip"];
    assert_eq!(after(head, "ttl "), Some(num(&ip["ttl"]).as_str()), "{ctx}");
    assert_eq!(after(head, " id "), Some(num(&ip["id"]).as_str()), "{ctx}");
    assert_eq!(
        after(head, "offset "),
        Some(num(&ip["fragment_offset"]).as_str()),
        "{ctx}"
    );
    let flags: Vec<&str> = ip["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let flags = if flags.is_empty() {
        "none".to_string()
    } else {
        flags.join(",")
    };
    assert_eq!(
        after(head, "flags ["),
        Some(format!("{flags}]").as_str()),
        "{ctx}"
    );
    let proto = format!(
        "proto {} ({})",
        ip["proto_name"].as_str().unwrap(),
        ip["proto"]
    );
    assert!(head.contains(&proto), "{ctx}");
    assert!(
        head.ends_with(&format!("length {})", ip["length"])),
        "{ctx}"
    );
    let (src, dst) = (ip["src"].as_str().unwrap(), ip["dst"].as_str().unwrap());
    if !p["tcp"].is_null() {
        let tcp = &p["tcp"];
        let ends = format!(
            "{src}.{} > {dst}.{}: Flags [{}]",
            tcp["src_port"],
            tcp["dst_port"],
            tcp["flags"].as_str().unwrap()
        );
        assert!(rest.starts_with(&ends), "{ctx}");
        assert_eq!(
            after(rest, "win "),
            Some(num(&tcp["window"]).as_str()),
            "{ctx}"
        );
        let seq = if p["seq_rel"].is_null() {
            &tcp["seq"]
        } else {
            &p["seq_rel"]
        };
        if let Some(theirs) = after(rest, "seq ") {
            assert_eq!(theirs.split(':').next(), Some(num(seq).as_str()), "{ctx}");
        }
        if let Some(theirs) = after(rest, "ack ") {
            let ack = if p["ack_rel"].is_null() {
                &tcp["ack"]
            } else {
                &p["ack_rel"]
            };
            assert_eq!(theirs, num(ack), "{ctx}");
        } else {
            assert!(tcp["ack"].is_null(), "{ctx}");
        }
        let options: Vec<String> = tcp["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| match o["kind"].as_str().unwrap() {
                "mss" => format!("mss {}", o["value"]),
                "wscale" => format!("wscale {}", o["shift"]),
                "sack_ok" => "sackOK".to_string(),
                "timestamp" => format!("TS val {} ecr {}", o["val"], o["ecr"]),
                other => other.to_string(),
            })
            .collect();
        if !options.is_empty() {
            assert!(
                rest.contains(&format!("options [{}]", options.join(","))),
                "{ctx}"
            );
        }
        assert!(
            rest.trim_end()
                .ends_with(&format!("length {}", tcp["payload_len"])),
            "{ctx}"
        );
    } else if !p["icmp"].is_null() {
        let icmp = &p["icmp"];
        let expected = format!(
            "{src} > {dst}: ICMP {}, id {}, seq {}, length {}",
            icmp["name"].as_str().unwrap(),
            icmp["id"],
            icmp["seq"],
            icmp["length"]
        );
        assert!(rest.starts_with(&expected), "{ctx}");
    } else if !p["udp"].is_null() {
        let udp = &p["udp"];
        assert!(
            rest.starts_with(&format!(
                "{src}.{} > {dst}.{}:",
                udp["src_port"], udp["dst_port"]
            )),
            "{ctx}"
        );
        let dns = &p["dns"];
        assert!(!dns.is_null(), "{ctx}");
        assert!(rest.contains(&format!(" {}", dns["id"])), "{ctx}");
        if dns["response"] == true {
            let counts = format!(
                "{}/{}/{}",
                dns["answers"].as_array().unwrap().len(),
                dns["authority_count"],
                dns["additional_count"]
            );
            assert!(rest.contains(&counts), "{ctx}");
        }
        for q in dns["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|_| dns["response"] == false)
        {
            assert!(
                rest.contains(&format!(
                    "{}? {}",
                    q["type"].as_str().unwrap(),
                    q["name"].as_str().unwrap()
                )),
                "{ctx}"
            );
        }
        for answer in dns["answers"].as_array().unwrap() {
            assert!(rest.contains(answer.as_str().unwrap()), "{ctx}");
        }
        assert!(
            rest.trim_end()
                .ends_with(&format!("({})", udp["payload_len"])),
            "{ctx}"
        );
    } else {
        panic!("unexpected packet: {ctx}");
    }
}

#[test]
fn decoded_fields_equal_tcpdump_and_the_close_names_the_right_sides() {
    if !root_or_skip("sniff vs tcpdump") {
        return;
    }
    for tool in ["tcpdump", "dnsmasq", "dig", "ping", "python3"] {
        if !common::tool_or_skip("sniff vs tcpdump", tool) {
            return;
        }
    }
    let (a, b) = linked_pair("sn", 35);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("capture.pcap");
    let _dns = ChildGuard(
        b.command("dnsmasq")
            .args([
                "--no-daemon",
                "--conf-file=/dev/null",
                "--no-resolv",
                "--no-hosts",
                "--user=root",
                "--bind-interfaces",
                "--listen-address=10.35.0.2",
                "--address=/www.example.test/10.35.0.9",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let _server = python_until_ready(&b, SERVER);
    let mut sniff = ChildGuard(
        a.command(common::bin())
            .args(["sniff", "va", "-w"])
            .arg(&file)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    assert!(wait_until(Duration::from_secs(5), || file.exists()));
    std::thread::sleep(Duration::from_millis(200));
    let _client = python_until_ready(&a, CLIENT);
    a.exec(&["ping", "-c", "1", "10.35.0.2"]);
    a.exec(&[
        "dig",
        "@10.35.0.2",
        "www.example.test",
        "A",
        "+tries=1",
        "+time=2",
    ]);
    // Ctrl-C ends the capture with its summary.
    std::thread::sleep(Duration::from_millis(200));
    sniff.interrupt();
    let status = sniff
        .wait_timeout(Duration::from_secs(5))
        .expect("sniff did not stop at SIGINT");
    assert_eq!(status.code(), Some(0));

    let tcpdump = common::run(
        "tcpdump",
        &["-nn", "-v", "-e", "-r", file.to_str().unwrap()],
    );
    let theirs = tcpdump_packets(&String::from_utf8_lossy(&tcpdump.stdout));
    let ours = common::nettool()
        .args(["sniff", "-r"])
        .arg(&file)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(ours.status.code(), Some(0));
    let records = common::schema::check("sniff", &ours.stdout);
    let (summary, packets) = records.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(packets.len(), theirs.len());
    assert_eq!(summary["captured"].as_u64().unwrap() as usize, theirs.len());
    for (i, (p, (head, rest))) in packets.iter().zip(&theirs).enumerate() {
        check(i + 1, p, head, rest);
    }
    let kinds = |k: &str| packets.iter().filter(|p| !p[k].is_null()).count();
    assert!(kinds("arp") >= 2, "an ARP request and its reply");
    assert_eq!(kinds("icmp"), 2, "an echo request and its reply");
    assert_eq!(kinds("dns"), 2, "a DNS query and its answer");
    assert!(kinds("tcp") >= 8);
    let (a_mac, b_mac) = (mac_of(&a, "va"), mac_of(&b, "vb"));
    let reply = packets.iter().find(|p| p["arp"]["op"] == "reply").unwrap();
    assert_eq!(
        (
            reply["arp"]["sender_mac"].as_str(),
            reply["link"]["dst_mac"].as_str()
        ),
        (Some(b_mac.as_str()), Some(a_mac.as_str()))
    );

    // The narration: handshake from the client, the client closes first and keeps TIME_WAIT.
    let notes: Vec<(String, String)> = packets
        .iter()
        .flat_map(|p| p["narration"].as_array().unwrap().clone())
        .map(|n| {
            (
                n["step"].as_str().unwrap().to_string(),
                n["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let steps: Vec<&str> = notes.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        steps[..4],
        ["SYN →", "← SYN-ACK", "ACK →", "FIN →"],
        "{notes:?}"
    );
    assert_eq!(steps.last(), Some(&"ACK →"), "{notes:?}");
    let syn = packets.iter().find(|p| p["tcp"]["flags"] == "S").unwrap();
    let client = format!("10.35.0.1:{}", syn["tcp"]["src_port"]);
    assert!(
        notes[3]
            .1
            .contains(&format!("client {client} closes first")),
        "{notes:?}"
    );
    let last = &notes.last().unwrap().1;
    assert!(
        last.contains(&format!("client {client} is left in TIME_WAIT")),
        "{last}"
    );
    assert!(
        notes[2].1.starts_with("3/3 handshake complete in "),
        "{notes:?}"
    );
    let sockets = a
        .nettool()
        .args(["sockets", "--state", "time_wait", "--json"])
        .output()
        .unwrap();
    let sockets: Value = serde_json::from_slice(&sockets.stdout).unwrap();
    assert_eq!(sockets["sockets"][0]["local"], client.as_str());
}

#[test]
fn text_layers_and_filters_on_a_read_file() {
    if !root_or_skip("sniff text") || !common::tool_or_skip("sniff text", "tcpdump") {
        return;
    }
    // tcpdump writes the file here; sniff reads what tcpdump wrote.
    let (a, b) = linked_pair("sl", 36);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("td.pcap");
    let mut tcpdump = ChildGuard(
        a.command("tcpdump")
            .args(["-i", "va", "-U", "-w"])
            .arg(&file)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    assert!(wait_until(Duration::from_secs(5), || file.exists()));
    std::thread::sleep(Duration::from_millis(300));
    a.exec(&["ping", "-c", "2", "10.36.0.2"]);
    std::thread::sleep(Duration::from_millis(200));
    tcpdump.interrupt();
    tcpdump.wait_timeout(Duration::from_secs(5));
    drop(b);
    let out = common::nettool()
        .args(["sniff", "-r"])
        .arg(&file)
        .args(["--proto", "icmp", "--layers", "-c", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("#1 "), "{text}");
    assert!(
        lines[1].starts_with("  Link        (OSI 2, data link)")
            && lines[1].contains("type IPv4 (0x0800)"),
        "{text}"
    );
    assert!(
        lines[2]
            .starts_with("  Internet    (OSI 3, network)       IPv4 10.36.0.1 > 10.36.0.2, ttl 64"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("  Transport   (OSI 3, network)       ICMP echo request, id "),
        "{text}"
    );
    assert_eq!(lines.len(), 4, "{text}");
    let out = common::nettool()
        .args(["sniff", "-r"])
        .arg(&file)
        .args(["--host", "10.36.0.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let out = common::nettool()
        .args(["sniff", "-r"])
        .arg(&file)
        .args(["--proto", "arp"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("ARP, Request who-has 10.36.0.2 tell 10.36.0.1, length 28"),
        "{text}"
    );
}

#[test]
fn bad_input_and_files_are_one_line_and_exit_2() {
    for args in [
        &["--port", "70000"][..],
        &["--host", "x"][..],
        &["-r", "/nonexistent.pcap"][..],
        &["-r", "/etc/hostname"][..],
        &["no-such-if0"][..],
    ] {
        let out = common::nettool().arg("sniff").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr)
                .trim_end()
                .lines()
                .count(),
            1,
            "{args:?}"
        );
    }
}

/// Loopback hands a packet socket each frame twice (going out and coming in); like tcpdump,
/// sniff keeps one: a ping is an echo request and an echo reply, nothing more.
#[test]
fn loopback_frames_are_seen_once() {
    if !root_or_skip("sniff lo") || !common::tool_or_skip("sniff lo", "ping") {
        return;
    }
    let ns = common::Netns::new("slo");
    let mut sniff = ChildGuard(
        ns.command(common::bin())
            .args(["sniff", "lo", "--json", "--proto", "icmp"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(500));
    ns.exec(&["ping", "-c", "1", "127.0.0.1"]);
    std::thread::sleep(Duration::from_millis(300));
    sniff.interrupt();
    sniff
        .wait_timeout(Duration::from_secs(5))
        .expect("sniff did not stop at SIGINT");
    let mut text = String::new();
    std::io::Read::read_to_string(sniff.0.stdout.as_mut().unwrap(), &mut text).unwrap();
    let names: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["type"] == "packet")
        .map(|r| {
            format!(
                "{} {}",
                r["direction"].as_str().unwrap(),
                r["icmp"]["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(names, ["in echo request", "in echo reply"]);
}

/// Without CAP_NET_RAW, capturing (and sending ARP) is refused in one line that names the
/// capability; reading a file needs no privilege.
#[test]
fn without_cap_net_raw_one_line_names_it() {
    if !root_or_skip("sniff unprivileged") || !common::tool_or_skip("sniff unprivileged", "setpriv")
    {
        return;
    }
    let drop_raw = ["--inh-caps=-net_raw", "--bounding-set=-net_raw"];
    let ns = common::Netns::new("snr");
    for args in [
        &["sniff", "lo", "-c", "1"][..],
        &["arping", "-c", "1", "-I", "lo", "127.0.0.2"][..],
    ] {
        let out = ns
            .command("setpriv")
            .args(drop_raw)
            .arg(common::bin())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        if args[0] == "sniff" {
            assert!(
                err.contains("CAP_NET_RAW") && err.contains("setcap cap_net_raw+ep"),
                "{err}"
            );
        }
    }
}
