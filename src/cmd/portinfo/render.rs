//! The text renderer of `nettool portinfo` (JSON is the report's serde form): a table of
//! services, sentences on a single port's range and name, and per checked port every socket on
//! it, what they mean for binding it, and whether it is free to bind.

use std::fmt;

use super::report::PortinfoReport;
use crate::model::services::PortRange;
use crate::output::{self, Paint, cell, paint, words};

/// Whether a port is free to bind, in words and in colour.
fn yes_no(v: Option<bool>) -> String {
    match v {
        Some(true) => paint("free", Paint::Good),
        Some(false) => paint("not free", Paint::Bad),
        None => "not tested".to_string(),
    }
}

impl fmt::Display for PortinfoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut blocks: Vec<String> = Vec::new();
        if !self.entries.is_empty() {
            let mut table = output::table([
                "PORT",
                "SERVICE",
                "ALIASES",
                "SOURCE",
                "RANGE",
                "DESCRIPTION",
            ]);
            for e in &self.entries {
                let k = &e.known;
                let range = match (e.range, e.ephemeral) {
                    (r, true) => format!("{}, ephemeral", range_word(r)),
                    (r, false) => range_word(r).to_string(),
                };
                table.add_row([
                    format!("{}/{}", k.entry.port, k.entry.proto).into(),
                    cell(&k.entry.name, Paint::Bold),
                    if k.entry.aliases.is_empty() {
                        "-".into()
                    } else {
                        k.entry.aliases.join(",").into()
                    },
                    k.source.as_str().into(),
                    range.into(),
                    k.description.unwrap_or("-").into(),
                ]);
            }
            blocks.push(table.to_string());
        }
        if let Some(port) = self.single_port {
            let eph = match self.ephemeral_range {
                Some((lo, hi)) if (lo..=hi).contains(&port) => {
                    format!("; inside this host's ephemeral range {lo}-{hi}")
                }
                Some((lo, hi)) => format!("; outside this host's ephemeral range {lo}-{hi}"),
                None => String::new(),
            };
            let mut text = String::new();
            if self.unnamed.contains(&port) {
                text.push_str(&format!(
                    "{port}: no service name in {} or the built-in table\n",
                    self.system_file.display()
                ));
            }
            text.push_str(&format!(
                "{port} is a {} port{eph}",
                PortRange::of(port).describe()
            ));
            if let Some(course) = self.course_range {
                text.push_str(&format!(
                    "\nin the 1-255 / 256-1023 / 1024-65535 split: {course}"
                ));
            }
            blocks.push(text);
        }
        if self.checks.as_ref().is_some_and(Vec::is_empty) {
            blocks.push("no socket is on any of these ports".to_string());
        }
        for check in self.checks.iter().flatten() {
            let mut lines = Vec::new();
            if check.sockets.is_empty() {
                lines.push(format!("port {}: no socket is on it", check.port));
            } else {
                lines.push(format!(
                    "port {}: {}",
                    check.port,
                    words::count(check.sockets.len(), "socket", "sockets")
                ));
                let mut table = output::table(["PROTO", "LOCAL", "PEER", "STATE", "PROCESS"]);
                for s in &check.sockets {
                    let unspecified = s.peer.ip().is_unspecified() && s.peer.port() == 0;
                    table.add_row([
                        format!("{}{}", s.proto, if s.local.is_ipv6() { "6" } else { "" }).into(),
                        cell(s.local, Paint::Address),
                        if unspecified {
                            "*".into()
                        } else {
                            cell(s.peer, Paint::Address)
                        },
                        s.state.as_str().into(),
                        match (&s.process, s.pid) {
                            (Some(name), Some(pid)) => format!("{name} (pid {pid})").into(),
                            _ => "-".into(),
                        },
                    ]);
                }
                lines.push(table.to_string());
            }
            lines.extend(check.notes.iter().cloned());
            if check.tcp_free.is_some() || check.udp_free.is_some() {
                let mut parts = Vec::new();
                if check.tcp_free.is_some() {
                    parts.push(format!("tcp {}", yes_no(check.tcp_free)));
                }
                if check.udp_free.is_some() {
                    parts.push(format!("udp {}", yes_no(check.udp_free)));
                }
                lines.push(format!("to bind: {}", parts.join(", ")));
            }
            blocks.push(lines.join("\n"));
        }
        write!(f, "{}", blocks.join("\n\n"))
    }
}

fn range_word(range: PortRange) -> &'static str {
    match range {
        PortRange::WellKnown => "well-known",
        PortRange::Registered => "registered",
        PortRange::Dynamic => "dynamic",
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::portinfo::config::tests::config;
    use crate::cmd::portinfo::report::lookup;
    use crate::cmd::portinfo::report::tests::db;
    use crate::model::services::Proto;

    #[test]
    fn text_rendering() {
        let r = lookup(
            &config(&["3306"], Some(Proto::Tcp)),
            &db(),
            Some((32768, 60999)),
        );
        assert_eq!(
            r.to_string(),
            "PORT      SERVICE  ALIASES  SOURCE  RANGE       DESCRIPTION\n\
             3306/tcp  mysql    -        system  registered  -\n\
             \n\
             3306 is a registered (1024-49151) port; outside this host's ephemeral range 32768-60999\n\
             in the 1-255 / 256-1023 / 1024-65535 split: 1024-65535: unprivileged; any user's \
             program may bind it, and ephemeral ports come from here"
        );
    }
}
