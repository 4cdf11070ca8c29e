//! Starting a guest agent process on a temporary socket, for the example's tour and for every
//! test that talks to a real agent: the `example-agent` binary, or any agent given as a command
//! template such as [`QEMU_GA_TEMPLATE`].
//!
//! The agent always gets [`BLOCK_LIST`]: on this machine it executes real system calls, and
//! the commands listed there would shut down, suspend or freeze the machine or change its
//! clock, processors, memory or passwords.

use std::fs;
use std::io;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The commands an agent started here must refuse.
pub const BLOCK_LIST: &str = "guest-shutdown,guest-suspend-disk,guest-suspend-ram,\
guest-suspend-hybrid,guest-fsfreeze-freeze,guest-fsfreeze-freeze-list,guest-fsfreeze-thaw,\
guest-fstrim,guest-set-time,guest-set-vcpus,guest-set-memory-blocks,guest-set-user-password";

/// How the project's conformance script starts the reference qemu-ga (its `REFERENCE_ARGS`),
/// as a template for [`AgentCommand::from_template`]. The pid file and log go to the
/// temporary directory rather than `/var/run`.
pub const QEMU_GA_TEMPLATE: &str =
    "qemu-ga -m unix-listen -p {sock} -t {dir} -f {dir}/pid -l {dir}/log -b {block}";

/// How long an agent may take to create its socket and accept a connection.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A program and its arguments, in which `{sock}`, `{dir}` and `{block}` stand for the socket
/// path, the temporary directory and [`BLOCK_LIST`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentCommand {
    /// The program.
    pub program: String,
    /// Its arguments, with placeholders.
    pub args: Vec<String>,
}

impl AgentCommand {
    /// `example-agent` at `program`, with the flags qemu-ga takes:
    /// `-m unix-listen -p {sock} -t {dir} -b {block}`.
    pub fn example_agent(program: &Path) -> AgentCommand {
        let args = [
            "-m",
            "unix-listen",
            "-p",
            "{sock}",
            "-t",
            "{dir}",
            "-b",
            "{block}",
        ];
        AgentCommand {
            program: program.to_string_lossy().into_owned(),
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
        }
    }

    /// `program` with the flags the reference qemu-ga gets ([`QEMU_GA_TEMPLATE`]), pid file and
    /// log in the temporary directory included: for qemu-ga itself and for agents that take
    /// the same flags, measured or tested side by side.
    pub fn qemu_ga_flags(program: &str) -> AgentCommand {
        let template = AgentCommand::from_template(QEMU_GA_TEMPLATE)
            .expect("the qemu-ga template is not blank");
        AgentCommand {
            program: program.to_owned(),
            args: template.args,
        }
    }

    /// A command written as one line, words separated by white space (no quoting), such as
    /// [`QEMU_GA_TEMPLATE`]; `None` if it is blank.
    pub fn from_template(template: &str) -> Option<AgentCommand> {
        let mut words = template.split_whitespace().map(str::to_owned);
        let program = words.next()?;
        Some(AgentCommand {
            program,
            args: words.collect(),
        })
    }

    /// The arguments with the placeholders filled in.
    pub fn expand(&self, socket: &Path, dir: &Path) -> Vec<String> {
        let socket = socket.to_string_lossy();
        let dir = dir.to_string_lossy();
        self.args
            .iter()
            .map(|arg| {
                arg.replace("{sock}", &socket)
                    .replace("{dir}", &dir)
                    .replace("{block}", BLOCK_LIST)
            })
            .collect()
    }
}

/// Why an agent could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The temporary directory could not be made.
    #[error("cannot create a temporary directory: {0}")]
    TempDir(#[source] io::Error),
    /// The program could not be run.
    #[error("cannot run {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        source: io::Error,
    },
    /// The agent exited before accepting a connection.
    #[error("{program} exited ({status}) before listening; its output: {output}")]
    Exited {
        /// The program.
        program: String,
        /// How it exited.
        status: String,
        /// What it wrote to stdout and stderr.
        output: String,
    },
    /// The agent did not accept a connection in time.
    #[error("{program} did not listen on {} within {} seconds", .socket.display(), START_TIMEOUT.as_secs())]
    NotListening {
        /// The program.
        program: String,
        /// The socket it was told to create.
        socket: PathBuf,
    },
}

/// A running agent and its temporary directory; dropping it kills the agent and removes the
/// directory.
#[derive(Debug)]
pub struct AgentProcess {
    child: Child,
    dir: PathBuf,
    socket: PathBuf,
    command_line: String,
}

impl AgentProcess {
    /// Makes a temporary directory, starts `command` with its socket there (`DIR/sock`,
    /// output to `DIR/output`), and waits until the socket accepts a connection.
    pub fn start(command: &AgentCommand) -> Result<AgentProcess, StartError> {
        let dir = make_temp_dir().map_err(StartError::TempDir)?;
        let socket = dir.join("sock");
        let args = command.expand(&socket, &dir);
        let command_line = std::iter::once(command.program.as_str())
            .chain(args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        let output_path = dir.join("output");
        let spawned = fs::File::create(&output_path).and_then(|output| {
            let errors = output.try_clone()?;
            Command::new(&command.program)
                .args(&args)
                .stdin(Stdio::null())
                .stdout(output)
                .stderr(errors)
                .spawn()
        });
        let child = match spawned {
            Ok(child) => child,
            Err(source) => {
                let _ = fs::remove_dir_all(&dir);
                return Err(StartError::Spawn {
                    program: command.program.clone(),
                    source,
                });
            }
        };
        // From here on, dropping `agent` kills the child and removes the directory.
        let mut agent = AgentProcess {
            child,
            dir,
            socket,
            command_line,
        };
        agent.wait_until_listening(&command.program)?;
        Ok(agent)
    }

    /// The socket the agent listens on.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The temporary directory (the agent's state directory), removed with the agent.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The agent's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The command line the agent was started with.
    pub fn command_line(&self) -> &str {
        &self.command_line
    }

    /// What the agent wrote to stdout and stderr so far.
    pub fn output(&self) -> String {
        fs::read(self.dir.join("output"))
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }

    /// Kills the agent, waits for it, and removes the temporary directory. An agent that
    /// already exited is reported as `Ok(Some(status))` so that a crash is not missed.
    pub fn stop(mut self) -> io::Result<Option<String>> {
        let exited_early = self.child.try_wait()?.map(|status| status.to_string());
        self.shut_down();
        fs::remove_dir_all(&self.dir)?;
        Ok(exited_early)
    }

    /// Waits up to `timeout` for the agent to exit by itself (after a signal, say); its exit
    /// status, or `None` if it is still running.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> io::Result<Option<ExitStatus>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(Some(status));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn shut_down(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }

    fn wait_until_listening(&mut self, program: &str) -> Result<(), StartError> {
        let begin = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(StartError::Exited {
                    program: program.to_owned(),
                    status: status.to_string(),
                    output: self.output().trim_end().to_owned(),
                });
            }
            // The socket file appears at bind(), a moment before listen(): only a
            // connection proves the agent is ready.
            if UnixStream::connect(&self.socket).is_ok() {
                return Ok(());
            }
            if begin.elapsed() > START_TIMEOUT {
                return Err(StartError::NotListening {
                    program: program.to_owned(),
                    socket: self.socket.clone(),
                });
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        self.shut_down();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The version of the installed qemu-ga, as `qemu-ga -V` prints it ("QEMU Guest Agent 7.2.22"
/// gives "7.2.22"); `None` when qemu-ga cannot be run or prints no version. Tests against
/// the real qemu-ga take version-specific facts from here, so that they pass with any version.
pub fn qemu_ga_version() -> Option<String> {
    let output = Command::new("qemu-ga").arg("-V").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace()
        .skip_while(|word| *word != "Agent")
        .nth(1)
        .map(str::to_owned)
}

/// A new, empty directory under the system's temporary directory; the name has the process
/// id, the time and a counter so that parallel tests do not collide.
fn make_temp_dir() -> io::Result<PathBuf> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or(0);
    loop {
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("qga-process-{}-{nanos}-{count}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand() {
        let qemu_ga = AgentCommand::from_template(QEMU_GA_TEMPLATE).unwrap();
        assert_eq!(qemu_ga.program, "qemu-ga");
        assert_eq!(
            qemu_ga
                .expand(Path::new("/t/sock"), Path::new("/t"))
                .join(" "),
            format!("-m unix-listen -p /t/sock -t /t -f /t/pid -l /t/log -b {BLOCK_LIST}")
        );
        let example = AgentCommand::example_agent(Path::new("/bin dir/example-agent"));
        assert_eq!(example.program, "/bin dir/example-agent");
        assert_eq!(
            example.expand(Path::new("/t/sock"), Path::new("/t")),
            [
                "-m",
                "unix-listen",
                "-p",
                "/t/sock",
                "-t",
                "/t",
                "-b",
                BLOCK_LIST
            ]
        );
        assert_eq!(AgentCommand::from_template("  "), None);
    }

    #[test]
    fn block_list_has_every_system_changing_command() {
        let blocked: Vec<&str> = BLOCK_LIST.split(',').collect();
        assert_eq!(
            blocked,
            [
                "guest-shutdown",
                "guest-suspend-disk",
                "guest-suspend-ram",
                "guest-suspend-hybrid",
                "guest-fsfreeze-freeze",
                "guest-fsfreeze-freeze-list",
                "guest-fsfreeze-thaw",
                "guest-fstrim",
                "guest-set-time",
                "guest-set-vcpus",
                "guest-set-memory-blocks",
                "guest-set-user-password",
            ]
        );
    }

    #[test]
    fn a_missing_program_is_reported() {
        let command = AgentCommand::from_template("/nonexistent/agent -p {sock}").unwrap();
        let error = AgentProcess::start(&command).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot run /nonexistent/agent: "),
            "{error}"
        );
    }

    #[test]
    fn an_agent_that_exits_is_reported() {
        let command = AgentCommand::from_template("/bin/sh -c exit").unwrap();
        let error = AgentProcess::start(&command).unwrap_err();
        assert_eq!(
            error.to_string(),
            "/bin/sh exited (exit status: 0) before listening; its output: "
        );
    }
}
