//! Hand-written `Deserialize` impls, by visitors as serde_derive writes them.
//!
//! # One set of impls, two policies
//!
//! The impls are forward compatible by themselves, which is what a client decoding replies and
//! events needs: an unknown member is ignored (its key has no position among the object's
//! members, and its value is skipped with `IgnoredAny`), and an unknown enum value becomes
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
//! For an object type `T`: a slot struct `__TSlots` (one `Option` per member:
//! `duplicate_field` if set twice, `missing_field` if a required one is still empty at the
//! end) implementing `qapi_runtime::__private::Slots`, whose `MEMBERS` lists every key and
//! whose `entry` takes a key as its position there; `Deserialize for T` is one call to the
//! runtime's `deserialize_object`, which looks keys up and fills the slots. A union's slots
//! also hold the branch's slots (`__{Union}BranchSlots`, made when the discriminator
//! arrives) and the branch members that came before it. What every type shares lives in
//! `qapi_runtime::__private`, imported once at the end of the file.

use super::types::{allow_deprecated, branch_payload, shape_touches_deprecated};
use crate::names;
use crate::plan::{field_ident, is_deprecated, ObjectShape, Plan, UnionShape};
use proc_macro2::{Ident, Literal, TokenStream};
use qapi_gen_parser::model::{AlternateType, Builtin, JsonType, Type};
use quote::quote;
use std::collections::BTreeSet;

/// The slots of a struct, union or arguments struct, through which it is decoded.
pub fn emit_object(plan: &Plan<'_>, shape: &ObjectShape<'_>, needs: &mut Needs) -> TokenStream {
    let ident = &shape.ident;
    let cfg = plan.cfg.attr(shape.cond);
    let allow = allow_deprecated(shape_touches_deprecated(shape));
    let slots = names::helper(ident, "Slots");
    let branch_keys = shape
        .union
        .as_ref()
        .map(|union| branch_keys(plan, shape, union))
        .unwrap_or_default();
    needs.objects = true;

    // Every key, whatever the cfg, so that a key's position is the same in every build;
    // `deserialize_struct` is given only the keys of this build when they differ.
    let members = shape
        .members
        .iter()
        .map(|member| member.name.as_str())
        .chain(branch_keys.iter().map(String::as_str));
    // Each member's `cfg` attribute and field, made once: every part below needs them.
    let cfgs: Vec<TokenStream> = shape
        .members
        .iter()
        .map(|member| plan.cfg.attr(member.cond.as_ref()))
        .collect();
    let field_idents: Vec<Ident> = shape
        .members
        .iter()
        .map(|member| field_ident(member))
        .collect();
    let members_with = || shape.members.iter().zip(&cfgs).zip(&field_idents);
    // A member's `cfg` only takes it away when the build maps its condition to an attribute.
    let conditional = cfgs.iter().any(|cfg| !cfg.is_empty());
    let fields = if conditional {
        let fields = shape
            .members
            .iter()
            .zip(&cfgs)
            .map(|(member, cfg)| {
                let wire = &member.name;
                quote! { #cfg #wire }
            })
            .chain(branch_keys.iter().map(|key| quote! { #key }));
        quote! { const FIELDS: &'static [&'static str] = &[#(#fields),*]; }
    } else {
        TokenStream::new()
    };

    // The slots.
    let discriminator = shape.union.as_ref().map(|union| union.discriminator);
    let slot_fields = members_with()
        .filter(|((member, _), _)| Some(member.name.as_str()) != discriminator)
        .map(|((member, cfg), field)| {
            let ty = plan.contained_ref(shape.id, member.ty);
            quote! { #cfg #field: ::core::option::Option<#ty>, }
        });
    let branch_slots = shape
        .union
        .as_ref()
        .map(|union| names::helper(&union.branch_ident, "Slots"));
    let union_slot_fields = match &branch_slots {
        Some(branch_slots) => quote! {
            __branch: ::core::option::Option<#branch_slots>,
            __pending: __private::Pending,
        },
        None => TokenStream::new(),
    };

    let entry_arms: Vec<TokenStream> = members_with().enumerate().map(|(index, ((member, cfg), field))| {
        let index = Literal::usize_unsuffixed(index);
        let wire = &member.name;
        if Some(wire.as_str()) == discriminator {
            quote! {
                #index => __private::discriminator(&mut self.__branch, &mut self.__pending, #wire, map),
            }
        } else {
            quote! { #cfg #index => __private::store(&mut self.#field, #wire, map), }
        }
    }).collect();
    let branch_entry_arm = if branch_keys.is_empty() {
        TokenStream::new()
    } else {
        let first = Literal::usize_unsuffixed(shape.members.len());
        quote! {
            key @ #first.. => __private::branch_member(
                &mut self.__branch,
                &mut self.__pending,
                Self::MEMBERS,
                key,
                map,
            ),
        }
    };
    // A union checks its base members in schema order and only then its branch's, as QEMU
    // visits them: the discriminator's slot is checked in its place, the branch finished last.
    let finish_body = match discriminator {
        None => {
            let fields = members_with().map(|((member, cfg), field)| {
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
            for ((member, cfg), field) in members_with() {
                let wire = &member.name;
                if wire == discriminator {
                    bindings.push(quote! {
                        let __branch = __private::required(self.__branch, #wire)?;
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
                let #branch_field = __private::BranchSlots::finish(__branch)?;
                Ok(#ident {
                    #(#fields)*
                })
            }
        }
    };
    // The branch members' arm takes every position from the first after the base's, so the
    // base's arms leave none over unless a `cfg` takes one of them away.
    let unknown_arm = match (branch_keys.is_empty(), conditional) {
        (true, _) => quote! { _ => __private::ignore(map), },
        (false, false) => TokenStream::new(),
        (false, true) => quote! {
            #[allow(unreachable_patterns)]
            _ => __private::ignore(map),
        },
    };
    // `entry` and `finish` are `#[inline]`, as is the runtime's `visit_map` that calls them:
    // inlined into the deserializer's `deserialize_struct`, the slots become locals, as in
    // serde_derive's visitors, and decoding keeps up with them.
    // Without members every key is unknown; a `match` of `_` alone would trip clippy's
    // `match_single_binding` in the crate that includes the code.
    let entry = if entry_arms.is_empty() && branch_keys.is_empty() {
        quote! {
            #[inline]
            fn entry<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                _key: usize,
                map: &mut A,
            ) -> ::core::result::Result<(), A::Error> {
                __private::ignore(map)
            }
        }
    } else {
        quote! {
            #[inline]
            fn entry<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: usize,
                map: &mut A,
            ) -> ::core::result::Result<(), A::Error> {
                match key {
                    #(#entry_arms)*
                    #branch_entry_arm
                    #unknown_arm
                }
            }
        }
    };
    let branch_items = shape
        .union
        .as_ref()
        .map(|union| emit_branch_slots(plan, shape, union))
        .unwrap_or_default();

    quote! {
        #cfg
        #[derive(Default)]
        struct #slots {
            #(#slot_fields)*
            #union_slot_fields
        }

        #cfg
        #allow
        impl __private::Slots for #slots {
            type Object = #ident;
            const MEMBERS: &'static [&'static str] = &[#(#members),*];
            #fields

            #entry

            #[inline]
            fn finish<E: ::serde::de::Error>(self) -> ::core::result::Result<#ident, E> {
                #finish_body
            }
        }

        #branch_items
    }
}

/// The wire names of every branch's members, each once, in branch then member order.
fn branch_keys(plan: &Plan<'_>, shape: &ObjectShape<'_>, union: &UnionShape<'_>) -> Vec<String> {
    let base: BTreeSet<&str> = shape
        .members
        .iter()
        .map(|member| member.name.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    let mut keys = Vec::new();
    for (_, branch) in &union.branches {
        let Some(object) = plan.schema.ty(branch.ty).as_object() else {
            continue;
        };
        for key in object_keys(plan, object) {
            if !base.contains(key.as_str()) && seen.insert(key.clone()) {
                keys.push(key);
            }
        }
    }
    keys
}

/// Every key an object may have on the wire: its members and, for a union, its branches'.
fn object_keys(plan: &Plan<'_>, object: &qapi_gen_parser::model::ObjectType) -> Vec<String> {
    let mut keys: Vec<String> = plan
        .schema
        .all_members(object)
        .iter()
        .map(|member| member.name.clone())
        .collect();
    if let Some(branches) = &object.branches {
        for branch in &branches.branches {
            if let Some(inner) = plan.schema.ty(branch.ty).as_object() {
                keys.extend(object_keys(plan, inner));
            }
        }
    }
    keys
}

/// The slots of a union's branch: one variant per branch, made from the discriminator value.
fn emit_branch_slots(
    plan: &Plan<'_>,
    shape: &ObjectShape<'_>,
    union: &UnionShape<'_>,
) -> TokenStream {
    let cfg = plan.cfg.attr(shape.cond);
    let branch_ident = &union.branch_ident;
    let branch_slots = names::helper(branch_ident, "Slots");
    let Some(enum_ident) = plan.names.ty(union.enum_id) else {
        return TokenStream::new();
    };
    let catch_all = plan.names.catch_all(union.enum_id);
    let mut variants = Vec::new();
    let mut new_arms = Vec::new();
    let mut entry_arms = Vec::new();
    let mut finish_arms = Vec::new();
    let mut cond_differs = false;
    for (value, branch) in &union.branches {
        let variant = names::variant(&value.name);
        let cfg = plan
            .cfg
            .attr_all(&[value.cond.as_ref(), branch.cond.as_ref()]);
        cond_differs |= branch.cond.is_some() && branch.cond != value.cond;
        match branch_payload(plan, shape.id, branch.ty) {
            Some(_) => {
                let Some(branch_type) = plan.names.ty(branch.ty) else {
                    continue;
                };
                let inner = names::helper(branch_type, "Slots");
                let boxed = plan.is_boxed(shape.id, branch.ty);
                let (slots_ty, wrap) = if boxed {
                    (
                        quote! { ::std::boxed::Box<#inner> },
                        quote! { ::std::boxed::Box::new(__private::Slots::finish(*slots)?) },
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
                    quote! { #cfg #enum_ident::#variant => Self::#variant(::core::default::Default::default()), },
                );
                let deref = if boxed {
                    quote! { &mut **slots }
                } else {
                    quote! { slots }
                };
                entry_arms.push(quote! {
                    #cfg
                    Self::#variant(slots) => {
                        __private::branch_entry(#deref, key, map)
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
            fn entry<'de, A: ::serde::de::MapAccess<'de>>(&mut self, _key: &str, map: &mut A) -> ::core::result::Result<(), A::Error> {
                __private::ignore(map)
            }
        }
    } else {
        quote! {
            fn entry<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> ::core::result::Result<(), A::Error> {
                match self {
                    #(#entry_arms)*
                    _ => __private::ignore(map),
                }
            }
        }
    };
    let allow = allow_deprecated(
        union
            .branches
            .iter()
            .any(|(value, _)| is_deprecated(&value.features)),
    );
    quote! {
        #cfg
        // Decoding state that lives for one value: boxing its large variants would only add
        // an allocation.
        #[allow(clippy::large_enum_variant)]
        enum #branch_slots {
            #(#variants)*
            #catch_all(::std::string::String),
        }

        #cfg
        #allow
        impl __private::BranchSlots for #branch_slots {
            type Discriminator = #enum_ident;
            type Branch = #branch_ident;

            fn new(value: #enum_ident) -> Self {
                match value {
                    #(#new_arms)*
                    #fallback
                    #enum_ident::#catch_all(value) => Self::#catch_all(value),
                }
            }

            #entry

            fn finish<E: ::serde::de::Error>(self) -> ::core::result::Result<#branch_ident, E> {
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
pub fn emit_alternate(plan: &Plan<'_>, alternate: &AlternateType, ident: &Ident) -> TokenStream {
    let cfg = plan.cfg.attr(alternate.cond.as_ref());
    let visitor = names::helper(ident, "Visitor");
    let mut methods = Vec::new();
    let mut expected = Vec::new();
    for branch in &alternate.branches {
        let variant = names::variant(&branch.name);
        let branch_cfg = plan.cfg.attr(branch.cond.as_ref());
        let ty = plan.schema.ty(branch.ty);
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
                    fn visit_unit<E: ::serde::de::Error>(self) -> ::core::result::Result<#ident, E> {
                        Ok(#ident::#variant)
                    }
                    #branch_cfg
                    fn visit_none<E: ::serde::de::Error>(self) -> ::core::result::Result<#ident, E> {
                        Ok(#ident::#variant)
                    }
                });
            }
            JsonType::Boolean => {
                expected.push("a boolean");
                let body = wrap(quote! { ::serde::de::value::BoolDeserializer::new(value) });
                methods.push(quote! {
                    #branch_cfg
                    fn visit_bool<E: ::serde::de::Error>(self, value: bool) -> ::core::result::Result<#ident, E> {
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
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::core::result::Result<#ident, E> {
                        #body
                    }
                    #branch_cfg
                    fn visit_enum<A: ::serde::de::EnumAccess<'de>>(self, data: A) -> ::core::result::Result<#ident, A::Error> {
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
                // QEMU's input visitor takes a negative number for an unsigned integer,
                // wrapped around, "for backward compatibility" (and then range-checks the
                // narrower ones), as `qapi_runtime::strict` does for members.
                let signed = if is_unsigned(ty) {
                    wrap(quote! { ::serde::de::value::U64Deserializer::new(value as u64) })
                } else {
                    wrap(quote! { ::serde::de::value::I64Deserializer::new(value) })
                };
                let unsigned = wrap(quote! { ::serde::de::value::U64Deserializer::new(value) });
                methods.push(quote! {
                    #branch_cfg
                    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> ::core::result::Result<#ident, E> {
                        #signed
                    }
                    #branch_cfg
                    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> ::core::result::Result<#ident, E> {
                        #unsigned
                    }
                });
                if kind == JsonType::Number {
                    let float = wrap(quote! { ::serde::de::value::F64Deserializer::new(value) });
                    methods.push(quote! {
                        #branch_cfg
                        fn visit_f64<E: ::serde::de::Error>(self, value: f64) -> ::core::result::Result<#ident, E> {
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
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::core::result::Result<#ident, A::Error> {
                        #body
                    }
                });
            }
            JsonType::Array => {
                expected.push("an array");
                let body = wrap(quote! { ::serde::de::value::SeqAccessDeserializer::new(seq) });
                methods.push(quote! {
                    #branch_cfg
                    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, seq: A) -> ::core::result::Result<#ident, A::Error> {
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
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
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

            fn visit_newtype_struct<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> ::core::result::Result<#ident, D::Error> {
                deserializer.deserialize_any(self)
            }

            #(#methods)*
        }
    }
}

/// Whether a branch's type is one of the unsigned integer builtins.
fn is_unsigned(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Builtin(builtin) if matches!(
            builtin.kind,
            Builtin::Uint8 | Builtin::Uint16 | Builtin::Uint32 | Builtin::Uint64 | Builtin::Size
        )
    )
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

/// The import of the runtime's helpers that the impls call, once at the end of the file.
pub fn emit_private(needs: &Needs) -> TokenStream {
    if !needs.objects && !needs.enums {
        return TokenStream::new();
    }
    quote! {
        use ::qapi_runtime::__private;
    }
}

/// Everything the generated code needs once per file, found while emitting.
#[derive(Default)]
pub struct Needs {
    /// The runtime's object helpers (`__private::Slots`, …).
    pub objects: bool,
    /// The runtime's enum helpers.
    pub enums: bool,
}

impl Needs {
    /// Needs both `self` and `other`.
    pub fn merge(&mut self, other: Needs) {
        let Needs { objects, enums } = other;
        self.objects |= objects;
        self.enums |= enums;
    }
}
