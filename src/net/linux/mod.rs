//! Every call that exists only on Linux, behind functions whose signatures name no Linux type.
//! Another system gets a sibling folder with the same functions; callers in `net/` stay as
//! they are.

pub mod icmp;
