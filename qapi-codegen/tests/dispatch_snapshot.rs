//! `snapshots/dispatch.rs` is what qapi-gen-codegen makes of `snapshots/dispatch.json`:
//! `EXPECTORATE=overwrite cargo test -p qapi-gen-codegen --test dispatch_snapshot` rewrites it
//! (review the diff); `dispatch_compiled.rs` compiles and runs it.

#[test]
fn snapshot_is_fresh() {
    let mut builder = qapi_gen_codegen::Builder::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/dispatch.json"
    ));
    // A command under this condition must be compiled out of the dispatcher.
    builder.cfg("CONFIG_NEVER", "any()");
    let text = builder.generate_to_string().unwrap();
    expectorate::assert_contents(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/dispatch.rs"),
        &text,
    );
}
