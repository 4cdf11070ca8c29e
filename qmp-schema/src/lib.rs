//! Rust bindings for QEMU 10.0.2's QMP schema, generated at build time by `qapi-codegen`:
//! every type, enum, union and alternate, `{Command}Args` for each command's arguments and
//! `{Event}Event` for each event's data.

include!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));
