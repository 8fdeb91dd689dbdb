//! The raw ICMP sockets of a run, shared by all its traces.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io;
use std::net::IpAddr;
use std::rc::Rc;

use socket2::{Socket, Type};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::sync::Notify;

use super::socket::{Source, TraceSockets, apply_source, domain, icmp_protocol, io_err, register};
use crate::error::Result;
use crate::net::linux::filter::Keep;

/// The raw ICMP sockets of a run, one per address family, shared by all its traces. The kernel
/// hands every ICMP packet to every raw ICMP socket: with a socket per trace, each answer would
/// be copied and filtered once per trace. Here each packet is read once and queued for the
/// traces whose [`Keep`] it matches (the test their own socket's filter would make), which are
/// woken; whichever trace reads the socket sorts what it finds.
#[derive(Clone, Default)]
pub struct IcmpHub {
    families: Rc<RefCell<[Option<Rc<Family>>; 2]>>,
}

/// One family's shared socket and the traces reading it.
struct Family {
    v6: bool,
    socket: Rc<AsyncFd<Socket>>,
    slots: RefCell<Vec<SlotState>>,
}

/// What one trace keeps of the shared socket, and what is queued for it; `None` once the trace
/// is over.
struct SlotState {
    keep: Option<Keep>,
    queue: VecDeque<(Vec<u8>, IpAddr)>,
    wake: Rc<Notify>,
}

/// One trace's share of an [`IcmpHub`] socket.
pub(super) struct Slot {
    family: Rc<Family>,
    index: usize,
    wake: Rc<Notify>,
}

impl IcmpHub {
    /// This family's shared socket, opened on first use (with `-I` applied); the inner error
    /// when a raw socket is refused.
    fn family(&self, v6: bool, source: &Source) -> Result<io::Result<Rc<Family>>> {
        let mut families = self.families.borrow_mut();
        let entry = &mut families[usize::from(v6)];
        if let Some(family) = entry {
            return Ok(Ok(family.clone()));
        }
        let raw = match Socket::new(domain(v6), Type::RAW, Some(icmp_protocol(v6))) {
            Ok(raw) => raw,
            Err(e) => return Ok(Err(e)),
        };
        apply_source(&raw, source, 0, v6)?;
        // Every trace's answers wait here.
        let _ = raw.set_recv_buffer_size(1 << 20);
        let family = Rc::new(Family {
            v6,
            socket: Rc::new(register(raw).map_err(io_err("register the ICMP socket"))?),
            slots: RefCell::new(Vec::new()),
        });
        *entry = Some(family.clone());
        Ok(Ok(family))
    }

    /// A share of this family's socket for the answers `keep` describes.
    pub(super) fn slot(&self, v6: bool, source: &Source, keep: Keep) -> Result<io::Result<Slot>> {
        let family = match self.family(v6, source)? {
            Ok(family) => family,
            Err(e) => return Ok(Err(e)),
        };
        let wake = Rc::new(Notify::new());
        let index = {
            let mut slots = family.slots.borrow_mut();
            slots.push(SlotState {
                keep: Some(keep),
                queue: VecDeque::new(),
                wake: wake.clone(),
            });
            slots.len() - 1
        };
        Ok(Ok(Slot {
            family,
            index,
            wake,
        }))
    }
}

impl Slot {
    /// The shared socket itself (echo probes go out through it).
    pub(super) fn socket(&self) -> Rc<AsyncFd<Socket>> {
        self.family.socket.clone()
    }

    /// The next packet for this trace, into `buf`, without waiting: from its queue, else from
    /// the socket, queueing for the other traces what is theirs.
    pub(super) fn next(&self, buf: &mut [u8]) -> io::Result<Option<(usize, IpAddr)>> {
        if let Some((packet, from)) = self.family.slots.borrow_mut()[self.index].queue.pop_front() {
            let len = packet.len().min(buf.len());
            buf[..len].copy_from_slice(&packet[..len]);
            return Ok(Some((len, from)));
        }
        while let Some((len, from)) = TraceSockets::read_one(&self.family.socket, buf)? {
            let packet = &buf[..len];
            let mut mine = false;
            for (index, slot) in self.family.slots.borrow_mut().iter_mut().enumerate() {
                if !slot.keep.is_some_and(|k| k.keeps(self.family.v6, packet)) {
                    continue;
                }
                if index == self.index {
                    mine = true;
                } else {
                    slot.queue.push_back((packet.to_vec(), from));
                    slot.wake.notify_one();
                }
            }
            if mine {
                return Ok(Some((len, from)));
            }
        }
        Ok(None)
    }

    /// Until the socket has something to read or another trace queued a packet for this one.
    pub(super) async fn ready(&self) -> io::Result<()> {
        if !self.family.slots.borrow()[self.index].queue.is_empty() {
            return Ok(());
        }
        tokio::select! {
            guard = self.family.socket.ready(Interest::READABLE) => guard.map(|mut g| g.clear_ready()),
            () = self.wake.notified() => Ok(()),
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut slots = self.family.slots.borrow_mut();
        let slot = &mut slots[self.index];
        slot.keep = None;
        slot.queue.clear();
    }
}
