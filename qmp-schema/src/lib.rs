//! Rust bindings for QEMU 10.0.2's QMP schema, generated at build time by `qapi-codegen`:
//! every type, enum, union and alternate, `{Command}Args` for each command's arguments and
//! `{Event}Event` for each event's data, `enum Event` of all events, and the typed `Client<C>`
//! with one method per command.
//!
//! The client runs over QMP with `qapi_runtime`'s QMP client:
//!
//! ```no_run
//! use qapi_runtime::client::qmp::QmpClient;
//!
//! let mut client = qmp_schema::Client::new(QmpClient::connect_unix("/tmp/qmp.sock")?);
//! let status = client.query_status()?;
//! println!("running: {}", status.running);
//! for message in client.runtime_mut().events() {
//!     println!("{:?}", qmp_schema::Event::from_message(&message));
//! }
//! # Ok::<(), qapi_runtime::ClientError>(())
//! ```
//!
//! [`probe`] calls every harmless argument-less command (the `qmp_probe` example).

pub mod probe;

include!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));
