//! `cargo xtask regen [--check]`: the checked-in copies of generated code.
//!
//! `generated-example/src/generated.rs` is what `qga-schema`'s build script generates from the
//! seed schema, kept in the repository so that a reader (or a reviewer of a generator change)
//! sees exactly what we emit. With `--check` nothing is written and a stale copy is an error
//! naming the command that fixes it.

use anyhow::Result;
use qapi_gen_codegen::{ensure_file_contents, Builder};
use std::path::Path;

/// One checked-in file: the schema it comes from, in the options its crate's build script uses.
struct CheckedIn {
    schema: &'static str,
    legacy: bool,
    /// The cfg predicate of the async client, which is generated only when this is set.
    async_client_cfg: Option<&'static str>,
    output: &'static str,
}

const CHECKED_IN: &[CheckedIn] = &[CheckedIn {
    schema: "qga-schema/qapi-schema.json",
    legacy: true,
    async_client_cfg: Some(r#"feature = "tokio""#),
    output: "generated-example/src/generated.rs",
}];

pub fn regen(root: &Path, check: bool) -> Result<()> {
    for file in CHECKED_IN {
        let mut builder = Builder::new(root.join(file.schema));
        builder.legacy(file.legacy);
        if let Some(predicate) = file.async_client_cfg {
            builder.async_client(true).async_client_cfg(predicate);
        }
        let text = builder.generate_to_string()?;
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
