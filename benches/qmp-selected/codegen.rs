//! The bindings of this crate, declared once: QEMU 10.0.2's QMP schema as `qmp-schema` builds
//! it (no server side), but only the ten commands a typical management client calls and the
//! events they cause.

/// The schema, relative to this crate's directory.
pub const SCHEMA: &str = "../../schemas/qemu-10.0.2/qapi/qapi-schema.json";

/// The commands generated.
pub const COMMANDS: [&str; 10] = [
    "query-status",
    "stop",
    "cont",
    "blockdev-add",
    "device_add",
    "device_del",
    "query-block",
    "migrate",
    "query-migrate",
    "quit",
];

/// The events generated: what those commands make QEMU send.
pub const EVENTS: [&str; 6] = [
    "STOP",
    "RESUME",
    "SHUTDOWN",
    "DEVICE_DELETED",
    "MIGRATION",
    "MIGRATION_PASS",
];

/// The generator's options.
pub fn options() -> qapi_gen_codegen::Options {
    qapi_gen_codegen::Options {
        dispatch: false,
        commands: Some(COMMANDS.map(str::to_owned).to_vec()),
        events: Some(EVENTS.map(str::to_owned).to_vec()),
        ..qapi_gen_codegen::Options::default()
    }
}
