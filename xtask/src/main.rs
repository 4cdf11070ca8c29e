//! Project tasks: `cargo xtask test` (everything CI checks), `cargo xtask lint` (every
//! schema in the repository, each against what it is expected to be) and `cargo xtask regen
//! [--check]` (the checked-in generated code), `cargo xtask capture-qga` (qemu-ga 7.2's replies
//! to the seed schema's read-only commands, recorded as test data).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

mod capture;
mod lint;
mod regen;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["lint"] => lint::lint_repository(&project_root()),
        ["regen"] => regen::regen(&project_root(), false),
        ["regen", "--check"] => regen::regen(&project_root(), true),
        ["test"] => test(),
        ["capture-qga"] => capture::capture_qga(&project_root()),
        _ => {
            eprintln!("usage: cargo xtask lint | regen [--check] | test | capture-qga");
            std::process::exit(2);
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// A harness of `../shared`, run with the workspace root and `../shared`.
type Harness = fn(&Path, &Path) -> Result<()>;

/// Everything CI checks, in the order that fails fastest. Tests that skip for want of a tool
/// (see the `test-skip` crate) are listed and counted at the end.
fn test() -> Result<()> {
    let root = project_root();
    cargo(&root, &["fmt", "--all", "--check"])?;
    cargo(
        &root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // qmp-schema's server side is a feature that the workspace build leaves off.
    cargo(
        &root,
        &[
            "clippy",
            "-p",
            "qmp-schema",
            "--features",
            "server",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    let skip_log = target_dir(&root).join("xtask-skipped-tests.log");
    std::fs::create_dir_all(target_dir(&root))?;
    std::fs::write(&skip_log, "")?;
    run(Command::new("cargo")
        .current_dir(&root)
        .env(test_skip::LOG_VARIABLE, &skip_log)
        .args(["test", "--workspace"]))?;
    run(Command::new("cargo")
        .current_dir(&root)
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--workspace", "--no-deps"]))?;
    lint::lint_repository(&root)?;
    regen::regen(&root, true)?;
    let shared = root.join("../shared");
    let mut skipped: Vec<String> = std::fs::read_to_string(&skip_log)?
        .lines()
        .map(str::to_owned)
        .collect();
    let harnesses: [(&str, &str, Harness); 2] = [
        (
            "QEMU's suite through the command line",
            "qapi-tests/qapi_suite.py",
            qemu_suite,
        ),
        (
            "conformance against qemu-ga",
            "conformance/qga_conformance.py",
            guest_agent_conformance,
        ),
    ];
    for (what, script, harness) in harnesses {
        if !shared.join(script).exists() {
            // Without ../shared the suite's copy in the repository still ran in cargo test.
            skipped.push(format!(
                "{what}: skipped, ../shared is not beside the checkout"
            ));
        } else if !test_skip::on_path("python3") {
            test_skip::skip(what, "python3", "python3 is not installed");
            skipped.push(format!("{what}: skipped, python3 is not installed"));
        } else {
            harness(&root, &shared)?;
        }
    }
    if skipped.is_empty() {
        println!("xtask: every test ran; none was skipped");
    } else {
        println!("xtask: {} skipped:", skipped.len());
        for line in &skipped {
            println!("  {line}");
        }
    }
    Ok(())
}

/// The example agent against the real qemu-ga 7.2, request by request, with the harness in
/// ../shared (it finds or unpacks qemu-ga 7.2 itself). The agent runs with the harness's
/// block list, so nothing that changes the machine is ever executed.
fn guest_agent_conformance(root: &Path, shared: &Path) -> Result<()> {
    cargo(
        root,
        &[
            "build",
            "--release",
            "-p",
            "generated-example",
            "--bin",
            "example-agent",
        ],
    )?;
    let agent = target_dir(root).join("release/example-agent");
    run(Command::new("python3").args([
        shared
            .join("conformance/qga_conformance.py")
            .to_str()
            .context("path")?,
        "--agent",
        &format!(
            "{} -m unix-listen -p {{sock}} -t {{dir}} -b {{block}}",
            agent.display()
        ),
    ]))
}

/// QEMU's suite through the real command line, with the harness in ../shared.
fn qemu_suite(root: &Path, shared: &Path) -> Result<()> {
    cargo(root, &["build", "--release", "-p", "qapi-gen"])?;
    let binary = target_dir(root).join("release/qapi-gen");
    let binary = binary.display();
    run(Command::new("python3").args([
        shared
            .join("qapi-tests/qapi_suite.py")
            .to_str()
            .context("path")?,
        "--cases",
        shared.join("qapi-tests").to_str().context("path")?,
        "--cmd",
        &format!("{binary} lint {{file}}"),
        "--dump-cmd",
        &format!("{binary} dump {{file}}"),
    ]))
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (relative to the workspace, as
/// cargo reads it), else the workspace's `target`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    run(Command::new("cargo").current_dir(root).args(args))
}

fn run(command: &mut Command) -> Result<()> {
    println!("xtask: running {command:?}");
    let status = command
        .status()
        .with_context(|| format!("cannot start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(())
}
