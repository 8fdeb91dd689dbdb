//! What the bits of a MAC address say, and which vendor its first three bytes name.
//!
//! Bit 0 of the first byte (the I/G bit) is set for a group (multicast) address; bit 1 (the U/L
//! bit) is set for a locally administered address, one chosen by software (veth, containers,
//! randomised Wi-Fi addresses) rather than burnt in by the maker. Only a universally administered
//! address carries an OUI, the first six hex digits that the IEEE assigned to a vendor.
//! The registry is embedded at build time by the `oui` cargo feature (on by default).

use std::fmt;

use mac_address::MacAddress;
use serde::Serialize;

/// Who chose the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Administration {
    /// Assigned by the maker under an IEEE OUI (U/L bit clear).
    Universal,
    /// Chosen by software or an administrator (U/L bit set).
    Local,
}

/// Whether frames to the address go to one station or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cast {
    /// One station (I/G bit clear).
    Unicast,
    /// A group of stations (I/G bit set).
    Multicast,
}

/// A MAC address and what it says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MacInfo {
    /// `aa:bb:cc:dd:ee:ff`, lower case.
    pub address: String,
    /// `universal` or `local`.
    pub administration: Administration,
    /// `unicast` or `multicast`.
    pub cast: Cast,
    /// The first three bytes, `AA:BB:CC`: the organisation's half (its OUI).
    pub oui: String,
    /// The last three bytes, `DD:EE:FF`: the half the maker numbers its devices with.
    pub device: String,
    /// The organisation the IEEE registered the OUI to (none for local or unknown addresses).
    pub vendor: Option<&'static str>,
}

impl MacInfo {
    /// Describe the six bytes of a MAC address.
    #[must_use]
    pub fn new(bytes: [u8; 6]) -> Self {
        Self {
            address: format_mac(bytes),
            administration: administration(bytes),
            cast: cast(bytes),
            oui: format!("{:02X}:{:02X}:{:02X}", bytes[0], bytes[1], bytes[2]),
            device: format!("{:02X}:{:02X}:{:02X}", bytes[3], bytes[4], bytes[5]),
            vendor: vendor(bytes),
        }
    }

    /// Describe a MAC address written as text (`aa:bb:cc:dd:ee:ff` or with dashes).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        text.parse::<MacAddress>()
            .ok()
            .map(|m| Self::new(m.bytes()))
    }

    /// The bits in words: `locally administered, unicast`.
    #[must_use]
    pub fn bits(&self) -> String {
        let admin = match self.administration {
            Administration::Universal => "universally administered",
            Administration::Local => "locally administered",
        };
        let cast = match self.cast {
            Cast::Unicast => "unicast",
            Cast::Multicast => "multicast",
        };
        format!("{admin}, {cast}")
    }

    /// The vendor for text: its name, or why there is none.
    #[must_use]
    pub fn vendor_text(&self) -> &'static str {
        match (self.vendor, self.administration) {
            (Some(name), _) => name,
            (None, Administration::Local) => "(local, no vendor)",
            (None, Administration::Universal) if !LOOKUP_BUILT_IN => "(lookup not built in)",
            (None, Administration::Universal) => "(unregistered)",
        }
    }
}

impl fmt::Display for MacInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}; {})",
            self.address,
            self.bits(),
            self.vendor_text()
        )
    }
}

/// `aa:bb:cc:dd:ee:ff`, lower case, as `ip` prints it.
#[must_use]
pub fn format_mac(bytes: [u8; 6]) -> String {
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    parts.join(":")
}

/// The U/L bit.
#[must_use]
pub fn administration(bytes: [u8; 6]) -> Administration {
    if bytes[0] & 0x02 == 0 {
        Administration::Universal
    } else {
        Administration::Local
    }
}

/// The I/G bit.
#[must_use]
pub fn cast(bytes: [u8; 6]) -> Cast {
    if bytes[0] & 0x01 == 0 {
        Cast::Unicast
    } else {
        Cast::Multicast
    }
}

/// Whether the vendor registry was built into this binary (cargo feature `oui`).
pub const LOOKUP_BUILT_IN: bool = cfg!(feature = "oui");

/// The vendor the IEEE registered the address's prefix to. A locally administered address has
/// none: its first bytes were chosen by software, so any match would be a coincidence.
#[must_use]
pub fn vendor(bytes: [u8; 6]) -> Option<&'static str> {
    if administration(bytes) == Administration::Local {
        return None;
    }
    registry_lookup(bytes)
}

/// The IEEE registry (MA-L, MA-M, MA-S, CID and IAB) as `PREFIX<tab>NAME` lines, made by
/// scripts/oui-table.py. Kept as one string: a table of string pointers would be relocated, and
/// so read and dirtied, at every start of every command (7 MiB of memory and a millisecond).
#[cfg(feature = "oui")]
const REGISTRY: &str = include_str!("../../data/oui.tsv");

#[cfg(feature = "oui")]
fn registry_lookup(bytes: [u8; 6]) -> Option<&'static str> {
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    // The longest assignment wins: a 36-bit (MA-S, IAB) or 28-bit (MA-M) block inside a
    // 24-bit one registered to the IEEE itself.
    [9, 7, 6]
        .into_iter()
        .find_map(|digits| find_line(REGISTRY, &hex[..digits]))
}

/// Binary search over the sorted `KEY<tab>VALUE` lines of `table`, by byte offsets (as look(1)
/// does), so that a lookup reads a few pages of the table and builds nothing.
#[cfg(any(feature = "oui", test))]
fn find_line<'a>(table: &'a str, key: &str) -> Option<&'a str> {
    let bytes = table.as_bytes();
    // lo and hi are line starts; the key, if present, is on a line in [lo, hi).
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| start + p);
        let (line_key, value) = table[start..end].split_once('\t')?;
        match line_key.cmp(key) {
            std::cmp::Ordering::Equal => return Some(value),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

#[cfg(not(feature = "oui"))]
fn registry_lookup(_bytes: [u8; 6]) -> Option<&'static str> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_table() {
        let cases = [
            (
                "00:50:56:01:02:03",
                Administration::Universal,
                Cast::Unicast,
            ),
            ("02:00:00:00:00:01", Administration::Local, Cast::Unicast),
            (
                "01:00:5e:00:00:01",
                Administration::Universal,
                Cast::Multicast,
            ),
            ("33:33:00:00:00:01", Administration::Local, Cast::Multicast),
            ("ff:ff:ff:ff:ff:ff", Administration::Local, Cast::Multicast),
            ("fe:54:00:12:34:56", Administration::Local, Cast::Unicast),
        ];
        for (text, admin, c) in cases {
            let info = MacInfo::parse(text).unwrap();
            assert_eq!(info.address, text);
            assert_eq!(info.administration, admin, "{text}");
            assert_eq!(info.cast, c, "{text}");
        }
    }

    #[test]
    fn bits_in_words() {
        let info = MacInfo::parse("02:00:00:00:00:01").unwrap();
        assert_eq!(info.bits(), "locally administered, unicast");
        assert_eq!(info.vendor, None);
        assert_eq!(info.vendor_text(), "(local, no vendor)");
        assert_eq!(info.oui, "02:00:00");
    }

    #[test]
    fn parse_accepts_dashes_and_upper_case_and_rejects_junk() {
        assert_eq!(
            MacInfo::parse("00-50-56-AA-BB-CC").unwrap().address,
            "00:50:56:aa:bb:cc"
        );
        for bad in ["", "00:50:56", "zz:00:00:00:00:00", "00:50:56:aa:bb:cc:dd"] {
            assert!(MacInfo::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn find_line_finds_every_key_and_nothing_else() {
        let table = "0001\ta\n0002\tb\n00020\tc\n0003\td\n1\te\n";
        for (key, want) in [
            ("0001", Some("a")),
            ("0002", Some("b")),
            ("00020", Some("c")),
            ("0003", Some("d")),
            ("1", Some("e")),
            ("0000", None),
            ("00021", None),
            ("2", None),
            ("", None),
        ] {
            assert_eq!(find_line(table, key), want, "{key}");
        }
        assert_eq!(find_line("", "0001"), None);
        assert_eq!(find_line("0001\ta", "0001"), Some("a"));
    }

    #[cfg(feature = "oui")]
    #[test]
    fn every_registry_line_is_found() {
        for line in REGISTRY.lines() {
            let (key, value) = line.split_once('\t').unwrap();
            assert_eq!(find_line(REGISTRY, key), Some(value), "{key}");
        }
    }

    #[cfg(feature = "oui")]
    #[test]
    fn known_vendors() {
        let cases = [
            ("00:50:56:12:34:56", "VMware, Inc."),
            ("08:00:27:00:00:01", "PCS Systemtechnik GmbH"),
            ("00:00:0c:07:ac:01", "Cisco Systems, Inc"),
            ("b8:27:eb:00:00:01", "Raspberry Pi Foundation"),
            ("3c:5a:b4:00:00:01", "Google, Inc."),
            // A 36-bit IAB block and a 28-bit MA-M block inside 24-bit blocks of the IEEE.
            ("00:50:c2:00:0a:bc", "T.L.S. Corp."),
            ("c8:5c:e2:7a:bc:de", "SYNERGY SYSTEMS AND SOLUTIONS"),
        ];
        for (text, vendor) in cases {
            let info = MacInfo::parse(text).unwrap();
            assert_eq!(info.vendor, Some(vendor), "{text}");
            assert_eq!(info.vendor_text(), vendor);
        }
    }

    #[cfg(feature = "oui")]
    #[test]
    fn local_address_has_no_vendor_even_when_prefix_is_registered() {
        // 0x08 | 0x02 = 0x0a: the VirtualBox OUI with the U/L bit set.
        let info = MacInfo::parse("0a:00:27:00:00:01").unwrap();
        assert_eq!(info.administration, Administration::Local);
        assert_eq!(info.vendor, None);
    }

    #[test]
    fn display_says_everything() {
        let info = MacInfo::parse("02:11:22:33:44:55").unwrap();
        assert_eq!(
            info.to_string(),
            "02:11:22:33:44:55 (locally administered, unicast; (local, no vendor))"
        );
    }
}
