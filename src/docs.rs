//! Shell completions and man pages, generated from the clap tree ([`crate::help::command`]) so
//! they cannot drift from it. Everything renders into memory first: clap_complete panics when it
//! writes into a closed pipe.

use std::io::Write;

use clap::CommandFactory;
use clap::builder::PossibleValuesParser;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::cmd;
use crate::help::{self, EXIT_NOTE, EXIT_RULE};
use crate::model::dns_name::Rtype;
use crate::output::schema::{self, Kinds};

/// The shells completions are generated for, with the file name each is committed under.
pub const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "nettool.bash"),
    (Shell::Zsh, "_nettool"),
    (Shell::Fish, "nettool.fish"),
    (Shell::Elvish, "nettool.elv"),
    (Shell::PowerShell, "_nettool.ps1"),
];

/// Arguments that take an interface name, as (subcommand, argument id).
pub const INTERFACE_ARGS: [(&str, &str); 3] = [
    ("ping", "interface"),
    ("udp-recv", "iface"),
    ("ifconfig", "interface"),
];

/// Stands for "the interfaces of this host" in a generated script until each shell's own way of
/// listing them replaces it.
const INTERFACES: &str = "__nettool_interfaces__";

/// How each shell lists the interfaces, replacing the stand-in where clap put a value list.
fn interface_lister(shell: Shell) -> Option<(&'static str, &'static str)> {
    match shell {
        // Inside the double quotes of a word list, where bash expands it at completion time.
        Shell::Bash => Some((INTERFACES, "$(command ls /sys/class/net 2>/dev/null)")),
        Shell::Zsh => Some(("(__nettool_interfaces__)", "_net_interfaces")),
        Shell::Fish => Some((
            "\"__nettool_interfaces__\\t''\"",
            "\"(__fish_print_interfaces)\"",
        )),
        _ => None,
    }
}

/// The tree completions are made from: the parsing tree, plus what only completion needs
/// (the record types `resolve -t` takes one at a time, the interfaces of this host).
fn completion_tree(shell: Shell) -> clap::Command {
    let types: Vec<&str> = Rtype::COMMON.to_vec();
    let lists_interfaces = interface_lister(shell).is_some();
    help::unbuilt().mut_subcommands(|sub| {
        let mut sub = sub;
        if sub.get_name() == "resolve" {
            sub = sub.mut_arg("types", |a| {
                a.value_parser(PossibleValuesParser::new(types.clone()))
            });
        }
        for (name, arg) in INTERFACE_ARGS {
            if sub.get_name() == name {
                sub = sub.mut_arg(arg, |a| {
                    if lists_interfaces {
                        a.value_parser(PossibleValuesParser::new([INTERFACES]))
                    } else {
                        a.value_hint(clap::ValueHint::Other)
                    }
                });
            }
        }
        sub
    })
}

/// The completion script for `shell`.
#[must_use]
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut cmd = completion_tree(shell);
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "nettool", &mut buf);
    match interface_lister(shell) {
        Some((from, to)) => {
            let script = String::from_utf8(buf).expect("clap_complete writes UTF-8");
            assert_eq!(
                script.matches(from).count(),
                script.matches(INTERFACES).count(),
                "every stand-in for the interfaces is replaced"
            );
            script.replace(from, to).into_bytes()
        }
        None => buf,
    }
}

/// The commands whose `--json` output has a schema, with what each writes; `version` is
/// `nettool --version --json`.
pub const SCHEMAS: [(&str, Kinds); 16] = [
    ("arping", cmd::arping::json_kinds),
    ("connect", cmd::tcp::connect::json_kinds),
    ("hostname", cmd::hostname::json_kinds),
    ("ifconfig", cmd::ifconfig::json_kinds),
    ("listen", cmd::tcp::listen::json_kinds),
    ("ping", cmd::ping::json_kinds),
    ("portinfo", cmd::portinfo::json_kinds),
    ("resolve", cmd::resolve::json_kinds),
    ("scan", cmd::scan::render::json_kinds),
    ("sniff", cmd::sniff::json_kinds),
    ("sockets", cmd::sockets::json_kinds),
    ("subnet", cmd::subnet::json_kinds),
    ("trace", cmd::trace::render::json_kinds),
    ("udp-recv", cmd::udp::recv::json_kinds),
    ("udp-send", cmd::udp::send::json_kinds),
    ("version", crate::version::json_kinds),
];

/// Every JSON Schema, as (file name under `schemas/`, pretty JSON).
#[must_use]
pub fn schemas() -> Vec<(String, Vec<u8>)> {
    SCHEMAS
        .iter()
        .map(|(command, kinds)| {
            let value = schema::command_schema(command, *kinds);
            let mut text = serde_json::to_string_pretty(&value).expect("a schema is plain JSON");
            text.push('\n');
            (format!("{command}.json"), text.into_bytes())
        })
        .collect()
}

/// The names `nettool man PAGE` takes: `nettool` and every subcommand.
#[must_use]
pub fn page_names() -> Vec<String> {
    let root = help::command();
    std::iter::once("nettool".to_string())
        .chain(
            root.get_subcommands()
                .filter(|s| s.get_name() != "help")
                .map(|s| s.get_name().to_string()),
        )
        .collect()
}

/// Every man page: `nettool.1` and `nettool-<sub>.1` for each subcommand, as (file name, roff).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let root = help::command();
    // The commands' own texts (JSON fields, exit sentences), before the help was attached.
    let mut plain = Cli::command();
    plain.build();
    let mut pages = vec![(
        "nettool.1".to_string(),
        man_page(&root, "nettool", plain.get_after_long_help())?,
    )];
    for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("nettool-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("nettool {}", sub.get_name()));
        let own = plain
            .find_subcommand(sub.get_name())
            .and_then(clap::Command::get_after_long_help);
        pages.push((format!("{name}.1"), man_page(&page, sub.get_name(), own)?));
    }
    Ok(pages)
}

fn man_page(
    cmd: &clap::Command,
    key: &str,
    own: Option<&clap::builder::StyledStr>,
) -> std::io::Result<Vec<u8>> {
    let page = help::page(key).expect("every page has help");
    let man = clap_mangen::Man::new(cmd.clone()).title(cmd.get_name().to_string());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut buf)?;
    }
    let own = own.map(ToString::to_string).unwrap_or_default();
    let (json, own_exit) = help::split_exit_status(&own);
    let schema = schema_note(key);
    if !json.is_empty() || schema.is_some() {
        let title = if schema.is_some() || json.contains("JSON") || json.contains("--json") {
            "JSON OUTPUT"
        } else {
            "NOTES"
        };
        writeln!(buf, ".SH \"{title}\"")?;
        for paragraph in json.split("\n\n").filter(|p| !p.is_empty()) {
            write_paragraph(&mut buf, paragraph)?;
        }
        if let Some(note) = schema {
            writeln!(buf, ".PP\n{}", roff_text(&note))?;
        }
    }
    writeln!(buf, ".SH \"EXIT STATUS\"")?;
    for (code, meaning) in EXIT_RULE {
        writeln!(buf, ".TP\n.B {code}\n{}", roff_text(meaning))?;
    }
    writeln!(buf, ".PP")?;
    if let Some(own) = own_exit {
        writeln!(buf, "{}\n.PP", roff_text(&own))?;
    }
    writeln!(buf, "{}", roff_text(EXIT_NOTE))?;
    writeln!(buf, ".SH EXAMPLES")?;
    for (line, what) in page.examples {
        writeln!(buf, ".TP\n.B {}\n{}", roff_text(line), roff_text(what))?;
    }
    writeln!(buf, ".SH \"SEE ALSO\"")?;
    let refs: Vec<String> = page
        .see_also
        .iter()
        .map(|r| match r.split_once('(') {
            Some((name, section)) => format!(".BR {} ({}", roff_text(name), section),
            None => format!(".B {}", roff_text(r)),
        })
        .collect();
    // `.BR name (1),` on each line but the last.
    for (i, r) in refs.iter().enumerate() {
        let comma = if i + 1 < refs.len() { "," } else { "" };
        writeln!(buf, "{r}{comma}")?;
    }
    man.render_version_section(&mut buf)?;
    Ok(buf)
}

/// What a man page says about `schema_version` and the JSON Schema of its command's output.
fn schema_note(key: &str) -> Option<String> {
    let version = schema::SCHEMA_VERSION;
    if key == "nettool" {
        return Some(format!(
            "Every JSON document and every summary record has \"schema_version\": {version}, \
             which changes only when a field is removed or changes meaning. The JSON Schema of \
             each command's output is schemas/COMMAND.json in the source tree."
        ));
    }
    SCHEMAS.iter().any(|(name, _)| *name == key).then(|| {
        format!(
            "Every document and summary record has \"schema_version\": {version}. The JSON \
             Schema of this output (each record matches exactly one of its kinds) is \
             schemas/{key}.json in the source tree."
        )
    })
}

/// One paragraph of a command's JSON text: after a first line that ends with a colon, each line
/// is a list item; a sentence that names a list (`HEAD: a, b (c, d), e`) becomes its head and
/// one item per entry.
fn write_paragraph(buf: &mut Vec<u8>, paragraph: &str) -> std::io::Result<()> {
    let first = paragraph.lines().next().unwrap_or_default();
    if first.trim_end().ends_with(':') && paragraph.lines().count() > 1 {
        writeln!(buf, ".PP\n{}", roff_text(first.trim()))?;
        for line in paragraph.lines().skip(1) {
            writeln!(buf, ".IP \\(bu 2\n{}", roff_text(line.trim()))?;
        }
        return Ok(());
    }
    let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    for sentence in split_top_level(&text, ". ") {
        let sentence = sentence.trim();
        if sentence.is_empty() {
            continue;
        }
        match split_head(sentence) {
            Some((head, items)) if items.len() > 1 => {
                writeln!(buf, ".PP\n{}:", roff_text(head))?;
                for item in items {
                    writeln!(buf, ".IP \\(bu 2\n{}", roff_text(item.trim()))?;
                }
            }
            _ => writeln!(buf, ".PP\n{}", roff_text(sentence))?,
        }
    }
    Ok(())
}

/// `HEAD: a, b, c` as (`HEAD`, [a, b, c]), split where no bracket is open.
fn split_head(sentence: &str) -> Option<(&str, Vec<&str>)> {
    let colon = split_top_level(sentence, ": ");
    if colon.len() < 2 {
        return None;
    }
    let head = colon[0];
    let rest = &sentence[head.len() + 2..];
    let rest = rest.strip_suffix('.').unwrap_or(rest);
    Some((head, split_top_level(rest, ", ")))
}

/// `text` split at each `sep` outside (), [] and {}.
fn split_top_level<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ if depth == 0 && text[i..].starts_with(sep) => {
                parts.push(&text[start..i]);
                i += sep.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// Text as roff body text: backslashes and hyphens escaped, no line read as a request.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_outside_brackets() {
        assert_eq!(
            split_head("JSON: a, b (c, d), e [f, g]."),
            Some(("JSON", vec!["a", "b (c, d)", "e [f, g]"]))
        );
        assert_eq!(split_head("No list here."), None);
    }

    #[test]
    fn roff_text_cannot_start_a_request() {
        assert_eq!(roff_text(".x -y \\z"), "\\&.x \\-y \\ez");
    }
}
