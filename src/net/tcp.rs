//! TCP socket adapters for `listen` and `connect`: a dual-stack listening socket, a connect with
//! a deadline and a chosen source address or port, the errors that say what went wrong, and a
//! byte copier (splice(2) through [`crate::net::linux`] when it can). A reader starts at
//! [`listen`] and [`connect`]; what is done with a connection lives in `cmd::tcp`.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{Error, Result};
use crate::model::address::{Endpoint, ScopedAddr};
use crate::model::services::Proto;
use crate::model::socket_trace::{SocketCall, TcpState, family_name};
use crate::net::host::Family;

/// The default listen backlog.
pub const BACKLOG: u32 = 1024;

/// The TCP state of the socket `fd` as the kernel reports it, where the system tells.
#[must_use]
pub fn state(fd: BorrowedFd<'_>) -> Option<TcpState> {
    state_of(fd.as_raw_fd())
}

/// [`state`] of a descriptor held inside a future (a connect in progress).
fn state_of(fd: std::os::fd::RawFd) -> Option<TcpState> {
    #[cfg(target_os = "linux")]
    return crate::net::linux::tcp_info::state(fd);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = fd;
        None
    }
}

/// `call` narrated with the state of `fd` right after it.
fn traced(call: String, fd: &impl AsFd) -> SocketCall {
    SocketCall::with_state(call, state(fd.as_fd()))
}

/// A bound, listening socket and the addresses it answers on (for the `listening on` line).
pub struct Listener {
    /// The socket.
    pub listener: TcpListener,
    /// `0.0.0.0:8001` and `[::]:8001` for a dual-stack socket; the one bound address otherwise.
    pub shown: Vec<SocketAddr>,
    /// The socket calls made, for `--trace`.
    pub calls: Vec<SocketCall>,
}

/// Bind and listen on `addr` (or every interface) and `port`. Without an address and without
/// `-4`/`-6`, one IPv6 socket that also takes IPv4 (v6only off) is used, falling back to IPv4
/// alone where the system has no IPv6.
pub fn listen(
    addr: Option<&ScopedAddr>,
    port: u16,
    family: Family,
    backlog: u32,
) -> Result<Listener> {
    let (ip, dual) = match (addr, family) {
        (Some(ip), _) => (ip.clone(), false),
        (None, Family::V4) => (IpAddr::V4(Ipv4Addr::UNSPECIFIED).into(), false),
        (None, Family::V6) => (IpAddr::V6(Ipv6Addr::UNSPECIFIED).into(), false),
        (None, Family::Any) => (IpAddr::V6(Ipv6Addr::UNSPECIFIED).into(), true),
    };
    let target = ip.socket_addr(port);
    let mut calls = Vec::new();
    match bind_one(target, dual, backlog, &mut calls) {
        Ok(listener) => {
            let bound = listener
                .local_addr()
                .map_err(|e| Error::io("getsockname", e))?;
            let shown = if dual {
                vec![
                    SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), bound.port()),
                    bound,
                ]
            } else {
                vec![bound]
            };
            Ok(Listener {
                listener,
                shown,
                calls,
            })
        }
        Err(err)
            if dual
                && matches!(
                    err.raw_os_error(),
                    Some(libc::EAFNOSUPPORT | libc::EADDRNOTAVAIL)
                ) =>
        {
            listen(None, port, Family::V4, backlog)
        }
        Err(err) => Err(bind_error(target, err)),
    }
}

fn bind_one(
    target: SocketAddr,
    dual: bool,
    backlog: u32,
    calls: &mut Vec<SocketCall>,
) -> io::Result<TcpListener> {
    let socket = Socket::new(
        Domain::for_address(target),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    let fd = socket.as_raw_fd();
    let family = family_name(target.is_ipv6());
    calls.push(SocketCall::new(format!(
        "socket({family}, SOCK_STREAM) = fd {fd}"
    )));
    if target.is_ipv6() {
        socket.set_only_v6(!dual)?;
        calls.push(SocketCall::new(format!(
            "setsockopt(IPV6_V6ONLY, {})",
            i32::from(!dual)
        )));
    }
    socket.set_reuse_address(true)?;
    calls.push(SocketCall::new("setsockopt(SO_REUSEADDR, 1)"));
    socket.set_nonblocking(true)?;
    crate::net::privilege::with_raised(|| socket.bind(&target.into()))?;
    calls.push(SocketCall::new(format!("bind({target})")));
    socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
    calls.push(traced(format!("listen(backlog {backlog})"), &socket));
    TcpListener::from_std(socket.into())
}

/// The error for a failed bind: a port in use names the process holding it; a privileged port
/// says that it needs privilege.
#[must_use]
pub fn bind_error(target: SocketAddr, err: io::Error) -> Error {
    let port = target.port();
    match err.raw_os_error() {
        Some(libc::EADDRINUSE) => {
            // Naming another user's process reads its /proc entries, which may need privilege.
            let holder = crate::net::privilege::with_raised(|| {
                crate::net::sockets::holder(port, Proto::Tcp)
            })
            .map_or_else(String::new, |h| format!(" by {h}"));
            Error::other(format!(
                "bind {target}: port {port} is already in use{holder}"
            ))
        }
        Some(libc::EACCES) if port < 1024 => Error::Permission(format!(
            "bind {target}: port {port} is below 1024 and needs privilege (run as root, or \
             setcap cap_net_bind_service+ep $(which nettool), or use a port from 1024 up)"
        )),
        _ => Error::io(format!("bind {target}"), err),
    }
}

/// How to connect.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Give up on one address after this long (`-w`).
    pub timeout: Option<Duration>,
    /// Bind the local end to this address first (`-s`), with its zone.
    pub source: Option<ScopedAddr>,
    /// Bind the local end to this port first (`-p`).
    pub source_port: Option<u16>,
}

/// An established connection.
pub struct Connected {
    /// The stream.
    pub stream: TcpStream,
    /// The address it reached.
    pub peer: SocketAddr,
    /// How long the three-way handshake took.
    pub handshake: Duration,
}

/// Connect to the first of `addrs` that accepts. Refused and timed-out attempts are negative
/// answers (exit 1); the error names the last address tried. The socket calls made, failed ones
/// included, are appended to `calls` (for `--trace`).
pub async fn connect(
    addrs: &[ScopedAddr],
    port: u16,
    opts: &ConnectOptions,
    calls: &mut Vec<SocketCall>,
) -> Result<Connected> {
    let mut last = None;
    for ip in addrs {
        match connect_one(&ip.endpoint(port), opts, calls).await {
            Ok(c) => return Ok(c),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| Error::other("no address to connect to")))
}

async fn connect_one(
    target: &Endpoint,
    opts: &ConnectOptions,
    calls: &mut Vec<SocketCall>,
) -> Result<Connected> {
    let context = format!("connect {target}");
    let socket = if !target.is_ipv6() {
        tokio::net::TcpSocket::new_v4()
    } else {
        tokio::net::TcpSocket::new_v6()
    }
    .map_err(|e| Error::io(&context, e))?;
    let fd = socket.as_raw_fd();
    let family = family_name(target.is_ipv6());
    calls.push(traced(
        format!("socket({family}, SOCK_STREAM) = fd {fd}"),
        &socket,
    ));
    if opts.source.is_some() || opts.source_port.is_some() {
        let ip = opts.source.clone().unwrap_or_else(|| {
            ScopedAddr::from(match target.addr {
                SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            })
        });
        if ip.ip.is_ipv6() != target.is_ipv6() {
            return Err(Error::invalid(
                ip.to_string(),
                format!("source address is not of the same family as {target}"),
            ));
        }
        let local = ip.endpoint(opts.source_port.unwrap_or(0));
        socket
            .set_reuseaddr(true)
            .map_err(|e| Error::io(&context, e))?;
        crate::net::privilege::with_raised(|| socket.bind(local.addr))
            .map_err(|e| Error::io(format!("bind {local}"), e))?;
        calls.push(SocketCall::new(format!("bind({local})")));
    }
    let start = Instant::now();
    let mut attempt = std::pin::pin!(socket.connect(target.addr));
    // The first poll makes the connect(2) call: our SYN goes out and, unless the handshake is
    // already done, the socket waits in SYN_SENT.
    let first = std::future::poll_fn(|cx| Poll::Ready(attempt.as_mut().poll(cx))).await;
    let result = match first {
        Poll::Ready(r) => r,
        Poll::Pending => {
            let state = state_of(fd);
            let call = if state == Some(TcpState::Established) {
                // Over loopback the peer's kernel answers within the call itself.
                format!("connect({target}) = EINPROGRESS: SYN, SYN-ACK, ACK already exchanged")
            } else {
                format!("connect({target}) blocks… (our SYN is out)")
            };
            calls.push(SocketCall::with_state(call, state));
            match opts.timeout {
                Some(limit) => {
                    let deadline = tokio::time::Instant::from_std(start + limit);
                    match tokio::time::timeout_at(deadline, attempt).await {
                        Ok(r) => r,
                        Err(_) => {
                            calls.push(SocketCall::with_state(
                                format!("connect({target}): no SYN-ACK, given up"),
                                state_of(fd),
                            ));
                            return Err(Error::negative(format!(
                                "{context}: timed out after {}",
                                humantime::format_duration(limit)
                            )));
                        }
                    }
                }
                None => attempt.await,
            }
        }
    };
    let handshake = start.elapsed();
    match result {
        Ok(stream) => {
            let _ = stream.set_nodelay(true);
            let local = stream
                .local_addr()
                .map_or_else(|_| "?".into(), |a| a.to_string());
            calls.push(traced(
                format!(
                    "connect({target}) = 0 from {local}: SYN, SYN-ACK, ACK took {:.3} ms",
                    handshake.as_secs_f64() * 1000.0
                ),
                &stream,
            ));
            Ok(Connected {
                stream,
                peer: target.addr,
                handshake,
            })
        }
        Err(e) => {
            calls.push(SocketCall::new(format!("connect({target}) failed: {e}")));
            Err(e)
        }
    }
    .map_err(|e| Error::answer(&context, e))
}

/// Whether an error on an established connection means the peer reset or vanished.
#[must_use]
pub fn is_reset(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionAborted
    )
}

/// The size of one copy step (and of the read/write buffer when splice cannot be used).
pub const CHUNK: usize = 1 << 20;

/// Copy every byte from `from` to `to` until end of input; returns the count, and tells `step`
/// the size of each step as it is done (to count, or narrate, a session still under way).
/// With `splice`, uses splice(2) where the system has it and one end is a pipe (no copy
/// through user space); read/write with a large buffer otherwise, one read and its write a
/// step. Both descriptors must be in blocking mode.
pub fn copy(
    from: BorrowedFd<'_>,
    to: BorrowedFd<'_>,
    splice: bool,
    step: &mut dyn FnMut(usize),
) -> io::Result<u64> {
    #[cfg(target_os = "linux")]
    if splice && let Some(done) = super::os::splice::copy(from, to, CHUNK, step) {
        return done;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = splice;
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match nix::unistd::read(from, &mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        };
        write_all(to, &buf[..n])?;
        total += n as u64;
        step(n);
    }
}

/// Write all of `bytes` to the blocking descriptor `to`.
fn write_all(to: BorrowedFd<'_>, bytes: &[u8]) -> io::Result<()> {
    let mut done = 0;
    while done < bytes.len() {
        match nix::unistd::write(to, &bytes[done..]) {
            Ok(w) => done += w,
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// A stop that a thread blocking in poll(2) watches: `flag` is looked at between steps, and
/// `fd` turns readable at the stop, so that every wait also ends on it.
#[derive(Debug, Clone, Copy)]
pub struct StopSignal<'a> {
    /// Readable from the stop on.
    pub fd: BorrowedFd<'a>,
    /// True from the stop on.
    pub flag: &'a AtomicBool,
}

/// What a wait in [`StopSignal::wait`] waits for on its descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Something to read (or its end, or an error).
    Read,
    /// Room to write.
    Write,
}

impl StopSignal<'_> {
    /// Whether the stop has come.
    #[must_use]
    pub fn stopped(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Block until `fd` is ready as wanted (without one, until `timeout` has passed) or the
    /// stop comes; true at the stop.
    pub fn wait(
        &self,
        fd: Option<(BorrowedFd<'_>, Want)>,
        timeout: Option<Duration>,
    ) -> io::Result<bool> {
        use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
        let timeout = timeout.map_or(PollTimeout::NONE, |t| {
            PollTimeout::try_from(t).unwrap_or(PollTimeout::MAX)
        });
        let stop = PollFd::new(self.fd, PollFlags::POLLIN);
        let mut fds = [stop.clone(), stop];
        let used = match fd {
            Some((fd, want)) => {
                let events = match want {
                    Want::Read => PollFlags::POLLIN,
                    Want::Write => PollFlags::POLLOUT,
                };
                fds[1] = PollFd::new(fd, events);
                2
            }
            None => 1,
        };
        loop {
            match poll(&mut fds[..used], timeout) {
                Ok(_) => return Ok(fds[0].any().unwrap_or(false) || self.stopped()),
                Err(nix::errno::Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// How a [`copy_or_stop`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyEnd {
    /// The input ended.
    Eof,
    /// The stop came first.
    Stopped,
}

/// How [`copy_or_stop`] writes to its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    /// Not a pipe (a file): plain writes.
    File,
    /// A pipe that takes writes that never wait for room (pwritev2 with RWF_NOWAIT): the
    /// cheapest way for a line or two, and it stays so for bulk too.
    Pipe,
    /// A pipe that refuses such writes: the kernel refuses them for good once anything was
    /// spliced into the pipe (and older kernels always). Spliced into, with splice(2) calls
    /// that never wait.
    SplicedPipe,
}

/// How [`copy_or_stop`] should write to `fd`; a pipe is widened (as far as the system lets)
/// so that each step moves more.
#[must_use]
pub fn sink(fd: BorrowedFd<'_>) -> Sink {
    #[cfg(target_os = "linux")]
    if super::os::splice::is_pipe(fd) {
        super::os::splice::widen_pipe(fd, CHUNK);
        return Sink::Pipe;
    }
    let _ = fd;
    Sink::File
}

/// Copy every byte from the non-blocking socket `from` to `to` until end of input or the stop,
/// telling `step` the size of each step; returns the count and which came first. Each wait,
/// for the socket or for room in a pipe, is a poll(2) that the stop ends too, all on the
/// calling thread. `sink` (from [`sink`]) says how to write, and turns to
/// [`Sink::SplicedPipe`] when the pipe refuses writes that do not wait. Bytes are read into
/// `buf` (sized at first use) unless they are spliced. `idle` is called before each wait: the
/// input has nothing more ready and what came has been written.
pub fn copy_or_stop(
    from: BorrowedFd<'_>,
    to: BorrowedFd<'_>,
    sink: &mut Sink,
    buf: &mut Vec<u8>,
    stop: StopSignal<'_>,
    step: &mut dyn FnMut(usize),
    idle: &mut dyn FnMut(),
) -> io::Result<(u64, CopyEnd)> {
    if buf.len() < CHUNK {
        buf.resize(CHUNK, 0);
    }
    let mut total = 0u64;
    // What the last wait was for: a splice that would block right after a wait for the socket
    // means that the pipe is full.
    let mut waited = None;
    // Bytes read and not yet written: reading goes on while the socket has more ready at
    // once, and they are written when it has none (or at its end, or with the buffer full).
    // So a line followed by the peer's end is one write after both reads, and a burst is one
    // write, with no more system calls than writing each read: the read that finds nothing is
    // one the loop makes anyway before it waits.
    let mut held = 0;
    loop {
        if stop.stopped() {
            return Ok((total, CopyEnd::Stopped));
        }
        let got = if *sink == Sink::SplicedPipe {
            splice_some(from, to)
        } else {
            nix::unistd::read(from, &mut buf[held..]).map_err(io::Error::from)
        };
        // What follows a read, once what is held is written.
        let after = match got {
            Ok(n) if *sink == Sink::SplicedPipe && n > 0 => {
                total += n as u64;
                step(n);
                waited = None;
                continue;
            }
            Ok(n) if n > 0 && held + n < buf.len() => {
                held += n;
                waited = None;
                continue;
            }
            Ok(0) => After::End,
            Ok(n) => {
                held += n;
                After::ReadOn
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => After::Wait,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // What was read before the error still goes out.
            Err(e) => After::Fail(e),
        };
        let mut whole = true;
        if held > 0 {
            let written;
            (written, whole) = put(to, &buf[..held], sink, stop)?;
            held = 0;
            total += written as u64;
            step(written);
        }
        match after {
            After::Fail(e) => return Err(e),
            _ if !whole => return Ok((total, CopyEnd::Stopped)),
            After::End => return Ok((total, CopyEnd::Eof)),
            After::ReadOn => waited = None,
            After::Wait => {
                let (fd, want) = match waited {
                    Some(Want::Read) if *sink == Sink::SplicedPipe => (to, Want::Write),
                    _ => (from, Want::Read),
                };
                idle();
                if stop.wait(Some((fd, want)), None)? {
                    return Ok((total, CopyEnd::Stopped));
                }
                waited = Some(want);
            }
        }
    }
}

/// What [`copy_or_stop`] does after a read, once the bytes it holds are written.
enum After {
    /// The buffer was full: read on.
    ReadOn,
    /// Nothing more is ready: wait.
    Wait,
    /// The input ended.
    End,
    /// The read failed.
    Fail(io::Error),
}

/// Write `bytes` read by [`copy_or_stop`] to `to` as `sink` says: the count written and
/// whether that is all of them (short only at the stop).
fn put(
    to: BorrowedFd<'_>,
    bytes: &[u8],
    sink: &mut Sink,
    stop: StopSignal<'_>,
) -> io::Result<(usize, bool)> {
    let written = if *sink == Sink::Pipe {
        write_or_stop(to, bytes, sink, stop)?
    } else {
        write_all(to, bytes).map(|()| bytes.len())?
    };
    Ok((written, written == bytes.len()))
}

/// Write all of `bytes` into the pipe `to`, each wait for room a poll(2) that the stop ends
/// too; the count written, short only at the stop. A pipe that refuses writes that do not
/// wait turns `sink` to [`Sink::SplicedPipe`], and the rest goes in pieces no larger than
/// the pipe takes at once when poll(2) says it has room.
fn write_or_stop(
    to: BorrowedFd<'_>,
    bytes: &[u8],
    sink: &mut Sink,
    stop: StopSignal<'_>,
) -> io::Result<usize> {
    let mut done = 0;
    while done < bytes.len() {
        let wrote = if *sink == Sink::Pipe {
            write_nowait(to, &bytes[done..])
        } else if stop.wait(Some((to, Want::Write)), None)? {
            return Ok(done);
        } else {
            let piece = (bytes.len() - done).min(libc::PIPE_BUF);
            nix::unistd::write(to, &bytes[done..done + piece]).map_err(io::Error::from)
        };
        match wrote {
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if stop.wait(Some((to, Want::Write)), None)? {
                    return Ok(done);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP | libc::ENOSYS)) => {
                *sink = Sink::SplicedPipe;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// One write into the pipe `to` that never waits for room.
fn write_nowait(to: BorrowedFd<'_>, bytes: &[u8]) -> io::Result<usize> {
    #[cfg(target_os = "linux")]
    return super::os::splice::write_nowait(to, bytes);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (to, bytes);
        Err(io::Error::from_raw_os_error(libc::ENOSYS))
    }
}

/// One splice from the socket into the pipe that never waits.
fn splice_some(from: BorrowedFd<'_>, to: BorrowedFd<'_>) -> io::Result<usize> {
    #[cfg(target_os = "linux")]
    return super::os::splice::splice_nonblocking(from, to, CHUNK);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (from, to);
        Err(io::Error::from_raw_os_error(libc::EINVAL))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_use_error_names_port() {
        let target: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let err = bind_error(target, io::Error::from_raw_os_error(libc::EADDRINUSE));
        assert!(
            err.to_string()
                .starts_with("bind 127.0.0.1:1: port 1 is already in use")
        );
        assert_eq!(err.exit_code(), 2);
        let err = bind_error(target, io::Error::from_raw_os_error(libc::EACCES));
        assert!(
            err.to_string()
                .contains("port 1 is below 1024 and needs privilege")
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn copy_through_a_pipe_and_a_file() {
        use std::io::{Read, Write};
        let (r, mut w) = std::io::pipe().unwrap();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let writer = {
            let data = data.clone();
            std::thread::spawn(move || w.write_all(&data).unwrap())
        };
        let mut file = tempfile::tempfile().unwrap();
        let mut steps = 0u64;
        let n = copy(
            std::os::fd::AsFd::as_fd(&r),
            std::os::fd::AsFd::as_fd(&file),
            true,
            &mut |n| steps += n as u64,
        )
        .unwrap();
        writer.join().unwrap();
        assert_eq!(n, data.len() as u64);
        assert_eq!(steps, n);
        let mut back = Vec::new();
        std::io::Seek::rewind(&mut file).unwrap();
        file.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }

    /// A stop: its descriptor (readable once the writer has written), the writer, the flag.
    fn stop_pair() -> (std::io::PipeReader, std::io::PipeWriter, AtomicBool) {
        let (r, w) = std::io::pipe().unwrap();
        (r, w, AtomicBool::new(false))
    }

    /// [`copy_or_stop`] from `from` to `to` with a stop that never comes and a fresh buffer.
    fn copy_unstopped(
        from: &impl AsFd,
        to: &impl AsFd,
        sink: &mut Sink,
        step: &mut dyn FnMut(usize),
        idle: &mut dyn FnMut(),
    ) -> (u64, CopyEnd) {
        let (stop_r, _stop_w, flag) = stop_pair();
        let stop = StopSignal {
            fd: stop_r.as_fd(),
            flag: &flag,
        };
        let mut buf = Vec::new();
        copy_or_stop(from.as_fd(), to.as_fd(), sink, &mut buf, stop, step, idle).unwrap()
    }

    /// A pipe to copy into: fresh, or one that something was spliced into before (the kernel
    /// then refuses writes that do not wait). The byte spliced in is read off here.
    fn pipe_for(spliced_before: bool) -> (std::io::PipeReader, std::io::PipeWriter) {
        use std::io::{Read, Write};
        let (mut r, w) = std::io::pipe().unwrap();
        assert_eq!(sink(w.as_fd()), Sink::Pipe);
        if spliced_before {
            let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
            b.write_all(b"!").unwrap();
            drop(b);
            assert_eq!(copy(a.as_fd(), w.as_fd(), true, &mut |_| {}).unwrap(), 1);
            let mut one = [0u8];
            r.read_exact(&mut one).unwrap();
        }
        (r, w)
    }

    /// (spliced into before, how the copy is told to write, how it writes in the end): a
    /// told "pipe" learns from the kernel's refusal.
    const CASES: [(bool, Sink, Sink); 3] = [
        (false, Sink::Pipe, Sink::Pipe),
        (true, Sink::Pipe, Sink::SplicedPipe),
        (true, Sink::SplicedPipe, Sink::SplicedPipe),
    ];

    #[test]
    fn copy_or_stop_moves_lines_and_bulk_exactly() {
        use std::io::{Read, Write};
        use std::os::unix::net::UnixStream;
        for (i, (spliced_before, told, after)) in CASES.into_iter().enumerate() {
            let (a, mut b) = UnixStream::pair().unwrap();
            a.set_nonblocking(true).unwrap();
            let (mut r, w) = pipe_for(spliced_before);
            let mut sink = told;
            let bulk: Vec<u8> = (0..700_000u32).map(|i| (i % 253) as u8).collect();
            let mut want = b"one line\n".to_vec();
            want.extend_from_slice(&bulk);
            want.extend_from_slice(b"last\n");
            let sent = want.clone();
            let writer = std::thread::spawn(move || {
                b.write_all(&sent[..9]).unwrap();
                std::thread::sleep(Duration::from_millis(20));
                b.write_all(&sent[9..]).unwrap();
            });
            let reader = std::thread::spawn(move || {
                let mut got = Vec::new();
                r.read_to_end(&mut got).unwrap();
                got
            });
            let mut steps = 0u64;
            let (n, end) =
                copy_unstopped(&a, &w, &mut sink, &mut |n| steps += n as u64, &mut || {});
            writer.join().unwrap();
            drop(w);
            assert_eq!((n, end, steps), (want.len() as u64, CopyEnd::Eof, n), "{i}");
            assert_eq!(reader.join().unwrap(), want, "{i}");
            assert_eq!(sink, after, "{i}");
        }
    }

    /// What is ready is read before it is written: lines already followed by the peer's end
    /// are one write, with no wait. Bytes with no end after them are written before the wait,
    /// and `idle` is called then (here it ends the peer, which ends the copy).
    #[test]
    fn copy_or_stop_writes_what_is_ready_at_once_and_calls_idle_before_waiting() {
        use std::io::{Read, Write};
        use std::os::unix::net::UnixStream;
        for ended in [true, false] {
            let (a, mut b) = UnixStream::pair().unwrap();
            a.set_nonblocking(true).unwrap();
            let (mut r, w) = pipe_for(false);
            b.write_all(b"one\n").unwrap();
            b.write_all(b"two\n").unwrap();
            let mut peer = Some(b);
            if ended {
                peer = None;
            }
            let (mut writes, mut idles) = (Vec::new(), 0);
            let mut idle = || {
                idles += 1;
                peer = None;
            };
            let (n, end) =
                copy_unstopped(&a, &w, &mut Sink::Pipe, &mut |n| writes.push(n), &mut idle);
            drop(w);
            let mut got = Vec::new();
            r.read_to_end(&mut got).unwrap();
            assert_eq!(
                (n, end, got.as_slice()),
                (8, CopyEnd::Eof, &b"one\ntwo\n"[..])
            );
            assert_eq!(
                (writes, idles),
                (vec![8], usize::from(!ended)),
                "ended: {ended}"
            );
        }
    }

    #[test]
    fn copy_or_stop_ends_at_the_stop_while_the_pipe_is_full() {
        use std::io::{Read, Write};
        use std::os::unix::net::UnixStream;
        use std::sync::atomic::AtomicUsize;
        for (i, (spliced_before, told, _)) in CASES.into_iter().enumerate() {
            let (a, mut b) = UnixStream::pair().unwrap();
            a.set_nonblocking(true).unwrap();
            let (mut r, w) = pipe_for(spliced_before);
            let mut sink = told;
            let written = std::sync::Arc::new(AtomicUsize::new(0));
            let counted = std::sync::Arc::clone(&written);
            // Small writes, at most 8 MiB, until the reading side goes away.
            let writer = std::thread::spawn(move || {
                for _ in 0..8192 {
                    if b.write_all(&[b'x'; 1024]).is_err() {
                        return;
                    }
                    counted.fetch_add(1024, Ordering::SeqCst);
                }
            });
            let (stop_r, mut stop_w, flag) = stop_pair();
            let (n, end) = std::thread::scope(|scope| {
                let copier = scope.spawn(|| {
                    let stop = StopSignal {
                        fd: stop_r.as_fd(),
                        flag: &flag,
                    };
                    let mut buf = Vec::new();
                    copy_or_stop(
                        a.as_fd(),
                        w.as_fd(),
                        &mut sink,
                        &mut buf,
                        stop,
                        &mut |_| {},
                        &mut || {},
                    )
                    .unwrap()
                });
                // Until the writer stops making progress: the pipe, then the socket, are full.
                let mut last = usize::MAX;
                for _ in 0..300 {
                    std::thread::sleep(Duration::from_millis(100));
                    let now = written.load(Ordering::SeqCst);
                    if now == last {
                        break;
                    }
                    last = now;
                }
                flag.store(true, Ordering::SeqCst);
                stop_w.write_all(b"!").unwrap();
                copier.join().unwrap()
            });
            assert_eq!(end, CopyEnd::Stopped, "{i}");
            drop((a, w));
            writer.join().unwrap();
            let mut got = Vec::new();
            r.read_to_end(&mut got).unwrap();
            assert_eq!(got.len() as u64, n, "{i}");
            assert!(n > 0, "{i}: {n}");
        }
    }
}
