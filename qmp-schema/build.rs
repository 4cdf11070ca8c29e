//! Generates the QMP bindings from QEMU 10.0.2's schema (`schemas/qemu-10.0.2/qapi/`, an
//! unchanged copy; see `schemas/README.md`). Its `if` conditions name QEMU's build symbols
//! (`CONFIG_*`, `TARGET_*`); none is mapped, so everything any QEMU build may offer is generated.
//!
//! The introspection (`INTROSPECTION`, QEMU's `query-qmp-schema` answer) keeps the conditions
//! as data instead: which symbols hold is chosen at run time, per QEMU binary, with
//! `qapi_runtime::introspect::Symbols` (`crate::system_emulator_symbols` for one target).
//!
//! The server side (the `Server` trait and `dispatch`, for someone implementing QMP rather than
//! talking to QEMU) comes with the crate's `server` feature: clients do not compile it.

fn main() -> Result<(), qapi_gen_codegen::Error> {
    let server = std::env::var_os("CARGO_FEATURE_SERVER").is_some();
    qapi_gen_codegen::Builder::new("../schemas/qemu-10.0.2/qapi/qapi-schema.json")
        .introspect(true)
        .dispatch(server)
        .generate()
}
