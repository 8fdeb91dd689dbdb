//! UDP for `udp-send` (the course's client, [`send::run`]) and `udp-recv` (its server,
//! [`recv::run`]): this module holds what both show, the record of one received datagram
//! (a datagram at the receiver, a reply at the sender).

pub mod recv;
pub mod reflect;
pub mod send;

use std::fmt;
use std::net::SocketAddr;
use std::time::SystemTime;

use base64::Engine as _;
use serde::Serialize;

use crate::model::address::Endpoint;
use crate::model::hexdump::hexdump;
use crate::model::sanitize;
use crate::model::socket_trace::{SocketCall, family_name};
use crate::model::udp_stats::Stamp;
use crate::net::udp;

/// The calls that made `socket` (`--trace`): socket() and bind(), with the address bound.
#[must_use]
pub fn opening_calls(socket: &std::net::UdpSocket, asked: SocketAddr) -> Vec<SocketCall> {
    use std::os::fd::AsRawFd;
    let fd = socket.as_raw_fd();
    let family = family_name(asked.is_ipv6());
    let bound = socket
        .local_addr()
        .map_or_else(|_| asked.to_string(), |a| a.to_string());
    let bind = if bound == asked.to_string() {
        format!("bind({asked})")
    } else {
        format!("bind({asked}): bound to {bound}")
    };
    vec![
        SocketCall::new(format!("socket({family}, SOCK_DGRAM) = fd {fd}")),
        SocketCall::new(bind),
    ]
}

/// `n` and the noun that goes with it: `1 datagram`, `2 datagrams`, `1 reply`, `0 replies`.
#[must_use]
pub fn counted(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// One received datagram, as printed.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DatagramRecord {
    /// When it arrived.
    pub time: String,
    /// Its source.
    pub from: Endpoint,
    /// Its size in bytes.
    pub size: usize,
    /// "text" or "base64".
    pub encoding: &'static str,
    /// The payload, as text or base64.
    pub payload: String,
    /// Its sequence number, when it carries a stamp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    #[serde(skip)]
    text: String,
}

impl DatagramRecord {
    /// The record for `bytes` from `from`, received at `at`; `hex` forces a hex dump.
    #[must_use]
    pub fn new(from: SocketAddr, bytes: &[u8], at: SystemTime, hex: bool) -> Self {
        let time = humantime::format_rfc3339_micros(at).to_string();
        let from = udp::canonical(from);
        let is_text = std::str::from_utf8(bytes).is_ok();
        let (encoding, payload) = if is_text {
            ("text", String::from_utf8_lossy(bytes).into_owned())
        } else {
            (
                "base64",
                base64::engine::general_purpose::STANDARD.encode(bytes),
            )
        };
        let clock = time.get(11..26).unwrap_or(&time);
        let size = counted(bytes.len() as u64, "byte", "bytes");
        let text = if hex || !sanitize::is_text(bytes) {
            let label = if hex { "" } else { ", binary" };
            format!(
                "{clock}  {from}  {size}{label}\n{}",
                hexdump(bytes, "  ").trim_end()
            )
        } else {
            let shown = sanitize::escape_bytes(bytes.strip_suffix(b"\n").unwrap_or(bytes));
            format!("{clock}  {from}  {size}  {shown}")
        };
        Self {
            time,
            from,
            size: bytes.len(),
            encoding,
            payload,
            seq: Stamp::decode(bytes).map(|s| s.seq),
            text,
        }
    }
}

impl fmt::Display for DatagramRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(counted(0, "reply", "replies"), "0 replies");
        assert_eq!(counted(1, "reply", "replies"), "1 reply");
        assert_eq!(counted(2, "byte", "bytes"), "2 bytes");
    }

    #[test]
    fn text_and_binary_records() {
        let at = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        let from: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        let r = DatagramRecord::new(from, b"hi \x1b[2J\n", at, false);
        assert_eq!(
            r.to_string(),
            "22:13:20.123456  127.0.0.1:5000  8 bytes  hi \\x1b[2J"
        );
        let r = DatagramRecord::new(from, b"!", at, false);
        assert_eq!(r.to_string(), "22:13:20.123456  127.0.0.1:5000  1 byte  !");
        let r = DatagramRecord::new(from, b"hi", at, true);
        assert_eq!(
            r.to_string(),
            "22:13:20.123456  127.0.0.1:5000  2 bytes\n  0000  68 69                                             |hi|"
        );
        let r = DatagramRecord::new(from, b"hello\tworld\n", at, false);
        assert_eq!(
            r.to_string(),
            "22:13:20.123456  127.0.0.1:5000  12 bytes  hello\\tworld"
        );
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["payload"], "hello\tworld\n");
        assert_eq!(v["encoding"], "text");
        assert_eq!(v["from"], "127.0.0.1:5000");
        assert_eq!(v["time"], "2023-11-14T22:13:20.123456Z");
        let r = DatagramRecord::new(from, &[0xff, 0x00], at, false);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            (v["encoding"].as_str(), v["payload"].as_str()),
            (Some("base64"), Some("/wA="))
        );
        assert!(
            r.to_string()
                .starts_with("22:13:20.123456  127.0.0.1:5000  2 bytes, binary\n  0000  ff 00")
        );
    }
}
