//! The runtime client against the real QEMU guest agent (qemu-ga), started on a Unix socket in
//! a temporary directory with every command that changes the machine blocked. Skipped, with a
//! message, when `qemu-ga` is not installed.

#![cfg(unix)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use qapi_runtime::client::{Client, Timeouts};
use qapi_runtime::{ClientError, ErrorClass};
use serde_json::{json, Value};

/// Commands that must never run on this machine.
const BLOCKED: &str = "guest-shutdown,guest-suspend-disk,guest-suspend-ram,guest-suspend-hybrid,\
guest-fsfreeze-freeze,guest-fsfreeze-freeze-list,guest-fsfreeze-thaw,guest-fstrim,guest-set-time,\
guest-set-vcpus,guest-set-memory-blocks,guest-set-user-password";

/// A running qemu-ga, killed and cleaned up when dropped.
struct Agent {
    child: Child,
    dir: PathBuf,
    socket: PathBuf,
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Starts qemu-ga, or says why not.
fn start_agent(name: &str) -> Option<Agent> {
    if !on_path("qemu-ga") {
        println!("skipped: qemu-ga is not on PATH");
        return None;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let dir = std::env::temp_dir().join(format!(
        "qapi-runtime-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let socket = dir.join("sock");
    let child = Command::new("qemu-ga")
        .arg("-m")
        .arg("unix-listen")
        .arg("-p")
        .arg(&socket)
        .arg("-t")
        .arg(&dir)
        .arg("-f")
        .arg(dir.join("pid"))
        .arg("-l")
        .arg(dir.join("log"))
        .arg("-b")
        .arg(BLOCKED)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let agent = Agent { child, dir, socket };
    wait_for(&agent.socket);
    Some(agent)
}

fn wait_for(socket: &Path) {
    let started = Instant::now();
    while !socket.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "qemu-ga made no socket"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn connect(agent: &Agent) -> Client<std::os::unix::net::UnixStream> {
    let mut client = Client::connect_unix(&agent.socket).unwrap();
    client.set_timeouts(Timeouts {
        read: Some(Duration::from_secs(10)),
        write: Some(Duration::from_secs(10)),
    });
    client
}

#[test]
fn value_level_calls_to_qemu_ga() {
    let Some(agent) = start_agent("values") else {
        return;
    };
    let mut client = connect(&agent);
    client.sync().unwrap();
    assert!(client.is_synchronised());

    assert_eq!(client.execute("guest-ping", None).unwrap(), json!({}));

    let info = client.execute("guest-info", None).unwrap();
    assert!(info["version"].as_str().unwrap().starts_with('7'), "{info}");
    let commands = info["supported_commands"].as_array().unwrap();
    let shutdown = commands
        .iter()
        .find(|command| command["name"] == "guest-shutdown")
        .unwrap();
    assert_eq!(shutdown["enabled"], false);
    assert_eq!(shutdown["success-response"], false);

    let time = client.execute("guest-get-time", None).unwrap();
    assert!(time.as_i64().unwrap() > 0, "{time}");

    let os = client.execute("guest-get-osinfo", None).unwrap();
    assert!(os["kernel-release"].is_string(), "{os}");

    let interfaces = client
        .execute("guest-network-get-interfaces", None)
        .unwrap();
    let interfaces = interfaces.as_array().unwrap();
    assert!(
        interfaces.iter().any(|interface| interface["name"] == "lo"),
        "{interfaces:?}"
    );

    match client.execute("guest-nope", None) {
        Err(ClientError::Qapi(error)) => {
            assert_eq!(error.class, ErrorClass::CommandNotFound);
            assert_eq!(error.desc, "The command guest-nope has not been found");
        }
        other => panic!("unexpected {other:?}"),
    }
    match client.execute("guest-file-open", Some(json!({"path": 1}))) {
        Err(ClientError::Qapi(error)) => {
            assert_eq!(error.class, ErrorClass::GenericError);
            assert_eq!(
                error.desc,
                "Invalid parameter type for 'path', expected: string"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    // guest-sync itself, through the typed helper.
    let id: i64 = client.call("guest-sync", &json!({"id": 4242})).unwrap();
    assert_eq!(id, 4242);
}

#[test]
fn resynchronises_after_garbage_and_half_requests() {
    let Some(agent) = start_agent("sync") else {
        return;
    };
    let mut client = connect(&agent);
    // A half-written request and a request whose reply nobody reads, as an earlier client
    // might leave them.
    client
        .get_mut()
        .write_all(b"{\"execute\": \"guest-ping\"}{\"execute\": \"guest-in")
        .unwrap();
    assert!(!client.is_synchronised());
    client.sync().unwrap();
    let info: Value = client.execute("guest-info", None).unwrap();
    assert!(info["version"].is_string());

    // Automatic synchronisation on first use, on a new connection to the same agent.
    drop(client);
    let mut client = connect(&agent);
    assert_eq!(client.execute("guest-ping", None).unwrap(), json!({}));
    assert!(client.is_synchronised());
}
