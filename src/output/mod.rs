//! Where results and diagnostics go.
//!
//! Results go to stdout, diagnostics to stderr. In text mode a report is printed with its
//! `Display` rendering; with `--json` a one-shot report is one pretty-printed JSON document and a
//! stream is NDJSON, one compact object a line, flushed as it is written so that a reader sees
//! each record when it happens. Writers are trait objects so a test can render into a buffer.

pub mod palette;
pub mod progress;
pub mod schema;
mod table;
pub use crate::model::words;

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};

use serde::Serialize;

pub use palette::{Paint, cell, paint};
pub use table::{TextTable, table};

use crate::cli::GlobalArgs;
use crate::error::{Error, Result};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human text.
    Text,
    /// JSON: one document for a one-shot command, NDJSON for a stream.
    Json,
}

/// The printer every command writes through.
pub struct Output {
    format: Format,
    color: bool,
    err_color: bool,
    quiet: bool,
    verbose: u8,
    /// Whether stdout is a terminal (live views redraw in place there).
    terminal: bool,
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
}

impl Output {
    /// An output on the process's stdout and stderr, configured from the global flags.
    #[must_use]
    pub fn from_args(global: &GlobalArgs) -> Self {
        let format = if global.json {
            Format::Json
        } else {
            Format::Text
        };
        let env = palette::ColorEnv::from_process();
        let terminal = io::stdout().is_terminal();
        let color = palette::decide(global.color, format, terminal, env);
        let mut output = Self::new(
            format,
            color,
            global.quiet,
            global.verbose,
            Box::new(io::stdout()),
            Box::new(io::stderr()),
        );
        // Diagnostics follow the same rule for stderr: `--json` keeps stdout plain, not them.
        output.err_color =
            palette::decide(global.color, Format::Text, io::stderr().is_terminal(), env);
        output.terminal = terminal;
        output
    }

    /// An output on any writers (tests render into a [`SharedBuf`]).
    #[must_use]
    pub fn new(
        format: Format,
        color: bool,
        quiet: bool,
        verbose: u8,
        out: Box<dyn Write + Send>,
        err: Box<dyn Write + Send>,
    ) -> Self {
        Self {
            format,
            color,
            err_color: color,
            quiet,
            verbose,
            terminal: false,
            out,
            err,
        }
    }

    /// Whether stdout is a terminal.
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// The height of the terminal on stdout, or `None` when stdout is not a terminal.
    #[must_use]
    pub fn terminal_rows(&self) -> Option<u16> {
        if !self.terminal {
            return None;
        }
        console::Term::stdout().size_checked().map(|(rows, _)| rows)
    }

    /// The chosen format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether `--json` was given.
    #[must_use]
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Whether colour escapes may be written to stdout.
    #[must_use]
    pub fn color(&self) -> bool {
        self.color
    }

    /// Whether `-q` was given.
    #[must_use]
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// How many times `-v` was given.
    #[must_use]
    pub fn verbose(&self) -> u8 {
        self.verbose
    }

    /// Print a one-shot report: its text rendering, or one JSON document with its
    /// `schema_version`.
    pub fn report<R: Serialize + Display + ?Sized>(&mut self, report: &R) -> Result<()> {
        match self.format {
            Format::Text => {
                let text = self.render(report);
                self.write_text(&text)?;
                if !text.is_empty() && !text.ends_with('\n') {
                    self.write_text("\n")?;
                }
            }
            Format::Json => {
                let document = schema::Versioned::new(report);
                serde_json::to_writer_pretty(&mut self.out, &document).map_err(json_error)?;
                self.write_text("\n")?;
            }
        }
        self.flush()
    }

    /// Print one record of a stream: its text rendering as a line, or one NDJSON line.
    /// The output is flushed, so a reader sees the record at once.
    pub fn record<R: Serialize + Display + ?Sized>(&mut self, record: &R) -> Result<()> {
        self.record_unflushed(record)?;
        self.flush()
    }

    /// As [`Output::record`], without the flush: for a stream that flushes itself before each
    /// wait, so that a burst of records takes one write.
    pub fn record_unflushed<R: Serialize + Display + ?Sized>(&mut self, record: &R) -> Result<()> {
        match self.format {
            Format::Text => {
                let text = self.render(record);
                self.write_text(&text)?;
                if !text.ends_with('\n') {
                    self.write_text("\n")?;
                }
            }
            Format::Json => {
                serde_json::to_writer(&mut self.out, record).map_err(json_error)?;
                self.write_text("\n")?;
            }
        }
        Ok(())
    }

    /// Print one record only in JSON mode (NDJSON); text mode prints nothing.
    pub fn json_record<R: Serialize + ?Sized>(&mut self, record: &R) -> Result<()> {
        if self.is_json() {
            serde_json::to_writer(&mut self.out, record).map_err(json_error)?;
            self.write_text("\n")?;
            self.flush()?;
        }
        Ok(())
    }

    /// The text rendering of `value`, coloured by the palette when colour is on.
    #[must_use]
    pub fn render<R: Display + ?Sized>(&self, value: &R) -> String {
        palette::scoped(self.color, || value.to_string())
    }

    /// Write text to stdout as it is (text mode output built by hand).
    pub fn write_text(&mut self, text: &str) -> Result<()> {
        self.write_bytes(text.as_bytes())
    }

    /// Write bytes to stdout as they are (pipe modes, `--raw`).
    pub fn write_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io("write to stdout", e))
    }

    /// Gather stdout into blocks of `capacity` bytes rather than a write a line: for a stream
    /// of many short records whose command flushes where a reader waits (before it waits for
    /// input, and at the end). Everything written before is kept in order.
    pub fn buffer_blocks(&mut self, capacity: usize) {
        let lines = std::mem::replace(&mut self.out, Box::new(io::sink()));
        self.out = Box::new(io::BufWriter::with_capacity(capacity, lines));
    }

    /// Flush stdout.
    pub fn flush(&mut self) -> Result<()> {
        self.out
            .flush()
            .map_err(|e| Error::io("write to stdout", e))
    }

    /// A progress or status line on stderr (`listening on 0.0.0.0:8001`), unless `-q`.
    pub fn note(&mut self, message: impl Display) {
        if !self.quiet {
            self.stderr_line(format_args!("{message}"));
        }
    }

    /// A detail on stderr shown only with `-v` (which socket, which server).
    pub fn debug(&mut self, message: impl Display) {
        if self.verbose > 0 {
            self.stderr_line(format_args!("{message}"));
        }
    }

    /// An error about one item of a stream on stderr (`error: MESSAGE`), shown even with `-q`;
    /// the command goes on with the other items.
    pub fn error_line(&mut self, message: impl Display) {
        self.labelled_line("error:", Paint::Bad, format_args!("{message}"));
    }

    /// A warning on stderr, shown even with `-q`.
    pub fn warn(&mut self, message: impl Display) {
        self.labelled_line("warning:", Paint::Warn, format_args!("{message}"));
    }

    fn labelled_line(&mut self, label: &str, role: Paint, args: std::fmt::Arguments<'_>) {
        let label = palette::paint_if(self.err_color, label, role);
        let line = crate::model::sanitize::escape_message(&args.to_string());
        let _ = writeln!(self.err, "{label} {line}");
        let _ = self.err.flush();
    }

    fn stderr_line(&mut self, args: std::fmt::Arguments<'_>) {
        // Diagnostics quote input (names, paths, peers' words): one escaping policy, so that
        // no line can be split or drive the terminal.
        let line = crate::model::sanitize::escape_message(&args.to_string());
        // A failing stderr has nowhere to be reported; the command carries on.
        let _ = writeln!(self.err, "{line}");
        let _ = self.err.flush();
    }

    /// `text` wrapped in the colour for `paint` when colour is on, else unchanged.
    #[must_use]
    pub fn paint(&self, text: impl Display, paint: Paint) -> String {
        palette::paint_if(self.color, text, paint)
    }
}

/// Append one NDJSON line (`record` and a newline) to `buf`, for output written in bursts.
pub fn ndjson_line<R: Serialize + ?Sized>(buf: &mut Vec<u8>, record: &R) -> Result<()> {
    serde_json::to_writer(&mut *buf, record).map_err(json_error)?;
    buf.push(b'\n');
    Ok(())
}

fn json_error(err: serde_json::Error) -> Error {
    match err.io_error_kind() {
        Some(kind) => Error::io("write to stdout", io::Error::from(kind)),
        None => Error::other(format!("cannot encode JSON: {err}")),
    }
}

/// A cloneable in-memory writer, so tests can read back what an [`Output`] printed.
#[derive(Debug, Clone, Default)]
pub struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    /// Everything written so far, as UTF-8 (lossy).
    #[must_use]
    pub fn contents(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Output {
    /// An output into two in-memory buffers (stdout, stderr), for tests.
    #[must_use]
    pub fn capture(format: Format) -> (Self, SharedBuf, SharedBuf) {
        let (out, err) = (SharedBuf::default(), SharedBuf::default());
        let output = Self::new(
            format,
            false,
            false,
            0,
            Box::new(out.clone()),
            Box::new(err.clone()),
        );
        (output, out, err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Sample {
        name: &'static str,
        rtt_ms: f64,
    }

    impl Display for Sample {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{} {}", self.name, self.rtt_ms)
        }
    }

    #[test]
    fn text_report_ends_with_newline() {
        let (mut out, stdout, _) = Output::capture(Format::Text);
        out.report(&Sample {
            name: "a",
            rtt_ms: 0.041,
        })
        .unwrap();
        assert_eq!(stdout.contents(), "a 0.041\n");
    }

    #[test]
    fn json_record_is_one_line_with_numbers() {
        let (mut out, stdout, _) = Output::capture(Format::Json);
        out.record(&Sample {
            name: "a",
            rtt_ms: 0.041,
        })
        .unwrap();
        out.record(&Sample {
            name: "b",
            rtt_ms: 1.0,
        })
        .unwrap();
        assert_eq!(
            stdout.contents(),
            "{\"name\":\"a\",\"rtt_ms\":0.041}\n{\"name\":\"b\",\"rtt_ms\":1.0}\n"
        );
    }

    #[test]
    fn json_report_is_one_document() {
        let (mut out, stdout, _) = Output::capture(Format::Json);
        out.report(&Sample {
            name: "a",
            rtt_ms: 2.5,
        })
        .unwrap();
        let value: serde_json::Value = serde_json::from_str(&stdout.contents()).unwrap();
        assert_eq!(value["rtt_ms"], 2.5);
    }

    #[test]
    fn reports_are_coloured_only_when_colour_is_on() {
        struct Up;
        impl Display for Up {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&paint("up", Paint::Good))
            }
        }
        impl Serialize for Up {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str("up")
            }
        }
        let (mut plain, stdout, _) = Output::capture(Format::Text);
        plain.report(&Up).unwrap();
        assert_eq!(stdout.contents(), "up\n");
        let out = SharedBuf::default();
        let mut coloured = Output::new(
            Format::Text,
            true,
            false,
            0,
            Box::new(out.clone()),
            Box::new(SharedBuf::default()),
        );
        coloured.report(&Up).unwrap();
        assert_eq!(out.contents(), "\u{1b}[32mup\u{1b}[0m\n");
    }

    #[test]
    fn block_buffer_keeps_order_and_writes_at_flush_or_when_full() {
        let (mut out, stdout, _) = Output::capture(Format::Text);
        let sample = |name| Sample { name, rtt_ms: 1.5 };
        out.record(&sample("before")).unwrap();
        out.buffer_blocks(64);
        out.record_unflushed(&sample("held")).unwrap();
        assert_eq!(stdout.contents(), "before 1.5\n");
        out.flush().unwrap();
        assert_eq!(stdout.contents(), "before 1.5\nheld 1.5\n");
        // A record larger than the block pushes out what was held, then goes out itself.
        let long: &'static str = "x".repeat(80).leak();
        out.record_unflushed(&sample("held")).unwrap();
        out.record_unflushed(&sample(long)).unwrap();
        assert_eq!(
            stdout.contents(),
            format!("before 1.5\nheld 1.5\nheld 1.5\n{long} 1.5")
        );
        out.flush().unwrap();
        assert_eq!(
            stdout.contents(),
            format!("before 1.5\nheld 1.5\nheld 1.5\n{long} 1.5\n")
        );
    }

    #[test]
    fn quiet_suppresses_notes_not_warnings() {
        let (out, err) = (SharedBuf::default(), SharedBuf::default());
        let mut output = Output::new(
            Format::Text,
            false,
            true,
            0,
            Box::new(out),
            Box::new(err.clone()),
        );
        output.note("listening");
        output.warn("careful");
        assert_eq!(err.contents(), "warning: careful\n");
    }
}
