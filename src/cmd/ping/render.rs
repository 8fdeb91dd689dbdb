//! `nettool ping`'s renderer: the probe engine's events as ping's text (one target: reply
//! lines and the statistics block, byte for byte in iputils' format, so parsers of ping keep
//! working; many targets: one row per target, as fping) or as the NDJSON stream, which is the
//! events themselves. A reader starts at [`Renderer::run`].
//!
//! Names of the addresses that answer are looked up (getnameinfo) on tokio's blocking pool, so
//! the engine's timers and Ctrl-C go on while a name is looked up; after Ctrl-C no lookup is
//! waited for and the address is shown as it is.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{mpsc, watch};

use crate::error::Result;
use crate::exit::Outcome;
use crate::model::ping_stats::{self, RttStats};
use crate::net::icmp::{EchoData, WrongData};
use crate::output::{Output, Paint, progress};
use crate::probe::{Event, Summary, TcpState};

use super::config::{Config, Filter, Source};
use super::live::{self, Board, Mode};

/// Turns the events of one run into output.
pub struct Renderer<'o> {
    out: &'o mut Output,
    many: bool,
    flood: bool,
    /// `-i 0`.
    back_to_back: bool,
    /// Many hosts answer each probe (`-b`, or a multicast target): as ping, their duplicates
    /// are counted but marked only with `-v`.
    many_answer: bool,
    timestamps: bool,
    outstanding: bool,
    filter: Filter,
    tcp_port: Option<u16>,
    names: Namer,
    /// The first target's address (the only one whose lines are printed).
    first_addr: IpAddr,
    /// The first target's IPv6 zone (`fe80::1%eth0`), shown with its link-local addresses.
    zone: Option<String>,
    /// Text waiting to be written: written whenever no event is waiting.
    pending: String,
    /// When `pending` was last written (a flood's dots are written in batches).
    written_at: Instant,
    summaries: Vec<Summary>,
    /// TCP: replies per target that were a reset (host up, port closed), for the table.
    refused: HashMap<Arc<str>, u64>,
    /// Many targets in text: the view while probing.
    board: Option<Board>,
}

/// How long a flood's dots may wait before they are written.
const DOTS_EVERY: Duration = Duration::from_millis(50);

impl<'o> Renderer<'o> {
    /// A renderer for `config`, whose first target resolved to `first_addr`.
    pub fn new(config: &Config, first_addr: IpAddr, out: &'o mut Output) -> Self {
        let any_name = config.hosts.iter().any(|h| h.literal.is_none());
        Self {
            out,
            many: config.many,
            flood: config.flood,
            back_to_back: config.interval.is_zero(),
            many_answer: config.broadcast || first_addr.is_multicast(),
            timestamps: config.timestamps,
            outstanding: config.outstanding,
            filter: config.filter,
            tcp_port: config.tcp_port,
            names: Namer {
                enabled: any_name && !config.numeric && config.tcp_port.is_none(),
                cache: HashMap::new(),
            },
            first_addr,
            zone: None,
            pending: String::new(),
            written_at: Instant::now(),
            summaries: Vec::new(),
            refused: HashMap::new(),
            board: None,
        }
    }

    /// The zone the first target was given with: its link-local addresses are shown with it,
    /// as ping shows them (`64 bytes from fe80::1%eth0: ...`).
    pub fn set_zone(&mut self, zone: Option<String>) {
        self.zone = zone;
    }

    /// An address as the lines show it: a link-local IPv6 address with the target's zone.
    fn addr_text(&self, ip: IpAddr) -> String {
        match (&self.zone, ip) {
            (Some(zone), IpAddr::V6(v6)) if v6.is_unicast_link_local() => format!("{v6}%{zone}"),
            _ => ip.to_string(),
        }
    }

    /// Show a many-target text run while it probes: `targets` (name, address) in order, and
    /// how many probes it sends in all (`None`: until stopped), for the progress line.
    pub fn live(&mut self, targets: &[(Arc<str>, IpAddr)], probes: Option<u64>) {
        if !self.many || self.out.is_json() {
            return;
        }
        let streams = !self.out.quiet() && self.filter == Filter::All;
        let mode = live::mode_for(targets.len(), self.out.terminal_rows(), streams);
        let progress = match mode {
            Mode::Screen => None,
            Mode::Lines | Mode::Quiet => progress::line(self.out, probes, "probes"),
        };
        self.board = Some(Board::new(mode, targets, progress));
    }

    /// The output, for messages before the run.
    pub fn out(&mut self) -> &mut Output {
        self.out
    }

    fn single_text(&self) -> bool {
        !self.many && !self.out.is_json()
    }

    /// One line per reply, error and (-O) missing answer.
    fn lines(&self) -> bool {
        self.single_text() && !self.out.quiet() && !self.flood
    }

    /// ping -f's dots: one per probe, taken back by each answer.
    fn dots(&self) -> bool {
        self.flood && self.single_text() && !self.out.quiet()
    }

    /// Whether a reply or an error may need a name looked up: then the events go through
    /// [`Renderer::run`], which looks names up off the runtime's thread; otherwise each event
    /// is rendered where it happens, with [`Renderer::render`].
    #[must_use]
    pub fn looks_up_names(&self) -> bool {
        self.names.enabled && self.lines()
    }

    /// Whether `event` changes the output: a flood or a quiet run has no use for most of them.
    #[must_use]
    pub fn wants(&self, event: &Event) -> bool {
        match event {
            Event::Sent(_) => {
                self.dots() || (self.outstanding && self.lines()) || self.board.is_some()
            }
            Event::Reply(_) | Event::IcmpError(_) => {
                self.lines()
                    || self.dots()
                    || (self.out.is_json() && !self.out.quiet())
                    || self.board.is_some()
            }
            _ => true,
        }
    }

    /// Render one event, showing addresses as they are (no lookup).
    pub fn render(&mut self, event: Event) -> Result<()> {
        self.event(event, None)?;
        if !self.pending.is_empty() && (!self.dots() || self.written_at.elapsed() >= DOTS_EVERY) {
            self.write_pending()?;
            self.out.flush()?;
            self.written_at = Instant::now();
        }
        Ok(())
    }

    /// The line ping prints before the first probe (one target, text).
    pub fn header(&mut self, name: &str, size: u16, source: Option<&Source>) -> Result<()> {
        if !self.single_text() {
            return Ok(());
        }
        let text = match self.tcp_port {
            Some(port) => format!(
                "TCP PING {name} ({}) port {port}.\n",
                self.addr_text(self.first_addr)
            ),
            None => header(
                name,
                &self.addr_text(self.first_addr),
                self.first_addr.is_ipv4(),
                size,
                source,
            ),
        };
        self.out.write_text(&text)?;
        self.out.flush()
    }

    /// Render every event until the engine is done; the run's outcome.
    pub async fn run(
        mut self,
        mut events: mpsc::UnboundedReceiver<Event>,
        mut interrupted: watch::Receiver<bool>,
    ) -> Result<Outcome> {
        loop {
            let event = match events.try_recv() {
                Ok(event) => event,
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) => {
                    self.write_pending()?;
                    self.out.flush()?;
                    match events.recv().await {
                        Some(event) => event,
                        None => break,
                    }
                }
            };
            let from = match &event {
                Event::Reply(r) if r.state.is_none() => Some(r.from),
                Event::IcmpError(e) => Some(e.from),
                _ => None,
            };
            let shown = match from {
                Some(addr) if self.lines() => Some(self.names.show(addr, &mut interrupted).await),
                _ => None,
            };
            self.event(event, shown)?;
        }
        self.finish()
    }

    fn write_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.pending);
        self.out.write_text(&text)
    }

    /// Render one event; `shown` is how the address that answered is shown (`None`: as it is).
    fn event(&mut self, event: Event, shown: Option<String>) -> Result<()> {
        let streamed = matches!(
            event,
            Event::Reply(_) | Event::Timeout(_) | Event::IcmpError(_) | Event::Failed(_)
        );
        if streamed && self.out.is_json() {
            if !self.out.quiet() {
                self.out.json_record(&event)?;
            }
            return Ok(());
        }
        if let Some(board) = &mut self.board {
            if let Some(line) = board.event(&event) {
                self.pending.push_str(&line);
                self.pending.push('\n');
            }
            let refused = self.tcp_port.map(|_| &self.refused);
            if let Some(screen) = board.redraw(refused) {
                self.pending.push_str(&screen);
            }
        }
        let prefix = timestamp_prefix(self.timestamps);
        let kind = if self.tcp_port.is_some() {
            "tcp"
        } else {
            "icmp"
        };
        match event {
            Event::Summary(summary) => self.summaries.push(summary),
            Event::SendFailed(f) => self
                .out
                .debug(format_args!("ping: send to {}: {}", f.dest, f.error)),
            Event::Corrupt(c) => self.out.debug(format_args!(
                "ping: reply from {} with a bad checksum, ignored",
                c.from
            )),
            Event::Sent(s) => {
                if s.previous_pending && self.outstanding && self.lines() && kind == "icmp" {
                    let prev = s.seq.wrapping_sub(1);
                    let _ = writeln!(self.pending, "{prefix}no answer yet for icmp_seq={prev}");
                }
                if self.dots() {
                    self.pending.push('.');
                }
            }
            Event::Timeout(t) => {
                // A TCP probe is reported when its wait ends (one connection at a time).
                if kind == "tcp" && self.outstanding && self.lines() {
                    let _ = writeln!(self.pending, "{prefix}no answer yet for tcp_seq={}", t.seq);
                }
            }
            Event::Reply(r) => {
                let time = ping_stats::format_rtt(r.rtt_us);
                if let (Some(port), Some(state)) = (self.tcp_port, r.state) {
                    let closed = state == TcpState::Closed;
                    if closed && !r.dup {
                        *self.refused.entry(Arc::clone(&r.target)).or_default() += 1;
                    }
                    if self.lines() {
                        let _ = writeln!(
                            self.pending,
                            "{prefix}reply from {} port {port}: tcp_seq={} {} time={time} ms",
                            r.from,
                            r.seq,
                            if closed { "closed (refused)" } else { "open" }
                        );
                    }
                } else if self.dots() {
                    if !r.dup {
                        self.pending.push('\u{8}');
                    }
                } else if self.lines() {
                    let shown = shown.unwrap_or_else(|| self.addr_text(r.from));
                    let ttl = r.ttl.map_or_else(String::new, |t| format!(" ttl={t}"));
                    let marked = r.dup && (!self.many_answer || self.out.verbose() > 0);
                    let dup = if marked { " (DUP!)" } else { "" };
                    let _ = write!(
                        self.pending,
                        "{prefix}{} bytes from {shown}: icmp_seq={}{ttl}",
                        r.bytes, r.seq
                    );
                    match &r.data {
                        // As ping: an answer shorter than the probe says so in place of its
                        // time (which still counts in the statistics).
                        EchoData::Truncated => self.pending.push_str(" (truncated)\n"),
                        data => {
                            let _ = write!(self.pending, " time={time} ms{dup}");
                            if let EchoData::Wrong(wrong) = data {
                                self.pending.push_str(&wrong_data_text(wrong));
                            }
                            self.pending.push('\n');
                        }
                    }
                }
            }
            Event::IcmpError(e) => {
                if self.dots() {
                    self.pending.push('E');
                } else if self.lines() {
                    let shown = shown.unwrap_or_else(|| self.addr_text(e.from));
                    let error = self.out.paint(&e.error, Paint::Bad);
                    let _ = writeln!(
                        self.pending,
                        "{prefix}From {shown} icmp_seq={} {error}",
                        e.seq
                    );
                }
            }
            Event::Failed(f) => {
                if self.lines() {
                    let error = self.out.paint(&f.error, Paint::Bad);
                    let _ = writeln!(
                        self.pending,
                        "{prefix}From {} {kind}_seq={} {error}",
                        self.first_addr, f.seq
                    );
                }
            }
        }
        Ok(())
    }

    /// The closing output: ping's statistics for one target, or the rows of many.
    pub fn finish(mut self) -> Result<Outcome> {
        self.write_pending()?;
        if let Some(board) = &mut self.board {
            let mut text = board.erase();
            if board.mode() == Mode::Lines && self.filter == Filter::All {
                // The closing table apart from the lines of the run.
                text.push('\n');
            }
            self.out.write_text(&text)?;
        }
        if self.many {
            let all_answered = self.summaries.iter().all(|s| s.received > 0);
            let refused = self.tcp_port.map(|_| self.refused);
            print_many(self.out, self.filter, self.summaries, refused.as_ref())?;
            return Ok(Outcome::from_bool(all_answered));
        }
        let Some(summary) = self.summaries.into_iter().next() else {
            return Ok(Outcome::from_bool(false));
        };
        let answered = summary.received > 0;
        if self.out.is_json() {
            self.out.json_record(&Event::Summary(summary))?;
        } else {
            // ping shows ipg/ewma when probes went back to back (a flood or -i 0).
            let ipg = if self.flood || self.back_to_back {
                summary.ipg_us
            } else {
                None
            };
            let text = crate::output::palette::scoped(self.out.color(), || {
                summary_text(&summary.target, &summary.stats, summary.time_ms, ipg)
            });
            self.out.write_text(&text)?;
            self.out.flush()?;
        }
        Ok(Outcome::from_bool(answered))
    }
}

/// A name for an address in reply lines: `name (addr)` when the user gave a name and `-n` is
/// off, else the address.
struct Namer {
    enabled: bool,
    cache: HashMap<IpAddr, String>,
}

impl Namer {
    async fn show(&mut self, addr: IpAddr, interrupted: &mut watch::Receiver<bool>) -> String {
        if !self.enabled {
            return addr.to_string();
        }
        if let Some(shown) = self.cache.get(&addr) {
            return shown.clone();
        }
        if *interrupted.borrow() {
            return addr.to_string();
        }
        let lookup = tokio::task::spawn_blocking(move || crate::net::host::getnameinfo(addr));
        let stop = async {
            if interrupted.wait_for(|stopped| *stopped).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        let name = tokio::select! {
            joined = lookup => joined.ok().and_then(std::result::Result::ok),
            () = stop => return addr.to_string(),
        };
        let shown = match name {
            Some(name) if name != addr.to_string() => format!("{name} ({addr})"),
            _ => addr.to_string(),
        };
        self.cache.insert(addr, shown.clone());
        shown
    }
}

fn timestamp_prefix(enabled: bool) -> String {
    if !enabled {
        return String::new();
    }
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    format!("[{}.{:06}] ", now.as_secs(), now.subsec_micros())
}

/// The header line ping prints before the first probe.
fn header(name: &str, addr: &str, v4: bool, size: u16, source: Option<&Source>) -> String {
    let from = match source {
        None => String::new(),
        Some(Source::Address(a)) => format!("from {a} : "),
        Some(Source::Device(d)) => format!("from {d}: "),
    };
    if v4 {
        format!(
            "PING {name} ({addr}) {from}{size}({}) bytes of data.\n",
            u32::from(size) + 28
        )
    } else {
        format!("PING {name}({addr}) {from}{size} data bytes\n")
    }
}

/// What ping prints after the reply line when the payload came back changed: the first byte
/// that differs, then the payload in rows of 32 bytes in bare hex, each row headed by its
/// offset. ping's payload starts with its send time, so it compares and dumps from byte 16
/// on; ours has no timestamp, so a byte before 16 is caught too, and then the dump starts at 0.
fn wrong_data_text(wrong: &WrongData) -> String {
    let start = if wrong.offset >= 16 { 16 } else { 0 };
    let mut text = format!(
        "\nwrong data byte #{} should be 0x{:x} but was 0x{:x}",
        wrong.offset, wrong.expected, wrong.got
    );
    for (i, byte) in wrong.received.iter().enumerate().skip(start) {
        if i == start || i % 32 == 16 {
            let _ = write!(text, "\n#{i}\t");
        }
        let _ = write!(text, "{byte:x} ");
    }
    text
}

/// ping's closing lines for one target.
fn summary_text(name: &str, stats: &RttStats, time_ms: u64, flood_ipg: Option<u64>) -> String {
    let mut text = format!(
        "\n--- {name} ping statistics ---\n{} packets transmitted, {} received",
        stats.transmitted, stats.received
    );
    if stats.duplicates > 0 {
        let _ = write!(text, ", +{} duplicates", stats.duplicates);
    }
    if stats.errors > 0 {
        let _ = write!(text, ", +{} errors", stats.errors);
    }
    let _ = writeln!(
        text,
        ", {} packet loss, time {time_ms}ms",
        crate::output::paint(
            format_args!("{}%", ping_stats::format_g(stats.loss_pct())),
            Paint::for_loss(stats.loss_pct())
        )
    );
    // As ping: the closing line holds what applies of rtt, pipe and ipg/ewma, and is printed
    // (empty) even when none does, so the output ends with a blank line after a total loss.
    let mut comma = "";
    if let Some(s) = stats.summary() {
        comma = ", ";
        let _ = write!(
            text,
            "rtt min/avg/max/mdev = {}/{}/{}/{} ms",
            ping_stats::format_ms3(s.min_us),
            ping_stats::format_ms3(s.avg_us),
            ping_stats::format_ms3(s.max_us),
            ping_stats::format_ms3(s.mdev_us)
        );
    }
    if stats.pipe > 1 {
        let _ = write!(text, "{comma}pipe {}", stats.pipe);
        comma = ", ";
    }
    if let (Some(ipg), true) = (flood_ipg, stats.received > 0) {
        let _ = write!(
            text,
            "{comma}ipg/ewma {}/{} ms",
            ping_stats::format_ms3(ipg),
            ping_stats::format_ms3(stats.ewma_us())
        );
    }
    text.push('\n');
    text
}

/// Print the per-target results of a many-target run: a table, or names only with -a / -u.
/// `refused` (TCP): how many replies of each target were a reset, shown in a REFUSED column.
fn print_many(
    out: &mut Output,
    filter: Filter,
    summaries: Vec<Summary>,
    refused: Option<&HashMap<Arc<str>, u64>>,
) -> Result<()> {
    let keep = |s: &Summary| match filter {
        Filter::All => true,
        Filter::Alive => s.received > 0,
        Filter::Unreachable => s.received == 0,
    };
    if out.is_json() {
        for summary in summaries.into_iter().filter(keep) {
            out.json_record(&Event::Summary(summary))?;
        }
        return Ok(());
    }
    if filter != Filter::All {
        let mut text = String::new();
        for summary in summaries.iter().filter(|s| keep(s)) {
            text.push_str(&summary.target);
            text.push('\n');
        }
        out.write_text(&text)?;
        return out.flush();
    }
    let top_us = scale_top(&summaries);
    let header = row_header(refused.is_some(), top_us);
    if !out.color() {
        return write_plain_rows(out, &header, &summaries, refused, top_us);
    }
    let mut table = crate::output::table(header.clone());
    let loss = header.iter().position(|h| *h == "LOSS").unwrap_or(4);
    for s in &summaries {
        let role = Paint::for_loss(s.loss_pct);
        let cells = row_cells(s, refused, top_us)
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                if i == loss {
                    crate::output::palette::cell_if(true, text, role)
                } else {
                    text.into()
                }
            });
        table.add_row(cells.collect::<Vec<comfy_table::Cell>>());
    }
    out.write_text(&format!("{table}\n"))?;
    out.flush()
}

/// The top of the round-trip scale every row's sparkline shares: the slowest round trip of
/// all rows.
fn scale_top(summaries: &[Summary]) -> u64 {
    summaries
        .iter()
        .flat_map(|s| s.rtts_us.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
}

/// The many-target table's header; a TCP run has a REFUSED column (host up, port closed). The
/// sparkline's column names the scale its bars share (`█` is the top).
fn row_header(refused: bool, top_us: u64) -> Vec<String> {
    let mut header = vec!["TARGET", "ADDRESS", "SENT", "RECV"];
    if refused {
        header.push("REFUSED");
    }
    header.extend(["LOSS", "MIN ms", "AVG ms", "MAX ms"]);
    let mut header: Vec<String> = header.into_iter().map(String::from).collect();
    header.push(format!("RTTS 0-{} ms", ping_stats::format_ms3(top_us)));
    header
}

/// The cells of one target's row, in [`row_header`]'s order.
fn row_cells(s: &Summary, refused: Option<&HashMap<Arc<str>, u64>>, top_us: u64) -> Vec<String> {
    let fmt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"));
    let mut cells = vec![
        s.target.to_string(),
        s.address.to_string(),
        s.transmitted.to_string(),
        s.received.to_string(),
    ];
    if let Some(refused) = refused {
        cells.push(refused.get(&s.target).copied().unwrap_or(0).to_string());
    }
    cells.extend([
        format!("{}%", ping_stats::format_g(s.loss_pct)),
        fmt(s.min_ms),
        fmt(s.avg_ms),
        fmt(s.max_ms),
        ping_stats::sparkline_to(&s.rtts_us, top_us),
    ]);
    cells
}

/// The same table as [`crate::output::table`] draws without colour (each column as wide as its
/// widest cell, then two spaces), written row by row: a sweep of 65,534 targets would
/// otherwise hold a table of half a million cells before printing a line.
fn write_plain_rows(
    out: &mut Output,
    header: &[String],
    summaries: &[Summary],
    refused: Option<&HashMap<Arc<str>, u64>>,
    top_us: u64,
) -> Result<()> {
    let widths = column_widths(
        header,
        summaries.iter().map(|s| row_cells(s, refused, top_us)),
    );
    let mut line = String::new();
    push_row(&mut line, header, &widths);
    out.write_text(&line)?;
    for s in summaries {
        line.clear();
        push_row(&mut line, &row_cells(s, refused, top_us), &widths);
        out.write_text(&line)?;
    }
    out.flush()
}

/// The table without colour as one text, for the live view (as many rows as the terminal
/// holds).
pub(super) fn plain_table(
    summaries: &[Summary],
    refused: Option<&HashMap<Arc<str>, u64>>,
) -> String {
    let top_us = scale_top(summaries);
    let header = row_header(refused.is_some(), top_us);
    let widths = column_widths(
        &header,
        summaries.iter().map(|s| row_cells(s, refused, top_us)),
    );
    let mut text = String::new();
    push_row(&mut text, &header, &widths);
    for s in summaries {
        push_row(&mut text, &row_cells(s, refused, top_us), &widths);
    }
    text
}

/// Each column's width: its widest cell.
fn column_widths(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> Vec<usize> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for cells in rows {
        for (w, cell) in widths.iter_mut().zip(cells) {
            *w = (*w).max(cell.chars().count());
        }
    }
    widths
}

/// The table of `count` targets without colour, each row made by `summary` when it is
/// written (three passes: the scale, the widths, the rows), so that a sweep keeps its compact
/// rows and never a summary per target.
pub(super) fn write_rows_of(
    out: &mut Output,
    count: usize,
    summary: &dyn Fn(usize) -> Summary,
) -> Result<()> {
    let top_us = (0..count)
        .filter_map(|i| summary(i).rtts_us.iter().flatten().copied().max())
        .max()
        .unwrap_or(0);
    let header = row_header(false, top_us);
    let widths = column_widths(
        &header,
        (0..count).map(|i| row_cells(&summary(i), None, top_us)),
    );
    let mut line = String::new();
    push_row(&mut line, &header, &widths);
    for i in 0..count {
        push_row(&mut line, &row_cells(&summary(i), None, top_us), &widths);
        if line.len() > 64 * 1024 {
            out.write_text(&line)?;
            line.clear();
        }
    }
    out.write_text(&line)?;
    out.flush()
}

/// One row, each cell padded to its column's width and two spaces, and no space at the end
/// of the line (as the drawn table).
fn push_row(line: &mut String, cells: &[String], widths: &[usize]) {
    let start = line.len();
    for (cell, width) in cells.iter().zip(widths) {
        line.push_str(cell);
        let pad = width - cell.chars().count() + 2;
        line.extend(std::iter::repeat_n(' ', pad));
    }
    let end = start + line[start..].trim_end_matches(' ').len();
    line.truncate(end);
    line.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_like_ping() {
        let v4: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(
            header("localhost", "127.0.0.1", true, 56, None),
            "PING localhost (127.0.0.1) 56(84) bytes of data.\n"
        );
        assert_eq!(
            header("::1", "::1", false, 56, None),
            "PING ::1(::1) 56 data bytes\n"
        );
        assert_eq!(
            header("fe80::b%eth0", "fe80::b%eth0", false, 56, None),
            "PING fe80::b%eth0(fe80::b%eth0) 56 data bytes\n"
        );
        assert_eq!(
            header(
                "127.0.0.1",
                "127.0.0.1",
                true,
                10,
                Some(&Source::Address(v4))
            ),
            "PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 : 10(38) bytes of data.\n"
        );
    }

    #[test]
    fn summary_lines_like_ping() {
        let mut s = RttStats::default();
        for rtt in [237, 39] {
            s.sent();
            s.reply(rtt, false);
        }
        assert_eq!(
            summary_text("127.0.0.1", &s, 204, None),
            "\n--- 127.0.0.1 ping statistics ---\n\
             2 packets transmitted, 2 received, 0% packet loss, time 204ms\n\
             rtt min/avg/max/mdev = 0.039/0.138/0.237/0.099 ms\n"
        );
        s.reply(100, true);
        s.sent();
        s.sent();
        s.error();
        assert_eq!(
            summary_text("h", &s, 3000, Some(1500)),
            "\n--- h ping statistics ---\n\
             4 packets transmitted, 2 received, +1 duplicates, +1 errors, 50% packet loss, time 3000ms\n\
             rtt min/avg/max/mdev = 0.039/0.125/0.237/0.083 ms, ipg/ewma 1.500/0.198 ms\n"
        );
        let mut lost = RttStats::default();
        lost.sent();
        assert_eq!(
            summary_text("h", &lost, 1000, None),
            "\n--- h ping statistics ---\n\
             1 packets transmitted, 0 received, 100% packet loss, time 1000ms\n\n"
        );
        lost.sent();
        lost.answered_with(2);
        assert_eq!(
            summary_text("h", &lost, 1000, Some(500)),
            "\n--- h ping statistics ---\n\
             2 packets transmitted, 0 received, 100% packet loss, time 1000ms\npipe 2\n"
        );
    }

    use std::sync::Arc;

    use crate::net::privilege::Method;
    use crate::output::Format;
    use crate::probe::Quoted;
    use crate::probe::event::{IcmpError, Reply, Sent, Timeout};

    fn config(argv: &[&str]) -> Config {
        let args: super::super::Args = crate::cli::parse_args("ping", argv).unwrap();
        Config::try_from(args).unwrap()
    }

    /// Render `events` for `argv` in `format`; stdout.
    fn render(argv: &[&str], format: Format, events: Vec<Event>) -> (String, Outcome) {
        let config = config(argv);
        let addr = config.hosts[0].literal.unwrap();
        let (mut out, stdout, _) = Output::capture(format);
        let runtime = crate::runtime::current_thread().unwrap();
        let outcome = runtime
            .block_on(async {
                let (tx, rx) = mpsc::unbounded_channel();
                let (_stop, stopped) = watch::channel(false);
                for event in events {
                    tx.send(event).unwrap();
                }
                drop(tx);
                let mut renderer = Renderer::new(&config, addr, &mut out);
                renderer.header(&config.hosts[0].name, config.size, None)?;
                renderer.run(rx, stopped).await
            })
            .unwrap();
        (stdout.contents(), outcome)
    }

    fn name() -> Arc<str> {
        Arc::from("10.0.0.2")
    }

    fn sent(seq: u16, previous_pending: bool) -> Event {
        Event::Sent(Sent {
            target: name(),
            seq,
            previous_pending,
        })
    }

    fn reply(seq: u16, rtt_us: u64, dup: bool) -> Event {
        Event::Reply(Reply {
            target: name(),
            seq,
            from: "10.0.0.2".parse().unwrap(),
            ttl: Some(64),
            bytes: 64,
            data: EchoData::Intact,
            rtt_us,
            dup,
            state: None,
        })
    }

    fn summary(rtts_us: &[Option<u64>]) -> Event {
        let mut stats = RttStats::default();
        for rtt in rtts_us {
            stats.sent();
            if let Some(rtt) = rtt {
                stats.reply(*rtt, false);
            }
        }
        Event::Summary(Summary::new(
            name(),
            "10.0.0.2".parse().unwrap(),
            stats,
            rtts_us.to_vec(),
            1001,
            Method::Raw,
            Some(500),
        ))
    }

    fn ttl_exceeded(seq: u16) -> Event {
        Event::IcmpError(IcmpError {
            target: name(),
            seq,
            from: "10.0.0.1".parse().unwrap(),
            error: "Time to live exceeded".into(),
            icmp_type: 11,
            icmp_code: 0,
            quoted: Quoted {
                dest: "10.0.0.2".parse().unwrap(),
                ident: None,
                seq,
            },
            rtt_us: 0,
        })
    }

    #[test]
    fn one_target_text_is_pings() {
        let events = vec![
            sent(1, false),
            reply(1, 1234, false),
            reply(1, 1300, true),
            sent(2, false),
            ttl_exceeded(2),
            sent(3, false),
            sent(4, true),
            Event::Timeout(Timeout {
                target: name(),
                seq: 3,
            }),
            summary(&[Some(1234), None, None, None]),
        ];
        let (text, outcome) = render(&["-n", "-O", "10.0.0.2"], Format::Text, events);
        assert_eq!(
            text,
            "PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n\
             64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=1.23 ms\n\
             64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=1.30 ms (DUP!)\n\
             From 10.0.0.1 icmp_seq=2 Time to live exceeded\n\
             no answer yet for icmp_seq=3\n\
             \n--- 10.0.0.2 ping statistics ---\n\
             4 packets transmitted, 1 received, 75% packet loss, time 1001ms\n\
             rtt min/avg/max/mdev = 1.234/1.234/1.234/0.000 ms\n"
        );
        assert_eq!(outcome.code(), 0);
    }

    /// A reply to `seq` whose payload came back as `data`, `bytes` long.
    fn changed_reply(seq: u16, bytes: usize, data: EchoData) -> Event {
        let Event::Reply(r) = reply(seq, 297, false) else {
            unreachable!()
        };
        Event::Reply(Reply { bytes, data, ..r })
    }

    #[test]
    fn changed_payloads_are_reported_as_pings() {
        let sent: Vec<u8> = (0..56).collect();
        let mut wrong = sent.clone();
        wrong[20] = 0xeb;
        let mut early = sent.clone();
        early[3] = 0;
        let events = vec![
            changed_reply(1, 64, EchoData::check(&sent, &wrong)),
            changed_reply(2, 28, EchoData::check(&sent, &sent[..20])),
            changed_reply(3, 1408, EchoData::Intact),
            changed_reply(4, 64, EchoData::check(&sent, &early)),
            summary(&[Some(297), Some(297), Some(297), Some(297)]),
        ];
        let (text, _) = render(&["-n", "10.0.0.2"], Format::Text, events.clone());
        // iputils ping's lines for the same replies, byte for byte (the last one excepted: ping
        // keeps its send time in bytes 0-15 and does not compare them).
        assert_eq!(
            text.split("\n\n---").next().unwrap(),
            "PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n\
             64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.297 ms\n\
             wrong data byte #20 should be 0x14 but was 0xeb\n\
             #16\t10 11 12 13 eb 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f \n\
             #48\t30 31 32 33 34 35 36 37 \n\
             28 bytes from 10.0.0.2: icmp_seq=2 ttl=64 (truncated)\n\
             1408 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time=0.297 ms\n\
             64 bytes from 10.0.0.2: icmp_seq=4 ttl=64 time=0.297 ms\n\
             wrong data byte #3 should be 0x3 but was 0x0\n\
             #0\t0 1 2 0 4 5 6 7 8 9 a b c d e f \n\
             #16\t10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f \n\
             #48\t30 31 32 33 34 35 36 37 "
        );
        let (json, _) = render(&["-n", "10.0.0.2"], Format::Json, events);
        let lines: Vec<&str> = json.lines().collect();
        assert!(
            lines[0].ends_with(
                r#""bytes":64,"wrong_data":{"offset":20,"expected":20,"got":235},"rtt_ms":0.297,"dup":false}"#
            ),
            "{json}"
        );
        assert!(
            lines[1].ends_with(r#""bytes":28,"truncated":true,"rtt_ms":0.297,"dup":false}"#),
            "{json}"
        );
        assert!(
            lines[2].ends_with(r#""bytes":1408,"rtt_ms":0.297,"dup":false}"#),
            "{json}"
        );
    }

    #[test]
    fn flood_text_is_dots_and_the_summary_has_ipg() {
        let events = vec![
            sent(1, false),
            reply(1, 40, false),
            sent(2, false),
            ttl_exceeded(2),
            sent(3, false),
            summary(&[Some(40), None, None]),
        ];
        let (text, _) = render(&["-f", "10.0.0.2"], Format::Text, events);
        let (dots, stats) = text.split_once('\n').unwrap().1.split_once('\n').unwrap();
        assert_eq!(dots, ".\u{8}.E.");
        assert!(
            stats.ends_with(
                "rtt min/avg/max/mdev = 0.040/0.040/0.040/0.000 ms, ipg/ewma 0.500/0.040 ms\n"
            ),
            "{stats}"
        );
    }

    #[test]
    fn json_is_the_events_and_a_summary() {
        let events = vec![
            sent(1, false),
            reply(1, 1500, false),
            sent(2, false),
            Event::Timeout(Timeout {
                target: name(),
                seq: 2,
            }),
            summary(&[Some(1500), None]),
        ];
        let (text, outcome) = render(&["10.0.0.2"], Format::Json, events);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(
            lines[0],
            r#"{"type":"reply","target":"10.0.0.2","seq":1,"from":"10.0.0.2","ttl":64,"bytes":64,"rtt_ms":1.5,"dup":false}"#
        );
        assert_eq!(
            lines[1],
            r#"{"type":"timeout","target":"10.0.0.2","seq":2}"#
        );
        assert!(
            lines[2].starts_with(r#"{"type":"summary","schema_version":1,"target":"10.0.0.2","address":"10.0.0.2","transmitted":2,"received":1,"#),
            "{}",
            lines[2]
        );
        assert!(
            lines[2].ends_with(r#""method":"raw","rtts_ms":[1.5,null]}"#),
            "{}",
            lines[2]
        );
        assert_eq!(outcome.code(), 0);
    }

    #[test]
    fn plain_rows_are_the_tables_text() {
        let rows = [summary(&[Some(1500), None]), summary(&[None])];
        let summaries: Vec<Summary> = rows
            .into_iter()
            .map(|e| match e {
                Event::Summary(s) => s,
                _ => unreachable!(),
            })
            .collect();
        // Both shapes: ICMP, and TCP with its REFUSED column.
        let refused: HashMap<Arc<str>, u64> = HashMap::from([(summaries[0].target.clone(), 1)]);
        for refused in [None, Some(&refused)] {
            let top = scale_top(&summaries);
            let header = row_header(refused.is_some(), top);
            let mut table = crate::output::table(header.clone());
            for s in &summaries {
                table.add_row(row_cells(s, refused, top));
            }
            let (mut out, stdout, _) = Output::capture(Format::Text);
            write_plain_rows(&mut out, &header, &summaries, refused, top).unwrap();
            assert_eq!(stdout.contents(), format!("{table}\n"));
            assert_eq!(plain_table(&summaries, refused), format!("{table}\n"));
        }
    }

    #[test]
    fn rows_share_one_scale_named_in_the_header() {
        // Two targets 12 µs apart: on one 0-52 µs scale neither spans the full height, as
        // each did when every row was scaled to its own fastest and slowest.
        let rows = [[Some(40), Some(41)], [Some(50), Some(52)]];
        let summaries: Vec<Summary> = rows
            .iter()
            .enumerate()
            .map(|(i, rtts)| match summary(rtts) {
                Event::Summary(mut s) => {
                    s.target = format!("10.0.0.{}", i + 2).into();
                    s
                }
                _ => unreachable!(),
            })
            .collect();
        let text = plain_table(&summaries, None);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("RTTS 0-0.052 ms"), "{text}");
        let bars: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l.split_whitespace().last().unwrap())
            .collect();
        assert_eq!(bars, ["▇▇", "██"], "{text}");
        for bar in bars {
            assert!(
                !(bar.contains('▁') && bar.contains('█')),
                "{bar} spans the full height"
            );
        }
    }

    #[test]
    fn many_targets_unreachable_filter_prints_names() {
        let (text, outcome) = render(
            &["-u", "10.0.0.2", "10.0.0.3"],
            Format::Text,
            vec![summary(&[None])],
        );
        assert_eq!(text, "10.0.0.2\n");
        assert_eq!(outcome.code(), 1);
    }
}
