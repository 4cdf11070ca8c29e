//! Decode throughput of QEMU 10.0.2's `query-qmp-schema` reply (tests/fixtures, ~236 KB) into
//! the generated `Vec<SchemaInfo>` and into `serde_json::Value`, in the same run. Prints a
//! markdown table. `cargo bench -p qmp-schema --bench decode_schema`.

use std::hint::black_box;
use std::time::{Duration, Instant};

const FIXTURE: &str = include_str!("../tests/fixtures/introspect-x86_64-none.json");

/// Runs `decode` repeatedly for about `budget`; returns (iterations, elapsed).
fn measure(budget: Duration, mut decode: impl FnMut() -> usize) -> (u32, Duration) {
    // Warm-up, and a check that the decoder does something.
    assert!(decode() > 1000);
    let start = Instant::now();
    let mut iterations = 0;
    while start.elapsed() < budget {
        black_box(decode());
        iterations += 1;
    }
    (iterations, start.elapsed())
}

/// One row of the table: what is decoded into, and the decoder (returning the entry count).
type Row = (&'static str, Box<dyn FnMut() -> usize>);

fn main() {
    let budget = Duration::from_secs(3);
    let bytes = FIXTURE.len() as f64;
    let rows: [Row; 2] = [
        (
            "`Vec<SchemaInfo>` (generated)",
            Box::new(|| {
                let infos: Vec<qmp_schema::SchemaInfo> =
                    serde_json::from_str(black_box(FIXTURE)).unwrap();
                infos.len()
            }),
        ),
        (
            "`serde_json::Value`",
            Box::new(|| {
                let value: serde_json::Value = serde_json::from_str(black_box(FIXTURE)).unwrap();
                value.as_array().map_or(0, Vec::len)
            }),
        ),
    ];
    println!("query-qmp-schema reply: {} bytes\n", FIXTURE.len());
    println!("| decoded into | iterations | time per decode | throughput |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, mut decode) in rows {
        let (iterations, elapsed) = measure(budget, &mut decode);
        let per = elapsed.as_secs_f64() / f64::from(iterations);
        println!(
            "| {name} | {iterations} | {:.3} ms | {:.1} MB/s |",
            per * 1e3,
            bytes / per / 1e6
        );
    }
}
