//! QEMU's `expr.py`: the shape of each definition, checked expression by expression.
//!
//! QEMU checks the dicts its parser built, normalising sugar in place as it goes
//! (`'name': 'int'` becomes `'name': {'type': 'int'}`, a bare feature or enum value becomes
//! `{'name': ...}`). We read the AST exactly as written and see the sugar through `Sugared`,
//! so nothing is rewritten and the schema phase re-reads the same tree.
//!
//! Each definition stops at its first error, which is QEMU's: the checks run in `expr.py`'s
//! order. QEMU then stops altogether; we go on with the next definition, which keeps the
//! errors in source order with QEMU's first.

mod names;

use crate::ast::{Definition, Object, ParsedSchema, Pragmas, TopLevel, Value};
use crate::diag::{Diagnostic, Diagnostics, Fallible};
use crate::doc::Doc;
use crate::span::{SourceMap, Span, Spanned};
use crate::Options;
use names::{c_name, is_camel_case, is_condition_identifier, name_stem};
use std::fmt;

/// Checks every definition's shape, names and flags, as QEMU's `check_exprs` does.
pub fn check_exprs(
    parsed: &mut ParsedSchema,
    _sources: &SourceMap,
    options: &Options,
    diags: &mut Diagnostics,
) {
    let ParsedSchema {
        items,
        docs,
        pragmas,
        ..
    } = parsed;
    for item in items.iter() {
        let TopLevel::Definition(definition) = item else {
            continue;
        };
        let mut checker = ExprChecker {
            pragmas,
            legacy: options.legacy,
            diags: &mut *diags,
            at: definition.expr.span.head(),
            context: None,
        };
        if let Err(diagnostic) = checker.check_definition(definition, docs) {
            diags.push(*diagnostic);
        }
    }
}

/// The six kinds of definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Meta {
    Enum,
    Struct,
    Union,
    Alternate,
    Command,
    Event,
}

impl Meta {
    fn from_key(key: &str) -> Option<Meta> {
        Some(match key {
            "enum" => Meta::Enum,
            "struct" => Meta::Struct,
            "union" => Meta::Union,
            "alternate" => Meta::Alternate,
            "command" => Meta::Command,
            "event" => Meta::Event,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Meta::Enum => "enum",
            Meta::Struct => "struct",
            Meta::Union => "union",
            Meta::Alternate => "alternate",
            Meta::Command => "command",
            Meta::Event => "event",
        }
    }

    /// `'enum'`, as errors about the name name the meta key.
    fn quoted(self) -> &'static str {
        match self {
            Meta::Enum => "'enum'",
            Meta::Struct => "'struct'",
            Meta::Union => "'union'",
            Meta::Alternate => "'alternate'",
            Meta::Command => "'command'",
            Meta::Event => "'event'",
        }
    }

    /// The keys `check_keys` requires and permits for this kind, the meta key included.
    fn keys(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Meta::Enum => (&["enum", "data"], &["if", "features", "prefix"]),
            Meta::Struct => (&["struct", "data"], &["base", "if", "features"]),
            Meta::Union => (
                &["union", "base", "discriminator", "data"],
                &["if", "features"],
            ),
            Meta::Alternate => (&["alternate", "data"], &["if", "features"]),
            Meta::Command => (
                &["command"],
                &[
                    "data",
                    "returns",
                    "boxed",
                    "if",
                    "features",
                    "gen",
                    "success-response",
                    "allow-oob",
                    "allow-preconfig",
                    "coroutine",
                ],
            ),
            Meta::Event => (&["event"], &["data", "boxed", "if", "features"]),
        }
    }
}

impl fmt::Display for Meta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a pragma can excuse a name that breaks a case rule, and whether it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exception {
    /// No pragma covers this name: the rule is strict, in legacy mode too.
    Never,
    /// A pragma could list the name but does not: an error, a warning in legacy mode.
    Possible,
    /// The pragma lists the name.
    Granted,
}

/// An object as QEMU sees it after normalising sugar: a bare value `V` where an object is
/// expected stands for `{ KEY: V }` (KEY is `type` for members, `name` for enum values and
/// features).
#[derive(Clone, Copy)]
enum Sugared<'a> {
    Bare {
        key: &'static str,
        value: &'a Spanned<Value>,
    },
    Object {
        object: &'a Object,
        span: Span,
    },
}

impl<'a> Sugared<'a> {
    fn of(value: &'a Spanned<Value>, key: &'static str) -> Sugared<'a> {
        match &value.node {
            Value::Object(object) => Sugared::Object {
                object,
                span: value.span,
            },
            _ => Sugared::Bare { key, value },
        }
    }

    fn get(self, wanted: &str) -> Option<&'a Spanned<Value>> {
        match self {
            Sugared::Bare { key, value } => (key == wanted).then_some(value),
            Sugared::Object { object, .. } => object.get(wanted),
        }
    }

    /// A key that `check_keys` has required, so it is there.
    fn field(self, key: &str) -> &'a Spanned<Value> {
        self.get(key)
            .expect("check_keys has verified that the required key is present")
    }
}

/// What QEMU says when a definition has none or several of the six meta keys.
const EXACTLY_ONE_META: &str = "expression must have exactly one key \
    'enum', 'struct', 'union', 'alternate', 'command', 'event'";

/// Checks one definition at a time; its errors point where QEMU's do.
struct ExprChecker<'a> {
    pragmas: &'a Pragmas,
    legacy: bool,
    /// Where legacy-mode warnings go; the definition's error is returned instead.
    diags: &'a mut Diagnostics,
    /// The definition's opening `{`: QEMU locates every error about it there.
    at: Span,
    /// The kind and name of the definition, once known, for `In struct 'Foo':`.
    context: Option<(Meta, &'a str)>,
}

/// `SOURCE 'NAME'`, or `SOURCE member 'NAME'`, as error messages name what a check is about.
/// Formatted only when an error is reported: formatting it for every member, enum value and
/// feature cost a third of the checks here.
#[derive(Clone, Copy)]
struct Named<'n, S> {
    source: S,
    member: bool,
    name: &'n str,
}

impl<S: fmt::Display> fmt::Display for Named<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let member = if self.member { " member" } else { "" };
        write!(f, "{}{member} '{}'", self.source, self.name)
    }
}

impl<'a> ExprChecker<'a> {
    /// An error about the definition, showing `focus` in the snippet.
    fn error(&self, focus: Span, message: impl Into<String>) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(self.at, message)
                .with_context(
                    self.context
                        .map(|(meta, name)| format!("In {meta} '{name}':"))
                        .as_deref(),
                )
                .with_focus(focus),
        )
    }

    /// A rule that QEMU lets a pragma relax: an error, but in legacy mode a warning after
    /// which checking goes on.
    fn relaxable(&mut self, focus: Span, message: impl Into<String>) -> Fallible<()> {
        let diagnostic = self.error(focus, message);
        if self.legacy {
            self.diags.push(diagnostic.into_warning());
            Ok(())
        } else {
            Err(diagnostic)
        }
    }

    /// One definition, in `check_exprs`'s order: kind, name, doc, keys, the kind's own
    /// checks, then the definition's `if`, features and flags.
    fn check_definition(&mut self, definition: &'a Definition, docs: &[Doc]) -> Fallible<()> {
        let expr = &definition.expr.node;
        let expr_span = definition.expr.span;
        let (meta, name_value) = self.check_meta(expr, expr_span)?;
        let name = self.check_name_is_str(name_value, meta.quoted())?;
        self.context = Some((meta, name));
        self.check_definition_name(meta, name, name_value.span)?;
        let doc = definition.doc.and_then(|index| docs.get(index));
        self.check_doc(doc, name, expr)?;

        let sugared = Sugared::Object {
            object: expr,
            span: expr_span,
        };
        let (required, optional) = meta.keys();
        self.check_keys(sugared, meta.as_str(), required, optional)?;
        match meta {
            Meta::Enum => self.check_enum(name, sugared)?,
            Meta::Struct => self.check_struct(name, sugared)?,
            Meta::Union => self.check_union(name, sugared)?,
            Meta::Alternate => self.check_alternate(sugared)?,
            Meta::Command => self.check_command(sugared)?,
            Meta::Event => self.check_event(sugared)?,
        }
        self.check_if(sugared, meta.as_str())?;
        self.check_features(expr.get("features"))?;
        self.check_flags(expr)
    }

    /// Exactly one of the six meta keys says what the definition is.
    fn check_meta<'e>(
        &self,
        expr: &'e Object,
        expr_span: Span,
    ) -> Fallible<(Meta, &'e Spanned<Value>)> {
        let mut metas = expr
            .members
            .iter()
            .filter_map(|member| Meta::from_key(&member.key.node).map(|meta| (meta, member)));
        match (metas.next(), metas.next()) {
            (Some((meta, member)), None) => Ok((meta, &member.value)),
            (_, second) => {
                let focus = second.map_or(expr_span, |(_, member)| member.key.span);
                Err(self.error(focus, EXACTLY_ONE_META))
            }
        }
    }

    /// A definition's name follows its kind's case rule; type names may not end in `List`,
    /// which QEMU keeps for array types.
    fn check_definition_name(&mut self, meta: Meta, name: &str, focus: Span) -> Fallible<()> {
        let source = meta.as_str();
        match meta {
            Meta::Event => self.check_name_upper(name, focus, source),
            Meta::Command => {
                let underscore = if self
                    .pragmas
                    .command_name_exceptions
                    .iter()
                    .any(|n| n == name)
                {
                    Exception::Granted
                } else {
                    Exception::Possible
                };
                self.check_name_lower(name, focus, source, Exception::Never, underscore)
            }
            Meta::Enum | Meta::Struct | Meta::Union | Meta::Alternate => {
                self.check_name_camel(name, focus, source)?;
                if name.ends_with("List") {
                    return Err(self.error(focus, format!("{meta} name should not end in 'List'")));
                }
                Ok(())
            }
        }
    }

    /// The doc block before a definition documents it, and its `Returns:`/`Errors:` sections
    /// suit its kind (errors at the section's line, without context, as QEMU prints them);
    /// with pragma `doc-required` every definition needs one.
    fn check_doc(&mut self, doc: Option<&Doc>, name: &str, expr: &Object) -> Fallible<()> {
        let Some(doc) = doc else {
            if self.pragmas.doc_required {
                return self.relaxable(self.at, "documentation comment required");
            }
            return Ok(());
        };
        // A doc without a symbol is free-form: the parser has reported it already. QEMU 2.5
        // did not match docs to definitions (the seed documents `GuestFsfreezeStatus` as
        // `GuestFsFreezeStatus`), so legacy mode only warns.
        if let Some(symbol) = &doc.symbol {
            if symbol.node != name {
                let message = format!("documentation comment is for '{}'", symbol.node);
                self.relaxable(symbol.span, message)?;
            }
        }
        doc.check_expr(
            expr.contains_key("command"),
            expr.contains_key("returns"),
            self.legacy,
            self.diags,
        )
    }

    /// `check_keys`: the required keys are present and no other than the optional ones.
    /// Both lists print sorted and quoted; the second message lists every valid key.
    fn check_keys(
        &self,
        value: Sugared<'_>,
        source: impl fmt::Display + Copy,
        required: &[&str],
        optional: &[&str],
    ) -> Fallible<()> {
        // A bare value has just its sugar key, which is always the one required.
        let Sugared::Object { object, span } = value else {
            return Ok(());
        };
        let mut missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|key| !object.contains_key(key))
            .collect();
        if !missing.is_empty() {
            missing.sort_unstable();
            return Err(self.error(
                span,
                format!(
                    "{source} misses key{} {}",
                    plural(missing.len()),
                    quoted_list(&missing)
                ),
            ));
        }
        let unknown: Vec<&Spanned<String>> = object
            .members
            .iter()
            .map(|member| &member.key)
            .filter(|key| !required.contains(&key.node.as_str()))
            .filter(|key| !optional.contains(&key.node.as_str()))
            .collect();
        let Some(first_unknown) = unknown.first() else {
            return Ok(());
        };
        let mut unknown_names: Vec<&str> = unknown.iter().map(|key| key.node.as_str()).collect();
        unknown_names.sort_unstable();
        let mut allowed: Vec<&str> = required.iter().chain(optional).copied().collect();
        allowed.sort_unstable();
        allowed.dedup();
        Err(self.error(
            first_unknown.span,
            format!(
                "{source} has unknown key{} {}\nValid keys are {}.",
                plural(unknown_names.len()),
                quoted_list(&unknown_names),
                quoted_list(&allowed)
            ),
        ))
    }

    /// `check_name_is_str`: definition names, enum values, features and the discriminator
    /// are strings.
    fn check_name_is_str<'v>(
        &self,
        value: &'v Spanned<Value>,
        source: impl fmt::Display + Copy,
    ) -> Fallible<&'v str> {
        value
            .node
            .as_str()
            .ok_or_else(|| self.error(value.span, format!("{source} requires a string name")))
    }

    /// `check_name_str`: `(__RFQDN_)?(x-)?STEM` whose C name does not start with `q_`, which
    /// QEMU keeps for its own names (`q_empty`, `q_obj_*`). Returns the stem.
    fn check_name_str<'n>(
        &self,
        name: &'n str,
        focus: Span,
        source: impl fmt::Display + Copy,
    ) -> Fallible<&'n str> {
        match name_stem(name) {
            Some(stem) if !c_name(name).starts_with("q_") => Ok(stem),
            _ => Err(self.error(focus, format!("{source} has an invalid name"))),
        }
    }

    /// Event names: no lower case and no `-` in the stem.
    fn check_name_upper(
        &self,
        name: &str,
        focus: Span,
        source: impl fmt::Display + Copy,
    ) -> Fallible<()> {
        let stem = self.check_name_str(name, focus, source)?;
        if stem.chars().any(|ch| ch.is_ascii_lowercase() || ch == '-') {
            return Err(self.error(
                focus,
                format!("name of {source} must not use lowercase or '-'"),
            ));
        }
        Ok(())
    }

    /// Command, member, enum value, branch and feature names: no upper case and no `_` in
    /// the stem, unless a pragma excuses the name.
    fn check_name_lower(
        &mut self,
        name: &str,
        focus: Span,
        source: impl fmt::Display + Copy,
        upper: Exception,
        underscore: Exception,
    ) -> Fallible<()> {
        let stem = self.check_name_str(name, focus, source)?;
        let upper_breaks =
            upper != Exception::Granted && stem.chars().any(|ch| ch.is_ascii_uppercase());
        let underscore_breaks = underscore != Exception::Granted && stem.contains('_');
        if !upper_breaks && !underscore_breaks {
            return Ok(());
        }
        let message = format!("name of {source} must not use uppercase or '_'");
        let strict = (upper_breaks && upper == Exception::Never)
            || (underscore_breaks && underscore == Exception::Never);
        if strict {
            Err(self.error(focus, message))
        } else {
            self.relaxable(focus, message)
        }
    }

    /// Type names: a CamelCase stem.
    fn check_name_camel(
        &self,
        name: &str,
        focus: Span,
        source: impl fmt::Display + Copy,
    ) -> Fallible<()> {
        let stem = self.check_name_str(name, focus, source)?;
        if !is_camel_case(stem) {
            return Err(self.error(focus, format!("name of {source} must use CamelCase")));
        }
        Ok(())
    }

    /// Whether pragma `member-name-exceptions` excuses the member names of `parent`. Command
    /// and event arguments (no parent type) are never excused.
    fn member_name_exception(&self, parent: Option<&str>) -> Exception {
        match parent {
            None => Exception::Never,
            Some(parent)
                if self
                    .pragmas
                    .member_name_exceptions
                    .iter()
                    .any(|n| n == parent) =>
            {
                Exception::Granted
            }
            Some(_) => Exception::Possible,
        }
    }

    /// `check_flags`: `gen` and `success-response` may only be `false`; `boxed`,
    /// `allow-oob`, `allow-preconfig` and `coroutine` only `true`; `allow-oob` excludes
    /// `coroutine`.
    fn check_flags(&self, expr: &Object) -> Fallible<()> {
        for key in ["gen", "success-response"] {
            if let Some(flag) = expr.get(key) {
                if flag.node != Value::Bool(false) {
                    return Err(
                        self.error(flag.span, format!("flag '{key}' may only use false value"))
                    );
                }
            }
        }
        for key in ["boxed", "allow-oob", "allow-preconfig", "coroutine"] {
            if let Some(flag) = expr.get(key) {
                if flag.node != Value::Bool(true) {
                    return Err(
                        self.error(flag.span, format!("flag '{key}' may only use true value"))
                    );
                }
            }
        }
        if let (Some(_), Some(coroutine)) = (expr.get("allow-oob"), expr.get("coroutine")) {
            return Err(self.error(
                coroutine.span,
                "flags 'allow-oob' and 'coroutine' are incompatible",
            ));
        }
        Ok(())
    }

    /// `check_if`: the holder's `if`, when present, is a condition.
    fn check_if(&self, holder: Sugared<'_>, source: impl fmt::Display + Copy) -> Fallible<()> {
        match holder.get("if") {
            Some(condition) => self.check_condition(condition, source),
            None => Ok(()),
        }
    }

    /// A condition is a macro name, or an object with exactly one of `all`/`any` (a
    /// non-empty array of conditions) and `not` (a condition).
    fn check_condition(
        &self,
        condition: &Spanned<Value>,
        source: impl fmt::Display + Copy,
    ) -> Fallible<()> {
        match &condition.node {
            Value::Str(text) => {
                if is_condition_identifier(text) {
                    Ok(())
                } else {
                    Err(self.error(
                        condition.span,
                        format!("'if' condition '{text}' of {source} is not a valid identifier"),
                    ))
                }
            }
            Value::Object(object) => {
                let holder = Sugared::Object {
                    object,
                    span: condition.span,
                };
                let keys_source = format!("'if' condition of {source}");
                self.check_keys(holder, &keys_source, &[], &["all", "any", "not"])?;
                let [operator] = object.members.as_slice() else {
                    return Err(self.error(
                        condition.span,
                        format!("'if' condition of {source} has conflicting keys"),
                    ));
                };
                match operator.key.node.as_str() {
                    "not" => self.check_condition(&operator.value, source),
                    infix => self.check_infix_condition(infix, &operator.value, source),
                }
            }
            Value::Array(_) | Value::Bool(_) => Err(self.error(
                condition.span,
                format!("'if' condition of {source} must be a string or an object"),
            )),
        }
    }

    /// The operands of `all` and `any`: a non-empty array of conditions.
    fn check_infix_condition(
        &self,
        operator: &str,
        operands: &Spanned<Value>,
        source: impl fmt::Display + Copy,
    ) -> Fallible<()> {
        let Value::Array(items) = &operands.node else {
            return Err(self.error(
                operands.span,
                format!("'{operator}' condition of {source} must be an array"),
            ));
        };
        if items.is_empty() {
            return Err(self.error(
                operands.span,
                format!("'if' condition [] of {source} is useless"),
            ));
        }
        items
            .iter()
            .try_for_each(|operand| self.check_condition(operand, source))
    }

    /// `check_features`: an array of feature names or `{ 'name': NAME, 'if': COND }`; names
    /// follow the lower-case rule with no exception.
    fn check_features(&mut self, features: Option<&Spanned<Value>>) -> Fallible<()> {
        let Some(features) = features else {
            return Ok(());
        };
        let Value::Array(items) = &features.node else {
            return Err(self.error(features.span, "'features' must be an array"));
        };
        for item in items {
            let feature = Sugared::of(item, "name");
            let source = "'features' member";
            self.check_keys(feature, source, &["name"], &["if"])?;
            let name_value = feature.field("name");
            let name = self.check_name_is_str(name_value, source)?;
            let source = Named {
                source,
                member: false,
                name,
            };
            self.check_name_lower(
                name,
                name_value.span,
                source,
                Exception::Never,
                Exception::Never,
            )?;
            self.check_if(feature, source)?;
        }
        Ok(())
    }

    /// `check_type_name`: a type name, where neither an array nor an implicit type will do
    /// (struct `base`, boxed `data`, union branches).
    fn check_type_name(
        &self,
        value: Option<&Spanned<Value>>,
        source: impl fmt::Display + Copy,
    ) -> Fallible<()> {
        match value {
            Some(value) if value.node.as_str().is_none() => {
                Err(self.error(value.span, format!("{source} should be a type name")))
            }
            _ => Ok(()),
        }
    }

    /// `check_type_name_or_array`: a type name or `[ TYPE-NAME ]` (member types, alternate
    /// branches, `returns`).
    fn check_type_name_or_array(
        &self,
        value: Option<&Spanned<Value>>,
        source: impl fmt::Display + Copy,
    ) -> Fallible<()> {
        let Some(value) = value else {
            return Ok(());
        };
        match &value.node {
            Value::Str(_) => Ok(()),
            Value::Array(items) => match items.as_slice() {
                [element] if element.node.as_str().is_some() => Ok(()),
                _ => Err(self.error(
                    value.span,
                    format!("{source}: array type must contain single type name"),
                )),
            },
            Value::Object(_) | Value::Bool(_) => Err(self.error(
                value.span,
                format!("{source} should be a type name or array"),
            )),
        }
    }

    /// `check_type_name_or_implicit`: a type name, or members of an implicit struct type
    /// (union `base`, unboxed command and event `data`).
    fn check_type_name_or_implicit(
        &mut self,
        value: Option<&Spanned<Value>>,
        source: impl fmt::Display + Copy,
        parent: Option<&str>,
    ) -> Fallible<()> {
        match value {
            Some(value) if value.node.as_str().is_none() => {
                self.check_type_implicit(Some(value), source, parent)
            }
            _ => Ok(()),
        }
    }

    /// `check_type_implicit`: the members of a struct type, `'[*]NAME': TYPE-REF` or
    /// `'[*]NAME': { 'type': TYPE-REF, 'if': COND, 'features': FEATURES }`. Member names follow
    /// the lower-case rule (the parent type may be excused by pragma) and may not be `u` or
    /// start with `has_`, which the generated C uses.
    fn check_type_implicit(
        &mut self,
        value: Option<&Spanned<Value>>,
        source: impl fmt::Display + Copy,
        parent: Option<&str>,
    ) -> Fallible<()> {
        let Some(value) = value else {
            return Ok(());
        };
        let Value::Object(members) = &value.node else {
            return Err(self.error(
                value.span,
                format!("{source} should be an object or type name"),
            ));
        };
        let exception = self.member_name_exception(parent);
        for member in &members.members {
            let key = &member.key.node;
            let member_source = Named {
                source,
                member: true,
                name: key,
            };
            let name = key.strip_prefix('*').unwrap_or(key);
            self.check_name_lower(name, member.key.span, member_source, exception, exception)?;
            let c_name = c_name(name);
            if c_name == "u" || c_name.starts_with("has_") {
                return Err(self.error(
                    member.key.span,
                    format!("{member_source} uses reserved name"),
                ));
            }
            let definition = Sugared::of(&member.value, "type");
            self.check_keys(definition, member_source, &["type"], &["if", "features"])?;
            self.check_if(definition, member_source)?;
            self.check_features(definition.get("features"))?;
            self.check_type_name_or_array(Some(definition.field("type")), member_source)?;
        }
        Ok(())
    }

    /// `check_enum`: `data` is an array of values, each a name or
    /// `{ 'name': NAME, 'if': COND, 'features': FEATURES }`; `prefix` is a string. Values
    /// follow the lower-case rule but may start with a digit.
    fn check_enum(&mut self, name: &str, expr: Sugared<'_>) -> Fallible<()> {
        let data = expr.field("data");
        let Value::Array(values) = &data.node else {
            return Err(self.error(data.span, "'data' must be an array"));
        };
        if let Some(prefix) = expr.get("prefix") {
            if prefix.node.as_str().is_none() {
                return Err(self.error(prefix.span, "'prefix' must be a string"));
            }
        }
        let exception = self.member_name_exception(Some(name));
        for item in values {
            let value = Sugared::of(item, "name");
            let source = "'data' member";
            self.check_keys(value, source, &["name"], &["if", "features"])?;
            let name_value = value.field("name");
            let value_name = self.check_name_is_str(name_value, source)?;
            let source = Named {
                source,
                member: false,
                name: value_name,
            };
            // QEMU hides a leading digit behind a letter so that the name rules accept it.
            let checked_name = if value_name.starts_with(|ch: char| ch.is_ascii_digit()) {
                format!("d{value_name}")
            } else {
                value_name.to_owned()
            };
            self.check_name_lower(&checked_name, name_value.span, source, exception, exception)?;
            self.check_if(value, source)?;
            self.check_features(value.get("features"))?;
        }
        Ok(())
    }

    /// `check_struct`: `data` holds the members (a type name will not do); `base` is a type
    /// name.
    fn check_struct(&mut self, name: &str, expr: Sugared<'_>) -> Fallible<()> {
        self.check_type_implicit(Some(expr.field("data")), "'data'", Some(name))?;
        self.check_type_name(expr.get("base"), "'base'")
    }

    /// `check_union`: `base` is a type name or inline members, `discriminator` a string, and
    /// `data` an object of branches `NAME: TYPE-NAME` or `{ 'type': TYPE-NAME, 'if': COND }`.
    /// Branch names are not checked here: they must be values of the discriminator's enum.
    fn check_union(&mut self, name: &str, expr: Sugared<'_>) -> Fallible<()> {
        self.check_type_name_or_implicit(Some(expr.field("base")), "'base'", Some(name))?;
        self.check_name_is_str(expr.field("discriminator"), "'discriminator'")?;
        let data = expr.field("data");
        let Value::Object(branches) = &data.node else {
            return Err(self.error(data.span, "'data' must be an object"));
        };
        for branch in &branches.members {
            let source = Named {
                source: "'data'",
                member: true,
                name: &branch.key.node,
            };
            let definition = Sugared::of(&branch.value, "type");
            self.check_keys(definition, source, &["type"], &["if"])?;
            self.check_if(definition, source)?;
            self.check_type_name(Some(definition.field("type")), source)?;
        }
        Ok(())
    }

    /// `check_alternate`: `data` is a non-empty object of branches `NAME: TYPE-REF` or
    /// `{ 'type': TYPE-REF, 'if': COND }`; branch names follow the lower-case rule.
    fn check_alternate(&mut self, expr: Sugared<'_>) -> Fallible<()> {
        let data = expr.field("data");
        if !data.node.is_truthy() {
            return Err(self.error(data.span, "'data' must not be empty"));
        }
        let Value::Object(branches) = &data.node else {
            return Err(self.error(data.span, "'data' must be an object"));
        };
        for branch in &branches.members {
            let source = Named {
                source: "'data'",
                member: true,
                name: &branch.key.node,
            };
            self.check_name_lower(
                &branch.key.node,
                branch.key.span,
                source,
                Exception::Never,
                Exception::Never,
            )?;
            let definition = Sugared::of(&branch.value, "type");
            self.check_keys(definition, source, &["type"], &["if"])?;
            self.check_if(definition, source)?;
            self.check_type_name_or_array(Some(definition.field("type")), source)?;
        }
        Ok(())
    }

    /// `check_command`: the arguments, then `returns`, a type name or array.
    fn check_command(&mut self, expr: Sugared<'_>) -> Fallible<()> {
        self.check_arguments(expr)?;
        self.check_type_name_or_array(expr.get("returns"), "'returns'")
    }

    /// `check_event`: the arguments.
    fn check_event(&mut self, expr: Sugared<'_>) -> Fallible<()> {
        self.check_arguments(expr)
    }

    /// Command and event `data`: with `boxed` (any true value, as Python tests it; the flag
    /// check comes later) a type name that must be there, otherwise a type name or members.
    fn check_arguments(&mut self, expr: Sugared<'_>) -> Fallible<()> {
        let data = expr.get("data");
        match expr.get("boxed") {
            Some(boxed) if boxed.node.is_truthy() => {
                let Some(data) = data else {
                    return Err(self.error(boxed.span, "'boxed': true requires 'data'"));
                };
                self.check_type_name(Some(data), "'data'")
            }
            _ => self.check_type_name_or_implicit(data, "'data'", None),
        }
    }
}

/// `s` after a count other than one, as QEMU's messages pluralise.
fn plural(count: usize) -> &'static str {
    if count > 1 {
        "s"
    } else {
        ""
    }
}

/// `'a', 'b', 'c'`: QEMU's way of listing keys.
fn quoted_list(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("'{key}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
