//! Generates the guest-agent bindings with the options of `codegen.rs`.

#[path = "codegen.rs"]
mod codegen;

fn main() -> Result<(), qapi_gen_codegen::Error> {
    qapi_gen_codegen::Builder::with_options(codegen::SCHEMA, codegen::options()).generate()
}
