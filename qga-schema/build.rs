//! Generates the guest-agent bindings from the seed schema, which is old-style (QEMU 2.5 era)
//! and so needs legacy mode: its problems under QEMU 10's rules are warnings, not errors. The
//! async client exists only with this crate's `tokio` feature.

fn main() -> Result<(), qapi_gen_codegen::Error> {
    qapi_gen_codegen::Builder::new("qapi-schema.json")
        .legacy(true)
        .async_client(true)
        .async_client_cfg(r#"feature = "tokio""#)
        .generate()
}
