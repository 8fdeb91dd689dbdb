//! An authoritative name server for delegation tests: unbound serving zone files as auth-zones
//! (`for-downstream: yes`) on one loopback address and port, sending referrals with glue as the
//! servers of the Internet's hierarchy do (hickory-server sends referrals without glue). It
//! never asks anyone itself (`do-not-query-address` covers every address). Started per test, in
//! its own temporary folder; killed, by its PID, when dropped.
#![allow(dead_code)] // each test binary uses a different part

use std::fmt::Write;
use std::net::SocketAddr;
use std::process::Child;
use std::time::{Duration, Instant};

/// A running unbound that serves some zones.
pub struct AuthServer {
    /// Where it listens (UDP and TCP).
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
    child: Child,
}

impl AuthServer {
    /// Serve `zones` (origin, zone-file text) on `addr`.
    pub fn start(addr: SocketAddr, zones: &[(&str, String)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut conf = format!(
            "server:\n  interface: {}@{}\n  port: {}\n  do-daemonize: no\n  username: \"\"\n\
             \x20 chroot: \"\"\n  directory: \"{}\"\n  pidfile: \"\"\n  use-syslog: no\n\
             \x20 module-config: \"iterator\"\n  access-control: 127.0.0.0/8 allow\n\
             \x20 num-threads: 1\n  do-ip6: no\n  do-not-query-address: 0.0.0.0/0\n\
             \x20 do-not-query-address: ::/0\n",
            addr.ip(),
            addr.port(),
            addr.port(),
            d.display()
        );
        for (index, (origin, text)) in zones.iter().enumerate() {
            let file = d.join(format!("zone{index}"));
            std::fs::write(&file, text).unwrap();
            let _ = write!(
                conf,
                "auth-zone:\n  name: \"{origin}\"\n  zonefile: \"{}\"\n  for-downstream: yes\n\
                 \x20 for-upstream: no\n",
                file.display()
            );
        }
        conf.push_str("remote-control:\n  control-enable: no\n");
        std::fs::write(d.join("unbound.conf"), conf).unwrap();
        let child = super::unbound::spawn(&d.join("unbound.conf"));
        let mut server = Self {
            addr,
            _dir: dir,
            child,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("unbound on {addr} ended: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "unbound on {addr} did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
