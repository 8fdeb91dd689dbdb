//! The tokio driver of the probe engine: [`run`] turns the engine, waiting between turns until
//! the socket has something or [`Engine::next_wake`] comes, and stops when every probe is
//! settled, the deadline passes or the caller's `stop` completes. The state machine itself
//! (in `engine.rs`) never waits, so its unit tests need no runtime.

use std::future::Future;
use std::time::Instant;

use crate::error::Result;

use super::engine::{Clock, DUPLICATE_GRACE, Engine};
use super::{Event, ProbeSocket};

/// Sleep until the engine's next wake-up ([`Engine::next_wake`]); for ever when it has none.
pub async fn until_wake(wake: Option<Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// Count one busy turn (work done without waiting); every 64th gives the runtime a turn (a
/// signal, and whoever reads the events, get one only through it) and looks at `stop`
/// without waiting for anything. Whether `stop` has completed.
pub async fn busy_turn(
    turns: &mut u32,
    stop: std::pin::Pin<&mut impl Future<Output = ()>>,
) -> bool {
    *turns = turns.wrapping_add(1);
    if !turns.is_multiple_of(64) {
        return false;
    }
    tokio::task::yield_now().await;
    tokio::select! {
        biased;
        () = stop => true,
        () = std::future::ready(()) => false,
    }
}

/// Drive `engine` until every probe is settled, the deadline passes or `stop` completes, then
/// emit the lost probes and the summaries.
pub async fn run<S: ProbeSocket, C: Clock>(
    engine: &mut Engine<C>,
    socket: &mut S,
    stop: impl Future<Output = ()>,
    emit: &mut dyn FnMut(Event),
) -> Result<()> {
    tokio::pin!(stop);
    // A flood takes one answer at a time and sends the next at once, then looks for its answer
    // without waiting (on loopback it is queued before the send returns): a send and a receive
    // per probe, as ping -f, instead of a wait and an empty read besides.
    let flood = engine.busy_flood();
    let at_most = if flood { 1 } else { 4096 };
    let mut busy_turns = 0u32;
    loop {
        let step = engine.step(socket, at_most, emit)?;
        if step.finished {
            if step.settled {
                // Whoever reads the events gets its turns first (writing the last lines),
                // then what arrived meanwhile is taken: a duplicate right behind the last
                // answer is still counted, as when each line was written before the next read.
                for _ in 0..2 {
                    tokio::task::yield_now().await;
                }
                engine.receive(socket, 4096, emit)?;
                // A duplicate sent right behind the last answer gets a moment to arrive (the
                // summary's time does not include it).
                tokio::select! {
                    r = socket.readable() => r?,
                    () = tokio::time::sleep(DUPLICATE_GRACE) => {}
                }
                engine.receive(socket, 4096, emit)?;
            }
            break;
        }
        if flood && (step.sent || step.more_queued) {
            // Every 64 probes the runtime gets a turn (a signal, and whoever reads the events,
            // get one only through it) and `stop` is looked at, without waiting for anything.
            if busy_turn(&mut busy_turns, stop.as_mut()).await {
                break;
            }
            continue;
        }
        tokio::select! {
            biased;
            () = &mut stop => break,
            r = socket.readable() => r?,
            () = until_wake(engine.next_wake()) => {}
        }
    }
    engine.finish(socket, emit);
    Ok(())
}
