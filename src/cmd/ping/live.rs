//! The many-target view while the probes run. On a terminal the table of `ping HOST HOST ...`
//! is drawn as soon as the first probe leaves and redrawn in place as answers arrive, every row
//! on one round-trip scale; elsewhere each answer, loss and error is one line as it happens
//! (fping's `HOST : [SEQ], 64 bytes, 0.045 ms (0.045 avg, 0% loss)`), so a reader of the pipe
//! sees the run go. A sweep too long for the terminal gets a progress line on stderr instead.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::model::ping_stats::{self, RttStats};
use crate::net::privilege::Method;
use crate::probe::{Event, Summary, TcpState};

/// Least time between two redraws of the table.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// How many round trips of each row the live sparkline keeps.
const HISTORY: usize = 32;

/// How the view shows itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A table redrawn in place (stdout is a terminal tall enough for every row).
    Screen,
    /// One line per answer, loss or error.
    Lines,
    /// Nothing on stdout while probing (`-q`, `-a`, `-u`, or a sweep taller than the terminal).
    Quiet,
}

/// One target as it stands.
struct Row {
    target: Arc<str>,
    address: IpAddr,
    stats: RttStats,
    /// (sequence number, outcome) of its latest probes: `None` while a probe waits, then
    /// `Some(None)` when lost, `Some(Some(rtt))` when answered.
    recent: VecDeque<(u16, Option<Option<u64>>)>,
    /// Probes that ended (answered, lost or failed), for the loss of a streamed line.
    ended: u64,
}

impl Row {
    fn loss_pct(&self) -> f64 {
        ping_stats::loss_pct(self.ended, self.stats.received)
    }

    fn tally(&self) -> String {
        tally(&self.stats, self.ended)
    }

    /// Settle the outcome of probe `seq`.
    fn ended(&mut self, seq: u16, rtt_us: Option<u64>) {
        self.ended += 1;
        if let Some(slot) = self.recent.iter_mut().rev().find(|(s, _)| *s == seq) {
            slot.1 = Some(rtt_us);
        }
    }

    /// The row as a summary so far, for the table's cells: probes still waiting are neither
    /// in its loss nor in its sparkline.
    fn summary(&self) -> Summary {
        let rtts = self
            .recent
            .iter()
            .filter_map(|(_, outcome)| *outcome)
            .collect();
        let mut summary = Summary::new(
            Arc::clone(&self.target),
            self.address,
            self.stats.clone(),
            rtts,
            0,
            Method::Raw,
            None,
        );
        summary.loss_pct = self.loss_pct();
        summary
    }
}

/// The live view of a many-target run.
pub struct Board {
    mode: Mode,
    rows: Vec<Row>,
    index: HashMap<Arc<str>, usize>,
    addresses: HashMap<Arc<str>, IpAddr>,
    /// Lines drawn by the last redraw, to move back over.
    drawn: usize,
    drawn_at: Option<Instant>,
    dirty: bool,
    progress: Option<ProgressBar>,
}

impl Board {
    /// A board for `targets` (name and address, in order), shown as `mode`, with a progress
    /// line when one is given.
    #[must_use]
    pub fn new(mode: Mode, targets: &[(Arc<str>, IpAddr)], progress: Option<ProgressBar>) -> Self {
        Self {
            mode,
            rows: Vec::new(),
            index: HashMap::new(),
            addresses: targets.iter().cloned().collect(),
            drawn: 0,
            drawn_at: None,
            dirty: false,
            progress,
        }
    }

    /// The mode the board shows itself in.
    #[must_use]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    fn row(&mut self, target: &Arc<str>) -> &mut Row {
        let next = self.rows.len();
        let at = *self.index.entry(Arc::clone(target)).or_insert(next);
        if at == next {
            let address = self
                .addresses
                .get(target)
                .copied()
                .unwrap_or(IpAddr::from([0, 0, 0, 0]));
            self.rows.push(Row {
                target: Arc::clone(target),
                address,
                stats: RttStats::default(),
                recent: VecDeque::new(),
                ended: 0,
            });
        }
        &mut self.rows[at]
    }

    /// Take in one event; the line to print for it in [`Mode::Lines`].
    pub fn event(&mut self, event: &Event) -> Option<String> {
        let line = match event {
            Event::Sent(s) => {
                let row = self.row(&s.target);
                row.stats.sent();
                row.recent.push_back((s.seq, None));
                if row.recent.len() > HISTORY {
                    row.recent.pop_front();
                }
                None
            }
            Event::Reply(r) => {
                let row = self.row(&r.target);
                row.stats.reply(r.rtt_us, r.dup);
                if r.dup {
                    return None;
                }
                row.ended(r.seq, Some(r.rtt_us));
                let what = match r.state {
                    Some(TcpState::Open) => "open".to_string(),
                    Some(TcpState::Closed) => "closed (refused)".to_string(),
                    None => format!("{} bytes", r.bytes),
                };
                Some(reply_line(&r.target, r.seq, &what, r.rtt_us, &row.tally()))
            }
            Event::Timeout(t) => {
                let row = self.row(&t.target);
                row.ended(t.seq, None);
                Some(timeout_line(&t.target, t.seq, &row.tally()))
            }
            Event::IcmpError(e) => {
                let row = self.row(&e.target);
                row.stats.error();
                row.ended(e.seq, None);
                Some(error_line(&e.target, e.seq, &e.error, e.from, &row.tally()))
            }
            Event::Failed(f) => {
                let row = self.row(&f.target);
                row.stats.error();
                row.ended(f.seq, None);
                Some(format!(
                    "{} : [{}], {} {}",
                    f.target,
                    f.seq,
                    f.error,
                    row.tally()
                ))
            }
            Event::SendFailed(_) | Event::Corrupt(_) | Event::Summary(_) => None,
        };
        if let (Some(bar), Some(_)) = (&self.progress, &line) {
            bar.inc(1);
            let up = self.rows.iter().filter(|r| r.stats.received > 0).count();
            bar.set_message(format!(
                ", {up} of {} targets answered",
                self.addresses.len()
            ));
        }
        self.dirty = true;
        if self.mode == Mode::Lines { line } else { None }
    }

    /// The redrawn table when one is due ([`Mode::Screen`]): back over the last drawing, then
    /// the table as it stands.
    pub fn redraw(&mut self, refused: Option<&HashMap<Arc<str>, u64>>) -> Option<String> {
        if self.mode != Mode::Screen
            || !self.dirty
            || self.drawn_at.is_some_and(|t| t.elapsed() < REDRAW_EVERY)
        {
            return None;
        }
        let summaries: Vec<Summary> = self.rows.iter().map(Row::summary).collect();
        let table = super::render::plain_table(&summaries, refused);
        let mut text = self.erase();
        self.drawn = table.lines().count();
        text.push_str(&table);
        self.drawn_at = Some(Instant::now());
        self.dirty = false;
        Some(text)
    }

    /// What takes the last drawing off the screen (and the progress line off stderr).
    pub fn erase(&mut self) -> String {
        if let Some(bar) = &self.progress {
            bar.finish_and_clear();
        }
        let mut text = String::new();
        if self.drawn > 0 {
            // To the start of the table's first line, then clear to the end of the screen.
            let _ = write!(text, "\x1b[{}F\x1b[J", self.drawn);
            self.drawn = 0;
        }
        text
    }
}

/// `(0.045 avg, 0% loss)`, as fping ends a line: the mean round trip so far and the loss
/// among the `ended` probes (answered, lost or failed).
#[must_use]
pub fn tally(stats: &RttStats, ended: u64) -> String {
    let avg = stats
        .summary()
        .map_or_else(|| "NaN".to_string(), |s| ping_stats::format_rtt(s.avg_us));
    format!(
        "({avg} avg, {}% loss)",
        ping_stats::format_g(ping_stats::loss_pct(ended, stats.received))
    )
}

/// fping's line for an answer: `127.0.0.1 : [1], 64 bytes, 0.045 ms (0.045 avg, 0% loss)`.
#[must_use]
pub fn reply_line(target: &str, seq: u16, what: &str, rtt_us: u64, tally: &str) -> String {
    format!(
        "{target} : [{seq}], {what}, {} ms {tally}",
        ping_stats::format_rtt(rtt_us)
    )
}

/// fping's line for a probe without an answer.
#[must_use]
pub fn timeout_line(target: &str, seq: u16, tally: &str) -> String {
    format!("{target} : [{seq}], timed out {tally}")
}

/// fping's line for an ICMP error about a probe.
#[must_use]
pub fn error_line(target: &str, seq: u16, error: &str, from: IpAddr, tally: &str) -> String {
    format!("{target} : [{seq}], {error} from {from} {tally}")
}

/// How a many-target run shows itself while it probes: `stdout_terminal_rows` is the height of
/// the terminal on stdout (`None`: not a terminal); `streams` is false with `-q`, `-a`, `-u`.
#[must_use]
pub fn mode_for(targets: usize, stdout_terminal_rows: Option<u16>, streams: bool) -> Mode {
    match stdout_terminal_rows {
        // The header, every row, and the line the cursor rests on.
        Some(rows) if streams && targets + 2 <= usize::from(rows) => Mode::Screen,
        Some(_) => Mode::Quiet,
        None if streams => Mode::Lines,
        None => Mode::Quiet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::event::{Reply, Sent, Timeout};

    fn sent(target: &str, seq: u16) -> Event {
        Event::Sent(Sent {
            target: target.into(),
            seq,
            previous_pending: false,
        })
    }

    fn reply(target: &str, seq: u16, rtt_us: u64) -> Event {
        Event::Reply(Reply {
            target: target.into(),
            seq,
            from: "127.0.0.1".parse().unwrap(),
            ttl: Some(64),
            bytes: 64,
            data: crate::net::icmp::EchoData::Intact,
            rtt_us,
            dup: false,
            state: None,
        })
    }

    #[test]
    fn lines_are_fping_lines_with_the_running_tally() {
        let targets = [("a".into(), "10.0.0.1".parse().unwrap())];
        let mut board = Board::new(Mode::Lines, &targets, None);
        assert_eq!(board.event(&sent("a", 1)), None);
        assert_eq!(
            board.event(&reply("a", 1, 45)).as_deref(),
            Some("a : [1], 64 bytes, 0.045 ms (0.045 avg, 0% loss)")
        );
        board.event(&sent("a", 2));
        let timeout = Event::Timeout(Timeout {
            target: "a".into(),
            seq: 2,
        });
        assert_eq!(
            board.event(&timeout).as_deref(),
            Some("a : [2], timed out (0.045 avg, 50% loss)")
        );
    }

    #[test]
    fn the_screen_is_redrawn_in_place_on_one_scale() {
        let targets = [
            ("a".into(), "10.0.0.1".parse().unwrap()),
            ("b".into(), "10.0.0.2".parse().unwrap()),
        ];
        let mut board = Board::new(Mode::Screen, &targets, None);
        board.event(&sent("a", 1));
        board.event(&sent("b", 1));
        assert_eq!(board.event(&reply("a", 1, 40)), None);
        let first = board.redraw(None).unwrap();
        assert!(!first.contains('\x1b'), "nothing to move back over yet");
        assert!(first.starts_with("TARGET"), "{first}");
        assert_eq!(first.lines().count(), 3, "{first}");
        board.event(&reply("b", 1, 52));
        // Too soon after the last drawing.
        assert_eq!(board.redraw(None), None);
        board.drawn_at = None;
        let second = board.redraw(None).unwrap();
        assert!(second.starts_with("\x1b[3F\x1b[J"), "{second:?}");
        assert!(second.contains("RTTS 0-0.052 ms"), "{second}");
        let bars: Vec<char> = second
            .lines()
            .skip(1)
            .map(|l| l.trim_end().chars().last().unwrap())
            .collect();
        assert_eq!(bars, ['▇', '█']);
    }

    #[test]
    fn the_mode_follows_the_terminal() {
        assert_eq!(mode_for(2, Some(24), true), Mode::Screen);
        assert_eq!(mode_for(23, Some(24), true), Mode::Quiet);
        assert_eq!(mode_for(2, Some(24), false), Mode::Quiet);
        assert_eq!(mode_for(2, None, true), Mode::Lines);
        assert_eq!(mode_for(2, None, false), Mode::Quiet);
    }
}
