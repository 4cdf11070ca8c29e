//! Rust bindings for the project's QEMU guest-agent schema (`qapi-schema.json` beside this
//! crate, QEMU 2.5 era, unchanged), generated at build time by `qapi-codegen`.
//!
//! Every type, enum, union and alternate of the schema is here, with `{Command}Args` for each
//! command's arguments. Depend on this crate rather than including generated code yourself.
//! A checked-in copy of what is generated, for reading, is `generated-example/src/generated.rs`.

include!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));
