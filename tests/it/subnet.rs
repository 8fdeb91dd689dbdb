//! `nettool subnet`: exit codes, text and JSON through the binary, properties over random input,
//! and a cross-check against the real `ipcalc`.

use std::net::{IpAddr, Ipv4Addr};

use crate::common::nettool;
use nettool::model::subnet;
use proptest::prelude::*;

fn json(args: &[&str]) -> serde_json::Value {
    let out = nettool()
        .arg("subnet")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn same_network_exits_0_different_exits_1() {
    nettool()
        .args(["subnet", "192.168.21.36/24", "192.168.21.21"])
        .assert()
        .code(0)
        .stdout(predicates::str::ends_with(
            "same network: 192.168.21.36 and 192.168.21.21 are both in 192.168.21.0/24\n",
        ));
    nettool()
        .args(["subnet", "192.168.21.36", "255.255.255.0", "192.168.22.21"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("different networks"));
}

#[test]
fn bad_input_is_one_line_exit_2() {
    let table = [
        (
            &["300.1.1.1/24"][..],
            "error: 300.1.1.1/24: octet 300 is out of range 0-255\n",
        ),
        (
            &["10.0.0.0/33"][..],
            "error: 10.0.0.0/33: prefix /33 is out of range 0-32\n",
        ),
        (
            &["10.0.0.0", "255.0.255.0"][..],
            "error: 255.0.255.0: netmask is not contiguous (its one bits must all come before \
             its zero bits)\n",
        ),
        (
            &["10.0.0.0/255.0.255.0"][..],
            "error: 255.0.255.0: netmask is not contiguous (its one bits must all come before \
             its zero bits)\n",
        ),
        (
            &["abc"][..],
            "error: abc: not an IP address (try 192.168.21.36/24 or 2001:db8::1/64)\n",
        ),
        (&[""][..], "error: : empty address (try 192.168.21.36/24)\n"),
        (
            &["10.0.0.0/8", "--split", "/4"][..],
            "error: /4: the network /8 cannot be split into larger subnets\n",
        ),
    ];
    for (args, want) in table {
        let out = nettool().arg("subnet").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(String::from_utf8(out.stderr).unwrap(), want, "{args:?}");
    }
}

#[test]
fn netmask_then_address_to_compare() {
    let v = json(&["10.0.0.9", "255.0.0.0", "10.200.0.1"]);
    assert_eq!(
        (v["prefix"].as_u64(), v["prefix_source"].as_str()),
        (Some(8), Some("netmask"))
    );
    assert_eq!(v["compare"]["same_network"], true);
    assert_eq!(v["compare"]["network"], "10.0.0.0");
}

#[test]
fn json_document_fields() {
    let v = json(&["192.168.21.36/255.255.255.0", "--binary"]);
    assert_eq!(v["address"], "192.168.21.36");
    assert_eq!(v["version"], 4);
    assert_eq!(v["prefix"], 24);
    assert_eq!(v["prefix_source"], "netmask");
    assert_eq!(v["netmask"], "255.255.255.0");
    assert_eq!(v["wildcard"], "0.0.0.255");
    assert_eq!(v["network"], "192.168.21.0");
    assert_eq!(v["cidr"], "192.168.21.0/24");
    assert_eq!(v["broadcast"], "192.168.21.255");
    assert_eq!(v["first_host"], "192.168.21.1");
    assert_eq!(v["last_host"], "192.168.21.254");
    assert_eq!(v["hosts"], 254);
    assert_eq!(v["addresses"], 256);
    assert_eq!(v["class"], "C");
    assert_eq!(v["address_type"], "private");
    assert_eq!(
        v["binary"]["network"],
        "11000000.10101000.00010101.00000000"
    );

    let v = json(&["100.64.1.1/31"]);
    assert_eq!(
        (v["hosts"].as_u64(), v["broadcast"].is_null()),
        (Some(2), true)
    );
    assert_eq!(v["address_type"], "shared");

    let v = json(&["2001:db8::1/64", "--split", "/65"]);
    assert_eq!(v["version"], 6);
    assert_eq!(v["class"], serde_json::Value::Null);
    assert_eq!(v["subnets"][1]["cidr"], "2001:db8:0:0:8000::/65");
    assert_eq!(v["subnets"].as_array().unwrap().len(), 2);
}

#[test]
fn bare_address_says_which_default() {
    nettool()
        .args(["subnet", "172.16.5.4"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "Netmask:     255.255.0.0 = /16  (no mask given: class B default)\n",
        ));
}

proptest! {
    #[test]
    fn any_string_never_panics(text in "\\PC{0,40}", mask in proptest::option::of("\\PC{0,20}")) {
        let _ = subnet::parse_interface(&text, mask.as_deref());
        let _ = subnet::parse_split(&text);
    }

    #[test]
    fn dotted_like_strings_never_panic(text in "[0-9./:a-f]{0,45}") {
        if let Ok(iface) = subnet::parse_interface(&text, None) {
            let _ = subnet::facts(&iface);
        }
    }

    #[test]
    fn network_address_broadcast_order(addr in any::<u32>(), prefix in 0u8..=32) {
        let iface = subnet::Interface {
            addr: IpAddr::V4(Ipv4Addr::from(addr)),
            prefix,
            prefix_source: subnet::PrefixSource::Cidr,
        };
        let f = subnet::facts(&iface);
        let (IpAddr::V4(net), IpAddr::V4(first), IpAddr::V4(last)) = (f.network, f.first_host, f.last_host)
            else { unreachable!() };
        prop_assert!(u32::from(net) <= addr);
        let top = f.broadcast.map_or(u32::from(last), |b| match b { IpAddr::V4(b) => u32::from(b), IpAddr::V6(_) => unreachable!() });
        prop_assert!(addr <= top);
        prop_assert!(u32::from(first) <= u32::from(last));
        prop_assert_eq!(f.network, subnet::and(f.address, f.netmask));
    }

    #[test]
    fn contains_agrees_with_and(a in any::<u32>(), b in any::<u32>(), prefix in 0u8..=32) {
        let iface = subnet::Interface {
            addr: IpAddr::V4(Ipv4Addr::from(a)),
            prefix,
            prefix_source: subnet::PrefixSource::Cidr,
        };
        let f = subnet::facts(&iface);
        let other = IpAddr::V4(Ipv4Addr::from(b));
        prop_assert_eq!(f.cidr.contains(&other), subnet::and(other, f.netmask) == f.network);
    }
}

/// A small deterministic generator (SplitMix64), so the cross-check sees the same prefixes on
/// every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The value after `label` on ipcalc's line for it (`Network:   10.1.2.0/24`).
fn ipcalc_field<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    text.lines()
        .find(|l| l.starts_with(label))
        .and_then(|l| l[label.len()..].split_whitespace().next())
}

#[test]
fn agrees_with_ipcalc() {
    if !crate::common::tool_or_skip("agrees_with_ipcalc", "ipcalc") {
        return;
    }
    let mut rng = SplitMix(0x6e65_7474_6f6f_6c21);
    let mut checked = 0;
    for _ in 0..300 {
        let r = rng.next();
        let addr = Ipv4Addr::from(r as u32);
        // Explicit prefixes only: for a bare address Debian's ipcalc assumes /24 whatever the
        // class, where nettool uses the classful default (and says so).
        let prefix = ((r >> 32) % 33) as u8;
        let input = format!("{addr}/{prefix}");
        let peer = crate::common::run("ipcalc", &["-n", "-b", &input]);
        let peer = String::from_utf8(peer.stdout).unwrap();
        let ours = subnet::facts(&subnet::parse_interface(&input, None).unwrap());
        let field = |label: &str| ipcalc_field(&peer, label).map(str::to_string);
        assert_eq!(field("Netmask:"), Some(ours.netmask.to_string()), "{input}");
        assert_eq!(
            field("Wildcard:"),
            Some(ours.wildcard.to_string()),
            "{input}"
        );
        assert_eq!(
            field("Hosts/Net:"),
            ours.hosts.map(|h| h.to_string()),
            "{input}"
        );
        if prefix == 32 {
            // A host route: ipcalc prints `Hostroute:` and no network, range or broadcast.
            assert_eq!(
                field("Hostroute:"),
                Some(ours.address.to_string()),
                "{input}"
            );
            assert_eq!(
                (ours.first_host, ours.last_host),
                (ours.address, ours.address)
            );
            assert_eq!(ours.broadcast, None);
        } else {
            assert_eq!(field("Network:"), Some(ours.cidr.to_string()), "{input}");
            // RFC 3021: a /31 has no broadcast, in ipcalc's output and in ours.
            assert_eq!(
                field("Broadcast:"),
                ours.broadcast.map(|b| b.to_string()),
                "{input}"
            );
            assert_eq!(
                field("HostMin:"),
                Some(ours.first_host.to_string()),
                "{input}"
            );
            assert_eq!(
                field("HostMax:"),
                Some(ours.last_host.to_string()),
                "{input}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 300);
}
