//! (a) Schema → Rust: qapi-gen-codegen's whole pipeline (parse, validate, generate, lay out with
//! its printer, write) against the generator of the `qapi` crates of crates.io
//! (`qapi_codegen::codegen` 0.11.3, which `qapi-qmp`'s build script calls: it parses and writes
//! Rust text as it goes, with neither validation nor formatting).
//!
//! Both run in release builds, in-process, timed around the one call that turns a schema
//! directory into a file, `runs` times each; the median is reported. The crates.io generator
//! runs in a scratch project ([`crate::scratch`]) that prints each run's nanoseconds.

use crate::scratch::{self, median, QAPI_CODEGEN};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One schema's results.
pub struct Row {
    pub schema: String,
    /// qapi-gen-codegen, parse + validate only (`qapi_gen_parser::check_file`).
    pub ours_check: Duration,
    /// qapi-gen-codegen, the whole pipeline, with the Builder's defaults.
    pub ours: Duration,
    pub ours_bytes: usize,
    /// qapi-gen-codegen, the whole pipeline, generating what qapi-rs generates: types, client
    /// stubs and events, without the server side (`dispatch(false)`).
    pub ours_client: Duration,
    /// The crates.io generator, or why it could not generate this schema.
    pub theirs: Result<Duration, String>,
    pub theirs_bytes: usize,
}

/// The crates.io generator's driver: `SCHEMA_DIR OUT RUNS`, one line of nanoseconds per run.
const DRIVER: &str = r#"use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args[3].parse().expect("RUNS is a number");
    for _ in 0..runs {
        let start = Instant::now();
        if let Err(error) = qapi_codegen::codegen(&args[1], &args[2], "QmpCommand".into()) {
            eprintln!("{error}");
            std::process::exit(1);
        }
        println!("{}", start.elapsed().as_nanos());
    }
}
"#;

/// Builds the crates.io generator's driver; returns its binary.
pub fn build_driver() -> Result<PathBuf> {
    let dir = scratch::project(
        "qapi-rs-codegen",
        &format!("qapi-codegen = \"={QAPI_CODEGEN}\"\n"),
        DRIVER,
    )?;
    scratch::cargo(&dir, &["build", "--release", "--quiet"])?;
    Ok(dir.join("target/release/qapi-rs-codegen"))
}

/// Measures both generators on each schema (`qapi-schema.json` in each directory).
pub fn run(schemas: &[(String, PathBuf)], runs: usize) -> Result<Vec<Row>> {
    let driver = build_driver()?;
    let out_dir = scratch::scratch_root().join("generated");
    std::fs::create_dir_all(&out_dir)?;
    let mut rows = Vec::new();
    for (name, dir) in schemas {
        let schema = dir.join("qapi-schema.json");
        let ours_out = out_dir.join(format!("{name}-ours.rs"));
        let theirs_out = out_dir.join(format!("{name}-qapi-rs.rs"));

        let mut check_times = Vec::new();
        let mut times = Vec::new();
        let mut client_times = Vec::new();
        let mut ours_bytes = 0;
        for _ in 0..runs {
            // Interleaved with the other generator so that load changes affect both alike.
            let start = Instant::now();
            let checked =
                qapi_gen_parser::check_file(&schema, &qapi_gen_parser::Options::default());
            if checked.has_errors() {
                bail!("{} does not validate", schema.display());
            }
            check_times.push(start.elapsed());

            let start = Instant::now();
            let text = qapi_gen_codegen::Builder::new(&schema)
                .generate_to_string()
                .map_err(|error| anyhow::anyhow!("{error:?}"))?;
            std::fs::write(&ours_out, &text)?;
            times.push(start.elapsed());
            ours_bytes = text.len();

            let start = Instant::now();
            let text = qapi_gen_codegen::Builder::new(&schema)
                .dispatch(false)
                .generate_to_string()
                .map_err(|error| anyhow::anyhow!("{error:?}"))?;
            std::fs::write(&ours_out, &text)?;
            client_times.push(start.elapsed());
        }
        let theirs = run_driver(&driver, dir, &theirs_out, runs)?;
        let theirs_bytes = std::fs::metadata(&theirs_out).map_or(0, |m| m.len() as usize);
        rows.push(Row {
            schema: name.clone(),
            ours_check: median(&mut check_times),
            ours: median(&mut times),
            ours_bytes,
            ours_client: median(&mut client_times),
            theirs,
            theirs_bytes,
        });
    }
    Ok(rows)
}

/// The driver's median time, or its error message when it cannot generate the schema.
fn run_driver(
    driver: &Path,
    dir: &Path,
    out: &Path,
    runs: usize,
) -> Result<Result<Duration, String>> {
    let _ = std::fs::remove_file(out);
    let output = Command::new(driver)
        .arg(dir)
        .arg(out)
        .arg(runs.to_string())
        .output()
        .with_context(|| format!("cannot run {}", driver.display()))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        return Ok(Err(message.lines().next().unwrap_or("failed").to_owned()));
    }
    let mut times = String::from_utf8(output.stdout)?
        .lines()
        .map(|line| line.parse::<u64>().map(Duration::from_nanos))
        .collect::<Result<Vec<_>, _>>()?;
    if times.len() != runs {
        bail!("the driver printed {} times for {runs} runs", times.len());
    }
    Ok(Ok(median(&mut times)))
}
