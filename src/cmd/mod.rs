//! One module per subcommand: `Args` (what the user typed) become a validated `Config`
//! (no I/O), `run` does the work through [`crate::net`] and prints reports through
//! [`crate::output::Output`].

pub mod arping;
pub mod completions;
pub mod hostname;
pub mod ifconfig;
pub mod man;
pub mod ping;
pub mod portinfo;
pub mod resolve;
pub mod scan;
pub mod sniff;
pub mod sockets;
pub mod subnet;
pub mod tcp;
pub mod trace;
pub mod udp;
