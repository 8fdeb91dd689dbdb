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

/// Run a Python program over `input` (one case a line) and return its output lines, or None
/// (with the reason printed) when python3 is missing.
fn python(test: &str, program: &str, input: &str) -> Option<Vec<String>> {
    use std::io::Write;
    if !crate::common::tool_or_skip(test, "python3") {
        return None;
    }
    let mut child = std::process::Command::new("python3")
        .args(["-c", program])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

/// Addresses at the edges of every registry block and of the other blocks the classification
/// knows, plus random ones from the whole space.
fn address_cases(rng: &mut SplitMix) -> Vec<IpAddr> {
    use nettool::model::address::{IPV4_SPECIAL, IPV6_SPECIAL};
    let extra: [ipnet::IpNet; 8] = [
        "224.0.0.0/4".parse().unwrap(),
        "ff00::/8".parse().unwrap(),
        "fec0::/10".parse().unwrap(),
        "4000::/3".parse().unwrap(),
        "2000::/3".parse().unwrap(),
        "fe00::/9".parse().unwrap(),
        "::/8".parse().unwrap(),
        "1.0.0.0/8".parse().unwrap(),
    ];
    let blocks = IPV4_SPECIAL
        .iter()
        .chain(IPV6_SPECIAL)
        .map(|r| r.block)
        .chain(extra);
    let mut cases = Vec::new();
    for block in blocks {
        let (lo, hi, max) = match block {
            ipnet::IpNet::V4(n) => (
                u128::from(u32::from(n.network())),
                u128::from(u32::from(n.broadcast())),
                u128::from(u32::MAX),
            ),
            ipnet::IpNet::V6(n) => (
                u128::from(n.network()),
                u128::from(n.broadcast()),
                u128::MAX,
            ),
        };
        let span = hi - lo;
        let random =
            (u128::from(rng.next()) << 64 | u128::from(rng.next())) % span.saturating_add(1).max(1);
        let mut points = vec![lo, hi, lo + random];
        points.extend(lo.checked_sub(1));
        points.extend(hi.checked_add(1).filter(|h| *h <= max));
        for p in points {
            cases.push(if block.addr().is_ipv4() {
                IpAddr::V4(Ipv4Addr::from(p as u32))
            } else {
                IpAddr::V6(std::net::Ipv6Addr::from(p))
            });
        }
    }
    for _ in 0..1500 {
        cases.push(IpAddr::V4(Ipv4Addr::from(rng.next() as u32)));
        let high = rng.next();
        // Bias the top bits toward the small blocks near the start of the space.
        let high = match high % 4 {
            0 => high >> 32,
            1 => 0x2001_0000_0000_0000 | (high >> 40),
            _ => high,
        };
        cases.push(IpAddr::V6(std::net::Ipv6Addr::from(
            u128::from(high) << 64 | u128::from(rng.next()),
        )));
    }
    cases
}

/// Ranges where Python's `is_private`/`is_global` differ between its versions (the 2024 fix that
/// aligned them with the registries, the later RFC 9637 entry) or where the registry is newer
/// than Python's table: only the flags that every version agrees on are compared there. An
/// IPv4-mapped address is judged by Python through its embedded IPv4 address.
const PYTHON_VERSION_DEPENDENT: [&str; 9] = [
    "192.0.0.0/24",
    "192.88.99.0/24",
    "::ffff:0:0/96",
    "64:ff9b:1::/48",
    "100:0:0:1::/64",
    "2001::/23",
    "2002::/16",
    "3fff::/20",
    "5f00::/16",
];

#[test]
fn address_flags_agree_with_python_ipaddress() {
    use nettool::model::address::{self, AddressType, Scope};
    let mut rng = SplitMix(0x6164_6472_6573_7321);
    let cases = address_cases(&mut rng);
    let input: String = cases.iter().map(|a| format!("{a}\n")).collect();
    let program = "import ipaddress, sys\n\
        for line in sys.stdin:\n\
        \x20   a = ipaddress.ip_address(line.strip())\n\
        \x20   f = [a.is_private, a.is_global, a.is_reserved, a.is_link_local, a.is_loopback,\n\
        \x20        a.is_multicast, a.is_unspecified, getattr(a, 'is_site_local', False)]\n\
        \x20   print(''.join('1' if x else '0' for x in f))\n";
    let Some(lines) = python("address_flags_agree_with_python_ipaddress", program, &input) else {
        return;
    };
    assert_eq!(lines.len(), cases.len());
    let dependent: Vec<ipnet::IpNet> = PYTHON_VERSION_DEPENDENT
        .iter()
        .map(|n| n.parse().unwrap())
        .collect();
    let (mut stable, mut reach) = (0, 0);
    for (addr, line) in cases.iter().zip(&lines) {
        let py: Vec<bool> = line.bytes().map(|b| b == b'1').collect();
        let c = address::classify(*addr);
        let site_local = match addr {
            IpAddr::V6(a) => {
                address::ipv6_scope(*a) == Scope::SiteLocal && c.kind != AddressType::Multicast
            }
            IpAddr::V4(_) => false,
        };
        let ours = [
            address::is_reserved(*addr),
            address::is_link_local(*addr),
            c.kind == AddressType::Loopback,
            c.kind == AddressType::Multicast,
            c.kind == AddressType::Unspecified,
            site_local,
        ];
        if c.kind == AddressType::Ipv4Mapped {
            continue;
        }
        assert_eq!(
            ours[..],
            py[2..],
            "{addr}: reserved, link-local, loopback, multicast, unspecified, site-local"
        );
        stable += 1;
        if dependent.iter().any(|n| n.contains(addr)) {
            continue;
        }
        let private = c.globally_reachable() == Some(false) && c.kind != AddressType::Shared;
        assert_eq!(private, py[0], "{addr}: is_private ({c:?})");
        if let Some(global) = c.globally_reachable() {
            assert_eq!(global, py[1], "{addr}: is_global ({c:?})");
            reach += 1;
        }
    }
    assert!(stable > 3000 && reach > 1500, "{stable} {reach}");
}
