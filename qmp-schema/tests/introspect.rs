//! The introspection generated from QEMU 10.0.2's schema against `qemu-system-x86_64`'s own
//! `query-qmp-schema` answer: the one captured in `tests/fixtures/introspect-x86_64-none.json`
//! and, when `qemu-system-x86_64` is installed, a live one.
//!
//! The symbols are `qmp_schema::system_emulator_symbols("TARGET_I386")`: every entity,
//! member, value, variant and feature they decide must be as QEMU has it, and the type
//! numbering must be QEMU's. What depends on a symbol of the binary's own configuration
//! (`CONFIG_SPICE`, …) is printed, with what the live answer has.

use qapi_runtime::introspect::{Comparison, Introspection, Outcome};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use support::Qemu;

mod support;

fn compare(live: &Value) -> Comparison {
    let ours = Introspection::parse(qmp_schema::INTROSPECTION).unwrap();
    let symbols = qmp_schema::system_emulator_symbols("TARGET_I386");
    ours.compare(&symbols, live).unwrap()
}

/// Prints the comparison and checks that nothing the symbols decide differs.
fn check(what: &str, live: &Value, comparison: &Comparison) {
    println!(
        "{what}: {} live entities",
        live.as_array().map_or(0, Vec::len)
    );
    println!("outcomes: {:?}", comparison.counts());
    let mut reasons: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for compared in &comparison.entities {
        match &compared.outcome {
            Outcome::Undetermined { cond, live } => {
                let counts = reasons.entry(format!("entity if {cond}")).or_default();
                if *live {
                    counts.0 += 1;
                } else {
                    counts.1 += 1;
                }
            }
            Outcome::EqualUndetermined { conditions } => {
                for (cond, present) in conditions {
                    let counts = reasons.entry(format!("element if {cond}")).or_default();
                    if *present {
                        counts.0 += 1;
                    } else {
                        counts.1 += 1;
                    }
                }
            }
            _ => {}
        }
    }
    println!("undetermined, by condition (present live / absent live):");
    for (reason, (present, absent)) in &reasons {
        println!("  {reason}: {present} / {absent}");
    }
    // One binary has one configuration: whatever a condition guards is all there or all not.
    let mut by_cond: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (reason, (present, absent)) in &reasons {
        let cond = reason
            .split_once(" if ")
            .map_or(reason.as_str(), |(_, cond)| cond);
        let counts = by_cond.entry(cond).or_default();
        counts.0 += present;
        counts.1 += absent;
    }
    for (cond, (present, absent)) in by_cond {
        assert!(
            present == 0 || absent == 0,
            "{what}: {cond} is both present ({present}) and absent ({absent})"
        );
    }
    let failures: Vec<String> = comparison
        .entities
        .iter()
        .filter(|compared| compared.outcome.is_failure())
        .map(ToString::to_string)
        .collect();
    assert!(failures.is_empty(), "{what}:\n{}", failures.join("\n"));
    assert_eq!(comparison.renamed(), 0, "{what}: numbering differs");
    assert_eq!(comparison.unmatched_live, Vec::<String>::new(), "{what}");
    let counts = comparison.counts();
    // Most of the schema does not depend on the configuration.
    assert!(
        counts.get("Equal").copied().unwrap_or(0) > 1000,
        "{counts:?}"
    );
}

#[test]
fn introspection_matches_the_captured_answer() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/introspect-x86_64-none.json");
    let live: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let comparison = compare(&live);
    check("fixture", &live, &comparison);
    // The counts seen when the fixture was captured; a change to the generator or the
    // comparison that moves them is worth a look.
    let counts: Vec<(&str, usize)> = comparison.counts().into_iter().collect();
    assert_eq!(
        counts,
        [
            ("Equal", 1070),
            ("EqualUndetermined", 22),
            ("LeftOut", 23),
            ("Undetermined", 87)
        ]
    );
}

/// Starts `qemu-system-x86_64 -M none`, asks `query-qmp-schema` and quits it; `None` when
/// QEMU is not installed.
fn live_answer() -> Option<Value> {
    let (mut qemu, socket) = Qemu::start("introspect")?;
    let mut client = Qemu::connect(&socket);
    client.negotiate(&[]).unwrap();
    let answer = client.execute("query-qmp-schema", None).unwrap();
    client.execute("quit", None).unwrap();
    assert!(qemu.wait_for_exit(), "QEMU did not exit after quit");
    let status = qemu.child.try_wait().unwrap();
    assert!(status.is_some_and(|status| status.success()), "{status:?}");
    Some(answer)
}

#[test]
fn introspection_matches_a_live_qemu() {
    let Some(live) = live_answer() else {
        return;
    };
    check("live qemu-system-x86_64", &live, &compare(&live));
}
