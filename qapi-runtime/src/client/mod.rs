//! Guest agent clients: [`Client`] (blocking, over any [`Transport`]) and, with the `tokio`
//! feature, `AsyncClient` (over any tokio `AsyncRead + AsyncWrite`); QMP clients for QEMU's
//! monitor in [`qmp`]. All of them implement [`Execute`] (or `AsyncExecute`), which the
//! generated typed stubs, one method per command, run over.
//!
//! # The protocol
//!
//! A request is `{"execute": COMMAND, "arguments": {...}, "id": N}` written as QEMU writes
//! JSON ([`to_wire`](crate::framing::to_wire)); the reply is `{"return": VALUE, "id": N}` or
//! `{"error": {"class": ..., "desc": ...}, "id": N}`. The `id` (QEMU's dispatcher copies it
//! into the reply) lets the client drop a late reply to an earlier request, one it stopped
//! waiting for after a timeout; it can be turned off for a peer that rejects it.
//!
//! A guest agent's channel outlives its clients: what an earlier client left unread, or half
//! a request it wrote, is still there. [`Client::sync`] recovers from that the way the guest
//! agent protocol provides: it sends a 0xFF byte, which makes the agent drop any partial
//! request, then `guest-sync-delimited` with a random id; the agent writes a 0xFF before that
//! command's reply, so the client discards everything up to it
//! ([`ReplyReader`](crate::framing::ReplyReader)), then drops replies until the one returning
//! its id. By default a call synchronises first whenever the stream is not known to be in step:
//! before the first call, and after a timeout, an I/O error or a protocol error.
//!
//! Commands with `'success-response': false` (`guest-shutdown`, `guest-suspend-*`) send no
//! reply when they succeed: [`Client::execute_no_reply`] returns once the request is written.
//!
//! # Errors
//!
//! [`ClientError`] keeps apart the transport ([`ClientError::Io`], [`ClientError::Timeout`],
//! [`ClientError::Closed`]), a peer that does not follow the protocol
//! ([`ClientError::Protocol`]: malformed JSON, a message that is no reply, a reply to no
//! request, a return value of the wrong type) and the command's own failure
//! ([`ClientError::Qapi`], with the class and description the peer sent). Nothing the peer
//! sends makes the client panic.
//!
//! # Timeouts
//!
//! [`Timeouts::read`] bounds the wait for a whole reply (and for a synchronisation), however
//! the peer spreads it over reads; [`Timeouts::write`] bounds each write. Per call,
//! [`Client::execute_with_timeout`] overrides the read timeout. The blocking client applies
//! them with the stream's own socket timeouts ([`Transport`]); a stream without them
//! ([`Untimed`]) can block on a silent peer. The async client uses tokio's timers.

mod blocking;
mod execute;
pub mod qmp;
mod session;
mod transport;

#[cfg(feature = "tokio")]
mod asynchronous;

#[cfg(feature = "tokio")]
pub use asynchronous::{AsyncClient, AsyncStream};
pub use blocking::Client;
#[cfg(feature = "tokio")]
pub use execute::AsyncExecute;
pub use execute::Execute;
pub use transport::{Transport, Untimed};

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::errors::{ClientError, ProtocolError};

/// How long a client waits on its peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// The longest wait for one reply, from the end of the request to the end of the reply
    /// (`None`: no bound). Default 30 seconds: long enough for an agent's slow commands,
    /// short enough to notice an agent that is not running.
    pub read: Option<Duration>,
    /// The longest one write may block (`None`: no bound), for a peer that stopped reading.
    /// Default 30 seconds.
    pub write: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            read: Some(Duration::from_secs(30)),
            write: Some(Duration::from_secs(30)),
        }
    }
}

impl Timeouts {
    /// No bounds at all: calls wait as long as the peer takes.
    pub const NONE: Timeouts = Timeouts {
        read: None,
        write: None,
    };
}

/// The `arguments` of a request from a typed value: an object, or nothing for a value that
/// serializes to `null` (such as `()`). Anything else is [`ClientError::Arguments`].
pub fn encode_arguments<A: Serialize + ?Sized>(
    command: &str,
    arguments: &A,
) -> Result<Option<Value>, ClientError> {
    let failure = |reason: String| ClientError::Arguments {
        command: command.to_owned(),
        reason,
    };
    match serde_json::to_value(arguments) {
        Ok(Value::Null) => Ok(None),
        Ok(value @ Value::Object(_)) => Ok(Some(value)),
        Ok(other) => Err(failure(format!(
            "arguments must be a JSON object, not {}",
            session::kind(&other)
        ))),
        Err(error) => Err(failure(error.to_string())),
    }
}

/// Decodes a command's `return` value into its type; a mismatch is
/// [`ProtocolError::UnexpectedReturn`] with serde's reason.
pub fn decode_return<R: DeserializeOwned>(command: &str, value: Value) -> Result<R, ClientError> {
    serde_json::from_value(value).map_err(|error| {
        ProtocolError::UnexpectedReturn {
            command: command.to_owned(),
            reason: error.to_string(),
        }
        .into()
    })
}

/// Runs `command` over any [`Execute`] with typed arguments and return value: the body of a
/// generated client's method for a command that returns a value (`&()` for a command without
/// arguments), and of [`Client::call`] and `QmpClient::call`.
pub fn call<C: Execute + ?Sized, A: Serialize + ?Sized, R: DeserializeOwned>(
    runtime: &mut C,
    command: &str,
    arguments: &A,
) -> Result<R, ClientError> {
    let arguments = encode_arguments(command, arguments)?;
    let value = runtime.execute(command, arguments)?;
    decode_return(command, value)
}

/// [`call`] for a command that returns nothing (or the empty object): what the peer returns
/// is ignored.
pub fn call_ignoring_return<C: Execute + ?Sized, A: Serialize + ?Sized>(
    runtime: &mut C,
    command: &str,
    arguments: &A,
) -> Result<(), ClientError> {
    let arguments = encode_arguments(command, arguments)?;
    runtime.execute(command, arguments).map(drop)
}

/// [`call`] for a command without a success response: returns once the request is written.
pub fn call_no_reply<C: Execute + ?Sized, A: Serialize + ?Sized>(
    runtime: &mut C,
    command: &str,
    arguments: &A,
) -> Result<(), ClientError> {
    let arguments = encode_arguments(command, arguments)?;
    runtime.execute_no_reply(command, arguments)
}

/// [`call`] over any [`AsyncExecute`].
#[cfg(feature = "tokio")]
pub async fn call_async<C: AsyncExecute + ?Sized, A: Serialize + ?Sized, R: DeserializeOwned>(
    runtime: &mut C,
    command: &str,
    arguments: &A,
) -> Result<R, ClientError> {
    let arguments = encode_arguments(command, arguments)?;
    let value = runtime.execute(command, arguments).await?;
    decode_return(command, value)
}

/// [`call_ignoring_return`] over any [`AsyncExecute`].
#[cfg(feature = "tokio")]
pub async fn call_ignoring_return_async<C: AsyncExecute + ?Sized, A: Serialize + ?Sized>(
    runtime: &mut C,
    command: &str,
    arguments: &A,
) -> Result<(), ClientError> {
    let arguments = encode_arguments(command, arguments)?;
    runtime.execute(command, arguments).await.map(drop)
}

/// [`call_no_reply`] over any [`AsyncExecute`].
#[cfg(feature = "tokio")]
pub async fn call_no_reply_async<C: AsyncExecute + ?Sized, A: Serialize + ?Sized>(
    runtime: &mut C,
    command: &str,
    arguments: &A,
) -> Result<(), ClientError> {
    let arguments = encode_arguments(command, arguments)?;
    runtime.execute_no_reply(command, arguments).await
}

#[cfg(all(test, unix))]
mod tests;
