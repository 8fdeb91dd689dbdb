//! The integration tests: one binary that runs the built `nettool` against real peers, a module
//! per command and `common` for the harness (namespaces, child processes, a DNS server).
//! Start with `common/mod.rs`; each module's opening comment says what it covers.

mod common;

mod arping;
mod caps;
mod cli;
mod dnssec;
mod docs;
mod harden;
mod hostname;
mod ifconfig;
mod output;
mod ping;
mod ping_parsers;
mod portinfo;
mod resolve;
mod resolve_trace;
mod scan;
mod schemas;
mod sniff;
mod sockets;
mod subnet;
mod tcp;
mod trace;
mod udp;
mod zones;
