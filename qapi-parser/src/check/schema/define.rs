//! Phase 1, QEMU's `_def_predefineds` and `_def_exprs`: every entity in definition order.
//!
//! The expression checks have passed, so every definition has a valid shape; a tree that
//! still surprises us is reported as malformed rather than trusted.

use super::{
    malformed, CheckState, Draft, DraftAlternate, DraftArray, DraftBranches, DraftCommand,
    DraftEnum, DraftEvent, DraftFeature, DraftInclude, DraftKind, DraftMember, DraftObject,
    DraftValue, Drafts, Info,
};
use crate::ast::{Definition, Object, ParsedSchema, TopLevel, Value};
use crate::diag::{Diagnostic, Fallible, Note};
use crate::model::{Builtin, Cond, Feature, Implicit, Module, ModuleId, TypeId};
use crate::span::{SourceMap, Span, Spanned};
use indexmap::{IndexMap, IndexSet};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The values of the predefined enum `QType`, QEMU's names for the JSON types.
const QTYPE_VALUES: [&str; 7] = [
    "none", "qnull", "qnum", "qstring", "qdict", "qlist", "qbool",
];

/// Defines the predefined types, then every top-level item of `parsed` in order.
pub(super) fn define_all(parsed: &ParsedSchema, sources: &SourceMap) -> Fallible<Drafts> {
    let root_path = sources.path(parsed.root);
    let mut definer = Definer {
        root_dir: root_path.parent().unwrap_or(Path::new("")).to_path_buf(),
        drafts: Drafts {
            entities: Vec::new(),
            names: HashMap::new(),
            type_entities: Vec::new(),
            modules: IndexSet::new(),
            features: Feature::SPECIAL
                .iter()
                .map(|name| (name.to_string(), None))
                .collect::<IndexMap<_, _>>(),
        },
    };
    definer.make_module(Path::new(Module::BUILTIN));
    definer.make_module(root_path);
    definer.define_predefined()?;
    for item in &parsed.items {
        match item {
            TopLevel::Definition(definition) => definer.define_definition(definition)?,
            TopLevel::Include(include) => {
                let module = definer.make_module(&include.path);
                definer.drafts.entities.push(Draft {
                    name: String::new(),
                    info: None,
                    span: Some(include.span),
                    doc: None,
                    member_doc: None,
                    cond: None,
                    features: Vec::new(),
                    type_id: None,
                    kind: DraftKind::Include(DraftInclude {
                        module,
                        span: include.span,
                    }),
                });
            }
        }
    }
    Ok(definer.drafts)
}

/// QEMU's module name for a schema file: its path relative to the root schema's directory,
/// normalised as Python's `os.path.relpath` does (lexically, `..` cancelling a component).
pub(super) fn module_name(path: &Path, root_dir: &Path) -> String {
    if path == Path::new(Module::BUILTIN) {
        return Module::BUILTIN.to_owned();
    }
    let target = lexical_absolute(path);
    let base = lexical_absolute(root_dir);
    let target: Vec<Component<'_>> = target.components().collect();
    let base: Vec<Component<'_>> = base.components().collect();
    let common = target
        .iter()
        .zip(&base)
        .take_while(|(left, right)| left == right)
        .count();
    let mut relative = PathBuf::new();
    for _ in common..base.len() {
        relative.push("..");
    }
    for component in &target[common..] {
        relative.push(component);
    }
    if relative.as_os_str().is_empty() {
        return ".".to_owned();
    }
    relative.to_string_lossy().into_owned()
}

/// `path` made absolute (against the working directory) and normalised lexically.
fn lexical_absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

struct Definer {
    root_dir: PathBuf,
    drafts: Drafts,
}

impl Definer {
    /// QEMU's `_make_module`: the module of a file, made on first mention.
    fn make_module(&mut self, path: &Path) -> ModuleId {
        let name = module_name(path, &self.root_dir);
        let (index, _) = self.drafts.modules.insert_full(name);
        ModuleId(index as u32)
    }

    /// QEMU's `_def_predefineds`: the built-ins each with its array, `q_empty`, `QType`.
    fn define_predefined(&mut self) -> Fallible<()> {
        for (name, builtin) in Builtin::ALL {
            self.define(predefined(name, DraftKind::Builtin(builtin)))?;
            self.make_array(name, None, None)?;
        }
        self.define(predefined(
            "q_empty",
            DraftKind::Object(DraftObject::new(
                Some(Implicit::Empty),
                None,
                Vec::new(),
                None,
            )),
        ))?;
        let values = QTYPE_VALUES
            .iter()
            .map(|name| DraftValue {
                name: name.to_string(),
                cond: None,
                features: Vec::new(),
                span: None,
            })
            .collect();
        self.define(predefined(
            "QType",
            DraftKind::Enum(DraftEnum {
                values,
                prefix: None,
            }),
        ))
    }

    /// QEMU's `_def_definition`: adds an entity; a second definition of a name is an error
    /// at the new one, with a note at the old one (or, for a predefined name, its
    /// description).
    fn define(&mut self, mut draft: Draft) -> Fallible<()> {
        if draft.is_type() {
            draft.type_id = Some(TypeId(self.drafts.type_entities.len() as u32));
            self.drafts.type_entities.push(self.drafts.entities.len());
        }
        if let Some(&previous) = self.drafts.names.get(&draft.name) {
            let previous = &self.drafts.entities[previous];
            let Some(info) = &draft.info else {
                return Err(Box::new(Diagnostic::global_error(format!(
                    "internal error: predefined '{}' defined twice",
                    draft.name
                ))));
            };
            return Err(match &previous.info {
                Some(previous_info) => {
                    let note = Note {
                        message: "previous definition".to_owned(),
                        span: previous_info.span,
                        context: Some(previous_info.context()),
                    };
                    let error = info.error(format!("'{}' is already defined", draft.name));
                    Box::new(error.with_note(note))
                }
                None => info.error(format!("{} is already defined", previous.describe())),
            });
        }
        self.drafts
            .names
            .insert(draft.name.clone(), self.drafts.entities.len());
        self.drafts.entities.push(draft);
        Ok(())
    }

    /// QEMU's `_make_array_type`: the array `XList` of `element`, made unless it exists.
    fn make_array(
        &mut self,
        element: &str,
        info: Option<&Info>,
        span: Option<Span>,
    ) -> Fallible<String> {
        let name = format!("{element}List");
        if self.drafts.lookup_type(&name).is_none() {
            self.define(Draft {
                name: name.clone(),
                info: info.cloned(),
                span,
                doc: None,
                member_doc: None,
                cond: None,
                features: Vec::new(),
                type_id: None,
                kind: DraftKind::Array(DraftArray {
                    element_name: element.to_owned(),
                    element: None,
                }),
            })?;
        }
        Ok(name)
    }

    /// QEMU's `_make_implicit_object_type`: `q_obj_OWNER-ROLE` for inline members, unless
    /// there are none. When it exists already, the owner is defined twice, which defining
    /// the owner reports.
    fn make_implicit_object(
        &mut self,
        owner: &Owner<'_>,
        implicit: Implicit,
        role: &str,
        members: Vec<DraftMember>,
    ) -> Fallible<Option<String>> {
        if members.is_empty() {
            return Ok(None);
        }
        let name = format!("q_obj_{}-{role}", owner.info.name);
        if !self.drafts.names.contains_key(&name) {
            let members = members
                .into_iter()
                .map(|member| DraftMember {
                    defined_in: name.clone(),
                    ..member
                })
                .collect();
            self.define(Draft {
                name: name.clone(),
                info: Some(owner.info.clone()),
                span: Some(owner.span),
                doc: None,
                member_doc: owner.doc,
                cond: owner.cond.clone(),
                features: Vec::new(),
                type_id: None,
                kind: DraftKind::Object(DraftObject::new(Some(implicit), None, members, None)),
            })?;
        }
        Ok(Some(name))
    }

    /// QEMU's `_def_exprs`, one definition: `_def_enum_type`, `_def_struct_type`, ….
    fn define_definition(&mut self, definition: &Definition) -> Fallible<()> {
        let expr = &definition.expr;
        let (meta, name) = definition_name(expr)?;
        let info = Info {
            span: expr.span.head(),
            meta,
            name: name.to_owned(),
        };
        let cond = optional_cond(&expr.node)?;
        let owner = Owner {
            info: &info,
            span: expr.span,
            doc: definition.doc,
            cond: &cond,
        };
        // QEMU makes the definition's features first, then its members' (and so registers
        // feature names in that order), then arrays and implicit objects as members need
        // them.
        let features = self.make_features(expr.node.get("features"), &info)?;
        let kind = match meta {
            "enum" => self.enum_kind(&expr.node, &info)?,
            "struct" => self.struct_kind(&expr.node, &info, name)?,
            "union" => self.union_kind(&expr.node, &owner)?,
            "alternate" => self.alternate_kind(&expr.node, &info, name)?,
            "command" => self.command_kind(&expr.node, &owner)?,
            _ => self.event_kind(&expr.node, &owner)?,
        };
        self.define(Draft {
            name: name.to_owned(),
            info: Some(info.clone()),
            span: Some(expr.span),
            doc: definition.doc,
            member_doc: definition.doc,
            cond,
            features,
            type_id: None,
            kind,
        })
    }

    fn enum_kind(&mut self, expr: &Object, info: &Info) -> Fallible<DraftKind> {
        let data = required(expr, "data", info)?;
        let Value::Array(items) = &data.node else {
            return Err(malformed(data.span, "enum 'data'"));
        };
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            values.push(match &item.node {
                Value::Str(name) => DraftValue {
                    name: name.clone(),
                    cond: None,
                    features: Vec::new(),
                    span: Some(item.span),
                },
                Value::Object(object) => DraftValue {
                    name: required_str(object, "name", item.span)?.to_owned(),
                    cond: optional_cond(object)?,
                    features: self.make_features(object.get("features"), info)?,
                    span: Some(item.span),
                },
                _ => return Err(malformed(item.span, "enum value")),
            });
        }
        let prefix = match expr.get("prefix") {
            Some(prefix) => Some(string(prefix, "enum 'prefix'")?.to_owned()),
            None => None,
        };
        Ok(DraftKind::Enum(DraftEnum { values, prefix }))
    }

    fn struct_kind(&mut self, expr: &Object, info: &Info, name: &str) -> Fallible<DraftKind> {
        let base = match expr.get("base") {
            Some(base) => Some(string(base, "struct 'base'")?.to_owned()),
            None => None,
        };
        let data = required(expr, "data", info)?;
        let members = self.make_members(data, info, name)?;
        Ok(DraftKind::Object(DraftObject::new(
            None, base, members, None,
        )))
    }

    fn union_kind(&mut self, expr: &Object, owner: &Owner<'_>) -> Fallible<DraftKind> {
        let info = owner.info;
        let base_value = required(expr, "base", info)?;
        let discriminator = string(required(expr, "discriminator", info)?, "'discriminator'")?;
        let data = required(expr, "data", info)?;
        let base = match &base_value.node {
            Value::Str(base) => Some(base.clone()),
            Value::Object(_) => {
                let members = self.make_members(base_value, info, "")?;
                let implicit = Implicit::Base {
                    owner: info.name.clone(),
                };
                self.make_implicit_object(owner, implicit, "base", members)?
            }
            _ => return Err(malformed(base_value.span, "union 'base'")),
        };
        let branches = self.make_branches(data, info)?;
        let branches = DraftBranches {
            discriminator: discriminator.to_owned(),
            discriminator_type: None,
            branches,
        };
        Ok(DraftKind::Object(DraftObject::new(
            None,
            base,
            Vec::new(),
            Some(branches),
        )))
    }

    fn alternate_kind(&mut self, expr: &Object, info: &Info, name: &str) -> Fallible<DraftKind> {
        let data = required(expr, "data", info)?;
        let mut branches = self.make_branches(data, info)?;
        for branch in &mut branches {
            branch.defined_in = name.to_owned();
        }
        Ok(DraftKind::Alternate(DraftAlternate { branches }))
    }

    fn command_kind(&mut self, expr: &Object, owner: &Owner<'_>) -> Fallible<DraftKind> {
        let info = owner.info;
        let data = self.arguments(expr, owner)?;
        let returns = match expr.get("returns") {
            None => None,
            Some(returns) => Some(match &returns.node {
                Value::Str(name) => name.clone(),
                Value::Array(_) => {
                    let element = array_element(returns)?;
                    self.make_array(element, Some(info), Some(returns.span))?
                }
                _ => return Err(malformed(returns.span, "command 'returns'")),
            }),
        };
        Ok(DraftKind::Command(DraftCommand {
            data,
            returns,
            arg_type: None,
            ret_type: None,
            boxed: flag(expr, "boxed", false)?,
            gen: flag(expr, "gen", true)?,
            success_response: flag(expr, "success-response", true)?,
            allow_oob: flag(expr, "allow-oob", false)?,
            allow_preconfig: flag(expr, "allow-preconfig", false)?,
            coroutine: flag(expr, "coroutine", false)?,
        }))
    }

    fn event_kind(&mut self, expr: &Object, owner: &Owner<'_>) -> Fallible<DraftKind> {
        let data = self.arguments(expr, owner)?;
        Ok(DraftKind::Event(DraftEvent {
            data,
            arg_type: None,
            boxed: flag(expr, "boxed", false)?,
        }))
    }

    /// A command's or event's `data`: a type name, or inline members that become
    /// `q_obj_NAME-arg` (none at all when there are no members).
    fn arguments(&mut self, expr: &Object, owner: &Owner<'_>) -> Fallible<Option<String>> {
        let Some(data) = expr.get("data") else {
            return Ok(None);
        };
        match &data.node {
            Value::Str(name) => Ok(Some(name.clone())),
            Value::Object(_) => {
                let members = self.make_members(data, owner.info, "")?;
                let implicit = Implicit::Arguments {
                    owner: owner.info.name.clone(),
                };
                self.make_implicit_object(owner, implicit, "arg", members)
            }
            _ => Err(malformed(data.span, "'data'")),
        }
    }

    /// QEMU's `_make_features`: a definition's, member's or value's features; each new name
    /// joins the schema's feature table.
    fn make_features(
        &mut self,
        features: Option<&Spanned<Value>>,
        info: &Info,
    ) -> Fallible<Vec<DraftFeature>> {
        let Some(features) = features else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = &features.node else {
            return Err(malformed(features.span, "'features'"));
        };
        let mut made = Vec::with_capacity(items.len());
        for item in items {
            let feature = match &item.node {
                Value::Str(name) => DraftFeature {
                    name: name.clone(),
                    cond: None,
                    span: item.span,
                },
                Value::Object(object) => DraftFeature {
                    name: required_str(object, "name", item.span)?.to_owned(),
                    cond: optional_cond(object)?,
                    span: item.span,
                },
                _ => return Err(malformed(item.span, "feature")),
            };
            if !self.drafts.features.contains_key(&feature.name) {
                self.drafts
                    .features
                    .insert(feature.name.clone(), Some(info.clone()));
            }
            made.push(feature);
        }
        Ok(made)
    }

    /// QEMU's `_make_members`: `'[*]NAME': TYPE` or `'[*]NAME': { 'type': TYPE, … }`, each
    /// array type made as it is met.
    fn make_members(
        &mut self,
        data: &Spanned<Value>,
        info: &Info,
        defined_in: &str,
    ) -> Fallible<Vec<DraftMember>> {
        let Value::Object(object) = &data.node else {
            return Err(malformed(data.span, "members"));
        };
        let mut members = Vec::with_capacity(object.len());
        for entry in &object.members {
            let key = &entry.key.node;
            let (name, optional) = match key.strip_prefix('*') {
                Some(name) => (name, true),
                None => (key.as_str(), false),
            };
            let (type_value, details) = member_type(&entry.value)?;
            let cond = details.map(optional_cond).transpose()?.flatten();
            let type_name = self.type_ref(type_value, info)?;
            let features = self.make_features(details.and_then(|d| d.get("features")), info)?;
            members.push(DraftMember {
                name: name.to_owned(),
                type_name,
                ty: None,
                optional,
                cond,
                features,
                span: Some(entry.key.span),
                defined_in: defined_in.to_owned(),
            });
        }
        Ok(members)
    }

    /// QEMU's `_make_variant` for every branch of a union or alternate.
    fn make_branches(&mut self, data: &Spanned<Value>, info: &Info) -> Fallible<Vec<DraftMember>> {
        let Value::Object(object) = &data.node else {
            return Err(malformed(data.span, "branches"));
        };
        let mut branches = Vec::with_capacity(object.len());
        for entry in &object.members {
            let (type_value, details) = member_type(&entry.value)?;
            let cond = details.map(optional_cond).transpose()?.flatten();
            let type_name = self.type_ref(type_value, info)?;
            branches.push(DraftMember {
                name: entry.key.node.clone(),
                type_name,
                ty: None,
                optional: false,
                cond,
                features: Vec::new(),
                span: Some(entry.key.span),
                defined_in: info.name.clone(),
            });
        }
        Ok(branches)
    }

    /// A type reference: `'NAME'`, or `['NAME']` which names (and makes) `NAMEList`.
    fn type_ref(&mut self, value: &Spanned<Value>, info: &Info) -> Fallible<String> {
        match &value.node {
            Value::Str(name) => Ok(name.clone()),
            Value::Array(_) => {
                let element = array_element(value)?;
                self.make_array(element, Some(info), Some(value.span))
            }
            _ => Err(malformed(value.span, "type reference")),
        }
    }
}

/// What an implicit object takes from the definition that owns it.
struct Owner<'a> {
    info: &'a Info,
    span: Span,
    doc: Option<usize>,
    cond: &'a Option<Cond>,
}

impl Draft {
    fn is_type(&self) -> bool {
        matches!(
            self.kind,
            DraftKind::Builtin(_)
                | DraftKind::Enum(_)
                | DraftKind::Array(_)
                | DraftKind::Object(_)
                | DraftKind::Alternate(_)
        )
    }
}

impl DraftObject {
    fn new(
        implicit: Option<Implicit>,
        base_name: Option<String>,
        members: Vec<DraftMember>,
        branches: Option<DraftBranches>,
    ) -> DraftObject {
        DraftObject {
            implicit,
            base_name,
            base: None,
            members,
            branches,
            state: CheckState::Unchecked,
            all_members: Vec::new(),
        }
    }
}

/// A predefined entity: no definition, no doc, no condition.
fn predefined(name: &str, kind: DraftKind) -> Draft {
    Draft {
        name: name.to_owned(),
        info: None,
        span: None,
        doc: None,
        member_doc: None,
        cond: None,
        features: Vec::new(),
        type_id: None,
        kind,
    }
}

/// The definition's meta key and name: the one of the six keys it has.
fn definition_name(expr: &Spanned<Object>) -> Fallible<(&'static str, &str)> {
    const METAS: [&str; 6] = ["enum", "struct", "union", "alternate", "command", "event"];
    for meta in METAS {
        if let Some(value) = expr.node.get(meta) {
            return Ok((meta, string(value, "definition name")?));
        }
    }
    Err(malformed(expr.span, "definition"))
}

/// A member's or branch's type and, for the long form `{ 'type': …, 'if': … }`, the object
/// holding its other keys.
fn member_type(value: &Spanned<Value>) -> Fallible<(&Spanned<Value>, Option<&Object>)> {
    match &value.node {
        Value::Object(object) => match object.get("type") {
            Some(ty) => Ok((ty, Some(object))),
            None => Err(malformed(value.span, "member")),
        },
        _ => Ok((value, None)),
    }
}

/// The element name of `['NAME']`.
fn array_element(value: &Spanned<Value>) -> Fallible<&str> {
    match value.node.as_array() {
        Some([element]) => string(element, "array type"),
        _ => Err(malformed(value.span, "array type")),
    }
}

fn required<'v>(object: &'v Object, key: &str, info: &Info) -> Fallible<&'v Spanned<Value>> {
    object
        .get(key)
        .ok_or_else(|| malformed(info.span, &format!("definition without '{key}'")))
}

fn required_str<'v>(object: &'v Object, key: &str, span: Span) -> Fallible<&'v str> {
    match object.get(key) {
        Some(value) => string(value, key),
        None => Err(malformed(span, &format!("object without '{key}'"))),
    }
}

fn string<'v>(value: &'v Spanned<Value>, what: &str) -> Fallible<&'v str> {
    value
        .node
        .as_str()
        .ok_or_else(|| malformed(value.span, what))
}

/// A flag's value, or its default when absent.
fn flag(expr: &Object, key: &str, default: bool) -> Fallible<bool> {
    match expr.get(key) {
        None => Ok(default),
        Some(value) => value
            .node
            .as_bool()
            .ok_or_else(|| malformed(value.span, &format!("'{key}'"))),
    }
}

/// The `if` of a definition, member, value or feature, if it has one.
fn optional_cond(object: &Object) -> Fallible<Option<Cond>> {
    object.get("if").map(make_cond).transpose()
}

/// `'NAME'`, `{ 'all': [ … ] }`, `{ 'any': [ … ] }` or `{ 'not': … }` as a [`Cond`].
fn make_cond(value: &Spanned<Value>) -> Fallible<Cond> {
    match &value.node {
        Value::Str(name) => Ok(Cond::Name(name.clone())),
        Value::Object(object) if object.len() == 1 => {
            let operand = &object.members[0];
            match (operand.key.node.as_str(), &operand.value.node) {
                ("not", _) => Ok(Cond::Not(Box::new(make_cond(&operand.value)?))),
                ("all", Value::Array(items)) => Ok(Cond::All(make_conds(items)?)),
                ("any", Value::Array(items)) => Ok(Cond::Any(make_conds(items)?)),
                _ => Err(malformed(value.span, "'if'")),
            }
        }
        _ => Err(malformed(value.span, "'if'")),
    }
}

fn make_conds(items: &[Spanned<Value>]) -> Fallible<Vec<Cond>> {
    items.iter().map(make_cond).collect()
}
