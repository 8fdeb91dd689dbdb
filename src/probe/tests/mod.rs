//! The probe layer's state machines against a fake socket and a clock set by hand: no root,
//! no network, no waiting. This file holds the fakes and the engine's lab; the tests are by
//! concern: ping's semantics (`engine`), targets one per TTL (`hops`), and the streaming sweep
//! (`sweep`).

mod engine;
mod hops;
mod sweep;

use std::cell::Cell;
use std::collections::VecDeque;
use std::io;
use std::net::IpAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::event::{Event, Summary};
use super::{
    Answer, Clock, EchoData, Engine, Probe, ProbeSocket, Quoted, Received, Schedule, Target,
};
use crate::error::Result;
use crate::net::privilege::Method;

const IDENT: u16 = 0x4242;

#[derive(Clone)]
struct FakeClock(Rc<Cell<Instant>>);

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.0.get()
    }
}

/// Records what was sent; hands out what the test queued.
#[derive(Default)]
struct FakeSocket {
    sent: Vec<(IpAddr, u16, Option<u8>)>,
    queue: VecDeque<Received>,
    refuse_sends: bool,
}

impl ProbeSocket for FakeSocket {
    fn send(&mut self, probe: &Probe<'_>) -> io::Result<()> {
        if self.refuse_sends {
            return Err(io::Error::from(io::ErrorKind::PermissionDenied));
        }
        self.sent.push((probe.dest, probe.seq, probe.ttl));
        Ok(())
    }

    fn try_recv(&mut self) -> Result<Option<Received>> {
        Ok(self.queue.pop_front())
    }

    async fn readable(&mut self) -> Result<()> {
        Ok(())
    }

    fn ident(&self) -> u16 {
        IDENT
    }

    fn method(&self, _dest: IpAddr) -> Method {
        Method::Raw
    }
}

/// An engine, its socket and its clock at t0, with every event kept.
struct Lab {
    engine: Engine<FakeClock>,
    socket: FakeSocket,
    clock: Rc<Cell<Instant>>,
    t0: Instant,
    events: Vec<Event>,
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

impl Lab {
    fn new(addrs: &[&str], schedule: Schedule) -> Self {
        let t0 = Instant::now();
        let clock = Rc::new(Cell::new(t0));
        let targets = addrs.iter().map(|a| Target::new(a, ip(a))).collect();
        Self {
            engine: Engine::new(targets, schedule, vec![0; 8], FakeClock(clock.clone())),
            socket: FakeSocket::default(),
            clock,
            t0,
            events: Vec::new(),
        }
    }

    fn at_ms(&self, ms: u64) -> Instant {
        self.t0 + Duration::from_millis(ms)
    }

    /// Set the clock to `ms` after t0 and take one turn; whether the run is finished.
    fn step_at(&mut self, ms: u64) -> bool {
        self.clock.set(self.at_ms(ms));
        let events = &mut self.events;
        self.engine
            .step(&mut self.socket, 4096, &mut |e| events.push(e))
            .unwrap()
            .finished
    }

    fn reply(&mut self, from: &str, ident: Option<u16>, seq: u16, at_ms: u64) {
        let at = self.at_ms(at_ms);
        self.socket
            .queue
            .push_back(echo_reply(at, from, ident, seq));
    }

    fn finish(&mut self) -> Vec<Summary> {
        let events = &mut self.events;
        self.engine.finish(&self.socket, &mut |e| events.push(e));
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Summary(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// The events of the run so far, as `kind seq` words (`reply 1`, `dup 1`, `timeout 2`).
    fn story(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Sent(s) => Some(format!("sent {}", s.seq)),
                Event::Reply(r) if r.dup => Some(format!("dup {}", r.seq)),
                Event::Reply(r) => Some(format!("reply {} {}us", r.seq, r.rtt_us)),
                Event::Timeout(t) => Some(format!("timeout {}", t.seq)),
                Event::IcmpError(e) => Some(format!("error {} {}", e.seq, e.error)),
                Event::Failed(f) => Some(format!("failed {}", f.seq)),
                Event::SendFailed(f) => Some(format!("send-failed {}", f.seq)),
                Event::Corrupt(_) | Event::Summary(_) => None,
            })
            .collect()
    }
}

/// An intact echo reply from `from`, arriving `at`.
fn echo_reply(at: Instant, from: &str, ident: Option<u16>, seq: u16) -> Received {
    Received {
        at,
        what: Answer::Reply {
            from: ip(from),
            ident,
            seq,
            ttl: Some(64),
            bytes: 16,
            data: EchoData::Intact,
            state: None,
        },
    }
}

fn every_second(count: u64, wait_ms: u64) -> Schedule {
    Schedule {
        count: Some(count),
        interval: Duration::from_secs(1),
        wait: Duration::from_millis(wait_ms),
        ..Schedule::default()
    }
}
