//! QMP's `query-qmp-schema` answer for the schema, computed as QEMU's `introspect.py` computes
//! it, when [`Plan::introspect`](crate::plan::Plan::introspect) is set.
//!
//! The generated item is one constant, a JSON text per SchemaInfo object:
//!
//! ```text
//! pub const INTROSPECTION: &[&str] = &[
//!     "{\"name\":\"query-status\",\"meta-type\":\"command\",\"arg-type\":\"0\",\"ret-type\":\"1\"}",
//!     …
//! ];
//! ```
//!
//! What QEMU does, and so what this does:
//! - Commands and events come first, module by module in definition order; then every type
//!   they reach, in order of first use: the list of used types grows while it is walked, each
//!   type appending the types its members, variants, alternatives or element use. Types no
//!   command or event reaches are left out.
//! - A type's name is hidden: named and implicit types (`q_obj_*`, `q_empty`) are numbered
//!   `"0"`, `"1"`, … in order of first use, built-ins keep their name, an array is `"[T]"` for
//!   its element's name `T`. Every integer type (`int8`, `size`, …) is shown as `int`, every
//!   array of them as `[int]`.
//! - Object members are flat (bases' first); an optional member has `"default": null`. A
//!   command without arguments or result names `q_empty`'s number. `allow-oob` appears only
//!   when true, `features` only when there are some.
//!
//! QEMU evaluates the `if` conditions when it compiles the answer, after numbering: a QEMU
//! build leaves out what its configuration excludes and its numbers have gaps. The generated
//! text keeps the conditions instead, so one binding serves any configuration: an element
//! of a list (an entity, member, enum value, variant, alternative or feature) under a
//! condition is written `{"if": COND, "then": ELEMENT}`, `COND` in the schema's own syntax
//! (`"CONFIG_LINUX"`, `{"all": […]}`, `{"any": […]}`, `{"not": …}`).
//! `qapi_runtime::introspect` evaluates them for a chosen set of symbols and compares the
//! result with a live answer. The builder's cfg mapping plays no part: it decides which Rust
//! items exist, while the symbols of the introspection describe one QEMU build.

use crate::plan::Plan;
use proc_macro2::{Literal, TokenStream};
use qapi_gen_parser::model::{Builtin, Cond, Entity, Feature, JsonType, Schema, Type, TypeId};
use quote::quote;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The constant `INTROSPECTION`.
pub fn emit(plan: &Plan<'_>) -> TokenStream {
    let texts = entities(plan.schema)
        .into_iter()
        .map(|entity| Literal::string(&entity.to_string()));
    quote! {
        /// QMP's `query-qmp-schema` answer for this schema as QEMU computes it, one SchemaInfo
        /// object per element, with the `if` conditions still in place: an element under a
        /// condition is `{"if": COND, "then": ELEMENT}`. Evaluate and compare it with
        /// `::qapi_runtime::introspect`.
        pub const INTROSPECTION: &[&str] = &[#(#texts),*];
    }
}

/// The SchemaInfo objects, conditions annotated, in QEMU's order.
pub fn entities(schema: &Schema) -> Vec<Value> {
    let mut walker = Walker::new(schema);
    let mut trees = Vec::new();
    for (_, module) in schema.modules() {
        for entity in &module.entities {
            match *entity {
                Entity::Command(id) => trees.push(walker.command(id)),
                Entity::Event(id) => trees.push(walker.event(id)),
                Entity::Type(_) | Entity::Include(_) => {}
            }
        }
    }
    // The list grows while it is walked: each type appends the types it uses.
    let mut index = 0;
    while let Some(&id) = walker.used.get(index) {
        trees.push(walker.ty(id));
        index += 1;
    }
    trees
}

/// QEMU's `QAPISchemaGenIntrospectVisitor` state: the types used so far and their numbers.
struct Walker<'a> {
    schema: &'a Schema,
    used: Vec<TypeId>,
    seen: BTreeSet<TypeId>,
    numbers: BTreeMap<TypeId, usize>,
    int: TypeId,
    int_list: Option<TypeId>,
}

impl<'a> Walker<'a> {
    fn new(schema: &'a Schema) -> Walker<'a> {
        Walker {
            schema,
            used: Vec::new(),
            seen: BTreeSet::new(),
            numbers: BTreeMap::new(),
            int: schema.builtin(Builtin::Int),
            int_list: schema.lookup_type("intList"),
        }
    }

    /// QEMU's `_use_type`: queues the type if new and returns the name it is shown by.
    fn use_type(&mut self, id: TypeId) -> String {
        let id = self.plain_int(id);
        if self.seen.insert(id) {
            self.used.push(id);
        }
        match self.schema.ty(id) {
            Type::Builtin(builtin) => builtin.name.clone(),
            Type::Array(array) => format!("[{}]", self.use_type(array.element)),
            Type::Enum(_) | Type::Object(_) | Type::Alternate(_) => self.number(id),
        }
    }

    /// Integer types are all shown as `int`, arrays of them as `intList`.
    fn plain_int(&self, id: TypeId) -> TypeId {
        let ty = self.schema.ty(id);
        if ty.json_type() == JsonType::Int {
            return self.int;
        }
        match (ty, self.int_list) {
            (Type::Array(array), Some(int_list))
                if self.schema.ty(array.element).json_type() == JsonType::Int =>
            {
                int_list
            }
            _ => id,
        }
    }

    /// The hidden name of a named or implicit type: its number in order of first use.
    fn number(&mut self, id: TypeId) -> String {
        let next = self.numbers.len();
        self.numbers.entry(id).or_insert(next).to_string()
    }

    fn command(&mut self, id: qapi_gen_parser::model::CommandId) -> Value {
        let command = self.schema.command(id);
        let empty = self.schema.empty_object();
        let mut tree = head(&command.name, "command");
        tree.insert(
            "arg-type".into(),
            self.use_type(command.arg_type.unwrap_or(empty)).into(),
        );
        tree.insert(
            "ret-type".into(),
            self.use_type(command.ret_type.unwrap_or(empty)).into(),
        );
        if command.allow_oob {
            tree.insert("allow-oob".into(), true.into());
        }
        finish(tree, &command.features, command.cond.as_ref())
    }

    fn event(&mut self, id: qapi_gen_parser::model::EventId) -> Value {
        let event = self.schema.event(id);
        let empty = self.schema.empty_object();
        let mut tree = head(&event.name, "event");
        tree.insert(
            "arg-type".into(),
            self.use_type(event.arg_type.unwrap_or(empty)).into(),
        );
        finish(tree, &event.features, event.cond.as_ref())
    }

    /// The SchemaInfo of a used type (already numbered, if it has a number).
    fn ty(&mut self, id: TypeId) -> Value {
        let schema = self.schema;
        match schema.ty(id) {
            Type::Builtin(builtin) => {
                let mut tree = head(&builtin.name, "builtin");
                tree.insert(
                    "json-type".into(),
                    json_type(builtin.kind.json_type()).into(),
                );
                Value::Object(tree)
            }
            Type::Array(array) => {
                let element = self.use_type(array.element);
                let mut tree = head(&format!("[{element}]"), "array");
                tree.insert("element-type".into(), element.into());
                finish(tree, &[], array.cond.as_ref())
            }
            Type::Enum(enumeration) => {
                let mut tree = head(&self.number(id), "enum");
                let members = enumeration
                    .values
                    .iter()
                    .map(|value| {
                        let mut member = Map::new();
                        member.insert("name".into(), value.name.clone().into());
                        with_features(&mut member, &value.features);
                        annotate(Value::Object(member), value.cond.as_ref())
                    })
                    .collect();
                let values = enumeration
                    .values
                    .iter()
                    .map(|value| annotate(value.name.clone().into(), value.cond.as_ref()))
                    .collect();
                tree.insert("members".into(), Value::Array(members));
                tree.insert("values".into(), Value::Array(values));
                finish(tree, &enumeration.features, enumeration.cond.as_ref())
            }
            Type::Object(object) => {
                let mut tree = head(&self.number(id), "object");
                let mut members = Vec::new();
                for member in schema.all_members(object) {
                    let mut entry = Map::new();
                    entry.insert("name".into(), member.name.clone().into());
                    entry.insert("type".into(), self.use_type(member.ty).into());
                    if member.optional {
                        entry.insert("default".into(), Value::Null);
                    }
                    with_features(&mut entry, &member.features);
                    members.push(annotate(Value::Object(entry), member.cond.as_ref()));
                }
                tree.insert("members".into(), Value::Array(members));
                if let Some(branches) = &object.branches {
                    let mut variants = Vec::new();
                    for branch in &branches.branches {
                        let variant = json!({
                            "case": branch.name,
                            "type": self.use_type(branch.ty),
                        });
                        variants.push(annotate(variant, branch.cond.as_ref()));
                    }
                    tree.insert("tag".into(), branches.discriminator.clone().into());
                    tree.insert("variants".into(), Value::Array(variants));
                }
                finish(tree, &object.features, object.cond.as_ref())
            }
            Type::Alternate(alternate) => {
                let mut tree = head(&self.number(id), "alternate");
                let mut members = Vec::new();
                for branch in &alternate.branches {
                    let member = json!({ "type": self.use_type(branch.ty) });
                    members.push(annotate(member, branch.cond.as_ref()));
                }
                tree.insert("members".into(), Value::Array(members));
                finish(tree, &alternate.features, alternate.cond.as_ref())
            }
        }
    }
}

/// The members every SchemaInfo has.
fn head(name: &str, meta_type: &str) -> Map<String, Value> {
    let mut tree = Map::new();
    tree.insert("name".into(), name.into());
    tree.insert("meta-type".into(), meta_type.into());
    tree
}

/// Adds the features and the entity's own condition.
fn finish(mut tree: Map<String, Value>, features: &[Feature], cond: Option<&Cond>) -> Value {
    with_features(&mut tree, features);
    annotate(Value::Object(tree), cond)
}

/// `"features": [...]`, present only when there are features, as in QEMU.
fn with_features(tree: &mut Map<String, Value>, features: &[Feature]) {
    if features.is_empty() {
        return;
    }
    let names = features
        .iter()
        .map(|feature| annotate(feature.name.clone().into(), feature.cond.as_ref()))
        .collect();
    tree.insert("features".into(), Value::Array(names));
}

/// An element under a condition becomes `{"if": COND, "then": ELEMENT}`.
fn annotate(element: Value, cond: Option<&Cond>) -> Value {
    match cond {
        None => element,
        Some(cond) => json!({ "if": cond_json(cond), "then": element }),
    }
}

/// A condition in the schema's syntax.
fn cond_json(cond: &Cond) -> Value {
    match cond {
        Cond::Name(name) => Value::String(name.clone()),
        Cond::All(operands) => json!({ "all": operands.iter().map(cond_json).collect::<Vec<_>>() }),
        Cond::Any(operands) => json!({ "any": operands.iter().map(cond_json).collect::<Vec<_>>() }),
        Cond::Not(operand) => json!({ "not": cond_json(operand) }),
    }
}

/// The `json-type` of a built-in type, as `JSONType` in `introspect.json` spells it.
fn json_type(json_type: JsonType) -> &'static str {
    match json_type {
        JsonType::String => "string",
        JsonType::Number => "number",
        JsonType::Int => "int",
        JsonType::Boolean => "boolean",
        JsonType::Null => "null",
        JsonType::Array => "array",
        JsonType::Object => "object",
        JsonType::Value => "value",
    }
}

#[cfg(test)]
mod tests {
    use super::entities;

    /// The annotated SchemaInfo objects of `schema`, one compact JSON text per line.
    fn introspect(schema: &str) -> String {
        let schema = crate::checked_schema(schema);
        let mut text = String::new();
        for entity in entities(&schema) {
            text.push_str(&entity.to_string());
            text.push('\n');
        }
        text
    }

    /// Numbers in order of first use (the argument object, then the result's element, …);
    /// arrays before their element; integer types as `int`; `q_empty` for a missing
    /// argument list and for the union branch not written; `Unused` left out; conditions kept
    /// on the entity, the enum value, its implicit branch and a feature.
    #[test]
    fn types_are_numbered_in_order_of_first_use() {
        let schema = r#"
{ 'enum': 'Color', 'data': [ 'red', { 'name': 'blue', 'if': 'CONFIG_BLUE' } ] }
{ 'struct': 'Base', 'data': { 'kind': 'Color' } }
{ 'struct': 'Red',
  'data': { 'size': 'uint8', '*tags': { 'type': ['str'], 'features': [ 'deprecated' ] } } }
{ 'union': 'Shape', 'base': 'Base', 'discriminator': 'kind', 'data': { 'red': 'Red' } }
{ 'alternate': 'Value', 'data': { 'n': 'int', 's': 'Shape' } }
{ 'struct': 'Unused', 'data': { 'n': 'number' } }
{ 'command': 'draw', 'data': { 'shape': 'Shape', '*counts': ['uint16'], 'value': 'Value' },
  'returns': ['Shape'], 'allow-oob': true,
  'features': [ 'unstable', { 'name': 'fast', 'if': { 'not': 'CONFIG_SLOW' } } ] }
{ 'event': 'DRAWN', 'if': { 'all': [ 'CONFIG_A', 'CONFIG_B' ] } }
"#;
        let expected = r#"{"name":"draw","meta-type":"command","arg-type":"0","ret-type":"[1]","allow-oob":true,"features":["unstable",{"if":{"not":"CONFIG_SLOW"},"then":"fast"}]}
{"if":{"all":["CONFIG_A","CONFIG_B"]},"then":{"name":"DRAWN","meta-type":"event","arg-type":"2"}}
{"name":"0","meta-type":"object","members":[{"name":"shape","type":"1"},{"name":"counts","type":"[int]","default":null},{"name":"value","type":"3"}]}
{"name":"[1]","meta-type":"array","element-type":"1"}
{"name":"1","meta-type":"object","members":[{"name":"kind","type":"4"}],"tag":"kind","variants":[{"case":"red","type":"5"},{"if":"CONFIG_BLUE","then":{"case":"blue","type":"2"}}]}
{"name":"2","meta-type":"object","members":[]}
{"name":"[int]","meta-type":"array","element-type":"int"}
{"name":"int","meta-type":"builtin","json-type":"int"}
{"name":"3","meta-type":"alternate","members":[{"type":"int"},{"type":"1"}]}
{"name":"4","meta-type":"enum","members":[{"name":"red"},{"if":"CONFIG_BLUE","then":{"name":"blue"}}],"values":["red",{"if":"CONFIG_BLUE","then":"blue"}]}
{"name":"5","meta-type":"object","members":[{"name":"size","type":"int"},{"name":"tags","type":"[str]","default":null,"features":["deprecated"]}]}
{"name":"[str]","meta-type":"array","element-type":"str"}
{"name":"str","meta-type":"builtin","json-type":"string"}
"#;
        assert_eq!(introspect(schema), expected);
    }

    /// A command's condition is its implicit argument object's too; an array of a
    /// conditional type has its element's condition; a command without `data` or `returns`
    /// names `q_empty`; a type shared by two commands is shown once, under its own condition
    /// only (QEMU does not make a type conditional on the commands that use it).
    #[test]
    fn implicit_types_inherit_their_owners_conditions() {
        let schema = r#"
{ 'struct': 'Info', 'data': { 'on': 'bool' }, 'if': 'CONFIG_INFO' }
{ 'command': 'query-info', 'data': { 'which': 'str' }, 'returns': ['Info'],
  'if': 'CONFIG_INFO' }
{ 'command': 'query-one', 'returns': 'Info', 'if': 'CONFIG_INFO' }
{ 'command': 'ping' }
"#;
        let expected = r#"{"if":"CONFIG_INFO","then":{"name":"query-info","meta-type":"command","arg-type":"0","ret-type":"[1]"}}
{"if":"CONFIG_INFO","then":{"name":"query-one","meta-type":"command","arg-type":"2","ret-type":"1"}}
{"name":"ping","meta-type":"command","arg-type":"2","ret-type":"2"}
{"if":"CONFIG_INFO","then":{"name":"0","meta-type":"object","members":[{"name":"which","type":"str"}]}}
{"if":"CONFIG_INFO","then":{"name":"[1]","meta-type":"array","element-type":"1"}}
{"if":"CONFIG_INFO","then":{"name":"1","meta-type":"object","members":[{"name":"on","type":"bool"}]}}
{"name":"2","meta-type":"object","members":[]}
{"name":"str","meta-type":"builtin","json-type":"string"}
{"name":"bool","meta-type":"builtin","json-type":"boolean"}
"#;
        assert_eq!(introspect(schema), expected);
    }

    /// `Builder::introspect` adds the constant, one string per entity; it is off by default.
    #[test]
    fn the_builder_emits_one_string_per_entity() {
        let dir =
            std::env::temp_dir().join(format!("qapi-codegen-introspect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("schema.json");
        std::fs::write(&path, "{ 'command': 'ping' }\n").unwrap();
        let mut builder = crate::Builder::new(&path);
        builder.dispatch(false).client(false);
        let without = builder.generate_to_string().unwrap();
        let with = builder.introspect(true).generate_to_string().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!without.contains("INTROSPECTION"), "{without}");
        let start = with.find("pub const INTROSPECTION").unwrap();
        let end = start + with[start..].find("];\n").unwrap() + 3;
        assert_eq!(
            &with[start..end],
            r#"pub const INTROSPECTION: &[&str] = &[
    "{\"name\":\"ping\",\"meta-type\":\"command\",\"arg-type\":\"0\",\"ret-type\":\"0\"}",
    "{\"name\":\"0\",\"meta-type\":\"object\",\"members\":[]}",
];
"#
        );
    }
}
