//! The ICMP echo prober: one [`IcmpSocket`] per address family in use, behind [`ProbeSocket`].
//! Raw sockets vouch for the identifier of what they receive; datagram sockets do not (the
//! kernel rewrites it and delivers only our own replies), so theirs is left unchecked.

use std::io;
use std::net::IpAddr;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::model::address::ScopedAddr;
use crate::net::icmp::{IcmpSocket, Incoming, SocketOptions};
use crate::net::privilege::Method;

use super::{Answer, Probe, ProbeSocket, Quoted, Received};

/// ICMP echo requests over IPv4 and IPv6 sockets.
pub struct IcmpProber {
    v4: Option<IcmpSocket>,
    v6: Option<IcmpSocket>,
    buf: Vec<u8>,
}

impl IcmpProber {
    /// Open a socket for each family among `dests` (raw, else datagram), in the order the
    /// families first appear. Must be called inside a tokio runtime.
    pub fn open(
        dests: impl IntoIterator<Item = IpAddr>,
        options: &SocketOptions,
        payload_size: usize,
    ) -> Result<Self> {
        let mut prober = Self {
            v4: None,
            v6: None,
            // Room for the largest packet, not only for our own size: a reply that carries more
            // than was sent is still an answer, and must not be cut short.
            buf: vec![0; payload_size.max(65_536) + 1024],
        };
        for dest in dests {
            let slot = if dest.is_ipv6() {
                &mut prober.v6
            } else {
                &mut prober.v4
            };
            if slot.is_none() {
                *slot = Some(IcmpSocket::open(dest.is_ipv6(), options)?);
            }
        }
        Ok(prober)
    }

    /// The method of the socket for each family opened (`false`: IPv4).
    pub fn methods(&self) -> impl Iterator<Item = (bool, Method)> + '_ {
        [&self.v4, &self.v6]
            .into_iter()
            .flatten()
            .map(|s| (s.is_v6(), s.method()))
    }

    fn socket_for(&mut self, dest: IpAddr) -> Option<&mut IcmpSocket> {
        if dest.is_ipv6() {
            self.v6.as_mut()
        } else {
            self.v4.as_mut()
        }
    }

    fn recv_from(socket: &IcmpSocket, buf: &mut [u8]) -> Result<Option<Received>> {
        let got = socket
            .try_recv(buf)
            .map_err(|e| Error::io("receive ICMP", e))?;
        let at = Instant::now();
        let Some(incoming) = got else {
            return Ok(None);
        };
        let vouched = |ident: u16| socket.checks_ident().then_some(ident);
        let what = match incoming {
            None => Answer::Other,
            Some(Incoming::Reply {
                from,
                ident,
                seq,
                ttl,
                bytes,
                data,
            }) => Answer::Reply {
                from,
                ident: vouched(ident),
                seq,
                ttl,
                bytes,
                data,
                state: None,
            },
            Some(Incoming::Error {
                from,
                dest,
                ident,
                seq,
                icmp_type,
                icmp_code,
            }) => Answer::IcmpError {
                from,
                quoted: Quoted {
                    dest,
                    ident: vouched(ident),
                    seq,
                },
                icmp_type,
                icmp_code,
            },
            Some(Incoming::Corrupt { from }) => Answer::Corrupt { from },
        };
        Ok(Some(Received { at, what }))
    }
}

impl ProbeSocket for IcmpProber {
    fn send(&mut self, probe: &Probe<'_>) -> io::Result<()> {
        let Some(socket) = self.socket_for(probe.dest) else {
            return Err(io::Error::from(io::ErrorKind::Unsupported));
        };
        let dest = ScopedAddr {
            scope_id: probe.scope_id,
            ..probe.dest.into()
        };
        socket.send_echo(&dest, probe.seq, probe.ttl, probe.payload)
    }

    fn try_recv(&mut self) -> Result<Option<Received>> {
        for socket in [&self.v4, &self.v6].into_iter().flatten() {
            if let Some(r) = Self::recv_from(socket, &mut self.buf)? {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    async fn readable(&mut self) -> Result<()> {
        let ready = match (&self.v4, &self.v6) {
            (Some(a), Some(b)) => tokio::select! {
                r = a.readable() => r,
                r = b.readable() => r,
            },
            (Some(s), None) | (None, Some(s)) => s.readable().await,
            (None, None) => std::future::pending().await,
        };
        ready.map_err(|e| Error::io("wait for replies", e))
    }

    fn ident(&self) -> u16 {
        [&self.v4, &self.v6]
            .into_iter()
            .flatten()
            .next()
            .map_or(0, IcmpSocket::ident)
    }

    fn method(&self, dest: IpAddr) -> Method {
        let socket = if dest.is_ipv6() { &self.v6 } else { &self.v4 };
        socket.as_ref().map_or(Method::Raw, IcmpSocket::method)
    }
}
