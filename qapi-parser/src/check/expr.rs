//! CONTRACT STUB (being filled in): QEMU's expr.py checks.

use crate::ast::ParsedSchema;
use crate::diag::Diagnostics;
use crate::span::SourceMap;
use crate::Options;

/// Checks every definition's shape, names and flags, as QEMU's `check_exprs` does.
pub fn check_exprs(
    parsed: &mut ParsedSchema,
    sources: &SourceMap,
    options: &Options,
    diags: &mut Diagnostics,
) {
    let _ = (parsed, sources, options, diags);
}
