//! The deserializer: a `serde_json::Value` walked as QEMU's QObject input visitor walks a
//! QObject.
//!
//! # Order
//!
//! QEMU's generated visitors visit an object's members in schema order, each member's value
//! being checked when it is visited, and only then look for members nobody asked for
//! (`visit_check_struct`). Generated `Deserialize` impls instead take members in whatever order
//! the `MapAccess` gives them and check for missing ones at the end. Two things reconcile them:
//!
//! - [`StructAccess`] gives the members in the order of the `fields` list passed to
//!   `deserialize_struct` (schema order), never gives a key the list lacks, and after the
//!   visitor is done reports the first member (in input order) that was not given or whose
//!   value the visitor skipped with `deserialize_ignored_any`;
//! - a required member that is absent is found by the visitor only after every present member
//!   was decoded. When a member's value fails, QEMU would instead have stopped at an absent
//!   required member listed before it. [`decode`] finds out by decoding once more with that
//!   object cut short before the failing member: if its visitor then reports a member missing
//!   that comes earlier in the list, that is QEMU's error. Decoding is deterministic, so the
//!   second run reaches the same object (counted in decoding order) with the same members
//!   before it; it is done once per object on the failing path, outermost first, and only
//!   when decoding fails.
//!
//! # Depth
//!
//! Decoding recurses once per nested array or object, as the generated impls do. Values
//! deeper than [`MAX_DEPTH`] are refused rather than risking the stack; the agent's framing
//! already bounds nesting, and `serde_json`'s own parser refuses more than 128 levels.

use std::cell::Cell;
use std::collections::HashMap;

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use serde_json::Value;

use super::error::{Error, ErrorKind, Segment};

/// The deepest nesting of arrays and objects decoded, counting the arguments object.
pub(crate) const MAX_DEPTH: usize = 128;

/// Decodes `value` as `T`, reporting the error QEMU would report first.
pub(crate) fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, Error> {
    let error = match run::<T>(value, None) {
        Ok(decoded) => return Ok(decoded),
        Err(error) => error,
    };
    for (ordinal, position) in error.members_outermost_first() {
        if let Err(earlier) = run::<T>(value, Some((ordinal, position))) {
            if earlier.is_missing_before(ordinal, position) {
                return Err(earlier);
            }
        }
    }
    Err(error)
}

/// One decoding run; `cut` stops object number `.0` before member position `.1`.
fn run<T: DeserializeOwned>(value: &Value, cut: Option<(usize, usize)>) -> Result<T, Error> {
    let context = Context {
        next_object: Cell::new(0),
        cut,
    };
    T::deserialize(ValueDeserializer {
        value,
        name: None,
        context: &context,
        depth: 0,
        skipped: None,
        alternate: false,
    })
}

/// What a decoding run shares across its levels.
struct Context {
    /// The number the next object with a member list gets.
    next_object: Cell<usize>,
    /// The object to cut short, and before which member position.
    cut: Option<(usize, usize)>,
}

impl Context {
    /// Numbers an object; returns its number and, if it is the one to cut short, where.
    fn number_object(&self) -> (usize, Option<usize>) {
        let ordinal = self.next_object.get();
        self.next_object.set(ordinal.wrapping_add(1));
        let cut = match self.cut {
            Some((object, position)) if object == ordinal => Some(position),
            _ => None,
        };
        (ordinal, cut)
    }
}

/// A value and how it was reached.
struct ValueDeserializer<'a, 'c> {
    value: &'a Value,
    /// The plain name QEMU visits the value with: its member name, or none for a list element
    /// and for the arguments object.
    name: Option<&'a str>,
    context: &'c Context,
    /// Arrays and objects around the value.
    depth: usize,
    /// Set when the value is a member's and the visitor skips it.
    skipped: Option<&'c Cell<bool>>,
    /// Set on the deserializer an alternate's visitor gets from `visit_newtype_struct`: its
    /// `deserialize_any` then offers a string as an enum's unit variant (see
    /// [`StringVariant`]).
    alternate: bool,
}

impl<'a, 'c> ValueDeserializer<'a, 'c> {
    /// The value as `int` (`int64`): QEMU's `qobject_input_type_int64`.
    fn signed(&self) -> Result<i64, Error> {
        match self.value {
            Value::Number(number) => number.as_i64(),
            _ => None,
        }
        .ok_or_else(|| Error::invalid_type_for("integer"))
    }

    /// The value as `uint64`: QEMU's `qobject_input_type_uint64`, which also takes a negative
    /// integer (wrapped around) "for backward compatibility".
    fn unsigned(&self) -> Result<u64, Error> {
        let Value::Number(number) = self.value else {
            return Err(Error::new(ErrorKind::Expects("uint64")));
        };
        number
            .as_u64()
            .or_else(|| number.as_i64().map(|value| value as u64))
            .ok_or_else(|| Error::new(ErrorKind::Expects("uint64")))
    }

    /// QEMU's range check after decoding a narrower integer (`visit_type_intN`/`uintN`).
    fn out_of_range(&self, c_type: &'static str) -> Error {
        Error::new(ErrorKind::OutOfRange {
            name: self.name.unwrap_or("null").to_owned(),
            c_type,
        })
    }

    /// Puts an error from the visitor in QEMU's words (see [`Error::place`]).
    fn settle<T>(&self, result: Result<T, Error>, alternate_context: bool) -> Result<T, Error> {
        let fraction = matches!(self.value, Value::Number(number) if number.is_f64());
        result.map_err(|error| error.place(self.name, alternate_context, fraction))
    }

    /// Refuses to enter one more array or object beyond [`MAX_DEPTH`].
    fn enter(&self) -> Result<usize, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::new(ErrorKind::TooDeep(MAX_DEPTH)));
        }
        Ok(self.depth + 1)
    }

    fn string(&self) -> Result<&'a str, Error> {
        match self.value {
            Value::String(string) => Ok(string),
            _ => Err(Error::invalid_type_for("string")),
        }
    }

    /// Hands an array to `visitor`, then checks it read every element.
    fn visit_array<'de, V: Visitor<'de>>(
        &self,
        items: &'a [Value],
        visitor: V,
        alternate_context: bool,
    ) -> Result<V::Value, Error> {
        let depth = self.enter()?;
        let mut access = SeqAccess {
            items,
            next: 0,
            context: self.context,
            depth,
        };
        let value = self.settle(visitor.visit_seq(&mut access), alternate_context)?;
        if access.next < items.len() {
            return Err(Error::new(ErrorKind::ListTooLong(access.next)));
        }
        Ok(value)
    }

    /// Hands an object to `visitor` member by member in input order (there is no member list
    /// to follow), then checks it used every member.
    fn visit_object<'de, V: Visitor<'de>>(
        &self,
        object: &'a serde_json::Map<String, Value>,
        visitor: V,
        alternate_context: bool,
    ) -> Result<V::Value, Error> {
        let depth = self.enter()?;
        let entries: Vec<(&'a str, &'a Value)> = object
            .iter()
            .map(|(key, value)| (key.as_str(), value))
            .collect();
        let order = (0..entries.len()).map(|index| (index, 0)).collect();
        let mut access = StructAccess::new(entries, order, None, self.context, depth);
        let value = self.settle(visitor.visit_map(&mut access), alternate_context)?;
        access.check()?;
        Ok(value)
    }
}

macro_rules! narrow_signed {
    ($method:ident, $visit:ident, $ty:ty, $c_type:literal) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let value = self.signed()?;
            let value = <$ty>::try_from(value).map_err(|_| self.out_of_range($c_type))?;
            self.settle(visitor.$visit(value), false)
        }
    };
}

macro_rules! narrow_unsigned {
    ($method:ident, $visit:ident, $ty:ty, $c_type:literal) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let value = self.unsigned()?;
            let value = <$ty>::try_from(value).map_err(|_| self.out_of_range($c_type))?;
            self.settle(visitor.$visit(value), false)
        }
    };
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_, '_> {
    type Error = Error;

    /// For `any` and for alternates, which choose by the JSON type: QEMU's `type_any`, and
    /// `start_alternate` followed by the branch for the value's `QType`.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(*value),
            Value::Number(number) => {
                if let Some(value) = number.as_i64() {
                    visitor.visit_i64(value)
                } else if let Some(value) = number.as_u64() {
                    visitor.visit_u64(value)
                } else {
                    visitor.visit_f64(number.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(_) if self.alternate => {
                let variant = StringVariant {
                    deserializer: ValueDeserializer {
                        alternate: false,
                        ..self
                    },
                };
                visitor.visit_enum(variant)
            }
            Value::String(value) => visitor.visit_str(value),
            Value::Array(items) => return self.visit_array(items, visitor, true),
            Value::Object(object) => return self.visit_object(object, visitor, true),
        };
        self.settle(result, true)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Bool(value) => self.settle(visitor.visit_bool(*value), false),
            _ => Err(Error::invalid_type_for("boolean")),
        }
    }

    narrow_signed!(deserialize_i8, visit_i8, i8, "int8_t");
    narrow_signed!(deserialize_i16, visit_i16, i16, "int16_t");
    narrow_signed!(deserialize_i32, visit_i32, i32, "int32_t");

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.signed()?;
        self.settle(visitor.visit_i64(value), false)
    }

    narrow_unsigned!(deserialize_u8, visit_u8, u8, "uint8_t");
    narrow_unsigned!(deserialize_u16, visit_u16, u16, "uint16_t");
    narrow_unsigned!(deserialize_u32, visit_u32, u32, "uint32_t");

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.unsigned()?;
        self.settle(visitor.visit_u64(value), false)
    }

    /// QAPI has no single-precision type; decoded as `number`.
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    /// `number` takes any JSON number, integers included (QEMU's `qnum_get_double`).
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Number(number) => {
                let value = number.as_f64().unwrap_or(f64::NAN);
                self.settle(visitor.visit_f64(value), false)
            }
            _ => Err(Error::invalid_type_for("number")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.string()?;
        self.settle(visitor.visit_str(value), false)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.string()?;
        self.settle(visitor.visit_str(value), false)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// QAPI has no byte strings; a string's UTF-8 bytes.
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.string()?;
        self.settle(visitor.visit_bytes(value.as_bytes()), false)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    /// An optional member is asked for only when present (an absent one is never given to
    /// the visitor), and a present one is decoded as its type: QEMU's `visit_optional` counts
    /// `null` as present, so `null` is an error unless the type takes it (`null`, `any`, an
    /// alternate with a `null` branch).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    /// The `null` type: QEMU's `qobject_input_type_null`.
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => self.settle(visitor.visit_unit(), false),
            _ => Err(Error::invalid_type_for("null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    /// Alternates: generated code asks for an alternate as a newtype struct whose visitor
    /// calls `deserialize_any` on the deserializer it is given; that deserializer offers a
    /// string through `visit_enum` (see [`StringVariant`]), so an enum branch is checked
    /// against its values. Serde's and `serde_json`'s deserializers go straight to
    /// `deserialize_any` and `visit_str`, where the enum keeps an unknown value.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(ValueDeserializer {
            alternate: true,
            ..self
        })
    }

    /// Lists: QEMU's `start_list`, one element at a time, and `check_list`.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor, false),
            _ => Err(Error::invalid_type_for("array")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    /// A map without a member list (not emitted by qapi-gen): every member in input order.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(object) => self.visit_object(object, visitor, false),
            _ => Err(Error::invalid_type_for("object")),
        }
    }

    /// Objects: QEMU's `start_struct`, the members in `fields` order, and `check_struct`.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let Value::Object(object) = self.value else {
            return Err(Error::invalid_type_for("object"));
        };
        let depth = self.enter()?;
        let (ordinal, cut) = self.context.number_object();
        let entries: Vec<(&str, &Value)> = object
            .iter()
            .map(|(key, value)| (key.as_str(), value))
            .collect();
        let by_key: HashMap<&str, usize> = entries
            .iter()
            .enumerate()
            .map(|(index, (key, _))| (*key, index))
            .collect();
        let mut given = vec![false; entries.len()];
        let mut order = Vec::new();
        for (position, field) in fields.iter().enumerate() {
            if cut.is_some_and(|cut| position >= cut) {
                break;
            }
            if let Some(&index) = by_key.get(field) {
                // A list naming a member twice still gives it once.
                if !given[index] {
                    given[index] = true;
                    order.push((index, position));
                }
            }
        }
        let mut access = StructAccess::new(entries, order, Some(ordinal), self.context, depth);
        let value = self
            .settle(visitor.visit_map(&mut access), false)
            .map_err(|error| error.found_by_object(ordinal, fields))?;
        // An object cut short only serves to find an absent member; what it lacks now
        // is no error.
        if cut.is_none() {
            access.check()?;
        }
        Ok(value)
    }

    /// Enums: a string that is one of `variants` (QEMU's `input_type_enum`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let value = self.string()?;
        if !variants.contains(&value) {
            return Err(Error::new(ErrorKind::BadEnumValue {
                name: self.name.unwrap_or("null").to_owned(),
                value: value.to_owned(),
            }));
        }
        self.settle(
            visitor.visit_enum(StrDeserializer::<Error>::new(value)),
            false,
        )
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// A member the decoded type does not know: remembered as unexpected, reported once the
    /// object's visitor is done, as QEMU's `check_struct` does.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Some(skipped) = self.skipped {
            skipped.set(true);
        }
        self.settle(visitor.visit_unit(), false)
    }
}

/// The members of an object, in a chosen order.
struct StructAccess<'a, 'c> {
    /// The members in input order.
    entries: Vec<(&'a str, &'a Value)>,
    /// The members to give, as (index in `entries`, position in the member list).
    order: Vec<(usize, usize)>,
    /// The next item of `order` to give.
    next: usize,
    /// The member whose key was given and whose value is due.
    due: Option<(usize, usize)>,
    /// Per entry: whether a visitor decoded its value (and did not skip it).
    used: Vec<bool>,
    /// Set by a member's deserializer when the visitor skips its value.
    skipped: Cell<bool>,
    /// The object's number in decoding order, if it has a member list.
    ordinal: Option<usize>,
    context: &'c Context,
    depth: usize,
}

impl<'a, 'c> StructAccess<'a, 'c> {
    fn new(
        entries: Vec<(&'a str, &'a Value)>,
        order: Vec<(usize, usize)>,
        ordinal: Option<usize>,
        context: &'c Context,
        depth: usize,
    ) -> Self {
        let used = vec![false; entries.len()];
        StructAccess {
            entries,
            order,
            next: 0,
            due: None,
            used,
            skipped: Cell::new(false),
            ordinal,
            context,
            depth,
        }
    }

    /// QEMU's `check_struct`: the first member (in input order) nobody used is unexpected.
    fn check(&self) -> Result<(), Error> {
        match self.used.iter().position(|used| !used) {
            Some(index) => Err(Error::new(ErrorKind::Unexpected(
                self.entries[index].0.to_owned(),
            ))),
            None => Ok(()),
        }
    }
}

impl<'de> de::MapAccess<'de> for &mut StructAccess<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(&(index, position)) = self.order.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.due = Some((index, position));
        let key = self.entries[index].0;
        seed.deserialize(StrDeserializer::<Error>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((index, position)) = self.due.take() else {
            return Err(de::Error::custom(
                "a member's value was asked for before its key",
            ));
        };
        let (key, value) = self.entries[index];
        self.skipped.set(false);
        let result = seed.deserialize(ValueDeserializer {
            value,
            name: Some(key),
            context: self.context,
            depth: self.depth,
            skipped: Some(&self.skipped),
            alternate: false,
        });
        match result {
            Ok(decoded) => {
                if !self.skipped.get() {
                    self.used[index] = true;
                }
                Ok(decoded)
            }
            Err(error) => {
                let error = error.inside(Segment::Member(key.to_owned()));
                Err(match self.ordinal {
                    Some(ordinal) => error.at_member(ordinal, position),
                    None => error,
                })
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.order.len() - self.next)
    }
}

/// The elements of a list, in order.
struct SeqAccess<'a, 'c> {
    items: &'a [Value],
    next: usize,
    context: &'c Context,
    depth: usize,
}

impl<'de> de::SeqAccess<'de> for &mut SeqAccess<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let index = self.next;
        let Some(value) = self.items.get(index) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(ValueDeserializer {
            value,
            name: None,
            context: self.context,
            depth: self.depth,
            skipped: None,
            alternate: false,
        })
        .map(Some)
        .map_err(|error| error.inside(Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// A string given to an alternate, offered as the unit variant of an enum named by the string
/// (as `serde_json` offers a string to `deserialize_enum`).
///
/// The alternate's visitor decodes the variant as its string branch's type, with this
/// deserializer: an enum branch calls `deserialize_enum` with its values and so gets QEMU's
/// `Parameter 'whence' does not accept value 'bogus'`, where `visit_str` could only have built
/// the enum's catch-all. A visitor without a string branch refuses `visit_enum` as it refuses
/// `visit_str`, with the alternate's name in its `expecting` text.
struct StringVariant<'a, 'c> {
    deserializer: ValueDeserializer<'a, 'c>,
}

impl<'de> de::EnumAccess<'de> for StringVariant<'_, '_> {
    type Error = Error;
    type Variant = UnitVariant;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, UnitVariant), Error> {
        seed.deserialize(self.deserializer)
            .map(|value| (value, UnitVariant))
    }
}

/// What follows a [`StringVariant`]: nothing, as after a unit variant.
struct UnitVariant;

impl<'de> de::VariantAccess<'de> for UnitVariant {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::UnitVariant,
            &"a newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::UnitVariant,
            &"a tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::UnitVariant,
            &"a struct variant",
        ))
    }
}
