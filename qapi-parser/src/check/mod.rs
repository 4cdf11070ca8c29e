//! Semantic checks, in QEMU's order: expressions (`expr.py`), then the schema (`schema.py`).

pub mod expr;
pub mod schema;

use crate::ast::ParsedSchema;
use crate::diag::Diagnostics;
use crate::model::Schema;
use crate::span::SourceMap;
use crate::Options;

/// Runs every check; returns the model when no error was found.
pub fn check(
    parsed: &mut ParsedSchema,
    sources: &SourceMap,
    options: &Options,
    diags: &mut Diagnostics,
) -> Option<Schema> {
    expr::check_exprs(parsed, sources, options, diags);
    if diags.has_errors() {
        return None;
    }
    schema::build_schema(parsed, sources, options, diags)
}
