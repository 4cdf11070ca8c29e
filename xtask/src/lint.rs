//! `cargo xtask lint`: every schema in the repository, checked against what it should be.
//!
//! Modern schemas must be clean in strict mode. Old ones must be accepted in legacy mode (with
//! warnings), and must still fail strict mode where QEMU 10.0.2 fails them, so that a change
//! that loosens the strict rules shows up here.

use anyhow::{bail, Result};
use qapi_gen_parser::{check_file, Options};
use std::path::Path;

/// What a schema is expected to do.
struct Expectation {
    path: &'static str,
    /// Clean in strict mode (else: rejected in strict mode, accepted in legacy mode).
    strict_clean: bool,
}

const SCHEMAS: &[Expectation] = &[
    Expectation {
        path: "schemas/qemu-10.0.2/qapi/qapi-schema.json",
        strict_clean: true,
    },
    Expectation {
        path: "schemas/qemu-10.0.2/qga/qapi-schema.json",
        strict_clean: true,
    },
    Expectation {
        path: "schemas/qemu-7.2.0/qapi/qapi-schema.json",
        strict_clean: false,
    },
    Expectation {
        path: "schemas/qemu-7.2.0/qga/qapi-schema.json",
        strict_clean: false,
    },
    Expectation {
        path: "qga-schema/qapi-schema.json",
        strict_clean: false,
    },
];

pub fn lint_repository(root: &Path) -> Result<()> {
    let mut problems = Vec::new();
    for expectation in SCHEMAS {
        let path = root.join(expectation.path);
        let strict = check_file(&path, &Options { legacy: false });
        let legacy = check_file(&path, &Options { legacy: true });
        let warnings = legacy.diagnostics.len();
        let verdict = match (
            expectation.strict_clean,
            strict.has_errors(),
            legacy.has_errors(),
        ) {
            (true, false, _) => "clean in strict mode".to_owned(),
            (false, true, false) => {
                format!("rejected in strict mode, accepted in legacy mode ({warnings} warnings)")
            }
            (_, strict_failed, legacy_failed) => {
                let shown = if legacy_failed { &legacy } else { &strict };
                for diagnostic in shown.diagnostics.iter().filter(|d| d.is_error()).take(3) {
                    eprint!("{}", diagnostic.render(&shown.sources));
                }
                problems.push(expectation.path);
                format!("UNEXPECTED: strict failed {strict_failed}, legacy failed {legacy_failed}")
            }
        };
        println!("{}: {verdict}", expectation.path);
    }
    if !problems.is_empty() {
        bail!("schemas not as expected: {}", problems.join(", "));
    }
    Ok(())
}
