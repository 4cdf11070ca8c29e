//! Generates Rust from a QEMU QAPI schema: types with hand-written serde impls and rustdoc.
//!
//! From a build script, in the spirit of prost-build:
//!
//! ```no_run
//! fn main() -> Result<(), qapi_gen_codegen::Error> {
//!     qapi_gen_codegen::Builder::new("qapi-schema.json").legacy(true).generate()
//! }
//! ```
//!
//! and in the crate, `include!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));` (the schema's file
//! stem, `.rs`). The generated code names everything by an absolute path (`::core::result::Result`,
//! `::std::string::String`, `::serde`, `::serde_json`, `::qapi_runtime`), so it compiles in a
//! module that defines `Result` or `Error` of its own; the crate must depend on the last three
//! (`qapi-runtime` of the same version as `qapi-gen-codegen`: the serde
//! impls call the helpers they share in its hidden module `__private`, which the file imports
//! as `__private`); it has no inner attributes, so it can be included anywhere, once per
//! module.
//!
//! # What is generated
//!
//! In schema order, each definition followed by its impls:
//!
//! | QAPI | Rust |
//! | --- | --- |
//! | `int`, `intN`, `uintN`, `size`, `number` | `i64`, `iN`, `uN`, `u64`, `f64` |
//! | `str`, `bool`, `null`, `any`, `['T']` | `String`, `bool`, `()`, `serde_json::Value`, `Vec<T>` |
//! | struct | `struct` with `pub` fields (base members first, flat); optional → `Option` |
//! | enum | `enum` of its values plus `Other(String)` for unknown ones; `as_str`, `Display`, `FromStr` |
//! | union | the struct of its base, whose discriminator field holds `{Union}Branch` |
//! | alternate | `enum` with one variant per branch, chosen by JSON type as QEMU does |
//! | command with arguments | `{Command}Args`: struct of its arguments, or alias of its argument type; its docs are the command's (a command without arguments has its docs on its client method) |
//! | event | `{Event}Event`: struct of its data, or alias of its data type |
//! | all events | `enum Event` with a forward-compatible decoder ([`Builder::events`]) |
//! | all commands | trait `Server`, `COMMANDS`, `dispatch` ([`Builder::dispatch`]) |
//! | all commands | `Client<C>`, one method per command over any runtime client (see [`Builder::client`]); `AsyncClient<C>` |
//! | the schema | `INTROSPECTION`, QMP's `query-qmp-schema` answer ([`Builder::introspect`]) |
//!
//! A union `{'union': 'U', 'base': {'type': 'E', 'id': 'int'}, 'discriminator': 'type',
//! 'data': {'a': 'A'}}` becomes
//!
//! ```text
//! pub struct U {
//!     pub r#type: UBranch,
//!     pub id: i64,
//! }
//! pub enum UBranch {
//!     A(A),      // `type` is "a": A's members are inline on the wire
//!     B,         // a value of E without a branch
//!     Other(String),
//! }
//! ```
//!
//! and round-trips QEMU's flat form `{"type": "a", "id": 1, "a-member": …}`.
//!
//! Names: see [`names`] for the one conversion rule (heck, raw keywords, a
//! trailing `_` where a raw identifier is impossible); a clash after conversion is an
//! [`Error::Schema`] at the definition, never code that does not compile.
//!
//! Decoding: the same impls serve a forward-compatible client (unknown members ignored,
//! unknown enum values kept in `Other`) and, through `qapi_runtime`'s strict deserializer, a
//! strict agent (see `emit/de.rs` for the contract).
//!
//! Conditions: see [`Builder::cfg`] and [`UnmappedSymbol`].

mod cfg;
mod emit;
mod error;
pub mod names;
mod options;
mod output;
mod parallel;
mod plan;

/// The resolved schema of `text`, a schema file checked in memory, for the unit tests; a
/// diagnostic fails the test.
#[cfg(test)]
fn checked_schema(text: &str) -> qapi_gen_parser::model::Schema {
    let fs = qapi_gen_parser::MemoryFileSystem::new().with_file("s.json", text);
    let checked = qapi_gen_parser::check_with(&fs, Path::new("s.json"), &Default::default());
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked.schema.expect("a schema without errors is resolved")
}

pub use cfg::UnmappedSymbol;
pub use error::Error;
pub use options::Options;
pub use output::ensure_file_contents;

use proc_macro2::TokenStream;
use qapi_gen_parser::diag::Diagnostic;
use qapi_gen_parser::span::SourceMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Configures and runs code generation for one schema: the schema, where to write, and the
/// [`Options`], which the setters below set one at a time.
///
/// Whatever the options, the crate that includes the generated code depends on `serde`,
/// `serde_json` and `qapi-runtime` (the version that goes with this `qapi-gen-codegen`).
#[derive(Clone, Debug)]
pub struct Builder {
    schema: PathBuf,
    out_file: Option<PathBuf>,
    options: Options,
}

/// What one generation produced.
struct Generated {
    text: String,
    /// Every file read (the schema and what it includes).
    files: Vec<PathBuf>,
}

impl Builder {
    /// A builder for the schema at `schema` (its includes are found relative to it), with the
    /// default [`Options`].
    pub fn new(schema: impl Into<PathBuf>) -> Builder {
        Builder::with_options(schema, Options::default())
    }

    /// A builder for the schema at `schema` with `options`, as a bindings crate that declares
    /// its options once passes them.
    pub fn with_options(schema: impl Into<PathBuf>, options: Options) -> Builder {
        Builder {
            schema: schema.into(),
            out_file: None,
            options,
        }
    }

    /// The options set so far.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Accepts old-style schemas (QEMU 2.5 to 7.2): rules about doc comment format and rules
    /// QEMU gates with pragmas are warnings rather than errors. Default `false`.
    pub fn legacy(&mut self, legacy: bool) -> &mut Builder {
        self.options.legacy = legacy;
        self
    }

    /// Where [`Builder::generate`] writes. Default: `$OUT_DIR/STEM.rs`, `STEM` the schema
    /// file's stem (`qapi-schema.rs`), for a build script to `include!`.
    pub fn out_file(&mut self, path: impl Into<PathBuf>) -> &mut Builder {
        self.out_file = Some(path.into());
        self
    }

    /// Maps the QAPI condition symbol `symbol` to a cfg predicate, written as inside
    /// `#[cfg(…)]`:
    ///
    /// ```
    /// qapi_gen_codegen::Builder::new("qapi-schema.json")
    ///     .cfg("CONFIG_LINUX", r#"target_os = "linux""#)
    ///     .cfg("CONFIG_WIN32", "windows")
    ///     .cfg("CONFIG_POSIX", "unix");
    /// ```
    ///
    /// Definitions, members, enum values and branches under `'if': 'CONFIG_LINUX'` then get
    /// `#[cfg(target_os = "linux")]`; `all`, `any` and `not` combine as written. Symbols
    /// without a mapping follow [`Builder::unmapped_cfg`]. Every condition is also written in
    /// the item's docs.
    pub fn cfg(&mut self, symbol: impl Into<String>, predicate: impl Into<String>) -> &mut Builder {
        self.options.cfg.insert(symbol.into(), predicate.into());
        self
    }

    /// What a condition symbol without a [`Builder::cfg`] mapping means. Default
    /// [`UnmappedSymbol::Enabled`]: it holds, so everything is generated (a client of any QEMU
    /// build wants every type) and the code needs no cfg declarations to compile warning-free.
    pub fn unmapped_cfg(&mut self, unmapped: UnmappedSymbol) -> &mut Builder {
        self.options.unmapped_cfg = unmapped;
        self
    }

    /// Generates the server side of the commands: a trait `Server` (`Server_` if the schema
    /// has a type `Server`) with one method per command, each answering "this feature or
    /// command is not currently supported" unless implemented; the list `COMMANDS`; and
    /// `dispatch(server, table, request)`, which checks a request as QEMU does, decodes its
    /// arguments strictly and returns the reply. The generated code then also names
    /// `::qapi_runtime`. Default `true`.
    pub fn dispatch(&mut self, dispatch: bool) -> &mut Builder {
        self.options.dispatch = dispatch;
        self
    }

    /// Generates `Client<C>`, a typed client with one method per command over any blocking
    /// runtime client `C: qapi_runtime::client::Execute` (the guest agent's `Client<S>`,
    /// QMP's `QmpClient<S>`):
    /// `fn guest_file_read(&mut self, args: GuestFileReadArgs) -> Result<GuestFileRead, ClientError>`.
    /// Default `true`.
    pub fn client(&mut self, client: bool) -> &mut Builder {
        self.options.client = client;
        self
    }

    /// Generates `AsyncClient<C>`, the same methods `async`, over any
    /// `C: qapi_runtime::client::AsyncExecute` (`qapi-runtime`'s `tokio` feature). Default
    /// `false`.
    pub fn async_client(&mut self, async_client: bool) -> &mut Builder {
        self.options.async_client = async_client;
        self
    }

    /// Puts `#[cfg(PREDICATE)]` on the items of the async client, so a crate can offer it
    /// behind a feature of its own: `.async_client_cfg(r#"feature = "tokio""#)`. Default: none.
    pub fn async_client_cfg(&mut self, predicate: impl Into<String>) -> &mut Builder {
        self.options.async_client_cfg = Some(predicate.into());
        self
    }

    /// Generates `INTROSPECTION: &[&str]`, the answer QEMU built from this schema gives to
    /// QMP's `query-qmp-schema`: one SchemaInfo object per element, named and ordered as
    /// QEMU's `introspect.py` names and orders them (types numbered in order of first use,
    /// arrays `[T]`, unreachable types left out). The `if` conditions stay in the text, as
    /// `{"if": COND, "then": ELEMENT}`, for `qapi_runtime::introspect` to evaluate for the
    /// symbols of one QEMU build; [`Builder::cfg`] does not apply to them. It describes the
    /// whole schema, whatever [`Builder::commands`] and [`Builder::events`] select. Default
    /// `false`: only QMP has `query-qmp-schema`, and the text is large (about 250 kB for
    /// QEMU's).
    pub fn introspect(&mut self, introspect: bool) -> &mut Builder {
        self.options.introspect = introspect;
        self
    }

    /// Generates `enum Event`, one variant per generated event holding its `{Event}Event`
    /// data plus `Other { name, data }` for events it does not know, with `Event::decode(name,
    /// data)` and `Event::from_message(&qapi_runtime::client::qmp::QmpEvent)`. Nothing is
    /// generated when there are no events. Default `true`.
    pub fn event_enum(&mut self, event_enum: bool) -> &mut Builder {
        self.options.event_enum = event_enum;
        self
    }

    /// Generates only the commands named (their QAPI names, `query-status`) and what they
    /// reach: their arguments and return types and every type those hold (bases, branches,
    /// alternatives, enums, elements). The whole schema is still checked; a name the schema
    /// does not define is an [`Error::UnknownSelection`]. Default: every command.
    pub fn commands<I, S>(&mut self, commands: I) -> &mut Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.commands = Some(commands.into_iter().map(Into::into).collect());
        self
    }

    /// Generates only the events named (`SHUTDOWN`) and the types their data reaches, as
    /// [`Builder::commands`] does for commands. Default: every event.
    pub fn events<I, S>(&mut self, events: I) -> &mut Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.events = Some(events.into_iter().map(Into::into).collect());
        self
    }

    /// Generates and writes the file (see [`Builder::out_file`]), if it changed.
    ///
    /// Without `out_file` (in a build script) it prints `cargo:rerun-if-changed` for the schema
    /// and every file it includes. On an invalid schema, the error holds the linter's rendered
    /// diagnostics (warnings included).
    pub fn generate(&self) -> Result<(), Error> {
        let generated = self.run()?;
        let path = match &self.out_file {
            Some(path) => path.clone(),
            None => {
                for file in &generated.files {
                    println!("cargo:rerun-if-changed={}", file.display());
                }
                let out_dir = std::env::var_os("OUT_DIR").ok_or(Error::NoOutDir)?;
                Path::new(&out_dir).join(format!("{}.rs", self.stem()))
            }
        };
        ensure_file_contents(&path, &generated.text, false).map(|_written| ())
    }

    /// Generates the file's text without writing it (for the CLI and `cargo xtask regen`).
    pub fn generate_to_string(&self) -> Result<String, Error> {
        Ok(self.run()?.text)
    }

    fn stem(&self) -> String {
        self.schema.file_stem().map_or_else(
            || "qapi".to_owned(),
            |stem| stem.to_string_lossy().into_owned(),
        )
    }

    fn cfg_map(&self) -> Result<cfg::CfgMap, Error> {
        let mut symbols = BTreeMap::new();
        for (symbol, predicate) in &self.options.cfg {
            symbols.insert(symbol.clone(), parse_predicate(symbol, predicate)?);
        }
        Ok(cfg::CfgMap {
            symbols,
            unmapped: self.options.unmapped_cfg,
        })
    }

    /// The commands, events and types to generate.
    fn selection(&self, schema: &qapi_gen_parser::model::Schema) -> Result<plan::Selection, Error> {
        plan::Selection::new(
            schema,
            self.options.commands.as_deref(),
            self.options.events.as_deref(),
        )
        .map_err(|plan::Unknown { kind, names }| Error::UnknownSelection { kind, names })
    }

    /// The emitters' context for `schema` with this builder's options.
    fn context<'a>(
        &self,
        schema: &'a qapi_gen_parser::model::Schema,
        names: &'a names::Names,
        cfg: &'a cfg::CfgMap,
        selection: &plan::Selection,
    ) -> Result<plan::Plan<'a>, Error> {
        let mut context = plan::Plan::new(schema, names, cfg);
        context.selection = selection.clone();
        context.dispatch = self.options.dispatch;
        context.introspect = self.options.introspect;
        context.events = self.options.event_enum;
        context.client = plan::ClientOptions {
            blocking: self.options.client,
            asynchronous: self.options.async_client,
            async_cfg: self
                .options
                .async_client_cfg
                .as_deref()
                .map(|predicate| parse_predicate("async_client_cfg", predicate))
                .transpose()?,
        };
        Ok(context)
    }

    /// Generates on as many threads as the machine runs at once.
    fn run(&self) -> Result<Generated, Error> {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        self.run_on(threads)
    }

    /// Generates on at most `threads` threads (this one included).
    fn run_on(&self, threads: usize) -> Result<Generated, Error> {
        let options = qapi_gen_parser::Options {
            legacy: self.options.legacy,
        };
        let checked = qapi_gen_parser::check_file(&self.schema, &options);
        let files: Vec<PathBuf> = checked
            .sources
            .files()
            .map(|(_, file)| file.path.clone())
            .collect();
        let schema = match (&checked.schema, checked.has_errors()) {
            (Some(schema), false) => schema,
            _ => {
                return Err(Error::Schema {
                    rendered: render(&checked.diagnostics, &checked.sources),
                })
            }
        };
        // Checked here, on this thread, for the diagnostics; each worker makes the same names
        // again from their text (an identifier cannot be sent to it), which is much quicker
        // than naming the schema again (see `parallel`).
        let names = names::Names::new(schema).map_err(|diagnostics| Error::Schema {
            rendered: render(&diagnostics, &checked.sources),
        })?;
        let selection = self.selection(schema)?;
        let cfg = self.cfg_map()?;
        let context = self.context(schema, &names, &cfg, &selection)?;
        let pieces = emit::pieces(&context);
        let threads = threads.clamp(1, pieces.len().max(1));
        let schema_name = self
            .schema
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        let name_texts = names.texts();
        let text = parallel::emit_and_format(&pieces, threads, &schema_name, &context, |work| {
            let names = names::Names::from_texts(&name_texts);
            let cfg = self.cfg_map()?;
            let context = self.context(schema, &names, &cfg, &selection)?;
            work(&context)
        })?;
        Ok(Generated { text, files })
    }
}

/// A cfg predicate's tokens, checked to parse; `what` names it in the error.
fn parse_predicate(what: &str, predicate: &str) -> Result<TokenStream, Error> {
    let failure = |message: String| Error::Cfg {
        symbol: what.to_owned(),
        predicate: predicate.to_owned(),
        message,
    };
    let tokens: TokenStream = predicate
        .parse()
        .map_err(|error: proc_macro2::LexError| failure(error.to_string()))?;
    syn::parse2::<syn::Meta>(tokens.clone()).map_err(|error| failure(error.to_string()))?;
    Ok(tokens)
}

fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut rendered = String::new();
    for diagnostic in diagnostics {
        rendered.push_str(&diagnostic.render(sources));
    }
    if rendered.is_empty() {
        rendered.push_str("error: the schema could not be checked\n");
    }
    rendered
}

#[cfg(test)]
impl Builder {
    /// The tokens of the whole file (without its header) as one stream, made on one thread.
    fn whole_tokens(&self) -> TokenStream {
        let checked = qapi_gen_parser::check_file(
            &self.schema,
            &qapi_gen_parser::Options {
                legacy: self.options.legacy,
            },
        );
        let schema = checked.schema.as_ref().unwrap();
        let names = names::Names::new(schema).unwrap();
        let cfg = self.cfg_map().unwrap();
        let selection = self.selection(schema).unwrap();
        let context = self.context(schema, &names, &cfg, &selection).unwrap();
        let mut needs = emit::Needs::default();
        let mut tokens = TokenStream::new();
        for piece in emit::pieces(&context) {
            tokens.extend(emit::emit_piece(&context, piece, &mut needs));
        }
        tokens.extend(emit::de::emit_private(&needs));
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file as it was made before it was made in pieces: one token stream of the whole
    /// file, printed at once, on one thread.
    fn whole_file(builder: &Builder) -> String {
        let mut text = output::header("qapi-schema.json");
        text.push_str(&output::format_piece(builder.whole_tokens()));
        text
    }

    #[test]
    fn the_file_made_in_pieces_on_threads_is_the_file_made_whole() {
        let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../qga-schema/qapi-schema.json");
        let mut builder = Builder::new(seed);
        builder
            .legacy(true)
            .async_client(true)
            .async_client_cfg(r#"feature = "tokio""#)
            .introspect(true);
        let whole = whole_file(&builder);
        assert!(whole.len() > 100_000, "{}", whole.len());
        for threads in [1, 2, 3, 8] {
            let text = builder.run_on(threads).unwrap().text;
            assert!(text == whole, "{threads} threads give another text");
        }
    }

    fn seed() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../qga-schema/qapi-schema.json")
    }

    #[test]
    fn chosen_commands_keep_what_they_reach_and_nothing_else() {
        let mut builder = Builder::new(seed());
        builder
            .legacy(true)
            .commands(["guest-file-read", "guest-ping"]);
        let text = builder.generate_to_string().unwrap();
        for present in [
            "pub struct GuestFileReadArgs",
            "pub struct GuestFileRead {",
            "fn guest_file_read(",
            "fn guest_ping(",
        ] {
            assert!(text.contains(present), "{present} is missing");
        }
        for absent in ["GuestNetworkInterface", "fn guest_info(", "GuestExecArgs"] {
            assert!(!text.contains(absent), "{absent} is there");
        }
    }

    #[test]
    fn an_unknown_command_or_event_is_named_in_the_error() {
        let mut builder = Builder::new(seed());
        builder
            .legacy(true)
            .commands(["guest-ping", "guest-pong", "GuestInfo"]);
        let error = builder.generate_to_string().unwrap_err();
        assert_eq!(
            error.to_string(),
            "the schema defines no command 'guest-pong', 'GuestInfo'"
        );
        let mut builder = Builder::new(seed());
        builder.legacy(true).events(["NOPE"]);
        let error = builder.generate_to_string().unwrap_err();
        assert_eq!(error.to_string(), "the schema defines no event 'NOPE'");
    }

    #[test]
    fn a_selection_still_checks_the_whole_schema() {
        let dir =
            std::env::temp_dir().join(format!("qapi-codegen-selection-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let schema = dir.join("s.json");
        std::fs::write(
            &schema,
            "{ 'command': 'ok' }\n{ 'struct': 'Bad', 'data': { 'x': 'Missing' } }\n",
        )
        .unwrap();
        let error = Builder::new(&schema).commands(["ok"]).generate_to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        let Err(Error::Schema { rendered }) = error else {
            panic!("{error:?}");
        };
        assert!(rendered.contains("Missing"), "{rendered}");
    }
}
