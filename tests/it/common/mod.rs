//! Shared test harness: the built binary, root gating, network namespaces joined by veth pairs,
//! and child processes that are ended by PID when the test ends.
//!
//! The network rule: tests send traffic only to loopback or to addresses inside namespaces that
//! they created here. Every namespace has a unique name and is deleted on drop, even when the
//! test fails.

pub mod auth_server;
pub mod dns_server;
pub mod lab;
pub mod relay;
pub mod schema;
pub mod signed_zone;
pub mod unbound;

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The path of the `nettool` binary under test: the one cargo built for the tests, or another
/// build named by `NETTOOL_TEST_BIN` (CI runs the tests again against the release binary,
/// which is linked differently: see build.rs).
pub fn bin() -> PathBuf {
    std::env::var_os("NETTOOL_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_nettool")))
}

/// `nettool` as an assert_cmd command, with colour and locale settings that make output stable.
pub fn nettool() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env("LC_ALL", "C");
    cmd
}

/// Whether tests must not skip (CI sets `NETTOOL_TEST_REQUIRE_ROOT=1`).
pub fn strict() -> bool {
    std::env::var("NETTOOL_TEST_REQUIRE_ROOT").is_ok_and(|v| v == "1")
}

/// Whether this process runs as root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    #[allow(unsafe_code)]
    unsafe {
        libc::geteuid() == 0
    }
}

/// True when the test may go on as root; otherwise print why it skips (or fail when strict).
pub fn root_or_skip(test: &str) -> bool {
    if is_root() {
        return true;
    }
    assert!(
        !strict(),
        "{test}: needs root, and NETTOOL_TEST_REQUIRE_ROOT=1 forbids skipping"
    );
    skip(test, "needs root (raw sockets, network namespaces)");
    false
}

/// True when `tool` is on PATH; otherwise print why the test skips (or fail when strict).
pub fn tool_or_skip(test: &str, tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return true;
    }
    assert!(
        !strict(),
        "{test}: needs `{tool}` on PATH (.ci/run installs it)"
    );
    skip(test, &format!("`{tool}` is not installed"));
    false
}

/// Say that `test` skips and why, where it is seen: on the terminal even while the test
/// harness captures output (a write to the stderr handle is not captured, `eprintln!` is), and
/// as one line in the file named by `NETTOOL_TEST_SKIP_LOG`, which `.ci/run` counts.
fn skip(test: &str, reason: &str) {
    use std::io::Write;
    let line = format!("skipped {test}: {reason}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Some(path) = std::env::var_os("NETTOOL_TEST_SKIP_LOG") {
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut file| file.write_all(line.as_bytes()));
        assert!(appended.is_ok(), "cannot record the skip: {appended:?}");
    }
}

/// Run a command to its end; panic with its stderr when it fails.
pub fn run(program: &str, args: &[&str]) -> Output {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

static NEXT_NETNS: AtomicU32 = AtomicU32::new(0);

/// A network namespace made for one test, deleted on drop.
pub struct Netns {
    /// Its name under /run/netns.
    pub name: String,
}

impl Netns {
    /// A new namespace with loopback up; `tag` says what it is for (kept short).
    pub fn new(tag: &str) -> Self {
        let n = NEXT_NETNS.fetch_add(1, Ordering::Relaxed);
        let name = format!("nt{}-{n}-{tag}", std::process::id());
        run("ip", &["netns", "add", &name]);
        let ns = Self { name };
        ns.exec(&["ip", "link", "set", "lo", "up"]);
        ns
    }

    /// A command that runs inside this namespace.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).arg(program);
        cmd
    }

    /// Start `program ARGS` inside this namespace with stdin closed and stdout and stderr piped
    /// to the caller; ended by PID when the guard drops.
    pub fn spawn_piped(
        &self,
        program: impl AsRef<std::ffi::OsStr>,
        args: &[&std::ffi::OsStr],
    ) -> ChildGuard {
        let child = self
            .command(program)
            .args(args)
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        ChildGuard(child)
    }

    /// `nettool` inside this namespace, as an assert_cmd command.
    pub fn nettool(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).arg(bin());
        cmd.env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .env("LC_ALL", "C");
        cmd
    }

    /// Run a command inside this namespace to its end; panic when it fails.
    pub fn exec(&self, argv: &[&str]) -> Output {
        let mut full = vec!["netns", "exec", &self.name];
        full.extend_from_slice(argv);
        run("ip", &full)
    }

    /// Set a sysctl inside this namespace (`net.ipv4.ip_forward`, `1`).
    pub fn sysctl(&self, key: &str, value: &str) {
        self.exec(&["sysctl", "-qw", &format!("{key}={value}")]);
    }
}

/// Move the calling thread into the namespace `name` and open a raw ICMPv4 socket there, with
/// a 50 ms read timeout so that a responder's loop can look at its stop flag: what the
/// user-space echo responders of the ping and trace tests answer from.
pub fn raw_icmpv4_socket_in(name: &str) -> socket2::Socket {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(format!("/run/netns/{name}")).unwrap();
    // SAFETY: setns on an open namespace file changes only this thread's namespace.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(rc, 0, "setns");
    let socket = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::RAW,
        Some(socket2::Protocol::ICMPV4),
    )
    .unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    socket
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

/// Join two namespaces with a veth pair named `a_if` (in `a`) and `b_if` (in `b`), both up.
pub fn veth(a: &Netns, a_if: &str, b: &Netns, b_if: &str) {
    run(
        "ip",
        &[
            "link", "add", a_if, "netns", &a.name, "type", "veth", "peer", "name", b_if, "netns",
            &b.name,
        ],
    );
    a.exec(&["ip", "link", "set", a_if, "up"]);
    b.exec(&["ip", "link", "set", b_if, "up"]);
}

/// A child process that is killed (by its PID) and reaped when the guard drops.
pub struct ChildGuard(pub Child);

impl ChildGuard {
    /// The child's PID.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    /// Wait for the child to exit on its own, at most `limit`; `None` if it is still running.
    pub fn wait_timeout(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.0.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Send SIGINT (Ctrl-C) to the child.
    pub fn interrupt(&self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.pid().to_string()])
            .status();
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether the process `pid` has a socket open.
pub fn has_socket(pid: u32) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/fd")).is_ok_and(|fds| {
        fds.flatten().any(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:"))
        })
    })
}

/// A TCP port on 127.0.0.1 that is free now and that no other test of this run is given.
pub fn free_tcp_port() -> u16 {
    free_port(|p| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok())
}

/// A UDP port on 127.0.0.1 that is free now and that no other test of this run is given.
pub fn free_udp_port() -> u16 {
    free_port(|p| std::net::UdpSocket::bind(("127.0.0.1", p)).is_ok())
}

/// The next port below the kernel's ephemeral range for which `free` holds. A port that
/// `bind(0)` handed out could become the local port of any test's connecting socket, or stay
/// in TIME_WAIT after one, before the test bound it again: EADDRINUSE, seen in CI. Below the
/// range the kernel picks no port itself, and each port is given once per run.
fn free_port(free: impl Fn(u16) -> bool) -> u16 {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static TAKEN: AtomicUsize = AtomicUsize::new(0);
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let first = low.saturating_sub(16384).max(1024);
    assert!(
        first < low,
        "the ephemeral range starts at {low}: no port below it to give"
    );
    let span = usize::from(low - first);
    for _ in 0..span {
        let port = first + (TAKEN.fetch_add(1, Ordering::Relaxed) % span) as u16;
        if free(port) {
            return port;
        }
    }
    panic!("no free port in {first}..{low}")
}

/// Poll `check` every 10 ms until it holds or `limit` passes; returns whether it held.
pub fn wait_until(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    check()
}

/// Two namespaces joined by a veth pair: `va` in the first with 10.N.0.1/24, `vb` in the second
/// with 10.N.0.2/24, both up and with IPv6 off so that no router or listener chatter appears.
pub fn linked_pair(tag: &str, n: u8) -> (Netns, Netns) {
    let a = Netns::new(&format!("{tag}a"));
    let b = Netns::new(&format!("{tag}b"));
    for ns in [&a, &b] {
        ns.sysctl("net.ipv6.conf.all.disable_ipv6", "1");
        ns.sysctl("net.ipv6.conf.default.disable_ipv6", "1");
    }
    veth(&a, "va", &b, "vb");
    a.exec(&["ip", "addr", "add", &format!("10.{n}.0.1/24"), "dev", "va"]);
    b.exec(&["ip", "addr", "add", &format!("10.{n}.0.2/24"), "dev", "vb"]);
    (a, b)
}

/// The MAC of interface `name` inside `ns`, as the kernel reports it (`aa:bb:cc:dd:ee:ff`).
pub fn mac_of(ns: &Netns, name: &str) -> String {
    let out = ns.exec(&["cat", &format!("/sys/class/net/{name}/address")]);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Start `python3 -c SCRIPT` inside `ns` and wait until it prints `ready` (at most 10 s).
pub fn python_until_ready(ns: &Netns, script: &str) -> ChildGuard {
    use std::io::BufRead;
    let mut child = ns
        .command("python3")
        .args(["-u", "-c", script])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let stdout = child.stdout.take().unwrap();
    let guard = ChildGuard(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line.trim() == "ready" {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the python helper did not get ready");
    guard
}

/// `nettool ARGS` (a shell command line: it may redirect) on a pseudo-terminal of 30 rows,
/// through script(1); everything the terminal got, escapes included.
pub fn on_a_terminal(args: &str) -> String {
    let command = format!("stty rows 30 cols 120; {} {args}", bin().display());
    let out = Command::new("script")
        .args(["-qfc", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}
