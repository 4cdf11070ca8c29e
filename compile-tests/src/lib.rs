//! Code generated from schemas that no crate of the workspace depends on, compiled so that a
//! generator change that breaks them (or makes them warn; CI denies warnings) is caught:
//! QEMU 10.0.2's guest-agent schema, QEMU 7.2.0's QMP and guest-agent schemas (legacy mode), and
//! QEMU's own code generator stress test, `qapi-schema-test.json`. QEMU 10.0.2's QMP schema is
//! built by the `qmp-schema` crate and the project's seed by `qga-schema`.

/// QEMU 10.0.2's guest-agent schema.
pub mod qga_10_0_2 {
    include!(concat!(env!("OUT_DIR"), "/qga_10_0_2.rs"));
}

/// QEMU 7.2.0's guest-agent schema (qemu-ga 7.2, Debian 12's).
pub mod qga_7_2_0 {
    include!(concat!(env!("OUT_DIR"), "/qga_7_2_0.rs"));
}

/// QEMU 7.2.0's QMP schema.
pub mod qmp_7_2_0 {
    include!(concat!(env!("OUT_DIR"), "/qmp_7_2_0.rs"));
}

/// QEMU's `tests/qapi-schema/qapi-schema-test.json`: every construct of the language.
pub mod qapi_schema_test {
    include!(concat!(env!("OUT_DIR"), "/qapi_schema_test.rs"));
}
