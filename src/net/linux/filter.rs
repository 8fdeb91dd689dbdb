//! Socket filters (classic BPF, `SO_ATTACH_FILTER`) for the raw sockets of a path trace: every
//! raw ICMP socket of the host gets a copy of every ICMP packet, so many traces at once would
//! each wake for, read and throw away the answers of all the others. The kernel runs the filter
//! before queueing, so a trace's socket holds its own answers only.
//!
//! The filters read the probe's identity where it sits in the answer: the echo identifier of an
//! echo reply, or, in the probe an ICMP error quotes, its echo identifier or source port. The
//! quoted IP header is taken to be of fixed size (our probes carry no IPv4 options).

use std::io;

use socket2::{SockFilter, Socket};

/// Which answers a trace's raw socket keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// ICMP socket, echo probes with this identifier: echo replies carrying it, and time
    /// exceeded or unreachable errors quoting it.
    Echo(u16),
    /// ICMP socket, UDP or TCP probes from these source ports (inclusive): errors quoting one.
    QuotedSourcePorts(u16, u16),
    /// TCP socket: segments to these local ports (inclusive), the target's SYN-ACK or RST.
    TcpToPorts(u16, u16),
}

// Classic BPF opcodes (linux/filter.h), as `sock_filter` wants them.
const LDX_IP_HEADER_LEN: u16 = (libc::BPF_LDX | libc::BPF_B | libc::BPF_MSH) as u16;
const LDX_IMM: u16 = (libc::BPF_LDX | libc::BPF_W | libc::BPF_IMM) as u16;
const LD_BYTE_IND: u16 = (libc::BPF_LD | libc::BPF_B | libc::BPF_IND) as u16;
const LD_HALF_IND: u16 = (libc::BPF_LD | libc::BPF_H | libc::BPF_IND) as u16;
const JEQ: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
const JGE: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
const JGT: u16 = (libc::BPF_JMP | libc::BPF_JGT | libc::BPF_K) as u16;
const RET: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
/// Keep the whole packet.
const ACCEPT: u32 = 0x0004_0000;

/// One instruction: code, jump if true, jump if false, constant.
type Insn = (u16, u8, u8, u32);

fn op(code: u16, k: u32) -> Insn {
    (code, 0, 0, k)
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Insn {
    (code, jt, jf, k)
}

/// The filter program: X holds where the ICMP (or TCP) header starts; IPv4 raw sockets see the
/// IP header, IPv6 raw sockets do not.
fn program(v6: bool, keep: Keep) -> Vec<Insn> {
    let start = if v6 {
        op(LDX_IMM, 0)
    } else {
        op(LDX_IP_HEADER_LEN, 0)
    };
    // ICMP error header (8) + the quoted IP header.
    let quoted = if v6 { 8 + 40 } else { 8 + 20 };
    let (echo_reply, time_exceeded, unreachable) = if v6 { (129, 3, 1) } else { (0, 11, 3) };
    let mut p = vec![start];
    match keep {
        Keep::Echo(ident) => p.extend([
            op(LD_BYTE_IND, 0),
            jump(JEQ, echo_reply, 0, 2),
            // Echo reply: its identifier.
            op(LD_HALF_IND, 4),
            jump(JEQ, u32::from(ident), 5, 6),
            jump(JEQ, time_exceeded, 1, 0),
            jump(JEQ, unreachable, 0, 4),
            // An error: the quoted echo request's identifier.
            op(LD_HALF_IND, quoted + 4),
            jump(JEQ, u32::from(ident), 0, 2),
            op(RET, ACCEPT),
            op(RET, ACCEPT),
            op(RET, 0),
        ]),
        Keep::QuotedSourcePorts(low, high) => p.extend([
            op(LD_BYTE_IND, 0),
            jump(JEQ, time_exceeded, 1, 0),
            jump(JEQ, unreachable, 0, 4),
            op(LD_HALF_IND, quoted),
            jump(JGE, u32::from(low), 0, 2),
            jump(JGT, u32::from(high), 1, 0),
            op(RET, ACCEPT),
            op(RET, 0),
        ]),
        Keep::TcpToPorts(low, high) => p.extend([
            op(LD_HALF_IND, 2),
            jump(JGE, u32::from(low), 0, 2),
            jump(JGT, u32::from(high), 1, 0),
            op(RET, ACCEPT),
            op(RET, 0),
        ]),
    }
    p
}

impl Keep {
    /// Whether the filter keeps `packet` (as the raw socket of the family `v6` says reads it):
    /// the same test in user space, for a socket that several traces share.
    #[must_use]
    pub fn keeps(self, v6: bool, packet: &[u8]) -> bool {
        let start = if v6 {
            0
        } else {
            match packet.first() {
                Some(b) => 4 * usize::from(b & 0xf),
                None => return false,
            }
        };
        let byte = |at: usize| packet.get(start + at).copied();
        let half = |at: usize| Some(u16::from_be_bytes([byte(at)?, byte(at + 1)?]));
        let quoted = if v6 { 8 + 40 } else { 8 + 20 };
        let (echo_reply, time_exceeded, unreachable) = if v6 { (129, 3, 1) } else { (0, 11, 3) };
        let is_error = |t: u8| t == time_exceeded || t == unreachable;
        match self {
            Keep::Echo(ident) => match byte(0) {
                Some(t) if t == echo_reply => half(4) == Some(ident),
                Some(t) if is_error(t) => half(quoted + 4) == Some(ident),
                _ => false,
            },
            Keep::QuotedSourcePorts(low, high) => {
                byte(0).is_some_and(is_error)
                    && half(quoted).is_some_and(|port| (low..=high).contains(&port))
            }
            Keep::TcpToPorts(low, high) => half(2).is_some_and(|port| (low..=high).contains(&port)),
        }
    }
}

/// Let `socket` (raw ICMP or TCP, of the family `v6` says) queue only what `keep` describes.
pub fn keep_only(socket: &Socket, v6: bool, keep: Keep) -> io::Result<()> {
    let filter: Vec<SockFilter> = program(v6, keep)
        .into_iter()
        .map(|(code, jt, jf, k)| SockFilter::new(code, jt, jf, k))
        .collect();
    socket.attach_filter(&filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run `program` over `packet` as the kernel would: how many bytes it keeps.
    fn run(program: &[Insn], packet: &[u8]) -> u32 {
        let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
        let byte = |at: u32| packet.get(at as usize).map(|b| u32::from(*b));
        loop {
            let (code, jt, jf, k) = program[pc];
            pc += 1;
            match code {
                LDX_IP_HEADER_LEN => x = 4 * (byte(k).unwrap() & 0xf),
                LDX_IMM => x = k,
                LD_BYTE_IND => match byte(x + k) {
                    Some(b) => a = b,
                    None => return 0,
                },
                LD_HALF_IND => match (byte(x + k), byte(x + k + 1)) {
                    (Some(h), Some(l)) => a = h << 8 | l,
                    _ => return 0,
                },
                JEQ | JGE | JGT => {
                    let yes = match code {
                        JEQ => a == k,
                        JGE => a >= k,
                        _ => a > k,
                    };
                    pc += usize::from(if yes { jt } else { jf });
                }
                RET => return k,
                other => panic!("opcode {other:#x}"),
            }
        }
    }

    /// The kernel's verdict on a packet, checked against the same test in user space.
    fn both(v6: bool, keep: Keep) -> impl Fn(&[u8]) -> u32 {
        let program = program(v6, keep);
        move |packet| {
            let kept = run(&program, packet);
            assert_eq!(
                keep.keeps(v6, packet),
                kept == ACCEPT,
                "{keep:?} {packet:?}"
            );
            kept
        }
    }

    /// An IPv4 header (20 bytes) in front of `rest`.
    fn v4(rest: &[u8]) -> Vec<u8> {
        let mut p = vec![
            0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        p.extend_from_slice(rest);
        p
    }

    /// An ICMP error of `icmp_type` quoting an IPv4 header and the 8 bytes `probe`.
    fn error(v6: bool, icmp_type: u8, probe: [u8; 8]) -> Vec<u8> {
        let mut e = vec![icmp_type, 0, 0, 0, 0, 0, 0, 0];
        e.extend(if v6 { vec![0x60; 40] } else { v4(&[]) });
        e.extend_from_slice(&probe);
        if v6 { e } else { v4(&e) }
    }

    fn echo(icmp_type: u8, ident: u16) -> [u8; 8] {
        let [h, l] = ident.to_be_bytes();
        [icmp_type, 0, 0, 0, h, l, 0, 1]
    }

    fn ports(src: u16) -> [u8; 8] {
        let [h, l] = src.to_be_bytes();
        [h, l, 0x82, 0x9a, 0, 0, 0, 0]
    }

    #[test]
    fn echo_filter_keeps_this_identifier_only() {
        let p4 = both(false, Keep::Echo(0x1234));
        assert_eq!(p4(&v4(&echo(0, 0x1234))), ACCEPT);
        assert_eq!(p4(&v4(&echo(0, 0x1235))), 0);
        assert_eq!(p4(&v4(&echo(8, 0x1234))), 0, "a request is not an answer");
        assert_eq!(p4(&error(false, 11, echo(8, 0x1234))), ACCEPT);
        assert_eq!(p4(&error(false, 3, echo(8, 0x1234))), ACCEPT);
        assert_eq!(p4(&error(false, 11, echo(8, 0x4321))), 0);
        assert_eq!(p4(&error(false, 5, echo(8, 0x1234))), 0, "a redirect");
        let p6 = both(true, Keep::Echo(0x1234));
        assert_eq!(p6(&echo(129, 0x1234)), ACCEPT);
        assert_eq!(p6(&echo(129, 0x1200)), 0);
        assert_eq!(p6(&error(true, 3, echo(128, 0x1234))), ACCEPT);
        assert_eq!(p6(&error(true, 1, echo(128, 0x1234))), ACCEPT);
        assert_eq!(p6(&error(true, 3, echo(128, 0x1999))), 0);
        assert_eq!(p6(&[129, 0]), 0, "too short");
    }

    #[test]
    fn port_filters_keep_the_range_only() {
        let p4 = both(false, Keep::QuotedSourcePorts(40000, 40002));
        for (port, kept) in [(39999, 0), (40000, ACCEPT), (40002, ACCEPT), (40003, 0)] {
            assert_eq!(p4(&error(false, 11, ports(port))), kept, "{port}");
        }
        assert_eq!(p4(&v4(&echo(0, 40000))), 0);
        let p6 = both(true, Keep::QuotedSourcePorts(40000, 40000));
        assert_eq!(p6(&error(true, 1, ports(40000))), ACCEPT);
        assert_eq!(p6(&error(true, 3, ports(40001))), 0);
        // TCP segments: the destination port (bytes 2-3) is ours.
        let tcp = |dst: u16| {
            let [h, l] = dst.to_be_bytes();
            [0, 80, h, l, 0, 0, 0, 0]
        };
        let t4 = both(false, Keep::TcpToPorts(50000, 51023));
        assert_eq!(t4(&v4(&tcp(50500))), ACCEPT);
        assert_eq!(t4(&v4(&tcp(51024))), 0);
        let t6 = both(true, Keep::TcpToPorts(50000, 51023));
        assert_eq!(t6(&tcp(50000)), ACCEPT);
        assert_eq!(t6(&tcp(49999)), 0);
    }
}
