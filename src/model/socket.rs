//! Sockets as the kernel reports them: TCP states by name, timers, queues, and the counts by
//! state that `nettool sockets` closes with. Pure data; the adapter in `net::linux::sock_diag`
//! fills it in.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;

use crate::model::services::Proto;

/// A socket's state. TCP sockets go through the RFC 793 states; a UDP socket is `Unconn`
/// (bound, no peer) or `Established` (connected to one peer).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SockState {
    /// Data flows both ways (a connected UDP socket too).
    Established,
    /// Our SYN is out, no SYN-ACK yet.
    SynSent,
    /// A SYN came in and our SYN-ACK is out.
    SynRecv,
    /// We closed first: our FIN is out, not yet acknowledged.
    FinWait1,
    /// Our FIN is acknowledged; waiting for the peer's FIN.
    FinWait2,
    /// We closed first and both FINs are acknowledged: waiting 2*MSL before the port is free.
    TimeWait,
    /// A bound UDP socket without a peer (the kernel's CLOSE state).
    Unconn,
    /// The peer closed first; our application has not closed yet.
    CloseWait,
    /// The peer closed first and we have closed too: our FIN awaits its ACK.
    LastAck,
    /// Waiting for connections.
    Listen,
    /// Both sides closed at once.
    Closing,
    /// A state this program does not know.
    Unknown,
}

impl SockState {
    /// The state for the kernel's number (`include/net/tcp_states.h`).
    #[must_use]
    pub fn from_kernel(state: u8) -> Self {
        match state {
            1 => Self::Established,
            2 => Self::SynSent,
            3 => Self::SynRecv,
            4 => Self::FinWait1,
            5 => Self::FinWait2,
            6 => Self::TimeWait,
            7 => Self::Unconn,
            8 => Self::CloseWait,
            9 => Self::LastAck,
            10 => Self::Listen,
            11 => Self::Closing,
            _ => Self::Unknown,
        }
    }

    /// The name as the course and the kernel write it (`TIME_WAIT`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Established => "ESTABLISHED",
            Self::SynSent => "SYN_SENT",
            Self::SynRecv => "SYN_RECV",
            Self::FinWait1 => "FIN_WAIT1",
            Self::FinWait2 => "FIN_WAIT2",
            Self::TimeWait => "TIME_WAIT",
            Self::Unconn => "UNCONN",
            Self::CloseWait => "CLOSE_WAIT",
            Self::LastAck => "LAST_ACK",
            Self::Listen => "LISTEN",
            Self::Closing => "CLOSING",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The name `ss` prints (`TIME-WAIT`, `ESTAB`).
    #[must_use]
    pub fn ss_name(self) -> &'static str {
        match self {
            Self::Established => "ESTAB",
            Self::SynSent => "SYN-SENT",
            Self::SynRecv => "SYN-RECV",
            Self::FinWait1 => "FIN-WAIT-1",
            Self::FinWait2 => "FIN-WAIT-2",
            Self::TimeWait => "TIME-WAIT",
            Self::Unconn => "UNCONN",
            Self::CloseWait => "CLOSE-WAIT",
            Self::LastAck => "LAST-ACK",
            Self::Listen => "LISTEN",
            Self::Closing => "CLOSING",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// Parse a state name as typed: `time_wait`, `TIME-WAIT`, `timewait`, `estab`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let key: String = text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase();
        ALL.iter().copied().find(|s| {
            let name: String = s
                .as_str()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            name == key || s.ss_name().replace('-', "") == key
        })
    }
}

/// Every known state, in the kernel's order.
pub const ALL: [SockState; 11] = [
    SockState::Established,
    SockState::SynSent,
    SockState::SynRecv,
    SockState::FinWait1,
    SockState::FinWait2,
    SockState::TimeWait,
    SockState::Unconn,
    SockState::CloseWait,
    SockState::LastAck,
    SockState::Listen,
    SockState::Closing,
];

/// Which of a TCP socket's timers runs, and when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    /// Retransmission of unacknowledged data or of a SYN.
    Retransmit,
    /// Keep-alive probing of an idle connection.
    Keepalive,
    /// The end of TIME_WAIT, when the port is free again.
    Timewait,
    /// Zero-window probing.
    Probe,
}

/// A running timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Timer {
    /// Which timer.
    pub kind: TimerKind,
    /// Milliseconds until it fires.
    pub expires_ms: u64,
    /// Retransmissions so far (the retransmit timer).
    pub retransmits: u8,
}

impl Timer {
    /// The timer for the kernel's `idiag_timer` code, or `None` when no timer runs.
    #[must_use]
    pub fn from_kernel(code: u8, expires_ms: u32, retransmits: u8) -> Option<Self> {
        let kind = match code {
            1 => TimerKind::Retransmit,
            2 => TimerKind::Keepalive,
            3 => TimerKind::Timewait,
            4 => TimerKind::Probe,
            _ => return None,
        };
        Some(Self {
            kind,
            expires_ms: u64::from(expires_ms),
            retransmits,
        })
    }

    /// `timewait 59s`, `retransmit 200ms (2)`.
    #[must_use]
    pub fn text(&self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            TimerKind::Retransmit => "retransmit",
            TimerKind::Keepalive => "keepalive",
            TimerKind::Timewait => "timewait",
            TimerKind::Probe => "probe",
        };
        let left = Duration::from_millis(self.expires_ms);
        if left >= Duration::from_secs(1) {
            write!(f, "{kind} {}s", left.as_secs())?;
        } else {
            write!(f, "{kind} {}ms", left.as_millis())?;
        }
        if self.kind == TimerKind::Retransmit {
            write!(f, " ({})", self.retransmits)?;
        }
        Ok(())
    }
}

/// One socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SocketRow {
    /// tcp or udp.
    pub proto: Proto,
    /// Its state.
    pub state: SockState,
    /// For a listener: connections waiting in the accept queue; otherwise bytes received and
    /// not yet read.
    pub recv_q: u32,
    /// For a listener: the backlog (the accept queue's limit); otherwise bytes sent and not yet
    /// acknowledged.
    pub send_q: u32,
    /// The local address and port.
    pub local: SocketAddr,
    /// The peer's address and port (`0.0.0.0:0` or `[::]:0` when none).
    pub peer: SocketAddr,
    /// A running timer.
    pub timer: Option<Timer>,
    /// The owner's user id.
    pub uid: u32,
    /// The socket's inode (0 for sockets no process holds, such as TIME_WAIT).
    pub inode: u64,
    /// The owning process's id, where visible.
    pub pid: Option<u32>,
    /// The owning process's command name, where visible.
    pub process: Option<String>,
}

impl SocketRow {
    /// Whether the accept queue of a listener is full.
    #[must_use]
    pub fn accept_queue_full(&self) -> bool {
        self.state == SockState::Listen && self.proto == Proto::Tcp && self.recv_q > self.send_q
    }

    /// Whether a process should be known for this socket (it has an inode) but is not.
    #[must_use]
    pub fn owner_hidden(&self) -> bool {
        self.inode != 0 && self.pid.is_none()
    }
}

/// How many sockets are in each state, in the kernel's order.
#[must_use]
pub fn counts_by_state(rows: &[SocketRow]) -> BTreeMap<SockState, usize> {
    let mut counts = BTreeMap::new();
    for row in rows {
        *counts.entry(row.state).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_numbers_and_names() {
        let names: Vec<&str> = (1..=11)
            .map(|n| SockState::from_kernel(n).as_str())
            .collect();
        assert_eq!(
            names,
            [
                "ESTABLISHED",
                "SYN_SENT",
                "SYN_RECV",
                "FIN_WAIT1",
                "FIN_WAIT2",
                "TIME_WAIT",
                "UNCONN",
                "CLOSE_WAIT",
                "LAST_ACK",
                "LISTEN",
                "CLOSING"
            ]
        );
        assert_eq!(SockState::from_kernel(0), SockState::Unknown);
        assert_eq!(SockState::from_kernel(12), SockState::Unknown);
    }

    #[test]
    fn parse_accepts_every_spelling() {
        for (text, state) in [
            ("time_wait", SockState::TimeWait),
            ("TIME-WAIT", SockState::TimeWait),
            ("timewait", SockState::TimeWait),
            ("estab", SockState::Established),
            ("established", SockState::Established),
            ("fin-wait-1", SockState::FinWait1),
            ("FIN_WAIT2", SockState::FinWait2),
            ("listen", SockState::Listen),
        ] {
            assert_eq!(SockState::parse(text), Some(state), "{text}");
        }
        assert_eq!(SockState::parse("open"), None);
        assert_eq!(SockState::parse(""), None);
    }

    #[test]
    fn timers() {
        assert_eq!(Timer::from_kernel(0, 5, 0), None);
        let tw = Timer::from_kernel(3, 59_400, 0).unwrap();
        assert_eq!(tw.text(), "timewait 59s");
        let rt = Timer::from_kernel(1, 200, 2).unwrap();
        assert_eq!(rt.text(), "retransmit 200ms (2)");
    }

    fn row(state: SockState, recv_q: u32, send_q: u32, inode: u64) -> SocketRow {
        SocketRow {
            proto: Proto::Tcp,
            state,
            recv_q,
            send_q,
            local: "127.0.0.1:1".parse().unwrap(),
            peer: "0.0.0.0:0".parse().unwrap(),
            timer: None,
            uid: 0,
            inode,
            pid: None,
            process: None,
        }
    }

    #[test]
    fn accept_queue_full_is_more_waiting_than_the_backlog() {
        assert!(row(SockState::Listen, 2, 1, 5).accept_queue_full());
        assert!(!row(SockState::Listen, 1, 1, 5).accept_queue_full());
        assert!(!row(SockState::Established, 9, 1, 5).accept_queue_full());
    }

    #[test]
    fn counts_in_kernel_order() {
        let rows = [
            row(SockState::Listen, 0, 0, 1),
            row(SockState::TimeWait, 0, 0, 0),
            row(SockState::TimeWait, 0, 0, 0),
            row(SockState::Established, 0, 0, 2),
        ];
        let counts: Vec<(SockState, usize)> = counts_by_state(&rows).into_iter().collect();
        assert_eq!(
            counts,
            [
                (SockState::Established, 1),
                (SockState::TimeWait, 2),
                (SockState::Listen, 1)
            ]
        );
        assert!(!rows[1].owner_hidden());
        assert!(rows[0].owner_hidden());
    }
}
