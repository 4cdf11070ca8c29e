//! `example-agent`: a QEMU guest agent for Linux, command-line compatible with qemu-ga where
//! the two overlap. See `example-agent -h`.

use std::process::ExitCode;

use generated_example::agent::options::{self, Invocation, USAGE};
use generated_example::agent::{serve, VERSION};

fn main() -> ExitCode {
    match options::parse(std::env::args().skip(1)) {
        Ok(Invocation::Help) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Invocation::Version) => {
            println!("example-agent {VERSION} (QEMU Guest Agent protocol, qemu-ga 7.2 compatible)");
            ExitCode::SUCCESS
        }
        Ok(Invocation::ListCommands) => {
            for command in qga_schema::COMMANDS {
                println!("{}", command.name);
            }
            ExitCode::SUCCESS
        }
        Ok(Invocation::Run(options)) => match serve::run(options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("example-agent: {message}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("example-agent: {message}\nTry 'example-agent --help' for more information.");
            ExitCode::FAILURE
        }
    }
}
