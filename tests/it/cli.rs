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
