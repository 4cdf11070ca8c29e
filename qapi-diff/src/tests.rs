//! Small schema pairs, each showing one kind of change and its verdict in each direction.

use crate::{diff, report, Class, EntityKind, Report, Status};
use qapi_gen_parser::model::Schema;
use qapi_gen_parser::{check_with, MemoryFileSystem, Options};
use std::path::Path;

fn schema(text: &str) -> Schema {
    let fs = MemoryFileSystem::new().with_file("s.json", text);
    let checked = check_with(&fs, Path::new("s.json"), &Options::default());
    let messages: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages, Vec::<&str>::new());
    checked.schema.expect("a valid schema has a model")
}

fn report_of(old: &str, new: &str) -> Report {
    diff(&schema(old), &schema(new))
}

/// One line per change: `command c: arguments: member 'b' added (optional, str) =>
/// compatible (send)`.
fn changes(old: &str, new: &str) -> Vec<String> {
    report_of(old, new)
        .changes
        .iter()
        .map(|change| {
            format!(
                "{} {}: {} => {} ({})",
                change.kind.name(),
                change.entity,
                report::line(change),
                change.class,
                change.directions.name()
            )
        })
        .collect()
}

/// The same members used as a command's arguments, its returns and an event's data.
fn in_every_direction(data: &str) -> String {
    format!(
        "{{ 'struct': 'In', 'data': {data} }}
{{ 'struct': 'Out', 'data': {data} }}
{{ 'command': 'c', 'data': {data} }}
{{ 'command': 'r', 'returns': 'Out' }}
{{ 'event': 'E', 'data': {data} }}
{{ 'command': 'i', 'data': 'In' }}
"
    )
}

#[test]
fn identical_schemas_have_no_changes() {
    let text = in_every_direction("{ 'a': 'str', '*b': ['int'] }");
    let report = report_of(&text, &text);
    assert_eq!(report.changes, vec![]);
    assert_eq!(report.worst(), None);
}

#[test]
fn definitions_added_and_removed() {
    let old = "
{ 'command': 'gone' }
{ 'event': 'GONE' }
{ 'enum': 'Old', 'data': ['x'] }
";
    let new = "
{ 'command': 'new' }
{ 'event': 'NEW' }
{ 'enum': 'Fresh', 'data': ['x'] }
";
    assert_eq!(
        changes(old, new),
        [
            "command gone: removed => incompatible (unused)",
            "command new: added => compatible (unused)",
            "event GONE: removed => caution (unused)",
            "event NEW: added => compatible (unused)",
            "type Old: removed => compatible (unused)",
            "type Fresh: added => compatible (unused)",
        ]
    );
}

#[test]
fn optional_member_added_is_compatible_both_ways() {
    assert_eq!(
        changes(
            &in_every_direction("{ 'a': 'str' }"),
            &in_every_direction("{ 'a': 'str', '*b': 'int' }")
        ),
        [
            "command c: arguments: member 'b' added (optional, int) => compatible (send)",
            "event E: data: member 'b' added (optional, int) => compatible (receive)",
            "type In: member 'b' added (optional, int) => compatible (send)",
            "type Out: member 'b' added (optional, int) => compatible (receive)",
        ]
    );
}

#[test]
fn mandatory_member_added_breaks_only_what_clients_send() {
    assert_eq!(
        changes(
            &in_every_direction("{ 'a': 'str' }"),
            &in_every_direction("{ 'a': 'str', 'b': 'int' }")
        ),
        [
            "command c: arguments: member 'b' added (mandatory, int) => incompatible (send)",
            "event E: data: member 'b' added (mandatory, int) => compatible (receive)",
            "type In: member 'b' added (mandatory, int) => incompatible (send)",
            "type Out: member 'b' added (mandatory, int) => compatible (receive)",
        ]
    );
}

#[test]
fn members_removed() {
    assert_eq!(
        changes(
            &in_every_direction("{ 'a': 'str', '*b': 'int', 'c': 'int' }"),
            &in_every_direction("{ 'a': 'str' }")
        ),
        [
            "command c: arguments: member 'b' removed (was optional) => incompatible (send)",
            "command c: arguments: member 'c' removed (was mandatory) => incompatible (send)",
            "event E: data: member 'b' removed (was optional) => caution (receive)",
            "event E: data: member 'c' removed (was mandatory) => incompatible (receive)",
            "type In: member 'b' removed (was optional) => incompatible (send)",
            "type In: member 'c' removed (was mandatory) => incompatible (send)",
            "type Out: member 'b' removed (was optional) => caution (receive)",
            "type Out: member 'c' removed (was mandatory) => incompatible (receive)",
        ]
    );
}

#[test]
fn members_made_optional_or_mandatory() {
    assert_eq!(
        changes(
            &in_every_direction("{ 'a': 'str', '*b': 'int' }"),
            &in_every_direction("{ '*a': 'str', 'b': 'int' }")
        ),
        [
            "command c: arguments: member 'a' made optional => compatible (send)",
            "command c: arguments: member 'b' made mandatory => incompatible (send)",
            "event E: data: member 'a' made optional => incompatible (receive)",
            "event E: data: member 'b' made mandatory => compatible (receive)",
            "type In: member 'a' made optional => compatible (send)",
            "type In: member 'b' made mandatory => incompatible (send)",
            "type Out: member 'a' made optional => incompatible (receive)",
            "type Out: member 'b' made mandatory => compatible (receive)",
        ]
    );
}

#[test]
fn integers_widened_and_narrowed() {
    assert_eq!(
        changes(
            &in_every_direction("{ 'w': 'int32', 'n': 'int64', 'un': 'int', 'f': 'uint8' }"),
            &in_every_direction("{ 'w': 'int64', 'n': 'int16', 'un': 'uint64', 'f': 'number' }")
        )
        .iter()
        .filter(|line| line.starts_with("command") || line.starts_with("event"))
        .collect::<Vec<_>>(),
        [
            "command c: arguments.w: type changed from int32 to int64 => compatible (send)",
            "command c: arguments.n: type changed from int64 to int16 => incompatible (send)",
            "command c: arguments.un: type changed from int to uint64 => incompatible (send)",
            "command c: arguments.f: type changed from uint8 to number => compatible (send)",
            "event E: data.w: type changed from int32 to int64 => incompatible (receive)",
            "event E: data.n: type changed from int64 to int16 => compatible (receive)",
            "event E: data.un: type changed from int to uint64 => incompatible (receive)",
            "event E: data.f: type changed from uint8 to number => incompatible (receive)",
        ]
    );
}

#[test]
fn type_turned_into_an_alternate_of_it() {
    let old = "
{ 'enum': 'Mode', 'data': ['a', 'b'] }
{ 'command': 'c', 'data': { 'x': 'bool', 'm': 'Mode', 's': 'str' } }
{ 'event': 'E', 'data': { 'x': 'bool', 'm': 'Mode' } }
";
    let new = "
{ 'enum': 'Mode', 'data': ['a', 'b'] }
{ 'alternate': 'BoolOrMode', 'data': { 'flag': 'bool', 'mode': 'Mode' } }
{ 'command': 'c', 'data': { 'x': 'BoolOrMode', 'm': 'str', 's': 'Mode' } }
{ 'event': 'E', 'data': { 'x': 'BoolOrMode', 'm': 'str' } }
";
    assert_eq!(
        changes(old, new),
        [
            "command c: arguments.x: type changed from bool to BoolOrMode => compatible (send)",
            "command c: arguments.m: type changed from Mode to str => compatible (send)",
            "command c: arguments.s: type changed from str to Mode => incompatible (send)",
            "event E: data.x: type changed from bool to BoolOrMode => incompatible (receive)",
            "event E: data.m: type changed from Mode to str => incompatible (receive)",
            "type BoolOrMode: added => compatible (send and receive)",
        ]
    );
}

#[test]
fn alternate_narrowed_to_one_branch_is_compatible_output() {
    let old = "
{ 'alternate': 'IntOrStr', 'data': { 'i': 'int', 'l': ['str'] } }
{ 'command': 'c', 'data': { 'v': 'IntOrStr' }, 'returns': 'Reply' }
{ 'struct': 'Reply', 'data': { 'v': 'IntOrStr' } }
";
    let new = "
{ 'command': 'c', 'data': { 'v': 'int' }, 'returns': 'Reply' }
{ 'struct': 'Reply', 'data': { 'v': 'int' } }
";
    assert_eq!(
        changes(old, new),
        [
            "command c: arguments.v: type changed from IntOrStr to int => incompatible (send)",
            "type IntOrStr: removed => compatible (send and receive)",
            "type Reply: v: type changed from IntOrStr to int => compatible (receive)",
        ]
    );
}

#[test]
fn renamed_types_are_compared_by_content() {
    let old = "
{ 'struct': 'Inner', 'data': { 'a': 'str' } }
{ 'command': 'c', 'data': { 'x': 'Inner' }, 'returns': 'Inner' }
{ 'command': 'same', 'data': { 'x': 'Inner' } }
";
    let new = "
{ 'struct': 'Renamed', 'data': { 'a': 'str', '*b': 'int' } }
{ 'struct': 'Copy', 'data': { 'a': 'str' } }
{ 'command': 'c', 'data': { 'x': 'Renamed' }, 'returns': 'Renamed' }
{ 'command': 'same', 'data': { 'x': 'Copy' } }
";
    assert_eq!(
        changes(old, new),
        [
            "command c: arguments.x: member 'b' added (optional, int) => compatible (send)",
            "command c: returns: member 'b' added (optional, int) => compatible (receive)",
            "type Inner: removed => compatible (send and receive)",
            "type Renamed: added => compatible (send and receive)",
            "type Copy: added => compatible (send)",
        ]
    );
}

#[test]
fn implicit_argument_types_are_compared_through_their_command() {
    // Inline arguments that became a named type, and members moved into a base: neither is
    // visible on the wire.
    let old = "
{ 'command': 'c', 'data': { 'a': 'str', 'b': 'int' } }
{ 'event': 'E', 'data': { 'a': 'str' } }
";
    let new = "
{ 'struct': 'Base', 'data': { 'a': 'str' } }
{ 'struct': 'Args', 'base': 'Base', 'data': { 'b': 'int' } }
{ 'command': 'c', 'data': 'Args' }
{ 'event': 'E', 'data': { 'a': 'str', '*z': 'int' } }
";
    assert_eq!(
        changes(old, new),
        [
            "event E: data: member 'z' added (optional, int) => compatible (receive)",
            "type Base: added => compatible (send)",
            "type Args: added => compatible (send)",
        ]
    );
}

#[test]
fn enum_values_added_and_removed_by_direction() {
    let old = "
{ 'enum': 'In', 'data': ['a', 'b'] }
{ 'enum': 'Out', 'data': ['a', 'b'] }
{ 'enum': 'Both', 'data': ['a', 'b'] }
{ 'command': 'c', 'data': { 'i': 'In', 'b': 'Both' } }
{ 'event': 'E', 'data': { 'o': 'Out', 'b': 'Both' } }
";
    let new = "
{ 'enum': 'In', 'data': ['a', 'c'] }
{ 'enum': 'Out', 'data': ['a', 'c'] }
{ 'enum': 'Both', 'data': ['a', 'c'] }
{ 'command': 'c', 'data': { 'i': 'In', 'b': 'Both' } }
{ 'event': 'E', 'data': { 'o': 'Out', 'b': 'Both' } }
";
    assert_eq!(
        changes(old, new),
        [
            "type In: value 'b' removed => incompatible (send)",
            "type In: value 'c' added => compatible (send)",
            "type Out: value 'b' removed => caution (receive)",
            "type Out: value 'c' added => caution (receive)",
            "type Both: value 'b' removed => incompatible (send and receive)",
            "type Both: value 'c' added => caution (send and receive)",
        ]
    );
    let report = report_of(old, new);
    let both = report.changes.iter().find(|c| c.entity == "Both");
    let users: Vec<String> = both
        .map(|change| change.used_by.iter().map(|u| u.to_string()).collect())
        .unwrap_or_default();
    assert_eq!(users, ["command c (arguments)", "event E"]);
}

#[test]
fn union_branches_changed() {
    let old = "
{ 'enum': 'Kind', 'data': ['a', 'b', 'c'] }
{ 'struct': 'Alpha', 'data': { 'x': 'int' } }
{ 'union': 'Choice', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind',
  'data': { 'a': 'Alpha', 'c': 'Alpha' } }
{ 'command': 'c', 'data': { 'choice': 'Choice' } }
";
    let new = "
{ 'enum': 'Kind', 'data': ['a', 'b', 'd'] }
{ 'struct': 'Alpha', 'data': { 'x': 'int' } }
{ 'struct': 'Beta', 'data': { 'y': 'str' } }
{ 'union': 'Choice', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind',
  'data': { 'a': 'Alpha', 'b': 'Beta' } }
{ 'command': 'c', 'data': { 'choice': 'Choice' } }
";
    assert_eq!(
        changes(old, new),
        [
            "type Kind: value 'c' removed => incompatible (send)",
            "type Kind: value 'd' added => compatible (send)",
            "type Choice: branch 'c' removed => incompatible (send)",
            "type Choice: branch:b: member 'y' added (mandatory, str) => incompatible (send)",
            "type Choice: branch 'd' added => compatible (send)",
            "type Beta: added => compatible (send)",
        ]
    );
}

#[test]
fn union_discriminator_changed_and_struct_made_union() {
    let old = "
{ 'enum': 'Kind', 'data': ['a'] }
{ 'struct': 'Alpha', 'data': { 'x': 'int' } }
{ 'union': 'Choice', 'base': { 'kind': 'Kind', 'other': 'Kind' }, 'discriminator': 'kind',
  'data': { 'a': 'Alpha' } }
{ 'struct': 'Shape', 'data': { 'kind': 'Kind' } }
{ 'command': 'c', 'returns': 'Choice' }
{ 'event': 'EV', 'data': 'Shape', 'boxed': true }
";
    let new = "
{ 'enum': 'Kind', 'data': ['a'] }
{ 'struct': 'Alpha', 'data': { 'x': 'int' } }
{ 'union': 'Choice', 'base': { 'kind': 'Kind', 'other': 'Kind' }, 'discriminator': 'other',
  'data': { 'a': 'Alpha' } }
{ 'union': 'Shape', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind', 'data': { 'a': 'Alpha' } }
{ 'command': 'c', 'returns': 'Choice' }
{ 'event': 'EV', 'data': 'Shape', 'boxed': true }
";
    assert_eq!(
        changes(old, new),
        [
            "type Choice: discriminator changed from 'kind' to 'other' => incompatible (receive)",
            "type Shape: changed from struct to union => compatible (receive)",
            "type Shape: branch:a: member 'x' added (mandatory, int) => compatible (receive)",
        ]
    );
}

#[test]
fn alternate_branches_added_and_removed() {
    let old = "
{ 'struct': 'Obj', 'data': { 'a': 'int' } }
{ 'alternate': 'Alt', 'data': { 'i': 'int', 'l': ['str'] } }
{ 'command': 'c', 'data': { 'v': 'Alt' } }
{ 'event': 'E', 'data': { 'v': 'Alt' } }
";
    let new = "
{ 'struct': 'Obj', 'data': { 'a': 'int' } }
{ 'alternate': 'Alt', 'data': { 'i': 'int', 'o': 'Obj' } }
{ 'command': 'c', 'data': { 'v': 'Alt' } }
{ 'event': 'E', 'data': { 'v': 'Alt' } }
";
    assert_eq!(
        changes(old, new),
        [
            "type Alt: branch 'l' removed => incompatible (send and receive)",
            "type Alt: branch 'o' added => caution (send and receive)",
        ]
    );
}

#[test]
fn features_and_conditions() {
    let old = "
{ 'enum': 'Letter', 'data': ['a', { 'name': 'b', 'if': 'B' }] }
{ 'command': 'c', 'data': { 'm': 'Letter', 'n': 'int' }, 'features': ['cap', 'deprecated'] }
{ 'command': 'd', 'if': 'OLD' }
{ 'command': 'e' }
";
    let new = "
{ 'enum': 'Letter', 'data': [{ 'name': 'a', 'features': ['unstable'] }, 'b'] }
{ 'command': 'c', 'data': { 'm': 'Letter', 'n': { 'type': 'int', 'features': ['deprecated'] } },
  'features': ['fresh'] }
{ 'command': 'd', 'if': { 'any': ['OLD', 'NEW'] } }
{ 'command': 'e', 'if': 'NEW' }
";
    assert_eq!(
        changes(old, new),
        [
            "command c: feature 'cap' removed => caution (unused)",
            "command c: feature 'deprecated' removed => compatible (unused)",
            "command c: feature 'fresh' added => compatible (unused)",
            "command c: arguments.n: feature 'deprecated' added => caution (unused)",
            "command d: condition changed from 'if: OLD' to 'if: {'any': ['OLD', 'NEW']}' => caution (unused)",
            "command e: condition 'if: NEW' added => caution (unused)",
            "type Letter: a: feature 'unstable' added => caution (unused)",
            "type Letter: b: condition 'if: B' removed => compatible (unused)",
        ]
    );
}

#[test]
fn command_flags_and_returns() {
    let old = "
{ 'struct': 'Reply', 'data': { 'a': 'int' } }
{ 'command': 'quiet', 'success-response': false }
{ 'command': 'oob', 'allow-oob': true }
{ 'command': 'pre' }
{ 'command': 'co', 'coroutine': true }
{ 'command': 'gains' }
{ 'command': 'loses', 'returns': 'Reply' }
{ 'command': 'list', 'returns': ['Reply'] }
";
    let new = "
{ 'struct': 'Reply', 'data': { 'a': 'int' } }
{ 'command': 'quiet' }
{ 'command': 'oob' }
{ 'command': 'pre', 'allow-preconfig': true }
{ 'command': 'co' }
{ 'command': 'gains', 'returns': 'Reply' }
{ 'command': 'loses' }
{ 'command': 'list', 'returns': 'Reply' }
";
    assert_eq!(
        changes(old, new),
        [
            "command quiet: 'success-response' changed from false to true => incompatible (unused)",
            "command oob: 'allow-oob' changed from true to false => incompatible (unused)",
            "command pre: 'allow-preconfig' changed from false to true => compatible (unused)",
            "command co: 'coroutine' changed from true to false => compatible (unused)",
            "command gains: returns: now returns Reply (returned nothing) => compatible (receive)",
            "command loses: returns: no longer returns Reply => incompatible (receive)",
            "command list: returns: type changed from ReplyList to Reply => incompatible (receive)",
        ]
    );
}

#[test]
fn a_type_used_both_ways_gets_the_stricter_verdict() {
    let old = "
{ 'struct': 'Thing', 'data': { 'a': 'int' } }
{ 'command': 'set', 'data': { 't': 'Thing' } }
{ 'command': 'get', 'returns': 'Thing' }
";
    let new = "
{ 'struct': 'Thing', 'data': { '*a': 'int', 'b': 'int' } }
{ 'command': 'set', 'data': { 't': 'Thing' } }
{ 'command': 'get', 'returns': 'Thing' }
";
    let report = report_of(old, new);
    let lines: Vec<String> = report
        .changes
        .iter()
        .map(|change| {
            format!(
                "{} [{}] {}",
                report::line(change),
                change.class,
                change.reason
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "member 'a' made optional [incompatible] clients may rely on a member that was always sent",
            "member 'b' added (mandatory, int) [incompatible] adding mandatory arguments is incompatible: clients that omit it are rejected",
        ]
    );
    assert_eq!(
        report::text(&report, false),
        "type Thing (used by command set (arguments), command get (returns))
  member 'a' made optional [incompatible, send and receive: clients may rely on a member that was always sent]
  member 'b' added (mandatory, int) [incompatible, send and receive: adding mandatory arguments is incompatible: clients that omit it are rejected]
2 changes: 2 incompatible, 0 caution, 0 compatible
"
    );
}

#[test]
fn a_type_no_command_uses_is_not_on_the_wire() {
    assert_eq!(
        changes(
            "{ 'struct': 'Thing', 'data': { 'a': 'int' } }",
            "{ 'struct': 'Thing', 'data': { 'b': 'int' } }"
        ),
        [
            "type Thing: member 'a' removed (was mandatory) => compatible (unused)",
            "type Thing: member 'b' added (mandatory, int) => compatible (unused)",
        ]
    );
}

#[test]
fn recursive_renamed_types_end() {
    let old = "
{ 'struct': 'Node', 'data': { 'next': ['Node'] } }
{ 'command': 'c', 'returns': 'Node' }
";
    let new = "
{ 'struct': 'Tree', 'data': { 'next': ['Tree'], '*v': 'int' } }
{ 'command': 'c', 'returns': 'Tree' }
";
    assert_eq!(
        changes(old, new),
        [
            "command c: returns: member 'v' added (optional, int) => compatible (receive)",
            "type Node: removed => compatible (receive)",
            "type Tree: added => compatible (receive)",
        ]
    );
}

const SUMMARY_OLD: &str = "
{ 'struct': 'Info', 'data': { 'a': 'int' } }
{ 'command': 'kept', 'data': { 'x': 'int' } }
{ 'command': 'direct', 'data': { 'x': 'int' } }
{ 'command': 'through-type', 'returns': 'Info' }
{ 'command': 'gone' }
";

const SUMMARY_NEW: &str = "
{ 'struct': 'Info', 'data': { 'a': 'int', '*b': 'str' } }
{ 'command': 'kept', 'data': { 'x': 'int' } }
{ 'command': 'direct', 'data': { 'x': 'int', 'y': 'int' } }
{ 'command': 'through-type', 'returns': 'Info' }
{ 'command': 'fresh' }
";

#[test]
fn every_command_is_kept_changed_removed_or_added() {
    let report = report_of(SUMMARY_OLD, SUMMARY_NEW);
    let summaries: Vec<(&str, Status, Class)> = report
        .summaries_of(EntityKind::Command)
        .map(|summary| (summary.name.as_str(), summary.status, summary.class))
        .collect();
    assert_eq!(
        summaries,
        [
            ("kept", Status::Kept, Class::Compatible),
            ("direct", Status::Changed, Class::Incompatible),
            ("through-type", Status::Changed, Class::Compatible),
            ("gone", Status::Removed, Class::Incompatible),
            ("fresh", Status::Added, Class::Compatible),
        ]
    );
    let lines: Vec<String> = report
        .summaries
        .iter()
        .map(|summary| report::summary_line(&report, summary))
        .collect();
    assert_eq!(
        lines,
        [
            "kept    kept [compatible]: no change to its definition or to any type it uses",
            "changed direct [incompatible]: arguments: member 'y' added (mandatory, int) (incompatible)",
            "changed through-type [compatible]: type Info: member 'b' added (optional, str) (compatible)",
            "removed gone [incompatible]: removing commands is incompatible: a client calling it gets CommandNotFound",
            "added   fresh [compatible]: adding commands is compatible",
        ]
    );
}

#[test]
fn text_report_with_every_command() {
    let report = report_of(SUMMARY_OLD, SUMMARY_NEW);
    assert_eq!(
        report::text(&report, true),
        "command direct
  arguments: member 'y' added (mandatory, int) [incompatible, send: adding mandatory arguments is incompatible: clients that omit it are rejected]
command gone: removed [incompatible: removing commands is incompatible: a client calling it gets CommandNotFound]
command fresh: added [compatible: adding commands is compatible]
type Info (used by command through-type (returns))
  member 'b' added (optional, str) [compatible, receive: adding return and event data members is compatible: clients ignore unknown ones]
commands:
  kept    kept [compatible]: no change to its definition or to any type it uses
  changed direct [incompatible]: arguments: member 'y' added (mandatory, int) (incompatible)
  changed through-type [compatible]: type Info: member 'b' added (optional, str) (compatible)
  removed gone [incompatible]: removing commands is incompatible: a client calling it gets CommandNotFound
  added   fresh [compatible]: adding commands is compatible
4 changes: 2 incompatible, 0 caution, 2 compatible; commands: 1 kept, 2 changed, 1 removed, 1 added; events: 0 kept, 0 changed, 0 removed, 0 added
"
    );
}

#[test]
fn json_report_is_one_object_per_line() {
    let report = report_of(SUMMARY_OLD, SUMMARY_NEW);
    let json = report::json(&report, false);
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"class":"incompatible","kind":"command","entity":"direct","path":"arguments","change":"member-added","description":"member 'y' added (mandatory, int)","name":"y","optional":false,"type":"int","directions":["send"],"reason":"adding mandatory arguments is incompatible: clients that omit it are rejected","used_by":[]}"#,
            r#"{"class":"incompatible","kind":"command","entity":"gone","path":"","change":"removed","description":"removed","directions":[],"reason":"removing commands is incompatible: a client calling it gets CommandNotFound","used_by":[]}"#,
            r#"{"class":"compatible","kind":"command","entity":"fresh","path":"","change":"added","description":"added","directions":[],"reason":"adding commands is compatible","used_by":[]}"#,
            r#"{"class":"compatible","kind":"type","entity":"Info","path":"","change":"member-added","description":"member 'b' added (optional, str)","name":"b","optional":true,"type":"str","directions":["receive"],"reason":"adding return and event data members is compatible: clients ignore unknown ones","used_by":[{"kind":"command","name":"through-type","position":"returns"}]}"#,
            r#"{"summary":{"changes":4,"incompatible":2,"caution":0,"compatible":2}}"#,
        ]
    );
    let with_all = report::json(&report, true);
    assert_eq!(
        with_all.lines().nth(4),
        Some(
            r#"{"kind":"command","name":"kept","status":"kept","class":"compatible","reasons":["no change to its definition or to any type it uses"]}"#
        )
    );
}

#[test]
fn markdown_report_groups_by_class() {
    let report = report_of(SUMMARY_OLD, SUMMARY_NEW);
    assert_eq!(
        report::markdown(&report, false),
        "## Incompatible changes

- command `direct`: `arguments`: member `y` added (mandatory, int) — adding mandatory arguments is incompatible: clients that omit it are rejected
- command `gone`: removed — removing commands is incompatible: a client calling it gets CommandNotFound

## Compatible changes

- command `fresh`: added — adding commands is compatible
- type `Info` (used by command `through-type` (returns)): member `b` added (optional, str) — adding return and event data members is compatible: clients ignore unknown ones

**Summary:** 4 changes: 2 incompatible, 0 caution, 2 compatible
"
    );
}
