//! Calls only Linux has, behind functions whose signatures name no Linux type, so that another
//! system means a sibling folder: the socket error queue (`IP_RECVERR`), and raw TCP and ICMP
//! sockets for the SYN scan.

pub mod errqueue;
pub mod raw_tcp;
