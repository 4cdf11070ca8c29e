//! The comparison: commands and events by name, named types by name, and what they contain
//! member by member.
//!
//! Type names are not visible on the wire, so a member whose type was renamed is compared
//! through both types' contents, and implicit types (`q_obj_NAME-arg`, `q_obj_NAME-base`) are
//! compared as part of their owner. A type that keeps its name is compared once, as its own
//! entity, with the directions of every command and event that uses it.

use crate::change::{classify, Change, Directions, EntityKind, Position, Relation, Use, What};
use crate::usage::{merge_uses, Usage};
use qapi_gen_parser::model::{
    Branch, Builtin, Cond, Entity, Feature, Member, ObjectType, Schema, Type, TypeId,
};
use std::collections::HashSet;

/// Every change from `old` to `new`: commands, then events, then types; within each, the
/// old schema's order, then what is new in the new schema's order.
pub(crate) fn compare(old: &Schema, new: &Schema) -> Vec<Change> {
    let old_usage = Usage::of(old);
    let new_usage = Usage::of(new);
    let mut changes = Vec::new();
    let pair = Pair { old, new };
    compare_commands(pair, &mut changes);
    compare_events(pair, &mut changes);
    compare_types(pair, &old_usage, &new_usage, &mut changes);
    changes
}

/// The two schemas: an old `TypeId` is only looked up in `old`, a new one in `new`.
#[derive(Clone, Copy)]
struct Pair<'schema> {
    old: &'schema Schema,
    new: &'schema Schema,
}

/// The definition being compared: where its changes go and how they are judged.
struct Context<'out> {
    kind: EntityKind,
    entity: String,
    used_by: Vec<Use>,
    changes: &'out mut Vec<Change>,
    /// Pairs of differently named types being compared, so recursive types end.
    visited: HashSet<(TypeId, TypeId)>,
}

impl Context<'_> {
    fn push(&mut self, path: &[String], what: What, directions: Directions) {
        let (class, reason) = classify(self.kind, &what, directions);
        self.changes.push(Change {
            kind: self.kind,
            entity: self.entity.clone(),
            path: path.to_vec(),
            what,
            class,
            directions,
            reason,
            used_by: self.used_by.clone(),
        });
    }
}

fn context<'out>(
    kind: EntityKind,
    entity: &str,
    used_by: Vec<Use>,
    changes: &'out mut Vec<Change>,
) -> Context<'out> {
    Context {
        kind,
        entity: entity.to_owned(),
        used_by,
        changes,
        visited: HashSet::new(),
    }
}

fn compare_commands(pair: Pair<'_>, changes: &mut Vec<Change>) {
    for (_, old) in pair.old.commands() {
        let mut cx = context(EntityKind::Command, &old.name, Vec::new(), changes);
        let Some(Entity::Command(id)) = pair.new.lookup(&old.name) else {
            cx.push(&[], What::Removed, Directions::NONE);
            continue;
        };
        let new = pair.new.command(id);
        compare_cond(&mut cx, &[], old.cond.as_ref(), new.cond.as_ref());
        compare_features(&mut cx, &[], &old.features, &new.features);
        let flags = [
            (
                "success-response",
                old.success_response,
                new.success_response,
            ),
            ("allow-oob", old.allow_oob, new.allow_oob),
            ("allow-preconfig", old.allow_preconfig, new.allow_preconfig),
            ("boxed", old.boxed, new.boxed),
            ("gen", old.gen, new.gen),
            ("coroutine", old.coroutine, new.coroutine),
        ];
        for (flag, old, new) in flags {
            if old != new {
                cx.push(&[], What::FlagChanged { flag, old, new }, Directions::NONE);
            }
        }
        compare_data(
            pair,
            &mut cx,
            Position::Arguments,
            old.arg_type,
            new.arg_type,
        );
        let path = [Position::Returns.name().to_owned()];
        match (old.ret_type, new.ret_type) {
            (None, None) => {}
            (None, Some(ty)) => {
                let ty = pair.new.ty(ty).name().to_owned();
                cx.push(&path, What::ReturnsAdded { ty }, Directions::RECEIVE);
            }
            (Some(ty), None) => {
                let ty = pair.old.ty(ty).name().to_owned();
                cx.push(&path, What::ReturnsRemoved { ty }, Directions::RECEIVE);
            }
            (Some(old), Some(new)) => {
                compare_ref(pair, &mut cx, &path, old, new, Directions::RECEIVE);
            }
        }
    }
    for (_, new) in pair.new.commands() {
        if !matches!(pair.old.lookup(&new.name), Some(Entity::Command(_))) {
            let mut cx = context(EntityKind::Command, &new.name, Vec::new(), changes);
            cx.push(&[], What::Added, Directions::NONE);
        }
    }
}

fn compare_events(pair: Pair<'_>, changes: &mut Vec<Change>) {
    for (_, old) in pair.old.events() {
        let mut cx = context(EntityKind::Event, &old.name, Vec::new(), changes);
        let Some(Entity::Event(id)) = pair.new.lookup(&old.name) else {
            cx.push(&[], What::Removed, Directions::NONE);
            continue;
        };
        let new = pair.new.event(id);
        compare_cond(&mut cx, &[], old.cond.as_ref(), new.cond.as_ref());
        compare_features(&mut cx, &[], &old.features, &new.features);
        if old.boxed != new.boxed {
            let what = What::FlagChanged {
                flag: "boxed",
                old: old.boxed,
                new: new.boxed,
            };
            cx.push(&[], what, Directions::NONE);
        }
        compare_data(pair, &mut cx, Position::Data, old.arg_type, new.arg_type);
    }
    for (_, new) in pair.new.events() {
        if !matches!(pair.old.lookup(&new.name), Some(Entity::Event(_))) {
            let mut cx = context(EntityKind::Event, &new.name, Vec::new(), changes);
            cx.push(&[], What::Added, Directions::NONE);
        }
    }
}

/// A command's arguments or an event's data: an object, or nothing (no members).
fn compare_data(
    pair: Pair<'_>,
    cx: &mut Context<'_>,
    position: Position,
    old: Option<TypeId>,
    new: Option<TypeId>,
) {
    let path = [position.name().to_owned()];
    let directions = position.directions();
    let old_object = old.and_then(|id| pair.old.ty(id).as_object());
    let new_object = new.and_then(|id| pair.new.ty(id).as_object());
    match (old, new) {
        (Some(old), Some(new)) => compare_ref(pair, cx, &path, old, new, directions),
        _ => {
            // No arguments is the same as an empty object of them.
            let old_members = old_object
                .map(|o| pair.old.all_members(o))
                .unwrap_or_default();
            let new_members = new_object
                .map(|n| pair.new.all_members(n))
                .unwrap_or_default();
            compare_members(pair, cx, &path, &old_members, &new_members, directions);
        }
    }
}

fn compare_types(pair: Pair<'_>, old_usage: &Usage, new_usage: &Usage, changes: &mut Vec<Change>) {
    let named = |ty: &Type| !ty.is_implicit() && ty.as_builtin().is_none();
    for (old_id, old) in pair.old.types().filter(|(_, ty)| named(ty)) {
        let (old_directions, old_uses) = old_usage.get(old.name());
        let (new_directions, new_uses) = new_usage.get(old.name());
        let directions = old_directions.union(new_directions);
        let uses = merge_uses(old_uses, new_uses);
        let mut cx = context(EntityKind::Type, old.name(), uses, changes);
        let new_id = pair
            .new
            .lookup_type(old.name())
            .filter(|id| named(pair.new.ty(*id)));
        let Some(new_id) = new_id else {
            cx.push(&[], What::Removed, directions);
            continue;
        };
        match relate(pair, old_id, new_id, true) {
            Relation::Structural | Relation::Same => {
                compare_definition(pair, &mut cx, &[], old_id, new_id, directions);
            }
            relation => {
                let what = What::KindChanged {
                    old: kind_name(old),
                    new: kind_name(pair.new.ty(new_id)),
                    relation,
                };
                cx.push(&[], what, directions);
            }
        }
    }
    for (_, new) in pair.new.types().filter(|(_, ty)| named(ty)) {
        let in_old = pair
            .old
            .lookup_type(new.name())
            .is_some_and(|id| named(pair.old.ty(id)));
        if !in_old {
            let (directions, uses) = new_usage.get(new.name());
            let mut cx = context(EntityKind::Type, new.name(), uses.to_vec(), changes);
            cx.push(&[], What::Added, directions);
        }
    }
}

/// Where a value of type `old` is now of type `new`: nothing when they are one named type
/// (that type is compared as its own entity), their contents when both are objects, enums
/// or alternates, else a retyping judged by whether one type's values fit the other.
fn compare_ref(
    pair: Pair<'_>,
    cx: &mut Context<'_>,
    path: &[String],
    old: TypeId,
    new: TypeId,
    directions: Directions,
) {
    match relate(pair, old, new, false) {
        Relation::Same => {}
        Relation::Structural => {
            let (old, new) = (element(pair.old, old), element(pair.new, new));
            // Only the pairs being compared further up are skipped, so a recursive type
            // ends and a renamed type used in two places is compared in both.
            if cx.visited.insert((old, new)) {
                compare_definition(pair, cx, path, old, new, directions);
                cx.visited.remove(&(old, new));
            }
        }
        relation => {
            let what = What::Retyped {
                old: pair.old.ty(old).name().to_owned(),
                new: pair.new.ty(new).name().to_owned(),
                relation,
            };
            cx.push(path, what, directions);
        }
    }
}

/// Two types of one kind compared by content: an object's members and branches, an enum's
/// values, an alternate's branches, and (for definitions) their features and conditions.
fn compare_definition(
    pair: Pair<'_>,
    cx: &mut Context<'_>,
    path: &[String],
    old: TypeId,
    new: TypeId,
    directions: Directions,
) {
    let (old, new) = (pair.old.ty(old), pair.new.ty(new));
    if !old.is_implicit() && !new.is_implicit() {
        compare_cond(cx, path, old.cond(), new.cond());
        compare_features(cx, path, old.features(), new.features());
    }
    match (old, new) {
        (Type::Enum(old), Type::Enum(new)) => {
            for value in &old.values {
                match new
                    .values
                    .iter()
                    .find(|candidate| candidate.name == value.name)
                {
                    Some(kept) => {
                        let path = extend(path, &value.name);
                        compare_cond(cx, &path, value.cond.as_ref(), kept.cond.as_ref());
                        compare_features(cx, &path, &value.features, &kept.features);
                    }
                    None => {
                        let what = What::ValueRemoved {
                            name: value.name.clone(),
                        };
                        cx.push(path, what, directions);
                    }
                }
            }
            for value in &new.values {
                if !old
                    .values
                    .iter()
                    .any(|candidate| candidate.name == value.name)
                {
                    let what = What::ValueAdded {
                        name: value.name.clone(),
                    };
                    cx.push(path, what, directions);
                }
            }
        }
        (Type::Object(old), Type::Object(new)) => {
            compare_object(pair, cx, path, old, new, directions);
        }
        (Type::Alternate(old), Type::Alternate(new)) => {
            compare_branches(pair, cx, path, &old.branches, &new.branches, directions);
        }
        // `relate` sends only types of one kind here; built-ins and arrays never are.
        _ => {}
    }
}

/// Members as they appear on the wire (a base's included, so moving members into a base is
/// invisible), then the branches of unions.
fn compare_object(
    pair: Pair<'_>,
    cx: &mut Context<'_>,
    path: &[String],
    old: &ObjectType,
    new: &ObjectType,
    directions: Directions,
) {
    let old_members = pair.old.all_members(old);
    let new_members = pair.new.all_members(new);
    compare_members(pair, cx, path, &old_members, &new_members, directions);
    match (&old.branches, &new.branches) {
        (None, None) => {}
        // A struct that became a union (or the reverse) gained (lost) the members of the
        // branches; each is judged like any member added to (removed from) the struct.
        (Some(old_branches), None) => {
            let what = What::KindChanged {
                old: "union",
                new: "struct",
                relation: Relation::Structural,
            };
            cx.push(path, what, directions);
            for branch in &old_branches.branches {
                let Some(object) = pair.old.ty(branch.ty).as_object() else {
                    continue;
                };
                let branch_path = extend(path, &format!("branch:{}", branch.name));
                let members = pair.old.all_members(object);
                compare_members(pair, cx, &branch_path, &members, &[], directions);
            }
        }
        (None, Some(new_branches)) => {
            let what = What::KindChanged {
                old: "struct",
                new: "union",
                relation: Relation::Structural,
            };
            cx.push(path, what, directions);
            for branch in &new_branches.branches {
                let Some(object) = pair.new.ty(branch.ty).as_object() else {
                    continue;
                };
                let branch_path = extend(path, &format!("branch:{}", branch.name));
                let members = pair.new.all_members(object);
                compare_members(pair, cx, &branch_path, &[], &members, directions);
            }
        }
        (Some(old_branches), Some(new_branches)) => {
            if old_branches.discriminator != new_branches.discriminator {
                let what = What::DiscriminatorChanged {
                    old: old_branches.discriminator.clone(),
                    new: new_branches.discriminator.clone(),
                };
                cx.push(path, what, directions);
                return;
            }
            compare_branches(
                pair,
                cx,
                path,
                &old_branches.branches,
                &new_branches.branches,
                directions,
            );
        }
    }
}

fn compare_members(
    pair: Pair<'_>,
    cx: &mut Context<'_>,
    path: &[String],
    old: &[&Member],
    new: &[&Member],
    directions: Directions,
) {
    for member in old {
        let Some(kept) = new.iter().find(|candidate| candidate.name == member.name) else {
            let what = What::MemberRemoved {
                name: member.name.clone(),
                optional: member.optional,
            };
            cx.push(path, what, directions);
            continue;
        };
        let name = member.name.clone();
        match (member.optional, kept.optional) {
            (false, true) => cx.push(path, What::MadeOptional { name }, directions),
            (true, false) => cx.push(path, What::MadeRequired { name }, directions),
            _ => {}
        }
        let member_path = extend(path, &member.name);
        compare_cond(cx, &member_path, member.cond.as_ref(), kept.cond.as_ref());
        compare_features(cx, &member_path, &member.features, &kept.features);
        compare_ref(pair, cx, &member_path, member.ty, kept.ty, directions);
    }
    for member in new {
        if !old.iter().any(|candidate| candidate.name == member.name) {
            let what = What::MemberAdded {
                name: member.name.clone(),
                optional: member.optional,
                ty: pair.new.ty(member.ty).name().to_owned(),
            };
            cx.push(path, what, directions);
        }
    }
}

/// The branches of an alternate or a union, matched by name: each kept branch's condition and
/// type compared, each removed or added one reported.
fn compare_branches(
    pair: Pair<'_>,
    cx: &mut Context<'_>,
    path: &[String],
    old: &[Branch],
    new: &[Branch],
    directions: Directions,
) {
    for branch in old {
        let branch_path = extend(path, &format!("branch:{}", branch.name));
        match new.iter().find(|b| b.name == branch.name) {
            Some(kept) => {
                compare_cond(cx, &branch_path, branch.cond.as_ref(), kept.cond.as_ref());
                compare_ref(pair, cx, &branch_path, branch.ty, kept.ty, directions);
            }
            None => {
                let what = What::BranchRemoved {
                    name: branch.name.clone(),
                };
                cx.push(path, what, directions);
            }
        }
    }
    for branch in new {
        if !old.iter().any(|b| b.name == branch.name) {
            let what = What::BranchAdded {
                name: branch.name.clone(),
            };
            cx.push(path, what, directions);
        }
    }
}

fn compare_cond(cx: &mut Context<'_>, path: &[String], old: Option<&Cond>, new: Option<&Cond>) {
    let what = match (old, new) {
        (None, None) => return,
        (Some(old), Some(new)) if old == new => return,
        (None, Some(cond)) => What::CondAdded {
            cond: cond.to_string(),
        },
        (Some(cond), None) => What::CondRemoved {
            cond: cond.to_string(),
        },
        (Some(old), Some(new)) => What::CondChanged {
            old: old.to_string(),
            new: new.to_string(),
        },
    };
    cx.push(path, what, Directions::NONE);
}

fn compare_features(cx: &mut Context<'_>, path: &[String], old: &[Feature], new: &[Feature]) {
    for feature in old {
        match new.iter().find(|candidate| candidate.name == feature.name) {
            Some(kept) => {
                let path = extend(path, &format!("feature:{}", feature.name));
                compare_cond(cx, &path, feature.cond.as_ref(), kept.cond.as_ref());
            }
            None => {
                let what = What::FeatureRemoved {
                    name: feature.name.clone(),
                };
                cx.push(path, what, Directions::NONE);
            }
        }
    }
    for feature in new {
        if !old.iter().any(|candidate| candidate.name == feature.name) {
            let what = What::FeatureAdded {
                name: feature.name.clone(),
            };
            cx.push(path, what, Directions::NONE);
        }
    }
}

/// How the values of old type `old` relate to those of new type `new`. With `by_name`, two
/// definitions of one name and kind are [`Relation::Structural`] (the caller compares their
/// contents); otherwise a shared name means [`Relation::Same`].
fn relate(pair: Pair<'_>, old: TypeId, new: TypeId, by_name: bool) -> Relation {
    let (old_ty, new_ty) = (pair.old.ty(old), pair.new.ty(new));
    if let (Type::Array(old), Type::Array(new)) = (old_ty, new_ty) {
        return relate(pair, old.element, new.element, false);
    }
    let same_name = old_ty.name() == new_ty.name()
        && (!old_ty.is_implicit() || old_ty.name() == "q_empty")
        && !matches!(old_ty, Type::Array(_));
    if same_name && !by_name {
        return Relation::Same;
    }
    let any = |ty: &Type| matches!(ty, Type::Builtin(b) if b.kind == Builtin::Any);
    let str = |ty: &Type| matches!(ty, Type::Builtin(b) if b.kind == Builtin::Str);
    match (old_ty, new_ty) {
        (Type::Builtin(old), Type::Builtin(new)) => relate_builtins(old.kind, new.kind),
        _ if any(new_ty) => Relation::Widened,
        _ if any(old_ty) => Relation::Narrowed,
        (Type::Enum(_), Type::Enum(_))
        | (Type::Object(_), Type::Object(_))
        | (Type::Alternate(_), Type::Alternate(_)) => Relation::Structural,
        (Type::Enum(_), _) if str(new_ty) => Relation::Widened,
        (_, Type::Enum(_)) if str(old_ty) => Relation::Narrowed,
        (_, Type::Alternate(alternate)) => {
            // Turning a type into an alternate with a branch of that type.
            let fits = alternate.branches.iter().any(|branch| {
                matches!(
                    relate(pair, old, branch.ty, false),
                    Relation::Same | Relation::Widened
                )
            });
            if fits {
                Relation::Widened
            } else {
                Relation::Unrelated
            }
        }
        (Type::Alternate(alternate), _) => {
            let fits = alternate.branches.iter().any(|branch| {
                matches!(
                    relate(pair, branch.ty, new, false),
                    Relation::Same | Relation::Narrowed
                )
            });
            if fits {
                Relation::Narrowed
            } else {
                Relation::Unrelated
            }
        }
        _ => Relation::Unrelated,
    }
}

/// Built-in scalars: integers by range; `number` holds every integer.
fn relate_builtins(old: Builtin, new: Builtin) -> Relation {
    if old == new {
        return Relation::Same;
    }
    match (int_range(old), int_range(new)) {
        (Some(old), Some(new)) if new.0 <= old.0 && old.1 <= new.1 => Relation::Widened,
        (Some(old), Some(new)) if old.0 <= new.0 && new.1 <= old.1 => Relation::Narrowed,
        (Some(_), None) if new == Builtin::Number => Relation::Widened,
        (None, Some(_)) if old == Builtin::Number => Relation::Narrowed,
        _ => Relation::Unrelated,
    }
}

/// The values an integer type holds; `None` for other types.
fn int_range(builtin: Builtin) -> Option<(i128, i128)> {
    let range = match builtin {
        Builtin::Int | Builtin::Int64 => (i64::MIN.into(), i64::MAX.into()),
        Builtin::Int8 => (i8::MIN.into(), i8::MAX.into()),
        Builtin::Int16 => (i16::MIN.into(), i16::MAX.into()),
        Builtin::Int32 => (i32::MIN.into(), i32::MAX.into()),
        Builtin::Uint8 => (0, u8::MAX.into()),
        Builtin::Uint16 => (0, u16::MAX.into()),
        Builtin::Uint32 => (0, u32::MAX.into()),
        Builtin::Uint64 | Builtin::Size => (0, u64::MAX.into()),
        _ => return None,
    };
    Some(range)
}

/// An array's element type (arrays of arrays do not exist); any other type itself.
fn element(schema: &Schema, id: TypeId) -> TypeId {
    match schema.ty(id) {
        Type::Array(array) => array.element,
        _ => id,
    }
}

fn kind_name(ty: &Type) -> &'static str {
    match ty {
        Type::Builtin(_) => "built-in",
        Type::Enum(_) => "enum",
        Type::Array(_) => "array",
        Type::Object(object) if object.is_union() => "union",
        Type::Object(_) => "struct",
        Type::Alternate(_) => "alternate",
    }
}

fn extend(path: &[String], segment: &str) -> Vec<String> {
    let mut path = path.to_vec();
    path.push(segment.to_owned());
    path
}
