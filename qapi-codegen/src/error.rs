//! Why generation failed: [`Error`].

use std::fmt;
use std::path::PathBuf;

/// Why generation failed.
#[derive(thiserror::Error)]
pub enum Error {
    /// The schema has errors (or names that clash in Rust): the diagnostics, rendered as the
    /// linter renders them (`FILE:LINE:COL: error: …` and a snippet).
    #[error("{rendered}")]
    Schema { rendered: String },
    /// A predicate given to [`crate::Builder::cfg`] (or to [`crate::Builder::async_client_cfg`], reported
    /// for the symbol `async_client_cfg`) does not parse as a cfg predicate.
    #[error("the cfg predicate {predicate:?} for '{symbol}' does not parse: {message}")]
    Cfg {
        symbol: String,
        predicate: String,
        message: String,
    },
    /// [`crate::Builder::commands`] or [`crate::Builder::events`] named what the schema does not define.
    #[error("the schema defines no {kind} {}", quoted(names))]
    UnknownSelection {
        /// `command` or `event`.
        kind: &'static str,
        /// The names not found, in the order given.
        names: Vec<String>,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `generate` was called outside a build script, with no [`crate::Builder::out_file`].
    #[error("OUT_DIR is not set: call generate() from a build script, or set out_file()")]
    NoOutDir,
    /// `ensure_file_contents` in check mode found a file that differs from what it should be.
    #[error("{} is not up to date: run `cargo xtask regen` and commit the result", path.display())]
    Stale { path: PathBuf },
    /// A bug of the generator: it made code that does not parse.
    #[error("internal error: {message}")]
    Internal { message: String },
}

/// `'a', 'b'`.
fn quoted(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
    quoted.join(", ")
}

/// `Debug` shows the rendered diagnostics, so that `fn main() -> Result<(), Error>` in a
/// build script prints them as they are.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
