//! `nettool ifconfig` against interfaces, routes and neighbours that the test configures in its
//! own network namespaces, compared field by field with what was configured and with
//! `ip -j addr` / `ip -j route` in the same namespace.

use std::collections::BTreeSet;

use crate::common::{Netns, run};
use serde_json::Value;

const A_MAC: &str = "00:50:56:12:34:56"; // VMware's OUI, universally administered
const B_MAC: &str = "08:00:27:00:00:02"; // PCS Systemtechnik (VirtualBox)
const DOWN_MAC: &str = "02:00:00:00:00:c0"; // locally administered

/// Namespace `a` (the one inspected) joined to `b` (the peer) by veth a0/b0, plus a second
/// pair c0/d0 whose a-side end c0 is left down.
struct Lab {
    a: Netns,
    b: Netns,
}

impl Lab {
    fn new(tag: &str) -> Self {
        let (a, b) = (
            Netns::new(&format!("{tag}a")),
            Netns::new(&format!("{tag}b")),
        );
        for (x, y) in [("a0", "b0"), ("c0", "d0")] {
            run(
                "ip",
                &[
                    "link", "add", x, "netns", &a.name, "type", "veth", "peer", "name", y, "netns",
                    &b.name,
                ],
            );
        }
        a.exec(&["ip", "link", "set", "a0", "address", A_MAC, "mtu", "1400"]);
        a.exec(&["ip", "link", "set", "c0", "address", DOWN_MAC]);
        b.exec(&["ip", "link", "set", "b0", "address", B_MAC, "mtu", "1400"]);
        a.exec(&["ip", "addr", "add", "10.77.0.1/24", "brd", "+", "dev", "a0"]);
        a.exec(&[
            "ip",
            "-6",
            "addr",
            "add",
            "fd77::1/64",
            "dev",
            "a0",
            "nodad",
        ]);
        b.exec(&["ip", "addr", "add", "10.77.0.2/24", "brd", "+", "dev", "b0"]);
        b.exec(&[
            "ip",
            "-6",
            "addr",
            "add",
            "fd77::2/64",
            "dev",
            "b0",
            "nodad",
        ]);
        a.exec(&["ip", "link", "set", "a0", "up"]);
        b.exec(&["ip", "link", "set", "b0", "up"]);
        b.exec(&["ip", "link", "set", "d0", "up"]);
        a.exec(&["ip", "route", "add", "default", "via", "10.77.0.2"]);
        a.exec(&["ip", "-6", "route", "add", "default", "via", "fd77::2"]);
        Self { a, b }
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self
            .a
            .nettool()
            .arg("ifconfig")
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "nettool ifconfig {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        crate::common::schema::check("ifconfig", &out.stdout).remove(0)
    }

    fn ip_json(&self, args: &[&str]) -> Value {
        let mut argv = vec!["ip", "-j"];
        argv.extend_from_slice(args);
        serde_json::from_slice(&self.a.exec(&argv).stdout).unwrap()
    }
}

fn iface<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing from {report}"))
}

fn names(report: &Value) -> Vec<String> {
    report["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

fn address<'a>(iface: &'a Value, addr: &str) -> &'a Value {
    iface["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["address"] == addr)
        .unwrap_or_else(|| panic!("{addr} missing from {iface}"))
}

fn flags(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn interfaces_equal_configuration() {
    if !crate::common::root_or_skip("interfaces_equal_configuration") {
        return;
    }
    let lab = Lab::new("cfg");
    let all = lab.json(&["-a"]);
    assert_eq!(all["primary_ipv4"], "10.77.0.1");
    assert_eq!(all["primary_ipv6"], "fd77::1");

    let a0 = iface(&all, "a0");
    assert_eq!(a0["state"], "UP");
    assert_eq!(a0["mtu"], 1400);
    assert_eq!(a0["link_type"], "ether");
    for flag in ["UP", "BROADCAST", "MULTICAST", "RUNNING", "LOWER_UP"] {
        assert!(flags(&a0["flags"]).contains(flag), "{flag} in {a0}");
    }
    assert_eq!(a0["mac"]["address"], A_MAC);
    assert_eq!(a0["mac"]["administration"], "universal");
    assert_eq!(a0["mac"]["cast"], "unicast");
    assert_eq!(a0["mac"]["oui"], "00:50:56");
    assert_eq!(a0["mac"]["vendor"], "VMware, Inc.");

    let v4 = address(a0, "10.77.0.1");
    assert_eq!(v4["family"], "inet");
    assert_eq!(v4["prefix_len"], 24);
    assert_eq!(v4["netmask"], "255.255.255.0");
    assert_eq!(v4["network"], "10.77.0.0");
    assert_eq!(v4["broadcast"], "10.77.0.255");
    assert_eq!(v4["scope"], "global");
    assert_eq!(v4["primary"], true);
    let v6 = address(a0, "fd77::1");
    assert_eq!(v6["family"], "inet6");
    assert_eq!(v6["prefix_len"], 64);
    assert_eq!(v6["network"], "fd77::");
    assert_eq!(v6["netmask"], Value::Null);
    assert_eq!(v6["scope"], "global");
    assert_eq!(v6["primary"], true);
    let link_local = a0["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["address"].as_str().unwrap().starts_with("fe80:"))
        .expect("a link-local address");
    assert_eq!(link_local["scope"], "link");
    assert_eq!(link_local["primary"], false);

    let c0 = iface(&all, "c0");
    assert_eq!(c0["state"], "DOWN");
    assert!(!flags(&c0["flags"]).contains("UP"));
    assert_eq!(c0["mac"]["address"], DOWN_MAC);
    assert_eq!(c0["mac"]["administration"], "local");
    assert_eq!(c0["mac"]["vendor"], Value::Null);
    assert_eq!(c0["addresses"], serde_json::json!([]));
    for counter in ["rx_bytes", "rx_packets", "tx_bytes", "tx_packets"] {
        assert_eq!(c0["counters"][counter], 0, "{counter}");
    }

    let lo = iface(&all, "lo");
    assert_eq!(lo["mac"], Value::Null);
    assert_eq!(lo["link_type"], "loopback");
    assert_eq!(address(lo, "127.0.0.1")["scope"], "host");

    // Without -a the down interface is left out; naming it shows it alone.
    let up = lab.json(&[]);
    assert_eq!(names(&up), ["lo", "a0"]);
    let only = lab.json(&["c0"]);
    assert_eq!(names(&only), ["c0"]);
}

#[test]
fn interfaces_equal_ip_addr() {
    if !crate::common::root_or_skip("interfaces_equal_ip_addr") {
        return;
    }
    let lab = Lab::new("ipa");
    let ours = lab.json(&["-a"]);
    let theirs = lab.ip_json(&["addr"]);
    let theirs = theirs.as_array().unwrap();
    assert_eq!(ours["interfaces"].as_array().unwrap().len(), theirs.len());
    for ip in theirs {
        let name = ip["ifname"].as_str().unwrap();
        let me = iface(&ours, name);
        assert_eq!(me["index"], ip["ifindex"], "{name}");
        assert_eq!(me["mtu"], ip["mtu"], "{name}");
        assert_eq!(me["state"], ip["operstate"], "{name}");
        let mac = ip["address"].as_str().unwrap();
        if mac == "00:00:00:00:00:00" {
            assert_eq!(me["mac"], Value::Null, "{name}");
        } else {
            assert_eq!(me["mac"]["address"], mac, "{name}");
        }
        // ip does not print RUNNING; otherwise the same flag names.
        let mut mine = flags(&me["flags"]);
        mine.remove("RUNNING");
        assert_eq!(mine, flags(&ip["flags"]), "{name}");

        let want: BTreeSet<(String, String, u64, String, String)> = ip["addr_info"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["family"].as_str().unwrap().to_string(),
                    a["local"].as_str().unwrap().to_string(),
                    a["prefixlen"].as_u64().unwrap(),
                    a["broadcast"].as_str().unwrap_or("").to_string(),
                    a["scope"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let got: BTreeSet<(String, String, u64, String, String)> = me["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["family"].as_str().unwrap().to_string(),
                    a["address"].as_str().unwrap().to_string(),
                    a["prefix_len"].as_u64().unwrap(),
                    a["broadcast"].as_str().unwrap_or("").to_string(),
                    a["scope"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

/// Addresses with an alias label, a broadcast address that is not the network's, none at all,
/// and multipath routes (IPv4 and IPv6), each compared with `ip -j addr` / `ip -j route`.
#[test]
fn labels_broadcasts_and_multipath_routes_equal_ip() {
    if !crate::common::root_or_skip("labels_broadcasts_multipath") {
        return;
    }
    let lab = Lab::new("lbm");
    let a = &lab.a;
    a.exec(&[
        "ip",
        "addr",
        "add",
        "10.78.1.3/24",
        "brd",
        "+",
        "dev",
        "a0",
        "label",
        "a0:1",
    ]);
    a.exec(&[
        "ip",
        "addr",
        "add",
        "10.78.2.5/26",
        "broadcast",
        "10.78.2.50",
        "dev",
        "a0",
    ]);
    a.exec(&["ip", "addr", "add", "10.78.3.5/24", "dev", "a0"]);
    a.exec(&[
        "ip",
        "route",
        "add",
        "10.9.0.0/24",
        "nexthop",
        "via",
        "10.77.0.2",
        "dev",
        "a0",
        "weight",
        "1",
        "nexthop",
        "via",
        "10.78.1.7",
        "dev",
        "a0:1",
        "weight",
        "2",
    ]);
    a.exec(&[
        "ip",
        "-6",
        "route",
        "add",
        "fd79::/64",
        "nexthop",
        "via",
        "fd77::2",
        "dev",
        "a0",
        "weight",
        "3",
        "nexthop",
        "via",
        "fd77::3",
        "dev",
        "a0",
    ]);

    // Every address with ip's label and broadcast, and no interface made of a label.
    let ours = lab.json(&[]);
    assert_eq!(names(&ours), ["lo", "a0"]);
    let me = iface(&ours, "a0");
    let ip = lab.ip_json(&["addr", "show", "dev", "a0"]);
    let addr_info = ip[0]["addr_info"].as_array().unwrap();
    assert_eq!(me["addresses"].as_array().unwrap().len(), addr_info.len());
    for info in addr_info {
        let local = info["local"].as_str().unwrap();
        let mine = address(me, local);
        assert_eq!(mine["prefix_len"], info["prefixlen"], "{local}");
        assert_eq!(
            mine["label"],
            info.get("label").cloned().unwrap_or(Value::Null),
            "{local}"
        );
        assert_eq!(
            mine["broadcast"],
            info.get("broadcast").cloned().unwrap_or(Value::Null),
            "{local}"
        );
    }
    assert_eq!(address(me, "10.78.1.3")["label"], "a0:1");
    let odd = address(me, "10.78.2.5");
    assert_eq!(odd["broadcast"], "10.78.2.50");
    assert_eq!(odd["computed_broadcast"], "10.78.2.63");
    let none = address(me, "10.78.3.5");
    assert_eq!(none["broadcast"], Value::Null);
    assert_eq!(none["computed_broadcast"], "10.78.3.255");

    // Text: the label and the differing broadcast are marked on the address's row.
    let out = a.nettool().args(["ifconfig", "a0"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let row = |addr: &str| -> Vec<&str> {
        text.lines()
            .find(|l| l.split_whitespace().nth(1) == Some(addr))
            .unwrap_or_else(|| panic!("no row for {addr}: {text}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(
        row("10.78.1.3"),
        [
            "inet",
            "10.78.1.3",
            "(label",
            "a0:1)",
            "/24",
            "255.255.255.0",
            "10.78.1.0",
            "10.78.1.255",
            "global"
        ],
        "{text}"
    );
    assert_eq!(
        row("10.78.2.5")[5..],
        ["10.78.2.50", "(computed", "10.78.2.63)", "global"],
        "{text}"
    );
    assert_eq!(row("10.78.3.5")[5..], ["-", "global"], "{text}");
    // The label is no interface: asked for, it says whose it is.
    a.nettool()
        .args(["ifconfig", "a0:1"])
        .assert()
        .code(1)
        .stderr(
            "error: no such interface: a0:1 (a0:1 is a label of addresses of a0; interfaces \
             here: lo, a0, c0)\n",
        );

    // Multipath routes: every next hop, as ip lists them.
    let ours = lab.json(&["--routes", "a0"]);
    let ours = ours["routes"].as_array().unwrap();
    for (family, dst) in [("-4", "10.9.0.0/24"), ("-6", "fd79::/64")] {
        let theirs = lab.ip_json(&[family, "route", "show", dst]);
        let hops: Vec<(Value, Value, Value)> = theirs[0]["nexthops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["gateway"].clone(),
                    h["dev"].clone(),
                    h.get("weight").cloned().unwrap_or(1.into()),
                )
            })
            .collect();
        let mine = ours
            .iter()
            .find(|r| r["destination"] == dst)
            .unwrap_or_else(|| panic!("{dst} missing: {ours:?}"));
        assert_eq!(mine["gateway"], Value::Null, "{mine}");
        assert_eq!(mine["interface"], Value::Null, "{mine}");
        let my_hops: Vec<(Value, Value, Value)> = mine["nexthops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["gateway"].clone(),
                    h["interface"].clone(),
                    h["weight"].clone(),
                )
            })
            .collect();
        assert_eq!(my_hops, hops, "{dst}");
        assert_eq!(hops.len(), 2, "{theirs}");
    }
    let out = a.nettool().args(["ifconfig", "--routes"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let at = lines
        .iter()
        .position(|l| l.first() == Some(&"10.9.0.0/24"))
        .unwrap();
    assert_eq!(
        lines[at][1..5],
        ["10.77.0.2", "weight", "1", "a0"],
        "{text}"
    );
    assert_eq!(lines[at + 1], ["10.78.1.7", "weight", "2", "a0"], "{text}");
}

#[test]
fn counters_bracketed_by_ip() {
    if !crate::common::root_or_skip("counters_bracketed_by_ip")
        || !crate::common::tool_or_skip("counters", "ping")
    {
        return;
    }
    let lab = Lab::new("cnt");
    lab.a
        .exec(&["ping", "-c", "3", "-i", "0.2", "-W", "2", "10.77.0.2"]);
    let stats = |v: &Value| -> Vec<u64> {
        let s = &v[0]["stats64"];
        vec![
            s["rx"]["bytes"].as_u64().unwrap(),
            s["rx"]["packets"].as_u64().unwrap(),
            s["tx"]["bytes"].as_u64().unwrap(),
            s["tx"]["packets"].as_u64().unwrap(),
        ]
    };
    let before = stats(&lab.ip_json(&["-s", "link", "show", "a0"]));
    let ours = lab.json(&["a0"]);
    let after = stats(&lab.ip_json(&["-s", "link", "show", "a0"]));
    let c = &iface(&ours, "a0")["counters"];
    let mine: Vec<u64> = ["rx_bytes", "rx_packets", "tx_bytes", "tx_packets"]
        .iter()
        .map(|k| c[k].as_u64().unwrap())
        .collect();
    for i in 0..4 {
        assert!(
            before[i] <= mine[i] && mine[i] <= after[i],
            "{before:?} {mine:?} {after:?}"
        );
    }
    assert!(
        mine[1] >= 3 && mine[3] >= 3,
        "three pings each way: {mine:?}"
    );
    assert_eq!(c["rx_errors"], 0);
    assert_eq!(c["tx_dropped"], 0);

    // Text: the raw number (beside human units from 1 KiB), bracketed by ip's counts read
    // around this run too, since IPv6 housekeeping on the link may move them meanwhile.
    let before = stats(&lab.ip_json(&["-s", "link", "show", "a0"]));
    let out = lab.a.nettool().args(["ifconfig", "a0"]).output().unwrap();
    let after = stats(&lab.ip_json(&["-s", "link", "show", "a0"]));
    let text = String::from_utf8(out.stdout).unwrap();
    let rx_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("RX "))
        .unwrap_or_else(|| panic!("no RX line: {text}"));
    let rx_bytes: u64 = rx_line
        .split(" bytes")
        .next()
        .and_then(|head| head.rsplit(['(', ' ']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no byte count in {rx_line:?}"));
    assert!(
        before[0] <= rx_bytes && rx_bytes <= after[0],
        "{before:?} {rx_bytes} {after:?}: {text}"
    );
}

#[test]
fn routes_equal_ip_route() {
    if !crate::common::root_or_skip("routes_equal_ip_route") {
        return;
    }
    let lab = Lab::new("rt");
    let ours = lab.json(&["--routes"]);
    let ours = ours["routes"].as_array().unwrap();
    let mut theirs = lab.ip_json(&["route"]).as_array().unwrap().clone();
    theirs.extend(
        lab.ip_json(&["-6", "route"])
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    assert_eq!(ours.len(), theirs.len(), "{ours:?} vs {theirs:?}");
    for (me, ip) in ours.iter().zip(&theirs) {
        let dst = prefix_of(ip, me["family"] == "inet6");
        assert_eq!(me["destination"], dst.as_str());
        assert_eq!(me["default"], ip["dst"] == "default");
        assert_eq!(
            me["gateway"],
            ip.get("gateway").cloned().unwrap_or(Value::Null)
        );
        assert_eq!(me["interface"], ip["dev"]);
        assert_eq!(me["metric"], ip.get("metric").cloned().unwrap_or(0.into()));
        assert_eq!(
            me["protocol"],
            ip.get("protocol").cloned().unwrap_or("boot".into())
        );
        assert_eq!(
            me["scope"],
            ip.get("scope").cloned().unwrap_or("global".into())
        );
        assert_eq!(
            me["prefsrc"],
            ip.get("prefsrc").cloned().unwrap_or(Value::Null)
        );
    }
    let default4 = ours
        .iter()
        .find(|r| r["destination"] == "0.0.0.0/0")
        .unwrap();
    assert_eq!(default4["gateway"], "10.77.0.2");
    assert_eq!(default4["interface"], "a0");
    assert_eq!(default4["default"], true);
    let default6 = ours.iter().find(|r| r["destination"] == "::/0").unwrap();
    assert_eq!(default6["gateway"], "fd77::2");

    let out = lab
        .a
        .nettool()
        .args(["ifconfig", "--routes"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("default (0.0.0.0/0)"))
        .unwrap();
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[2..5], ["10.77.0.2", "a0", "0"], "{text}");
}

/// The destination `ip -j route` prints, as a prefix (`default` and host routes spelled out).
fn prefix_of(ip: &Value, v6: bool) -> String {
    match ip["dst"].as_str().unwrap() {
        "default" if v6 => "::/0".to_string(),
        "default" => "0.0.0.0/0".to_string(),
        d if d.contains('/') => d.to_string(),
        d if v6 => format!("{d}/128"),
        d => format!("{d}/32"),
    }
}

#[test]
fn route_to_equals_ip_route_get() {
    if !crate::common::root_or_skip("route_to_equals_ip_route_get") {
        return;
    }
    let lab = Lab::new("rg");
    for dst in [
        "10.77.0.99",
        "198.51.100.7",
        "10.77.0.1",
        "10.77.0.255",
        "127.0.0.5",
        "fd77::99",
        "2001:db8::1",
        "::1",
    ] {
        let v6 = dst.contains(':');
        let ours = lab.json(&["--route-to", dst]);
        // The route as used, and the table entry it comes from (ip route get fibmatch).
        let get = &lab.ip_json(&["route", "get", dst])[0];
        let fib = &lab.ip_json(&["route", "get", "fibmatch", dst])[0];
        assert_eq!(ours["destination"], dst);
        assert_eq!(ours["interface"], get["dev"], "{dst}: {get}");
        assert_eq!(ours["source"], get["prefsrc"], "{dst}: {get}");
        assert_eq!(
            ours["gateway"],
            get.get("gateway").cloned().unwrap_or(Value::Null),
            "{dst}: {get}"
        );
        assert_eq!(ours["route"], prefix_of(fib, v6).as_str(), "{dst}: {fib}");
        assert_eq!(
            ours["type"],
            fib.get("type").cloned().unwrap_or("unicast".into()),
            "{dst}: {fib}"
        );
        assert_eq!(
            ours["table"],
            fib.get("table").cloned().unwrap_or("main".into()),
            "{dst}: {fib}"
        );
        assert_eq!(
            ours["metric"],
            fib.get("metric").cloned().unwrap_or(0.into()),
            "{dst}: {fib}"
        );
        assert_eq!(ours["local"], ours["type"] == "local", "{dst}");
    }
    // The loopback network is this host's own, from the local routes.
    let lo = lab.json(&["--route-to", "127.0.0.5"]);
    assert_eq!(lo["type"], "local");
    assert_eq!(lo["route"], "127.0.0.0/8");
    assert_eq!(lo["interface"], "lo");
    assert_eq!(lo["source"], "127.0.0.1");
}

#[test]
fn local_table_equals_ip_route_show_table_local() {
    if !crate::common::root_or_skip("local_table") {
        return;
    }
    let lab = Lab::new("lt");
    let ours = lab.json(&["--table", "local"]);
    let ours = ours["routes"].as_array().unwrap();
    let mut theirs: Vec<(String, String, Value)> = Vec::new();
    for (family, v6) in [("-4", false), ("-6", true)] {
        for ip in lab
            .ip_json(&[family, "route", "show", "table", "local"])
            .as_array()
            .unwrap()
        {
            theirs.push((
                prefix_of(ip, v6),
                ip.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("unicast")
                    .to_string(),
                ip["dev"].clone(),
            ));
        }
    }
    let ours: Vec<(String, String, Value)> = ours
        .iter()
        .map(|r| {
            assert_eq!(r["table"], "local");
            (
                r["destination"].as_str().unwrap().to_string(),
                r["type"].as_str().unwrap().to_string(),
                r["interface"].clone(),
            )
        })
        .collect();
    assert_eq!(ours, theirs);
    assert!(
        ours.iter()
            .any(|(d, t, _)| d == "10.77.0.1/32" && t == "local")
    );
    assert!(
        ours.iter()
            .any(|(d, t, _)| d == "10.77.0.255/32" && t == "broadcast")
    );
}

#[test]
fn route_to_on_link_and_via_gateway() {
    if !crate::common::root_or_skip("route_to_on_link_and_via_gateway") {
        return;
    }
    let lab = Lab::new("to");
    let cases = [
        (
            "10.77.0.99",
            "10.77.0.0/24",
            Value::Null,
            true,
            "10.77.0.1",
            false,
        ),
        (
            "198.51.100.7",
            "0.0.0.0/0",
            "10.77.0.2".into(),
            false,
            "10.77.0.1",
            true,
        ),
        ("fd77::99", "fd77::/64", Value::Null, true, "fd77::1", false),
        (
            "2001:db8::1",
            "::/0",
            "fd77::2".into(),
            false,
            "fd77::1",
            true,
        ),
    ];
    for (dst, route, gateway, on_link, source, default) in cases {
        let r = lab.json(&["--route-to", dst]);
        assert_eq!(r["destination"], dst);
        assert_eq!(r["route"], route, "{dst}");
        assert_eq!(r["gateway"], gateway, "{dst}");
        assert_eq!(r["on_link"], on_link, "{dst}");
        assert_eq!(r["source"], source, "{dst}");
        assert_eq!(r["interface"], "a0", "{dst}");
        assert_eq!(r["default"], default, "{dst}");
        assert_eq!(r["local"], false, "{dst}");
    }
    let own = lab.json(&["--route-to", "10.77.0.1"]);
    assert_eq!(own["local"], true);

    let text = lab
        .a
        .nettool()
        .args(["ifconfig", "--route-to", "10.77.0.99"])
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8(text.stdout).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "10.77.0.99 is on-link: in the attached network 10.77.0.0/24, delivered directly"
    );
    let via = lab
        .a
        .nettool()
        .args(["ifconfig", "--route-to", "198.51.100.7"])
        .output()
        .unwrap();
    let via = String::from_utf8(via.stdout).unwrap();
    assert_eq!(
        via.lines().next().unwrap(),
        "198.51.100.7 is not on-link: sent via gateway 10.77.0.2"
    );

    // The peer has no default route: no route is a negative answer.
    lab.b
        .nettool()
        .args(["ifconfig", "--route-to", "198.51.100.7"])
        .assert()
        .code(1)
        .stderr("error: no route to 198.51.100.7\n");
    // A bad address is invalid input.
    lab.a
        .nettool()
        .args(["ifconfig", "--route-to", "10.77.0.300"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "error: 10.77.0.300: not an IP address",
        ));
}

#[test]
fn neighbours_after_ping() {
    if !crate::common::root_or_skip("neighbours_after_ping")
        || !crate::common::tool_or_skip("neighbours", "ping")
    {
        return;
    }
    let lab = Lab::new("nb");
    lab.a.exec(&["ping", "-c", "1", "-W", "2", "10.77.0.2"]);
    lab.a.exec(&["ping", "-6", "-c", "1", "-W", "2", "fd77::2"]);
    lab.a.exec(&[
        "ip",
        "neigh",
        "add",
        "10.77.0.50",
        "lladdr",
        "00:50:56:00:00:50",
        "dev",
        "a0",
        "nud",
        "permanent",
    ]);
    // The state of each entry as `ip neigh` prints it, read just before nettool.
    let ip_neigh = String::from_utf8(lab.a.exec(&["ip", "neigh", "show"]).stdout).unwrap();
    let ip_state = |addr: &str| {
        ip_neigh
            .lines()
            .find(|l| l.starts_with(&format!("{addr} ")))
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or_else(|| panic!("{addr} missing from ip neigh: {ip_neigh}"))
            .to_string()
    };
    let report = lab.json(&["--neighbours"]);
    let all = report["neighbours"].as_array().unwrap();
    let find = |addr: &str| {
        all.iter()
            .find(|n| n["address"] == addr)
            .unwrap_or_else(|| panic!("{addr} missing from {report}"))
    };
    let v4 = find("10.77.0.2");
    assert_eq!(v4["family"], "inet");
    assert_eq!(v4["mac"]["address"], B_MAC);
    assert_eq!(v4["mac"]["vendor"], "PCS Systemtechnik GmbH");
    assert_eq!(v4["interface"], "a0");
    assert_eq!(v4["state"], ip_state("10.77.0.2").as_str());
    assert!(
        ["REACHABLE", "STALE", "DELAY", "PROBE"].contains(&v4["state"].as_str().unwrap()),
        "{v4}"
    );
    let fixed = find("10.77.0.50");
    assert_eq!(fixed["state"], "PERMANENT");
    assert_eq!(ip_state("10.77.0.50"), "PERMANENT");
    assert_eq!(
        (
            fixed["mac"]["oui"].as_str(),
            fixed["mac"]["device"].as_str()
        ),
        (Some("00:50:56"), Some("00:00:50"))
    );
    let v6 = find("fd77::2");
    assert_eq!(v6["family"], "inet6");
    assert_eq!(v6["mac"]["address"], B_MAC);
    assert_eq!(v6["interface"], "a0");
    assert!(
        ["REACHABLE", "STALE", "DELAY", "PROBE"].contains(&v6["state"].as_str().unwrap()),
        "{v6}"
    );

    let out = lab
        .a
        .nettool()
        .args(["ifconfig", "--neighbours", "-4"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["ADDRESS", "MAC", "VENDOR", "INTERFACE", "STATE"]);
    let row = |addr: &str| lines.iter().find(|l| l[0] == addr).unwrap().clone();
    assert_eq!(
        row("10.77.0.2"),
        [
            "10.77.0.2",
            B_MAC,
            "PCS",
            "Systemtechnik",
            "GmbH",
            "a0",
            ip_state("10.77.0.2").as_str()
        ]
    );
    assert_eq!(row("10.77.0.50").last(), Some(&"PERMANENT"));
    assert_eq!(lines.len(), 3, "{text}");
}

#[test]
fn short_lines_and_unknown_interface() {
    if !crate::common::root_or_skip("short_lines_and_unknown_interface") {
        return;
    }
    let lab = Lab::new("sh");
    let out = lab
        .a
        .nettool()
        .args(["ifconfig", "-s", "-a"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["INTERFACE", "STATE", "MAC", "ADDRESSES"]);
    let a0 = rows.iter().find(|r| r[0] == "a0").unwrap();
    assert_eq!(a0[1..5], ["UP", A_MAC, "10.77.0.1/24", "(primary)"]);
    assert_eq!(a0[5], "fd77::1/64");
    let c0 = rows.iter().find(|r| r[0] == "c0").unwrap();
    assert_eq!(c0[1..], ["DOWN", DOWN_MAC]);

    let short = lab.json(&["-s"]);
    let a0 = iface(&short, "a0");
    assert_eq!(a0["state"], "UP");
    assert_eq!(a0["mac"], A_MAC);
    assert_eq!(a0["primary"], "10.77.0.1");
    assert_eq!(a0["addresses"][0], "10.77.0.1/24");
    assert_eq!(names(&short), ["lo", "a0"]);

    lab.a
        .nettool()
        .args(["ifconfig", "nosuch0"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: no such interface: nosuch0 (interfaces here: lo, a0, c0)\n");
    // A zone naming no interface, or an address where a name goes: bad input, one line.
    lab.a
        .nettool()
        .args(["ifconfig", "--route-to", "fe80::1%nosuch0"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: fe80::1%nosuch0: the zone names no interface here (interfaces: lo, a0, c0)\n",
        );
    lab.a
        .nettool()
        .args(["ifconfig", "fe80::1%nosuch0"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: fe80::1%nosuch0: an address, not an interface name (for the route to it: \
             nettool ifconfig --route-to fe80::1%nosuch0)\n",
        );
}
