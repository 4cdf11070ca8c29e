//! QMP clients, for QEMU's monitor: [`QmpClient`] (blocking, over any
//! [`Transport`](super::Transport)) and, with the `tokio` feature, `AsyncQmpClient`. Both
//! implement [`Execute`](super::Execute) (or `AsyncExecute`), so the
//! generated typed `Client<C>` runs over them.
//!
//! # The protocol
//!
//! On connection the server greets: `{"QMP": {"version": {"qemu": {"major": 10, "minor": 0,
//! "micro": 2}, "package": ...}, "capabilities": ["oob"]}}` ([`Greeting`]). It is in
//! capabilities negotiation mode until the client runs `qmp_capabilities`, optionally with
//! `{"enable": ["oob"]}` for capabilities the greeting offers ([`QmpClient::negotiate`]).
//! Then requests are `{"execute": COMMAND, "arguments": {...}, "id": N}`; every request of
//! these clients carries a fresh integer `id`, which the reply echoes, so replies are matched
//! to requests even when they arrive out of order (out-of-band commands, sent with
//! `"exec-oob"`, overtake queued ones) and a late reply to a request given up after a timeout
//! is dropped.
//!
//! Between replies the server sends asynchronous events, `{"event": NAME, "data": {...},
//! "timestamp": {"seconds": S, "microseconds": U}}` ([`QmpEvent`]). Whatever call is reading
//! when an event arrives queues it (up to 10 000; older ones are then dropped and counted);
//! [`QmpClient::events`] drains the queue without I/O, [`QmpClient::next_event`] waits for
//! the next one.
//!
//! Unlike a guest agent's channel, a monitor connection starts clean and nothing needs
//! resynchronising: the id alone keeps the client in step. A message that breaks the protocol
//! (malformed JSON, an unexpected message, a reply to no request) is reported once, as
//! [`ClientError::Protocol`], to the call that reads it; the client stays usable.

mod blocking;
mod session;

#[cfg(feature = "tokio")]
mod asynchronous;

#[cfg(feature = "tokio")]
pub use asynchronous::AsyncQmpClient;
pub use blocking::QmpClient;

use serde_json::Value;

#[cfg(doc)]
use crate::errors::ClientError;

/// The capability that allows out-of-band execution (`exec-oob`).
pub const OOB: &str = "oob";

/// The server's greeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Greeting {
    /// QEMU's version.
    pub version: QemuVersion,
    /// The capabilities the server offers, such as [`OOB`].
    pub capabilities: Vec<String>,
}

/// A QEMU version, as the greeting and `query-version` give it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QemuVersion {
    /// The major version (10 for 10.0.2).
    pub major: u64,
    /// The minor version.
    pub minor: u64,
    /// The micro version.
    pub micro: u64,
    /// The distribution's package version, or empty.
    pub package: String,
}

/// One asynchronous event, as received: its data is decoded into a schema's types by the
/// generated `Event::from_message`.
#[derive(Clone, Debug, PartialEq)]
pub struct QmpEvent {
    /// The event's name, e.g. `"SHUTDOWN"`.
    pub name: String,
    /// The `data` member; absent for events without data.
    pub data: Option<Value>,
    /// When QEMU emitted it.
    pub timestamp: Timestamp,
}

/// When an event was emitted: host time since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp {
    /// Whole seconds.
    pub seconds: i64,
    /// Microseconds within the second.
    pub microseconds: i64,
}

/// The id of a request sent with [`QmpClient::send`], to wait for its reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(u64);

impl RequestId {
    /// The `id` on the wire.
    pub fn value(self) -> u64 {
        self.0
    }
}

#[cfg(all(test, unix))]
mod tests;
