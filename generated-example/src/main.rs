//! `generated-example`: starts the `example-agent` binary on a temporary socket and takes it
//! through a short tour with the client built on `qga-schema` (see
//! `generated_example::client::tour`). Exits 0 only if every step worked.

use std::process::ExitCode;
use std::time::Duration;

use generated_example::client::tour;
use qga_process::{AgentCommand, QEMU_GA_TEMPLATE};

/// The environment variable that, like `--agent-command`, names another agent to tour.
const AGENT_COMMAND_VARIABLE: &str = "GENERATED_EXAMPLE_AGENT_COMMAND";

fn usage() -> String {
    format!(
        "\
Usage: generated-example [--agent-command COMMAND] [--timeout SECS]

Starts example-agent (found next to this program) on a temporary socket, with the
system-changing commands blocked, and drives it with the generated client: info,
ping, a file written and read back, a program run with its output captured, and
the network interfaces.

Options:
  --agent-command COMMAND  run another agent; in COMMAND, {{sock}}, {{dir}} and
                           {{block}} stand for the socket, a temporary directory and
                           the block list, e.g. for the real QEMU guest agent:
                           '{QEMU_GA_TEMPLATE}'
                           (default: ${AGENT_COMMAND_VARIABLE}, else example-agent)
  --timeout SECS           the longest wait for one reply (default 30)
  -h, --help               print this help
"
    )
}

struct Options {
    agent: Option<String>,
    timeout: Duration,
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options {
        agent: std::env::var(AGENT_COMMAND_VARIABLE).ok(),
        timeout: Duration::from_secs(30),
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (option, inline) = match arg.split_once('=') {
            Some((option, value)) if option.starts_with("--") => (option, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| format!("option '{option}' needs a value"))
        };
        match option {
            "-h" | "--help" => return Ok(None),
            "--agent-command" => options.agent = Some(value()?),
            "--timeout" => {
                let text = value()?;
                options.timeout = text
                    .parse::<f64>()
                    .ok()
                    .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
                    .filter(|timeout| !timeout.is_zero())
                    .ok_or_else(|| format!("invalid timeout '{text}'"))?;
            }
            _ => return Err(format!("unexpected argument '{arg}'")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let options = match parse(&args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("generated-example: {message}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let command = match options.agent.as_deref() {
        Some(template) => match AgentCommand::from_template(template) {
            Some(command) => command,
            None => {
                eprintln!("generated-example: the agent command is empty");
                return ExitCode::from(2);
            }
        },
        None => match std::env::current_exe() {
            Ok(exe) => AgentCommand::example_agent(&exe.with_file_name("example-agent")),
            Err(error) => {
                eprintln!("generated-example: cannot find my own executable: {error}");
                return ExitCode::FAILURE;
            }
        },
    };
    let mut stdout = std::io::stdout().lock();
    match tour::run(&command, options.timeout, &mut stdout) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("generated-example: cannot write the output: {error}");
            ExitCode::FAILURE
        }
    }
}
