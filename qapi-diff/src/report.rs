//! The report in three forms: a changelog grouped by definition ([`text`]), one JSON object
//! per line for tools ([`json()`]), and release notes grouped by class ([`markdown`]). Each
//! ends with the counts by class; with `all`, each also says what became of every command
//! and event, kept ones included.

use crate::change::{Change, Class, Directions, Position, What};
use crate::{EntityKind, Report, Status, Summary};
use serde_json::{json, Map, Value};
use std::fmt::Write;

/// How many uses of a type the text and markdown forms name before "and N more".
const USES_SHOWN: usize = 4;

/// A readable changelog: one block per definition, one line per change.
pub fn text(report: &Report, all: bool) -> String {
    let mut out = String::new();
    for group in groups(&report.changes) {
        let first = &group[0];
        let header = format!("{} {}", first.kind.name(), first.entity);
        if let [only] = group {
            if only.path.is_empty() && matches!(only.what, What::Added | What::Removed) {
                let _ = writeln!(out, "{header}: {} [{}]", only.what, verdict(only));
                continue;
            }
        }
        let _ = writeln!(out, "{header}{}", uses(first, "", ""));
        for change in group {
            let _ = writeln!(out, "  {} [{}]", line(change), verdict(change));
        }
    }
    if all {
        for kind in [EntityKind::Command, EntityKind::Event] {
            if report.summaries_of(kind).next().is_none() {
                continue;
            }
            let _ = writeln!(out, "{}s:", kind.name());
            for summary in report.summaries_of(kind) {
                let _ = writeln!(out, "  {}", summary_line(report, summary));
            }
        }
    }
    let _ = writeln!(out, "{}", counts_line(report, all));
    out
}

/// One JSON object per change, then (with `all`) one per command and event, then the
/// counts: `{"summary": {...}}`.
pub fn json(report: &Report, all: bool) -> String {
    let mut out = String::new();
    for change in &report.changes {
        let mut record = Map::new();
        record.insert("class".into(), change.class.name().into());
        record.insert("kind".into(), change.kind.name().into());
        record.insert("entity".into(), change.entity.clone().into());
        record.insert("path".into(), change.location().into());
        record.insert("change".into(), change.what.tag().into());
        record.insert("description".into(), change.what.to_string().into());
        record.extend(what_fields(&change.what));
        record.insert(
            "directions".into(),
            directions_list(change.directions).into(),
        );
        record.insert("reason".into(), change.reason.into());
        let used_by: Vec<Value> = change
            .used_by
            .iter()
            .map(|user| {
                json!({
                    "kind": user.kind.name(),
                    "name": user.name,
                    "position": user.position.name(),
                })
            })
            .collect();
        record.insert("used_by".into(), used_by.into());
        push_json_line(&mut out, &Value::Object(record));
    }
    if all {
        for summary in &report.summaries {
            let reasons: Vec<String> = summary_reasons(report, summary);
            let record = json!({
                "kind": summary.kind.name(),
                "name": summary.name,
                "status": summary.status.name(),
                "class": summary.class.name(),
                "reasons": reasons,
            });
            push_json_line(&mut out, &record);
        }
    }
    let [compatible, caution, incompatible] = report.counts();
    let summary = json!({
        "summary": {
            "changes": report.changes.len(),
            "incompatible": incompatible,
            "caution": caution,
            "compatible": compatible,
        }
    });
    push_json_line(&mut out, &summary);
    out
}

/// Release notes: the changes under one heading per class, breaking ones first.
pub fn markdown(report: &Report, all: bool) -> String {
    let mut out = String::new();
    let headings = [
        (Class::Incompatible, "Incompatible changes"),
        (Class::Caution, "Changes to check"),
        (Class::Compatible, "Compatible changes"),
    ];
    for (class, heading) in headings {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|change| change.class == class)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {heading}\n");
        for change in changes {
            let mut subject = format!("{} `{}`", change.kind.name(), change.entity);
            subject.push_str(&uses(change, "`", "`"));
            let _ = writeln!(
                out,
                "- {subject}: {} — {}",
                markdown_line(change),
                change.reason
            );
        }
        out.push('\n');
    }
    if all {
        for kind in [EntityKind::Command, EntityKind::Event] {
            if report.summaries_of(kind).next().is_none() {
                continue;
            }
            let _ = writeln!(out, "## Every {}\n", kind.name());
            let _ = writeln!(out, "| {} | status | class | why |", kind.name());
            let _ = writeln!(out, "| --- | --- | --- | --- |");
            for summary in report.summaries_of(kind) {
                let why = summary_reasons(report, summary).join("; ");
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    summary.name,
                    summary.status.name(),
                    summary.class.name(),
                    why.replace('|', "\\|")
                );
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "**Summary:** {}", counts_line(report, all));
    out
}

/// The closing line: `12 changes: 2 incompatible, 3 caution, 7 compatible`, and with `all`
/// the commands kept, changed, removed and added.
pub fn counts_line(report: &Report, all: bool) -> String {
    let [compatible, caution, incompatible] = report.counts();
    let count = report.changes.len();
    let noun = if count == 1 { "change" } else { "changes" };
    let mut line = format!(
        "{count} {noun}: {incompatible} incompatible, {caution} caution, {compatible} compatible"
    );
    if all {
        for kind in [EntityKind::Command, EntityKind::Event] {
            let count = |status: Status| {
                report
                    .summaries_of(kind)
                    .filter(|summary| summary.status == status)
                    .count()
            };
            let _ = write!(
                line,
                "; {}s: {} kept, {} changed, {} removed, {} added",
                kind.name(),
                count(Status::Kept),
                count(Status::Changed),
                count(Status::Removed),
                count(Status::Added)
            );
        }
    }
    line
}

/// `arguments.opts: member 'x' added (optional, str)`, or the description alone for the
/// definition itself.
pub fn line(change: &Change) -> String {
    let location = change.location();
    if location.is_empty() {
        change.what.to_string()
    } else {
        format!("{location}: {}", change.what)
    }
}

/// What became of a command or event, with why: `changed guest-exec [incompatible]:
/// arguments: member 'x' removed (was mandatory); …`.
pub fn summary_line(report: &Report, summary: &Summary) -> String {
    let reasons = summary_reasons(report, summary).join("; ");
    format!(
        "{:<7} {} [{}]: {reasons}",
        summary.status.name(),
        summary.name,
        summary.class.name()
    )
}

/// The reasons behind a summary: each change, with the type it is in when it is not in the
/// command or event itself.
fn summary_reasons(report: &Report, summary: &Summary) -> Vec<String> {
    if summary.status == Status::Kept {
        return vec!["no change to its definition or to any type it uses".to_owned()];
    }
    summary
        .changes
        .iter()
        .filter_map(|&index| report.changes.get(index))
        .map(|change| {
            let described = match summary.status {
                Status::Removed | Status::Added => change.reason.to_owned(),
                _ => format!("{} ({})", line(change), change.class.name()),
            };
            if change.kind == summary.kind && change.entity == summary.name {
                described
            } else {
                format!("{} {}: {described}", change.kind.name(), change.entity)
            }
        })
        .collect()
}

/// Runs of changes to one definition.
fn groups(changes: &[Change]) -> Vec<&[Change]> {
    let mut groups = Vec::new();
    let mut start = 0;
    for index in 1..=changes.len() {
        let ends = index == changes.len()
            || changes[index].kind != changes[start].kind
            || changes[index].entity != changes[start].entity;
        if ends {
            groups.push(&changes[start..index]);
            start = index;
        }
    }
    groups
}

/// `compatible` or, when the rule depends on direction, `incompatible, send: …reason`.
fn verdict(change: &Change) -> String {
    if change.directions == Directions::NONE {
        format!("{}: {}", change.class, change.reason)
    } else {
        format!(
            "{}, {}: {}",
            change.class,
            change.directions.name(),
            change.reason
        )
    }
}

/// ` (used by command x (arguments), event Y and 3 more)` for a named type; empty for a
/// command or event.
fn uses(change: &Change, open: &str, close: &str) -> String {
    if change.kind != EntityKind::Type {
        return String::new();
    }
    if change.used_by.is_empty() {
        return " (not used by any command or event)".to_owned();
    }
    let shown: Vec<String> = change
        .used_by
        .iter()
        .take(USES_SHOWN)
        .map(|user| match user.position {
            Position::Data => format!("event {open}{}{close}", user.name),
            position => format!(
                "{} {open}{}{close} ({})",
                user.kind.name(),
                user.name,
                position.name()
            ),
        })
        .collect();
    let more = change.used_by.len().saturating_sub(USES_SHOWN);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(" (used by {}{more})", shown.join(", "))
}

fn markdown_line(change: &Change) -> String {
    let location = change.location();
    let what = change.what.to_string().replace('\'', "`");
    if location.is_empty() {
        what
    } else {
        format!("`{location}`: {what}")
    }
}

fn directions_list(directions: Directions) -> Vec<&'static str> {
    let mut list = Vec::new();
    if directions.send {
        list.push("send");
    }
    if directions.receive {
        list.push("receive");
    }
    list
}

/// The fields of a change's variant, for tools: `name`, `optional`, `old`, `new`, ….
fn what_fields(what: &What) -> Map<String, Value> {
    let value = match what {
        What::Added | What::Removed => json!({}),
        What::MemberAdded { name, optional, ty } => {
            json!({ "name": name, "optional": optional, "type": ty })
        }
        What::MemberRemoved { name, optional } => json!({ "name": name, "optional": optional }),
        What::MadeOptional { name }
        | What::MadeRequired { name }
        | What::ValueAdded { name }
        | What::ValueRemoved { name }
        | What::BranchAdded { name }
        | What::BranchRemoved { name }
        | What::FeatureAdded { name }
        | What::FeatureRemoved { name } => json!({ "name": name }),
        What::Retyped { old, new, .. } | What::DiscriminatorChanged { old, new } => {
            json!({ "old": old, "new": new })
        }
        What::CondChanged { old, new } => json!({ "old": old, "new": new }),
        What::KindChanged { old, new, .. } => json!({ "old": old, "new": new }),
        What::CondAdded { cond } | What::CondRemoved { cond } => json!({ "if": cond }),
        What::FlagChanged { flag, old, new } => json!({ "flag": flag, "old": old, "new": new }),
        What::ReturnsAdded { ty } | What::ReturnsRemoved { ty } => json!({ "type": ty }),
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn push_json_line(out: &mut String, value: &Value) {
    out.push_str(&value.to_string());
    out.push('\n');
}
