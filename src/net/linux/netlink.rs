//! The rtnetlink transport every Linux table reader shares: one dump request, its answers
//! decoded by neli, and the attribute helpers. Netlink answers for the caller's own network
//! namespace, where /sys/class/net answers for the namespace sysfs was mounted in (not the same
//! after a bare `unshare --net`), which is why the tables are read this way.

use std::net::IpAddr;

use neli::consts::nl::NlmF;
use neli::consts::rtnl::Rtm;
use neli::consts::socket::NlFamily;
use neli::nl::{NlPayload, Nlmsghdr};
use neli::router::synchronous::NlRouter;
use neli::utils::Groups;
use neli::{FromBytesWithInput, Size, ToBytes};

use crate::error::{Error, Result};

/// A route socket of this namespace; `fail` turns a connect error into the caller's message.
pub(super) fn connect(fail: impl Fn(String) -> Error) -> Result<NlRouter> {
    NlRouter::connect(NlFamily::Route, None, Groups::empty())
        .map(|(socket, _)| socket)
        .map_err(|e| fail(e.to_string()))
}

/// Run one rtnetlink dump request and hand every answer's payload to `each`.
pub(super) fn dump<SP, RP>(
    what: &str,
    request: Rtm,
    payload: SP,
    mut each: impl FnMut(&RP),
) -> Result<()>
where
    SP: Size + ToBytes + std::fmt::Debug,
    RP: Size + FromBytesWithInput<Input = usize> + std::fmt::Debug,
{
    let fail = |detail: String| Error::other(format!("netlink: cannot read {what}: {detail}"));
    let socket = connect(fail)?;
    let answers = socket
        .send::<Rtm, SP, Rtm, RP>(request, NlmF::DUMP, NlPayload::Payload(payload))
        .map_err(|e| fail(e.to_string()))?;
    for answer in answers {
        let header: Nlmsghdr<Rtm, RP> = answer.map_err(|e| fail(e.to_string()))?;
        if let Some(payload) = header.get_payload() {
            each(payload);
        }
    }
    Ok(())
}

/// A native-endian u32 attribute.
pub(super) fn u32_of(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(bytes.get(..4)?.try_into().ok()?))
}

/// A string attribute (NUL-terminated; anything not UTF-8 replaced).
pub(super) fn string_of(bytes: &[u8]) -> String {
    let text = bytes.split(|&b| b == 0).next().unwrap_or_default();
    String::from_utf8_lossy(text).into_owned()
}

/// An address from a netlink attribute: 4 bytes for IPv4, 16 for IPv6 (network order).
pub(super) fn ip_of(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_from_attribute_bytes() {
        assert_eq!(ip_of(&[10, 0, 0, 1]), Some("10.0.0.1".parse().unwrap()));
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_of(&v6), Some("::1".parse().unwrap()));
        assert_eq!(ip_of(&[1, 2, 3]), None);
    }

    #[test]
    fn string_attribute() {
        assert_eq!(string_of(b"eth0:1\0"), "eth0:1");
        assert_eq!(string_of(b"lo"), "lo");
        assert_eq!(string_of(b""), "");
    }

    #[test]
    fn u32_attribute() {
        assert_eq!(u32_of(&7u32.to_ne_bytes()), Some(7));
        assert_eq!(u32_of(&[1, 2]), None);
    }
}
