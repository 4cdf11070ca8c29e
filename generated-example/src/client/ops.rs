//! What the client does, one function per operation, each built only on the typed stubs of
//! [`qga_schema::Client`]. The results are typed; [`render`](super::render) shows them.

use std::thread;
use std::time::{Duration, Instant};

use qapi_runtime::client::Execute;
use qapi_runtime::ClientError;
use qga_schema::{
    Client, GuestAgentInfo, GuestExecArgs, GuestExecStatus, GuestExecStatusArgs,
    GuestFileCloseArgs, GuestFileOpenArgs, GuestFileReadArgs, GuestFileWriteArgs,
    GuestFilesystemInfo, GuestLogicalProcessor, GuestMemoryBlock, GuestMemoryBlockInfo,
    GuestNetworkInterface,
};

use super::Error;
use crate::base64;

/// How many bytes one `guest-file-read` asks for. qemu-ga allows up to 48 MiB; a moderate
/// size keeps each reply small while needing few round trips.
pub const READ_CHUNK: i64 = 64 * 1024;

/// How many bytes one `guest-file-write` carries (before base64).
pub const WRITE_CHUNK: usize = 48 * 1024;

/// The first and the longest pause between two `guest-exec-status` polls: short programs are
/// seen to finish quickly, long ones are not polled in a busy loop.
const POLL_FIRST: Duration = Duration::from_millis(5);
const POLL_MAX: Duration = Duration::from_millis(200);

/// The memory of the guest as the agent describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryReport {
    /// The size of one block (`guest-get-memory-block-info`).
    pub info: GuestMemoryBlockInfo,
    /// Every block (`guest-get-memory-blocks`), in the agent's order.
    pub blocks: Vec<GuestMemoryBlock>,
}

/// A program run with `guest-exec`, once it has exited.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecOutcome {
    /// Its process id in the guest.
    pub pid: i64,
    /// The final `guest-exec-status` (`exited` is true).
    pub status: GuestExecStatus,
    /// Its standard output, decoded from `out-data`.
    pub stdout: Vec<u8>,
    /// Its standard error, decoded from `err-data`.
    pub stderr: Vec<u8>,
}

impl ExecOutcome {
    /// The exit code a shell would report: the program's own, or 128 + the signal that
    /// killed it. An agent that reports neither gives 1, a failure.
    pub fn exit_code(&self) -> i32 {
        match (self.status.exitcode, self.status.signal) {
            (Some(code), _) => i32::try_from(code).unwrap_or(1),
            (None, Some(signal)) => i32::try_from(signal.saturating_add(128)).unwrap_or(1),
            (None, None) => 1,
        }
    }
}

/// `guest-ping`.
pub fn ping<C: Execute>(client: &mut Client<C>) -> Result<(), Error> {
    client.guest_ping().map_err(failed("guest-ping"))
}

/// `guest-info`: the agent's version and commands.
pub fn info<C: Execute>(client: &mut Client<C>) -> Result<GuestAgentInfo, Error> {
    client.guest_info().map_err(failed("guest-info"))
}

/// `guest-get-time`: the guest's clock, in nanoseconds since the Unix epoch.
pub fn time<C: Execute>(client: &mut Client<C>) -> Result<i64, Error> {
    client.guest_get_time().map_err(failed("guest-get-time"))
}

/// The contents of the guest file `path` (`guest-file-open` for reading, `guest-file-read`
/// until the end, `guest-file-close`).
pub fn cat<C: Execute>(client: &mut Client<C>, path: &str) -> Result<Vec<u8>, Error> {
    let handle = open(client, path, "r")?;
    let contents = read_all(client, handle);
    let closed = close(client, handle);
    let contents = contents?;
    closed?;
    Ok(contents)
}

/// Writes `contents` to the guest file `path`, replacing it (`guest-file-open` with mode `w`,
/// `guest-file-write` in chunks, `guest-file-close`). Returns the number of bytes written.
pub fn put<C: Execute>(
    client: &mut Client<C>,
    path: &str,
    contents: &[u8],
) -> Result<usize, Error> {
    let handle = open(client, path, "w")?;
    let written = write_all(client, handle, contents);
    let closed = close(client, handle);
    let written = written?;
    closed?;
    Ok(written)
}

/// Runs `program` with `args` in the guest with its output captured (`guest-exec`), then
/// polls `guest-exec-status` until it exits, waiting at most `limit` (`None`: for ever).
pub fn exec<C: Execute>(
    client: &mut Client<C>,
    program: &str,
    args: &[String],
    limit: Option<Duration>,
) -> Result<ExecOutcome, Error> {
    let started = client
        .guest_exec(GuestExecArgs {
            path: program.to_owned(),
            arg: Some(args.to_vec()),
            env: None,
            input_data: None,
            capture_output: Some(true),
        })
        .map_err(failed("guest-exec"))?;
    let pid = started.pid;
    let begin = Instant::now();
    let mut pause = POLL_FIRST;
    let status = loop {
        let status = client
            .guest_exec_status(GuestExecStatusArgs { pid })
            .map_err(failed("guest-exec-status"))?;
        if status.exited {
            break status;
        }
        if let Some(limit) = limit {
            if begin.elapsed() >= limit {
                return Err(Error::ExecTimeout { pid, waited: limit });
            }
        }
        thread::sleep(pause);
        pause = (pause * 2).min(POLL_MAX);
    };
    let stdout = decode_member("guest-exec-status", "out-data", status.out_data.as_deref())?;
    let stderr = decode_member("guest-exec-status", "err-data", status.err_data.as_deref())?;
    Ok(ExecOutcome {
        pid,
        status,
        stdout,
        stderr,
    })
}

/// `guest-network-get-interfaces`.
pub fn interfaces<C: Execute>(client: &mut Client<C>) -> Result<Vec<GuestNetworkInterface>, Error> {
    client
        .guest_network_get_interfaces()
        .map_err(failed("guest-network-get-interfaces"))
}

/// `guest-get-fsinfo`.
pub fn fsinfo<C: Execute>(client: &mut Client<C>) -> Result<Vec<GuestFilesystemInfo>, Error> {
    client
        .guest_get_fsinfo()
        .map_err(failed("guest-get-fsinfo"))
}

/// `guest-get-vcpus`.
pub fn vcpus<C: Execute>(client: &mut Client<C>) -> Result<Vec<GuestLogicalProcessor>, Error> {
    client.guest_get_vcpus().map_err(failed("guest-get-vcpus"))
}

/// `guest-get-memory-block-info` and `guest-get-memory-blocks`.
pub fn memory<C: Execute>(client: &mut Client<C>) -> Result<MemoryReport, Error> {
    let info = client
        .guest_get_memory_block_info()
        .map_err(failed("guest-get-memory-block-info"))?;
    let blocks = client
        .guest_get_memory_blocks()
        .map_err(failed("guest-get-memory-blocks"))?;
    Ok(MemoryReport { info, blocks })
}

fn failed(command: &'static str) -> impl Fn(ClientError) -> Error {
    move |source| Error::Command { command, source }
}

fn open<C: Execute>(client: &mut Client<C>, path: &str, mode: &str) -> Result<i64, Error> {
    client
        .guest_file_open(GuestFileOpenArgs {
            path: path.to_owned(),
            mode: Some(mode.to_owned()),
        })
        .map_err(failed("guest-file-open"))
}

fn close<C: Execute>(client: &mut Client<C>, handle: i64) -> Result<(), Error> {
    client
        .guest_file_close(GuestFileCloseArgs { handle })
        .map_err(failed("guest-file-close"))
}

fn read_all<C: Execute>(client: &mut Client<C>, handle: i64) -> Result<Vec<u8>, Error> {
    let mut contents = Vec::new();
    loop {
        let chunk = client
            .guest_file_read(GuestFileReadArgs {
                handle,
                count: Some(READ_CHUNK),
            })
            .map_err(failed("guest-file-read"))?;
        let bytes = decode_member("guest-file-read", "buf-b64", Some(&chunk.buf_b64))?;
        if usize::try_from(chunk.count).ok() != Some(bytes.len()) {
            return Err(Error::Inconsistent {
                command: "guest-file-read",
                reason: format!(
                    "count is {} but buf-b64 holds {} bytes",
                    chunk.count,
                    bytes.len()
                ),
            });
        }
        contents.extend_from_slice(&bytes);
        // An empty read that does not say eof would loop for ever; stop on it too.
        if chunk.eof || bytes.is_empty() {
            return Ok(contents);
        }
    }
}

fn write_all<C: Execute>(
    client: &mut Client<C>,
    handle: i64,
    contents: &[u8],
) -> Result<usize, Error> {
    let mut written = 0;
    for chunk in contents.chunks(WRITE_CHUNK) {
        let reply = client
            .guest_file_write(GuestFileWriteArgs {
                handle,
                buf_b64: base64::encode(chunk),
                count: None,
            })
            .map_err(failed("guest-file-write"))?;
        // qemu-ga writes the whole buffer with one fwrite; a short count means it failed.
        if usize::try_from(reply.count).ok() != Some(chunk.len()) {
            return Err(Error::Inconsistent {
                command: "guest-file-write",
                reason: format!("wrote {} of {} bytes", reply.count, chunk.len()),
            });
        }
        written += chunk.len();
    }
    Ok(written)
}

fn decode_member(
    command: &'static str,
    member: &'static str,
    text: Option<&str>,
) -> Result<Vec<u8>, Error> {
    base64::decode(text.unwrap_or_default()).map_err(|source| Error::Base64 {
        command,
        member,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(exitcode: Option<i64>, signal: Option<i64>) -> ExecOutcome {
        ExecOutcome {
            pid: 1,
            status: GuestExecStatus {
                exited: true,
                exitcode,
                signal,
                out_data: None,
                err_data: None,
                out_truncated: None,
                err_truncated: None,
            },
            stdout: Vec::new(),
            stderr: Vec::new(),
        }
    }

    #[test]
    fn exit_codes_follow_the_shell() {
        assert_eq!(outcome(Some(0), None).exit_code(), 0);
        assert_eq!(outcome(Some(3), None).exit_code(), 3);
        assert_eq!(outcome(None, Some(9)).exit_code(), 137);
        assert_eq!(outcome(None, None).exit_code(), 1);
        assert_eq!(outcome(Some(i64::MAX), None).exit_code(), 1);
        assert_eq!(outcome(None, Some(i64::MAX)).exit_code(), 1);
    }

    #[test]
    fn bad_base64_is_a_protocol_error() {
        let error = decode_member("guest-file-read", "buf-b64", Some("a")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "guest-file-read: protocol error: the agent sent invalid buf-b64: \
             base64 text of length 1 is not a multiple of 4 long"
        );
        assert!(error.is_transport());
        assert_eq!(decode_member("x", "y", None).unwrap(), Vec::<u8>::new());
    }
}

/// The operations against a scripted agent, with replies no well-behaved agent sends.
#[cfg(test)]
mod fake_agent_tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::{json, Value};

    use super::*;
    use crate::client::fake;

    fn error(desc: &str) -> Value {
        json!({"error": {"class": "GenericError", "desc": desc}})
    }

    fn commands(agent: &fake::FakeAgent) -> Vec<String> {
        agent
            .requests()
            .into_iter()
            .map(|(command, _)| command)
            .collect()
    }

    #[test]
    fn cat_reads_until_eof_and_closes() {
        let reads = AtomicUsize::new(0);
        let (mut client, agent) = fake::connect(move |command, arguments| match command {
            "guest-file-open" if arguments == &json!({"path": "/f", "mode": "r"}) => {
                json!({"return": 5})
            }
            // Two chunks, the first with a member the seed schema does not know.
            "guest-file-read" if reads.fetch_add(1, Ordering::SeqCst) == 0 => {
                json!({"return": {"count": 3, "buf-b64": "YWJj", "eof": false, "extra": 1}})
            }
            "guest-file-read" => json!({"return": {"count": 1, "buf-b64": "ZA==", "eof": true}}),
            "guest-file-close" if arguments == &json!({"handle": 5}) => json!({"return": {}}),
            _ => error("unexpected"),
        });
        assert_eq!(cat(&mut client, "/f").unwrap(), b"abcd");
        assert_eq!(
            commands(&agent),
            [
                "guest-file-open",
                "guest-file-read",
                "guest-file-read",
                "guest-file-close"
            ]
        );
    }

    #[test]
    fn a_read_that_contradicts_itself_fails_and_still_closes() {
        let (mut client, agent) = fake::connect(|command, _| match command {
            "guest-file-open" => json!({"return": 5}),
            "guest-file-read" => json!({"return": {"count": 9, "buf-b64": "YWJj", "eof": true}}),
            "guest-file-close" => json!({"return": {}}),
            _ => error("unexpected"),
        });
        let failure = cat(&mut client, "/f").unwrap_err();
        assert_eq!(
            failure.to_string(),
            "guest-file-read: protocol error: count is 9 but buf-b64 holds 3 bytes"
        );
        assert!(failure.is_transport());
        assert_eq!(
            commands(&agent),
            ["guest-file-open", "guest-file-read", "guest-file-close"]
        );
    }

    #[test]
    fn wrong_types_and_bad_base64_are_protocol_errors() {
        let (mut client, _agent) = fake::connect(|command, _| match command {
            "guest-info" => json!({"return": 7}),
            "guest-file-open" => json!({"return": 5}),
            "guest-file-read" => json!({"return": {"count": 1, "buf-b64": "*", "eof": true}}),
            "guest-file-close" => json!({"return": {}}),
            "guest-get-vcpus" => json!({"return": [{"logical-id": 0}]}),
            _ => error("unexpected"),
        });
        let failure = info(&mut client).unwrap_err();
        assert!(
            failure.to_string().starts_with(
                "guest-info: protocol error: unexpected return value of 'guest-info': "
            ),
            "{failure}"
        );
        assert!(failure.is_transport());
        assert_eq!(
            cat(&mut client, "/f").unwrap_err().to_string(),
            "guest-file-read: protocol error: the agent sent invalid buf-b64: \
             base64 text of length 1 is not a multiple of 4 long"
        );
        let failure = vcpus(&mut client).unwrap_err();
        assert!(
            failure.to_string().contains("missing field `online`"),
            "{failure}"
        );
    }

    #[test]
    fn a_short_write_fails() {
        let (mut client, agent) = fake::connect(|command, _| match command {
            "guest-file-open" => json!({"return": 5}),
            "guest-file-write" => json!({"return": {"count": 2, "eof": false}}),
            "guest-file-close" => json!({"return": {}}),
            _ => error("unexpected"),
        });
        assert_eq!(
            put(&mut client, "/f", b"abc").unwrap_err().to_string(),
            "guest-file-write: protocol error: wrote 2 of 3 bytes"
        );
        let requests = agent.requests();
        assert_eq!(
            requests.get(1),
            Some(&(
                "guest-file-write".to_owned(),
                json!({"handle": 5, "buf-b64": "YWJj"})
            ))
        );
        assert_eq!(
            commands(&agent).last().map(String::as_str),
            Some("guest-file-close")
        );
    }

    #[test]
    fn exec_polls_until_the_program_exits() {
        let polls = AtomicUsize::new(0);
        let (mut client, agent) = fake::connect(move |command, arguments| match command {
            "guest-exec" => json!({"return": {"pid": 77}}),
            "guest-exec-status" if arguments == &json!({"pid": 77}) => {
                if polls.fetch_add(1, Ordering::SeqCst) < 2 {
                    json!({"return": {"exited": false}})
                } else {
                    json!({"return": {"exited": true, "signal": 15, "out-data": "aGk=",
                                      "out-truncated": true}})
                }
            }
            _ => error("unexpected"),
        });
        let outcome = exec(&mut client, "sleep", &["9".to_owned()], None).unwrap();
        assert_eq!(outcome.pid, 77);
        assert_eq!(outcome.stdout, b"hi");
        assert_eq!(outcome.stderr, b"");
        assert_eq!(outcome.exit_code(), 143);
        assert_eq!(
            agent.requests().first(),
            Some(&(
                "guest-exec".to_owned(),
                json!({"path": "sleep", "arg": ["9"], "capture-output": true})
            ))
        );
        assert_eq!(commands(&agent).len(), 4);
    }

    #[test]
    fn agent_errors_are_qapi_errors() {
        let (mut client, _agent) = fake::connect(
            |_, _| json!({"error": {"class": "CommandNotFound", "desc": "Command guest-get-time has been disabled"}}),
        );
        let failure = time(&mut client).unwrap_err();
        assert_eq!(
            failure.to_string(),
            "guest-get-time: the agent reported CommandNotFound: \
             Command guest-get-time has been disabled"
        );
        assert!(failure.is_qapi());
    }
}
