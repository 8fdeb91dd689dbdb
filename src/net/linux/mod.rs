//! Calls only Linux has, behind signatures that name no Linux type: another system gets a
//! sibling folder.

pub mod device;
pub mod recverr;
