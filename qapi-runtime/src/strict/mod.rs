//! Strict decoding of command arguments, as QEMU's QObject input visitor decodes them.
//!
//! A server (an agent built on generated code) decodes each command's `arguments` with
//! [`from_arguments`] and answers a failure with the returned [`QapiError`], a `GenericError`
//! whose description is the one QEMU 7.2 and 10 give for the same input:
//!
//! | Input | Description |
//! |---|---|
//! | a required member absent | `Parameter 'id' is missing` |
//! | a member the type lacks | `Parameter 'extra' is unexpected` |
//! | a value of the wrong JSON type | `Invalid parameter type for 'id', expected: integer` |
//! | a list element of the wrong type | `Invalid parameter type for 'arg[0]', expected: string` |
//! | a string that is no value of the enum | `Parameter 'whence' does not accept value 'bogus'` |
//! | an `int8`..`int32`, `uint8`..`uint32` out of range | `Parameter 'x' expects uint8_t` |
//! | a `uint64` or `size` that is no integer | `Parameter 'x' expects uint64` |
//! | an alternate given a JSON type it has no branch for | `Invalid parameter type for 'x', expected: Alt` |
//!
//! Nested values are named as QEMU's `full_name()` does: `vcpus[0].logical-id`. As in QEMU, the
//! range check, the enum check and the alternate check name the value by its own member name
//! alone (`null` for a list element).
//!
//! # What is checked, and when
//!
//! The generated `Deserialize` impls are lenient by themselves (clients rely on that); the
//! strictness is this module's deserializer's (see `qapi_gen_codegen`'s `emit::de`):
//!
//! - members are decoded in schema order (the `fields` list given to `deserialize_struct`), so
//!   the first mistyped or absent member in that order is reported, as QEMU does; members the
//!   type skips and members the list lacks are reported as unexpected only after every known
//!   member decoded, the first in input order (QEMU takes the first of a hash table, an order
//!   no client can rely on);
//! - an enum takes only the values given to `deserialize_enum`; `int` takes integers that fit
//!   `int64` (so `1.5` and `18446744073709551615` are refused as "expected: integer");
//!   `uint64` and `size` also take negative integers, wrapped around, as QEMU does for
//!   backward compatibility; `number` takes any number;
//! - an optional member given `null` is present and decoded as its type, so it is refused
//!   unless the type is `null`, `any` or an alternate with a `null` branch.
//!
//! # Known differences from QEMU
//!
//! - An alternate is decoded with `deserialize_any`, which carries no type name. Its QAPI
//!   name is taken from the generated visitor's `expecting` text (`NAME (…)`). A string is
//!   decoded by this deserializer (the generated code asks for the alternate as a newtype
//!   struct, and the deserializer handed to its visitor offers a string as an enum's unit
//!   variant), so an enum branch is checked against its values as QEMU checks them. Other
//!   branches are decoded by serde's own value deserializers, not this one: a `uint64` branch
//!   refuses negative integers, and the members of an object branch are decoded in input
//!   order.
//! - Only generated types should be decoded: a hand-written newtype struct whose inner type
//!   calls `deserialize_any` and has no `visit_enum` (`serde_json::Value`) refuses a string,
//!   since its deserializer offers strings as enum variants.
//! - A union's branch members given before the discriminator are kept by the generated code
//!   and decoded later through `serde_json`, leniently: a wrong type gets `serde_json`'s message
//!   (`invalid type: string "1", expected i64`) and another branch's member is not reported.
//!   This only happens inside an alternate's object branch, since elsewhere the discriminator
//!   (a base member, so listed first) is always given before the branch members.
//! - Arrays and objects nested deeper than 128 levels are refused
//!   (`Parameter 'a[0]…' nests more than 128 levels deep`), where QEMU's own JSON parser
//!   allows 1024; `serde_json` and the agent's framing refuse such input before it gets here.

mod de;
mod error;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::QapiError;
use error::{Error, ErrorKind};

/// Decodes a command's `arguments` object as QEMU's QObject input visitor does, with QEMU's
/// error messages (GenericError class).
///
/// `T` is a generated arguments type (or any type whose `Deserialize` asks for exactly what it
/// takes); see the [module documentation](self) for what is checked.
pub fn from_arguments<T: DeserializeOwned>(arguments: Map<String, Value>) -> Result<T, QapiError> {
    let arguments = Value::Object(arguments);
    de::decode(&arguments).map_err(|error| QapiError::generic(error.to_string()))
}

/// For a command without arguments: any member is "Parameter 'X' is unexpected".
///
/// The first member in input order is named.
pub fn no_arguments(arguments: &Map<String, Value>) -> Result<(), QapiError> {
    match arguments.keys().next() {
        Some(key) => Err(QapiError::generic(
            Error::new(ErrorKind::Unexpected(key.clone())).to_string(),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
