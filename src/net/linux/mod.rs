//! Every call that exists only on Linux, behind functions whose signatures name no Linux type:
//! ICMP socket filters, the error queue and control messages; rtnetlink (through neli) for
//! links, routes and neighbours; the /proc tables of sockets, ARP entries and the ephemeral port
//! range; capabilities and the open-file limit; and splice(2) with pipe widening for byte
//! copies. The portable modules of [`crate::net`] reach this folder through the `os` alias that `net/mod.rs`
//! sets by `#[cfg]`; another operating system is another folder beside this one, offering the
//! same functions.

pub mod icmp;
pub mod iface;
pub mod neigh;
pub mod netlink;
pub mod process;
pub mod route;
pub mod sockets;
pub mod splice;
pub mod tcp_info;
