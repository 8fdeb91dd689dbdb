//! Targets that share an address, one per TTL, as a trace's probes are: sequence spans,
//! time-exceeded answers and retired targets.

use super::*;

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
