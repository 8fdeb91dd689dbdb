//! DNS over HTTPS against unbound (HTTP/2, a certificate from the test CA): answers equal to
//! `kdig +https` on the same server, the certificate checked, the footer and JSON naming the
//! transport, bulk lookups over one connection (counted by a relay in front of the server), and
//! HTTP/1.1 when that is all a server offers (a Python server passing queries on to unbound).

use super::*;
use crate::common::relay::Relay;

/// www.test's addresses in the test zone.
const WWW: [&str; 2] = ["192.0.2.10", "192.0.2.11"];

/// `--short` lines in order (unbound rotates the records of a set).
fn www(stdout: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = stdout.lines().collect();
    lines.sort_unstable();
    lines
}

#[test]
fn dns_over_https_answers_equal_kdigs() {
    let test = "dns_over_https_answers_equal_kdigs";
    let Some(server) = Unbound::start(test) else {
        return;
    };
    if !crate::common::tool_or_skip(test, "kdig") {
        return;
    }
    let ca = server.ca();
    let ca = ca.to_str().unwrap();
    let url = format!("https://{}/dns-query", server.https);
    let at = format!("@{url}");
    for (rtype, name) in [("A", "www.test"), ("MX", "mx.test"), ("TXT", "txt.test")] {
        let ours = run(&[&at, "--ca", ca, "--tls-name", "dns.test", "-t", rtype, name]);
        assert_eq!(ours.code, 0, "{rtype} {name}: {}", ours.stderr);
        let answers = normalise(&ours.stdout);
        assert!(!answers.is_empty(), "{rtype} {name}");
        assert_eq!(
            answers,
            kdig_over(server.https, "+https", ca, rtype, name),
            "{rtype} {name}"
        );
        let footer = ours.stdout.lines().last().unwrap();
        assert!(
            footer.contains(&format!(
                "server {url} over HTTPS (HTTP/2, TLSv1.3, connection set up in "
            )),
            "{footer}"
        );
    }
    let (code, doc) = json_doc(&[&at, "--ca", ca, "-t", "A", "www.test"]);
    assert_eq!(code, 0, "the certificate names 127.0.0.1 too");
    assert_eq!(doc["server"], url);
    let query = &doc["queries"][0];
    assert_eq!(query["transport"], "https");
    assert_eq!(query["connection"]["http_version"], "HTTP/2");
    assert_eq!(query["connection"]["tls_version"], "TLSv1.3");
    assert!(query["connection"]["setup_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(query["answer_count"], 2);
    // --https with a plain address means the same: the path is /dns-query.
    for args in [
        vec![format!("@{}", server.https), "--https".into()],
        vec!["--server".into(), url.clone()],
        vec![format!("@https://{}", server.https)],
    ] {
        let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
        argv.extend(["--ca", ca, "-t", "A", "--short", "www.test"]);
        let r = run(&argv);
        assert_eq!(r.code, 0, "{argv:?}: {}", r.stderr);
        assert_eq!(www(&r.stdout), WWW, "{argv:?}");
    }
}

#[test]
fn dns_over_https_verifies_the_certificate_and_names_http_errors() {
    let Some(server) =
        Unbound::start("dns_over_https_verifies_the_certificate_and_names_http_errors")
    else {
        return;
    };
    certificate_is_checked(&format!("@https://{}/dns-query", server.https), &server);
    let ca = server.ca();
    let ca = ca.to_str().unwrap();
    // unbound answers another path with 404.
    let wrong = format!("https://{}/other", server.https);
    let r = run(&[&format!("@{wrong}"), "--ca", ca, "-t", "A", "www.test"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            format!(
                "error: www.test: cannot reach {wrong}: HTTP status 404 Not Found for POST /other\n"
            )
            .as_str()
        )
    );
    // A port where nothing listens is refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let r = run(&[
        &format!("@https://127.0.0.1:{port}/dns-query"),
        "-t",
        "A",
        "www.test",
    ]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            format!(
                "error: www.test: cannot reach https://127.0.0.1:{port}/dns-query: connection \
                 refused\n"
            )
            .as_str()
        )
    );
}

#[test]
fn dns_over_https_bad_arguments_exit_2() {
    let table: [(&[&str], &str); 5] = [
        (
            &["@https://dns.test/dns-query", "a"],
            "error: @https://dns.test/dns-query: 'dns.test' is not an address; name the server's \
             address and give its name with --tls-name (https://192.0.2.1/dns-query --tls-name \
             dns.test)\n",
        ),
        (
            &["@quic://127.0.0.1", "a"],
            "error: @quic://127.0.0.1: unknown scheme 'quic://' (tls:// for DNS over TLS, \
             https:// for DNS over HTTPS)\n",
        ),
        (
            &["@https://127.0.0.1/dns-query", "--tls", "a"],
            "error: @https://127.0.0.1/dns-query: an https:// server with --tls\n",
        ),
        (
            &["@https://127.0.0.1/dns-query", "--tcp", "a"],
            "error: --tcp: cannot be combined with DNS over TLS or HTTPS\n",
        ),
        (
            &["@127.0.0.1", "--insecure", "a"],
            "error: --insecure: applies to DNS over TLS or HTTPS only (add --tls, --https, \
             @tls://ADDR or @https://ADDR/dns-query)\n",
        ),
    ];
    for (args, want) in table {
        let r = run(args);
        assert_eq!((r.code, r.stderr.as_str()), (2, want), "{args:?}");
    }
}

#[test]
fn dns_over_https_bulk_uses_one_connection() {
    let Some(server) = Unbound::start("dns_over_https_bulk_uses_one_connection") else {
        return;
    };
    let relay = Relay::start(server.https);
    let queries = bulk_over(&format!("@https://{}/dns-query", relay.addr), &server);
    for query in queries {
        assert_eq!(query["connection"]["http_version"], "HTTP/2");
    }
    assert_eq!(relay.accepted(), 1, "connections the server saw");
}

/// A DoH server that speaks only HTTP/1.1 (Python's http.server, ALPN `http/1.1`), passing each
/// POSTed message to `upstream` over UDP and the answer back.
const HTTP1_SERVER: &str = r#"
import http.server, socket, ssl, sys
cert, key, upstream_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def do_POST(self):
        query = self.rfile.read(int(self.headers["Content-Length"]))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(query, ("127.0.0.1", upstream_port))
            answer = s.recv(65535)
        self.send_response(200)
        self.send_header("Content-Type", "application/dns-message")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.set_alpn_protocols(["http/1.1"])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

#[test]
fn dns_over_https_falls_back_to_http_1_1() {
    let test = "dns_over_https_falls_back_to_http_1_1";
    let Some(server) = Unbound::start(test) else {
        return;
    };
    if !crate::common::tool_or_skip(test, "python3") {
        return;
    }
    let dir = server.ca();
    let dir = dir.parent().unwrap();
    let mut child = crate::common::ChildGuard(
        std::process::Command::new("python3")
            .args(["-c", HTTP1_SERVER])
            .arg(dir.join("server.pem"))
            .arg(dir.join("server.key"))
            .arg(server.plain.port().to_string())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.0.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let relay = Relay::start(format!("127.0.0.1:{port}").parse().unwrap());
    let url = format!("https://{}/dns-query", relay.addr);
    let ca = server.ca();
    let ours = run(&[
        &format!("@{url}"),
        "--ca",
        ca.to_str().unwrap(),
        "-t",
        "A,MX,TXT",
        "www.test",
        "mx.test",
        "txt.test",
    ]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let footers: Vec<&str> = ours
        .stdout
        .lines()
        .filter(|l| l.starts_with(";; "))
        .collect();
    assert_eq!(
        footers.len(),
        10,
        "9 queries and the summary: {}",
        ours.stdout
    );
    for footer in &footers[..9] {
        assert!(
            footer.contains(&format!("server {url} over HTTPS (HTTP/1.1, TLSv1.3, ")),
            "{footer}"
        );
    }
    for (rtype, name) in [("A", "www.test"), ("MX", "mx.test"), ("TXT", "txt.test")] {
        let want = dig(server.plain, &["+noall", "+answer", name, rtype]);
        for line in normalise(&want) {
            assert!(normalise(&ours.stdout).contains(&line), "{line}");
        }
    }
    assert_eq!(
        relay.accepted(),
        1,
        "one connection, queries one after another"
    );
}
