//! A progress line on stderr for runs that take a while with nothing else to show on the
//! terminal (a sweep of many targets, a file of names to look up). It is drawn only when stderr
//! is a terminal and neither `--json` nor `-q` was given, so a pipe or a log never gets one; it
//! is erased when the run ends.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Output;

/// A progress line counting `unit` (`probes`, `names`) up to `total`, or counting without an
/// end when the total is not known; `None` where no progress line may be drawn.
#[must_use]
pub fn line(out: &Output, total: Option<u64>, unit: &'static str) -> Option<ProgressBar> {
    if out.is_json() || out.quiet() || !std::io::stderr().is_terminal() {
        return None;
    }
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
            "{bar:30} {pos}/{len} {prefix}{msg}, {elapsed}",
        ),
        None => (
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            "{spinner} {pos} {prefix}{msg}, {elapsed}",
        ),
    };
    let style = ProgressStyle::with_template(template).ok()?;
    bar.set_style(style.progress_chars("=> "));
    bar.set_prefix(unit);
    // Drawn on a timer too, so that the elapsed time moves while nothing arrives.
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}
