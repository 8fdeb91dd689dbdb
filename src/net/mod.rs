//! Adapters over the operating system and the network crates.

pub mod dns;
pub mod host;
pub mod services;
pub mod sysresolve;
