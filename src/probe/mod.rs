//! Probers that send packets and report what came back as typed events; they never print.

pub mod trace;
