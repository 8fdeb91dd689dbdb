//! Linux-only system calls, each reached through a function whose signature names no Linux
//! type, so that another system gets a sibling folder rather than edits spread over many files.

pub mod splice;
pub mod tcp_info;
