//! Adapters over the operating system and the network crates.

pub mod host;
pub mod iface;
pub mod neigh;
pub mod route;
pub mod services;
