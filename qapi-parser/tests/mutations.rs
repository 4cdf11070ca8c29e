//! Mutated real schemas through the parser and checker: no panic, and a schema is accepted
//! exactly when no error is reported. The fuzz target (`fuzz/`) explores further; this test
//! runs the same property in every `cargo test`, deterministically.

use qapi_gen_parser::{check_with, MemoryFileSystem, Options};
use std::path::Path;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Fragments that are likely to reach deep into the checks when spliced in.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "'",
    "#",
    "##\n",
    "\n# @x:\n",
    "'*opt'",
    "'data'",
    "'base'",
    "'if'",
    "{ 'all': [] }",
    "'features'",
    "'deprecated'",
    "'boxed': true",
    "'int'",
    "['str']",
    "'union'",
    "'discriminator'",
    "'returns'",
    "true",
    "false",
    "\\\\",
    "'q_obj_x-arg'",
    "\t",
    "\u{a0}",
    "é",
    "\r",
    "Since:",
    "Returns:",
    "Features:",
    "\n# Note: x\n",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(3) {
            0 => {
                let end = (at + rng.below(40)).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
                bytes.splice(at..at, fragment.bytes());
            }
            _ => {
                let len = bytes.len();
                if len > 0 {
                    let from = rng.below(len);
                    let end = (from + rng.below(200)).min(len);
                    let copy = bytes[from..end].to_vec();
                    bytes.splice(at.min(len)..at.min(len), copy);
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check_mutations(name: &str, text: &str, rounds: usize, seed: u64) {
    let mut rng = Rng(seed);
    for round in 0..rounds {
        let mutated = mutate(text, &mut rng);
        let fs = MemoryFileSystem::new().with_file("m.json", mutated.as_str());
        for legacy in [false, true] {
            let checked = check_with(&fs, Path::new("m.json"), &Options { legacy });
            assert_eq!(
                checked.schema.is_some(),
                !checked.has_errors(),
                "{name} round {round}: accepted exactly when there is no error"
            );
            if checked.schema.is_none() {
                assert!(
                    checked.diagnostics.iter().any(|d| d.is_error()),
                    "{name} round {round}: rejected without an error"
                );
            }
            for diagnostic in &checked.diagnostics {
                assert!(!diagnostic.render(&checked.sources).is_empty());
            }
        }
    }
}

#[test]
fn mutated_guest_agent_schemas_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let seed = std::fs::read_to_string(root.join("qga-schema/qapi-schema.json")).unwrap();
    let modern =
        std::fs::read_to_string(root.join("schemas/qemu-10.0.2/qga/qapi-schema.json")).unwrap();
    check_mutations("seed", &seed, 150, 0x5EED);
    check_mutations("qga-10.0.2", &modern, 150, 0x0A6E);
}

#[test]
fn mutated_suite_cases_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/qemu-suite");
    for name in [
        "qapi-schema-test",
        "doc-good",
        "comments",
        "alternate-array",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        check_mutations(name, &text, 150, name.len() as u64 * 7919);
    }
}
