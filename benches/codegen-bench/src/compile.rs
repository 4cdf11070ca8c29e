//! (b) Cold release compile time of the generated bindings: our `qmp-schema` and `qga-schema`
//! against `qapi-qmp` and `qapi-qga` of crates.io.
//!
//! Method, the same for the four crates, in one run on one machine:
//!
//! 1. a fresh target directory (removed first), `cargo build --release -p CRATE`: the cold
//!    build with every dependency (serde, serde_json, the generator of each side…), timed as a
//!    whole for context;
//! 2. `cargo clean --release -p CRATE`, which removes only that crate's own artifacts (its build
//!    script, the build script's output and its library);
//! 3. `cargo build --release -p CRATE --timings`: now only the crate itself is built, with its
//!    dependencies already there and nothing else competing for the two cores. Its wall time is
//!    "the crate alone"; cargo's timing report (`cargo-timings/cargo-timing.html`, its
//!    `UNIT_DATA`) splits it into the build script (compile and run: generating the code) and
//!    the library (rustc on the generated code).
//!
//! Ours are built in the workspace (its lock file and release profile); crates.io's in a scratch
//! project ([`crate::scratch`]) with the same release profile.

use crate::scratch::{self, QAPI_QGA, QAPI_QMP};
use anyhow::{Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One crate's results.
pub struct Row {
    pub package: &'static str,
    /// Step 1: everything, from a fresh target directory.
    pub cold_with_deps: Duration,
    /// Step 3: the crate alone.
    pub alone: Duration,
    /// Step 3 from cargo's report: build script compile + run.
    pub build_script: f64,
    /// Step 3 from cargo's report: the library.
    pub library: f64,
}

/// Where one crate is built.
struct Subject {
    package: &'static str,
    /// The directory cargo runs in (the workspace, or the scratch project).
    dir: PathBuf,
}

/// The scratch project depending on crates.io's bindings (also where their schemas are found).
pub fn qapi_rs_project() -> Result<PathBuf> {
    scratch::project(
        "qapi-rs-bindings",
        &format!("qapi-qmp = \"={QAPI_QMP}\"\nqapi-qga = \"={QAPI_QGA}\"\n"),
        "fn main() {}\n",
    )
}

/// Builds the four crates as the module docs say, in the order ours, theirs, ours, theirs.
pub fn run() -> Result<Vec<Row>> {
    let root = scratch::workspace_root();
    let theirs = qapi_rs_project()?;
    let subjects = [
        Subject {
            package: "qmp-schema",
            dir: root.clone(),
        },
        Subject {
            package: "qapi-qmp",
            dir: theirs.clone(),
        },
        Subject {
            package: "qga-schema",
            dir: root,
        },
        Subject {
            package: "qapi-qga",
            dir: theirs,
        },
    ];
    subjects.iter().map(measure).collect()
}

fn measure(subject: &Subject) -> Result<Row> {
    let Subject { package, dir } = subject;
    let target = scratch::scratch_root().join(format!("target-{package}"));
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    let target_arg = target.to_str().context("the target path is not UTF-8")?;
    let build = [
        "build",
        "--release",
        "-p",
        package,
        "--target-dir",
        target_arg,
    ];
    let cold_with_deps = scratch::cargo(dir, &build)?;
    scratch::cargo(
        dir,
        &[
            "clean",
            "--release",
            "-p",
            package,
            "--target-dir",
            target_arg,
        ],
    )?;
    let mut timed = build.to_vec();
    timed.push("--timings");
    let alone = scratch::cargo(dir, &timed)?;
    let (build_script, library) = unit_times(&target, package)?;
    Ok(Row {
        package,
        cold_with_deps,
        alone,
        build_script,
        library,
    })
}

/// Seconds of `package`'s build-script units and of its library, from cargo's timing report.
fn unit_times(target: &Path, package: &str) -> Result<(f64, f64)> {
    let report = target.join("cargo-timings/cargo-timing.html");
    let html = std::fs::read_to_string(&report)
        .with_context(|| format!("no timing report at {}", report.display()))?;
    let start = html
        .find("const UNIT_DATA = ")
        .context("no UNIT_DATA in cargo's timing report")?
        + "const UNIT_DATA = ".len();
    let units: Value = serde_json::Deserializer::from_str(&html[start..])
        .into_iter()
        .next()
        .context("UNIT_DATA is empty")??;
    let (mut build_script, mut library) = (0.0, 0.0);
    for unit in units.as_array().context("UNIT_DATA is no list")? {
        if unit["name"] != package {
            continue;
        }
        let duration = unit["duration"]
            .as_f64()
            .context("a unit without duration")?;
        let target = unit["target"].as_str().unwrap_or_default();
        if unit["mode"] == "run-custom-build" || target.contains("build-script") {
            build_script += duration;
        } else {
            library += duration;
        }
    }
    Ok((build_script, library))
}
