//! What a UDP scan sends to a port. A UDP service ignores a datagram it cannot parse, so an
//! empty probe to a DNS or NTP server reads as `open|filtered`; a well-formed request for the
//! protocol usually registered on the port makes an open server answer, and the port `open`.

/// The probe for `port`: a DNS query (53, and 5353 for multicast DNS responders), an NTP client
/// request (123), or nothing for other ports.
#[must_use]
pub fn for_port(port: u16) -> Vec<u8> {
    match port {
        53 | 5353 => dns_query(),
        123 => ntp_request(),
        _ => Vec::new(),
    }
}

/// A standard query for the root zone's NS records, recursion not asked for: every DNS server
/// answers it, with the records or with a refusal, and neither costs it a lookup.
fn dns_query() -> Vec<u8> {
    let mut q = Vec::with_capacity(17);
    q.extend_from_slice(&0x6e74_u16.to_be_bytes()); // identifier
    q.extend_from_slice(&0u16.to_be_bytes()); // flags: a standard query, RD clear
    q.extend_from_slice(&1u16.to_be_bytes()); // one question
    q.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // no answer, authority or additional records
    q.push(0); // the root name
    q.extend_from_slice(&2u16.to_be_bytes()); // type NS
    q.extend_from_slice(&1u16.to_be_bytes()); // class IN
    q
}

/// An NTPv4 client request (RFC 5905): 48 bytes, leap 0, version 4, mode 3 (client), the rest
/// zero, which servers answer with their time.
fn ntp_request() -> Vec<u8> {
    let mut packet = vec![0u8; 48];
    packet[0] = (4 << 3) | 3;
    packet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_query_layout() {
        assert_eq!(
            for_port(53),
            [
                0x6e, 0x74, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, // header
                0x00, 0x00, 0x02, 0x00, 0x01, // ". NS IN"
            ]
        );
        assert_eq!(for_port(5353), for_port(53));
    }

    #[test]
    fn ntp_request_layout() {
        let p = for_port(123);
        assert_eq!(p.len(), 48);
        assert_eq!(p[0], 0x23);
        assert!(p[1..].iter().all(|b| *b == 0));
    }

    #[test]
    fn other_ports_get_an_empty_datagram() {
        assert!(for_port(9999).is_empty());
    }
}
