//! `qapi-gen diff` from the command line: formats, `--all`, and the exit status.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Writes the two schemas into a fresh directory and runs `qapi-gen diff OLD NEW ARGS`.
fn run(name: &str, old: &str, new: &str, args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("qapi-gen-diff-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let old_path: PathBuf = dir.join("old.json");
    let new_path: PathBuf = dir.join("new.json");
    std::fs::write(&old_path, old).expect("write old");
    std::fs::write(&new_path, new).expect("write new");
    let output = Command::new(env!("CARGO_BIN_EXE_qapi-gen"))
        .arg("diff")
        .arg(&old_path)
        .arg(&new_path)
        .args(args)
        .output()
        .expect("qapi-gen runs");
    std::fs::remove_dir_all(&dir).expect("remove temp dir");
    output
}

const OLD: &str = "{ 'command': 'ping' }
{ 'command': 'set', 'data': { 'a': 'int' } }
";
const BREAKING: &str = "{ 'command': 'ping' }
{ 'command': 'set', 'data': { 'a': 'int', 'b': 'int' } }
";
const COMPATIBLE: &str = "{ 'command': 'ping' }
{ 'command': 'set', 'data': { 'a': 'int', '*b': 'int' } }
";

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn breaking_change_fails_with_fail_on_incompatible() {
    let output = run("breaking", OLD, BREAKING, &["--fail-on", "incompatible"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "command set
  arguments: member 'b' added (mandatory, int) [incompatible, send: adding mandatory arguments is incompatible: clients that omit it are rejected]
1 change: 1 incompatible, 0 caution, 0 compatible
"
    );
    let without = run("breaking-report", OLD, BREAKING, &[]);
    assert_eq!(without.status.code(), Some(0));
}

#[test]
fn compatible_change_passes_with_fail_on_incompatible() {
    let output = run(
        "compatible",
        OLD,
        COMPATIBLE,
        &["--fail-on", "incompatible"],
    );
    assert_eq!(output.status.code(), Some(0));
    let caution = run(
        "compatible-caution",
        OLD,
        COMPATIBLE,
        &["--fail-on", "caution"],
    );
    assert_eq!(caution.status.code(), Some(0));
}

#[test]
fn json_lines_with_every_command() {
    let output = run("json", OLD, COMPATIBLE, &["--format", "json", "--all"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        r#"{"class":"compatible","kind":"command","entity":"set","path":"arguments","change":"member-added","description":"member 'b' added (optional, int)","name":"b","optional":true,"type":"int","directions":["send"],"reason":"adding optional arguments is compatible","used_by":[]}
{"kind":"command","name":"ping","status":"kept","class":"compatible","reasons":["no change to its definition or to any type it uses"]}
{"kind":"command","name":"set","status":"changed","class":"compatible","reasons":["arguments: member 'b' added (optional, int) (compatible)"]}
{"summary":{"changes":1,"incompatible":0,"caution":0,"compatible":1}}
"#
    );
}

#[test]
fn markdown_release_notes() {
    let output = run("markdown", OLD, BREAKING, &["--format", "markdown"]);
    assert_eq!(
        stdout(&output),
        "## Incompatible changes

- command `set`: `arguments`: member `b` added (mandatory, int) — adding mandatory arguments is incompatible: clients that omit it are rejected

**Summary:** 1 change: 1 incompatible, 0 caution, 0 compatible
"
    );
}

#[test]
fn invalid_schema_is_an_error() {
    let output = run(
        "invalid",
        OLD,
        "{ 'command': 'set', 'data': { 'a': 'Nope' } }",
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("uses unknown type 'Nope'"), "{stderr}");
    assert!(stderr.contains("new.json: not a valid schema"), "{stderr}");
}
