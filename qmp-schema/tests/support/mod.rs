//! Starting a real `qemu-system-x86_64 -M none -nodefaults -display none -S -qmp
//! unix:SOCK,server=on,wait=off` in a fresh directory, for the tests that talk to it.

#![allow(dead_code)]

use qapi_runtime::client::qmp::QmpClient;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const QEMU: &str = "qemu-system-x86_64";

/// A QEMU process and its directory, both gone when dropped.
pub struct Qemu {
    pub child: Child,
    dir: PathBuf,
}

impl Qemu {
    /// Starts QEMU with a QMP socket; `None` when the binary is absent.
    pub fn start(name: &str) -> Option<(Qemu, PathBuf)> {
        let dir = std::env::temp_dir().join(format!("qmp-live-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("qmp.sock");
        let spawned = Command::new(QEMU)
            .args([
                "-M",
                "none",
                "-nodefaults",
                "-display",
                "none",
                "-S",
                "-qmp",
            ])
            .arg(format!("unix:{},server=on,wait=off", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                test_skip::skip(name, QEMU, &format!("{QEMU} is not installed"));
                let _ = std::fs::remove_dir_all(&dir);
                return None;
            }
            Err(error) => panic!("cannot start {QEMU}: {error}"),
        };
        Some((Qemu { child, dir }, socket))
    }

    /// Connects (QEMU creates the socket shortly after starting), reads the greeting.
    pub fn connect(socket: &PathBuf) -> QmpClient<std::os::unix::net::UnixStream> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match std::os::unix::net::UnixStream::connect(socket) {
                Ok(stream) => return QmpClient::new(stream).unwrap(),
                Err(error) if Instant::now() > deadline => panic!("no QMP socket: {error}"),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// Waits for QEMU to exit by itself (after `quit`).
    pub fn wait_for_exit(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
