//! CONTRACT STUB (being filled in): QEMU's schema.py checks, building the model.

use crate::ast::ParsedSchema;
use crate::diag::Diagnostics;
use crate::model::Schema;
use crate::span::SourceMap;
use crate::Options;

/// Defines every entity, resolves types and runs the schema-wide checks.
pub fn build_schema(
    parsed: &mut ParsedSchema,
    sources: &SourceMap,
    options: &Options,
    diags: &mut Diagnostics,
) -> Option<Schema> {
    let _ = (parsed, sources, options, diags);
    None
}
