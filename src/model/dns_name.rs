//! Pure DNS logic for `resolve`: checking a name against the limits of RFC 1035 before it is
//! sent, the record types the command asks for, reverse names, and the presentation of record
//! data as dig prints it (so that the two can be compared line for line).
//!
//! Nothing here does I/O; the record data comes from hickory's decoded messages.

use std::fmt::{self, Write};
use std::net::IpAddr;
use std::str::FromStr;

use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::model::sanitize;

/// The longest name in presentation form without the final dot (RFC 1035: 255 octets on the
/// wire, which is 253 characters of text).
pub const MAX_NAME: usize = 253;
/// The longest label (RFC 1035 section 2.3.4).
pub const MAX_LABEL: usize = 63;

/// Check `name` and return it fully qualified (with one final dot).
///
/// Accepted: letters, digits, `-` and `_` (service labels such as `_sip._tcp`), and `*` as a
/// whole label (wildcards). The root is `.`. The error says what is wrong, for the user.
pub fn validate(name: &str) -> Result<String, String> {
    if name == "." {
        return Ok(".".to_string());
    }
    if name.is_empty() {
        return Err("empty name".into());
    }
    let bare = name.strip_suffix('.').unwrap_or(name);
    if bare.len() > MAX_NAME {
        return Err(format!(
            "name is {} bytes long, over the limit of {MAX_NAME}",
            bare.len()
        ));
    }
    for (index, label) in bare.split('.').enumerate() {
        if label.is_empty() {
            return Err(format!("empty label (label {})", index + 1));
        }
        if label.len() > MAX_LABEL {
            return Err(format!(
                "label '{}...' is {} bytes long, over the limit of {MAX_LABEL}",
                sanitize::escape(&label.chars().take(16).collect::<String>()),
                label.len()
            ));
        }
        if label == "*" {
            continue;
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            let shown = if bad.is_ascii_graphic() || bad == ' ' {
                format!("'{bad}'")
            } else {
                format!("U+{:04X}", bad as u32)
            };
            let hint = if bad.is_ascii() {
                ""
            } else {
                " (write an international name in its xn-- form)"
            };
            return Err(format!(
                "bad character {shown} in label '{}'{hint}",
                sanitize::escape(label)
            ));
        }
    }
    Ok(format!("{bare}."))
}

/// The record types `resolve` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rtype {
    /// IPv4 address.
    A,
    /// IPv6 address.
    Aaaa,
    /// Canonical name (alias).
    Cname,
    /// Mail exchanger.
    Mx,
    /// Name server.
    Ns,
    /// Text.
    Txt,
    /// Start of authority.
    Soa,
    /// Service location.
    Srv,
    /// Pointer (reverse lookups).
    Ptr,
    /// Certification authority authorization.
    Caa,
}

impl Rtype {
    /// Every supported type, in the order the help lists them.
    pub const ALL: [Self; 10] = [
        Self::A,
        Self::Aaaa,
        Self::Cname,
        Self::Mx,
        Self::Ns,
        Self::Txt,
        Self::Soa,
        Self::Srv,
        Self::Ptr,
        Self::Caa,
    ];

    /// The type's mnemonic, as DNS tools print it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::Aaaa => "AAAA",
            Self::Cname => "CNAME",
            Self::Mx => "MX",
            Self::Ns => "NS",
            Self::Txt => "TXT",
            Self::Soa => "SOA",
            Self::Srv => "SRV",
            Self::Ptr => "PTR",
            Self::Caa => "CAA",
        }
    }

    /// hickory's record type.
    #[must_use]
    pub fn record_type(self) -> RecordType {
        match self {
            Self::A => RecordType::A,
            Self::Aaaa => RecordType::AAAA,
            Self::Cname => RecordType::CNAME,
            Self::Mx => RecordType::MX,
            Self::Ns => RecordType::NS,
            Self::Txt => RecordType::TXT,
            Self::Soa => RecordType::SOA,
            Self::Srv => RecordType::SRV,
            Self::Ptr => RecordType::PTR,
            Self::Caa => RecordType::CAA,
        }
    }
}

impl fmt::Display for Rtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rtype {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let upper = text.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == upper)
            .ok_or_else(|| {
                let all: Vec<&str> = Self::ALL.iter().map(|t| t.as_str()).collect();
                format!("unknown record type (one of {})", all.join(", "))
            })
    }
}

/// Parse a list such as `A,AAAA,MX` (each entry may itself hold commas); duplicates are dropped,
/// order is kept.
pub fn parse_types<S: AsRef<str>>(entries: &[S]) -> Result<Vec<Rtype>, (String, String)> {
    let mut types = Vec::new();
    for entry in entries {
        for part in entry.as_ref().split(',') {
            let rtype = part
                .parse::<Rtype>()
                .map_err(|reason| (part.to_string(), reason))?;
            if !types.contains(&rtype) {
                types.push(rtype);
            }
        }
    }
    Ok(types)
}

/// The reverse-lookup name of an address: `1.0.0.127.in-addr.arpa.` or the nibbles under
/// `ip6.arpa.`.
#[must_use]
pub fn reverse_name(addr: IpAddr) -> String {
    let mut name = String::new();
    match addr {
        IpAddr::V4(v4) => {
            for octet in v4.octets().iter().rev() {
                let _ = write!(name, "{octet}.");
            }
            name.push_str("in-addr.arpa.");
        }
        IpAddr::V6(v6) => {
            for byte in v6.octets().iter().rev() {
                let _ = write!(name, "{:x}.{:x}.", byte & 0x0f, byte >> 4);
            }
            name.push_str("ip6.arpa.");
        }
    }
    name
}

/// A name as dig prints it (RFC 1035 presentation form): the labels exactly as they came, in
/// the case the server sent, with `.`, `\\`, `"`, `;`, `(`, `)`, `@` and `$` escaped by a
/// backslash and any other byte outside printable ASCII as a decimal `\\DDD` (a space is
/// `\\032`). Never IDNA-decoded or lower-cased.
#[must_use]
pub fn name_text(name: &Name) -> String {
    let mut out = String::new();
    for label in name.iter() {
        for &byte in label {
            match byte {
                b'.' | b'\\' | b'"' | b';' | b'(' | b')' | b'@' | b'$' => {
                    out.push('\\');
                    out.push(char::from(byte));
                }
                0x21..=0x7e => out.push(char::from(byte)),
                _ => {
                    let _ = write!(out, "\\{byte:03}");
                }
            }
        }
        out.push('.');
    }
    if out.is_empty() {
        out.push('.');
    } else if !name.is_fqdn() {
        out.pop();
    }
    out
}

/// Record data in dig's presentation form, with text from the network escaped so it cannot
/// drive a terminal: `10 mail.example.`, `"v=spf1 -all"`, `0 issue "ca.example"`.
#[must_use]
pub fn format_rdata(data: &RData) -> String {
    match data {
        RData::A(a) => a.0.to_string(),
        RData::AAAA(aaaa) => aaaa.0.to_string(),
        RData::CNAME(name) => name_text(&name.0),
        RData::NS(name) => name_text(&name.0),
        RData::PTR(name) => name_text(&name.0),
        RData::MX(mx) => format!("{} {}", mx.preference, name_text(&mx.exchange)),
        RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|chunk| quote(chunk))
            .collect::<Vec<_>>()
            .join(" "),
        RData::SOA(soa) => format!(
            "{} {} {} {} {} {} {}",
            name_text(&soa.mname),
            name_text(&soa.rname),
            soa.serial,
            soa.refresh,
            soa.retry,
            soa.expire,
            soa.minimum
        ),
        RData::SRV(srv) => format!(
            "{} {} {} {}",
            srv.priority,
            srv.weight,
            srv.port,
            name_text(&srv.target)
        ),
        RData::CAA(caa) => format!("{} {} {}", caa.flags(), caa.tag, quote(&caa.value)),
        other => sanitize::escape(&other.to_string()),
    }
}

/// A character string as dig prints it: in double quotes, `"` and `\\` escaped by a
/// backslash, and every byte outside printable ASCII as a decimal `\\DDD` (tab `\\009`, DEL
/// `\\127`, a byte 0xff `\\255`): zone-file syntax, and nothing a terminal would obey.
#[must_use]
pub fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &byte in bytes {
        match byte {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(byte));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\{byte:03}");
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use hickory_resolver::proto::rr::Name;
    use hickory_resolver::proto::rr::rdata::{self, CAA, MX, SOA, SRV, TXT};

    use super::*;

    #[test]
    fn valid_names() {
        let table = [
            ("example.com", "example.com."),
            ("example.com.", "example.com."),
            ("localhost", "localhost."),
            (".", "."),
            ("_sip._tcp.example", "_sip._tcp.example."),
            ("*.wild.example", "*.wild.example."),
            ("a-b.c0", "a-b.c0."),
        ];
        for (input, want) in table {
            assert_eq!(validate(input).as_deref(), Ok(want), "{input}");
        }
        let longest_label = "a".repeat(63);
        assert!(validate(&format!("{longest_label}.test")).is_ok());
        // 4 labels of 63 plus 3 dots = 255 would be too long; 3 x 63 + 61 + 3 dots = 253 fits.
        let longest = format!("{0}.{0}.{0}.{1}", "a".repeat(63), "b".repeat(61));
        assert_eq!(longest.len(), 253);
        assert!(validate(&longest).is_ok());
        assert!(validate(&format!("{longest}.")).is_ok());
    }

    #[test]
    fn invalid_names() {
        let long_label = format!("{}.test", "a".repeat(64));
        let long_name = format!("{0}.{0}.{0}.{1}", "a".repeat(63), "b".repeat(62));
        let table: [(&str, &str); 9] = [
            ("", "empty name"),
            ("a..b", "empty label (label 2)"),
            (".a", "empty label (label 1)"),
            ("a..", "empty label (label 2)"),
            (
                &long_label,
                "label 'aaaaaaaaaaaaaaaa...' is 64 bytes long, over the limit of 63",
            ),
            (&long_name, "name is 254 bytes long, over the limit of 253"),
            ("bad name.test", "bad character ' ' in label 'bad name'"),
            ("a/b", "bad character '/' in label 'a/b'"),
            (
                "caf\u{e9}.test",
                "bad character U+00E9 in label 'caf\u{e9}' (write an international name in its \
                 xn-- form)",
            ),
        ];
        for (input, want) in table {
            assert_eq!(validate(input), Err(want.to_string()), "{input}");
        }
        assert_eq!(
            validate("a\x1b[2Jb.test"),
            Err("bad character U+001B in label 'a\\x1b[2Jb'".to_string())
        );
    }

    #[test]
    fn types() {
        assert_eq!(
            parse_types(&["a,AAAA", "mx", "A"]),
            Ok(vec![Rtype::A, Rtype::Aaaa, Rtype::Mx])
        );
        let err = parse_types(&["A,BOGUS"]).unwrap_err();
        assert_eq!(err.0, "BOGUS");
        assert!(err.1.starts_with("unknown record type (one of A, AAAA,"));
        assert!(parse_types(&["A,"]).is_err());
        for t in Rtype::ALL {
            assert_eq!(t.as_str().parse::<Rtype>(), Ok(t));
            assert_eq!(t.record_type().to_string(), t.as_str());
        }
    }

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1))),
            "1.0.0.127.in-addr.arpa."
        );
        assert_eq!(
            reverse_name(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            format!("1.{}ip6.arpa.", "0.".repeat(31))
        );
        assert_eq!(
            reverse_name("2001:db8::567:89ab".parse().unwrap()),
            "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        );
    }

    fn name(text: &str) -> Name {
        Name::from_ascii(text).unwrap()
    }

    #[test]
    fn rdata_presentation() {
        let table: Vec<(RData, &str)> = vec![
            (RData::A(rdata::A(Ipv4Addr::new(192, 0, 2, 1))), "192.0.2.1"),
            (
                RData::AAAA(rdata::AAAA("2001:db8::1".parse().unwrap())),
                "2001:db8::1",
            ),
            (RData::CNAME(rdata::CNAME(name("www.test."))), "www.test."),
            (RData::NS(rdata::NS(name("ns1.test."))), "ns1.test."),
            (RData::PTR(rdata::PTR(name("host.test."))), "host.test."),
            (RData::MX(MX::new(10, name("mail.test."))), "10 mail.test."),
            (
                RData::TXT(TXT::new(vec!["v=spf1 -all".into(), "two".into()])),
                "\"v=spf1 -all\" \"two\"",
            ),
            (
                RData::TXT(TXT::from_bytes(vec![b"say \"hi\"\\ \x1b[2J\x07\xff"])),
                "\"say \\\"hi\\\"\\\\ \\027[2J\\007\\255\"",
            ),
            (
                RData::SOA(SOA::new(
                    name("ns1.test."),
                    name("hostmaster.test."),
                    2024010101,
                    3600,
                    600,
                    86400,
                    300,
                )),
                "ns1.test. hostmaster.test. 2024010101 3600 600 86400 300",
            ),
            (
                RData::SRV(SRV::new(10, 60, 5060, name("sip.test."))),
                "10 60 5060 sip.test.",
            ),
            (
                RData::CAA(CAA::new_issue(false, Some(name("ca.example")), Vec::new())),
                "0 issue \"ca.example\"",
            ),
        ];
        for (data, want) in table {
            assert_eq!(format_rdata(&data), want, "{data:?}");
        }
    }
}
