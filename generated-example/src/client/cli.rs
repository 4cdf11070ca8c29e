//! The `example-client` command line: parsing ([`parse_args`]) and running ([`run`]), with
//! the output streams passed in so that both can be tested without a process.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use qapi_runtime::client::Timeouts;
use serde_json::Value;

use super::{connect, ops, render, Address, AgentClient, Error};

/// The help text (`-h`, `--help`).
pub const USAGE: &str = "\
Usage: example-client --address SOCKET [--json] [--timeout SECS] COMMAND [ARGS...]

Talks to a QEMU guest agent (qemu-ga or example-agent) through the typed client
that qga-schema generates.

Options:
  -a, --address SOCKET  where the agent listens: PATH, unix:PATH or tcp:HOST:PORT
      --json            print results as JSON instead of text
      --timeout SECS    how long to wait for each reply, and for a program run by
                        `exec` to finish (default 30; 0 waits for ever)
  -h, --help            print this help

Commands:
  ping                  check that the agent answers
  info                  the agent's version and commands
  time                  the guest's clock
  cat PATH              print a guest file
  put LOCAL REMOTE      copy a local file to the guest
  exec PROGRAM ARGS...  run a program in the guest, print its output and exit
                        with its exit code
  ifconfig              network interfaces and their addresses
  fsinfo                mounted file systems and their disks
  vcpus                 virtual processors
  memory                memory blocks and their size

Exit status: the program's own for `exec`; otherwise 0 on success, 1 when the
agent reports an error or a local file cannot be read, 2 for a usage error,
3 when the connection or the protocol fails.
";

/// Exit status when the agent reports an error (or a local file cannot be read).
pub const EXIT_FAILURE: i32 = 1;
/// Exit status of a usage error.
pub const EXIT_USAGE: i32 = 2;
/// Exit status when the connection or the protocol fails.
pub const EXIT_TRANSPORT: i32 = 3;

/// The default for `--timeout`, the runtime client's own.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What to ask the agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `ping`
    Ping,
    /// `info`
    Info,
    /// `time`
    Time,
    /// `cat PATH`
    Cat {
        /// The guest file.
        path: String,
    },
    /// `put LOCAL REMOTE`
    Put {
        /// The file on this machine.
        local: PathBuf,
        /// The guest file to write.
        remote: String,
    },
    /// `exec PROGRAM ARGS...`
    Exec {
        /// The program (the agent searches `PATH`).
        program: String,
        /// Its arguments.
        args: Vec<String>,
    },
    /// `ifconfig`
    Ifconfig,
    /// `fsinfo`
    Fsinfo,
    /// `vcpus`
    Vcpus,
    /// `memory`
    Memory,
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// `--address`
    pub address: Address,
    /// `--json`
    pub json: bool,
    /// `--timeout` (`None`: wait for ever).
    pub timeout: Option<Duration>,
    /// The command and its arguments.
    pub command: Command,
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// `-h`/`--help`: print [`USAGE`].
    Help,
    /// Run a command.
    Run(Invocation),
}

/// Parses the arguments after the program name. Options come before the command; everything
/// after the command belongs to it, so `exec ls -l` passes `-l` to `ls`.
pub fn parse_args(args: &[String]) -> Result<Parsed, String> {
    let mut address = None;
    let mut json = false;
    let mut timeout = Some(DEFAULT_TIMEOUT);
    let mut rest = args.iter();
    let command_name = loop {
        let Some(arg) = rest.next() else {
            return Err("no command given".to_owned());
        };
        let (option, inline) = match arg.split_once('=') {
            Some((option, value)) if option.starts_with("--") => (option, Some(value)),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline {
                Some(value) => Ok(value.to_owned()),
                None => rest
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("option '{name}' needs a value")),
            }
        };
        match option {
            "-h" | "--help" => return Ok(Parsed::Help),
            "-a" | "--address" => address = Some(Address::parse(&value(option)?)?),
            "--timeout" => timeout = parse_timeout(&value(option)?)?,
            "--json" if inline.is_none() => json = true,
            "--" => match rest.next() {
                Some(command) => break command,
                None => return Err("no command given".to_owned()),
            },
            _ if option.starts_with('-') => return Err(format!("unknown option '{arg}'")),
            _ => break arg,
        }
    };
    let operands: Vec<String> = rest.cloned().collect();
    let command = parse_command(command_name, operands)?;
    let address = address.ok_or("missing --address")?;
    Ok(Parsed::Run(Invocation {
        address,
        json,
        timeout,
        command,
    }))
}

fn parse_timeout(text: &str) -> Result<Option<Duration>, String> {
    let invalid = || format!("invalid timeout '{text}': expected a number of seconds");
    let seconds: f64 = text.parse().map_err(|_| invalid())?;
    if seconds == 0.0 {
        return Ok(None);
    }
    Duration::try_from_secs_f64(seconds)
        .map(Some)
        .map_err(|_| invalid())
}

fn parse_command(name: &str, operands: Vec<String>) -> Result<Command, String> {
    let count = |expected: usize, usage: &str| {
        if operands.len() == expected {
            Ok(())
        } else {
            Err(format!("usage: {usage}"))
        }
    };
    let command = match name {
        "ping" => count(0, "ping").map(|()| Command::Ping)?,
        "info" => count(0, "info").map(|()| Command::Info)?,
        "time" => count(0, "time").map(|()| Command::Time)?,
        "ifconfig" => count(0, "ifconfig").map(|()| Command::Ifconfig)?,
        "fsinfo" => count(0, "fsinfo").map(|()| Command::Fsinfo)?,
        "vcpus" => count(0, "vcpus").map(|()| Command::Vcpus)?,
        "memory" => count(0, "memory").map(|()| Command::Memory)?,
        "cat" => {
            count(1, "cat PATH")?;
            let mut operands = operands.into_iter();
            Command::Cat {
                path: operands.next().unwrap_or_default(),
            }
        }
        "put" => {
            count(2, "put LOCAL REMOTE")?;
            let mut operands = operands.into_iter();
            Command::Put {
                local: PathBuf::from(operands.next().unwrap_or_default()),
                remote: operands.next().unwrap_or_default(),
            }
        }
        "exec" => {
            let mut operands = operands.into_iter();
            let program = operands.next().ok_or("usage: exec PROGRAM ARGS...")?;
            Command::Exec {
                program,
                args: operands.collect(),
            }
        }
        other => return Err(format!("unknown command '{other}'")),
    };
    Ok(command)
}

/// Runs the client on `args` (without the program name), writing results to `stdout` and
/// messages to `stderr`; returns the exit status.
pub fn run(args: Vec<OsString>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let args: Result<Vec<String>, _> = args.into_iter().map(OsString::into_string).collect();
    let parsed = match args {
        Ok(args) => parse_args(&args),
        Err(arg) => Err(format!(
            "argument '{}' is not valid UTF-8",
            arg.to_string_lossy()
        )),
    };
    let invocation = match parsed {
        Ok(Parsed::Help) => {
            return match stdout.write_all(USAGE.as_bytes()) {
                Ok(()) => 0,
                Err(_) => EXIT_FAILURE,
            }
        }
        Ok(Parsed::Run(invocation)) => invocation,
        Err(message) => {
            let _ = writeln!(
                stderr,
                "example-client: {message}\nTry 'example-client --help' for more information."
            );
            return EXIT_USAGE;
        }
    };
    match execute(&invocation, stdout, stderr) {
        Ok(status) => status,
        Err(Failure::Client(error)) => {
            let _ = writeln!(stderr, "example-client: {error}");
            if error.is_transport() {
                EXIT_TRANSPORT
            } else {
                EXIT_FAILURE
            }
        }
        Err(Failure::Output(error)) => {
            let _ = writeln!(stderr, "example-client: cannot write the output: {error}");
            EXIT_FAILURE
        }
    }
}

/// Why [`execute`] stopped.
enum Failure {
    Client(Error),
    Output(io::Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Client(error)
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Failure {
        Failure::Output(error)
    }
}

fn execute(
    invocation: &Invocation,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<i32, Failure> {
    let Invocation {
        address,
        json,
        timeout,
        command,
    } = invocation;
    // Read the local file before connecting: a typo should not cost a round trip.
    let local_contents = match command {
        Command::Put { local, .. } => {
            Some(std::fs::read(local).map_err(|source| Error::Local {
                path: local.clone(),
                source,
            })?)
        }
        _ => None,
    };
    let timeouts = Timeouts {
        read: *timeout,
        write: *timeout,
    };
    let mut client: AgentClient = connect(address, timeouts)?;
    let client = &mut client;
    let (text, value): (String, Value) = match command {
        Command::Ping => {
            ops::ping(client)?;
            (
                format!("the agent at {address} answered\n"),
                Value::Object(serde_json::Map::new()),
            )
        }
        Command::Info => {
            let info = ops::info(client)?;
            (render::info(&info), render::json(&info))
        }
        Command::Time => {
            let time = ops::time(client)?;
            (render::time(time), Value::from(time))
        }
        Command::Cat { path } => {
            let contents = ops::cat(client, path)?;
            if *json {
                print_json(stdout, &render::cat_json(path, &contents))?;
            } else {
                stdout.write_all(&contents)?;
                stdout.flush()?;
            }
            return Ok(0);
        }
        Command::Put { remote, .. } => {
            let written = ops::put(
                client,
                remote,
                local_contents.as_deref().unwrap_or_default(),
            )?;
            (
                render::put(written, remote),
                render::put_json(remote, written),
            )
        }
        Command::Exec { program, args } => {
            let outcome = ops::exec(client, program, args, *timeout)?;
            if *json {
                print_json(stdout, &render::exec_json(&outcome))?;
            } else {
                stdout.write_all(&outcome.stdout)?;
                stdout.flush()?;
                stderr.write_all(&outcome.stderr)?;
                if let Some(summary) = render::exec_summary(&outcome) {
                    stderr.write_all(summary.as_bytes())?;
                }
            }
            return Ok(outcome.exit_code());
        }
        Command::Ifconfig => {
            let interfaces = ops::interfaces(client)?;
            (render::interfaces(&interfaces), render::json(&interfaces))
        }
        Command::Fsinfo => {
            let filesystems = ops::fsinfo(client)?;
            (render::fsinfo(&filesystems), render::json(&filesystems))
        }
        Command::Vcpus => {
            let processors = ops::vcpus(client)?;
            (render::vcpus(&processors), render::json(&processors))
        }
        Command::Memory => {
            let report = ops::memory(client)?;
            (render::memory(&report), render::memory_json(&report))
        }
    };
    if *json {
        print_json(stdout, &value)?;
    } else {
        stdout.write_all(text.as_bytes())?;
    }
    stdout.flush()?;
    Ok(0)
}

fn print_json(stdout: &mut dyn Write, value: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *stdout, value)?;
    stdout.write_all(b"\n")?;
    stdout.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Parsed, String> {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        parse_args(&args)
    }

    fn invocation(command: Command) -> Parsed {
        Parsed::Run(Invocation {
            address: Address::Unix(PathBuf::from("/s")),
            json: false,
            timeout: Some(DEFAULT_TIMEOUT),
            command,
        })
    }

    #[test]
    fn parses_each_command() {
        assert_eq!(parse(&["-a", "/s", "ping"]), Ok(invocation(Command::Ping)));
        assert_eq!(
            parse(&["--address", "/s", "info"]),
            Ok(invocation(Command::Info))
        );
        assert_eq!(
            parse(&["--address=/s", "time"]),
            Ok(invocation(Command::Time))
        );
        assert_eq!(
            parse(&["-a", "/s", "cat", "/etc/hostname"]),
            Ok(invocation(Command::Cat {
                path: "/etc/hostname".to_owned()
            }))
        );
        assert_eq!(
            parse(&["-a", "/s", "put", "here", "/tmp/there"]),
            Ok(invocation(Command::Put {
                local: PathBuf::from("here"),
                remote: "/tmp/there".to_owned()
            }))
        );
        assert_eq!(
            parse(&["-a", "/s", "exec", "ls", "-l", "--json", "/"]),
            Ok(invocation(Command::Exec {
                program: "ls".to_owned(),
                args: vec!["-l".to_owned(), "--json".to_owned(), "/".to_owned()]
            }))
        );
        assert_eq!(
            parse(&["-a", "/s", "ifconfig"]),
            Ok(invocation(Command::Ifconfig))
        );
        assert_eq!(
            parse(&["-a", "/s", "fsinfo"]),
            Ok(invocation(Command::Fsinfo))
        );
        assert_eq!(
            parse(&["-a", "/s", "vcpus"]),
            Ok(invocation(Command::Vcpus))
        );
        assert_eq!(
            parse(&["-a", "/s", "--", "memory"]),
            Ok(invocation(Command::Memory))
        );
    }

    #[test]
    fn parses_options() {
        assert_eq!(
            parse(&["--json", "--timeout", "2.5", "-a", "tcp:host:4444", "ping"]),
            Ok(Parsed::Run(Invocation {
                address: Address::Tcp("host:4444".to_owned()),
                json: true,
                timeout: Some(Duration::from_millis(2500)),
                command: Command::Ping,
            }))
        );
        assert_eq!(
            parse(&["--timeout=0", "-a", "/s", "ping"]),
            Ok(Parsed::Run(Invocation {
                address: Address::Unix(PathBuf::from("/s")),
                json: false,
                timeout: None,
                command: Command::Ping,
            }))
        );
        assert_eq!(parse(&["-h"]), Ok(Parsed::Help));
        assert_eq!(parse(&["-a", "/s", "--help", "ping"]), Ok(Parsed::Help));
    }

    #[test]
    fn rejects_bad_command_lines() {
        let cases: &[(&[&str], &str)] = &[
            (&[], "no command given"),
            (&["-a", "/s"], "no command given"),
            (&["ping"], "missing --address"),
            (&["-a"], "option '-a' needs a value"),
            (
                &["-a", "/s", "--verbose", "ping"],
                "unknown option '--verbose'",
            ),
            (
                &["-a", "/s", "--json=yes", "ping"],
                "unknown option '--json=yes'",
            ),
            (&["-a", "/s", "reboot"], "unknown command 'reboot'"),
            (&["-a", "/s", "ping", "x"], "usage: ping"),
            (&["-a", "/s", "cat"], "usage: cat PATH"),
            (&["-a", "/s", "put", "x"], "usage: put LOCAL REMOTE"),
            (&["-a", "/s", "exec"], "usage: exec PROGRAM ARGS..."),
            (
                &["--timeout", "-1", "-a", "/s", "ping"],
                "invalid timeout '-1': expected a number of seconds",
            ),
            (
                &["--timeout", "soon", "-a", "/s", "ping"],
                "invalid timeout 'soon': expected a number of seconds",
            ),
            (
                &["-a", "tcp:nowhere", "ping"],
                "invalid TCP address 'tcp:nowhere': expected tcp:HOST:PORT",
            ),
        ];
        for (args, message) in cases {
            assert_eq!(parse(args), Err((*message).to_owned()), "{args:?}");
        }
    }

    fn run_captured(args: &[&str]) -> (i32, String, String) {
        let args = args.iter().map(OsString::from).collect();
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let status = run(args, &mut stdout, &mut stderr);
        (
            status,
            String::from_utf8_lossy(&stdout).into_owned(),
            String::from_utf8_lossy(&stderr).into_owned(),
        )
    }

    #[test]
    fn usage_errors_exit_2() {
        assert_eq!(
            run_captured(&["-a", "/s", "reboot"]),
            (
                EXIT_USAGE,
                String::new(),
                "example-client: unknown command 'reboot'\n\
                 Try 'example-client --help' for more information.\n"
                    .to_owned()
            )
        );
        assert_eq!(
            run_captured(&["--help"]),
            (0, USAGE.to_owned(), String::new())
        );
    }

    #[test]
    fn transport_errors_exit_3() {
        let (status, stdout, stderr) =
            run_captured(&["-a", "/nonexistent/example-client.sock", "ping"]);
        assert_eq!(status, EXIT_TRANSPORT);
        assert_eq!(stdout, "");
        assert!(
            stderr.starts_with(
                "example-client: cannot connect to the agent at /nonexistent/example-client.sock: "
            ),
            "{stderr}"
        );
    }

    #[test]
    fn unreadable_local_files_exit_1_before_connecting() {
        let (status, stdout, stderr) = run_captured(&[
            "-a",
            "/nonexistent/example-client.sock",
            "put",
            "/nonexistent/local-file",
            "/tmp/remote",
        ]);
        assert_eq!(status, EXIT_FAILURE);
        assert_eq!(stdout, "");
        assert!(
            stderr.starts_with("example-client: cannot read /nonexistent/local-file: "),
            "{stderr}"
        );
    }
}
