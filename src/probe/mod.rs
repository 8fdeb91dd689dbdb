//! The probe engine: send probes to targets on a schedule, match what comes back to the probe
//! it answers, and emit typed [`Event`]s. It never prints; `ping` renders the events, and the
//! path and port commands can drive the same engine with a TTL or a flow id per probe.
//!
//! A reader starts at [`engine`]: [`Engine`] is the state machine (pacing, the in-flight window,
//! duplicates, late replies, expiry, loss accounting, identifier and sequence checks) and
//! [`driver::run`] drives it on tokio. The sockets sit behind [`ProbeSocket`], so the state
//! machine runs in unit tests with a fake socket and a fake [`Clock`], without root. The real
//! sockets are [`icmp::IcmpProber`] (echo requests) and [`tcp::TcpProber`] (handshakes).
//! [`event`] holds the events, which are also the JSON stream, field for field.
//! Beside it, three engines with their own state: [`trace`] (a TTL per probe, hop by hop),
//! [`scan`] (a handshake per port, millions of probes) and [`sweep`] (one address range in
//! address order, in flat memory).

pub mod driver;
pub mod engine;
pub mod event;
pub mod icmp;
pub mod scan;
pub mod sweep;
pub mod tcp;
pub mod trace;

#[cfg(test)]
mod tests;

use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::time::Instant;

pub use engine::{Clock, Engine, Schedule, SystemClock, Target};
pub use event::{Event, Summary, TcpState};

use crate::error::Result;
use crate::net::privilege::Method;

pub use crate::net::icmp::EchoData;

/// One probe to send, as the engine describes it to a socket.
#[derive(Debug, Clone, Copy)]
pub struct Probe<'a> {
    /// Where it goes.
    pub dest: IpAddr,
    /// The interface index of an IPv6 zone (`sin6_scope_id`); 0: none.
    pub scope_id: u32,
    /// Its sequence number (ICMP echo sequence; for TCP only the engine's own count).
    pub seq: u16,
    /// TTL (IPv4) or hop limit (IPv6) for this probe alone; `None`: the socket's.
    pub ttl: Option<u8>,
    /// A source port (TCP, UDP) or flow id that this probe must carry; `None`: any.
    pub flow: Option<u16>,
    /// The payload (ICMP echo data).
    pub payload: &'a [u8],
}

/// Something a socket took off the wire, stamped with the moment it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// When it was received (the end of the round trip).
    pub at: Instant,
    /// What it was.
    pub what: Answer,
}

/// What came back, before the engine matched it to a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An answer to a probe: an echo reply, or a completed or refused handshake.
    Reply {
        /// Who answered.
        from: IpAddr,
        /// The identifier it carries; `None` when the socket cannot tell (the kernel owns it on
        /// datagram sockets and delivers only ours).
        ident: Option<u16>,
        /// The sequence number of the probe it answers.
        seq: u16,
        /// The TTL or hop limit it arrived with, when known.
        ttl: Option<u8>,
        /// ICMP message length; 0 for TCP.
        bytes: usize,
        /// ICMP: how its payload compares with the probe's (TCP: intact).
        data: EchoData,
        /// TCP only: whether the port accepted or refused.
        state: Option<TcpState>,
    },
    /// An ICMP error (unreachable, time exceeded) quoting one of the probes.
    IcmpError {
        /// The router or host that reported it.
        from: IpAddr,
        /// The probe the error quotes.
        quoted: Quoted,
        /// ICMP type.
        icmp_type: u8,
        /// ICMP code.
        icmp_code: u8,
    },
    /// A probe that failed locally (a TCP connect that ended in an error other than a reset).
    Failed {
        /// The probe's destination.
        dest: IpAddr,
        /// The probe's sequence number.
        seq: u16,
        /// What went wrong, in words.
        reason: String,
    },
    /// An answer that failed its checksum: never counted.
    Corrupt {
        /// Who sent it.
        from: IpAddr,
    },
    /// Something that concerns none of our probes.
    Other,
}

/// The probe an ICMP error quotes: enough of the original to find it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted {
    /// The destination of the quoted probe.
    pub dest: IpAddr,
    /// Its identifier, when the socket can vouch for it (as in [`Answer::Reply`]).
    pub ident: Option<u16>,
    /// Its sequence number.
    pub seq: u16,
}

/// The socket side of a prober: send a probe, take what came back, wait until something did.
pub trait ProbeSocket {
    /// Send one probe without waiting. `WouldBlock` means "try again on the next turn".
    fn send(&mut self, probe: &Probe<'_>) -> io::Result<()>;
    /// Take one received item without waiting; `Ok(None)` when nothing is queued.
    fn try_recv(&mut self) -> Result<Option<Received>>;
    /// Wait until [`ProbeSocket::try_recv`] may have something.
    fn readable(&mut self) -> impl Future<Output = Result<()>>;
    /// The identifier our probes carry, checked against the `ident` of an [`Answer::Reply`].
    fn ident(&self) -> u16;
    /// How probes to `dest` are sent (shown in the summary).
    fn method(&self, dest: IpAddr) -> Method;
}
