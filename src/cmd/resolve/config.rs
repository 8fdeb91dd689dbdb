//! `nettool resolve` arguments turned into a [`Config`]: each input classified as a name or an
//! address, the resolver chosen (system or one DNS server), every rule checked. No I/O.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::Args;
use crate::error::{Error, Result};
use crate::model::dns_name::{self, Rtype};
use crate::net::host::{self, Family};
use crate::net::{dns, dns_https};

/// What one input asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A name, fully qualified, or the reason it cannot be sent.
    Name {
        /// As given.
        input: String,
        /// The checked name with its final dot, or what is wrong with it.
        checked: std::result::Result<String, String>,
    },
    /// An address, looked up in reverse.
    Address {
        /// As given.
        input: String,
        /// The address.
        addr: IpAddr,
    },
}

impl Target {
    /// Classify one input: an address literal is a reverse lookup, anything else a name.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let input = text.trim().to_string();
        match host::parse_literal(&input) {
            Some(addr) => Self::Address { input, addr },
            None => Self::Name {
                checked: dns_name::validate(&input)
                    .map_err(|reason| server_hint(&input).unwrap_or(reason)),
                input,
            },
        }
    }

    /// A name that cannot be asked, named by where it came from (`names.txt line 3`).
    #[must_use]
    pub fn invalid(input: String, reason: String) -> Self {
        Self::Name {
            input,
            checked: Err(reason),
        }
    }

    /// The input as the user gave it.
    pub(super) fn input(&self) -> &str {
        match self {
            Self::Name { input, .. } | Self::Address { input, .. } => input,
        }
    }
}

/// For a name that is really a server address and port (`127.0.0.1:5399`, `[::1]:53`): what
/// it is, and the server form that was probably meant. (A bare address is a reverse lookup.)
fn server_hint(input: &str) -> Option<String> {
    input
        .parse::<SocketAddr>()
        .is_ok()
        .then(|| format!("an address and port, not a name (did you mean @{input}?)"))
}

/// Which resolver answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// getaddrinfo / getnameinfo.
    System,
    /// One DNS server, asked directly.
    Dns {
        /// The server; `None` means the first one in /etc/resolv.conf.
        server: Option<SocketAddr>,
        /// The types asked for a name (an address is always asked for PTR).
        types: Vec<Rtype>,
        /// TCP only.
        tcp: bool,
        /// Wait for one try.
        timeout: Duration,
        /// Tries per query.
        tries: u32,
        /// Header bits and EDNS options.
        flags: dns::QueryFlags,
        /// DNS over TLS.
        tls: Option<dns::TlsOptions>,
        /// DNSSEC validation: `Some(None)` from the root's keys, `Some(Some(file))` from the
        /// trust anchors of a file.
        validate: Option<Option<PathBuf>>,
    },
}

/// The validated arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Targets from the command line, in order.
    pub targets: Vec<Target>,
    /// A file (or `-` for stdin) with more names.
    pub file: Option<PathBuf>,
    /// The resolver.
    pub mode: Mode,
    /// `-4` / `-6`.
    pub family: Family,
    /// Data only.
    pub short: bool,
    /// Lookups in flight at once.
    pub concurrency: usize,
    /// `--trace`: iterative resolution from the root.
    pub trace: Option<super::TraceConfig>,
}

impl TryFrom<Args> for Config {
    type Error = Error;

    fn try_from(args: Args) -> Result<Self> {
        let mut server = None;
        let mut targets = Vec::new();
        let mut scheme = if args.https {
            Scheme::Https(dns_https::DEFAULT_PATH.to_string())
        } else if args.tls {
            Scheme::Tls
        } else {
            Scheme::Plain
        };
        for name in &args.names {
            if let Some(text) = name.strip_prefix('@') {
                let addr;
                (addr, scheme) =
                    server_spec(text, &scheme).map_err(|reason| Error::invalid(name, reason))?;
                if server.replace(addr).is_some() {
                    return Err(Error::invalid(name, "only one server may be named"));
                }
            } else {
                targets.push(Target::parse(name));
            }
        }
        if let Some(text) = &args.server {
            let addr;
            (addr, scheme) =
                server_spec(text, &scheme).map_err(|reason| Error::invalid(text, reason))?;
            if server.replace(addr).is_some() {
                return Err(Error::invalid(
                    text,
                    "only one server may be named (--server and @ADDR both given)",
                ));
            }
        }
        for text in &args.reverse {
            let addr = host::parse_literal(text.trim())
                .ok_or_else(|| Error::invalid(text, "-x takes an address (127.0.0.1, ::1)"))?;
            targets.push(Target::Address {
                input: text.trim().to_string(),
                addr,
            });
        }
        if targets.is_empty() && args.file.is_none() {
            return Err(Error::invalid(
                "resolve",
                "no name given (nettool resolve NAME..., or -f FILE)",
            ));
        }
        let types = dns_name::parse_types(&args.types)
            .map_err(|(part, reason)| Error::invalid(part, reason))?;
        let family = args.family.family();
        if args.timeout.is_zero() {
            return Err(Error::invalid(
                "--timeout 0",
                "the timeout must be above zero",
            ));
        }
        let tls = scheme != Scheme::Plain;
        let dns_mode = args.dns || server.is_some() || !types.is_empty() || tls || args.trace;
        if !tls {
            let tls_only = [
                (args.tls_name.is_some(), "--tls-name"),
                (args.ca.is_some(), "--ca"),
                (args.insecure, "--insecure"),
            ];
            if let Some((_, flag)) = tls_only.iter().find(|(given, _)| *given) {
                return Err(Error::invalid(
                    *flag,
                    "applies to DNS over TLS or HTTPS only (add --tls, --https, @tls://ADDR or \
                     @https://ADDR/dns-query)",
                ));
            }
        }
        if tls && args.tcp {
            return Err(Error::invalid(
                "--tcp",
                "cannot be combined with DNS over TLS or HTTPS",
            ));
        }
        let tls = tls.then(|| dns::TlsOptions {
            name: args.tls_name.clone(),
            trust: match (&args.ca, args.insecure) {
                (Some(path), _) => dns::Trust::CaFile(path.clone()),
                (None, true) => dns::Trust::Insecure,
                (None, false) => dns::Trust::System,
            },
            https_path: match &scheme {
                Scheme::Https(path) => Some(path.clone()),
                _ => None,
            },
        });
        if !dns_mode {
            let dns_only = [
                (args.tcp, "--tcp"),
                (args.norecurse, "--norecurse"),
                (args.nsid, "--nsid"),
                (args.cookie, "--cookie"),
                (args.subnet.is_some(), "--subnet"),
                (args.dnssec, "--dnssec"),
                (args.cd, "--cd"),
                (args.validate, "--validate"),
                (args.trust_anchor.is_some(), "--trust-anchor"),
            ];
            if let Some((_, flag)) = dns_only.iter().find(|(given, _)| *given) {
                return Err(Error::invalid(
                    *flag,
                    "applies to DNS mode only (add -t TYPE, @SERVER or --dns)",
                ));
            }
        }
        let flags = dns::QueryFlags {
            recurse: !args.norecurse,
            bufsize: args.bufsize,
            nsid: args.nsid,
            subnet: args.subnet.map(|net| (net.network(), net.prefix_len())),
            cookie: args.cookie,
            // Validation shows the signatures it checked, as delv does.
            dnssec: args.dnssec || args.validate || args.trust_anchor.is_some(),
            checking_disabled: args.cd,
        };
        let trace = if args.trace {
            let conflicts = super::trace::Conflicts {
                file: args.file.is_some(),
                tcp: args.tcp,
                tls: tls.is_some(),
                short: args.short,
            };
            let hints = args.root_hints.clone();
            Some(super::TraceConfig::check(
                &targets, &types, server, hints, &conflicts,
            )?)
        } else {
            None
        };
        let mode = if dns_mode {
            let types = if types.is_empty() {
                match family {
                    Family::Any => vec![Rtype::A, Rtype::AAAA],
                    Family::V4 => vec![Rtype::A],
                    Family::V6 => vec![Rtype::AAAA],
                }
            } else {
                types
            };
            Mode::Dns {
                server,
                types,
                tcp: args.tcp,
                timeout: args.timeout,
                tries: args.tries,
                flags,
                tls,
                validate: (args.validate || args.trust_anchor.is_some())
                    .then(|| args.trust_anchor.clone()),
            }
        } else {
            Mode::System
        };
        Ok(Self {
            targets,
            file: args.file,
            mode,
            family,
            short: args.short,
            concurrency: args.concurrency as usize,
            trace,
        })
    }
}

/// The transport a server's scheme (or `--tls`, `--https`) asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheme {
    /// UDP, TCP when asked or truncated.
    Plain,
    /// DNS over TLS.
    Tls,
    /// DNS over HTTPS, posting to this path.
    Https(String),
}

/// A server as the user names it, `127.0.0.1:5353`, `tls://127.0.0.1` or
/// `https://127.0.0.1/dns-query`, with the scheme it asks for; a bare address takes `flags`'
/// scheme and its port (53, 853, 443), and a scheme that contradicts the flag is refused.
fn server_spec(text: &str, flags: &Scheme) -> std::result::Result<(SocketAddr, Scheme), String> {
    let (addr, scheme) = if text.starts_with("https://") {
        let endpoint = dns_https::Endpoint::parse(text)?;
        (endpoint.addr, Scheme::Https(endpoint.path))
    } else if let Some(rest) = text.strip_prefix("tls://") {
        (dns::parse_server_or(rest, 853)?, Scheme::Tls)
    } else if let Some((scheme, _)) = text.split_once("://") {
        return Err(format!(
            "unknown scheme '{scheme}://' (tls:// for DNS over TLS, https:// for DNS over HTTPS)"
        ));
    } else {
        let port = match flags {
            Scheme::Plain => 53,
            Scheme::Tls => 853,
            Scheme::Https(_) => 443,
        };
        return Ok((dns::parse_server_or(text, port)?, flags.clone()));
    };
    match (flags, &scheme) {
        (Scheme::Tls, Scheme::Https(_)) => Err("an https:// server with --tls".into()),
        (Scheme::Https(_), Scheme::Tls) => Err("a tls:// server with --https".into()),
        _ => Ok((addr, scheme)),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) fn config(argv: &[&str]) -> Result<Config> {
        Config::try_from(crate::cli::parse_args::<Args>("resolve", argv).expect("parses"))
    }

    pub(crate) fn name(input: &str) -> Target {
        Target::Name {
            input: input.into(),
            checked: Ok(format!("{input}.")),
        }
    }

    #[test]
    fn system_mode_by_default() {
        let c = config(&["localhost"]).unwrap();
        assert_eq!(c.mode, Mode::System);
        assert_eq!(c.targets, vec![name("localhost")]);
        assert_eq!(c.family, Family::Any);
        assert_eq!(c.concurrency, 100);
        assert_eq!(config(&["-4", "a"]).unwrap().family, Family::V4);
    }

    #[test]
    fn dns_mode_triggers() {
        let dns = |argv: &[&str]| match config(argv).unwrap().mode {
            Mode::Dns {
                server,
                types,
                tcp,
                timeout,
                tries,
                ..
            } => (server, types, tcp, timeout, tries),
            Mode::System => panic!("{argv:?} should be DNS mode"),
        };
        let local: SocketAddr = "127.0.0.1:53".parse().unwrap();
        let table: Vec<(&[&str], Option<SocketAddr>, Vec<Rtype>)> = vec![
            (&["-t", "MX", "a"], None, vec![Rtype::MX]),
            (
                &["@127.0.0.1", "a"],
                Some(local),
                vec![Rtype::A, Rtype::AAAA],
            ),
            (
                &["a", "--server", "127.0.0.1:5353", "-4"],
                Some("127.0.0.1:5353".parse().unwrap()),
                vec![Rtype::A],
            ),
            (
                &["@[::1]:5353", "-6", "a"],
                Some("[::1]:5353".parse().unwrap()),
                vec![Rtype::AAAA],
            ),
            (&["--dns", "a"], None, vec![Rtype::A, Rtype::AAAA]),
            (
                &["-t", "A,AAAA,MX", "-t", "txt", "a"],
                None,
                vec![Rtype::A, Rtype::AAAA, Rtype::MX, Rtype::TXT],
            ),
        ];
        for (argv, server, types) in table {
            let got = dns(argv);
            assert_eq!(got.0, server, "{argv:?}");
            assert_eq!(got.1, types, "{argv:?}");
            assert_eq!(got.3, Duration::from_secs(1), "{argv:?}");
            assert_eq!(got.4, 2, "{argv:?}");
        }
        let got = dns(&["--dns", "--tcp", "--timeout", "250ms", "--tries", "3", "a"]);
        assert!(got.2);
        assert_eq!(got.3, Duration::from_millis(250));
        assert_eq!(got.4, 3);
    }

    #[test]
    fn server_schemes() {
        let https = |path: &str| Scheme::Https(path.into());
        let table = [
            ("127.0.0.1", Scheme::Plain, "127.0.0.1:53", Scheme::Plain),
            ("127.0.0.1", Scheme::Tls, "127.0.0.1:853", Scheme::Tls),
            ("::1", https("/dns-query"), "[::1]:443", https("/dns-query")),
            (
                "tls://127.0.0.1",
                Scheme::Plain,
                "127.0.0.1:853",
                Scheme::Tls,
            ),
            (
                "https://127.0.0.1:8443/q",
                Scheme::Plain,
                "127.0.0.1:8443",
                https("/q"),
            ),
            (
                "https://[::1]",
                https("/dns-query"),
                "[::1]:443",
                https("/dns-query"),
            ),
        ];
        for (text, flags, addr, scheme) in table {
            assert_eq!(
                server_spec(text, &flags),
                Ok((addr.parse().unwrap(), scheme)),
                "{text}"
            );
        }
        let c = config(&["--https", "@127.0.0.1:4443", "--ca", "ca.pem", "a"]).unwrap();
        let Mode::Dns { server, tls, .. } = c.mode else {
            panic!("DNS mode")
        };
        assert_eq!(server, Some("127.0.0.1:4443".parse().unwrap()));
        let tls = tls.unwrap();
        assert_eq!(tls.https_path.as_deref(), Some("/dns-query"));
        assert_eq!(tls.trust, dns::Trust::CaFile("ca.pem".into()));
        assert!(crate::cli::parse_args::<Args>("resolve", &["--https", "--tls", "a"]).is_err());
    }

    #[test]
    fn targets_and_reverse() {
        let c = config(&["-x", "127.0.0.1", "::1", "bad..name", "@127.0.0.1"]).unwrap();
        assert_eq!(
            c.targets,
            vec![
                Target::Address {
                    input: "::1".into(),
                    addr: "::1".parse().unwrap()
                },
                Target::Name {
                    input: "bad..name".into(),
                    checked: Err("empty label (label 2)".into())
                },
                Target::Address {
                    input: "127.0.0.1".into(),
                    addr: "127.0.0.1".parse().unwrap()
                },
            ]
        );
        let c = config(&["-f", "-"]).unwrap();
        assert_eq!(c.file, Some(PathBuf::from("-")));
        assert!(c.targets.is_empty());
    }

    #[test]
    fn a_server_given_as_a_name_gets_the_at_form() {
        for (input, hint) in [
            ("127.0.0.1:5399", Some("@127.0.0.1:5399")),
            ("[::1]:53", Some("@[::1]:53")),
            ("[fe80::1%2]:53", Some("@[fe80::1%2]:53")),
            ("host.test:53", None),
            ("a b", None),
        ] {
            let Target::Name {
                checked: Err(reason),
                ..
            } = Target::parse(input)
            else {
                panic!("{input}: accepted");
            };
            match hint {
                Some(server) => assert_eq!(
                    reason,
                    format!("an address and port, not a name (did you mean {server}?)")
                ),
                None => assert!(!reason.contains("did you mean"), "{reason}"),
            }
        }
    }

    #[test]
    fn bad_inputs() {
        let table: [(&[&str], &str); 8] = [
            (
                &[],
                "resolve: no name given (nettool resolve NAME..., or -f FILE)",
            ),
            (
                &["-t", "BOGUS", "a"],
                "BOGUS: unknown record type (one of A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA, HTTPS, DNSKEY, ..., or TYPE1-TYPE65535)",
            ),
            (
                &["@nope", "a"],
                "@nope: not an address (use 127.0.0.1, 127.0.0.1:5353, ::1 or [::1]:5353)",
            ),
            (
                &["@127.0.0.1", "@127.0.0.2", "a"],
                "@127.0.0.2: only one server may be named",
            ),
            (
                &["--server", "127.0.0.1:x", "a"],
                "127.0.0.1:x: 'x' is not a port number (1-65535)",
            ),
            (
                &["-x", "host.test"],
                "host.test: -x takes an address (127.0.0.1, ::1)",
            ),
            (
                &["--tcp", "a"],
                "--tcp: applies to DNS mode only (add -t TYPE, @SERVER or --dns)",
            ),
            (
                &["--dns", "--timeout", "0", "a"],
                "--timeout 0: the timeout must be above zero",
            ),
        ];
        for (argv, want) in table {
            let err = config(argv).unwrap_err();
            assert_eq!(err.to_string(), want, "{argv:?}");
            assert_eq!(err.exit_code(), 2);
        }
        for argv in [
            &["--tries", "0", "a"][..],
            &["--concurrency", "0", "a"],
            &["--timeout", "x", "a"],
            &["-4", "-6", "a"],
        ] {
            assert!(
                crate::cli::parse_args::<Args>("resolve", argv).is_err(),
                "{argv:?}"
            );
        }
    }
}
