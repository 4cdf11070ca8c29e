//! Times `diff` of QEMU 7.2.0's and 10.0.2's full QMP schemas (parsing and checking timed
//! apart). Run with `cargo bench -p qapi-diff`.

use qapi_gen_parser::{check_file, Options};
use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let options = Options { legacy: true };
    let started = Instant::now();
    let old = check_file(root.join("qemu-7.2.0/qapi/qapi-schema.json"), &options).schema;
    let new = check_file(root.join("qemu-10.0.2/qapi/qapi-schema.json"), &options).schema;
    let loading = started.elapsed();
    let (Some(old), Some(new)) = (old, new) else {
        eprintln!("a QMP schema did not check");
        std::process::exit(1);
    };
    const RUNS: u32 = 20;
    let mut fastest = std::time::Duration::MAX;
    let started = Instant::now();
    let mut changes = 0;
    for _ in 0..RUNS {
        let run = Instant::now();
        let report = qapi_diff::diff(&old, &new);
        let text = qapi_diff::report::text(&report, true);
        std::hint::black_box(text);
        changes = report.changes.len();
        fastest = fastest.min(run.elapsed());
    }
    let mean = started.elapsed() / RUNS;
    println!("parse+check both QMP schemas: {loading:?}");
    println!("diff + text report (--all), {changes} changes: mean {mean:?}, fastest {fastest:?} over {RUNS} runs");
}
