//! Any bytes, as a schema (and as a file it may include), through the whole parser and
//! checker in strict and legacy mode: no panic, no hang, and a rejected schema always says why.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qapi_gen_parser::{check_with, MemoryFileSystem, Options};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    // Split the input in two files so that includes are exercised too.
    let text = String::from_utf8_lossy(data);
    let (main, sub) = text.split_once('\u{0}').unwrap_or((&text, ""));
    let fs = MemoryFileSystem::new()
        .with_file("fuzz.json", main)
        .with_file("sub.json", sub);
    for legacy in [false, true] {
        let checked = check_with(&fs, Path::new("fuzz.json"), &Options { legacy });
        assert_eq!(checked.schema.is_some(), !checked.has_errors());
        for diagnostic in &checked.diagnostics {
            let _ = diagnostic.render(&checked.sources);
        }
    }
});
