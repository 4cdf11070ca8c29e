//! What is generated and how, decided before any token is made: the [`Plan`] every emitter
//! reads.
//!
//! - [`selection`]: which commands, events and types the file holds;
//! - [`graph`]: the types that contain each other (what is boxed, which built-ins are used);
//! - here: the plan itself, with the Rust type of every value and the flattened shape of
//!   every object, and the decisions emitters share (deprecation, field names).
//!
//! The emitters read the plan and decide nothing of their own that another emitter must agree
//! with: a type's boxing, a member's field name or an item's presence is asked here.

pub mod graph;
pub mod selection;

pub use selection::{Selection, Unknown};

use crate::cfg::CfgMap;
use crate::names::{self, Names};
use proc_macro2::{Ident, TokenStream};
use qapi_gen_parser::model::{
    Branch, Builtin, Command, CommandId, Cond, EnumValue, Feature, Implicit, Member, ObjectType,
    Schema, Type, TypeId,
};
use quote::quote;
use std::collections::BTreeSet;

/// What every emitter reads: the schema, its names, the cfg map, the options and the
/// decisions made from them.
pub struct Plan<'a> {
    pub schema: &'a Schema,
    pub names: &'a Names,
    pub cfg: &'a CfgMap,
    /// Emit the server side of the commands (the dispatcher); `Builder::dispatch`.
    pub dispatch: bool,
    /// Which clients to emit (`ClientOptions::default` unless the builder says otherwise).
    pub client: ClientOptions,
    /// Emit the schema's introspection (`INTROSPECTION`); `Builder::introspect`.
    pub introspect: bool,
    /// Emit the enum of all events (`enum Event`); `Builder::event_enum`.
    pub events: bool,
    /// The commands, events and types to emit.
    pub selection: Selection,
    /// Edges `(container, contained)` that close a cycle of types containing each other
    /// directly: the contained value is boxed there.
    boxed: BTreeSet<(TypeId, TypeId)>,
    /// The types of the built-in module that the schema's own definitions use (`QType`).
    used_builtins: BTreeSet<TypeId>,
    /// The name of the server trait: `Server`, or `Server_` when a type has that name.
    pub server_trait: String,
}

/// The object, union or argument list a struct is emitted for, flattened: base members are
/// fields of the struct itself, as QEMU's C structs have them.
pub struct ObjectShape<'a> {
    /// The type whose fields these are (for boxing decisions).
    pub id: TypeId,
    pub ident: Ident,
    /// Every member, the bases' first, in wire order.
    pub members: Vec<&'a Member>,
    pub union: Option<UnionShape<'a>>,
    /// The struct itself is `#[deprecated]` (the arguments of a deprecated command or event).
    pub deprecated: bool,
    /// The condition of the struct (for arguments, their command's or event's).
    pub cond: Option<&'a Cond>,
}

/// What makes an object a union.
pub struct UnionShape<'a> {
    /// The discriminator's wire name: a member of the base, replaced in the struct by the
    /// field holding the branch.
    pub discriminator: &'a str,
    /// The discriminator's enum.
    pub enum_id: TypeId,
    /// `{Union}Branch`.
    pub branch_ident: Ident,
    /// One branch per enum value, in enum order, with the value it is selected by.
    pub branches: Vec<(&'a EnumValue, &'a Branch)>,
}

impl<'a> Plan<'a> {
    pub fn new(schema: &'a Schema, names: &'a Names, cfg: &'a CfgMap) -> Plan<'a> {
        Plan {
            schema,
            names,
            cfg,
            dispatch: true,
            client: ClientOptions::default(),
            introspect: false,
            events: true,
            selection: Selection::all(),
            boxed: graph::recursive_edges(schema),
            used_builtins: graph::referenced_types(schema),
            server_trait: server_trait(schema, names),
        }
    }

    /// The Rust type of values of type `id`, as written in a field or variant.
    pub fn type_ref(&self, id: TypeId) -> TokenStream {
        match self.schema.ty(id) {
            Type::Builtin(builtin) => builtin_type(builtin.kind),
            Type::Array(array) => {
                let element = self.type_ref(array.element);
                quote! { ::std::vec::Vec<#element> }
            }
            Type::Object(object) if object.implicit == Some(Implicit::Empty) => quote! { () },
            _ => match self.names.ty(id) {
                Some(ident) => quote! { #ident },
                // Implicit argument objects are only ever a command's or event's own type.
                None => quote! { () },
            },
        }
    }

    /// Whether type `id` has a definition in the file: it is selected, and it is the schema's
    /// own or a built-in one the schema uses.
    pub fn generates_type(&self, id: TypeId) -> bool {
        let builtin = self.schema.module(self.schema.ty(id).module()).is_builtin();
        (!builtin || self.used_builtins.contains(&id)) && self.selection.has_type(id)
    }

    /// Whether a command takes arguments: `data` that is not the empty object.
    pub fn takes_arguments(&self, command: &Command) -> bool {
        command.arg_type.is_some_and(|ty| match self.schema.ty(ty) {
            Type::Object(object) => object.implicit != Some(Implicit::Empty),
            _ => true,
        })
    }

    /// Where the doc paragraph of a command is written, once: on its `{Command}Args` when it
    /// takes arguments (a command without has no `Args` type, which nothing would use), else
    /// on the first of its methods that is generated, the blocking client's, the server
    /// trait's, the async client's. The other places link there.
    pub fn command_docs(&self, command: &Command) -> CommandDocs {
        if self.takes_arguments(command) {
            CommandDocs::Args
        } else if self.client.blocking {
            CommandDocs::ClientMethod
        } else if self.dispatch {
            CommandDocs::ServerMethod
        } else {
            CommandDocs::AsyncClientMethod
        }
    }

    /// The path rustdoc links to for the docs of command `id` ([`Plan::command_docs`]):
    /// `QueryStatusArgs`, `Client::query_status`.
    pub fn command_docs_link(&self, id: CommandId, command: &Command) -> String {
        let method = self.names.command_method(id);
        match self.command_docs(command) {
            CommandDocs::Args => self.names.command_args(id).to_string(),
            CommandDocs::ClientMethod => format!("Client::{method}"),
            CommandDocs::ServerMethod => format!("{}::{method}", self.server_trait),
            CommandDocs::AsyncClientMethod => format!("AsyncClient::{method}"),
        }
    }

    /// Whether `contained` is boxed inside `container`.
    pub fn is_boxed(&self, container: TypeId, contained: TypeId) -> bool {
        self.boxed.contains(&(container, contained))
    }

    /// The type of `contained` inside `container`, boxed when it closes a cycle.
    pub fn contained_ref(&self, container: TypeId, contained: TypeId) -> TokenStream {
        let ty = self.type_ref(contained);
        if self.boxed.contains(&(container, contained)) {
            quote! { ::std::boxed::Box<#ty> }
        } else {
            ty
        }
    }

    /// The flattened shape of an object type.
    pub fn object_shape(
        &self,
        id: TypeId,
        object: &'a ObjectType,
        ident: Ident,
    ) -> ObjectShape<'a> {
        let members = self.schema.all_members(object);
        let union = object.branches.as_ref().and_then(|branches| {
            let enumeration = self.schema.ty(branches.discriminator_type).as_enum()?;
            let pairs = enumeration
                .values
                .iter()
                .filter_map(|value| {
                    let branch = branches
                        .branches
                        .iter()
                        .find(|branch| branch.name == value.name)?;
                    Some((value, branch))
                })
                .collect();
            Some(UnionShape {
                discriminator: &branches.discriminator,
                enum_id: branches.discriminator_type,
                branch_ident: self.names.union_branch(&object.name),
                branches: pairs,
            })
        });
        ObjectShape {
            id,
            ident,
            members,
            union,
            deprecated: false,
            cond: object.cond.as_ref(),
        }
    }
}

/// Whose arguments an arguments struct holds.
#[derive(Clone, Copy)]
pub enum ArgsOwner<'a> {
    Command(&'a Command),
    Event(&'a qapi_gen_parser::model::Event),
}

impl<'a> ArgsOwner<'a> {
    pub fn is_deprecated(self) -> bool {
        let features = match self {
            ArgsOwner::Command(command) => &command.features,
            ArgsOwner::Event(event) => &event.features,
        };
        is_deprecated(features)
    }

    pub fn cond(self) -> Option<&'a Cond> {
        match self {
            ArgsOwner::Command(command) => command.cond.as_ref(),
            ArgsOwner::Event(event) => event.cond.as_ref(),
        }
    }
}

/// Where a command's doc paragraph is written ([`Plan::command_docs`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandDocs {
    /// On `{Command}Args`.
    Args,
    /// On the method of `Client`.
    ClientMethod,
    /// On the method of the server trait.
    ServerMethod,
    /// On the method of `AsyncClient`.
    AsyncClientMethod,
}

/// `Server`, or `Server_` when a type of the schema is `Server` (as `names` escapes `String`).
fn server_trait(schema: &Schema, names: &Names) -> String {
    let taken = |candidate: &str| {
        schema
            .types()
            .any(|(id, _)| names.ty(id).is_some_and(|ident| ident == candidate))
    };
    let mut name = "Server".to_owned();
    while taken(&name) {
        name.push('_');
    }
    name
}

/// Whether `features` include `deprecated`.
pub fn is_deprecated(features: &[Feature]) -> bool {
    features.iter().any(|feature| feature.name == "deprecated")
}

/// The Rust type of a built-in QAPI type.
pub fn builtin_type(builtin: Builtin) -> TokenStream {
    match builtin {
        Builtin::Str => quote! { ::std::string::String },
        Builtin::Number => quote! { f64 },
        Builtin::Int | Builtin::Int64 => quote! { i64 },
        Builtin::Int8 => quote! { i8 },
        Builtin::Int16 => quote! { i16 },
        Builtin::Int32 => quote! { i32 },
        Builtin::Uint8 => quote! { u8 },
        Builtin::Uint16 => quote! { u16 },
        Builtin::Uint32 => quote! { u32 },
        Builtin::Uint64 | Builtin::Size => quote! { u64 },
        Builtin::Bool => quote! { bool },
        Builtin::Any => quote! { ::serde_json::Value },
        Builtin::Null => quote! { () },
    }
}

/// The field identifier of a member.
pub fn field_ident(member: &Member) -> Ident {
    names::snake(&member.name)
}

/// Which clients to emit.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The blocking client.
    pub blocking: bool,
    /// The async client.
    pub asynchronous: bool,
    /// The predicate of a `#[cfg(…)]` put on every item of the async client.
    pub async_cfg: Option<TokenStream>,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            blocking: true,
            asynchronous: false,
            async_cfg: None,
        }
    }
}
