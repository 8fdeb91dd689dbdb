//! Ping statistics as pure functions: round-trip summaries computed the way iputils `ping`
//! computes them (integer microseconds, so that the printed figures agree to the digit),
//! packet loss, the `time=` rendering of one round trip, and a sparkline of a target's RTTs.
//!
//! iputils keeps the sum and the sum of squares of the round trips in microseconds, divides both
//! by the number of replies (duplicates included) with integer division, and takes the integer
//! square root of `mean(x²) - mean(x)²` as `mdev`. Doing the same here means a parser fed the
//! output of both tools reads the same numbers.

/// Running round-trip statistics of one target, in microseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RttStats {
    /// Echo requests sent.
    pub transmitted: u64,
    /// Distinct echo replies received (duplicates not counted).
    pub received: u64,
    /// Replies for a sequence number that had already been answered.
    pub duplicates: u64,
    /// ICMP errors (unreachable, time exceeded) received for our probes.
    pub errors: u64,
    /// iputils' `pipe`: the most probes sent from one probe up to the moment its answer came
    /// (that probe included); 1 when each answer came before the next probe left.
    pub pipe: u64,
    sum_us: u128,
    sum_sq_us: u128,
    /// The fastest round trip; meaningless before the first reply.
    min_us: u64,
    max_us: u64,
    /// iputils' exponentially weighted moving average, times 8 (as iputils keeps it).
    ewma8_us: u64,
}

/// The `rtt min/avg/max/mdev` figures, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RttSummary {
    /// Fastest round trip.
    pub min_us: u64,
    /// Mean round trip (integer division, as iputils).
    pub avg_us: u64,
    /// Slowest round trip.
    pub max_us: u64,
    /// Mean deviation as iputils defines it: isqrt(mean(x²) - mean(x)²).
    pub mdev_us: u64,
}

impl RttStats {
    /// Count one probe sent.
    pub fn sent(&mut self) {
        self.transmitted += 1;
    }

    /// Count one reply with its round trip; a duplicate counts apart from `received` but its
    /// round trip enters the figures, as in iputils.
    pub fn reply(&mut self, rtt_us: u64, duplicate: bool) {
        if duplicate {
            self.duplicates += 1;
        } else {
            self.received += 1;
        }
        self.sum_us += u128::from(rtt_us);
        self.sum_sq_us += u128::from(rtt_us) * u128::from(rtt_us);
        let first = self.received + self.duplicates == 1;
        self.min_us = if first {
            rtt_us
        } else {
            self.min_us.min(rtt_us)
        };
        self.max_us = self.max_us.max(rtt_us);
        self.ewma8_us = if self.ewma8_us == 0 {
            rtt_us * 8
        } else {
            (self.ewma8_us + rtt_us).saturating_sub(self.ewma8_us / 8)
        };
    }

    /// Note that an answer came back while `sent_since` probes had left since the one it
    /// answers (that one included).
    pub fn answered_with(&mut self, sent_since: u64) {
        self.pipe = self.pipe.max(sent_since);
    }

    /// Count one ICMP error for a probe.
    pub fn error(&mut self) {
        self.errors += 1;
    }

    /// The summary, or `None` before the first reply.
    #[must_use]
    pub fn summary(&self) -> Option<RttSummary> {
        let replies = self.received + self.duplicates;
        if replies == 0 {
            return None;
        }
        let min_us = self.min_us;
        let n = u128::from(replies);
        let mean = self.sum_us / n;
        let mean_sq = self.sum_sq_us / n;
        let variance = mean_sq.saturating_sub(mean * mean);
        Some(RttSummary {
            min_us,
            avg_us: u64::try_from(mean).unwrap_or(u64::MAX),
            max_us: self.max_us,
            mdev_us: u64::try_from(variance.isqrt()).unwrap_or(u64::MAX),
        })
    }

    /// Packet loss in percent (0 with nothing sent).
    #[must_use]
    pub fn loss_pct(&self) -> f64 {
        loss_pct(self.transmitted, self.received)
    }

    /// The moving average of the round trips, in microseconds (iputils' `ewma`).
    #[must_use]
    pub fn ewma_us(&self) -> u64 {
        self.ewma8_us / 8
    }
}

/// Loss in percent: the share of probes that got no reply.
#[must_use]
pub fn loss_pct(transmitted: u64, received: u64) -> f64 {
    if transmitted == 0 {
        return 0.0;
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "packet counts stay far below 2^52"
    )]
    let pct = (transmitted.saturating_sub(received) as f64) * 100.0 / transmitted as f64;
    pct
}

/// A number as C's `%g` prints it (six significant digits, no trailing zeros), as iputils
/// prints the loss: `0`, `20`, `33.3333`, `0.0049995`.
#[must_use]
pub fn format_g(value: f64) -> String {
    // iputils prints a float (single precision) with %g.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "mirrors the C cast to float"
    )]
    let value = f64::from(value as f32);
    if value == 0.0 {
        return "0".into();
    }
    let exponent = value.abs().log10().floor();
    if !(-4.0..6.0).contains(&exponent) {
        let text = format!("{value:.5e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{}e{sign}{:02}", trim_zeros(mantissa), exp.abs());
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "bounded above"
    )]
    let decimals = (5.0 - exponent) as usize;
    trim_zeros(&format!("{value:.decimals$}"))
}

fn trim_zeros(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text.to_string()
    }
}

/// One round trip as iputils prints it after `time=`: three significant digits at most,
/// `0.045`, `1.23`, `12.3`, `123` (milliseconds).
#[must_use]
pub fn format_rtt(rtt_us: u64) -> String {
    if rtt_us >= 100_000 - 50 {
        format!("{}", (rtt_us + 500) / 1000)
    } else if rtt_us >= 10_000 - 5 {
        let t = rtt_us + 50;
        format!("{}.{}", t / 1000, (t % 1000) / 100)
    } else if rtt_us >= 1000 {
        let t = rtt_us + 5;
        format!("{}.{:02}", t / 1000, (t % 1000) / 10)
    } else {
        format!("{}.{:03}", rtt_us / 1000, rtt_us % 1000)
    }
}

/// Microseconds as iputils prints them in the summary: `12.345` (milliseconds, truncated).
#[must_use]
pub fn format_ms3(us: u64) -> String {
    format!("{}.{:03}", us / 1000, us % 1000)
}

/// Microseconds as a JSON number of milliseconds, exact to the microsecond.
#[must_use]
pub fn us_to_ms(us: u64) -> f64 {
    #[expect(
        clippy::cast_precision_loss,
        reason = "round trips stay far below 2^52 µs"
    )]
    let ms = us as f64 / 1000.0;
    ms
}

/// The round trips of the most recent probes of one target, in probe order: a ring of at most
/// `capacity` entries, so that a long run keeps constant memory (the running figures of
/// [`RttStats`] cover the whole run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RttSeries {
    capacity: usize,
    /// The number of the oldest probe kept (probes are numbered from 0).
    first: u64,
    kept: std::collections::VecDeque<Option<u64>>,
}

impl RttSeries {
    /// An empty series keeping the last `capacity` probes.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            first: 0,
            kept: std::collections::VecDeque::new(),
        }
    }

    /// Add the next probe, unanswered so far; its number.
    pub fn push(&mut self) -> u64 {
        let number = self.first + self.kept.len() as u64;
        if self.kept.len() == self.capacity {
            self.first += 1;
            if self.kept.pop_front().is_none() {
                return number;
            }
        }
        self.kept.push_back(None);
        number
    }

    /// Record the round trip of probe `number`, when it is still kept.
    pub fn set(&mut self, number: u64, rtt_us: u64) {
        if let Some(slot) = number
            .checked_sub(self.first)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.kept.get_mut(i))
        {
            *slot = Some(rtt_us);
        }
    }

    /// The kept round trips, oldest first.
    #[must_use]
    pub fn into_vec(self) -> Vec<Option<u64>> {
        self.kept.into()
    }
}

/// The mark a sparkline uses for a probe that got no reply.
pub const LOST_MARK: char = '×';

/// The eight heights of a sparkline's bars, lowest first.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of round trips in probe order: `▁` for the fastest up to `█` for the slowest of
/// this series, [`LOST_MARK`] for a probe without a reply.
#[must_use]
pub fn sparkline(rtts_us: &[Option<u64>]) -> String {
    let answered = rtts_us.iter().flatten();
    let (Some(lo), Some(hi)) = (answered.clone().min(), answered.max()) else {
        return rtts_us.iter().map(|_| LOST_MARK).collect();
    };
    let span = hi - lo;
    rtts_us
        .iter()
        .map(|rtt| match rtt {
            None => LOST_MARK,
            Some(_) if span == 0 => BARS[0],
            Some(v) => {
                let level = (u128::from(v - lo) * 7 + u128::from(span) / 2) / u128::from(span);
                BARS[usize::try_from(level).unwrap_or(7).min(7)]
            }
        })
        .collect()
}

/// A sparkline of round trips on a scale from 0 to `top_us` shared with other series, so that
/// rows of a table compare: `█` is `top_us`, each lower bar an eighth less; [`LOST_MARK`] for
/// a probe without a reply.
#[must_use]
pub fn sparkline_to(rtts_us: &[Option<u64>], top_us: u64) -> String {
    rtts_us
        .iter()
        .map(|rtt| match rtt {
            None => LOST_MARK,
            Some(_) if top_us == 0 => BARS[0],
            Some(v) => {
                // The eighth of the scale the round trip falls in, counted from 1.
                let eighths = (u128::from(*v) * 8).div_ceil(u128::from(top_us));
                BARS[usize::try_from(eighths.saturating_sub(1))
                    .unwrap_or(7)
                    .min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_scale_starts_at_zero() {
        // 40 and 52 µs on a 0-52 µs scale: a 12 µs spread is two eighths, not the full height.
        assert_eq!(sparkline_to(&[Some(40), Some(52), None], 52), "▇█×");
        assert_eq!(sparkline_to(&[Some(1), Some(800)], 800), "▁█");
        assert_eq!(sparkline_to(&[Some(0)], 0), "▁");
    }

    fn stats(rtts: &[u64]) -> RttStats {
        let mut s = RttStats::default();
        for &r in rtts {
            s.sent();
            s.reply(r, false);
        }
        s
    }

    #[test]
    fn summary_matches_iputils_digits() {
        // Figures printed by iputils 20221126 for these round trips.
        type Row = (&'static [u64], (u64, u64, u64, u64));
        let table: [Row; 4] = [
            (&[237, 39], (39, 138, 237, 99)),
            (&[358, 44], (44, 201, 358, 157)),
            (&[70, 54], (54, 62, 70, 8)),
            (&[5000], (5000, 5000, 5000, 0)),
        ];
        for (rtts, (min, avg, max, mdev)) in table {
            let got = stats(rtts).summary().unwrap();
            assert_eq!(
                got,
                RttSummary {
                    min_us: min,
                    avg_us: avg,
                    max_us: max,
                    mdev_us: mdev
                },
                "{rtts:?}"
            );
        }
    }

    #[test]
    fn no_reply_no_summary() {
        let mut s = RttStats::default();
        s.sent();
        s.error();
        assert_eq!(s.summary(), None);
        assert_eq!(s.loss_pct(), 100.0);
        assert_eq!(s.errors, 1);
    }

    #[test]
    fn duplicates_enter_figures_not_received() {
        let mut s = stats(&[100]);
        s.reply(300, true);
        assert_eq!((s.received, s.duplicates), (1, 1));
        assert_eq!(s.summary().unwrap().avg_us, 200);
        assert_eq!(s.loss_pct(), 0.0);
    }

    #[test]
    fn loss_and_percent_format() {
        let table = [
            (0, 0, "0"),
            (2, 2, "0"),
            (5, 4, "20"),
            (3, 2, "33.3333"),
            (3, 0, "100"),
            (7, 1, "85.7143"),
            (20000, 19999, "0.005"),
            (200_000, 199_999, "0.0005"),
        ];
        for (tx, rx, want) in table {
            assert_eq!(format_g(loss_pct(tx, rx)), want, "{tx}/{rx}");
        }
        assert_eq!(format_g(1e-5), "1e-05");
        assert_eq!(format_g(1_234_567.0), "1.23457e+06");
    }

    #[test]
    fn rtt_rendering_like_iputils() {
        let table = [
            (0, "0.000"),
            (45, "0.045"),
            (999, "0.999"),
            (1000, "1.00"),
            (1234, "1.23"),
            (9994, "9.99"),
            (9995, "10.0"),
            (12_345, "12.3"),
            (99_949, "99.9"),
            (99_950, "100"),
            (123_456, "123"),
        ];
        for (us, want) in table {
            assert_eq!(format_rtt(us), want, "{us}");
        }
        assert_eq!(format_ms3(12_345), "12.345");
        assert_eq!(us_to_ms(41), 0.041);
    }

    #[test]
    fn series_keeps_the_last_probes_only() {
        let mut s = RttSeries::new(3);
        let numbers: Vec<u64> = (0..5).map(|_| s.push()).collect();
        assert_eq!(numbers, [0, 1, 2, 3, 4]);
        s.set(1, 10); // forgotten
        s.set(3, 30);
        s.set(9, 90); // never sent
        assert_eq!(s.into_vec(), [None, Some(30), None]);
        let mut none = RttSeries::new(0);
        assert_eq!((none.push(), none.push()), (0, 1));
        assert!(none.into_vec().is_empty());
    }

    #[test]
    fn pipe_is_the_largest_backlog_answered() {
        let mut s = RttStats::default();
        s.answered_with(1);
        s.answered_with(3);
        s.answered_with(2);
        assert_eq!(s.pipe, 3);
    }

    #[test]
    fn ewma_follows_iputils() {
        let mut s = RttStats::default();
        s.reply(800, false);
        assert_eq!(s.ewma_us(), 800);
        s.reply(0, false);
        // 6400 + 0 - 800 = 5600 -> 700
        assert_eq!(s.ewma_us(), 700);
    }

    #[test]
    fn sparkline_levels_and_losses() {
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[None, None]), "××");
        assert_eq!(sparkline(&[Some(5), Some(5)]), "▁▁");
        assert_eq!(sparkline(&[Some(10), Some(80), None, Some(45)]), "▁█×▅");
        assert_eq!(
            sparkline(&[
                Some(0),
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7)
            ]),
            "▁▂▃▄▅▆▇█"
        );
    }
}
