//! Rust bindings for the project's QEMU guest-agent schema (`qapi-schema.json` beside this
//! crate, QEMU 2.5 era, unchanged), generated at build time by `qapi-gen-codegen`:
//!
//! - every type, enum, union and alternate of the schema, and `{Command}Args` for each
//!   command's arguments;
//! - the server side: the trait [`Server`] with one method per command, the list
//!   [`COMMANDS`] and [`dispatch`], which answers one request as qemu-ga does;
//! - the client side: [`Client`], one typed method per command over
//!   `qapi_runtime::client::Client`, and with the `tokio` feature `AsyncClient`.
//!
//! Depend on this crate rather than including generated code yourself. A checked-in copy of
//! what is generated, for reading, is `generated-example/src/generated.rs`.

include!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));

/// The generated code this crate compiles, as text: for the test that `qapi-gen generate`
/// with the flags of `codegen.rs`'s options writes the same bytes.
#[doc(hidden)]
pub const GENERATED_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));
