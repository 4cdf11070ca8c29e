//! Source files and positions in them.
//!
//! Every node of the AST carries a [`Span`]: the file it came from and a byte range in that
//! file's (newline-normalised) text. Lines and columns are computed only when a diagnostic is
//! rendered, with QEMU's rules, so that our positions read exactly like QEMU's.

use std::path::{Path, PathBuf};

/// Identifies one file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub(crate) u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The empty span at this span's start.
    pub fn head(self) -> Span {
        Span {
            end: self.start,
            ..self
        }
    }

    /// The smallest span covering both (which must be in one file).
    pub fn to(self, other: Span) -> Span {
        debug_assert_eq!(self.file, other.file);
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A value and where it was written. Equality ignores the position, so AST tests can compare
/// trees built by hand with parsed ones.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Spanned<T> {
        Spanned { node, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Spanned<T> {}

/// A line and column, both 1-based, as QEMU counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

/// One schema file as read.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it, or as QEMU joins an include to its includer's directory.
    pub path: PathBuf,
    /// The text after QEMU's normalisation: universal newlines and a final newline.
    pub text: String,
    /// Where the `include` directive that brought this file in stands, if it was included.
    pub included_from: Option<Span>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// The text of the 1-based line `line`, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches('\n')
    }

    /// The byte offset where the 1-based line `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line - 1]
    }

    /// Line and column of a byte offset. The column follows QEMU's tab rule
    /// (`col = (col + 7) % 8 + 1` for a tab), which is not "next tab stop": QEMU reports
    /// two leading tabs then `{` at column 10.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(index) => index,
            Err(index) => index - 1,
        };
        let mut col = 1;
        for ch in self.text[self.line_starts[line_index]..offset].chars() {
            col = if ch == '\t' {
                (col + 7) % 8 + 1
            } else {
                col + 1
            };
        }
        LineCol {
            line: line_index + 1,
            col,
        }
    }
}

/// Normalises schema text as Python's universal-newline reading does (`\r\n` and a lone `\r`
/// become `\n`), then appends a final newline when there is none, as QEMU's parser does.
pub fn normalize_text(raw: &str) -> String {
    if !raw.contains('\r') {
        let mut text = String::with_capacity(raw.len() + 1);
        text.push_str(raw);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        return text;
    }
    let mut text = String::with_capacity(raw.len() + 1);
    let mut chars = raw.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            text.push('\n');
        } else {
            text.push(ch);
        }
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// All files read for one schema, in the order they were read.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file; `text` is normalised here.
    pub fn add(&mut self, path: PathBuf, raw_text: &str, included_from: Option<Span>) -> FileId {
        let text = normalize_text(raw_text);
        let mut line_starts = vec![0];
        // `match_indices` of a char finds each newline with memchr rather than byte by byte.
        line_starts.extend(
            text.match_indices('\n')
                .map(|(index, _)| index + 1)
                .filter(|&start| start < text.len()),
        );
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            path,
            text,
            included_from,
            line_starts,
        });
        id
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(index as u32), file))
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.file(id).path
    }

    /// The text a span covers.
    pub fn text(&self, span: Span) -> &str {
        &self.file(span.file).text[span.start as usize..span.end as usize]
    }

    pub fn line_col(&self, span: Span) -> LineCol {
        self.file(span.file).line_col(span.start as usize)
    }

    /// The 1-based line a span starts on.
    pub fn line(&self, span: Span) -> usize {
        self.line_col(span).line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn universal_newlines_and_final_newline() {
        assert_eq!(normalize_text("a\r\nb\rc"), "a\nb\nc\n");
        assert_eq!(normalize_text(""), "\n");
        assert_eq!(normalize_text("x\n"), "x\n");
    }

    #[test]
    fn columns_follow_qemus_tab_rule() {
        let mut map = SourceMap::new();
        let id = map.add("t.json".into(), "\n\t\t{ 'enum' 'Foo'", None);
        let file = map.file(id);
        let brace = file.text.find('{').unwrap();
        let name = file.text.find("'Foo'").unwrap();
        assert_eq!(file.line_col(brace), LineCol { line: 2, col: 1 });
        assert_eq!(file.line_col(name), LineCol { line: 2, col: 10 });
        assert_eq!(file.line_text(2), "\t\t{ 'enum' 'Foo'");
    }
}
