//! Regression tests against hostile peers, exhausted resources, privileges, signals and hostile
//! input: each test names what it guards.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::caps::{assert_started_without_capabilities, copy_or_skip};
use crate::common::{self, ChildGuard, has_socket};

/// A setcap'd binary run by an unprivileged user holds no effective capability once started,
/// in ping (which needs CAP_NET_RAW for its raw socket) as in udp-recv and listen (which never
/// need it).
#[test]
fn setcap_binary_holds_no_effective_capability_after_start() {
    let Some((_dir, copy)) =
        copy_or_skip("setcap_binary_holds_no_effective_capability_after_start")
    else {
        return;
    };
    let udp_port = common::free_udp_port().to_string();
    let tcp_port = common::free_tcp_port().to_string();
    let runs: [&[&str]; 3] = [
        &["ping", "-i", "0.2", "-c", "50", "127.0.0.1"],
        &["udp-recv", "127.0.0.1", &udp_port],
        &["listen", "127.0.0.1", &tcp_port],
    ];
    for argv in runs {
        let child = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&copy)
            .args(argv)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut child = ChildGuard(child);
        assert_started_without_capabilities(&mut child, &format!("{argv:?}"));
    }
}

/// Input echoed in an error line is escaped: a name read from a `-f` file or given as an
/// argument can neither retitle the terminal (OSC) nor split the line with a newline.
#[test]
fn echoed_input_in_errors_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names");
    std::fs::write(&names, "\x1b]0;PWNED\x07.test\n").unwrap();
    let out = common::nettool()
        .args(["resolve", "-f"])
        .arg(&names)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains("error: \\x1b]0;PWNED\\x07.test: "), "{err:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\x1b'), "{stdout:?}");

    for argv in [
        &["subnet", "10.0.0.1/\x1b]0;x\x07\nerror: forged"][..],
        &["connect", "127.0.0.1", "port\nerror: forged"][..],
        &["listen", "\u{202e}x\ny", "1"][..],
    ] {
        let out = common::nettool().args(argv).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{argv:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{argv:?}: {err:?}");
        assert!(
            !err.contains('\x1b') && !err.contains('\u{202e}'),
            "{argv:?}: {err:?}"
        );
        assert!(err.contains("\\n"), "{argv:?}: {err:?}");
    }
}

/// At a limit of 1,024 open files, 2,000 clients neither end the server (`--echo` exited with
/// `accept: too many open files`) nor make it spin (`--room`, `--concurrent` printed a warning
/// per failed accept): accepting pauses with one warning, the process stays near idle, and when
/// clients leave the waiting ones are served. The server's stdout is read all along: a reader
/// that stops reading would stall the server on a full pipe, which is not what is tested here.
#[test]
fn file_descriptor_exhaustion_pauses_accepting() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    if !common::tool_or_skip("file_descriptor_exhaustion_pauses_accepting", "python3") {
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/harden_flood.py");
    for mode in ["--echo", "--room", "--concurrent"] {
        let port = common::free_tcp_port().to_string();
        let server = Command::new("sh")
            .args(["-c", "ulimit -n 1024 && exec \"$0\" \"$@\""])
            .arg(common::bin())
            .args(["--json", "listen", "127.0.0.1", &port, mode, "--pipe"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut server = ChildGuard(server);
        let connections = Arc::new(AtomicUsize::new(0));
        let stdout = server.0.stdout.take().unwrap();
        let counted = Arc::clone(&connections);
        let stdout = std::thread::spawn(move || {
            for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
                let Ok(line) = line else { break };
                if line.contains("\"event\":\"connection\"") {
                    counted.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        let mut stderr = server.0.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
            text
        });
        assert!(common::wait_until(Duration::from_secs(10), || has_socket(
            server.pid()
        )));
        let clients = Command::new("python3")
            .args([script, &port, &server.pid().to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut clients = ChildGuard(clients);
        let mut report = std::io::BufReader::new(clients.0.stdout.take().unwrap());
        let mut figures = std::collections::HashMap::new();
        for _ in 0..3 {
            let mut line = String::new();
            std::io::BufRead::read_line(&mut report, &mut line).unwrap();
            let (key, value) = line.trim().split_once(' ').unwrap();
            figures.insert(key.to_string(), value.parse::<u64>().unwrap());
        }
        // Those the server holds and those waiting in its backlog; a SYN dropped while both
        // were full is sent again later, and the count below waits for every client.
        assert!(figures["connected"] >= 1500, "{mode}: {figures:?}");
        // Near idle while paused: under a quarter of one core over the 2 s window.
        let budget = figures["clk_tck"] * 2 / 4;
        assert!(
            figures["cpu_ticks"] < budget,
            "{mode}: {} ticks of CPU in 2 s while paused",
            figures["cpu_ticks"]
        );
        // Every client is accepted in the end: 2,000 connection records.
        let all = common::wait_until(Duration::from_secs(60), || {
            connections.load(Ordering::SeqCst) >= 2000
        });
        assert!(
            all,
            "{mode}: only {} connections",
            connections.load(Ordering::SeqCst)
        );
        assert!(
            server.wait_timeout(Duration::ZERO).is_none(),
            "{mode}: exited"
        );
        drop(clients);
        server.interrupt();
        assert_eq!(
            server
                .wait_timeout(Duration::from_secs(20))
                .and_then(|s| s.code()),
            Some(0),
            "{mode}"
        );
        stdout.join().unwrap();
        let err = stderr.join().unwrap();
        let warnings = err.matches("not accepting until a client leaves").count();
        assert_eq!(warnings, 1, "{mode}: {err}");
        assert!(!err.contains("error:"), "{mode}: {err}");
    }
}
