//! Compare two checked QAPI schemas and classify each change by what it does to clients.
//!
//! The rules are those of "Compatibility considerations" in QEMU's `qapi-code-gen.rst`, with
//! the direction that matters: clients *send* command arguments and *receive* command returns
//! and event data. Adding an optional argument is compatible, adding a mandatory one is not;
//! adding a return member is compatible, removing one is not. A named type is judged by every
//! command and event that uses it, and a type used both ways gets the stricter verdict.
//! Type names are not visible on the wire: implicit argument types are compared through
//! their command or event, and a member whose type was renamed is compared through both
//! types' contents.
//!
//! ```no_run
//! use qapi_gen_parser::{check_file, Options};
//! let options = Options { legacy: true };
//! let old = check_file("old/qapi-schema.json", &options).schema.expect("valid");
//! let new = check_file("new/qapi-schema.json", &options).schema.expect("valid");
//! let report = qapi_diff::diff(&old, &new);
//! print!("{}", qapi_diff::report::text(&report, false));
//! ```

pub mod change;
mod compare;
pub mod report;
mod usage;

pub use change::{Change, Class, Directions, EntityKind, Position, Relation, Use, What};
use qapi_gen_parser::model::Schema;

/// Every change between two schemas, and what became of each command and event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The changes: commands, then events, then named types; each in the old schema's
    /// definition order, then what is new in the new schema's order.
    pub changes: Vec<Change>,
    /// One entry per command and event of either schema: the old schema's in order, then
    /// the new ones.
    pub summaries: Vec<Summary>,
}

/// What became of one command or event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// [`EntityKind::Command`] or [`EntityKind::Event`].
    pub kind: EntityKind,
    /// Its name.
    pub name: String,
    /// Kept, changed, removed or added.
    pub status: Status,
    /// The strictest class of the changes that concern it; compatible when kept.
    pub class: Class,
    /// Indexes into [`Report::changes`] of the changes to it and to the named types it
    /// uses (in either schema).
    pub changes: Vec<usize>,
}

/// What became of a command or event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Present in both, and neither it nor any type it uses changed.
    Kept,
    /// Present in both, with changes to it or to a type it uses.
    Changed,
    /// Only in the old schema.
    Removed,
    /// Only in the new schema.
    Added,
}

impl Status {
    /// `kept`, `changed`, `removed` or `added`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Kept => "kept",
            Status::Changed => "changed",
            Status::Removed => "removed",
            Status::Added => "added",
        }
    }
}

impl Report {
    /// How many changes of each class, in the order of [`Class::ALL`].
    pub fn counts(&self) -> [usize; 3] {
        Class::ALL.map(|class| {
            self.changes
                .iter()
                .filter(|change| change.class == class)
                .count()
        })
    }

    /// The strictest class found; `None` when the schemas do not differ.
    pub fn worst(&self) -> Option<Class> {
        self.changes.iter().map(|change| change.class).max()
    }

    /// The summaries of commands, or of events.
    pub fn summaries_of(&self, kind: EntityKind) -> impl Iterator<Item = &Summary> {
        self.summaries
            .iter()
            .filter(move |summary| summary.kind == kind)
    }
}

/// Compares `old` with `new`.
pub fn diff(old: &Schema, new: &Schema) -> Report {
    let changes = compare::compare(old, new);
    let mut summaries = Vec::new();
    let old_names = old
        .commands()
        .map(|(_, command)| (EntityKind::Command, command.name.as_str()))
        .chain(
            old.events()
                .map(|(_, event)| (EntityKind::Event, event.name.as_str())),
        );
    for (kind, name) in old_names {
        summaries.push(summarize(&changes, kind, name, Status::Removed));
    }
    let new_names = new
        .commands()
        .map(|(_, command)| (EntityKind::Command, command.name.as_str()))
        .chain(
            new.events()
                .map(|(_, event)| (EntityKind::Event, event.name.as_str())),
        );
    for (kind, name) in new_names {
        let known = summaries
            .iter()
            .any(|summary| summary.kind == kind && summary.name == name);
        if !known {
            summaries.push(summarize(&changes, kind, name, Status::Added));
        }
    }
    Report { changes, summaries }
}

/// The summary of one command or event; `gone` is the status when a change says it was
/// removed or added (which one depends on the schema it comes from).
fn summarize(changes: &[Change], kind: EntityKind, name: &str, gone: Status) -> Summary {
    let concerns = |change: &Change| {
        (change.kind == kind && change.entity == name)
            // A type added or removed is news only through the members that use it,
            // which are reported where they are.
            || (change.kind == EntityKind::Type
                && !matches!(change.what, What::Added | What::Removed)
                && change
                    .used_by
                    .iter()
                    .any(|user| user.kind == kind && user.name == name))
    };
    let indexes: Vec<usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, change)| concerns(change))
        .map(|(index, _)| index)
        .collect();
    let itself = indexes.iter().find(|&&index| {
        let change = &changes[index];
        change.kind == kind && matches!(change.what, What::Added | What::Removed)
    });
    let status = match itself {
        Some(_) => gone,
        None if indexes.is_empty() => Status::Kept,
        None => Status::Changed,
    };
    // A removed or added command's summary is that fact alone, not the types it used.
    let indexes = match itself {
        Some(&index) => vec![index],
        None => indexes,
    };
    let class = indexes
        .iter()
        .map(|&index| changes[index].class)
        .max()
        .unwrap_or(Class::Compatible);
    Summary {
        kind,
        name: name.to_owned(),
        status,
        class,
        changes: indexes,
    }
}

#[cfg(test)]
mod tests;
