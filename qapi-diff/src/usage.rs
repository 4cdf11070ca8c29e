//! Where each named type is used: by which commands and events, and so in which direction.

use crate::change::{Directions, EntityKind, Position, Use};
use indexmap::IndexMap;
use qapi_gen_parser::model::{Schema, Type, TypeId};
use std::collections::HashSet;

/// For every named type reachable from a command or event: the directions and the uses.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    types: IndexMap<String, (Directions, Vec<Use>)>,
}

impl Usage {
    /// Walks every command's arguments and returns and every event's data, recursively
    /// through members, bases, branches and array elements.
    pub(crate) fn of(schema: &Schema) -> Usage {
        let mut usage = Usage::default();
        for (_, command) in schema.commands() {
            let roots = [
                (command.arg_type, Position::Arguments),
                (command.ret_type, Position::Returns),
            ];
            for (root, position) in roots {
                if let Some(root) = root {
                    let user = Use {
                        kind: EntityKind::Command,
                        name: command.name.clone(),
                        position,
                    };
                    usage.walk(schema, root, &user);
                }
            }
        }
        for (_, event) in schema.events() {
            if let Some(root) = event.arg_type {
                let user = Use {
                    kind: EntityKind::Event,
                    name: event.name.clone(),
                    position: Position::Data,
                };
                usage.walk(schema, root, &user);
            }
        }
        usage
    }

    /// The directions and uses of the type named `name`; none when nothing uses it.
    pub(crate) fn get(&self, name: &str) -> (Directions, &[Use]) {
        match self.types.get(name) {
            Some((directions, uses)) => (*directions, uses),
            None => (Directions::NONE, &[]),
        }
    }

    fn walk(&mut self, schema: &Schema, root: TypeId, user: &Use) {
        let mut seen = HashSet::new();
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let ty = schema.ty(id);
            // Implicit types are reported under what owns them; arrays through their element.
            if !ty.is_implicit() && ty.as_builtin().is_none() {
                let (directions, uses) = self.types.entry(ty.name().to_owned()).or_default();
                *directions = directions.union(user.position.directions());
                uses.push(user.clone());
            }
            match ty {
                Type::Builtin(_) | Type::Enum(_) => {}
                Type::Array(array) => stack.push(array.element),
                Type::Object(object) => {
                    stack.extend(object.base);
                    stack.extend(object.members.iter().map(|member| member.ty));
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
    }
}

/// The uses of a type in the old schema, then those only in the new one.
pub(crate) fn merge_uses(old: &[Use], new: &[Use]) -> Vec<Use> {
    let mut uses = old.to_vec();
    uses.extend(new.iter().filter(|user| !old.contains(user)).cloned());
    uses
}
