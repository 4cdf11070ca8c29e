//! QEMU's test dump of a checked schema (`tests/qapi-schema/test-qapi.py`), byte for byte.
//!
//! The dump walks the modules in order (`./builtin` first, then the root file, then each
//! included file in the order of its first `include`), printing each module's entities in
//! definition order, then every doc block in parse order. It shows what QEMU's generators
//! see: implicit types where QEMU makes them, objects with only their local members, and
//! Python's spelling of values (`True`, `None`, dict reprs of conditions). Built-in types and
//! their arrays are never printed.

use crate::model::{
    AlternateType, ArrayType, Branch, Command, Cond, Entity, EnumType, Event, Feature, ObjectType,
    Schema, Type, TypeId,
};
use std::fmt::Write as _;

/// The text QEMU's `test-qapi.py` prints for `schema`: every module's entities, then every
/// doc block.
pub fn dump(schema: &Schema) -> String {
    let mut out = String::new();
    for (_, module) in schema.modules() {
        let _ = writeln!(out, "module {}", module.name);
        for entity in &module.entities {
            dump_entity(&mut out, schema, *entity);
        }
    }
    for doc in schema.docs() {
        doc.dump(&mut out);
    }
    out
}

fn dump_entity(out: &mut String, schema: &Schema, entity: Entity) {
    match entity {
        Entity::Include(include) => {
            let _ = writeln!(out, "include {}", schema.module(include.module).name);
        }
        Entity::Command(id) => dump_command(out, schema, schema.command(id)),
        Entity::Event(id) => dump_event(out, schema, schema.event(id)),
        Entity::Type(id) => match schema.ty(id) {
            Type::Builtin(_) => {}
            Type::Enum(enumeration) => dump_enum(out, enumeration),
            Type::Array(array) => dump_array(out, schema, array),
            Type::Object(object) => dump_object(out, schema, object),
            Type::Alternate(alternate) => dump_alternate(out, schema, alternate),
        },
    }
}

fn dump_enum(out: &mut String, enumeration: &EnumType) {
    let EnumType {
        name,
        values,
        prefix,
        cond,
        features,
        doc: _,
        span: _,
        module: _,
    } = enumeration;
    let _ = writeln!(out, "enum {name}");
    if let Some(prefix) = prefix {
        let _ = writeln!(out, "    prefix {prefix}");
    }
    for value in values {
        let _ = writeln!(out, "    member {}", value.name);
        dump_cond(out, value.cond.as_ref(), 8);
        dump_features(out, &value.features, 8);
    }
    dump_cond(out, cond.as_ref(), 4);
    dump_features(out, features, 4);
}

/// Arrays of built-in types are predefined, and QEMU's dump leaves them out.
fn dump_array(out: &mut String, schema: &Schema, array: &ArrayType) {
    let ArrayType {
        name,
        element,
        cond,
        span,
        module: _,
    } = array;
    if span.is_none() {
        return;
    }
    let _ = writeln!(out, "array {name} {}", type_name(schema, *element));
    dump_cond(out, cond.as_ref(), 4);
}

fn dump_object(out: &mut String, schema: &Schema, object: &ObjectType) {
    let ObjectType {
        name,
        implicit: _,
        base,
        members,
        branches,
        cond,
        features,
        doc: _,
        span: _,
        module: _,
    } = object;
    let _ = writeln!(out, "object {name}");
    if let Some(base) = base {
        let _ = writeln!(out, "    base {}", type_name(schema, *base));
    }
    for member in members {
        let _ = writeln!(
            out,
            "    member {}: {} optional={}",
            member.name,
            type_name(schema, member.ty),
            python_bool(member.optional)
        );
        dump_cond(out, member.cond.as_ref(), 8);
        dump_features(out, &member.features, 8);
    }
    if let Some(branches) = branches {
        dump_branches(out, schema, &branches.discriminator, &branches.branches);
    }
    dump_cond(out, cond.as_ref(), 4);
    dump_features(out, features, 4);
}

fn dump_alternate(out: &mut String, schema: &Schema, alternate: &AlternateType) {
    let AlternateType {
        name,
        branches,
        cond,
        features,
        doc: _,
        span: _,
        module: _,
    } = alternate;
    let _ = writeln!(out, "alternate {name}");
    // An alternate's tag is QEMU's implicit member `type` of enum `QType`.
    dump_branches(out, schema, "type", branches);
    dump_cond(out, cond.as_ref(), 4);
    dump_features(out, features, 4);
}

fn dump_branches(out: &mut String, schema: &Schema, tag: &str, branches: &[Branch]) {
    let _ = writeln!(out, "    tag {tag}");
    for branch in branches {
        let _ = writeln!(
            out,
            "    case {}: {}",
            branch.name,
            type_name(schema, branch.ty)
        );
        dump_cond(out, branch.cond.as_ref(), 8);
    }
}

fn dump_command(out: &mut String, schema: &Schema, command: &Command) {
    let Command {
        name,
        arg_type,
        ret_type,
        boxed,
        gen,
        success_response,
        allow_oob,
        allow_preconfig,
        coroutine,
        cond,
        features,
        doc: _,
        span: _,
        module: _,
    } = command;
    let _ = writeln!(
        out,
        "command {name} {} -> {}",
        optional_type_name(schema, *arg_type),
        optional_type_name(schema, *ret_type)
    );
    let _ = writeln!(
        out,
        "    gen={} success_response={} boxed={} oob={} preconfig={}{}",
        python_bool(*gen),
        python_bool(*success_response),
        python_bool(*boxed),
        python_bool(*allow_oob),
        python_bool(*allow_preconfig),
        if *coroutine { " coroutine=True" } else { "" }
    );
    dump_cond(out, cond.as_ref(), 4);
    dump_features(out, features, 4);
}

fn dump_event(out: &mut String, schema: &Schema, event: &Event) {
    let Event {
        name,
        arg_type,
        boxed,
        cond,
        features,
        doc: _,
        span: _,
        module: _,
    } = event;
    let _ = writeln!(
        out,
        "event {name} {}",
        optional_type_name(schema, *arg_type)
    );
    let _ = writeln!(out, "    boxed={}", python_bool(*boxed));
    dump_cond(out, cond.as_ref(), 4);
    dump_features(out, features, 4);
}

/// `if COND`, indented, when there is a condition.
fn dump_cond(out: &mut String, cond: Option<&Cond>, indent: usize) {
    if let Some(cond) = cond {
        let _ = writeln!(out, "{:indent$}if {cond}", "");
    }
}

/// `feature NAME` per feature, each followed by its condition, indented one level more.
fn dump_features(out: &mut String, features: &[Feature], indent: usize) {
    for feature in features {
        let _ = writeln!(out, "{:indent$}feature {}", "", feature.name);
        dump_cond(out, feature.cond.as_ref(), indent + 4);
    }
}

fn type_name(schema: &Schema, ty: TypeId) -> &str {
    schema.ty(ty).name()
}

/// A type's name, or Python's `None`.
fn optional_type_name(schema: &Schema, ty: Option<TypeId>) -> &str {
    ty.map_or("None", |ty| type_name(schema, ty))
}

fn python_bool(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

#[cfg(test)]
mod tests {
    use super::dump;
    use crate::{check_with, MemoryFileSystem, Options};
    use std::path::Path;

    /// The dump of a valid schema made of `files`, the first being the root.
    fn dump_files(files: &[(&str, &str)]) -> String {
        let fs = files
            .iter()
            .fold(MemoryFileSystem::new(), |fs, (path, text)| {
                fs.with_file(path, *text)
            });
        let checked = check_with(&fs, Path::new(files[0].0), &Options::default());
        let messages: Vec<&str> = checked
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(messages, Vec::<&str>::new());
        dump(&checked.schema.expect("a valid schema has a model"))
    }

    const BUILTIN: &str = "module ./builtin
object q_empty
enum QType
    member none
    member qnull
    member qnum
    member qstring
    member qdict
    member qlist
    member qbool
";

    #[test]
    fn types_in_module_order_with_implicit_ones() {
        let root = r"
{ 'enum': 'Kind', 'prefix': 'K', 'data': [ 'a', { 'name': 'b', 'if': 'HAVE_B' } ],
  'features': [ { 'name': 'feat', 'if': { 'all': [ 'X', { 'not': 'Y' } ] } } ] }
{ 'struct': 'Stru', 'data': { '*list': ['Other'], 'n': { 'type': 'int', 'features': [ 'f' ] } } }
{ 'union': 'Uni', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind',
  'data': { 'a': 'Stru' }, 'if': 'HAVE_UNI' }
{ 'alternate': 'Alt', 'data': { 'i': 'int', 'l': ['str'] } }
{ 'include': 'sub.json' }
";
        let sub = r"
{ 'struct': 'Other', 'data': {} }
{ 'command': 'cmd', 'data': { 'arg': 'Uni' }, 'returns': ['Other'], 'coroutine': true,
  'if': 'HAVE_UNI' }
{ 'command': 'quiet', 'data': {}, 'success-response': false }
{ 'event': 'EVT', 'data': 'Other', 'boxed': true, 'features': [ 'deprecated' ] }
";
        let expected = format!(
            "{BUILTIN}module t.json
enum Kind
    prefix K
    member a
    member b
        if HAVE_B
    feature feat
        if {{'all': ['X', {{'not': 'Y'}}]}}
object Stru
    member list: OtherList optional=True
    member n: int optional=False
        feature f
object q_obj_Uni-base
    member kind: Kind optional=False
    if HAVE_UNI
object Uni
    base q_obj_Uni-base
    tag kind
    case a: Stru
    case b: q_empty
        if HAVE_B
    if HAVE_UNI
alternate Alt
    tag type
    case i: int
    case l: strList
include sub.json
module sub.json
array OtherList Other
object Other
object q_obj_cmd-arg
    member arg: Uni optional=False
    if HAVE_UNI
command cmd q_obj_cmd-arg -> OtherList
    gen=True success_response=True boxed=False oob=False preconfig=False coroutine=True
    if HAVE_UNI
command quiet None -> None
    gen=True success_response=False boxed=False oob=False preconfig=False
event EVT Other
    boxed=True
    feature deprecated
"
        );
        assert_eq!(dump_files(&[("t.json", root), ("sub.json", sub)]), expected);
    }

    #[test]
    fn docs_follow_the_modules() {
        let root = r"
##
# = Heading
##

##
# @Thing:
#
# A thing.
#
# @a: the a
#
# Since: 1.0
##
{ 'struct': 'Thing', 'data': { 'a': 'int' } }
";
        let expected = format!(
            "{BUILTIN}module t.json
object Thing
    member a: int optional=False
doc freeform
    body=
= Heading
doc symbol=Thing
    body=
A thing.
    arg=a
the a
    section=Since
1.0
"
        );
        assert_eq!(dump_files(&[("t.json", root)]), expected);
    }
}
