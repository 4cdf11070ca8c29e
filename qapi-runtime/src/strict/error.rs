//! The strict deserializer's error: what went wrong, and where, in QEMU's words.
//!
//! QEMU names the place of an error in two ways, and this module keeps both. Most messages use
//! the *full name* of the value (`full_name()` in `qobject-input-visitor.c`): struct members
//! joined with `.`, list elements as `[N]`, e.g. `vcpus[0].logical-id`. The checks in
//! `qapi-visit-core.c` and in generated alternate visitors (integer ranges, enum values, an
//! alternate given a JSON type it has no branch for) use the *plain name* the value was visited
//! with: the member's own name, or `null` for a list element.
//!
//! An [`Error`] is made where the problem is found, knowing only its own level; the full name
//! is completed as the error travels up through the containers ([`Error::inside`]), so no
//! container needs to know its path while it is being decoded.

use std::fmt;

use serde::de;

/// One step of the path from the arguments object down to a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    /// A member of an object, by its wire name.
    Member(String),
    /// An element of a list, by its index.
    Index(usize),
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// A required member is absent: `Parameter 'FULL.MEMBER' is missing`.
    Missing(String),
    /// A member no schema member matches, or that the decoded type skipped:
    /// `Parameter 'FULL.MEMBER' is unexpected`.
    Unexpected(String),
    /// The value has the wrong JSON type: `Invalid parameter type for 'FULL', expected: TYPE`.
    InvalidType(String),
    /// An alternate has no branch for the value's JSON type:
    /// `Invalid parameter type for 'NAME', expected: ALTERNATE`.
    AlternateMismatch { name: String, alternate: String },
    /// A number `uint64` cannot take: `Parameter 'FULL' expects uint64`.
    Expects(&'static str),
    /// An integer outside the range of its type: `Parameter 'NAME' expects uint8_t`.
    OutOfRange { name: String, c_type: &'static str },
    /// A string that is not a value of the enum:
    /// `Parameter 'NAME' does not accept value 'VALUE'`.
    BadEnumValue { name: String, value: String },
    /// An element the list's visitor left unread: `Only N list elements expected in FULL`.
    ListTooLong(usize),
    /// The value nests deeper than the deserializer follows.
    TooDeep(usize),
    /// A message from code other than this deserializer, kept as it was written.
    Custom(String),
    /// An error serde's own deserializers or a visitor raised through `de::Error`, not yet
    /// turned into QEMU's words; see [`Error::place`].
    Raw(RawKind),
}

/// A `de::Error` constructor's arguments, as rendered text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// `invalid_type(unexpected, expected)`: the value's JSON type, what the visitor wanted.
    InvalidType { expected: String },
    /// `invalid_value(unexpected, expected)`, from serde's integer visitors when a number does
    /// not fit their type (`expected` is then the Rust type, e.g. `u8`).
    InvalidValue { expected: String },
    /// `unknown_variant(variant, expected)`: an enum value the visitor refused.
    UnknownVariant { value: String },
}

/// An error of the strict deserializer: a kind, and where it happened.
///
/// It is boxed so that the `Result`s passed around during decoding stay one word wide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Error(Box<Inner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    /// The path from the value where the error happened up to the arguments object, innermost
    /// first (it grows as the error travels up).
    path: Vec<Segment>,
    /// For each object with a member list the error passed through, innermost first: the
    /// object's number in decoding order and the position in that list of the member whose
    /// value failed. See `super::de` for why QEMU's order needs them.
    members: Vec<(usize, usize)>,
    /// For [`ErrorKind::Missing`]: the number of the object that found the member missing and
    /// the member's position in its list, if listed.
    origin: Option<(usize, Option<usize>)>,
}

impl Error {
    /// An error of kind `kind` at the value being decoded.
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(Inner {
            kind,
            path: Vec::new(),
            members: Vec::new(),
            origin: None,
        }))
    }

    /// `Invalid parameter type for 'FULL', expected: TYPE`.
    pub(crate) fn invalid_type_for(expected: &str) -> Error {
        Error::new(ErrorKind::InvalidType(expected.to_owned()))
    }

    /// The error, seen from the container holding the value it happened at: `segment` names
    /// that value within the container.
    pub(crate) fn inside(mut self, segment: Segment) -> Error {
        self.0.path.push(segment);
        self
    }

    /// Records that the error happened while decoding member number `position` of the
    /// `ordinal`th object.
    pub(crate) fn at_member(mut self, ordinal: usize, position: usize) -> Error {
        self.0.members.push((ordinal, position));
        self
    }

    /// Records, on a missing-member error coming out of the `ordinal`th object, which object
    /// found it and where the member is in that object's list.
    /// Errors that came up through a member or element of the object are left alone: they
    /// were found by an object (or an alternate's object branch) inside it.
    pub(crate) fn found_by_object(mut self, ordinal: usize, fields: &[&str]) -> Error {
        if !self.0.path.is_empty() {
            return self;
        }
        if let (ErrorKind::Missing(member), None) = (&self.0.kind, self.0.origin) {
            let position = fields.iter().position(|field| field == member);
            self.0.origin = Some((ordinal, position));
        }
        self
    }

    /// The (object, member position) pairs the error passed through, outermost first.
    pub(crate) fn members_outermost_first(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.0.members.iter().rev().copied()
    }

    /// Whether this is a missing-member error found by object `ordinal` for a member listed
    /// before position `position`.
    pub(crate) fn is_missing_before(&self, ordinal: usize, position: usize) -> bool {
        matches!(self.0.kind, ErrorKind::Missing(_))
            && matches!(self.0.origin, Some((found, Some(at))) if found == ordinal && at < position)
    }

    /// Turns an error a visitor or one of serde's deserializers raised through `de::Error`
    /// into QEMU's words, now that the value it is about is known: `name` is the plain name
    /// the value was visited with, `alternate_context` whether the visitor was asked to take
    /// any JSON type (an alternate's), and `fraction` whether the value is a number with a
    /// fraction or exponent. Errors already in QEMU's words are returned unchanged.
    pub(crate) fn place(
        self,
        name: Option<&str>,
        alternate_context: bool,
        fraction: bool,
    ) -> Error {
        let ErrorKind::Raw(raw) = &self.0.kind else {
            return self;
        };
        let plain = name.unwrap_or("null").to_owned();
        let kind = match raw {
            RawKind::InvalidType { expected } => match alternate_name(expected) {
                // QEMU visits a number with the alternate's integer branch, which refuses
                // a fraction as any integer member does.
                Some(_) if alternate_context && fraction && expected.contains("an integer") => {
                    ErrorKind::InvalidType("integer".to_owned())
                }
                Some(alternate) if alternate_context => ErrorKind::AlternateMismatch {
                    name: plain,
                    alternate: alternate.to_owned(),
                },
                _ => ErrorKind::InvalidType(expected.clone()),
            },
            RawKind::InvalidValue { expected } => match expected.as_str() {
                // An integer visitor for `int` given an unsigned number beyond `i64`:
                // QEMU's `qnum_get_try_int` fails the same way.
                "i64" => ErrorKind::InvalidType("integer".to_owned()),
                "u64" => ErrorKind::Expects("uint64"),
                other => match c_integer_type(other) {
                    Some(c_type) => ErrorKind::OutOfRange {
                        name: plain,
                        c_type,
                    },
                    None => ErrorKind::InvalidType(other.to_owned()),
                },
            },
            RawKind::UnknownVariant { value } => ErrorKind::BadEnumValue {
                name: plain,
                value: value.clone(),
            },
        };
        let mut inner = self.0;
        inner.kind = kind;
        Error(inner)
    }

    /// The full name of the value the error is at, followed by `member` if given, as QEMU's
    /// `full_name()` writes it.
    fn full_name(&self, member: Option<&str>) -> String {
        let mut name = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Member(key) => {
                    if !name.is_empty() {
                        name.push('.');
                    }
                    name.push_str(key);
                }
                Segment::Index(index) => {
                    name.push('[');
                    name.push_str(&index.to_string());
                    name.push(']');
                }
            }
        }
        if let Some(member) = member {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(member);
        }
        if name.is_empty() {
            name.push_str("<anonymous>");
        }
        name
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ErrorKind::Missing(member) => {
                write!(f, "Parameter '{}' is missing", self.full_name(Some(member)))
            }
            ErrorKind::Unexpected(member) => {
                write!(
                    f,
                    "Parameter '{}' is unexpected",
                    self.full_name(Some(member))
                )
            }
            ErrorKind::InvalidType(expected) => write!(
                f,
                "Invalid parameter type for '{}', expected: {expected}",
                self.full_name(None)
            ),
            ErrorKind::AlternateMismatch { name, alternate } => {
                write!(
                    f,
                    "Invalid parameter type for '{name}', expected: {alternate}"
                )
            }
            ErrorKind::Expects(c_type) => {
                write!(f, "Parameter '{}' expects {c_type}", self.full_name(None))
            }
            ErrorKind::OutOfRange { name, c_type } => {
                write!(f, "Parameter '{name}' expects {c_type}")
            }
            ErrorKind::BadEnumValue { name, value } => {
                write!(f, "Parameter '{name}' does not accept value '{value}'")
            }
            ErrorKind::ListTooLong(count) => {
                write!(
                    f,
                    "Only {count} list elements expected in {}",
                    self.full_name(None)
                )
            }
            ErrorKind::TooDeep(limit) => write!(
                f,
                "Parameter '{}' nests more than {limit} levels deep",
                self.full_name(None)
            ),
            ErrorKind::Custom(message) => f.write_str(message),
            ErrorKind::Raw(RawKind::InvalidType { expected })
            | ErrorKind::Raw(RawKind::InvalidValue { expected }) => write!(
                f,
                "Invalid parameter type for '{}', expected: {expected}",
                self.full_name(None)
            ),
            ErrorKind::Raw(RawKind::UnknownVariant { value }) => write!(
                f,
                "Parameter '{}' does not accept value '{value}'",
                self.full_name(None)
            ),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error::new(ErrorKind::Custom(message.to_string()))
    }

    fn invalid_type(_unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Error {
        Error::new(ErrorKind::Raw(RawKind::InvalidType {
            expected: expected.to_string(),
        }))
    }

    fn invalid_value(_unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Error {
        Error::new(ErrorKind::Raw(RawKind::InvalidValue {
            expected: expected.to_string(),
        }))
    }

    fn unknown_variant(variant: &str, _expected: &'static [&'static str]) -> Error {
        Error::new(ErrorKind::Raw(RawKind::UnknownVariant {
            value: variant.to_owned(),
        }))
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Error {
        Error::new(ErrorKind::Unexpected(field.to_owned()))
    }

    fn missing_field(field: &'static str) -> Error {
        Error::new(ErrorKind::Missing(field.to_owned()))
    }
}

/// The QAPI name of an alternate, from what its generated visitor says it expects:
/// `GuestFileWhence (an integer or a string)` gives `GuestFileWhence`.
fn alternate_name(expected: &str) -> Option<&str> {
    let (name, rest) = expected.split_once(" (")?;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    (is_name && rest.ends_with(')')).then_some(name)
}

/// The C type QEMU names in its range check for the integer type serde's visitor names.
fn c_integer_type(rust_type: &str) -> Option<&'static str> {
    Some(match rust_type {
        "i8" => "int8_t",
        "i16" => "int16_t",
        "i32" => "int32_t",
        "u8" => "uint8_t",
        "u16" => "uint16_t",
        "u32" => "uint32_t",
        _ => return None,
    })
}
