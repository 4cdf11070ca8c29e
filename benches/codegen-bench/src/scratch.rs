//! The scratch Cargo projects through which the `qapi` crates of crates.io are built and run.
//!
//! They live under `$CARGO_TARGET_DIR/codegen-bench/` (or `target/codegen-bench/`), outside the
//! workspace and its lock file, so that the workspace never depends on the crates it is compared
//! with. Their release profile is the workspace's (`debug = "line-tables-only"`).

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The crates.io versions compared with, pinned so that a rerun measures the same code.
pub const QAPI_CODEGEN: &str = "0.11.3";
pub const QAPI_QMP: &str = "0.15.0";
pub const QAPI_QGA: &str = "0.13.0";

/// The release profile of the workspace, repeated in every scratch project.
const PROFILE: &str = "[profile.release]\ndebug = \"line-tables-only\"\n";

/// The workspace root (this crate is two levels below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// Where the scratch projects and fresh target directories go.
pub fn scratch_root() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("codegen-bench")
}

/// Writes a scratch project's manifest and `src/main.rs` (unchanged files are not rewritten,
/// so a built project stays built).
pub fn project(name: &str, dependencies: &str, main: &str) -> Result<PathBuf> {
    let dir = scratch_root().join(name);
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{dependencies}\n{PROFILE}"
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&dir.join("src/main.rs"), main)?;
    Ok(dir)
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Runs cargo with `args` in `dir`, failing with its output if it fails; returns the wall time.
pub fn cargo(dir: &Path, args: &[&str]) -> Result<Duration> {
    let start = Instant::now();
    let output = Command::new("cargo")
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .args(args)
        .output()
        .context("cannot run cargo")?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        bail!(
            "cargo {} in {} failed:\n{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(elapsed)
}

/// The directory of a package in `dir`'s dependency graph (for the schema a crate ships).
pub fn package_dir(dir: &Path, package: &str) -> Result<PathBuf> {
    let output = Command::new("cargo")
        .current_dir(dir)
        .args(["metadata", "--format-version", "1"])
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let manifest = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == package)
        .and_then(|p| p["manifest_path"].as_str())
        .with_context(|| format!("{package} is not in the graph of {}", dir.display()))?;
    Ok(Path::new(manifest)
        .parent()
        .context("a manifest has a directory")?
        .to_path_buf())
}

/// The median of `times`.
pub fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
