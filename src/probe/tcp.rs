//! The TCP handshake prober: each probe is a non-blocking connect, started (the SYN sent) in
//! [`ProbeSocket::send`] and finished in a task that notes when the handshake completed. A
//! completed handshake is `open`, a reset `closed`: both prove the host is up and count as a
//! reply. No answer within the wait is left to the engine's expiry; any other error fails the
//! probe. Needs no privilege.

use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use tokio::task::JoinSet;

use crate::error::{Error, Result};
use crate::model::address::ScopedAddr;
use crate::net::privilege::Method;

use super::{Answer, EchoData, Probe, ProbeSocket, Received, TcpState};

/// TCP connects to one port of every target.
pub struct TcpProber {
    port: u16,
    source: Option<IpAddr>,
    wait: Duration,
    running: JoinSet<Received>,
    done: VecDeque<Received>,
}

impl TcpProber {
    /// Probe `port`, from `source` when given; a connect is abandoned after `wait`.
    #[must_use]
    pub fn new(port: u16, source: Option<IpAddr>, wait: Duration) -> Self {
        Self {
            port,
            source,
            wait,
            running: JoinSet::new(),
            done: VecDeque::new(),
        }
    }

    /// Open a socket and send the SYN; the error text when that fails.
    fn start(&self, probe: &Probe<'_>) -> std::result::Result<tokio::net::TcpStream, Answer> {
        let dest = ScopedAddr {
            scope_id: probe.scope_id,
            ..probe.dest.into()
        }
        .socket_addr(self.port);
        let failed = |reason: String| Answer::Failed {
            dest: probe.dest,
            seq: probe.seq,
            reason,
        };
        let socket = Socket::new(Domain::for_address(dest), Type::STREAM, Some(Protocol::TCP))
            .map_err(|e| failed(Error::io("socket", e).to_string()))?;
        socket
            .set_nonblocking(true)
            .map_err(|e| failed(Error::io("socket", e).to_string()))?;
        if self.source.is_some() || probe.flow.is_some() {
            let ip = self.source.unwrap_or(if dest.is_ipv6() {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            } else {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            });
            let local = SocketAddr::new(ip, probe.flow.unwrap_or(0));
            let shown = if probe.flow.is_some() {
                local.to_string()
            } else {
                ip.to_string()
            };
            socket
                .bind(&SockAddr::from(local))
                .map_err(|e| failed(Error::io(format!("bind {shown}"), e).to_string()))?;
        }
        if let Some(ttl) = probe.ttl.map(u32::from) {
            // Best effort, as the system default is a fine fallback for a reachability probe.
            let _ = if dest.is_ipv6() {
                socket.set_unicast_hops_v6(ttl)
            } else {
                socket.set_ttl_v4(ttl)
            };
        }
        match socket.connect(&SockAddr::from(dest)) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(judge(probe.dest, probe.seq, &e)),
        }
        tokio::net::TcpStream::from_std(std::net::TcpStream::from(socket))
            .map_err(|e| failed(Error::io("register socket", e).to_string()))
    }
}

/// Wait for the handshake to end, up to `wait`; stamped when it did.
async fn handshake(
    stream: tokio::net::TcpStream,
    dest: IpAddr,
    seq: u16,
    wait: Duration,
) -> Received {
    let ready = tokio::time::timeout(wait, stream.writable()).await;
    let at = Instant::now();
    let what = match ready {
        Err(_) => Answer::Other,
        Ok(Err(e)) => judge(dest, seq, &e),
        Ok(Ok(())) => match stream.take_error() {
            Ok(Some(e)) | Err(e) => judge(dest, seq, &e),
            Ok(None) => match stream.peer_addr() {
                Ok(_) => reply(dest, seq, TcpState::Open),
                Err(e) => judge(dest, seq, &e),
            },
        },
    };
    Received { at, what }
}

fn reply(dest: IpAddr, seq: u16, state: TcpState) -> Answer {
    Answer::Reply {
        from: dest,
        ident: None,
        seq,
        ttl: None,
        bytes: 0,
        data: EchoData::Intact,
        state: Some(state),
    }
}

/// What a connect error says about the host: a reset proves it up; the kernel giving up is
/// the same as silence; anything else fails the probe.
fn judge(dest: IpAddr, seq: u16, err: &io::Error) -> Answer {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => reply(dest, seq, TcpState::Closed),
        io::ErrorKind::TimedOut => Answer::Other,
        // No way to the host: that says nothing about the port, so it is not "closed".
        io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => Answer::Failed {
            dest,
            seq,
            reason: "unreachable (no route)".into(),
        },
        _ => Answer::Failed {
            dest,
            seq,
            reason: reason(err),
        },
    }
}

/// An error in the project's words, without the operation in front.
fn reason(err: &io::Error) -> String {
    let copy = match err.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(err.kind(), err.to_string()),
    };
    Error::io("x", copy)
        .to_string()
        .trim_start_matches("x: ")
        .to_string()
}

impl ProbeSocket for TcpProber {
    fn send(&mut self, probe: &Probe<'_>) -> io::Result<()> {
        match self.start(probe) {
            Ok(stream) => {
                let (dest, seq, wait) = (probe.dest, probe.seq, self.wait);
                self.running.spawn(handshake(stream, dest, seq, wait));
            }
            Err(what) => self.done.push_back(Received {
                at: Instant::now(),
                what,
            }),
        }
        Ok(())
    }

    fn try_recv(&mut self) -> Result<Option<Received>> {
        if let Some(r) = self.done.pop_front() {
            return Ok(Some(r));
        }
        while let Some(joined) = self.running.try_join_next() {
            if let Ok(r) = joined {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    async fn readable(&mut self) -> Result<()> {
        if !self.done.is_empty() {
            return Ok(());
        }
        match self.running.join_next().await {
            Some(Ok(r)) => self.done.push_back(r),
            Some(Err(_)) => {}
            None => std::future::pending().await,
        }
        Ok(())
    }

    fn ident(&self) -> u16 {
        0
    }

    fn method(&self, _dest: IpAddr) -> Method {
        Method::Tcp
    }
}
