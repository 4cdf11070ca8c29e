//! Generates the QMP bindings with the options of `codegen.rs`.

#[path = "codegen.rs"]
mod codegen;

fn main() -> Result<(), qapi_gen_codegen::Error> {
    let server = std::env::var_os("CARGO_FEATURE_SERVER").is_some();
    qapi_gen_codegen::Builder::with_options(codegen::SCHEMA, codegen::options(server)).generate()
}
