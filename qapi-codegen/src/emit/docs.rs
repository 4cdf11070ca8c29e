//! Doc comments: QAPI doc sections (reStructuredText, or the older plain formats of legacy
//! schemas) to rustdoc Markdown.
//!
//! The conversion aims at text a person reads comfortably in rustdoc and that never upsets
//! rustdoc or the compiler:
//! - `@name` references become code spans, `` `name` ``;
//! - literal blocks (`text::` then an indented block), `.. qmp-example::`, `.. table::`,
//!   `.. code-block::` and legacy `Example:` sections become ```` ```text ```` fences, so
//!   rustdoc never compiles them as doctests;
//! - admonitions (`.. note::`, `.. admonition:: Notes`, legacy `Note:`) become a bold label
//!   and their text;
//! - indentation outside fences is capped at three spaces, so no paragraph turns into an
//!   indented code block while the continuation lines of a list item (`2. text`) stay under
//!   its text; `[`, `]`, `<` and a leading `#` are escaped and bare URLs put in
//!   `<…>`, so no text becomes a broken intra-doc link, an HTML tag or a heading.
//!
//! Every definition's docs end with what the schema says besides its text: `Returns`,
//! `Errors`, features (`deprecated`, `unstable`), the condition it exists under, `Since`.

use crate::cfg::describe;
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use qapi_gen_parser::doc::{Doc, Section, SectionKind};
use qapi_gen_parser::model::{Cond, Feature};
use quote::quote;

/// The deepest indentation kept outside fences: four spaces would start a code block, three
/// keep a numbered list item's continuation lines under its text.
const MAX_INDENT: usize = 3;

/// Markdown lines of documentation being assembled.
#[derive(Default)]
pub struct Markdown {
    lines: Vec<String>,
}

impl Markdown {
    pub fn new() -> Markdown {
        Markdown::default()
    }

    /// Starts a new paragraph (a blank line, unless at the start or after one).
    fn paragraph_break(&mut self) {
        if self.lines.last().is_some_and(|line| !line.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// Appends QAPI doc text as Markdown, as its own paragraph.
    pub fn text(&mut self, text: &str) {
        let lines = dedent_continuation(text);
        if lines.iter().all(|line| line.trim().is_empty()) {
            return;
        }
        self.paragraph_break();
        convert_block(&lines, &mut self.lines);
    }

    /// Appends a labelled paragraph: `**Note:** text`.
    fn labelled(&mut self, label: &str, text: &str) {
        let lines = dedent_continuation(text);
        self.paragraph_break();
        let mut converted = Vec::new();
        convert_block(&lines, &mut converted);
        match converted.first_mut() {
            Some(first) if !first.is_empty() && !starts_block(first) => {
                *first = format!("**{label}:** {first}");
            }
            _ => {
                converted.insert(0, String::new());
                converted.insert(0, format!("**{label}:**"));
            }
        }
        self.lines.extend(converted);
    }

    /// Appends a `# Heading` and text.
    fn heading(&mut self, heading: &str, text: &str) {
        self.paragraph_break();
        self.lines.push(format!("# {heading}"));
        self.text(text);
    }

    /// Appends a fenced block of literal text.
    fn fence(&mut self, text: &str) {
        let lines = dedent_all(&text.lines().map(expand_tabs).collect::<Vec<_>>());
        self.paragraph_break();
        push_fence(&lines, &mut self.lines);
    }

    /// Appends a plain line, already Markdown.
    pub fn line(&mut self, line: impl Into<String>) {
        self.paragraph_break();
        self.lines.push(line.into());
    }

    /// Appends the features of a definition or member: `deprecated` and `unstable` first
    /// get a sentence of their own, then every feature is listed with its description.
    pub fn features(&mut self, features: &[Feature]) {
        for feature in features {
            let text = feature
                .doc
                .as_ref()
                .map_or("", |section| section.text.as_str());
            match feature.name.as_str() {
                "deprecated" => self.labelled("Deprecated", text),
                "unstable" => self.labelled(
                    "Unstable",
                    if text.is_empty() {
                        "this is not yet a stable interface"
                    } else {
                        text
                    },
                ),
                _ => {
                    let label = format!("Feature `{}`", feature.name);
                    self.labelled(&label, text);
                }
            }
            if let Some(cond) = &feature.cond {
                self.lines
                    .push(format!("(feature present only if `{}`)", describe(cond)));
            }
        }
    }

    /// Appends the condition of a definition, member or value.
    pub fn condition(&mut self, cond: Option<&Cond>) {
        if let Some(cond) = cond {
            self.line(format!("*Only available if* `{}`.", describe(cond)));
        }
    }

    /// Appends the sections of a definition doc after the body and member descriptions:
    /// paragraphs, notes and examples in order, then `Returns`, `Errors`, and `Since` last.
    pub fn sections(&mut self, doc: &Doc) {
        for section in &doc.sections {
            match section.kind {
                SectionKind::Plain => self.text(&section.text),
                SectionKind::Note => self.labelled(section.label(), &section.text),
                SectionKind::Example => {
                    self.paragraph_break();
                    self.lines.push(format!("{}:", section.label()));
                    self.fence(&section.text);
                }
                SectionKind::Returns => self.heading("Returns", &section.text),
                SectionKind::Errors => self.heading("Errors", &section.text),
                // `TODO` is for the schema's maintainers, as in QEMU's own manuals;
                // `Since` comes last; members and features are documented where they are.
                SectionKind::Todo
                | SectionKind::Since
                | SectionKind::Member
                | SectionKind::Feature => {}
            }
        }
    }

    /// Appends `Since: VERSION`.
    pub fn since(&mut self, doc: &Doc) {
        if let Some(since) = doc.since() {
            let text = since.text.split_whitespace().collect::<Vec<_>>().join(" ");
            self.line(format!("*Since:* {}", escape_prose(&text)));
        }
    }

    /// The lines as `#[doc = " …"]` attributes, which the printer writes as `///` comments.
    pub fn into_attrs(mut self) -> TokenStream {
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        // Built token by token: a `quote!` per line makes and drops a stream of its own.
        let mut attrs = TokenStream::new();
        let mut text = String::new();
        for line in &self.lines {
            text.clear();
            if !line.is_empty() {
                text.push(' ');
                text.push_str(line);
            }
            let inner: TokenStream = [
                TokenTree::Ident(Ident::new("doc", Span::call_site())),
                TokenTree::Punct(Punct::new('=', Spacing::Alone)),
                TokenTree::Literal(Literal::string(&text)),
            ]
            .into_iter()
            .collect();
            attrs.extend([
                TokenTree::Punct(Punct::new('#', Spacing::Alone)),
                TokenTree::Group(Group::new(Delimiter::Bracket, inner)),
            ]);
        }
        attrs
    }
}

/// The docs of a definition: its body, its sections, its features, its condition, `Since`.
pub fn definition(doc: Option<&Doc>, features: &[Feature], cond: Option<&Cond>) -> TokenStream {
    let mut markdown = Markdown::new();
    if let Some(doc) = doc {
        markdown.text(&doc.body.text);
        markdown.sections(doc);
    }
    markdown.features(features);
    markdown.condition(cond);
    if let Some(doc) = doc {
        markdown.since(doc);
    }
    markdown.into_attrs()
}

/// The whole docs of a command or event, where they are written once: `intro`, its text and
/// sections, `note`, its features, its condition, `Since`.
pub fn command(
    intro: String,
    doc: Option<&Doc>,
    note: Option<&str>,
    features: &[Feature],
    cond: Option<&Cond>,
) -> TokenStream {
    let mut markdown = Markdown::new();
    markdown.line(intro);
    if let Some(doc) = doc {
        markdown.text(&doc.body.text);
        markdown.sections(doc);
    }
    if let Some(note) = note {
        markdown.line(note);
    }
    markdown.features(features);
    markdown.condition(cond);
    if let Some(doc) = doc {
        markdown.since(doc);
    }
    markdown.into_attrs()
}

/// The docs of a place that links to a command's docs rather than repeating them:
/// `` Runs the command `x`: see [`XArgs`]. `` and `note`.
pub fn command_link(intro: &str, link: &str, note: Option<&str>) -> TokenStream {
    let mut markdown = Markdown::new();
    markdown.line(format!("{intro}: see [`{link}`]."));
    if let Some(note) = note {
        markdown.line(note);
    }
    markdown.into_attrs()
}

/// The docs of a member, enum value or branch: its `@name:` description, features, condition.
pub fn member(section: Option<&Section>, features: &[Feature], cond: Option<&Cond>) -> TokenStream {
    let mut markdown = Markdown::new();
    if let Some(section) = section {
        markdown.text(&section.text);
    }
    markdown.features(features);
    markdown.condition(cond);
    markdown.into_attrs()
}

/// `#[deprecated]` when the features include `deprecated`.
pub fn deprecated(features: &[Feature]) -> TokenStream {
    if features.iter().any(|feature| feature.name == "deprecated") {
        quote! { #[deprecated] }
    } else {
        TokenStream::new()
    }
}

fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for ch in line.chars() {
        if ch == '\t' {
            let pad = 8 - out.chars().count() % 8;
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.push(ch);
        }
    }
    out.trim_end().to_owned()
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Section text keeps the indentation of its continuation lines (`@arg: text` then lines
/// indented under it): the first line stands alone, the others lose their common indent.
fn dedent_continuation(text: &str) -> Vec<String> {
    let lines: Vec<String> = text.lines().map(expand_tabs).collect();
    match lines.split_first() {
        None => Vec::new(),
        Some((first, rest)) => {
            let mut out = vec![first.trim_start().to_owned()];
            out.extend(dedent_all(rest));
            out
        }
    }
}

/// Removes the indentation common to all non-blank lines.
fn dedent_all(lines: &[String]) -> Vec<String> {
    let common = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| indent_of(line))
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|line| line.get(common..).unwrap_or("").trim_end().to_owned())
        .collect()
}

/// The lines from `start` that belong to a block indented deeper than `indent`: blank lines
/// and deeper lines, up to the first line at `indent` or less; trailing blank lines excluded.
fn indented_block(lines: &[String], start: usize, indent: usize) -> usize {
    let mut end = start;
    let mut last_text = start;
    while end < lines.len() {
        let line = &lines[end];
        if line.trim().is_empty() {
            end += 1;
            continue;
        }
        if indent_of(line) <= indent {
            break;
        }
        end += 1;
        last_text = end;
    }
    last_text
}

fn push_fence(lines: &[String], out: &mut Vec<String>) {
    let mut start = 0;
    let mut end = lines.len();
    while start < end && lines[start].trim().is_empty() {
        start += 1;
    }
    while end > start && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    if start == end {
        return;
    }
    out.push("```text".to_owned());
    for line in &lines[start..end] {
        // A line of backticks would end the fence early.
        out.push(line.replace("```", "'''"));
    }
    out.push("```".to_owned());
}

/// Converts dedented reStructuredText-ish lines to Markdown lines.
fn convert_block(lines: &[String], out: &mut Vec<String>) {
    let mut index = 0;
    // The column of the text of the list item whose paragraph is being written.
    let mut list_item_text: Option<usize> = None;
    while index < lines.len() {
        let line = &lines[index];
        let indent = indent_of(line);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if out.last().is_some_and(|last| !last.is_empty()) {
                out.push(String::new());
            }
            list_item_text = None;
            index += 1;
            continue;
        }
        if let Some(directive) = trimmed.strip_prefix(".. ") {
            let end = indented_block(lines, index + 1, indent);
            let body = dedent_all(&lines[index + 1..end]);
            convert_directive(directive, &body, out);
            index = end;
            continue;
        }
        if let Some(before) = trimmed.strip_suffix("::") {
            let end = indented_block(lines, index + 1, indent);
            let before = before.trim_end();
            if !before.is_empty() {
                let lead = " ".repeat(indent.min(MAX_INDENT));
                out.push(format!("{lead}{}:", escape_prose(before)));
            }
            if end > index + 1 {
                push_fence(&dedent_all(&lines[index + 1..end]), out);
            }
            index = end;
            continue;
        }
        let width = match (list_marker_width(trimmed), list_item_text) {
            (Some(marker), _) => {
                list_item_text = Some(indent.min(MAX_INDENT) + marker);
                indent.min(MAX_INDENT)
            }
            // A line that continues a list item's paragraph goes under the item's text, where
            // Markdown (and clippy's `doc_lazy_continuation`) expects it.
            (None, Some(text_column)) => text_column,
            (None, None) => indent.min(MAX_INDENT),
        };
        out.push(format!("{}{}", " ".repeat(width), escape_prose(trimmed)));
        index += 1;
    }
}

/// The width of the list item marker that starts `line` (`- `, `* `, `12. `, `3) `), if any.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let after = &line[digits..];
    (digits > 0 && (after.starts_with(". ") || after.starts_with(") "))).then_some(digits + 2)
}

/// `.. NAME:: ARGUMENTS` and its indented body.
fn convert_directive(directive: &str, body: &[String], out: &mut Vec<String>) {
    let Some((name, arguments)) = directive.split_once("::") else {
        // `.. text` without `::` is a comment.
        return;
    };
    let arguments = arguments.trim();
    let mut options = Vec::new();
    let mut content_start = 0;
    for line in body {
        match line
            .trim()
            .strip_prefix(':')
            .and_then(|rest| rest.split_once(':'))
        {
            Some((option, value)) if !option.contains(' ') => {
                options.push((option.to_owned(), value.trim().to_owned()));
                content_start += 1;
            }
            _ => break,
        }
    }
    let content = &body[content_start..];
    if out.last().is_some_and(|last| !last.is_empty()) {
        out.push(String::new());
    }
    match name.trim() {
        "qmp-example" => {
            let title = options
                .iter()
                .find(|(option, _)| option == "title")
                .map(|(_, title)| title.as_str());
            match title {
                Some(title) => out.push(format!("Example: {}", escape_prose(title))),
                None => out.push("Example:".to_owned()),
            }
            if options.iter().any(|(option, _)| option == "annotated") {
                out.push(String::new());
                convert_block(&dedent_all(content), out);
            } else {
                push_fence(content, out);
            }
        }
        "table" | "code-block" | "code" | "parsed-literal" => {
            if !arguments.is_empty() {
                out.push(format!("{}:", escape_prose(arguments)));
            }
            push_fence(content, out);
        }
        admonition => {
            // `.. admonition:: TITLE` has a title; the others (`note`, `caution`, …) start
            // their text on the directive's line.
            let mut text: Vec<String> = Vec::new();
            let label = if admonition == "admonition" && !arguments.is_empty() {
                arguments.to_owned()
            } else {
                if !arguments.is_empty() {
                    text.push(arguments.to_owned());
                }
                let mut label = admonition.to_owned();
                if let Some(first) = label.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                label
            };
            text.extend(dedent_all(content));
            let mut converted = Vec::new();
            convert_block(&text, &mut converted);
            while converted.first().is_some_and(String::is_empty) {
                converted.remove(0);
            }
            let label = format!("**{}:**", escape_prose(&label));
            match converted.first_mut() {
                Some(first) if !starts_block(first) => *first = format!("{label} {first}"),
                _ => {
                    converted.insert(0, String::new());
                    converted.insert(0, label);
                }
            }
            out.extend(converted);
        }
    }
}

/// Whether a Markdown line starts a block that cannot follow a label on its line: a fence,
/// an indented line, or a list item.
fn starts_block(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    line.starts_with("```")
        || line.starts_with(' ')
        || line.starts_with("- ")
        || line.starts_with("* ")
        || (digits > 0 && line[digits..].starts_with(". "))
}

fn is_name_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' || ch == '.'
}

/// One line of prose: `@name` to a code span, Markdown's special characters escaped, bare
/// URLs made links; code spans are copied as they are.
fn escape_prose(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut index = 0;
    let mut code_run = 0;
    while index < chars.len() {
        let ch = chars[index];
        if ch == '`' {
            let mut run = 0;
            while index < chars.len() && chars[index] == '`' {
                run += 1;
                index += 1;
            }
            if code_run == 0 {
                // Open a code span only if a closing run of the same length follows.
                let rest: String = chars[index..].iter().collect();
                if rest.contains(&"`".repeat(run)) {
                    code_run = run;
                }
            } else if run == code_run {
                code_run = 0;
            }
            out.extend(std::iter::repeat_n('`', run));
            continue;
        }
        if code_run > 0 {
            out.push(ch);
            index += 1;
            continue;
        }
        let after_word = index > 0 && chars[index - 1].is_ascii_alphanumeric();
        match ch {
            '@' if !after_word
                && chars
                    .get(index + 1)
                    .is_some_and(|next| next.is_ascii_alphanumeric() || *next == '_') =>
            {
                let mut end = index + 1;
                while end < chars.len() && is_name_char(chars[end]) {
                    end += 1;
                }
                while end > index + 1 && matches!(chars[end - 1], '.' | '-') {
                    end -= 1;
                }
                out.push('`');
                out.extend(&chars[index + 1..end]);
                out.push('`');
                index = end;
                continue;
            }
            'h' if !after_word && starts_with_url(&chars[index..]) => {
                let mut end = index;
                while end < chars.len()
                    && !chars[end].is_whitespace()
                    && !matches!(chars[end], '<' | '>' | '"' | '`' | ')' | ']' | '\'')
                {
                    end += 1;
                }
                while end > index && matches!(chars[end - 1], '.' | ',' | ';' | ':') {
                    end -= 1;
                }
                out.push('<');
                out.extend(&chars[index..end]);
                out.push('>');
                index = end;
                continue;
            }
            '[' | ']' | '<' | '>' | '|' => {
                out.push('\\');
                out.push(ch);
            }
            '#' if out.trim().is_empty() => out.push_str("\\#"),
            '\\' => out.push_str("\\\\"),
            _ => out.push(ch),
        }
        index += 1;
    }
    out
}

fn starts_with_url(chars: &[char]) -> bool {
    let text: String = chars.iter().take(8).collect();
    text.starts_with("http://") || text.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(text: &str) -> String {
        let mut markdown = Markdown::new();
        markdown.text(text);
        markdown.lines.join("\n")
    }

    #[test]
    fn references_become_code_and_specials_are_escaped() {
        assert_eq!(
            convert("see @guest-exec. [a] <b> http://x.org/y."),
            "see `guest-exec`. \\[a\\] \\<b\\> <http://x.org/y>."
        );
        assert_eq!(convert("user@host and `@x`"), "user@host and `@x`");
    }

    #[test]
    fn continuation_lines_lose_their_indent() {
        assert_eq!(
            convert("first\n    second\n    third"),
            "first\nsecond\nthird"
        );
    }

    #[test]
    fn literal_blocks_and_examples_are_fenced() {
        let text =
            "Example::\n\n    -> { \"execute\": \"x\" }\n    <- { \"return\": {} }\n\nAfter.";
        assert_eq!(
            convert(text),
            "Example:\n```text\n-> { \"execute\": \"x\" }\n<- { \"return\": {} }\n```\n\nAfter."
        );
        let text = "Body.\n\n.. qmp-example::\n   :title: Title\n\n   -> { \"execute\": \"x\" }";
        assert_eq!(
            convert(text),
            "Body.\n\nExample: Title\n```text\n-> { \"execute\": \"x\" }\n```"
        );
    }

    #[test]
    fn admonitions_get_a_label() {
        let text = "Body.\n\n.. note:: This is\n   important.";
        assert_eq!(convert(text), "Body.\n\n**Note:** This is\nimportant.");
        let text = ".. admonition:: Notes\n\n    1. One.\n    2. Two.";
        assert_eq!(convert(text), "**Notes:**\n\n1. One.\n2. Two.");
    }

    #[test]
    fn list_item_continuations_go_under_the_item_text() {
        assert_eq!(
            convert("1. Wait\n2. Issue the command to\n   confirm\n\nAfter."),
            "1. Wait\n2. Issue the command to\n   confirm\n\nAfter."
        );
        assert_eq!(convert("- item\nlazy line"), "- item\n  lazy line");
        assert_eq!(
            convert(" 1) A set of options: the child is\n   reopened"),
            "1) A set of options: the child is\n   reopened"
        );
    }

    #[test]
    fn deep_indentation_never_makes_a_code_block() {
        assert_eq!(convert("a\n\n        b"), "a\n\nb");
    }
}
