//! Decoding frames captured on a veth pair (10.7.0.1, MAC 8e:1b:06:fd:e7:1b, opens a TCP
//! connection to 10.7.0.2:8001, MAC fe:dd:b9:85:74:07, sends "hello", gets "HELLO", closes).
//! The expected values are what `tcpdump -nn -v -e -r` printed for the same frames.

use std::net::Ipv4Addr;

use super::arp::{self, ArpOp};
use super::flow::FlowTracker;
use super::ip::TcpOption;
use super::*;

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn frame(text: &str) -> Packet {
    let bytes = hex(text);
    decode(LinkType::Ethernet, &bytes, bytes.len())
}

// 10.7.0.1.57060 > 10.7.0.2.8001: Flags [S], seq 2149406901, win 64240,
// options [mss 1460,sackOK,TS val 1549240721 ecr 0,nop,wscale 10], length 0
const SYN: &str = "feddb98574078e1b06fde71b08004500003c941040004006929b0a0700010a070002dee41f41801d58b500000000a002faf0143f0000020405b40402080a5c578991000000000103030a";
// 10.7.0.2.8001 > 10.7.0.1.57060: Flags [S.], seq 1524328070, ack 2149406902, win 65160
const SYN_ACK: &str = "8e1b06fde71bfeddb985740708004500003c00004000400626ac0a0700020a0700011f41dee45adb6686801d58b6a012fe88143f0000020405b40402080af0f488045c5789910103030a";
// Flags [.], ack 1, win 63
const ACK: &str = "feddb98574078e1b06fde71b08004500003494114000400692a20a0700010a070002dee41f41801d58b65adb66878010003f143700000101080a5c578991f0f48804";
// Flags [P.], seq 1:6, ack 1, win 63, length 5 ("hello")
const DATA: &str = "feddb98574078e1b06fde71b080045000039941240004006929c0a0700010a070002dee41f41801d58b65adb66878018003f143c00000101080a5c578991f0f4880468656c6c6f";
// client: Flags [F.], seq 6, ack 6
const FIN: &str = "feddb98574078e1b06fde71b080045000034941440004006929f0a0700010a070002dee41f41801d58bb5adb668c8011003f143700000101080a5c5789f5f0f48804";
// server: Flags [F.], seq 6, ack 7
const FIN_BACK: &str = "8e1b06fde71bfeddb9857407080045000034447b40004006e2380a0700020a0700011f41dee45adb668c801d58bc80110040143700000101080af0f488695c5789f5";
// client: Flags [.], ack 7
const LAST_ACK: &str = "feddb98574078e1b06fde71b080045000034941540004006929e0a0700010a070002dee41f41801d58bc5adb668d8010003f143700000101080a5c5789f6f0f48869";
// ARP, Request who-has 10.7.0.2 tell 10.7.0.1, length 28
const ARP_REQUEST: &str =
    "ffffffffffff8e1b06fde71b080600010800060400018e1b06fde71b0a0700010000000000000a070002";
// ARP, Reply 10.7.0.2 is-at fe:dd:b9:85:74:07, length 28
const ARP_REPLY: &str =
    "8e1b06fde71bfeddb985740708060001080006040002feddb98574070a0700028e1b06fde71b0a070001";
// (hlim 1, next-header Options (0) payload length: 36) :: > ff02::16: HBH ...
// ICMP6, multicast listener report v2
const MLD: &str = "333300000016feddb985740786dd600000000024000100000000000000000000000000000000ff0200000000000000000000000000163a000502000001008f00fafd0000000104000000ff0200000000000000000001ff857407";

#[test]
fn ethernet_ipv4_tcp_syn() {
    let p = frame(SYN);
    let link = p.link.as_ref().unwrap();
    assert_eq!(link.src_mac.as_deref(), Some("8e:1b:06:fd:e7:1b"));
    assert_eq!(link.dst_mac.as_deref(), Some("fe:dd:b9:85:74:07"));
    assert_eq!(
        (link.ethertype, link.ethertype_name.as_str()),
        (0x0800, "IPv4")
    );
    let ip = p.ip.as_ref().unwrap();
    assert_eq!(ip.src.to_string(), "10.7.0.1");
    assert_eq!(ip.dst.to_string(), "10.7.0.2");
    assert_eq!((ip.ttl, ip.id, ip.fragment_offset), (64, Some(37904), 0));
    assert_eq!(ip.flags, ["DF"]);
    assert_eq!(
        (ip.proto, ip.proto_name.as_str(), ip.length),
        (6, "TCP", 60)
    );
    let tcp = p.tcp.as_ref().unwrap();
    assert_eq!((tcp.src_port, tcp.dst_port), (57060, 8001));
    assert_eq!(
        (tcp.flags.as_str(), tcp.seq, tcp.ack),
        ("S", 2_149_406_901, None)
    );
    assert_eq!((tcp.window, tcp.payload_len), (64240, 0));
    let options: Vec<String> = tcp.options.iter().map(ToString::to_string).collect();
    assert_eq!(
        options.join(","),
        "mss 1460,sackOK,TS val 1549240721 ecr 0,nop,wscale 10"
    );
    assert_eq!(tcp.options[0], TcpOption::Mss { value: 1460 });
    assert_eq!(p.proto_name(), "tcp");
}

#[test]
fn syn_ack_and_data() {
    let tcp = frame(SYN_ACK).tcp.unwrap();
    assert_eq!(tcp.flags, "S.");
    assert_eq!(
        (tcp.seq, tcp.ack, tcp.window),
        (1_524_328_070, Some(2_149_406_902), 65160)
    );
    let p = frame(DATA);
    let tcp = p.tcp.as_ref().unwrap();
    assert_eq!((tcp.flags.as_str(), tcp.payload_len), ("P.", 5));
    assert_eq!(p.payload_text.as_deref(), Some("hello"));
}

#[test]
fn arp_request_and_reply() {
    let p = frame(ARP_REQUEST);
    assert_eq!(p.link.as_ref().unwrap().ethertype_name, "ARP");
    let a = p.arp.unwrap();
    assert_eq!(a.to_string(), "ARP, Request who-has 10.7.0.2 tell 10.7.0.1");
    assert_eq!(a.target_mac, "00:00:00:00:00:00");
    let a = frame(ARP_REPLY).arp.unwrap();
    assert_eq!(a.to_string(), "ARP, Reply 10.7.0.2 is-at fe:dd:b9:85:74:07");
    assert_eq!(
        (a.op, a.target_ip),
        (ArpOp::Reply, Ipv4Addr::new(10, 7, 0, 1))
    );
}

#[test]
fn ipv6_hop_by_hop_then_icmpv6() {
    let p = frame(MLD);
    let ip = p.ip.as_ref().unwrap();
    assert_eq!((ip.version, ip.ttl, ip.length), (6, 1, 36));
    assert_eq!(ip.dst.to_string(), "ff02::16");
    let icmp = p.icmp.unwrap();
    assert_eq!(
        (icmp.kind, icmp.name.as_str()),
        (143, "multicast listener report v2")
    );
}

#[test]
fn truncated_frames_say_so() {
    let bytes = hex(SYN);
    assert_eq!(
        decode(LinkType::Ethernet, &bytes[..20], 74)
            .error
            .as_deref(),
        Some("truncated IPv4 header")
    );
    assert_eq!(
        decode(LinkType::Ethernet, &bytes[..40], 74)
            .error
            .as_deref(),
        Some("truncated TCP header")
    );
    assert_eq!(
        decode(LinkType::Ethernet, &bytes[..5], 74).error.as_deref(),
        Some("truncated Ethernet header")
    );
}

#[test]
fn loopback_pseudo_header_and_cooked_and_raw() {
    let eth = hex(SYN);
    let ip = &eth[14..];
    // BSD loopback: AF_INET (2) in the capturing host's byte order.
    for family in [[2u8, 0, 0, 0], [0, 0, 0, 2]] {
        let mut bytes = family.to_vec();
        bytes.extend_from_slice(ip);
        let p = decode(LinkType::Null, &bytes, bytes.len());
        assert_eq!(p.link.as_ref().unwrap().kind, "loopback");
        assert_eq!(p.tcp.unwrap().dst_port, 8001);
    }
    // Linux cooked: outgoing (4), Ethernet (1), 6-byte address, IPv4.
    let mut bytes = vec![
        0, 4, 0, 1, 0, 6, 0x8e, 0x1b, 0x06, 0xfd, 0xe7, 0x1b, 0, 0, 0x08, 0x00,
    ];
    bytes.extend_from_slice(ip);
    let p = decode(LinkType::LinuxSll, &bytes, bytes.len());
    let link = p.link.as_ref().unwrap();
    assert_eq!((link.kind, link.direction), ("cooked", Some("Out")));
    assert_eq!(link.src_mac.as_deref(), Some("8e:1b:06:fd:e7:1b"));
    assert_eq!(p.ip.unwrap().src.to_string(), "10.7.0.1");
    let p = decode(LinkType::Raw, ip, ip.len());
    assert!(p.link.is_none());
    assert_eq!(p.tcp.unwrap().seq, 2_149_406_901);
}

#[test]
fn relative_numbers_and_narration_name_the_sides() {
    let mut tracker = FlowTracker::new();
    let mut steps = Vec::new();
    let mut relative = Vec::new();
    for (i, text) in [SYN, SYN_ACK, ACK, DATA, FIN, FIN_BACK, LAST_ACK]
        .iter()
        .enumerate()
    {
        let (rel, notes) = tracker.observe(i as f64 * 0.001, &frame(text));
        relative.push((rel.seq, rel.ack));
        steps.extend(
            notes
                .into_iter()
                .map(|n| format!("{} | {}", n.step, n.text)),
        );
    }
    // As tcpdump: absolute on the SYNs, then relative to each side's first number.
    assert_eq!(
        relative,
        [
            (None, None),
            (None, None),
            (Some(1), Some(1)),
            (Some(1), Some(1)),
            (Some(6), Some(6)),
            (Some(6), Some(7)),
            (Some(7), Some(7)),
        ]
    );
    assert_eq!(
        steps,
        [
            "SYN → | 1/3 client 10.7.0.1:57060 asks server 10.7.0.2:8001 to connect",
            "← SYN-ACK | 2/3 server 10.7.0.2:8001 accepts",
            "ACK → | 3/3 handshake complete in 2.000 ms: ESTABLISHED",
            "FIN → | client 10.7.0.1:57060 closes first: FIN_WAIT1",
            "← FIN | server 10.7.0.2:8001 closes too, acknowledging the first FIN in the same segment: LAST_ACK",
            "ACK → | closed: client 10.7.0.1:57060 is left in TIME_WAIT, server 10.7.0.2:8001 is CLOSED",
        ]
    );
}

#[test]
fn server_closing_first_is_left_in_time_wait() {
    let mut tracker = FlowTracker::new();
    let mut steps = Vec::new();
    // The same connection with the roles of the two FINs swapped: the server's FIN first, then
    // the client's ACK of it, the client's FIN, and the server's last ACK.
    let swap = |text: &str| frame(text);
    for text in [SYN, SYN_ACK, ACK] {
        tracker.observe(0.0, &swap(text));
    }
    let mut server_fin = frame(FIN_BACK);
    let tcp = server_fin.tcp.as_mut().unwrap();
    tcp.ack = Some(0x801d_58bb); // acknowledges only the client's data, not a FIN
    let (_, notes) = tracker.observe(0.1, &server_fin);
    steps.extend(notes.into_iter().map(|n| n.step));
    let mut client_ack = frame(FIN);
    let tcp = client_ack.tcp.as_mut().unwrap();
    tcp.raw_flags = ip::flags::ACK; // the client acknowledges the server's FIN
    tcp.ack = Some(0x5adb_668d);
    let (_, notes) = tracker.observe(0.2, &client_ack);
    steps.extend(notes.into_iter().map(|n| format!("{} {}", n.step, n.text)));
    assert_eq!(steps[0], "← FIN");
    assert_eq!(
        steps[1],
        "ACK → client 10.7.0.1:57060 acknowledges the FIN: server 10.7.0.2:8001 is in FIN_WAIT2, client 10.7.0.1:57060 in CLOSE_WAIT"
    );
}

#[test]
fn arp_round_trip() {
    let bytes = arp::build(
        ArpOp::Request,
        [0x02, 0, 0, 0, 0, 1],
        Ipv4Addr::new(10, 0, 0, 1),
        [0; 6],
        Ipv4Addr::new(10, 0, 0, 2),
    );
    let decoded = arp::decode(&bytes).unwrap();
    assert_eq!(decoded.op, ArpOp::Request);
    assert_eq!(decoded.sender_mac, "02:00:00:00:00:01");
    assert_eq!(decoded.target_ip, Ipv4Addr::new(10, 0, 0, 2));
    assert!(arp::decode(&bytes[..27]).is_none());
}

#[test]
fn dns_summary_of_a_query_and_an_answer() {
    use hickory_resolver::proto::op::{Message, MessageType, Query};
    use hickory_resolver::proto::rr::{Name, RData, Record, RecordType, rdata::A};
    let name = Name::from_ascii("www.example.test.").unwrap();
    let mut query = Message::query();
    query.metadata.id = 4660;
    query.metadata.recursion_desired = true;
    query.add_query(Query::query(name.clone(), RecordType::A));
    let summary = dns::summarize(&query.to_vec().unwrap()).unwrap();
    assert_eq!(summary.to_string(), "DNS 4660+ A? www.example.test.");
    let mut answer = query.clone();
    answer.metadata.message_type = MessageType::Response;
    answer.add_answer(Record::from_rdata(name, 60, RData::A(A::new(10, 7, 0, 9))));
    let summary = dns::summarize(&answer.to_vec().unwrap()).unwrap();
    assert_eq!(summary.to_string(), "DNS 4660 1/0/0 A 10.7.0.9");
    assert!(dns::summarize(b"hello").is_none());
}

#[test]
fn tcp_options_stop_at_a_bad_length() {
    assert_eq!(
        ip::parse_tcp_options(&[1, 1, 0]),
        [TcpOption::Nop, TcpOption::Nop, TcpOption::Eol]
    );
    assert_eq!(ip::parse_tcp_options(&[2, 9, 5]), []);
    assert_eq!(
        ip::parse_tcp_options(&[5, 10, 0, 0, 0, 1, 0, 0, 0, 2])
            .first()
            .map(ToString::to_string),
        Some("sack 1 {1:2}".to_string())
    );
}
