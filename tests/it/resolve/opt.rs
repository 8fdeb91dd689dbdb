//! The OPT pseudo-section: with `-v`, each response's OPT record is printed as dig prints it
//! (`;; OPT PSEUDOSECTION:` with the EDNS version, flags, UDP size and options), line for line
//! equal to dig's against the same unbound; in JSON it is the `opt` object of each query.

use super::*;

/// The lines of `text` from `;; OPT PSEUDOSECTION:` through the `; ` lines that follow it.
fn pseudo_section(text: &str) -> Vec<String> {
    let mut lines = text.lines().skip_while(|l| *l != ";; OPT PSEUDOSECTION:");
    let Some(head) = lines.next() else {
        return Vec::new();
    };
    std::iter::once(head)
        .chain(lines.take_while(|l| l.starts_with("; ")))
        .map(str::to_string)
        .collect()
}

#[test]
fn opt_pseudo_section_equals_digs() {
    let test = "opt_pseudo_section_equals_digs";
    let Some(server) = Unbound::start(test) else {
        return;
    };
    if !crate::common::tool_or_skip(test, "dig") {
        return;
    }
    let at = format!("@{}", server.plain);
    // The heading, the EDNS line, and the NSID when asked for.
    for (ours_flags, dig_flags, lines) in [
        (&["--nsid", "--dnssec"][..], &["+nsid", "+dnssec"][..], 3),
        (&[], &[], 2),
    ] {
        let mut argv = vec!["-v", &at, "-t", "A", "www.test"];
        argv.extend_from_slice(ours_flags);
        let ours = run(&argv);
        assert_eq!(ours.code, 0, "{}", ours.stderr);
        let mut dig_args = vec!["+nocookie", "+bufsize=1232", "www.test", "A"];
        dig_args.extend_from_slice(dig_flags);
        let theirs = pseudo_section(&dig(server.plain, &dig_args));
        assert_eq!(theirs.len(), lines, "dig's OPT section: {theirs:?}");
        assert_eq!(pseudo_section(&ours.stdout), theirs, "{ours_flags:?}");
        // Not without -v: the footer stays the only summary.
        let quiet = run(&argv[1..]);
        assert!(
            !quiet.stdout.contains("OPT PSEUDOSECTION"),
            "{}",
            quiet.stdout
        );
    }
    let (code, doc) = json_doc(&[&at, "--nsid", "--dnssec", "-t", "A", "www.test"]);
    assert_eq!(code, 0);
    let nsid = "6e 65 74 74 6f 6f 6c 2d 74 65 73 74 (\"nettool-test\")";
    assert_eq!(
        doc["queries"][0]["opt"],
        json!({"version": 0, "flags": ["do"], "mbz": 0, "udp": 1232,
               "options": [{"code": 3, "name": "NSID", "data": nsid}]})
    );
    assert_eq!(doc["queries"][0]["edns"]["nsid"], nsid);
}
