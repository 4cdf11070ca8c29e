//! Phase 3: the checked drafts become the [`Schema`] model, each entity placed in its module
//! as QEMU's `set_module` places it.

use super::define::module_name;
use super::{malformed, Draft, DraftFeature, DraftKind, DraftMember, DraftValue, Drafts};
use crate::ast::ParsedSchema;
use crate::diag::{Diagnostic, Fallible};
use crate::doc::Doc;
use crate::model::{
    AlternateType, ArrayType, Branch, Branches, BuiltinType, Command, CommandId, Entity, EnumType,
    EnumValue, Event, EventId, Feature, Include, Member, Module, ModuleId, ObjectType, Schema,
    Type, TypeId,
};
use crate::span::{FileId, SourceMap};
use indexmap::{IndexMap, IndexSet};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Builds the model from checked drafts; the doc blocks move from `parsed` into it.
pub(super) fn build(
    drafts: Drafts,
    parsed: &mut ParsedSchema,
    sources: &SourceMap,
) -> Fallible<Schema> {
    let docs = std::mem::take(&mut parsed.docs);
    let root_dir = sources
        .path(parsed.root)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let mut builder = Builder {
        drafts: &drafts,
        docs: &docs,
        sources,
        root_dir,
        module_names: drafts.modules.clone(),
        file_modules: HashMap::new(),
        modules: Vec::new(),
        types: Vec::new(),
        commands: Vec::new(),
        events: Vec::new(),
        entities: Vec::new(),
        names: IndexMap::new(),
    };
    builder.modules = builder
        .module_names
        .iter()
        .map(|name| Module {
            name: name.clone(),
            entities: Vec::new(),
        })
        .collect();
    for draft in &drafts.entities {
        builder.add(draft)?;
    }
    let Builder {
        modules,
        types,
        commands,
        events,
        entities,
        names,
        ..
    } = builder;
    Ok(Schema {
        modules,
        types,
        commands,
        events,
        entities,
        names,
        features: drafts.features.keys().cloned().collect(),
        docs,
    })
}

struct Builder<'a> {
    drafts: &'a Drafts,
    docs: &'a [Doc],
    sources: &'a SourceMap,
    root_dir: PathBuf,
    module_names: IndexSet<String>,
    /// The module of each file, once its name is known (naming a module normalises paths).
    file_modules: HashMap<FileId, ModuleId>,
    modules: Vec<Module>,
    types: Vec<Type>,
    commands: Vec<Command>,
    events: Vec<Event>,
    entities: Vec<Entity>,
    names: IndexMap<String, Entity>,
}

impl Builder<'_> {
    /// Adds one entity to the tables, to the definition order and to its module.
    fn add(&mut self, draft: &Draft) -> Fallible<()> {
        let module = self.module_of(draft);
        let entity = match &draft.kind {
            DraftKind::Include(include) => Entity::Include(Include {
                module: include.module,
                span: include.span,
            }),
            DraftKind::Command(_) => {
                let command = self.command(draft, module)?;
                self.commands.push(command);
                Entity::Command(CommandId(self.commands.len() as u32 - 1))
            }
            DraftKind::Event(_) => {
                let event = self.event(draft, module)?;
                self.events.push(event);
                Entity::Event(EventId(self.events.len() as u32 - 1))
            }
            _ => {
                let ty = self.ty(draft, module)?;
                self.types.push(ty);
                Entity::Type(TypeId(self.types.len() as u32 - 1))
            }
        };
        if !matches!(entity, Entity::Include(_)) {
            self.names.insert(draft.name.clone(), entity);
        }
        self.entities.push(entity);
        if let Some(module) = self.modules.get_mut(module.0 as usize) {
            module.entities.push(entity);
        }
        Ok(())
    }

    /// QEMU's `set_module`: the module of the file the entity's definition is in (an
    /// include directive's, an implicit object's owner's), the element type's for an array,
    /// `./builtin` for the predefined types.
    fn module_of(&mut self, draft: &Draft) -> ModuleId {
        let located = match &draft.kind {
            DraftKind::Include(include) => Some(include.span),
            DraftKind::Array(array) => array
                .element
                .and_then(|element| self.drafts.type_entity(element).info.as_ref())
                .map(|info| info.span),
            _ => draft.info.as_ref().map(|info| info.span),
        };
        match located {
            Some(span) => self.module_of_file(span.file),
            None => ModuleId(0),
        }
    }

    fn module_of_file(&mut self, file: FileId) -> ModuleId {
        if let Some(&module) = self.file_modules.get(&file) {
            return module;
        }
        let module = self.name_module_of_file(file);
        self.file_modules.insert(file, module);
        module
    }

    fn name_module_of_file(&mut self, file: FileId) -> ModuleId {
        let name = module_name(self.sources.path(file), &self.root_dir);
        let (index, added) = self.module_names.insert_full(name.clone());
        if added {
            self.modules.push(Module {
                name,
                entities: Vec::new(),
            });
        }
        ModuleId(index as u32)
    }

    fn doc(&self, index: Option<usize>) -> Option<&Doc> {
        index.and_then(|index| self.docs.get(index))
    }

    fn ty(&self, draft: &Draft, module: ModuleId) -> Fallible<Type> {
        let doc = self.doc(draft.doc).cloned();
        let member_doc = self.doc(draft.member_doc);
        let name = draft.name.clone();
        let cond = draft.cond.clone();
        let span = draft.span;
        let features = features(&draft.features, member_doc);
        Ok(match &draft.kind {
            DraftKind::Builtin(kind) => Type::Builtin(BuiltinType {
                name,
                kind: *kind,
                module,
            }),
            DraftKind::Enum(enumeration) => Type::Enum(EnumType {
                name,
                values: enumeration
                    .values
                    .iter()
                    .map(|value| enum_value(value, member_doc))
                    .collect(),
                prefix: enumeration.prefix.clone(),
                cond,
                features,
                doc,
                span,
                module,
            }),
            DraftKind::Array(array) => {
                let element = resolved(array.element, draft)?;
                Type::Array(ArrayType {
                    name,
                    element,
                    cond: self.drafts.type_entity(element).cond.clone(),
                    span: draft.info.as_ref().and(span),
                    module,
                })
            }
            DraftKind::Object(object) => {
                let members = object
                    .members
                    .iter()
                    .map(|member| self.member(member, draft, member_doc))
                    .collect::<Fallible<_>>()?;
                let branches = match &object.branches {
                    None => None,
                    Some(branches) => Some(Branches {
                        discriminator: branches.discriminator.clone(),
                        discriminator_type: resolved(branches.discriminator_type, draft)?,
                        branches: branches
                            .branches
                            .iter()
                            .map(|branch| branch_of(branch, draft, None))
                            .collect::<Fallible<_>>()?,
                    }),
                };
                Type::Object(ObjectType {
                    name,
                    implicit: object.implicit.clone(),
                    base: object.base,
                    members,
                    branches,
                    cond,
                    features,
                    doc,
                    span,
                    module,
                })
            }
            DraftKind::Alternate(alternate) => Type::Alternate(AlternateType {
                name,
                branches: alternate
                    .branches
                    .iter()
                    .map(|branch| branch_of(branch, draft, member_doc))
                    .collect::<Fallible<_>>()?,
                cond,
                features,
                doc,
                span,
                module,
            }),
            DraftKind::Command(_) | DraftKind::Event(_) | DraftKind::Include(_) => {
                return Err(internal(draft, "a type"))
            }
        })
    }

    fn member(&self, member: &DraftMember, draft: &Draft, doc: Option<&Doc>) -> Fallible<Member> {
        let span = member.span.or(draft.span);
        Ok(Member {
            name: member.name.clone(),
            ty: resolved(member.ty, draft)?,
            optional: member.optional,
            cond: member.cond.clone(),
            features: features(&member.features, doc),
            doc: doc.and_then(|doc| doc.args.get(&member.name)).cloned(),
            span: span.ok_or_else(|| internal(draft, "a member with a place"))?,
        })
    }

    fn command(&self, draft: &Draft, module: ModuleId) -> Fallible<Command> {
        let DraftKind::Command(command) = &draft.kind else {
            return Err(internal(draft, "a command"));
        };
        Ok(Command {
            name: draft.name.clone(),
            arg_type: command.arg_type,
            ret_type: command.ret_type,
            boxed: command.boxed,
            gen: command.gen,
            success_response: command.success_response,
            allow_oob: command.allow_oob,
            allow_preconfig: command.allow_preconfig,
            coroutine: command.coroutine,
            cond: draft.cond.clone(),
            features: features(&draft.features, self.doc(draft.doc)),
            doc: self.doc(draft.doc).cloned(),
            span: draft
                .span
                .ok_or_else(|| internal(draft, "a defined command"))?,
            module,
        })
    }

    fn event(&self, draft: &Draft, module: ModuleId) -> Fallible<Event> {
        let DraftKind::Event(event) = &draft.kind else {
            return Err(internal(draft, "an event"));
        };
        Ok(Event {
            name: draft.name.clone(),
            arg_type: event.arg_type,
            boxed: event.boxed,
            cond: draft.cond.clone(),
            features: features(&draft.features, self.doc(draft.doc)),
            doc: self.doc(draft.doc).cloned(),
            span: draft
                .span
                .ok_or_else(|| internal(draft, "a defined event"))?,
            module,
        })
    }
}

fn features(features: &[DraftFeature], doc: Option<&Doc>) -> Vec<Feature> {
    features
        .iter()
        .map(|feature| Feature {
            name: feature.name.clone(),
            cond: feature.cond.clone(),
            doc: doc.and_then(|doc| doc.features.get(&feature.name)).cloned(),
            span: feature.span,
        })
        .collect()
}

fn enum_value(value: &DraftValue, doc: Option<&Doc>) -> EnumValue {
    EnumValue {
        name: value.name.clone(),
        cond: value.cond.clone(),
        features: features(&value.features, doc),
        doc: doc.and_then(|doc| doc.args.get(&value.name)).cloned(),
        span: value.span,
    }
}

/// A union branch (never documented) or an alternate branch (documented in `doc`).
fn branch_of(branch: &DraftMember, draft: &Draft, doc: Option<&Doc>) -> Fallible<Branch> {
    Ok(Branch {
        name: branch.name.clone(),
        ty: resolved(branch.ty, draft)?,
        cond: branch.cond.clone(),
        doc: doc.and_then(|doc| doc.args.get(&branch.name)).cloned(),
        span: branch.span,
    })
}

/// A type reference the check resolved.
fn resolved(ty: Option<TypeId>, draft: &Draft) -> Fallible<TypeId> {
    ty.ok_or_else(|| internal(draft, "with a resolved type"))
}

/// A draft that is not what the model needs: a bug, reported rather than panicking.
fn internal(draft: &Draft, expected: &str) -> Box<Diagnostic> {
    let what = format!("entity '{}': expected {expected}", draft.name);
    match draft.span {
        Some(span) => malformed(span, &what),
        None => Box::new(Diagnostic::global_error(format!("internal error: {what}"))),
    }
}
