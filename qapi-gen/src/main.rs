//! `qapi-gen`: lint QAPI schemas, dump their model, generate Rust from them, compare them.

mod diff;
mod generate;
mod lint;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "qapi-gen", version, about = "Tools for QEMU QAPI schemas")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check schemas as strictly as QEMU's generator; exit 1 on any error.
    Lint {
        /// Accept old-style schemas: doc-format and pragma-gated rules become warnings.
        #[arg(long)]
        legacy: bool,
        /// How to print diagnostics: text on stderr, or JSON lines on stdout.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Schema files (each with the files it includes).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the checked model in the format of QEMU's schema test dump.
    Dump {
        #[arg(long)]
        legacy: bool,
        file: PathBuf,
    },
    /// Generate Rust from a schema, as a build script using qapi-gen-codegen with the same
    /// options would.
    Generate(generate::GenerateArgs),
    /// Compare two schemas and classify each change by its compatibility for clients.
    Diff(diff::DiffArgs),
}

/// Output format of `lint`.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Lint {
            legacy,
            format,
            files,
        } => lint::lint(&files, legacy, format),
        Command::Dump { legacy, file } => lint::dump(&file, legacy),
        Command::Generate(args) => generate::generate(&args),
        Command::Diff(args) => diff::diff(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("qapi-gen: {error:#}");
            ExitCode::from(2)
        }
    }
}
