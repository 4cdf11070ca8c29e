//! Parser and validator for QEMU's QAPI schema language.
//!
//! The pipeline, one stage per module:
//! text → [`parse`] (pest grammar in `qapi.pest`, includes, pragmas, doc comments) →
//! [`ast::ParsedSchema`] → [`check`] (QEMU's `expr.py` and `schema.py` rules, in QEMU's order)
//! → [`model::Schema`].
//!
//! ```no_run
//! let checked = qapi_gen_parser::check_file("qapi-schema.json", &qapi_gen_parser::Options::default());
//! for diagnostic in &checked.diagnostics {
//!     eprint!("{}", diagnostic.render(&checked.sources));
//! }
//! ```

pub mod ast;
pub mod check;
pub mod diag;
pub mod doc;
pub mod dump;
pub mod model;
pub mod parse;
pub mod span;

use diag::{Diagnostic, Diagnostics};
use span::SourceMap;
use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// How strictly to check.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Accept old-style schemas (QEMU 2.5 to 7.2 era): rules that QEMU gates with pragmas or
    /// that concern only the doc comment format become warnings; structural errors stay errors.
    pub legacy: bool,
}

/// Where schema files come from: the disk, or memory (tests, fuzzing).
pub trait FileSystem {
    fn read_to_string(&self, path: &Path) -> io::Result<String>;
}

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealFileSystem;

impl FileSystem for RealFileSystem {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// Files held in memory, by path.
#[derive(Clone, Debug, Default)]
pub struct MemoryFileSystem {
    files: HashMap<PathBuf, String>,
}

impl MemoryFileSystem {
    pub fn new() -> MemoryFileSystem {
        MemoryFileSystem::default()
    }

    /// Adds a file; paths are compared with `.` and `..` resolved.
    pub fn with_file(mut self, path: impl AsRef<Path>, text: impl Into<String>) -> Self {
        self.files
            .insert(normalize_lexically(path.as_ref()), text.into());
        self
    }
}

impl FileSystem for MemoryFileSystem {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.files
            .get(&normalize_lexically(path))
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

/// A path with `.` and `..` resolved by text, as Python's `os.path.normpath` does (no
/// symbolic links are followed).
pub(crate) fn normalize_lexically(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !normal.pop() {
                    normal.push("..");
                }
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// Everything known after checking a schema.
#[derive(Debug)]
pub struct Checked {
    /// Every file read, for rendering diagnostics.
    pub sources: SourceMap,
    /// The resolved model, when there was no error.
    pub schema: Option<model::Schema>,
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and checks the schema at `path` and every file it includes.
pub fn check_file(path: impl AsRef<Path>, options: &Options) -> Checked {
    check_with(&RealFileSystem, path.as_ref(), options)
}

/// As [`check_file`], reading files through `fs`.
pub fn check_with(fs: &dyn FileSystem, path: &Path, options: &Options) -> Checked {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let schema = parse::parse_schema(fs, path, options, &mut sources, &mut diags)
        .and_then(|mut parsed| check::check(&mut parsed, &sources, options, &mut diags));
    Checked {
        sources,
        schema,
        diagnostics: diags.into_vec(),
    }
}
