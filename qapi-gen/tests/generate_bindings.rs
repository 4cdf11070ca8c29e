//! `qapi-gen generate` with flags writes, byte for byte, what the bindings crates' build
//! scripts write: each crate declares its options once (`codegen.rs`), its build script passes
//! them to the builder, and here their flags (`Options::to_args`) go to the command line.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../qga-schema/codegen.rs"]
mod qga_schema_codegen;
#[path = "../../qmp-schema/codegen.rs"]
mod qmp_schema_codegen;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `qapi-gen generate FLAGS SCHEMA`'s standard output.
fn generate(flags: &[String], schema: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_qapi-gen"))
        .arg("generate")
        .args(flags)
        .arg(schema)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Compares the texts line by line, so that a failure shows the first line that differs.
fn assert_same(generated: &str, built: &str, command: &str) {
    if generated != built {
        let line = generated
            .lines()
            .zip(built.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "the end".to_owned(),
                |index| format!("line {}", index + 1),
            );
        panic!("`{command}` differs from the build script's file at {line}");
    }
}

#[test]
fn qga_schema_flags_reproduce_its_generated_file() {
    let flags = qga_schema_codegen::options().to_args();
    assert_eq!(
        flags,
        [
            "--legacy",
            "--async-client",
            "--async-client-cfg",
            r#"feature = "tokio""#
        ]
    );
    let schema = workspace()
        .join("qga-schema")
        .join(qga_schema_codegen::SCHEMA);
    assert_same(
        &generate(&flags, &schema),
        qga_schema::GENERATED_SOURCE,
        &format!("qapi-gen generate {flags:?} {}", schema.display()),
    );
}

#[test]
fn qmp_schema_flags_reproduce_its_generated_file() {
    let server = qmp_schema::SERVER_FEATURE;
    let flags = qmp_schema_codegen::options(server).to_args();
    let expected: &[&str] = if server {
        &["--introspect"]
    } else {
        &["--no-dispatch", "--introspect"]
    };
    assert_eq!(flags, expected);
    let schema = workspace()
        .join("qmp-schema")
        .join(qmp_schema_codegen::SCHEMA);
    assert_same(
        &generate(&flags, &schema),
        qmp_schema::GENERATED_SOURCE,
        &format!("qapi-gen generate {flags:?} {}", schema.display()),
    );
}
