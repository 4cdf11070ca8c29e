//! How this crate's bindings are generated, declared once: read by `build.rs`, by
//! `cargo xtask regen` (which writes the same file to `generated-example/src/generated.rs`) and
//! by qapi-gen's test that `qapi-gen generate` with these options' flags writes the same bytes.
//!
//! The seed schema is old-style (QEMU 2.5 era) and so needs legacy mode: its problems under
//! QEMU 10's rules are warnings, not errors. The async client exists only with this crate's
//! `tokio` feature.

/// The schema, relative to this crate's directory.
pub const SCHEMA: &str = "qapi-schema.json";

/// The generator's options.
pub fn options() -> qapi_gen_codegen::Options {
    qapi_gen_codegen::Options {
        legacy: true,
        async_client: true,
        async_client_cfg: Some(r#"feature = "tokio""#.to_owned()),
        ..qapi_gen_codegen::Options::default()
    }
}
