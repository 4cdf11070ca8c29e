//! Each test: a minimal schema in, QEMU's diagnostic out, in QEMU's `.err` form
//! (`t.json: In struct 'Foo':` then `t.json:LINE: MESSAGE`; warnings say `warning:`).

use super::check_exprs;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::parse::parse_schema;
use crate::span::SourceMap;
use crate::{MemoryFileSystem, Options};
use std::fmt::Write as _;
use std::path::Path;

fn check(schema: &str) -> String {
    check_with_options(schema, &Options::default())
}

fn check_legacy(schema: &str) -> String {
    check_with_options(schema, &Options { legacy: true })
}

/// Parses `schema` as `t.json` and runs this phase alone, so that a test shows what
/// `check_exprs` reports whatever the later phases would add.
fn check_with_options(schema: &str, options: &Options) -> String {
    let fs = MemoryFileSystem::new().with_file("t.json", schema);
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let parsed = parse_schema(&fs, Path::new("t.json"), options, &mut sources, &mut diags);
    let Some(mut parsed) = parsed else {
        panic!(
            "the test schema does not parse:\n{}",
            render(&sources, diags.into_vec())
        );
    };
    check_exprs(&mut parsed, &sources, options, &mut diags);
    render(&sources, diags.into_vec())
}

/// The diagnostics as QEMU's `.err` files print them.
fn render(sources: &SourceMap, diagnostics: Vec<Diagnostic>) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let span = diagnostic.span.expect("expression errors have a location");
        let path = sources.path(span.file).display();
        if let Some(context) = &diagnostic.context {
            let _ = writeln!(out, "{path}: {context}");
        }
        let severity = match diagnostic.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        let line = sources.line(span);
        let _ = writeln!(out, "{path}:{line}: {severity}{}", diagnostic.message);
    }
    out
}

#[test]
fn end_to_end_the_first_error_is_qemus() {
    let schema = r"
{ 'struct': 'Foo', 'data': { 'a': 'int' } }
{ 'command': 'do-it', 'data': 'Foo', 'boxed': 'yes' }
";
    let fs = MemoryFileSystem::new().with_file("t.json", schema);
    let checked = crate::check_with(&fs, Path::new("t.json"), &Options::default());
    assert_eq!(
        render(&checked.sources, checked.diagnostics),
        "t.json: In command 'do-it':\nt.json:3: flag 'boxed' may only use true value\n"
    );
    assert!(checked.schema.is_none());
}

// The definition's kind and name.

#[test]
fn valid_definitions_pass() {
    let schema = r"
{ 'enum': 'Status', 'data': [ 'on', { 'name': '2g', 'if': 'CONFIG_X', 'features': [ 'deprecated' ] } ],
  'prefix': 'STATUS' }
{ 'struct': 'Base', 'data': { 'kind': 'Status', '*opt': [ 'int' ],
                              'cond': { 'type': 'str', 'if': { 'all': [ 'A', { 'not': 'B' } ] },
                                        'features': [ { 'name': 'unstable', 'if': 'C' } ] } },
  'features': [ 'feat' ] }
{ 'union': 'Uni', 'base': 'Base', 'discriminator': 'kind',
  'data': { 'on': 'Base', '2g': { 'type': 'Base', 'if': { 'any': [ 'X', 'Y' ] } } } }
{ 'union': 'Uni2', 'base': { 'kind': 'Status' }, 'discriminator': 'kind', 'data': {} }
{ 'alternate': 'Alt', 'data': { 'number': 'int', 'list': [ 'str' ] } }
{ 'command': 'x-do-it', 'data': 'Base', 'boxed': true, 'returns': [ 'Base' ],
  'gen': false, 'success-response': false, 'allow-preconfig': true, 'coroutine': true }
{ 'command': '__org.qemu_query', 'data': { 'a': 'int' }, 'allow-oob': true }
{ 'event': 'SOMETHING_HAPPENED', 'data': { 'x': 'int' } }
{ 'event': 'X-EVENT', 'data': 'Base', 'boxed': true }
";
    assert_eq!(check(schema), "");
}

#[test]
fn exactly_one_meta_key() {
    assert_eq!(
        check("{ 'struct': 'Foo', 'command': 'foo', 'data': {} }\n"),
        "t.json:1: expression must have exactly one key 'enum', 'struct', 'union', \
         'alternate', 'command', 'event'\n"
    );
    assert_eq!(
        check("\n{ 'data': {} }\n"),
        "t.json:2: expression must have exactly one key 'enum', 'struct', 'union', \
         'alternate', 'command', 'event'\n"
    );
}

#[test]
fn definition_name_must_be_a_string() {
    assert_eq!(
        check("{ 'command': { 'name': 'foo' } }\n"),
        "t.json:1: 'command' requires a string name\n"
    );
}

#[test]
fn every_definition_is_checked_and_errors_stay_in_order() {
    let schema = r"
{ 'struct': 'ok', 'data': {} }
{ 'struct': 'Fine', 'data': {} }
{ 'event': 'bad' }
";
    assert_eq!(
        check(schema),
        "t.json: In struct 'ok':\n\
         t.json:2: name of struct must use CamelCase\n\
         t.json: In event 'bad':\n\
         t.json:4: name of event must not use lowercase or '-'\n"
    );
}

#[test]
fn invalid_names() {
    assert_eq!(
        check("{ 'struct': '*oops', 'data': {} }\n"),
        "t.json: In struct '*oops':\nt.json:1: struct has an invalid name\n"
    );
    assert_eq!(
        check("{ 'command': 'q-unix' }\n"),
        "t.json: In command 'q-unix':\nt.json:1: command has an invalid name\n"
    );
    assert_eq!(
        check("{ 'struct': 'S', 'data': {} }\n"),
        "t.json: In struct 'S':\nt.json:1: name of struct must use CamelCase\n"
    );
    assert_eq!(
        check("{ 'struct': 'FooList', 'data': {} }\n"),
        "t.json: In struct 'FooList':\nt.json:1: struct name should not end in 'List'\n"
    );
}

#[test]
fn command_names_are_lower_case() {
    assert_eq!(
        check("{ 'command': 'Foo' }\n"),
        "t.json: In command 'Foo':\nt.json:1: name of command must not use uppercase or '_'\n"
    );
    assert_eq!(
        check("{ 'command': 'do_it' }\n"),
        "t.json: In command 'do_it':\n\
         t.json:1: name of command must not use uppercase or '_'\n"
    );
    let excepted = r"
{ 'pragma': { 'command-name-exceptions': [ 'do_it' ] } }
{ 'command': 'do_it' }
";
    assert_eq!(check(excepted), "");
}

// Doc comments.

#[test]
fn doc_must_be_for_the_definition() {
    let schema = r"
##
# @Bar:
##
{ 'struct': 'Foo', 'data': {} }
";
    assert_eq!(
        check(schema),
        "t.json: In struct 'Foo':\nt.json:5: documentation comment is for 'Bar'\n"
    );
    assert_eq!(
        check_legacy(schema),
        "t.json: In struct 'Foo':\nt.json:5: warning: documentation comment is for 'Bar'\n"
    );
}

#[test]
fn doc_required_by_pragma() {
    let schema = r"
{ 'pragma': { 'doc-required': true } }

{ 'command': 'undocumented' }
";
    assert_eq!(
        check(schema),
        "t.json: In command 'undocumented':\nt.json:4: documentation comment required\n"
    );
    assert_eq!(
        check_legacy(schema),
        "t.json: In command 'undocumented':\n\
         t.json:4: warning: documentation comment required\n"
    );
}

#[test]
fn returns_section_only_for_commands_that_return() {
    let not_command = r"
##
# @Foo:
#
# Returns: nothing
##
{ 'struct': 'Foo', 'data': {} }
";
    assert_eq!(
        check(not_command),
        "t.json:5: 'Returns' section is only valid for commands\n"
    );
    let no_returns = r"
##
# @foo:
#
# Returns: nothing
##
{ 'command': 'foo' }
";
    assert_eq!(
        check(no_returns),
        "t.json:5: 'Returns' section, but command doesn't return anything\n"
    );
    let errors = r"
##
# @EVT:
#
# Errors: sometimes
##
{ 'event': 'EVT' }
";
    assert_eq!(
        check(errors),
        "t.json:5: 'Errors' section is only valid for commands\n"
    );
}

// check_keys.

#[test]
fn missing_keys_are_listed_sorted() {
    assert_eq!(
        check("{ 'enum': 'MyEnum' }\n"),
        "t.json: In enum 'MyEnum':\nt.json:1: enum misses key 'data'\n"
    );
    assert_eq!(
        check("{ 'union': 'Uni', 'data': {} }\n"),
        "t.json: In union 'Uni':\nt.json:1: union misses keys 'base', 'discriminator'\n"
    );
}

#[test]
fn unknown_keys_are_listed_with_the_valid_ones() {
    assert_eq!(
        check("{ 'struct': 'Bar', 'data': {}, 'phony': true, 'bogus': 'x' }\n"),
        "t.json: In struct 'Bar':\n\
         t.json:1: struct has unknown keys 'bogus', 'phony'\n\
         Valid keys are 'base', 'data', 'features', 'if', 'struct'.\n"
    );
    assert_eq!(
        check("{ 'alternate': 'Alt', 'base': 'Foo', 'data': { 'a': 'int' } }\n"),
        "t.json: In alternate 'Alt':\n\
         t.json:1: alternate has unknown key 'base'\n\
         Valid keys are 'alternate', 'data', 'features', 'if'.\n"
    );
}

// Enums.

#[test]
fn enum_data_and_prefix() {
    assert_eq!(
        check("{ 'enum': 'MyEnum', 'data': { 'value': 'str' } }\n"),
        "t.json: In enum 'MyEnum':\nt.json:1: 'data' must be an array\n"
    );
    assert_eq!(
        check("{ 'enum': 'MyEnum', 'data': [], 'prefix': [ 'A' ] }\n"),
        "t.json: In enum 'MyEnum':\nt.json:1: 'prefix' must be a string\n"
    );
}

#[test]
fn enum_values() {
    assert_eq!(
        check("{ 'enum': 'MyEnum', 'data': [ { 'value': 'str' } ] }\n"),
        "t.json: In enum 'MyEnum':\nt.json:1: 'data' member misses key 'name'\n"
    );
    assert_eq!(
        check("{ 'enum': 'MyEnum', 'data': [ { 'name': 'a', 'value': 'x' } ] }\n"),
        "t.json: In enum 'MyEnum':\n\
         t.json:1: 'data' member has unknown key 'value'\n\
         Valid keys are 'features', 'if', 'name'.\n"
    );
    assert_eq!(
        check("{ 'enum': 'MyEnum', 'data': [ [ 'a' ] ] }\n"),
        "t.json: In enum 'MyEnum':\nt.json:1: 'data' member requires a string name\n"
    );
    assert_eq!(
        check("{ 'enum': 'Foo', 'data': [ 'unix', 'q-Unix' ] }\n"),
        "t.json: In enum 'Foo':\nt.json:1: 'data' member 'q-Unix' has an invalid name\n"
    );
    assert_eq!(
        check("{ 'enum': 'Foo', 'data': [ '' ] }\n"),
        "t.json: In enum 'Foo':\nt.json:1: 'data' member '' has an invalid name\n"
    );
    assert_eq!(
        check("{ 'enum': 'Foo', 'data': [ 'Value' ] }\n"),
        "t.json: In enum 'Foo':\n\
         t.json:1: name of 'data' member 'Value' must not use uppercase or '_'\n"
    );
}

#[test]
fn member_name_exceptions_excuse_case() {
    let schema = r"
{ 'pragma': { 'member-name-exceptions': [ 'Foo', 'Bar' ] } }
{ 'enum': 'Foo', 'data': [ 'Value', 'a_b' ] }
{ 'struct': 'Bar', 'data': { 'CamelCase': 'int', 'snake_case': 'int' } }
";
    assert_eq!(check(schema), "");
}

// Struct, union, alternate members.

#[test]
fn struct_data_must_be_members() {
    assert_eq!(
        check("{ 'struct': 'Stru2', 'data': 'Stru1' }\n"),
        "t.json: In struct 'Stru2':\nt.json:1: 'data' should be an object or type name\n"
    );
    assert_eq!(
        check("{ 'struct': 'Foo', 'data': {}, 'base': [ 'Bar' ] }\n"),
        "t.json: In struct 'Foo':\nt.json:1: 'base' should be a type name\n"
    );
}

#[test]
fn member_names_and_reserved_names() {
    assert_eq!(
        check("{ 'struct': 'Oops', 'data': { '*u': 'int' } }\n"),
        "t.json: In struct 'Oops':\nt.json:1: 'data' member '*u' uses reserved name\n"
    );
    assert_eq!(
        check("{ 'struct': 'Oops', 'data': { 'has-a': 'int' } }\n"),
        "t.json: In struct 'Oops':\nt.json:1: 'data' member 'has-a' uses reserved name\n"
    );
    assert_eq!(
        check("{ 'struct': 'Foo', 'data': { 'q-unix': 'int' } }\n"),
        "t.json: In struct 'Foo':\nt.json:1: 'data' member 'q-unix' has an invalid name\n"
    );
    assert_eq!(
        check("{ 'command': 'foo', 'data': { 'Arg': 'int' } }\n"),
        "t.json: In command 'foo':\n\
         t.json:1: name of 'data' member 'Arg' must not use uppercase or '_'\n"
    );
}

#[test]
fn member_definitions() {
    assert_eq!(
        check("{ 'struct': 'Foo', 'data': { '*a': { 'case': 'foo' } } }\n"),
        "t.json: In struct 'Foo':\nt.json:1: 'data' member '*a' misses key 'type'\n"
    );
    assert_eq!(
        check("{ 'struct': 'Foo', 'data': { 'a': { 'type': 'int', 'x': true } } }\n"),
        "t.json: In struct 'Foo':\n\
         t.json:1: 'data' member 'a' has unknown key 'x'\n\
         Valid keys are 'features', 'if', 'type'.\n"
    );
    assert_eq!(
        check("{ 'struct': 'Foo', 'data': { 'a': { 'b': 'int' } } }\n"),
        "t.json: In struct 'Foo':\nt.json:1: 'data' member 'a' misses key 'type'\n"
    );
    assert_eq!(
        check("{ 'struct': 'Foo', 'data': { 'a': { 'type': { 'b': 'int' } } } }\n"),
        "t.json: In struct 'Foo':\nt.json:1: 'data' member 'a' should be a type name or array\n"
    );
    assert_eq!(
        check("{ 'event': 'EV', 'data': { 'a': [] } }\n"),
        "t.json: In event 'EV':\n\
         t.json:1: 'data' member 'a': array type must contain single type name\n"
    );
}

#[test]
fn union_shape() {
    assert_eq!(
        check("{ 'union': 'Uni', 'base': 'B', 'discriminator': {}, 'data': {} }\n"),
        "t.json: In union 'Uni':\nt.json:1: 'discriminator' requires a string name\n"
    );
    assert_eq!(
        check("{ 'union': 'Uni', 'base': 'B', 'discriminator': 'k', 'data': [] }\n"),
        "t.json: In union 'Uni':\nt.json:1: 'data' must be an object\n"
    );
    assert_eq!(
        check("{ 'union': 'Uni', 'base': [ 'B' ], 'discriminator': 'k', 'data': {} }\n"),
        "t.json: In union 'Uni':\nt.json:1: 'base' should be an object or type name\n"
    );
    assert_eq!(
        check("{ 'union': 'Uni', 'base': 'B', 'discriminator': 'k', 'data': { 'v': [ 'B' ] } }\n"),
        "t.json: In union 'Uni':\nt.json:1: 'data' member 'v' should be a type name\n"
    );
    assert_eq!(
        check("{ 'union': 'Uni', 'base': 'B', 'discriminator': 'k', 'data': { 'v': {} } }\n"),
        "t.json: In union 'Uni':\nt.json:1: 'data' member 'v' misses key 'type'\n"
    );
}

#[test]
fn alternate_shape() {
    assert_eq!(
        check("{ 'alternate': 'Alt', 'data': {} }\n"),
        "t.json: In alternate 'Alt':\nt.json:1: 'data' must not be empty\n"
    );
    assert_eq!(
        check("{ 'alternate': 'Alt', 'data': [ 'int' ] }\n"),
        "t.json: In alternate 'Alt':\nt.json:1: 'data' must be an object\n"
    );
    assert_eq!(
        check("{ 'alternate': 'Alt', 'data': { 'one': 'str', 'ONE': 'int' } }\n"),
        "t.json: In alternate 'Alt':\n\
         t.json:1: name of 'data' member 'ONE' must not use uppercase or '_'\n"
    );
    assert_eq!(
        check("{ 'alternate': 'Alt', 'data': { 'a': { 'type': 'int', 'features': [] } } }\n"),
        "t.json: In alternate 'Alt':\n\
         t.json:1: 'data' member 'a' has unknown key 'features'\n\
         Valid keys are 'if', 'type'.\n"
    );
}

// Commands and events.

#[test]
fn command_data_and_returns() {
    assert_eq!(
        check("{ 'command': 'foo', 'data': false }\n"),
        "t.json: In command 'foo':\nt.json:1: 'data' should be an object or type name\n"
    );
    assert_eq!(
        check("{ 'command': 'foo', 'data': { 'a': 'int' }, 'boxed': true }\n"),
        "t.json: In command 'foo':\nt.json:1: 'data' should be a type name\n"
    );
    assert_eq!(
        check("{ 'command': 'oops', 'returns': [ 'int', 'str' ] }\n"),
        "t.json: In command 'oops':\n\
         t.json:1: 'returns': array type must contain single type name\n"
    );
    assert_eq!(
        check("{ 'command': 'oops', 'returns': { 'a': 'int' } }\n"),
        "t.json: In command 'oops':\nt.json:1: 'returns' should be a type name or array\n"
    );
}

#[test]
fn boxed_requires_data() {
    assert_eq!(
        check("{ 'event': 'FOO', 'boxed': true }\n"),
        "t.json: In event 'FOO':\nt.json:1: 'boxed': true requires 'data'\n"
    );
}

#[test]
fn flags() {
    assert_eq!(
        check("{ 'command': 'foo', 'data': {}, 'boxed': false }\n"),
        "t.json: In command 'foo':\nt.json:1: flag 'boxed' may only use true value\n"
    );
    assert_eq!(
        check("{ 'command': 'foo', 'gen': 'no' }\n"),
        "t.json: In command 'foo':\nt.json:1: flag 'gen' may only use false value\n"
    );
    assert_eq!(
        check("{ 'command': 'foo', 'allow-oob': true, 'coroutine': true }\n"),
        "t.json: In command 'foo':\n\
         t.json:1: flags 'allow-oob' and 'coroutine' are incompatible\n"
    );
}

// Conditions and features.

#[test]
fn conditions() {
    let cases = [
        (
            "'if': ''",
            "'if' condition '' of struct is not a valid identifier",
        ),
        (
            "'if': 'defined(FOO)'",
            "'if' condition 'defined(FOO)' of struct is not a valid identifier",
        ),
        (
            "'if': [ 'A' ]",
            "'if' condition of struct must be a string or an object",
        ),
        (
            "'if': { 'all': 'A' }",
            "'all' condition of struct must be an array",
        ),
        (
            "'if': { 'any': [] }",
            "'if' condition [] of struct is useless",
        ),
        (
            "'if': { 'not': '' }",
            "'if' condition '' of struct is not a valid identifier",
        ),
        ("'if': {}", "'if' condition of struct has conflicting keys"),
        (
            "'if': { 'all': [ 'A' ], 'not': 'B' }",
            "'if' condition of struct has conflicting keys",
        ),
        (
            "'if': { 'val': 'A' }",
            "'if' condition of struct has unknown key 'val'\nValid keys are 'all', 'any', 'not'.",
        ),
    ];
    for (condition, message) in cases {
        let schema = format!("{{ 'struct': 'Stru', 'data': {{}}, {condition} }}\n");
        assert_eq!(
            check(&schema),
            format!("t.json: In struct 'Stru':\nt.json:1: {message}\n"),
            "{condition}"
        );
    }
    assert_eq!(
        check("{ 'enum': 'Enu', 'data': [ { 'name': 'bar', 'if': { 'val': 'A' } } ] }\n"),
        "t.json: In enum 'Enu':\n\
         t.json:1: 'if' condition of 'data' member 'bar' has unknown key 'val'\n\
         Valid keys are 'all', 'any', 'not'.\n"
    );
}

#[test]
fn features() {
    let cases = [
        ("'features': 'f'", "'features' must be an array"),
        (
            "'features': [ { 'if': 'A' } ]",
            "'features' member misses key 'name'",
        ),
        (
            "'features': [ [ 'f' ] ]",
            "'features' member requires a string name",
        ),
        (
            "'features': [ { 'name': true } ]",
            "'features' member requires a string name",
        ),
        (
            "'features': [ { 'name': 'f', 'x': 'y' } ]",
            "'features' member has unknown key 'x'\nValid keys are 'if', 'name'.",
        ),
        (
            "'features': [ 'Feat' ]",
            "name of 'features' member 'Feat' must not use uppercase or '_'",
        ),
        (
            "'features': [ { 'name': 'f', 'if': false } ]",
            "'if' condition of 'features' member 'f' must be a string or an object",
        ),
    ];
    for (features, message) in cases {
        let schema = format!("{{ 'struct': 'Stru', 'data': {{}}, {features} }}\n");
        assert_eq!(
            check(&schema),
            format!("t.json: In struct 'Stru':\nt.json:1: {message}\n"),
            "{features}"
        );
    }
}

// The order of the checks decides which error QEMU reports.

#[test]
fn order_name_then_doc_then_keys_then_shape_then_if_features_flags() {
    // The name rule comes before the keys.
    assert_eq!(
        check("{ 'struct': 'bad', 'bogus': true }\n"),
        "t.json: In struct 'bad':\nt.json:1: name of struct must use CamelCase\n"
    );
    // Members come before the definition's `if`, which comes before features, then flags.
    assert_eq!(
        check(
            "{ 'command': 'c', 'data': { 'A': 'int' }, 'if': '', 'features': 'f', 'gen': true }\n"
        ),
        "t.json: In command 'c':\n\
         t.json:1: name of 'data' member 'A' must not use uppercase or '_'\n"
    );
    assert_eq!(
        check("{ 'command': 'c', 'if': '', 'features': 'f', 'gen': true }\n"),
        "t.json: In command 'c':\nt.json:1: 'if' condition '' of command is not a valid identifier\n"
    );
    assert_eq!(
        check("{ 'command': 'c', 'features': 'f', 'gen': true }\n"),
        "t.json: In command 'c':\nt.json:1: 'features' must be an array\n"
    );
}

// Legacy mode.

#[test]
fn legacy_mode_warns_about_pragma_gated_names_and_goes_on() {
    let schema = r"
{ 'struct': 'GuestAgentInfo',
  'data': { 'version': 'str', 'supported_commands': [ 'str' ] } }
{ 'enum': 'Mode', 'data': [ 'Upper', 'ok' ] }
{ 'command': 'guest_sync' }
{ 'struct': 'Next', 'data': { 'x': { 'typo': 'int' } } }
";
    assert_eq!(
        check_legacy(schema),
        "t.json: In struct 'GuestAgentInfo':\n\
         t.json:2: warning: name of 'data' member 'supported_commands' must not use uppercase or '_'\n\
         t.json: In enum 'Mode':\n\
         t.json:4: warning: name of 'data' member 'Upper' must not use uppercase or '_'\n\
         t.json: In command 'guest_sync':\n\
         t.json:5: warning: name of command must not use uppercase or '_'\n\
         t.json: In struct 'Next':\n\
         t.json:6: 'data' member 'x' misses key 'type'\n"
    );
    assert_eq!(
        check(schema).lines().take(2).collect::<Vec<_>>(),
        [
            "t.json: In struct 'GuestAgentInfo':",
            "t.json:2: name of 'data' member 'supported_commands' must not use uppercase or '_'"
        ]
    );
}

#[test]
fn legacy_mode_keeps_rules_no_pragma_excuses() {
    // Command arguments, alternate branches, features and upper case in command names have
    // no pragma exception, so they stay errors.
    let schema = r"
{ 'command': 'foo', 'data': { 'an_arg': 'int' } }
{ 'command': 'Foo' }
{ 'alternate': 'Alt', 'data': { 'a_b': 'int' } }
";
    assert_eq!(
        check_legacy(schema),
        "t.json: In command 'foo':\n\
         t.json:2: name of 'data' member 'an_arg' must not use uppercase or '_'\n\
         t.json: In command 'Foo':\n\
         t.json:3: name of command must not use uppercase or '_'\n\
         t.json: In alternate 'Alt':\n\
         t.json:4: name of 'data' member 'a_b' must not use uppercase or '_'\n"
    );
}
