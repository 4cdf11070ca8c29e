//! `diff`: compare two schemas and classify each change by what it does to clients.

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use qapi_diff::{report, Class};
use qapi_gen_parser::{check_file, Options};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The arguments of `qapi-gen diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// Accept old-style schemas (see `lint --legacy`), for both files.
    #[arg(long)]
    legacy: bool,
    /// The old schema (with the files it includes).
    old: PathBuf,
    /// The new schema.
    new: PathBuf,
    /// A changelog grouped by definition, JSON lines for tools, or markdown release notes.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit 1 when a change of this class or a stricter one is found.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Also say what became of every command and event, kept ones included, and why.
    #[arg(long)]
    all: bool,
}

/// Output format of `diff`.
#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

/// The class of change that makes `diff` fail.
#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// Breaking changes only.
    Incompatible,
    /// Breaking changes and those a client may notice.
    Caution,
}

/// Prints the report on stdout. Exit status 1 when `--fail-on` finds its class; an invalid
/// schema prints the linter's diagnostics and is an error (status 2).
pub fn diff(args: &DiffArgs) -> Result<ExitCode> {
    let options = Options {
        legacy: args.legacy,
    };
    let old = load(&args.old, &options)?;
    let new = load(&args.new, &options)?;
    let report = qapi_diff::diff(&old, &new);
    let text = match args.format {
        DiffFormat::Text => report::text(&report, args.all),
        DiffFormat::Json => report::json(&report, args.all),
        DiffFormat::Markdown => report::markdown(&report, args.all),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        // A reader that stopped early (`| head`) is not a failure of ours.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written?,
    }
    let threshold = args.fail_on.map(|fail_on| match fail_on {
        FailOn::Incompatible => Class::Incompatible,
        FailOn::Caution => Class::Caution,
    });
    let failed =
        matches!((threshold, report.worst()), (Some(threshold), Some(worst)) if worst >= threshold);
    Ok(ExitCode::from(u8::from(failed)))
}

fn load(path: &Path, options: &Options) -> Result<qapi_gen_parser::model::Schema> {
    let checked = check_file(path, options);
    let mut stderr = std::io::stderr().lock();
    for diagnostic in checked.diagnostics.iter().filter(|d| d.is_error()) {
        stderr.write_all(diagnostic.render(&checked.sources).as_bytes())?;
    }
    match checked.schema {
        Some(schema) if !checked.has_errors() => Ok(schema),
        _ => bail!("{}: not a valid schema", path.display()),
    }
}
