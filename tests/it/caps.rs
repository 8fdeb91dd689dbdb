//! Capabilities of the commands that open raw or packet sockets (`trace`, `scan --syn`,
//! `sniff`, `arping`) or read other users' processes (`sockets`): a copy of the binary given
//! `cap_net_raw+ep` and run by an unprivileged user holds no effective capability in any
//! thread once it has started, and still does its job.

use std::ffi::OsStr;
use std::io::Read;
use std::process::Command;
use std::time::Duration;

use crate::common::{self, ChildGuard, Netns};

/// The effective capability set of a process, from /proc/PID/status.
fn cap_eff(pid: u32) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .map(|v| v.trim().to_string())
}

/// A copy of the binary given `cap_net_raw+ep` (as nettool's own error message suggests), in a
/// folder an unprivileged user can read.
fn setcap_copy() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let copy = dir.path().join("nettool");
    std::fs::copy(common::bin(), &copy).unwrap();
    let ok = Command::new("setcap")
        .args(["cap_net_raw+ep"])
        .arg(&copy)
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some((dir, copy))
}

/// The setcap'd copy, or `None` (with the reason printed) where the test cannot run.
pub(crate) fn copy_or_skip(test: &str) -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    if !common::root_or_skip(test)
        || !common::tool_or_skip(test, "setpriv")
        || !common::tool_or_skip(test, "setcap")
    {
        return None;
    }
    let copy = setcap_copy();
    if copy.is_none() {
        assert!(!common::strict(), "{test}: setcap failed");
        eprintln!("skipping {test}: setcap failed on this file system");
    }
    copy
}

/// `copy ARGV` as user and group 65534 inside `ns`, stdout piped to the caller.
fn spawn_unprivileged(ns: &Netns, copy: &std::path::Path, argv: &[&str]) -> ChildGuard {
    let mut full: Vec<&OsStr> = ["--reuid=65534", "--regid=65534", "--clear-groups"]
        .iter()
        .map(OsStr::new)
        .collect();
    full.push(copy.as_os_str());
    full.extend(argv.iter().map(OsStr::new));
    ns.spawn_piped("setpriv", &full)
}

/// Wait until `child` has a socket open, give it time to finish starting, and check that it
/// still runs with an empty effective set in every thread.
pub(crate) fn assert_started_without_capabilities(child: &mut ChildGuard, what: &str) {
    let pid = child.pid();
    assert!(
        common::wait_until(Duration::from_secs(10), || common::has_socket(pid)),
        "{what} did not start"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.wait_timeout(Duration::ZERO).is_none(),
        "{what} exited early"
    );
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    for task in tasks {
        let tid = task.unwrap().file_name();
        let tid = tid.to_string_lossy();
        let status =
            std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/status")).unwrap_or_default();
        let eff = status.lines().find_map(|l| l.strip_prefix("CapEff:"));
        assert_eq!(
            eff.map(str::trim),
            Some("0000000000000000"),
            "{what} thread {tid}"
        );
    }
    assert_eq!(cap_eff(pid).as_deref(), Some("0000000000000000"), "{what}");
}

/// Wait (at most 20 s) for `child` to end; its exit code and stdout.
fn finish(mut child: ChildGuard, what: &str) -> (Option<i32>, String) {
    let mut stdout = child.0.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let status = child
        .wait_timeout(Duration::from_secs(20))
        .unwrap_or_else(|| panic!("{what} did not end"));
    (status.code(), reader.join().unwrap())
}

/// `trace` opens its raw ICMP socket with the capability raised, then drops it, and traces
/// loopback to the end.
#[test]
fn trace_drops_capabilities_after_opening_its_raw_socket() {
    let Some((_dir, copy)) = copy_or_skip("trace_drops_capabilities_after_opening_its_raw_socket")
    else {
        return;
    };
    let ns = Netns::new("ctr");
    let argv = [
        "trace",
        "-c",
        "8",
        "-i",
        "0.1",
        "-m",
        "2",
        "--json",
        "127.0.0.1",
    ];
    let mut child = spawn_unprivileged(&ns, &copy, &argv);
    assert_started_without_capabilities(&mut child, "trace");
    let (code, stdout) = finish(child, "trace");
    assert_eq!(code, Some(0), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    assert_eq!(
        (&report["method"], &report["reached_hop"]),
        (&"raw".into(), &1.into()),
        "{stdout}"
    );
}

/// `scan --syn` opens its raw sockets with the capability raised, then drops it, and finds
/// the open port.
#[test]
fn syn_scan_drops_capabilities_after_opening_its_raw_sockets() {
    let Some((_dir, copy)) =
        copy_or_skip("syn_scan_drops_capabilities_after_opening_its_raw_sockets")
    else {
        return;
    };
    let ns = Netns::new("csc");
    let server = common::python_until_ready(
        &ns,
        "import socket, time\n\
         s = socket.socket(); s.bind(('127.0.0.1', 8001)); s.listen()\n\
         print('ready', flush=True)\n\
         time.sleep(30)\n",
    );
    // Paced, so that it is still running when looked at.
    let argv = [
        "scan",
        "--syn",
        "--rate",
        "20",
        "-p",
        "8001,1-20",
        "-o",
        "open",
        "127.0.0.1",
    ];
    let mut child = spawn_unprivileged(&ns, &copy, &argv);
    assert_started_without_capabilities(&mut child, "scan --syn");
    let (code, stdout) = finish(child, "scan --syn");
    assert_eq!((code, stdout.as_str()), (Some(0), "127.0.0.1 8001\n"));
    drop(server);
}

/// `sniff` opens its packet socket with the capability raised, then drops it, and captures
/// what crosses loopback.
#[test]
fn sniff_drops_capabilities_after_opening_its_packet_socket() {
    let Some((_dir, copy)) =
        copy_or_skip("sniff_drops_capabilities_after_opening_its_packet_socket")
    else {
        return;
    };
    let ns = Netns::new("csn");
    let mut child = spawn_unprivileged(
        &ns,
        &copy,
        &["sniff", "lo", "--proto", "udp", "-c", "2", "--json"],
    );
    assert_started_without_capabilities(&mut child, "sniff");
    let sent = ns
        .command("python3")
        .args([
            "-c",
            "import socket\n\
             r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(('127.0.0.1', 9009))\n\
             s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
             for _ in range(2): s.sendto(b'seen', ('127.0.0.1', 9009))\n",
        ])
        .status()
        .unwrap();
    assert!(sent.success());
    let (code, stdout) = finish(child, "sniff");
    assert_eq!(code, Some(0), "{stdout}");
    let to_port = stdout.lines().filter(|l| l.contains("9009")).count();
    assert_eq!(to_port, 2, "{stdout}");
}

/// `arping` opens its packet socket with the capability raised, then drops it, and gets its
/// replies.
#[test]
fn arping_drops_capabilities_after_opening_its_packet_socket() {
    let Some((_dir, copy)) =
        copy_or_skip("arping_drops_capabilities_after_opening_its_packet_socket")
    else {
        return;
    };
    let (a, _b) = common::linked_pair("car", 78);
    let argv = ["arping", "-I", "va", "-c", "8", "-i", "0.1", "10.78.0.2"];
    let mut child = spawn_unprivileged(&a, &copy, &argv);
    assert_started_without_capabilities(&mut child, "arping");
    let (code, stdout) = finish(child, "arping");
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("Received 8 response(s)"), "{stdout}");
}

/// `sockets` reads other users' processes with the capabilities raised and drops them before
/// it prints: held at its output (more than a pipe holds) it has none, and its listing is
/// whole.
#[test]
fn sockets_drops_capabilities_before_printing() {
    let Some((_dir, copy)) = copy_or_skip("sockets_drops_capabilities_before_printing") else {
        return;
    };
    let ns = Netns::new("cso");
    let holder = common::python_until_ready(
        &ns,
        "import socket, time\n\
         held = []\n\
         for _ in range(800):\n\
         \x20   u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))\n\
         \x20   held.append(u)\n\
         print('ready', flush=True)\n\
         time.sleep(30)\n",
    );
    let child = spawn_unprivileged(&ns, &copy, &["sockets", "-u", "--json"]);
    let pid = child.pid();
    // Blocked writing its output into the pipe nobody reads yet: past its start-up.
    assert!(
        common::wait_until(Duration::from_secs(10), || {
            std::fs::read_to_string(format!("/proc/{pid}/wchan"))
                .is_ok_and(|w| w.contains("pipe_write"))
        }),
        "sockets did not reach its output"
    );
    assert_eq!(cap_eff(pid).as_deref(), Some("0000000000000000"), "sockets");
    let (code, stdout) = finish(child, "sockets");
    assert_eq!(code, Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["total"], 800, "{}", &stdout[..stdout.len().min(400)]);
    drop(holder);
}
