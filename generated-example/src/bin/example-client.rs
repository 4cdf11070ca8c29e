//! `example-client`: a command-line client for a QEMU guest agent, built on the typed stubs
//! `qga-schema` generates. See `example-client --help`.

fn main() {
    let args = std::env::args_os().skip(1).collect();
    let status = generated_example::client::cli::run(
        args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(status);
}
