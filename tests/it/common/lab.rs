//! A path of namespaces for `trace`: host → r1 → r2 → r3 → target, joined by veth pairs, IPv4
//! (10.NET.k.0/24 on link k) and IPv6 (fd00:NET:k::/64), with forwarding on the routers, ICMP
//! rate limits off (or routers would withhold time-exceeded replies), IPv6 addresses without
//! duplicate detection, and specific routes toward the target with a default route back.
//!
//! Options make a router silent (its time-exceeded replies dropped by nftables), a router with
//! an unreachable route (10.NET.9.0/24, fd00:NET:9::/64), a target that does not answer (the
//! last router blackholes 10.NET.8.0/24, fd00:NET:8::/64), and a path that forks after r1
//! (a multipath route over r2a and r2b, hashed on ports). [`Responder`] answers echo
//! requests at the target, or the probes that expire at a router, from user space, late and
//! with losses, and records what it did.
//! Everything is deleted on drop, even when the test fails.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Netns, veth};

/// What to change on the plain chain.
#[derive(Debug, Clone, Copy, Default)]
pub struct LabOptions {
    /// This router (1-3) sends no time-exceeded replies.
    pub silent_router: Option<u8>,
    /// This router (1-3) holds an unreachable route for link 9.
    pub unreachable_router: Option<u8>,
}

/// The chain, or the forked path.
pub struct Lab {
    /// 10.NET / fd00:NET.
    pub net: u8,
    /// The host the traces run in.
    pub host: Netns,
    /// r1, r2, r3 (the forked lab: r1, r2a, r3, r2b), then the target.
    pub nodes: Vec<Netns>,
}

fn v4(net: u8, link: u8, last: u8) -> String {
    format!("10.{net}.{link}.{last}")
}

fn v6(net: u8, link: u8, last: u8) -> String {
    format!("fd00:{net}:{link}::{last}")
}

/// Address `last` on link `link` of both families, on `dev` in `ns`.
fn addresses(ns: &Netns, dev: &str, net: u8, link: u8, last: u8) {
    ns.exec(&[
        "ip",
        "addr",
        "add",
        &format!("{}/24", v4(net, link, last)),
        "dev",
        dev,
    ]);
    ns.exec(&[
        "ip",
        "-6",
        "addr",
        "add",
        &format!("{}/64", v6(net, link, last)),
        "dev",
        dev,
        "nodad",
    ]);
}

fn route(ns: &Netns, net: u8, link: u8, via_link: u8, via_last: u8) {
    ns.exec(&[
        "ip",
        "route",
        "add",
        &format!("10.{net}.{link}.0/24"),
        "via",
        &v4(net, via_link, via_last),
    ]);
    ns.exec(&[
        "ip",
        "-6",
        "route",
        "add",
        &format!("fd00:{net}:{link}::/64"),
        "via",
        &v6(net, via_link, via_last),
    ]);
}

fn default_via(ns: &Netns, net: u8, link: u8, last: u8) {
    ns.exec(&["ip", "route", "add", "default", "via", &v4(net, link, last)]);
    ns.exec(&[
        "ip",
        "-6",
        "route",
        "add",
        "default",
        "via",
        &v6(net, link, last),
    ]);
}

fn special(ns: &Netns, kind: &str, net: u8, link: u8) {
    ns.exec(&["ip", "route", "add", kind, &format!("10.{net}.{link}.0/24")]);
    ns.exec(&[
        "ip",
        "-6",
        "route",
        "add",
        kind,
        &format!("fd00:{net}:{link}::/64"),
    ]);
}

fn router_sysctls(ns: &Netns) {
    ns.sysctl("net.ipv4.ip_forward", "1");
    ns.sysctl("net.ipv6.conf.all.forwarding", "1");
    quiet_limits(ns);
}

fn quiet_limits(ns: &Netns) {
    ns.sysctl("net.ipv4.icmp_ratelimit", "0");
    ns.sysctl("net.ipv6.icmp.ratelimit", "0");
}

/// Drop every time-exceeded reply `ns` would send.
fn silence(ns: &Netns) {
    drop_time_exceeded(ns, "");
}

/// Drop the time-exceeded replies of `ns` that `filter` (an nft expression) selects, counting
/// them in a counter [`Lab::time_exceeded_dropped`] reads.
fn drop_time_exceeded(ns: &Netns, filter: &str) {
    let rules = format!(
        "table inet lab {{\n\
        chain out {{ type filter hook output priority 0; policy accept;\n\
        icmp type time-exceeded {filter} counter drop\n\
        icmpv6 type time-exceeded {filter} counter drop\n}}\n}}\n"
    );
    let file = std::env::temp_dir().join(format!("{}.nft", ns.name));
    std::fs::write(&file, rules).unwrap();
    ns.exec(&["nft", "-f", file.to_str().unwrap()]);
    let _ = std::fs::remove_file(file);
}

impl Lab {
    /// host → r1 → r2 → r3 → target on network `net`.
    pub fn chain(tag: &str, net: u8, options: LabOptions) -> Self {
        let host = Netns::new(&format!("{tag}h"));
        let nodes: Vec<Netns> = ["r1", "r2", "r3", "t"]
            .iter()
            .map(|n| Netns::new(&format!("{tag}{n}")))
            .collect();
        quiet_limits(&host);
        // Link 1: the host .2, r1 .1; link k + 1: node k - 1 (facing the target) .1, node k
        // (facing the host) .2.
        veth(&host, "h0", &nodes[0], "up0");
        addresses(&host, "h0", net, 1, 2);
        // A second source address (-I), which routers count apart in their ICMP limits.
        addresses(&host, "h0", net, 1, 3);
        addresses(&nodes[0], "up0", net, 1, 1);
        for k in 1..4 {
            // Link k+1: node k-1's "down" side is .1, node k's "up" side is .2.
            veth(&nodes[k - 1], "down0", &nodes[k], "up0");
            let link = u8::try_from(k + 1).unwrap();
            addresses(&nodes[k - 1], "down0", net, link, 1);
            addresses(&nodes[k], "up0", net, link, 2);
        }
        default_via(&host, net, 1, 1);
        for (r, router) in nodes.iter().take(3).enumerate() {
            router_sysctls(router);
            let down = u8::try_from(r + 2).unwrap();
            // Forward: every link beyond the next one, and the far networks 8 and 9.
            for link in (down + 1)..=4 {
                route(router, net, link, down, 2);
            }
            if r < 2 {
                route(router, net, 8, down, 2);
            } else {
                special(router, "blackhole", net, 8);
            }
            if options.unreachable_router == Some(u8::try_from(r + 1).unwrap()) {
                special(router, "unreachable", net, 9);
            } else if r < 2 {
                route(router, net, 9, down, 2);
            }
            if r > 0 {
                default_via(router, net, down - 1, 1);
            }
            if options.silent_router == Some(u8::try_from(r + 1).unwrap()) {
                silence(router);
            }
        }
        quiet_limits(&nodes[3]);
        default_via(&nodes[3], net, 4, 1);
        let lab = Self { net, host, nodes };
        lab.settle();
        lab
    }

    /// host → r1 → {r2a, r2b} → r3 → target: r1 spreads flows over both by their ports.
    pub fn fork(tag: &str, net: u8) -> Self {
        let host = Netns::new(&format!("{tag}h"));
        let nodes: Vec<Netns> = ["r1", "ra", "r3", "rb", "t"]
            .iter()
            .map(|n| Netns::new(&format!("{tag}{n}")))
            .collect();
        let (r1, r2a, r3, r2b, target) = (&nodes[0], &nodes[1], &nodes[2], &nodes[3], &nodes[4]);
        quiet_limits(&host);
        veth(&host, "h0", r1, "up0");
        addresses(&host, "h0", net, 1, 2);
        addresses(r1, "up0", net, 1, 1);
        // r1 - r2a on link 2, r1 - r2b on link 5; r2a - r3 on link 3, r2b - r3 on link 6.
        veth(r1, "da", r2a, "up0");
        addresses(r1, "da", net, 2, 1);
        addresses(r2a, "up0", net, 2, 2);
        veth(r1, "db", r2b, "up0");
        addresses(r1, "db", net, 5, 1);
        addresses(r2b, "up0", net, 5, 2);
        veth(r2a, "down0", r3, "ua");
        addresses(r2a, "down0", net, 3, 1);
        addresses(r3, "ua", net, 3, 2);
        veth(r2b, "down0", r3, "ub");
        addresses(r2b, "down0", net, 6, 1);
        addresses(r3, "ub", net, 6, 2);
        veth(r3, "down0", target, "up0");
        addresses(r3, "down0", net, 4, 1);
        addresses(target, "up0", net, 4, 2);
        for router in [r1, r2a, r2b, r3] {
            router_sysctls(router);
        }
        r1.sysctl("net.ipv4.fib_multipath_hash_policy", "1");
        // r3 hears the host's packets from r2b but would answer through r2a: no reverse-path
        // filter may drop them for that.
        for key in ["all", "default", "ua", "ub"] {
            r3.sysctl(&format!("net.ipv4.conf.{key}.rp_filter"), "0");
        }
        r1.sysctl("net.ipv6.fib_multipath_hash_policy", "1");
        default_via(&host, net, 1, 1);
        r1.exec(&[
            "ip",
            "route",
            "add",
            &format!("10.{net}.4.0/24"),
            "nexthop",
            "via",
            &v4(net, 2, 2),
            "nexthop",
            "via",
            &v4(net, 5, 2),
        ]);
        r1.exec(&[
            "ip",
            "-6",
            "route",
            "add",
            &format!("fd00:{net}:4::/64"),
            "nexthop",
            "via",
            &v6(net, 2, 2),
            "nexthop",
            "via",
            &v6(net, 5, 2),
        ]);
        route(r2a, net, 4, 3, 2);
        default_via(r2a, net, 2, 1);
        route(r2b, net, 4, 6, 2);
        default_via(r2b, net, 5, 1);
        default_via(r3, net, 3, 1);
        quiet_limits(target);
        default_via(target, net, 4, 1);
        let lab = Self { net, host, nodes };
        lab.settle();
        lab
    }

    /// The target's address.
    pub fn target(&self, v6: bool) -> String {
        if v6 {
            v6_addr(self.net, 4, 2)
        } else {
            v4(self.net, 4, 2)
        }
    }

    /// The address of a host behind the last router that silently drops it.
    pub fn dead_end(&self, v6: bool) -> String {
        if v6 {
            v6_addr(self.net, 8, 1)
        } else {
            v4(self.net, 8, 1)
        }
    }

    /// An address on the network a router holds an unreachable route for.
    pub fn unreachable(&self, v6: bool) -> String {
        if v6 {
            v6_addr(self.net, 9, 1)
        } else {
            v4(self.net, 9, 1)
        }
    }

    /// The address hop `hop` (1-3 routers, 4 the target) answers from on the plain chain:
    /// the side facing the host.
    pub fn hop(&self, hop: u8, v6: bool) -> IpAddr {
        let (link, last) = if hop == 1 { (1, 1) } else { (hop, 2) };
        let text = if v6 {
            v6_addr(self.net, link, last)
        } else {
            v4(self.net, link, last)
        };
        text.parse().unwrap()
    }

    /// Router `router` (1-3) drops one time-exceeded reply in `every`, nftables' own
    /// counting (`numgen inc`) choosing which.
    pub fn thin_time_exceeded(&self, router: usize, every: u32) {
        drop_time_exceeded(
            &self.nodes[router - 1],
            &format!("numgen inc mod {every} 0"),
        );
    }

    /// How many time-exceeded replies router `router` dropped, by its nftables counters.
    pub fn time_exceeded_dropped(&self, router: usize) -> u64 {
        let out = self.nodes[router - 1].exec(&["nft", "list", "table", "inet", "lab"]);
        let text = String::from_utf8_lossy(&out.stdout);
        text.split("counter packets ")
            .skip(1)
            .map(|rest| {
                rest.split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
                    .expect("an nft counter")
            })
            .sum()
    }

    /// The target namespace.
    pub fn target_ns(&self) -> &Netns {
        self.nodes.last().unwrap()
    }

    /// One ping through the whole path per family, so that no probe waits for neighbour
    /// discovery during a test.
    fn settle(&self) {
        for v6 in [false, true] {
            let target = self.target(v6);
            let ok = (0..20).any(|_| {
                self.host
                    .command(super::bin())
                    .args(["ping", "-c", "1", "-W", "1", &target])
                    .output()
                    .is_ok_and(|o| o.status.success())
            });
            assert!(ok, "the lab's target {target} never answered a ping");
        }
    }
}

fn v6_addr(net: u8, link: u8, last: u8) -> String {
    v6(net, link, last)
}

/// What a responder did with one probe: its sequence (the echo sequence of an echo request,
/// or of the one a time-exceeded reply quotes), its TTL on arrival, and how long after
/// receiving it the answer left (`None`: dropped on purpose).
pub type ResponderLog = Arc<Mutex<Vec<(u16, u8, Option<Duration>)>>>;

/// One probe a responder took: its sequence and TTL, the ICMP message that answers it, and
/// where that goes.
struct Request {
    seq: u16,
    ttl: u8,
    answer: Vec<u8>,
    to: socket2::SockAddr,
}

/// Answers probes in a namespace from user space, `delay` late, dropping every
/// `drop_every`-th probe it sees, and records what it did: echo requests at the target
/// ([`Responder::echo`]), or the probes that expire at a router ([`Responder::expiring`]).
pub struct Responder {
    /// What it did.
    pub log: ResponderLog,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Responder {
    /// Answer IPv4 echo requests in `ns`, whose kernel stops answering them.
    pub fn echo(ns: &Netns, delay: Duration, drop_every: usize) -> Self {
        ns.sysctl("net.ipv4.icmp_echo_ignore_all", "1");
        Self::start(ns, delay, drop_every, None, echo_reply)
    }

    /// Answer for router `router` (1-3) of `lab` the IPv4 ICMP echo probes toward the target
    /// that expire there: its kernel never sees them (nftables drops every packet that arrives
    /// with TTL 1 for the target, before routing), a packet socket on its side facing the host
    /// reads them, and the time-exceeded reply leaves from that side's address, quoting the
    /// probe as received, as the kernel's own would.
    pub fn expiring(lab: &Lab, router: usize, delay: Duration, drop_every: usize) -> Self {
        let ns = &lab.nodes[router - 1];
        let target = lab.target(false);
        let rules = format!(
            "table ip hop {{\n\
            chain pre {{ type filter hook prerouting priority -300; policy accept;\n\
            iifname \"up0\" ip daddr {target} ip ttl 1 counter drop\n}}\n}}\n"
        );
        let file = std::env::temp_dir().join(format!("{}-hop.nft", ns.name));
        std::fs::write(&file, rules).unwrap();
        ns.exec(&["nft", "-f", file.to_str().unwrap()]);
        let _ = std::fs::remove_file(file);
        let IpAddr::V4(target) = target.parse().unwrap() else {
            unreachable!()
        };
        let IpAddr::V4(own) = lab.hop(u8::try_from(router).unwrap(), false) else {
            unreachable!()
        };
        Self::start(ns, delay, drop_every, Some(own), move |packet: &[u8]| {
            time_exceeded(packet, target)
        })
    }

    /// Run the responder's thread in `ns`. With `expiring_at`, it reads every IPv4 packet
    /// arriving on `up0` and sends from that address; otherwise it reads ICMP from its raw
    /// socket. `take` turns a packet read (its IPv4 header first) into a request to answer.
    fn start(
        ns: &Netns,
        delay: Duration,
        drop_every: usize,
        expiring_at: Option<std::net::Ipv4Addr>,
        take: impl Fn(&[u8]) -> Option<Request> + Send + 'static,
    ) -> Self {
        let log: ResponderLog = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let ready = Arc::new(AtomicBool::new(false));
        let name = ns.name.clone();
        let (record, stop_flag, ready_flag) = (log.clone(), stop.clone(), ready.clone());
        let handle = std::thread::spawn(move || {
            let socket = super::raw_icmpv4_socket_in(&name);
            let reader = match expiring_at {
                Some(own) => {
                    let own = std::net::SocketAddr::from((own, 0));
                    socket.bind(&own.into()).unwrap();
                    packet_socket_on("up0")
                }
                None => socket.try_clone().unwrap(),
            };
            ready_flag.store(true, Ordering::SeqCst);
            let started = Instant::now();
            let mut seen = 0usize;
            // Answers wait in a queue for their time, so that a burst of probes is not
            // answered one delay after another.
            let mut due: Vec<(Instant, Request)> = Vec::new();
            let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 2048];
            while !stop_flag.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(30) {
                let now = Instant::now();
                for (received, request) in due.iter().filter(|d| d.0 + delay <= now) {
                    let held = received.elapsed();
                    socket.send_to(&request.answer, &request.to).unwrap();
                    record
                        .lock()
                        .unwrap()
                        .push((request.seq, request.ttl, Some(held)));
                }
                due.retain(|d| d.0 + delay > now);
                let wait = due
                    .iter()
                    .map(|d| (d.0 + delay).saturating_duration_since(now))
                    .min()
                    .unwrap_or(Duration::from_millis(20))
                    .max(Duration::from_millis(1));
                reader.set_read_timeout(Some(wait)).unwrap();
                let Ok(len) = reader.recv(&mut buf) else {
                    continue;
                };
                let received = Instant::now();
                // SAFETY: recv initialised the first `len` bytes.
                #[allow(unsafe_code)]
                let packet: Vec<u8> = buf[..len]
                    .iter()
                    .map(|b| unsafe { b.assume_init() })
                    .collect();
                let Some(request) = take(&packet) else {
                    continue;
                };
                seen += 1;
                if seen.is_multiple_of(drop_every) {
                    record
                        .lock()
                        .unwrap()
                        .push((request.seq, request.ttl, None));
                    continue;
                }
                due.push((received, request));
            }
        });
        assert!(super::wait_until(Duration::from_secs(5), || ready.load(Ordering::SeqCst)));
        Self {
            log,
            stop,
            handle: Some(handle),
        }
    }

    /// Stop it; what it did.
    pub fn finish(mut self) -> Vec<(u16, u8, Option<Duration>)> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.handle.take() {
            handle.join().unwrap();
        }
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// An IPv4 packet's header length, TTL, source, destination and payload, when it is one.
fn ipv4(packet: &[u8]) -> Option<(u8, std::net::Ipv4Addr, std::net::Ipv4Addr, &[u8])> {
    let header = usize::from(*packet.first()? & 0x0f) * 4;
    if packet[0] >> 4 != 4 || packet.len() < header.max(20) {
        return None;
    }
    let addr = |at: usize| {
        std::net::Ipv4Addr::new(packet[at], packet[at + 1], packet[at + 2], packet[at + 3])
    };
    Some((packet[8], addr(12), addr(16), &packet[header..]))
}

/// The sequence of an ICMP echo request.
fn echo_seq(icmp: &[u8]) -> Option<u16> {
    (icmp.len() >= 8 && icmp[0] == 8).then(|| u16::from_be_bytes([icmp[6], icmp[7]]))
}

/// An ICMP message with its checksum filled in.
fn with_checksum(mut message: Vec<u8>) -> Vec<u8> {
    message[2] = 0;
    message[3] = 0;
    let sum = checksum(&message);
    message[2..4].copy_from_slice(&sum.to_be_bytes());
    message
}

fn reply_to(addr: std::net::Ipv4Addr) -> socket2::SockAddr {
    std::net::SocketAddr::from((addr, 0)).into()
}

/// The echo reply to an echo request.
fn echo_reply(packet: &[u8]) -> Option<Request> {
    let (ttl, from, _, icmp) = ipv4(packet)?;
    let seq = echo_seq(icmp)?;
    let mut answer = icmp.to_vec();
    answer[0] = 0;
    Some(Request {
        seq,
        ttl,
        answer: with_checksum(answer),
        to: reply_to(from),
    })
}

/// The time-exceeded reply to an echo request toward `target` that arrived with TTL 1: type
/// 11 code 0, and the probe quoted from its IP header on, at most 548 bytes as Linux does.
fn time_exceeded(packet: &[u8], target: std::net::Ipv4Addr) -> Option<Request> {
    let (ttl, from, to, icmp) = ipv4(packet)?;
    if ttl != 1 || to != target || packet[9] != 1 {
        return None;
    }
    let seq = echo_seq(icmp)?;
    let total = usize::from(u16::from_be_bytes([packet[2], packet[3]])).min(packet.len());
    let mut answer = vec![11, 0, 0, 0, 0, 0, 0, 0];
    answer.extend_from_slice(&packet[..total.min(548)]);
    Some(Request {
        seq,
        ttl,
        answer: with_checksum(answer),
        to: reply_to(from),
    })
}

/// A packet socket that reads every IPv4 packet on interface `name` of the thread's namespace
/// (from the IP header on), with a read timeout set by its user.
fn packet_socket_on(name: &str) -> socket2::Socket {
    let ip = (libc::ETH_P_IP as u16).to_be();
    let socket = socket2::Socket::new(
        socket2::Domain::PACKET,
        socket2::Type::DGRAM,
        Some(socket2::Protocol::from(i32::from(ip))),
    )
    .unwrap();
    let index = nix::net::if_::if_nametoindex(name).unwrap();
    let mut storage = socket2::SockAddrStorage::zeroed();
    // SAFETY: sockaddr_ll fits in sockaddr_storage, and every field is set before the bind.
    #[allow(unsafe_code)]
    let link = unsafe {
        let ll = storage.view_as::<libc::sockaddr_ll>();
        ll.sll_family = libc::AF_PACKET as u16;
        ll.sll_protocol = ip;
        ll.sll_ifindex = i32::try_from(index).unwrap();
        socket2::SockAddr::new(
            storage,
            libc::socklen_t::try_from(std::mem::size_of::<libc::sockaddr_ll>()).unwrap(),
        )
    };
    socket.bind(&link).unwrap();
    socket
}

fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
