//! Doc comments: `##` blocks parsed into sections, as QEMU's `QAPIDoc` does.
//!
//! A block is a run of comment lines that starts and ends with a line that is exactly `##`.
//! A *definition doc* starts with `@SYMBOL:` and documents the definition right after it: a
//! body, member descriptions (`@name: text`), feature descriptions (after `Features:`), then
//! tagged sections (`Returns:`, `Errors:`, `Since:`, `TODO:`) and plain paragraphs. A
//! *free-form doc* is anything else, kept as one body.
//!
//! [`parse_doc`] reproduces QEMU 10.0.2's parser (`get_doc` and `QAPIDoc`) exactly: the same
//! sections with the same text, and the same first error at the same line. The methods on
//! [`Doc`] are the checks QEMU runs later against the documented definition, and
//! [`Doc::dump`] prints a doc as QEMU's test dump does.
//!
//! Legacy mode (`legacy == true`) reads the old doc formats of QEMU 2.5 to 7.2. Rules that
//! only concern the format of doc text become warnings and the text is kept:
//! - `@Name` without its colon names the symbol (`line should end with ':'`);
//! - `#text` reads as `# text` (`missing space after #`);
//! - `Note:`/`Notes:`/`Example:`/`Examples:` sections are kept as [`SectionKind::Note`] and
//!   [`SectionKind::Example`]; as in QEMU 7.2, such a section runs to the next line that
//!   starts a section;
//! - a description or tagged section may go on with unindented lines, as long as no blank
//!   line comes first (QEMU 10 would end the section there); a de-indent is a warning;
//! - `Since 1.5` (no colon, then a version number) is a `Since` section;
//! - a line that starts a section right after a paragraph line, with no blank line between,
//!   starts that section (QEMU 10 would make it part of the paragraph);
//! - a second `Returns:`, `Errors:` or `Since:` section is kept;
//! - `'=' heading must come first in a comment block`, `unexpected '=' markup in definition
//!   documentation` and `#optional` markers in member descriptions are warnings.
//!
//! (A block that lost its opening `##` is recovered by the schema parser, which hands over
//! the tokens with a `##` put back.)
//!
//! Structural errors stay errors: the `##` lines that open and close a block, descriptions
//! without a name or named twice, empty sections, descriptions after other sections, a second
//! `Features:` line or one without descriptions, and `@name:` lines in free-form docs.

mod check;
mod parse;

use crate::span::{Span, Spanned};
use indexmap::IndexMap;
use std::borrow::Cow;
use std::fmt::Write as _;

pub use parse::parse_doc;

/// One comment token as the lexer sees it: its text from `#` to the end of the line (without
/// the newline), and where it stands. The text is borrowed from the schema text: a schema has
/// tens of thousands of comment lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentToken<'a> {
    pub text: Cow<'a, str>,
    pub span: Span,
}

/// What kind of section a piece of doc text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// The body, or a plain paragraph after the member descriptions.
    Plain,
    /// `@name: text`, before `Features:`.
    Member,
    /// `@name: text`, after `Features:`.
    Feature,
    Returns,
    Errors,
    Since,
    Todo,
    /// `Note:` or `Notes:`: legacy mode only (QEMU 10 refuses them).
    Note,
    /// `Example:` or `Examples:`: legacy mode only (QEMU 10 refuses them).
    Example,
}

impl SectionKind {
    /// The name QEMU prints for the kind: `text required after 'Returns:'`, `section=Todo`.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Plain => "Plain",
            SectionKind::Member => "Member",
            SectionKind::Feature => "Feature",
            SectionKind::Returns => "Returns",
            SectionKind::Errors => "Errors",
            SectionKind::Since => "Since",
            SectionKind::Todo => "Todo",
            SectionKind::Note => "Note",
            SectionKind::Example => "Example",
        }
    }
}

/// One section of a doc comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub kind: SectionKind,
    /// For members and features: the documented name. For legacy `Note`/`Example` sections:
    /// the tag as written (`Notes`, `Examples`).
    pub name: Option<String>,
    /// The text after the tag, one `\n` between lines, continuation lines with their
    /// indentation, without leading or trailing newlines.
    pub text: String,
    /// The line that opened the section (its tag, `@name:`, or first text line); for the body
    /// and for stubs, the opening `##`.
    pub span: Span,
    /// For members and features: whether the definition has a member or feature of that name
    /// (set by [`Doc::connect_member`] and [`Doc::connect_feature`]).
    pub connected: bool,
}

impl Section {
    /// An empty section of `kind` opened at `span`.
    pub fn new(kind: SectionKind, name: Option<String>, span: Span) -> Section {
        Section {
            kind,
            name,
            text: String::new(),
            span,
            connected: false,
        }
    }

    /// How QEMU's messages and dump name the section: `Returns`, or a legacy tag as written.
    pub fn label(&self) -> &str {
        match (self.kind, &self.name) {
            (SectionKind::Note | SectionKind::Example, Some(tag)) => tag,
            (kind, _) => kind.as_str(),
        }
    }
}

/// A parsed doc comment block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    /// The opening `##` line: where QEMU locates block-level doc errors.
    pub span: Span,
    /// `@SYMBOL:` of a definition doc; `None` for free-form docs.
    pub symbol: Option<Spanned<String>>,
    pub body: Section,
    /// Member descriptions in doc order, then the stubs added for undocumented members of a
    /// definition in pragma `documentation-exceptions`.
    pub args: IndexMap<String, Section>,
    pub features: IndexMap<String, Section>,
    /// Every other section (tagged or plain), in doc order.
    pub sections: Vec<Section>,
}

impl Doc {
    /// The `Returns:` section, if any.
    pub fn returns(&self) -> Option<&Section> {
        self.section(SectionKind::Returns)
    }

    /// The `Errors:` section, if any.
    pub fn errors(&self) -> Option<&Section> {
        self.section(SectionKind::Errors)
    }

    /// The `Since:` section, if any.
    pub fn since(&self) -> Option<&Section> {
        self.section(SectionKind::Since)
    }

    fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|section| section.kind == kind)
    }

    /// Appends the doc part of QEMU's test dump (`test-qapi.py`) for this block: `doc
    /// symbol=NAME` or `doc freeform`, then the body, the arguments, the features and the
    /// other sections, each header followed by its text on the next lines.
    pub fn dump(&self, out: &mut String) {
        match &self.symbol {
            Some(symbol) => {
                let _ = writeln!(out, "doc symbol={}", symbol.node);
            }
            None => out.push_str("doc freeform\n"),
        }
        let _ = writeln!(out, "    body=\n{}", self.body.text);
        for (name, section) in &self.args {
            let _ = writeln!(out, "    arg={name}\n{}", section.text);
        }
        for (name, section) in &self.features {
            let _ = writeln!(out, "    feature={name}\n{}", section.text);
        }
        for section in &self.sections {
            let _ = writeln!(out, "    section={}\n{}", section.label(), section.text);
        }
    }
}

/// Helpers that build comment tokens from schema text, for the tests of the submodules.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::diag::{Diagnostic, Diagnostics};
    use crate::span::SourceMap;

    /// Schema text read as the parser would hand it over: the run of comment tokens from the
    /// first comment line (code before it is skipped), and where the first non-comment token
    /// (or the end of file) stands.
    pub struct Input {
        pub sources: SourceMap,
        pub tokens: Vec<CommentToken<'static>>,
        pub end: Span,
    }

    pub fn input(text: &str) -> Input {
        let mut sources = SourceMap::new();
        let file = sources.add("test.json".into(), text, None);
        let normalized = sources.file(file).text.clone();
        let mut tokens = Vec::new();
        let mut offset = 0;
        let mut end = None;
        for line in normalized.split_inclusive('\n') {
            let content = line.trim_end_matches('\n');
            let indent = content.len() - content.trim_start().len();
            let rest = &content[indent..];
            let start = offset + indent;
            offset += line.len();
            if rest.is_empty() || (tokens.is_empty() && !rest.starts_with('#')) {
                continue;
            }
            if !rest.starts_with('#') {
                end = Some(Span::new(file, start, start + 1));
                break;
            }
            tokens.push(CommentToken {
                text: Cow::Owned(rest.to_owned()),
                span: Span::new(file, start, start + rest.len()),
            });
        }
        let last = normalized.len() - 1;
        let end = end.unwrap_or(Span::new(file, last, last));
        Input {
            sources,
            tokens,
            end,
        }
    }

    impl Input {
        /// Parses the doc at the first token; panics on an error (the test then fails).
        pub fn parse(&self, legacy: bool) -> (Doc, Vec<String>) {
            let mut diags = Diagnostics::new();
            let (doc, _) = parse_doc(&self.tokens, self.end, legacy, &mut diags)
                .unwrap_or_else(|error| panic!("unexpected {}", self.show(&error)));
            let warnings = diags.iter().map(|d| self.show(d)).collect();
            (doc, warnings)
        }

        /// Parses the doc at the first token and returns the error it must report.
        pub fn error(&self, legacy: bool) -> String {
            let mut diags = Diagnostics::new();
            match parse_doc(&self.tokens, self.end, legacy, &mut diags) {
                Ok((doc, _)) => panic!("expected an error, parsed {doc:?}"),
                Err(error) => self.show(&error),
            }
        }

        /// `LINE:COL: severity: MESSAGE`.
        pub fn show(&self, diagnostic: &Diagnostic) -> String {
            let span = diagnostic.span.expect("doc diagnostics have a span");
            let at = self.sources.line_col(span);
            let severity = if diagnostic.is_error() {
                "error"
            } else {
                "warning"
            };
            format!("{}:{}: {severity}: {}", at.line, at.col, diagnostic.message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::input;

    fn dump(text: &str) -> String {
        let (doc, warnings) = input(text).parse(false);
        assert_eq!(warnings, Vec::<String>::new());
        let mut out = String::new();
        doc.dump(&mut out);
        out
    }

    #[test]
    fn dump_of_a_free_form_doc() {
        let text = r"
##
# = Section
#
# Text
##
";
        assert_eq!(dump(text), "doc freeform\n    body=\n= Section\n\nText\n");
    }

    #[test]
    fn dump_of_a_definition_doc() {
        let text = r"
##
# @cmd:
#
# @arg: an argument
#
# Features:
# @feat: a feature
#
# Returns: @Object
#
# TODO: frobnicate
#
# Since: 2.10
##
";
        assert_eq!(
            dump(text),
            "doc symbol=cmd
    body=

    arg=arg
an argument
    feature=feat
a feature
    section=Returns
@Object
    section=Todo
frobnicate
    section=Since
2.10
"
        );
    }
}
