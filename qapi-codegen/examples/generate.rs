//! Prints the code generated for a schema: `cargo run -p qapi-gen-codegen --example generate --
//! [--legacy] [--async-client[=CFG]] SCHEMA`.

fn main() -> Result<(), qapi_gen_codegen::Error> {
    let mut legacy = false;
    let mut async_client = false;
    let mut async_cfg = None;
    let mut schema = None;
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "--legacy" => legacy = true,
            "--async-client" => async_client = true,
            _ => match argument.strip_prefix("--async-client=") {
                Some(predicate) => {
                    async_client = true;
                    async_cfg = Some(predicate.to_owned());
                }
                None => schema = Some(argument),
            },
        }
    }
    let Some(schema) = schema else {
        eprintln!("usage: generate [--legacy] [--async-client[=CFG]] SCHEMA");
        std::process::exit(2);
    };
    let mut builder = qapi_gen_codegen::Builder::new(schema);
    builder.legacy(legacy).async_client(async_client);
    if let Some(predicate) = async_cfg {
        builder.async_client_cfg(predicate);
    }
    let text = builder.generate_to_string()?;
    print!("{text}");
    Ok(())
}
