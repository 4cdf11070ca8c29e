//! Prints the code generated for a schema: `cargo run -p qapi-codegen --example generate --
//! [--legacy] SCHEMA`.

fn main() -> Result<(), qapi_codegen::Error> {
    let mut legacy = false;
    let mut schema = None;
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "--legacy" => legacy = true,
            _ => schema = Some(argument),
        }
    }
    let Some(schema) = schema else {
        eprintln!("usage: generate [--legacy] SCHEMA");
        std::process::exit(2);
    };
    let text = qapi_codegen::Builder::new(schema)
        .legacy(legacy)
        .generate_to_string()?;
    print!("{text}");
    Ok(())
}
