//! QEMU's `schema.py`: define every entity, check each one in definition order, and build the
//! model.
//!
//! The phases run in QEMU's order, so the first error is QEMU's:
//! 1. `define`: the predefined types, then each top-level item in order; arrays `XList` are
//!    made at the first `['X']`, `q_obj_NAME-arg`/`-base` objects just before their owner
//!    (`'X' is already defined`).
//! 2. `resolve`: each entity's `check()` (types resolved, bases, branches, clashes, command
//!    and event rules) followed by its doc connection; then every doc block's own check and
//!    the limit of 64 feature names.
//! 3. `build`: the drafts become the [`Schema`] model.
//!
//! Between the phases the entities are `Draft`s: QEMU's objects before `check()`, with type
//! references still names, plus what `check()` records in them.

mod build;
mod define;
mod resolve;
#[cfg(test)]
mod tests;

use crate::ast::ParsedSchema;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Builtin, Cond, Implicit, ModuleId, Schema, TypeId};
use crate::span::{SourceMap, Span};
use crate::Options;
use indexmap::{IndexMap, IndexSet};
use std::collections::HashMap;

/// Defines every entity, resolves types and runs the schema-wide checks.
///
/// Stops at the first error, as QEMU does: it is pushed into `diags` and `None` returned.
/// Rules that legacy mode relaxes are pushed as warnings and checking goes on.
pub fn build_schema(
    parsed: &mut ParsedSchema,
    sources: &SourceMap,
    options: &Options,
    diags: &mut Diagnostics,
) -> Option<Schema> {
    let result = define::define_all(parsed, sources)
        .and_then(|mut drafts| {
            resolve::check_all(&mut drafts, parsed, options, diags)?;
            Ok(drafts)
        })
        .and_then(|drafts| build::build(drafts, parsed, sources));
    match result {
        Ok(schema) => Some(schema),
        Err(error) => {
            diags.push(*error);
            None
        }
    }
}

/// What QEMU's `QAPISourceInfo` says about the definition an entity comes from: where errors
/// about it are located and what the `In META 'NAME':` line calls it. Implicit types share
/// their owner's.
#[derive(Clone, Debug)]
struct Info {
    /// The definition's `{`.
    span: Span,
    /// `struct`, `union`, `command`, …
    meta: &'static str,
    name: String,
}

impl Info {
    fn context(&self) -> String {
        format!("In {} '{}':", self.meta, self.name)
    }

    /// An error about the definition, at its `{`, as QEMU reports a `QAPISemError`.
    fn error(&self, message: impl Into<String>) -> Box<Diagnostic> {
        Box::new(Diagnostic::error(self.span, message).with_context(Some(&self.context())))
    }
}

/// An error that the expression checks should have made impossible: reported rather than
/// panicking on a malformed tree.
fn malformed(span: Span, what: &str) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(
        span,
        format!("internal error: malformed {what}"),
    ))
}

/// QEMU's `c_name` as far as clashes are concerned: every character that is not a letter, a
/// digit or `_` becomes `_`. (QEMU also prefixes `q_` to C keywords and names starting with a
/// digit, but no QAPI name can start with `q_`, so that never changes whether two clash.)
fn c_name(name: &str) -> String {
    name.chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
        .collect()
}

/// Every entity between definition and model, and the schema-wide tables QEMU keeps.
#[derive(Debug)]
struct Drafts {
    /// QEMU's `_entity_list`: every entity in definition order.
    entities: Vec<Draft>,
    /// QEMU's `_entity_dict`: definitions by name (looked up, never iterated).
    names: HashMap<String, usize>,
    /// The entity of each [`TypeId`].
    type_entities: Vec<usize>,
    /// QEMU's `_module_dict`: module names in order of creation.
    modules: IndexSet<String>,
    /// QEMU's `_feature_dict`: every feature name in order of first use, with where it was
    /// first used (`None` for the two special features every schema has).
    features: IndexMap<String, Option<Info>>,
}

impl Drafts {
    /// The entity that defines type `id`.
    fn type_entity(&self, id: TypeId) -> &Draft {
        &self.entities[self.type_entities[id.0 as usize]]
    }

    /// QEMU's `lookup_type`: the type named `name`, if there is one.
    fn lookup_type(&self, name: &str) -> Option<TypeId> {
        self.names
            .get(name)
            .and_then(|&index| self.entities[index].type_id)
    }

    /// QEMU's `QAPISchemaType.describe()`: `struct type 'Foo'`, `built-in type 'int'`,
    /// `array type ['int']`.
    fn describe_type(&self, id: TypeId) -> String {
        self.type_entity(id).describe()
    }
}

/// One entity between definition and model: QEMU's schema object before and during `check()`.
#[derive(Debug)]
struct Draft {
    /// The name; empty for an include directive.
    name: String,
    /// `None` for the predefined entities.
    info: Option<Info>,
    /// The whole definition (for an implicit type, its owner's).
    span: Option<Span>,
    /// Index into [`ParsedSchema::docs`] of the definition's doc block.
    doc: Option<usize>,
    /// The doc block the members are documented in: the definition's own, or for an
    /// implicit object its owner's.
    member_doc: Option<usize>,
    cond: Option<Cond>,
    features: Vec<DraftFeature>,
    /// The type's index in the model's type table, for types.
    type_id: Option<TypeId>,
    kind: DraftKind,
}

impl Draft {
    /// QEMU's `describe()` of the entity: `struct type 'Foo'`, `command 'bar'`.
    fn describe(&self) -> String {
        let meta = match &self.kind {
            DraftKind::Builtin(_) => "built-in",
            DraftKind::Enum(_) => "enum",
            DraftKind::Array(array) => return format!("array type ['{}']", array.element_name),
            DraftKind::Object(object) if object.branches.is_some() => "union",
            DraftKind::Object(_) => "struct",
            DraftKind::Alternate(_) => "alternate",
            DraftKind::Command(_) => return format!("command '{}'", self.name),
            DraftKind::Event(_) => return format!("event '{}'", self.name),
            DraftKind::Include(_) => "include",
        };
        format!("{meta} type '{}'", self.name)
    }

    fn as_object(&self) -> Option<&DraftObject> {
        match &self.kind {
            DraftKind::Object(object) => Some(object),
            _ => None,
        }
    }
}

#[derive(Debug)]
enum DraftKind {
    Builtin(Builtin),
    Enum(DraftEnum),
    Array(DraftArray),
    Object(DraftObject),
    Alternate(DraftAlternate),
    Command(DraftCommand),
    Event(DraftEvent),
    Include(DraftInclude),
}

#[derive(Debug)]
struct DraftFeature {
    name: String,
    cond: Option<Cond>,
    span: Span,
}

#[derive(Debug)]
struct DraftEnum {
    values: Vec<DraftValue>,
    prefix: Option<String>,
}

#[derive(Debug)]
struct DraftValue {
    name: String,
    cond: Option<Cond>,
    features: Vec<DraftFeature>,
    span: Option<Span>,
}

#[derive(Debug)]
struct DraftArray {
    element_name: String,
    element: Option<TypeId>,
}

#[derive(Debug)]
struct DraftObject {
    implicit: Option<Implicit>,
    base_name: Option<String>,
    base: Option<TypeId>,
    members: Vec<DraftMember>,
    branches: Option<DraftBranches>,
    state: CheckState,
    /// QEMU's `members` once checked: the base's members, then the local ones.
    all_members: Vec<SeenMember>,
}

/// How far an object's `check()` has got; QEMU finds `contains itself` by meeting an object
/// whose check is in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CheckState {
    Unchecked,
    InProgress,
    Done,
}

/// An object member, an alternate branch or a union branch.
#[derive(Debug)]
struct DraftMember {
    name: String,
    type_name: String,
    ty: Option<TypeId>,
    optional: bool,
    cond: Option<Cond>,
    features: Vec<DraftFeature>,
    /// `None` for the implicit `q_empty` branches of a union.
    span: Option<Span>,
    /// The name of the entity the member is defined in, which QEMU's messages derive the
    /// member's description from.
    defined_in: String,
}

#[derive(Debug)]
struct DraftBranches {
    discriminator: String,
    discriminator_type: Option<TypeId>,
    branches: Vec<DraftMember>,
}

#[derive(Debug)]
struct DraftAlternate {
    branches: Vec<DraftMember>,
}

#[derive(Debug)]
struct DraftCommand {
    data: Option<String>,
    returns: Option<String>,
    arg_type: Option<TypeId>,
    ret_type: Option<TypeId>,
    boxed: bool,
    gen: bool,
    success_response: bool,
    allow_oob: bool,
    allow_preconfig: bool,
    coroutine: bool,
}

#[derive(Debug)]
struct DraftEvent {
    data: Option<String>,
    arg_type: Option<TypeId>,
    boxed: bool,
}

#[derive(Debug)]
struct DraftInclude {
    module: ModuleId,
    span: Span,
}

/// What a member is to QEMU's messages (`QAPISchemaMember.role`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Member,
    Value,
    Feature,
    Branch,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Value => "value",
            Role::Feature => "feature",
            Role::Branch => "branch",
        }
    }
}

/// A member as the clash checks remember it.
#[derive(Clone, Debug)]
struct SeenMember {
    name: String,
    role: Role,
    defined_in: String,
    /// For object members: the resolved type, and what the discriminator checks need.
    ty: Option<TypeId>,
    optional: bool,
    conditional: bool,
    /// Where the member is written, for the snippet of a clash.
    span: Option<Span>,
}

impl SeenMember {
    /// QEMU's `QAPISchemaMember.describe(info)`: `member 'a'`, `parameter 'a'`,
    /// `base member 'a'`, `member 'a' of type 'T'`, as seen from definition `defn_name`.
    fn describe(&self, defn_name: &str) -> String {
        describe_member(&self.name, self.role, &self.defined_in, defn_name)
    }
}

/// QEMU's `QAPISchemaMember.describe(info)` (see [`SeenMember::describe`]). Members of the
/// implicit objects are described by their owner: `q_obj_NAME-arg` holds parameters of
/// command `NAME` (QEMU says so for events too), `q_obj_NAME-base` base members.
fn describe_member(name: &str, role: Role, defined_in: &str, defn_name: &str) -> String {
    let mut role = role.as_str().to_owned();
    let mut meta = "type";
    let mut owner = defined_in;
    if let Some(implicit) = defined_in.strip_prefix("q_obj_") {
        if let Some(command) = implicit.strip_suffix("-arg") {
            role = "parameter".to_owned();
            meta = "command";
            owner = command;
        } else if let Some(union) = implicit.strip_suffix("-base") {
            role = format!("base {role}");
            owner = union;
        } else {
            owner = implicit;
        }
    }
    if owner == defn_name {
        format!("{role} '{name}'")
    } else {
        format!("{role} '{name}' of {meta} '{owner}'")
    }
}
