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
    crate::common::schema::check("subnet", &out.stdout).remove(0)
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
fn bare_address_is_a_single_address() {
    nettool()
        .args(["subnet", "172.16.5.4"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "Netmask:     255.255.255.255 = /32  (no mask given: a single address; class B's \
             default mask would be /16)\n",
        ));
    let v = json(&["::1"]);
    assert_eq!(
        (v["prefix"].as_u64(), v["hosts"].as_u64()),
        (Some(128), Some(1))
    );
    assert_eq!(v["prefix_source"], "single_address");
}

#[test]
fn list_modes_text_json_and_exit_codes() {
    nettool()
        .args(["subnet", "10.0.0.3", "-", "10.0.0.77"])
        .assert()
        .code(0)
        .stdout("10.0.0.3/32\n10.0.0.4/30\n10.0.0.8/29\n10.0.0.16/28\n10.0.0.32/27\n10.0.0.64/29\n10.0.0.72/30\n10.0.0.76/31\n");
    let v = json(&["10.0.0.3-10.0.0.77"]);
    assert_eq!(
        (v["first"].as_str(), v["addresses"].as_u64()),
        (Some("10.0.0.3"), Some(75))
    );
    assert_eq!(v["blocks"][7], "10.0.0.76/31");
    nettool()
        .args(["subnet", "--aggregate"])
        .write_stdin("10.0.1.0/24\n# a comment\n10.0.0.0/24\n\nfd00::/9\nfd80::/9\n")
        .assert()
        .code(0)
        .stdout("10.0.0.0/23\nfd00::/8\n");
    let out = nettool()
        .args(["subnet", "--aggregate", "-", "--json"])
        .write_stdin("10.0.0.0/25\n10.0.0.128/25\n")
        .output()
        .unwrap();
    let v = crate::common::schema::check("subnet", &out.stdout).remove(0);
    assert_eq!(
        v,
        serde_json::json!({"schema_version": 1, "prefixes_in": 2, "networks": ["10.0.0.0/24"]})
    );
    let out = nettool()
        .args(["subnet", "--aggregate"])
        .write_stdin("10.0.0.0/24\n10.0.0.300/24\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: stdin line 2: 10.0.0.300/24: octet 300 is out of range 0-255\n"
    );
    let v = json(&["192.168.0.0/24", "--hosts", "100,50,10"]);
    assert_eq!(v["fits"], true);
    assert_eq!(v["needed_addresses"], 208);
    assert_eq!(v["subnets"][1]["requested_hosts"], 50);
    assert_eq!(v["subnets"][1]["cidr"], "192.168.0.128/26");
    assert_eq!(
        v["unused"],
        serde_json::json!(["192.168.0.208/28", "192.168.0.224/27"])
    );
    nettool()
        .args(["subnet", "192.168.0.0/26", "--hosts", "100"])
        .assert()
        .code(1)
        .stdout("does not fit: the blocks need 128 addresses, 192.168.0.0/26 has 64\n");
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

/// Inputs for the parser: valid ones in every form (CIDR, netmask, hostmask, zone, bare) and
/// mutated ones that are mostly invalid.
fn interface_cases(rng: &mut SplitMix) -> Vec<String> {
    let mut cases = Vec::new();
    for _ in 0..1500 {
        let r = rng.next();
        let v4 = Ipv4Addr::from(r as u32);
        // Long prefixes more often, so that Python can list every host of many networks.
        let p4 = 32 - ((r >> 32) % 33).min((r >> 40) % 33) as u8;
        let mask = Ipv4Addr::from(u32::MAX.checked_shl(u32::from(32 - p4)).unwrap_or(0));
        let host = Ipv4Addr::from(!u32::from(mask));
        let v6 = std::net::Ipv6Addr::from(u128::from(rng.next()) << 64 | u128::from(r));
        let p6 = 128 - ((r >> 48) % 129).min((r >> 56) % 129) as u8;
        let valid = match r % 7 {
            0 => format!("{v4}/{mask}"),
            1 => format!("{v4}/{host}"),
            2 => format!("{v4}"),
            3 => format!("{v6}/{p6}"),
            4 => format!("fe80::{:x}%eth{}/{p6}", r & 0xffff, r % 3),
            5 => format!("{v6}"),
            _ => format!("{v4}/{p4}"),
        };
        cases.push(valid.clone());
        // A mutation: drop, double or replace one character.
        let mut chars: Vec<char> = valid.chars().collect();
        let at = (rng.next() % chars.len() as u64) as usize;
        match rng.next() % 3 {
            0 => {
                chars.remove(at);
            }
            1 => chars.insert(at, chars[at]),
            _ => chars[at] = ['.', ':', '/', '%', '9', 'f', 'g', '0'][(rng.next() % 8) as usize],
        }
        let mutated: String = chars.into_iter().collect();
        if !mutated.is_empty() {
            cases.push(mutated);
        }
    }
    cases
}

#[test]
fn facts_agree_with_python_ipaddress() {
    let mut rng = SplitMix(0x6970_6164_6472_6573);
    let cases = interface_cases(&mut rng);
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    let program = "import ipaddress, sys\n\
        for line in sys.stdin:\n\
        \x20   try:\n\
        \x20       n = ipaddress.ip_interface(line.rstrip('\\n')).network\n\
        \x20   except ValueError:\n\
        \x20       print('err'); continue\n\
        \x20   first = next(iter(n.hosts()))\n\
        \x20   if n.num_addresses <= 4096:\n\
        \x20       h = list(n.hosts()); last, count = h[-1], len(h)\n\
        \x20   else:\n\
        \x20       last, count = '-', '-'\n\
        \x20   print(str(n.network_address).split('%')[0] + '/' + str(n.prefixlen), n.prefixlen, first, last, count)\n";
    let Some(lines) = python("facts_agree_with_python_ipaddress", program, &input) else {
        return;
    };
    assert_eq!(lines.len(), cases.len());
    let (mut valid, mut invalid, mut listed) = (0, 0, 0);
    for (case, line) in cases.iter().zip(&lines) {
        let ours = subnet::parse_interface(case, None);
        if line == "err" {
            assert!(
                ours.is_err(),
                "{case}: Python rejects it, nettool accepts {ours:?}"
            );
            invalid += 1;
            continue;
        }
        let iface = ours.unwrap_or_else(|e| panic!("{case}: Python accepts it, nettool says {e}"));
        let f = subnet::facts(&iface);
        let py: Vec<&str> = line.split(' ').collect();
        let first = py[2].split('%').next().unwrap();
        assert_eq!(
            (
                f.cidr.to_string().as_str(),
                f.prefix.to_string().as_str(),
                f.first_host.to_string().as_str()
            ),
            (py[0], py[1], first),
            "{case}"
        );
        if py[3] != "-" {
            let last = py[3].split('%').next().unwrap();
            assert_eq!(f.last_host.to_string(), last, "{case}");
            assert_eq!(
                f.hosts.map(|h| h.to_string()).as_deref(),
                Some(py[4]),
                "{case}"
            );
            listed += 1;
        }
        valid += 1;
    }
    assert!(
        valid > 1400 && invalid > 400 && listed > 400,
        "{valid} {invalid} {listed}"
    );
}

#[test]
fn ranges_and_aggregates_agree_with_python_ipaddress() {
    let mut rng = SplitMix(0x7261_6e67_6573_2121);
    let mut ranges = Vec::new();
    let mut lists = Vec::new();
    for i in 0..300 {
        let (a, b) = if i % 2 == 0 {
            let a = rng.next() as u32;
            let b = a.saturating_add((rng.next() % (1 << (rng.next() % 32))) as u32);
            (IpAddr::V4(a.into()), IpAddr::V4(b.into()))
        } else {
            let a = u128::from(rng.next()) << 64 | u128::from(rng.next());
            let span = u128::from(rng.next()) << (rng.next() % 64);
            (
                IpAddr::V6(a.into()),
                IpAddr::V6(a.saturating_add(span).into()),
            )
        };
        ranges.push((a, b));
        // Neighbouring networks, some overlapping, so that most of them merge.
        let base = rng.next() as u32 & 0xffff_0000;
        let list: Vec<String> = (0..(2 + rng.next() % 12))
            .map(|_| {
                let p = 22 + (rng.next() % 7) as u8;
                let off = (rng.next() as u32 & 0x3ff)
                    & u32::MAX.checked_shl(u32::from(32 - p)).unwrap_or(0);
                format!("{}/{p}", Ipv4Addr::from(base | off))
            })
            .collect();
        lists.push(list);
    }
    let mut input: String = ranges.iter().map(|(a, b)| format!("r {a} {b}\n")).collect();
    input.extend(lists.iter().map(|l| format!("c {}\n", l.join(" "))));
    let program = "import ipaddress, sys\n\
        for line in sys.stdin:\n\
        \x20   k, *args = line.split()\n\
        \x20   if k == 'r':\n\
        \x20       nets = ipaddress.summarize_address_range(*map(ipaddress.ip_address, args))\n\
        \x20   else:\n\
        \x20       nets = ipaddress.collapse_addresses(map(ipaddress.ip_network, args))\n\
        \x20   print(' '.join(str(n) for n in nets))\n";
    let Some(lines) = python(
        "ranges_and_aggregates_agree_with_python_ipaddress",
        program,
        &input,
    ) else {
        return;
    };
    let join = |nets: Vec<ipnet::IpNet>| {
        nets.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    for ((a, b), line) in ranges.iter().zip(&lines) {
        assert_eq!(
            &join(subnet::summarize_range(*a, *b, "r").unwrap()),
            line,
            "{a} - {b}"
        );
    }
    let mut merged = 0;
    for (list, line) in lists.iter().zip(&lines[ranges.len()..]) {
        let nets: Vec<ipnet::IpNet> = list
            .iter()
            .map(|t| subnet::parse_network(t).unwrap())
            .collect();
        let ours = subnet::aggregate(&nets);
        merged += usize::from(ours.len() < nets.len());
        assert_eq!(&join(ours), line, "{list:?}");
    }
    assert!(merged > 100, "{merged}");
    // And through the binary, one of each.
    let words = |args: &[&str]| {
        let out = nettool().arg("subnet").args(args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let (a, b) = ranges[0];
    assert_eq!(words(&[&format!("{a}-{b}")]), lines[0]);
    let mut argv = vec!["--aggregate"];
    argv.extend(lists[0].iter().map(String::as_str));
    assert_eq!(words(&argv), lines[ranges.len()]);
}

#[test]
fn ranges_and_vlsm_agree_with_ipcalc() {
    if !crate::common::tool_or_skip("ranges_and_vlsm_agree_with_ipcalc", "ipcalc") {
        return;
    }
    let mut rng = SplitMix(0x766c_736d_2121_2121);
    for _ in 0..20 {
        let a = rng.next() as u32;
        let b = a.saturating_add((rng.next() % 5000) as u32);
        let (a, b) = (Ipv4Addr::from(a).to_string(), Ipv4Addr::from(b).to_string());
        let peer =
            String::from_utf8(crate::common::run("ipcalc", &["-n", &a, "-", &b]).stdout).unwrap();
        let peer: Vec<&str> = peer.lines().skip(1).collect();
        let ours = nettool().args(["subnet", &a, "-", &b]).output().unwrap();
        assert_eq!(
            String::from_utf8(ours.stdout)
                .unwrap()
                .lines()
                .collect::<Vec<_>>(),
            peer,
            "{a} - {b}"
        );
    }
    // ipcalc's split reserves the right blocks (its "Needed size" and the block starts) but
    // prints their prefix one bit too long (50 hosts as a /27 of 30 hosts): compare the starts,
    // the total and what is left.
    for _ in 0..25 {
        let prefix = 20 + rng.next() % 8;
        let net = format!(
            "{}/{prefix}",
            Ipv4Addr::from(rng.next() as u32 & u32::MAX << (32 - prefix))
        );
        let hosts: Vec<String> = (0..1 + rng.next() % 4)
            .map(|_| (3 + rng.next() % 600).to_string())
            .collect();
        let mut argv = vec!["-n", "-b", &net, "-s"];
        argv.extend(hosts.iter().map(String::as_str));
        let peer = String::from_utf8(crate::common::run("ipcalc", &argv).stdout).unwrap();
        // ipcalc lists the blocks in the order asked; nettool largest first: compare as sets.
        let mut starts: Vec<Ipv4Addr> = peer
            .split("Requested size")
            .skip(1)
            .map(|block| {
                ipcalc_field(block, "Network:")
                    .unwrap()
                    .split('/')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        starts.sort();
        let needed = ipcalc_field(&peer, "Needed size:").unwrap();
        let unused: Vec<&str> = peer
            .split("Unused:")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .collect();
        let too_small = peer.contains("Network is too small");
        let v = json(&[&net, "--hosts", &hosts.join(",")]);
        assert_eq!(v["needed_addresses"].to_string(), needed, "{net} {hosts:?}");
        assert_eq!(v["fits"], !too_small, "{net} {hosts:?}");
        if !too_small {
            let mut ours: Vec<Ipv4Addr> = v["subnets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["network"].as_str().unwrap().parse().unwrap())
                .collect();
            ours.sort();
            assert_eq!(ours, starts, "{net} {hosts:?}");
            let ours: Vec<&str> = v["unused"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert_eq!(ours, unused, "{net} {hosts:?}");
        }
    }
}

#[test]
fn second_address_with_the_same_prefix_is_compared() {
    // `ADDRESS/PREFIX ADDRESS/PREFIX`, as both hosts are configured, asks the same question as
    // the bare second address.
    for (second, same, code) in [
        ("192.168.2.10/24", false, 1),
        ("192.168.1.99/24", true, 0),
        ("192.168.1.99/255.255.255.0", true, 0),
    ] {
        let out = nettool()
            .args(["--json", "subnet", "192.168.1.10/24", second])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{second}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["compare"]["same_network"], same, "{second}");
        let bare = second.split('/').next().unwrap();
        assert_eq!(doc["compare"]["address"], bare);
    }
    let out = nettool()
        .args(["subnet", "192.168.1.10/24", "192.168.2.10/24"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().last(),
        Some(
            "different networks: 192.168.1.10 is in 192.168.1.0/24, 192.168.2.10 is in 192.168.2.0/24"
        )
    );
    // A different prefix would ask another question: the error shows the form that works,
    // and that form does work.
    let out = nettool()
        .args(["subnet", "192.168.1.10/24", "192.168.1.99/16"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: 192.168.1.99/16: its prefix /16 differs from the /24 of 192.168.1.10/24; to test \
         whether 192.168.1.99 is in 192.168.1.10's network, give it without a prefix: nettool \
         subnet 192.168.1.10/24 192.168.1.99\n"
    );
    nettool()
        .args(["subnet", "192.168.1.10/24", "192.168.1.99"])
        .assert()
        .code(0);
}
