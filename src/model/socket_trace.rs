//! The words `--trace` narrates socket calls with, as the course teaches them: one
//! [`SocketCall`] per call (`accept() = fd 4 from 127.0.0.1:53422`), with the TCP state the
//! kernel reported right after it. No I/O here; the state is read by `net::tcp::state`.

use serde::Serialize;

/// A TCP connection's state, as `ss -tan` and the course name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpState {
    /// Listening for connections.
    Listen,
    /// Our SYN was sent; waiting for the peer's SYN-ACK.
    SynSent,
    /// The peer's SYN came; our SYN-ACK was sent.
    SynRecv,
    /// The three-way handshake is done: data flows both ways.
    Established,
    /// Our FIN was sent, not yet acknowledged.
    FinWait1,
    /// Our FIN was acknowledged; waiting for the peer's FIN.
    FinWait2,
    /// Both FINs were exchanged and we closed first: the port waits 2 MSL.
    TimeWait,
    /// The peer's FIN came; we have not closed yet.
    CloseWait,
    /// The peer closed first, then we sent our FIN: waiting for its ACK.
    LastAck,
    /// Both sides sent FIN at once.
    Closing,
    /// No connection (a new socket, or after the end).
    Close,
}

impl TcpState {
    /// The name `ss -tan` shows (`ESTAB`, `TIME-WAIT`, ...).
    #[must_use]
    pub fn ss_name(self) -> &'static str {
        match self {
            Self::Listen => "LISTEN",
            Self::SynSent => "SYN-SENT",
            Self::SynRecv => "SYN-RECV",
            Self::Established => "ESTAB",
            Self::FinWait1 => "FIN-WAIT-1",
            Self::FinWait2 => "FIN-WAIT-2",
            Self::TimeWait => "TIME-WAIT",
            Self::CloseWait => "CLOSE-WAIT",
            Self::LastAck => "LAST-ACK",
            Self::Closing => "CLOSING",
            Self::Close => "UNCONN",
        }
    }

    /// The name the course uses (`ESTABLISHED`, `TIME_WAIT`, ...).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Listen => "LISTEN",
            Self::SynSent => "SYN_SENT",
            Self::SynRecv => "SYN_RECV",
            Self::Established => "ESTABLISHED",
            Self::FinWait1 => "FIN_WAIT1",
            Self::FinWait2 => "FIN_WAIT2",
            Self::TimeWait => "TIME_WAIT",
            Self::CloseWait => "CLOSE_WAIT",
            Self::LastAck => "LAST_ACK",
            Self::Closing => "CLOSING",
            Self::Close => "CLOSED",
        }
    }
}

impl Serialize for TcpState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

crate::string_schema!(
    TcpState,
    "A TCP state as ss names it: `ESTABLISHED`, `TIME_WAIT`, ..."
);

/// One socket call as narrated: `recv(65536) = 12 bytes`, and the state right after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SocketCall {
    /// The call and its result, in the course's words.
    pub call: String,
    /// The TCP state after the call (TCP only; absent when it cannot be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<TcpState>,
    /// The client whose connection the call was on, where a server talks with many at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
}

impl SocketCall {
    /// A call with no state (UDP, or after close()).
    #[must_use]
    pub fn new(call: impl Into<String>) -> Self {
        Self::with_state(call, None)
    }

    /// A call and the state after it.
    #[must_use]
    pub fn with_state(call: impl Into<String>, state: Option<TcpState>) -> Self {
        Self {
            call: call.into(),
            state,
            peer: None,
        }
    }

    /// `recv(SIZE) = N bytes`: a read of up to `size` bytes brought `n`.
    #[must_use]
    pub fn recv(size: usize, n: usize, state: Option<TcpState>) -> Self {
        Self::with_state(format!("recv({size}) = {n} bytes"), state)
    }

    /// `send(N) = N bytes`: `n` bytes handed to the kernel.
    #[must_use]
    pub fn send(n: usize, state: Option<TcpState>) -> Self {
        Self::with_state(format!("send({n}) = {n} bytes"), state)
    }

    /// `recv() = 0`: the peer's FIN; when our FIN went first, the kernel keeps the connection
    /// in TIME_WAIT (Linux moves it to a separate entry, which `ss` shows, and reports this
    /// socket as closed).
    #[must_use]
    pub fn peer_fin(we_closed_first: bool, state: Option<TcpState>) -> Self {
        let call = if we_closed_first {
            "recv() = 0: the peer sent FIN; we closed first, so the kernel keeps the connection \
             in TIME_WAIT for 60 s"
        } else {
            "recv() = 0: the peer sent FIN"
        };
        Self::with_state(call, state)
    }

    /// `shutdown(SHUT_WR)`: our FIN.
    #[must_use]
    pub fn our_fin(state: Option<TcpState>) -> Self {
        Self::with_state("shutdown(SHUT_WR): our FIN", state)
    }

    /// `close()`: the descriptor is given back.
    #[must_use]
    pub fn close() -> Self {
        Self::new("close()")
    }

    /// The same call, said to be on the connection with `peer`.
    #[must_use]
    pub fn on(mut self, peer: impl std::fmt::Display) -> Self {
        self.peer = Some(peer.to_string());
        self
    }
}

impl std::fmt::Display for SocketCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("trace: ")?;
        if let Some(peer) = &self.peer {
            write!(f, "{peer}: ")?;
        }
        f.write_str(&self.call)?;
        if let Some(state) = self.state {
            write!(f, "  [{}]", state.name())?;
        }
        Ok(())
    }
}

/// `AF_INET` or `AF_INET6`, for `socket(...)` lines.
#[must_use]
pub fn family_name(v6: bool) -> &'static str {
    if v6 { "AF_INET6" } else { "AF_INET" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_calls() {
        let call = SocketCall::with_state("listen(backlog 5)", Some(TcpState::Listen));
        assert_eq!(call.to_string(), "trace: listen(backlog 5)  [LISTEN]");
        let json = serde_json::to_value(&call).unwrap();
        assert_eq!(json["state"], "LISTEN");
        let call = SocketCall::with_state("x", Some(TcpState::TimeWait));
        assert_eq!(serde_json::to_value(&call).unwrap()["state"], "TIME_WAIT");
        assert_eq!(TcpState::TimeWait.ss_name(), "TIME-WAIT");
        assert_eq!(SocketCall::new("close()").to_string(), "trace: close()");
        assert!(
            serde_json::to_value(SocketCall::new("c"))
                .unwrap()
                .get("state")
                .is_none()
        );
        let call = SocketCall::recv(65536, 12, Some(TcpState::Established)).on("127.0.0.1:5000");
        assert_eq!(
            call.to_string(),
            "trace: 127.0.0.1:5000: recv(65536) = 12 bytes  [ESTABLISHED]"
        );
        assert_eq!(
            serde_json::to_value(&call).unwrap()["peer"],
            "127.0.0.1:5000"
        );
        assert_eq!(SocketCall::send(3, None).call, "send(3) = 3 bytes");
        assert_eq!(SocketCall::our_fin(None).call, "shutdown(SHUT_WR): our FIN");
        assert_eq!(
            SocketCall::peer_fin(false, None).call,
            "recv() = 0: the peer sent FIN"
        );
        assert!(
            SocketCall::peer_fin(true, None)
                .call
                .ends_with("TIME_WAIT for 60 s")
        );
    }
}
