//! Each test: a minimal schema in, QEMU's diagnostic out, in QEMU's `.err` form
//! (`t.json: In struct 'Foo':` then `t.json:LINE: MESSAGE`; warnings say `warning:`; a note
//! follows as QEMU prints it), or the model's facts out.

use super::define::module_name;
use crate::diag::Severity;
use crate::model::{Cond, Entity, Implicit, Schema, Type};
use crate::{check_with, Checked, MemoryFileSystem, Options};
use std::fmt::Write as _;
use std::path::Path;

fn run(schema: &str, options: &Options) -> Checked {
    check_with(
        &MemoryFileSystem::new().with_file("t.json", schema),
        Path::new("t.json"),
        options,
    )
}

/// The diagnostics of checking `schema`, as QEMU's `.err` files print them.
fn check(schema: &str) -> String {
    render(&run(schema, &Options::default()))
}

fn check_legacy(schema: &str) -> String {
    render(&run(schema, &Options { legacy: true }))
}

/// The model of a schema that must be valid.
fn model(schema: &str) -> Schema {
    let checked = run(schema, &Options::default());
    assert_eq!(render(&checked), "");
    checked.schema.expect("a valid schema has a model")
}

fn render(checked: &Checked) -> String {
    let sources = &checked.sources;
    let mut out = String::new();
    for diagnostic in &checked.diagnostics {
        let Some(span) = diagnostic.span else {
            let _ = writeln!(out, "{}", diagnostic.message);
            continue;
        };
        let path = sources.path(span.file).display();
        if let Some(context) = &diagnostic.context {
            let _ = writeln!(out, "{path}: {context}");
        }
        let severity = match diagnostic.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        let _ = writeln!(
            out,
            "{path}:{}: {severity}{}",
            sources.line(span),
            diagnostic.message
        );
        for note in &diagnostic.notes {
            if let Some(context) = &note.context {
                let _ = writeln!(out, "{path}: {context}");
            }
            let _ = writeln!(out, "{path}:{}: {}", sources.line(note.span), note.message);
        }
    }
    out
}

#[test]
fn redefinition_points_at_the_previous_definition() {
    let schema = r"
{ 'struct': 'Foo', 'data': {} }
{ 'enum': 'Foo', 'data': [] }
";
    assert_eq!(
        check(schema),
        "t.json: In enum 'Foo':
t.json:3: 'Foo' is already defined
t.json: In struct 'Foo':
t.json:2: previous definition
"
    );
}

#[test]
fn redefinition_of_a_builtin() {
    assert_eq!(
        check("{ 'command': 'int', 'data': { 'a': 'str' } }\n"),
        "t.json: In command 'int':\nt.json:1: built-in type 'int' is already defined\n"
    );
}

#[test]
fn implicit_arguments_of_a_redefined_command_are_made_once() {
    let schema = r"
{ 'command': 'foo', 'data': { 'a': 'int' } }
{ 'command': 'foo', 'data': { 'b': 'int' } }
";
    assert_eq!(
        check(schema),
        "t.json: In command 'foo':
t.json:3: 'foo' is already defined
t.json: In command 'foo':
t.json:2: previous definition
"
    );
}

#[test]
fn unknown_types_are_described_by_their_use() {
    assert_eq!(
        check("{ 'struct': 'Foo', 'data': { 'a': 'Nope' } }\n"),
        "t.json: In struct 'Foo':\nt.json:1: member 'a' uses unknown type 'Nope'\n"
    );
    assert_eq!(
        check("{ 'command': 'oops', 'data': { 'member': 'Nope' } }\n"),
        "t.json: In command 'oops':\nt.json:1: parameter 'member' uses unknown type 'Nope'\n"
    );
    // The array is made, and so checked, before the arguments that use it.
    assert_eq!(
        check("{ 'command': 'oops', 'data': { 'array': [ 'Nope' ] } }\n"),
        "t.json: In command 'oops':\nt.json:1: command uses unknown type 'Nope'\n"
    );
    assert_eq!(
        check("{ 'command': 'oops', 'returns': 'Nope' }\n"),
        "t.json: In command 'oops':\nt.json:1: command's 'returns' uses unknown type 'Nope'\n"
    );
    assert_eq!(
        check("{ 'event': 'OOPS', 'data': 'Nope' }\n"),
        "t.json: In event 'OOPS':\nt.json:1: event's 'data' uses unknown type 'Nope'\n"
    );
    assert_eq!(
        check("{ 'struct': 'Foo', 'base': 'Nope', 'data': {} }\n"),
        "t.json: In struct 'Foo':\nt.json:1: 'base' uses unknown type 'Nope'\n"
    );
}

#[test]
fn a_base_cycle_is_reported_at_the_first_object() {
    let schema = r"
{ 'struct': 'Base1', 'base': 'Base2', 'data': {} }
{ 'struct': 'Base2', 'base': 'Base1', 'data': {} }
";
    assert_eq!(
        check(schema),
        "t.json: In struct 'Base1':\nt.json:2: object Base1 contains itself\n"
    );
}

#[test]
fn a_union_branch_may_not_contain_its_union() {
    let schema = r"
{ 'enum': 'Kind', 'data': [ 'a' ] }
{ 'union': 'Uni', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind',
  'data': { 'a': 'Stru' } }
{ 'struct': 'Stru', 'base': 'Uni', 'data': {} }
";
    assert_eq!(
        check(schema),
        "t.json: In struct 'Stru':
t.json:5: 'base' requires a struct type, union type 'Uni' isn't
"
    );
}

#[test]
fn base_must_be_a_struct() {
    assert_eq!(
        check("{ 'struct': 'Foo', 'base': 'int', 'data': {} }\n"),
        "t.json: In struct 'Foo':\nt.json:1: 'base' requires a struct type, built-in type 'int' isn't\n"
    );
}

#[test]
fn members_clash_by_c_name() {
    assert_eq!(
        check(
            "{ 'pragma': { 'member-name-exceptions': [ 'Oops' ] } }
{ 'struct': 'Oops', 'data': { 'a-b': 'int', 'a_b': 'str' } }\n"
        ),
        "t.json: In struct 'Oops':\nt.json:2: member 'a_b' collides with member 'a-b'\n"
    );
    let schema = r"
{ 'struct': 'Base', 'data': { 'name': 'str' } }
{ 'struct': 'Sub', 'base': 'Base', 'data': { 'name': 'str' } }
";
    assert_eq!(
        check(schema),
        "t.json: In struct 'Sub':
t.json:3: member 'name' collides with member 'name' of type 'Base'
"
    );
    assert_eq!(
        check(
            "{ 'pragma': { 'member-name-exceptions': [ 'Kind' ] } }
{ 'enum': 'Kind', 'data': [ 'one-two', 'one_two' ] }\n"
        ),
        "t.json: In enum 'Kind':\nt.json:2: value 'one_two' collides with value 'one-two'\n"
    );
    assert_eq!(
        check("{ 'struct': 'Stru', 'data': {}, 'features': [ 'foo', 'foo' ] }\n"),
        "t.json: In struct 'Stru':\nt.json:1: feature 'foo' collides with feature 'foo'\n"
    );
}

#[test]
fn union_branch_members_clash_with_the_base() {
    let schema = r"
{ 'enum': 'Kind', 'data': [ 'a' ] }
{ 'struct': 'Alt', 'data': { 'string': 'str' } }
{ 'union': 'Uni', 'base': { 'kind': 'Kind', 'string': 'str' }, 'discriminator': 'kind',
  'data': { 'a': 'Alt' } }
";
    assert_eq!(
        check(schema),
        "t.json: In union 'Uni':
t.json:4: member 'string' of type 'Alt' collides with base member 'string'
"
    );
}

#[test]
fn the_discriminator_is_a_mandatory_unconditional_enum_member_of_the_base() {
    let prelude = "{ 'enum': 'Kind', 'data': [ 'a' ] }\n";
    let cases = [
        (
            "{ 'union': 'Uni', 'base': { 'x': 'Kind' }, 'discriminator': 'kind', 'data': {} }",
            "discriminator 'kind' is not a member of 'base'",
        ),
        (
            "{ 'union': 'Uni', 'base': { 'kind': 'str' }, 'discriminator': 'kind', 'data': {} }",
            "discriminator member 'kind' of 'base' must be of enum type",
        ),
        (
            "{ 'union': 'Uni', 'base': { '*kind': 'Kind' }, 'discriminator': 'kind', 'data': {} }",
            "discriminator member 'kind' of 'base' must not be optional",
        ),
        (
            "{ 'union': 'Uni', 'base': { 'kind': { 'type': 'Kind', 'if': 'COND' } },
  'discriminator': 'kind', 'data': {} }",
            "discriminator member 'kind' of 'base' must not be conditional",
        ),
    ];
    for (union, message) in cases {
        assert_eq!(
            check(&format!("{prelude}{union}\n")),
            format!("t.json: In union 'Uni':\nt.json:2: {message}\n")
        );
    }
    let schema = r"
{ 'struct': 'Base', 'data': { 'kind': 'str' } }
{ 'union': 'Uni', 'base': 'Base', 'discriminator': 'kind', 'data': {} }
";
    assert_eq!(
        check(schema),
        "t.json: In union 'Uni':
t.json:3: discriminator member 'kind' of base type 'Base' must be of enum type
"
    );
}

#[test]
fn union_branches_are_values_of_object_type() {
    let prelude = "{ 'enum': 'Kind', 'data': [ 'a' ] }\n{ 'enum': 'Empty', 'data': [] }\n";
    let cases = [
        (
            "{ 'union': 'Uni', 'base': { 'kind': 'Empty' }, 'discriminator': 'kind', 'data': {} }",
            "union has no branches",
        ),
        (
            "{ 'union': 'Uni', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind',
  'data': { 'b': 'q_empty' } }",
            "branch 'b' is not a value of enum type 'Kind'",
        ),
        (
            "{ 'union': 'Uni', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind',
  'data': { 'a': 'int' } }",
            "branch 'a' cannot use built-in type 'int'",
        ),
    ];
    for (union, message) in cases {
        assert_eq!(
            check(&format!("{prelude}{union}\n")),
            format!("t.json: In union 'Uni':\nt.json:3: {message}\n")
        );
    }
}

#[test]
fn alternate_branches_need_distinct_json_types() {
    let cases = [
        (
            "'one': 'bool', 'two': 'str'",
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            "'one': 'int', 'two': 'number'",
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            "'one': 'OnOff', 'two': 'bool'",
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            "'one': 'Digits', 'two': 'int'",
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            "'one': ['int'], 'two': ['str']",
            "branch 'two' can't be distinguished from 'one'",
        ),
        (
            "'one': 'any'",
            "branch 'one' cannot use built-in type 'any'",
        ),
        (
            "'one': 'Alt'",
            "branch 'one' cannot use alternate type 'Alt'",
        ),
    ];
    let prelude = r"{ 'enum': 'OnOff', 'data': [ 'on', 'off' ] }
{ 'enum': 'Digits', 'data': [ '1x' ] }
{ 'alternate': 'Alt', 'data': { 'i': 'int', 'b': 'bool' } }
";
    for (branches, message) in cases {
        assert_eq!(
            check(&format!(
                "{prelude}{{ 'alternate': 'Choice', 'data': {{ {branches} }} }}\n"
            )),
            format!("t.json: In alternate 'Choice':\nt.json:4: {message}\n")
        );
    }
    // An enum without such values, a string-free mix, and arrays are told apart.
    model(&format!(
        "{prelude}{{ 'alternate': 'Choice', 'data': {{ 'e': 'OnOff', 'n': 'number', 'l': ['int'] }} }}\n"
    ));
}

#[test]
fn command_arguments_and_returns() {
    let prelude = r"{ 'enum': 'Kind', 'data': [ 'a' ] }
{ 'union': 'Uni', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind', 'data': {} }
{ 'struct': 'Cond1', 'data': { 'a': { 'type': 'int', 'if': 'X' } } }
";
    let cases = [
        (
            "{ 'command': 'c', 'data': 'int' }",
            "command's 'data' cannot take built-in type 'int'",
        ),
        (
            "{ 'command': 'c', 'data': 'Uni' }",
            "command's 'data' can take union type 'Uni' only with 'boxed': true",
        ),
        (
            "{ 'command': 'c', 'data': 'Cond1' }",
            "conditional command arguments require 'boxed': true",
        ),
        (
            "{ 'command': 'c', 'data': { 'a': { 'type': 'int', 'if': 'X' } } }",
            "conditional command arguments require 'boxed': true",
        ),
        (
            "{ 'command': 'c', 'returns': 'Kind' }",
            "command's 'returns' cannot take enum type 'Kind'",
        ),
        (
            "{ 'command': 'c', 'returns': ['int'] }",
            "command's 'returns' cannot take array type ['int']",
        ),
    ];
    for (command, message) in cases {
        assert_eq!(
            check(&format!("{prelude}{command}\n")),
            format!("t.json: In command 'c':\nt.json:4: {message}\n")
        );
    }
    model(&format!(
        "{prelude}{{ 'command': 'c', 'data': 'Uni', 'boxed': true, 'returns': ['Cond1'] }}\n"
    ));
}

#[test]
fn event_arguments() {
    let prelude = r"{ 'enum': 'Kind', 'data': [ 'a' ] }
{ 'union': 'Uni', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind', 'data': {} }
";
    let cases = [
        (
            "{ 'event': 'EV', 'data': 'Kind' }",
            "event's 'data' cannot take enum type 'Kind'",
        ),
        (
            "{ 'event': 'EV', 'data': 'Uni' }",
            "event's 'data' can take union type 'Uni' only with 'boxed': true",
        ),
        (
            "{ 'event': 'EV', 'data': { 'a': { 'type': 'int', 'if': 'X' } } }",
            "conditional event arguments require 'boxed': true",
        ),
    ];
    for (event, message) in cases {
        assert_eq!(
            check(&format!("{prelude}{event}\n")),
            format!("t.json: In event 'EV':\nt.json:3: {message}\n")
        );
    }
}

#[test]
fn returns_exceptions_by_pragma_and_in_legacy_mode() {
    let schema = r"
{ 'pragma': { 'command-returns-exceptions': [ 'a' ] } }
{ 'command': 'a', 'returns': 'int' }
{ 'command': 'b', 'returns': 'int' }
";
    assert_eq!(
        check(schema),
        "t.json: In command 'b':\nt.json:4: command's 'returns' cannot take built-in type 'int'\n"
    );
    assert_eq!(
        check_legacy(schema),
        "t.json: In command 'b':
t.json:4: warning: command's 'returns' cannot take built-in type 'int'
"
    );
    assert!(run(schema, &Options { legacy: true }).schema.is_some());
}

#[test]
fn special_features_are_not_for_types() {
    assert_eq!(
        check("{ 'struct': 'Stru', 'data': {}, 'features': [ 'deprecated' ] }\n"),
        "t.json: In struct 'Stru':\nt.json:1: feature 'deprecated' is not supported for types\n"
    );
    model(
        "{ 'command': 'c', 'data': { 'a': { 'type': 'int', 'features': [ 'unstable' ] } },
  'features': [ 'deprecated' ] }\n",
    );
}

#[test]
fn at_most_64_feature_names() {
    let mut schema = String::new();
    for index in 0..63 {
        let _ = writeln!(
            schema,
            "{{ 'command': 'c{index}', 'features': [ 'f{index}' ] }}"
        );
    }
    // 63 + the two special features: the 65th name is on line 63.
    assert_eq!(
        check(&schema),
        "t.json: In command 'c62':\nt.json:63: Maximum of 64 schema features is permitted\n"
    );
    let reused: String = schema
        .lines()
        .take(62)
        .map(|line| format!("{line}\n"))
        .collect();
    model(&format!(
        "{reused}{{ 'command': 'again', 'features': [ 'f0', 'deprecated' ] }}\n"
    ));
}

#[test]
fn undocumented_members_and_features() {
    let schema = r"
##
# @Foo:
#
# @a: an a
##
{ 'struct': 'Foo', 'data': { 'a': 'int', 'b': 'int' } }
";
    assert_eq!(
        check(schema),
        "t.json: In struct 'Foo':\nt.json:7: member 'b' lacks documentation\n"
    );
    let schema = r"
##
# @cmd:
#
# @a: an a
##
{ 'command': 'cmd', 'data': { 'a': 'int' }, 'features': [ 'f' ] }
";
    assert_eq!(
        check(schema),
        "t.json: In command 'cmd':\nt.json:7: feature 'f' lacks documentation\n"
    );
}

#[test]
fn documentation_exceptions_get_stubs() {
    let schema = r"
{ 'pragma': { 'documentation-exceptions': [ 'Foo' ] } }
##
# @Foo:
#
# @b: a b
#
# Since: 1.0
##
{ 'struct': 'Foo', 'data': { 'a': 'int', 'b': 'int' } }
";
    let schema = model(schema);
    let args: Vec<&str> = schema.docs()[0].args.keys().map(String::as_str).collect();
    assert_eq!(args, ["b", "a"]);
    let foo = schema
        .ty(schema.lookup_type("Foo").unwrap())
        .as_object()
        .unwrap();
    assert_eq!(
        foo.members[1].doc.as_ref().map(|doc| doc.text.as_str()),
        Some("a b")
    );
    assert_eq!(
        foo.members[0].doc.as_ref().map(|doc| doc.text.as_str()),
        Some("")
    );
}

#[test]
fn documented_members_must_exist() {
    // Union branches are never documented members.
    let schema = r"
{ 'enum': 'Kind', 'data': [ 'a' ] }
{ 'struct': 'Alt', 'data': {} }
##
# @Uni:
#
# @kind: the kind
# @a: a branch
##
{ 'union': 'Uni', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind', 'data': { 'a': 'Alt' } }
";
    assert_eq!(
        check(schema),
        "t.json:8: documented member 'a' does not exist\n"
    );
}

#[test]
fn the_model_resolves_and_orders_implicit_types() {
    let schema = model(
        r"
{ 'enum': 'Kind', 'data': [ 'a', { 'name': 'b', 'if': 'B' } ] }
{ 'struct': 'Stru', 'data': { 'list': ['Tee'] } }
{ 'union': 'Uni', 'base': { 'kind': 'Kind' }, 'discriminator': 'kind', 'data': { 'a': 'Stru' },
  'if': { 'not': 'X' } }
{ 'struct': 'Tee', 'data': {} }
{ 'command': 'cmd', 'data': { 'arg': 'Uni' }, 'returns': ['Stru'] }
",
    );
    let user: Vec<&str> = schema
        .entities()
        .iter()
        .skip(32)
        .map(|entity| match entity {
            Entity::Type(id) => schema.ty(*id).name(),
            Entity::Command(id) => schema.command(*id).name.as_str(),
            Entity::Event(id) => schema.event(*id).name.as_str(),
            Entity::Include(_) => "include",
        })
        .collect();
    assert_eq!(
        user,
        [
            "Kind",
            "TeeList",
            "Stru",
            "q_obj_Uni-base",
            "Uni",
            "Tee",
            "q_obj_cmd-arg",
            "StruList",
            "cmd"
        ]
    );

    let union = schema
        .ty(schema.lookup_type("Uni").unwrap())
        .as_object()
        .unwrap();
    let base = schema.ty(union.base.unwrap()).as_object().unwrap();
    assert_eq!(
        base.implicit,
        Some(Implicit::Base {
            owner: "Uni".into()
        })
    );
    assert_eq!(base.cond, Some(Cond::Not(Box::new(Cond::Name("X".into())))));
    let branches = union.branches.as_ref().unwrap();
    let cases: Vec<(&str, &str)> = branches
        .branches
        .iter()
        .map(|branch| (branch.name.as_str(), schema.ty(branch.ty).name()))
        .collect();
    assert_eq!(cases, [("a", "Stru"), ("b", "q_empty")]);
    assert_eq!(branches.branches[1].cond, Some(Cond::Name("B".into())));
    assert_eq!(schema.ty(branches.discriminator_type).name(), "Kind");
    let members: Vec<&str> = schema
        .all_members(union)
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(members, ["kind"]);

    let Some(Entity::Command(cmd)) = schema.lookup("cmd") else {
        panic!("cmd is a command");
    };
    let cmd = schema.command(cmd);
    let Type::Array(returns) = schema.ty(cmd.ret_type.unwrap()) else {
        panic!("cmd returns an array");
    };
    assert_eq!(schema.ty(returns.element).name(), "Stru");
    assert_eq!(schema.ty(cmd.arg_type.unwrap()).name(), "q_obj_cmd-arg");
    assert!(schema.ty(cmd.arg_type.unwrap()).is_implicit());
}

#[test]
fn arrays_live_in_their_element_types_module() {
    let fs = MemoryFileSystem::new()
        .with_file(
            "dir/main.json",
            "{ 'struct': 'Stru', 'data': { 'l': ['Tee'] } }
{ 'include': 'sub/t.json' }
{ 'include': 'main2.json' }
",
        )
        .with_file(
            "dir/sub/t.json",
            "{ 'include': '../main2.json' }\n{ 'struct': 'Tee', 'data': {} }\n",
        )
        .with_file("dir/main2.json", "{ 'enum': 'Kind', 'data': [] }\n");
    let checked = check_with(&fs, Path::new("dir/main.json"), &Options::default());
    assert_eq!(render(&checked), "");
    let schema = checked.schema.unwrap();
    let modules: Vec<(&str, Vec<String>)> = schema
        .modules()
        .map(|(_, module)| {
            let names = module
                .entities
                .iter()
                .filter_map(|entity| match entity {
                    Entity::Type(id) if !module.is_builtin() => Some(schema.ty(*id).name().into()),
                    Entity::Include(include) => {
                        Some(format!("include {}", schema.module(include.module).name))
                    }
                    _ => None,
                })
                .collect();
            (module.name.as_str(), names)
        })
        .collect();
    assert_eq!(
        modules,
        [
            ("./builtin", vec![]),
            (
                "main.json",
                vec![
                    "Stru".to_owned(),
                    "include sub/t.json".to_owned(),
                    "include main2.json".to_owned()
                ]
            ),
            (
                "sub/t.json",
                // The array was made by `Stru`, before the include.
                vec![
                    "TeeList".to_owned(),
                    "include main2.json".to_owned(),
                    "Tee".to_owned()
                ]
            ),
            ("main2.json", vec!["Kind".to_owned()]),
        ]
    );
}

#[test]
fn module_names_are_relative_to_the_root_directory() {
    assert_eq!(module_name(Path::new("a/b.json"), Path::new("a")), "b.json");
    assert_eq!(
        module_name(Path::new("a/include/../x.json"), Path::new("a")),
        "x.json"
    );
    assert_eq!(module_name(Path::new("x.json"), Path::new("")), "x.json");
    assert_eq!(
        module_name(Path::new("a/../y.json"), Path::new("a")),
        "../y.json"
    );
    assert_eq!(
        module_name(Path::new("./builtin"), Path::new("a")),
        "./builtin"
    );
}

#[test]
fn legacy_mode_warns_about_member_docs() {
    let schema = r"
##
# @Foo:
#
# @old: a renamed member
##
{ 'struct': 'Foo', 'data': { 'new': 'int' } }
";
    assert_eq!(
        check_legacy(schema),
        "t.json: In struct 'Foo':
t.json:7: warning: member 'new' lacks documentation
t.json:5: warning: documented member 'old' does not exist
"
    );
    assert!(run(schema, &Options { legacy: true }).schema.is_some());
}
