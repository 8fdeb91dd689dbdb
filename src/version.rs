//! `nettool --version -v`: what was built (version, commit, target, features) and what this
//! user may do with it (the ICMP sockets the kernel lets it open), for bug reports.

use std::ffi::OsString;
use std::io::Write;

use serde::Serialize;
use socket2::{Domain, Protocol, Socket, Type};

use crate::exit;

/// The facts `--version -v` prints.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct VersionReport {
    /// The package version.
    pub version: &'static str,
    /// The git commit it was built from, or `unknown` (built outside a git checkout).
    pub commit: &'static str,
    /// The target triple it was built for.
    pub target: &'static str,
    /// The cargo features compiled in.
    pub features: Vec<&'static str>,
    /// The ICMP socket this user can open for IPv4 and IPv6.
    pub icmp: IcmpAccess,
}

/// The ICMP socket kind this user can open, per family: `raw`, `datagram` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IcmpAccess {
    /// IPv4.
    pub ipv4: IcmpMethod,
    /// IPv6.
    pub ipv6: IcmpMethod,
}

/// Which ICMP socket opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IcmpMethod {
    /// A raw socket (root or CAP_NET_RAW).
    Raw,
    /// An unprivileged ICMP datagram socket (net.ipv4.ping_group_range).
    Datagram,
    /// Neither.
    None,
}

impl IcmpMethod {
    /// The name printed and serialised.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::Datagram => "datagram",
            Self::None => "none",
        }
    }
}

/// Try a raw, then a datagram ICMP socket of one family, closing each at once.
#[must_use]
pub fn icmp_method(v6: bool) -> IcmpMethod {
    let (domain, protocol) = if v6 {
        (Domain::IPV6, Protocol::ICMPV6)
    } else {
        (Domain::IPV4, Protocol::ICMPV4)
    };
    if Socket::new(domain, Type::RAW, Some(protocol)).is_ok() {
        IcmpMethod::Raw
    } else if Socket::new(domain, Type::DGRAM, Some(protocol)).is_ok() {
        IcmpMethod::Datagram
    } else {
        IcmpMethod::None
    }
}

impl VersionReport {
    /// The facts of this build and this user.
    #[must_use]
    pub fn collect() -> Self {
        let mut features = Vec::new();
        if cfg!(feature = "oui") {
            features.push("oui");
        }
        Self {
            version: env!("CARGO_PKG_VERSION"),
            commit: env!("NETTOOL_COMMIT"),
            target: env!("NETTOOL_TARGET"),
            features,
            icmp: IcmpAccess {
                ipv4: icmp_method(false),
                ipv6: icmp_method(true),
            },
        }
    }
}

impl std::fmt::Display for VersionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "nettool {}", self.version)?;
        writeln!(f, "commit:   {}", self.commit)?;
        writeln!(f, "target:   {}", self.target)?;
        let features = if self.features.is_empty() {
            "none".to_string()
        } else {
            self.features.join(", ")
        };
        writeln!(f, "features: {features}")?;
        writeln!(
            f,
            "icmp:     IPv4 {}, IPv6 {}",
            self.icmp.ipv4.as_str(),
            self.icmp.ipv6.as_str()
        )
    }
}

/// What `--version --json` prints without `-v`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct VersionOnly {
    /// The package version.
    pub version: &'static str,
}

/// `document` as one line of JSON with its `schema_version`.
fn json_line<T: Serialize>(document: &T) -> String {
    let document = crate::output::schema::Versioned::new(document);
    // Plain structs of strings and numbers always encode.
    format!("{}\n", serde_json::to_string(&document).unwrap_or_default())
}

/// Print the version for `--version`: one line, or with `-v` every fact (`--json`: a document).
pub fn print(args: impl Iterator<Item = OsString>) -> u8 {
    let (mut verbose, mut json) = (false, false);
    for arg in args {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            break;
        }
        json |= arg == "--json";
        verbose |= arg == "--verbose"
            || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('v'));
    }
    let text = if verbose {
        let report = VersionReport::collect();
        if json {
            json_line(&report)
        } else {
            report.to_string()
        }
    } else if json {
        json_line(&VersionOnly {
            version: env!("CARGO_PKG_VERSION"),
        })
    } else {
        format!("nettool {}\n", env!("CARGO_PKG_VERSION"))
    };
    // A closed stdout while printing the version is not worth reporting.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    exit::SUCCESS
}

/// Every kind of document `--version --json` writes, for its JSON Schema.
pub fn json_kinds(generator: &mut schemars::SchemaGenerator) -> Vec<schemars::Schema> {
    vec![
        crate::output::schema::document::<VersionReport>(generator),
        crate::output::schema::document::<VersionOnly>(generator),
    ]
}
