//! Sending through one interface (`SO_BINDTODEVICE`), whatever the routing table says.

use std::io;

use socket2::Socket;

/// Bind `socket` to the interface named `device`.
pub fn bind(socket: &Socket, device: &str) -> io::Result<()> {
    socket.bind_device(Some(device.as_bytes()))
}
