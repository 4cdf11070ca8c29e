//! A guest agent and a client built on `qga-schema`, the code generated from the project's
//! guest-agent schema.
//!
//! - [`agent`]: the agent behind the `example-agent` binary, a qemu-ga work-alike for Linux;
//! - [`client`]: what the `example-client` binary does with the generated client stubs;
//! - [`base64`]: the encoding of file contents and program output in the protocol.
//!
//! `src/generated.rs` is a checked-in copy of the generated code, for reading (the crate uses
//! `qga-schema`, built from the same bytes); its tests compile it here, where it lives.

pub mod agent;
pub mod base64;
pub mod client;

/// The checked-in copy, compiled in tests so that what a reader sees is code that builds
/// without warnings where it is (its items are used through `qga-schema`, not here).
// `rustfmt::skip`: the generator's layout is not yet exactly rustfmt's, and `cargo fmt` must
// not make the copy differ from what `cargo xtask regen` writes.
#[cfg(test)]
#[allow(dead_code)]
#[rustfmt::skip]
mod generated;
