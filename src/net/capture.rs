//! Link-layer access: capturing every frame of one interface or of all, and sending and
//! receiving ARP on one interface. On Linux these are AF_PACKET sockets
//! ([`crate::net::linux::packet`]); both need `CAP_NET_RAW`.

pub use super::os::packet::{ArpSocket, Capture, CaptureStats, FrameInfo};
