//! Every call that exists only on Linux, behind functions whose signatures name no Linux type:
//! rtnetlink (through neli) for links, routes and neighbours, the /proc tables of sockets, ARP
//! entries and the ephemeral port range, splice(2) with pipe widening for byte copies, and ICMP
//! errors on UDP sockets. The portable modules of [`crate::net`] reach this folder through the
//! `os` alias that `net/mod.rs` sets by `#[cfg]`; another operating system is another folder
//! beside this one, offering the same functions.

pub mod iface;
pub mod neigh;
pub mod netlink;
pub mod route;
pub mod sockets;
pub mod splice;
pub mod udp_errors;
