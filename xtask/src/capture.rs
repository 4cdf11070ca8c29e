//! `cargo xtask capture-qga`: records what the real QEMU guest agent answers to the seed
//! schema's read-only commands, as test and benchmark data.
//!
//! qemu-ga 7.2 is started exactly as `shared/conformance/qga_conformance.py` starts its
//! reference (`qga_process::QEMU_GA_TEMPLATE`, with the same block list), and is sent only
//! commands that read: the machine's state is never changed, beyond a file this task creates itself in the agent's private directory and one run of
//! `/bin/echo`. Each reply line is written unchanged (its final newline included) to
//! `qga-schema/tests/captures/qemu-ga-7.2/COMMAND.json`; the README there says when and how.

use anyhow::{bail, Context, Result};
use qga_process::{AgentCommand, AgentProcess, QEMU_GA_TEMPLATE};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// The version whose replies are recorded; the directory name says it.
const VERSION_PREFIX: &str = "7.2.";

/// Where the captures go, relative to the workspace root.
pub const CAPTURE_DIR: &str = "qga-schema/tests/captures/qemu-ga-7.2";

/// The read-only commands sent with no arguments, in the order they are sent.
const SIMPLE: &[&str] = &[
    "guest-ping",
    "guest-info",
    "guest-get-time",
    "guest-network-get-interfaces",
    "guest-get-fsinfo",
    "guest-fsfreeze-status",
    "guest-get-vcpus",
    "guest-get-memory-blocks",
    "guest-get-memory-block-info",
];

/// The text of the file that is opened and read through the agent.
const FILE_TEXT: &str = "captured by cargo xtask capture-qga\n";

/// Starts qemu-ga 7.2, sends the read-only commands and writes each reply line to its file.
pub fn capture_qga(root: &Path) -> Result<()> {
    let version = qemu_ga_version()?;
    if !version.starts_with(VERSION_PREFIX) {
        bail!("qemu-ga is version {version}; the captures are of {VERSION_PREFIX}x");
    }
    let agent =
        AgentProcess::start(&AgentCommand::from_template(QEMU_GA_TEMPLATE).expect("a template"))
            .context("cannot start qemu-ga")?;
    let stream = connect(agent.socket())?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut exchange = |request: Value| -> Result<String> {
        writeln!(writer, "{request}")?;
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .with_context(|| format!("no reply to {request}"))?;
        if !line.ends_with('\n') {
            bail!("the agent closed the connection after {request}");
        }
        Ok(line)
    };

    let out = root.join(CAPTURE_DIR);
    std::fs::create_dir_all(&out)?;
    let mut written = Vec::new();
    let mut save = |name: &str, line: &str| -> Result<()> {
        std::fs::write(out.join(format!("{name}.json")), line)?;
        written.push(name.to_owned());
        Ok(())
    };

    for command in SIMPLE {
        let line = exchange(json!({ "execute": command }))?;
        save(command, &line)?;
    }

    let path = agent.dir().join("read-me.txt");
    std::fs::write(&path, FILE_TEXT)?;
    let path = path.to_str().context("the state directory is not UTF-8")?;
    let open =
        exchange(json!({"execute": "guest-file-open", "arguments": {"path": path, "mode": "r"}}))?;
    save("guest-file-open", &open)?;
    let handle = returned(&open)?;
    let read = exchange(
        json!({"execute": "guest-file-read", "arguments": {"handle": handle, "count": 4096}}),
    )?;
    save("guest-file-read", &read)?;
    let close = exchange(json!({"execute": "guest-file-close", "arguments": {"handle": handle}}))?;
    save("guest-file-close", &close)?;

    let exec = exchange(json!({"execute": "guest-exec", "arguments": {
        "path": "/bin/echo", "arg": ["hello", "from", "qemu-ga"], "capture-output": true}}))?;
    save("guest-exec", &exec)?;
    let pid = returned(&exec)?
        .get("pid")
        .cloned()
        .context("guest-exec returned no pid")?;
    // The child may not have finished at the first look: ask until it has, for at most 10 s.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = exchange(json!({"execute": "guest-exec-status", "arguments": {"pid": pid}}))?;
        if returned(&status)?.get("exited") == Some(&Value::Bool(true)) {
            save("guest-exec-status", &status)?;
            break;
        }
        if Instant::now() > deadline {
            bail!("/bin/echo did not exit within 10 s: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    drop(agent);
    println!(
        "xtask: qemu-ga {version}: wrote {} replies to {}",
        written.len(),
        out.display()
    );
    Ok(())
}

fn qemu_ga_version() -> Result<String> {
    qga_process::qemu_ga_version()
        .context("cannot run qemu-ga -V (Debian's qemu-guest-agent package) or it names no version")
}

fn connect(socket: &Path) -> Result<UnixStream> {
    let mut last = None;
    for _ in 0..100 {
        match UnixStream::connect(socket) {
            Ok(stream) => return Ok(stream),
            Err(error) => last = Some(error),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(last.map_or_else(|| anyhow::anyhow!("cannot connect"), anyhow::Error::from))
        .with_context(|| format!("cannot connect to {}", socket.display()))
}

/// The `return` member of a reply line; an error reply is a failure of the capture.
fn returned(line: &str) -> Result<Value> {
    let reply: Value = serde_json::from_str(line).with_context(|| format!("not JSON: {line}"))?;
    match reply.get("return") {
        Some(value) => Ok(value.clone()),
        None => bail!("the agent answered with an error: {line}"),
    }
}
