//! Adapters over the operating system and the network crates.

pub mod dns;
pub mod dns_udp;
pub mod host;
pub mod icmp;
pub mod iface;
#[cfg(target_os = "linux")]
pub mod linux;
pub mod neigh;
pub mod pcap;
pub mod privilege;
pub mod route;
pub mod services;
pub mod sockets;
pub mod sysresolve;
pub mod tcp;
pub mod udp;
