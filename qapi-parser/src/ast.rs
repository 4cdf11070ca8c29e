//! The syntax tree: the schema text as written, every node with its span.
//!
//! A QAPI schema is a sequence of JSON-like values (QEMU's dialect: single-quoted strings,
//! `true`/`false`, objects, arrays) plus doc comments and directives. The tree keeps the values
//! generic, exactly as written and in source order; the checks in [`crate::check`] give them
//! meaning, as QEMU's `expr.py` and `schema.py` do with the dicts its parser builds.

use crate::doc::Doc;
use crate::span::{FileId, Span, Spanned};
use std::path::PathBuf;

/// A value in QEMU's JSON dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Object(Object),
    Array(Vec<Spanned<Value>>),
    Str(String),
    Bool(bool),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Spanned<Value>]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    /// Python's truthiness, which some of QEMU's checks use (`'data' must not be empty`).
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Object(object) => !object.members.is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Str(text) => !text.is_empty(),
            Value::Bool(flag) => *flag,
        }
    }

    /// The value as Python's `repr` prints it, which QEMU's messages and dump use.
    pub fn python_repr(&self) -> String {
        let mut out = String::new();
        self.write_python_repr(&mut out);
        out
    }

    fn write_python_repr(&self, out: &mut String) {
        match self {
            Value::Str(text) => write_python_str(out, text),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    item.node.write_python_repr(out);
                }
                out.push(']');
            }
            Value::Object(object) => {
                out.push('{');
                for (index, member) in object.members.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    write_python_str(out, &member.key.node);
                    out.push_str(": ");
                    member.value.node.write_python_repr(out);
                }
                out.push('}');
            }
        }
    }
}

/// Python's `repr` of a string made of printable ASCII (all a QAPI string can hold): single
/// quotes unless the text contains one, backslashes doubled.
pub fn write_python_str(out: &mut String, text: &str) {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' if quote == '\'' => out.push_str("\\'"),
            _ => out.push(ch),
        }
    }
    out.push(quote);
}

/// A JSON object: members in source order. Keys are unique (the parser rejects duplicates).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Object {
    pub members: Vec<ObjectMember>,
}

/// `KEY: VALUE` in an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMember {
    pub key: Spanned<String>,
    pub value: Spanned<Value>,
}

impl Object {
    pub fn get(&self, key: &str) -> Option<&Spanned<Value>> {
        self.members
            .iter()
            .find(|member| member.key.node == key)
            .map(|member| &member.value)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|member| member.key.node.as_str())
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

/// One top-level item of the schema, include directives spliced in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TopLevel {
    Definition(Definition),
    Include(IncludeDirective),
}

/// A top-level object that is not a directive: one of the six definitions (or a malformed
/// one, which the checks reject). Its span is the object's, starting at `{`, which is where
/// QEMU locates errors about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub expr: Spanned<Object>,
    /// Index into [`ParsedSchema::docs`] of the doc comment right before it.
    pub doc: Option<usize>,
}

/// `{ 'include': 'FILE' }`. QEMU records the directive even when the file was parsed before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncludeDirective {
    pub span: Span,
    /// The path joined to the including file's directory, as QEMU joins it.
    pub path: PathBuf,
    /// The file, or `None` when it had already been included and was skipped.
    pub file: Option<FileId>,
}

/// The schema-wide state of the `pragma` directives. A later pragma with the same key
/// replaces the earlier value, wherever it stands, as in QEMU.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pragmas {
    pub doc_required: bool,
    pub command_name_exceptions: Vec<String>,
    pub command_returns_exceptions: Vec<String>,
    pub member_name_exceptions: Vec<String>,
    pub documentation_exceptions: Vec<String>,
}

/// The result of parsing a schema and the files it includes.
#[derive(Debug)]
pub struct ParsedSchema {
    pub root: FileId,
    pub items: Vec<TopLevel>,
    /// Every doc comment block, in parse order (free-form ones included).
    pub docs: Vec<Doc>,
    pub pragmas: Pragmas,
}
