//! Phase 2, QEMU's `QAPISchema.check`: each entity's `check()` and doc connection in
//! definition order, then the doc blocks' own check and the limit on feature names.

use super::{
    c_name, describe_member, malformed, CheckState, Draft, DraftFeature, DraftKind, DraftMember,
    DraftObject, Drafts, Info, Role, SeenMember,
};
use crate::ast::{ParsedSchema, Pragmas};
use crate::diag::{Diagnostic, Diagnostics, Fallible};
use crate::doc::Doc;
use crate::model::{Feature, TypeId};
use crate::span::Span;
use crate::Options;
use std::collections::{HashMap, HashSet};

/// QEMU allows at most this many distinct feature names in a schema, the special ones
/// included (its C code keeps them in a 64-bit mask).
const MAX_FEATURES: usize = 64;

/// Checks every entity in definition order, connecting docs as QEMU does right after each.
pub(super) fn check_all(
    drafts: &mut Drafts,
    parsed: &mut ParsedSchema,
    options: &Options,
    diags: &mut Diagnostics,
) -> Fallible<()> {
    let mut checker = Checker {
        drafts,
        docs: &mut parsed.docs,
        pragmas: &parsed.pragmas,
        legacy: options.legacy,
        diags,
    };
    for index in 0..checker.drafts.entities.len() {
        checker.check_entity(index)?;
        checker.connect_doc(index)?;
    }
    for doc in &parsed.docs {
        check_doc(doc, options.legacy, diags)?;
    }
    check_feature_count(drafts)
}

/// QEMU's `QAPIDoc.check`: every documented member and feature exists. Old schemas kept
/// descriptions of renamed members, so legacy mode only warns.
fn check_doc(doc: &Doc, legacy: bool, diags: &mut Diagnostics) -> Fallible<()> {
    match doc.check() {
        Err(error) if legacy => {
            diags.push(error.into_warning());
            Ok(())
        }
        result => result,
    }
}

/// `Maximum of 64 schema features is permitted`, at the definition that used the 65th name.
fn check_feature_count(drafts: &Drafts) -> Fallible<()> {
    match drafts.features.get_index(MAX_FEATURES) {
        None => Ok(()),
        Some((_, info)) => Err(error_at(
            info.as_ref(),
            format!("Maximum of {MAX_FEATURES} schema features is permitted"),
        )),
    }
}

/// An error at a definition; the predefined entities have none, and nothing about them can
/// be wrong, so that case is an internal error.
fn error_at(info: Option<&Info>, message: String) -> Box<Diagnostic> {
    match info {
        Some(info) => info.error(message),
        None => Box::new(Diagnostic::global_error(format!(
            "internal error in a predefined type: {message}"
        ))),
    }
}

/// QEMU's `QTYPE_*` names of JSON types, by which an alternate tells its branches apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QType {
    Null,
    Num,
    String,
    Dict,
    List,
    Bool,
}

struct Checker<'a> {
    drafts: &'a mut Drafts,
    docs: &'a mut Vec<Doc>,
    pragmas: &'a Pragmas,
    legacy: bool,
    diags: &'a mut Diagnostics,
}

/// Clash detection: members seen so far, by C name (QEMU's `seen` dicts).
type Seen = HashMap<String, SeenMember>;

impl Checker<'_> {
    /// QEMU's `check()` of one entity.
    fn check_entity(&mut self, index: usize) -> Fallible<()> {
        match &self.drafts.entities[index].kind {
            DraftKind::Builtin(_) | DraftKind::Include(_) => Ok(()),
            DraftKind::Enum(_) => self.check_enum(index),
            DraftKind::Array(_) => self.check_array(index),
            DraftKind::Object(_) => self.check_object(index),
            DraftKind::Alternate(_) => self.check_alternate(index),
            DraftKind::Command(_) => self.check_command(index),
            DraftKind::Event(_) => self.check_event(index),
        }
    }

    fn draft(&self, index: usize) -> &Draft {
        &self.drafts.entities[index]
    }

    fn info(&self, index: usize) -> Option<Info> {
        self.draft(index).info.clone()
    }

    fn object(&self, index: usize) -> Fallible<&DraftObject> {
        let draft = self.draft(index);
        draft
            .as_object()
            .ok_or_else(|| internal(draft, "not an object type"))
    }

    fn object_mut(&mut self, index: usize) -> Fallible<&mut DraftObject> {
        if self.draft(index).as_object().is_none() {
            return Err(internal(self.draft(index), "not an object type"));
        }
        match &mut self.drafts.entities[index].kind {
            DraftKind::Object(object) => Ok(object),
            _ => Err(Box::new(Diagnostic::global_error(
                "internal error: not an object",
            ))),
        }
    }

    /// The entity defining type `id`.
    fn entity_of(&self, id: TypeId) -> usize {
        self.drafts.type_entities[id.0 as usize]
    }

    /// QEMU's `resolve_type`: the type named `name`, or `WHAT uses unknown type 'NAME'`.
    fn resolve(
        &self,
        name: &str,
        info: Option<&Info>,
        at: Option<Span>,
        what: impl FnOnce() -> String,
    ) -> Fallible<TypeId> {
        if let Some(id) = self.drafts.lookup_type(name) {
            return Ok(id);
        }
        let error = error_at(info, format!("{} uses unknown type '{name}'", what()));
        Err(with_focus(error, at))
    }

    /// Records `member` in `seen`; a member with the same C name is a clash, reported on
    /// behalf of `info` (which need not be the member's definition: base members clash in
    /// the derived type).
    fn clash(&self, info: Option<&Info>, seen: &mut Seen, member: SeenMember) -> Fallible<()> {
        let key = c_name(&member.name);
        if let Some(previous) = seen.get(&key) {
            let defn_name = info.map_or("", |info| info.name.as_str());
            let message = format!(
                "{} collides with {}",
                member.describe(defn_name),
                previous.describe(defn_name)
            );
            return Err(with_focus(error_at(info, message), member.span));
        }
        seen.insert(key, member);
        Ok(())
    }

    /// QEMU's `QAPISchemaDefinition.check` (feature clashes) and, for types,
    /// `QAPISchemaType.check` (no special features on types).
    fn check_features(&self, index: usize, is_type: bool) -> Fallible<()> {
        let draft = self.draft(index);
        let info = draft.info.as_ref();
        let mut seen = Seen::new();
        for feature in &draft.features {
            let member = SeenMember::feature(&feature.name, &draft.name, feature.span);
            self.clash(info, &mut seen, member)?;
        }
        if is_type {
            if let Some(feature) = draft
                .features
                .iter()
                .find(|feature| Feature::SPECIAL.contains(&feature.name.as_str()))
            {
                let message = format!("feature '{}' is not supported for types", feature.name);
                return Err(with_focus(error_at(info, message), Some(feature.span)));
            }
        }
        Ok(())
    }

    /// QEMU's `QAPISchemaEnumType.check`: values clash by C name.
    fn check_enum(&mut self, index: usize) -> Fallible<()> {
        self.check_features(index, true)?;
        let draft = self.draft(index);
        let DraftKind::Enum(enumeration) = &draft.kind else {
            return Err(internal(draft, "not an enum"));
        };
        let mut seen = Seen::new();
        for value in &enumeration.values {
            let member = SeenMember::new(&value.name, Role::Value, &draft.name, value.span);
            self.clash(draft.info.as_ref(), &mut seen, member)?;
        }
        Ok(())
    }

    /// QEMU's `QAPISchemaArrayType.check`: the element type exists. The message names the
    /// kind of definition that wrote `['X']`: `command uses unknown type 'X'`.
    fn check_array(&mut self, index: usize) -> Fallible<()> {
        let draft = self.draft(index);
        let DraftKind::Array(array) = &draft.kind else {
            return Err(internal(draft, "not an array"));
        };
        let info = draft.info.as_ref();
        let meta = info.map_or("", |info| info.meta);
        let element = self.resolve(&array.element_name, info, draft.span, || meta.to_owned())?;
        if let DraftKind::Array(array) = &mut self.drafts.entities[index].kind {
            array.element = Some(element);
        }
        Ok(())
    }

    /// QEMU's `QAPISchemaObjectType.check`: the base, the members, a union's branches, and
    /// clashes among all of them. Checking a type checks the types it contains (its base and
    /// branch types) first; meeting one whose check is under way means it contains itself.
    fn check_object(&mut self, index: usize) -> Fallible<()> {
        let info = self.info(index);
        let info = info.as_ref();
        let object = self.object(index)?;
        match object.state {
            CheckState::Done => return Ok(()),
            CheckState::InProgress => {
                let message = format!("object {} contains itself", self.draft(index).name);
                return Err(error_at(info, message));
            }
            CheckState::Unchecked => {}
        }
        let base_name = object.base_name.clone();
        self.object_mut(index)?.state = CheckState::InProgress;
        self.check_features(index, true)?;

        let mut seen = Seen::new();
        let mut all_members = Vec::new();
        if let Some(base_name) = base_name {
            let base = self.check_base(index, &base_name, info)?;
            for member in self.object(self.entity_of(base))?.all_members.clone() {
                self.clash(info, &mut seen, member.clone())?;
                all_members.push(member);
            }
        }
        for position in 0..self.object(index)?.members.len() {
            let member = self.check_member(index, position, info)?;
            self.clash(info, &mut seen, member.clone())?;
            all_members.push(member);
        }
        if self.object(index)?.branches.is_some() {
            self.check_branches(index, info, &all_members)?;
            let branch_types = self.branch_types(index)?;
            for ty in branch_types {
                self.clash_object(info, &mut seen.clone(), ty)?;
            }
        }
        let object = self.object_mut(index)?;
        object.all_members = all_members;
        object.state = CheckState::Done;
        Ok(())
    }

    /// An object's base: a struct type (not a union), checked first.
    fn check_base(
        &mut self,
        index: usize,
        base_name: &str,
        info: Option<&Info>,
    ) -> Fallible<TypeId> {
        let base = self.resolve(base_name, info, None, || "'base'".to_owned())?;
        let base_index = self.entity_of(base);
        let is_struct = self
            .draft(base_index)
            .as_object()
            .is_some_and(|object| object.branches.is_none());
        if !is_struct {
            let message = format!(
                "'base' requires a struct type, {} isn't",
                self.drafts.describe_type(base)
            );
            return Err(error_at(info, message));
        }
        self.check_object(base_index)?;
        self.object_mut(index)?.base = Some(base);
        Ok(base)
    }

    /// QEMU's `QAPISchemaObjectTypeMember.check`: the member's type exists, its features do
    /// not clash.
    fn check_member(
        &mut self,
        index: usize,
        position: usize,
        info: Option<&Info>,
    ) -> Fallible<SeenMember> {
        let defn_name = info.map_or("", |info| info.name.as_str());
        let member = &self.object(index)?.members[position];
        let ty = self.resolve(&member.type_name, info, member.span, || {
            describe_member(&member.name, Role::Member, &member.defined_in, defn_name)
        })?;
        let mut seen_features = Seen::new();
        for feature in &member.features {
            let seen = SeenMember::feature(&feature.name, &member.name, feature.span);
            self.clash(info, &mut seen_features, seen)?;
        }
        let seen = SeenMember {
            ty: Some(ty),
            optional: member.optional,
            conditional: member.cond.is_some(),
            ..SeenMember::new(&member.name, Role::Member, &member.defined_in, member.span)
        };
        self.object_mut(index)?.members[position].ty = Some(ty);
        Ok(seen)
    }

    /// QEMU's `QAPISchemaBranches.check`: the discriminator is a mandatory, unconditional,
    /// enum-typed member of the base; every value without a branch gets an empty one; each
    /// branch is a value and an object type.
    fn check_branches(
        &mut self,
        index: usize,
        info: Option<&Info>,
        all_members: &[SeenMember],
    ) -> Fallible<()> {
        let defn_name = info.map_or(String::new(), |info| info.name.clone());
        let Some(branches) = &self.object(index)?.branches else {
            return Ok(());
        };
        let tag_name = branches.discriminator.clone();
        let tag = all_members
            .iter()
            .find(|member| c_name(&member.name) == c_name(&tag_name))
            .filter(|member| member.name == tag_name);
        let Some(tag) = tag else {
            let message = format!("discriminator '{tag_name}' is not a member of 'base'");
            return Err(error_at(info, message));
        };
        // QEMU cannot point at a named base from here when it is implicit.
        let base = if tag.defined_in.starts_with("q_") {
            "'base'".to_owned()
        } else {
            format!("base type '{}'", tag.defined_in)
        };
        let tag_type = tag
            .ty
            .ok_or_else(|| error_at(info, "unchecked discriminator".into()))?;
        let DraftKind::Enum(enumeration) = &self.draft(self.entity_of(tag_type)).kind else {
            let message =
                format!("discriminator member '{tag_name}' of {base} must be of enum type");
            return Err(error_at(info, message));
        };
        if tag.optional {
            let message =
                format!("discriminator member '{tag_name}' of {base} must not be optional");
            return Err(error_at(info, message));
        }
        if tag.conditional {
            let message =
                format!("discriminator member '{tag_name}' of {base} must not be conditional");
            return Err(error_at(info, message));
        }
        let values: Vec<_> = enumeration
            .values
            .iter()
            .map(|value| (value.name.clone(), value.cond.clone()))
            .collect();
        let tag_defined_in = tag.defined_in.clone();
        let object = self.object_mut(index)?;
        let Some(branches) = &mut object.branches else {
            return Ok(());
        };
        branches.discriminator_type = Some(tag_type);
        let cases: HashSet<String> = branches
            .branches
            .iter()
            .map(|branch| branch.name.clone())
            .collect();
        for (value, cond) in &values {
            if !cases.contains(value) {
                branches.branches.push(super::DraftMember {
                    name: value.clone(),
                    type_name: "q_empty".to_owned(),
                    ty: None,
                    optional: false,
                    cond: cond.clone(),
                    features: Vec::new(),
                    span: None,
                    defined_in: tag_defined_in.clone(),
                });
            }
        }
        if branches.branches.is_empty() {
            return Err(error_at(info, "union has no branches".to_owned()));
        }
        for position in 0..branches.branches.len() {
            let branch = match &self.object(index)?.branches {
                Some(branches) => &branches.branches[position],
                None => return Ok(()),
            };
            let describe =
                || describe_member(&branch.name, Role::Branch, &branch.defined_in, &defn_name);
            let ty = self.resolve(&branch.type_name, info, branch.span, describe)?;
            if !values.iter().any(|(value, _)| *value == branch.name) {
                let message = format!(
                    "branch '{}' is not a value of {}",
                    branch.name,
                    self.drafts.describe_type(tag_type)
                );
                return Err(with_focus(error_at(info, message), branch.span));
            }
            let branch_index = self.entity_of(ty);
            if self.draft(branch_index).as_object().is_none() {
                let message = format!(
                    "{} cannot use {}",
                    describe(),
                    self.drafts.describe_type(ty)
                );
                return Err(with_focus(error_at(info, message), branch.span));
            }
            if let Some(branches) = &mut self.object_mut(index)?.branches {
                branches.branches[position].ty = Some(ty);
            }
            self.check_object(branch_index)?;
        }
        Ok(())
    }

    /// The resolved types of an object's branches.
    fn branch_types(&self, index: usize) -> Fallible<Vec<TypeId>> {
        let Some(branches) = &self.object(index)?.branches else {
            return Ok(Vec::new());
        };
        Ok(branches
            .branches
            .iter()
            .filter_map(|branch| branch.ty)
            .collect())
    }

    /// QEMU's `QAPISchemaObjectType.check_clash`: the members of object type `ty`, and of
    /// each of its branches in turn, must not clash with `seen`.
    fn clash_object(&self, info: Option<&Info>, seen: &mut Seen, ty: TypeId) -> Fallible<()> {
        let index = self.entity_of(ty);
        for member in &self.object(index)?.all_members {
            self.clash(info, seen, member.clone())?;
        }
        for branch_type in self.branch_types(index)? {
            self.clash_object(info, &mut seen.clone(), branch_type)?;
        }
        Ok(())
    }

    /// QEMU's `QAPISchemaAlternateType.check`: each branch's type exists and maps to a JSON
    /// type no earlier branch can take.
    fn check_alternate(&mut self, index: usize) -> Fallible<()> {
        self.check_features(index, true)?;
        let info = self.info(index);
        let info = info.as_ref();
        let defn_name = info.map_or("", |info| info.name.as_str());
        let count = match &self.draft(index).kind {
            DraftKind::Alternate(alternate) => alternate.branches.len(),
            _ => return Err(internal(self.draft(index), "not an alternate")),
        };
        let mut types = Vec::with_capacity(count);
        for position in 0..count {
            let DraftKind::Alternate(alternate) = &self.draft(index).kind else {
                return Ok(());
            };
            let branch = &alternate.branches[position];
            let ty = self.resolve(&branch.type_name, info, branch.span, || {
                describe_member(&branch.name, Role::Branch, &branch.defined_in, defn_name)
            })?;
            types.push(ty);
            if let DraftKind::Alternate(alternate) = &mut self.drafts.entities[index].kind {
                alternate.branches[position].ty = Some(ty);
            }
        }
        let DraftKind::Alternate(alternate) = &self.draft(index).kind else {
            return Ok(());
        };
        let mut seen = Seen::new();
        let mut types_seen: Vec<(QType, &str)> = Vec::new();
        for (branch, &ty) in alternate.branches.iter().zip(&types) {
            let member =
                SeenMember::new(&branch.name, Role::Branch, &branch.defined_in, branch.span);
            self.clash(info, &mut seen, member)?;
            let describe =
                describe_member(&branch.name, Role::Branch, &branch.defined_in, defn_name);
            let Some(qtype) = self.alternate_qtype(ty) else {
                let message = format!("{describe} cannot use {}", self.drafts.describe_type(ty));
                return Err(with_focus(error_at(info, message), branch.span));
            };
            for conflict in self.conflicting_qtypes(qtype, ty) {
                if let Some((_, other)) = types_seen.iter().find(|(seen, _)| *seen == conflict) {
                    let message = format!("{describe} can't be distinguished from '{other}'");
                    return Err(with_focus(error_at(info, message), branch.span));
                }
                types_seen.push((conflict, &branch.name));
            }
        }
        Ok(())
    }

    /// The JSON type a value of `ty` takes, by QEMU's `QTYPE_*` name; `None` for `any` and
    /// alternates, which can take any.
    fn alternate_qtype(&self, ty: TypeId) -> Option<QType> {
        use crate::model::JsonType;
        let json_type = match &self.draft(self.entity_of(ty)).kind {
            DraftKind::Builtin(builtin) => builtin.json_type(),
            DraftKind::Enum(_) => JsonType::String,
            DraftKind::Array(_) => JsonType::Array,
            DraftKind::Object(_) => JsonType::Object,
            _ => JsonType::Value,
        };
        match json_type {
            JsonType::Null => Some(QType::Null),
            JsonType::String => Some(QType::String),
            JsonType::Number | JsonType::Int => Some(QType::Num),
            JsonType::Boolean => Some(QType::Bool),
            JsonType::Array => Some(QType::List),
            JsonType::Object => Some(QType::Dict),
            JsonType::Value => None,
        }
    }

    /// The JSON types a branch of type `ty` claims. A string also claims numbers and
    /// booleans, because QEMU's keyval input turns those into strings; an enum claims them
    /// only when it has a value that looks like one (`on`/`off`, or starting with a digit,
    /// sign or dot).
    fn conflicting_qtypes(&self, qtype: QType, ty: TypeId) -> Vec<QType> {
        let mut conflicting = vec![qtype];
        if qtype != QType::String {
            return conflicting;
        }
        let mut claim = |qtype: QType| {
            if !conflicting.contains(&qtype) {
                conflicting.push(qtype);
            }
        };
        match &self.draft(self.entity_of(ty)).kind {
            DraftKind::Enum(enumeration) => {
                for value in &enumeration.values {
                    if value.name == "on" || value.name == "off" {
                        claim(QType::Bool);
                    }
                    if value.name.starts_with([
                        '-', '+', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
                    ]) {
                        claim(QType::Num);
                    }
                }
            }
            _ => {
                claim(QType::Num);
                claim(QType::Bool);
            }
        }
        conflicting
    }

    /// QEMU's `QAPISchemaCommand.check`: the arguments are an object (a union only boxed,
    /// conditional members only boxed); the return type is an object or an array of them,
    /// unless the command is in pragma `command-returns-exceptions`.
    fn check_command(&mut self, index: usize) -> Fallible<()> {
        self.check_features(index, false)?;
        let draft = self.draft(index);
        let DraftKind::Command(command) = &draft.kind else {
            return Err(internal(draft, "not a command"));
        };
        let (data, returns, boxed) = (command.data.clone(), command.returns.clone(), command.boxed);
        let name = draft.name.clone();
        let info = self.info(index);
        let info = info.as_ref();
        let arg_type = match data {
            Some(data) => Some(self.check_arguments(&data, boxed, info, "command")?),
            None => None,
        };
        let ret_type = match returns {
            Some(returns) => {
                let what = || "command's 'returns'".to_owned();
                let ret_type = self.resolve(&returns, info, None, what)?;
                if !self.pragmas.command_returns_exceptions.contains(&name) {
                    self.check_returns(ret_type, info)?;
                }
                Some(ret_type)
            }
            None => None,
        };
        if let DraftKind::Command(command) = &mut self.drafts.entities[index].kind {
            command.arg_type = arg_type;
            command.ret_type = ret_type;
        }
        Ok(())
    }

    /// `command's 'returns' cannot take …`: a command must return an object or an array of
    /// objects. Old schemas return bare integers and enums, so legacy mode only warns.
    fn check_returns(&mut self, ret_type: TypeId, info: Option<&Info>) -> Fallible<()> {
        let element = match &self.draft(self.entity_of(ret_type)).kind {
            DraftKind::Array(array) => self.drafts.lookup_type(&array.element_name),
            _ => Some(ret_type),
        };
        let is_object = element
            .is_some_and(|element| self.draft(self.entity_of(element)).as_object().is_some());
        if is_object {
            return Ok(());
        }
        let message = format!(
            "command's 'returns' cannot take {}",
            self.drafts.describe_type(ret_type)
        );
        let error = error_at(info, message);
        if self.legacy {
            self.diags.push(error.into_warning());
            return Ok(());
        }
        Err(error)
    }

    /// QEMU's `QAPISchemaEvent.check`: as a command's arguments.
    fn check_event(&mut self, index: usize) -> Fallible<()> {
        self.check_features(index, false)?;
        let draft = self.draft(index);
        let DraftKind::Event(event) = &draft.kind else {
            return Err(internal(draft, "not an event"));
        };
        let (data, boxed) = (event.data.clone(), event.boxed);
        let info = self.info(index);
        let arg_type = match data {
            Some(data) => Some(self.check_arguments(&data, boxed, info.as_ref(), "event")?),
            None => None,
        };
        if let DraftKind::Event(event) = &mut self.drafts.entities[index].kind {
            event.arg_type = arg_type;
        }
        Ok(())
    }

    /// A command's or event's `data` (`meta` says which): an object type; a union or a type
    /// with conditional members only with `'boxed': true`.
    fn check_arguments(
        &mut self,
        data: &str,
        boxed: bool,
        info: Option<&Info>,
        meta: &str,
    ) -> Fallible<TypeId> {
        let arg_type = self.resolve(data, info, None, || format!("{meta}'s 'data'"))?;
        let arg_index = self.entity_of(arg_type);
        let Some(object) = self.draft(arg_index).as_object() else {
            let message = format!(
                "{meta}'s 'data' cannot take {}",
                self.drafts.describe_type(arg_type)
            );
            return Err(error_at(info, message));
        };
        if object.branches.is_some() && !boxed {
            let message = format!(
                "{meta}'s 'data' can take {} only with 'boxed': true",
                self.drafts.describe_type(arg_type)
            );
            return Err(error_at(info, message));
        }
        self.check_object(arg_index)?;
        let conditional = self
            .object(arg_index)?
            .all_members
            .iter()
            .any(|member| member.conditional);
        if conditional && !boxed {
            let message = format!("conditional {meta} arguments require 'boxed': true");
            return Err(error_at(info, message));
        }
        Ok(arg_type)
    }
}

impl SeenMember {
    fn new(name: &str, role: Role, defined_in: &str, span: Option<Span>) -> SeenMember {
        SeenMember {
            name: name.to_owned(),
            role,
            defined_in: defined_in.to_owned(),
            ty: None,
            optional: false,
            conditional: false,
            span,
        }
    }

    fn feature(name: &str, defined_in: &str, span: Span) -> SeenMember {
        SeenMember::new(name, Role::Feature, defined_in, Some(span))
    }
}

fn with_focus(error: Box<Diagnostic>, focus: Option<Span>) -> Box<Diagnostic> {
    match focus {
        Some(focus) => Box::new(error.with_focus(focus)),
        None => error,
    }
}

/// An entity that is not what its kind said: a bug, reported rather than panicking.
fn internal(draft: &Draft, what: &str) -> Box<Diagnostic> {
    match draft.span {
        Some(span) => malformed(span, what),
        None => Box::new(Diagnostic::global_error(format!(
            "internal error: '{}' is {what}",
            draft.name
        ))),
    }
}

/// What QEMU's `connect_doc` matches against a doc block, in its order.
enum Documented {
    /// A member, enum value or alternate branch, with QEMU's word for it.
    Member(String, &'static str),
    Feature(String),
}

impl Checker<'_> {
    /// QEMU's `connect_doc` of one entity, right after its check: every feature, member,
    /// value and alternate branch of a documented definition (and the members of its
    /// implicit base or arguments) must be documented; each documented name is marked as
    /// existing, for [`Doc::check`] later.
    fn connect_doc(&mut self, index: usize) -> Fallible<()> {
        let draft = self.draft(index);
        let (Some(doc_index), Some(info)) = (draft.doc, draft.info.clone()) else {
            return Ok(());
        };
        let mut documented: Vec<Documented> = features_of(&draft.features);
        match &draft.kind {
            DraftKind::Enum(enumeration) => {
                for value in &enumeration.values {
                    documented.push(Documented::Member(value.name.clone(), "value"));
                    documented.extend(features_of(&value.features));
                }
            }
            DraftKind::Object(object) => {
                if let Some(base) = object.base {
                    self.implicit_members(base, &mut documented);
                }
                members_of(&object.members, &mut documented);
            }
            DraftKind::Alternate(alternate) => {
                for branch in &alternate.branches {
                    documented.push(Documented::Member(branch.name.clone(), "branch"));
                }
            }
            DraftKind::Command(command) => {
                if let Some(arg_type) = command.arg_type {
                    self.implicit_members(arg_type, &mut documented);
                }
            }
            DraftKind::Event(event) => {
                if let Some(arg_type) = event.arg_type {
                    self.implicit_members(arg_type, &mut documented);
                }
            }
            DraftKind::Builtin(_) | DraftKind::Array(_) | DraftKind::Include(_) => {}
        }
        let Some(doc) = self.docs.get_mut(doc_index) else {
            return Ok(());
        };
        let excepted = doc
            .symbol
            .as_ref()
            .is_some_and(|symbol| self.pragmas.documentation_exceptions.contains(&symbol.node));
        let context = info.context();
        // QEMU reports these at the definition, so they carry its `In META 'NAME':` line.
        let mut warnings = Diagnostics::new();
        for item in documented {
            let connected = match &item {
                Documented::Member(name, role) => {
                    doc.connect_member(name, role, info.span, excepted, self.legacy, &mut warnings)
                }
                Documented::Feature(name) => doc.connect_feature(name, info.span),
            };
            connected.map_err(|error| Box::new(error.with_context(Some(&context))))?;
        }
        self.diags.extend(
            warnings
                .into_vec()
                .into_iter()
                .map(|warning| warning.with_context(Some(&context))),
        );
        Ok(())
    }

    /// The members of `ty` when it is an implicit object (`q_obj_NAME-arg`/`-base`), which
    /// are documented in their owner's doc block; nothing for a named type, whose members
    /// its own doc block documents.
    fn implicit_members(&self, ty: TypeId, documented: &mut Vec<Documented>) {
        let draft = self.drafts.type_entity(ty);
        if let Some(object) = draft.as_object().filter(|_| draft.name.starts_with("q_")) {
            documented.extend(features_of(&draft.features));
            members_of(&object.members, documented);
        }
    }
}

fn features_of(features: &[DraftFeature]) -> Vec<Documented> {
    features
        .iter()
        .map(|feature| Documented::Feature(feature.name.clone()))
        .collect()
}

fn members_of(members: &[DraftMember], documented: &mut Vec<Documented>) {
    for member in members {
        documented.push(Documented::Member(member.name.clone(), "member"));
        documented.extend(features_of(&member.features));
    }
}
