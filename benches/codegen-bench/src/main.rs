//! Benchmarks of qapi-gen-codegen and of the code it generates (issue 3), each against the `qapi`
//! crates of crates.io (arcnmx's qapi-rs: `qapi-codegen` 0.11.3, `qapi-qmp` 0.15.0, `qapi-qga`
//! 0.13.0) or serde_derive, measured in the same run and printed as markdown tables of ratios.
//!
//! ```text
//! cargo run --release -p codegen-bench -- [all | generate | compile | decode] [--runs N]
//! ```
//!
//! - `generate` (a): schema → Rust, see [`generate`]. QMP 10.0.2 (`schemas/qemu-10.0.2/qapi`)
//!   and the QEMU 9.1 QMP schema `qapi-qmp` ships, each through qapi-gen-codegen's whole pipeline and
//!   through qapi-rs' generator. QEMU's own Python generator (`scripts/qapi`) is not measured:
//!   it is not published on any registry reachable here.
//! - `compile` (b): cold release compile time of `qmp-schema`, `qga-schema`, `qapi-qmp`,
//!   `qapi-qga`, see [`compile`] for the method. Slow: four cold builds (about 4 minutes on
//!   two cores).
//! - `decode` (c): MB/s decoding real qemu-ga 7.2 replies into the seed's generated types,
//!   serde_derive equivalents and `serde_json::Value`, see [`decode`].
//!
//! `--runs` (default 5) is the number of runs of each generator; the decode benchmark takes 60
//! samples per decoder. Scratch projects and target directories go under
//! `$CARGO_TARGET_DIR/codegen-bench/` (see [`scratch`]); crates.io must be reachable.
//!
//! # Results
//!
//! Run on 2026-12-02 on the project's sandbox (2 cores, Rust 1.95, no other build running but
//! a shared host: repeated runs differ by up to 30% in absolute figures, less in ratios), after
//! generation moved to our own token printer, the generated code to `qapi_runtime::__private`,
//! and the parser to lexing comments in Rust. Each table comes from one run of
//! `cargo run --release -p codegen-bench -- generate | decode | compile`.
//!
//! ### (a) schema → Rust, median of 5 runs
//!
//! | schema | qapi-gen-codegen: parse + validate | qapi-gen-codegen: whole pipeline | output | without server side | qapi-rs codegen 0.11.3 | output | qapi-gen-codegen / qapi-rs | without server side / qapi-rs |
//! | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
//! | QMP 10.0.2 | 32.9 ms | 135.6 ms | 3496 KiB | 125.5 ms | 54.9 ms | 717 KiB | 2.47× | 2.29× |
//! | QMP 9.1 (qapi-qmp's) | 32.2 ms | 138.6 ms | 3438 KiB | 130.8 ms | 56.6 ms | 705 KiB | 2.45× | 2.31× |
//!
//! (A second run: 2.28× and 2.59×; 2.30× and 2.55× without the server side. This table was
//! taken after the client stubs became one runtime call each and optional members one line.)
//!
//! qapi-gen-codegen writes five times as much code (hand-written serde impls, rustdoc from the QAPI
//! docs, dispatch and both clients) and lays it out as readable Rust; qapi-rs writes
//! unformatted `#[derive]` structs as it parses, and validates nothing. "Without server side"
//! is `Builder::dispatch(false)`: types, client stubs and events, what qapi-rs generates.
//! Earlier the same day, with syn + prettyplease laying out the tokens, the whole pipeline took
//! 268.9 ms against 39.7 ms (6.77×). Where the time goes now (QMP 10.0.2): parse + validate
//! about 20–30 ms on one thread, then building the tokens with `quote` and laying them out
//! (about 45 ms of which is freeing the tokens) on both cores: `perf stat -r 10 -e task-clock`
//! of `qapi-gen generate` gives 191 ms of CPU and 109 ms of wall time in all. A quarter of all
//! cycles is malloc and free. QEMU's Python generator was not measured (see above); the issue's figure
//! of about 1 s for it is context only.
//!
//! ### (b) cold release compile time, seconds
//!
//! | crate | cold, with deps | crate alone | of which build script | of which library |
//! | --- | ---: | ---: | ---: | ---: |
//! | qmp-schema | 33.0 | 9.7 | 0.7 | 8.9 |
//! | qapi-qmp | 35.3 | 27.3 | 0.4 | 26.8 |
//! | qga-schema | 25.7 | 0.7 | 0.2 | 0.4 |
//! | qapi-qga | 10.6 | 2.1 | 0.4 | 1.7 |
//!
//! | ours / qapi-rs | crate alone | library |
//! | --- | ---: | ---: |
//! | qmp-schema / qapi-qmp | 0.36× | 0.33× |
//! | qga-schema / qapi-qga | 0.32× | 0.23× |
//!
//! (An earlier run the same day, before the client stubs became one runtime call each: 0.41×
//! and 0.34×.)
//!
//! Before the generated code called `qapi_runtime::__private`, qmp-schema took 0.62× of
//! qapi-qmp. Most of its machine code came from `Event::decode`, a non-generic function that
//! compiled every event's decoder in the bindings crate; it and the enums' `From<&str>` are now
//! `#[inline]`, so, like generic code, they are compiled in the crate that calls them, and only
//! what it calls. "Cold, with deps" differs in what is built (our side compiles pest and syn
//! for qapi-gen-codegen, theirs syn and serde_derive) and is context only. qapi-qmp and qapi-qga
//! build QEMU 9.1's QMP and their own QGA schema, ours QEMU 10.0.2's QMP and the seed.
//!
//! ### (c) decode throughput of qemu-ga 7.2 replies, MB/s, fastest of 60 samples
//!
//! | reply | bytes | generated | serde_derive | Value | generated / derive | generated / Value |
//! | --- | ---: | ---: | ---: | ---: | ---: | ---: |
//! | guest-network-get-interfaces | 931 | 777 | 730 | 190 | 1.06× | 4.09× |
//! | guest-get-fsinfo | 263 | 600 | 594 | 166 | 1.01× | 3.62× |
//! | guest-info | 3219 | 833 | 826 | 267 | 1.01× | 3.12× |
//! | guest-get-memory-blocks | 11034 | 886 | 912 | 229 | 0.97× | 3.87× |
//!
//! Run to run, generated / derive moves by about ±4% (the run before gave 1.06×, 1.02×,
//! 0.99×, 0.96×), more than the decoders differ. Counted in instructions (cachegrind, 1000
//! decodes of each reply less a run with none, with a throwaway driver over the same types),
//! the generated decoders take 2.4%, 0.5% and 1.6% fewer than serde_derive's for
//! guest-network-get-interfaces, guest-get-fsinfo and guest-get-memory-blocks, and 0.6% more
//! for guest-info. The derive equivalents keep an unknown enum value as `Other(String)`, an
//! untagged variant, as the generated enums do: with a unit `#[serde(other)]` instead they
//! were 2–3% faster on guest-get-fsinfo, whose elements hold such an enum. `Value` is an
//! `IndexMap` here (the workspace enables serde_json's `preserve_order`).

mod compile;
mod decode;
mod derived;
mod generate;
mod scratch;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut what = "all".to_owned();
    let mut runs = 5;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--runs" => match iter.next().map(|n| n.parse()) {
                Some(Ok(n)) if n > 0 => runs = n,
                _ => bail!("--runs takes a positive number"),
            },
            "all" | "generate" | "compile" | "decode" => what = arg.clone(),
            _ => bail!("usage: codegen-bench [all | generate | compile | decode] [--runs N]"),
        }
    }
    if what == "all" || what == "generate" {
        print_generate(runs)?;
    }
    if what == "all" || what == "decode" {
        print_decode();
    }
    if what == "all" || what == "compile" {
        print_compile()?;
    }
    Ok(())
}

fn print_generate(runs: usize) -> Result<()> {
    let root = scratch::workspace_root();
    let theirs_qmp =
        scratch::package_dir(&compile::qapi_rs_project()?, "qapi-qmp")?.join("schema/qapi");
    let schemas = [
        (
            "QMP 10.0.2".to_owned(),
            root.join("schemas/qemu-10.0.2/qapi"),
        ),
        ("QMP 9.1 (qapi-qmp's)".to_owned(), theirs_qmp),
    ];
    let rows = generate::run(&schemas, runs)?;
    println!("### (a) schema → Rust, median of {runs} runs\n");
    println!(
        "| schema | qapi-gen-codegen: parse + validate | qapi-gen-codegen: whole pipeline | output | without server side | qapi-rs codegen {} | output | qapi-gen-codegen / qapi-rs | without server side / qapi-rs |",
        scratch::QAPI_CODEGEN
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for row in rows {
        let (theirs, ratio, client_ratio) = match &row.theirs {
            Ok(time) => (
                format!("{:.1} ms", millis(*time)),
                format!("{:.2}×", millis(row.ours) / millis(*time)),
                format!("{:.2}×", millis(row.ours_client) / millis(*time)),
            ),
            Err(message) => (format!("fails: {message}"), "–".to_owned(), "–".to_owned()),
        };
        println!(
            "| {} | {:.1} ms | {:.1} ms | {} KiB | {:.1} ms | {theirs} | {} KiB | {ratio} | {client_ratio} |",
            row.schema,
            millis(row.ours_check),
            millis(row.ours),
            row.ours_bytes / 1024,
            millis(row.ours_client),
            row.theirs_bytes / 1024,
        );
    }
    println!();
    Ok(())
}

fn print_decode() {
    let samples = 60;
    let rows = decode::run(samples);
    println!(
        "### (c) decode throughput of qemu-ga 7.2 replies, MB/s, fastest of {samples} samples\n"
    );
    println!("| reply | bytes | generated | serde_derive | Value | generated / derive | generated / Value |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for row in rows {
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.2}× | {:.2}× |",
            row.command,
            row.bytes,
            row.generated,
            row.derived,
            row.value,
            row.generated / row.derived,
            row.generated / row.value,
        );
    }
    println!();
}

fn print_compile() -> Result<()> {
    let rows = compile::run()?;
    println!("### (b) cold release compile time, seconds\n");
    println!(
        "| crate | cold, with deps | crate alone | of which build script | of which library |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for row in &rows {
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            row.package,
            row.cold_with_deps.as_secs_f64(),
            row.alone.as_secs_f64(),
            row.build_script,
            row.library,
        );
    }
    println!();
    let find = |name: &str| rows.iter().find(|row| row.package == name);
    println!("| ours / qapi-rs | crate alone | library |");
    println!("| --- | ---: | ---: |");
    for (ours, theirs) in [("qmp-schema", "qapi-qmp"), ("qga-schema", "qapi-qga")] {
        if let (Some(ours), Some(theirs)) = (find(ours), find(theirs)) {
            println!(
                "| {} / {} | {:.2}× | {:.2}× |",
                ours.package,
                theirs.package,
                ours.alone.as_secs_f64() / theirs.alone.as_secs_f64(),
                ours.library / theirs.library,
            );
        }
    }
    println!();
    Ok(())
}

fn millis(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
