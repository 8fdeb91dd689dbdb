//! DNSSEC validation of an answer, from a trust anchor down to the records asked for.
//!
//! hickory's validator (`DnssecDnsHandle`) decides: it asks the same server for every DNSKEY,
//! DS and denial-of-existence record on the way from the anchor to the answer and marks each
//! record secure, insecure, bogus or indeterminate (RFC 4035 section 4.3). It asks through
//! [`Upstream`], which sends over nettool's own client, so validation travels the transport the
//! user chose (UDP with TCP after truncation, TCP, TLS).
//!
//! hickory says *that* an answer is bogus but keeps *why* in its logs, so a bogus verdict is
//! followed by a diagnosis here: the answer and the signer's DNSKEY set are fetched again with
//! checking disabled and each signature is checked in turn, in the order a resolver meets the
//! problems: no signature, a signature out of its validity period, no DNSKEY with the
//! signature's key tag, a signature that does not verify, then the same for the DNSKEY set,
//! then a key set that no trust anchor matches.
//!
//! Trust anchors are DS or DNSKEY records in zone-file form, as unbound's `trust-anchor-file`
//! takes them (`example. IN DS 12345 13 2 ABCD...`); without a file, the root zone's KSKs that
//! hickory carries.

use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use futures_util::stream::{self, Stream, StreamExt};
use hickory_resolver::net::dnssec::DnssecDnsHandle;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::xfer::DnsHandle;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, RRSIG};
use hickory_resolver::proto::dnssec::{Proof, PublicKey, TrustAnchors, Verifier};
use hickory_resolver::proto::op::{DnsRequest, DnsRequestOptions, DnsResponse, Message, Query};
use hickory_resolver::proto::rr::{DNSClass, Name, RData, Record, RecordType};
use hickory_resolver::proto::serialize::txt::Parser;
use hickory_resolver::proto::serialize::txt::trust_anchor::{Entry, Parser as TrustAnchorParser};
use serde::Serialize;

use crate::model::dns_name::{name_text, type_name};
use crate::model::dnssec_text::timestamp;
use crate::net::dns::{Client, Failure, QueryFlags, request};

/// What validation concluded (RFC 4035 section 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// A chain of signatures leads from a trust anchor to the answer.
    Secure,
    /// The chain proves that the zone of the answer is not signed.
    Insecure,
    /// The chain should reach the answer and does not.
    Bogus,
    /// No trust anchor covers the name.
    Indeterminate,
}

impl Security {
    /// How the footer names it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Secure => "secure",
            Self::Insecure => "insecure",
            Self::Bogus => "bogus",
            Self::Indeterminate => "indeterminate",
        }
    }
}

/// The verdict on one answer, and why when it is not secure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Validation {
    /// secure, insecure, bogus or indeterminate.
    pub status: Security,
    /// Why the answer is bogus (or what made it insecure or indeterminate).
    pub reason: Option<String>,
}

impl Validation {
    fn new(status: Security, reason: Option<String>) -> Self {
        Self { status, reason }
    }

    /// The footer's words: `dnssec secure`, `dnssec bogus (signature expired ...)`.
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.reason {
            Some(reason) => format!("dnssec {} ({reason})", self.status.as_str()),
            None => format!("dnssec {}", self.status.as_str()),
        }
    }
}

/// The keys validation starts from.
#[derive(Clone)]
pub struct Anchors {
    /// Keys of the root zone, which hickory's validator starts from by itself.
    keys: TrustAnchors,
    /// Anchors of other zones, which are expanded into their zone's verified key set first.
    zones: Vec<(Name, ZoneAnchor)>,
}

/// A trust anchor below the root.
#[derive(Clone)]
enum ZoneAnchor {
    Ds(DS),
    Key(DNSKEY),
}

impl ZoneAnchor {
    fn matches(&self, zone: &Name, key: &DNSKEY) -> bool {
        match self {
            Self::Ds(ds) => ds.covers(zone, key).unwrap_or(false),
            Self::Key(anchor) => anchor.public_key() == key.public_key(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Ds(ds) => format!("DS key tag {}", ds.key_tag()),
            Self::Key(key) => format!(
                "DNSKEY key tag {}",
                key.calculate_key_tag().unwrap_or_default()
            ),
        }
    }
}

impl std::fmt::Debug for Anchors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Anchors")
            .field("keys", &self.keys.len())
            .field("zones", &self.zones.len())
            .finish()
    }
}

impl Anchors {
    /// The root zone's key-signing keys, as hickory carries them.
    #[must_use]
    pub fn root() -> Self {
        Self {
            keys: TrustAnchors::default(),
            zones: Vec::new(),
        }
    }

    /// DS and DNSKEY records of `path`, in zone-file form.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        Self::parse(&text, Some(path))
    }

    fn parse(text: &str, path: Option<&Path>) -> Result<Self, String> {
        let mut anchors = Self {
            keys: TrustAnchors::empty(),
            zones: Vec::new(),
        };
        let bad = |e: &dyn std::fmt::Display| {
            format!("not a zone-file list of DS or DNSKEY records: {e}")
        };
        // hickory's zone parser refuses DNSKEY records (a signer makes them) and its trust
        // anchor parser refuses DS records: each entry goes to the parser that takes it.
        let (keys, others): (Vec<String>, Vec<String>) =
            entries(text).into_iter().partition(|entry| {
                entry
                    .split_whitespace()
                    .any(|token| token.eq_ignore_ascii_case("DNSKEY"))
            });
        let mut records: Vec<Record> = Vec::new();
        if !keys.is_empty() {
            let parsed = TrustAnchorParser::new(keys.join("\n"))
                .parse()
                .map_err(|e| bad(&e))?;
            for entry in parsed {
                let Entry::DNSKEY(record) = entry else {
                    continue;
                };
                records.push(Record::from_rdata(
                    record.name().clone(),
                    0,
                    RData::DNSSEC(DNSSECRData::DNSKEY(record.data().clone())),
                ));
            }
        }
        if !others.is_empty() {
            // An anchor's TTL means nothing (ldns-keygen's .ds files have none): a default
            // keeps the zone parser from asking for one.
            let text = format!("$TTL 0\n{}", others.join("\n"));
            let (_, sets) = Parser::new(text, path.map(Path::to_path_buf), Some(Name::root()))
                .parse()
                .map_err(|e| bad(&e))?;
            records.extend(
                sets.values()
                    .flat_map(|set| set.records_without_rrsigs().cloned()),
            );
        }
        for record in &records {
            match &record.data {
                RData::DNSSEC(DNSSECRData::DS(ds)) => anchors
                    .zones
                    .push((record.name.clone(), ZoneAnchor::Ds(ds.clone()))),
                RData::DNSSEC(DNSSECRData::DNSKEY(key)) if record.name.is_root() => {
                    anchors.keys.insert(key.public_key());
                }
                RData::DNSSEC(DNSSECRData::DNSKEY(key)) => anchors
                    .zones
                    .push((record.name.clone(), ZoneAnchor::Key(key.clone()))),
                other => {
                    return Err(format!(
                        "{} {} is not a trust anchor (only DS and DNSKEY records are)",
                        name_text(&record.name),
                        type_name(other.record_type())
                    ));
                }
            }
        }
        if records.is_empty() {
            return Err("holds no DS or DNSKEY record".into());
        }
        anchors.zones.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(anchors)
    }
}

/// The entries of a zone file, one a string: comments dropped, lines inside parentheses
/// joined (the parentheses dropped), directives (`$TTL`) kept as they are.
fn entries(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for line in text.lines() {
        let mut in_quote = false;
        for c in line.chars() {
            match c {
                '"' => in_quote = !in_quote,
                ';' if !in_quote => break,
                '(' if !in_quote => {
                    depth += 1;
                    continue;
                }
                ')' if !in_quote => {
                    depth = depth.saturating_sub(1);
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        if depth == 0 {
            if !current.trim().is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
        } else {
            current.push(' ');
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// hickory's validator asks its questions through this: nettool's client, as configured.
#[derive(Clone)]
struct Upstream {
    client: Client,
}

impl DnsHandle for Upstream {
    type Response = Pin<Box<dyn Stream<Item = Result<DnsResponse, NetError>> + Send>>;
    type Runtime = TokioRuntimeProvider;

    fn send(&self, request: DnsRequest) -> Self::Response {
        let client = self.client.clone();
        let (mut message, _) = request.into_parts();
        if let Some(edns) = message.edns.as_mut() {
            edns.set_max_payload(client.flags().bufsize);
        }
        Box::pin(stream::once(async move {
            match client.exchange(message).await.0 {
                Ok(answer) => DnsResponse::from_message(answer)
                    .map_err(|e| NetError::from(format!("unreadable response: {e}"))),
                Err(failure) => Err(NetError::from(failure_text(&failure))),
            }
        }))
    }
}

fn failure_text(failure: &Failure) -> String {
    match failure {
        Failure::Timeout(_) => "no answer (timed out)".into(),
        Failure::Refused => "connection refused".into(),
        Failure::Unreachable(reason) => reason.clone(),
    }
}

/// Validate the answer to `rtype` records of `name` (fully qualified, ASCII) from `anchors`.
pub async fn validate(
    client: &Client,
    anchors: &Anchors,
    name: &str,
    rtype: RecordType,
) -> Validation {
    let Ok(name) = Name::from_ascii(name) else {
        return Validation::new(Security::Indeterminate, Some("invalid name".into()));
    };
    let mut keys = anchors.keys.clone();
    if let Err(reason) = expand_zone_anchors(client, anchors, &name, &mut keys).await {
        return Validation::new(Security::Bogus, Some(reason));
    }
    let handle = DnssecDnsHandle::with_trust_anchor(
        Upstream {
            client: client.clone(),
        },
        Arc::new(keys),
    );
    let query = Query::query(name.clone(), rtype);
    let verdict = match handle
        .lookup(query, DnsRequestOptions::default())
        .next()
        .await
    {
        Some(Ok(response)) => judge(&response, rtype),
        Some(Err(NetError::Dns(DnsError::Nsec { proof, .. }))) => Validation::new(
            security(proof),
            Some("the denial of existence is not proven".into()),
        ),
        Some(Err(e)) => Validation::new(Security::Bogus, Some(e.to_string())),
        None => Validation::new(Security::Bogus, Some("no response".into())),
    };
    if verdict.status == Security::Bogus && verdict.reason.as_deref().is_none_or(str::is_empty) {
        let reason = diagnose(client, &anchors.keys, &name, rtype).await;
        return Validation::new(Security::Bogus, Some(reason));
    }
    verdict
}

fn security(proof: Proof) -> Security {
    match proof {
        Proof::Secure => Security::Secure,
        Proof::Insecure => Security::Insecure,
        Proof::Bogus => Security::Bogus,
        _ => Security::Indeterminate,
    }
}

/// The verdict on a validated response: the weakest proof among the records that answer.
fn judge(response: &Message, rtype: RecordType) -> Validation {
    let answers: Vec<&Record> = response
        .answers
        .iter()
        .filter(|r| r.record_type() != RecordType::RRSIG)
        .collect();
    // A negative answer: hickory has proven the denial (or the zone's insecurity).
    let proofs: Vec<Proof> = if answers.is_empty() {
        response
            .authorities
            .iter()
            .filter(|r| r.record_type() != RecordType::RRSIG)
            .map(|r| r.proof)
            .collect()
    } else {
        answers.iter().map(|r| r.proof).collect()
    };
    let status = if proofs.contains(&Proof::Bogus) {
        Security::Bogus
    } else if !proofs.is_empty() && proofs.iter().all(|p| *p == Proof::Secure) {
        Security::Secure
    } else if proofs.contains(&Proof::Insecure) {
        Security::Insecure
    } else if proofs.is_empty() {
        Security::Secure
    } else {
        Security::Indeterminate
    };
    let reason = match status {
        Security::Indeterminate => Some(format!(
            "no trust anchor covers the {} answer",
            type_name(rtype)
        )),
        _ => None,
    };
    Validation::new(status, reason)
}

/// Trust the whole key set of each anchored zone above `name` once it is proven: a key of the
/// set matches the anchor, and that key's signature over the set is in time and verifies. This
/// is the first step of a validator at a trust anchor (RFC 4035 section 5); hickory would look
/// for the zone's DS in its parent instead, which a lab's authoritative server does not have.
async fn expand_zone_anchors(
    client: &Client,
    anchors: &Anchors,
    name: &Name,
    keys: &mut TrustAnchors,
) -> Result<(), String> {
    let mut zones: Vec<&Name> = anchors.zones.iter().map(|(zone, _)| zone).collect();
    zones.dedup();
    for zone in zones {
        if !zone.zone_of(name) {
            continue;
        }
        let of_zone: Vec<&ZoneAnchor> = anchors
            .zones
            .iter()
            .filter(|(z, _)| z == zone)
            .map(|(_, a)| a)
            .collect();
        let message = fetch(client, zone, RecordType::DNSKEY)
            .await
            .map_err(|reason| {
                format!(
                    "cannot fetch the DNSKEY set of {}: {reason}",
                    name_text(zone)
                )
            })?;
        let zone_keys = dnskeys(&message, zone);
        let anchored: Vec<DNSKEY> = zone_keys
            .iter()
            .filter(|key| of_zone.iter().any(|a| a.matches(zone, key)))
            .cloned()
            .collect();
        if anchored.is_empty() {
            let wanted: Vec<String> = of_zone.iter().map(|a| a.describe()).collect();
            return Err(format!(
                "no matching DNSKEY: no key of {} matches the trust anchor ({})",
                name_text(zone),
                wanted.join(", ")
            ));
        }
        let key_records: Vec<Record> = message
            .answers
            .iter()
            .filter(|r| &r.name == zone && r.record_type() == RecordType::DNSKEY)
            .cloned()
            .collect();
        let sigs = rrsigs(&message.answers, zone, RecordType::DNSKEY);
        if sigs.is_empty() {
            return Err(format!(
                "missing RRSIG: no signature covers {} DNSKEY",
                name_text(zone)
            ));
        }
        if let Some(problem) = rrset_problem(
            zone,
            RecordType::DNSKEY,
            &key_records,
            &sigs,
            &anchored,
            now(),
        ) {
            return Err(problem);
        }
        for key in &zone_keys {
            keys.insert_with_name(key.public_key(), zone.clone().into());
        }
    }
    Ok(())
}

/// Ask `name`/`rtype` with DO and CD set, so that the server hands over what it has.
async fn fetch(client: &Client, name: &Name, rtype: RecordType) -> Result<Message, String> {
    let flags = QueryFlags {
        dnssec: true,
        checking_disabled: true,
        ..*client.flags()
    };
    let message = request(Query::query(name.clone(), rtype), &flags);
    client
        .exchange(message)
        .await
        .0
        .map_err(|f| failure_text(&f))
}

fn dnskeys(message: &Message, zone: &Name) -> Vec<DNSKEY> {
    message
        .answers
        .iter()
        .filter(|r| &r.name == zone)
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::DNSKEY(key)) => Some(key.clone()),
            _ => None,
        })
        .collect()
}

fn rrsigs<'a>(records: &'a [Record], name: &Name, rtype: RecordType) -> Vec<&'a RRSIG> {
    records
        .iter()
        .filter(|r| &r.name == name)
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::RRSIG(sig)) if sig.input().type_covered == rtype => {
                Some(sig)
            }
            _ => None,
        })
        .collect()
}

/// Why the bogus answer to `name`/`rtype` is bogus, found by checking each link again.
async fn diagnose(client: &Client, keys: &TrustAnchors, name: &Name, rtype: RecordType) -> String {
    let answer = match fetch(client, name, rtype).await {
        Ok(answer) => answer,
        Err(reason) => return format!("cannot fetch the answer again: {reason}"),
    };
    let rrset: Vec<Record> = answer
        .answers
        .iter()
        .filter(|r| &r.name == name && r.record_type() == rtype)
        .cloned()
        .collect();
    if rrset.is_empty() {
        return "the denial of existence is not proven".into();
    }
    let sigs = rrsigs(&answer.answers, name, rtype);
    let Some(signer) = sigs.first().map(|s| s.input().signer_name.clone()) else {
        return format!(
            "missing RRSIG: no signature covers {} {}",
            name_text(name),
            type_name(rtype)
        );
    };
    let keyset = match fetch(client, &signer, RecordType::DNSKEY).await {
        Ok(message) => message,
        Err(reason) => {
            return format!(
                "cannot fetch the DNSKEY set of {}: {reason}",
                name_text(&signer)
            );
        }
    };
    let zone_keys = dnskeys(&keyset, &signer);
    let now = now();
    if let Some(problem) = rrset_problem(name, rtype, &rrset, &sigs, &zone_keys, now) {
        return problem;
    }
    let key_records: Vec<Record> = keyset
        .answers
        .iter()
        .filter(|r| r.name == signer && r.record_type() == RecordType::DNSKEY)
        .cloned()
        .collect();
    let key_sigs = rrsigs(&keyset.answers, &signer, RecordType::DNSKEY);
    if key_sigs.is_empty() {
        return format!(
            "missing RRSIG: no signature covers {} DNSKEY",
            name_text(&signer)
        );
    }
    if let Some(problem) = rrset_problem(
        &signer,
        RecordType::DNSKEY,
        &key_records,
        &key_sigs,
        &zone_keys,
        now,
    ) {
        return problem;
    }
    let lower = signer.clone().into();
    if zone_keys
        .iter()
        .any(|key| keys.contains_with_name(key.public_key(), &lower))
    {
        return format!(
            "the DNSKEY set of {} verifies, yet the validator found it bogus",
            name_text(&signer)
        );
    }
    format!(
        "the chain of trust from the trust anchor to {} is broken (no DS record proves its keys)",
        name_text(&signer)
    )
}

fn now() -> u32 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// What is wrong with the signatures of one RRset, or `None` when one of them is in its
/// validity period and verifies with a key of the signer.
fn rrset_problem(
    name: &Name,
    rtype: RecordType,
    rrset: &[Record],
    sigs: &[&RRSIG],
    keys: &[DNSKEY],
    now: u32,
) -> Option<String> {
    let what = format!("{} {}", name_text(name), type_name(rtype));
    let mut problems = Vec::new();
    for sig in sigs {
        let input = sig.input();
        let (expiration, inception) = (input.sig_expiration.get(), input.sig_inception.get());
        if now > expiration {
            problems.push(format!(
                "expired signature: the RRSIG of {what} (key tag {}) expired at {}",
                input.key_tag,
                timestamp(expiration)
            ));
            continue;
        }
        if now < inception {
            problems.push(format!(
                "signature not yet valid: the RRSIG of {what} (key tag {}) is valid from {}",
                input.key_tag,
                timestamp(inception)
            ));
            continue;
        }
        let candidates: Vec<&DNSKEY> = keys
            .iter()
            .filter(|k| {
                k.public_key().algorithm() == input.algorithm
                    && k.calculate_key_tag().ok() == Some(input.key_tag)
            })
            .collect();
        if candidates.is_empty() {
            problems.push(format!(
                "no matching DNSKEY: {} has no key with tag {} (algorithm {}) for the RRSIG of {what}",
                name_text(&input.signer_name),
                input.key_tag,
                u8::from(input.algorithm)
            ));
            continue;
        }
        if candidates.iter().any(|key| {
            key.verify_rrsig(name, DNSClass::IN, sig, rrset.iter())
                .is_ok()
        }) {
            return None;
        }
        problems.push(format!(
            "bad signature: the RRSIG of {what} does not verify with key {}",
            input.key_tag
        ));
    }
    problems.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_in_zone_file_form() {
        let ds = "signed.test. IN DS 62116 13 2 17e1a2274480182f99428a4c247bddc11f7790b635eb9c7eb137f658a2da0630\n";
        let anchors = Anchors::parse(ds, None).unwrap();
        assert_eq!(anchors.zones.len(), 1);
        assert_eq!(anchors.zones[0].1.describe(), "DS key tag 62116");
        let key = "signed.test. 300 IN DNSKEY 257 3 13 GfCCmFBhD8FpN2PELvxaFRamSxU72OjOzDhq6DuB9YVGSjLxFhpqj1RR IbH7zz/CpT+eGHkKD9zdgyjBtPV6YA==\n";
        let anchors = Anchors::parse(key, None).unwrap();
        assert_eq!(anchors.zones[0].1.describe(), "DNSKEY key tag 62116");
        // dig +multi's form: a comment, and the key over several lines in parentheses.
        let multi = "; the zone's KSK\nsigned.test. 300 IN DNSKEY 257 3 13 (\n\
                     GfCCmFBhD8FpN2PELvxaFRamSxU72OjOzDhq6DuB9YVGSjLxFhpqj1RR\n\
                     IbH7zz/CpT+eGHkKD9zdgyjBtPV6YA== ) ; KSK; alg = ECDSAP256SHA256\n";
        let anchors = Anchors::parse(multi, None).unwrap();
        assert_eq!(anchors.zones[0].1.describe(), "DNSKEY key tag 62116");
        assert_eq!(
            Anchors::parse("www.test. IN A 192.0.2.1\n", None).unwrap_err(),
            "www.test. A is not a trust anchor (only DS and DNSKEY records are)"
        );
        assert_eq!(
            Anchors::parse("; nothing\n", None).unwrap_err(),
            "holds no DS or DNSKEY record"
        );
        assert!(
            Anchors::parse("signed.test. IN DS 1 2\n", None)
                .unwrap_err()
                .starts_with("not a zone-file list of DS or DNSKEY records: ")
        );
    }
}
