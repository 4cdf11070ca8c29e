//! Hand-written `Deserialize` impls, by visitors as serde_derive writes them.
//!
//! # One set of impls, two policies
//!
//! The impls are forward compatible by themselves, which is what a client decoding replies and
//! events needs: an unknown member is ignored (its key becomes the field identifier's
//! `__Ignore`, and its value is skipped with `IgnoredAny`), and an unknown enum value becomes
//! the enum's catch-all `Other(String)`.
//!
//! Strictness, which an agent decoding command arguments needs, comes from the deserializer:
//! the impls always pass complete lists to `deserialize_struct` (every member's wire name; for a
//! union, the base's and every branch's) and to `deserialize_enum` (every value), and ask for
//! exactly the type of each member (`deserialize_i8` for `int8`, `deserialize_str` for `str`,
//! …). `qapi_runtime`'s strict deserializer rejects keys and values missing from those lists,
//! and can reject whatever the impls skip with `deserialize_ignored_any`. Two places cannot
//! pass a list, because they must see the JSON type first: the object branch of an alternate
//! (decoded from the map handed to `visit_map`) and the members of a union branch that come
//! before the discriminator (kept as JSON values until the discriminator says which branch
//! they belong to); unknown keys there are still skipped with `deserialize_ignored_any`.
//!
//! An alternate must see the JSON type first too, so it asks for `deserialize_any`, which
//! carries no list; a string for its enum branch would then reach it through `visit_str` and
//! become the catch-all. It therefore enters through `deserialize_newtype_struct`, and its
//! visitor also takes a string through `visit_enum`, as a unit variant named by the string,
//! decoding the variant as its string branch's type: the strict deserializer offers strings
//! that way to the deserializer it hands to `visit_newtype_struct`, so the enum's
//! `deserialize_enum` call, with every value, reaches it (see [`emit_alternate`]).
//!
//! A union's `finish` checks its base members in schema order and only then finishes the
//! branch, so a missing base member is reported before a missing branch member, as QEMU's
//! generated visitors do.
//!
//! # Shape
//!
//! For an object type `T`: `enum __TField` (one variant per member, `__Ignore`), a slot struct
//! `__TSlots` (one `Option` per member: `duplicate_field` if set twice, `missing_field` if a
//! required one is still empty at the end), and `Deserialize for T` calling
//! `deserialize_struct` with the shared `__private::ObjectVisitor`. A union's slots also hold
//! the branch's slots, made when the discriminator arrives. Generic helpers are emitted once
//! per file in `mod __private`.

use super::types::{allow_deprecated, branch_payload, shape_touches_deprecated};
use super::{field_ident, Context, Needs, ObjectShape, UnionShape};
use crate::names;
use proc_macro2::{Ident, TokenStream};
use qapi_parser::model::{AlternateType, Builtin, EnumType, JsonType, Type};
use quote::quote;
use std::collections::BTreeSet;

/// `Deserialize` for an enum: `deserialize_enum` with every value; unknown values become the
/// catch-all.
pub fn emit_enum(enumeration: &EnumType, ident: &Ident) -> TokenStream {
    let name = &enumeration.name;
    quote! {
        impl __private::FromKey for #ident {
            fn from_key(key: &str) -> Self {
                Self::from(key)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_enum(
                    #name,
                    Self::VALUES,
                    __private::EnumVisitor::<Self>::new(#name),
                )
            }
        }
    }
}

/// Field identifier, slots and `Deserialize` for a struct, union or arguments struct.
pub fn emit_object(
    context: &Context<'_>,
    shape: &ObjectShape<'_>,
    needs: &mut Needs,
) -> TokenStream {
    let ident = &shape.ident;
    let name = ident.to_string();
    let cfg = context.cfg.attr(shape.cond);
    let allow = allow_deprecated(shape_touches_deprecated(shape));
    let field_enum = names::helper(ident, "Field");
    let slots = names::helper(ident, "Slots");
    let branch_keys = shape
        .union
        .as_ref()
        .map(|union| branch_keys(context, shape, union))
        .unwrap_or_default();
    let pending = !branch_keys.is_empty();
    needs.union_replay |= pending;

    let variants = field_variants(shape);
    let wire_names: Vec<TokenStream> = shape
        .members
        .iter()
        .map(|member| {
            let cfg = context.cfg.attr(member.cond.as_ref());
            let wire = &member.name;
            quote! { #cfg #wire }
        })
        .chain(branch_keys.iter().map(|key| quote! { #key }))
        .collect();

    // The field identifier.
    let field_variants = shape
        .members
        .iter()
        .zip(&variants)
        .map(|(member, variant)| {
            let cfg = context.cfg.attr(member.cond.as_ref());
            quote! { #cfg #variant, }
        });
    let key_arms = shape
        .members
        .iter()
        .zip(&variants)
        .map(|(member, variant)| {
            let cfg = context.cfg.attr(member.cond.as_ref());
            let wire = &member.name;
            quote! { #cfg #wire => Self::#variant, }
        });
    let (branch_variant, branch_arm) = if pending {
        let keys = branch_keys.iter();
        (
            quote! { __Branch(String), },
            quote! { #(#keys)|* => Self::__Branch(key.to_owned()), },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    // Without members every key is unknown; a `match` of `_` alone would trip clippy's
    // `match_single_binding` in the crate that includes the code.
    let from_key_body = if shape.members.is_empty() && !pending {
        quote! {
            let _ = key;
            Self::__Ignore
        }
    } else {
        quote! {
            match key {
                #(#key_arms)*
                #branch_arm
                _ => Self::__Ignore,
            }
        }
    };

    // The slots.
    let discriminator = shape.union.as_ref().map(|union| union.discriminator);
    let slot_fields = shape
        .members
        .iter()
        .filter(|member| Some(member.name.as_str()) != discriminator)
        .map(|member| {
            let cfg = context.cfg.attr(member.cond.as_ref());
            let field = field_ident(member);
            let ty = context.contained_ref(shape.id, member.ty);
            quote! { #cfg #field: Option<#ty>, }
        });
    let branch_slots = shape
        .union
        .as_ref()
        .map(|union| names::helper(&union.branch_ident, "Slots"));
    let union_slot_fields = match &branch_slots {
        Some(branch_slots) if pending => quote! {
            __branch: Option<#branch_slots>,
            __pending: __private::Pending,
        },
        Some(branch_slots) => quote! { __branch: Option<#branch_slots>, },
        None => TokenStream::new(),
    };

    let entry_arms = shape.members.iter().zip(&variants).map(|(member, variant)| {
        let cfg = context.cfg.attr(member.cond.as_ref());
        let wire = &member.name;
        if Some(wire.as_str()) == discriminator {
            let branch_slots = branch_slots.as_ref().expect("a union has branch slots");
            let replay = if pending {
                quote! {
                    __private::replay(::std::mem::take(&mut self.__pending), |key, map| {
                        branch.entry(key, map)
                    })?;
                }
            } else {
                TokenStream::new()
            };
            let binding = if pending {
                quote! { let mut branch }
            } else {
                quote! { let branch }
            };
            quote! {
                #field_enum::#variant => {
                    if self.__branch.is_some() {
                        return Err(::serde::de::Error::duplicate_field(#wire));
                    }
                    #binding = #branch_slots::new(map.next_value()?);
                    #replay
                    self.__branch = Some(branch);
                    Ok(())
                }
            }
        } else {
            let field = field_ident(member);
            quote! { #cfg #field_enum::#variant => __private::store(&mut self.#field, #wire, map), }
        }
    });
    let branch_entry_arm = if pending {
        quote! {
            #field_enum::__Branch(key) => match &mut self.__branch {
                Some(branch) => branch.entry(&key, map),
                None => {
                    self.__pending.push((key, map.next_value()?));
                    Ok(())
                }
            },
        }
    } else {
        TokenStream::new()
    };
    // A union checks its base members in schema order and only then its branch's, as QEMU
    // visits them: the discriminator's slot is checked in its place, the branch finished last.
    let finish_body = match discriminator {
        None => {
            let fields = shape.members.iter().map(|member| {
                let cfg = context.cfg.attr(member.cond.as_ref());
                let field = field_ident(member);
                let wire = &member.name;
                if member.optional {
                    quote! { #cfg #field: self.#field, }
                } else {
                    quote! { #cfg #field: __private::required(self.#field, #wire)?, }
                }
            });
            quote! {
                Ok(#ident {
                    #(#fields)*
                })
            }
        }
        Some(discriminator) => {
            let mut bindings = Vec::new();
            let mut fields = Vec::new();
            let mut branch_field = TokenStream::new();
            for member in &shape.members {
                let cfg = context.cfg.attr(member.cond.as_ref());
                let field = field_ident(member);
                let wire = &member.name;
                if wire == discriminator {
                    bindings.push(quote! {
                        let Some(__branch) = self.__branch else {
                            return Err(E::missing_field(#wire));
                        };
                    });
                    branch_field = quote! { #field };
                } else if member.optional {
                    bindings.push(quote! { #cfg let #field = self.#field; });
                } else {
                    bindings.push(
                        quote! { #cfg let #field = __private::required(self.#field, #wire)?; },
                    );
                }
                fields.push(quote! { #cfg #field, });
            }
            quote! {
                #(#bindings)*
                let #branch_field = __branch.finish()?;
                Ok(#ident {
                    #(#fields)*
                })
            }
        }
    };
    let branch_items = shape
        .union
        .as_ref()
        .map(|union| emit_branch_slots(context, shape, union, pending))
        .unwrap_or_default();

    quote! {
        #cfg
        #allow
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_struct(
                    #name,
                    &[#(#wire_names),*],
                    __private::ObjectVisitor::<#slots>::new(#name),
                )
            }
        }

        #cfg
        enum #field_enum {
            #(#field_variants)*
            #branch_variant
            __Ignore,
        }

        #cfg
        impl __private::FromKey for #field_enum {
            fn from_key(key: &str) -> Self {
                #from_key_body
            }
        }

        #cfg
        #[derive(Default)]
        struct #slots {
            #(#slot_fields)*
            #union_slot_fields
        }

        #cfg
        #allow
        impl __private::Slots for #slots {
            type Field = #field_enum;
            type Value = #ident;

            fn entry<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                field: #field_enum,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match field {
                    #(#entry_arms)*
                    #branch_entry_arm
                    #field_enum::__Ignore => __private::ignore(map),
                }
            }

            fn finish<E: ::serde::de::Error>(self) -> Result<#ident, E> {
                #finish_body
            }
        }

        #branch_items
    }
}

/// The variants of a field identifier: the members' names in UpperCamelCase, or `Member0`,
/// `Member1`, … for every member when two names would give one variant.
fn field_variants(shape: &ObjectShape<'_>) -> Vec<Ident> {
    let variants: Vec<Ident> = shape
        .members
        .iter()
        .map(|member| names::variant(&member.name))
        .collect();
    let distinct: BTreeSet<String> = variants.iter().map(Ident::to_string).collect();
    if distinct.len() == variants.len() {
        variants
    } else {
        (0..variants.len())
            .map(|index| quote::format_ident!("Member{index}"))
            .collect()
    }
}

/// The wire names of every branch's members, each once, in branch then member order.
fn branch_keys(
    context: &Context<'_>,
    shape: &ObjectShape<'_>,
    union: &UnionShape<'_>,
) -> Vec<String> {
    let base: BTreeSet<&str> = shape
        .members
        .iter()
        .map(|member| member.name.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    let mut keys = Vec::new();
    for (_, branch) in &union.branches {
        let Some(object) = context.schema.ty(branch.ty).as_object() else {
            continue;
        };
        for key in object_keys(context, object) {
            if !base.contains(key.as_str()) && seen.insert(key.clone()) {
                keys.push(key);
            }
        }
    }
    keys
}

/// Every key an object may have on the wire: its members and, for a union, its branches'.
fn object_keys(context: &Context<'_>, object: &qapi_parser::model::ObjectType) -> Vec<String> {
    let mut keys: Vec<String> = context
        .schema
        .all_members(object)
        .iter()
        .map(|member| member.name.clone())
        .collect();
    if let Some(branches) = &object.branches {
        for branch in &branches.branches {
            if let Some(inner) = context.schema.ty(branch.ty).as_object() {
                keys.extend(object_keys(context, inner));
            }
        }
    }
    keys
}

/// The slots of a union's branch: one variant per branch, made from the discriminator value.
fn emit_branch_slots(
    context: &Context<'_>,
    shape: &ObjectShape<'_>,
    union: &UnionShape<'_>,
    pending: bool,
) -> TokenStream {
    let cfg = context.cfg.attr(shape.cond);
    let branch_ident = &union.branch_ident;
    let branch_slots = names::helper(branch_ident, "Slots");
    let Some(enum_ident) = context.names.ty(union.enum_id) else {
        return TokenStream::new();
    };
    let catch_all = context.names.catch_all(union.enum_id);
    let mut variants = Vec::new();
    let mut new_arms = Vec::new();
    let mut entry_arms = Vec::new();
    let mut finish_arms = Vec::new();
    let mut cond_differs = false;
    for (value, branch) in &union.branches {
        let variant = names::variant(&value.name);
        let cfg = context
            .cfg
            .attr_all(&[value.cond.as_ref(), branch.cond.as_ref()]);
        cond_differs |= branch.cond.is_some() && branch.cond != value.cond;
        match branch_payload(context, shape.id, branch.ty) {
            Some(_) => {
                let Some(branch_type) = context.names.ty(branch.ty) else {
                    continue;
                };
                let inner = names::helper(branch_type, "Slots");
                let boxed = context.is_boxed(shape.id, branch.ty);
                let (slots_ty, wrap) = if boxed {
                    (
                        quote! { Box<#inner> },
                        quote! { Box::new(__private::Slots::finish(*slots)?) },
                    )
                } else {
                    // The trait is named: the file's scope does not import it.
                    (
                        quote! { #inner },
                        quote! { __private::Slots::finish(slots)? },
                    )
                };
                variants.push(quote! { #cfg #variant(#slots_ty), });
                new_arms.push(
                    quote! { #cfg #enum_ident::#variant => Self::#variant(Default::default()), },
                );
                let deref = if boxed {
                    quote! { &mut **slots }
                } else {
                    quote! { slots }
                };
                entry_arms.push(quote! {
                    #cfg
                    Self::#variant(slots) => {
                        __private::Slots::entry(#deref, __private::FromKey::from_key(key), map)
                    }
                });
                finish_arms
                    .push(quote! { #cfg Self::#variant(slots) => #branch_ident::#variant(#wrap), });
            }
            None => {
                variants.push(quote! { #cfg #variant, });
                new_arms.push(quote! { #cfg #enum_ident::#variant => Self::#variant, });
                finish_arms.push(quote! { #cfg Self::#variant => #branch_ident::#variant, });
            }
        }
    }
    // A branch with a stricter condition than its value's leaves that value to the catch-all.
    let fallback = if cond_differs {
        quote! {
            #[allow(unreachable_patterns)]
            other => Self::#catch_all(other.as_str().to_owned()),
        }
    } else {
        TokenStream::new()
    };
    let entry = if entry_arms.is_empty() {
        quote! {
            fn entry<'de, A: ::serde::de::MapAccess<'de>>(&mut self, _key: &str, map: &mut A) -> Result<(), A::Error> {
                __private::ignore(map)
            }
        }
    } else {
        quote! {
            fn entry<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
                match self {
                    #(#entry_arms)*
                    _ => __private::ignore(map),
                }
            }
        }
    };
    // Without members to buffer, `entry` is only reached through the union's own keys when
    // some branch has members.
    let entry = if pending { entry } else { TokenStream::new() };
    let allow = allow_deprecated(
        union
            .branches
            .iter()
            .any(|(value, _)| super::types::is_deprecated(&value.features)),
    );
    quote! {
        #cfg
        // Decoding state that lives for one value: boxing its large variants would only add
        // an allocation.
        #[allow(clippy::large_enum_variant)]
        enum #branch_slots {
            #(#variants)*
            #catch_all(String),
        }

        #cfg
        #allow
        impl #branch_slots {
            fn new(value: #enum_ident) -> Self {
                match value {
                    #(#new_arms)*
                    #fallback
                    #enum_ident::#catch_all(value) => Self::#catch_all(value),
                }
            }

            #entry

            fn finish<E: ::serde::de::Error>(self) -> Result<#branch_ident, E> {
                Ok(match self {
                    #(#finish_arms)*
                    Self::#catch_all(value) => #branch_ident::#catch_all(value),
                })
            }
        }
    }
}

/// `Deserialize` for an alternate: `deserialize_any`, then the branch for the JSON type, as
/// QEMU's input visitor chooses by `QType`.
///
/// The impl asks for a newtype struct named after the alternate, whose visitor calls
/// `deserialize_any` on the deserializer it is handed. `serde_json` passes itself and gives a
/// string to `visit_str`, where an enum branch keeps an unknown value as its catch-all; the
/// strict deserializer passes one that gives a string to `visit_enum` as a unit variant, and
/// the branch decodes that variant through it, so an enum branch is checked against its values.
pub fn emit_alternate(
    context: &Context<'_>,
    alternate: &AlternateType,
    ident: &Ident,
) -> TokenStream {
    let cfg = context.cfg.attr(alternate.cond.as_ref());
    let visitor = names::helper(ident, "Visitor");
    let mut methods = Vec::new();
    let mut expected = Vec::new();
    for branch in &alternate.branches {
        let variant = names::variant(&branch.name);
        let branch_cfg = context.cfg.attr(branch.cond.as_ref());
        let ty = context.schema.ty(branch.ty);
        let wrap = |deserializer: TokenStream| {
            quote! {
                ::serde::Deserialize::deserialize(#deserializer).map(#ident::#variant)
            }
        };
        match json_type(ty) {
            JsonType::Null => {
                expected.push("null");
                methods.push(quote! {
                    #branch_cfg
                    fn visit_unit<E: ::serde::de::Error>(self) -> Result<#ident, E> {
                        Ok(#ident::#variant)
                    }
                    #branch_cfg
                    fn visit_none<E: ::serde::de::Error>(self) -> Result<#ident, E> {
                        Ok(#ident::#variant)
                    }
                });
            }
            JsonType::Boolean => {
                expected.push("a boolean");
                let body = wrap(quote! { ::serde::de::value::BoolDeserializer::new(value) });
                methods.push(quote! {
                    #branch_cfg
                    fn visit_bool<E: ::serde::de::Error>(self, value: bool) -> Result<#ident, E> {
                        #body
                    }
                });
            }
            JsonType::String => {
                expected.push("a string");
                let body = wrap(quote! { ::serde::de::value::StrDeserializer::new(value) });
                // `visit_enum`: a deserializer that offers the string as a unit variant
                // decodes the branch itself (the strict one checks an enum's values).
                methods.push(quote! {
                    #branch_cfg
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<#ident, E> {
                        #body
                    }
                    #branch_cfg
                    fn visit_enum<A: ::serde::de::EnumAccess<'de>>(self, data: A) -> Result<#ident, A::Error> {
                        let (value, variant) = ::serde::de::EnumAccess::variant(data)?;
                        ::serde::de::VariantAccess::unit_variant(variant)?;
                        Ok(#ident::#variant(value))
                    }
                });
            }
            kind @ (JsonType::Int | JsonType::Number) => {
                expected.push(if kind == JsonType::Int {
                    "an integer"
                } else {
                    "a number"
                });
                let signed = wrap(quote! { ::serde::de::value::I64Deserializer::new(value) });
                let unsigned = wrap(quote! { ::serde::de::value::U64Deserializer::new(value) });
                methods.push(quote! {
                    #branch_cfg
                    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> Result<#ident, E> {
                        #signed
                    }
                    #branch_cfg
                    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> Result<#ident, E> {
                        #unsigned
                    }
                });
                if kind == JsonType::Number {
                    let float = wrap(quote! { ::serde::de::value::F64Deserializer::new(value) });
                    methods.push(quote! {
                        #branch_cfg
                        fn visit_f64<E: ::serde::de::Error>(self, value: f64) -> Result<#ident, E> {
                            #float
                        }
                    });
                }
            }
            JsonType::Object => {
                expected.push("an object");
                let body = wrap(quote! { ::serde::de::value::MapAccessDeserializer::new(map) });
                methods.push(quote! {
                    #branch_cfg
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> Result<#ident, A::Error> {
                        #body
                    }
                });
            }
            JsonType::Array => {
                expected.push("an array");
                let body = wrap(quote! { ::serde::de::value::SeqAccessDeserializer::new(seq) });
                methods.push(quote! {
                    #branch_cfg
                    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, seq: A) -> Result<#ident, A::Error> {
                        #body
                    }
                });
            }
            // QEMU refuses `any` and alternates as alternate branches.
            JsonType::Value => {}
        }
    }
    let expecting = format!("{} ({})", alternate.name, join_or(&expected));
    let name = &alternate.name;
    quote! {
        #cfg
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_newtype_struct(#name, #visitor)
            }
        }

        #cfg
        struct #visitor;

        #cfg
        impl<'de> ::serde::de::Visitor<'de> for #visitor {
            type Value = #ident;

            fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(#expecting)
            }

            fn visit_newtype_struct<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> Result<#ident, D::Error> {
                deserializer.deserialize_any(self)
            }

            #(#methods)*
        }
    }
}

/// The JSON type of a branch, as QEMU's `QType`: every integer type and `number` are one
/// `QNUM`, but an integer branch refuses a fraction, so they are told apart here.
fn json_type(ty: &Type) -> JsonType {
    match ty {
        Type::Builtin(builtin) if builtin.kind == Builtin::Number => JsonType::Number,
        other => other.json_type(),
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The helpers every generated file's impls share, emitted once at its end.
pub fn emit_private(needs: &Needs) -> TokenStream {
    if !needs.objects && !needs.enums {
        return TokenStream::new();
    }
    let objects = if needs.objects {
        quote! {
            /// One `Option` per member of an object being decoded.
            pub(super) trait Slots: Default {
                type Field: FromKey;
                type Value;

                /// Decodes the value of one member.
                fn entry<'de, A: de::MapAccess<'de>>(
                    &mut self,
                    field: Self::Field,
                    map: &mut A,
                ) -> Result<(), A::Error>;

                /// The object, once every member has been seen.
                fn finish<E: de::Error>(self) -> Result<Self::Value, E>;
            }

            /// Decodes an object whose members come in any order.
            pub(super) struct ObjectVisitor<S> {
                name: &'static str,
                slots: PhantomData<S>,
            }

            impl<S> ObjectVisitor<S> {
                pub(super) fn new(name: &'static str) -> Self {
                    ObjectVisitor { name, slots: PhantomData }
                }
            }

            impl<'de, S: Slots> de::Visitor<'de> for ObjectVisitor<S> {
                type Value = S::Value;

                fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(formatter, "an object {}", self.name)
                }

                fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
                    let mut slots = S::default();
                    while let Some(Key(field)) = map.next_key::<Key<S::Field>>()? {
                        slots.entry(field, &mut map)?;
                    }
                    slots.finish()
                }
            }

            /// Decodes a member's value into its slot; a member given twice is an error.
            pub(super) fn store<'de, T: de::Deserialize<'de>, A: de::MapAccess<'de>>(
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
            pub(super) fn ignore<'de, A: de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
                map.next_value::<de::IgnoredAny>().map(|_| ())
            }

            /// The value of a required member, or `missing_field`.
            pub(super) fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
                slot.ok_or_else(|| E::missing_field(name))
            }
        }
    } else {
        TokenStream::new()
    };
    let enums = if needs.enums {
        quote! {
            /// Decodes an enum value from a string, or from a unit variant.
            pub(super) struct EnumVisitor<T> {
                name: &'static str,
                value: PhantomData<T>,
            }

            impl<T> EnumVisitor<T> {
                pub(super) fn new(name: &'static str) -> Self {
                    EnumVisitor { name, value: PhantomData }
                }
            }

            impl<'de, T: FromKey> de::Visitor<'de> for EnumVisitor<T> {
                type Value = T;

                fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(formatter, "a value of enum {}", self.name)
                }

                fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
                    Ok(T::from_key(value))
                }

                fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<T, A::Error> {
                    let (Key(value), variant) = data.variant::<Key<T>>()?;
                    de::VariantAccess::unit_variant(variant)?;
                    Ok(value)
                }
            }
        }
    } else {
        TokenStream::new()
    };
    let replay = if needs.union_replay {
        quote! {
            /// Union branch members that came before the discriminator, as JSON values.
            pub(super) type Pending = Vec<(String, ::serde_json::Value)>;

            /// The pending members, read again as a map.
            pub(super) type Replay = de::value::MapDeserializer<
                'static,
                ::std::vec::IntoIter<(String, ::serde_json::Value)>,
                ::serde_json::Error,
            >;

            /// Hands each pending member to the branch, once the discriminator is known.
            pub(super) fn replay<E: de::Error>(
                pending: Pending,
                mut entry: impl FnMut(&str, &mut Replay) -> Result<(), ::serde_json::Error>,
            ) -> Result<(), E> {
                let mut map = de::value::MapDeserializer::new(pending.into_iter());
                while let Some(key) = de::MapAccess::next_key::<String>(&mut map).map_err(E::custom)? {
                    entry(&key, &mut map).map_err(E::custom)?;
                }
                Ok(())
            }
        }
    } else {
        TokenStream::new()
    };
    quote! {
        /// Helpers of the generated `Deserialize` impls.
        mod __private {
            use ::serde::de;
            use ::std::fmt;
            use ::std::marker::PhantomData;

            /// A member name or enum value, made from its wire string.
            pub(super) trait FromKey {
                fn from_key(key: &str) -> Self;
            }

            /// Decodes a member name or enum value with `deserialize_identifier`.
            pub(super) struct Key<T>(pub(super) T);

            impl<'de, T: FromKey> de::Deserialize<'de> for Key<T> {
                fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    deserializer.deserialize_identifier(KeyVisitor(PhantomData))
                }
            }

            struct KeyVisitor<T>(PhantomData<T>);

            impl<T: FromKey> de::Visitor<'_> for KeyVisitor<T> {
                type Value = Key<T>;

                fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                    formatter.write_str("a string")
                }

                fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<T>, E> {
                    Ok(Key(T::from_key(value)))
                }
            }

            #objects
            #enums
            #replay
        }
    }
}
