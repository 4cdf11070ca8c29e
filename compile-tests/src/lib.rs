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

/// The generated code names everything it uses by an absolute path (`::core::result::Result`,
/// `::std::string::String`, `::serde::Serialize`), so it compiles in a module that defines the
/// names most crates define for themselves (`Result`, `Error`, …) and modules named like the
/// crates it uses. Each module here defines them all and includes one file.
pub mod hostile {
    /// A module that defines `Result`, `Option`, `String`, `Vec`, `Box`, `Error` and modules
    /// `std`, `core` and `serde`, then includes `$file` from `OUT_DIR`.
    macro_rules! hostile_module {
        ($(#[$attr:meta])* $name:ident, $file:literal) => {
            $(#[$attr])*
            pub mod $name {
                #![allow(dead_code)]

                type Result<T> = ::core::result::Result<T, Error>;
                struct Option;
                struct String;
                struct Vec;
                struct Box;
                struct Error;
                mod std {}
                mod core {}
                mod serde {}

                include!(concat!(env!("OUT_DIR"), "/", $file));
            }
        };
    }

    hostile_module!(
        /// QEMU 10.0.2's QMP schema with `qmp-schema`'s options and the server side.
        qmp_10_0_2,
        "qmp_10_0_2.rs"
    );
    hostile_module!(
        /// The seed with `qga-schema`'s options (the async client without its feature gate).
        seed,
        "seed.rs"
    );
    hostile_module!(
        /// QEMU 10.0.2's guest-agent schema.
        qga_10_0_2,
        "qga_10_0_2.rs"
    );
    hostile_module!(
        /// QEMU's `qapi-schema-test.json`.
        qapi_schema_test,
        "qapi_schema_test.rs"
    );
}
