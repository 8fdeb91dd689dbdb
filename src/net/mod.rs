//! Adapters over the operating system and the network crates.

pub mod dns;
pub mod host;
pub mod icmp;
pub mod privilege;
pub mod services;
pub mod sockets;
pub mod sysresolve;
pub mod udp;
