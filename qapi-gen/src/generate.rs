//! `generate`: the code a build script would get, from the command line. Every option of
//! `qapi_gen_codegen::Options` has a flag here (`Options::to_args` writes them), so
//! `qapi-gen generate FLAGS… SCHEMA` writes exactly what a build script with those options
//! writes.

use anyhow::{bail, Result};
use clap::Args;
use qapi_gen_codegen::{Builder, Error, Options, UnmappedSymbol};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The arguments of `qapi-gen generate`.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Accept old-style schemas (see `lint --legacy`).
    #[arg(long)]
    legacy: bool,
    /// Map a QAPI condition symbol to a cfg predicate: `--cfg 'CONFIG_LINUX=target_os = "linux"'`
    /// (repeatable).
    #[arg(long = "cfg", value_name = "SYMBOL=PREDICATE")]
    cfg: Vec<String>,
    /// What a symbol without `--cfg` means: `enabled` (holds), `disabled`, or `cfg` (a bare
    /// cfg name).
    #[arg(long, value_name = "MEANING", default_value = "enabled")]
    unmapped_cfg: String,
    /// Leave out the server side (`Server`, `COMMANDS`, `dispatch`).
    #[arg(long)]
    no_dispatch: bool,
    /// Leave out the blocking client (`Client`).
    #[arg(long)]
    no_client: bool,
    /// Generate the async client (`AsyncClient`).
    #[arg(long)]
    async_client: bool,
    /// Put `#[cfg(PREDICATE)]` on the async client's items.
    #[arg(long, value_name = "PREDICATE")]
    async_client_cfg: Option<String>,
    /// Generate `INTROSPECTION`, QMP's `query-qmp-schema` answer.
    #[arg(long)]
    introspect: bool,
    /// Leave out `enum Event`.
    #[arg(long)]
    no_event_enum: bool,
    /// Generate only this command and what it reaches (repeatable; default: every command).
    #[arg(long = "command", value_name = "NAME")]
    commands: Vec<String>,
    /// Generate only this event and what it reaches (repeatable; default: every event).
    #[arg(long = "event", value_name = "NAME")]
    events: Vec<String>,
    /// The schema (with the files it includes).
    schema: PathBuf,
    /// Where to write the Rust file; standard output when absent. The file is written only
    /// when its contents change.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

impl GenerateArgs {
    /// The generator's options these flags ask for.
    pub fn options(&self) -> Result<Options> {
        let mut cfg = std::collections::BTreeMap::new();
        for mapping in &self.cfg {
            let Some((symbol, predicate)) = mapping.split_once('=') else {
                bail!("--cfg takes SYMBOL=PREDICATE, not {mapping:?}");
            };
            cfg.insert(symbol.to_owned(), predicate.to_owned());
        }
        let Some(unmapped_cfg) = UnmappedSymbol::ALL
            .into_iter()
            .find(|meaning| meaning.as_str() == self.unmapped_cfg)
        else {
            bail!(
                "--unmapped-cfg takes enabled, disabled or cfg, not {:?}",
                self.unmapped_cfg
            );
        };
        let selection = |names: &[String]| (!names.is_empty()).then(|| names.to_vec());
        Ok(Options {
            legacy: self.legacy,
            cfg,
            unmapped_cfg,
            dispatch: !self.no_dispatch,
            client: !self.no_client,
            async_client: self.async_client,
            async_client_cfg: self.async_client_cfg.clone(),
            introspect: self.introspect,
            event_enum: !self.no_event_enum,
            commands: selection(&self.commands),
            events: selection(&self.events),
        })
    }
}

/// Generates Rust for the schema into the output (standard output when none). An invalid
/// schema prints the linter's diagnostics and exits 1, like `lint`.
pub fn generate(args: &GenerateArgs) -> Result<ExitCode> {
    let mut builder = Builder::with_options(&args.schema, args.options()?);
    // `Some(text)` when the text is for standard output; a file is written by the builder.
    let result = match &args.output {
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: GenerateArgs,
    }

    fn options_of(flags: &[String]) -> Options {
        let argv = std::iter::once("generate".to_owned())
            .chain(flags.iter().cloned())
            .chain(["schema.json".to_owned()]);
        Cli::parse_from(argv).args.options().unwrap()
    }

    #[test]
    fn the_flags_of_any_options_give_those_options() {
        let options = Options {
            legacy: true,
            cfg: [
                (
                    "CONFIG_LINUX".to_owned(),
                    r#"target_os = "linux""#.to_owned(),
                ),
                ("CONFIG_WIN32".to_owned(), "windows".to_owned()),
            ]
            .into(),
            unmapped_cfg: UnmappedSymbol::Disabled,
            dispatch: false,
            client: false,
            async_client: true,
            async_client_cfg: Some(r#"feature = "tokio""#.to_owned()),
            introspect: true,
            event_enum: false,
            commands: Some(vec!["query-status".to_owned(), "stop".to_owned()]),
            events: Some(vec!["STOP".to_owned()]),
        };
        assert_eq!(options_of(&options.to_args()), options);
        assert_eq!(options_of(&[]), Options::default());
    }
}
