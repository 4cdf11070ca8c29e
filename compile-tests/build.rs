//! One generated file per schema, each included as a module by `src/lib.rs`.

use std::path::PathBuf;

/// (module file name, schema, legacy mode)
const SCHEMAS: &[(&str, &str, bool)] = &[
    (
        "qga_10_0_2.rs",
        "../schemas/qemu-10.0.2/qga/qapi-schema.json",
        false,
    ),
    (
        "qga_7_2_0.rs",
        "../schemas/qemu-7.2.0/qga/qapi-schema.json",
        true,
    ),
    (
        "qmp_7_2_0.rs",
        "../schemas/qemu-7.2.0/qapi/qapi-schema.json",
        true,
    ),
    (
        "qapi_schema_test.rs",
        "../qapi-parser/tests/qemu-suite/qapi-schema-test.json",
        false,
    ),
];

fn main() -> Result<(), qapi_gen_codegen::Error> {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (file, schema, legacy) in SCHEMAS {
        println!("cargo:rerun-if-changed={schema}");
        qapi_gen_codegen::Builder::new(schema)
            .legacy(*legacy)
            .out_file(out_dir.join(file))
            .generate()?;
    }
    Ok(())
}
