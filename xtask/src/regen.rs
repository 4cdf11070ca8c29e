//! `cargo xtask regen [--check]`: the checked-in copies of generated code.
//!
//! `generated-example/src/generated.rs` is what `qga-schema`'s build script generates from the
//! seed schema, kept in the repository so that a reader (or a reviewer of a generator change)
//! sees exactly what we emit. Both read the options of `qga-schema/codegen.rs`. With `--check`
//! nothing is written and a stale copy is an error naming the command that fixes it.

use anyhow::Result;
use qapi_gen_codegen::{ensure_file_contents, Builder, Options};
use std::path::Path;

#[path = "../../qga-schema/codegen.rs"]
mod qga_schema_codegen;

/// One checked-in file: the schema it comes from (relative to the workspace root), the options
/// its crate's build script uses, and where the copy lives.
struct CheckedIn {
    schema: String,
    options: Options,
    output: &'static str,
}

fn checked_in() -> Vec<CheckedIn> {
    vec![CheckedIn {
        schema: format!("qga-schema/{}", qga_schema_codegen::SCHEMA),
        options: qga_schema_codegen::options(),
        output: "generated-example/src/generated.rs",
    }]
}

pub fn regen(root: &Path, check: bool) -> Result<()> {
    for file in checked_in() {
        let text =
            Builder::with_options(root.join(&file.schema), file.options).generate_to_string()?;
        let written = ensure_file_contents(&root.join(file.output), &text, check)?;
        let verdict = if written { "written" } else { "up to date" };
        println!("{}: {verdict}", file.output);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// CI runs this through `cargo test`: a generator change without `cargo xtask regen`
    /// fails here, with the command to run in the message.
    #[test]
    fn checked_in_generated_code_is_fresh() {
        super::regen(&crate::project_root(), true).unwrap();
    }
}
