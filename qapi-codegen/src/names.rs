//! QAPI names to Rust identifiers: the one place where names are converted.
//!
//! The rule, applied the same way everywhere:
//! - types, enum values, alternate branches: `UpperCamelCase` (heck), so `guest-file-read`
//!   becomes `GuestFileRead` and `GuestDeviceIdPCI` becomes `GuestDeviceIdPci`;
//! - members and methods: `snake_case` (heck), so `buf-b64` becomes `buf_b64`;
//! - a name that starts with a digit after conversion (enum value `1`) gets a leading `_`;
//! - a Rust keyword becomes a raw identifier (`r#type`), except the ones that cannot be raw
//!   (`self`, `super`, `crate`, `Self`), which get a trailing `_`; so does a type name that
//!   would shadow a prelude name the generated code uses (`String`, `Option`, …), so the
//!   QMP struct `String` is `String_`;
//! - identifiers the generator makes from a definition's name: `{Command}Args`, `{Event}Event`,
//!   `{Union}Branch`; the catch-all variant of every enum is `Other`, or `Other_` if the enum
//!   has a value `other`.
//!
//! Two names that still convert to one identifier in one namespace (two types, two members of
//! one object, two values of one enum, two branches of one alternate) cannot be told apart in
//! Rust: [`Names::new`] reports that as a diagnostic at the second definition, never emits
//! code that does not compile.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span as TokenSpan};
use qapi_gen_parser::diag::{Diagnostic, Note};
use qapi_gen_parser::model::{CommandId, Entity, EventId, Implicit, Member, Schema, Type, TypeId};
use qapi_gen_parser::span::Span;
use std::collections::BTreeMap;

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the generated code uses unqualified: a schema type of that name would shadow
/// them, so it gets a trailing `_`.
const RESERVED_TYPES: &[&str] = &["Box", "Option", "Result", "String", "Vec"];

/// Methods the generated clients have besides one per command: a command whose method name
/// is one of them is a clash.
const GENERATED_CLIENT_METHODS: &[(&str, &str)] = &[
    ("new", "the generated client"),
    ("runtime", "the generated client"),
    ("runtime_mut", "the generated client"),
    ("into_runtime", "the generated client"),
];

/// Types the generator defines once per file, whatever the schema: a schema name that becomes
/// one of them is a clash.
const GENERATED_TYPES: &[(&str, &str)] = &[
    ("Client", "the generated client"),
    ("AsyncClient", "the generated async client"),
    ("Event", "the generated enum of events"),
];

/// The name of the catch-all variant every enum has for values this code does not know.
const CATCH_ALL: &str = "Other";

/// `snake_case` identifier for a member, argument or method.
pub fn snake(name: &str) -> Ident {
    match plain_snake(name) {
        Some(converted) => make_ident(&converted, false),
        None => make_ident(&name.to_snake_case(), false),
    }
}

/// heck's `snake_case` of a name made of lower-case ASCII words (letters and digits) joined by
/// single `-` or `_`, as most member names are: the separators become `_`. The emitters
/// convert member names many times; this skips heck's word splitting for them.
fn plain_snake(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let separator = |byte: &u8| matches!(byte, b'-' | b'_');
    let plain = bytes
        .iter()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || separator(byte))
        && !bytes.first().is_none_or(separator)
        && !bytes.last().is_none_or(separator)
        && !bytes
            .windows(2)
            .any(|pair| separator(&pair[0]) && separator(&pair[1]));
    plain.then(|| name.replace('-', "_"))
}

/// `UpperCamelCase` identifier for an enum value or alternate branch (variants are scoped to
/// their enum, so prelude names need no escaping).
pub fn variant(name: &str) -> Ident {
    make_ident(&name.to_upper_camel_case(), false)
}

/// `UpperCamelCase` identifier for a type of the generated module.
pub fn type_ident(name: &str) -> Ident {
    make_ident(&name.to_upper_camel_case(), true)
}

/// The name of a private helper item for the type `ty`: `__{Type}{suffix}`, with the trailing
/// `_` of an escaped name dropped so the helper stays UpperCamel (`String_` → `__StringField`).
pub fn helper(ty: &Ident, suffix: &str) -> Ident {
    let base = ty.to_string();
    let base = base.trim_start_matches("r#").trim_end_matches('_');
    Ident::new(&format!("__{base}{suffix}"), TokenSpan::call_site())
}

fn make_ident(converted: &str, is_type: bool) -> Ident {
    let mut text = if converted.starts_with(|ch: char| ch.is_ascii_digit()) || converted.is_empty()
    {
        format!("_{converted}")
    } else {
        converted.to_owned()
    };
    if NON_RAW_KEYWORDS.contains(&text.as_str())
        || (is_type && RESERVED_TYPES.contains(&text.as_str()))
    {
        text.push('_');
    }
    if RAW_KEYWORDS.contains(&text.as_str()) {
        Ident::new_raw(&text, TokenSpan::call_site())
    } else {
        Ident::new(&text, TokenSpan::call_site())
    }
}

/// The identifiers of every definition of one schema, computed once and checked for clashes.
#[derive(Debug)]
pub struct Names {
    types: BTreeMap<TypeId, Ident>,
    catch_alls: BTreeMap<TypeId, Ident>,
    command_args: BTreeMap<CommandId, Ident>,
    command_methods: BTreeMap<CommandId, Ident>,
    event_data: BTreeMap<EventId, Ident>,
    event_variants: BTreeMap<EventId, Ident>,
}

impl Names {
    /// Names every type, command and event that will be emitted; `Err` with one diagnostic
    /// per clash.
    pub fn new(schema: &Schema) -> Result<Names, Vec<Diagnostic>> {
        let mut names = Names {
            types: BTreeMap::new(),
            catch_alls: BTreeMap::new(),
            command_args: BTreeMap::new(),
            command_methods: BTreeMap::new(),
            event_data: BTreeMap::new(),
            event_variants: BTreeMap::new(),
        };
        let mut clashes = Clashes::default();
        let mut module_scope = Scope::new("type");
        for (ident, what) in GENERATED_TYPES {
            module_scope.reserve(ident, what);
        }
        let mut method_scope = Scope::new("command method");
        for (ident, what) in GENERATED_CLIENT_METHODS {
            method_scope.reserve(ident, what);
        }
        let mut event_scope = Scope::new("event variant");
        event_scope.reserve(CATCH_ALL, "the catch-all variant of the events");
        for entity in schema.entities() {
            match *entity {
                Entity::Type(id) => {
                    names.name_type(schema, id, &mut module_scope, &mut clashes);
                }
                Entity::Command(id) => {
                    let command = schema.command(id);
                    let ident = ident_with_suffix(&command.name, "Args");
                    module_scope.add(&ident, &command.name, Some(command.span), &mut clashes);
                    names.command_args.insert(id, ident);
                    let method = snake(&command.name);
                    method_scope.add(&method, &command.name, Some(command.span), &mut clashes);
                    names.command_methods.insert(id, method);
                }
                Entity::Event(id) => {
                    let event = schema.event(id);
                    let ident = ident_with_suffix(&event.name, "Event");
                    module_scope.add(&ident, &event.name, Some(event.span), &mut clashes);
                    names.event_data.insert(id, ident);
                    let event_variant = variant(&event.name);
                    event_scope.add(&event_variant, &event.name, Some(event.span), &mut clashes);
                    names.event_variants.insert(id, event_variant);
                }
                Entity::Include(_) => {}
            }
        }
        // Types of the built-in module that the schema refers to (`QType`) are not entities
        // of the schema's own modules but are emitted all the same.
        for (id, ty) in schema.types() {
            if !names.types.contains_key(&id) && matches!(ty, Type::Enum(_) | Type::Alternate(_)) {
                names.name_type(schema, id, &mut module_scope, &mut clashes);
            }
            if let Type::Object(object) = ty {
                if object.implicit.is_none() && !names.types.contains_key(&id) {
                    names.name_type(schema, id, &mut module_scope, &mut clashes);
                }
            }
        }
        for (_, ty) in schema.types() {
            check_inner_clashes(schema, ty, &mut clashes);
        }
        if clashes.0.is_empty() {
            Ok(names)
        } else {
            Err(clashes.0)
        }
    }

    fn name_type(&mut self, schema: &Schema, id: TypeId, scope: &mut Scope, clashes: &mut Clashes) {
        let ty = schema.ty(id);
        match ty {
            Type::Builtin(_) | Type::Array(_) => {}
            Type::Object(object) if object.implicit.is_some() => {}
            Type::Enum(enumeration) => {
                let ident = type_ident(&enumeration.name);
                scope.add(&ident, &enumeration.name, enumeration.span, clashes);
                self.types.insert(id, ident);
                let mut catch_all = CATCH_ALL.to_owned();
                while enumeration
                    .values
                    .iter()
                    .any(|value| variant(&value.name) == catch_all.as_str())
                {
                    catch_all.push('_');
                }
                self.catch_alls
                    .insert(id, Ident::new(&catch_all, TokenSpan::call_site()));
            }
            Type::Object(object) => {
                let ident = type_ident(&object.name);
                scope.add(&ident, &object.name, object.span, clashes);
                if object.is_union() {
                    let branch = ident_with_suffix(&object.name, "Branch");
                    scope.add(&branch, &object.name, object.span, clashes);
                }
                self.types.insert(id, ident);
            }
            Type::Alternate(alternate) => {
                let ident = type_ident(&alternate.name);
                scope.add(&ident, &alternate.name, alternate.span, clashes);
                self.types.insert(id, ident);
            }
        }
    }

    /// The identifier of a named type (enum, struct, union, alternate); `None` for built-ins,
    /// arrays and implicit objects, which have no type of their own.
    pub fn ty(&self, id: TypeId) -> Option<&Ident> {
        self.types.get(&id)
    }

    /// The catch-all variant of enum `id`.
    pub fn catch_all(&self, id: TypeId) -> Ident {
        self.catch_alls
            .get(&id)
            .cloned()
            .unwrap_or_else(|| Ident::new(CATCH_ALL, TokenSpan::call_site()))
    }

    /// `{Union}Branch`: the enum of a union's branches.
    pub fn union_branch(&self, union_name: &str) -> Ident {
        ident_with_suffix(union_name, "Branch")
    }

    /// `{Command}Args`: a command's arguments (a struct, or an alias of its named type).
    pub fn command_args(&self, id: CommandId) -> &Ident {
        &self.command_args[&id]
    }

    /// `{Event}Event`: an event's data (a struct, or an alias of its named type).
    pub fn event_data(&self, id: EventId) -> &Ident {
        &self.event_data[&id]
    }

    /// The `snake_case` method of a command, in the dispatch trait and the clients
    /// (`guest-file-read` → `guest_file_read`).
    pub fn command_method(&self, id: CommandId) -> &Ident {
        &self.command_methods[&id]
    }

    /// The `UpperCamelCase` variant of an event in an enum of all events
    /// (`SHUTDOWN` → `Shutdown`).
    pub fn event_variant(&self, id: EventId) -> &Ident {
        &self.event_variants[&id]
    }

    /// The names as text, for another thread (see [`NameTexts`]).
    pub(crate) fn texts(&self) -> NameTexts {
        NameTexts {
            types: texts(&self.types),
            catch_alls: texts(&self.catch_alls),
            command_args: texts(&self.command_args),
            command_methods: texts(&self.command_methods),
            event_data: texts(&self.event_data),
            event_variants: texts(&self.event_variants),
        }
    }

    /// The names `texts` holds, made again (on the thread that calls this).
    pub(crate) fn from_texts(texts: &NameTexts) -> Names {
        Names {
            types: idents(&texts.types),
            catch_alls: idents(&texts.catch_alls),
            command_args: idents(&texts.command_args),
            command_methods: idents(&texts.command_methods),
            event_data: idents(&texts.event_data),
            event_variants: idents(&texts.event_variants),
        }
    }
}

/// A schema's [`Names`] as text, which can go to another thread where an [`Ident`] cannot:
/// there, [`Names::from_texts`] makes the same names again without converting the schema's
/// names and looking for clashes once more.
pub(crate) struct NameTexts {
    types: Vec<(TypeId, String)>,
    catch_alls: Vec<(TypeId, String)>,
    command_args: Vec<(CommandId, String)>,
    command_methods: Vec<(CommandId, String)>,
    event_data: Vec<(EventId, String)>,
    event_variants: Vec<(EventId, String)>,
}

fn texts<K: Copy>(idents: &BTreeMap<K, Ident>) -> Vec<(K, String)> {
    idents
        .iter()
        .map(|(key, ident)| (*key, ident.to_string()))
        .collect()
}

/// The identifiers of `texts`, as [`Ident`]'s `Display` wrote them (`r#type` is raw).
fn idents<K: Copy + Ord>(texts: &[(K, String)]) -> BTreeMap<K, Ident> {
    texts
        .iter()
        .map(|(key, text)| {
            let ident = match text.strip_prefix("r#") {
                Some(raw) => Ident::new_raw(raw, TokenSpan::call_site()),
                None => Ident::new(text, TokenSpan::call_site()),
            };
            (*key, ident)
        })
        .collect()
}

/// `{Name}{suffix}` as a type identifier.
fn ident_with_suffix(name: &str, suffix: &str) -> Ident {
    let base = type_ident(name).to_string();
    let base = base.trim_end_matches('_');
    make_ident(&format!("{base}{suffix}"), true)
}

/// Clash diagnostics collected while naming.
#[derive(Default)]
struct Clashes(Vec<Diagnostic>);

/// One namespace: which QAPI name took which identifier first.
struct Scope {
    what: &'static str,
    taken: BTreeMap<String, (String, Option<Span>)>,
    /// Identifiers of generated items, with what they are.
    reserved: BTreeMap<String, &'static str>,
}

impl Scope {
    fn new(what: &'static str) -> Scope {
        Scope {
            what,
            taken: BTreeMap::new(),
            reserved: BTreeMap::new(),
        }
    }

    /// Keeps `ident` for a generated item, described as `what`.
    fn reserve(&mut self, ident: &str, what: &'static str) {
        self.reserved.insert(ident.to_owned(), what);
    }

    /// Takes `ident` for `name`; a second name for one identifier is a clash, reported at the
    /// second definition with a note at the first.
    fn add(&mut self, ident: &Ident, name: &str, span: Option<Span>, clashes: &mut Clashes) {
        let key = ident.to_string();
        if let Some(generated) = self.reserved.get(&key) {
            let message = format!(
                "{} '{name}' becomes the Rust identifier `{key}`, which {generated} uses",
                self.what
            );
            clashes.0.push(match span {
                Some(span) => Diagnostic::error(span, message),
                None => Diagnostic::global_error(message),
            });
        } else if let Some((first, first_span)) = self.taken.get(&key) {
            let message = format!(
                "{} '{name}' and {} '{first}' both become the Rust identifier `{key}`",
                self.what, self.what
            );
            let mut diagnostic = match span.or(*first_span) {
                Some(span) => Diagnostic::error(span, message),
                None => Diagnostic::global_error(message),
            };
            if let (Some(_), Some(first_span)) = (span, first_span) {
                diagnostic = diagnostic.with_note(Note {
                    message: format!("{} '{first}' is here", self.what),
                    span: *first_span,
                    context: None,
                });
            }
            clashes.0.push(diagnostic);
        } else {
            self.taken.insert(key, (name.to_owned(), span));
        }
    }
}

/// Members of one object, values of one enum and branches of one alternate must stay distinct
/// after conversion.
fn check_inner_clashes(schema: &Schema, ty: &Type, clashes: &mut Clashes) {
    match ty {
        Type::Builtin(_) | Type::Array(_) => {}
        Type::Enum(enumeration) => {
            let mut scope = Scope::new("value");
            for value in &enumeration.values {
                let span = value.span.or(enumeration.span);
                scope.add(&variant(&value.name), &value.name, span, clashes);
            }
        }
        Type::Object(object) => {
            if matches!(object.implicit, Some(Implicit::Empty)) {
                return;
            }
            let mut scope = Scope::new("member");
            let members: Vec<&Member> = schema.all_members(object);
            for member in members {
                scope.add(
                    &snake(&member.name),
                    &member.name,
                    Some(member.span),
                    clashes,
                );
            }
        }
        Type::Alternate(alternate) => {
            let mut scope = Scope::new("branch");
            for branch in &alternate.branches {
                let span = branch.span.or(alternate.span);
                scope.add(&variant(&branch.name), &branch.name, span, clashes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_snake_case_and_keywords_raw() {
        assert_eq!(snake("buf-b64").to_string(), "buf_b64");
        assert_eq!(snake("type").to_string(), "r#type");
        assert_eq!(snake("self").to_string(), "self_");
        assert_eq!(snake("x-query-foo").to_string(), "x_query_foo");
        assert_eq!(snake("__com.redhat_x").to_string(), "com_redhat_x");
    }

    #[test]
    fn types_and_values_are_upper_camel() {
        assert_eq!(type_ident("GuestFileRead").to_string(), "GuestFileRead");
        assert_eq!(
            type_ident("GuestDeviceIdPCI").to_string(),
            "GuestDeviceIdPci"
        );
        assert_eq!(type_ident("String").to_string(), "String_");
        assert_eq!(variant("String").to_string(), "String");
        assert_eq!(variant("1").to_string(), "_1");
        assert_eq!(variant("x86_64").to_string(), "X8664");
        assert_eq!(variant("self").to_string(), "Self_");
    }

    #[test]
    fn names_made_again_from_their_texts_are_the_same() {
        let schema = crate::checked_schema(
            "{ 'enum': 'String', 'data': ['a'] }\n{ 'command': 'type' }\n\
             { 'event': 'SHUTDOWN' }\n",
        );
        let names = Names::new(&schema).unwrap();
        let again = Names::from_texts(&names.texts());
        // The enum `String` (its identifier escaped), the command and the event.
        let ty = *names
            .types
            .iter()
            .find(|(_, ident)| *ident == "String_")
            .unwrap()
            .0;
        let command = *names.command_args.keys().next().unwrap();
        let event = *names.event_data.keys().next().unwrap();
        let shown = |names: &Names| {
            [
                names.ty(ty).unwrap().to_string(),
                names.catch_all(ty).to_string(),
                names.command_args(command).to_string(),
                names.command_method(command).to_string(),
                names.event_data(event).to_string(),
                names.event_variant(event).to_string(),
            ]
        };
        assert_eq!(
            shown(&again),
            [
                "String_",
                "Other",
                "TypeArgs",
                "r#type",
                "ShutdownEvent",
                "Shutdown"
            ]
        );
        assert_eq!(shown(&again), shown(&names));
    }

    #[test]
    fn generated_types_are_reserved() {
        let schema = crate::checked_schema(
            "{ 'struct': 'Client', 'data': {} }\n{ 'enum': 'AsyncClient', 'data': ['a'] }\n",
        );
        let messages: Vec<String> = Names::new(&schema)
            .unwrap_err()
            .iter()
            .map(|diagnostic| diagnostic.message.clone())
            .collect();
        assert_eq!(
            messages,
            vec![
                "type 'Client' becomes the Rust identifier `Client`, which the generated client uses",
                "type 'AsyncClient' becomes the Rust identifier `AsyncClient`, which the generated async client uses",
            ]
        );
    }

    #[test]
    fn generated_client_methods_are_reserved() {
        let schema = crate::checked_schema("{ 'command': 'runtime' }\n{ 'command': 'get-info' }\n");
        let messages: Vec<String> = Names::new(&schema)
            .unwrap_err()
            .iter()
            .map(|diagnostic| diagnostic.message.clone())
            .collect();
        assert_eq!(
            messages,
            vec!["command method 'runtime' becomes the Rust identifier `runtime`, which the generated client uses"]
        );
    }

    #[test]
    fn helpers_drop_the_escape() {
        assert_eq!(
            helper(&type_ident("String"), "Field").to_string(),
            "__StringField"
        );
        assert_eq!(
            ident_with_suffix("guest-file-read", "Args").to_string(),
            "GuestFileReadArgs"
        );
        assert_eq!(
            ident_with_suffix("SHUTDOWN", "Event").to_string(),
            "ShutdownEvent"
        );
    }
    #[test]
    fn plain_member_names_convert_as_heck_converts_them() {
        let names = [
            "count",
            "buf-b64",
            "x-check-cache-dropped",
            "aio_max_batch",
            "a1b",
            "x86-64",
            "1",
            "a-2b",
            "v2",
            "iothread-vq-mapping",
            "a0-b1_c2",
        ];
        for name in names {
            assert_eq!(plain_snake(name), Some(name.to_snake_case()), "{name}");
        }
        for name in [
            "", "-a", "a-", "a--b", "a_-b", "Abc", "aB", "a.b", "a+b", "é",
        ] {
            assert_eq!(plain_snake(name), None, "{name}");
        }
    }
}
