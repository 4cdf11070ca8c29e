//! `generated-example`: starts the `example-agent` binary on a temporary socket and takes it
//! through a short tour with the client built on `qga-schema` (see
//! `generated_example::client::tour`). Exits 0 only if every step worked.
//!
//! `cargo run` builds only the binary it runs, so on a fresh checkout `example-agent` is not
//! there yet: when the tour was started by cargo and finds no agent next to itself, it builds
//! one with `cargo build -p generated-example --bin example-agent` in its own profile.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
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
        None => match example_agent() {
            Ok(program) => AgentCommand::example_agent(&program),
            Err(message) => {
                eprintln!("generated-example: {message}");
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

/// The `example-agent` next to this program, built first when it is missing and this program
/// runs under cargo (which says so with the `CARGO` variable it sets for `cargo run`).
fn example_agent() -> Result<PathBuf, String> {
    let exe = std::env::current_exe()
        .map_err(|error| format!("cannot find my own executable: {error}"))?;
    let agent = exe.with_file_name(format!("example-agent{}", std::env::consts::EXE_SUFFIX));
    if agent.exists() {
        return Ok(agent);
    }
    let Some(cargo) = std::env::var_os("CARGO") else {
        return Err(format!(
            "{} does not exist; build it with `cargo build -p generated-example --bin example-agent`",
            agent.display()
        ));
    };
    let mut build = Command::new(cargo);
    build.args(["build", "-p", "generated-example", "--bin", "example-agent"]);
    if let Some(profile) = cargo_profile(&exe) {
        build.args(["--profile", &profile]);
    }
    if let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        build.current_dir(manifest_dir);
    }
    eprintln!("generated-example: example-agent is not built yet; running {build:?}");
    let status = build
        .status()
        .map_err(|error| format!("cannot run cargo to build example-agent: {error}"))?;
    if !status.success() {
        return Err(format!("building example-agent failed ({status})"));
    }
    if !agent.exists() {
        return Err(format!(
            "cargo built example-agent, but not at {}",
            agent.display()
        ));
    }
    Ok(agent)
}

/// The cargo profile that built `exe`, from the directory cargo put it in: `target/debug` is
/// the `dev` profile, any other `target/NAME` the profile `NAME`.
fn cargo_profile(exe: &Path) -> Option<String> {
    let directory = exe.parent()?.file_name()?.to_str()?;
    Some(match directory {
        "debug" => "dev".to_owned(),
        name => name.to_owned(),
    })
}
