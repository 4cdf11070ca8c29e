//! Starting the built `example-agent` on a unix socket in a private directory, and talking
//! to it with raw bytes.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The commands a test agent blocks: every one that changes the system.
pub const BLOCK: &str = qga_process::BLOCK_LIST;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A private directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "example-agent-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the test directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running agent; killed when dropped.
pub struct RunningAgent {
    pub child: Child,
    pub dir: TempDir,
    pub socket: PathBuf,
}

impl RunningAgent {
    pub fn start(extra: &[&str]) -> RunningAgent {
        let dir = TempDir::new("it");
        let socket = dir.0.join("sock");
        let mut args: Vec<String> = vec![
            "-m".into(),
            "unix-listen".into(),
            "-p".into(),
            socket.display().to_string(),
            "-t".into(),
            dir.0.display().to_string(),
            "-f".into(),
            dir.0.join("pid").display().to_string(),
            "-l".into(),
            dir.0.join("log").display().to_string(),
            "-b".into(),
            BLOCK.into(),
        ];
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        let child = Command::new(env!("CARGO_BIN_EXE_example-agent"))
            .args(&args)
            .stdin(Stdio::null())
            .spawn()
            .expect("start example-agent");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            assert!(
                Instant::now() < deadline,
                "the agent did not create its socket"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        RunningAgent { child, dir, socket }
    }

    pub fn connect(&self) -> Connection {
        let stream = UnixStream::connect(&self.socket).expect("connect to the agent");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("set a read timeout");
        Connection { stream }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.0.join("log")).unwrap_or_default()
    }

    /// Sends `signal` and waits for the exit status.
    pub fn stop_with(&mut self, signal: i32) -> std::process::ExitStatus {
        // SAFETY: kill on the pid of our own child.
        unsafe { libc::kill(self.child.id() as i32, signal) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the agent") {
                return status;
            }
            assert!(Instant::now() < deadline, "the agent did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for RunningAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
