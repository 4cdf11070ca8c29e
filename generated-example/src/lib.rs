//! A guest agent and a client built on `qga-schema`, the code generated from the project's
//! guest-agent schema.
//!
//! - [`agent`]: the agent behind the `example-agent` binary, a qemu-ga work-alike for Linux;
//! - [`client`]: what the `example-client` binary does with the generated client stubs;
//! - [`base64`]: the encoding of file contents and program output in the protocol.
//!
//! `src/generated.rs` is a checked-in copy of the generated code, for reading; it is not
//! compiled here (the crate uses `qga-schema`).

pub mod agent;
pub mod base64;
pub mod client;
