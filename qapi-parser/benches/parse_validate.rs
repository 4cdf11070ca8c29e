//! Parse + validate of QEMU 10.0.2's full QMP schema (about 740 KB in 40 files): time and peak
//! heap, each against a baseline measured in the same run.
//!
//! Baselines: `serde_json` parsing the same definitions written as standard JSON (the floor for
//! any parser of this data: no includes, no doc comments, no checks), and the size of the input.
//! Run with `cargo bench -p qapi-gen-parser --bench parse_validate`.

use qapi_gen_parser::ast::{TopLevel, Value};
use qapi_gen_parser::{check_file, Options};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live and peak heap bytes.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/qemu-10.0.2/qapi/qapi-schema.json")
}

/// The median of `runs` timings of `work`.
fn median_time(runs: usize, mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Peak heap growth while `work` runs.
fn peak_heap(work: impl FnOnce()) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    work();
    PEAK.load(Ordering::Relaxed) - before
}

/// Every definition of the schema as one standard-JSON array, for the baseline.
fn as_standard_json(path: &Path) -> String {
    fn convert(value: &Value) -> String {
        match value {
            Value::Str(text) => serde_json_string(text),
            Value::Bool(flag) => flag.to_string(),
            Value::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|item| convert(&item.node))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Value::Object(object) => format!(
                "{{{}}}",
                object
                    .members
                    .iter()
                    .map(|m| format!(
                        "{}:{}",
                        serde_json_string(&m.key.node),
                        convert(&m.value.node)
                    ))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
    fn serde_json_string(text: &str) -> String {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
    let mut sources = qapi_gen_parser::span::SourceMap::new();
    let mut diags = qapi_gen_parser::diag::Diagnostics::new();
    let parsed = qapi_gen_parser::parse::parse_schema(
        &qapi_gen_parser::RealFileSystem,
        path,
        &Options::default(),
        &mut sources,
        &mut diags,
    )
    .expect("the QMP schema parses");
    let definitions: Vec<String> = parsed
        .items
        .iter()
        .filter_map(|item| match item {
            TopLevel::Definition(definition) => {
                Some(convert(&Value::Object(definition.expr.node.clone())))
            }
            TopLevel::Include(_) => None,
        })
        .collect();
    format!("[{}]", definitions.join(","))
}

fn main() {
    let path = schema_path();
    let input_bytes: u64 = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .map(|metadata| metadata.len())
        .sum();
    let checked = check_file(&path, &Options::default());
    assert!(checked.schema.is_some(), "the QMP schema must check clean");

    let json = as_standard_json(&path);
    let runs = 30;
    let ours = median_time(runs, || {
        std::hint::black_box(check_file(&path, &Options::default()));
    });
    let baseline = median_time(runs, || {
        std::hint::black_box(serde_json::from_str::<serde_json::Value>(&json).unwrap());
    });
    let our_peak = peak_heap(|| {
        std::hint::black_box(check_file(&path, &Options::default()));
    });
    let baseline_peak = peak_heap(|| {
        std::hint::black_box(serde_json::from_str::<serde_json::Value>(&json).unwrap());
    });

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mb = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "parse + validate, QEMU 10.0.2 QMP schema ({input_bytes} bytes of input, median of {runs})"
    );
    println!("| what | time | peak heap |");
    println!("| --- | --- | --- |");
    println!(
        "| qapi-gen-parser check_file | {:.2} ms | {:.1} MB |",
        ms(ours),
        mb(our_peak)
    );
    println!(
        "| baseline: serde_json::Value of the definitions as JSON ({} bytes) | {:.2} ms | {:.1} MB |",
        json.len(),
        ms(baseline),
        mb(baseline_peak)
    );
    println!(
        "ratio: time {:.1}x the baseline; peak heap {:.1}x the baseline, {:.1}x the input size",
        ours.as_secs_f64() / baseline.as_secs_f64(),
        our_peak as f64 / baseline_peak as f64,
        our_peak as f64 / input_bytes as f64
    );
}
