//! What /proc tells about sockets, read the Linux way: which process holds each socket inode
//! (`/proc/<pid>/fd`; processes of other users are visible only to root), the range the kernel
//! picks ephemeral ports from, and the first port an unprivileged process may bind.

use std::collections::HashMap;

use crate::model::services;

/// socket inode -> (pid, command name), for every process this user may inspect.
pub fn socket_owners() -> HashMap<u64, (u32, String)> {
    let mut owners = HashMap::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return owners;
    };
    for proc_entry in procs.flatten() {
        let Some(pid) = proc_entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(proc_entry.path().join("fd")) else {
            continue;
        };
        let mut comm: Option<String> = None;
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let target = target.to_string_lossy();
            let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse::<u64>().ok())
            else {
                continue;
            };
            let name = comm.get_or_insert_with(|| {
                std::fs::read_to_string(proc_entry.path().join("comm"))
                    .map(|c| c.trim_end().to_string())
                    .unwrap_or_default()
            });
            owners.entry(inode).or_insert((pid, name.clone()));
        }
    }
    owners
}

/// This host's ephemeral port range, from /proc/sys/net/ipv4/ip_local_port_range.
pub fn ephemeral_port_range() -> Option<(u16, u16)> {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| services::parse_port_range(&t))
}

/// The first port an unprivileged process may bind, from
/// /proc/sys/net/ipv4/ip_unprivileged_port_start (1024 unless changed).
pub fn unprivileged_port_start() -> Option<u16> {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
        .ok()
        .and_then(|t| t.trim().parse().ok())
}
