//! Colour by meaning: one small palette every renderer paints with, and the one rule for when
//! colour is on.
//!
//! The rule follows the conventions terminal tools share: `--color never` and `--json` always
//! win; `--color always` colours even into a pipe; with `auto`, a non-empty `NO_COLOR` turns
//! colour off, a `CLICOLOR_FORCE` that is non-empty and not `0` turns it on even into a pipe,
//! `CLICOLOR=0` turns it off, and otherwise colour goes only to a terminal that can show it.
//!
//! Reports render through `Display`, which cannot be handed a flag, so the choice travels in a
//! thread-local set for the length of one rendering ([`scoped`]): [`paint`] and [`cell`] read
//! it, and outside a scope they paint nothing. A renderer that builds text by hand passes the
//! flag itself ([`paint_if`], or [`super::Output::paint`]).

use std::cell::Cell;
use std::fmt::Display;

use comfy_table::{Attribute, Color};

use super::Format;
use crate::cli::ColorChoice;

/// A colour role: what a piece of text means, not how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Headings and labels.
    Bold,
    /// A "yes" answer: up, reply, open, same network, resolved.
    Good,
    /// A "no" answer: down, loss, closed, different network, failed; errors.
    Bad,
    /// Neither yes nor no, or worth a second look: filtered, some loss; warnings.
    Warn,
    /// Secondary detail.
    Dim,
    /// An address (IP or MAC) or a network.
    Address,
}

impl Paint {
    /// The ANSI style of this role.
    #[must_use]
    pub fn style(self) -> anstyle::Style {
        match self {
            Self::Bold => anstyle::Style::new().bold(),
            Self::Good => anstyle::AnsiColor::Green.on_default(),
            Self::Bad => anstyle::AnsiColor::Red.on_default(),
            Self::Warn => anstyle::AnsiColor::Yellow.on_default(),
            Self::Dim => anstyle::Style::new().dimmed(),
            Self::Address => anstyle::AnsiColor::Cyan.on_default(),
        }
    }

    /// The role for a loss percentage: none is good, all is bad, some is a warning.
    #[must_use]
    pub fn for_loss(loss_pct: f64) -> Self {
        if loss_pct <= 0.0 {
            Self::Good
        } else if loss_pct >= 100.0 {
            Self::Bad
        } else {
            Self::Warn
        }
    }

    /// The role for a port's state: open, closed, or anything else (filtered, unreachable).
    #[must_use]
    pub fn for_port_state(state: &str) -> Self {
        match state {
            "open" => Self::Good,
            "closed" => Self::Bad,
            _ => Self::Warn,
        }
    }

    /// The role for an interface's operational state as the kernel names it (`UP`, `DOWN`,
    /// `LOWERLAYERDOWN`, `UNKNOWN` for loopback, ...): up, down, or neither.
    #[must_use]
    pub fn for_link_state(state: &str) -> Self {
        match state.to_ascii_lowercase().as_str() {
            "up" => Self::Good,
            "down" | "lowerlayerdown" | "notpresent" => Self::Bad,
            _ => Self::Dim,
        }
    }

    /// The role for a yes/no answer.
    #[must_use]
    pub fn for_answer(yes: bool) -> Self {
        if yes { Self::Good } else { Self::Bad }
    }
}

/// What the environment says about colour (read by [`ColorEnv::from_process`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColorEnv {
    /// `NO_COLOR` is set and not empty.
    pub no_color: bool,
    /// `CLICOLOR_FORCE` is set, not empty and not `0`.
    pub force: bool,
    /// `CLICOLOR=0`.
    pub clicolor_off: bool,
    /// `TERM` names a terminal that shows colour (not `dumb`).
    pub term_color: bool,
}

impl ColorEnv {
    /// The environment of this process.
    #[must_use]
    pub fn from_process() -> Self {
        Self {
            no_color: anstyle_query::no_color(),
            // The convention is "non-empty and not 0"; anstyle-query counts "0" as forcing.
            force: std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0"),
            clicolor_off: anstyle_query::clicolor() == Some(false),
            term_color: anstyle_query::term_supports_color(),
        }
    }
}

/// Whether to colour a stream: `is_tty` says whether that stream is a terminal.
#[must_use]
pub fn decide(choice: ColorChoice, format: Format, is_tty: bool, env: ColorEnv) -> bool {
    if format == Format::Json {
        return false;
    }
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env.no_color {
                false
            } else if env.force {
                true
            } else {
                !env.clicolor_off && is_tty && env.term_color
            }
        }
    }
}

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
}

/// Run `render` with colour on or off for [`paint`] and [`cell`] on this thread.
pub fn scoped<T>(on: bool, render: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ON.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(ON.with(|c| c.replace(on)));
    render()
}

/// Whether colour is on in the current rendering.
#[must_use]
pub fn on() -> bool {
    ON.with(Cell::get)
}

/// `text` in the colour of `role` when the current rendering is coloured.
#[must_use]
pub fn paint(text: impl Display, role: Paint) -> String {
    paint_if(on(), text, role)
}

/// `text` in the colour of `role` when `color` holds.
#[must_use]
pub fn paint_if(color: bool, text: impl Display, role: Paint) -> String {
    if color {
        let style = role.style();
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// A table cell in the colour of `role` when the current rendering is coloured. The table
/// applies the colour itself, so its columns keep their widths.
#[must_use]
pub fn cell(text: impl Display, role: Paint) -> comfy_table::Cell {
    cell_if(on(), text, role)
}

/// A table cell in the colour of `role` when `color` holds.
#[must_use]
pub fn cell_if(color: bool, text: impl Display, role: Paint) -> comfy_table::Cell {
    let cell = comfy_table::Cell::new(text);
    if !color {
        return cell;
    }
    match role {
        Paint::Bold => cell.add_attribute(Attribute::Bold),
        Paint::Dim => cell.add_attribute(Attribute::Dim),
        Paint::Good => cell.fg(Color::DarkGreen),
        Paint::Bad => cell.fg(Color::DarkRed),
        Paint::Warn => cell.fg(Color::DarkYellow),
        Paint::Address => cell.fg(Color::DarkCyan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let none = ColorEnv {
            term_color: true,
            ..ColorEnv::default()
        };
        let no_color = ColorEnv {
            no_color: true,
            ..none
        };
        let force = ColorEnv {
            force: true,
            ..none
        };
        let both = ColorEnv {
            no_color: true,
            force: true,
            ..none
        };
        let cases = [
            // (choice, format, tty, env, colour)
            (ColorChoice::Always, Format::Json, true, force, false),
            (ColorChoice::Always, Format::Text, false, no_color, true),
            (ColorChoice::Never, Format::Text, true, force, false),
            (ColorChoice::Auto, Format::Text, false, none, false),
            (ColorChoice::Auto, Format::Text, true, none, true),
            (ColorChoice::Auto, Format::Text, true, no_color, false),
            (ColorChoice::Auto, Format::Text, false, force, true),
            (ColorChoice::Auto, Format::Json, false, force, false),
            (ColorChoice::Auto, Format::Text, false, both, false),
            (
                ColorChoice::Auto,
                Format::Text,
                true,
                ColorEnv {
                    clicolor_off: true,
                    ..none
                },
                false,
            ),
            (
                ColorChoice::Auto,
                Format::Text,
                true,
                ColorEnv::default(),
                false,
            ),
        ];
        for (choice, format, tty, env, want) in cases {
            assert_eq!(
                decide(choice, format, tty, env),
                want,
                "{choice:?} {format:?} tty={tty} {env:?}"
            );
        }
    }

    #[test]
    fn paint_only_inside_a_coloured_scope() {
        assert_eq!(paint("up", Paint::Good), "up");
        assert_eq!(
            scoped(true, || paint("up", Paint::Good)),
            "\u{1b}[32mup\u{1b}[0m"
        );
        assert_eq!(scoped(false, || paint("up", Paint::Good)), "up");
        // The scope ends with the rendering, even a nested one.
        scoped(true, || scoped(false, || ()));
        assert_eq!(paint("up", Paint::Bad), "up");
    }

    #[test]
    fn loss_roles() {
        assert_eq!(Paint::for_loss(0.0), Paint::Good);
        assert_eq!(Paint::for_loss(25.0), Paint::Warn);
        assert_eq!(Paint::for_loss(100.0), Paint::Bad);
        assert_eq!(Paint::for_link_state("UP"), Paint::Good);
        assert_eq!(Paint::for_link_state("LOWERLAYERDOWN"), Paint::Bad);
        assert_eq!(Paint::for_link_state("UNKNOWN"), Paint::Dim);
        assert_eq!(Paint::for_port_state("open"), Paint::Good);
        assert_eq!(Paint::for_port_state("closed"), Paint::Bad);
        assert_eq!(Paint::for_port_state("open|filtered"), Paint::Warn);
    }
}
