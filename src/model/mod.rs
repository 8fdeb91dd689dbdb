//! Pure logic: no I/O, no tokio, no sockets. Everything here is computed from values and is
//! unit-tested next to its code, bad inputs included. Commands turn what the user typed and what
//! the adapters in [`crate::net`] returned into reports with these.

pub mod address;
pub mod chat;
pub mod dns_name;
pub mod dnssec_text;
pub mod duration;
pub mod hexdump;
pub mod mac;
pub mod packet;
pub mod ping_stats;
pub mod port_spec;
pub mod port_state;
pub mod sanitize;
pub mod scan_pacing;
pub mod services;
pub mod socket;
pub mod socket_trace;
pub mod subnet;
pub mod target_spec;
pub mod tcp_segment;
pub mod trace;
pub mod udp_payload;
pub mod udp_stats;
pub mod words;
