//! What is generated, decided before any token is made: the plan the emitters read.
//!
//! [`Selection`] is which commands, events and types the file holds: every one by default, or,
//! when [`crate::Builder::commands`] or [`crate::Builder::events`] names some, those and the
//! types they reach. The emitters ask it and nothing else whether a definition is generated;
//! the introspection alone describes the whole schema, as QEMU's answer does.

use qapi_gen_parser::model::{CommandId, Entity, EventId, Schema, Type, TypeId};
use std::collections::BTreeSet;

/// The commands, events and types that are generated.
#[derive(Clone, Debug)]
pub struct Selection {
    /// `None`: every command.
    commands: Option<BTreeSet<CommandId>>,
    /// `None`: every event.
    events: Option<BTreeSet<EventId>>,
    /// `None`: every type (when neither commands nor events are chosen).
    types: Option<BTreeSet<TypeId>>,
}

/// Names given to [`Selection::new`] that the schema does not define (or defines as something
/// else): `(kind, names)`, `kind` being `command` or `event`.
#[derive(Debug, PartialEq, Eq)]
pub struct Unknown {
    pub kind: &'static str,
    pub names: Vec<String>,
}

impl Selection {
    /// Everything.
    pub fn all() -> Selection {
        Selection {
            commands: None,
            events: None,
            types: None,
        }
    }

    /// The commands and events named (`None`: all of that kind) and the types they reach.
    pub fn new(
        schema: &Schema,
        commands: Option<&[String]>,
        events: Option<&[String]>,
    ) -> Result<Selection, Unknown> {
        if commands.is_none() && events.is_none() {
            return Ok(Selection::all());
        }
        let commands: Option<BTreeSet<CommandId>> = commands
            .map(|names| {
                find(schema, names, "command", |entity| match entity {
                    Entity::Command(id) => Some(id),
                    _ => None,
                })
            })
            .transpose()?;
        let events: Option<BTreeSet<EventId>> = events
            .map(|names| {
                find(schema, names, "event", |entity| match entity {
                    Entity::Event(id) => Some(id),
                    _ => None,
                })
            })
            .transpose()?;
        let mut roots = Vec::new();
        for (id, command) in schema.commands() {
            if commands.as_ref().is_none_or(|chosen| chosen.contains(&id)) {
                roots.extend(command.arg_type);
                roots.extend(command.ret_type);
            }
        }
        for (id, event) in schema.events() {
            if events.as_ref().is_none_or(|chosen| chosen.contains(&id)) {
                roots.extend(event.arg_type);
            }
        }
        Ok(Selection {
            commands,
            events,
            types: Some(reachable(schema, roots)),
        })
    }

    pub fn has_command(&self, id: CommandId) -> bool {
        self.commands
            .as_ref()
            .is_none_or(|chosen| chosen.contains(&id))
    }

    pub fn has_event(&self, id: EventId) -> bool {
        self.events
            .as_ref()
            .is_none_or(|chosen| chosen.contains(&id))
    }

    pub fn has_type(&self, id: TypeId) -> bool {
        self.types
            .as_ref()
            .is_none_or(|chosen| chosen.contains(&id))
    }
}

/// The entities `names` name, as `pick` takes them; every name that does not name one is
/// reported, in the order given.
fn find<Id: Ord>(
    schema: &Schema,
    names: &[String],
    kind: &'static str,
    pick: impl Fn(Entity) -> Option<Id>,
) -> Result<BTreeSet<Id>, Unknown> {
    let mut found = BTreeSet::new();
    let mut unknown = Vec::new();
    for name in names {
        match schema.lookup(name).and_then(&pick) {
            Some(id) => {
                found.insert(id);
            }
            None => unknown.push(name.clone()),
        }
    }
    if unknown.is_empty() {
        Ok(found)
    } else {
        Err(Unknown {
            kind,
            names: unknown,
        })
    }
}

/// `roots` and every type a value of them can hold: members (bases' included), the bases
/// themselves, union branches and their discriminator's enum, alternatives, array elements.
fn reachable(schema: &Schema, roots: Vec<TypeId>) -> BTreeSet<TypeId> {
    let mut reached = BTreeSet::new();
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        if !reached.insert(id) {
            continue;
        }
        match schema.ty(id) {
            Type::Builtin(_) | Type::Enum(_) => {}
            Type::Array(array) => stack.push(array.element),
            Type::Object(object) => {
                stack.extend(object.base);
                stack.extend(schema.all_members(object).iter().map(|member| member.ty));
                if let Some(branches) = &object.branches {
                    stack.push(branches.discriminator_type);
                    stack.extend(branches.branches.iter().map(|branch| branch.ty));
                }
            }
            Type::Alternate(alternate) => {
                stack.extend(alternate.branches.iter().map(|branch| branch.ty));
            }
        }
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"
{ 'enum': 'Kind', 'data': ['a', 'b'] }
{ 'struct': 'Base', 'data': { 'kind': 'Kind' } }
{ 'struct': 'Leaf', 'data': { 'x': 'int' } }
{ 'union': 'Tree', 'base': 'Base', 'discriminator': 'kind', 'data': { 'a': 'Leaf' } }
{ 'struct': 'Unused', 'data': { 'y': 'str' } }
{ 'alternate': 'Either', 'data': { 'n': 'int', 'leaf': 'Leaf' } }
{ 'command': 'grow', 'data': { 'tree': ['Tree'] } }
{ 'command': 'other', 'returns': 'Unused' }
{ 'event': 'GROWN', 'data': { 'either': 'Either' } }
{ 'event': 'GONE' }
"#;

    fn names_of(schema: &Schema, selection: &Selection) -> Vec<String> {
        let mut names: Vec<String> = schema
            .types()
            .filter(|(id, ty)| {
                selection.has_type(*id)
                    && !ty.is_implicit()
                    && matches!(ty, Type::Object(_) | Type::Enum(_) | Type::Alternate(_))
            })
            .map(|(_, ty)| ty.name().to_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_command_reaches_its_types_through_arrays_bases_and_branches() {
        let schema = crate::checked_schema(SCHEMA);
        let selection = Selection::new(&schema, Some(&["grow".to_owned()]), Some(&[])).unwrap();
        assert_eq!(
            names_of(&schema, &selection),
            ["Base", "Kind", "Leaf", "Tree"]
        );
        let grow = schema.lookup("grow");
        let other = schema.lookup("other");
        assert!(matches!(grow, Some(Entity::Command(id)) if selection.has_command(id)));
        assert!(matches!(other, Some(Entity::Command(id)) if !selection.has_command(id)));
        assert!(schema.events().all(|(id, _)| !selection.has_event(id)));
    }

    #[test]
    fn an_event_reaches_the_alternatives_of_its_data() {
        let schema = crate::checked_schema(SCHEMA);
        let selection = Selection::new(&schema, Some(&[]), Some(&["GROWN".to_owned()])).unwrap();
        assert_eq!(names_of(&schema, &selection), ["Either", "Leaf"]);
    }

    #[test]
    fn unknown_names_are_reported_in_order() {
        let schema = crate::checked_schema(SCHEMA);
        let names = ["grow".to_owned(), "nope".to_owned(), "GROWN".to_owned()];
        assert_eq!(
            Selection::new(&schema, Some(&names), None).unwrap_err(),
            Unknown {
                kind: "command",
                names: vec!["nope".to_owned(), "GROWN".to_owned()],
            }
        );
        let error = Selection::new(&schema, None, Some(&["grow".to_owned()])).unwrap_err();
        assert_eq!(error.kind, "event");
    }

    #[test]
    fn nothing_chosen_is_everything() {
        let schema = crate::checked_schema(SCHEMA);
        let selection = Selection::new(&schema, None, None).unwrap();
        assert!(schema.types().all(|(id, _)| selection.has_type(id)));
    }
}
