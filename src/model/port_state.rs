//! What a port scan concludes about one port, and the evidence for it. The rules are the ones
//! nmap documents, so the two tools agree on the same ports:
//!
//! * TCP: a completed handshake or a SYN-ACK is `open`; a RST is `closed`; no answer after
//!   every try, or an ICMP unreachable of code 0, 1, 2, 3, 9, 10 or 13, is `filtered`.
//! * UDP: any UDP answer is `open`; ICMP port unreachable is `closed`; another unreachable code
//!   is `filtered`; nothing at all is `open|filtered` (a UDP service may ignore a probe it does
//!   not understand, so silence proves nothing).

use serde::Serialize;

/// The state of one port.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub enum PortState {
    /// Something accepts connections or answers datagrams.
    #[serde(rename = "open")]
    Open,
    /// The host answered that nothing listens there.
    #[serde(rename = "closed")]
    Closed,
    /// Nothing answered, or a router or firewall said the port cannot be reached.
    #[serde(rename = "filtered")]
    Filtered,
    /// UDP only: nothing came back, which an open service and a firewall look alike in.
    #[serde(rename = "open|filtered")]
    OpenFiltered,
}

impl PortState {
    /// The state's name as printed (`open|filtered`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Filtered => "filtered",
            Self::OpenFiltered => "open|filtered",
        }
    }

    /// Whether a port in this state counts as a "yes" (exit 0).
    #[must_use]
    pub fn is_open(self) -> bool {
        self == Self::Open
    }
}

impl std::fmt::Display for PortState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a port got its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// A TCP connection was established (connect scan).
    Handshake,
    /// A SYN-ACK answered our SYN (SYN scan).
    SynAck,
    /// A RST answered.
    Rst,
    /// The connection was refused (connect scan): a RST, or an ICMP port unreachable, which
    /// the kernel reports alike.
    Refused,
    /// A UDP datagram answered.
    UdpReply,
    /// An ICMP destination unreachable answered (type and code in [`Verdict`]).
    IcmpUnreachable,
    /// Nothing answered any try.
    NoAnswer,
    /// This host could not send the probe: no route, or its own firewall refused it.
    NoRoute,
}

impl Evidence {
    /// The reason as JSON names it (`syn-ack`, `no-answer`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Handshake => "handshake",
            Self::SynAck => "syn-ack",
            Self::Rst => "rst",
            Self::Refused => "refused",
            Self::UdpReply => "udp-reply",
            Self::IcmpUnreachable => "icmp-unreachable",
            Self::NoAnswer => "no-answer",
            Self::NoRoute => "no-route",
        }
    }
}

/// An ICMP or ICMPv6 error about a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IcmpError {
    /// Whether it is ICMPv6.
    #[serde(skip)]
    pub v6: bool,
    /// The ICMP type (3 unreachable for IPv4, 1 for IPv6).
    #[serde(rename = "icmp_type")]
    pub kind: u8,
    /// The ICMP code.
    #[serde(rename = "icmp_code")]
    pub code: u8,
}

impl IcmpError {
    /// Whether this is a destination-unreachable message.
    #[must_use]
    pub fn is_unreachable(self) -> bool {
        self.kind == if self.v6 { 1 } else { 3 }
    }

    /// Whether this is "port unreachable" (ICMP 3/3, ICMPv6 1/4).
    #[must_use]
    pub fn is_port_unreachable(self) -> bool {
        self.is_unreachable() && self.code == if self.v6 { 4 } else { 3 }
    }

    /// Whether the unreachable code means "filtered": for IPv4 codes 0, 1, 2, 3, 9, 10, 13;
    /// for IPv6 every destination-unreachable code.
    #[must_use]
    pub fn means_filtered(self) -> bool {
        self.is_unreachable() && (self.v6 || matches!(self.code, 0..=3 | 9 | 10 | 13))
    }
}

/// The answer to one probe (or the lack of one), as a prober reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A TCP handshake completed (connect).
    Connected,
    /// A SYN-ACK (SYN scan).
    SynAck,
    /// A RST.
    Reset,
    /// A connect refused: a RST or an ICMP port unreachable (the kernel does not say which).
    Refused,
    /// A connect failed on an ICMP unreachable whose type and code the kernel kept to itself
    /// (host or network unreachable, prohibited).
    Unreachable,
    /// A UDP datagram came back.
    Datagram,
    /// An ICMP error quoting the probe.
    Icmp(IcmpError),
    /// Every try went unanswered.
    Silence,
    /// The probe could not leave this host (no route, or a local firewall refused it).
    NoRoute,
}

/// A port's state with its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The state.
    pub state: PortState,
    /// Why.
    pub evidence: Evidence,
    /// The ICMP error, when that was the evidence.
    pub icmp: Option<IcmpError>,
}

/// The verdict for an answer to a TCP probe. `None`: the answer decides nothing (an ICMP
/// message that is not an unreachable code nmap counts, such as "fragmentation needed"), so
/// the probe should be tried again or time out.
#[must_use]
pub fn judge_tcp(answer: Answer) -> Option<Verdict> {
    let (state, evidence, icmp) = match answer {
        Answer::Connected => (PortState::Open, Evidence::Handshake, None),
        Answer::SynAck => (PortState::Open, Evidence::SynAck, None),
        Answer::Reset => (PortState::Closed, Evidence::Rst, None),
        Answer::Refused => (PortState::Closed, Evidence::Refused, None),
        Answer::Icmp(e) if e.means_filtered() => {
            (PortState::Filtered, Evidence::IcmpUnreachable, Some(e))
        }
        Answer::Unreachable => (PortState::Filtered, Evidence::IcmpUnreachable, None),
        Answer::Silence => (PortState::Filtered, Evidence::NoAnswer, None),
        Answer::NoRoute => (PortState::Filtered, Evidence::NoRoute, None),
        Answer::Icmp(_) | Answer::Datagram => return None,
    };
    Some(Verdict {
        state,
        evidence,
        icmp,
    })
}

/// The verdict for an answer to a UDP probe; `None` as for [`judge_tcp`].
#[must_use]
pub fn judge_udp(answer: Answer) -> Option<Verdict> {
    let (state, evidence, icmp) = match answer {
        Answer::Datagram => (PortState::Open, Evidence::UdpReply, None),
        Answer::Icmp(e) if e.is_port_unreachable() => {
            (PortState::Closed, Evidence::IcmpUnreachable, Some(e))
        }
        Answer::Icmp(e) if e.means_filtered() => {
            (PortState::Filtered, Evidence::IcmpUnreachable, Some(e))
        }
        Answer::Silence => (PortState::OpenFiltered, Evidence::NoAnswer, None),
        Answer::NoRoute => (PortState::Filtered, Evidence::NoRoute, None),
        Answer::Icmp(_)
        | Answer::Connected
        | Answer::SynAck
        | Answer::Reset
        | Answer::Refused
        | Answer::Unreachable => return None,
    };
    Some(Verdict {
        state,
        evidence,
        icmp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn icmp(v6: bool, kind: u8, code: u8) -> Answer {
        Answer::Icmp(IcmpError { v6, kind, code })
    }

    #[test]
    fn tcp_rules() {
        let cases: &[(Answer, Option<(PortState, Evidence)>)] = &[
            (
                Answer::Connected,
                Some((PortState::Open, Evidence::Handshake)),
            ),
            (Answer::SynAck, Some((PortState::Open, Evidence::SynAck))),
            (Answer::Reset, Some((PortState::Closed, Evidence::Rst))),
            (
                Answer::Refused,
                Some((PortState::Closed, Evidence::Refused)),
            ),
            (
                Answer::Unreachable,
                Some((PortState::Filtered, Evidence::IcmpUnreachable)),
            ),
            (
                Answer::Silence,
                Some((PortState::Filtered, Evidence::NoAnswer)),
            ),
            (
                Answer::NoRoute,
                Some((PortState::Filtered, Evidence::NoRoute)),
            ),
            (
                icmp(false, 3, 13),
                Some((PortState::Filtered, Evidence::IcmpUnreachable)),
            ),
            (
                icmp(false, 3, 1),
                Some((PortState::Filtered, Evidence::IcmpUnreachable)),
            ),
            (
                icmp(false, 3, 3),
                Some((PortState::Filtered, Evidence::IcmpUnreachable)),
            ),
            (
                icmp(true, 1, 4),
                Some((PortState::Filtered, Evidence::IcmpUnreachable)),
            ),
            (icmp(false, 3, 4), None),
            (icmp(false, 11, 0), None),
            (Answer::Datagram, None),
        ];
        for (answer, want) in cases {
            let got = judge_tcp(*answer).map(|v| (v.state, v.evidence));
            assert_eq!(got, *want, "{answer:?}");
        }
    }

    #[test]
    fn udp_rules() {
        let cases: &[(Answer, Option<(PortState, Evidence)>)] = &[
            (
                Answer::Datagram,
                Some((PortState::Open, Evidence::UdpReply)),
            ),
            (
                icmp(false, 3, 3),
                Some((PortState::Closed, Evidence::IcmpUnreachable)),
            ),
            (
                icmp(true, 1, 4),
                Some((PortState::Closed, Evidence::IcmpUnreachable)),
            ),
            (
                icmp(false, 3, 10),
                Some((PortState::Filtered, Evidence::IcmpUnreachable)),
            ),
            (
                icmp(true, 1, 1),
                Some((PortState::Filtered, Evidence::IcmpUnreachable)),
            ),
            (
                Answer::Silence,
                Some((PortState::OpenFiltered, Evidence::NoAnswer)),
            ),
            (
                Answer::NoRoute,
                Some((PortState::Filtered, Evidence::NoRoute)),
            ),
            (icmp(false, 3, 5), None),
            (Answer::Reset, None),
            (Answer::Refused, None),
            (Answer::Unreachable, None),
        ];
        for (answer, want) in cases {
            let got = judge_udp(*answer).map(|v| (v.state, v.evidence));
            assert_eq!(got, *want, "{answer:?}");
        }
        let v = judge_udp(icmp(false, 3, 3)).unwrap();
        assert_eq!(
            v.icmp,
            Some(IcmpError {
                v6: false,
                kind: 3,
                code: 3
            })
        );
    }

    #[test]
    fn names() {
        assert_eq!(PortState::OpenFiltered.to_string(), "open|filtered");
        assert_eq!(
            serde_json::to_string(&PortState::OpenFiltered).unwrap(),
            "\"open|filtered\""
        );
        assert_eq!(
            serde_json::to_string(&Evidence::SynAck).unwrap(),
            "\"syn-ack\""
        );
        assert_eq!(Evidence::NoAnswer.as_str(), "no-answer");
        assert!(PortState::Open.is_open() && !PortState::OpenFiltered.is_open());
    }
}
