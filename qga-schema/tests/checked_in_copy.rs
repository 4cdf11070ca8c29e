//! `generated-example/src/generated.rs` is written by `cargo xtask regen`, this crate's code by
//! its build script: the two must be the same bytes, or the copy a reader sees is not the code
//! that runs.

#[test]
fn the_checked_in_copy_is_what_the_build_script_generates() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));
    let checked_in = include_str!("../../generated-example/src/generated.rs");
    assert!(
        built == checked_in,
        "generated-example/src/generated.rs differs from qga-schema's build output: \
         run `cargo xtask regen` or align the options of xtask/src/regen.rs and qga-schema/build.rs"
    );
}
