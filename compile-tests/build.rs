//! One generated file per schema, each included as a module by `src/lib.rs`: the schemas no
//! other crate builds, and, for `hostile`, QMP 10.0.2 and the seed with their crates' options
//! (declared once in their `codegen.rs`).

use qapi_gen_codegen::{Builder, Options};
use std::path::PathBuf;

#[path = "../qga-schema/codegen.rs"]
mod qga_schema_codegen;
#[path = "../qmp-schema/codegen.rs"]
mod qmp_schema_codegen;

/// (module file name, schema, options)
fn schemas() -> Vec<(&'static str, String, Options)> {
    let legacy = Options {
        legacy: true,
        ..Options::default()
    };
    // The seed's options, the async client without the feature gate this crate does not have.
    let seed = Options {
        async_client_cfg: None,
        ..qga_schema_codegen::options()
    };
    vec![
        (
            "qga_10_0_2.rs",
            "../schemas/qemu-10.0.2/qga/qapi-schema.json".to_owned(),
            Options::default(),
        ),
        (
            "qga_7_2_0.rs",
            "../schemas/qemu-7.2.0/qga/qapi-schema.json".to_owned(),
            legacy.clone(),
        ),
        (
            "qmp_7_2_0.rs",
            "../schemas/qemu-7.2.0/qapi/qapi-schema.json".to_owned(),
            legacy,
        ),
        (
            "qapi_schema_test.rs",
            "../qapi-parser/tests/qemu-suite/qapi-schema-test.json".to_owned(),
            Options::default(),
        ),
        (
            "qmp_10_0_2.rs",
            format!("../qmp-schema/{}", qmp_schema_codegen::SCHEMA),
            qmp_schema_codegen::options(true),
        ),
        (
            "seed.rs",
            format!("../qga-schema/{}", qga_schema_codegen::SCHEMA),
            seed,
        ),
    ]
}

fn main() -> Result<(), qapi_gen_codegen::Error> {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (file, schema, options) in schemas() {
        println!("cargo:rerun-if-changed={schema}");
        Builder::with_options(&schema, options)
            .out_file(out_dir.join(file))
            .generate()?;
    }
    Ok(())
}
