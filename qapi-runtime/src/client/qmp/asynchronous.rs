//! The async QMP client, on tokio.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

use super::blocking::offered;
use super::session::QmpSession;
use super::{Greeting, QmpEvent, RequestId};
use crate::client::{decode_return, encode_arguments, AsyncExecute, AsyncStream, Timeouts};
use crate::errors::ClientError;

/// How many bytes one read asks for.
const READ_SIZE: usize = 8192;

/// An async QMP client, with the operations, the protocol and the errors of the blocking
/// [`QmpClient`](super::QmpClient). Timeouts use tokio's timers; calls must run inside a
/// tokio runtime with the time driver enabled.
///
/// Reading is cancellation-safe (a dropped call loses nothing that was read: replies and
/// events stay filed), but a call dropped while writing may leave half a request on the
/// stream, which the server then reports as a JSON error; do not drop calls midway if that
/// matters.
#[derive(Debug)]
pub struct AsyncQmpClient<S> {
    stream: S,
    session: QmpSession,
    greeting: Greeting,
    enabled: Vec<String>,
    negotiated: bool,
    timeouts: Timeouts,
    buffer: Vec<u8>,
}

#[cfg(unix)]
impl AsyncQmpClient<tokio::net::UnixStream> {
    /// As [`QmpClient::connect_unix`](super::QmpClient::connect_unix).
    pub async fn connect_unix(path: impl AsRef<std::path::Path>) -> Result<Self, ClientError> {
        let stream = tokio::net::UnixStream::connect(path)
            .await
            .map_err(ClientError::Io)?;
        let mut client = AsyncQmpClient::new(stream).await?;
        client.negotiate(&[]).await?;
        Ok(client)
    }
}

impl AsyncQmpClient<tokio::net::TcpStream> {
    /// As [`QmpClient::connect_tcp`](super::QmpClient::connect_tcp).
    pub async fn connect_tcp(address: impl tokio::net::ToSocketAddrs) -> Result<Self, ClientError> {
        let stream = tokio::net::TcpStream::connect(address)
            .await
            .map_err(ClientError::Io)?;
        let mut client = AsyncQmpClient::new(stream).await?;
        client.negotiate(&[]).await?;
        Ok(client)
    }
}

impl<S: AsyncStream> AsyncQmpClient<S> {
    /// As [`QmpClient::new`](super::QmpClient::new).
    pub async fn new(stream: S) -> Result<Self, ClientError> {
        AsyncQmpClient::with_timeouts(stream, Timeouts::default()).await
    }

    /// As [`QmpClient::with_timeouts`](super::QmpClient::with_timeouts).
    pub async fn with_timeouts(stream: S, timeouts: Timeouts) -> Result<Self, ClientError> {
        let mut client = AsyncQmpClient {
            stream,
            session: QmpSession::new(),
            greeting: Greeting {
                version: super::QemuVersion {
                    major: 0,
                    minor: 0,
                    micro: 0,
                    package: String::new(),
                },
                capabilities: Vec::new(),
            },
            enabled: Vec::new(),
            negotiated: false,
            timeouts,
            buffer: vec![0; READ_SIZE],
        };
        let greeting = client
            .wait_for(deadline(timeouts.read), QmpSession::take_greeting)
            .await??;
        client.greeting = greeting;
        Ok(client)
    }

    /// The server's greeting.
    pub fn greeting(&self) -> &Greeting {
        &self.greeting
    }

    /// As [`QmpClient::negotiate`](super::QmpClient::negotiate).
    pub async fn negotiate(&mut self, capabilities: &[&str]) -> Result<Vec<String>, ClientError> {
        let enable = offered(&self.greeting, capabilities);
        let arguments = (!enable.is_empty()).then(|| serde_json::json!({ "enable": enable }));
        self.execute("qmp_capabilities", arguments).await?;
        self.enabled.clone_from(&enable);
        self.negotiated = true;
        Ok(enable)
    }

    /// Whether negotiation succeeded.
    pub fn is_negotiated(&self) -> bool {
        self.negotiated
    }

    /// The capabilities enabled by negotiation.
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

    /// As [`QmpClient::execute`](super::QmpClient::execute).
    pub async fn execute(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, ClientError> {
        let id = self.send(command, arguments).await?;
        self.wait(id, self.timeouts.read).await
    }

    /// As [`QmpClient::execute_with_timeout`](super::QmpClient::execute_with_timeout).
    pub async fn execute_with_timeout(
        &mut self,
        command: &str,
        arguments: Option<Value>,
        timeout: Option<Duration>,
    ) -> Result<Value, ClientError> {
        let id = self.send(command, arguments).await?;
        self.wait(id, timeout).await
    }

    /// As [`QmpClient::execute_oob`](super::QmpClient::execute_oob).
    pub async fn execute_oob(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, ClientError> {
        let id = self.send_oob(command, arguments).await?;
        self.wait(id, self.timeouts.read).await
    }

    /// As [`QmpClient::send`](super::QmpClient::send).
    pub async fn send(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<RequestId, ClientError> {
        self.send_request(command, arguments, false).await
    }

    /// As [`QmpClient::send_oob`](super::QmpClient::send_oob).
    pub async fn send_oob(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<RequestId, ClientError> {
        self.send_request(command, arguments, true).await
    }

    /// As [`QmpClient::wait`](super::QmpClient::wait).
    pub async fn wait(
        &mut self,
        id: RequestId,
        timeout: Option<Duration>,
    ) -> Result<Value, ClientError> {
        match self
            .wait_for(deadline(timeout), |session| session.take_reply(id))
            .await
        {
            Ok(reply) => reply,
            Err(error) => {
                self.session.abandon(id);
                Err(error)
            }
        }
    }

    /// As [`QmpClient::call`](super::QmpClient::call).
    pub async fn call<A: Serialize + ?Sized, R: DeserializeOwned>(
        &mut self,
        command: &str,
        arguments: &A,
    ) -> Result<R, ClientError> {
        let arguments = encode_arguments(command, arguments)?;
        let value = self.execute(command, arguments).await?;
        decode_return(command, value)
    }

    /// As [`QmpClient::next_event`](super::QmpClient::next_event).
    pub async fn next_event(
        &mut self,
        timeout: Option<Duration>,
    ) -> Result<Option<QmpEvent>, ClientError> {
        let result = self
            .wait_for(deadline(timeout), |session| match session.take_event() {
                Some(event) => Some(Ok(event)),
                None => session.take_fault().map(Err),
            })
            .await;
        match result {
            Ok(Ok(event)) => Ok(Some(event)),
            Ok(Err(error)) => Err(error),
            Err(ClientError::Timeout) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// As [`QmpClient::events`](super::QmpClient::events).
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

    async fn send_request(
        &mut self,
        command: &str,
        arguments: Option<Value>,
        oob: bool,
    ) -> Result<RequestId, ClientError> {
        let (bytes, id) = self.session.request(command, arguments, oob)?;
        let write = async {
            self.stream.write_all(&bytes).await?;
            self.stream.flush().await
        };
        let result = match deadline(self.timeouts.write) {
            None => write.await.map_err(ClientError::from),
            Some(deadline) => match tokio::time::timeout_at(deadline, write).await {
                Ok(result) => result.map_err(ClientError::from),
                Err(_) => Err(ClientError::Timeout),
            },
        };
        match result {
            Ok(()) => Ok(id),
            Err(error) => {
                self.session.abandon(id);
                Err(error)
            }
        }
    }

    /// Reads until `take` finds what it looks for, the deadline passes (`Timeout`) or the
    /// stream fails.
    async fn wait_for<T>(
        &mut self,
        deadline: Option<Instant>,
        mut take: impl FnMut(&mut QmpSession) -> Option<T>,
    ) -> Result<T, ClientError> {
        loop {
            if let Some(found) = take(&mut self.session) {
                return Ok(found);
            }
            if deadline.is_some_and(|deadline| deadline <= Instant::now()) {
                return Err(ClientError::Timeout);
            }
            let read = self.stream.read(&mut self.buffer);
            let result = match deadline {
                None => read.await,
                Some(deadline) => match tokio::time::timeout_at(deadline, read).await {
                    Ok(result) => result,
                    Err(_) => return Err(ClientError::Timeout),
                },
            };
            match result {
                Ok(0) => return Err(ClientError::Closed),
                Ok(count) => {
                    let bytes = self.buffer.get(..count).unwrap_or_default();
                    self.session.feed(bytes);
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
}

impl<S: AsyncStream + Send> AsyncExecute for AsyncQmpClient<S> {
    async fn execute(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, ClientError> {
        AsyncQmpClient::execute(self, command, arguments).await
    }

    async fn execute_no_reply(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<(), ClientError> {
        let id = self.send(command, arguments).await?;
        self.session.abandon(id);
        Ok(())
    }
}

fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|timeout| Instant::now().checked_add(timeout))
}
