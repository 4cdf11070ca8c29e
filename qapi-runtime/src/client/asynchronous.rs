//! The async client, on tokio.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

use super::session::{Expect, Session};
use super::{decode_return, encode_arguments, Timeouts};
use crate::errors::ClientError;

/// How many bytes one read asks for.
const READ_SIZE: usize = 8192;

/// What the async client runs over: any tokio byte stream, such as `tokio::net::UnixStream`,
/// `TcpStream`, a `tokio::fs::File` for a character device, or `tokio::io::duplex`.
pub trait AsyncStream: AsyncRead + AsyncWrite + Unpin {}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncStream for S {}

/// An async guest agent client, with the operations, the protocol and the errors of the
/// blocking [`Client`](super::Client). Timeouts use tokio's timers, so they hold on any stream;
/// calls must run inside a tokio runtime with the time driver enabled.
///
/// Its futures are not cancellation-safe as to the protocol: a call dropped midway leaves the
/// stream out of step, and the next call synchronises first (unless automatic
/// synchronisation is off).
#[derive(Debug)]
pub struct AsyncClient<S> {
    stream: S,
    session: Session,
    timeouts: Timeouts,
    auto_sync: bool,
    buffer: Vec<u8>,
}

impl<S: AsyncStream> AsyncClient<S> {
    /// A client over a connected stream, with [`Timeouts::default`] and automatic
    /// synchronisation.
    pub fn new(stream: S) -> Self {
        AsyncClient {
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

    /// As [`Client::set_auto_sync`](super::Client::set_auto_sync).
    pub fn set_auto_sync(&mut self, auto_sync: bool) -> &mut Self {
        self.auto_sync = auto_sync;
        self
    }

    /// As [`Client::set_request_ids`](super::Client::set_request_ids).
    pub fn set_request_ids(&mut self, request_ids: bool) -> &mut Self {
        self.session.request_ids = request_ids;
        self
    }

    /// Whether the last synchronisation succeeded and nothing has put the stream out of step
    /// since.
    pub fn is_synchronised(&self) -> bool {
        self.session.synchronised
    }

    /// As [`Client::sync`](super::Client::sync).
    pub async fn sync(&mut self) -> Result<(), ClientError> {
        let (bytes, id) = self.session.sync_request()?;
        self.write(&bytes).await?;
        let deadline = deadline(self.timeouts.read);
        self.wait(deadline, |session| session.take_sync(id).then_some(()))
            .await
    }

    /// As [`Client::execute`](super::Client::execute).
    pub async fn execute(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, ClientError> {
        self.execute_with_timeout(command, arguments, self.timeouts.read)
            .await
    }

    /// As [`Client::execute_with_timeout`](super::Client::execute_with_timeout).
    pub async fn execute_with_timeout(
        &mut self,
        command: &str,
        arguments: Option<Value>,
        timeout: Option<Duration>,
    ) -> Result<Value, ClientError> {
        let expect = self.send(command, arguments).await?;
        let deadline = deadline(timeout);
        // Out of step while the reply is awaited, in case this future is dropped; an answer,
        // even an error reply, puts it back in step.
        let synchronised = self.session.synchronised;
        self.session.lose_sync();
        let result = self
            .wait(deadline, |session| session.take_reply(&expect))
            .await?;
        if matches!(result, Ok(_) | Err(ClientError::Qapi(_))) {
            self.session.synchronised = synchronised;
        }
        result
    }

    /// As [`Client::execute_no_reply`](super::Client::execute_no_reply).
    pub async fn execute_no_reply(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<(), ClientError> {
        self.send(command, arguments).await?;
        if !self.session.request_ids {
            self.session.lose_sync();
        }
        Ok(())
    }

    /// As [`Client::call`](super::Client::call).
    pub async fn call<A: Serialize + ?Sized, R: DeserializeOwned>(
        &mut self,
        command: &str,
        arguments: &A,
    ) -> Result<R, ClientError> {
        let arguments = encode_arguments(command, arguments)?;
        let value = self.execute(command, arguments).await?;
        decode_return(command, value)
    }

    /// The stream.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The stream, for what the client does not do; using it puts the client out of step
    /// until the next [`AsyncClient::sync`].
    pub fn get_mut(&mut self) -> &mut S {
        self.session.lose_sync();
        &mut self.stream
    }

    /// The stream, giving up the client.
    pub fn into_inner(self) -> S {
        self.stream
    }

    async fn send(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Expect, ClientError> {
        if self.auto_sync && !self.session.synchronised {
            self.sync().await?;
        }
        let request = self.session.request(command, arguments)?;
        self.write(&request.bytes).await?;
        Ok(request.expect)
    }

    /// Writes `bytes`; the stream is out of step while they are written, in case this future
    /// is dropped with half a request sent.
    async fn write(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        let synchronised = self.session.synchronised;
        self.session.lose_sync();
        let write = async {
            self.stream.write_all(bytes).await?;
            self.stream.flush().await
        };
        let result = match deadline(self.timeouts.write) {
            None => write.await.map_err(ClientError::from),
            Some(deadline) => match tokio::time::timeout_at(deadline, write).await {
                Ok(result) => result.map_err(ClientError::from),
                Err(_) => Err(ClientError::Timeout),
            },
        };
        if result.is_ok() {
            self.session.synchronised = synchronised;
        }
        result
    }

    /// Reads until `take` finds what it looks for, the deadline passes or the stream fails.
    async fn wait<T>(
        &mut self,
        deadline: Option<Instant>,
        mut take: impl FnMut(&mut Session) -> Option<T>,
    ) -> Result<T, ClientError> {
        loop {
            if let Some(found) = take(&mut self.session) {
                return Ok(found);
            }
            let read = self.stream.read(&mut self.buffer);
            let result = match deadline {
                None => read.await,
                Some(deadline) => match tokio::time::timeout_at(deadline, read).await {
                    Ok(result) => result,
                    Err(_) => {
                        self.session.lose_sync();
                        return Err(ClientError::Timeout);
                    }
                },
            };
            match result {
                Ok(0) => {
                    self.session.lose_sync();
                    return Err(ClientError::Closed);
                }
                Ok(count) => {
                    let bytes = self.buffer.get(..count).unwrap_or_default();
                    self.session.feed(bytes);
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
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
