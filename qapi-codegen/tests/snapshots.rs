//! Snapshot tests: the code generated for each small schema in `tests/snapshots/NAME.json` is
//! compared with `tests/snapshots/NAME.rs`. After a deliberate change to the generator,
//! `EXPECTORATE=overwrite cargo test -p qapi-gen-codegen --test snapshots` rewrites the snapshots;
//! review the diff. `tests/compiled.rs` compiles every snapshot and exercises it.

use qapi_gen_codegen::Builder;
use std::path::{Path, PathBuf};

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// The builder for one snapshot schema: conditions map to real cfg predicates, so the snapshot
/// shows `#[cfg]` attributes.
fn builder(name: &str) -> Builder {
    let mut builder = Builder::new(snapshot_dir().join(format!("{name}.json")));
    builder
        .cfg("CONFIG_LINUX", r#"target_os = "linux""#)
        .cfg("CONFIG_WIN32", "windows");
    builder
}

fn check_snapshot(name: &str) {
    let text = builder(name)
        .generate_to_string()
        .unwrap_or_else(|error| panic!("{name}.json: {error}"));
    expectorate::assert_contents(snapshot_dir().join(format!("{name}.rs")), &text);
}

#[test]
fn snapshot_struct() {
    check_snapshot("struct");
}

#[test]
fn snapshot_enum() {
    check_snapshot("enum");
}

#[test]
fn snapshot_union() {
    check_snapshot("union");
}

#[test]
fn snapshot_alternate() {
    check_snapshot("alternate");
}

#[test]
fn snapshot_command() {
    check_snapshot("command");
}

#[test]
fn snapshot_event() {
    check_snapshot("event");
}

#[test]
fn snapshot_cond() {
    check_snapshot("cond");
}

/// Every schema in the directory has a test above, so a new snapshot cannot be forgotten.
#[test]
fn every_snapshot_schema_is_tested() {
    // `dispatch` and `client` have test files of their own.
    let tested = [
        "struct",
        "enum",
        "union",
        "alternate",
        "command",
        "event",
        "cond",
        "dispatch",
        "client",
    ];
    let mut found: Vec<String> = std::fs::read_dir(snapshot_dir())
        .unwrap()
        .filter_map(|entry| {
            let path = entry.unwrap().path();
            (path.extension()? == "json").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    found.sort();
    let mut tested: Vec<String> = tested.iter().map(|name| name.to_string()).collect();
    tested.sort();
    assert_eq!(found, tested);
}

/// Generating twice gives the same bytes: nothing depends on hash order or addresses.
#[test]
fn generation_is_deterministic() {
    for name in ["struct", "union", "command"] {
        let first = builder(name).generate_to_string().unwrap();
        let second = builder(name).generate_to_string().unwrap();
        assert_eq!(first, second, "{name}");
    }
}
