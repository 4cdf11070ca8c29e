//! The blocking QMP client.

use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::session::QmpSession;
use super::{Greeting, QmpEvent, RequestId};
use crate::client::{Execute, Timeouts, Transport};
use crate::errors::ClientError;

/// How many bytes one read asks for.
const READ_SIZE: usize = 8192;

/// A blocking QMP client; see the [module docs](super) for the protocol it follows.
///
/// ```no_run
/// use qapi_runtime::client::qmp::{QmpClient, OOB};
///
/// let mut client = QmpClient::connect_unix("/run/qemu/qmp.sock")?;
/// println!("QEMU {}.{}", client.greeting().version.major, client.greeting().version.minor);
/// let status = client.execute("query-status", None)?;
/// println!("{}", status["status"]);
/// while let Some(event) = client.next_event(Some(std::time::Duration::from_secs(1)))? {
///     println!("{} at {}", event.name, event.timestamp.seconds);
/// }
/// # Ok::<(), qapi_runtime::ClientError>(())
/// ```
#[derive(Debug)]
pub struct QmpClient<S> {
    stream: S,
    session: QmpSession,
    greeting: Greeting,
    enabled: Vec<String>,
    negotiated: bool,
    timeouts: Timeouts,
    buffer: Vec<u8>,
}

#[cfg(unix)]
impl QmpClient<std::os::unix::net::UnixStream> {
    /// Connects to a monitor on the Unix socket at `path` (`-qmp unix:PATH,server=on`), reads
    /// the greeting and negotiates without optional capabilities.
    pub fn connect_unix(path: impl AsRef<std::path::Path>) -> Result<Self, ClientError> {
        let stream = std::os::unix::net::UnixStream::connect(path).map_err(ClientError::Io)?;
        let mut client = QmpClient::new(stream)?;
        client.negotiate(&[])?;
        Ok(client)
    }
}

impl QmpClient<TcpStream> {
    /// Connects to a monitor on TCP at `address` (`-qmp tcp:HOST:PORT,server=on`), reads the
    /// greeting and negotiates without optional capabilities.
    pub fn connect_tcp(address: impl ToSocketAddrs) -> Result<Self, ClientError> {
        let stream = TcpStream::connect(address).map_err(ClientError::Io)?;
        let mut client = QmpClient::new(stream)?;
        client.negotiate(&[])?;
        Ok(client)
    }
}

impl<S: Transport> QmpClient<S> {
    /// A client over a freshly connected stream, with [`Timeouts::default`]: reads the
    /// greeting. The server then waits for [`QmpClient::negotiate`].
    pub fn new(stream: S) -> Result<Self, ClientError> {
        QmpClient::with_timeouts(stream, Timeouts::default())
    }

    /// [`QmpClient::new`] with `timeouts`, which also bound the wait for the greeting.
    pub fn with_timeouts(stream: S, timeouts: Timeouts) -> Result<Self, ClientError> {
        let mut session = QmpSession::new();
        let mut buffer = vec![0; READ_SIZE];
        let mut stream = stream;
        let greeting = wait(
            &mut stream,
            &mut session,
            &mut buffer,
            deadline(timeouts.read),
            QmpSession::take_greeting,
        )??;
        Ok(QmpClient {
            stream,
            session,
            greeting,
            enabled: Vec::new(),
            negotiated: false,
            timeouts,
            buffer,
        })
    }

    /// The server's greeting.
    pub fn greeting(&self) -> &Greeting {
        &self.greeting
    }

    /// Leaves capabilities negotiation mode with `qmp_capabilities`, enabling those of
    /// `capabilities` the greeting offers (others are left out, not refused); returns the
    /// capabilities enabled. Must come before any other command.
    pub fn negotiate(&mut self, capabilities: &[&str]) -> Result<Vec<String>, ClientError> {
        let enable = offered(&self.greeting, capabilities);
        let arguments = (!enable.is_empty()).then(|| serde_json::json!({ "enable": enable }));
        self.execute("qmp_capabilities", arguments)?;
        self.enabled.clone_from(&enable);
        self.negotiated = true;
        Ok(enable)
    }

    /// Whether [`QmpClient::negotiate`] succeeded.
    pub fn is_negotiated(&self) -> bool {
        self.negotiated
    }

    /// The capabilities enabled by [`QmpClient::negotiate`].
    pub fn enabled_capabilities(&self) -> &[String] {
        &self.enabled
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

    /// Runs `command` and returns its `return` value; an error reply is
    /// [`ClientError::Qapi`]. Events arriving meanwhile are queued. Waits at most the read
    /// timeout for the reply.
    pub fn execute(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, ClientError> {
        let id = self.send(command, arguments)?;
        self.wait(id, self.timeouts.read)
    }

    /// [`QmpClient::execute`] waiting at most `timeout` for the reply (`None`: without bound).
    pub fn execute_with_timeout(
        &mut self,
        command: &str,
        arguments: Option<Value>,
        timeout: Option<Duration>,
    ) -> Result<Value, ClientError> {
        let id = self.send(command, arguments)?;
        self.wait(id, timeout)
    }

    /// Runs `command` out of band (`exec-oob`): the server runs it at once, even while an
    /// earlier command is still running. Only commands marked `allow-oob` may, and only once
    /// the `oob` capability is negotiated; the server answers anything else with an error.
    pub fn execute_oob(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, ClientError> {
        let id = self.send_oob(command, arguments)?;
        self.wait(id, self.timeouts.read)
    }

    /// Writes a request without waiting for its reply; [`QmpClient::wait`] takes it later.
    /// Several requests can be in flight.
    pub fn send(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<RequestId, ClientError> {
        self.send_request(command, arguments, false)
    }

    /// [`QmpClient::send`] out of band (`exec-oob`).
    pub fn send_oob(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<RequestId, ClientError> {
        self.send_request(command, arguments, true)
    }

    /// Waits at most `timeout` (`None`: without bound) for the reply to `id`, queuing events
    /// and keeping replies to other requests for their own `wait`. On timeout the request is
    /// given up: its reply is dropped when it comes.
    pub fn wait(&mut self, id: RequestId, timeout: Option<Duration>) -> Result<Value, ClientError> {
        let result = wait(
            &mut self.stream,
            &mut self.session,
            &mut self.buffer,
            deadline(timeout),
            |session| session.take_reply(id),
        );
        match result {
            Ok(reply) => reply,
            Err(error) => {
                self.session.abandon(id);
                Err(error)
            }
        }
    }

    /// [`QmpClient::execute`] with typed arguments and return value, as
    /// [`Client::call`](crate::client::Client::call).
    pub fn call<A: Serialize + ?Sized, R: DeserializeOwned>(
        &mut self,
        command: &str,
        arguments: &A,
    ) -> Result<R, ClientError> {
        crate::client::call(self, command, arguments)
    }

    /// The next event: a queued one, or the next to arrive within `timeout` (`None`: without
    /// bound); `Ok(None)` when none came in time. A zero timeout only looks at the queue.
    /// Replies that arrive meanwhile are kept for their requests; a protocol fault is
    /// returned as the error.
    pub fn next_event(
        &mut self,
        timeout: Option<Duration>,
    ) -> Result<Option<QmpEvent>, ClientError> {
        let result = wait(
            &mut self.stream,
            &mut self.session,
            &mut self.buffer,
            deadline(timeout),
            |session| match session.take_event() {
                Some(event) => Some(Ok(event)),
                None => session.take_fault().map(Err),
            },
        );
        match result {
            Ok(Ok(event)) => Ok(Some(event)),
            Ok(Err(error)) => Err(error),
            Err(ClientError::Timeout) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Takes the queued events, oldest first, without reading.
    pub fn events(&mut self) -> impl Iterator<Item = QmpEvent> + '_ {
        std::iter::from_fn(|| self.session.take_event())
    }

    /// How many events were dropped because the queue was full.
    pub fn dropped_events(&self) -> u64 {
        self.session.dropped_events
    }

    /// The stream.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The stream, giving up the client.
    pub fn into_inner(self) -> S {
        self.stream
    }

    fn send_request(
        &mut self,
        command: &str,
        arguments: Option<Value>,
        oob: bool,
    ) -> Result<RequestId, ClientError> {
        let (bytes, id) = self.session.request(command, arguments, oob)?;
        let result = self
            .stream
            .apply_write_timeout(self.timeouts.write)
            .and_then(|()| self.stream.write_all(&bytes))
            .and_then(|()| self.stream.flush());
        match result {
            Ok(()) => Ok(id),
            Err(error) => {
                self.session.abandon(id);
                Err(error.into())
            }
        }
    }
}

impl<S: Transport> Execute for QmpClient<S> {
    fn execute(&mut self, command: &str, arguments: Option<Value>) -> Result<Value, ClientError> {
        QmpClient::execute(self, command, arguments)
    }

    /// QMP has no command without a reply; the reply is dropped when it comes.
    fn execute_no_reply(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<(), ClientError> {
        let id = self.send(command, arguments)?;
        self.session.abandon(id);
        Ok(())
    }
}

/// The capabilities of `wanted` that `greeting` offers, in the order asked.
pub(super) fn offered(greeting: &Greeting, wanted: &[&str]) -> Vec<String> {
    wanted
        .iter()
        .filter(|wanted| {
            greeting
                .capabilities
                .iter()
                .any(|offered| offered == *wanted)
        })
        .map(|wanted| (*wanted).to_owned())
        .collect()
}

/// Reads until `take` finds what it looks for, the deadline passes (`Timeout`) or the stream
/// fails.
fn wait<S: Transport, T>(
    stream: &mut S,
    session: &mut QmpSession,
    buffer: &mut [u8],
    deadline: Option<Instant>,
    mut take: impl FnMut(&mut QmpSession) -> Option<T>,
) -> Result<T, ClientError> {
    loop {
        if let Some(found) = take(session) {
            return Ok(found);
        }
        let timeout = match deadline {
            None => None,
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(ClientError::Timeout);
                }
                Some(left)
            }
        };
        let read = stream
            .apply_read_timeout(timeout)
            .and_then(|()| stream.read(buffer));
        match read {
            Ok(0) => return Err(ClientError::Closed),
            Ok(count) => session.feed(buffer.get(..count).unwrap_or_default()),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error.into()),
        }
    }
}

pub(super) fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|timeout| Instant::now().checked_add(timeout))
}
