//! QMP's `query-qmp-schema`: the answer generated bindings expect, and how it differs from a
//! live QEMU's.
//!
//! `qapi-gen-codegen`'s `Builder::introspect` generates `INTROSPECTION`, the SchemaInfo objects
//! QEMU's `introspect.py` makes from the schema, with the schema's `if` conditions still in
//! place: an element of a list (an entity, member, enum value, variant, alternative or
//! feature) under a condition is `{"if": COND, "then": ELEMENT}`. A QEMU binary evaluated
//! those conditions when it was compiled, for its own configuration (`TARGET_I386`,
//! `CONFIG_SPICE`, …). [`Symbols`] says which symbols hold for the QEMU at hand; a symbol
//! left unset is unknown, and what depends on it is *undetermined*.
//!
//! - [`Introspection::answer`] evaluates the conditions: the answer that QEMU build gives.
//! - [`Introspection::compare`] compares with a live answer entity by entity. Commands and
//!   events are matched by name. Types have meaningless names (QEMU numbers them), so they
//!   are matched by structure: walking from each matched command and event, the types both
//!   sides name at the same place (an argument type, a member's type, …) are paired. A type
//!   no walk reaches is matched by name. Each entity of ours gets an [`Outcome`]; live
//!   entities matched to none of ours are listed apart.
//!
//! Nothing here panics on a live answer, however malformed: what is not a SchemaInfo list is
//! an [`IntrospectError`].

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

/// Why an introspection could not be read or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    /// A text of the generated introspection is not JSON.
    #[error("introspection entity {index} is not JSON: {source}")]
    Json {
        index: usize,
        #[source]
        source: serde_json::Error,
    },
    /// An entity (of ours or of the live answer) is not an object with a string `name`, or
    /// the live answer is not an array.
    #[error("{0}")]
    Malformed(String),
    /// A condition is not a symbol, `all`, `any` or `not`.
    #[error("malformed condition {0}")]
    Condition(String),
    /// [`Introspection::answer`] met a condition it cannot decide with the symbols given.
    #[error("the condition {cond} depends on symbols that are not set")]
    Undetermined { cond: String },
}

/// Which condition symbols hold for one QEMU build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Symbols {
    values: BTreeMap<String, bool>,
    others: Option<bool>,
}

impl Symbols {
    /// No symbol set: every condition is undetermined.
    pub fn new() -> Symbols {
        Symbols::default()
    }

    /// Sets whether `symbol` holds.
    pub fn set(&mut self, symbol: impl Into<String>, holds: bool) -> &mut Symbols {
        self.values.insert(symbol.into(), holds);
        self
    }

    /// What every symbol not [`Symbols::set`] means: `None` (the default) is unknown.
    pub fn others(&mut self, holds: Option<bool>) -> &mut Symbols {
        self.others = holds;
        self
    }

    /// Whether `symbol` holds, `None` when unknown.
    pub fn get(&self, symbol: &str) -> Option<bool> {
        self.values.get(symbol).copied().or(self.others)
    }

    /// Evaluates a condition in the schema's syntax, `None` when it depends on unknown
    /// symbols (`all` is false as soon as one operand is, `any` true as soon as one is).
    pub fn eval(&self, cond: &Value) -> Result<Option<bool>, IntrospectError> {
        let malformed = || IntrospectError::Condition(cond.to_string());
        match cond {
            Value::String(symbol) => Ok(self.get(symbol)),
            Value::Object(map) if map.len() == 1 => {
                let (operator, operand) = map.iter().next().ok_or_else(malformed)?;
                match (operator.as_str(), operand) {
                    ("not", operand) => Ok(self.eval(operand)?.map(|holds| !holds)),
                    ("all", Value::Array(operands)) if !operands.is_empty() => {
                        self.combine(operands, false)
                    }
                    ("any", Value::Array(operands)) if !operands.is_empty() => {
                        self.combine(operands, true)
                    }
                    _ => Err(malformed()),
                }
            }
            _ => Err(malformed()),
        }
    }

    /// `all` (`decisive` false) or `any` (`decisive` true): one decisive operand decides.
    fn combine(&self, operands: &[Value], decisive: bool) -> Result<Option<bool>, IntrospectError> {
        let mut unknown = false;
        for operand in operands {
            match self.eval(operand)? {
                Some(holds) if holds == decisive => return Ok(Some(decisive)),
                Some(_) => {}
                None => unknown = true,
            }
        }
        Ok(if unknown { None } else { Some(!decisive) })
    }
}

/// The generated introspection: SchemaInfo objects with their conditions.
#[derive(Clone, Debug, PartialEq)]
pub struct Introspection {
    entities: Vec<Value>,
}

/// What became of one entity of ours in a [`Comparison`].
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Kept by the symbols, present in the live answer and equal to it.
    Equal,
    /// Kept and equal, once each undetermined element inside it is taken as the live answer
    /// has it: each condition (as text) and whether the live answer has the element.
    EqualUndetermined { conditions: Vec<(String, bool)> },
    /// Kept and present, but not equal: both sides, ours with its type names translated to
    /// the live answer's (a type paired with none is `?NAME`).
    Differs { ours: Value, live: Value },
    /// Kept, but the live answer has no such entity.
    Missing,
    /// Left out by the symbols, and absent from the live answer.
    LeftOut { cond: String },
    /// Left out by the symbols, yet present in the live answer.
    Unexpected { cond: String },
    /// The entity's own condition is undetermined; whether the live answer has it.
    Undetermined { cond: String, live: bool },
}

/// One entity of ours and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Compared {
    /// Our name for it.
    pub name: String,
    /// The name of the live entity it was matched with, if any.
    pub live_name: Option<String>,
    pub outcome: Outcome,
}

/// The result of [`Introspection::compare`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    /// Every entity of ours, in our order.
    pub entities: Vec<Compared>,
    /// Names of live entities matched with none of ours.
    pub unmatched_live: Vec<String>,
}

impl Introspection {
    /// Reads the generated `INTROSPECTION` texts.
    pub fn parse(texts: &[&str]) -> Result<Introspection, IntrospectError> {
        let entities = texts
            .iter()
            .enumerate()
            .map(|(index, text)| {
                serde_json::from_str(text).map_err(|source| IntrospectError::Json { index, source })
            })
            .collect::<Result<Vec<Value>, _>>()?;
        Ok(Introspection { entities })
    }

    /// The SchemaInfo objects, conditions in place.
    pub fn entities(&self) -> &[Value] {
        &self.entities
    }

    /// The answer a QEMU built with `symbols` gives to `query-qmp-schema`; an error if a
    /// condition cannot be decided.
    pub fn answer(&self, symbols: &Symbols) -> Result<Vec<Value>, IntrospectError> {
        let resolved = resolve_list(&self.entities, symbols)?;
        let mut answer = Vec::with_capacity(resolved.len());
        for element in resolved {
            if let Some((cond, _)) = as_annotated(&element) {
                return Err(IntrospectError::Undetermined {
                    cond: cond.to_string(),
                });
            }
            if let Some(cond) = first_annotation(&element) {
                return Err(IntrospectError::Undetermined { cond });
            }
            answer.push(element);
        }
        Ok(answer)
    }

    /// Compares with a live `query-qmp-schema` answer (the `return` value: an array).
    pub fn compare(&self, symbols: &Symbols, live: &Value) -> Result<Comparison, IntrospectError> {
        let live = index_live(live)?;
        // Our entities with their own condition evaluated and their insides resolved.
        let mut ours = Vec::with_capacity(self.entities.len());
        for entity in &self.entities {
            let (cond, body) = match as_annotated(entity) {
                Some((cond, body)) => (Some(cond), body),
                None => (None, entity),
            };
            let holds = match cond {
                Some(cond) => symbols.eval(cond)?,
                None => Some(true),
            };
            let name = entity_name(body)?.to_owned();
            let body = resolve(body, symbols)?;
            ours.push((name, cond.map(Value::to_string), holds, body));
        }
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, (name, ..)) in ours.iter().enumerate() {
            if by_name.insert(name.as_str(), index).is_some() {
                return Err(IntrospectError::Malformed(format!(
                    "the introspection has two entities named {name:?}"
                )));
            }
        }

        // Pair names, walking from the commands and events both sides have.
        let mut pairs = Pairs::default();
        let mut queue = VecDeque::new();
        for (name, _, holds, body) in &ours {
            let meta = body.get("meta-type").and_then(Value::as_str);
            if matches!(meta, Some("command" | "event"))
                && *holds != Some(false)
                && live.contains_key(name.as_str())
                && pairs.insert(name, name)
            {
                queue.push_back((name.clone(), name.clone()));
            }
        }
        while let Some((ours_name, live_name)) = queue.pop_front() {
            let (Some(&index), Some(live_entity)) = (
                by_name.get(ours_name.as_str()),
                live.get(live_name.as_str()),
            ) else {
                continue;
            };
            pair_values(&ours[index].3, live_entity, &mut pairs, &mut queue);
        }
        // A type no walk reached keeps its name, if the live answer's is free.
        for (name, ..) in &ours {
            if !pairs.forward.contains_key(name) && live.contains_key(name.as_str()) {
                pairs.insert(name, name);
            }
        }

        let mut comparison = Comparison::default();
        for (name, cond, holds, body) in &ours {
            let live_name = pairs.forward.get(name).cloned();
            let live_entity = live_name
                .as_deref()
                .and_then(|live_name| live.get(live_name));
            let cond_text = || cond.clone().unwrap_or_default();
            let outcome = match (holds, live_entity) {
                (None, found) => Outcome::Undetermined {
                    cond: cond_text(),
                    live: found.is_some(),
                },
                (Some(false), None) => Outcome::LeftOut { cond: cond_text() },
                (Some(false), Some(_)) => Outcome::Unexpected { cond: cond_text() },
                (Some(true), None) => Outcome::Missing,
                (Some(true), Some(live_entity)) => {
                    let translated = translate(body, &pairs, true);
                    let mut conditions = Vec::new();
                    if matches(&translated, live_entity, &mut conditions) {
                        if conditions.is_empty() {
                            Outcome::Equal
                        } else {
                            Outcome::EqualUndetermined { conditions }
                        }
                    } else {
                        Outcome::Differs {
                            ours: translated,
                            live: (*live_entity).clone(),
                        }
                    }
                }
            };
            comparison.entities.push(Compared {
                name: name.clone(),
                live_name: live_name.filter(|_| live_entity.is_some()),
                outcome,
            });
        }
        comparison.unmatched_live = live
            .keys()
            .filter(|name| !pairs.backward.contains_key(**name))
            .map(|name| (*name).to_owned())
            .collect();
        Ok(comparison)
    }
}

impl Comparison {
    /// How many entities had each kind of outcome, by the kind's name (`Equal`, …).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for compared in &self.entities {
            *counts.entry(compared.outcome.kind()).or_insert(0) += 1;
        }
        counts
    }

    /// Entities whose type names differ between the two sides (all zero when the numbering
    /// is QEMU's).
    pub fn renamed(&self) -> usize {
        self.entities
            .iter()
            .filter(|compared| {
                compared
                    .live_name
                    .as_ref()
                    .is_some_and(|live| *live != compared.name)
            })
            .count()
    }
}

impl Outcome {
    /// The variant's name.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Equal => "Equal",
            Outcome::EqualUndetermined { .. } => "EqualUndetermined",
            Outcome::Differs { .. } => "Differs",
            Outcome::Missing => "Missing",
            Outcome::LeftOut { .. } => "LeftOut",
            Outcome::Unexpected { .. } => "Unexpected",
            Outcome::Undetermined { .. } => "Undetermined",
        }
    }

    /// Whether the outcome contradicts the symbols: a kept entity that is missing or differs,
    /// or a left-out one that is there.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Outcome::Differs { .. } | Outcome::Missing | Outcome::Unexpected { .. }
        )
    }
}

impl fmt::Display for Compared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.name;
        match &self.outcome {
            Outcome::Equal => write!(f, "{name}: equal"),
            Outcome::EqualUndetermined { conditions } => {
                write!(f, "{name}: equal, with undetermined elements")?;
                for (cond, present) in conditions {
                    let verb = if *present { "present" } else { "absent" };
                    write!(f, "; if {cond}: {verb}")?;
                }
                Ok(())
            }
            Outcome::Differs { ours, live } => {
                write!(f, "{name}: differs\n  ours: {ours}\n  live: {live}")
            }
            Outcome::Missing => write!(f, "{name}: missing from the live answer"),
            Outcome::LeftOut { cond } => write!(f, "{name}: left out (if {cond})"),
            Outcome::Unexpected { cond } => {
                write!(f, "{name}: present although its condition {cond} is false")
            }
            Outcome::Undetermined { cond, live } => {
                let verb = if *live { "present" } else { "absent" };
                write!(f, "{name}: undetermined (if {cond}); live: {verb}")
            }
        }
    }
}

/// The keys whose values name types.
const TYPE_KEYS: [&str; 4] = ["type", "arg-type", "ret-type", "element-type"];

/// A bijection between our names and the live answer's.
#[derive(Default)]
struct Pairs {
    forward: BTreeMap<String, String>,
    backward: BTreeMap<String, String>,
}

impl Pairs {
    /// Pairs two names unless either is paired already; whether they were new.
    fn insert(&mut self, ours: &str, live: &str) -> bool {
        if self.forward.contains_key(ours) || self.backward.contains_key(live) {
            return false;
        }
        self.forward.insert(ours.to_owned(), live.to_owned());
        self.backward.insert(live.to_owned(), ours.to_owned());
        true
    }
}

/// `{"if": COND, "then": ELEMENT}`: the condition and the element.
fn as_annotated(value: &Value) -> Option<(&Value, &Value)> {
    let map = value.as_object()?;
    if map.len() != 2 {
        return None;
    }
    Some((map.get("if")?, map.get("then")?))
}

/// The condition of the first annotation left anywhere inside `value`.
fn first_annotation(value: &Value) -> Option<String> {
    match value {
        Value::Array(elements) => elements
            .iter()
            .find_map(|element| match as_annotated(element) {
                Some((cond, _)) => Some(cond.to_string()),
                None => first_annotation(element),
            }),
        Value::Object(map) => map.values().find_map(first_annotation),
        _ => None,
    }
}

fn entity_name(entity: &Value) -> Result<&str, IntrospectError> {
    entity
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| IntrospectError::Malformed(format!("entity without a name: {entity}")))
}

/// The live answer by name.
fn index_live(live: &Value) -> Result<BTreeMap<&str, &Value>, IntrospectError> {
    let entities = live
        .as_array()
        .ok_or_else(|| IntrospectError::Malformed("the live answer is not an array".to_owned()))?;
    let mut by_name = BTreeMap::new();
    for entity in entities {
        if by_name.insert(entity_name(entity)?, entity).is_some() {
            return Err(IntrospectError::Malformed(format!(
                "the live answer has two entities named {:?}",
                entity_name(entity)?
            )));
        }
    }
    Ok(by_name)
}

/// Evaluates the annotations inside `value`: an element whose condition holds is unwrapped,
/// one whose condition fails is dropped, an undetermined one stays annotated.
fn resolve(value: &Value, symbols: &Symbols) -> Result<Value, IntrospectError> {
    Ok(match value {
        Value::Array(elements) => Value::Array(resolve_list(elements, symbols)?),
        Value::Object(map) => {
            let mut resolved = Map::new();
            for (key, value) in map {
                resolved.insert(key.clone(), resolve(value, symbols)?);
            }
            Value::Object(resolved)
        }
        other => other.clone(),
    })
}

fn resolve_list(elements: &[Value], symbols: &Symbols) -> Result<Vec<Value>, IntrospectError> {
    let mut resolved = Vec::with_capacity(elements.len());
    for element in elements {
        match as_annotated(element) {
            None => resolved.push(resolve(element, symbols)?),
            Some((cond, inner)) => match symbols.eval(cond)? {
                Some(true) => resolved.push(resolve(inner, symbols)?),
                Some(false) => {}
                None => {
                    let mut annotated = Map::new();
                    annotated.insert("if".to_owned(), cond.clone());
                    annotated.insert("then".to_owned(), resolve(inner, symbols)?);
                    resolved.push(Value::Object(annotated));
                }
            },
        }
    }
    Ok(resolved)
}

/// Pairs the type names `ours` and `live` use at the same places, queueing new pairs.
fn pair_values(
    ours: &Value,
    live: &Value,
    pairs: &mut Pairs,
    queue: &mut VecDeque<(String, String)>,
) {
    match (ours, live) {
        (Value::Object(ours), Value::Object(live)) => {
            for (key, ours_value) in ours {
                let Some(live_value) = live.get(key) else {
                    continue;
                };
                match (ours_value, live_value) {
                    (Value::String(ours_ref), Value::String(live_ref))
                        if TYPE_KEYS.contains(&key.as_str()) =>
                    {
                        pair_refs(ours_ref, live_ref, pairs, queue);
                    }
                    _ => pair_values(ours_value, live_value, pairs, queue),
                }
            }
        }
        (Value::Array(ours), Value::Array(live)) => {
            let undetermined = ours.iter().any(|element| as_annotated(element).is_some());
            for (index, ours_element) in ours.iter().enumerate() {
                let ours_element = as_annotated(ours_element).map_or(ours_element, |(_, e)| e);
                let live_element = match element_key(ours_element) {
                    Some(key) => live
                        .iter()
                        .find(|live_element| element_key(live_element) == Some(key)),
                    // Without names, positions only mean something when nothing is missing.
                    None if !undetermined && ours.len() == live.len() => live.get(index),
                    None => None,
                };
                if let Some(live_element) = live_element {
                    pair_values(ours_element, live_element, pairs, queue);
                }
            }
        }
        _ => {}
    }
}

/// What tells elements of a list apart: a member's or value's `name`, a variant's `case`.
fn element_key(element: &Value) -> Option<(&str, &str)> {
    ["name", "case"].iter().find_map(|key| {
        let value = element.get(key)?.as_str()?;
        Some((*key, value))
    })
}

/// Pairs two type references; `[A]` and `[B]` also pair `A` with `B`.
fn pair_refs(ours: &str, live: &str, pairs: &mut Pairs, queue: &mut VecDeque<(String, String)>) {
    if let (Some(ours_element), Some(live_element)) = (array_element(ours), array_element(live)) {
        pair_refs(ours_element, live_element, pairs, queue);
    }
    if pairs.insert(ours, live) {
        queue.push_back((ours.to_owned(), live.to_owned()));
    }
}

fn array_element(name: &str) -> Option<&str> {
    name.strip_prefix('[')?.strip_suffix(']')
}

/// Our entity with every type name (its own too, when `top`) replaced by its live partner;
/// a name without one becomes `?NAME`, which matches nothing live.
fn translate(value: &Value, pairs: &Pairs, top: bool) -> Value {
    let rename = |name: &str| match pairs.forward.get(name) {
        Some(live) => live.clone(),
        None => format!("?{name}"),
    };
    match value {
        Value::Object(map) => {
            let mut translated = Map::new();
            for (key, value) in map {
                let renamed = match value {
                    Value::String(name)
                        if TYPE_KEYS.contains(&key.as_str()) || (top && key == "name") =>
                    {
                        Value::String(rename(name))
                    }
                    _ => translate(value, pairs, false),
                };
                translated.insert(key.clone(), renamed);
            }
            Value::Object(translated)
        }
        Value::Array(elements) => Value::Array(
            elements
                .iter()
                .map(|element| translate(element, pairs, false))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether `ours` (annotations left only where undetermined) equals `live`, taking each
/// undetermined element as present when the next live element equals it; each such
/// condition is recorded with the choice made. Object keys compare as sets.
fn matches(ours: &Value, live: &Value, conditions: &mut Vec<(String, bool)>) -> bool {
    match (ours, live) {
        (Value::Object(ours), Value::Object(live)) => {
            let ours_keys: BTreeSet<&String> = ours.keys().collect();
            let live_keys: BTreeSet<&String> = live.keys().collect();
            ours_keys == live_keys
                && ours.iter().all(|(key, ours_value)| {
                    live.get(key)
                        .is_some_and(|live_value| matches(ours_value, live_value, conditions))
                })
        }
        (Value::Array(ours), Value::Array(live)) => {
            let mut next = 0;
            for element in ours {
                match as_annotated(element) {
                    Some((cond, inner)) => {
                        let mut inner_conditions = Vec::new();
                        let present = live
                            .get(next)
                            .is_some_and(|live| matches(inner, live, &mut inner_conditions));
                        if present {
                            next += 1;
                            conditions.append(&mut inner_conditions);
                        }
                        conditions.push((cond.to_string(), present));
                    }
                    None => match live.get(next) {
                        Some(live) if matches(element, live, conditions) => next += 1,
                        _ => return false,
                    },
                }
            }
            next == live.len()
        }
        _ => ours == live,
    }
}

#[cfg(test)]
mod tests {
    use super::{Introspection, Outcome, Symbols};
    use serde_json::{json, Value};

    /// A command under `CONFIG_A`, whose argument object has a member under `CONFIG_B`, an
    /// enum with a value under `{not: CONFIG_C}`, and an event under `CONFIG_D`.
    const OURS: &[&str] = &[
        r#"{"if":"CONFIG_A","then":{"name":"cmd","meta-type":"command","arg-type":"0","ret-type":"1"}}"#,
        r#"{"name":"EV","meta-type":"event","arg-type":"1"}"#,
        r#"{"if":"CONFIG_D","then":{"name":"EV2","meta-type":"event","arg-type":"1"}}"#,
        r#"{"if":"CONFIG_A","then":{"name":"0","meta-type":"object","members":[{"name":"a","type":"2"},{"if":"CONFIG_B","then":{"name":"b","type":"[int]","default":null}}]}}"#,
        r#"{"name":"1","meta-type":"object","members":[]}"#,
        r#"{"name":"2","meta-type":"enum","members":[{"name":"x"},{"if":{"not":"CONFIG_C"},"then":{"name":"y"}}],"values":["x",{"if":{"not":"CONFIG_C"},"then":"y"}]}"#,
        r#"{"name":"[int]","meta-type":"array","element-type":"int"}"#,
        r#"{"name":"int","meta-type":"builtin","json-type":"int"}"#,
    ];

    fn ours() -> Introspection {
        Introspection::parse(OURS).unwrap()
    }

    fn symbols(pairs: &[(&str, bool)]) -> Symbols {
        let mut symbols = Symbols::new();
        for (symbol, holds) in pairs {
            symbols.set(*symbol, *holds);
        }
        symbols
    }

    /// The outcomes of a comparison, one line each.
    fn report(symbols: &Symbols, live: &Value) -> String {
        let comparison = ours().compare(symbols, live).unwrap();
        let mut lines: Vec<String> = comparison
            .entities
            .iter()
            .map(|compared| compared.to_string())
            .collect();
        lines.push(format!("unmatched live: {:?}", comparison.unmatched_live));
        lines.join("\n")
    }

    #[test]
    fn conditions_are_three_valued() {
        let symbols = symbols(&[("A", true), ("B", false)]);
        let eval = |cond: Value| symbols.eval(&cond).unwrap();
        assert_eq!(eval(json!("A")), Some(true));
        assert_eq!(eval(json!("C")), None);
        assert_eq!(eval(json!({"all": ["A", "C"]})), None);
        assert_eq!(eval(json!({"all": ["B", "C"]})), Some(false));
        assert_eq!(eval(json!({"any": ["A", "C"]})), Some(true));
        assert_eq!(eval(json!({"not": {"any": ["B", "C"]}})), None);
        assert_eq!(eval(json!({"not": "B"})), Some(true));
        assert_eq!(
            symbols.eval(&json!({"all": []})).unwrap_err().to_string(),
            r#"malformed condition {"all":[]}"#
        );
        let mut all = Symbols::new();
        all.others(Some(false)).set("A", true);
        assert_eq!(all.eval(&json!({"any": ["A", "Z"]})).unwrap(), Some(true));
        assert_eq!(all.eval(&json!("Z")).unwrap(), Some(false));
    }

    #[test]
    fn the_answer_is_the_one_a_build_with_those_symbols_gives() {
        let answer = ours()
            .answer(&symbols(&[
                ("CONFIG_A", true),
                ("CONFIG_B", false),
                ("CONFIG_C", false),
                ("CONFIG_D", false),
            ]))
            .unwrap();
        let text: Vec<String> = answer.iter().map(Value::to_string).collect();
        assert_eq!(
            text.join("\n"),
            r#"{"name":"cmd","meta-type":"command","arg-type":"0","ret-type":"1"}
{"name":"EV","meta-type":"event","arg-type":"1"}
{"name":"0","meta-type":"object","members":[{"name":"a","type":"2"}]}
{"name":"1","meta-type":"object","members":[]}
{"name":"2","meta-type":"enum","members":[{"name":"x"},{"name":"y"}],"values":["x","y"]}
{"name":"[int]","meta-type":"array","element-type":"int"}
{"name":"int","meta-type":"builtin","json-type":"int"}"#
        );
        let error = ours()
            .answer(&symbols(&[("CONFIG_A", true), ("CONFIG_D", false)]))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"the condition "CONFIG_B" depends on symbols that are not set"#
        );
    }

    /// The live side numbers its types differently and lists keys in another order; the
    /// types are paired through the command that uses them. `CONFIG_B` and `CONFIG_C` are
    /// unknown: the member is found absent and the enum value present.
    #[test]
    fn types_are_matched_by_structure() {
        let live = json!([
            {"name": "cmd", "meta-type": "command", "arg-type": "7", "ret-type": "8"},
            {"name": "EV", "meta-type": "event", "arg-type": "8"},
            {"members": [{"name": "a", "type": "9"}], "name": "7", "meta-type": "object"},
            {"name": "8", "meta-type": "object", "members": []},
            {"name": "9", "meta-type": "enum", "members": [{"name": "x"}, {"name": "y"}],
             "values": ["x", "y"]},
            {"name": "str", "meta-type": "builtin", "json-type": "string"},
        ]);
        let symbols = symbols(&[("CONFIG_A", true), ("CONFIG_D", false)]);
        assert_eq!(
            report(&symbols, &live),
            r#"cmd: equal
EV: equal
EV2: left out (if "CONFIG_D")
0: equal, with undetermined elements; if "CONFIG_B": absent
1: equal
2: equal, with undetermined elements; if {"not":"CONFIG_C"}: present; if {"not":"CONFIG_C"}: present
[int]: missing from the live answer
int: missing from the live answer
unmatched live: ["str"]"#
        );
        let comparison = ours().compare(&symbols, &live).unwrap();
        assert_eq!(comparison.renamed(), 3);
        assert_eq!(comparison.counts().get("EqualUndetermined"), Some(&2));
    }

    /// A member that differs, an entity present although left out, and one undetermined.
    #[test]
    fn differences_are_listed() {
        let live = json!([
            {"name": "EV", "meta-type": "event", "arg-type": "1"},
            {"name": "EV2", "meta-type": "event", "arg-type": "1"},
            {"name": "1", "meta-type": "object", "members": [{"name": "z", "type": "int"}]},
        ]);
        let symbols = symbols(&[("CONFIG_D", false)]);
        assert_eq!(
            report(&symbols, &live),
            r#"cmd: undetermined (if "CONFIG_A"); live: absent
EV: equal
EV2: present although its condition "CONFIG_D" is false
0: undetermined (if "CONFIG_A"); live: absent
1: differs
  ours: {"name":"1","meta-type":"object","members":[]}
  live: {"name":"1","meta-type":"object","members":[{"name":"z","type":"int"}]}
2: missing from the live answer
[int]: missing from the live answer
int: missing from the live answer
unmatched live: []"#
        );
    }

    #[test]
    fn malformed_live_answers_are_errors() {
        let symbols = Symbols::new();
        let error = |live: Value| ours().compare(&symbols, &live).unwrap_err().to_string();
        assert_eq!(error(json!({})), "the live answer is not an array");
        assert_eq!(error(json!([1])), "entity without a name: 1");
        assert_eq!(
            error(json!([{"name": "a"}, {"name": "a"}])),
            r#"the live answer has two entities named "a""#
        );
        let twice = Introspection::parse(&[OURS[1], OURS[1]]).unwrap();
        assert_eq!(
            twice.compare(&symbols, &json!([])).unwrap_err().to_string(),
            r#"the introspection has two entities named "EV""#
        );
        assert!(matches!(
            ours().compare(&symbols, &json!([])).unwrap().entities[1].outcome,
            Outcome::Missing
        ));
    }
}
