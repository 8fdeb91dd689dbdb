//! Adapters over the operating system and the network crates. They never print and never
//! import `cmd` or `output`: commands call them and render what they return.
//!
//! Everything Linux-only lives in [`linux`]; the portable modules here call it through the `os`
//! alias, so their signatures name no Linux type and a port to another system adds a sibling
//! folder and one more `#[cfg]` line below.

pub mod capture;
pub mod dns;
pub mod dns_https;
pub mod dns_opt;
pub mod dns_stream;
pub mod dns_tls;
pub mod dns_trace;
pub mod dns_udp;
pub mod dns_validate;
pub mod host;
pub mod icmp;
pub mod iface;
pub mod neigh;
pub mod pcap;
pub mod port_probe;
pub mod privilege;
pub mod route;
pub mod services;
pub mod sockets;
pub mod tcp;
pub mod udp;

#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(target_os = "linux")]
use linux as os;
