//! Starting the built `example-agent` on a unix socket in a private directory, and talking
//! to it with raw bytes.

#![allow(dead_code)]

use qga_process::{AgentCommand, AgentProcess};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

/// A running agent with the block list, its state, pid file and log in a private directory;
/// killed, and the directory removed, when dropped.
pub struct RunningAgent {
    pub process: AgentProcess,
}

impl RunningAgent {
    /// Starts the built `example-agent` with qemu-ga's flags (`-m unix-listen -p SOCK -t DIR
    /// -f DIR/pid -l DIR/log -b BLOCK`) and `extra`.
    pub fn start(extra: &[&str]) -> RunningAgent {
        let mut command = AgentCommand::qemu_ga_flags(env!("CARGO_BIN_EXE_example-agent"));
        command
            .args
            .extend(extra.iter().map(|arg| (*arg).to_owned()));
        let process = AgentProcess::start(&command).expect("start example-agent");
        RunningAgent { process }
    }

    /// The agent's private directory.
    pub fn dir(&self) -> &Path {
        self.process.dir()
    }

    pub fn connect(&self) -> Connection {
        let stream = UnixStream::connect(self.process.socket()).expect("connect to the agent");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("set a read timeout");
        Connection { stream }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir().join("log")).unwrap_or_default()
    }

    /// Sends `signal` and waits for the exit status.
    pub fn stop_with(&mut self, signal: i32) -> std::process::ExitStatus {
        // SAFETY: kill on the pid of our own child.
        unsafe { libc::kill(self.process.pid() as i32, signal) };
        self.process
            .wait_for_exit(Duration::from_secs(10))
            .expect("wait for the agent")
            .expect("the agent did not exit")
    }
}

/// One client connection.
pub struct Connection {
    pub stream: UnixStream,
}

impl Connection {
    /// Sends raw bytes and reads `lines` reply lines (bytes, sentinel included).
    pub fn exchange(&mut self, bytes: &[u8], lines: usize) -> Vec<u8> {
        self.stream.write_all(bytes).expect("send to the agent");
        let mut received = Vec::new();
        let mut buffer = [0u8; 65536];
        while received.iter().filter(|&&byte| byte == b'\n').count() < lines {
            let read = self.stream.read(&mut buffer).expect("read from the agent");
            assert!(read > 0, "the agent hung up; got {received:?}");
            received.extend_from_slice(&buffer[..read]);
        }
        received
    }

    /// Sends raw bytes and reads until the replies end with `end`.
    pub fn exchange_until(&mut self, bytes: &[u8], end: &[u8]) -> Vec<u8> {
        self.stream.write_all(bytes).expect("send to the agent");
        let mut received = Vec::new();
        let mut buffer = [0u8; 65536];
        while !received.ends_with(end) {
            let read = self.stream.read(&mut buffer).expect("read from the agent");
            assert!(read > 0, "the agent hung up; got {received:?}");
            received.extend_from_slice(&buffer[..read]);
        }
        received
    }

    /// Sends one request and parses the one reply.
    pub fn request(&mut self, request: serde_json::Value) -> serde_json::Value {
        let mut line = serde_json::to_vec(&request).expect("encode a request");
        line.push(b'\n');
        let reply = self.exchange(&line, 1);
        serde_json::from_slice(&reply).expect("a JSON reply")
    }
}
