//! A TCP flow tracker: per connection, the sequence numbers relative to each side's initial
//! one (as tcpdump prints them), and a narration of the three-way handshake and the close that
//! names which side did what and which side is left in TIME_WAIT.
//!
//! Arrows point from the client (the side that sent the SYN) to the server: `SYN →`,
//! `← SYN-ACK`. A flow seen mid-stream has no known client; its first sender is taken as one.

use std::collections::HashMap;
use std::net::SocketAddr;

use serde::Serialize;

use super::Packet;
use super::ip::flags::{ACK, FIN, RST, SYN};

/// One step of a connection's story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Note {
    /// `handshake`, `close` or `reset`.
    pub phase: &'static str,
    /// `SYN →`, `← ACK`: what went which way.
    pub step: String,
    /// What it means, naming the sides: `client 10.0.0.1:40000 closes first (FIN_WAIT1)`.
    pub text: String,
}

/// Sequence numbers relative to each side's initial sequence number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Relative {
    /// The relative sequence number (none for a SYN or the first packet of a flow seen).
    pub seq: Option<u32>,
    /// The relative acknowledgement number.
    pub ack: Option<u32>,
}

#[derive(Debug, Default)]
struct Flow {
    client: Option<SocketAddr>,
    isn: HashMap<SocketAddr, u32>,
    syn_at: Option<f64>,
    synack_seen: bool,
    established: bool,
    /// The first side to send FIN, and the sequence number after its FIN.
    first_fin: Option<(SocketAddr, u32)>,
    first_fin_acked: bool,
    second_fin: Option<(SocketAddr, u32)>,
    closed: bool,
}

/// Tracks every TCP flow in a capture.
#[derive(Debug, Default)]
pub struct FlowTracker {
    flows: HashMap<(SocketAddr, SocketAddr), Flow>,
}

fn key(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

impl FlowTracker {
    /// A tracker with no flows.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Account for one packet seen at `time` (seconds): its relative sequence numbers and any
    /// step of its connection's story it completes.
    pub fn observe(&mut self, time: f64, packet: &Packet) -> (Relative, Vec<Note>) {
        let (Some(ip), Some(tcp)) = (&packet.ip, &packet.tcp) else {
            return (Relative::default(), Vec::new());
        };
        let src = SocketAddr::new(ip.src, tcp.src_port);
        let dst = SocketAddr::new(ip.dst, tcp.dst_port);
        let is_new = !self.flows.contains_key(&key(src, dst));
        let flow = self.flows.entry(key(src, dst)).or_default();
        let mut notes = Vec::new();
        let bits = tcp.raw_flags;
        let has = |mask: u8| bits & mask == mask;

        // Initial sequence numbers, as tcpdump learns them.
        let mut relative = Relative::default();
        if has(SYN) || is_new {
            flow.isn.insert(src, tcp.seq);
            if let Some(ack) = tcp.ack {
                flow.isn.insert(dst, ack.wrapping_sub(1));
            }
        } else {
            relative.seq = flow.isn.get(&src).map(|isn| tcp.seq.wrapping_sub(*isn));
            relative.ack = tcp
                .ack
                .and_then(|ack| flow.isn.get(&dst).map(|isn| ack.wrapping_sub(*isn)));
        }

        let client = *flow
            .client
            .get_or_insert(if has(SYN) && has(ACK) { dst } else { src });
        let role = |who: SocketAddr| {
            if who == client {
                format!("client {who}")
            } else {
                format!("server {who}")
            }
        };
        let arrow = |word: &str| {
            if src == client {
                format!("{word} →")
            } else {
                format!("← {word}")
            }
        };

        if has(RST) {
            notes.push(Note {
                phase: "reset",
                step: arrow("RST"),
                text: format!("{} resets the connection", role(src)),
            });
            flow.closed = true;
            return (relative, notes);
        }

        // The handshake.
        if has(SYN) && !has(ACK) {
            flow.syn_at = Some(time);
            flow.client = Some(src);
            notes.push(Note {
                phase: "handshake",
                step: "SYN →".to_string(),
                text: format!("1/3 {} asks {} to connect", role(src), role(dst)),
            });
        } else if has(SYN) && has(ACK) {
            flow.synack_seen = true;
            notes.push(Note {
                phase: "handshake",
                step: "← SYN-ACK".to_string(),
                text: format!("2/3 {} accepts", role(src)),
            });
        } else if flow.synack_seen && !flow.established && has(ACK) && src == client {
            flow.established = true;
            let took = flow
                .syn_at
                .map(|t| format!(" in {:.3} ms", (time - t) * 1000.0))
                .unwrap_or_default();
            notes.push(Note {
                phase: "handshake",
                step: "ACK →".to_string(),
                text: format!("3/3 handshake complete{took}: ESTABLISHED"),
            });
        }

        // The close. An ACK of the first FIN can ride on the second FIN: check it first.
        let end_seq = tcp
            .seq
            .wrapping_add(u32::try_from(tcp.payload_len).unwrap_or(u32::MAX))
            .wrapping_add(1);
        let mut acked_now = false;
        if let (Some((closer, after)), Some(ack)) = (flow.first_fin, tcp.ack)
            && !flow.first_fin_acked
            && src != closer
            && ack == after
        {
            flow.first_fin_acked = true;
            acked_now = true;
            if !has(FIN) {
                notes.push(Note {
                    phase: "close",
                    step: arrow("ACK"),
                    text: format!(
                        "{} acknowledges the FIN: {} is in FIN_WAIT2, {} in CLOSE_WAIT",
                        role(src),
                        role(closer),
                        role(src)
                    ),
                });
            }
        }
        if has(FIN) {
            match flow.first_fin {
                None => {
                    flow.first_fin = Some((src, end_seq));
                    notes.push(Note {
                        phase: "close",
                        step: arrow("FIN"),
                        text: format!("{} closes first: FIN_WAIT1", role(src)),
                    });
                }
                Some((closer, _)) if closer != src && flow.second_fin.is_none() => {
                    flow.second_fin = Some((src, end_seq));
                    let how = if acked_now {
                        ", acknowledging the first FIN in the same segment"
                    } else {
                        ""
                    };
                    notes.push(Note {
                        phase: "close",
                        step: arrow("FIN"),
                        text: format!("{} closes too{how}: LAST_ACK", role(src)),
                    });
                }
                _ => {}
            }
        }
        if let (Some((second, after)), Some((first, _)), Some(ack)) =
            (flow.second_fin, flow.first_fin, tcp.ack)
            && !flow.closed
            && src == first
            && second != src
            && ack == after
        {
            flow.closed = true;
            notes.push(Note {
                phase: "close",
                step: arrow("ACK"),
                text: format!(
                    "closed: {} is left in TIME_WAIT, {} is CLOSED",
                    role(first),
                    role(second)
                ),
            });
        }
        (relative, notes)
    }
}
