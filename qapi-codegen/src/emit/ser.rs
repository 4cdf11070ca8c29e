//! Hand-written `Serialize` impls: QEMU's wire form, with absent optional members left out.
//!
//! An object writes its members through `qapi_runtime::__private::Object::serialize_members`
//! so that a union can write its branch's members inline with its base's, as QEMU does; the
//! runtime counts them with the same function for the length given to `serialize_struct`.

use super::types::{allow_deprecated, branch_payload, is_null, shape_touches_deprecated};
use crate::names;
use crate::plan::{field_ident, ObjectShape, Plan};
use proc_macro2::{Ident, TokenStream};
use qapi_gen_parser::model::{AlternateType, EnumType, Member, TypeId};
use quote::quote;

/// `Serialize` and `Deserialize` for an enum, by the runtime's `enum_serde!`: its wire
/// string, and `deserialize_enum` with every value (unknown values become the catch-all).
pub fn emit_enum_serde(plan: &Plan<'_>, enumeration: &EnumType, ident: &Ident) -> TokenStream {
    let cfg = plan.cfg.attr(enumeration.cond.as_ref());
    let name = &enumeration.name;
    quote! {
        __private::enum_serde!(#cfg #ident, #name);
    }
}

/// `Serialize` and `Deserialize` for a struct, union or arguments struct, by the runtime's
/// `object_serde!`: through its `Object` impl ([`emit_object`]) and its slots
/// (`de::emit_object`).
pub fn emit_object_serde(plan: &Plan<'_>, shape: &ObjectShape<'_>) -> TokenStream {
    let ident = &shape.ident;
    let cfg = plan.cfg.attr(shape.cond);
    let allow = allow_deprecated(shape.deprecated);
    let slots = names::helper(ident, "Slots");
    quote! {
        __private::object_serde!(#cfg #allow #ident, #slots);
    }
}

/// `Object` for a struct, union or arguments struct: how it writes its members.
pub fn emit_object(plan: &Plan<'_>, shape: &ObjectShape<'_>) -> TokenStream {
    let ident = &shape.ident;
    let name = ident.to_string();
    let cfg = plan.cfg.attr(shape.cond);
    let allow = allow_deprecated(shape_touches_deprecated(shape));
    let writes: Vec<TokenStream> = shape
        .members
        .iter()
        .map(|member| write_member(plan, shape, member))
        .chain(write_branch(plan, shape))
        .collect();
    let state = if writes.is_empty() {
        quote! { _state }
    } else {
        quote! { state }
    };
    quote! {
        #cfg
        #allow
        impl __private::Object for #ident {
            const NAME: &'static str = #name;

            fn serialize_members<S: ::serde::ser::SerializeStruct>(
                &self,
                #state: &mut S,
            ) -> ::core::result::Result<(), S::Error> {
                #(#writes)*
                Ok(())
            }
        }

    }
}

/// Writes one member; an absent optional member is skipped, the discriminator is written
/// from the branch.
fn write_member(plan: &Plan<'_>, shape: &ObjectShape<'_>, member: &Member) -> TokenStream {
    let cfg = plan.cfg.attr(member.cond.as_ref());
    let field = field_ident(member);
    let name = &member.name;
    if shape
        .union
        .as_ref()
        .is_some_and(|union| union.discriminator == name)
    {
        return quote! {
            state.serialize_field(#name, &self.#field.discriminator())?;
        };
    }
    if member.optional {
        quote! {
            #cfg
            __private::serialize_optional(state, #name, &self.#field)?;
        }
    } else {
        quote! {
            #cfg
            state.serialize_field(#name, &self.#field)?;
        }
    }
}

/// Writes the members of a union's branch, inline.
fn write_branch(plan: &Plan<'_>, shape: &ObjectShape<'_>) -> Option<TokenStream> {
    let union = shape.union.as_ref()?;
    let branch_ident = &union.branch_ident;
    let discriminator = names::snake(union.discriminator);
    let arms: Vec<(TokenStream, TokenStream, TokenStream)> = union
        .branches
        .iter()
        .filter(|(_, branch)| branch_payload(plan, shape.id, branch.ty).is_some())
        .map(|(value, branch)| {
            let variant = names::variant(&value.name);
            let cfg = plan
                .cfg
                .attr_all(&[value.cond.as_ref(), branch.cond.as_ref()]);
            let value = branch_value(plan, shape, branch.ty);
            (cfg, quote! { #branch_ident::#variant(value) }, value)
        })
        .collect();
    match arms.as_slice() {
        [] => None,
        [(cfg, pattern, value)] => Some(quote! {
            #cfg
            if let #pattern = &self.#discriminator {
                __private::Object::serialize_members(#value, state)?;
            }
        }),
        _ => {
            let arms = arms.iter().map(|(cfg, pattern, value)| {
                quote! { #cfg #pattern => __private::Object::serialize_members(#value, state)?, }
            });
            Some(quote! {
                match &self.#discriminator {
                    #(#arms)*
                    _ => {}
                }
            })
        }
    }
}

/// The branch's value bound as `value` by a pattern on `&self`, as the `&T` of its type `T`
/// (its functions are called by path, which does not look through a `Box`).
fn branch_value(plan: &Plan<'_>, shape: &ObjectShape<'_>, branch: TypeId) -> TokenStream {
    if plan.is_boxed(shape.id, branch) {
        quote! { &**value }
    } else {
        quote! { value }
    }
}

/// `Serialize` for an alternate: the chosen branch's value as it is.
pub fn emit_alternate(plan: &Plan<'_>, alternate: &AlternateType, ident: &Ident) -> TokenStream {
    let cfg = plan.cfg.attr(alternate.cond.as_ref());
    let arms = alternate.branches.iter().map(|branch| {
        let variant = names::variant(&branch.name);
        let cfg = plan.cfg.attr(branch.cond.as_ref());
        if is_null(plan, branch.ty) {
            quote! { #cfg Self::#variant => serializer.serialize_unit(), }
        } else {
            quote! { #cfg Self::#variant(value) => ::serde::Serialize::serialize(value, serializer), }
        }
    });
    quote! {
        #cfg
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}
