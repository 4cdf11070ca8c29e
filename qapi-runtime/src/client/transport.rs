//! Streams the blocking client runs over, and how it bounds the time it waits on them.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A byte stream the blocking [`Client`](super::Client) can talk over, with the means to bound
/// how long one read or write blocks.
///
/// Implemented for [`TcpStream`] and, on Unix, `UnixStream`, whose socket timeouts do this.
/// Any other [`Read`] + [`Write`] (a character device, a pipe, an in-memory buffer) can be
/// used through [`Untimed`].
pub trait Transport: Read + Write {
    /// Bounds how long the next reads may block (`None`: no bound). A read that runs out of
    /// time fails with [`io::ErrorKind::WouldBlock`] or [`io::ErrorKind::TimedOut`].
    fn apply_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;

    /// Bounds how long the next writes may block (`None`: no bound).
    fn apply_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;
}

impl Transport for TcpStream {
    fn apply_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_read_timeout(timeout)
    }

    fn apply_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_write_timeout(timeout)
    }
}

#[cfg(unix)]
impl Transport for std::os::unix::net::UnixStream {
    fn apply_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_read_timeout(timeout)
    }

    fn apply_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_write_timeout(timeout)
    }
}

/// A stream that cannot bound how long it blocks, made usable as a [`Transport`].
///
/// The client then cannot interrupt a read or write that blocks: the read timeout is only
/// checked between reads, so it ends a call while the peer keeps sending things that are not
/// the awaited reply (stale replies, garbage), but not while the peer stays silent. For a
/// character device that must time out, give it a [`Transport`] implementation that polls
/// (`poll(2)` on its file descriptor) or run the client on a thread that can be abandoned.
#[derive(Debug)]
pub struct Untimed<S>(pub S);

impl<S: Read> Read for Untimed<S> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.0.read(buffer)
    }
}

impl<S: Write> Write for Untimed<S> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<S: Read + Write> Transport for Untimed<S> {
    fn apply_read_timeout(&mut self, _timeout: Option<Duration>) -> io::Result<()> {
        Ok(())
    }

    fn apply_write_timeout(&mut self, _timeout: Option<Duration>) -> io::Result<()> {
        Ok(())
    }
}
