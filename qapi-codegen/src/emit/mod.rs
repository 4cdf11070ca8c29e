//! Model → tokens. One emitter per concern, all fed the same [`Context`]:
//! - [`types`]: the Rust definitions (structs, enums, unions, alternates, arguments, events);
//! - [`ser`] and [`de`]: their hand-written `Serialize` and `Deserialize` impls;
//! - [`docs`]: doc comments and `#[deprecated]`;
//! - [`dispatch`]: the server side of the commands (a trait, the command list, a dispatcher),
//!   when [`Context::dispatch`] is set.
//! - [`events`]: the enum of all events and its decoder, when [`Context::events`] is set;
//! - [`client`]: the typed clients, after all definitions.
//! - [`introspect`]: QMP's `query-qmp-schema` answer for the schema, when
//!   [`Context::introspect`] is set.
//!
//! [`pieces`] lists the schema's definitions in order, then the file-wide items; [`emit_piece`]
//! emits one, a definition with its impls right after it, so the file reads top to bottom like
//! the schema. An emitter for a new concern (the dispatch trait, clients) is one more module
//! taking a [`Context`] and one more [`Piece`]; `Names::command_args` and
//! [`Context::type_ref`] give the types it names.

pub mod client;
pub mod de;
pub mod dispatch;
pub mod docs;
pub mod events;
pub mod introspect;
pub mod ser;
pub mod types;

use crate::cfg::CfgMap;
use crate::names::{self, Names};
use crate::plan::Selection;
use proc_macro2::{Ident, TokenStream};
use qapi_gen_parser::model::{
    Branch, Builtin, Command, CommandId, Cond, Entity, EnumValue, EventId, Implicit, Member,
    ObjectType, Schema, Type, TypeId,
};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// What every emitter reads.
pub struct Context<'a> {
    pub schema: &'a Schema,
    pub names: &'a Names,
    pub cfg: &'a CfgMap,
    /// Emit the server side of the commands ([`dispatch`]); `Builder::dispatch`.
    pub dispatch: bool,
    /// Which clients to emit ([`client::Options::default`] unless the builder says otherwise).
    pub client: client::Options,
    /// Emit the schema's introspection ([`introspect`]); `Builder::introspect`.
    pub introspect: bool,
    /// Emit the enum of all events ([`events`]); `Builder::event_enum`.
    pub events: bool,
    /// The commands, events and types to emit.
    pub selection: Selection,
    /// Edges `(container, contained)` that close a cycle of types containing each other
    /// directly: the contained value is boxed there.
    boxed: BTreeSet<(TypeId, TypeId)>,
}

/// Everything the generated code needs once per file, found while emitting.
#[derive(Default)]
pub struct Needs {
    /// The runtime's object helpers (`__private::Slots`, …).
    pub objects: bool,
    /// The runtime's enum helpers.
    pub enums: bool,
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

impl<'a> Context<'a> {
    pub fn new(schema: &'a Schema, names: &'a Names, cfg: &'a CfgMap) -> Context<'a> {
        Context {
            schema,
            names,
            cfg,
            dispatch: true,
            client: client::Options::default(),
            introspect: false,
            events: true,
            selection: Selection::all(),
            boxed: recursive_edges(schema),
        }
    }

    /// The Rust type of values of type `id`, as written in a field or variant.
    pub fn type_ref(&self, id: TypeId) -> TokenStream {
        match self.schema.ty(id) {
            Type::Builtin(builtin) => builtin_type(builtin.kind),
            Type::Array(array) => {
                let element = self.type_ref(array.element);
                quote! { Vec<#element> }
            }
            Type::Object(object) if object.implicit == Some(Implicit::Empty) => quote! { () },
            _ => match self.names.ty(id) {
                Some(ident) => quote! { #ident },
                // Implicit argument objects are only ever a command's or event's own type.
                None => quote! { () },
            },
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
            quote! { Box<#ty> }
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

/// The Rust type of a built-in QAPI type.
pub fn builtin_type(builtin: Builtin) -> TokenStream {
    match builtin {
        Builtin::Str => quote! { String },
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

/// One piece of the generated file: a definition with its impls, or one of the file-wide
/// items. Pieces are emitted and formatted independently (see `crate::parallel`); the file is
/// their texts in the order of [`pieces`], then the private helpers ([`de::emit_private`]),
/// which depend on what the others needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Type(TypeId),
    /// `{Command}Args`.
    Command(CommandId),
    /// `{Event}Event`.
    Event(EventId),
    /// The enum of all events ([`events`]).
    Events,
    /// The server side ([`dispatch`]).
    Dispatch,
    /// The typed clients ([`client`]).
    Clients,
    /// `query-qmp-schema`'s answer ([`introspect`]).
    Introspection,
}

impl Piece {
    /// One of the few large pieces that the whole schema goes into (rather than one
    /// definition's): worth starting first, so that no thread is left with one at the end.
    pub fn is_file_wide(self) -> bool {
        !matches!(self, Piece::Type(_) | Piece::Command(_) | Piece::Event(_))
    }
}

impl Needs {
    /// Needs both `self` and `other`.
    pub fn merge(&mut self, other: Needs) {
        let Needs { objects, enums } = other;
        self.objects |= objects;
        self.enums |= enums;
    }
}

/// The pieces of the file, in schema order: each definition (built-in types only when the
/// schema uses them), then the file-wide items that `context` asks for.
pub fn pieces(context: &Context<'_>) -> Vec<Piece> {
    let schema = context.schema;
    let referenced = referenced_types(schema);
    let mut pieces = Vec::new();
    for entity in schema.entities() {
        match *entity {
            Entity::Type(id) => {
                let ty = schema.ty(id);
                if schema.module(ty.module()).is_builtin() && !referenced.contains(&id) {
                    continue;
                }
                if context.selection.has_type(id) {
                    pieces.push(Piece::Type(id));
                }
            }
            Entity::Command(id) if context.selection.has_command(id) => {
                pieces.push(Piece::Command(id));
            }
            Entity::Event(id) if context.selection.has_event(id) => pieces.push(Piece::Event(id)),
            Entity::Command(_) | Entity::Event(_) => {}
            Entity::Include(_) => {}
        }
    }
    if context.events {
        pieces.push(Piece::Events);
    }
    if context.dispatch {
        pieces.push(Piece::Dispatch);
    }
    pieces.push(Piece::Clients);
    if context.introspect {
        pieces.push(Piece::Introspection);
    }
    pieces
}

/// One piece's items; what they need of the private helpers is added to `needs`.
pub fn emit_piece(context: &Context<'_>, piece: Piece, needs: &mut Needs) -> TokenStream {
    match piece {
        Piece::Type(id) => emit_type(context, id, needs),
        Piece::Command(id) => {
            let command = context.schema.command(id);
            let ident = context.names.command_args(id).clone();
            emit_arguments(
                context,
                &ident,
                command.arg_type,
                ArgsOwner::Command(command),
                needs,
            )
        }
        Piece::Event(id) => {
            let event = context.schema.event(id);
            let ident = context.names.event_data(id).clone();
            emit_arguments(
                context,
                &ident,
                event.arg_type,
                ArgsOwner::Event(event),
                needs,
            )
        }
        Piece::Events => events::emit(context),
        Piece::Dispatch => dispatch::emit(context),
        Piece::Clients => client::emit_clients(context),
        Piece::Introspection => introspect::emit(context),
    }
}

/// One type's definition and impls; nothing for types that have no Rust definition of their
/// own (built-ins, arrays, implicit objects).
fn emit_type(context: &Context<'_>, id: TypeId, needs: &mut Needs) -> TokenStream {
    let Some(ident) = context.names.ty(id).cloned() else {
        return TokenStream::new();
    };
    match context.schema.ty(id) {
        Type::Builtin(_) | Type::Array(_) => TokenStream::new(),
        Type::Enum(enumeration) => {
            needs.enums = true;
            let definition = types::emit_enum(context, id, enumeration, &ident);
            let ser = ser::emit_enum(&ident);
            let de = de::emit_enum(enumeration, &ident);
            concat([definition, ser, de])
        }
        Type::Object(object) => {
            needs.objects = true;
            let shape = context.object_shape(id, object, ident);
            let definition = types::emit_object(context, object, &shape);
            let ser = ser::emit_object(context, &shape);
            let de = de::emit_object(context, &shape, needs);
            concat([definition, ser, de])
        }
        Type::Alternate(alternate) => {
            let definition = types::emit_alternate(context, id, alternate, &ident);
            let ser = ser::emit_alternate(context, alternate, &ident);
            let de = de::emit_alternate(context, alternate, &ident);
            concat([definition, ser, de])
        }
    }
}

/// The streams one after the other. Moved, not interpolated: `quote!` copies every token it
/// interpolates.
fn concat<const N: usize>(parts: [TokenStream; N]) -> TokenStream {
    let mut tokens = TokenStream::new();
    tokens.extend(parts);
    tokens
}

/// Whose arguments an arguments struct holds.
#[derive(Clone, Copy)]
pub enum ArgsOwner<'a> {
    Command(&'a Command),
    Event(&'a qapi_gen_parser::model::Event),
}

impl<'a> ArgsOwner<'a> {
    fn is_deprecated(self) -> bool {
        let features = match self {
            ArgsOwner::Command(command) => &command.features,
            ArgsOwner::Event(event) => &event.features,
        };
        types::is_deprecated(features)
    }

    fn cond(self) -> Option<&'a Cond> {
        match self {
            ArgsOwner::Command(command) => command.cond.as_ref(),
            ArgsOwner::Event(event) => event.cond.as_ref(),
        }
    }
}

/// `{Command}Args` / `{Event}Event`: a struct of the implicit argument object, an empty struct
/// when there are no arguments, or an alias of the named argument type.
fn emit_arguments(
    context: &Context<'_>,
    ident: &Ident,
    arg_type: Option<TypeId>,
    owner: ArgsOwner<'_>,
    needs: &mut Needs,
) -> TokenStream {
    let implicit = arg_type.and_then(|id| {
        let object = context.schema.ty(id).as_object()?;
        matches!(object.implicit, Some(Implicit::Arguments { .. })).then_some((id, object))
    });
    match (arg_type, implicit) {
        (Some(id), None) => types::emit_args_alias(context, ident, id, owner),
        (_, Some((id, object))) => {
            needs.objects = true;
            let mut shape = context.object_shape(id, object, ident.clone());
            shape.deprecated = owner.is_deprecated();
            shape.cond = owner.cond();
            let definition = types::emit_args_struct(context, &shape, owner);
            let ser = ser::emit_object(context, &shape);
            let de = de::emit_object(context, &shape, needs);
            concat([definition, ser, de])
        }
        (None, None) => {
            needs.objects = true;
            let empty = context.schema.empty_object();
            let shape = ObjectShape {
                id: empty,
                ident: ident.clone(),
                members: Vec::new(),
                union: None,
                deprecated: owner.is_deprecated(),
                cond: owner.cond(),
            };
            let definition = types::emit_args_struct(context, &shape, owner);
            let ser = ser::emit_object(context, &shape);
            let de = de::emit_object(context, &shape, needs);
            concat([definition, ser, de])
        }
    }
}

/// The types of the built-in module that the schema's own definitions use (such as `QType`),
/// which are emitted; the others are not.
fn referenced_types(schema: &Schema) -> BTreeSet<TypeId> {
    let mut referenced = BTreeSet::new();
    for (_, ty) in schema.types() {
        if schema.module(ty.module()).is_builtin() {
            continue;
        }
        for contained in contained_types(schema, ty) {
            referenced.insert(contained);
            if let Type::Array(array) = schema.ty(contained) {
                referenced.insert(array.element);
            }
        }
    }
    referenced
}

/// The types a value of `ty` holds, arrays included (not looked through).
fn contained_types(schema: &Schema, ty: &Type) -> Vec<TypeId> {
    match ty {
        Type::Builtin(_) | Type::Enum(_) => Vec::new(),
        Type::Array(array) => vec![array.element],
        Type::Object(object) => {
            let mut contained: Vec<TypeId> = schema
                .all_members(object)
                .iter()
                .map(|member| member.ty)
                .collect();
            if let Some(branches) = &object.branches {
                contained.extend(branches.branches.iter().map(|branch| branch.ty));
            }
            contained
        }
        Type::Alternate(alternate) => alternate.branches.iter().map(|branch| branch.ty).collect(),
    }
}

/// The edges of the "holds directly" graph (arrays excepted: a `Vec` is already indirect)
/// that lie on a cycle: both ends in one strongly connected component.
fn recursive_edges(schema: &Schema) -> BTreeSet<(TypeId, TypeId)> {
    let ids: Vec<TypeId> = schema.types().map(|(id, _)| id).collect();
    let index_of: BTreeMap<TypeId, usize> = ids
        .iter()
        .enumerate()
        .map(|(index, id)| (*id, index))
        .collect();
    let edges: Vec<Vec<usize>> = schema
        .types()
        .map(|(_, ty)| match ty {
            Type::Array(_) => Vec::new(),
            _ => contained_types(schema, ty)
                .into_iter()
                .filter(|id| !matches!(schema.ty(*id), Type::Array(_)))
                .map(|id| index_of[&id])
                .collect(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut boxed = BTreeSet::new();
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            if component[from] == component[to] {
                boxed.insert((ids[from], ids[to]));
            }
        }
    }
    boxed
}

/// Tarjan's algorithm, iteratively: the component number of every node. A node alone in its
/// component without a self edge is on no cycle, and no edge of it is reported.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNVISITED; count];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..count {
        if index[root] != UNVISITED {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(top) = work.last_mut() {
            let node = top.0;
            if index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(top.1) {
                top.1 += 1;
                if index[target] == UNVISITED {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// The field identifier of a member.
pub fn field_ident(member: &Member) -> Ident {
    names::snake(&member.name)
}
