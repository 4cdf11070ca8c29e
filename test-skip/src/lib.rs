//! Skipping a test whose tool is missing, visibly.
//!
//! libtest has no "skipped" outcome: a test that returns early passes, and its output is
//! captured. So a test that needs a program (qemu-ga, qemu-system-x86_64, python3) asks
//! [`require`] first, which, when the program is not on `PATH`:
//!
//! - fails the test if the program is listed in [`REQUIRE_VARIABLE`] (CI lists what it
//!   installed, so that a skip there is an error);
//! - otherwise prints the skip to stderr and appends it to the file named by
//!   [`LOG_VARIABLE`], which `cargo xtask test` reads to count and list the skips in its
//!   summary.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

/// Names the programs that must be present, separated by spaces or commas: a test that would
/// skip for want of one of them fails instead.
pub const REQUIRE_VARIABLE: &str = "QAPI_GEN_REQUIRE_TOOLS";

/// Names a file to which every skip is appended, one line each: `TEST: REASON`.
pub const LOG_VARIABLE: &str = "QAPI_GEN_SKIP_LOG";

/// Whether `program` is on `PATH`; when it is not, `test` is skipped as the module docs say
/// (or fails, when the program is required) and `false` is returned.
///
/// ```no_run
/// if !test_skip::require("qemu-ga", "tour_of_qemu_ga") {
///     return;
/// }
/// ```
pub fn require(program: &str, test: &str) -> bool {
    if on_path(program) {
        return true;
    }
    skip(
        test,
        program,
        &format!("{program} is not installed (not on PATH)"),
    );
    false
}

/// Skips `test` for want of `program`, for reasons other than absence from `PATH` (such as a
/// program that is installed but cannot run here): fails the test when `program` is
/// required, else records the skip.
pub fn skip(test: &str, program: &str, reason: &str) {
    let required = std::env::var(REQUIRE_VARIABLE).unwrap_or_default();
    if lists(&required, program) {
        panic!("{test} cannot run: {reason}, and {REQUIRE_VARIABLE} requires {program}");
    }
    let line = format!("{test}: skipped, {reason}");
    eprintln!("{line}");
    if let Some(log) = std::env::var_os(LOG_VARIABLE) {
        record(Path::new(&log), &line);
    }
}

/// Whether the list `required` (as in [`REQUIRE_VARIABLE`]) names `program`.
fn lists(required: &str, program: &str) -> bool {
    required
        .split([' ', ','])
        .any(|listed| !listed.is_empty() && listed == program)
}

/// Appends `line` to the skip log. One short line written at once is not interleaved with
/// other tests' lines; a log that cannot be written loses the count, not the skip, which
/// stderr shows.
fn record(log: &Path, line: &str) {
    if let Ok(mut file) = OpenOptions::new().create(true).append(true).open(log) {
        let _ = file.write_all(format!("{line}\n").as_bytes());
    }
}

/// Whether `program` is found on `PATH`.
pub fn on_path(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_on_path_is_found() {
        assert!(on_path("sh"));
        assert!(!on_path("no-such-program-for-test-skip"));
        assert!(require("sh", "a_program_on_path_is_found"));
    }

    #[test]
    fn the_required_list_is_split_on_spaces_and_commas() {
        assert!(lists("qemu-ga qemu-system-x86_64", "qemu-system-x86_64"));
        assert!(lists("python3,qemu-ga", "qemu-ga"));
        assert!(!lists("qemu-ga", "qemu"));
        assert!(!lists("", "qemu-ga"));
    }

    #[test]
    fn skips_are_appended_to_the_log() {
        let log = std::env::temp_dir().join(format!("test-skip-{}.log", std::process::id()));
        let _ = std::fs::remove_file(&log);
        record(&log, "one: skipped, a");
        record(&log, "two: skipped, b");
        let text = std::fs::read_to_string(&log).unwrap();
        let _ = std::fs::remove_file(&log);
        assert_eq!(text, "one: skipped, a\ntwo: skipped, b\n");
    }
}
