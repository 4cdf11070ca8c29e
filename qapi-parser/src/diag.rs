//! Diagnostics: what every stage reports, and how it is shown.
//!
//! A diagnostic carries a span, not a line: the line and column are computed when it is
//! rendered, with QEMU's counting rules (see [`crate::span`]). The text form follows QEMU's
//! (`In file included from …`, `FILE: In struct 'Foo':`, `FILE:LINE:COL: error: MESSAGE`), so
//! tools and people that know QEMU's messages find the same facts at the same place; a source
//! snippet follows.

use crate::span::{SourceMap, Span};
use serde::Serialize;
use std::fmt::Write as _;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary location attached to a diagnostic (QEMU's "previous definition").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub message: String,
    pub span: Span,
    pub context: Option<String>,
}

/// One finding about a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// QEMU's words; may span several lines (`… has unknown key 'x'\nValid keys are …`).
    pub message: String,
    /// Where it is; `None` only when there is no source to point at (an unreadable root file).
    pub span: Option<Span>,
    /// The definition being checked, as QEMU names it: `In struct 'Foo':`.
    pub context: Option<String>,
    /// The exact node at fault, when it is not where QEMU locates the error: QEMU reports
    /// member errors at the line of the definition's `{`, and so do we, but the snippet then
    /// shows this node.
    pub focus: Option<Span>,
    pub notes: Vec<Note>,
}

/// What a check that stops at its first error returns, as QEMU's generator does.
pub type Fallible<T> = Result<T, Box<Diagnostic>>;

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, Some(span), message.into())
    }

    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, Some(span), message.into())
    }

    /// An error with no position, such as an unreadable root schema file.
    pub fn global_error(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, None, message.into())
    }

    fn new(severity: Severity, span: Option<Span>, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            message,
            span,
            context: None,
            focus: None,
            notes: Vec::new(),
        }
    }

    /// Sets the `In META 'NAME':` context, unless one is set already.
    pub fn with_context(mut self, context: Option<&str>) -> Diagnostic {
        if self.context.is_none() {
            self.context = context.map(str::to_owned);
        }
        self
    }

    /// Points the snippet at the exact node at fault (see [`Diagnostic::focus`]).
    pub fn with_focus(mut self, focus: Span) -> Diagnostic {
        self.focus = Some(focus);
        self
    }

    pub fn with_note(mut self, note: Note) -> Diagnostic {
        self.notes.push(note);
        self
    }

    /// This diagnostic as a warning: how legacy mode reports rules old schemas predate.
    pub fn into_warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The text form: QEMU's header lines, then a snippet of the source.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let Some(span) = self.span else {
            let _ = writeln!(out, "{}: {}", self.severity.as_str(), self.message);
            return out;
        };
        render_include_chain(&mut out, sources, span);
        let path = sources.path(span.file).display();
        if let Some(context) = &self.context {
            let _ = writeln!(out, "{path}: {context}");
        }
        let at = sources.line_col(span);
        let _ = writeln!(
            out,
            "{path}:{}:{}: {}: {}",
            at.line,
            at.col,
            self.severity.as_str(),
            self.message
        );
        render_snippet(&mut out, sources, self.focus.unwrap_or(span));
        for note in &self.notes {
            let path = sources.path(note.span.file).display();
            if let Some(context) = &note.context {
                let _ = writeln!(out, "{path}: {context}");
            }
            let at = sources.line_col(note.span);
            let _ = writeln!(out, "{path}:{}:{}: note: {}", at.line, at.col, note.message);
            render_snippet(&mut out, sources, note.span);
        }
        out
    }

    /// The machine-readable form (`--format json`).
    pub fn to_record(&self, sources: &SourceMap) -> DiagnosticRecord {
        let location = |span: Span| {
            let at = sources.line_col(span);
            Location {
                file: sources.path(span.file).display().to_string(),
                line: at.line,
                column: at.col,
            }
        };
        let mut included_from = Vec::new();
        if let Some(span) = self.span {
            let mut current = sources.file(span.file).included_from;
            while let Some(include) = current {
                included_from.push(location(include));
                current = sources.file(include.file).included_from;
            }
            included_from.reverse();
        }
        DiagnosticRecord {
            severity: self.severity,
            message: self.message.clone(),
            location: self.span.map(location),
            context: self.context.clone(),
            included_from,
            notes: self
                .notes
                .iter()
                .map(|note| NoteRecord {
                    message: note.message.clone(),
                    location: location(note.span),
                    context: note.context.clone(),
                })
                .collect(),
        }
    }
}

/// `In file included from F:L:` lines, outermost first, as QEMU prints them.
fn render_include_chain(out: &mut String, sources: &SourceMap, span: Span) {
    let mut chain = Vec::new();
    let mut current = sources.file(span.file).included_from;
    while let Some(include) = current {
        chain.push(include);
        current = sources.file(include.file).included_from;
    }
    for include in chain.iter().rev() {
        let _ = writeln!(
            out,
            "In file included from {}:{}:",
            sources.path(include.file).display(),
            sources.line(*include)
        );
    }
}

/// The source line under a diagnostic with a caret under the span's first line.
fn render_snippet(out: &mut String, sources: &SourceMap, span: Span) {
    let file = sources.file(span.file);
    let at = file.line_col(span.start as usize);
    let line_text = file.line_text(at.line);
    let line_start = file.line_start(at.line);
    let start_in_line = (span.start as usize).saturating_sub(line_start);
    let end_in_line = (span.end as usize)
        .saturating_sub(line_start)
        .min(line_text.len())
        .max(start_in_line);
    // Pad with the line's own tabs so the caret lines up in any terminal.
    let pad: String = line_text
        .get(..start_in_line)
        .unwrap_or("")
        .chars()
        .map(|ch| if ch == '\t' { '\t' } else { ' ' })
        .collect();
    let width = line_text
        .get(start_in_line..end_in_line)
        .map_or(1, |text| text.chars().count().max(1));
    let number = at.line.to_string();
    let gutter = " ".repeat(number.len());
    let _ = writeln!(out, "{gutter} |");
    let _ = writeln!(out, "{number} | {line_text}");
    let _ = writeln!(out, "{gutter} | {pad}{}", "^".repeat(width));
}

/// A position in the JSON form.
#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// A note in the JSON form.
#[derive(Clone, Debug, Serialize)]
pub struct NoteRecord {
    pub message: String,
    pub location: Location,
    pub context: Option<String>,
}

/// One diagnostic in the JSON form: a flat record for CI tools.
#[derive(Clone, Debug, Serialize)]
pub struct DiagnosticRecord {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub context: Option<String>,
    /// The include directives that led to the file, outermost first.
    pub included_from: Vec<Location>,
    pub notes: Vec<NoteRecord>,
}

/// Where checks put what they find. Warnings accumulate; an error usually ends its phase.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Reports a rule that legacy mode relaxes: a warning when `legacy`, else an error.
    pub fn push_legacy(&mut self, legacy: bool, diagnostic: Diagnostic) {
        if legacy {
            self.items.push(diagnostic.into_warning());
        } else {
            self.items.push(diagnostic);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}
