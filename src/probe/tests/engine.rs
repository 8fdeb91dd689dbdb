//! The engine as ping uses it: timing, duplicates, loss, windows, deadlines, the JSON stream.

use super::*;

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
    let failed = Event::Failed(crate::probe::event::Failed {
        target: "h".into(),
        seq: 2,
        from: crate::probe::event::Absent,
        error: "no route to host".into(),
        icmp_type: crate::probe::event::Absent,
        icmp_code: crate::probe::event::Absent,
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
    let n = crate::probe::engine::RTTS_KEPT as u64 + 10;
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
    assert_eq!(s.rtts_us.len(), crate::probe::engine::RTTS_KEPT);
}

#[test]
fn a_long_run_remembers_the_last_answers_in_constant_memory() {
    let kept = crate::probe::engine::ANSWERED_KEPT as u64;
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
