//! Plan → tokens. One emitter per concern, all fed the same [`Plan`]:
//! - [`types`]: the Rust definitions (structs, enums, unions, alternates, arguments, events);
//! - [`ser`] and [`de`]: their hand-written `Serialize` and `Deserialize` impls;
//! - [`docs`]: doc comments and `#[deprecated]`;
//! - [`dispatch`]: the server side of the commands (a trait, the command list, a dispatcher),
//!   when [`Plan::dispatch`](crate::plan::Plan::dispatch) is set.
//! - [`events`]: the enum of all events and its decoder, when [`Plan::events`](crate::plan::Plan::events) is set;
//! - [`client`]: the typed clients, after all definitions.
//! - [`introspect`]: QMP's `query-qmp-schema` answer for the schema, when
//!   [`Plan::introspect`](crate::plan::Plan::introspect) is set.
//!
//! [`pieces`] lists the schema's definitions in order, then the file-wide items; [`emit_piece`]
//! emits one, a definition with its impls right after it, so the file reads top to bottom like
//! the schema. An emitter for a new concern (the dispatch trait, clients) is one more module
//! taking a [`Plan`] and one more [`Piece`]; `Names::command_args` and
//! [`Plan::type_ref`](crate::plan::Plan::type_ref) give the types it names.

pub mod client;
pub mod de;
pub mod dispatch;
pub mod docs;
pub mod events;
pub mod introspect;
pub mod ser;
pub mod types;

pub use de::Needs;

use crate::plan::{ArgsOwner, ObjectShape, Plan};
use proc_macro2::{Ident, TokenStream};
use qapi_gen_parser::model::{CommandId, Entity, EventId, Implicit, Type, TypeId};

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

/// The pieces of the file, in schema order: each definition (built-in types only when the
/// schema uses them), then the file-wide items that `plan` asks for.
pub fn pieces(plan: &Plan<'_>) -> Vec<Piece> {
    let schema = plan.schema;
    let mut pieces = Vec::new();
    for entity in schema.entities() {
        match *entity {
            Entity::Type(id) if plan.generates_type(id) => pieces.push(Piece::Type(id)),
            Entity::Type(_) => {}
            // A command without arguments has no `Args`: nothing would use it.
            Entity::Command(id)
                if plan.selection.has_command(id) && plan.takes_arguments(schema.command(id)) =>
            {
                pieces.push(Piece::Command(id));
            }
            Entity::Event(id) if plan.selection.has_event(id) => pieces.push(Piece::Event(id)),
            Entity::Command(_) | Entity::Event(_) => {}
            Entity::Include(_) => {}
        }
    }
    if plan.events {
        pieces.push(Piece::Events);
    }
    if plan.dispatch {
        pieces.push(Piece::Dispatch);
    }
    pieces.push(Piece::Clients);
    if plan.introspect {
        pieces.push(Piece::Introspection);
    }
    pieces
}

/// One piece's items; what they need of the private helpers is added to `needs`.
pub fn emit_piece(plan: &Plan<'_>, piece: Piece, needs: &mut Needs) -> TokenStream {
    match piece {
        Piece::Type(id) => emit_type(plan, id, needs),
        Piece::Command(id) => {
            let command = plan.schema.command(id);
            let ident = plan.names.command_args(id).clone();
            emit_arguments(
                plan,
                &ident,
                command.arg_type,
                ArgsOwner::Command(command),
                needs,
            )
        }
        Piece::Event(id) => {
            let event = plan.schema.event(id);
            let ident = plan.names.event_data(id).clone();
            emit_arguments(plan, &ident, event.arg_type, ArgsOwner::Event(event), needs)
        }
        Piece::Events => events::emit(plan),
        Piece::Dispatch => dispatch::emit(plan),
        Piece::Clients => client::emit_clients(plan),
        Piece::Introspection => introspect::emit(plan),
    }
}

/// One type's definition and impls; nothing for types that have no Rust definition of their
/// own (built-ins, arrays, implicit objects).
fn emit_type(plan: &Plan<'_>, id: TypeId, needs: &mut Needs) -> TokenStream {
    let Some(ident) = plan.names.ty(id).cloned() else {
        return TokenStream::new();
    };
    match plan.schema.ty(id) {
        Type::Builtin(_) | Type::Array(_) => TokenStream::new(),
        Type::Enum(enumeration) => {
            needs.enums = true;
            let definition = types::emit_enum(plan, id, enumeration, &ident);
            let serde = ser::emit_enum_serde(plan, enumeration, &ident);
            concat([definition, serde])
        }
        Type::Object(object) => {
            needs.objects = true;
            let shape = plan.object_shape(id, object, ident);
            let definition = types::emit_object(plan, object, &shape);
            let serde = ser::emit_object_serde(plan, &shape);
            let ser = ser::emit_object(plan, &shape);
            let de = de::emit_object(plan, &shape, needs);
            concat([definition, serde, ser, de])
        }
        Type::Alternate(alternate) => {
            let definition = types::emit_alternate(plan, id, alternate, &ident);
            let ser = ser::emit_alternate(plan, alternate, &ident);
            let de = de::emit_alternate(plan, alternate, &ident);
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

/// `{Command}Args` / `{Event}Event`: a struct of the implicit argument object, an empty struct
/// when there are no arguments, or an alias of the named argument type.
fn emit_arguments(
    plan: &Plan<'_>,
    ident: &Ident,
    arg_type: Option<TypeId>,
    owner: ArgsOwner<'_>,
    needs: &mut Needs,
) -> TokenStream {
    let implicit = arg_type.and_then(|id| {
        let object = plan.schema.ty(id).as_object()?;
        matches!(object.implicit, Some(Implicit::Arguments { .. })).then_some((id, object))
    });
    match (arg_type, implicit) {
        (Some(id), None) => types::emit_args_alias(plan, ident, id, owner),
        (_, Some((id, object))) => {
            needs.objects = true;
            let mut shape = plan.object_shape(id, object, ident.clone());
            shape.deprecated = owner.is_deprecated();
            shape.cond = owner.cond();
            let definition = types::emit_args_struct(plan, &shape, owner);
            let serde = ser::emit_object_serde(plan, &shape);
            let ser = ser::emit_object(plan, &shape);
            let de = de::emit_object(plan, &shape, needs);
            concat([definition, serde, ser, de])
        }
        (None, None) => {
            needs.objects = true;
            let empty = plan.schema.empty_object();
            let shape = ObjectShape {
                id: empty,
                ident: ident.clone(),
                members: Vec::new(),
                union: None,
                deprecated: owner.is_deprecated(),
                cond: owner.cond(),
            };
            let definition = types::emit_args_struct(plan, &shape, owner);
            let serde = ser::emit_object_serde(plan, &shape);
            let ser = ser::emit_object(plan, &shape);
            let de = de::emit_object(plan, &shape, needs);
            concat([definition, serde, ser, de])
        }
    }
}
