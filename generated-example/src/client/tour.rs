//! The tour `cargo run -p generated-example` takes: start an agent on a temporary socket,
//! drive it with the functions of [`ops`] (those `example-client` uses), say what happened,
//! stop it.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::Duration;

use qapi_runtime::client::Timeouts;
use qga_schema::GuestNetworkInterface;

use super::{connect, ops, render, Address, AgentClient, Error};
use qga_process::{AgentCommand, AgentProcess, BLOCK_LIST};

/// What the exec step runs: a shell writing one line to each output.
const EXEC_PROGRAM: &str = "/bin/sh";
const EXEC_SCRIPT: &str = "echo hello from the guest; echo and from its stderr >&2";

/// The bytes the file step writes and reads back: text, a line break and every byte value,
/// so that base64 and binary-safe transfer are both exercised.
fn file_contents() -> Vec<u8> {
    let mut contents = b"written by the generated-example tour\n".to_vec();
    contents.extend(0..=255u8);
    contents
}

/// Runs the tour against a new agent started with `command`, printing to `out`. Returns
/// whether every step worked; an agent that cannot be started is an `Err`.
pub fn run(command: &AgentCommand, timeout: Duration, out: &mut dyn Write) -> io::Result<bool> {
    writeln!(out, "Starting the agent {}", command.program)?;
    let agent = match AgentProcess::start(command) {
        Ok(agent) => agent,
        Err(error) => {
            writeln!(out, "FAILED to start the agent: {error}")?;
            return Ok(false);
        }
    };
    let command_line = agent.command_line().replace(BLOCK_LIST, "BLOCKED");
    writeln!(out, "    {command_line}\n    (BLOCKED = {BLOCK_LIST})")?;
    writeln!(out, "    listening on {}", agent.socket().display())?;

    let address = Address::Unix(agent.socket().to_path_buf());
    let timeouts = Timeouts {
        read: Some(timeout),
        write: Some(timeout),
    };
    let mut all_worked = match connect(&address, timeouts) {
        Ok(mut client) => {
            writeln!(out, "Connected and synchronised (guest-sync-delimited).\n")?;
            steps(&mut client, &agent, timeout, out)?
        }
        Err(error) => {
            writeln!(out, "FAILED to connect: {error}")?;
            false
        }
    };

    let dir = agent.dir().display().to_string();
    match agent.stop() {
        Ok(None) => writeln!(out, "\nStopped the agent and removed {dir}.")?,
        Ok(Some(status)) => {
            writeln!(out, "\nFAILED: the agent had exited early ({status}).")?;
            all_worked = false;
        }
        Err(error) => {
            writeln!(out, "\nFAILED to clean up {dir}: {error}")?;
            all_worked = false;
        }
    }
    if all_worked {
        writeln!(out, "Every step worked.")?;
    } else {
        writeln!(out, "Some steps FAILED.")?;
    }
    Ok(all_worked)
}

/// One step of the tour; the `String` is what it shows on success.
type Step = fn(&mut AgentClient, &AgentProcess, Duration) -> Result<String, Error>;

fn steps(
    client: &mut AgentClient,
    agent: &AgentProcess,
    timeout: Duration,
    out: &mut dyn Write,
) -> io::Result<bool> {
    let steps: [(&str, Step); 5] = [
        ("guest-info: who is there", info_step),
        ("guest-ping", ping_step),
        ("a file written and read back", file_step),
        ("guest-exec with captured output", exec_step),
        ("network interfaces", interfaces_step),
    ];
    let mut all_worked = true;
    for (number, (title, step)) in steps.iter().enumerate() {
        writeln!(out, "[{}/{}] {title}", number + 1, steps.len())?;
        match step(client, agent, timeout) {
            Ok(report) => {
                for line in report.lines() {
                    writeln!(out, "    {line}")?;
                }
                writeln!(out, "    ok")?;
            }
            Err(error) => {
                writeln!(out, "    FAILED: {error}")?;
                all_worked = false;
            }
        }
    }
    Ok(all_worked)
}

fn info_step(client: &mut AgentClient, _: &AgentProcess, _: Duration) -> Result<String, Error> {
    let info = ops::info(client)?;
    let enabled: Vec<&str> = info
        .supported_commands
        .iter()
        .filter(|command| command.enabled)
        .map(|command| command.name.as_str())
        .collect();
    let disabled = info.supported_commands.len() - enabled.len();
    Ok(format!(
        "agent version {}, {} commands, {disabled} disabled\nenabled: {}",
        info.version,
        info.supported_commands.len(),
        enabled.join(" ")
    ))
}

fn ping_step(client: &mut AgentClient, _: &AgentProcess, _: Duration) -> Result<String, Error> {
    ops::ping(client)?;
    Ok("the agent answered".to_owned())
}

fn file_step(client: &mut AgentClient, agent: &AgentProcess, _: Duration) -> Result<String, Error> {
    let path = agent.dir().join("tour-file");
    let path = path.to_string_lossy();
    let contents = file_contents();
    let written = ops::put(client, &path, &contents)?;
    let read = ops::cat(client, &path)?;
    if read != contents {
        return Err(Error::Inconsistent {
            command: "guest-file-read",
            reason: format!(
                "read back {} bytes that differ from the {written} written",
                read.len()
            ),
        });
    }
    Ok(format!(
        "wrote {written} bytes to {path} (guest-file-open, -write, -close)\n\
         read back {} identical bytes (guest-file-open, -read, -close)",
        read.len()
    ))
}

fn exec_step(
    client: &mut AgentClient,
    _: &AgentProcess,
    timeout: Duration,
) -> Result<String, Error> {
    let args = ["-c".to_owned(), EXEC_SCRIPT.to_owned()];
    let outcome = ops::exec(client, EXEC_PROGRAM, &args, Some(timeout))?;
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let mut report = format!(
        "ran {EXEC_PROGRAM} -c '{EXEC_SCRIPT}' as pid {}, polled guest-exec-status until it exited\n",
        outcome.pid
    );
    let _ = writeln!(report, "exit code {}", outcome.exit_code());
    let _ = writeln!(report, "stdout: {:?}", stdout);
    let _ = write!(report, "stderr: {:?}", stderr);
    let expected = ("hello from the guest\n", "and from its stderr\n", Some(0));
    if (stdout.as_ref(), stderr.as_ref(), outcome.status.exitcode) != expected {
        return Err(Error::Inconsistent {
            command: "guest-exec-status",
            reason: format!("unexpected result:\n{report}"),
        });
    }
    Ok(report)
}

fn interfaces_step(
    client: &mut AgentClient,
    _: &AgentProcess,
    _: Duration,
) -> Result<String, Error> {
    let interfaces: Vec<GuestNetworkInterface> = ops::interfaces(client)?;
    if interfaces.is_empty() {
        return Err(Error::Inconsistent {
            command: "guest-network-get-interfaces",
            reason: "no interfaces, not even loopback".to_owned(),
        });
    }
    Ok(render::interfaces(&interfaces).trim_end().to_owned())
}
