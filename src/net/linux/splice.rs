//! splice(2) between a pipe and a socket (or file): the bytes move inside the kernel, never
//! through user space. Used by [`crate::net::tcp::copy`] when stdin or stdout is a pipe; the
//! caller falls back to read/write when this returns `None`.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

/// Whether `fd` is a pipe (or FIFO).
pub fn is_pipe(fd: BorrowedFd<'_>) -> bool {
    nix::sys::stat::fstat(fd).is_ok_and(|st| (st.st_mode & libc::S_IFMT) == libc::S_IFIFO)
}

/// Move every byte from `from` to `to` with splice(2), `chunk` bytes a step, until end of input,
/// telling `step` the size of each step. `None` when splice cannot be used between these two
/// descriptors (neither is a pipe, or the kernel refused before the first byte); then nothing
/// was moved.
pub fn copy(
    from: BorrowedFd<'_>,
    to: BorrowedFd<'_>,
    chunk: usize,
    step: &mut dyn FnMut(usize),
) -> Option<io::Result<u64>> {
    if !is_pipe(from) && !is_pipe(to) {
        return None;
    }
    // A shell pipe holds 64 KiB: widen it (as far as fs.pipe-max-size lets an unprivileged
    // process, 1 MiB by default) so that each splice and each wake-up moves more.
    for fd in [from, to] {
        if is_pipe(fd) {
            widen_pipe(fd, chunk);
        }
    }
    match splice_all(from, to, chunk, step) {
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => None,
        other => Some(other),
    }
}

/// Ask for a pipe buffer of `size` bytes; a refusal leaves the pipe as it was.
pub fn widen_pipe(fd: BorrowedFd<'_>, size: usize) {
    let size = i32::try_from(size).unwrap_or(i32::MAX);
    let _ = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETPIPE_SZ(size));
}

/// splice(2) until end of input. An `EINVAL` before the first byte means splice cannot be used
/// between these two descriptors.
fn splice_all(
    from: BorrowedFd<'_>,
    to: BorrowedFd<'_>,
    chunk: usize,
    step: &mut dyn FnMut(usize),
) -> io::Result<u64> {
    let mut total = 0u64;
    loop {
        // splice(2) into a pipe holds the pipe's lock while it waits for its source: the
        // program reading that pipe (the other end of `nettool connect ... | cat`) could not
        // read what was already moved until more came. Wait for the source first, unlocked.
        wait_readable(from)?;
        match splice_once(from, to, chunk) {
            Ok(0) => return Ok(total),
            Ok(n) => {
                total += n as u64;
                step(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) && total > 0 => {
                return Err(io::Error::other("splice failed after data was moved"));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Block until `fd` has data or its end to read.
fn wait_readable(fd: BorrowedFd<'_>) -> io::Result<()> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    loop {
        let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) => return Ok(()),
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

fn splice_once(from: BorrowedFd<'_>, to: BorrowedFd<'_>, len: usize) -> io::Result<usize> {
    splice_with(from, to, len, libc::SPLICE_F_MOVE | libc::SPLICE_F_MORE)
}

/// One splice(2) of up to `len` bytes from the non-blocking socket `from` into the pipe `to`
/// that never waits: `WouldBlock` when the socket has nothing to read or the pipe no room.
pub fn splice_nonblocking(
    from: BorrowedFd<'_>,
    to: BorrowedFd<'_>,
    len: usize,
) -> io::Result<usize> {
    splice_with(from, to, len, libc::SPLICE_F_MOVE | libc::SPLICE_F_NONBLOCK)
}

/// One write of `bytes` into the pipe `to` that never waits for room: `WouldBlock` when the
/// pipe is full (pwritev2 with RWF_NOWAIT; older kernels refuse it for pipes with EOPNOTSUPP,
/// or have no pwritev2: ENOSYS).
#[allow(unsafe_code)]
pub fn write_nowait(to: BorrowedFd<'_>, bytes: &[u8]) -> io::Result<usize> {
    let iov = libc::iovec {
        iov_base: bytes.as_ptr().cast_mut().cast(),
        iov_len: bytes.len(),
    };
    // SAFETY: `to` is a borrowed open descriptor; the one iovec points at `bytes`, which the
    // kernel only reads, and lives across the call; offset -1 means the file's own position.
    let n = unsafe { libc::pwritev2(to.as_raw_fd(), &raw const iov, 1, -1, libc::RWF_NOWAIT) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

#[allow(unsafe_code)]
fn splice_with(
    from: BorrowedFd<'_>,
    to: BorrowedFd<'_>,
    len: usize,
    flags: libc::c_uint,
) -> io::Result<usize> {
    // SAFETY: both descriptors are borrowed open files for the duration of the call; null
    // offsets make the kernel use (and advance) the files' own positions, as pipes and sockets
    // require; no user memory is passed.
    let n = unsafe {
        libc::splice(
            from.as_raw_fd(),
            std::ptr::null_mut(),
            to.as_raw_fd(),
            std::ptr::null_mut(),
            len,
            flags,
        )
    };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
