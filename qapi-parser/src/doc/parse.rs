//! Comment tokens to a [`Doc`]: QEMU's `get_doc`, `get_doc_line`, `get_doc_indented`,
//! `get_doc_paragraph` and the section building of `QAPIDoc`.
//!
//! The parser walks the tokens one line at a time, as QEMU's does: the "current line" is the
//! token at `pos`, and every error is located at it, except the errors QEMU raises when the
//! block is complete (`text required after …`), which point at the section's first line.

use super::{CommentToken, Doc, Section, SectionKind};
use crate::diag::{Diagnostic, Diagnostics, Fallible};
use crate::span::{Span, Spanned};
use indexmap::IndexMap;

/// Parses the doc block that starts at `tokens[0]` (a comment token starting with `##`).
/// `tokens` is the run of consecutive comment tokens; `end` is where the next non-comment token
/// (or the end of the file) stands. Returns the doc and how many tokens it consumed (the
/// closing `##` included).
///
/// In legacy mode, rules about the format of the doc text are pushed into `diags` as warnings
/// and parsing goes on (see the [module documentation](super)); otherwise the first error is
/// returned, as QEMU 10.0.2 reports it.
pub fn parse_doc(
    tokens: &[CommentToken<'_>],
    end: Span,
    legacy: bool,
    diags: &mut Diagnostics,
) -> Fallible<(Doc, usize)> {
    let Some(opening) = tokens.first() else {
        return Err(error(end, "documentation comment must end with '##'"));
    };
    if opening.text != "##" {
        return Err(error(
            opening.span,
            "junk after '##' at start of documentation comment",
        ));
    }
    let mut parser = DocParser {
        tokens,
        pos: 0,
        end,
        legacy,
        diags,
        sections: vec![Section::new(SectionKind::Plain, None, opening.span)],
    };
    let symbol = parser.parse_block()?;
    let used = parser.pos + 1;
    let doc = parser.finish(symbol)?;
    Ok((doc, used))
}

/// The state of one block being parsed.
struct DocParser<'t, 'd> {
    tokens: &'t [CommentToken<'t>],
    /// The token being looked at: QEMU's current token, where errors are located.
    pos: usize,
    end: Span,
    legacy: bool,
    diags: &'d mut Diagnostics,
    /// Every section in doc order, as QEMU's `all_sections`: the body first; text goes to the
    /// last one.
    sections: Vec<Section>,
}

/// A doc line as QEMU's `get_doc_line` returns it: the text after `# `, right-trimmed; `""`
/// for a blank `#` line; `None` for the closing `##`.
type Line = Option<String>;

impl DocParser<'_, '_> {
    /// QEMU's `get_doc`: a definition doc if the first line starts with `@`, else free-form.
    /// Returns the symbol of a definition doc.
    fn parse_block(&mut self) -> Fallible<Option<Spanned<String>>> {
        let line = self.next_line()?;
        match line {
            Some(text) if text.starts_with('@') => {
                let (symbol, rest) = self.parse_symbol(&text)?;
                if let Some(rest) = &rest {
                    // Legacy `@Name: text`: the text opens the body.
                    self.ensure_untagged_section();
                    self.append_line(rest);
                }
                let mut line = self.next_line()?;
                if rest.is_some() {
                    line = self.paragraph(line)?;
                }
                self.parse_definition_sections(line)?;
                Ok(Some(symbol))
            }
            line => {
                self.parse_free_form(line)?;
                Ok(None)
            }
        }
    }

    /// The `@SYMBOL:` line. Legacy mode also takes `@SYMBOL` and `@SYMBOL: text` (returning
    /// the text).
    fn parse_symbol(&mut self, text: &str) -> Fallible<(Spanned<String>, Option<String>)> {
        let span = self.current_span();
        let after_at = &text[1..];
        let (name, rest) = match after_at.strip_suffix(':') {
            Some(name) => (name.to_owned(), None),
            None => {
                self.format_rule("line should end with ':'")?;
                match after_at.split_once(':') {
                    Some((name, rest)) => {
                        let rest = rest.trim_start_matches(is_python_space);
                        (name.to_owned(), Some(rest.to_owned()))
                    }
                    None => (after_at.trim_end_matches(is_python_space).to_owned(), None),
                }
            }
        };
        if name.is_empty() {
            return Err(error(span, "name required after '@'"));
        }
        Ok((
            Spanned::new(name, span),
            rest.filter(|rest| !rest.is_empty()),
        ))
    }

    /// The sections of a definition doc after its `@SYMBOL:` line, QEMU's main loop: each
    /// non-blank line starts a feature block, a run of member descriptions, a tagged section or
    /// a plain paragraph.
    fn parse_definition_sections(&mut self, mut line: Line) -> Fallible<()> {
        let mut no_more_args = false;
        loop {
            line = self.skip_blank_lines(line)?;
            let Some(text) = line else {
                return Ok(());
            };
            if text == "Features:" {
                line = self.parse_features()?;
                no_more_args = true;
            } else if let Some((name, _)) = at_name_colon(&text) {
                if no_more_args {
                    let message = format!("description of '@{name}:' follows a section");
                    return Err(error(self.current_span(), message));
                }
                line = self.parse_descriptions(Some(text), SectionKind::Member)?;
                no_more_args = true;
            } else if let Some((kind, tag, rest)) = section_tag(&text) {
                line = self.parse_tagged_section(kind, tag, rest)?;
                no_more_args = true;
            } else if let Some(rest) = self.legacy_since(&text) {
                self.format_rule("missing ':' after 'Since'")?;
                line = self.parse_tagged_section(SectionKind::Since, "Since", rest)?;
                no_more_args = true;
            } else {
                if text.starts_with('=') {
                    self.format_rule("unexpected '=' markup in definition documentation")?;
                }
                self.ensure_untagged_section();
                self.append_line(&text);
                let next = self.next_line()?;
                line = self.paragraph(next)?;
            }
        }
    }

    /// `Features:` and the feature descriptions after it.
    fn parse_features(&mut self) -> Fallible<Line> {
        if self.sections.iter().any(|s| s.kind == SectionKind::Feature) {
            return Err(error(self.current_span(), "duplicated 'Features:' line"));
        }
        let line = self.next_line()?;
        let line = self.skip_blank_lines(line)?;
        let line = self.parse_descriptions(line, SectionKind::Feature)?;
        if !self.sections.iter().any(|s| s.kind == SectionKind::Feature) {
            return Err(error(self.current_span(), "feature descriptions expected"));
        }
        Ok(line)
    }

    /// A run of `@name: text` descriptions of `kind` (members or features), each with its
    /// indented continuation lines. Returns the first line after the run.
    fn parse_descriptions(&mut self, mut line: Line, kind: SectionKind) -> Fallible<Line> {
        while let Some(text) = &line {
            let Some((name, rest)) = at_name_colon(text) else {
                break;
            };
            let (name, rest) = (name.to_owned(), rest.to_owned());
            self.new_description(kind, name)?;
            if !rest.is_empty() {
                self.append_line(&rest);
            }
            line = self.indented_continuation()?;
        }
        Ok(line)
    }

    /// A tagged section: `Returns:`, `Errors:`, `Since:`, `TODO:`, or the refused `Note:` and
    /// `Example:` (legacy mode keeps them, with a warning).
    fn parse_tagged_section(&mut self, kind: SectionKind, tag: &str, rest: &str) -> Fallible<Line> {
        let rest = rest.to_owned();
        let legacy_kind = matches!(kind, SectionKind::Note | SectionKind::Example);
        if legacy_kind {
            let advice = if kind == SectionKind::Note {
                "Please use rST's '.. note::' or '.. admonition:: notes' directives, or \
                 another suitable admonition instead."
            } else {
                "Please use the '.. qmp-example::' directive, or other suitable markup \
                 instead."
            };
            self.format_rule(&format!(
                "The '{tag}' section is no longer supported. {advice}"
            ))?;
            let section = Section::new(kind, Some(tag.to_owned()), self.current_span());
            self.sections.push(section);
        } else {
            self.new_tagged_section(kind)?;
        }
        if !rest.is_empty() {
            self.append_line(&rest);
        }
        if legacy_kind {
            self.rest_of_legacy_section()
        } else {
            self.indented_continuation()
        }
    }

    /// A free-form doc: every line goes to the body.
    fn parse_free_form(&mut self, mut line: Line) -> Fallible<()> {
        self.ensure_untagged_section();
        let mut first = true;
        while let Some(text) = line {
            if let Some((name, _)) = at_name_colon(&text) {
                let message = format!("'@{name}:' not allowed in free-form documentation");
                return Err(error(self.current_span(), message));
            }
            if text.starts_with('=') && !first {
                self.format_rule("'=' heading must come first in a comment block")?;
            }
            self.append_line(&text);
            line = self.next_line()?;
            first = false;
        }
        Ok(())
    }

    /// QEMU's `get_doc_indented`, after the first line of a description or tagged section:
    /// blank lines, then, if the next line is indented, it and the lines after it down to the
    /// first de-indented one. Only the line right after the first continuation line may not
    /// de-indent; a later de-indent ends the section (QEMU's `prev_line_blank` quirk). Returns
    /// the first line after the section.
    fn indented_continuation(&mut self) -> Fallible<Line> {
        let mut line = self.next_line()?;
        let mut blank_lines = false;
        while line.as_deref() == Some("") {
            self.append_line("");
            blank_lines = true;
            line = self.next_line()?;
        }
        let Some(first) = line else {
            return Ok(None);
        };
        let indent = indentation(&first);
        if indent == 0 {
            if self.legacy && !blank_lines && !self.starts_section(&first) {
                // QEMU 7.2 and older went on with unindented lines.
                self.warn("continuation line must be indented");
                self.append_line(&first);
                let next = self.next_line()?;
                return self.continuation_paragraph(next);
            }
            return Ok(Some(first));
        }
        self.append_line(&first);
        let mut may_deindent = false;
        loop {
            let Some(text) = self.next_line()? else {
                return Ok(None);
            };
            if at_name_colon(&text).is_some() {
                return Ok(Some(text));
            }
            if !text.is_empty() && indentation(&text) < indent {
                if may_deindent {
                    return Ok(Some(text));
                }
                let message = format!("unexpected de-indent (expected at least {indent} spaces)");
                self.format_rule(&message)?;
                self.append_line(&text);
                let next = self.next_line()?;
                return self.continuation_paragraph(next);
            }
            self.append_line(&text);
            may_deindent = true;
        }
    }

    /// QEMU's `get_doc_paragraph` from `line` on: lines go to the current section up to a
    /// blank line or the end of the block. In legacy mode a line that starts a section also
    /// ends the paragraph (with a warning: QEMU 10 would take it as text).
    fn paragraph(&mut self, mut line: Line) -> Fallible<Line> {
        loop {
            let Some(text) = line else {
                return Ok(None);
            };
            if text.is_empty() {
                return Ok(Some(text));
            }
            if self.legacy && self.starts_section(&text) {
                self.warn("a blank line must separate this section from the paragraph before");
                return Ok(Some(text));
            }
            self.append_line(&text);
            line = self.next_line()?;
        }
    }

    /// Legacy mode: the rest of a section whose continuation lines are not indented, up to a
    /// blank line or a line that starts a section.
    fn continuation_paragraph(&mut self, mut line: Line) -> Fallible<Line> {
        loop {
            match line {
                Some(text) if !text.is_empty() && !self.starts_section(&text) => {
                    self.append_line(&text);
                    line = self.next_line()?;
                }
                line => return Ok(line),
            }
        }
    }

    /// Legacy mode: the rest of a `Note:` or `Example:` section, which runs (blank lines and
    /// all) to the next line that starts a section, as in QEMU 7.2.
    fn rest_of_legacy_section(&mut self) -> Fallible<Line> {
        loop {
            match self.next_line()? {
                Some(text) if text.is_empty() || !self.starts_section(&text) => {
                    self.append_line(&text);
                }
                line => return Ok(line),
            }
        }
    }

    /// Whether `text` would start a section in a definition doc (legacy mode's rule for the
    /// end of unindented text).
    fn starts_section(&self, text: &str) -> bool {
        text == "Features:"
            || at_name_colon(text).is_some()
            || section_tag(text).is_some()
            || self.legacy_since(text).is_some()
    }

    /// Legacy mode: `Since 1.5`, a `Since` section without its colon. Only a version number
    /// may follow, so that a sentence starting with "Since" stays text. Returns the version.
    fn legacy_since<'l>(&self, text: &'l str) -> Option<&'l str> {
        if !self.legacy {
            return None;
        }
        let rest = text.strip_prefix("Since")?;
        let version = rest.trim_start_matches(is_python_space);
        let spaced = version.len() < rest.len();
        (spaced && version.starts_with(|ch: char| ch.is_ascii_digit())).then_some(version)
    }

    fn skip_blank_lines(&mut self, mut line: Line) -> Fallible<Line> {
        while line.as_deref() == Some("") {
            line = self.next_line()?;
        }
        Ok(line)
    }

    /// Moves to the next token and reads it as a doc line (QEMU's `accept(False)` then
    /// `get_doc_line`).
    fn next_line(&mut self) -> Fallible<Line> {
        self.pos += 1;
        let Some(token) = self.tokens.get(self.pos) else {
            self.pos = self.tokens.len();
            return Err(error(self.end, "documentation comment must end with '##'"));
        };
        let text: &str = &token.text;
        if text.starts_with("##") {
            if text != "##" {
                return Err(error(
                    token.span,
                    "junk after '##' at end of documentation comment",
                ));
            }
            return Ok(None);
        }
        if text == "#" {
            return Ok(Some(String::new()));
        }
        let rest = match text.strip_prefix("# ") {
            Some(rest) => rest,
            None => {
                // Legacy mode reads `#text` as `# text`.
                self.format_rule("missing space after #")?;
                text.strip_prefix('#').unwrap_or(text)
            }
        };
        Ok(Some(rest.trim_end_matches(is_python_space).to_owned()))
    }

    fn current_span(&self) -> Span {
        self.tokens
            .get(self.pos)
            .map_or(self.end, |token| token.span)
    }

    /// Appends a line to the last section; in legacy mode, warns about `#optional` markers
    /// in member descriptions (QEMU 2.10 to 4.x refused them).
    fn append_line(&mut self, line: &str) {
        let legacy = self.legacy;
        let section = self.last_section();
        if legacy && section.kind == SectionKind::Member && line.contains("#optional") {
            self.warn("please drop the #optional tag");
        }
        let section = self.last_section();
        section.text.push_str(line);
        section.text.push('\n');
    }

    fn last_section(&mut self) -> &mut Section {
        self.sections
            .last_mut()
            .expect("the body section is always there")
    }

    /// QEMU's `ensure_untagged_section`: a plain paragraph extends the plain section it
    /// follows (one blank line between), or starts a new one.
    fn ensure_untagged_section(&mut self) {
        let span = self.current_span();
        let section = self.last_section();
        if section.kind == SectionKind::Plain {
            if section.text.is_empty() {
                section.span = span;
            }
            section.text.push('\n');
            return;
        }
        self.sections
            .push(Section::new(SectionKind::Plain, None, span));
    }

    /// QEMU's `new_tagged_section`: `Returns`, `Errors` and `Since` may appear once (legacy
    /// mode keeps a second one, with a warning).
    fn new_tagged_section(&mut self, kind: SectionKind) -> Fallible<()> {
        let span = self.current_span();
        let unique = matches!(
            kind,
            SectionKind::Returns | SectionKind::Errors | SectionKind::Since
        );
        if unique && self.sections.iter().any(|section| section.kind == kind) {
            self.format_rule(&format!("duplicated '{}' section", kind.as_str()))?;
        }
        self.sections.push(Section::new(kind, None, span));
        Ok(())
    }

    /// QEMU's `_new_description`: a member or feature description, named once. Legacy mode
    /// trims white space around the name (QEMU 10 reads `@id :` as a member named `id `;
    /// QEMU 7.2 did not read it as a description at all).
    fn new_description(&mut self, kind: SectionKind, name: String) -> Fallible<()> {
        let span = self.current_span();
        let trimmed = name.trim_matches(is_python_space);
        let name = if self.legacy && trimmed.len() < name.len() {
            self.warn(&format!("white space around the name in '@{name}:'"));
            trimmed.to_owned()
        } else {
            name
        };
        if name.is_empty() {
            return Err(error(span, "invalid parameter name"));
        }
        let duplicate = self
            .sections
            .iter()
            .any(|section| section.kind == kind && section.name.as_deref() == Some(&name));
        if duplicate {
            return Err(error(span, format!("'{name}' parameter name duplicated")));
        }
        self.sections.push(Section::new(kind, Some(name), span));
        Ok(())
    }

    /// QEMU's `QAPIDoc.end`: strips each section's surrounding newlines, requires text after
    /// every tag, and sorts the sections into the [`Doc`].
    fn finish(self, symbol: Option<Spanned<String>>) -> Fallible<Doc> {
        let mut sections = self.sections.into_iter();
        let mut body = sections.next().expect("the body section is always there");
        body.text = body.text.trim_matches('\n').to_owned();
        let mut doc = Doc {
            span: self.tokens[0].span,
            symbol,
            body,
            args: IndexMap::new(),
            features: IndexMap::new(),
            sections: Vec::new(),
        };
        for mut section in sections {
            section.text = section.text.trim_matches('\n').to_owned();
            if section.kind != SectionKind::Plain && section.text.is_empty() {
                let message = format!("text required after '{}:'", section.label());
                return Err(error(section.span, message));
            }
            match (section.kind, section.name.clone()) {
                (SectionKind::Member, Some(name)) => {
                    doc.args.insert(name, section);
                }
                (SectionKind::Feature, Some(name)) => {
                    doc.features.insert(name, section);
                }
                _ => doc.sections.push(section),
            }
        }
        Ok(doc)
    }

    /// Reports a rule about the format of doc text: an error, or in legacy mode a warning
    /// after which parsing goes on.
    fn format_rule(&mut self, message: &str) -> Fallible<()> {
        let diagnostic = Diagnostic::error(self.current_span(), message);
        if self.legacy {
            self.diags.push(diagnostic.into_warning());
            Ok(())
        } else {
            Err(Box::new(diagnostic))
        }
    }

    /// A legacy-mode warning at the current line.
    fn warn(&mut self, message: &str) {
        self.diags
            .push(Diagnostic::warning(self.current_span(), message));
    }
}

/// `@name: text` at the start of a line (QEMU's regex `@([^:]*): *`): the name and the text
/// after the colon and its spaces.
fn at_name_colon(text: &str) -> Option<(&str, &str)> {
    let (name, rest) = text.strip_prefix('@')?.split_once(':')?;
    Some((name, rest.trim_start_matches(' ')))
}

/// A section tag at the start of a line (QEMU's regex
/// `(Returns|Errors|Since|Notes?|Examples?|TODO)(?!::): *`): the kind, the tag as written and
/// the text after it. `Examples::` is rST, not a tag.
fn section_tag(text: &str) -> Option<(SectionKind, &str, &str)> {
    const TAGS: [(&str, SectionKind); 8] = [
        ("Returns", SectionKind::Returns),
        ("Errors", SectionKind::Errors),
        ("Since", SectionKind::Since),
        ("Notes", SectionKind::Note),
        ("Note", SectionKind::Note),
        ("Examples", SectionKind::Example),
        ("Example", SectionKind::Example),
        ("TODO", SectionKind::Todo),
    ];
    TAGS.iter().find_map(|&(tag, kind)| {
        let rest = text.strip_prefix(tag)?;
        if rest.starts_with("::") {
            return None;
        }
        let rest = rest.strip_prefix(':')?;
        Some((kind, tag, rest.trim_start_matches(' ')))
    })
}

/// How many white-space characters a line starts with (QEMU's `\s*` match), the unit of
/// `unexpected de-indent (expected at least N spaces)`.
fn indentation(text: &str) -> usize {
    text.chars().take_while(|&ch| is_python_space(ch)).count()
}

/// Python's `str.isspace`, which QEMU's `rstrip` and `\s` use: Rust's white space plus the
/// four information separators U+001C..U+001F.
fn is_python_space(ch: char) -> bool {
    ch.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&ch)
}

fn error(span: Span, message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(span, message))
}

#[cfg(test)]
mod tests {
    use super::super::testing::input;
    use super::super::{Doc, SectionKind};

    fn parse(text: &str) -> Doc {
        let (doc, warnings) = input(text).parse(false);
        assert_eq!(warnings, Vec::<String>::new());
        doc
    }

    fn error(text: &str) -> String {
        input(text).error(false)
    }

    /// The sections after the body as (label, text) pairs.
    fn sections(doc: &Doc) -> Vec<(&str, &str)> {
        doc.sections
            .iter()
            .map(|section| (section.label(), section.text.as_str()))
            .collect()
    }

    #[test]
    fn consumes_the_block_up_to_its_closing_line() {
        let input = input(
            r"
##
# @foo:
##
# plain comment
",
        );
        let mut diags = crate::diag::Diagnostics::new();
        let (doc, used) = super::parse_doc(&input.tokens, input.end, false, &mut diags).unwrap();
        assert_eq!(used, 3);
        assert_eq!(doc.symbol.unwrap().node, "foo");
        assert_eq!(doc.body.text, "");
    }

    #[test]
    fn opening_line_must_be_exactly_two_hashes() {
        assert_eq!(
            error("## x\n# @foo:\n##\n"),
            "1:1: error: junk after '##' at start of documentation comment"
        );
    }

    #[test]
    fn closing_line_must_be_exactly_two_hashes() {
        assert_eq!(
            error("##\n# @foo:\n###\n"),
            "3:1: error: junk after '##' at end of documentation comment"
        );
    }

    #[test]
    fn text_lines_need_a_space_after_the_hash() {
        assert_eq!(
            error("##\n# @foo:\n#bar\n##\n"),
            "3:1: error: missing space after #"
        );
    }

    #[test]
    fn block_must_end_before_code() {
        assert_eq!(
            error("##\n# @foo:\n{ 'command': 'foo' }\n"),
            "3:1: error: documentation comment must end with '##'"
        );
    }

    #[test]
    fn block_must_end_before_the_end_of_file() {
        assert_eq!(
            error("##\n# @foo:\n# text\n"),
            "3:7: error: documentation comment must end with '##'"
        );
    }

    #[test]
    fn symbol_line_must_end_with_a_colon() {
        assert_eq!(
            error("##\n# @missing-colon\n##\n"),
            "2:1: error: line should end with ':'"
        );
    }

    #[test]
    fn symbol_must_not_be_empty() {
        assert_eq!(
            error("##\n# @:\n##\n"),
            "2:1: error: name required after '@'"
        );
    }

    #[test]
    fn free_form_doc_keeps_blank_lines_and_headings() {
        let doc = parse(
            r"
##
# = Heading
#
# Text with @ref and
#   indentation
#
##
",
        );
        assert_eq!(doc.symbol, None);
        assert_eq!(
            doc.body.text,
            "= Heading\n\nText with @ref and\n  indentation"
        );
        assert!(doc.sections.is_empty());
    }

    #[test]
    fn free_form_doc_refuses_descriptions() {
        assert_eq!(
            error("##\n# Text\n# @note: foo\n##\n"),
            "3:1: error: '@note:' not allowed in free-form documentation"
        );
    }

    #[test]
    fn free_form_heading_must_come_first() {
        assert_eq!(
            error("##\n# Text\n#\n# = Heading\n##\n"),
            "4:1: error: '=' heading must come first in a comment block"
        );
        assert_eq!(
            error("##\n#\n# = Heading\n##\n"),
            "3:1: error: '=' heading must come first in a comment block"
        );
    }

    #[test]
    fn definition_doc_refuses_headings() {
        assert_eq!(
            error("##\n# @foo:\n#\n# = Heading\n##\n"),
            "4:1: error: unexpected '=' markup in definition documentation"
        );
    }

    #[test]
    fn body_paragraphs_are_joined_by_one_blank_line() {
        let doc = parse(
            r"
##
# @Variant1:
#
# A paragraph
#
#
# Another paragraph
# Since: not a tag inside a paragraph
##
",
        );
        assert_eq!(
            doc.body.text,
            "A paragraph\n\nAnother paragraph\nSince: not a tag inside a paragraph"
        );
    }

    #[test]
    fn descriptions_keep_the_indentation_of_continuation_lines() {
        let doc = parse(
            r"
##
# @cmd:
#
# @arg1:
#     starts on a new line,
#     indented
#
# @arg2: starts on the same line
#     remainder indented differently
# @arg3: next to the previous one
##
",
        );
        let args: Vec<(&str, &str)> = doc
            .args
            .iter()
            .map(|(name, section)| (name.as_str(), section.text.as_str()))
            .collect();
        assert_eq!(
            args,
            [
                ("arg1", "    starts on a new line,\n    indented"),
                (
                    "arg2",
                    "starts on the same line\n    remainder indented differently"
                ),
                ("arg3", "next to the previous one"),
            ]
        );
    }

    #[test]
    fn an_unindented_line_ends_a_description() {
        let doc = parse(
            r"
##
# @Enum:
#
# @one: the one
# @two is undocumented
##
",
        );
        assert_eq!(doc.args["one"].text, "the one");
        assert_eq!(sections(&doc), [("Plain", "@two is undocumented")]);
    }

    #[test]
    fn the_second_continuation_line_must_not_de_indent() {
        assert_eq!(
            error("##\n# @foo:\n# @a: line one\n#   line two\n# line three\n##\n"),
            "5:1: error: unexpected de-indent (expected at least 2 spaces)"
        );
    }

    #[test]
    fn a_later_de_indent_ends_the_description() {
        let doc = parse(
            r"
##
# @foo:
# @a: line one
#    line two
#    line three
#  line four
##
",
        );
        assert_eq!(doc.args["a"].text, "line one\n   line two\n   line three");
        assert_eq!(sections(&doc), [("Plain", " line four")]);
    }

    #[test]
    fn tagged_sections_and_plain_paragraphs_after_them() {
        let doc = parse(
            r"
##
# @cmd:
#
# .. note:: a plain paragraph
#
# Returns: @Object
#
# Errors: some
#
# TODO: frobnicate
#
# Examples::
#
#  - a literal block
#
# Since: 2.10
##
",
        );
        assert_eq!(doc.body.text, ".. note:: a plain paragraph");
        assert_eq!(
            sections(&doc),
            [
                ("Returns", "@Object"),
                ("Errors", "some"),
                ("Todo", "frobnicate"),
                ("Plain", "Examples::\n\n - a literal block"),
                ("Since", "2.10"),
            ]
        );
    }

    #[test]
    fn features_follow_the_features_line() {
        let doc = parse(
            r"
##
# @Enum:
#
# Features:
#
# @feat: a feature
#     on two lines
# @other: another
##
",
        );
        let features: Vec<(&str, &str)> = doc
            .features
            .iter()
            .map(|(name, section)| (name.as_str(), section.text.as_str()))
            .collect();
        assert_eq!(
            features,
            [
                ("feat", "a feature\n    on two lines"),
                ("other", "another")
            ]
        );
        assert_eq!(doc.features["feat"].kind, SectionKind::Feature);
    }

    #[test]
    fn features_line_appears_once() {
        assert_eq!(
            error("##\n# @foo:\n#\n# Features:\n# @a: a\n#\n# Features:\n# @b: b\n##\n"),
            "7:1: error: duplicated 'Features:' line"
        );
    }

    #[test]
    fn features_line_needs_descriptions() {
        assert_eq!(
            error("##\n# @foo:\n#\n# Features:\n#\n# not a description\n##\n"),
            "6:1: error: feature descriptions expected"
        );
    }

    #[test]
    fn descriptions_must_precede_sections() {
        let text = r"
##
# @TestStruct:
#
# @integer: foo
#
# TODO: a section.
#
# @foobar: catch this
##
";
        assert_eq!(
            error(text),
            "9:1: error: description of '@foobar:' follows a section"
        );
    }

    #[test]
    fn note_and_example_sections_are_refused() {
        assert_eq!(
            error("##\n# @foo:\n#\n# Notes: a note\n##\n"),
            "4:1: error: The 'Notes' section is no longer supported. Please use rST's \
             '.. note::' or '.. admonition:: notes' directives, or another suitable \
             admonition instead."
        );
        assert_eq!(
            error("##\n# @foo:\n#\n# Example:\n#\n# -> in\n##\n"),
            "4:1: error: The 'Example' section is no longer supported. Please use the \
             '.. qmp-example::' directive, or other suitable markup instead."
        );
    }

    #[test]
    fn tagged_sections_need_text() {
        assert_eq!(
            error("##\n# @foo:\n#\n# Errors:\n##\n"),
            "4:1: error: text required after 'Errors:'"
        );
        assert_eq!(
            error("##\n# @foo:\n# @a:\n##\n"),
            "3:1: error: text required after 'Member:'"
        );
    }

    #[test]
    fn returns_errors_and_since_appear_once() {
        assert_eq!(
            error("##\n# @foo:\n#\n# Since: 1\n# Since: 2\n##\n"),
            "5:1: error: duplicated 'Since' section"
        );
    }

    #[test]
    fn description_names_are_checked() {
        assert_eq!(
            error("##\n# @foo:\n# @: x\n##\n"),
            "3:1: error: invalid parameter name"
        );
        assert_eq!(
            error("##\n# @foo:\n# @a: x\n# @a: y\n##\n"),
            "4:1: error: 'a' parameter name duplicated"
        );
    }

    #[test]
    fn trailing_white_space_is_dropped() {
        let doc = parse("##\n# @foo:   \n# text \t\n##\n");
        assert_eq!(doc.body.text, "text");
    }

    // Legacy mode.

    fn legacy(text: &str) -> (Doc, Vec<String>) {
        input(text).parse(true)
    }

    #[test]
    fn legacy_symbol_without_colon() {
        let (doc, warnings) = legacy("##\n# @GuestAgentInfo\n#\n# Information.\n##\n");
        assert_eq!(doc.symbol.unwrap().node, "GuestAgentInfo");
        assert_eq!(doc.body.text, "Information.");
        assert_eq!(warnings, ["2:1: warning: line should end with ':'"]);
    }

    #[test]
    fn legacy_symbol_line_with_text() {
        let (doc, warnings) =
            legacy("##\n# @guest-ping: pings\n# the agent\n#\n# Since: 0.15\n##\n");
        assert_eq!(doc.symbol.as_ref().unwrap().node, "guest-ping");
        assert_eq!(doc.body.text, "pings\nthe agent");
        assert_eq!(sections(&doc), [("Since", "0.15")]);
        assert_eq!(warnings, ["2:1: warning: line should end with ':'"]);
    }

    #[test]
    fn legacy_space_before_the_colon_of_a_description() {
        let (doc, warnings) = legacy("##\n# @JobInfo:\n#\n# @id : The job identifier.\n##\n");
        assert_eq!(doc.args["id"].text, "The job identifier.");
        assert_eq!(
            warnings,
            ["4:1: warning: white space around the name in '@id :'"]
        );
        assert!(
            parse("##\n# @JobInfo:\n#\n# @id : The job identifier.\n##\n")
                .args
                .contains_key("id ")
        );
    }

    #[test]
    fn legacy_since_without_colon() {
        let (doc, warnings) = legacy("##\n# @foo:\n#\n# Since 1.1.0\n##\n");
        assert_eq!(sections(&doc), [("Since", "1.1.0")]);
        assert_eq!(warnings, ["4:1: warning: missing ':' after 'Since'"]);
        let (doc, warnings) = legacy("##\n# @foo:\n#\n# Since the start\n##\n");
        assert_eq!(doc.body.text, "Since the start");
        assert!(warnings.is_empty());
    }

    #[test]
    fn legacy_note_and_example_sections_run_to_the_next_section() {
        let text = r"
##
# @guest-fsfreeze-thaw:
#
# Returns: Number of file systems thawed by this call
#
# Note: if return value does not match
#       the previous call
#
# Example:
#
# -> { 'execute': 'guest-fsfreeze-thaw' }
# <- { 'return': 1 }
#
# Since: 0.15.0
##
";
        let (doc, warnings) = legacy(text);
        assert_eq!(
            sections(&doc),
            [
                ("Returns", "Number of file systems thawed by this call"),
                (
                    "Note",
                    "if return value does not match\n      the previous call"
                ),
                (
                    "Example",
                    "-> { 'execute': 'guest-fsfreeze-thaw' }\n<- { 'return': 1 }"
                ),
                ("Since", "0.15.0"),
            ]
        );
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].starts_with("7:1: warning: The 'Note' section is no longer"));
        assert!(warnings[1].starts_with("10:1: warning: The 'Example' section is no longer"));
    }

    #[test]
    fn legacy_unindented_continuation_lines() {
        let text = r"
##
# @guest-fsfreeze-freeze:
#
# @mountpoints:
# an array of mountpoints,
# all of them
# @count: #optional how many
#
# Returns: Number of file systems currently frozen. On error, all filesystems
# will be thawed.
#
# Since: 0.15.0
##
";
        let (doc, warnings) = legacy(text);
        assert_eq!(
            doc.args["mountpoints"].text,
            "an array of mountpoints,\nall of them"
        );
        assert_eq!(doc.args["count"].text, "#optional how many");
        assert_eq!(
            sections(&doc),
            [
                (
                    "Returns",
                    "Number of file systems currently frozen. On error, all filesystems\n\
                     will be thawed."
                ),
                ("Since", "0.15.0"),
            ]
        );
        assert_eq!(
            warnings,
            [
                "6:1: warning: continuation line must be indented",
                "8:1: warning: please drop the #optional tag",
                "11:1: warning: continuation line must be indented",
            ]
        );
    }

    #[test]
    fn legacy_de_indent_is_a_warning() {
        let (doc, warnings) = legacy("##\n# @foo:\n# @a: one\n#   two\n# three\n# four\n##\n");
        assert_eq!(doc.args["a"].text, "one\n  two\nthree\nfour");
        assert_eq!(
            warnings,
            ["5:1: warning: unexpected de-indent (expected at least 2 spaces)"]
        );
    }

    #[test]
    fn legacy_section_right_after_a_paragraph() {
        let (doc, warnings) = legacy("##\n# @foo:\n#\n# Does foo.\n# @a: an argument\n##\n");
        assert_eq!(doc.body.text, "Does foo.");
        assert_eq!(doc.args["a"].text, "an argument");
        assert_eq!(
            warnings,
            ["5:1: warning: a blank line must separate this section from the paragraph before"]
        );
    }

    #[test]
    fn legacy_headings_anywhere() {
        let (doc, warnings) = legacy("##\n# = QMP\n#\n# = Stability\n##\n");
        assert_eq!(doc.body.text, "= QMP\n\n= Stability");
        assert_eq!(
            warnings,
            ["4:1: warning: '=' heading must come first in a comment block"]
        );
    }

    #[test]
    fn legacy_duplicated_section() {
        let (doc, warnings) = legacy("##\n# @foo:\n#\n# Returns: size.\n# Returns: @Info\n##\n");
        assert_eq!(sections(&doc), [("Returns", "size."), ("Returns", "@Info")]);
        assert_eq!(warnings, ["5:1: warning: duplicated 'Returns' section"]);
    }

    #[test]
    fn legacy_missing_space_after_hash() {
        let (doc, warnings) = legacy("##\n# @GuestExec:\n#\n#Since: 2.5\n##\n");
        assert_eq!(sections(&doc), [("Since", "2.5")]);
        assert_eq!(warnings, ["4:1: warning: missing space after #"]);
    }

    #[test]
    fn legacy_keeps_structural_errors() {
        assert_eq!(
            input("##\n# @foo:\n# @a: x\n# @a: y\n##\n").error(true),
            "4:1: error: 'a' parameter name duplicated"
        );
        assert_eq!(
            input("##\n# @foo:\n###\n").error(true),
            "3:1: error: junk after '##' at end of documentation comment"
        );
    }
}
