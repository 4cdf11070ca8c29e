//! `generate`: the code a build script would get, from the command line.

use anyhow::Result;
use qapi_gen_codegen::{Builder, Error};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Generates Rust for `schema` into `output` (standard output when `None`). An invalid schema
/// prints the linter's diagnostics and exits 1, like `lint`.
pub fn generate(schema: &Path, legacy: bool, output: Option<&Path>) -> Result<ExitCode> {
    let mut builder = Builder::new(schema);
    builder.legacy(legacy);
    // `Some(text)` when the text is for standard output; a file is written by the builder.
    let result = match output {
        Some(path) => builder.out_file(path).generate().map(|()| None),
        None => builder.generate_to_string().map(Some),
    };
    match result {
        Ok(for_stdout) => {
            if let Some(text) = for_stdout {
                match std::io::stdout().lock().write_all(text.as_bytes()) {
                    // A reader that stopped early (`| head`) is not a failure of ours.
                    Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
                    written => written?,
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(Error::Schema { rendered }) => {
            eprint!("{rendered}");
            Ok(ExitCode::from(1))
        }
        Err(other) => Err(other.into()),
    }
}
