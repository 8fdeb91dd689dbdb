//! `nettool trace` on a chain of namespaces (see `common::lab`): the hops and their counts
//! against traceroute and mtr on the same chain, a silent hop, unreachable routes, a target that
//! never answers, a forked path (IPv4 and IPv6), loss and delay made by user-space responders at
//! the target and at a middle hop, loss at a middle hop made by nftables, the datagram method
//! without root, the live view in a real terminal (tmux), Ctrl-C, and bad input.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::common::lab::{Lab, LabOptions, Responder};
use crate::common::{ChildGuard, nettool, root_or_skip, tool_or_skip};

/// The NDJSON records, each checked against schemas/trace.json.
fn ndjson(stdout: &[u8]) -> Vec<Value> {
    crate::common::schema::check("trace", stdout)
}

/// Run nettool trace --json in the lab's host; the report object and every probe record.
fn trace_json(lab: &Lab, args: &[&str]) -> (Option<i32>, Value, Vec<Value>) {
    let out = lab
        .host
        .nettool()
        .arg("--json")
        .arg("trace")
        .args(args)
        .output()
        .unwrap();
    let records = ndjson(&out.stdout);
    let report = records
        .iter()
        .find(|r| r["type"] == "report")
        .unwrap_or_else(|| {
            panic!(
                "no report: {records:?} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .clone();
    let probes = records
        .into_iter()
        .filter(|r| r["type"] == "probe")
        .collect();
    (out.status.code(), report, probes)
}

/// Per hop, the addresses of the report (sorted) and whether it had none.
fn report_hops(report: &Value) -> BTreeMap<u64, Vec<String>> {
    report["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let mut addrs: Vec<String> = h["addrs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["addr"].as_str().unwrap().to_string())
                .collect();
            addrs.sort();
            (h["hop"].as_u64().unwrap(), addrs)
        })
        .collect()
}

/// Per hop, the addresses traceroute printed (sorted; empty for `* * *`).
fn traceroute_hops(text: &str) -> BTreeMap<u64, Vec<String>> {
    text.lines()
        .skip_while(|l| l.starts_with("traceroute"))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let hop = words.next()?.parse::<u64>().ok()?;
            let mut addrs: Vec<String> = words
                .filter(|w| w.parse::<IpAddr>().is_ok())
                .map(str::to_string)
                .collect();
            addrs.sort();
            addrs.dedup();
            Some((hop, addrs))
        })
        .collect()
}

/// Per hop, the address and Snt mtr's report printed (`???` for a silent hop).
fn mtr_hops(text: &str) -> BTreeMap<u64, (String, u64)> {
    text.lines()
        .filter_map(|line| {
            let (hop, rest) = line.trim_start().split_once(".|-- ")?;
            let words: Vec<&str> = rest.split_whitespace().collect();
            Some((
                hop.parse().ok()?,
                (words[0].to_string(), words[2].parse().ok()?),
            ))
        })
        .collect()
}

fn peer(lab: &Lab, program: &str, args: &[&str]) -> String {
    let out = lab.host.command(program).args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn chain_hops(lab: &Lab, v6: bool) -> BTreeMap<u64, Vec<String>> {
    (1..=4)
        .map(|h| (u64::from(h), vec![lab.hop(h, v6).to_string()]))
        .collect()
}

#[test]
fn chain_hops_equal_traceroute_and_mtr() {
    if !root_or_skip("trace_chain")
        || !tool_or_skip("trace_chain", "traceroute")
        || !tool_or_skip("trace_chain", "mtr")
    {
        return;
    }
    let lab = Lab::chain("tc", 81, LabOptions::default());
    for v6 in [false, true] {
        let target = lab.target(v6);
        let family = if v6 { "-6" } else { "-4" };
        let want = chain_hops(&lab, v6);
        for (ours, theirs) in [
            (vec![], vec!["-I"]),
            (vec!["--udp"], vec![]),
            (vec!["--tcp", "80"], vec!["-T", "-p", "80"]),
        ] {
            let mut args = vec!["-n", "-w", "1", family];
            args.extend(&ours);
            args.push(&target);
            let (code, report, probes) = trace_json(&lab, &args);
            assert_eq!(code, Some(0), "{ours:?} {target}");
            assert_eq!(report_hops(&report), want, "{ours:?} {target}: {report}");
            assert_eq!(report["reached_hop"], 4);
            assert_eq!(report["method"], "raw");
            for hop in report["hops"].as_array().unwrap() {
                assert_eq!(
                    (hop["sent"].as_u64(), hop["received"].as_u64()),
                    (Some(3), Some(3))
                );
                assert_eq!(hop["loss_pct"], 0.0);
            }
            let reached: Vec<&Value> = probes.iter().filter(|p| p["reply"] == "reached").collect();
            assert!(reached.iter().all(|p| p["from"] == target.as_str()));
            let mut peer_args = vec!["-n", "-q", "1", "-w", "1", family];
            peer_args.extend(&theirs);
            peer_args.push(&target);
            let text = peer(&lab, "traceroute", &peer_args);
            assert_eq!(
                traceroute_hops(&text),
                want,
                "traceroute {peer_args:?}: {text}"
            );
        }
        // mtr's report and ours: the same host per hop, five probes each.
        let text = peer(
            &lab,
            "mtr",
            &["-n", "-r", "-c", "5", "-i", "0.1", family, &target],
        );
        let theirs = mtr_hops(&text);
        let (_, report, _) = trace_json(&lab, &["-n", "--report", "-c", "5", family, &target]);
        let ours: BTreeMap<u64, (String, u64)> = report["hops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["hop"].as_u64().unwrap(),
                    (
                        h["addrs"][0]["addr"].as_str().unwrap().to_string(),
                        h["sent"].as_u64().unwrap(),
                    ),
                )
            })
            .collect();
        assert_eq!(ours, theirs, "mtr: {text}");
    }
    // The text report: mtr's columns, a row per hop, the verdict.
    let out = lab
        .host
        .nettool()
        .args(["trace", "-n", &lab.target(false)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "trace to 10.81.4.2 (10.81.4.2), 30 hops max, icmp probes"
    );
    assert!(
        lines[1].starts_with("HOP  HOST        LOSS%   SNT     LAST      AVG"),
        "{text}"
    );
    for (i, hop) in (1..=4).enumerate() {
        let row = lines[2 + i];
        let prefix = format!(
            "{hop:>3}  {:<9}    0.0%     3  ",
            lab.hop(hop, false).to_string()
        );
        assert!(row.starts_with(&prefix), "{row:?} / {prefix:?}");
    }
    assert_eq!(lines[6], "10.81.4.2 answered at hop 4");
    assert_eq!(lines.len(), 7);
}

#[test]
fn silent_hop_is_a_star_and_the_trace_goes_on() {
    if !root_or_skip("trace_silent") || !tool_or_skip("trace_silent", "nft") {
        return;
    }
    let lab = Lab::chain(
        "ts",
        82,
        LabOptions {
            silent_router: Some(2),
            ..LabOptions::default()
        },
    );
    for v6 in [false, true] {
        let target = lab.target(v6);
        let (code, report, _) = trace_json(&lab, &["-n", "-w", "0.5", &target]);
        assert_eq!(code, Some(0));
        let mut want = chain_hops(&lab, v6);
        want.insert(2, vec![]);
        assert_eq!(report_hops(&report), want, "{report}");
        assert_eq!(report["hops"][1]["loss_pct"], 100.0);
        assert_eq!(report["hops"][1]["sent"], 3);
        if tool_or_skip("trace_silent", "traceroute") {
            let text = peer(
                &lab,
                "traceroute",
                &["-n", "-I", "-q", "1", "-w", "0.5", &target],
            );
            assert_eq!(traceroute_hops(&text), want, "{text}");
        }
    }
    let out = lab
        .host
        .nettool()
        .args(["trace", "-n", "-w", "0.5", &lab.target(false)])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l == "  2  *          100.0%     3"),
        "{text}"
    );
}

#[test]
fn unreachable_route_is_marked_and_ends_the_path() {
    if !root_or_skip("trace_unreachable") {
        return;
    }
    let lab = Lab::chain(
        "tu",
        83,
        LabOptions {
            unreachable_router: Some(2),
            ..LabOptions::default()
        },
    );
    for (v6, mark) in [(false, "!H"), (true, "!N")] {
        let target = lab.unreachable(v6);
        let (code, report, probes) = trace_json(&lab, &["-n", "-w", "1", &target]);
        assert_eq!(code, Some(1), "{report}");
        assert_eq!(report["reached"], false);
        let hops = report["hops"].as_array().unwrap();
        assert_eq!(hops.len(), 2, "{report}");
        assert_eq!(hops[1]["addrs"][0]["addr"], lab.hop(2, v6).to_string());
        assert_eq!(hops[1]["annotation"], mark);
        assert!(
            probes
                .iter()
                .any(|p| p["annotation"] == mark && p["reply"] == "unreachable")
        );
    }
    // IPv4 unreachable routes answer through a token bucket per source (five at once, then one
    // a second), not icmp_ratelimit: the text run comes from the host's second address.
    let out = lab
        .host
        .nettool()
        .args([
            "trace",
            "-n",
            "-w",
            "1",
            "-I",
            "10.83.1.3",
            &lab.unreachable(false),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("  2  {} !H  ", lab.hop(2, false))),
        "{text}"
    );
    assert!(
        text.ends_with("10.83.9.1 not reached: unreachable at hop 2 (!H)\n"),
        "{text}"
    );
}

#[test]
fn target_that_never_answers_ends_at_max_hops() {
    if !root_or_skip("trace_dead_end") {
        return;
    }
    let lab = Lab::chain("td", 84, LabOptions::default());
    let target = lab.dead_end(false);
    let (code, report, probes) =
        trace_json(&lab, &["-n", "-m", "6", "-q", "2", "-w", "0.4", &target]);
    assert_eq!(code, Some(1));
    assert_eq!(report["reached"], false);
    assert!(report["reached_hop"].is_null());
    let hops = report_hops(&report);
    assert_eq!(hops.len(), 6);
    // r3 blackholes the target's network: it drops the probes before their TTL is looked at,
    // so it is silent too (traceroute shows the same).
    for hop in 1..=2u8 {
        assert_eq!(hops[&u64::from(hop)], [lab.hop(hop, false).to_string()]);
    }
    for hop in 3..=6 {
        assert!(hops[&hop].is_empty());
    }
    assert_eq!(probes.len(), 12);
    assert_eq!(probes.iter().filter(|p| p["reply"] == "timeout").count(), 8);
    let out = lab
        .host
        .nettool()
        .args(["trace", "-n", "-m", "5", "-w", "0.3", &target])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .ends_with("10.84.8.1 did not answer within 5 hops\n")
    );
}

#[test]
fn forked_path_shows_both_routers_and_flow_keeps_one() {
    if !root_or_skip("trace_fork") {
        return;
    }
    let lab = Lab::fork("tf", 85);
    let target = lab.target(false);
    // Sixteen probes to sixteen ports: both ways are taken (all on one way: 2^-15).
    let (code, report, _) = trace_json(&lab, &["-n", "--udp", "-q", "16", "-w", "1", &target]);
    assert_eq!(code, Some(0), "{report}");
    let hops = report_hops(&report);
    assert_eq!(hops[&2], ["10.85.2.2", "10.85.5.2"], "{report}");
    assert_eq!(hops[&4], ["10.85.4.2"]);
    let counts: u64 = report["hops"][1]["addrs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counts, 16);
    // --flow: one five-tuple, one way.
    let (code, report, _) = trace_json(
        &lab,
        &["-n", "--udp", "--flow", "-q", "16", "-w", "1", &target],
    );
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report_hops(&report)[&2].len(), 1, "{report}");
    // The text report lists the second address on a line of its own.
    let out = lab
        .host
        .nettool()
        .args(["trace", "-n", "--udp", "-q", "16", &target])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l == "     10.85.5.2" || l == "     10.85.2.2"),
        "{text}"
    );
    // IPv6: the multipath route hashes on ports too.
    let target = lab.target(true);
    let (code, report, _) =
        trace_json(&lab, &["-6", "-n", "--udp", "-q", "16", "-w", "1", &target]);
    assert_eq!(code, Some(0), "{report}");
    let hops = report_hops(&report);
    assert_eq!(hops[&2], ["fd00:85:2::2", "fd00:85:5::2"], "{report}");
    assert_eq!(hops[&4], [target.as_str()]);
    let (code, report, _) = trace_json(
        &lab,
        &[
            "-6", "-n", "--udp", "--flow", "-q", "16", "-w", "1", &target,
        ],
    );
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report_hops(&report)[&2].len(), 1, "{report}");
}

#[test]
fn loss_at_a_middle_hop_equals_what_its_router_dropped() {
    if !root_or_skip("trace_middle_loss") {
        return;
    }
    let lab = Lab::chain("tm", 89, LabOptions::default());
    lab.thin_time_exceeded(2, 3);
    let (code, report, probes) =
        trace_json(&lab, &["-n", "-q", "9", "-w", "1", &lab.target(false)]);
    assert_eq!(code, Some(0), "{report}");
    let dropped = lab.time_exceeded_dropped(2);
    // r2 saw exactly the nine TTL-2 probes and its rule took every third reply.
    assert_eq!(dropped, 3, "{report}");
    let lost: Vec<u64> = probes
        .iter()
        .filter(|p| p["reply"] == "timeout")
        .map(|p| p["ttl"].as_u64().unwrap())
        .collect();
    assert_eq!(lost, [2, 2, 2], "{probes:?}");
    let hop2 = &report["hops"][1];
    assert_eq!(
        (hop2["sent"].as_u64(), hop2["received"].as_u64()),
        (Some(9), Some(9 - dropped))
    );
    let want_loss = dropped as f64 * 100.0 / 9.0;
    assert!(
        (hop2["loss_pct"].as_f64().unwrap() - want_loss).abs() < 1e-9,
        "{hop2}"
    );
    assert_eq!(report_hops(&report)[&2], ["10.89.2.2"]);
    for hop in [0, 2, 3] {
        assert_eq!(report["hops"][hop]["loss_pct"], 0.0, "{report}");
    }
}

/// What tmux's pane `pane` shows now.
fn pane_text(server: &str, pane: &str) -> String {
    let out = std::process::Command::new("tmux")
        .args(["-L", server, "capture-pane", "-p", "-t", pane])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Poll the pane (every 100 ms, at most `tries` times) until `done` holds; the last text.
fn wait_for_pane(server: &str, pane: &str, tries: u32, done: impl Fn(&str) -> bool) -> String {
    let mut text = String::new();
    for _ in 0..tries {
        text = pane_text(server, pane);
        if done(&text) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    text
}

#[test]
fn live_view_redraws_in_a_terminal_and_ctrl_c_prints_the_report() {
    if !root_or_skip("trace_live") || !tool_or_skip("trace_live", "tmux") {
        return;
    }
    let lab = Lab::chain("tl", 90, LabOptions::default());
    let server = format!("nettool-trace-{}", std::process::id());
    let command = format!(
        "ip netns exec {} {} trace -n -i 0.2 {}; echo exit=$?; sleep 30",
        lab.host.name,
        crate::common::bin().display(),
        lab.target(false)
    );
    let started = std::process::Command::new("tmux")
        .args([
            "-L",
            &server,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "live",
        ])
        .args(["-x", "120", "-y", "40", &command])
        .status()
        .unwrap();
    assert!(started.success());
    struct Server(String);
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = std::process::Command::new("tmux")
                .args(["-L", &self.0, "kill-server"])
                .status();
        }
    }
    let _server = Server(server.clone());
    // The first frame is round 1; a later round on screen means the table was redrawn.
    let live = wait_for_pane(&server, "live", 100, |t| {
        t.contains("(round 3, Ctrl-C to stop)")
    });
    assert!(live.contains("(round 3, Ctrl-C to stop)"), "{live}");
    assert!(
        !live.contains("(round 1,"),
        "one frame replaces the last: {live}"
    );
    assert!(live.contains("  4  10.90.4.2 "), "{live}");
    let sent = std::process::Command::new("tmux")
        .args(["-L", &server, "send-keys", "-t", "live", "C-c"])
        .status()
        .unwrap();
    assert!(sent.success());
    let end = wait_for_pane(&server, "live", 100, |t| t.contains("exit="));
    assert!(end.contains("exit=0"), "{end}");
    assert!(end.contains("10.90.4.2 answered at hop 4"), "{end}");
    assert!(
        !end.contains("Ctrl-C to stop"),
        "the report replaces the live view: {end}"
    );
}

#[test]
fn loss_and_delay_at_a_hop_equal_the_responders() {
    if !root_or_skip("trace_impaired") {
        return;
    }
    let lab = Lab::chain("ti", 86, LabOptions::default());
    let delay = Duration::from_millis(30);
    let responder = Responder::echo(lab.target_ns(), delay, 3);
    let (code, report, probes) =
        trace_json(&lab, &["-n", "-q", "6", "-w", "1", &lab.target(false)]);
    let log = responder.finish();
    assert_eq!(code, Some(0));
    // Every probe that reached the target is in the responder's log, and its fate matches.
    let at_target: Vec<&Value> = probes
        .iter()
        .filter(|p| p["ttl"].as_u64().unwrap() >= 4)
        .collect();
    assert_eq!(at_target.len(), log.len(), "{log:?}");
    for probe in &at_target {
        let seq = probe["seq"].as_u64().unwrap();
        let (_, _, fate) = log.iter().find(|(s, _, _)| u64::from(*s) == seq).unwrap();
        match fate {
            None => assert_eq!(probe["reply"], "timeout", "{probe}"),
            Some(real) => {
                assert_eq!(probe["reply"], "reached", "{probe}");
                let rtt = probe["rtt_ms"].as_f64().unwrap();
                let real_ms = real.as_secs_f64() * 1000.0;
                assert!(*real >= delay);
                // The responder's clock starts when the probe reaches it, which on a loaded
                // machine can be a little after the sender took its send time or a little
                // before (the forwarding runs inside the sender's sendto): tens of
                // milliseconds either way, not the hold itself.
                assert!(
                    rtt >= real_ms - 10.0 && rtt <= real_ms + 50.0,
                    "{rtt} vs {real_ms}"
                );
            }
        }
    }
    // The target's hop: its loss is the responder's drops among the TTL-4 probes.
    let hop4 = &report["hops"][3];
    let ttl4: Vec<u64> = probes
        .iter()
        .filter(|p| p["ttl"] == 4)
        .map(|p| p["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(ttl4.len(), 6);
    let dropped = log
        .iter()
        .filter(|(s, _, f)| f.is_none() && ttl4.contains(&u64::from(*s)))
        .count() as u64;
    assert_eq!(hop4["sent"], 6);
    assert_eq!(hop4["received"], 6 - dropped);
    let want_loss = dropped as f64 * 100.0 / 6.0;
    assert!((hop4["loss_pct"].as_f64().unwrap() - want_loss).abs() < 1e-9);
    assert!(hop4["best_ms"].as_f64().unwrap() >= 30.0, "{hop4}");
    assert_eq!(report["hops"][2]["loss_pct"], 0.0);
}

#[test]
fn loss_and_delay_at_a_middle_hop_equal_its_responders() {
    if !root_or_skip("trace_hop_impaired") {
        return;
    }
    let lab = Lab::chain("tr", 91, LabOptions::default());
    let delay = Duration::from_millis(30);
    let responder = Responder::expiring(&lab, 2, delay, 3);
    let (code, report, probes) =
        trace_json(&lab, &["-n", "-q", "9", "-w", "1", &lab.target(false)]);
    let log = responder.finish();
    assert_eq!(code, Some(0), "{report}");
    // Every TTL-2 probe expired at r2, where the responder took it (and nothing else).
    let at_hop: Vec<&Value> = probes.iter().filter(|p| p["ttl"] == 2).collect();
    assert_eq!(at_hop.len(), 9, "{probes:?}");
    let mut taken: Vec<u64> = log.iter().map(|(s, _, _)| u64::from(*s)).collect();
    let mut sent: Vec<u64> = at_hop.iter().map(|p| p["seq"].as_u64().unwrap()).collect();
    taken.sort_unstable();
    sent.sort_unstable();
    assert_eq!(taken, sent, "{log:?}");
    assert!(log.iter().all(|(_, ttl, _)| *ttl == 1), "{log:?}");
    let dropped = log.iter().filter(|(_, _, fate)| fate.is_none()).count() as u64;
    assert_eq!(dropped, 3, "{log:?}");
    let router = lab.hop(2, false).to_string();
    // How far each round trip runs past the time the responder held its answer.
    let mut over = Vec::new();
    for probe in &at_hop {
        let seq = probe["seq"].as_u64().unwrap();
        let (_, _, fate) = log.iter().find(|(s, _, _)| u64::from(*s) == seq).unwrap();
        match fate {
            None => {
                assert_eq!(probe["reply"], "timeout", "{probe}");
                assert!(probe["from"].is_null(), "{probe}");
            }
            Some(held) => {
                assert_eq!(probe["reply"], "time_exceeded", "{probe}");
                assert_eq!(probe["from"], router.as_str(), "{probe}");
                assert_eq!(
                    (probe["icmp_type"].as_u64(), probe["icmp_code"].as_u64()),
                    (Some(11), Some(0))
                );
                assert!(*held >= delay);
                let rtt = probe["rtt_ms"].as_f64().unwrap();
                let least = delay.as_secs_f64() * 1000.0;
                assert!(
                    rtt >= least,
                    "rtt {rtt} ms is below the {least} ms delay: {probe}"
                );
                over.push(rtt - held.as_secs_f64() * 1000.0);
            }
        }
    }
    // A loaded machine may hold one answer back well past the rest: the typical round trip
    // (the median) is the responder's hold plus tens of milliseconds at most.
    over.sort_by(f64::total_cmp);
    let median = over[over.len() / 2];
    assert!(
        median <= 50.0,
        "round trips run {median} ms past the hold: {probes:?}"
    );
    // The report's hop 2: the router's address, the responder's drops as its loss, and
    // round trips no shorter than its delay.
    let hop2 = &report["hops"][1];
    assert_eq!(report_hops(&report)[&2], [router.as_str()], "{report}");
    assert_eq!(
        (hop2["sent"].as_u64(), hop2["received"].as_u64()),
        (Some(9), Some(9 - dropped)),
        "{hop2}"
    );
    let want_loss = dropped as f64 * 100.0 / 9.0;
    assert!(
        (hop2["loss_pct"].as_f64().unwrap() - want_loss).abs() < 1e-9,
        "{hop2}"
    );
    assert!(hop2["best_ms"].as_f64().unwrap() >= 30.0, "{hop2}");
    for hop in [0, 2, 3] {
        assert_eq!(report["hops"][hop]["loss_pct"], 0.0, "{report}");
    }
}

#[test]
fn without_root_the_datagram_method_traces_the_same_chain() {
    if !root_or_skip("trace_unprivileged") || !tool_or_skip("trace_unprivileged", "setpriv") {
        return;
    }
    let lab = Lab::chain("tn", 87, LabOptions::default());
    lab.host.sysctl("net.ipv4.ping_group_range", "0 2147483647");
    let unprivileged = |args: &[&str]| {
        lab.host
            .command("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(crate::common::bin())
            .args(args)
            .output()
            .unwrap()
    };
    for v6 in [false, true] {
        let target = lab.target(v6);
        for method in [None, Some("--udp")] {
            let mut args = vec!["--json", "trace", "-n", "-w", "1"];
            args.extend(method);
            args.push(&target);
            let out = unprivileged(&args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let records = ndjson(&out.stdout);
            let report = records.last().unwrap();
            assert_eq!(report["method"], "dgram");
            assert_eq!(report_hops(report), chain_hops(&lab, v6), "{report}");
        }
    }
    // TCP needs a raw socket: one line naming the fix.
    let out = unprivileged(&["trace", "--tcp", "80", &lab.target(false)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("setcap cap_net_raw+ep "), "{err}");
}

#[test]
fn ctrl_c_prints_the_report() {
    if !root_or_skip("trace_ctrl_c") {
        return;
    }
    let lab = Lab::chain("tx", 88, LabOptions::default());
    let child = lab
        .host
        .command(crate::common::bin())
        .args(["trace", "-n", "-c", "1000", "-i", "0.1", &lab.target(false)])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = ChildGuard(child);
    std::thread::sleep(Duration::from_millis(800));
    // `ip netns exec` runs nettool as its own process image: the PID is nettool's.
    child.interrupt();
    let status = child
        .wait_timeout(Duration::from_secs(5))
        .expect("ended on Ctrl-C");
    assert_eq!(status.code(), Some(0));
    let mut text = String::new();
    std::io::Read::read_to_string(child.0.stdout.as_mut().unwrap(), &mut text).unwrap();
    assert!(text.contains("  4  10.88.4.2 "), "{text}");
    assert!(text.ends_with("10.88.4.2 answered at hop 4\n"), "{text}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    for args in [
        vec!["trace"],
        vec!["trace", "-m", "0", "127.0.0.1"],
        vec!["trace", "-f", "9", "-m", "3", "127.0.0.1"],
        vec!["trace", "--udp", "-p", "99999", "127.0.0.1"],
        vec!["trace", "--tcp", "nosuchservice", "127.0.0.1"],
        vec!["trace", "-q", "0", "127.0.0.1"],
        vec!["trace", "-w", "soon", "127.0.0.1"],
        vec!["trace", "-4", "::1"],
    ] {
        let out = nettool().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn loopback_is_one_hop() {
    if !root_or_skip("trace_loopback") {
        return;
    }
    let out = nettool()
        .args(["--json", "trace", "-n", "-q", "2", "127.0.0.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = ndjson(&out.stdout);
    let report = records.last().unwrap();
    assert_eq!(report["reached_hop"], 1);
    assert_eq!(report["hops"][0]["addrs"][0]["addr"], "127.0.0.1");
    assert_eq!(report["hops"][0]["received"], 2);
}
