//! The command-line contract shared by every subcommand: usage errors, help, closed stdout.

use crate::common::nettool;

#[test]
fn usage_error_is_one_line_exit_2() {
    let out = nettool().args(["completions", "nosh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: invalid value 'nosh' for '<SHELL>'"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_subcommand_exit_2() {
    let out = nettool().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("'frobnicate'"), "{stderr}");
}

#[test]
fn help_and_version_exit_0() {
    nettool()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Usage: nettool"));
    let out = nettool().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("nettool {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn closed_stdout_ends_quietly() {
    // The completion script is larger than what `head -c 1` reads before it closes the pipe.
    let script = format!(
        "set -o pipefail; '{}' completions zsh 2>/tmp/nettool-pipe-$$ | head -c 1 >/dev/null; \
         rc=$?; cat /tmp/nettool-pipe-$$; rm -f /tmp/nettool-pipe-$$; exit $rc",
        crate::common::bin().display()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stdout.is_empty(),
        "no panic or error text: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn man_dir_writes_every_page() {
    let dir = tempfile::tempdir().unwrap();
    nettool()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .code(0);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = nettool::docs::man_pages()
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    want.sort();
    assert_eq!(names, want);
}

/// Run nettool and return (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = nettool().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn usage_errors_say_what_is_wrong_in_one_line() {
    let cases: [(&[&str], &str); 7] = [
        (
            &["connect"],
            "error: the following required arguments were not provided: <HOST>, <PORT>",
        ),
        (
            &["connect", "localhost"],
            "error: the following required arguments were not provided: <PORT>",
        ),
        (
            &["subnet"],
            "error: the following required arguments were not provided: <ADDRESS[/PREFIX]>",
        ),
        (
            &["listen"],
            "error: the following required arguments were not provided: <ADDR> [PORT]",
        ),
        (
            &["udp-send", "127.0.0.1", "9", "-s", "100", "hi"],
            "error: the following required arguments were not provided: --seq",
        ),
        (
            &["pnig"],
            "error: unrecognized subcommand 'pnig' (tip: some similar subcommands exist: 'arping', \
             'ping')",
        ),
        (
            &["completions", "tcsh"],
            "error: invalid value 'tcsh' for '<SHELL>' [possible values: bash, elvish, fish, \
             powershell, zsh] (tip: a similar value exists: 'zsh')",
        ),
    ];
    for (args, want) in cases {
        let (code, stdout, stderr) = run(args);
        assert_eq!(
            (code, stderr.as_str()),
            (2, &*format!("{want}\n")),
            "{args:?}"
        );
        assert!(stdout.is_empty(), "{args:?}");
    }
    // An unknown page lists every page there is: `nettool`, then each subcommand in the order
    // of the clap tree.
    let pages: Vec<String> = std::iter::once("nettool".to_string())
        .chain(
            <nettool::cli::Cli as clap::CommandFactory>::command()
                .get_subcommands()
                .map(|c| c.get_name().to_string()),
        )
        .collect();
    let (code, stdout, stderr) = run(&["man", "pnig"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!("error: pnig: no such page (one of: {})\n", pages.join(", "))
    );
    assert!(stdout.is_empty());
}

#[test]
fn help_subcommand_equals_help_flag() {
    assert_eq!(run(&["help"]), run(&["--help"]));
    let (code, stdout, _) = run(&["help", "ping"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, run(&["ping", "--help"]).1);
    assert!(stdout.starts_with("Send ICMP echo requests"), "{stdout}");
}

#[test]
fn man_prints_the_page_asked_for() {
    let (code, stdout, _) = run(&["man", "ping"]);
    assert_eq!(code, 0);
    let want = nettool::docs::man_pages()
        .unwrap()
        .into_iter()
        .find(|(n, _)| n == "nettool-ping.1")
        .unwrap()
        .1;
    assert_eq!(stdout.as_bytes(), want);
    assert_eq!(run(&["man"]).1, run(&["man", "nettool"]).1);
}

#[test]
fn every_long_help_has_examples_exit_status_and_see_also() {
    let mut names: Vec<String> = nettool::docs::page_names();
    names[0].clear();
    for name in &names {
        let args: Vec<&str> = [name.as_str(), "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let (code, long, _) = run(&args);
        assert_eq!(code, 0, "{name}");
        let at = |what: &str| long.find(what).unwrap_or_else(|| panic!("{name}: {what}"));
        // The global flags under their own heading, after the command's own options.
        assert!(at("\nOptions:\n") < at("\nGlobal options:\n"), "{name}");
        assert!(at("\nGlobal options:\n") < at("      --json\n"), "{name}");
        assert!(at("\nExamples:\n") < at("\nExit status:\n"), "{name}");
        assert!(at("\nExit status:\n") < at("\nSee also:\n"), "{name}");
        assert!(
            long.contains("  2  the question could not be asked:"),
            "{name}"
        );
        let (_, short, _) = run(&[args[..args.len() - 1].to_vec(), vec!["-h"]].concat());
        assert!(!short.contains("Examples:"), "{name}: -h stays short");
        let color: Vec<&str> = short.lines().filter(|l| l.contains("--color")).collect();
        assert_eq!(color.len(), 1, "{name}: {short}");
    }
}

#[test]
fn verbose_is_described_per_command() {
    let (_, ping, _) = run(&["ping", "--help"]);
    assert!(
        ping.contains("which ICMP socket was opened (raw or datagram)"),
        "{ping}"
    );
    let (_, udp_send, _) = run(&["udp-send", "--help"]);
    assert!(
        udp_send.contains("one record per datagram sent"),
        "{udp_send}"
    );
    // Where -v adds nothing it is accepted but not offered.
    let (_, hostname, _) = run(&["hostname", "--help"]);
    assert!(!hostname.contains("--verbose"), "{hostname}");
    let (code, _, _) = run(&["subnet", "-v", "10.0.0.1/8"]);
    assert_eq!(code, 0);
}

#[test]
fn usage_lines_put_the_optional_address_first() {
    for (cmd, want) in [
        (
            "udp-recv",
            "Usage: nettool udp-recv [OPTIONS] [ADDRESS] <PORT>\n",
        ),
        ("listen", "Usage: nettool listen [OPTIONS] [ADDR] <PORT>\n"),
    ] {
        let (_, help, _) = run(&[cmd, "--help"]);
        assert!(help.contains(want), "{help}");
        let (_, page, _) = run(&["man", cmd]);
        let operands = want.split_once(cmd).unwrap().1.trim_end();
        assert!(page.contains(&format!("\\fR{operands}\n")), "{page}");
    }
}

#[test]
fn man_pages_have_real_sections() {
    for (name, roff) in nettool::docs::man_pages().unwrap() {
        let roff = String::from_utf8(roff).unwrap();
        for section in [".SH EXAMPLES", ".SH \"EXIT STATUS\"", ".SH \"SEE ALSO\""] {
            assert!(roff.contains(section), "{name}: {section}");
        }
        assert!(!roff.contains(".SH EXTRA"), "{name}");
    }
    // Ping's JSON records: one list item each, not one run-together paragraph.
    let (_, ping, _) = run(&["man", "ping"]);
    assert!(ping.contains(".SH \"JSON OUTPUT\""));
    assert!(ping.contains(".IP \\(bu 2\nreply: seq, from,"), "{ping}");
    assert!(ping.contains(".IP \\(bu 2\ntimeout: seq"), "{ping}");
}

#[test]
fn version_verbose_names_commit_target_features_and_icmp() {
    let (code, text, _) = run(&["--version", "-v"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("nettool {}", env!("CARGO_PKG_VERSION")));
    let (_, json, _) = run(&["--version", "-v", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["version"], env!("CARGO_PKG_VERSION"));
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_string());
    assert_eq!(
        doc["commit"].as_str().unwrap(),
        commit.as_deref().unwrap_or("unknown")
    );
    assert_eq!(
        lines[1],
        format!("commit:   {}", doc["commit"].as_str().unwrap())
    );
    assert!(doc["target"].as_str().unwrap().contains("linux"), "{json}");
    assert_eq!(doc["features"], serde_json::json!(["oui"]));
    if crate::common::is_root() {
        assert_eq!(
            doc["icmp"],
            serde_json::json!({"ipv4": "raw", "ipv6": "raw"})
        );
        assert_eq!(lines[4], "icmp:     IPv4 raw, IPv6 raw");
    }
}

#[test]
fn version_verbose_says_when_icmp_is_refused() {
    if !crate::common::root_or_skip("version_verbose_says_when_icmp_is_refused")
        || !crate::common::tool_or_skip("version_verbose_says_when_icmp_is_refused", "setpriv")
    {
        return;
    }
    // A fresh namespace where ping_group_range admits no group, run as nobody: neither socket.
    let ns = crate::common::Netns::new("ver");
    let icmp_v4_as_nobody = || {
        let out = ns
            .command("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(crate::common::bin())
            .args(["--version", "-v", "--json"])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["icmp"]["ipv4"].as_str().unwrap().to_string()
    };
    ns.sysctl("net.ipv4.ping_group_range", "1 0");
    assert_eq!(icmp_v4_as_nobody(), "none");
    // Widened to every group, the datagram socket opens.
    ns.sysctl("net.ipv4.ping_group_range", "0 2147483647");
    assert_eq!(icmp_v4_as_nobody(), "datagram");
}

#[test]
fn man_dir_refuses_a_planted_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    let planted = dir.path().join("pages");
    std::fs::create_dir(&planted).unwrap();
    std::os::unix::fs::symlink(&victim, planted.join("nettool-ping.1")).unwrap();
    let out = nettool()
        .args(["man", "--dir"])
        .arg(&planted)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: {}: is a symbolic link; refusing to write through it\n",
            planted.join("nettool-ping.1").display()
        )
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&planted)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn man_dir_is_created_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("share/man/man1");
    let out = nettool()
        .args(["man", "--dir"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: {}: no such directory (--mkdir creates it)\n",
            missing.display()
        )
    );
    assert!(!dir.path().join("share").exists());
    nettool()
        .args(["man", "--mkdir", "--dir"])
        .arg(&missing)
        .assert()
        .code(0);
    assert!(missing.join("nettool-ping.1").is_file());
    // A page already there is replaced, not appended to.
    std::fs::write(missing.join("nettool.1"), "old").unwrap();
    nettool()
        .args(["man", "--dir"])
        .arg(&missing)
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read(missing.join("nettool.1")).unwrap(),
        nettool::docs::man_pages().unwrap()[0].1
    );
}

/// What bash offers after `words` (the last one is being completed), with nettool's script.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let script = format!(
        "source <('{bin}' completions bash)\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}\n\
         _nettool nettool '{cur}' '{prev}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bin = crate::common::bin().display(),
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut words: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    words.sort();
    words
}

#[test]
fn bash_completes_record_types_and_interfaces() {
    assert_eq!(
        bash_completes(&["nettool", "resolve", "-t", ""]),
        [
            "A", "AAAA", "CAA", "CNAME", "DNSKEY", "HTTPS", "MX", "NS", "PTR", "SOA", "SRV", "TXT"
        ]
    );
    let mut interfaces: Vec<String> = std::fs::read_dir("/sys/class/net")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    interfaces.sort();
    assert!(interfaces.contains(&"lo".to_string()));
    assert_eq!(bash_completes(&["nettool", "ping", "-I", ""]), interfaces);
    assert_eq!(
        bash_completes(&["nettool", "udp-recv", "--iface", ""]),
        interfaces
    );
}

#[test]
fn unreachable_network_exits_2_everywhere() {
    if !crate::common::root_or_skip("unreachable_network_exits_2_everywhere") {
        return;
    }
    // A namespace with only loopback: no route to 192.0.2.1, so nothing is sent anywhere.
    let ns = crate::common::Netns::new("unr");
    for args in [
        &["connect", "-w", "1s", "192.0.2.1", "80"][..],
        &["connect", "-z", "-w", "1s", "192.0.2.1", "80"],
        &["ping", "-c", "1", "-W", "1s", "192.0.2.1"],
        &["udp-send", "192.0.2.1", "9", "hi"],
    ] {
        let out = ns.nettool().args(args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("network is unreachable"),
            "{args:?}: {stderr}"
        );
    }
}

/// Each subcommand's summary fits its one line of `--help`: a wrapped summary leaves a word
/// alone under the command column, where it reads as a command (and scripts that list the
/// commands take it for one).
#[test]
fn every_summary_fits_one_line_of_help() {
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    let listed: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    let mut want: Vec<String> = <nettool::cli::Cli as clap::CommandFactory>::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    want.push("help".to_string());
    assert_eq!(listed, want, "{stdout}");
}
