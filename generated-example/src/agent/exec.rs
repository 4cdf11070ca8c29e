//! `guest-exec` and `guest-exec-status`: programs run for the client, with qemu-ga 7.2's
//! semantics.
//!
//! The program is looked up in `PATH` (the one in `env` if given, else the agent's) unless
//! its name has a `/`, as glib's `g_spawn_async_with_pipes` with `G_SPAWN_SEARCH_PATH` does.
//! `env`, when given, is the whole environment. Without `input-data` the program reads
//! `/dev/null`; without `capture-output` its output goes to `/dev/null`. Captured output is
//! kept up to 16 MiB per stream (`out-truncated`). Each program gets a thread that feeds it,
//! drains it and reaps it; `guest-exec-status` reports `exited: false` until all of that is
//! done, then the result once, and forgets the process.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

use qapi_runtime::QapiError;
use qga_schema::{GuestExec, GuestExecArgs, GuestExecStatus};

use super::errno_text;
use crate::base64;

/// qemu-ga's `GUEST_EXEC_MAX_OUTPUT`: captured output beyond this is dropped.
pub const MAX_OUTPUT: usize = 16 << 20;

/// The processes started by `guest-exec` and not yet reported as exited.
#[derive(Clone, Debug, Default)]
pub struct ExecTable {
    processes: Arc<Mutex<BTreeMap<i64, Option<Finished>>>>,
}

/// What a process left behind.
#[derive(Debug)]
struct Finished {
    status: std::process::ExitStatus,
    output: Option<(Captured, Captured)>,
}

#[derive(Debug, Default)]
struct Captured {
    data: Vec<u8>,
    truncated: bool,
}

impl ExecTable {
    /// An empty table.
    pub fn new() -> ExecTable {
        ExecTable::default()
    }

    /// How many processes are known (running, or exited and not yet reported).
    pub fn len(&self) -> usize {
        self.processes.lock().map(|table| table.len()).unwrap_or(0)
    }

    /// Whether no process is known.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `guest-exec`.
    pub fn exec(&self, args: GuestExecArgs) -> Result<GuestExec, QapiError> {
        let GuestExecArgs {
            path,
            arg,
            env,
            input_data,
            capture_output,
        } = args;
        let input = match &input_data {
            Some(text) => Some(base64::decode_like_qemu_ga(text).map_err(QapiError::generic)?),
            None => None,
        };
        let capture = capture_output.unwrap_or(false);
        let spawn_failed = |error: &io::Error| {
            QapiError::generic(format!(
                "Guest agent command failed, error was 'Failed to execute child process \u{201C}{path}\u{201D} ({})'",
                errno_text(error)
            ))
        };
        let program = find_program(&path, env.as_deref()).map_err(|e| spawn_failed(&e))?;
        let mut command = Command::new(program);
        command.arg0(&path).args(arg.unwrap_or_default());
        if let Some(env) = &env {
            command.env_clear();
            for entry in env {
                if let Some((name, value)) = entry.split_once('=') {
                    if !name.is_empty() {
                        command.env(name, value);
                    }
                }
            }
        }
        let output = || {
            if capture {
                Stdio::piped()
            } else {
                Stdio::null()
            }
        };
        command
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(output())
            .stderr(output());
        let mut child = command.spawn().map_err(|e| spawn_failed(&e))?;
        let pid = i64::from(child.id());
        if let Ok(mut table) = self.processes.lock() {
            table.insert(pid, None);
        }
        let processes = Arc::clone(&self.processes);
        let started = thread::Builder::new()
            .name(format!("exec-{pid}"))
            .spawn(move || {
                let finished = supervise(&mut child, input, capture);
                if let Ok(mut table) = processes.lock() {
                    table.insert(pid, Some(finished));
                }
            });
        if let Err(error) = started {
            // Without its thread nobody would reap the process; refuse it instead.
            if let Ok(mut table) = self.processes.lock() {
                table.remove(&pid);
            }
            return Err(QapiError::generic(format!(
                "Guest agent command failed, error was '{}'",
                errno_text(&error)
            )));
        }
        Ok(GuestExec { pid })
    }

    /// `guest-exec-status`.
    pub fn status(&self, pid: i64) -> Result<GuestExecStatus, QapiError> {
        let invalid = || QapiError::generic("Invalid parameter 'pid'");
        let mut table = self.processes.lock().map_err(|_| invalid())?;
        let finished = match table.get(&pid) {
            None => return Err(invalid()),
            Some(None) => {
                return Ok(GuestExecStatus {
                    exited: false,
                    exitcode: None,
                    signal: None,
                    out_data: None,
                    err_data: None,
                    out_truncated: None,
                    err_truncated: None,
                })
            }
            Some(Some(_)) => table.remove(&pid).flatten().ok_or_else(invalid)?,
        };
        let Finished { status, output } = finished;
        let (out, err) = output.unwrap_or_default();
        let data = |captured: &Captured| {
            (!captured.data.is_empty()).then(|| base64::encode(&captured.data))
        };
        let truncated =
            |captured: &Captured| (!captured.data.is_empty()).then_some(captured.truncated);
        Ok(GuestExecStatus {
            exited: true,
            exitcode: status.code().map(i64::from),
            signal: status.signal().map(i64::from),
            out_data: data(&out),
            err_data: data(&err),
            out_truncated: truncated(&out),
            err_truncated: truncated(&err),
        })
    }
}

/// Feeds the child its input, drains its output and reaps it.
fn supervise(child: &mut Child, input: Option<Vec<u8>>, capture: bool) -> Finished {
    let feeder = match (input, child.stdin.take()) {
        (Some(input), Some(mut stdin)) => thread::Builder::new()
            .spawn(move || {
                // A program that exits without reading everything closes the pipe: not an
                // error of the agent's.
                let _ = stdin.write_all(&input);
            })
            .ok(),
        _ => None,
    };
    let err_reader = child
        .stderr
        .take()
        .and_then(|stderr| thread::Builder::new().spawn(move || drain(stderr)).ok());
    let out = child.stdout.take().map(drain).unwrap_or_default();
    let err = err_reader
        .and_then(|reader| reader.join().ok())
        .unwrap_or_default();
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    let status = loop {
        match child.wait() {
            Ok(status) => break status,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            // Only possible if the child was reaped elsewhere; report it as killed.
            Err(_) => break std::process::ExitStatus::from_raw(libc::SIGKILL),
        }
    };
    Finished {
        status,
        output: capture.then_some((out, err)),
    }
}

/// Reads a pipe to its end, keeping the first [`MAX_OUTPUT`] bytes.
fn drain(mut pipe: impl Read) -> Captured {
    let mut captured = Captured::default();
    let mut buffer = [0u8; 4096];
    loop {
        match pipe.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => {
                let room = MAX_OUTPUT - captured.data.len();
                if read > room {
                    captured.truncated = true;
                }
                captured.data.extend_from_slice(&buffer[..read.min(room)]);
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    captured
}

/// The file to execute for `name`: itself if it has a `/`, else the first executable
/// `DIR/name` along `PATH`, taken from `env` when it sets one.
fn find_program(name: &str, env: Option<&[String]>) -> io::Result<PathBuf> {
    if name.contains('/') {
        return Ok(PathBuf::from(name));
    }
    if name.is_empty() {
        return Err(io::Error::from_raw_os_error(libc::ENOENT));
    }
    let from_env = env.and_then(|env| {
        env.iter()
            .find_map(|entry| entry.strip_prefix("PATH=").map(str::to_owned))
    });
    let search = from_env
        .or_else(|| std::env::var("PATH").ok())
        .unwrap_or_else(|| "/bin:/usr/bin:.".to_owned());
    let mut denied = false;
    for dir in search.split(':') {
        let dir = if dir.is_empty() { "." } else { dir };
        let candidate = Path::new(dir).join(name);
        if let Ok(metadata) = std::fs::metadata(&candidate) {
            let executable =
                std::os::unix::fs::PermissionsExt::mode(&metadata.permissions()) & 0o111 != 0;
            if metadata.is_file() && executable {
                return Ok(candidate);
            }
            denied = true;
        }
    }
    Err(io::Error::from_raw_os_error(if denied {
        libc::EACCES
    } else {
        libc::ENOENT
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn args(path: &str, arg: &[&str]) -> GuestExecArgs {
        GuestExecArgs {
            path: path.to_owned(),
            arg: Some(arg.iter().map(|a| (*a).to_owned()).collect()),
            env: None,
            input_data: None,
            capture_output: Some(true),
        }
    }

    fn wait(table: &ExecTable, pid: i64) -> GuestExecStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status = table.status(pid).unwrap();
            if status.exited || Instant::now() > deadline {
                return status;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn captures_input_output_and_exit_code() {
        let table = ExecTable::new();
        let mut request = args("/bin/sh", &["-c", "cat; echo err >&2; exit 3"]);
        request.input_data = Some("aGVsbG8=".to_owned());
        let pid = table.exec(request).unwrap().pid;
        let status = wait(&table, pid);
        assert_eq!(status.exitcode, Some(3));
        assert_eq!(status.signal, None);
        assert_eq!(status.out_data.as_deref(), Some("aGVsbG8="));
        assert_eq!(status.err_data.as_deref(), Some("ZXJyCg=="));
        assert_eq!(status.out_truncated, Some(false));
        assert_eq!(
            table.status(pid).unwrap_err().desc,
            "Invalid parameter 'pid'"
        );
        assert!(table.is_empty());
    }

    #[test]
    fn reports_signals_and_environment() {
        let table = ExecTable::new();
        let pid = table
            .exec(args("/bin/sh", &["-c", "kill -9 $$"]))
            .unwrap()
            .pid;
        let status = wait(&table, pid);
        assert_eq!((status.exitcode, status.signal), (None, Some(9)));
        assert_eq!(status.out_data, None);
        let mut request = args("sh", &["-c", "echo $FOO"]);
        request.env = Some(vec!["FOO=bar".to_owned()]);
        let pid = table.exec(request).unwrap().pid;
        assert_eq!(wait(&table, pid).out_data.as_deref(), Some("YmFyCg=="));
    }

    #[test]
    fn spawn_errors_in_glib_words() {
        let table = ExecTable::new();
        assert_eq!(
            table.exec(args("/nonexistent", &[])).unwrap_err().desc,
            "Guest agent command failed, error was 'Failed to execute child process \u{201C}/nonexistent\u{201D} (No such file or directory)'"
        );
        assert_eq!(
            table.exec(args("/tmp", &[])).unwrap_err().desc,
            "Guest agent command failed, error was 'Failed to execute child process \u{201C}/tmp\u{201D} (Permission denied)'"
        );
        let mut bad_input = args("/bin/true", &[]);
        bad_input.input_data = Some("!!".to_owned());
        assert_eq!(
            table.exec(bad_input).unwrap_err().desc,
            "Base64 data contains invalid characters"
        );
        assert!(table.is_empty());
    }
}
