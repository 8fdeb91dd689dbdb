//! `ping -g` over a range of more than 1,024 addresses: the streaming sweep
//! ([`crate::probe::sweep`]) and its output, in memory that does not grow with the range.
//!
//! What is printed: each answer, loss and error as it happens (fping's lines into a pipe or a
//! file, NDJSON records with `--json`; nothing with `-q`); with `-a` or `-u` the address of
//! each target as it settles, alive or not, in address order. Then, for a range of at most
//! 65,536 addresses, the table (or the JSON summaries) of every target, as for a short list of
//! hosts; each target's row is a few dozen bytes. A larger range cannot keep a row per target
//! in flat memory, so it ends with the totals of the sweep instead (a `sweep` record in JSON).

use std::cell::RefCell;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tokio::signal::unix::{SignalKind, signal};

use crate::error::{Error, Result};
use crate::exit::Outcome;
use crate::model::ping_stats::{self, RttStats};
use crate::net::icmp::error_text;
use crate::net::privilege::Method;
use crate::output::Output;
use crate::probe::event::{IcmpError, Reply, Timeout};
use crate::probe::icmp::IcmpProber;
use crate::probe::sweep::{Sweep, SweepEvent, SweepSchedule, Tally, number};
use crate::probe::{Event, ProbeSocket, Quoted, Summary, SystemClock};

use super::config::{Config, Filter, SweepRange, TABLE_ROWS};
use super::live;

/// The most targets open at once: enough to keep the loopback's echo rate busy while a dead
/// target waits out its `-W`, and about 200 bytes each.
const WINDOW: usize = 16_384;
/// The most probes waiting for an answer at once: their answers fit the socket's 1 MiB
/// receive queue.
const IN_FLIGHT: usize = 512;
/// Round trips per target kept for the closing table's sparkline.
const RTTS_PER_ROW: u64 = 32;
/// Output waits at most this long before it is written (it is written in batches).
const WRITE_EVERY: std::time::Duration = std::time::Duration::from_millis(50);
/// Output waiting beyond this many bytes is written at once.
const WRITE_ABOVE: usize = 64 * 1024;

/// The closing record of a sweep too large for a row per target.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SweepRecord {
    /// The totals of the sweep.
    Sweep(SweepTotals),
}

/// The totals of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SweepTotals {
    /// The version of this JSON shape.
    pub schema_version: crate::output::schema::SchemaVersion,
    /// The range as given.
    pub range: String,
    /// Addresses in the range.
    pub targets: u64,
    /// Targets probed (fewer than `targets` after a deadline or Ctrl-C).
    pub probed: u64,
    /// Targets that answered at least once.
    pub alive: u64,
    /// Probed targets that never answered.
    pub unreachable: u64,
    /// Probes sent.
    pub transmitted: u64,
    /// Distinct answers.
    pub received: u64,
    /// Duplicate answers.
    pub duplicates: u64,
    /// ICMP errors.
    pub errors: u64,
    /// Loss in percent, over all probes.
    pub loss_pct: f64,
    /// Fastest round trip.
    pub min_ms: Option<f64>,
    /// Mean round trip.
    pub avg_ms: Option<f64>,
    /// Slowest round trip.
    pub max_ms: Option<f64>,
    /// Mean deviation (ping's mdev).
    pub mdev_ms: Option<f64>,
    /// Time from the first probe to the last probe or answer, in milliseconds.
    pub time_ms: u64,
    /// Raw or datagram.
    pub method: Method,
}

/// A row per target, for the closing table of a range of at most 65,536 addresses.
struct Rows {
    stats: Vec<RttStats>,
    /// The last [`RTTS_PER_ROW`] round trips of each target (µs; `u32::MAX`: none), probe `n`
    /// at `(n - 1) % RTTS_PER_ROW`.
    rtts: Vec<u32>,
}

/// What the sweep prints as it goes, and what it keeps for the end.
struct View {
    json: bool,
    lines: bool,
    filter: Filter,
    first: u128,
    v6: bool,
    pending: Vec<u8>,
    written_at: Instant,
    rows: Option<Rows>,
    totals: RttStats,
    probed: u64,
    alive: u64,
    failed: Option<Error>,
}

impl View {
    fn index(&self, addr: IpAddr) -> usize {
        usize::try_from(number(addr) - self.first).unwrap_or(usize::MAX)
    }

    fn line(&mut self, text: &str) {
        self.pending.extend_from_slice(text.as_bytes());
        self.pending.push(b'\n');
    }

    fn record(&mut self, event: &Event) {
        if serde_json::to_writer(&mut self.pending, event).is_ok() {
            self.pending.push(b'\n');
        }
    }

    fn keep_rtt(&mut self, addr: IpAddr, number: u64, rtt_us: u64) {
        let at = self.index(addr);
        if let Some(rows) = &mut self.rows {
            let place = at * RTTS_PER_ROW as usize + ((number - 1) % RTTS_PER_ROW) as usize;
            if let Some(slot) = rows.rtts.get_mut(place) {
                *slot = u32::try_from(rtt_us).unwrap_or(u32::MAX - 1);
            }
        }
    }

    fn event(&mut self, event: SweepEvent<'_>, out: &mut Output) {
        match event {
            SweepEvent::Reply {
                addr,
                number,
                seq,
                ttl,
                bytes,
                data,
                rtt_us,
                dup,
                tally,
            } => {
                self.totals.reply(rtt_us, dup);
                if !dup {
                    self.keep_rtt(addr, number, rtt_us);
                }
                if self.json {
                    self.record(&Event::Reply(Reply {
                        target: Arc::from(addr.to_string()),
                        seq,
                        from: addr,
                        ttl,
                        bytes,
                        data,
                        rtt_us,
                        dup,
                        state: None,
                    }));
                } else if self.lines && !dup {
                    let line = live::reply_line(
                        &addr.to_string(),
                        seq,
                        &format!("{bytes} bytes"),
                        rtt_us,
                        &tally_of(tally),
                    );
                    self.line(&line);
                }
            }
            SweepEvent::Lost {
                addr, seq, tally, ..
            } => {
                if self.json {
                    self.record(&Event::Timeout(Timeout {
                        target: Arc::from(addr.to_string()),
                        seq,
                    }));
                } else if self.lines {
                    let line = live::timeout_line(&addr.to_string(), seq, &tally_of(tally));
                    self.line(&line);
                }
            }
            SweepEvent::Error {
                addr,
                seq,
                from,
                icmp_type,
                icmp_code,
                tally,
                ..
            } => {
                let error = error_text(addr.is_ipv6(), icmp_type, icmp_code);
                if self.json {
                    self.record(&Event::IcmpError(IcmpError {
                        target: Arc::from(addr.to_string()),
                        seq,
                        from,
                        error,
                        icmp_type,
                        icmp_code,
                        quoted: Quoted {
                            dest: addr,
                            ident: None,
                            seq,
                        },
                        rtt_us: 0,
                    }));
                } else if self.lines {
                    let line =
                        live::error_line(&addr.to_string(), seq, &error, from, &tally_of(tally));
                    self.line(&line);
                }
            }
            SweepEvent::SendFailed { addr, error } => {
                out.debug(format_args!("ping: send to {addr}: {error}"));
            }
            SweepEvent::Closed { addr, stats, .. } => {
                self.probed += 1;
                let up = stats.received > 0;
                self.alive += u64::from(up);
                // Answers are counted as they come; probes and errors here.
                self.totals.transmitted += stats.transmitted;
                self.totals.errors += stats.errors;
                let shown = match self.filter {
                    Filter::Alive => up,
                    Filter::Unreachable => !up,
                    Filter::All => false,
                };
                if shown && !self.json {
                    self.line(&addr.to_string());
                }
                let at = self.index(addr);
                if let Some(row) = self.rows.as_mut().and_then(|r| r.stats.get_mut(at)) {
                    *row = stats.clone();
                }
            }
        }
        if self.pending.len() > WRITE_ABOVE
            || (!self.pending.is_empty() && self.written_at.elapsed() >= WRITE_EVERY)
        {
            self.write(out);
        }
    }

    fn write(&mut self, out: &mut Output) {
        if self.failed.is_some() || self.pending.is_empty() {
            return;
        }
        let written = out.write_bytes(&self.pending).and_then(|()| out.flush());
        self.pending.clear();
        self.written_at = Instant::now();
        if let Err(e) = written {
            self.failed = Some(e);
        }
    }

    /// Target `i`'s row as a summary, for the closing table and the JSON summaries.
    fn summary(&self, rows: &Rows, i: usize, time_ms: u64, method: Method) -> Summary {
        let n = RTTS_PER_ROW as usize;
        let stats = rows.stats[i].clone();
        let sent = usize::try_from(stats.transmitted).unwrap_or(usize::MAX);
        let kept = &rows.rtts[i * n..(i + 1) * n];
        let rtts = (sent.saturating_sub(n)..sent)
            .map(|k| Some(kept[k % n]).filter(|&r| r != u32::MAX).map(u64::from))
            .collect();
        let addr = ip_at(self.first, i, self.v6);
        Summary::new(
            Arc::from(addr.to_string()),
            addr,
            stats,
            rtts,
            time_ms,
            method,
            None,
        )
    }
}

fn ip_at(first: u128, i: usize, v6: bool) -> IpAddr {
    let n = first + i as u128;
    if v6 {
        IpAddr::V6(n.into())
    } else {
        IpAddr::V4(u32::try_from(n).unwrap_or(u32::MAX).into())
    }
}

fn tally_of(tally: Tally<'_>) -> String {
    live::tally(tally.stats, tally.ended)
}

/// Sweep `range` with `socket` (opened for its family) and print as configured.
pub async fn run(
    config: &Config,
    range: &SweepRange,
    mut socket: IcmpProber,
    out: &mut Output,
) -> Result<Outcome> {
    let method = socket.method(range.first);
    let schedule = SweepSchedule {
        count: config.count.unwrap_or(1),
        interval: config.interval,
        wait: config.wait,
        deadline: config.deadline,
        window: WINDOW,
        in_flight: IN_FLIGHT,
    };
    let payload = (0..config.size).map(|i| (i % 256) as u8).collect();
    let mut sweep = Sweep::new(range.first, range.last, schedule, payload, SystemClock);
    let total = sweep.total();
    let rows = (total <= TABLE_ROWS).then(|| {
        let n = usize::try_from(total).unwrap_or(0);
        Rows {
            stats: vec![RttStats::default(); n],
            rtts: vec![u32::MAX; n * RTTS_PER_ROW as usize],
        }
    });
    let view = RefCell::new(View {
        json: out.is_json() && !out.quiet(),
        lines: !out.is_json() && !out.quiet() && config.filter == Filter::All,
        filter: config.filter,
        first: number(range.first),
        v6: range.first.is_ipv6(),
        pending: Vec::with_capacity(WRITE_ABOVE + 512),
        written_at: Instant::now(),
        rows,
        totals: RttStats::default(),
        probed: 0,
        alive: 0,
        failed: None,
    });
    let mut sigint = signal(SignalKind::interrupt()).map_err(|e| Error::io("catch Ctrl-C", e))?;
    let write_failed = tokio::sync::Notify::new();
    let stop = async {
        tokio::select! {
            _ = sigint.recv() => {}
            () = write_failed.notified() => {}
        }
    };
    {
        let out = &mut *out;
        let mut emit = |event: SweepEvent<'_>| {
            let mut view = view.borrow_mut();
            view.event(event, out);
            if view.failed.is_some() {
                write_failed.notify_one();
            }
        };
        crate::probe::sweep::run(&mut sweep, &mut socket, stop, &mut emit).await?;
    }
    let mut view = view.into_inner();
    view.write(out);
    if let Some(e) = view.failed.take() {
        return Err(e);
    }
    let time_ms = u64::try_from(sweep.elapsed().as_millis()).unwrap_or(u64::MAX);
    let everyone = view.probed == total && view.alive == total;
    if let Some(rows) = view.rows.take() {
        let n = rows
            .stats
            .len()
            .min(usize::try_from(view.probed).unwrap_or(0));
        let summary = |i: usize| view.summary(&rows, i, time_ms, method);
        if out.is_json() {
            for i in 0..n {
                out.json_record(&Event::Summary(summary(i)))?;
            }
        } else if config.filter == Filter::All {
            if view.lines {
                out.write_text("\n")?;
            }
            super::render::write_rows_of(out, n, &summary)?;
        }
        return Ok(Outcome::from_bool(everyone));
    }
    let totals = &view.totals;
    let s = totals.summary();
    let ms = |f: fn(&ping_stats::RttSummary) -> u64| s.as_ref().map(|s| ping_stats::us_to_ms(f(s)));
    let record = SweepTotals {
        schema_version: crate::output::schema::SchemaVersion,
        range: range.text.clone(),
        targets: total,
        probed: view.probed,
        alive: view.alive,
        unreachable: view.probed - view.alive,
        transmitted: totals.transmitted,
        received: totals.received,
        duplicates: totals.duplicates,
        errors: totals.errors,
        loss_pct: totals.loss_pct(),
        min_ms: ms(|s| s.min_us),
        avg_ms: ms(|s| s.avg_us),
        max_ms: ms(|s| s.max_us),
        mdev_ms: ms(|s| s.mdev_us),
        time_ms,
        method,
    };
    if out.is_json() {
        out.json_record(&SweepRecord::Sweep(record))?;
    } else if config.filter == Filter::All {
        out.write_text(&totals_text(&record, totals))?;
        out.flush()?;
    }
    Ok(Outcome::from_bool(everyone))
}

/// The closing lines of a sweep too large for its table, in ping's words.
fn totals_text(t: &SweepTotals, stats: &RttStats) -> String {
    let probed = if t.probed < t.targets {
        format!(" ({} probed)", t.probed)
    } else {
        String::new()
    };
    let mut text = format!(
        "\n--- {} sweep ---\n{} targets{probed}, {} alive, {} unreachable\n\
         {} packets transmitted, {} received",
        t.range, t.targets, t.alive, t.unreachable, t.transmitted, t.received
    );
    if t.duplicates > 0 {
        text.push_str(&format!(", +{} duplicates", t.duplicates));
    }
    if t.errors > 0 {
        text.push_str(&format!(", +{} errors", t.errors));
    }
    text.push_str(&format!(
        ", {}% packet loss, time {}ms\n",
        ping_stats::format_g(t.loss_pct),
        t.time_ms
    ));
    if let Some(s) = stats.summary() {
        text.push_str(&format!(
            "rtt min/avg/max/mdev = {}/{}/{}/{} ms\n",
            ping_stats::format_ms3(s.min_us),
            ping_stats::format_ms3(s.avg_us),
            ping_stats::format_ms3(s.max_us),
            ping_stats::format_ms3(s.mdev_us)
        ));
    }
    text
}
