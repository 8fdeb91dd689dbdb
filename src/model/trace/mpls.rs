//! MPLS label stacks quoted by routers in ICMP extensions (RFC 4884 structure, RFC 4950 object).
//!
//! A router inside an MPLS tunnel that lets a probe's TTL run out may append, after the quoted
//! original datagram, an extension structure (version 2) holding an "MPLS label stack" object
//! (class 1, type 1): one 32-bit entry per label, with the label, traffic class, bottom-of-stack
//! bit and TTL. RFC 4884 says where the quote ends with a length field in the ICMP header; older
//! routers leave it zero and put the extension at offset 128 of the quote, which is accepted when
//! the structure there checks out.

use serde::Serialize;

/// One MPLS label stack entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MplsLabel {
    /// The 20-bit label.
    pub label: u32,
    /// Traffic class (formerly EXP), 3 bits.
    pub tc: u8,
    /// Bottom of stack.
    pub s: bool,
    /// The label's TTL.
    pub ttl: u8,
}

impl std::fmt::Display for MplsLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[MPLS: Lbl {} TC {} S {} TTL {}]",
            self.label,
            self.tc,
            u8::from(self.s),
            self.ttl
        )
    }
}

const EXTENSION_VERSION: u8 = 2;
const CLASS_MPLS: u8 = 1;
const CTYPE_LABEL_STACK: u8 = 1;
/// Where the extension starts, in the quote, when the length field is zero.
const LEGACY_QUOTE_LEN: usize = 128;

/// The MPLS labels in an ICMP time-exceeded or unreachable message (`icmp` starts at the ICMP
/// header). Empty when it carries none, or when the extension is malformed.
#[must_use]
pub fn labels(icmp: &[u8], v6: bool) -> Vec<MplsLabel> {
    if icmp.len() < 8 {
        return Vec::new();
    }
    let (field, unit) = if v6 { (icmp[4], 8) } else { (icmp[5], 4) };
    let offsets: Vec<usize> = if field == 0 {
        vec![8 + LEGACY_QUOTE_LEN]
    } else {
        vec![8 + usize::from(field) * unit]
    };
    offsets
        .into_iter()
        .find_map(|at| parse_extension(icmp.get(at..)?))
        .unwrap_or_default()
}

fn parse_extension(ext: &[u8]) -> Option<Vec<MplsLabel>> {
    if ext.len() < 8 || ext[0] >> 4 != EXTENSION_VERSION {
        return None;
    }
    let stored = u16::from_be_bytes([ext[2], ext[3]]);
    // A zero checksum means "not computed" (RFC 4884 §7).
    if stored != 0 && pnet::packet::util::checksum(ext, 1) != stored {
        return None;
    }
    let mut found = Vec::new();
    let mut rest = &ext[4..];
    while rest.len() >= 4 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        if len < 4 || len > rest.len() {
            return None;
        }
        let (class, ctype) = (rest[2], rest[3]);
        if class == CLASS_MPLS && ctype == CTYPE_LABEL_STACK {
            for entry in rest[4..len].chunks_exact(4) {
                let word = u32::from_be_bytes([entry[0], entry[1], entry[2], entry[3]]);
                found.push(MplsLabel {
                    label: word >> 12,
                    tc: u8::try_from((word >> 9) & 0x7).unwrap_or(0),
                    s: (word >> 8) & 1 == 1,
                    ttl: entry[3],
                });
            }
        }
        rest = &rest[len..];
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An extension structure with one MPLS object of `entries`, checksum filled in.
    fn extension(entries: &[u32]) -> Vec<u8> {
        let mut ext = vec![0x20, 0, 0, 0];
        let len = u16::try_from(4 + entries.len() * 4).unwrap();
        ext.extend_from_slice(&len.to_be_bytes());
        ext.extend_from_slice(&[CLASS_MPLS, CTYPE_LABEL_STACK]);
        for e in entries {
            ext.extend_from_slice(&e.to_be_bytes());
        }
        let sum = pnet::packet::util::checksum(&ext, 1);
        ext[2..4].copy_from_slice(&sum.to_be_bytes());
        ext
    }

    fn entry(label: u32, tc: u32, s: bool, ttl: u32) -> u32 {
        (label << 12) | (tc << 9) | (u32::from(s) << 8) | ttl
    }

    #[test]
    fn rfc4884_length_field_v4() {
        // Time exceeded, length 32 words (128 bytes of quote), then two labels.
        let mut icmp = vec![11, 0, 0, 0, 0, 32, 0, 0];
        icmp.extend_from_slice(&[0x45; 128]);
        icmp.extend(extension(&[
            entry(24001, 0, false, 1),
            entry(16, 5, true, 1),
        ]));
        let got = labels(&icmp, false);
        assert_eq!(
            got,
            [
                MplsLabel {
                    label: 24001,
                    tc: 0,
                    s: false,
                    ttl: 1
                },
                MplsLabel {
                    label: 16,
                    tc: 5,
                    s: true,
                    ttl: 1
                },
            ]
        );
        assert_eq!(got[1].to_string(), "[MPLS: Lbl 16 TC 5 S 1 TTL 1]");
    }

    #[test]
    fn rfc4884_length_field_v6_counts_eight_byte_words() {
        let mut icmp = vec![3, 0, 0, 0, 3, 0, 0, 0];
        icmp.extend_from_slice(&[0x60; 24]);
        icmp.extend(extension(&[entry(100, 0, true, 254)]));
        assert_eq!(labels(&icmp, true)[0].label, 100);
        assert_eq!(labels(&icmp, true)[0].ttl, 254);
    }

    #[test]
    fn legacy_offset_128_when_length_is_zero() {
        let mut icmp = vec![11, 0, 0, 0, 0, 0, 0, 0];
        icmp.extend_from_slice(&[0; 128]);
        icmp.extend(extension(&[entry(7, 0, true, 1)]));
        assert_eq!(labels(&icmp, false).len(), 1);
    }

    #[test]
    fn none_or_malformed_gives_nothing() {
        // A plain quote of 28 bytes.
        let mut icmp = vec![11, 0, 0, 0, 0, 0, 0, 0];
        icmp.extend_from_slice(&[0x45; 28]);
        assert!(labels(&icmp, false).is_empty());
        // A bad checksum.
        let mut icmp = vec![11, 0, 0, 0, 0, 32, 0, 0];
        icmp.extend_from_slice(&[0; 128]);
        let mut ext = extension(&[entry(7, 0, true, 1)]);
        ext[2] ^= 0xff;
        icmp.extend(ext);
        assert!(labels(&icmp, false).is_empty());
        // An object length running past the end.
        let mut icmp = vec![11, 0, 0, 0, 0, 32, 0, 0];
        icmp.extend_from_slice(&[0; 128]);
        icmp.extend_from_slice(&[0x20, 0, 0, 0, 0, 64, 1, 1, 0, 0]);
        assert!(labels(&icmp, false).is_empty());
        assert!(labels(&[11, 0], false).is_empty());
    }
}
