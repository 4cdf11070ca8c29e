//! The Rust definitions of QAPI types.
//!
//! - A struct is a `struct` with one `pub` field per member, the base's members first (flat,
//!   as on the wire); an optional member is an `Option`.
//! - A union is the same struct with its discriminator member replaced by a field of type
//!   `{Union}Branch`, an enum with one variant per discriminator value that holds that
//!   branch's members (`Pci(GuestDeviceIdPci)`, or a unit variant when the branch has none),
//!   plus the catch-all of the discriminator's enum. On the wire the branch's members are
//!   inline with the base's, and the discriminator is written where it stands in the base.
//! - An enum is a Rust enum of its values plus a catch-all `Other(String)` for values this
//!   code does not know, so that a reply from a newer QEMU still decodes; it converts to and
//!   from its wire strings (`as_str`, `Display`, `FromStr`, `From<&str>`).
//! - An alternate is a Rust enum with one variant per branch.
//! - Every command has `{Command}Args` and every event `{Event}Event`: a struct of its
//!   arguments (empty if none), or an alias of its named argument type.

use super::docs::{self, Markdown};
use crate::names;
use crate::plan::{field_ident, is_deprecated, ArgsOwner, ObjectShape, Plan};
use proc_macro2::{Ident, TokenStream};
use qapi_gen_parser::model::{
    AlternateType, EnumType, EnumValue, Member, ObjectType, Type, TypeId,
};
use quote::quote;

/// `#[allow(deprecated)]` for impls that touch deprecated items.
pub fn allow_deprecated(touches: bool) -> TokenStream {
    if touches {
        quote! { #[allow(deprecated)] }
    } else {
        TokenStream::new()
    }
}

/// Whether code handling an object touches a deprecated member or branch value.
pub fn shape_touches_deprecated(shape: &ObjectShape<'_>) -> bool {
    shape
        .members
        .iter()
        .any(|member| is_deprecated(&member.features))
        || shape.union.as_ref().is_some_and(|union| {
            union
                .branches
                .iter()
                .any(|(value, _)| is_deprecated(&value.features))
        })
        || shape.deprecated
}

/// An enum, its catch-all, and its string conversions.
pub fn emit_enum(
    plan: &Plan<'_>,
    id: TypeId,
    enumeration: &EnumType,
    ident: &Ident,
) -> TokenStream {
    let EnumType {
        name,
        values,
        prefix: _,
        cond,
        features,
        doc,
        span: _,
        module: _,
    } = enumeration;
    let attrs = docs::definition(doc.as_ref(), features, cond.as_ref());
    let cfg = plan.cfg.attr(cond.as_ref());
    let catch_all = plan.names.catch_all(id);
    let variants = values.iter().map(|value| {
        let EnumValue {
            name: _,
            cond,
            features,
            doc,
            span: _,
        } = value;
        let variant = names::variant(&value.name);
        let docs = docs::member(doc.as_ref(), features, cond.as_ref());
        let cfg = plan.cfg.attr(cond.as_ref());
        let deprecated = docs::deprecated(features);
        quote! { #docs #cfg #deprecated #variant, }
    });
    let catch_all_doc = format!(
        " A value of `{name}` this code does not know (from a newer QEMU), kept as written."
    );
    let wire_names: Vec<TokenStream> = values
        .iter()
        .map(|value| {
            let cfg = plan.cfg.attr(value.cond.as_ref());
            let wire = &value.name;
            quote! { #cfg #wire }
        })
        .collect();
    let as_str_arms = values.iter().map(|value| {
        let cfg = plan.cfg.attr(value.cond.as_ref());
        let variant = names::variant(&value.name);
        let wire = &value.name;
        quote! { #cfg Self::#variant => #wire, }
    });
    let from_arms = values.iter().map(|value| {
        let cfg = plan.cfg.attr(value.cond.as_ref());
        let variant = names::variant(&value.name);
        let wire = &value.name;
        quote! { #cfg #wire => Self::#variant, }
    });
    // An enum without values (QEMU allows them) has nothing to match.
    let from_body = if values.is_empty() {
        quote! { Self::#catch_all(value.to_owned()) }
    } else {
        quote! {
            match value {
                #(#from_arms)*
                other => Self::#catch_all(other.to_owned()),
            }
        }
    };
    let allow = allow_deprecated(values.iter().any(|value| is_deprecated(&value.features)));
    // `from` and `from_str` are `#[inline]`: a decoder then matches the string where it
    // reads it, as serde_derive's do, and the crate of the generated code compiles them only
    // if it uses them.
    quote! {
        #attrs
        #cfg
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(#variants)*
            #[doc = #catch_all_doc]
            #catch_all(::std::string::String),
        }

        #cfg
        #allow
        impl #ident {
            /// Every value this code knows, as written on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wire_names),*];

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    Self::#catch_all(value) => value,
                }
            }

            /// Whether this is a value this code knows (not the catch-all).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#catch_all(_))
            }
        }

        #cfg
        #allow
        impl ::core::convert::From<&str> for #ident {
            #[inline]
            fn from(value: &str) -> Self {
                #from_body
            }
        }

        #cfg
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;

            #[inline]
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        #cfg
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    }
}

/// A struct or union; for a union, its branch enum too.
pub fn emit_object(plan: &Plan<'_>, object: &ObjectType, shape: &ObjectShape<'_>) -> TokenStream {
    let ObjectType {
        name: _,
        implicit: _,
        base: _,
        members: _,
        branches: _,
        cond,
        features,
        doc,
        span: _,
        module: _,
    } = object;
    let attrs = docs::definition(doc.as_ref(), features, cond.as_ref());
    let cfg = plan.cfg.attr(cond.as_ref());
    let structure = emit_struct(plan, shape, &attrs, &cfg, &TokenStream::new());
    let branch = shape
        .union
        .as_ref()
        .map(|_| emit_branch_enum(plan, shape, &cfg))
        .unwrap_or_default();
    quote! { #structure #branch }
}

/// The struct of an object shape, with the given docs and attributes.
fn emit_struct(
    plan: &Plan<'_>,
    shape: &ObjectShape<'_>,
    attrs: &TokenStream,
    cfg: &TokenStream,
    deprecated: &TokenStream,
) -> TokenStream {
    let ident = &shape.ident;
    let fields = shape
        .members
        .iter()
        .map(|member| emit_field(plan, shape, member));
    let all_optional = shape.union.is_none() && shape.members.iter().all(|member| member.optional);
    let derive = if all_optional {
        quote! { #[derive(Clone, Debug, Default, PartialEq)] }
    } else {
        quote! { #[derive(Clone, Debug, PartialEq)] }
    };
    quote! {
        #attrs
        #cfg
        #deprecated
        #derive
        pub struct #ident {
            #(#fields)*
        }
    }
}

/// One field: the member's docs, condition and `#[deprecated]`, then `pub name: Type`.
fn emit_field(plan: &Plan<'_>, shape: &ObjectShape<'_>, member: &Member) -> TokenStream {
    let Member {
        name,
        ty,
        optional,
        cond,
        features,
        doc,
        span: _,
    } = member;
    let ident = field_ident(member);
    let cfg = plan.cfg.attr(cond.as_ref());
    let deprecated = docs::deprecated(features);
    if let Some(union) = shape
        .union
        .as_ref()
        .filter(|union| union.discriminator == name)
    {
        let mut markdown = Markdown::new();
        if let Some(section) = doc {
            markdown.text(&section.text);
        }
        let branch_ident = &union.branch_ident;
        markdown.line(format!(
            "The branch selected by `{name}`, with its members (inline on the wire); see [`{branch_ident}`]."
        ));
        let docs = markdown.into_attrs();
        return quote! { #docs pub #ident: #branch_ident, };
    }
    let docs = docs::member(doc.as_ref(), features, cond.as_ref());
    let inner = plan.contained_ref(shape.id, *ty);
    let ty = if *optional {
        quote! { ::core::option::Option<#inner> }
    } else {
        inner
    };
    // The docs are moved in rather than interpolated: `quote!` would copy every line.
    let mut tokens = docs;
    tokens.extend(quote! { #cfg #deprecated pub #ident: #ty, });
    tokens
}

/// `{Union}Branch`: one variant per discriminator value, and the catch-all.
fn emit_branch_enum(plan: &Plan<'_>, shape: &ObjectShape<'_>, cfg: &TokenStream) -> TokenStream {
    let Some(union) = &shape.union else {
        return TokenStream::new();
    };
    let ident = &shape.ident;
    let branch_ident = &union.branch_ident;
    let enum_ident = plan.names.ty(union.enum_id);
    let catch_all = plan.names.catch_all(union.enum_id);
    let variants = union.branches.iter().map(|(value, branch)| {
        let variant = names::variant(&value.name);
        let cfg = plan
            .cfg
            .attr_all(&[value.cond.as_ref(), branch.cond.as_ref()]);
        let deprecated = docs::deprecated(&value.features);
        let doc = format!(" `{}`: {}", value.name, branch_summary(plan, branch.ty));
        match branch_payload(plan, shape.id, branch.ty) {
            Some(payload) => quote! { #[doc = #doc] #cfg #deprecated #variant(#payload), },
            None => quote! { #[doc = #doc] #cfg #deprecated #variant, },
        }
    });
    let discriminator_arms = union.branches.iter().map(|(value, branch)| {
        let variant = names::variant(&value.name);
        let cfg = plan
            .cfg
            .attr_all(&[value.cond.as_ref(), branch.cond.as_ref()]);
        match branch_payload(plan, shape.id, branch.ty) {
            Some(_) => quote! { #cfg Self::#variant(_) => #enum_ident::#variant, },
            None => quote! { #cfg Self::#variant => #enum_ident::#variant, },
        }
    });
    let doc = format!(
        " The branches of [`{ident}`], selected by its member `{}`.",
        union.discriminator
    );
    let catch_all_doc = format!(
        " A `{}` value this code does not know; the branch's members are not kept.",
        union.discriminator
    );
    let allow = allow_deprecated(
        union
            .branches
            .iter()
            .any(|(value, _)| is_deprecated(&value.features)),
    );
    let large = clippy_large_variant(shape);
    quote! {
        #[doc = #doc]
        #cfg
        #large
        #[derive(Clone, Debug, PartialEq)]
        pub enum #branch_ident {
            #(#variants)*
            #[doc = #catch_all_doc]
            #catch_all(::std::string::String),
        }

        #cfg
        #allow
        impl #branch_ident {
            /// The discriminator value that selects this branch.
            pub fn discriminator(&self) -> #enum_ident {
                match self {
                    #(#discriminator_arms)*
                    Self::#catch_all(value) => #enum_ident::#catch_all(value.clone()),
                }
            }
        }
    }
}

/// Branch variants differ in size by design (one per QEMU driver, say); boxing them all
/// would make every use clumsier for no gain at the wire's speed.
fn clippy_large_variant(shape: &ObjectShape<'_>) -> TokenStream {
    match &shape.union {
        Some(union) if union.branches.len() > 1 => quote! { #[allow(clippy::large_enum_variant)] },
        _ => TokenStream::new(),
    }
}

/// The payload of a union branch variant; `None` for a branch without members.
pub fn branch_payload(plan: &Plan<'_>, union: TypeId, branch: TypeId) -> Option<TokenStream> {
    let object = plan.schema.ty(branch).as_object()?;
    if object.implicit.is_some()
        && plan.schema.all_members(object).is_empty()
        && object.branches.is_none()
    {
        return None;
    }
    Some(plan.contained_ref(union, branch))
}

fn branch_summary(plan: &Plan<'_>, branch: TypeId) -> String {
    match plan.names.ty(branch) {
        Some(ident) => format!("the members of [`{ident}`]."),
        None => "no further members.".to_owned(),
    }
}

/// An alternate: one variant per branch; a `null` branch is a unit variant.
pub fn emit_alternate(
    plan: &Plan<'_>,
    id: TypeId,
    alternate: &AlternateType,
    ident: &Ident,
) -> TokenStream {
    let AlternateType {
        name: _,
        branches,
        cond,
        features,
        doc,
        span: _,
        module: _,
    } = alternate;
    let attrs = docs::definition(doc.as_ref(), features, cond.as_ref());
    let cfg = plan.cfg.attr(cond.as_ref());
    let variants = branches.iter().map(|branch| {
        let variant = names::variant(&branch.name);
        let docs = docs::member(branch.doc.as_ref(), &[], branch.cond.as_ref());
        let cfg = plan.cfg.attr(branch.cond.as_ref());
        if is_null(plan, branch.ty) {
            quote! { #docs #cfg #variant, }
        } else {
            let payload = plan.contained_ref(id, branch.ty);
            quote! { #docs #cfg #variant(#payload), }
        }
    });
    quote! {
        #attrs
        #cfg
        #[derive(Clone, Debug, PartialEq)]
        pub enum #ident {
            #(#variants)*
        }
    }
}

/// Whether `ty` is the built-in `null`.
pub fn is_null(plan: &Plan<'_>, ty: TypeId) -> bool {
    matches!(
        plan.schema.ty(ty),
        Type::Builtin(builtin) if builtin.kind == qapi_gen_parser::model::Builtin::Null
    )
}

/// The definition's docs, condition and features of a command's or event's arguments.
fn owner_attrs(plan: &Plan<'_>, owner: ArgsOwner<'_>) -> (TokenStream, TokenStream, TokenStream) {
    let (what, name, doc, features, cond) = match owner {
        ArgsOwner::Command(command) => (
            "command",
            &command.name,
            &command.doc,
            &command.features,
            &command.cond,
        ),
        ArgsOwner::Event(event) => (
            "event",
            &event.name,
            &event.doc,
            &event.features,
            &event.cond,
        ),
    };
    let mut markdown = Markdown::new();
    let intro = match owner {
        ArgsOwner::Command(_) => format!("Arguments of the {what} `{name}`."),
        ArgsOwner::Event(_) => format!("Data of the {what} `{name}`."),
    };
    markdown.line(intro);
    if let Some(doc) = doc {
        markdown.text(&doc.body.text);
        markdown.sections(doc);
    }
    markdown.features(features);
    markdown.condition(cond.as_ref());
    if let Some(doc) = doc {
        markdown.since(doc);
    }
    (
        markdown.into_attrs(),
        plan.cfg.attr(cond.as_ref()),
        docs::deprecated(features),
    )
}

/// `{Command}Args` / `{Event}Event` as a struct of the argument members.
pub fn emit_args_struct(
    plan: &Plan<'_>,
    shape: &ObjectShape<'_>,
    owner: ArgsOwner<'_>,
) -> TokenStream {
    let (attrs, cfg, deprecated) = owner_attrs(plan, owner);
    emit_struct(plan, shape, &attrs, &cfg, &deprecated)
}

/// `{Command}Args` / `{Event}Event` as an alias of the named argument type.
pub fn emit_args_alias(
    plan: &Plan<'_>,
    ident: &Ident,
    ty: TypeId,
    owner: ArgsOwner<'_>,
) -> TokenStream {
    let (attrs, cfg, deprecated) = owner_attrs(plan, owner);
    let target = plan.type_ref(ty);
    quote! {
        #attrs
        #cfg
        #deprecated
        pub type #ident = #target;
    }
}
