//! What a change is, and how the compatibility rules of QEMU's "Compatibility considerations"
//! classify it.

use std::fmt;

/// How a change affects clients, from harmless to breaking; `Ord` puts the stricter last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Clients oblivious of the change keep working.
    Compatible,
    /// Compatible by the rules, but a client may notice: a new value it may receive, something
    /// deprecated or made conditional, something no longer sent.
    Caution,
    /// Breaks clients that used what changed.
    Incompatible,
}

impl Class {
    /// Every class, harmless first.
    pub const ALL: [Class; 3] = [Class::Compatible, Class::Caution, Class::Incompatible];

    /// `compatible`, `caution` or `incompatible`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Compatible => "compatible",
            Class::Caution => "caution",
            Class::Incompatible => "incompatible",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which way values of a type travel: clients send command arguments and receive command
/// returns and event data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Directions {
    /// In a command's arguments (recursively).
    pub send: bool,
    /// In a command's returns or an event's data (recursively).
    pub receive: bool,
}

impl Directions {
    /// Client to server only.
    pub const SEND: Directions = Directions {
        send: true,
        receive: false,
    };
    /// Server to client only.
    pub const RECEIVE: Directions = Directions {
        send: false,
        receive: true,
    };
    /// Not on the wire at all.
    pub const NONE: Directions = Directions {
        send: false,
        receive: false,
    };

    /// Both directions of `self` and `other`.
    pub fn union(self, other: Directions) -> Directions {
        Directions {
            send: self.send || other.send,
            receive: self.receive || other.receive,
        }
    }

    /// `send`, `receive`, `send and receive`, or `unused`.
    pub fn name(self) -> &'static str {
        match (self.send, self.receive) {
            (true, true) => "send and receive",
            (true, false) => "send",
            (false, true) => "receive",
            (false, false) => "unused",
        }
    }
}

/// Which kind of definition a change belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    Command,
    Event,
    Type,
}

impl EntityKind {
    /// `command`, `event` or `type`.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Command => "command",
            EntityKind::Event => "event",
            EntityKind::Type => "type",
        }
    }
}

/// Where in a command or event a type is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Position {
    /// A command's `data`.
    Arguments,
    /// A command's `returns`.
    Returns,
    /// An event's `data`.
    Data,
}

impl Position {
    /// `arguments`, `returns` or `data`: also the first segment of a change's path.
    pub fn name(self) -> &'static str {
        match self {
            Position::Arguments => "arguments",
            Position::Returns => "returns",
            Position::Data => "data",
        }
    }

    /// The direction values at this position travel.
    pub fn directions(self) -> Directions {
        match self {
            Position::Arguments => Directions::SEND,
            Position::Returns | Position::Data => Directions::RECEIVE,
        }
    }
}

/// A command or event that uses a type, and where.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Use {
    /// [`EntityKind::Command`] or [`EntityKind::Event`].
    pub kind: EntityKind,
    /// The command's or event's name.
    pub name: String,
    /// Where in it the type is reached.
    pub position: Position,
}

impl fmt::Display for Use {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Position::Data => write!(f, "event {}", self.name),
            position => write!(
                f,
                "{} {} ({})",
                self.kind.name(),
                self.name,
                position.name()
            ),
        }
    }
}

/// How an old type relates to the new type that took its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The same type.
    Same,
    /// Differently named types of one kind (two objects, enums or alternates), compared
    /// member by member.
    Structural,
    /// The new type accepts every value of the old one (`int32` to `int64`, `T` to an
    /// alternate with a `T` branch, an enum to `str`, anything to `any`).
    Widened,
    /// The old type accepted every value of the new one.
    Narrowed,
    /// Neither holds every value of the other.
    Unrelated,
}

/// What changed; the element's name is here, where it is in the change's `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// The entity (command, event or type) is new.
    Added,
    /// The entity is gone.
    Removed,
    /// A member (argument, return or event data member) is new.
    MemberAdded {
        name: String,
        optional: bool,
        ty: String,
    },
    /// A member is gone.
    MemberRemoved { name: String, optional: bool },
    /// A mandatory member became optional.
    MadeOptional { name: String },
    /// An optional member became mandatory.
    MadeRequired { name: String },
    /// The type at `path` (a member, a branch, `returns`) changed.
    Retyped {
        old: String,
        new: String,
        relation: Relation,
    },
    /// A definition became another kind of type (`struct` to `alternate`).
    KindChanged {
        old: &'static str,
        new: &'static str,
        relation: Relation,
    },
    /// An enumeration value is new.
    ValueAdded { name: String },
    /// An enumeration value is gone.
    ValueRemoved { name: String },
    /// A union or alternate branch is new.
    BranchAdded { name: String },
    /// A union or alternate branch is gone.
    BranchRemoved { name: String },
    /// A union's discriminator member is another one.
    DiscriminatorChanged { old: String, new: String },
    /// A feature is new.
    FeatureAdded { name: String },
    /// A feature is gone.
    FeatureRemoved { name: String },
    /// The `if` condition is new: the element exists only in some builds.
    CondAdded { cond: String },
    /// The `if` condition is gone.
    CondRemoved { cond: String },
    /// The `if` condition is another one.
    CondChanged { old: String, new: String },
    /// A command flag (`success-response`, `allow-oob`, …) changed.
    FlagChanged {
        flag: &'static str,
        old: bool,
        new: bool,
    },
    /// A command that returned nothing (`{}`) returns a value.
    ReturnsAdded { ty: String },
    /// A command that returned a value returns nothing (`{}`).
    ReturnsRemoved { ty: String },
}

impl fmt::Display for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            What::Added => f.write_str("added"),
            What::Removed => f.write_str("removed"),
            What::MemberAdded { name, optional, ty } => {
                let presence = if *optional { "optional" } else { "mandatory" };
                write!(f, "member '{name}' added ({presence}, {ty})")
            }
            What::MemberRemoved { name, optional } => {
                let presence = if *optional { "optional" } else { "mandatory" };
                write!(f, "member '{name}' removed (was {presence})")
            }
            What::MadeOptional { name } => write!(f, "member '{name}' made optional"),
            What::MadeRequired { name } => write!(f, "member '{name}' made mandatory"),
            What::Retyped { old, new, .. } => write!(f, "type changed from {old} to {new}"),
            What::KindChanged { old, new, .. } => write!(f, "changed from {old} to {new}"),
            What::ValueAdded { name } => write!(f, "value '{name}' added"),
            What::ValueRemoved { name } => write!(f, "value '{name}' removed"),
            What::BranchAdded { name } => write!(f, "branch '{name}' added"),
            What::BranchRemoved { name } => write!(f, "branch '{name}' removed"),
            What::DiscriminatorChanged { old, new } => {
                write!(f, "discriminator changed from '{old}' to '{new}'")
            }
            What::FeatureAdded { name } => write!(f, "feature '{name}' added"),
            What::FeatureRemoved { name } => write!(f, "feature '{name}' removed"),
            What::CondAdded { cond } => write!(f, "condition 'if: {cond}' added"),
            What::CondRemoved { cond } => write!(f, "condition 'if: {cond}' removed"),
            What::CondChanged { old, new } => {
                write!(f, "condition changed from 'if: {old}' to 'if: {new}'")
            }
            What::FlagChanged { flag, old, new } => {
                write!(f, "'{flag}' changed from {old} to {new}")
            }
            What::ReturnsAdded { ty } => write!(f, "now returns {ty} (returned nothing)"),
            What::ReturnsRemoved { ty } => write!(f, "no longer returns {ty}"),
        }
    }
}

impl What {
    /// A short kebab-case tag for tools: `member-added`, `value-removed`, ….
    pub fn tag(&self) -> &'static str {
        match self {
            What::Added => "added",
            What::Removed => "removed",
            What::MemberAdded { .. } => "member-added",
            What::MemberRemoved { .. } => "member-removed",
            What::MadeOptional { .. } => "made-optional",
            What::MadeRequired { .. } => "made-mandatory",
            What::Retyped { .. } => "retyped",
            What::KindChanged { .. } => "kind-changed",
            What::ValueAdded { .. } => "value-added",
            What::ValueRemoved { .. } => "value-removed",
            What::BranchAdded { .. } => "branch-added",
            What::BranchRemoved { .. } => "branch-removed",
            What::DiscriminatorChanged { .. } => "discriminator-changed",
            What::FeatureAdded { .. } => "feature-added",
            What::FeatureRemoved { .. } => "feature-removed",
            What::CondAdded { .. } => "if-added",
            What::CondRemoved { .. } => "if-removed",
            What::CondChanged { .. } => "if-changed",
            What::FlagChanged { .. } => "flag-changed",
            What::ReturnsAdded { .. } => "returns-added",
            What::ReturnsRemoved { .. } => "returns-removed",
        }
    }
}

/// One difference between the schemas, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The kind of the definition the change is in.
    pub kind: EntityKind,
    /// The definition's name; implicit argument types are reported under their command or
    /// event.
    pub entity: String,
    /// Where in the definition: `["arguments", "opts"]` is member `opts` of a command's
    /// arguments; `branch:NAME` segments enter a union's or alternate's branch. Empty for
    /// the definition itself.
    pub path: Vec<String>,
    /// What changed.
    pub what: What,
    /// The verdict: the strictest over `directions`.
    pub class: Class,
    /// The directions the verdict considered.
    pub directions: Directions,
    /// Why, in the words of the rule that decided.
    pub reason: &'static str,
    /// For a change in a named type: the commands and events that use it, in the old and
    /// the new schema, in definition order.
    pub used_by: Vec<Use>,
}

impl Change {
    /// The path as written in reports: `arguments.opts`, or empty.
    pub fn location(&self) -> String {
        self.path.join(".")
    }
}

/// The verdict on `what` for values travelling in `directions`, in a definition of `kind`.
/// Where a rule depends on the direction, each direction is judged and the stricter wins,
/// so a type used both ways gets both rules.
pub(crate) fn classify(
    kind: EntityKind,
    what: &What,
    directions: Directions,
) -> (Class, &'static str) {
    if let Some(verdict) = classify_undirected(kind, what) {
        return verdict;
    }
    let mut verdicts = Vec::new();
    if directions.send {
        verdicts.push(classify_directed(what, Direction::Send));
    }
    if directions.receive {
        verdicts.push(classify_directed(what, Direction::Receive));
    }
    verdicts
        .into_iter()
        // The first of the strictest: `max_by_key` would take the last.
        .fold(
            None,
            |best: Option<(Class, &'static str)>, verdict| match best {
                Some(best) if best.0 >= verdict.0 => Some(best),
                _ => Some(verdict),
            },
        )
        .unwrap_or((
            Class::Compatible,
            "not used by any command or event, so not on the wire",
        ))
}

#[derive(Clone, Copy)]
enum Direction {
    Send,
    Receive,
}

/// Rules that do not depend on which way values travel: definitions, features, conditions
/// and command flags.
fn classify_undirected(kind: EntityKind, what: &What) -> Option<(Class, &'static str)> {
    let verdict = match (kind, what) {
        (EntityKind::Command, What::Added) => (Class::Compatible, "adding commands is compatible"),
        (EntityKind::Event, What::Added) => (
            Class::Compatible,
            "adding events is compatible: clients ignore events they don't know",
        ),
        (EntityKind::Type, What::Added) => (
            Class::Compatible,
            "type names are not visible on the wire",
        ),
        (EntityKind::Command, What::Removed) => (
            Class::Incompatible,
            "removing commands is incompatible: a client calling it gets CommandNotFound",
        ),
        (EntityKind::Event, What::Removed) => (
            Class::Caution,
            "a client waiting for the event never sees it; only introspection tells",
        ),
        (EntityKind::Type, What::Removed) => (
            Class::Compatible,
            "type names are not visible on the wire; where it was used is reported there",
        ),
        (_, What::FeatureAdded { name }) => match name.as_str() {
            "deprecated" => (
                Class::Caution,
                "deprecated: to be removed in a later release; rejected under -compat deprecated-input=reject",
            ),
            "unstable" => (
                Class::Caution,
                "unstable: may change or go away without notice; rejected under -compat unstable-input=reject",
            ),
            _ => (
                Class::Compatible,
                "a feature only advertises something clients may probe for",
            ),
        },
        (_, What::FeatureRemoved { name }) => match name.as_str() {
            "deprecated" | "unstable" => (
                Class::Compatible,
                "no longer deprecated or unstable",
            ),
            _ => (
                Class::Caution,
                "clients probing the feature through introspection no longer find it",
            ),
        },
        (_, What::CondAdded { .. }) => (
            Class::Caution,
            "it exists only in builds where the condition holds",
        ),
        (_, What::CondRemoved { .. }) => (
            Class::Compatible,
            "it exists in every build now",
        ),
        (_, What::CondChanged { .. }) => (
            Class::Caution,
            "the builds where it exists may differ",
        ),
        (_, What::FlagChanged { flag, new, .. }) => match (*flag, *new) {
            ("success-response", _) => (
                Class::Incompatible,
                "whether a reply is sent on success is visible to every client",
            ),
            ("allow-oob" | "allow-preconfig", true) => (
                Class::Compatible,
                "allowing more is opt-in",
            ),
            ("allow-oob" | "allow-preconfig", false) => (
                Class::Incompatible,
                "a client relying on it is now refused",
            ),
            _ => (
                Class::Compatible,
                "an implementation detail, not visible on the wire",
            ),
        },
        (_, What::ReturnsAdded { .. }) => (
            Class::Compatible,
            "adding return data is compatible: clients ignore what they don't know",
        ),
        (_, What::ReturnsRemoved { .. }) => (
            Class::Incompatible,
            "removing return data is incompatible",
        ),
        (
            _,
            What::KindChanged {
                relation: Relation::Structural,
                ..
            },
        ) => (
            Class::Compatible,
            "struct and union look alike on the wire; the members the branches add or remove are judged one by one",
        ),
        (_, What::DiscriminatorChanged { .. }) => (
            Class::Incompatible,
            "the member that selects the branch is another one",
        ),
        _ => return None,
    };
    Some(verdict)
}

/// Rules for members, values, branches and types: what a client sends may grow opt-in
/// choices but must keep accepting what it accepted; what it receives may grow members but
/// must keep sending what it promised.
fn classify_directed(what: &What, direction: Direction) -> (Class, &'static str) {
    use Direction::{Receive, Send};
    match (what, direction) {
        (What::MemberAdded { optional: true, .. }, Send) => {
            (Class::Compatible, "adding optional arguments is compatible")
        }
        (
            What::MemberAdded {
                optional: false, ..
            },
            Send,
        ) => (
            Class::Incompatible,
            "adding mandatory arguments is incompatible: clients that omit it are rejected",
        ),
        (What::MemberAdded { .. }, Receive) => (
            Class::Compatible,
            "adding return and event data members is compatible: clients ignore unknown ones",
        ),
        (What::MemberRemoved { .. }, Send) => (
            Class::Incompatible,
            "removing arguments is incompatible: clients that send it are rejected",
        ),
        (What::MemberRemoved { optional: true, .. }, Receive) => (
            Class::Caution,
            "an optional member no longer sent makes no difference except to introspection",
        ),
        (
            What::MemberRemoved {
                optional: false, ..
            },
            Receive,
        ) => (
            Class::Incompatible,
            "removing return and event data members is incompatible",
        ),
        (What::MadeOptional { .. }, Send) => (
            Class::Compatible,
            "making mandatory arguments optional is compatible",
        ),
        (What::MadeOptional { .. }, Receive) => (
            Class::Incompatible,
            "clients may rely on a member that was always sent",
        ),
        (What::MadeRequired { .. }, Send) => (
            Class::Incompatible,
            "making optional arguments mandatory is incompatible",
        ),
        (What::MadeRequired { .. }, Receive) => {
            (Class::Compatible, "the member is now always sent")
        }
        (What::Retyped { relation, .. } | What::KindChanged { relation, .. }, Send) => {
            match relation {
                Relation::Same | Relation::Structural => {
                    (Class::Compatible, "type names are not visible on the wire")
                }
                Relation::Widened => (
                    Class::Compatible,
                    "the new type accepts every value the old one did",
                ),
                Relation::Narrowed | Relation::Unrelated => (
                    Class::Incompatible,
                    "values clients send may no longer be accepted",
                ),
            }
        }
        (What::Retyped { relation, .. } | What::KindChanged { relation, .. }, Receive) => {
            match relation {
                Relation::Same | Relation::Structural => {
                    (Class::Compatible, "type names are not visible on the wire")
                }
                Relation::Narrowed => (
                    Class::Compatible,
                    "every value sent is one the old type allowed",
                ),
                Relation::Widened | Relation::Unrelated => (
                    Class::Incompatible,
                    "clients may receive values the old type did not allow",
                ),
            }
        }
        (What::ValueAdded { .. }, Send) => (
            Class::Compatible,
            "adding enumeration values is compatible: clients opt in",
        ),
        (What::ValueAdded { .. }, Receive) => (
            Class::Caution,
            "clients may receive a value they don't know",
        ),
        (What::ValueRemoved { .. }, Send) => (
            Class::Incompatible,
            "removing enumeration values is incompatible: clients that send it are rejected",
        ),
        (What::ValueRemoved { .. }, Receive) => (
            Class::Caution,
            "a value no longer sent makes no difference except to introspection",
        ),
        (What::BranchAdded { .. }, Send) => (
            Class::Compatible,
            "adding union and alternate branches is compatible: clients opt in",
        ),
        (What::BranchAdded { .. }, Receive) => (
            Class::Caution,
            "clients may receive a variant they don't know",
        ),
        (What::BranchRemoved { .. }, Send) => (
            Class::Incompatible,
            "removing union and alternate branches is incompatible",
        ),
        (What::BranchRemoved { .. }, Receive) => (
            Class::Caution,
            "a variant no longer sent makes no difference except to introspection",
        ),
        // Every other change is decided by `classify_undirected`.
        _ => (Class::Compatible, "no rule concerns this change"),
    }
}
