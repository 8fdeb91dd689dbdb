//! `nettool listen` / `nettool connect`: interop with nc and socat both ways, pipe integrity and
//! half-close, chat under a real terminal (tmux), -k, the room, echo, access rules, limits and
//! faults. Everything talks over 127.0.0.1 or ::1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{
    ChildGuard, Netns, bin, free_tcp_port, nettool, root_or_skip, tool_or_skip, wait_until,
};
use serde_json::Value;

const LIMIT: Duration = Duration::from_secs(30);

/// A running process whose stderr (and optionally stdout) is collected by threads.
struct Proc {
    child: ChildGuard,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<Vec<u8>>>,
    /// The threads collecting stdout and stderr; they end when the child's pipes close.
    collectors: Vec<std::thread::JoinHandle<()>>,
}

fn collect<R: Read + Send + 'static>(
    mut from: R,
    into: Arc<Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    })
}

impl Proc {
    /// Start `cmd` with stdin as given, stdout and stderr collected.
    fn start(mut cmd: Command, stdin: Stdio) -> Self {
        cmd.stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let out_thread = collect(child.stdout.take().unwrap(), Arc::clone(&stdout));
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        let err_thread = std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        Self {
            child: ChildGuard(child),
            stderr,
            stdout,
            collectors: vec![out_thread, err_thread],
        }
    }

    fn nettool(args: &[&str], stdin: Stdio) -> Self {
        let mut cmd = Command::new(bin());
        cmd.args(args).env("LC_ALL", "C");
        Self::start(cmd, stdin)
    }

    fn err(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn out(&self) -> Vec<u8> {
        self.stdout.lock().unwrap().clone()
    }

    fn wait_err(&self, text: &str) {
        assert!(
            wait_until(LIMIT, || self.err().contains(text)),
            "never saw {text:?} on stderr: {}",
            self.err()
        );
    }

    /// Wait for the exit, and for everything it wrote to be collected; its code.
    fn exit(&mut self) -> Option<i32> {
        let code = self
            .child
            .wait_timeout(LIMIT)
            .expect("process did not exit")
            .code();
        for collector in self.collectors.drain(..) {
            collector.join().expect("collector thread");
        }
        code
    }
}

/// `nettool listen ARGS` on 127.0.0.1, waited for until it listens.
fn listen(port: u16, extra: &[&str], stdin: Stdio) -> Proc {
    let port = port.to_string();
    let mut args = vec!["listen", "127.0.0.1", &port];
    args.extend_from_slice(extra);
    let p = Proc::nettool(&args, stdin);
    p.wait_err(&format!("listening on 127.0.0.1:{port}"));
    p
}

fn stdin_bytes(data: &[u8]) -> Stdio {
    // Close-on-exec, or children spawned meanwhile by other tests would hold the write end
    // open and this stdin would never end.
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
    let mut w = std::fs::File::from(w);
    let data = data.to_vec();
    std::thread::spawn(move || {
        let _ = w.write_all(&data);
    });
    Stdio::from(r)
}

fn connect_std(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(LIMIT)).unwrap();
    s
}

/// A client with a 4 KiB receive buffer, so that what it does not read backs up at once.
fn connect_small_window(port: u16) -> TcpStream {
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    s.set_recv_buffer_size(4096).unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    s.connect(&addr.into()).unwrap();
    TcpStream::from(s)
}

fn read_all(s: &mut TcpStream) -> Vec<u8> {
    let mut v = Vec::new();
    s.read_to_end(&mut v).unwrap();
    v
}

// ---- basics -------------------------------------------------------------------------------

#[test]
fn pipe_both_ways_between_two_nettools() {
    let port = free_tcp_port();
    let mut l = listen(port, &[], stdin_bytes(b"from listener\n"));
    let out = nettool()
        .args(["connect", "127.0.0.1", &port.to_string()])
        .write_stdin("from connector\n")
        .timeout(LIMIT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"from listener\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("connected to 127.0.0.1:{port} in ")) && err.contains(" ms"),
        "{err}"
    );
    assert_eq!(l.exit(), Some(0));
    assert_eq!(l.out(), b"from connector\n");
    let err = l.err();
    assert!(err.contains("connection from 127.0.0.1:"), "{err}");
    assert!(err.contains("closed (15 bytes in, 14 bytes out)"), "{err}");
}

#[test]
fn dual_stack_listener_takes_ipv6_and_ipv4() {
    let port = free_tcp_port().to_string();
    let l = Proc::nettool(&["listen", &port, "-k"], Stdio::null());
    l.wait_err(&format!("listening on 0.0.0.0:{port} and [::]:{port}"));
    for host in ["::1", "127.0.0.1"] {
        nettool()
            .args(["connect", host, &port])
            .write_stdin(format!("via {host}\n"))
            .timeout(LIMIT)
            .assert()
            .code(0);
    }
    assert!(wait_until(LIMIT, || l.out() == b"via ::1\nvia 127.0.0.1\n"));
    // stdout and stderr are collected by two threads: the notices may trail the bytes.
    l.wait_err("connection from [::1]:");
    l.wait_err("connection from 127.0.0.1:");
    drop(l.child);
}

#[test]
fn half_close_is_honoured() {
    // The listener's stdin is empty: it closes its write half at once, and must still take
    // everything the client sends afterwards.
    let port = free_tcp_port();
    let mut l = listen(port, &[], Stdio::null());
    let mut s = connect_std(port);
    assert_eq!(read_all(&mut s), b"", "listener sent EOF first");
    s.write_all(b"sent after your EOF\n").unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    assert_eq!(l.exit(), Some(0));
    assert_eq!(l.out(), b"sent after your EOF\n");
}

#[test]
fn zero_io_open_and_closed() {
    let port = free_tcp_port();
    let l = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let out = nettool()
        .args(["connect", "-z", "127.0.0.1", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("127.0.0.1 port {port} open (")),
        "{text}"
    );
    let out = nettool()
        .args(["connect", "-z", "127.0.0.1", &port.to_string(), "--json"])
        .output()
        .unwrap();
    let v = crate::common::schema::check("connect", &out.stdout).remove(0);
    assert_eq!(v["open"], true);
    assert_eq!(v["port"], port);
    assert_eq!(v["address"], "127.0.0.1");
    assert!(v["handshake_ms"].as_f64().unwrap() >= 0.0);
    drop(l);
    let out = nettool()
        .args(["connect", "-z", "127.0.0.1", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("127.0.0.1 port {port} closed (refused)\n")
    );
    assert!(out.stderr.is_empty());
    let out = nettool()
        .args(["connect", "-z", "127.0.0.1", &port.to_string(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = crate::common::schema::check("connect", &out.stdout).remove(0);
    assert_eq!(v["open"], false);
    assert_eq!(v["port"], port);
    assert_eq!(v["handshake_ms"], Value::Null);
    assert_eq!(v["reason"], "refused");
    assert_eq!(v["state"], "closed");
}

#[test]
fn zero_takes_lists_and_ranges_and_names_each_state() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open = l.local_addr().unwrap().port();
    let closed = free_tcp_port();
    let out = nettool()
        .args(["connect", "-z", "127.0.0.1", &format!("{open},{closed}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "one port is open");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let (first, second) = if open < closed { (0, 1) } else { (1, 0) };
    assert!(
        lines[first].starts_with(&format!("127.0.0.1 port {open} open (")),
        "{text}"
    );
    assert_eq!(
        lines[second],
        format!("127.0.0.1 port {closed} closed (refused)")
    );
    let out = nettool()
        .args([
            "connect",
            "-z",
            "127.0.0.1",
            &format!("{closed}-{closed}"),
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    drop(l);
    if !root_or_skip("zero_takes_lists_and_ranges_and_names_each_state") {
        return;
    }
    // Silence is "filtered", not "closed"; no route is "unreachable".
    let ns = Netns::new("zst");
    ns.exec(&["nft", "add table inet z"]);
    ns.exec(&[
        "nft",
        "add chain inet z input { type filter hook input priority 0; }",
    ]);
    ns.exec(&["nft", "add rule inet z input tcp dport 9 drop"]);
    let out = ns
        .nettool()
        .args(["connect", "-z", "-w", "300ms", "127.0.0.1", "9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "127.0.0.1 port 9 filtered (no answer in 300ms)\n"
    );
    let out = ns
        .nettool()
        .args(["connect", "-z", "10.255.0.1", "80"])
        .output()
        .unwrap();
    // No route: the question could not be asked, so exit 2 by the project's rule.
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "10.255.0.1 port 80 unreachable (no route)\n"
    );
}

#[test]
fn refused_exits_one() {
    let port = free_tcp_port().to_string();
    let out = nettool()
        .args(["connect", "127.0.0.1", &port])
        .write_stdin("x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: connect 127.0.0.1:{port}: connection refused\n")
    );
}

#[test]
fn connect_timeout_against_a_full_backlog() {
    // A listener that never accepts, with a backlog of 0: once its queue holds a connection,
    // the kernel drops further SYNs, so a connect can only time out.
    // Bound to port 0, not to a port found free before: another test's connection could take
    // that one in between.
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    sock.bind(&any.into()).unwrap();
    sock.listen(0).unwrap();
    let addr = sock.local_addr().unwrap().as_socket().unwrap();
    let port = addr.port();
    let mut fillers = Vec::new();
    for _ in 0..3 {
        if let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            fillers.push(s);
        }
    }
    let out = nettool()
        .args(["connect", "-w", "400ms", "127.0.0.1", &port.to_string()])
        .write_stdin("x")
        .timeout(LIMIT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: connect 127.0.0.1:{port}: timed out after 400ms\n")
    );
    drop(fillers);
}

#[test]
fn source_address_and_port() {
    let port = free_tcp_port();
    let l = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let sport = free_tcp_port();
    let child = std::thread::spawn(move || {
        nettool()
            .args(["connect", "-s", "127.0.0.3", "-p", &sport.to_string()])
            .args(["127.0.0.1", &port.to_string()])
            .write_stdin("")
            .timeout(LIMIT)
            .output()
            .unwrap()
    });
    let (s, peer) = l.accept().unwrap();
    assert_eq!(peer.to_string(), format!("127.0.0.3:{sport}"));
    drop(s);
    assert_eq!(child.join().unwrap().status.code(), Some(0));
}

#[test]
fn port_in_use_names_the_holder() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let out = nettool()
        .args(["listen", "127.0.0.1", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!("error: bind 127.0.0.1:{port}: port {port} is already in use by ");
    assert!(err.starts_with(&want), "{err}");
    assert!(
        err.trim_end()
            .ends_with(&format!("(pid {})", std::process::id())),
        "{err}"
    );
}

#[test]
fn privileged_port_needs_privilege() {
    if !crate::common::root_or_skip("privileged_port_needs_privilege")
        || !tool_or_skip("privileged_port_needs_privilege", "setpriv")
    {
        return;
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(bin())
        .args(["listen", "127.0.0.1", "80"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: bind 127.0.0.1:80: port 80 is below 1024 and needs privilege"),
        "{err}"
    );
}

#[test]
fn peer_killed_mid_transfer_is_one_line_and_exit_one() {
    let port = free_tcp_port();
    let mut l = listen(port, &[], Stdio::null());
    // Close-on-exec, or children spawned meanwhile by other tests would hold the write end
    // open and this stdin would never end.
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
    let mut w = std::fs::File::from(w);
    std::thread::spawn(move || {
        let chunk = vec![7u8; 65536];
        for _ in 0..200_000 {
            if w.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let mut c = Proc::nettool(&["connect", "127.0.0.1", &port.to_string()], Stdio::from(r));
    c.wait_err("connected to");
    assert!(wait_until(LIMIT, || l.err().contains("connection from")));
    std::thread::sleep(Duration::from_millis(200));
    l.child.0.kill().unwrap();
    assert_eq!(c.exit(), Some(1));
    let err = c.err();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(lines[1], "error: connection reset by peer");
}

// ---- interop ------------------------------------------------------------------------------

#[test]
fn nc_connects_to_nettool_listen() {
    if !tool_or_skip("nc_connects_to_nettool_listen", "nc") {
        return;
    }
    let port = free_tcp_port();
    let mut l = listen(port, &[], stdin_bytes(b"hello nc\n"));
    let out = Command::new("nc")
        .args(["-N", "127.0.0.1", &port.to_string()])
        .stdin(stdin_bytes(b"hello nettool\n"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"hello nc\n");
    assert_eq!(l.exit(), Some(0));
    assert_eq!(l.out(), b"hello nettool\n");
}

/// `nettool connect 127.0.0.1 PORT` with "from nettool\n" on stdin, tried every 10 ms (at most
/// 300 times) until `peer`, started just before, listens and the session ends with exit 0.
fn connect_once_listening(port: u16, peer: &str) -> std::process::Output {
    (0..300)
        .map(|_| {
            std::thread::sleep(Duration::from_millis(10));
            nettool()
                .args(["connect", "127.0.0.1", &port.to_string()])
                .write_stdin("from nettool\n")
                .timeout(LIMIT)
                .output()
                .unwrap()
        })
        .find(|o| o.status.code() == Some(0))
        .unwrap_or_else(|| panic!("{peer} never listened"))
}

#[test]
fn nettool_connects_to_nc_listen() {
    if !tool_or_skip("nettool_connects_to_nc_listen", "nc") {
        return;
    }
    let port = free_tcp_port();
    let mut cmd = Command::new("nc");
    cmd.args(["-N", "-l", "127.0.0.1", &port.to_string()]);
    let mut l = Proc::start(cmd, stdin_bytes(b"from nc\n"));
    let out = connect_once_listening(port, "nc");
    assert_eq!(out.stdout, b"from nc\n");
    assert_eq!(l.exit(), Some(0));
    assert_eq!(l.out(), b"from nettool\n");
}

#[test]
fn socat_both_directions() {
    if !tool_or_skip("socat_both_directions", "socat") {
        return;
    }
    // socat connects to nettool listen.
    let port = free_tcp_port();
    let mut l = listen(port, &[], stdin_bytes(b"to socat\n"));
    let out = Command::new("socat")
        // -t: how long socat waits for the other direction after its stdin ends (0.5 s by
        // default, too short on a loaded machine).
        .args(["-t", "30", "-", &format!("TCP:127.0.0.1:{port}")])
        .stdin(stdin_bytes(b"to nettool\n"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"to socat\n");
    assert_eq!(l.exit(), Some(0));
    assert_eq!(l.out(), b"to nettool\n");

    // nettool connects to socat listening.
    let port = free_tcp_port();
    let mut cmd = Command::new("socat");
    cmd.args([
        "-t",
        "30",
        "-",
        &format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"),
    ]);
    let mut s = Proc::start(cmd, stdin_bytes(b"from socat\n"));
    let out = connect_once_listening(port, "socat");
    assert_eq!(out.stdout, b"from socat\n");
    assert_eq!(s.exit(), Some(0));
    assert_eq!(s.out(), b"from nettool\n");
}

// ---- pipe integrity -----------------------------------------------------------------------

/// 1 GiB each way at once through shell pipes, checked with SHA-256 on both ends.
#[test]
fn pipe_integrity_one_gib_each_way() {
    if !tool_or_skip("pipe_integrity_one_gib_each_way", "openssl")
        || !tool_or_skip("pipe_integrity_one_gib_each_way", "sha256sum")
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let port = free_tcp_port();
    let nt = bin().display().to_string();
    // A deterministic pseudo-random stream: AES-CTR keystream over zeros.
    let keystream = |seed: &str| {
        format!(
            "openssl enc -aes-128-ctr -nosalt -pass pass:{seed} -pbkdf2 < /dev/zero 2>/dev/null \
             | head -c 1073741824"
        )
    };
    let listener = format!(
        "{} | tee >(sha256sum > {d}/l.sent) | {nt} listen 127.0.0.1 {port} 2>{d}/l.err \
         | sha256sum > {d}/l.recv",
        keystream("listener")
    );
    let connector = format!(
        "{} | tee >(sha256sum > {d}/c.sent) | {nt} connect 127.0.0.1 {port} 2>{d}/c.err \
         | sha256sum > {d}/c.recv",
        keystream("connector")
    );
    let mut l = ChildGuard(
        Command::new("bash")
            .args(["-c", &listener])
            .spawn()
            .unwrap(),
    );
    let errfile = dir.path().join("l.err");
    assert!(wait_until(LIMIT, || {
        std::fs::read_to_string(&errfile).is_ok_and(|s| s.contains("listening on"))
    }));
    let mut c = ChildGuard(
        Command::new("bash")
            .args(["-c", &connector])
            .spawn()
            .unwrap(),
    );
    let long = Duration::from_secs(300);
    assert!(c.wait_timeout(long).expect("connector ended").success());
    assert!(l.wait_timeout(long).expect("listener ended").success());
    // tee's process substitution may finish a moment after the pipeline.
    let read = |name: &str| {
        let path = dir.path().join(name);
        assert!(wait_until(LIMIT, || {
            std::fs::read_to_string(&path).is_ok_and(|s| s.len() > 64)
        }));
        std::fs::read_to_string(&path).unwrap()[..64].to_string()
    };
    assert_eq!(read("l.sent"), read("c.recv"), "listener to connector");
    assert_eq!(read("c.sent"), read("l.recv"), "connector to listener");
    assert_ne!(read("l.sent"), read("c.sent"));
    let err = std::fs::read_to_string(dir.path().join("l.err")).unwrap();
    assert!(
        err.contains("closed (1073741824 bytes in, 1073741824 bytes out)"),
        "{err}"
    );
}

// ---- chat modes without a terminal --------------------------------------------------------

#[test]
fn chat_json_records_and_escaping() {
    let port = free_tcp_port();
    let l = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.write_all(b"hi\x1b[2J\n").unwrap();
        s.write_all(&[b'x'; 100]).unwrap();
        s.write_all(b"\nlast").unwrap();
    });
    let out = nettool()
        .args([
            "connect",
            "127.0.0.1",
            &port.to_string(),
            "--chat",
            "--json",
        ])
        .args(["--max-line", "10", "--recv-only"])
        .write_stdin("")
        .timeout(LIMIT)
        .output()
        .unwrap();
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let records = crate::common::schema::check("connect", &out.stdout);
    let events: Vec<&str> = records
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "connected",
            "line",
            "line",
            "cut",
            "line",
            "peer_closed",
            "summary"
        ]
    );
    assert_eq!(records[0]["peer"], format!("127.0.0.1:{port}"));
    assert_eq!(records[1]["text"], "hi\\x1b[2J");
    assert_eq!(records[2]["text"], "xxxxxxxxxx");
    assert_eq!(records[4]["text"], "last");
    assert_eq!(records[6]["bytes_in"], 7 + 100 + 5);
    assert_eq!(records[6]["bytes_out"], 0);
    assert!(records[6]["duration_s"].as_f64().unwrap() >= 0.0);
}

#[test]
fn chat_text_labels_lines_and_quits_on_a_quit_word() {
    let port = free_tcp_port();
    let l = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.write_all(b"hello\n").unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        got
    });
    let out = nettool()
        .args(["connect", "127.0.0.1", &port.to_string(), "--chat"])
        .args(["--quit-word", "bye"])
        .write_stdin("one\ntwo\nbye\nnever sent\n")
        .timeout(LIMIT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(server.join().unwrap(), b"one\ntwo\n");
    let text = String::from_utf8_lossy(&out.stdout);
    // The peer's line may or may not arrive before the quit word; when it does, it is labelled.
    assert!(
        text.is_empty() || text == format!("[127.0.0.1:{port}] hello\n"),
        "{text}"
    );
}

#[test]
fn chat_sends_the_lines_of_one_read_in_one_write() {
    // Lines that arrive together (a paste, a pipe) leave in one send; the quit word ends them
    // and what follows it in the same read is not sent. Under 4 KiB, stdin hands them over in
    // one read.
    let port = free_tcp_port();
    let l = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        read_all(&mut s)
    });
    let lines: String = (1..=100).map(|i| format!("line {i}\n")).collect();
    let out = nettool()
        .args([
            "connect",
            "127.0.0.1",
            &port.to_string(),
            "--chat",
            "--trace",
        ])
        .args(["--eol", "crlf", "--send-quit"])
        .write_stdin(format!("{lines}q\nnever sent\n"))
        .timeout(LIMIT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let want = format!("{lines}q\n").replace('\n', "\r\n");
    assert_eq!(String::from_utf8(server.join().unwrap()).unwrap(), want);
    let err = String::from_utf8_lossy(&out.stderr);
    let sends: Vec<&str> = err.lines().filter(|l| l.contains("send(")).collect();
    assert_eq!(
        sends,
        [format!(
            "trace: send({n}) = {n} bytes  [ESTABLISHED]",
            n = want.len()
        )],
        "{err}"
    );
}

// ---- several clients ----------------------------------------------------------------------

#[test]
fn keep_open_serves_three_clients_in_turn() {
    let port = free_tcp_port();
    let l = listen(port, &["-k"], Stdio::null());
    for i in 1..=3 {
        let mut s = connect_std(port);
        s.write_all(format!("client {i}\n").as_bytes()).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        assert_eq!(read_all(&mut s), b"");
        let want = "closed (9 bytes in, 0 bytes out)".to_string();
        assert!(wait_until(LIMIT, || l.err().matches(&want).count() == i));
    }
    // stdout and stderr are collected by two threads: the last bytes may trail the notice.
    let want = b"client 1\nclient 2\nclient 3\n";
    assert!(wait_until(LIMIT, || l.out() == want), "{:?}", l.out());
    assert_eq!(l.err().matches("connection from 127.0.0.1:").count(), 6);
}

#[test]
fn chat_keep_open_serves_clients_in_turn() {
    let port = free_tcp_port();
    let l = listen(
        port,
        &["-k", "--chat", "--json", "--recv-only"],
        Stdio::null(),
    );
    for i in 1..=3 {
        let mut s = connect_std(port);
        s.write_all(format!("line {i}\n").as_bytes()).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        let _ = read_all(&mut s);
        assert!(wait_until(LIMIT, || {
            String::from_utf8_lossy(&l.out())
                .matches("\"closed\"")
                .count()
                == i
        }));
    }
    let out = String::from_utf8_lossy(&l.out()).to_string();
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let texts: Vec<&str> = lines
        .iter()
        .filter(|r| r["event"] == "line")
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["line 1", "line 2", "line 3"]);
}

#[test]
fn concurrent_serves_clients_at_once() {
    let port = free_tcp_port();
    let l = listen(port, &["--concurrent", "--chat", "--json"], Stdio::null());
    let mut a = connect_std(port);
    let mut b = connect_std(port);
    a.write_all(b"from a\n").unwrap();
    b.write_all(b"from b\n").unwrap();
    assert!(wait_until(LIMIT, || {
        String::from_utf8_lossy(&l.out())
            .matches("\"line\"")
            .count()
            == 2
    }));
    let out = String::from_utf8_lossy(&l.out()).to_string();
    assert!(out.contains("\"text\":\"from a\""), "{out}");
    assert!(out.contains("\"text\":\"from b\""), "{out}");
    // Clients do not hear each other outside the room.
    a.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 16];
    assert!(a.read(&mut buf).is_err());
}

#[test]
fn echo_serves_and_limits_clients() {
    let port = free_tcp_port();
    let l = listen(port, &["--echo", "--max-clients", "2"], Stdio::null());
    let mut a = connect_std(port);
    let mut b = connect_std(port);
    for s in [&mut a, &mut b] {
        s.write_all(b"ping\n").unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"ping\n");
    }
    let mut c = connect_std(port);
    assert_eq!(read_all(&mut c), b"", "the third client is closed at once");
    l.wait_err("--max-clients 2 reached");
    let err = l.err();
    assert!(
        err.lines()
            .any(|l| l.starts_with("refused connection from 127.0.0.1:")
                && l.ends_with(": --max-clients 2 reached")),
        "{err}"
    );
    a.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_all(&mut a), b"");
    l.wait_err("closed (5 bytes in, 5 bytes out)");
}

#[test]
fn acl_allow_and_deny_at_accept_time() {
    let port = free_tcp_port();
    let l = listen(
        port,
        &["--echo", "--allow", "127.0.0.0/8", "--deny", "127.0.0.1/32"],
        Stdio::null(),
    );
    // From 127.0.0.1: denied, closed at once, logged.
    let mut s = connect_std(port);
    assert_eq!(read_all(&mut s), b"");
    l.wait_err("denied by --deny 127.0.0.1/32");
    // From 127.0.0.2: allowed.
    let out = nettool()
        .args(["connect", "-s", "127.0.0.2", "127.0.0.1", &port.to_string()])
        .write_stdin("allowed\n")
        .timeout(LIMIT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"allowed\n");
    // The server's stderr is collected by a thread of its own: the line may come after the
    // client has its echo.
    l.wait_err("connection from 127.0.0.2:");

    let port = free_tcp_port();
    let l = listen(port, &["--allow", "10.0.0.0/8", "-k"], Stdio::null());
    let mut s = connect_std(port);
    assert_eq!(read_all(&mut s), b"");
    l.wait_err("not in any --allow network");
    assert!(
        l.err()
            .lines()
            .any(|x| x.starts_with("refused connection from 127.0.0.1:"))
    );
}

// ---- room ---------------------------------------------------------------------------------

fn json_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn room_two_hundred_members_fifty_lines_each() {
    const MEMBERS: usize = 200;
    const LINES: usize = 50;
    let port = free_tcp_port();
    let l = listen(port, &["--room", "--json"], Stdio::null());
    let streams: Vec<TcpStream> = (0..MEMBERS).map(|_| connect_std(port)).collect();
    assert!(wait_until(LIMIT, || {
        json_lines(&l.out())
            .iter()
            .filter(|r| r["event"] == "connection")
            .count()
            == MEMBERS
    }));
    let names: Vec<String> = streams
        .iter()
        .map(|s| s.local_addr().unwrap().to_string())
        .collect();
    let names = Arc::new(names);
    let handles: Vec<_> = streams
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let names = Arc::clone(&names);
            std::thread::spawn(move || {
                let mut w = s.try_clone().unwrap();
                let writer = std::thread::spawn(move || {
                    let mut all = String::new();
                    for k in 0..LINES {
                        all.push_str(&format!("m{i} {k}\n"));
                    }
                    w.write_all(all.as_bytes()).unwrap();
                    w
                });
                let mut reader = BufReader::new(s);
                let mut next = vec![0usize; MEMBERS];
                let mut got = 0;
                let mut line = String::new();
                while got < (MEMBERS - 1) * LINES {
                    line.clear();
                    assert!(reader.read_line(&mut line).unwrap() > 0, "member {i}: EOF");
                    if line.starts_with("* ") {
                        continue;
                    }
                    let (who, text) = line.trim_end().split_once("] ").unwrap();
                    let (tag, k) = text.split_once(' ').unwrap();
                    let j: usize = tag[1..].parse().unwrap();
                    assert_eq!(&who[1..], names[j], "member {i}: sender label");
                    assert_ne!(j, i, "member {i} got its own line");
                    assert_eq!(
                        k.parse::<usize>().unwrap(),
                        next[j],
                        "member {i}: order of {j}"
                    );
                    next[j] += 1;
                    got += 1;
                }
                let _w = writer.join().unwrap();
                assert!(
                    next.iter()
                        .enumerate()
                        .all(|(j, &n)| n == if j == i { 0 } else { LINES })
                );
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let records = json_lines(&l.out());
    assert_eq!(
        records.iter().filter(|r| r["event"] == "message").count(),
        MEMBERS * LINES
    );
    assert_eq!(
        records.iter().filter(|r| r["event"] == "dropped").count(),
        0
    );
}

#[test]
fn room_nick_join_leave_and_quit() {
    let port = free_tcp_port();
    let l = listen(port, &["--room"], Stdio::null());
    let mut a = BufReader::new(connect_std(port));
    let mut b = connect_std(port);
    let b_name = b.local_addr().unwrap().to_string();
    let mut line = String::new();
    a.read_line(&mut line).unwrap();
    assert_eq!(line, format!("* {b_name} joined\n"));
    b.write_all(b"/nick bob\nhello \x1b[31mall\n/quit\n")
        .unwrap();
    for want in [
        format!("* {b_name} is now bob\n"),
        "[bob] hello \\x1b[31mall\n".to_string(),
        "* bob left\n".to_string(),
    ] {
        line.clear();
        a.read_line(&mut line).unwrap();
        assert_eq!(line, want);
    }
    // The member hears its own rename, then the room closes its connection.
    assert_eq!(
        read_all(&mut b),
        format!("* {b_name} is now bob\n").as_bytes()
    );
    assert!(wait_until(LIMIT, || String::from_utf8_lossy(&l.out())
        .contains("[bob] hello \\x1b[31mall\n")));
    l.wait_err(&format!("* {b_name} is now bob"));
}

#[test]
fn room_sends_what_the_listening_terminal_types_until_its_quit_word() {
    const LINES: usize = 2000;
    let port = free_tcp_port();
    let mut l = listen(port, &["--room"], Stdio::piped());
    let mut stdin = l.child.0.stdin.take().unwrap();
    let mut a = BufReader::new(connect_std(port));
    let a_addr = a.get_ref().local_addr().unwrap();
    l.wait_err(&format!("connection from {a_addr}"));
    // One write of more than one read's worth: lines are cut across reads.
    let mut typed: String = (0..LINES).map(|i| format!("line {i}\n")).collect();
    typed.push_str("/quit\nafter the quit\n");
    stdin.write_all(typed.as_bytes()).unwrap();
    for i in 0..LINES {
        let mut line = String::new();
        a.read_line(&mut line).unwrap();
        assert_eq!(line, format!("[server] line {i}\n"));
    }
    let mut rest = Vec::new();
    a.read_to_end(&mut rest).unwrap();
    assert_eq!(String::from_utf8_lossy(&rest), "");
    assert_eq!(l.exit(), Some(0), "{}", l.err());
}

/// `LINES` numbered lines of 100 bytes, piped into a room on its listening terminal.
fn typed_lines(lines: usize) -> String {
    (0..lines).map(|i| format!("{i:099}\n")).collect()
}

/// Read the typed lines `0..lines` as a member gets them; the room's notices among them.
fn read_typed_lines(member: &mut BufReader<TcpStream>, lines: usize) -> Vec<String> {
    let mut notices = Vec::new();
    let mut line = String::new();
    let mut i = 0;
    while i < lines {
        line.clear();
        assert!(
            member.read_line(&mut line).unwrap() > 0,
            "ended at line {i}"
        );
        if line.starts_with("* ") {
            notices.push(line.clone());
        } else {
            assert_eq!(line, format!("[server] {i:099}\n"));
            i += 1;
        }
    }
    notices
}

/// `listen --room` with a queue bound of 64 KiB, its stdin, and its port.
fn small_queue_room() -> (Proc, std::process::ChildStdin, u16) {
    let port = free_tcp_port();
    let mut l = listen(port, &["--room", "--room-queue", "65536"], Stdio::piped());
    let stdin = l.child.0.stdin.take().unwrap();
    (l, stdin, port)
}

/// `member`, once the listener has said that it took it.
fn joined(l: &Proc, member: TcpStream) -> TcpStream {
    l.wait_err(&format!("connection from {}", member.local_addr().unwrap()));
    member
}

#[test]
fn room_input_from_a_pipe_waits_for_a_member_that_reads() {
    // 20 MB against a queue bound of 64 KiB: without waiting for the member, it is dropped
    // as too slow within the first megabytes.
    const LINES: usize = 200_000;
    let (mut l, mut stdin, port) = small_queue_room();
    let mut a = BufReader::new(joined(&l, connect_std(port)));
    let writer = std::thread::spawn(move || {
        stdin.write_all(typed_lines(LINES).as_bytes()).unwrap();
        stdin.write_all(b"/quit\n").unwrap();
    });
    assert_eq!(read_typed_lines(&mut a, LINES), Vec::<String>::new());
    writer.join().unwrap();
    let mut rest = Vec::new();
    a.read_to_end(&mut rest).unwrap();
    assert_eq!(String::from_utf8_lossy(&rest), "");
    assert_eq!(l.exit(), Some(0), "{}", l.err());
}

#[test]
fn room_input_waits_five_seconds_for_a_member_that_stopped_reading() {
    const LINES: usize = 100_000;
    let (mut l, mut stdin, port) = small_queue_room();
    let sleeper = joined(&l, connect_small_window(port));
    let sleeper_name = sleeper.local_addr().unwrap().to_string();
    let mut a = BufReader::new(joined(&l, connect_std(port)));
    let started = std::time::Instant::now();
    let writer = std::thread::spawn(move || {
        stdin.write_all(typed_lines(LINES).as_bytes()).unwrap();
        stdin
    });
    let notices = read_typed_lines(&mut a, LINES);
    // Typed input waited for the sleeper, then the reader had the rest after it was dropped.
    assert!(started.elapsed() >= Duration::from_secs(5));
    let reason = "too slow: more than 32768 bytes waiting to be sent for 5 s";
    assert_eq!(
        notices,
        [format!("* {sleeper_name} was dropped: {reason}\n")]
    );
    let mut stdin = writer.join().unwrap();
    stdin.write_all(b"/quit\n").unwrap();
    assert_eq!(l.exit(), Some(0), "{}", l.err());
    drop(sleeper);
}

#[test]
fn concurrent_pipe_sends_stdin_to_every_client() {
    let port = free_tcp_port();
    let mut l = listen(port, &["--concurrent"], Stdio::piped());
    let mut stdin = l.child.0.stdin.take().unwrap();
    let mut clients: Vec<TcpStream> = (0..2).map(|_| connect_std(port)).collect();
    for c in &clients {
        l.wait_err(&format!("connection from {}", c.local_addr().unwrap()));
    }
    // More than one read of stdin, and bytes that are no text.
    let sent: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    stdin.write_all(&sent).unwrap();
    for c in &mut clients {
        let mut got = vec![0u8; sent.len()];
        c.read_exact(&mut got).unwrap();
        assert!(got == sent, "a client got other bytes");
    }
}

#[test]
fn room_drops_a_member_that_never_reads() {
    let port = free_tcp_port();
    let l = listen(
        port,
        &["--room", "--json", "--room-queue", "65536"],
        Stdio::null(),
    );
    let sleeper = connect_small_window(port);
    let sleeper_name = sleeper.local_addr().unwrap().to_string();
    let reader = connect_std(port);
    let sender = connect_std(port);
    assert!(wait_until(LIMIT, || {
        json_lines(&l.out())
            .iter()
            .filter(|r| r["event"] == "connection")
            .count()
            == 3
    }));
    const LINES: usize = 8_000;
    sender.set_nodelay(true).unwrap();
    let mut w = sender.try_clone().unwrap();
    // The sender stays at most 32 lines ahead of the reader (less than the queue bound), so
    // only the sleeper lags.
    let progress = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = Arc::clone(&progress);
    let writer = std::thread::spawn(move || {
        let body = "y".repeat(1000);
        for k in 0..LINES {
            while k > seen.load(std::sync::atomic::Ordering::SeqCst) + 32 {
                std::thread::sleep(Duration::from_micros(100));
            }
            w.write_all(format!("{k} {body}\n").as_bytes()).unwrap();
        }
    });
    let mut r = BufReader::new(reader);
    let mut line = String::new();
    let mut k = 0;
    let mut saw_drop = false;
    while k < LINES {
        line.clear();
        assert!(r.read_line(&mut line).unwrap() > 0);
        if line.starts_with("* ") {
            saw_drop |= line.starts_with(&format!("* {sleeper_name} was dropped: too slow"));
            continue;
        }
        let text = line.split_once("] ").unwrap().1;
        assert_eq!(text.split_once(' ').unwrap().0.parse::<usize>().unwrap(), k);
        k += 1;
        progress.store(k, std::sync::atomic::Ordering::SeqCst);
    }
    writer.join().unwrap();
    assert!(saw_drop, "the reader was told");
    let records = json_lines(&l.out());
    let dropped: Vec<&Value> = records.iter().filter(|r| r["event"] == "dropped").collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["peer"], sleeper_name.as_str());
    drop(sleeper);
}

// ---- chat under a real terminal -----------------------------------------------------------

/// A private tmux server whose windows are real terminals (also used by the UDP tests).
pub(crate) struct Tmux {
    socket: String,
}

impl Tmux {
    pub(crate) fn new() -> Self {
        Self {
            socket: format!("nettool-test-{}-{}", std::process::id(), free_tcp_port()),
        }
    }

    pub(crate) fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-u", "-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    pub(crate) fn start(&self, name: &str, shell: &str) {
        self.cmd(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "200",
            "-y",
            "50",
            shell,
        ]);
    }

    pub(crate) fn screen(&self, name: &str) -> String {
        self.cmd(&["capture-pane", "-p", "-t", name])
    }

    pub(crate) fn wait(&self, name: &str, text: &str) {
        assert!(
            wait_until(LIMIT, || self.screen(name).contains(text)),
            "{name} never showed {text:?}:\n{}",
            self.screen(name)
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.cmd(&["kill-server"]);
    }
}

#[test]
fn chat_in_a_real_terminal() {
    if !tool_or_skip("chat_in_a_real_terminal", "tmux") {
        return;
    }
    let t = Tmux::new();
    let port = free_tcp_port();
    let nt = bin().display().to_string();
    t.start(
        "l",
        &format!("{nt} listen 127.0.0.1 {port}; echo EXIT=$?; sleep 60"),
    );
    t.wait("l", &format!("listening on 127.0.0.1:{port}"));
    t.start(
        "c",
        &format!("{nt} connect 127.0.0.1 {port}; echo EXIT=$?; sleep 60"),
    );
    t.wait("c", &format!("connected to 127.0.0.1:{port}"));
    t.wait("l", "connection from 127.0.0.1:");

    t.cmd(&["send-keys", "-t", "c", "hello from connect", "Enter"]);
    t.wait("l", "] hello from connect");
    t.cmd(&["send-keys", "-t", "l", "hello from listen", "Enter"]);
    t.wait("c", &format!("[127.0.0.1:{port}] hello from listen"));
    // An escape sequence typed on one side is shown escaped on the other.
    t.cmd(&["send-keys", "-t", "l", "red", "Escape", "[31mtext", "Enter"]);
    t.wait("c", &format!("[127.0.0.1:{port}] red\\x1b[31mtext"));

    // The quit word ends both sides cleanly.
    t.cmd(&["send-keys", "-t", "c", "q", "Enter"]);
    t.wait("c", "EXIT=0");
    t.wait("l", "peer closed the connection");
    t.wait("l", "EXIT=0");
    let screen = t.screen("l");
    assert!(screen.contains("] hello from connect"), "{screen}");
}

#[test]
fn chat_quit_word_from_the_listening_side() {
    if !tool_or_skip("chat_quit_word_from_the_listening_side", "tmux") {
        return;
    }
    let t = Tmux::new();
    let port = free_tcp_port();
    let nt = bin().display().to_string();
    t.start(
        "l",
        &format!("{nt} listen 127.0.0.1 {port} -D; echo EXIT=$?; sleep 60"),
    );
    t.wait("l", "listening on");
    t.start(
        "c",
        &format!("{nt} connect 127.0.0.1 {port}; echo EXIT=$?; sleep 60"),
    );
    t.wait("l", "connection from");
    t.cmd(&["send-keys", "-t", "c", "stamped", "Enter"]);
    t.wait("l", "] stamped");
    let screen = t.screen("l");
    let line = screen.lines().find(|l| l.ends_with("] stamped")).unwrap();
    // -D: HH:MM:SS.mmm before the label.
    assert_eq!(&line[2..3], ":", "{line}");
    assert_eq!(&line[12..14], " [", "{line}");
    t.cmd(&["send-keys", "-t", "l", "##", "Enter"]);
    t.wait("l", "EXIT=0");
    t.wait("c", "peer closed the connection");
    t.wait("c", "EXIT=0");
}

pub(crate) mod course;
mod keep_open;
mod narration;
mod room;
mod signals;
