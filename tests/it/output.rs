//! What every text output shares: colour by meaning under one rule (`--color`, `NO_COLOR`,
//! `CLICOLOR_FORCE`; never into a pipe unless forced, never with `--json`), table lines that
//! end without spaces, and counts whose nouns agree with them. Each command runs with stdout
//! on a pipe, as a test sees it, against loopback only.

use std::net::TcpListener;

use crate::common::{is_root, nettool, root_or_skip};

const ESC: char = '\u{1b}';

/// Exit status and stdout of `nettool ARGS` with the environment `env` added.
fn stdout_of(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = nettool();
    cmd.args(args);
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// `text` with its ANSI escapes removed.
fn strip_ansi(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}

/// Commands whose text shows a coloured answer, with the word that must be coloured. The
/// listener keeps one port open for `scan` and `connect -z`; ping needs a raw socket (root).
fn coloured_commands(open: u16) -> Vec<(Vec<String>, &'static str)> {
    let port = open.to_string();
    let mut commands: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["subnet", "10.1.2.3/24", "10.1.3.4"],
            "different networks",
        ),
        (vec!["subnet", "10.1.2.3/24", "10.1.2.4/24"], "same network"),
        (vec!["portinfo", "22"], "ssh"),
        (vec!["scan", "127.0.0.1", "-p", &port], "open"),
        (vec!["connect", "-z", "127.0.0.1", &port], "open"),
        (vec!["resolve", "localhost"], "127.0.0.1"),
    ];
    if is_root() {
        commands.push((vec!["ping", "-c", "1", "127.0.0.1"], "0%"));
        commands.push((vec!["ping", "-c", "1", "127.0.0.1", "127.0.0.2"], "0%"));
    }
    commands
        .into_iter()
        .map(|(args, word)| (args.into_iter().map(String::from).collect(), word))
        .collect()
}

#[test]
fn clicolor_force_colours_a_pipe_by_meaning() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    root_or_skip("clicolor_force_colours_a_pipe_by_meaning (ping part)");
    for (args, word) in coloured_commands(port) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, plain) = stdout_of(&args, &[]);
        assert!(!plain.contains(ESC), "{args:?} coloured a pipe: {plain:?}");
        let (forced_code, coloured) = stdout_of(&args, &[("CLICOLOR_FORCE", "1")]);
        assert_eq!(
            code, forced_code,
            "{args:?}: colour changed the exit status"
        );
        // The word itself sits inside an escape: "\x1b[...m" WORD.
        let painted = coloured
            .match_indices(word)
            .any(|(at, _)| coloured[..at].ends_with('m') && coloured[..at].contains(ESC));
        assert!(painted, "{args:?}: {word} not coloured in {coloured:?}");
        // Colour changes nothing but the escapes: the same text, the same columns (where the
        // text holds no timing).
        if matches!(args[0], "subnet" | "portinfo") {
            assert_eq!(strip_ansi(&coloured), plain, "{args:?}");
        }
    }
}

#[test]
fn no_color_never_and_json_beat_forced_colour() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    for (args, _) in coloured_commands(port) {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        // NO_COLOR (any non-empty value) turns auto off even when CLICOLOR_FORCE asks.
        let (_, text) = stdout_of(&args, &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]);
        assert!(!text.contains(ESC), "{args:?} with NO_COLOR: {text:?}");
        // An empty NO_COLOR is no request, and CLICOLOR_FORCE=0 forces nothing.
        let (_, text) = stdout_of(&args, &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "0")]);
        assert!(
            !text.contains(ESC),
            "{args:?} with CLICOLOR_FORCE=0: {text:?}"
        );
        let mut never = vec!["--color", "never"];
        never.extend(&args);
        let (_, text) = stdout_of(&never, &[("CLICOLOR_FORCE", "1")]);
        assert!(!text.contains(ESC), "{never:?}: {text:?}");
        let mut always = vec!["--color", "always"];
        always.extend(&args);
        let (_, text) = stdout_of(&always, &[("NO_COLOR", "1")]);
        assert!(text.contains(ESC), "{always:?} must colour: {text:?}");
        args.insert(0, "--json");
        args.insert(0, "always");
        args.insert(0, "--color");
        let (_, text) = stdout_of(&args, &[("CLICOLOR_FORCE", "1")]);
        assert!(!text.contains(ESC), "{args:?}: {text:?}");
    }
}

#[test]
fn errors_are_coloured_on_stderr_only_when_asked() {
    let out = nettool()
        .args(["subnet", "10.0.0.1/33"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        err,
        "\u{1b}[31merror:\u{1b}[0m 10.0.0.1/33: prefix /33 is out of range 0-32\n"
    );
    let out = nettool().args(["subnet", "10.0.0.1/33"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: 10.0.0.1/33: prefix /33 is out of range 0-32\n"
    );
}

#[test]
fn no_output_line_ends_in_a_space() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let mut commands: Vec<Vec<&str>> = vec![
        vec!["ifconfig"],
        vec!["ifconfig", "-s"],
        vec!["ifconfig", "--routes"],
        vec!["portinfo", "22"],
        vec!["portinfo", "ssh", "http", "domain"],
        vec!["portinfo", "--check", &port],
        vec!["sockets"],
        vec!["sockets", "-l"],
        vec!["scan", "127.0.0.1", "-p", &port],
        vec!["subnet", "10.0.0.0/24", "--split", "/26"],
        vec!["subnet", "10.0.0.0/24", "--hosts", "50,20"],
        vec!["subnet", "10.0.0.7", "255.255.255.0", "10.0.1.7"],
        vec!["hostname"],
    ];
    if is_root() {
        commands.push(vec![
            "ping",
            "-c",
            "1",
            "127.0.0.1",
            "127.0.0.2",
            "127.0.0.3",
        ]);
        commands.push(vec!["ping", "-c", "1", "127.0.0.1"]);
    }
    for args in commands {
        for env in [&[][..], &[("CLICOLOR_FORCE", "1")][..]] {
            let (code, text) = stdout_of(&args, env);
            assert!(matches!(code, Some(0 | 1)), "{args:?}: {text}");
            assert!(text.lines().count() > 0, "{args:?} printed nothing");
            for line in strip_ansi(&text).lines() {
                assert!(!line.ends_with(' '), "{args:?} {env:?}: {line:?}");
            }
        }
    }
}

#[test]
fn counts_agree_with_their_nouns() {
    // One of each: a split into one subnet, one VLSM address.
    let (_, text) = stdout_of(&["subnet", "10.0.0.0/24", "--split", "/24"], &[]);
    assert!(text.contains("\n1 subnet of /24:\n"), "{text}");
    let (_, text) = stdout_of(&["subnet", "10.0.0.0/24", "--split", "/25"], &[]);
    assert!(text.contains("\n2 subnets of /25:\n"), "{text}");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (_, text) = stdout_of(&["scan", "127.0.0.1", "-p", &port], &[]);
    assert!(
        text.contains("connect scan of 1 host, 1 port in ") && text.ends_with("(1 probe)\n"),
        "{text}"
    );
    let (_, text) = stdout_of(&["portinfo", "--check", &port], &[]);
    assert!(text.contains(&format!("port {port}: 1 socket\n")), "{text}");
    for args in [
        &["ifconfig"][..],
        &["subnet", "10.0.0.0/24", "--split", "/24"],
        &["scan", "127.0.0.1", "-p", &port],
        &["portinfo", "--check", &port],
    ] {
        let (_, text) = stdout_of(args, &[]);
        for word in [
            "packet", "byte", "error", "subnet", "port", "probe", "socket", "host",
        ] {
            assert!(
                !text.contains(&format!(" 1 {word}s")) && !text.starts_with(&format!("1 {word}s")),
                "{args:?}: 1 {word}s in {text}"
            );
        }
    }
}

#[test]
fn quiet_keeps_results_and_drops_closing_counts() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (code, loud) = stdout_of(&["scan", "127.0.0.1", "-p", &port], &[]);
    assert_eq!(code, Some(0));
    assert!(loud.contains("connect scan of 1 host"), "{loud}");
    let (code, quiet) = stdout_of(&["-q", "scan", "127.0.0.1", "-p", &port], &[]);
    assert_eq!(code, Some(0));
    assert!(quiet.contains(&format!("\n{port}/tcp  open ")), "{quiet}");
    assert!(!quiet.contains("connect scan of"), "{quiet}");
    let (_, loud) = stdout_of(&["sockets", "-l", "--port", &port], &[]);
    assert_eq!(loud.lines().last(), Some("total 1: LISTEN 1"), "{loud}");
    let (_, quiet) = stdout_of(&["-q", "sockets", "-l", "--port", &port], &[]);
    assert_eq!(quiet.lines().count(), 2, "{quiet}");
    assert!(
        quiet.lines().nth(1).unwrap().contains(&format!(":{port}")),
        "{quiet}"
    );
}
