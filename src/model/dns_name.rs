//! Pure DNS logic for `resolve`: checking a name against the limits of RFC 1035 before it is
//! sent, the record types the command asks for, reverse names, and the presentation of record
//! data as dig prints it (so that the two can be compared line for line).
//!
//! Nothing here does I/O; the record data comes from hickory's decoded messages.

use std::fmt::{self, Write};
use std::net::IpAddr;
use std::str::FromStr;

use hickory_resolver::proto::rr::rdata::svcb::{SVCB, SvcParamKey, SvcParamValue};
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
/// whole label (wildcards). The root is `.`. A name with non-ASCII letters (`bücher.test`) is
/// turned into its A-label form (`xn--bcher-kva.test.`, IDNA / UTS 46) first. The error says
/// what is wrong, for the user.
pub fn validate(name: &str) -> Result<String, String> {
    if name == "." {
        return Ok(".".to_string());
    }
    if name.is_empty() {
        return Err("empty name".into());
    }
    if !name.is_ascii() {
        if name.chars().any(char::is_control) {
            return check_ascii(name);
        }
        let ascii = idna::domain_to_ascii(name).map_err(|_| {
            format!(
                "'{}' is not a valid international name (IDNA)",
                sanitize::escape(name)
            )
        })?;
        return check_ascii(&ascii);
    }
    check_ascii(name)
}

/// The name in its Unicode form when it has A-labels (`xn--bcher-kva.test.` gives
/// `bücher.test.`); `None` when it has none or they do not decode.
#[must_use]
pub fn unicode_form(name: &str) -> Option<String> {
    if !name.split('.').any(|label| label.starts_with("xn--")) {
        return None;
    }
    let (text, result) = idna::domain_to_unicode(name);
    result.ok()?;
    Some(sanitize::escape(&text))
}

fn check_ascii(name: &str) -> Result<String, String> {
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

/// A record type `resolve` asks for: any type hickory knows by name, or any other by number
/// (`TYPE65400`, RFC 3597).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rtype(pub RecordType);

impl Rtype {
    /// IPv4 address.
    pub const A: Self = Self(RecordType::A);
    /// IPv6 address.
    pub const AAAA: Self = Self(RecordType::AAAA);
    /// Mail exchanger.
    pub const MX: Self = Self(RecordType::MX);
    /// Text.
    pub const TXT: Self = Self(RecordType::TXT);
    /// Pointer (reverse lookups).
    pub const PTR: Self = Self(RecordType::PTR);

    /// The types named in the help (any other name hickory knows, or `TYPEnnn`, works too).
    pub const COMMON: [&str; 12] = [
        "A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "SRV", "PTR", "CAA", "HTTPS", "DNSKEY",
    ];

    /// The type's mnemonic, as dig prints it (`TYPE65400` for a type without one).
    #[must_use]
    pub fn as_str(self) -> String {
        type_name(self.0)
    }

    /// hickory's record type.
    #[must_use]
    pub fn record_type(self) -> RecordType {
        self.0
    }
}

/// A record type's mnemonic as dig prints it: `A`, `HTTPS`, `TYPE65400` (RFC 3597).
#[must_use]
pub fn type_name(rtype: RecordType) -> String {
    match rtype {
        RecordType::Unknown(code) => format!("TYPE{code}"),
        known => <&str>::from(known).to_owned(),
    }
}

impl fmt::Display for Rtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl FromStr for Rtype {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let upper = text.trim().to_ascii_uppercase();
        let unknown = || {
            format!(
                "unknown record type (one of {}, ..., or TYPE1-TYPE65535)",
                Self::COMMON.join(", ")
            )
        };
        let rtype = if let Some(number) = upper.strip_prefix("TYPE") {
            let code: u16 = number.parse().map_err(|_| unknown())?;
            if code == 0 {
                return Err(unknown());
            }
            RecordType::from(code)
        } else {
            upper.parse::<RecordType>().map_err(|_| unknown())?
        };
        // Zone transfers and ANY are not single-type questions.
        if matches!(
            rtype,
            RecordType::AXFR | RecordType::IXFR | RecordType::ANY | RecordType::OPT
        ) {
            return Err(format!(
                "{} cannot be asked here (one record type per query)",
                type_name(rtype)
            ));
        }
        Ok(Self(rtype))
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
    // Room for the name as given and its final dot: escapes alone grow it.
    let mut out = String::with_capacity(name.len() + 1);
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
        RData::HINFO(hinfo) => format!("{} {}", quote(&hinfo.cpu), quote(&hinfo.os)),
        RData::NAPTR(naptr) => format!(
            "{} {} {} {} {} {}",
            naptr.order,
            naptr.preference,
            quote(&naptr.flags),
            quote(&naptr.services),
            quote(&naptr.regexp),
            name_text(&naptr.replacement)
        ),
        RData::SSHFP(sshfp) => format!(
            "{} {} {}",
            u8::from(sshfp.algorithm),
            u8::from(sshfp.fingerprint_type),
            upper_hex(&sshfp.fingerprint)
        ),
        RData::TLSA(tlsa) => format!(
            "{} {} {} {}",
            u8::from(tlsa.cert_usage),
            u8::from(tlsa.selector),
            u8::from(tlsa.matching),
            upper_hex(&tlsa.cert_data)
        ),
        RData::SVCB(svcb) => svcb_text(svcb),
        RData::HTTPS(https) => svcb_text(&https.0),
        RData::DNSSEC(data) => crate::model::dnssec_text::format(data),
        RData::Unknown { rdata, .. } => unknown_rdata(&rdata.anything),
        RData::NULL(null) => unknown_rdata(&null.anything),
        other => sanitize::escape(&other.to_string()),
    }
}

fn upper_hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02X}");
        out
    })
}

/// SVCB and HTTPS data as dig prints it: `1 . alpn="h2,h3" port=8443 ipv4hint=192.0.2.1`.
fn svcb_text(svcb: &SVCB) -> String {
    let mut out = format!("{} {}", svcb.svc_priority, name_text(&svcb.target_name));
    for (key, value) in &svcb.svc_params {
        out.push(' ');
        let list = |items: Vec<String>| items.join(",");
        match value {
            SvcParamValue::Mandatory(keys) => {
                let names = keys.0.iter().map(|k| svc_key_name(*k)).collect();
                let _ = write!(out, "mandatory={}", list(names));
            }
            SvcParamValue::Alpn(alpn) => {
                let ids: Vec<String> = alpn.0.clone();
                let quoted = quote(list(ids).as_bytes());
                let _ = write!(out, "alpn={quoted}");
            }
            SvcParamValue::NoDefaultAlpn => out.push_str("no-default-alpn"),
            SvcParamValue::Port(port) => {
                let _ = write!(out, "port={port}");
            }
            SvcParamValue::Ipv4Hint(hint) => {
                let addrs = hint.0.iter().map(|a| a.0.to_string()).collect();
                let _ = write!(out, "ipv4hint={}", list(addrs));
            }
            SvcParamValue::Ipv6Hint(hint) => {
                let addrs = hint.0.iter().map(|a| a.0.to_string()).collect();
                let _ = write!(out, "ipv6hint={}", list(addrs));
            }
            SvcParamValue::EchConfigList(ech) => {
                let _ = write!(out, "ech={}", sanitize::escape(&ech.to_string()));
            }
            SvcParamValue::Unknown(bytes) => {
                let _ = write!(out, "{}={}", svc_key_name(*key), quote(&bytes.0));
            }
        }
    }
    out
}

/// A service parameter's name as dig prints it (`alpn`, `key65000`).
fn svc_key_name(key: SvcParamKey) -> String {
    match key {
        SvcParamKey::Mandatory => "mandatory".into(),
        SvcParamKey::Alpn => "alpn".into(),
        SvcParamKey::NoDefaultAlpn => "no-default-alpn".into(),
        SvcParamKey::Port => "port".into(),
        SvcParamKey::Ipv4Hint => "ipv4hint".into(),
        SvcParamKey::EchConfigList => "ech".into(),
        SvcParamKey::Ipv6Hint => "ipv6hint".into(),
        other => format!("key{}", u16::from(other)),
    }
}

/// Data of a type without a presentation form, as RFC 3597 writes it: `\\# 4 0A000001`.
fn unknown_rdata(bytes: &[u8]) -> String {
    let mut out = format!("\\# {}", bytes.len());
    if !bytes.is_empty() {
        out.push(' ');
        for byte in bytes {
            let _ = write!(out, "{byte:02X}");
        }
    }
    out
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
            ("a_b.test", "a_b.test."),
            ("b\u{fc}cher.test", "xn--bcher-kva.test."),
            ("B\u{dc}CHER.Test.", "xn--bcher-kva.test."),
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
                "\u{301}caf\u{e9}.test",
                "'\u{301}caf\u{e9}.test' is not a valid international name (IDNA)",
            ),
        ];
        for (input, want) in table {
            assert_eq!(validate(input), Err(want.to_string()), "{input}");
        }
        assert_eq!(
            unicode_form("xn--bcher-kva.test."),
            Some("b\u{fc}cher.test.".into())
        );
        assert_eq!(unicode_form("www.test."), None);
        assert_eq!(
            validate("a\x1b[2Jb.test"),
            Err("bad character U+001B in label 'a\\x1b[2Jb'".to_string())
        );
    }

    #[test]
    fn types() {
        assert_eq!(
            parse_types(&["a,AAAA", "mx", "A"]),
            Ok(vec![Rtype::A, Rtype::AAAA, Rtype::MX])
        );
        let err = parse_types(&["A,BOGUS"]).unwrap_err();
        assert_eq!(err.0, "BOGUS");
        assert!(err.1.starts_with("unknown record type (one of A, AAAA,"));
        assert!(parse_types(&["A,"]).is_err());
        assert!(parse_types(&["TYPE0"]).is_err());
        assert!(parse_types(&["TYPE70000"]).is_err());
        assert!(parse_types(&["AXFR"]).is_err());
        for t in Rtype::COMMON {
            let parsed: Rtype = t.parse().unwrap();
            assert_eq!(parsed.as_str(), t);
        }
        assert_eq!(
            parse_types(&["type65400,sshfp,TYPE1"]),
            Ok(vec![
                Rtype(RecordType::Unknown(65400)),
                Rtype(RecordType::SSHFP),
                Rtype::A
            ])
        );
        assert_eq!(Rtype(RecordType::Unknown(65400)).to_string(), "TYPE65400");
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
