//! What the generated serde impls call, so that each generated file holds only what differs
//! from type to type (as prost-generated code calls `prost`). Not part of the public API: the
//! generated code of one version of qapi-gen-codegen goes with the runtime of that version.
//!
//! # Objects
//!
//! A struct, union or arguments struct `T` implements [`Object`] (its name, how it writes its
//! members) and has slots implementing [`Slots`] (the wire names of its members, one
//! `Option` per member); `Serialize` and `Deserialize` for `T` are then one call to
//! [`serialize_object`] and [`deserialize_object`]. Decoding looks a key up in
//! [`Slots::MEMBERS`] and hands it to [`Slots::entry`] as its position there, an unknown key
//! as a position past the end.
//!
//! # Enums
//!
//! An enum has `From<&str>` (unknown values become its catch-all) and `as_str`;
//! `Deserialize` is `deserialize_enum` with every value.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A struct, union or arguments struct, as its generated impls see it.
pub trait Object: Sized {
    /// The type's name, for `serialize_struct`, `deserialize_struct` and messages.
    const NAME: &'static str;

    /// Writes the members into an object being serialized (a union writes its branch's
    /// members inline with its own).
    fn serialize_members<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error>;
}

/// One `Option` per member of an object being decoded.
pub trait Slots: Default {
    type Object: Object;
    /// Every key the object may have on the wire, whatever the build's `cfg`: its members in
    /// schema order, then, for a union, its branches' members. [`Slots::entry`] receives a
    /// key as its position here.
    const MEMBERS: &'static [&'static str];
    /// The keys passed to `deserialize_struct`: the members this build has (`MEMBERS` less
    /// those whose `cfg` is off). A strict deserializer gives the members in this order and
    /// refuses the keys it does not list.
    const FIELDS: &'static [&'static str] = Self::MEMBERS;

    /// Decodes the value of the key at position `key` of [`Slots::MEMBERS`] (past its end:
    /// a key the object does not have).
    fn entry<'de, A: MapAccess<'de>>(&mut self, key: usize, map: &mut A) -> Result<(), A::Error>;

    /// The object, once every member has been seen.
    fn finish<E: de::Error>(self) -> Result<Self::Object, E>;
}

/// The slots of a union's branch, chosen by the discriminator: an enum with one variant per
/// discriminator value, holding the slots of that branch's members.
pub trait BranchSlots: Sized {
    /// The discriminator's enum.
    type Discriminator: for<'de> de::Deserialize<'de>;
    /// The union's `{Union}Branch`.
    type Branch;

    /// The empty slots of the branch `discriminator` chooses.
    fn new(discriminator: Self::Discriminator) -> Self;

    /// Decodes the value of the branch member `key` (ignored if the branch has no such
    /// member).
    fn entry<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;

    /// The branch, once every member has been seen.
    fn finish<E: de::Error>(self) -> Result<Self::Branch, E>;
}

/// `Serialize` for an object: `serialize_struct` with its members. Their number, which
/// `serialize_struct` takes first, is counted by writing them once into a counter.
pub fn serialize_object<T: Object, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut count = MemberCount(0);
    // Counting fails on nothing: `MemberCount` only adds.
    let _ = value.serialize_members(&mut count);
    let mut state = serializer.serialize_struct(T::NAME, count.0)?;
    value.serialize_members(&mut state)?;
    state.end()
}

/// Writes an optional member: its value if present, else `skip_field` (one call rather
/// than a `match` in every generated `serialize_members`).
#[inline]
pub fn serialize_optional<S: SerializeStruct, T: Serialize>(
    state: &mut S,
    name: &'static str,
    value: &Option<T>,
) -> Result<(), S::Error> {
    match value {
        Some(value) => state.serialize_field(name, value),
        None => state.skip_field(name),
    }
}

/// Counts the members written into it, without looking at their values (members skipped with
/// `skip_field` are not counted).
struct MemberCount(usize);

impl SerializeStruct for MemberCount {
    type Ok = ();
    type Error = de::value::Error;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        _value: &V,
    ) -> Result<(), de::value::Error> {
        self.0 += 1;
        Ok(())
    }

    fn end(self) -> Result<(), de::value::Error> {
        Ok(())
    }
}

/// `Deserialize` for the object of slots `S`: `deserialize_struct` with its fields, members
/// in any order.
pub fn deserialize_object<'de, S: Slots, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<S::Object, D::Error> {
    deserializer.deserialize_struct(S::Object::NAME, S::FIELDS, ObjectVisitor::<S>(PhantomData))
}

/// Decodes an object's members into its slots `S`.
struct ObjectVisitor<S>(PhantomData<S>);

impl<'de, S: Slots> Visitor<'de> for ObjectVisitor<S> {
    type Value = S::Object;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        expecting_object(formatter, S::Object::NAME)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Object, A::Error> {
        let mut slots = S::default();
        while let Some(key) = map.next_key_seed(Key(S::MEMBERS))? {
            slots.entry(key, &mut map)?;
        }
        slots.finish()
    }
}

/// `expecting` of every object, compiled once rather than once per type.
fn expecting_object(formatter: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(formatter, "an object {name}")
}

/// Decodes a key with `deserialize_identifier` into its position in a list of keys, or the
/// list's length for a key it lacks.
#[derive(Clone, Copy)]
struct Key(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = usize;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<usize, E> {
        Ok(position(self.0, value))
    }
}

/// The position of `key` in `keys`, or `keys.len()`.
#[inline]
pub fn position(keys: &[&str], key: &str) -> usize {
    keys.iter()
        .position(|candidate| *candidate == key)
        .unwrap_or(keys.len())
}

/// Decodes a member's value into its slot; a member given twice is an error.
#[inline]
pub fn store<'de, T: de::Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a member this code does not know.
#[inline]
pub fn ignore<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// The value of a required member, or `missing_field`.
#[inline]
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Hands the member `key` of a union's branch to the slots of that branch, an object.
pub fn branch_entry<'de, S: Slots, A: MapAccess<'de>>(
    slots: &mut S,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error> {
    slots.entry(position(S::MEMBERS, key), map)
}

/// Decodes a union's discriminator, which chooses the branch; the branch's members that came
/// before it are handed to the branch now.
pub fn discriminator<'de, B: BranchSlots, A: MapAccess<'de>>(
    branch: &mut Option<B>,
    pending: &mut Pending,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if branch.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    let mut slots = B::new(map.next_value()?);
    replay(std::mem::take(pending), |key, map| slots.entry(key, map))?;
    *branch = Some(slots);
    Ok(())
}

/// Decodes the member at position `key` of a union's `members` ([`Slots::MEMBERS`]), one of
/// its branches' (or past the end: unknown): into the branch's slots once the discriminator
/// has chosen it, else kept as a JSON value until it has.
pub fn branch_member<'de, B: BranchSlots, A: MapAccess<'de>>(
    branch: &mut Option<B>,
    pending: &mut Pending,
    members: &'static [&'static str],
    key: usize,
    map: &mut A,
) -> Result<(), A::Error> {
    let Some(&key) = members.get(key) else {
        return ignore(map);
    };
    match branch {
        Some(branch) => branch.entry(key, map),
        None => {
            pending.push((key, map.next_value()?));
            Ok(())
        }
    }
}

/// Union branch members that came before the discriminator, as JSON values.
pub type Pending = Vec<(&'static str, serde_json::Value)>;

/// One pending member, read again as a map of that member alone.
pub type Replay = de::value::MapDeserializer<
    'static,
    std::iter::Once<(&'static str, serde_json::Value)>,
    serde_json::Error,
>;

/// Hands each pending member to the branch, in the order they came, once the discriminator
/// is known.
fn replay<E: de::Error>(
    pending: Pending,
    mut entry: impl FnMut(&str, &mut Replay) -> Result<(), serde_json::Error>,
) -> Result<(), E> {
    for (key, value) in pending {
        let mut map = de::value::MapDeserializer::new(std::iter::once((key, value)));
        MapAccess::next_key::<de::IgnoredAny>(&mut map).map_err(E::custom)?;
        entry(key, &mut map).map_err(E::custom)?;
    }
    Ok(())
}

/// `Deserialize` for an enum: `deserialize_enum` with every value, a string or a unit variant
/// becoming a value with `From<&str>`.
pub fn deserialize_enum<'de, T: for<'a> From<&'a str>, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    values: &'static [&'static str],
) -> Result<T, D::Error> {
    deserializer.deserialize_enum(
        name,
        values,
        EnumVisitor {
            name,
            value: PhantomData,
        },
    )
}

/// Decodes an enum value from a string, or from a unit variant.
struct EnumVisitor<T> {
    name: &'static str,
    value: PhantomData<T>,
}

impl<'de, T: for<'a> From<&'a str>> Visitor<'de> for EnumVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        expecting_enum(formatter, self.name)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<T, A::Error> {
        let (value, variant) = data.variant_seed(EnumValue(PhantomData))?;
        de::VariantAccess::unit_variant(variant)?;
        Ok(value)
    }
}

/// `expecting` of every enum, compiled once rather than once per type.
fn expecting_enum(formatter: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(formatter, "a value of enum {name}")
}

/// A unit variant's name, as an enum value.
struct EnumValue<T>(PhantomData<T>);

impl<'de, T: for<'a> From<&'a str>> DeserializeSeed<'de> for EnumValue<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<T: for<'a> From<&'a str>> Visitor<'_> for EnumValue<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// `Serialize` and `Deserialize` for the object `$object` whose slots are `$slots`: one call to
/// [`serialize_object`] and one to [`deserialize_object`]. The attributes written first
/// (`#[cfg(…)]`, `#[allow(deprecated)]`) go on both impls. A generated file calls it as
/// `__private::object_serde!(GuestFileRead, __GuestFileReadSlots);`, so that each object's
/// file holds only what differs from object to object.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_serde {
    ($(#[$attr:meta])* $object:ident, $slots:ident) => {
        $(#[$attr])*
        impl ::serde::Serialize for $object {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serialize_object(self, serializer)
            }
        }

        $(#[$attr])*
        impl<'de> ::serde::Deserialize<'de> for $object {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize_object::<$slots, D>(deserializer)
            }
        }
    };
}

/// `Serialize` and `Deserialize` for the enum `$enum`, named `$name` in the schema: its wire
/// string (`as_str`), and [`deserialize_enum`] with every value (`VALUES`). Attributes as for
/// [`object_serde`].
#[doc(hidden)]
#[macro_export]
macro_rules! __enum_serde {
    ($(#[$attr:meta])* $enum:ident, $name:literal) => {
        $(#[$attr])*
        impl ::serde::Serialize for $enum {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        $(#[$attr])*
        impl<'de> ::serde::Deserialize<'de> for $enum {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize_enum(deserializer, $name, Self::VALUES)
            }
        }
    };
}

pub use crate::__enum_serde as enum_serde;
pub use crate::__object_serde as object_serde;

#[cfg(test)]
mod tests {
    use super::*;

    /// `{"a": 1, "b": 2}`, `b` optional.
    struct Pair {
        a: i64,
        b: Option<i64>,
    }

    impl Object for Pair {
        const NAME: &'static str = "Pair";

        fn serialize_members<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error> {
            state.serialize_field("a", &self.a)?;
            serialize_optional(state, "b", &self.b)
        }
    }

    fn count(pair: &Pair) -> usize {
        let mut count = MemberCount(0);
        pair.serialize_members(&mut count).unwrap();
        count.0
    }

    #[test]
    fn the_count_is_of_the_members_written_not_skipped() {
        assert_eq!(count(&Pair { a: 1, b: None }), 1);
        assert_eq!(count(&Pair { a: 1, b: Some(2) }), 2);
        let text = serde_json::to_string(&SerializePair(Pair { a: 1, b: Some(2) })).unwrap();
        assert_eq!(text, r#"{"a":1,"b":2}"#);
    }

    /// `Serialize` as generated code writes it.
    struct SerializePair(Pair);

    impl Serialize for SerializePair {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_object(&self.0, serializer)
        }
    }

    #[test]
    fn a_key_is_its_position_or_past_the_end() {
        let keys = ["kind", "id", "path"];
        assert_eq!(position(&keys, "kind"), 0);
        assert_eq!(position(&keys, "path"), 2);
        assert_eq!(position(&keys, "pat"), 3);
        assert_eq!(position(&[], "kind"), 0);
    }
}
