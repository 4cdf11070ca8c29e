//! How this crate's bindings are generated, declared once: read by `build.rs` and by
//! qapi-gen's test that `qapi-gen generate` with these options' flags writes the same bytes.
//!
//! The schema is QEMU 10.0.2's (`schemas/qemu-10.0.2/qapi/`, an unchanged copy; see
//! `schemas/README.md`). Its `if` conditions name QEMU's build symbols (`CONFIG_*`,
//! `TARGET_*`); none is mapped, so everything any QEMU build may offer is generated.
//!
//! The introspection (`INTROSPECTION`, QEMU's `query-qmp-schema` answer) keeps the conditions
//! as data instead: which symbols hold is chosen at run time, per QEMU binary, with
//! `qapi_runtime::introspect::Symbols` (`crate::system_emulator_symbols` for one target).
//!
//! The server side (the `Server` trait and `dispatch`, for someone implementing QMP rather than
//! talking to QEMU) comes with the crate's `server` feature: clients do not compile it.

/// The schema, relative to this crate's directory.
pub const SCHEMA: &str = "../schemas/qemu-10.0.2/qapi/qapi-schema.json";

/// The generator's options; `server` is whether the crate's `server` feature is on.
pub fn options(server: bool) -> qapi_gen_codegen::Options {
    qapi_gen_codegen::Options {
        introspect: true,
        dispatch: server,
        ..qapi_gen_codegen::Options::default()
    }
}
