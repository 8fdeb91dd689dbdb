//! The engine's state machine against a fake socket and a clock set by hand: no root, no
//! network, no waiting.

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
        self.socket.queue.push_back(Received {
            at: self.at_ms(at_ms),
            what: Answer::Reply {
                from: ip(from),
                ident,
                seq,
                ttl: Some(64),
                bytes: 16,
                data: EchoData::Intact,
                state: None,
            },
        });
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

fn every_second(count: u64, wait_ms: u64) -> Schedule {
    Schedule {
        count: Some(count),
        interval: Duration::from_secs(1),
        wait: Duration::from_millis(wait_ms),
        ..Schedule::default()
    }
}

#[test]
fn in_order_replies_are_timed_against_their_own_send() {
    let mut lab = Lab::new(&["10.0.0.1"], every_second(3, 2000));
    assert!(!lab.step_at(0));
    lab.reply("10.0.0.1", Some(IDENT), 1, 12);
    assert!(!lab.step_at(12));
    // Nothing is due before the interval has passed.
    assert_eq!(lab.engine.next_wake(), Some(lab.at_ms(1000)));
    assert!(!lab.step_at(999));
    assert!(!lab.step_at(1000));
    lab.reply("10.0.0.1", Some(IDENT), 2, 1003);
    assert!(!lab.step_at(2000));
    lab.reply("10.0.0.1", Some(IDENT), 3, 2001);
    assert!(lab.step_at(2001), "every probe sent and answered");
    assert_eq!(
        lab.story(),
        [
            "sent 1",
            "reply 1 12000us",
            "sent 2",
            "reply 2 3000us",
            "sent 3",
            "reply 3 1000us"
        ]
    );
    let ip1 = ip("10.0.0.1");
    assert_eq!(
        lab.socket.sent,
        [(ip1, 1, None), (ip1, 2, None), (ip1, 3, None)]
    );
    let s = &lab.finish()[0];
    assert_eq!((s.transmitted, s.received, s.loss_pct), (3, 3, 0.0));
    assert_eq!(s.rtts_us, [Some(12_000), Some(3_000), Some(1_000)]);
    assert_eq!((s.min_ms, s.max_ms), (Some(1.0), Some(12.0)));
    assert_eq!(s.time_ms, 2001);
    assert_eq!(s.ipg_us, Some(1_000_000));
}

#[test]
fn a_duplicate_is_marked_and_counted_apart() {
    let mut lab = Lab::new(&["10.0.0.1"], every_second(1, 1000));
    lab.step_at(0);
    lab.reply("10.0.0.1", Some(IDENT), 1, 5);
    lab.reply("10.0.0.1", Some(IDENT), 1, 7);
    assert!(lab.step_at(7));
    assert_eq!(lab.story(), ["sent 1", "reply 1 5000us", "dup 1"]);
    let s = &lab.finish()[0];
    assert_eq!((s.received, s.duplicates), (1, 1));
    // The duplicate's round trip enters the figures (as iputils), not the probe's entry.
    assert_eq!(s.rtts_us, [Some(5_000)]);
    assert_eq!(s.max_ms, Some(7.0));
}

#[test]
fn a_reply_after_its_timeout_is_ignored() {
    let mut lab = Lab::new(&["10.0.0.1"], every_second(1, 1000));
    lab.step_at(0);
    assert_eq!(lab.engine.next_wake(), Some(lab.at_ms(1000)));
    assert!(!lab.step_at(999));
    assert!(lab.step_at(1000), "the only probe expired");
    lab.reply("10.0.0.1", Some(IDENT), 1, 1500);
    lab.step_at(1500);
    assert_eq!(lab.story(), ["sent 1", "timeout 1"]);
    let s = &lab.finish()[0];
    assert_eq!((s.transmitted, s.received, s.loss_pct), (1, 0, 100.0));
    assert_eq!(s.min_ms, None);
}

#[test]
fn replies_with_another_identifier_address_or_sequence_are_ignored() {
    let mut lab = Lab::new(&["10.0.0.1"], every_second(1, 1000));
    lab.step_at(0);
    lab.reply("10.0.0.1", Some(IDENT ^ 1), 1, 2); // another process's ping
    lab.reply("10.0.0.9", Some(IDENT), 1, 3); // not a target
    lab.reply("10.0.0.1", Some(IDENT), 7, 4); // never sent
    assert!(!lab.step_at(4));
    assert_eq!(lab.story(), ["sent 1"]);
    // A socket that cannot vouch for the identifier (datagram) leaves it unchecked.
    lab.reply("10.0.0.1", None, 1, 6);
    assert!(lab.step_at(6));
    assert_eq!(lab.story(), ["sent 1", "reply 1 6000us"]);
}

#[test]
fn a_lost_probe_counts_as_loss_and_leaves_a_gap() {
    let mut lab = Lab::new(&["10.0.0.1"], every_second(3, 1500));
    lab.step_at(0);
    lab.step_at(1000);
    lab.reply("10.0.0.1", Some(IDENT), 2, 1010);
    lab.step_at(1010);
    lab.step_at(1500); // seq 1's wait is over
    lab.step_at(2000);
    lab.reply("10.0.0.1", Some(IDENT), 3, 2020);
    assert!(lab.step_at(2020));
    assert_eq!(
        lab.story(),
        [
            "sent 1",
            "sent 2",
            "reply 2 10000us",
            "timeout 1",
            "sent 3",
            "reply 3 20000us"
        ]
    );
    let s = &lab.finish()[0];
    assert_eq!((s.transmitted, s.received), (3, 2));
    assert!((s.loss_pct - 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(s.rtts_us, [None, Some(10_000), Some(20_000)]);
}

#[test]
fn a_full_in_flight_window_holds_the_next_probe_back() {
    let schedule = Schedule {
        in_flight: Some(2),
        ..every_second(1, 1000)
    };
    let mut lab = Lab::new(&["10.0.0.1", "10.0.0.2", "10.0.0.3"], schedule);
    lab.step_at(0);
    assert_eq!(lab.socket.sent.len(), 2, "two probes fill the window");
    // With the window full only an expiry or an answer can move things on.
    assert_eq!(lab.engine.next_wake(), Some(lab.at_ms(1000)));
    lab.step_at(10);
    assert_eq!(lab.socket.sent.len(), 2);
    lab.reply("10.0.0.2", Some(IDENT), 1, 20);
    lab.step_at(20);
    assert_eq!(lab.socket.sent.len(), 3);
    assert_eq!(lab.socket.sent[2].0, ip("10.0.0.3"));
    lab.reply("10.0.0.1", Some(IDENT), 1, 30);
    lab.reply("10.0.0.3", Some(IDENT), 1, 31);
    assert!(lab.step_at(31));
    let received: Vec<u64> = lab.finish().iter().map(|s| s.received).collect();
    assert_eq!(received, [1, 1, 1]);
}

#[test]
fn an_icmp_error_settles_the_probe_it_quotes() {
    let mut lab = Lab::new(&["10.0.0.1"], every_second(2, 1000));
    lab.step_at(0);
    lab.socket.queue.push_back(Received {
        at: lab.at_ms(3),
        what: Answer::IcmpError {
            from: ip("10.9.9.9"),
            quoted: Quoted {
                dest: ip("10.0.0.1"),
                ident: Some(IDENT),
                seq: 1,
            },
            icmp_type: 11,
            icmp_code: 0,
        },
    });
    lab.step_at(3);
    lab.step_at(1000);
    lab.step_at(2000);
    assert_eq!(
        lab.story(),
        [
            "sent 1",
            "error 1 Time to live exceeded",
            "sent 2",
            "timeout 2"
        ]
    );
    let s = &lab.finish()[0];
    assert_eq!((s.transmitted, s.received, s.errors), (2, 0, 1));
}

#[test]
fn serial_targets_wait_for_the_answer_before_the_next_probe() {
    let schedule = Schedule {
        interval: Duration::from_millis(100),
        serial: true,
        ..every_second(2, 1000)
    };
    let mut lab = Lab::new(&["10.0.0.1"], schedule);
    lab.step_at(0);
    lab.step_at(500);
    assert_eq!(lab.socket.sent.len(), 1, "still waiting for seq 1");
    lab.step_at(1000); // seq 1 expires; seq 2 is long due
    assert_eq!(lab.story(), ["sent 1", "timeout 1", "sent 2"]);
}

#[test]
fn the_deadline_and_the_end_report_what_is_still_waiting() {
    let schedule = Schedule {
        count: None,
        deadline: Some(Duration::from_millis(2500)),
        ..every_second(1, 10_000)
    };
    let mut lab = Lab::new(&["10.0.0.1"], schedule);
    lab.step_at(0);
    lab.step_at(1000);
    lab.step_at(2000);
    assert!(lab.step_at(2500));
    let s = &lab.finish()[0];
    assert_eq!(s.transmitted, 3);
    assert_eq!(
        lab.story(),
        [
            "sent 1",
            "sent 2",
            "sent 3",
            "timeout 1",
            "timeout 2",
            "timeout 3"
        ]
    );
}

#[test]
fn a_first_send_that_fails_ends_the_run_only_when_asked() {
    let mut lab = Lab::new(
        &["10.0.0.1"],
        Schedule {
            first_send_fatal: true,
            ..every_second(1, 1000)
        },
    );
    lab.socket.refuse_sends = true;
    lab.clock.set(lab.t0);
    let err = lab
        .engine
        .step(&mut lab.socket, 1, &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().starts_with("send to 10.0.0.1: "), "{err}");
    let mut lab = Lab::new(&["10.0.0.1"], every_second(1, 1000));
    lab.socket.refuse_sends = true;
    lab.step_at(0);
    assert_eq!(lab.story(), ["send-failed 1", "sent 1"]);
}

#[test]
fn events_are_the_json_stream() {
    let mut lab = Lab::new(&["10.0.0.1"], every_second(1, 1000));
    lab.step_at(0);
    lab.reply("10.0.0.1", Some(IDENT), 1, 1);
    lab.step_at(1);
    lab.finish();
    let reply = lab
        .events
        .iter()
        .find(|e| matches!(e, Event::Reply(_)))
        .unwrap();
    assert_eq!(
        serde_json::to_string(reply).unwrap(),
        r#"{"type":"reply","target":"10.0.0.1","seq":1,"from":"10.0.0.1","ttl":64,"bytes":16,"rtt_ms":1.0,"dup":false}"#
    );
    let summary = lab.events.last().unwrap();
    assert_eq!(
        serde_json::to_string(summary).unwrap(),
        r#"{"type":"summary","schema_version":1,"target":"10.0.0.1","address":"10.0.0.1","transmitted":1,"received":1,"duplicates":0,"errors":0,"loss_pct":0.0,"min_ms":1.0,"avg_ms":1.0,"max_ms":1.0,"mdev_ms":0.0,"time_ms":1,"method":"raw","rtts_ms":[1.0]}"#
    );
    let failed = Event::Failed(super::event::Failed {
        target: "h".into(),
        seq: 2,
        from: super::event::Absent,
        error: "no route to host".into(),
        icmp_type: super::event::Absent,
        icmp_code: super::event::Absent,
    });
    assert_eq!(
        serde_json::to_string(&failed).unwrap(),
        r#"{"type":"error","target":"h","seq":2,"from":null,"error":"no route to host","icmp_type":null,"icmp_code":null}"#
    );
}

/// `-W 1` as ping applies it: a reply 1.5 s late is still counted, nothing expires one by one,
/// and the run ends twice the slowest round trip (at least one interval) after the last probe.
#[test]
fn waiting_as_ping_counts_late_replies_and_waits_only_at_the_end() {
    let schedule = Schedule {
        wait_at_end: true,
        ..every_second(3, 1000)
    };
    let mut lab = Lab::new(&["10.0.0.1"], schedule);
    assert!(!lab.step_at(0));
    assert!(!lab.step_at(1000));
    lab.reply("10.0.0.1", Some(IDENT), 1, 1500);
    assert!(!lab.step_at(1500));
    assert!(!lab.step_at(2000), "seq 3 sent");
    // The slowest answer took 1.5 s: the run waits 3 s after the last probe.
    assert_eq!(lab.engine.next_wake(), Some(lab.at_ms(5000)));
    lab.reply("10.0.0.1", Some(IDENT), 2, 2600);
    assert!(!lab.step_at(2600));
    assert!(!lab.step_at(4999));
    assert!(lab.step_at(5000));
    let s = &lab.finish()[0];
    assert_eq!(
        lab.story(),
        [
            "sent 1",
            "sent 2",
            "reply 1 1500000us",
            "sent 3",
            "reply 2 1600000us",
            "timeout 3"
        ]
    );
    assert_eq!((s.transmitted, s.received), (3, 2));
    // ping's `time` ends with the last answer, not with the final wait.
    assert_eq!(s.time_ms, 2600);
    // Two probes had left when the first answer came.
    assert_eq!(s.stats.pipe, 2);
}

/// Nothing came back by the last probe: the run waits `wait` for it (ping's linger).
#[test]
fn waiting_as_ping_lingers_for_the_wait_when_nothing_came_back() {
    let schedule = Schedule {
        wait_at_end: true,
        ..every_second(2, 700)
    };
    let mut lab = Lab::new(&["10.0.0.1"], schedule);
    lab.step_at(0);
    lab.step_at(1000);
    assert_eq!(lab.engine.next_wake(), Some(lab.at_ms(1700)));
    assert!(!lab.step_at(1699));
    assert!(lab.step_at(1700));
    let s = &lab.finish()[0];
    assert_eq!(lab.story(), ["sent 1", "sent 2", "timeout 1", "timeout 2"]);
    assert_eq!((s.received, s.time_ms), (0, 1000));
}

/// A long run keeps only the most recent round trips for the series.
#[test]
fn the_round_trip_series_is_bounded() {
    let n = super::engine::RTTS_KEPT as u64 + 10;
    let schedule = Schedule {
        wait_at_end: true,
        count: Some(n),
        interval: Duration::from_millis(1),
        ..Schedule::default()
    };
    let mut lab = Lab::new(&["10.0.0.1"], schedule);
    for i in 0..n {
        lab.step_at(i);
        lab.reply("10.0.0.1", Some(IDENT), (i + 1) as u16, i);
    }
    assert!(lab.step_at(n));
    let s = &lab.finish()[0];
    assert_eq!((s.transmitted, s.received), (n, n));
    assert_eq!(s.rtts_us.len(), super::engine::RTTS_KEPT);
}

#[test]
fn a_long_run_remembers_the_last_answers_in_constant_memory() {
    let kept = super::engine::ANSWERED_KEPT as u64;
    let n = 20_000;
    let schedule = Schedule {
        count: Some(n),
        interval: Duration::from_millis(1),
        wait: Duration::from_secs(10),
        ..Schedule::default()
    };
    let mut lab = Lab::new(&["10.0.0.1"], schedule);
    for i in 0..n {
        lab.step_at(i);
        lab.reply("10.0.0.1", Some(IDENT), (i + 1) as u16, i);
    }
    lab.step_at(n);
    // A map of 4,096 buckets holds 3,584 entries.
    assert!(lab.engine.remembered_capacity() <= 3584);
    // The oldest answer still remembered is told as a duplicate; the one before it is not.
    let oldest = (n - kept + 1) as u16;
    lab.reply("10.0.0.1", Some(IDENT), oldest, n);
    lab.reply("10.0.0.1", Some(IDENT), oldest - 1, n);
    lab.step_at(n);
    let story = lab.story();
    assert_eq!(story[story.len() - 1], format!("dup {oldest}"));
    let s = &lab.finish()[0];
    assert_eq!((s.transmitted, s.received, s.duplicates), (n, n, 1));
}

/// Targets that share an address, one per TTL, each with its own range of sequence numbers.
fn hops(addr: &str, ttls: &[u8], span: u16) -> Vec<Target> {
    ttls.iter()
        .map(|&ttl| Target {
            ttl: Some(ttl),
            first_seq: u16::from(ttl) * span,
            ..Target::new(&format!("{addr}#{ttl}"), ip(addr))
        })
        .collect()
}

fn time_exceeded(lab: &mut Lab, router: &str, dest: &str, seq: u16, at_ms: u64) {
    lab.socket.queue.push_back(Received {
        at: lab.at_ms(at_ms),
        what: Answer::IcmpError {
            from: ip(router),
            quoted: Quoted {
                dest: ip(dest),
                ident: Some(IDENT),
                seq,
            },
            icmp_type: 11,
            icmp_code: 0,
        },
    });
}

#[test]
fn sequence_numbers_cycle_within_a_span_when_asked() {
    let schedule = Schedule {
        count: Some(5),
        interval: Duration::from_millis(10),
        ..every_second(5, 1000)
    };
    let mut lab = Lab::new(&[], schedule);
    lab.engine = Engine::new(
        hops("10.0.0.9", &[2], 3),
        lab.engine.schedule().clone(),
        Vec::new(),
        FakeClock(lab.clock.clone()),
    )
    .cycle_seqs(3);
    for (i, seq) in [6, 7, 8, 6, 7].into_iter().enumerate() {
        let ms = 10 * i as u64;
        lab.step_at(ms);
        lab.reply("10.0.0.9", Some(IDENT), seq, ms + 1);
    }
    assert!(lab.step_at(41));
    let seqs: Vec<u16> = lab.socket.sent.iter().map(|s| s.1).collect();
    assert_eq!(seqs, [6, 7, 8, 6, 7]);
    assert!(lab.socket.sent.iter().all(|s| s.2 == Some(2)));
    // A reused number whose first probe was answered is no loss.
    assert!(!lab.story().iter().any(|s| s.starts_with("timeout")));
    assert_eq!(lab.finish()[0].stats.received, 5);
}

#[test]
fn time_exceeded_from_each_router_settles_its_own_probe_with_a_round_trip() {
    let mut lab = Lab::new(&[], every_second(1, 1000));
    lab.engine = Engine::new(
        hops("10.0.0.9", &[1, 2, 3], 8),
        lab.engine.schedule().clone(),
        Vec::new(),
        FakeClock(lab.clock.clone()),
    );
    lab.step_at(0);
    assert_eq!(
        lab.socket.sent,
        [
            (ip("10.0.0.9"), 8, Some(1)),
            (ip("10.0.0.9"), 16, Some(2)),
            (ip("10.0.0.9"), 24, Some(3)),
        ]
    );
    time_exceeded(&mut lab, "10.0.1.1", "10.0.0.9", 8, 3);
    time_exceeded(&mut lab, "10.0.2.1", "10.0.0.9", 16, 7);
    // An error quoting a probe of another trace (another identifier) is not ours.
    lab.socket.queue.push_back(Received {
        at: lab.at_ms(8),
        what: Answer::IcmpError {
            from: ip("10.0.3.1"),
            quoted: Quoted {
                dest: ip("10.0.0.9"),
                ident: Some(IDENT + 1),
                seq: 24,
            },
            icmp_type: 11,
            icmp_code: 0,
        },
    });
    lab.reply("10.0.0.9", Some(IDENT), 24, 9);
    assert!(lab.step_at(9));
    let errors: Vec<(String, IpAddr, u64)> = lab
        .events
        .iter()
        .filter_map(|e| match e {
            Event::IcmpError(e) => Some((e.target.to_string(), e.from, e.rtt_us)),
            _ => None,
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("10.0.0.9#1".to_string(), ip("10.0.1.1"), 3000),
            ("10.0.0.9#2".to_string(), ip("10.0.2.1"), 7000)
        ]
    );
    assert_eq!(lab.story().last().unwrap(), "reply 24 9000us");
}

#[test]
fn a_retired_target_sends_no_more_and_the_run_ends_without_it() {
    let mut lab = Lab::new(&["10.0.0.1", "10.0.0.2"], every_second(3, 500));
    lab.step_at(0);
    lab.reply("10.0.0.2", Some(IDENT), 1, 2);
    lab.reply("10.0.0.1", Some(IDENT), 1, 5);
    lab.step_at(5);
    lab.engine.retire(1);
    for seq in [2, 3] {
        let sent = 1000 * u64::from(seq - 1);
        lab.step_at(sent);
        lab.reply("10.0.0.1", Some(IDENT), seq, sent + 5);
        if seq == 2 {
            lab.step_at(sent + 5);
        }
    }
    assert!(lab.step_at(2005));
    let to_second = lab.socket.sent.iter().filter(|s| s.0 == ip("10.0.0.2"));
    assert_eq!(to_second.count(), 1);
    let summaries = lab.finish();
    assert_eq!(summaries[0].stats.transmitted, 3);
    assert_eq!(summaries[1].stats.transmitted, 1);
}

mod sweep {
    use super::*;
    use crate::probe::sweep::{Sweep, SweepEvent, SweepSchedule};

    /// What a sweep event says, without its borrowed tally: (kind, address, number, dup).
    type Seen = (&'static str, IpAddr, u64, bool);

    fn seen(event: &SweepEvent<'_>) -> Seen {
        match event {
            SweepEvent::Reply {
                addr, number, dup, ..
            } => ("reply", *addr, *number, *dup),
            SweepEvent::Lost { addr, number, .. } => ("lost", *addr, *number, false),
            SweepEvent::Error { addr, number, .. } => ("error", *addr, *number, false),
            SweepEvent::SendFailed { addr, .. } => ("send_failed", *addr, 0, false),
            SweepEvent::Closed { addr, stats, .. } => ("closed", *addr, stats.received, false),
        }
    }

    struct SweepLab {
        sweep: Sweep<FakeClock>,
        socket: FakeSocket,
        clock: Rc<Cell<Instant>>,
        t0: Instant,
        seen: Vec<Seen>,
    }

    impl SweepLab {
        fn new(first: &str, last: &str, count: u64, window: usize) -> Self {
            let t0 = Instant::now();
            let clock = Rc::new(Cell::new(t0));
            let schedule = SweepSchedule {
                count,
                interval: Duration::from_millis(100),
                wait: Duration::from_secs(1),
                deadline: None,
                window,
                in_flight: 64,
            };
            Self {
                sweep: Sweep::new(
                    ip(first),
                    ip(last),
                    schedule,
                    vec![0; 8],
                    FakeClock(clock.clone()),
                ),
                socket: FakeSocket::default(),
                clock,
                t0,
                seen: Vec::new(),
            }
        }

        fn step_at(&mut self, ms: u64) -> bool {
            self.clock.set(self.t0 + Duration::from_millis(ms));
            let seen = &mut self.seen;
            self.sweep
                .step(&mut self.socket, &mut |e| seen.push(super::sweep::seen(&e)))
                .unwrap()
                .finished
        }

        fn reply(&mut self, from: &str, ident: u16, seq: u16, at_ms: u64) {
            self.socket.queue.push_back(Received {
                at: self.t0 + Duration::from_millis(at_ms),
                what: Answer::Reply {
                    from: ip(from),
                    ident: Some(ident),
                    seq,
                    ttl: Some(64),
                    bytes: 16,
                    data: EchoData::Intact,
                    state: None,
                },
            });
        }

        fn sent(&self) -> Vec<(IpAddr, u16)> {
            self.socket.sent.iter().map(|s| (s.0, s.1)).collect()
        }
    }

    #[test]
    fn targets_go_in_address_order_within_the_window_and_settle_in_order() {
        let mut lab = SweepLab::new("10.0.0.1", "10.0.0.3", 1, 2);
        assert_eq!(lab.sweep.total(), 3);
        assert!(!lab.step_at(0));
        // Two open at most: the third waits for the first to settle.
        assert_eq!(lab.sent(), [(ip("10.0.0.1"), 1), (ip("10.0.0.2"), 1)]);
        lab.reply("10.0.0.2", IDENT, 1, 3);
        lab.reply("10.0.0.2", IDENT, 1, 4);
        lab.reply("10.0.0.9", IDENT, 1, 4);
        lab.reply("10.0.0.1", IDENT ^ 1, 1, 4);
        assert!(!lab.step_at(5));
        // 10.0.0.2 answered (twice), but 10.0.0.1 is at the front and still waits.
        assert_eq!(
            lab.seen,
            [
                ("reply", ip("10.0.0.2"), 1, false),
                ("reply", ip("10.0.0.2"), 1, true),
            ]
        );
        assert_eq!(lab.sent().len(), 2);
        // The front's wait ends: it is lost, both settle, and the third goes.
        assert!(!lab.step_at(1000));
        assert_eq!(
            lab.seen[2..],
            [
                ("lost", ip("10.0.0.1"), 1, false),
                ("closed", ip("10.0.0.1"), 0, false),
                ("closed", ip("10.0.0.2"), 1, false),
            ]
        );
        assert_eq!(lab.sent()[2], (ip("10.0.0.3"), 1));
        lab.reply("10.0.0.3", IDENT, 1, 1001);
        assert!(lab.step_at(1001));
        assert_eq!(
            lab.seen[5..],
            [
                ("reply", ip("10.0.0.3"), 1, false),
                ("closed", ip("10.0.0.3"), 1, false),
            ]
        );
    }

    #[test]
    fn each_target_gets_count_probes_an_interval_apart() {
        let mut lab = SweepLab::new("::1", "::2", 2, 16);
        lab.step_at(0);
        lab.reply("::1", IDENT, 1, 1);
        lab.step_at(50);
        assert_eq!(lab.sent(), [(ip("::1"), 1), (ip("::2"), 1)]);
        lab.step_at(100);
        assert_eq!(lab.sent()[2..], [(ip("::1"), 2), (ip("::2"), 2)]);
        lab.reply("::1", IDENT, 2, 101);
        lab.reply("::2", IDENT, 2, 102);
        lab.step_at(102);
        // ::2's first probe is still within its wait: nothing settles beyond ::1.
        assert_eq!(
            lab.seen
                .iter()
                .filter(|s| s.0 == "closed")
                .collect::<Vec<_>>(),
            [&("closed", ip("::1"), 2, false)]
        );
        let seen = &mut lab.seen;
        lab.sweep.finish(&mut |e| seen.push(super::sweep::seen(&e)));
        assert_eq!(
            lab.seen[lab.seen.len() - 2..],
            [
                ("lost", ip("::2"), 1, false),
                ("closed", ip("::2"), 1, false)
            ]
        );
    }
}
