//! The streaming sweep: address order, the open window, settling in order.

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
            .step(&mut self.socket, &mut |e| seen.push(self::seen(&e)))
            .unwrap()
            .finished
    }

    fn reply(&mut self, from: &str, ident: u16, seq: u16, at_ms: u64) {
        let at = self.t0 + Duration::from_millis(at_ms);
        self.socket
            .queue
            .push_back(echo_reply(at, from, Some(ident), seq));
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
    lab.sweep.finish(&mut |e| seen.push(self::seen(&e)));
    assert_eq!(
        lab.seen[lab.seen.len() - 2..],
        [
            ("lost", ip("::2"), 1, false),
            ("closed", ip("::2"), 1, false)
        ]
    );
}
