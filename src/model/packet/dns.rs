//! A one-line summary of a DNS message: id, query or response, questions and answers.

use hickory_resolver::proto::op::{Message, MessageType};
use serde::Serialize;

/// One DNS question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Question {
    /// The name asked for, fully qualified (`www.example.test.`).
    pub name: String,
    /// The record type (`A`, `AAAA`, `MX`).
    #[serde(rename = "type")]
    pub kind: String,
}

/// What a DNS message says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DnsSummary {
    /// The transaction id.
    pub id: u16,
    /// Whether it is a response.
    pub response: bool,
    /// The response code (`NoError`, `NXDomain`).
    pub rcode: String,
    /// Whether recursion was asked for.
    pub recursion_desired: bool,
    /// The questions.
    pub questions: Vec<Question>,
    /// The answers, `TYPE DATA` (`A 10.0.0.5`).
    pub answers: Vec<String>,
    /// Authority records.
    pub authority_count: usize,
    /// Additional records.
    pub additional_count: usize,
}

/// Summarize a DNS message, or `None` when the bytes are not one.
#[must_use]
pub fn summarize(bytes: &[u8]) -> Option<DnsSummary> {
    let message = Message::from_vec(bytes).ok()?;
    Some(DnsSummary {
        id: message.metadata.id,
        response: message.metadata.message_type == MessageType::Response,
        rcode: format!("{:?}", message.metadata.response_code),
        recursion_desired: message.metadata.recursion_desired,
        questions: message
            .queries
            .iter()
            .map(|q| Question {
                name: q.name().to_string(),
                kind: q.query_type().to_string(),
            })
            .collect(),
        answers: message
            .answers
            .iter()
            .map(|r| format!("{} {}", r.record_type(), r.data))
            .collect(),
        authority_count: message.authorities.len(),
        // The EDNS OPT record travels in the additional section: count it as the header does.
        additional_count: message.additionals.len() + usize::from(message.edns.is_some()),
    })
}

impl std::fmt::Display for DnsSummary {
    /// As tcpdump: `4660+ A? www.example.test.` or `4660 1/0/0 A 10.0.0.5`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DNS {}", self.id)?;
        if self.response {
            if self.rcode != "NoError" {
                write!(f, " {}", self.rcode)?;
            }
            write!(
                f,
                " {}/{}/{}",
                self.answers.len(),
                self.authority_count,
                self.additional_count
            )?;
            for a in &self.answers {
                write!(f, " {a}")?;
            }
        } else {
            if self.recursion_desired {
                f.write_str("+")?;
            }
            for q in &self.questions {
                write!(f, " {}? {}", q.kind, q.name)?;
            }
        }
        Ok(())
    }
}
