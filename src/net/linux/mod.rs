//! Every call that exists only on Linux, behind functions whose signatures name no Linux type:
//! ICMP socket filters, the error queue and control messages (for ping, and for a port scan to
//! tell a RST from an ICMP error); ICMP errors on UDP sockets (a DNS server's closed port); raw
//! TCP sockets for a SYN scan; rtnetlink (through neli) for links, routes and neighbours;
//! sock_diag for every TCP and UDP socket with its state and timer; AF_PACKET sockets for
//! capture and ARP; capabilities and the open-file limit; the /proc tables of socket owners and the ephemeral port range; and
//! splice(2) with pipe widening for byte copies. The portable modules of [`crate::net`] reach
//! this folder through the `os` alias that `net/mod.rs` sets by `#[cfg]`; another operating
//! system is another folder beside this one, offering the same functions.

pub mod filter;
pub mod icmp;
pub mod iface;
pub mod neigh;
pub mod netlink;
pub mod packet;
pub mod process;
pub mod raw_tcp;
pub mod recverr;
pub mod route;
pub mod sock_diag;
pub mod sockets;
pub mod splice;
pub mod tcp_info;
pub mod udp_errors;
