//! Doc comments: `##` blocks parsed into sections, as QEMU's `QAPIDoc` does.
//!
//! CONTRACT STUB (being filled in): the signatures below are what the parser and the checks
//! call; keep them stable.

use crate::diag::{Diagnostics, Fallible};
use crate::span::{Span, Spanned};
use indexmap::IndexMap;

/// One comment token as the lexer sees it: its text from `#` to the end of the line (without
/// the newline), and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentToken {
    pub text: String,
    pub span: Span,
}

/// What kind of section a piece of doc text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Plain,
    Member,
    Feature,
    Returns,
    Errors,
    Since,
    Todo,
}

/// One section of a doc comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub kind: SectionKind,
    /// For members and features: the documented name.
    pub name: Option<String>,
    pub text: String,
    /// The line that opened the section (its tag, `@name:`, or first text line).
    pub span: Span,
}

/// A parsed doc comment block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    /// The opening `##` line: where QEMU locates block-level doc errors.
    pub span: Span,
    /// `@SYMBOL:` of a definition doc; `None` for free-form docs.
    pub symbol: Option<Spanned<String>>,
    pub body: Section,
    pub args: IndexMap<String, Section>,
    pub features: IndexMap<String, Section>,
    pub sections: Vec<Section>,
}

/// Parses the doc block that starts at `tokens[0]` (a comment token starting with `##`).
/// `tokens` is the run of consecutive comment tokens; `end` is where the next non-comment token
/// (or the end of the file) stands. Returns the doc and how many tokens it consumed (the
/// closing `##` included).
pub fn parse_doc(
    tokens: &[CommentToken],
    end: Span,
    legacy: bool,
    diags: &mut Diagnostics,
) -> Fallible<(Doc, usize)> {
    let _ = (tokens, end, legacy, diags);
    unimplemented!("contract stub")
}
