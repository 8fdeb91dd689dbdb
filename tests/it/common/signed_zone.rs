//! DNSSEC-signed zones served by unbound as an authoritative server (`auth-zone`) on a loopback
//! port. Each test gets fresh keys (ldns-keygen, ECDSA P-256) and zones signed with
//! ldns-signzone:
//!
//! - `good.test.`: signed with NSEC; `insecure.good.test.` is delegated to an unsigned zone
//!   (no DS, which the NSEC at the delegation proves) and `child.good.test.` has a DS record.
//! - `expired.test.`: every signature expired on 2020-01-01.
//! - `tampered.test.`: the signature over `www.tampered.test. A` has one character changed.
//! - `nsec3.test.`: signed with NSEC3 (one iteration, a salt).
//!
//! The trust anchors are the DS records of the key-signing keys, in zone-file form (`anchors`)
//! and in delv's `trust-anchors { }` form (`anchors_conf`).

use std::fmt::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Child;

/// A running authoritative unbound with the signed zones.
pub struct SignedZones {
    /// Its address (UDP and TCP).
    pub server: SocketAddr,
    dir: tempfile::TempDir,
    child: Child,
}

fn zone_text(origin: &str, extra: &str) -> String {
    format!(
        "$ORIGIN {origin}.\n$TTL 300\n@ IN SOA ns.{origin}. admin.{origin}. 1 3600 600 86400 300\n\
         @ IN NS ns.{origin}.\nns IN A 127.0.0.1\nwww IN A 192.0.2.1\nwww IN TXT \"hello\"\n{extra}"
    )
}

/// Keys for `zone` (KSK, ZSK), their file stems, and the KSK's DS line.
fn keys(dir: &Path, zone: &str) -> (String, String, String) {
    let ksk = super::unbound::run(dir, &["ldns-keygen", "-a", "ECDSAP256SHA256", "-k", zone]);
    let zsk = super::unbound::run(dir, &["ldns-keygen", "-a", "ECDSAP256SHA256", zone]);
    let ds = std::fs::read_to_string(dir.join(format!("{ksk}.ds"))).unwrap();
    (ksk, zsk, ds.trim().to_string())
}

fn sign(dir: &Path, zone: &str, text: &str, extra: &[&str]) -> String {
    let (ksk, zsk, ds) = keys(dir, zone);
    std::fs::write(dir.join(format!("{zone}.zone")), text).unwrap();
    let signed = format!("{zone}.signed");
    let mut args = vec!["ldns-signzone"];
    args.extend_from_slice(extra);
    args.extend(["-f", &signed]);
    let zone_file = format!("{zone}.zone");
    args.extend([zone_file.as_str(), ksk.as_str(), zsk.as_str()]);
    super::unbound::run(dir, &args);
    ds
}

impl SignedZones {
    /// Sign and serve the zones, or `None` (with a note) when a tool is missing.
    pub fn start(test: &str) -> Option<Self> {
        for tool in ["unbound", "ldns-signzone", "ldns-keygen"] {
            if !super::tool_or_skip(test, tool) {
                return None;
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (_, _, child_ds) = keys(d, "child.good.test");
        let child_ds = child_ds.replace("child.good.test.", "child");
        let good = zone_text(
            "good.test",
            &format!(
                "insecure IN NS ns.insecure\nns.insecure IN A 127.0.0.1\n\
                 child IN NS ns.child\nns.child IN A 127.0.0.1\n{child_ds}\n"
            ),
        );
        let mut anchors = String::new();
        for (zone, text, extra) in [
            ("good.test", good, vec![]),
            (
                "expired.test",
                zone_text("expired.test", ""),
                vec!["-e", "20200101", "-i", "20190101"],
            ),
            ("tampered.test", zone_text("tampered.test", ""), vec![]),
            (
                "nsec3.test",
                zone_text("nsec3.test", ""),
                vec!["-n", "-t", "1", "-s", "abcd"],
            ),
        ] {
            let ds = sign(d, zone, &text, &extra);
            let _ = writeln!(anchors, "{ds}");
        }
        tamper(&d.join("tampered.test.signed"));
        std::fs::write(
            d.join("insecure.good.test.signed"),
            zone_text("insecure.good.test", ""),
        )
        .unwrap();
        std::fs::write(d.join("anchors"), &anchors).unwrap();
        // delv reads anchors as named.conf does: trust-anchors { NAME static-ds TAG ALG TYPE "HEX"; };
        let mut conf = String::from("trust-anchors {\n");
        for line in anchors.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            let _ = writeln!(
                conf,
                "  {} static-ds {} {} {} \"{}\";",
                f[0], f[3], f[4], f[5], f[6]
            );
        }
        conf.push_str("};\n");
        std::fs::write(d.join("anchors.conf"), conf).unwrap();

        let port = super::free_tcp_port();
        let mut conf = format!(
            "server:\n  interface: 127.0.0.1@{port}\n  do-daemonize: no\n  username: \"\"\n\
             \x20 chroot: \"\"\n  directory: \"{0}\"\n  pidfile: \"\"\n  use-syslog: no\n\
             \x20 module-config: \"iterator\"\n  num-threads: 1\n  local-zone: \"test.\" nodefault\n",
            d.display()
        );
        for zone in [
            "good.test",
            "insecure.good.test",
            "expired.test",
            "tampered.test",
            "nsec3.test",
        ] {
            let _ = write!(
                conf,
                "auth-zone:\n  name: \"{zone}.\"\n  zonefile: \"{}/{zone}.signed\"\n\
                 \x20 for-downstream: yes\n  for-upstream: no\n",
                d.display()
            );
        }
        conf.push_str("remote-control:\n  control-enable: no\n");
        std::fs::write(d.join("unbound.conf"), conf).unwrap();
        let server = SocketAddr::from(([127, 0, 0, 1], port));
        let child = super::unbound::spawn_ready(&d.join("unbound.conf"), server);
        Some(Self { server, dir, child })
    }

    /// The DS records of the key-signing keys, in zone-file form.
    pub fn anchors(&self) -> PathBuf {
        self.dir.path().join("anchors")
    }

    /// The same anchors as delv reads them.
    pub fn anchors_conf(&self) -> PathBuf {
        self.dir.path().join("anchors.conf")
    }
}

/// Change one character of the signature over `www.tampered.test. A`.
fn tamper(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() > 4
                && fields[0] == "www.tampered.test."
                && fields[3] == "RRSIG"
                && fields[4].starts_with("A ")
            {
                let (head, sig) = fields[4].rsplit_once(' ').unwrap();
                let mut sig: Vec<char> = sig.chars().collect();
                sig[10] = if sig[10] == 'A' { 'B' } else { 'A' };
                done = true;
                let sig: String = sig.into_iter().collect();
                format!("{}\t{head} {sig}", fields[..4].join("\t"))
            } else {
                line.to_string()
            }
        })
        .collect();
    assert!(done, "no RRSIG over www.tampered.test. A to change");
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

impl Drop for SignedZones {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
