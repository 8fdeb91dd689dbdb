//! Unbound serving DNS over TLS and over HTTPS (HTTP/2, path /dns-query) on loopback ports
//! with a certificate from a throw-away test CA
//! (made with openssl: SAN `DNS:dns.test` and `IP:127.0.0.1`), answering a small static zone
//! from `local-data` lines. Started per test, in its own temporary folder; killed when dropped.

use std::fmt::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many names `h<N>.bulk.test.` the zone holds (A 10.0.x.y).
pub const BULK: u32 = 1000;

/// A running unbound.
pub struct Unbound {
    /// DNS over TLS.
    pub tls: SocketAddr,
    /// DNS over HTTPS.
    pub https: SocketAddr,
    /// Plain DNS (UDP and TCP).
    pub plain: SocketAddr,
    dir: tempfile::TempDir,
    child: Child,
}

/// Run `args` in `dir`; it must succeed. Its standard output, trimmed.
pub fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(args[0])
        .args(&args[1..])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// unbound in the foreground with the configuration `conf`, its output dropped.
pub fn spawn(conf: &Path) -> Child {
    Command::new("unbound")
        .args(["-d", "-c"])
        .arg(conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// [`spawn`], then wait until it accepts TCP connections on `addr`.
pub fn spawn_ready(conf: &Path, addr: SocketAddr) -> Child {
    let child = spawn(conf);
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "unbound did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

impl Unbound {
    /// Start it, or `None` (with a note) when unbound or openssl is missing.
    pub fn start(test: &str) -> Option<Self> {
        if !super::tool_or_skip(test, "unbound") || !super::tool_or_skip(test, "openssl") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        let mut ca = vec!["openssl", "req", "-x509"];
        ca.extend(ec);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=nettool test CA",
        ]);
        run(d, &ca);
        let mut csr = vec!["openssl", "req"];
        csr.extend(ec);
        csr.extend([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=dns.test",
        ]);
        run(d, &csr);
        std::fs::write(
            d.join("ext"),
            "subjectAltName=DNS:dns.test,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             extendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(
            d,
            &[
                "openssl",
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "ext",
            ],
        );
        let (tls_port, plain_port, https_port) = (
            super::free_tcp_port(),
            super::free_tcp_port(),
            super::free_tcp_port(),
        );
        let mut conf = format!(
            "server:\n  interface: 127.0.0.1@{tls_port}\n  interface: 127.0.0.1@{plain_port}\n\
             \x20 interface: 127.0.0.1@{https_port}\n  https-port: {https_port}\n\
             \x20 http-endpoint: \"/dns-query\"\n  nsid: \"ascii_nettool-test\"\n\
             \x20 tls-port: {tls_port}\n  port: {plain_port}\n\
             \x20 tls-service-key: \"{0}/server.key\"\n  tls-service-pem: \"{0}/server.pem\"\n\
             \x20 do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"{0}\"\n\
             \x20 pidfile: \"\"\n  use-syslog: no\n  module-config: \"iterator\"\n\
             \x20 access-control: 127.0.0.0/8 allow\n  num-threads: 1\n\
             \x20 incoming-num-tcp: 100\n  local-zone: \"test.\" static\n\
             \x20 local-data: \"www.test. 300 IN A 192.0.2.10\"\n\
             \x20 local-data: \"www.test. 300 IN A 192.0.2.11\"\n\
             \x20 local-data: \"mx.test. 300 IN MX 10 mail.test.\"\n\
             \x20 local-data: 'txt.test. 300 IN TXT \"hello world\" \"second\"'\n",
            d.display()
        );
        for i in 0..BULK {
            let _ = writeln!(
                conf,
                "  local-data: \"h{i}.bulk.test. 300 IN A 10.0.{}.{}\"",
                i / 256,
                i % 256
            );
        }
        conf.push_str("remote-control:\n  control-enable: no\n");
        std::fs::write(d.join("unbound.conf"), conf).unwrap();
        let tls = SocketAddr::from(([127, 0, 0, 1], tls_port));
        let child = spawn_ready(&d.join("unbound.conf"), tls);
        let plain: SocketAddr = format!("127.0.0.1:{plain_port}").parse().unwrap();
        let https: SocketAddr = format!("127.0.0.1:{https_port}").parse().unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(https).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "unbound did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Self {
            tls,
            https,
            plain,
            dir,
            child,
        })
    }

    /// The test CA's certificate.
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }
}

impl Drop for Unbound {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
