//! Linux-only adapters: every call that exists only on Linux lives under this folder, behind
//! functions whose signatures name no Linux type. Another system would get a sibling folder.

pub mod packet;
pub mod sock_diag;
