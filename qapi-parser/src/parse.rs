//! Text to AST: the pest grammar in `qapi.pest`, applied one top-level item at a time.
//!
//! QEMU's parser acts on each top-level item as soon as it has read it: an include is read and
//! parsed at once, a pragma is checked at once, a doc comment is parsed into sections at once.
//! Which error QEMU reports first depends on that order, so this parser keeps it: it asks pest
//! for one `item`, acts on it, and moves on.
//!
//! Syntax errors are reported with QEMU's messages. Where pest fails, the token there is first
//! lexed as QEMU's lexer would (so a bad string or a stray word is reported as such), and
//! otherwise the set of rules pest expected names the message (`expected ',' or '}'`).

use crate::ast::{
    Definition, IncludeDirective, Object, ObjectMember, ParsedSchema, Pragmas, TopLevel, Value,
};
use crate::diag::{Diagnostic, Diagnostics, Fallible};
use crate::doc::{self, CommentToken, Doc};
use crate::span::{FileId, SourceMap, Span, Spanned};
use crate::{FileSystem, Options};
use pest::iterators::Pair;
use pest::Parser as _;
use std::borrow::Cow;
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

#[derive(pest_derive::Parser)]
#[grammar = "qapi.pest"]
struct QapiGrammar;

/// How deeply values may nest. Real schemas nest a handful of levels; the limit keeps the
/// recursive descent (pest's and ours) far from the end of the stack on hostile input.
pub const MAX_NESTING: usize = 100;

/// Parses the schema at `path` and, recursively, the files it includes.
///
/// Returns `None` after pushing the error into `diags` when parsing failed; doc comment
/// warnings (legacy mode) are pushed as they are found.
pub fn parse_schema(
    fs: &dyn FileSystem,
    path: &Path,
    options: &Options,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<ParsedSchema> {
    let raw = match fs.read_to_string(path) {
        Ok(raw) => raw,
        Err(error) => {
            diags.push(Diagnostic::global_error(format!(
                "can't read schema file '{}': {}",
                path.display(),
                strerror(&error)
            )));
            return None;
        }
    };
    let root = sources.add(path.to_path_buf(), &raw, None);
    let mut parser = SchemaParser {
        fs,
        legacy: options.legacy,
        sources,
        diags,
        items: Vec::new(),
        docs: Vec::new(),
        pragmas: Pragmas::default(),
        included: HashSet::from([lexical_absolute(path)]),
    };
    match parser.parse_file(root) {
        Ok(()) => Some(ParsedSchema {
            root,
            items: parser.items,
            docs: parser.docs,
            pragmas: parser.pragmas,
        }),
        Err(error) => {
            parser.diags.push(*error);
            None
        }
    }
}

/// The state of one parse: what has been read so far, across included files.
struct SchemaParser<'a> {
    fs: &'a dyn FileSystem,
    legacy: bool,
    sources: &'a mut SourceMap,
    diags: &'a mut Diagnostics,
    items: Vec<TopLevel>,
    docs: Vec<Doc>,
    pragmas: Pragmas,
    /// Absolute paths of every file parsed so far: QEMU reads each file once.
    included: HashSet<PathBuf>,
}

impl SchemaParser<'_> {
    /// QEMU's `_parse`: every top-level item of one file, in order, each acted on before the
    /// next is read, so that an include or pragma error before a syntax error is reported
    /// first, as QEMU reports it.
    ///
    /// White space, plain comments and runs of comment lines are lexed here (they are most of
    /// a schema's text, and pest's per-character cost made them most of the parse); pest
    /// parses each value, given just the text up to its closing bracket.
    fn parse_file(&mut self, file: FileId) -> Fallible<()> {
        let text = self.sources.file(file).text.clone();
        let mut pending_doc = None;
        let mut pos = skip_gap(&text, 0);
        while pos < text.len() {
            if text[pos..].starts_with("##") {
                let (end, tokens) = comment_run(&text, pos, file);
                let next = skip_gap(&text, end);
                self.act_on_comment_run(tokens, next, &text, file, &mut pending_doc)?;
                pos = next;
            } else {
                let value = parse_value(&text, pos, file)?;
                let next = skip_gap(&text, value.span.end as usize);
                self.parse_expression(value, file, pending_doc.take())?;
                pos = next;
            }
        }
        self.reject_pending_doc(pending_doc)
    }

    /// Acts on a run of comment lines; `next` is where the following item (or the end of the
    /// file) starts.
    fn act_on_comment_run<'t>(
        &mut self,
        mut tokens: Vec<CommentToken<'t>>,
        next: usize,
        text: &'t str,
        file: FileId,
        pending_doc: &mut Option<usize>,
    ) -> Fallible<()> {
        let end_span = eof_or_token(text, next, file);
        if self.legacy && tokens.len() == 1 && next < text.len() {
            tokens = self.recover_headless_doc(text, tokens, file);
        }
        self.parse_comment_run(&tokens, end_span, pending_doc)
    }

    /// Doc blocks in a run of comment lines; plain comments between them are skipped, as
    /// QEMU's lexer skips them outside a doc block.
    fn parse_comment_run(
        &mut self,
        tokens: &[CommentToken<'_>],
        end: Span,
        pending_doc: &mut Option<usize>,
    ) -> Fallible<()> {
        let mut index = 0;
        while index < tokens.len() {
            if !tokens[index].text.starts_with("##") {
                index += 1;
                continue;
            }
            self.reject_pending_doc(pending_doc.take())?;
            let (doc, used) = doc::parse_doc(&tokens[index..], end, self.legacy, self.diags)?;
            self.docs.push(doc);
            *pending_doc = Some(self.docs.len() - 1);
            index += used.max(1);
        }
        Ok(())
    }

    /// Legacy recovery for a doc block that lost its opening `##`: a lone `##` right before a
    /// definition, under plain comment lines. QEMU reads the `##` as an unterminated block and
    /// fails; old schemas (the seed has one) meant the comment lines above as the definition's
    /// doc, so legacy mode takes them as such, with a warning.
    fn recover_headless_doc<'t>(
        &mut self,
        text: &'t str,
        closer: Vec<CommentToken<'t>>,
        file: FileId,
    ) -> Vec<CommentToken<'t>> {
        let lines = comment_lines_above(text, closer[0].span.start as usize, file);
        let Some(first) = lines.first() else {
            return closer;
        };
        self.diags.push(Diagnostic::warning(
            first.span.head(),
            "doc comment lacks its opening '##' line",
        ));
        let opener = CommentToken {
            text: Cow::Borrowed("##"),
            span: first.span.head(),
        };
        std::iter::once(opener).chain(lines).chain(closer).collect()
    }

    /// A top-level value: an include or pragma directive, or a definition.
    fn parse_expression(
        &mut self,
        value: Spanned<Value>,
        file: FileId,
        doc: Option<usize>,
    ) -> Fallible<()> {
        let span = value.span;
        let Value::Object(object) = value.node else {
            return Err(error(span, "top-level expression must be an object"));
        };
        if object.contains_key("include") {
            self.reject_pending_doc(doc)?;
            return self.parse_include(&object, span, file);
        }
        if object.contains_key("pragma") {
            self.reject_pending_doc(doc)?;
            return self.parse_pragma(&object, span);
        }
        let doc = match doc {
            Some(index) if self.docs[index].symbol.is_none() => {
                let diagnostic =
                    Diagnostic::error(self.docs[index].span, "definition documentation required");
                if !self.legacy {
                    return Err(Box::new(diagnostic));
                }
                self.diags.push(diagnostic.into_warning());
                None
            }
            doc => doc,
        };
        self.items.push(TopLevel::Definition(Definition {
            expr: Spanned::new(object, span),
            doc,
        }));
        Ok(())
    }

    /// `{ 'include': 'FILE' }`: FILE is read relative to the including file, once.
    fn parse_include(&mut self, object: &Object, span: Span, file: FileId) -> Fallible<()> {
        if object.len() != 1 {
            return Err(error(span, "invalid 'include' directive"));
        }
        let Some(name) = object.get("include").and_then(|value| value.node.as_str()) else {
            return Err(error(span, "value of 'include' must be a string"));
        };
        let including = self.sources.path(file);
        let path = including.parent().unwrap_or(Path::new("")).join(name);
        let absolute = lexical_absolute(&path);
        let mut includer = Some(file);
        while let Some(current) = includer {
            if lexical_absolute(self.sources.path(current)) == absolute {
                return Err(error(span, format!("inclusion loop for {name}")));
            }
            includer = self.sources.file(current).included_from.map(|at| at.file);
        }
        let index = self.items.len();
        self.items.push(TopLevel::Include(IncludeDirective {
            span,
            path: path.clone(),
            file: None,
        }));
        if !self.included.insert(absolute) {
            return Ok(());
        }
        let raw = self.fs.read_to_string(&path).map_err(|io_error| {
            error(
                span,
                format!(
                    "can't read include file '{}': {}",
                    path.display(),
                    strerror(&io_error)
                ),
            )
        })?;
        let included = self.sources.add(path, &raw, Some(span));
        if let TopLevel::Include(directive) = &mut self.items[index] {
            directive.file = Some(included);
        }
        self.parse_file(included)
    }

    /// `{ 'pragma': { NAME: VALUE, ... } }`: later values replace earlier ones.
    fn parse_pragma(&mut self, object: &Object, span: Span) -> Fallible<()> {
        if object.len() != 1 {
            return Err(error(span, "invalid 'pragma' directive"));
        }
        let Some(pragmas) = object
            .get("pragma")
            .and_then(|value| value.node.as_object())
        else {
            return Err(error(span, "value of 'pragma' must be an object"));
        };
        for member in &pragmas.members {
            let name = member.key.node.as_str();
            let value = &member.value.node;
            let list = match name {
                "doc-required" => {
                    self.pragmas.doc_required = value
                        .as_bool()
                        .ok_or_else(|| error(span, "pragma 'doc-required' must be boolean"))?;
                    continue;
                }
                "command-name-exceptions" => &mut self.pragmas.command_name_exceptions,
                "command-returns-exceptions" => &mut self.pragmas.command_returns_exceptions,
                "documentation-exceptions" => &mut self.pragmas.documentation_exceptions,
                "member-name-exceptions" => &mut self.pragmas.member_name_exceptions,
                _ => return Err(error(span, format!("unknown pragma '{name}'"))),
            };
            *list = string_list(value)
                .ok_or_else(|| error(span, format!("pragma {name} must be a list of strings")))?;
        }
        Ok(())
    }

    /// A definition doc must be followed by its definition.
    fn reject_pending_doc(&self, doc: Option<usize>) -> Fallible<()> {
        let Some(doc) = doc.map(|index| &self.docs[index]) else {
            return Ok(());
        };
        match &doc.symbol {
            Some(symbol) => Err(error(
                doc.span,
                format!(
                    "documentation for '{}' is not followed by the definition",
                    symbol.node
                ),
            )),
            None => Ok(()),
        }
    }
}

fn error(span: Span, message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(span.head(), message))
}

/// The strings of a list value, or `None` when it is not a list of strings.
fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.node.as_str().map(str::to_owned))
        .collect()
}

/// Where the white space and plain comments starting at `pos` end: the grammar's `gap`.
fn skip_gap(text: &str, mut pos: usize) -> usize {
    loop {
        pos = skip_spaces(text, pos);
        let rest = &text.as_bytes()[pos..];
        if rest.first() != Some(&b'#') || rest.get(1) == Some(&b'#') {
            return pos;
        }
        pos = line_end(text, pos);
    }
}

/// Where the white space starting at `pos` ends: the grammar's `comment_space`, Python's
/// `str.isspace()`.
fn skip_spaces(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while let Some(&byte) = bytes.get(pos) {
        if byte.is_ascii() {
            if !matches!(byte, b'\t'..=b'\r' | 0x1C..=b' ') {
                break;
            }
            pos += 1;
        } else {
            // `pos` is a char boundary: it only ever moves past whole characters.
            match text[pos..].chars().next() {
                Some(ch) if is_python_space(ch) => pos += ch.len_utf8(),
                _ => break,
            }
        }
    }
    pos
}

/// Where the line containing `pos` ends: at its newline, or at the end of the text.
fn line_end(text: &str, pos: usize) -> usize {
    text[pos..]
        .find('\n')
        .map_or(text.len(), |newline| pos + newline)
}

/// The grammar's `comment_run` starting at `pos` (on a `##`): where it ends, and its comment
/// tokens, one per line, each from its `#` to the end of its line.
fn comment_run(text: &str, pos: usize, file: FileId) -> (usize, Vec<CommentToken<'_>>) {
    let mut tokens = Vec::new();
    let mut start = pos;
    loop {
        let end = line_end(text, start);
        tokens.push(CommentToken {
            text: Cow::Borrowed(&text[start..end]),
            span: Span::new(file, start, end),
        });
        let next = skip_spaces(text, end);
        if !text[next..].starts_with('#') {
            return (end, tokens);
        }
        start = next;
    }
}

/// The value starting at `pos`, parsed by pest.
///
/// Pest is given the text up to the value's closing bracket (as [`value_end`] finds it), so
/// that what it sets up per input (a line index) costs no more than the value. Should that
/// parse fail or stop short, the rest of the file is parsed instead: its result, and any
/// syntax error, are then exactly those of parsing the whole rest.
fn parse_value(text: &str, pos: usize, file: FileId) -> Fallible<Spanned<Value>> {
    let end = value_end(text, pos, file)?;
    let item = match QapiGrammar::parse(Rule::item, &text[pos..end])
        .ok()
        .and_then(|mut pairs| pairs.next())
        .filter(|item| item.as_span().end() == end - pos)
    {
        Some(item) => item,
        None => QapiGrammar::parse(Rule::item, &text[pos..])
            .map_err(|error| syntax_error(&error, text, pos, file))?
            .next()
            .expect("grammar: an item pair"),
    };
    debug_assert_eq!(item.as_rule(), Rule::item);
    let inner = item
        .into_inner()
        .next()
        .expect("grammar: an item holds a comment run or a value");
    if inner.as_rule() == Rule::comment_run {
        unreachable!("grammar: a comment run starts with '##', which the caller lexes");
    }
    build_value(inner, pos, file)
}

/// Where the value starting at `pos` ends: after the bracket that closes its opening bracket
/// (or at the end of the text if none does, or if the value is not an object or array).
/// QAPI strings cannot contain a quote, so quotes toggle string state exactly; a string or
/// comment also ends at the end of its line.
///
/// Rejects values nested deeper than [`MAX_NESTING`], at the first bracket too deep, before
/// pest recurses into them.
fn value_end(text: &str, pos: usize, file: FileId) -> Fallible<usize> {
    let bytes = text.as_bytes();
    if !matches!(bytes.get(pos), Some(b'{' | b'[')) {
        return Ok(text.len());
    }
    let mut depth = 0usize;
    let mut index = pos;
    while index < bytes.len() {
        match bytes[index] {
            b'#' => {
                index = line_end(text, index);
                continue;
            }
            b'\'' => {
                index += 1;
                while index < bytes.len() && !matches!(bytes[index], b'\'' | b'\n') {
                    index += 1;
                }
                if bytes.get(index) == Some(&b'\'') {
                    index += 1;
                }
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(error(
                        Span::new(file, index, index + 1),
                        format!("nesting too deep (more than {MAX_NESTING} levels)"),
                    ));
                }
            }
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(index + 1);
                }
            }
            _ => {}
        }
        index += 1;
    }
    Ok(text.len())
}

/// The span of the token at `pos`, or of the end of the file as QEMU places it: on the final
/// newline.
fn eof_or_token(text: &str, pos: usize, file: FileId) -> Span {
    let at = pos.min(text.len().saturating_sub(1));
    Span::new(file, at, at)
}

/// The run of plain `#` comment lines that ends right above the line starting at `pos`.
fn comment_lines_above(text: &str, pos: usize, file: FileId) -> Vec<CommentToken<'_>> {
    let mut lines = Vec::new();
    let mut line_end = text[..pos].rfind('\n').unwrap_or(0);
    while line_end > 0 {
        let line_start = text[..line_end]
            .rfind('\n')
            .map_or(0, |newline| newline + 1);
        let line = &text[line_start..line_end];
        let indent = line.len() - line.trim_start().len();
        let comment = line.trim_start();
        if !comment.starts_with('#') || comment.starts_with("##") {
            break;
        }
        lines.push(CommentToken {
            text: Cow::Borrowed(comment.trim_end()),
            span: Span::new(
                file,
                line_start + indent,
                line_start + indent + comment.trim_end().len(),
            ),
        });
        line_end = line_start.saturating_sub(1);
        if line_start == 0 {
            break;
        }
    }
    lines.reverse();
    lines
}

/// Builds a value from its pair; rejects duplicate keys as QEMU does, at the duplicate's value.
fn build_value(pair: Pair<'_, Rule>, offset: usize, file: FileId) -> Fallible<Spanned<Value>> {
    let pest_span = pair.as_span();
    let span = Span::new(file, offset + pest_span.start(), offset + pest_span.end());
    let node = match pair.as_rule() {
        Rule::object => Value::Object(build_object(pair, offset, file)?),
        Rule::array => Value::Array(
            pair.into_inner()
                .filter(|child| !is_punctuation(child.as_rule()))
                .map(|child| build_value(child, offset, file))
                .collect::<Fallible<_>>()?,
        ),
        Rule::string => Value::Str(string_text(pair, offset, file)?),
        Rule::boolean => Value::Bool(pair.as_str() == "true"),
        rule => unreachable!("grammar: {rule:?} is not a value"),
    };
    Ok(Spanned::new(node, span))
}

/// `{ KEY: VALUE, ... }` with unique keys.
fn build_object(pair: Pair<'_, Rule>, offset: usize, file: FileId) -> Fallible<Object> {
    debug_assert_eq!(pair.as_rule(), Rule::object);
    let mut object = Object::default();
    for member in pair
        .into_inner()
        .filter(|child| child.as_rule() == Rule::member)
    {
        let mut parts = member
            .into_inner()
            .filter(|child| child.as_rule() != Rule::colon);
        let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
            unreachable!("grammar: a member has a key and a value");
        };
        let key_span = key.as_span();
        let key = Spanned::new(
            string_text(key, offset, file)?,
            Span::new(file, offset + key_span.start(), offset + key_span.end()),
        );
        let value = build_value(value, offset, file)?;
        if object.contains_key(&key.node) {
            return Err(error(value.span, format!("duplicate key '{}'", key.node)));
        }
        object.members.push(ObjectMember { key, value });
    }
    Ok(object)
}

fn is_punctuation(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::lbrace | Rule::rbrace | Rule::lbracket | Rule::rbracket | Rule::colon | Rule::comma
    )
}

/// A string's text with `\\` undone (the only escape QEMU knows); a character outside
/// printable ASCII is QEMU's `funny character in string`, at the opening quote.
fn string_text(string: Pair<'_, Rule>, offset: usize, file: FileId) -> Fallible<String> {
    debug_assert_eq!(string.as_rule(), Rule::string);
    let quoted = string.as_str();
    let inner = &quoted[1..quoted.len() - 1];
    if !inner.bytes().all(|byte| (b' '..=b'~').contains(&byte)) {
        let start = offset + string.as_span().start();
        return Err(error(
            Span::new(file, start, start + quoted.len()),
            "funny character in string",
        ));
    }
    // Most strings have no escape: one exact allocation rather than `replace`'s growing buffer.
    if !inner.contains('\\') {
        return Ok(inner.to_owned());
    }
    Ok(inner.replace("\\\\", "\\"))
}

/// Turns pest's failure into QEMU's error: a lexical error of the token where parsing stopped,
/// or what QEMU says it expected there.
fn syntax_error(
    failure: &pest::error::Error<Rule>,
    text: &str,
    offset: usize,
    file: FileId,
) -> Box<Diagnostic> {
    let pos = offset
        + match failure.location {
            pest::error::InputLocation::Pos(pos) => pos,
            pest::error::InputLocation::Span((start, _)) => start,
        };
    let pos = pos.min(text.len().saturating_sub(1));
    if let Some((at, message)) = first_lex_error(text, offset, pos) {
        return error(Span::new(file, at, at + 1), message);
    }
    let expected: &[Rule] = match &failure.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
        pest::error::ErrorVariant::CustomError { .. } => &[],
    };
    let has = |rule| expected.contains(&rule);
    let message = if has(Rule::colon) {
        "expected ':'"
    } else if has(Rule::comma) && has(Rule::rbrace) {
        "expected ',' or '}'"
    } else if has(Rule::comma) && has(Rule::rbracket) {
        "expected ',' or ']'"
    } else if has(Rule::rbrace) {
        "expected string or '}'"
    } else if has(Rule::rbracket) {
        "expected '{', '[', ']', string, or boolean"
    } else if has(Rule::string) && !has(Rule::lbrace) {
        "expected string"
    } else {
        "expected '{', '[', string, or boolean"
    };
    error(Span::new(file, pos, pos + 1), message)
}

/// The first token from `from` up to and including the one at `to` that QEMU's lexer cannot
/// lex, and why. Strings are skipped token by token; everything else is one character.
fn first_lex_error(text: &str, from: usize, to: usize) -> Option<(usize, String)> {
    let mut pos = from;
    while pos <= to && pos < text.len() {
        let rest = &text[pos..];
        if let Some(message) = lex_error(rest) {
            return Some((pos, message));
        }
        let step = match rest.as_bytes()[0] {
            b'\'' => rest[1..].find('\'').map_or(rest.len(), |close| close + 2),
            b'#' => rest.find('\n').unwrap_or(rest.len()),
            _ if rest.starts_with("true") => 4,
            _ if rest.starts_with("false") => 5,
            _ => rest.chars().next().map_or(1, char::len_utf8),
        };
        pos += step;
    }
    None
}

/// What QEMU's lexer says of the token at the start of `rest`, if it cannot lex it.
fn lex_error(rest: &str) -> Option<String> {
    let mut chars = rest.chars();
    let first = chars.next()?;
    if first == '\'' {
        let mut escaped = false;
        for ch in chars {
            if ch == '\n' {
                return Some("missing terminating \"'\"".to_owned());
            }
            if escaped {
                if ch != '\\' {
                    return Some(format!("unknown escape \\{ch}"));
                }
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
                continue;
            } else if ch == '\'' {
                return None;
            }
            if !(' '..='~').contains(&ch) {
                return Some("funny character in string".to_owned());
            }
        }
        return None;
    }
    let structural =
        |ch: char| "[]{}:,'#".contains(ch) || ch.is_whitespace() || is_python_space(ch);
    if structural(first) || rest.starts_with("true") || rest.starts_with("false") {
        return None;
    }
    let run: String = rest
        .chars()
        .take_while(|&ch| !("[]{}:,'".contains(ch) || is_python_space(ch)))
        .collect();
    Some(format!("stray '{run}'"))
}

/// Python's `str.isspace()`: Unicode white space plus the four ASCII separators.
fn is_python_space(ch: char) -> bool {
    ch.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&ch)
}

/// The C library's words for an I/O error, as QEMU prints them (`No such file or directory`).
fn strerror(error: &io::Error) -> String {
    if error.raw_os_error().is_some() {
        let text = error.to_string();
        return match text.rfind(" (os error ") {
            Some(cut) => text[..cut].to_owned(),
            None => text,
        };
    }
    match error.kind() {
        io::ErrorKind::NotFound => "No such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "Permission denied".to_owned(),
        io::ErrorKind::InvalidData => "not valid UTF-8".to_owned(),
        _ => error.to_string(),
    }
}

/// The absolute form of a path with `.` and `..` resolved by text, as Python's
/// `os.path.abspath` does (no symbolic links are followed).
fn lexical_absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    crate::normalize_lexically(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryFileSystem;

    /// Parses `files[0]` (with the others available to include); returns the parsed schema, or
    /// the first error as `FILE:LINE:COL: MESSAGE`.
    fn parse_files(files: &[(&str, &str)]) -> Result<(ParsedSchema, SourceMap), String> {
        let fs = files
            .iter()
            .fold(MemoryFileSystem::new(), |fs, (path, text)| {
                fs.with_file(*path, *text)
            });
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let parsed = parse_schema(
            &fs,
            Path::new(files[0].0),
            &Options::default(),
            &mut sources,
            &mut diags,
        );
        match parsed {
            Some(parsed) => Ok((parsed, sources)),
            None => {
                let error = diags.iter().find(|d| d.is_error()).expect("an error");
                let at = error.span.map(|span| sources.line_col(span));
                Err(match at {
                    Some(at) => format!(
                        "{}:{}:{}: {}",
                        sources.path(error.span.unwrap().file).display(),
                        at.line,
                        at.col,
                        error.message
                    ),
                    None => error.message.clone(),
                })
            }
        }
    }

    fn parse_one(text: &str) -> Result<ParsedSchema, String> {
        parse_files(&[("t.json", text)]).map(|(parsed, _)| parsed)
    }

    fn first_definition(parsed: &ParsedSchema) -> &Object {
        match &parsed.items[0] {
            TopLevel::Definition(definition) => &definition.expr.node,
            TopLevel::Include(_) => panic!("expected a definition"),
        }
    }

    #[test]
    fn values_of_every_kind() {
        let parsed = parse_one(
            r"{ 'enum': 'E', 'data': [ 'a\\b', { 'name': 'c' } ], 'flag': true, 'off': false }",
        )
        .unwrap();
        let object = first_definition(&parsed);
        assert_eq!(object.get("enum").unwrap().node, Value::Str("E".into()));
        let data = object.get("data").unwrap().node.as_array().unwrap();
        assert_eq!(data[0].node, Value::Str(r"a\b".into()));
        assert_eq!(
            data[1].node.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["c"].map(|_| "name")
        );
        assert_eq!(object.get("flag").unwrap().node, Value::Bool(true));
        assert_eq!(object.get("off").unwrap().node, Value::Bool(false));
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let (parsed, sources) =
            parse_files(&[("t.json", "# c\n{ 'struct': 'S',\n  'data': {} }\n")]).unwrap();
        let TopLevel::Definition(definition) = &parsed.items[0] else {
            panic!("expected a definition");
        };
        let data = &definition.expr.node.members[1];
        assert_eq!(sources.text(data.key.span), "'data'");
        assert_eq!(sources.line_col(data.key.span).line, 3);
        assert_eq!(sources.line_col(definition.expr.span).line, 2);
    }

    #[test]
    fn crlf_and_missing_final_newline_are_accepted() {
        assert!(parse_one("{ 'enum': 'E',\r\n  'data': [] }").is_ok());
    }

    #[test]
    fn syntax_errors_speak_qemus_words_at_qemus_column() {
        let cases = [
            ("{ 'a' 'b' }", "t.json:1:7: expected ':'"),
            ("{ , }", "t.json:1:3: expected string or '}'"),
            ("{ 'a': 'b' 'c' }", "t.json:1:12: expected ',' or '}'"),
            ("{ 'a': 'b', }", "t.json:1:13: expected string"),
            (
                "[ , ]",
                "t.json:1:3: expected '{', '[', ']', string, or boolean",
            ),
            ("[ 'a' 'b' ]", "t.json:1:7: expected ',' or ']'"),
            (
                "{ 'a': }",
                "t.json:1:8: expected '{', '[', string, or boolean",
            ),
            ("{ 'a': 'b' ## x\n}", "t.json:1:12: expected ',' or '}'"),
            ("{ 'a': trueish }", "t.json:1:12: stray 'ish'"),
            ("{ 'a': 12 }", "t.json:1:8: stray '12'"),
            ("{ 'a': null }", "t.json:1:8: stray 'null'"),
            ("{ \"a\": 'b' }", "t.json:1:3: stray '\"a\"'"),
            ("{ 'a': 'b\u{1}' }", "t.json:1:8: funny character in string"),
            (
                "{ 'a': 'caf\u{e9}' }",
                "t.json:1:8: funny character in string",
            ),
            ("{ 'a': 'b\\'' }", "t.json:1:8: unknown escape \\'"),
            ("{ 'a': 'b\n' }", "t.json:1:8: missing terminating \"'\""),
            ("{ 'a': [ 'b' ", "t.json:1:14: expected ',' or ']'"),
            (
                "{ 'a': '\u{7f}', 'b' }",
                "t.json:1:8: funny character in string",
            ),
            (
                "{ 'a': true, 'b': 'x', 'c' 'd' }",
                "t.json:1:28: expected ':'",
            ),
            ("{ 'a': 1, 'a': 2 }", "t.json:1:8: stray '1'"),
            ("{ 'a': 'x',\n  'a': 'y' }", "t.json:2:8: duplicate key 'a'"),
            ("\t\t{ 'enum' 'Foo' }", "t.json:1:10: expected ':'"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_one(text).err().as_deref(), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn no_break_space_outside_strings_is_white_space() {
        assert!(parse_one("{\u{a0}'enum': 'E', 'data': [] }").is_ok());
    }

    #[test]
    fn top_level_values_must_be_objects() {
        assert_eq!(
            parse_one("\n[ 'a' ]").err().as_deref(),
            Some("t.json:2:1: top-level expression must be an object")
        );
    }

    #[test]
    fn value_end_finds_the_closing_bracket() {
        let cases = [
            ("{ 'a': [ { } ] } { }", 16),
            ("[ '#' [ # ] ]\n ] ] [", 18),
            ("{ 'a': '[[[' } ]", 14),
            ("[ 'unterminated ]\n ] [", 20),
            ("{ 'x': { 'y': {} } ## doc }\n}", 29),
            ("[ [ ]", 5),
            ("'a' ]", 5),
            ("true", 4),
        ];
        for (text, expected) in cases {
            assert_eq!(
                value_end(text, 0, FileId(0)).ok(),
                Some(expected),
                "{text:?}"
            );
        }
    }

    /// The lexing done in Rust (`skip_gap`, `comment_run`) agrees with the grammar's `gap`
    /// and `comment_run` rules.
    #[test]
    fn lexing_in_rust_matches_the_grammar() {
        let texts = [
            "",
            "  \n\t{",
            "# plain\n  # plain\n\n{ }",
            "# plain\n## doc\n",
            "\u{a0}\u{2028}\u{1c}\u{1f}\u{b}\u{c}\r # x\n\u{3000}'a'",
            "#\n#\n##",
            "##\n# @a:\n#\n  # indented\n\n\n##\n{ 'enum': 'A' }",
            "## x\n#\u{a0}y\n\u{2029}#z",
            "##\n# a\n  x # not a comment line\n",
            "## trailing",
            "##\n\u{85}# next line\n#",
        ];
        for text in texts {
            let gap = QapiGrammar::parse(Rule::gap, text)
                .unwrap()
                .next()
                .map_or(0, |gap| gap.as_span().end());
            assert_eq!(skip_gap(text, 0), gap, "gap of {text:?}");
            if !text[gap..].starts_with("##") {
                continue;
            }
            let run = QapiGrammar::parse(Rule::comment_run, &text[gap..])
                .unwrap()
                .next()
                .unwrap();
            let (end, tokens) = comment_run(text, gap, FileId(0));
            assert_eq!(end, gap + run.as_span().end(), "run of {text:?}");
            let lines: Vec<&str> = run
                .as_str()
                .split('\n')
                .filter_map(|line| line.find('#').map(|hash| &line[hash..]))
                .collect();
            let texts: Vec<&str> = tokens.iter().map(|token| &*token.text).collect();
            assert_eq!(texts, lines, "tokens of {text:?}");
            for token in &tokens {
                let (start, end) = (token.span.start as usize, token.span.end as usize);
                assert_eq!(&text[start..end], token.text, "span in {text:?}");
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let error = parse_one(&text).unwrap_err();
        assert!(
            error.ends_with("nesting too deep (more than 100 levels)"),
            "{error}"
        );
    }

    #[test]
    fn includes_are_read_once_relative_to_the_includer() {
        let (parsed, sources) = parse_files(&[
            (
                "dir/main.json",
                "{ 'include': 'sub/a.json' }\n{ 'include': 'sub/a.json' }",
            ),
            (
                "dir/sub/a.json",
                "{ 'include': '../b.json' }\n{ 'enum': 'A', 'data': [] }",
            ),
            ("dir/b.json", "{ 'enum': 'B', 'data': [] }"),
        ])
        .unwrap();
        let summary: Vec<String> = parsed
            .items
            .iter()
            .map(|item| match item {
                TopLevel::Include(include) => {
                    format!(
                        "include {} {}",
                        include.path.display(),
                        include.file.is_some()
                    )
                }
                TopLevel::Definition(definition) => format!(
                    "{} in {}",
                    definition
                        .expr
                        .node
                        .get("enum")
                        .unwrap()
                        .node
                        .as_str()
                        .unwrap(),
                    sources.path(definition.expr.span.file).display()
                ),
            })
            .collect();
        assert_eq!(
            summary,
            [
                "include dir/sub/a.json true",
                "include dir/sub/../b.json true",
                "B in dir/sub/../b.json",
                "A in dir/sub/a.json",
                "include dir/sub/a.json false",
            ]
        );
    }

    #[test]
    fn include_errors() {
        let missing = parse_files(&[("t.json", "{ 'include': 'nope.json' }")]);
        assert_eq!(
            missing.err().as_deref(),
            Some("t.json:1:1: can't read include file 'nope.json': No such file or directory")
        );
        let looped = parse_files(&[
            ("a.json", "{ 'include': 'b.json' }"),
            ("b.json", "\n{ 'include': 'a.json' }"),
        ]);
        assert_eq!(
            looped.err().as_deref(),
            Some("b.json:2:1: inclusion loop for a.json")
        );
        for (text, expected) in [
            ("{ 'include': 'a', 'x': 1 }", "t.json:1:24: stray '1'"),
            (
                "{ 'include': 'a', 'x': 'y' }",
                "t.json:1:1: invalid 'include' directive",
            ),
            (
                "{ 'include': [] }",
                "t.json:1:1: value of 'include' must be a string",
            ),
        ] {
            assert_eq!(parse_one(text).err().as_deref(), Some(expected));
        }
    }

    #[test]
    fn pragmas_are_schema_wide_and_later_values_replace_earlier() {
        let parsed = parse_one(
            "{ 'pragma': { 'command-name-exceptions': [ 'a' ] } }
{ 'pragma': { 'command-name-exceptions': [ 'b' ], 'doc-required': true } }",
        )
        .unwrap();
        assert_eq!(parsed.pragmas.command_name_exceptions, ["b"]);
        assert!(parsed.pragmas.doc_required);
    }

    #[test]
    fn pragma_errors() {
        for (text, expected) in [
            ("{ 'pragma': {}, 'x': 'y' }", "invalid 'pragma' directive"),
            ("{ 'pragma': [] }", "value of 'pragma' must be an object"),
            (
                "{ 'pragma': { 'doc-required': 'yes' } }",
                "pragma 'doc-required' must be boolean",
            ),
            (
                "{ 'pragma': { 'member-name-exceptions': [ true ] } }",
                "pragma member-name-exceptions must be a list of strings",
            ),
            ("{ 'pragma': { 'bogus': [] } }", "unknown pragma 'bogus'"),
        ] {
            assert_eq!(
                parse_one(text).err().as_deref(),
                Some(format!("t.json:1:1: {expected}").as_str())
            );
        }
    }

    #[test]
    fn legacy_mode_recovers_a_doc_block_without_its_opening_line() {
        let text = "# @Foo:\n#\n# A doc.\n##\n{ 'enum': 'Foo', 'data': [] }\n";
        assert_eq!(
            parse_one(text).err().as_deref(),
            Some("t.json:5:1: documentation comment must end with '##'")
        );
        let fs = MemoryFileSystem::new().with_file("t.json", text);
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let options = Options { legacy: true };
        let parsed =
            parse_schema(&fs, Path::new("t.json"), &options, &mut sources, &mut diags).unwrap();
        assert_eq!(parsed.docs.len(), 1);
        assert_eq!(parsed.docs[0].symbol.as_ref().unwrap().node, "Foo");
        let warning = diags.iter().next().unwrap();
        assert_eq!(warning.message, "doc comment lacks its opening '##' line");
        assert_eq!(sources.line(warning.span.unwrap()), 1);
    }

    #[test]
    fn unreadable_root_file() {
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let parsed = parse_schema(
            &MemoryFileSystem::new(),
            Path::new("missing.json"),
            &Options::default(),
            &mut sources,
            &mut diags,
        );
        assert!(parsed.is_none());
        assert_eq!(
            diags.iter().next().unwrap().message,
            "can't read schema file 'missing.json': No such file or directory"
        );
    }
}
