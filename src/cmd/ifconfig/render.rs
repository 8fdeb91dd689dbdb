//! The text renderer of `nettool ifconfig` (JSON is the reports' serde form): an `ip addr`-like
//! block per interface, and tables for `-s`, routes, the route to one address and neighbours.

use std::fmt;
use std::fmt::Write as _;

use super::report::{
    InterfaceReport, InterfacesReport, NeighboursReport, Report, RouteToReport, RoutesReport,
    ShortReport,
};
use crate::net::route::NextHop;
use crate::output::{Paint, cell, paint, table, words};

/// A byte counter as ifconfig shows it: `512 bytes`, or `2.0 KiB (2048 bytes)`.
fn byte_count(bytes: u64) -> String {
    let exact = crate::output::words::count(bytes, "byte", "bytes");
    if bytes < 1024 {
        exact
    } else {
        format!("{} ({exact})", human_bytes(bytes))
    }
}

/// Bytes in binary units: `0 B`, `1.5 KiB`, `3.2 GiB`.
#[must_use]
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)] // a display value
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn on_link_or(gateway: Option<std::net::IpAddr>) -> String {
    gateway.map_or_else(|| "on-link".to_string(), |g| g.to_string())
}

/// The gateway and interface cells of one path of a multipath route, with its weight.
fn next_hop_cells(hop: &NextHop) -> (String, String) {
    (
        format!("{} weight {}", on_link_or(hop.gateway), hop.weight),
        or_dash(hop.interface.as_ref()),
    )
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {}\n", l.trim_end()))
        .collect()
}

impl fmt::Display for InterfaceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: index {}  state {}  mtu {}  <{}>",
            paint(&self.name, Paint::Bold),
            self.index,
            paint(self.state, Paint::for_link_state(self.state)),
            or_dash(self.mtu),
            self.flags.join(",")
        )?;
        match &self.mac {
            Some(mac) => writeln!(
                f,
                "    mac {}  {}  vendor: {}",
                mac.address,
                mac.bits(),
                mac.vendor_text()
            )
            .and_then(|()| {
                writeln!(
                    f,
                    "        oui {} (vendor)  device {} (this device)",
                    mac.oui, mac.device
                )
            })?,
            None => writeln!(f, "    mac -  (link type {})", self.link_type)?,
        }
        if !self.addresses.is_empty() {
            let mut t = table([
                "FAMILY",
                "ADDRESS",
                "PREFIX",
                "NETMASK",
                "NETWORK",
                "BROADCAST",
                "SCOPE",
            ]);
            for a in &self.addresses {
                let mut address = a.address.to_string();
                if a.primary {
                    address.push_str(" (primary)");
                }
                // An alias label (`v0:1`) is the address's, as `ip addr` shows it.
                if let Some(label) = a.label.as_ref().filter(|l| **l != self.name) {
                    let _ = write!(address, " (label {label})");
                }
                let mut broadcast = or_dash(a.broadcast);
                if let (true, Some(computed)) = (a.broadcast_differs(), a.computed_broadcast) {
                    let _ = write!(broadcast, " (computed {computed})");
                }
                t.add_row([
                    a.family.to_string(),
                    address,
                    format!("/{}", a.prefix_len),
                    or_dash(a.netmask),
                    a.network.to_string(),
                    broadcast,
                    a.scope.to_string(),
                ]);
            }
            f.write_str(&indent(&t.to_string()))?;
        }
        if let Some(c) = &self.counters {
            writeln!(
                f,
                "    RX {}  {}  {}  {} dropped",
                byte_count(c.rx_bytes),
                words::count(c.rx_packets, "packet", "packets"),
                words::count(c.rx_errors, "error", "errors"),
                c.rx_dropped
            )?;
            writeln!(
                f,
                "    TX {}  {}  {}  {} dropped",
                byte_count(c.tx_bytes),
                words::count(c.tx_packets, "packet", "packets"),
                words::count(c.tx_errors, "error", "errors"),
                c.tx_dropped
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for InterfacesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, i) in self.interfaces.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            write!(f, "{i}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ShortReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = table(["INTERFACE", "STATE", "MAC", "ADDRESSES"]);
        for line in &self.interfaces {
            t.add_row([
                line.name.as_str().into(),
                cell(line.state, Paint::for_link_state(line.state)),
                line.mac.as_deref().unwrap_or("-").into(),
                line.addresses
                    .iter()
                    .map(|a| {
                        let primary = line
                            .primary
                            .is_some_and(|p| a.split('/').next() == Some(&p.to_string()));
                        if primary {
                            format!("{a} (primary)")
                        } else {
                            a.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
                    .into(),
            ]);
        }
        write!(f, "{t}")
    }
}

impl fmt::Display for RoutesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = table([
            "DESTINATION",
            "GATEWAY",
            "INTERFACE",
            "METRIC",
            "PROTOCOL",
            "SCOPE",
            "SOURCE",
        ]);
        for r in &self.routes {
            let mut dst = if r.default {
                format!("default ({})", r.destination)
            } else {
                r.destination.to_string()
            };
            if r.kind != "unicast" {
                dst = format!("{} {dst}", r.kind);
            }
            let (gateway, interface) = match r.nexthops.first() {
                Some(hop) => next_hop_cells(hop),
                None => (on_link_or(r.gateway), or_dash(r.interface.as_ref())),
            };
            t.add_row([
                dst,
                gateway,
                interface,
                r.metric.to_string(),
                r.protocol.clone(),
                r.scope.to_string(),
                or_dash(r.prefsrc),
            ]);
            // A multipath route's further paths, one row each under the first.
            for hop in r.nexthops.iter().skip(1) {
                let (gateway, interface) = next_hop_cells(hop);
                t.add_row([String::new(), gateway, interface]);
            }
        }
        write!(f, "{t}")
    }
}

impl fmt::Display for RouteToReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match (self.local, self.gateway) {
            (true, _) => "is this host's own address".to_string(),
            (false, None) => format!(
                "is on-link: in the attached network {}, delivered directly",
                self.route
            ),
            (false, Some(g)) => format!("is not on-link: sent via gateway {g}"),
        };
        writeln!(f, "{} {how}", self.destination)?;
        let mut t = table([
            "ROUTE",
            "TYPE",
            "TABLE",
            "INTERFACE",
            "GATEWAY",
            "SOURCE",
            "METRIC",
        ]);
        let route = if self.default {
            format!("default ({})", self.route)
        } else {
            self.route.to_string()
        };
        t.add_row([
            route,
            self.kind.to_string(),
            self.table.clone(),
            or_dash(self.interface.as_ref()),
            on_link_or(self.gateway),
            or_dash(self.source),
            self.metric.to_string(),
        ]);
        write!(f, "{t}")
    }
}

impl fmt::Display for NeighboursReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = table(["ADDRESS", "MAC", "VENDOR", "INTERFACE", "STATE"]);
        for n in &self.neighbours {
            let (mac, vendor) = match &n.mac {
                Some(m) => (m.address.clone(), m.vendor_text().to_string()),
                None => ("-".to_string(), "-".to_string()),
            };
            t.add_row([
                n.address.to_string(),
                mac,
                vendor,
                n.interface.clone(),
                n.state.to_string(),
            ]);
        }
        write!(f, "{t}")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Interfaces(r) => r.fmt(f),
            Self::Short(r) => r.fmt(f),
            Self::Routes(r) => r.fmt(f),
            Self::RouteTo(r) => r.fmt(f),
            Self::Neighbours(r) => r.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::ifconfig::config::tests::config;
    use crate::net::iface::{Address, Counters, Interface};

    #[test]
    fn human_units() {
        let cases = [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (5 * 1024 * 1024, "5.0 MiB"),
            (3 * 1024 * 1024 * 1024 + 1024 * 1024 * 300, "3.3 GiB"),
        ];
        for (bytes, text) in cases {
            assert_eq!(human_bytes(bytes), text);
        }
    }

    #[test]
    fn short_and_text_rendering() {
        let interfaces = vec![Interface {
            name: "veth0".to_string(),
            index: 3,
            flags: (libc::IFF_UP | libc::IFF_BROADCAST | libc::IFF_RUNNING) as u32,
            mac: Some([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]),
            addresses: vec![Address {
                net: "10.9.0.1/24".parse().unwrap(),
                label: Some("veth0".into()),
                broadcast: Some("10.9.0.255".parse().unwrap()),
            }],
            mtu: Some(1400),
            operstate: "UP",
            counters: Some(Counters {
                rx_bytes: 2048,
                rx_packets: 3,
                tx_bytes: 512,
                tx_packets: 4,
                ..Counters::default()
            }),
            link_type: "ether",
        }];
        let cfg = config(&[]).unwrap();
        let report =
            InterfacesReport::build(&cfg, &interfaces, Some("10.9.0.1".parse().unwrap()), None);
        let text = report.to_string();
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        assert_eq!(
            lines[0],
            "veth0: index 3  state UP  mtu 1400  <BROADCAST,UP,RUNNING>"
        );
        assert_eq!(
            lines[1],
            "    mac 02:11:22:33:44:55  locally administered, unicast  vendor: (local, no vendor)"
        );
        assert_eq!(
            lines[2],
            "        oui 02:11:22 (vendor)  device 33:44:55 (this device)"
        );
        assert!(lines[4].contains("10.9.0.1 (primary)"), "{text}");
        assert!(lines[4].contains("255.255.255.0"), "{text}");
        assert!(lines[4].contains("10.9.0.255"), "{text}");
        assert_eq!(
            lines[5],
            "    RX 2.0 KiB (2048 bytes)  3 packets  0 errors  0 dropped"
        );
        assert_eq!(lines[6], "    TX 512 bytes  4 packets  0 errors  0 dropped");
        let short = ShortReport::from(&report).to_string();
        let short: Vec<&str> = short.lines().map(str::trim_end).collect();
        assert_eq!(
            short,
            [
                "INTERFACE  STATE  MAC                ADDRESSES",
                "veth0      UP     02:11:22:33:44:55  10.9.0.1/24 (primary)"
            ]
        );
    }
}
