//! One module per subcommand: `Args` (what the user typed) become a validated `Config`
//! (no I/O), `run` does the work through [`crate::net`] and prints reports through
//! [`crate::output::Output`].

pub mod arping;
pub mod completions;
pub mod connect;
pub mod hostname;
pub mod ifconfig;
pub mod listen;
pub mod man;
pub mod ping;
pub mod portinfo;
pub mod resolve;
pub mod sniff;
pub mod sockets;
pub mod subnet;
pub mod udp_recv;
pub mod udp_send;
