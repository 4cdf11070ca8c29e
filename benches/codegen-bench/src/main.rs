//! Benchmarks of qapi-codegen and of the code it generates (issue 3), each against the `qapi`
//! crates of crates.io (arcnmx's qapi-rs: `qapi-codegen` 0.11.3, `qapi-qmp` 0.15.0, `qapi-qga`
//! 0.13.0) or serde_derive, measured in the same run and printed as markdown tables of ratios.
//!
//! ```text
//! cargo run --release -p codegen-bench -- [all | generate | compile | decode] [--runs N]
//! ```
//!
//! - `generate` (a): schema → Rust, see [`generate`]. QMP 10.0.2 (`schemas/qemu-10.0.2/qapi`)
//!   and the QEMU 9.1 QMP schema `qapi-qmp` ships, each through qapi-codegen's whole pipeline and
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
//! Run on 2026-12-02 on the project's sandbox (2 cores, nothing else running, Rust 1.95) with
//! `cargo run --release -p codegen-bench -- all`, after generation was split into pieces
//! formatted on every core:
//!
//! ### (a) schema → Rust, median of 5 runs
//!
//! | schema | qapi-codegen: parse + validate | qapi-codegen: whole pipeline | output | qapi-rs codegen 0.11.3 | output | qapi-codegen / qapi-rs |
//! | --- | ---: | ---: | ---: | ---: | ---: | ---: |
//! | QMP 10.0.2 | 25.6 ms | 268.9 ms | 4829 KiB | 39.7 ms | 717 KiB | 6.77× |
//! | QMP 9.1 (qapi-qmp's) | 25.5 ms | 257.8 ms | 4749 KiB | 37.4 ms | 705 KiB | 6.90× |
//!
//! qapi-codegen writes 6.7 times as much code (hand-written serde impls, rustdoc from the QAPI
//! docs, the server trait, dispatch and both clients) and lays it out as readable Rust; qapi-rs
//! writes unformatted `#[derive]` structs as it parses and validates nothing. (The figures above
//! were taken when the layout was syn + prettyplease, then most of the pipeline: about 2.5 G of
//! the 4.5 G instructions. qapi-codegen now prints the tokens with its own printer, with no
//! parse; building the tokens and printing them are spread over the cores.) QEMU's
//! Python generator was not measured (see above); the issue's figure of about 1 s for it is
//! context only.
//!
//! ### (b) cold release compile time, seconds
//!
//! | crate | cold, with deps | crate alone | of which build script | of which library |
//! | --- | ---: | ---: | ---: | ---: |
//! | qmp-schema | 31.8 | 13.9 | 1.1 | 12.7 |
//! | qapi-qmp | 28.6 | 22.4 | 0.4 | 22.0 |
//! | qga-schema | 18.7 | 0.7 | 0.2 | 0.4 |
//! | qapi-qga | 9.1 | 1.8 | 0.3 | 1.5 |
//!
//! | ours / qapi-rs | crate alone | library |
//! | --- | ---: | ---: |
//! | qmp-schema / qapi-qmp | 0.62× | 0.58× |
//! | qga-schema / qapi-qga | 0.39× | 0.29× |
//!
//! (Measured with `-- compile` after qmp-schema's server side moved behind its `server`
//! feature; qapi-qmp has no server side either. With it, the QMP library took 14.9 s, 0.60×.)
//!
//! "Cold, with deps" differs in what is built (our side compiles pest and syn for qapi-codegen,
//! and prettyplease when these figures were taken; theirs syn and serde_derive) and is disturbed
//! by other work on the shared cores:
//! context only. The comparison is "crate alone". qapi-qmp and qapi-qga build QEMU 9.1's QMP and
//! their own QGA schema, ours QEMU 10.0.2's QMP and the seed.
//!
//! ### (c) decode throughput of qemu-ga 7.2 replies, MB/s, fastest of 60 samples
//!
//! | reply | bytes | generated | serde_derive | Value | generated / derive | generated / Value |
//! | --- | ---: | ---: | ---: | ---: | ---: | ---: |
//! | guest-network-get-interfaces | 931 | 706 | 716 | 174 | 0.99× | 4.07× |
//! | guest-get-fsinfo | 263 | 600 | 597 | 166 | 1.01× | 3.62× |
//! | guest-info | 3219 | 704 | 772 | 183 | 0.91× | 3.84× |
//! | guest-get-memory-blocks | 11034 | 921 | 912 | 151 | 1.01× | 6.10× |
//!
//! On a loaded machine, three runs in a row gave generated / derive of 0.94–0.97× for guest-info and
//! guest-network-get-interfaces and 0.97–1.02× for the other two. `Value` is an `IndexMap`
//! here (the workspace enables serde_json's `preserve_order`). A profile (`perf record` of
//! `codegen-bench decode`) shows both typed decoders fully inlined into serde_json's
//! `deserialize_struct`, their time spent in serde_json's string and number parsing; `#[inline]`
//! on the generated `FromKey::from_key` (the one non-generic function of a decode) was tried and
//! changed nothing measurable.

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
        "| schema | qapi-codegen: parse + validate | qapi-codegen: whole pipeline | output | without server side | qapi-rs codegen {} | output | qapi-codegen / qapi-rs | without server side / qapi-rs |",
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
