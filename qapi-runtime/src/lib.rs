//! Run-time support for Rust code generated from QEMU QAPI schemas by qapi-gen.
//!
//! Generated code names this crate by absolute path (`::qapi_runtime::...`). It shares:
//!
//! - [`errors`]: [`QapiError`] (`{"class": ..., "desc": ...}` on the wire) and the clients'
//!   [`ClientError`];
//! - [`framing`]: splitting a byte stream into JSON values as QEMU's JSON streamer does, and
//!   writing JSON as QEMU does;
//! - [`client`]: guest agent clients, blocking and (with the `tokio` feature) async, with the
//!   `guest-sync-delimited` resynchronisation and timeouts; generated typed stubs wrap them.
//!
//! Clients decode leniently: generated types deserialize with plain `serde_json`, and their
//! visitors skip members they do not know, so a newer server's extra output is ignored as the
//! QMP specification asks.

pub mod client;
pub mod errors;
pub mod framing;

pub use errors::{ClientError, ErrorClass, ProtocolError, QapiError};
