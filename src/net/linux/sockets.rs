//! Sockets bound on this host, as `ss -ltnup` shows them, read the Linux way: listening TCP and
//! bound UDP sockets from `/proc/net/{tcp,tcp6,udp,udp6}` (the reading process's network
//! namespace), with the owning process found through the socket inodes in `/proc/<pid>/fd`.
//! Processes of other users are visible only to root; their sockets are then shown without an
//! owner. Also the range the kernel picks ephemeral ports from.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::model::services::{self, Proto};
use crate::net::sockets::BoundSocket;

/// TCP state LISTEN in /proc/net/tcp.
const TCP_LISTEN: u8 = 0x0a;

/// One row of a /proc/net table: the socket and the inode that links it to its owner.
struct Row {
    socket: BoundSocket,
    inode: u64,
}

/// Parse one `/proc/net/{tcp,udp}[6]` table: the sockets of interest are TCP in LISTEN and
/// every UDP socket.
fn parse_proc_net(text: &str, proto: Proto) -> Vec<Row> {
    text.lines()
        .skip(1)
        .filter_map(|line| parse_line(line, proto))
        .collect()
}

fn parse_line(line: &str, proto: Proto) -> Option<Row> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (addr, port) = fields.get(1)?.split_once(':')?;
    let state = u8::from_str_radix(fields.get(3)?, 16).ok()?;
    let inode: u64 = fields.get(9)?.parse().ok()?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let ip = parse_hex_addr(addr)?;
    let state = match (proto, state) {
        (Proto::Tcp, TCP_LISTEN) => "LISTEN",
        (Proto::Tcp, _) => return None,
        (Proto::Udp, 0x01) => "ESTAB",
        (Proto::Udp, _) => "UNCONN",
        (Proto::Sctp | Proto::Ddp, _) => return None,
    };
    Some(Row {
        socket: BoundSocket {
            proto,
            local: SocketAddr::new(ip, port),
            state,
            pid: None,
            process: None,
        },
        inode,
    })
}

/// The kernel prints each 32-bit word of an address as a number in host byte order, so the
/// number's native-endian bytes are the address bytes.
fn parse_hex_addr(hex: &str) -> Option<IpAddr> {
    let mut bytes = [0u8; 16];
    let words = hex.len() / 8;
    if hex.len() % 8 != 0 || !(words == 1 || words == 4) {
        return None;
    }
    for i in 0..words {
        let word = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
        bytes[i * 4..i * 4 + 4].copy_from_slice(&word.to_ne_bytes());
    }
    Some(if words == 1 {
        IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(bytes))
    })
}

/// socket inode -> (pid, command name), for every process this user may inspect.
fn socket_owners() -> HashMap<u64, (u32, String)> {
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

/// Listening TCP and bound UDP sockets on `ports` (all ports when `None`), with owners.
pub fn bound_sockets(ports: Option<&[u16]>) -> Vec<BoundSocket> {
    let mut found = Vec::new();
    for (file, proto) in [
        ("/proc/net/tcp", Proto::Tcp),
        ("/proc/net/tcp6", Proto::Tcp),
        ("/proc/net/udp", Proto::Udp),
        ("/proc/net/udp6", Proto::Udp),
    ] {
        if let Ok(text) = std::fs::read_to_string(file) {
            found.extend(
                parse_proc_net(&text, proto)
                    .into_iter()
                    .filter(|r| ports.is_none_or(|p| p.contains(&r.socket.local.port()))),
            );
        }
    }
    if !found.is_empty() {
        let owners = socket_owners();
        for row in &mut found {
            if let Some((pid, name)) = owners.get(&row.inode) {
                row.socket.pid = Some(*pid);
                row.socket.process = Some(name.clone());
            }
        }
    }
    found.into_iter().map(|r| r.socket).collect()
}

/// This host's ephemeral port range, from /proc/sys/net/ipv4/ip_local_port_range.
pub fn ephemeral_port_range() -> Option<(u16, u16)> {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| services::parse_port_range(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from /proc/net/tcp and tcp6 with `nc -l 127.0.0.1 8001` and a server on [::]:8080.
    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F41 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 31338 1 0000000000000000 20 4 30 10 -1
";
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 100 0 0 10 0
   2: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4244 1 0000000000000000 100 0 0 10 0
";
    const UDP: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  123: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 999 2 0000000000000000 0
";

    #[test]
    fn parses_listening_tcp_only() {
        let sockets = parse_proc_net(TCP, Proto::Tcp);
        assert_eq!(sockets.len(), 1);
        assert_eq!(sockets[0].socket.local, "127.0.0.1:8001".parse().unwrap());
        assert_eq!(
            (sockets[0].socket.state, sockets[0].inode),
            ("LISTEN", 31337)
        );
    }

    #[test]
    fn parses_ipv6_words() {
        let sockets = parse_proc_net(TCP6, Proto::Tcp);
        let locals: Vec<String> = sockets.iter().map(|s| s.socket.local.to_string()).collect();
        assert_eq!(locals, ["[::]:8080", "[::ffff:127.0.0.1]:22", "[::1]:53"]);
    }

    #[test]
    fn ephemeral_range_of_this_host() {
        let (low, high) = ephemeral_port_range().expect("the kernel reports a range");
        assert!(low <= high, "{low}-{high}");
    }

    #[test]
    fn parses_udp() {
        let sockets = parse_proc_net(UDP, Proto::Udp);
        assert_eq!(sockets[0].socket.local, "0.0.0.0:68".parse().unwrap());
        assert_eq!(sockets[0].socket.state, "UNCONN");
    }
}
