//! DNSSEC records in the one-line presentation form dig prints: DNSKEY flags, protocol,
//! algorithm and key; DS key tag, algorithm, digest type and digest; RRSIG covered type,
//! algorithm, labels, original TTL, expiration and inception (`YYYYMMDDHHMMSS`, UTC), key tag,
//! signer and signature; NSEC next name and type bitmap; NSEC3 and NSEC3PARAM hash parameters.
//!
//! Base64 and hex runs are cut into chunks with spaces between, where dig cuts them (its
//! one-line form still breaks long runs at the width it would use with +multi), so a line can
//! be compared with dig's field by field.

use std::fmt::Write;

use base64::Engine;
use hickory_resolver::proto::dnssec::PublicKey;
use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, NSEC, NSEC3, RRSIG};
use hickory_resolver::proto::rr::RecordType;

use crate::model::dns_name::{name_text, type_name};

/// How many base64 characters or hex digits dig prints between spaces.
const CHUNK: usize = 56;

/// The data of a DNSSEC record as dig prints it.
#[must_use]
pub fn format(data: &DNSSECRData) -> String {
    match data {
        DNSSECRData::DNSKEY(key) => dnskey(key),
        DNSSECRData::DS(ds) => ds_text(ds),
        DNSSECRData::RRSIG(sig) => rrsig(sig),
        DNSSECRData::NSEC(nsec) => nsec_text(nsec),
        DNSSECRData::NSEC3(nsec3) => nsec3_text(nsec3),
        DNSSECRData::NSEC3PARAM(param) => format!(
            "{} {} {} {}",
            u8::from(param.hash_algorithm()),
            param.flags(),
            param.iterations(),
            salt(param.salt())
        ),
        other => crate::model::sanitize::escape(&other.to_string()),
    }
}

fn dnskey(key: &DNSKEY) -> String {
    format!(
        "{} 3 {} {}",
        key.flags(),
        u8::from(key.public_key().algorithm()),
        base64_chunks(key.public_key().public_bytes())
    )
}

fn ds_text(ds: &DS) -> String {
    format!(
        "{} {} {} {}",
        ds.key_tag(),
        u8::from(ds.algorithm()),
        u8::from(ds.digest_type()),
        hex_chunks(ds.digest())
    )
}

fn rrsig(sig: &RRSIG) -> String {
    let input = sig.input();
    format!(
        "{} {} {} {} {} {} {} {} {}",
        type_name(input.type_covered),
        u8::from(input.algorithm),
        input.num_labels,
        input.original_ttl,
        timestamp(input.sig_expiration.get()),
        timestamp(input.sig_inception.get()),
        input.key_tag,
        name_text(&input.signer_name),
        base64_chunks(sig.sig())
    )
}

fn nsec_text(nsec: &NSEC) -> String {
    let mut out = name_text(nsec.next_domain_name());
    push_types(&mut out, nsec.type_bit_maps());
    out
}

fn nsec3_text(nsec3: &NSEC3) -> String {
    let mut out = format!(
        "{} {} {} {} {}",
        u8::from(nsec3.hash_algorithm()),
        nsec3.flags(),
        nsec3.iterations(),
        salt(nsec3.salt()),
        base32hex(nsec3.next_hashed_owner_name())
    );
    push_types(&mut out, nsec3.type_bit_maps());
    out
}

fn push_types(out: &mut String, types: impl Iterator<Item = RecordType>) {
    let mut types: Vec<RecordType> = types.collect();
    types.sort_by_key(|t| u16::from(*t));
    for t in types {
        out.push(' ');
        out.push_str(&type_name(t));
    }
}

/// A salt in hex (upper case), `-` when there is none.
fn salt(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "-".to_string()
    } else {
        hex_chunks(bytes)
    }
}

/// A time of a signature, `YYYYMMDDHHMMSS` in UTC (RFC 4034 section 3.2).
#[must_use]
pub fn timestamp(seconds: u32) -> String {
    match time::OffsetDateTime::from_unix_timestamp(i64::from(seconds)) {
        Ok(t) => format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => seconds.to_string(),
    }
}

fn base64_chunks(bytes: &[u8]) -> String {
    chunks(
        &base64::engine::general_purpose::STANDARD.encode(bytes),
        CHUNK,
    )
}

fn hex_chunks(bytes: &[u8]) -> String {
    let hex = bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02X}");
        out
    });
    chunks(&hex, CHUNK)
}

/// The base32 "extended hex" alphabet of NSEC3 hashed names (RFC 4648 section 7), upper case
/// and unpadded as dig prints it.
fn base32hex(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn chunks(text: &str, width: usize) -> String {
    text.as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_as_rfc_4034_writes_them() {
        assert_eq!(timestamp(0), "19700101000000");
        assert_eq!(timestamp(1_798_678_415), "20261231005335");
        assert_eq!(timestamp(u32::MAX), "21060207062815");
    }

    #[test]
    fn base32hex_of_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "CO"),
            ("fo", "CPNG"),
            ("foo", "CPNMU"),
            ("foob", "CPNMUOG"),
            ("fooba", "CPNMUOJ1"),
            ("foobar", "CPNMUOJ1E8"),
        ] {
            assert_eq!(base32hex(input.as_bytes()), want, "{input}");
        }
    }

    #[test]
    fn nsec3_as_dig_prints_it() {
        use hickory_resolver::proto::dnssec::Nsec3HashAlgorithm;
        let nsec3 = NSEC3::new(
            Nsec3HashAlgorithm::SHA1,
            false,
            1,
            vec![0xab, 0xcd],
            b"foobar".to_vec(),
            [RecordType::RRSIG, RecordType::A],
        );
        assert_eq!(
            format(&DNSSECRData::NSEC3(nsec3)),
            "1 0 1 ABCD CPNMUOJ1E8 A RRSIG"
        );
    }

    #[test]
    fn long_runs_are_cut_where_dig_cuts_them() {
        let key = [0xabu8; 64];
        let text = base64_chunks(&key);
        let parts: Vec<&str> = text.split(' ').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [56, 32]);
        assert_eq!(salt(&[]), "-");
        assert_eq!(salt(&[0xaa, 0xbb]), "AABB");
        // A SHA-256 digest: 64 hex digits, cut after 56 as dig cuts it.
        assert_eq!(
            hex_chunks(&[0x2b; 32])
                .split(' ')
                .map(str::len)
                .collect::<Vec<_>>(),
            [56, 8]
        );
    }
}
