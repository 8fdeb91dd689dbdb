//! The OPT record of a response (EDNS, RFC 6891) as dig shows it in its `OPT PSEUDOSECTION`:
//! the version, the flags (`do`), the server's UDP payload size and every option, each in dig's
//! words (`NSID`, `COOKIE`, `CLIENT-SUBNET`, `EDE`, ..., or `OPT=N` with the bytes in hex).

use hickory_resolver::proto::op::Edns;
use hickory_resolver::proto::rr::rdata::opt::{EdnsCode, EdnsOption};
use serde::Serialize;

use crate::model::dns_name;

/// The OPT pseudo-section of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct OptReport {
    /// The EDNS version.
    pub version: u8,
    /// The flags set: `do` (DNSSEC OK), the one flag defined.
    pub flags: Vec<&'static str>,
    /// The other flag bits, which must be zero.
    pub mbz: u16,
    /// The UDP payload size the server offers.
    pub udp: u16,
    /// Every option, in the order sent.
    pub options: Vec<OptOption>,
}

/// One EDNS option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct OptOption {
    /// The option code.
    pub code: u16,
    /// Its name as dig prints it (`NSID`, `COOKIE`, `CLIENT-SUBNET`, `EDE`, `OPT=65001`).
    pub name: String,
    /// Its data as dig prints it.
    pub data: String,
}

impl OptReport {
    /// The pseudo-section of `edns`.
    #[must_use]
    pub fn from_edns(edns: &Edns) -> Self {
        let flags = if edns.flags().dnssec_ok {
            vec!["do"]
        } else {
            Vec::new()
        };
        let options = edns
            .options()
            .as_ref()
            .iter()
            .map(|(code, option)| OptOption {
                code: u16::from(*code),
                name: option_name(*code),
                data: option_data(*code, option),
            })
            .collect();
        Self {
            version: edns.version(),
            flags,
            mbz: edns.flags().z,
            udp: edns.max_payload(),
            options,
        }
    }

    /// The lines dig prints: `;; OPT PSEUDOSECTION:`, `; EDNS: version: 0, flags: do; udp: 1232`
    /// (`flags: do; MBZ: 0x0040, udp: 1232` when a reserved bit is set), then one
    /// `; NAME: DATA` line per option.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let mut flags: String = self.flags.iter().map(|f| format!(" {f}")).collect();
        if self.mbz != 0 {
            flags.push_str(&format!("; MBZ: {:#06x},", self.mbz));
        } else {
            flags.push(';');
        }
        let mut lines = vec![
            ";; OPT PSEUDOSECTION:".to_string(),
            format!(
                "; EDNS: version: {}, flags:{flags} udp: {}",
                self.version, self.udp
            ),
        ];
        lines.extend(
            self.options
                .iter()
                .map(|o| format!("; {}: {}", o.name, o.data)),
        );
        lines
    }
}

/// An option's name as dig prints it.
fn option_name(code: EdnsCode) -> String {
    match u16::from(code) {
        1 => "LLQ".into(),
        2 => "UL".into(),
        3 => "NSID".into(),
        5 => "DAU".into(),
        6 => "DHU".into(),
        7 => "N3U".into(),
        8 => "CLIENT-SUBNET".into(),
        9 => "EXPIRE".into(),
        10 => "COOKIE".into(),
        11 => "TCP-KEEPALIVE".into(),
        12 => "PADDING".into(),
        13 => "CHAIN".into(),
        14 => "KEY-TAG".into(),
        15 => "EDE".into(),
        18 => "REPORT-CHANNEL".into(),
        n => format!("OPT={n}"),
    }
}

/// An option's data as dig prints it: addresses, numbers and codes where dig decodes them,
/// else the bytes in hex followed by their printable text.
pub(crate) fn option_data(code: EdnsCode, option: &EdnsOption) -> String {
    if let EdnsOption::Subnet(subnet) = option {
        return format!(
            "{}/{}/{}",
            subnet.addr(),
            subnet.source_prefix(),
            subnet.scope_prefix()
        );
    }
    let bytes = Vec::<u8>::try_from(option).unwrap_or_default();
    let number = |b: &[u8]| b.iter().fold(0u64, |n, &x| n << 8 | u64::from(x));
    match (u16::from(code), bytes.len()) {
        (10, _) => hex(&bytes, ""),
        (9, 4) => format!("{} secs", number(&bytes)),
        (11, 2) => format!("{:.1} secs", number(&bytes) as f64 / 10.0),
        (15, n) if n >= 2 => {
            let info = u16::from_be_bytes([bytes[0], bytes[1]]);
            let mut text = format!("{info}");
            if let Some(name) = ede_name(info) {
                text.push_str(&format!(" ({name})"));
            }
            if n > 2 {
                text.push_str(&format!(": {}", dns_name::quote(&bytes[2..])));
            }
            text
        }
        _ if bytes.is_empty() => String::new(),
        _ => format!("{} ({})", hex(&bytes, " "), dns_name::quote(&bytes)),
    }
}

/// The extended DNS error codes of RFC 8914.
fn ede_name(code: u16) -> Option<&'static str> {
    const NAMES: [&str; 25] = [
        "Other",
        "Unsupported DNSKEY Algorithm",
        "Unsupported DS Digest Type",
        "Stale Answer",
        "Forged Answer",
        "DNSSEC Indeterminate",
        "DNSSEC Bogus",
        "Signature Expired",
        "Signature Not Yet Valid",
        "DNSKEY Missing",
        "RRSIGs Missing",
        "No Zone Key Bit Set",
        "NSEC Missing",
        "Cached Error",
        "Not Ready",
        "Blocked",
        "Censored",
        "Filtered",
        "Prohibited",
        "Stale NXDOMAIN Answer",
        "Not Authoritative",
        "Not Supported",
        "No Reachable Authority",
        "Network Error",
        "Invalid Data",
    ];
    NAMES.get(usize::from(code)).copied()
}

/// Bytes in lower-case hex, joined by `sep`.
pub(crate) fn hex(bytes: &[u8], sep: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(sep)
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use hickory_resolver::proto::rr::rdata::opt::{ClientSubnet, NSIDPayload};

    use super::*;

    #[test]
    fn pseudo_section_as_dig_prints_it() {
        let mut edns = Edns::new();
        edns.set_max_payload(1232);
        let plain = OptReport::from_edns(&edns);
        assert_eq!(
            plain.lines(),
            [
                ";; OPT PSEUDOSECTION:",
                "; EDNS: version: 0, flags:; udp: 1232"
            ]
        );
        edns.set_dnssec_ok(true);
        let options = edns.options_mut();
        options.insert(EdnsOption::NSID(
            NSIDPayload::new(b"un\x01".to_vec()).unwrap(),
        ));
        let net: IpAddr = "192.0.2.0".parse().unwrap();
        options.insert(EdnsOption::Subnet(ClientSubnet::new(net, 24, 0)));
        options.insert(EdnsOption::Unknown(10, vec![1, 2, 3, 4, 5, 6, 7, 8]));
        options.insert(EdnsOption::Unknown(15, [&[0, 18][..], b"no"].concat()));
        options.insert(EdnsOption::Unknown(11, vec![0, 120]));
        options.insert(EdnsOption::Unknown(65001, vec![0xff]));
        let report = OptReport::from_edns(&edns);
        assert_eq!(report.flags, ["do"]);
        let mut reserved = edns.clone();
        reserved.flags_mut().z = 0x40;
        assert_eq!(
            OptReport::from_edns(&reserved).lines()[1],
            "; EDNS: version: 0, flags: do; MBZ: 0x0040, udp: 1232"
        );
        assert_eq!(
            report.lines(),
            [
                ";; OPT PSEUDOSECTION:",
                "; EDNS: version: 0, flags: do; udp: 1232",
                "; NSID: 75 6e 01 (\"un\\001\")",
                "; CLIENT-SUBNET: 192.0.2.0/24/0",
                "; COOKIE: 0102030405060708",
                "; EDE: 18 (Prohibited): \"no\"",
                "; TCP-KEEPALIVE: 12.0 secs",
                "; OPT=65001: ff (\"\\255\")",
            ]
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["version"], 0);
        assert_eq!(json["udp"], 1232);
        assert_eq!(
            json["options"][0],
            serde_json::json!({"code": 3, "name": "NSID", "data": "75 6e 01 (\"un\\001\")"})
        );
    }
}
