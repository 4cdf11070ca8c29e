//! The resolved schema model: what a checked schema means, the input to code generation.
//!
//! Where the AST mirrors the text, the model mirrors QEMU's `QAPISchema` after `check()`:
//! every type reference is resolved to a [`TypeId`], implicit types exist (`XList` arrays,
//! `q_obj_NAME-arg` and `q_obj_NAME-base` objects, the implicit `q_empty` branches of unions),
//! and everything is kept in QEMU's definition order, so that walking the model is
//! deterministic and matches what QEMU's generators see.
//!
//! The tables are indexed by small handles ([`TypeId`], [`CommandId`], [`EventId`],
//! [`ModuleId`]); a handle is only meaningful for the [`Schema`] that issued it. Walking from a
//! member to its type is `schema.ty(member.ty)`.
//!
//! ```
//! # use qapi_gen_parser::model::{Schema, Type};
//! fn struct_names(schema: &Schema) -> Vec<&str> {
//!     schema
//!         .types()
//!         .filter_map(|(_, ty)| ty.as_object())
//!         .filter(|object| object.implicit.is_none() && object.branches.is_none())
//!         .map(|object| object.name.as_str())
//!         .collect()
//! }
//! ```

use crate::doc::{Doc, Section};
use crate::span::Span;
use indexmap::IndexMap;
use std::fmt;

/// A checked schema: every definition, module and doc block, in QEMU's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub(crate) modules: Vec<Module>,
    pub(crate) types: Vec<Type>,
    pub(crate) commands: Vec<Command>,
    pub(crate) events: Vec<Event>,
    pub(crate) entities: Vec<Entity>,
    pub(crate) names: IndexMap<String, Entity>,
    pub(crate) features: Vec<String>,
    pub(crate) docs: Vec<Doc>,
}

/// Identifies a type in its [`Schema`]: an index into [`Schema::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub(crate) u32);

/// Identifies a command in its [`Schema`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub(crate) u32);

/// Identifies an event in its [`Schema`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub(crate) u32);

/// Identifies a module (a schema file, or QEMU's `./builtin` module) in its [`Schema`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub(crate) u32);

/// One entry of the schema's definition order: a definition or an `include` directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    /// A type definition (or an implicit type).
    Type(TypeId),
    /// A command.
    Command(CommandId),
    /// An event.
    Event(EventId),
    /// An `include` directive.
    Include(Include),
}

/// An `include` directive, kept (as QEMU keeps it) even when the file had already been
/// included: generators emit one `use`/`#include` per directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Include {
    /// The module the directive names.
    pub module: ModuleId,
    /// The directive in the including file.
    pub span: Span,
}

/// A module: QEMU's `./builtin` module of predefined types, or one schema file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// `./builtin`, or the file's path relative to the root schema's directory, normalised
    /// (`include/../x.json` is `x.json`), as QEMU names modules.
    pub name: String,
    /// What the module holds, in definition order. An array type lives in its element
    /// type's module; an implicit object in its owner's.
    pub entities: Vec<Entity>,
}

impl Module {
    /// The name of the module of predefined types.
    pub const BUILTIN: &'static str = "./builtin";

    /// Whether this is the module of predefined types (built-ins, their arrays, `q_empty`,
    /// `QType`), which QEMU generates separately.
    pub fn is_builtin(&self) -> bool {
        self.name == Module::BUILTIN
    }
}

/// Any type of the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// One of the 15 built-in types.
    Builtin(BuiltinType),
    /// An enumeration.
    Enum(EnumType),
    /// An array type `XList`.
    Array(ArrayType),
    /// A struct, union or implicit object.
    Object(ObjectType),
    /// An alternate.
    Alternate(AlternateType),
}

/// One of the 15 built-in scalar types (`str`, `int`, …, `any`, `null`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltinType {
    /// The name as written in the schema.
    pub name: String,
    /// Which built-in type.
    pub kind: Builtin,
    /// The module the entity is in (see [`Module::entities`]).
    pub module: ModuleId,
}

/// Which built-in type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `str`: a string.
    Str,
    /// `number`: a double.
    Number,
    /// `int`: a 64-bit signed integer.
    Int,
    /// `int8`.
    Int8,
    /// `int16`.
    Int16,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `uint8`.
    Uint8,
    /// `uint16`.
    Uint16,
    /// `uint32`.
    Uint32,
    /// `uint64`.
    Uint64,
    /// `size`: a 64-bit unsigned byte count.
    Size,
    /// `bool`.
    Bool,
    /// `any`: any JSON value.
    Any,
    /// `null`: JSON `null`.
    Null,
}

/// An enumeration: `{ 'enum': …, 'data': [ … ] }`, or the predefined `QType`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumType {
    /// The name as written in the schema.
    pub name: String,
    /// The values, in source order.
    pub values: Vec<EnumValue>,
    /// `prefix`: overrides the prefix of the C names of the values.
    pub prefix: Option<String>,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// The features, in source order.
    pub features: Vec<Feature>,
    /// The doc block of the definition.
    pub doc: Option<Doc>,
    /// The definition; `None` for the predefined `QType`.
    pub span: Option<Span>,
    /// The module the entity is in (see [`Module::entities`]).
    pub module: ModuleId,
}

/// One value of an enumeration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumValue {
    /// The name as written in the schema.
    pub name: String,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// The features, in source order.
    pub features: Vec<Feature>,
    /// The value's `@name:` description in its definition's doc block.
    pub doc: Option<Section>,
    /// Where the value is written; `None` for `QType`'s values.
    pub span: Option<Span>,
}

/// An array type `XList`, made where `['X']` is first written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArrayType {
    /// `XList`.
    pub name: String,
    /// `X`: never an array itself.
    pub element: TypeId,
    /// The element type's condition, which QEMU gives the array.
    pub cond: Option<Cond>,
    /// The first `['X']` that made it; `None` for arrays of built-in types, which are
    /// predefined.
    pub span: Option<Span>,
    /// The element type's module.
    pub module: ModuleId,
}

/// A complex type: a struct, or a union (an object with a base and branches), or an
/// implicit object QEMU makes (`q_empty`, `q_obj_NAME-arg`, `q_obj_NAME-base`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectType {
    /// The name as written in the schema.
    pub name: String,
    /// `Some` for the objects QEMU makes itself rather than from a `struct` or `union`.
    pub implicit: Option<Implicit>,
    /// The base type, always a struct (never a union); a union's is always present.
    pub base: Option<TypeId>,
    /// The members written in this type's `data`, without the base's: see
    /// [`Schema::all_members`] for the full list.
    pub members: Vec<Member>,
    /// A union's branches; `None` for a struct.
    pub branches: Option<Branches>,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// The features, in source order.
    pub features: Vec<Feature>,
    /// The doc block of the definition.
    pub doc: Option<Doc>,
    /// The definition, or for an implicit object its owner's; `None` for `q_empty`.
    pub span: Option<Span>,
    /// The module the entity is in (see [`Module::entities`]).
    pub module: ModuleId,
}

/// Why QEMU made an implicit object.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Implicit {
    /// `q_empty`: the object with no members, the type of the union branches that were not
    /// written.
    Empty,
    /// `q_obj_NAME-arg`: the arguments of command or event `owner`, written inline.
    Arguments {
        /// The command or event.
        owner: String,
    },
    /// `q_obj_NAME-base`: the base of union `owner`, written inline.
    Base {
        /// The union.
        owner: String,
    },
}

/// A member of an object type (for a command or event: an argument).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The wire name, without the `*` of optional members.
    pub name: String,
    /// The member's type.
    pub ty: TypeId,
    /// Written `*name`.
    pub optional: bool,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// The features, in source order.
    pub features: Vec<Feature>,
    /// The member's `@name:` description in its definition's doc block.
    pub doc: Option<Section>,
    /// Where the member's key is written.
    pub span: Span,
}

/// A union's branches, chosen by the value of a discriminator member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branches {
    /// The name of the discriminator: a mandatory, unconditional member of the base.
    pub discriminator: String,
    /// The discriminator's type, an enumeration.
    pub discriminator_type: TypeId,
    /// One branch per value of the enumeration: the written ones in source order, then one
    /// with type `q_empty` for each value that has none, in enum order.
    pub branches: Vec<Branch>,
}

/// A union branch or an alternate's alternative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    /// For a union, the discriminator value; for an alternate, the branch's name.
    pub name: String,
    /// For a union, an object type; for an alternate, any type but `any` or an alternate.
    pub ty: TypeId,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// An alternate branch's `@name:` description (union branches are never documented).
    pub doc: Option<Section>,
    /// Where the branch is written; `None` for the implicit `q_empty` branches of a union.
    pub span: Option<Span>,
}

/// An alternate: a value that may be any of several types, told apart by its JSON type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlternateType {
    /// The name as written in the schema.
    pub name: String,
    /// The alternatives, in source order; their JSON types are distinct.
    pub branches: Vec<Branch>,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// The features, in source order.
    pub features: Vec<Feature>,
    /// The doc block of the definition.
    pub doc: Option<Doc>,
    /// The definition (its whole `{ … }`).
    pub span: Option<Span>,
    /// The module the entity is in (see [`Module::entities`]).
    pub module: ModuleId,
}

/// A command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The name as written in the schema.
    pub name: String,
    /// The arguments: an object type (implicit `q_obj_NAME-arg` for inline `data`), absent
    /// when the command takes none.
    pub arg_type: Option<TypeId>,
    /// The type of the success response's `return` value, absent for none.
    pub ret_type: Option<TypeId>,
    /// `boxed`: the arguments are passed as one object, not member by member.
    pub boxed: bool,
    /// `gen`: `false` means the handler is written by hand, not generated.
    pub gen: bool,
    /// `success-response`: `false` means the command sends no reply on success.
    pub success_response: bool,
    /// `allow-oob`: may run out of band.
    pub allow_oob: bool,
    /// `allow-preconfig`: may run before the machine is configured.
    pub allow_preconfig: bool,
    /// `coroutine`: the handler runs in a coroutine.
    pub coroutine: bool,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// The features, in source order.
    pub features: Vec<Feature>,
    /// The doc block of the definition.
    pub doc: Option<Doc>,
    /// The definition (its whole `{ … }`).
    pub span: Span,
    /// The module the entity is in (see [`Module::entities`]).
    pub module: ModuleId,
}

/// An event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The name as written in the schema.
    pub name: String,
    /// The event's data: an object type (implicit `q_obj_NAME-arg` for inline `data`).
    pub arg_type: Option<TypeId>,
    /// `boxed`: the data is passed as one object.
    pub boxed: bool,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// The features, in source order.
    pub features: Vec<Feature>,
    /// The doc block of the definition.
    pub doc: Option<Doc>,
    /// The definition (its whole `{ … }`).
    pub span: Span,
    /// The module the entity is in (see [`Module::entities`]).
    pub module: ModuleId,
}

/// A feature of a definition, member or enum value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// The name as written in the schema.
    pub name: String,
    /// The `if` condition; `None` when unconditional.
    pub cond: Option<Cond>,
    /// The feature's description in the doc block of its definition.
    pub doc: Option<Section>,
    /// Where the feature is written.
    pub span: Span,
}

impl Feature {
    /// The features every schema knows, with meaning to QEMU itself.
    pub const SPECIAL: [&'static str; 2] = ["deprecated", "unstable"];

    /// `deprecated` or `unstable`.
    pub fn is_special(&self) -> bool {
        Feature::SPECIAL.contains(&self.name.as_str())
    }
}

/// A condition (`if`): the entity exists only when it holds. Names are configuration
/// symbols (`CONFIG_LINUX`), combined as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// `'NAME'`.
    Name(String),
    /// `{ 'all': [ … ] }`: every one holds (never empty).
    All(Vec<Cond>),
    /// `{ 'any': [ … ] }`: at least one holds (never empty).
    Any(Vec<Cond>),
    /// `{ 'not': … }`.
    Not(Box<Cond>),
}

impl Cond {
    /// The condition as Python prints QEMU's tree of it: `'A'` or `{'all': ['A', 'B']}`.
    /// At the top level QEMU's dump prints a bare name without quotes; see [`fmt::Display`].
    pub fn python_repr(&self) -> String {
        let mut out = String::new();
        self.write_python_repr(&mut out);
        out
    }

    fn write_python_repr(&self, out: &mut String) {
        let (key, operands) = match self {
            Cond::Name(name) => {
                crate::ast::write_python_str(out, name);
                return;
            }
            Cond::Not(operand) => {
                out.push_str("{'not': ");
                operand.write_python_repr(out);
                out.push('}');
                return;
            }
            Cond::All(operands) => ("all", operands),
            Cond::Any(operands) => ("any", operands),
        };
        out.push_str("{'");
        out.push_str(key);
        out.push_str("': [");
        for (index, operand) in operands.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            operand.write_python_repr(out);
        }
        out.push_str("]}");
    }
}

/// The condition as QEMU's test dump prints it: a bare name, or the tree's Python repr.
impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Name(name) => f.write_str(name),
            _ => f.write_str(&self.python_repr()),
        }
    }
}

/// The JSON type a value of a type takes on the wire; alternates use it to tell their
/// branches apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonType {
    /// A JSON string.
    String,
    /// A JSON number (a double).
    Number,
    /// A JSON number (an integer).
    Int,
    /// `true` or `false`.
    Boolean,
    /// JSON `null`.
    Null,
    /// A JSON array.
    Array,
    /// A JSON object.
    Object,
    /// Any JSON value: `any` and alternates.
    Value,
}

impl Builtin {
    /// Every built-in type with its QAPI name, in QEMU's definition order.
    pub const ALL: [(&'static str, Builtin); 15] = [
        ("str", Builtin::Str),
        ("number", Builtin::Number),
        ("int", Builtin::Int),
        ("int8", Builtin::Int8),
        ("int16", Builtin::Int16),
        ("int32", Builtin::Int32),
        ("int64", Builtin::Int64),
        ("uint8", Builtin::Uint8),
        ("uint16", Builtin::Uint16),
        ("uint32", Builtin::Uint32),
        ("uint64", Builtin::Uint64),
        ("size", Builtin::Size),
        ("bool", Builtin::Bool),
        ("any", Builtin::Any),
        ("null", Builtin::Null),
    ];

    /// The QAPI name: `str`, `int8`, ….
    pub fn name(self) -> &'static str {
        Builtin::ALL
            .iter()
            .find(|(_, builtin)| *builtin == self)
            .map_or("", |(name, _)| name)
    }

    /// How a value of the type is written in JSON.
    pub fn json_type(self) -> JsonType {
        match self {
            Builtin::Str => JsonType::String,
            Builtin::Number => JsonType::Number,
            Builtin::Int
            | Builtin::Int8
            | Builtin::Int16
            | Builtin::Int32
            | Builtin::Int64
            | Builtin::Uint8
            | Builtin::Uint16
            | Builtin::Uint32
            | Builtin::Uint64
            | Builtin::Size => JsonType::Int,
            Builtin::Bool => JsonType::Boolean,
            Builtin::Any => JsonType::Value,
            Builtin::Null => JsonType::Null,
        }
    }
}

impl Type {
    /// The QAPI name: `GuestFileRead`, `strList`, `q_obj_guest-exec-arg`.
    pub fn name(&self) -> &str {
        match self {
            Type::Builtin(ty) => &ty.name,
            Type::Enum(ty) => &ty.name,
            Type::Array(ty) => &ty.name,
            Type::Object(ty) => &ty.name,
            Type::Alternate(ty) => &ty.name,
        }
    }

    /// The type's condition (an array's is its element type's).
    pub fn cond(&self) -> Option<&Cond> {
        match self {
            Type::Builtin(_) => None,
            Type::Enum(ty) => ty.cond.as_ref(),
            Type::Array(ty) => ty.cond.as_ref(),
            Type::Object(ty) => ty.cond.as_ref(),
            Type::Alternate(ty) => ty.cond.as_ref(),
        }
    }

    /// The type's own features (arrays and built-ins have none).
    pub fn features(&self) -> &[Feature] {
        match self {
            Type::Builtin(_) | Type::Array(_) => &[],
            Type::Enum(ty) => &ty.features,
            Type::Object(ty) => &ty.features,
            Type::Alternate(ty) => &ty.features,
        }
    }

    /// The doc block of the type's definition.
    pub fn doc(&self) -> Option<&Doc> {
        match self {
            Type::Builtin(_) | Type::Array(_) => None,
            Type::Enum(ty) => ty.doc.as_ref(),
            Type::Object(ty) => ty.doc.as_ref(),
            Type::Alternate(ty) => ty.doc.as_ref(),
        }
    }

    /// Where the type is defined (for implicit types, what made them); `None` for the
    /// predefined types.
    pub fn span(&self) -> Option<Span> {
        match self {
            Type::Builtin(_) => None,
            Type::Enum(ty) => ty.span,
            Type::Array(ty) => ty.span,
            Type::Object(ty) => ty.span,
            Type::Alternate(ty) => ty.span,
        }
    }

    /// The module the type is in.
    pub fn module(&self) -> ModuleId {
        match self {
            Type::Builtin(ty) => ty.module,
            Type::Enum(ty) => ty.module,
            Type::Array(ty) => ty.module,
            Type::Object(ty) => ty.module,
            Type::Alternate(ty) => ty.module,
        }
    }

    /// Whether QEMU made the type rather than the schema defining it: arrays, `q_obj_*`
    /// and `q_empty` objects, and `QType`.
    pub fn is_implicit(&self) -> bool {
        match self {
            Type::Builtin(_) => false,
            Type::Enum(ty) => ty.span.is_none(),
            Type::Array(_) => true,
            Type::Object(ty) => ty.implicit.is_some(),
            Type::Alternate(_) => false,
        }
    }

    /// How a value of the type is written in JSON.
    pub fn json_type(&self) -> JsonType {
        match self {
            Type::Builtin(ty) => ty.kind.json_type(),
            Type::Enum(_) => JsonType::String,
            Type::Array(_) => JsonType::Array,
            Type::Object(_) => JsonType::Object,
            Type::Alternate(_) => JsonType::Value,
        }
    }

    /// The type, if it is a built-in type.
    pub fn as_builtin(&self) -> Option<&BuiltinType> {
        match self {
            Type::Builtin(ty) => Some(ty),
            _ => None,
        }
    }

    /// The type, if it is an enumeration.
    pub fn as_enum(&self) -> Option<&EnumType> {
        match self {
            Type::Enum(ty) => Some(ty),
            _ => None,
        }
    }

    /// The type, if it is an array type.
    pub fn as_array(&self) -> Option<&ArrayType> {
        match self {
            Type::Array(ty) => Some(ty),
            _ => None,
        }
    }

    /// The type, if it is an object type (struct, union or implicit object).
    pub fn as_object(&self) -> Option<&ObjectType> {
        match self {
            Type::Object(ty) => Some(ty),
            _ => None,
        }
    }

    /// The type, if it is an alternate.
    pub fn as_alternate(&self) -> Option<&AlternateType> {
        match self {
            Type::Alternate(ty) => Some(ty),
            _ => None,
        }
    }
}

impl ObjectType {
    /// A union: an object with branches.
    pub fn is_union(&self) -> bool {
        self.branches.is_some()
    }
}

impl Schema {
    /// The type `id` names. Panics when `id` comes from another schema.
    pub fn ty(&self, id: TypeId) -> &Type {
        &self.types[id.0 as usize]
    }

    /// The command `id` names. Panics when `id` comes from another schema.
    pub fn command(&self, id: CommandId) -> &Command {
        &self.commands[id.0 as usize]
    }

    /// The event `id` names. Panics when `id` comes from another schema.
    pub fn event(&self, id: EventId) -> &Event {
        &self.events[id.0 as usize]
    }

    /// The module `id` names. Panics when `id` comes from another schema.
    pub fn module(&self, id: ModuleId) -> &Module {
        &self.modules[id.0 as usize]
    }

    /// Every type in definition order: the predefined ones first (the built-ins each
    /// followed by its array, then `q_empty` and `QType`), then the schema's, with implicit
    /// types where QEMU makes them.
    pub fn types(&self) -> impl ExactSizeIterator<Item = (TypeId, &Type)> {
        self.types
            .iter()
            .enumerate()
            .map(|(index, ty)| (TypeId(index as u32), ty))
    }

    /// Every command in definition order.
    pub fn commands(&self) -> impl ExactSizeIterator<Item = (CommandId, &Command)> {
        self.commands
            .iter()
            .enumerate()
            .map(|(index, command)| (CommandId(index as u32), command))
    }

    /// Every event in definition order.
    pub fn events(&self) -> impl ExactSizeIterator<Item = (EventId, &Event)> {
        self.events
            .iter()
            .enumerate()
            .map(|(index, event)| (EventId(index as u32), event))
    }

    /// Every module: `./builtin`, the root file, then each included file in the order of
    /// its first `include`.
    pub fn modules(&self) -> impl ExactSizeIterator<Item = (ModuleId, &Module)> {
        self.modules
            .iter()
            .enumerate()
            .map(|(index, module)| (ModuleId(index as u32), module))
    }

    /// Every definition and `include` directive in QEMU's definition order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The definition named `name` (types, commands and events share one namespace).
    pub fn lookup(&self, name: &str) -> Option<Entity> {
        self.names.get(name).copied()
    }

    /// The type named `name`.
    pub fn lookup_type(&self, name: &str) -> Option<TypeId> {
        match self.lookup(name)? {
            Entity::Type(id) => Some(id),
            _ => None,
        }
    }

    /// The type of built-in `builtin`.
    pub fn builtin(&self, builtin: Builtin) -> TypeId {
        // The built-ins are defined first, each followed by its array type.
        let index = Builtin::ALL
            .iter()
            .position(|(_, candidate)| *candidate == builtin)
            .unwrap_or(0);
        TypeId((index * 2) as u32)
    }

    /// `q_empty`, the empty object.
    pub fn empty_object(&self) -> TypeId {
        TypeId((Builtin::ALL.len() * 2) as u32)
    }

    /// Every member of an object type, the base's (recursively) first, as they appear on the
    /// wire; the branches of a union are not included.
    pub fn all_members<'schema>(
        &'schema self,
        object: &'schema ObjectType,
    ) -> Vec<&'schema Member> {
        let mut members = match object.base.and_then(|base| self.ty(base).as_object()) {
            Some(base) => self.all_members(base),
            None => Vec::new(),
        };
        members.extend(object.members.iter());
        members
    }

    /// Every feature name the schema uses, `deprecated` and `unstable` first, then in order
    /// of first use; QEMU allows at most 64.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// Every doc comment block, in parse order (free-form ones included).
    pub fn docs(&self) -> &[Doc] {
        &self.docs
    }
}

#[cfg(test)]
mod tests {
    use super::Cond;

    #[test]
    fn conditions_print_as_qemus_dump_prints_them() {
        let name = |name: &str| Cond::Name(name.to_owned());
        assert_eq!(name("A").to_string(), "A");
        let tree = Cond::Not(Box::new(Cond::Any(vec![
            Cond::Not(Box::new(name("A"))),
            Cond::All(vec![name("B"), name("C")]),
        ])));
        assert_eq!(
            tree.to_string(),
            "{'not': {'any': [{'not': 'A'}, {'all': ['B', 'C']}]}}"
        );
    }
}
