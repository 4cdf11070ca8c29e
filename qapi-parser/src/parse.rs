//! CONTRACT STUB (being filled in): text to AST.

use crate::ast::ParsedSchema;
use crate::diag::Diagnostics;
use crate::span::SourceMap;
use crate::{FileSystem, Options};
use std::path::Path;

/// Parses the schema at `path` and, recursively, the files it includes.
pub fn parse_schema(
    fs: &dyn FileSystem,
    path: &Path,
    options: &Options,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<ParsedSchema> {
    let _ = (fs, path, options, sources, diags);
    None
}
