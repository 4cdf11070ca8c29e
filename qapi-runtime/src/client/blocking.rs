//! The blocking client.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::session::{Expect, Session};
use super::transport::{Transport, Untimed};
use super::Timeouts;
use crate::errors::ClientError;

/// How many bytes one read asks for.
const READ_SIZE: usize = 8192;

/// A blocking guest agent client over a byte stream; see the [module docs](super) for the
/// protocol it follows.
///
/// ```no_run
/// use qapi_runtime::client::Client;
///
/// let mut client = Client::connect_unix("/run/qga.sock")?;
/// client.sync()?;
/// let info = client.execute("guest-info", None)?;
/// println!("agent version {}", info["version"]);
/// # Ok::<(), qapi_runtime::ClientError>(())
/// ```
#[derive(Debug)]
pub struct Client<S> {
    stream: S,
    session: Session,
    timeouts: Timeouts,
    auto_sync: bool,
    buffer: Vec<u8>,
}

#[cfg(unix)]
impl Client<std::os::unix::net::UnixStream> {
    /// Connects to an agent listening on the Unix socket at `path` (`qemu-ga -m unix-listen`,
    /// or the host side of a virtio-serial port QEMU exposes as a socket).
    pub fn connect_unix(path: impl AsRef<std::path::Path>) -> Result<Self, ClientError> {
        let stream = std::os::unix::net::UnixStream::connect(path).map_err(ClientError::Io)?;
        Ok(Client::new(stream))
    }
}

impl Client<TcpStream> {
    /// Connects to an agent (or a chardev of QEMU) listening on TCP at `address`.
    pub fn connect_tcp(address: impl ToSocketAddrs) -> Result<Self, ClientError> {
        let stream = TcpStream::connect(address).map_err(ClientError::Io)?;
        Ok(Client::new(stream))
    }
}

impl<S: Read + Write> Client<Untimed<S>> {
    /// A client over any stream, such as an opened character device. Such a stream cannot
    /// bound how long a read blocks, so the read timeout only ends a call while the peer keeps
    /// sending (see [`Untimed`]); give the stream a [`Transport`] implementation and use
    /// [`Client::new`] for full timeouts.
    pub fn from_stream(stream: S) -> Self {
        Client::new(Untimed(stream))
    }
}

impl<S: Transport> Client<S> {
    /// A client over a connected stream, with [`Timeouts::default`] and automatic
    /// synchronisation.
    pub fn new(stream: S) -> Self {
        Client {
            stream,
            session: Session::new(),
            timeouts: Timeouts::default(),
            auto_sync: true,
            buffer: vec![0; READ_SIZE],
        }
    }

    /// The timeouts calls use.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Sets the timeouts of the following calls.
    pub fn set_timeouts(&mut self, timeouts: Timeouts) -> &mut Self {
        self.timeouts = timeouts;
        self
    }

    /// Whether a call first resynchronises ([`Client::sync`]) when the stream is not known to
    /// be in step: before the first call, and after a timeout, an I/O error or a protocol
    /// error. Default `true`.
    pub fn set_auto_sync(&mut self, auto_sync: bool) -> &mut Self {
        self.auto_sync = auto_sync;
        self
    }

    /// Whether requests carry an `id`, which QEMU's dispatcher copies into the reply, so that
    /// a late reply to an earlier request is recognised and dropped. Default `true`; turn it
    /// off for a peer that rejects `id`. Without ids, [`Client::execute_no_reply`] leaves
    /// the stream unsynchronised (an error reply to it may follow).
    pub fn set_request_ids(&mut self, request_ids: bool) -> &mut Self {
        self.session.request_ids = request_ids;
        self
    }

    /// Whether the last synchronisation succeeded and nothing has put the stream out of step
    /// since.
    pub fn is_synchronised(&self) -> bool {
        self.session.synchronised
    }

    /// Resynchronises with the agent: sends a 0xFF byte (which makes the agent drop any
    /// partial request), then `guest-sync-delimited` with a random id; discards everything the
    /// agent sends up to the 0xFF that precedes that command's reply, then every reply until
    /// the one returning the id. Bounded by the read timeout.
    pub fn sync(&mut self) -> Result<(), ClientError> {
        let (bytes, id) = self.session.sync_request()?;
        self.write(&bytes)?;
        let deadline = deadline(self.timeouts.read);
        self.wait(deadline, |session| session.take_sync(id).then_some(()))
    }

    /// Runs `command` and returns its `return` value; an error reply is
    /// [`ClientError::Qapi`]. Waits at most the read timeout for the reply.
    pub fn execute(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, ClientError> {
        self.execute_with_timeout(command, arguments, self.timeouts.read)
    }

    /// [`Client::execute`] waiting at most `timeout` for the reply (`None`: without bound),
    /// for a command known to be slow or one that must fail fast.
    pub fn execute_with_timeout(
        &mut self,
        command: &str,
        arguments: Option<Value>,
        timeout: Option<Duration>,
    ) -> Result<Value, ClientError> {
        let expect = self.send(command, arguments)?;
        let deadline = deadline(timeout);
        self.wait(deadline, |session| session.take_reply(&expect))?
    }

    /// Runs a command that sends no reply when it succeeds (`'success-response': false`, such
    /// as `guest-shutdown`): returns once the request is written. If the command fails, its
    /// error reply arrives later and is dropped as stale by the next call.
    pub fn execute_no_reply(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<(), ClientError> {
        self.send(command, arguments)?;
        if !self.session.request_ids {
            self.session.lose_sync();
        }
        Ok(())
    }

    /// [`Client::execute`] with typed arguments and return value: `arguments` must serialize to
    /// an object (or to `null`/`()` for none); a return value that does not decode into `R` is
    /// [`ProtocolError::UnexpectedReturn`](crate::ProtocolError::UnexpectedReturn).
    pub fn call<A: Serialize + ?Sized, R: DeserializeOwned>(
        &mut self,
        command: &str,
        arguments: &A,
    ) -> Result<R, ClientError> {
        super::call(self, command, arguments)
    }

    /// The stream.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The stream, for what the client does not do. Writing to it or reading from it puts the
    /// client out of step until the next [`Client::sync`].
    pub fn get_mut(&mut self) -> &mut S {
        self.session.lose_sync();
        &mut self.stream
    }

    /// The stream, giving up the client.
    pub fn into_inner(self) -> S {
        self.stream
    }

    /// Synchronises first if needed, then writes the request.
    fn send(&mut self, command: &str, arguments: Option<Value>) -> Result<Expect, ClientError> {
        if self.auto_sync && !self.session.synchronised {
            self.sync()?;
        }
        let request = self.session.request(command, arguments)?;
        self.write(&request.bytes)?;
        Ok(request.expect)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        let result = self
            .stream
            .apply_write_timeout(self.timeouts.write)
            .and_then(|()| self.stream.write_all(bytes))
            .and_then(|()| self.stream.flush());
        result.map_err(|error| {
            self.session.lose_sync();
            ClientError::from(error)
        })
    }

    /// Reads until `take` finds what it looks for, the deadline passes or the stream fails.
    fn wait<T>(
        &mut self,
        deadline: Option<Instant>,
        mut take: impl FnMut(&mut Session) -> Option<T>,
    ) -> Result<T, ClientError> {
        loop {
            if let Some(found) = take(&mut self.session) {
                return Ok(found);
            }
            let timeout = match deadline {
                None => None,
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        self.session.lose_sync();
                        return Err(ClientError::Timeout);
                    }
                    Some(left)
                }
            };
            let read = self
                .stream
                .apply_read_timeout(timeout)
                .and_then(|()| self.stream.read(&mut self.buffer));
            match read {
                Ok(0) => {
                    self.session.lose_sync();
                    return Err(ClientError::Closed);
                }
                Ok(count) => {
                    let bytes = self.buffer.get(..count).unwrap_or_default();
                    self.session.feed(bytes);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.session.lose_sync();
                    return Err(error.into());
                }
            }
        }
    }
}

fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|timeout| Instant::now().checked_add(timeout))
}
