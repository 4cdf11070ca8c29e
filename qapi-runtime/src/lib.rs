//! Run-time support for Rust code generated from QEMU QAPI schemas by qapi-gen.
//!
//! Generated code names this crate by absolute path (`::qapi_runtime::...`). It shares:
//!
//! - [`errors`]: [`QapiError`] (`{"class": ..., "desc": ...}` on the wire) and the clients'
//!   [`ClientError`];
//! - [`dispatch`]: the server side of commands, the request envelope checks and replies of
//!   QEMU's `qmp-dispatch.c` and the table of commands a generated dispatcher runs against;
//! - [`framing`]: splitting a byte stream into JSON values as QEMU's JSON streamer does, and
//!   writing JSON as QEMU does;
//! - [`strict`]: decoding a command's arguments into a generated type as QEMU's QObject input
//!   visitor does, refusing what QEMU refuses with QEMU's error messages.
//! - [`introspect`]: the `query-qmp-schema` answer generated bindings expect, evaluated for
//!   one QEMU build's condition symbols and compared with a live answer;
//! - [`client`]: guest agent clients, blocking and (with the `tokio` feature) async, with the
//!   `guest-sync-delimited` resynchronisation and timeouts; QMP clients ([`client::qmp`]) with
//!   the greeting, capabilities negotiation, id-matched replies, queued events and `exec-oob`;
//!   generated typed stubs run over any of them ([`client::Execute`]).
//!
//! The generated serde impls call the helpers of the hidden module `__private`, so the generated
//! code of a qapi-gen-codegen version needs the `qapi-runtime` of the same version.
//!
//! Clients decode leniently: generated types deserialize with plain `serde_json`, and their
//! visitors skip members they do not know, so a newer server's extra output is ignored as the
//! QMP specification asks.

pub mod client;
pub mod dispatch;
pub mod errors;
pub mod framing;
pub mod introspect;
pub mod strict;

// What generated serde impls call; not a stable API (see the module's own docs).
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use errors::{ClientError, ErrorClass, ProtocolError, QapiError};
