//! Adapters over the operating system and the network crates.

pub mod host;
pub mod services;
pub mod sockets;
pub mod tcp;
