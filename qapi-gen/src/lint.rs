//! `lint` and `dump`: check schemas and report what was found.

use crate::Format;
use anyhow::Result;
use qapi_gen_parser::{check_file, Checked, Options};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Checks every file; exit status 1 when any has an error.
pub fn lint(files: &[PathBuf], legacy: bool, format: Format) -> Result<ExitCode> {
    let options = Options { legacy };
    let mut failed = false;
    for file in files {
        let checked = check_file(file, &options);
        report(&checked, format)?;
        failed |= checked.has_errors();
    }
    Ok(ExitCode::from(u8::from(failed)))
}

/// Prints QEMU's test dump of a valid schema on stdout; diagnostics go to stderr.
pub fn dump(file: &Path, legacy: bool) -> Result<ExitCode> {
    let checked = check_file(file, &Options { legacy });
    report(&checked, Format::Text)?;
    let Some(schema) = &checked.schema else {
        return Ok(ExitCode::from(1));
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(qapi_gen_parser::dump::dump(schema).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn report(checked: &Checked, format: Format) -> Result<()> {
    match format {
        Format::Text => {
            let mut stderr = std::io::stderr().lock();
            for diagnostic in &checked.diagnostics {
                stderr.write_all(diagnostic.render(&checked.sources).as_bytes())?;
            }
        }
        Format::Json => {
            let mut stdout = std::io::stdout().lock();
            for diagnostic in &checked.diagnostics {
                serde_json::to_writer(&mut stdout, &diagnostic.to_record(&checked.sources))?;
                writeln!(stdout)?;
            }
        }
    }
    Ok(())
}
