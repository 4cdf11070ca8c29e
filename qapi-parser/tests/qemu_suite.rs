//! Every case of QEMU's own QAPI schema test suite (copied into `tests/qemu-suite/`): a valid
//! schema must be accepted and dump exactly as QEMU dumps it; an invalid one must be rejected,
//! with the first error at QEMU's file and line and with QEMU's message.

use qapi_gen_parser::{check_file, Options};
use std::fs;
use std::path::{Path, PathBuf};

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/qemu-suite")
}

/// QEMU's first `FILE:LINE[:COL]: MESSAGE` line of a `.err` file.
struct Expected {
    file: String,
    line: usize,
    message: String,
}

fn expected_error(err_text: &str) -> Option<Expected> {
    err_text.lines().find_map(|line| {
        let (location, message) = line.split_once(": ")?;
        let mut parts = location.split(':');
        let file = parts.next()?;
        let line_number = parts.next()?.parse().ok()?;
        file.ends_with(".json").then(|| Expected {
            file: file.to_owned(),
            line: line_number,
            message: message.to_owned(),
        })
    })
}

fn run_case(name: &str) -> Result<(), String> {
    let dir = suite_dir();
    let err_text =
        fs::read_to_string(dir.join(format!("{name}.err"))).map_err(|e| e.to_string())?;
    let checked = check_file(dir.join(format!("{name}.json")), &Options::default());
    let first_error = checked.diagnostics.iter().find(|d| d.is_error());
    if err_text.trim().is_empty() {
        if let Some(error) = first_error {
            return Err(format!(
                "valid schema rejected:\n{}",
                error.render(&checked.sources)
            ));
        }
        let schema = checked
            .schema
            .as_ref()
            .ok_or("no model for a valid schema")?;
        let expected = fs::read_to_string(dir.join(format!("{name}.out"))).unwrap_or_default();
        let dumped = qapi_gen_parser::dump::dump(schema);
        if dumped != expected {
            let line = dumped
                .lines()
                .zip(expected.lines())
                .position(|(got, want)| got != want)
                .map_or(dumped.lines().count().min(expected.lines().count()), |i| i)
                + 1;
            return Err(format!("dump differs from QEMU's from line {line}"));
        }
        return Ok(());
    }
    let expected = expected_error(&err_text).ok_or("no location in .err")?;
    let error = first_error.ok_or("invalid schema accepted")?;
    let span = error.span.ok_or("error without location")?;
    let file = checked.sources.path(span.file);
    let line = checked.sources.line(span);
    let file_matches = file.file_name().and_then(|n| n.to_str())
        == Path::new(&expected.file)
            .file_name()
            .and_then(|n| n.to_str());
    // The case runs with an absolute path; QEMU's messages quote paths relative to the suite.
    let message = error.message.replace(&format!("{}/", dir.display()), "");
    let message_matches = message.lines().next() == Some(expected.message.as_str());
    if !file_matches || line != expected.line || !message_matches {
        return Err(format!(
            "expected {}:{}: {}\n  got {}:{}: {}",
            expected.file,
            expected.line,
            expected.message,
            file.display(),
            line,
            error.message
        ));
    }
    Ok(())
}

#[test]
fn every_qemu_case_matches() {
    let mut names: Vec<String> = fs::read_dir(suite_dir())
        .expect("suite directory")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "err").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    assert!(names.len() > 100, "the suite is missing");
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| run_case(name).err().map(|why| format!("{name}: {why}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
