//! The `example-client` binary against the real QEMU guest agent (whichever version is
//! installed; what differs between versions comes from `qemu-ga -V`), started as the project's
//! conformance script starts it (its `REFERENCE_ARGS` and `BLOCK`), one agent per test. qemu-ga
//! returns members the seed schema does not know (`statistics`, `total-bytes`, ...): these
//! tests pass only if the client's decoding ignores them.
//!
//! When qemu-ga is not installed, each test is skipped as `test_skip` reports skips.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use generated_example::base64;
use generated_example::client::render;
use qga_process::{AgentCommand, AgentProcess, QEMU_GA_TEMPLATE};
use serde_json::Value;

/// A qemu-ga on a temporary socket, or `None` (after saying so) when it is not installed.
fn qemu_ga(test: &str) -> Option<AgentProcess> {
    if !test_skip::require("qemu-ga", test) {
        return None;
    }
    let command = AgentCommand::from_template(QEMU_GA_TEMPLATE).expect("template");
    match AgentProcess::start(&command) {
        Ok(agent) => Some(agent),
        Err(error) => panic!("qemu-ga is installed but did not start: {error}"),
    }
}

/// Runs `example-client --address SOCKET ARGS...`.
fn client(agent: &AgentProcess, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_example-client"))
        .arg("--address")
        .arg(agent.socket())
        .args(args)
        .output()
        .expect("run example-client")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The output of a run that must succeed.
fn success(agent: &AgentProcess, args: &[&str]) -> String {
    let output = client(agent, args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}\nstdout: {}\nstderr: {}\nagent: {}",
        stdout(&output),
        stderr(&output),
        agent.output()
    );
    assert_eq!(stderr(&output), "", "{args:?}");
    stdout(&output)
}

/// The JSON output of a run that must succeed.
fn json(agent: &AgentProcess, args: &[&str]) -> Value {
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    let text = success(agent, &full);
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

#[test]
fn ping() {
    let Some(agent) = qemu_ga("ping") else { return };
    assert_eq!(
        success(&agent, &["ping"]),
        format!("the agent at {} answered\n", agent.socket().display())
    );
    assert_eq!(json(&agent, &["ping"]), serde_json::json!({}));
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn info() {
    let Some(agent) = qemu_ga("info") else { return };
    let text = success(&agent, &["info"]);
    let version = qga_process::qemu_ga_version().expect("qemu-ga -V names its version");
    assert!(text.starts_with(&format!("version: {version}\n")), "{text}");
    assert!(text.contains("\n    guest-ping\n"), "{text}");
    assert!(text.contains("\n    guest-exec\n"), "{text}");
    // Blocked with -b, and a command that sends no reply on success.
    assert!(
        text.contains("\n    guest-shutdown (disabled, no reply on success)\n"),
        "{text}"
    );
    assert!(text.contains("\n    guest-set-time (disabled)\n"), "{text}");

    let value = json(&agent, &["info"]);
    let commands = value["supported_commands"].as_array().expect("commands");
    let disabled = commands
        .iter()
        .filter(|command| command["enabled"] == false)
        .count();
    // Twelve blocked commands; qemu-ga may disable more on its own (fsfreeze on some hosts).
    assert!(disabled >= 12, "{disabled}");
    let summary = format!("commands: {} ({disabled} disabled)\n", commands.len());
    assert!(text.contains(&summary), "{summary} in {text}");
    assert_eq!(
        value["version"],
        text["version: ".len()..].lines().next().unwrap()
    );
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn time() {
    let Some(agent) = qemu_ga("time") else { return };
    let before = now_nanoseconds();
    let text = success(&agent, &["time"]);
    let after = now_nanoseconds();
    // "2026-12-02T00:53:13.190572000Z (1796172793190572000 ns since the epoch)"
    let (stamp, rest) = text.split_once(" (").expect("two parts");
    let nanoseconds: i64 = rest
        .strip_suffix(" ns since the epoch)\n")
        .expect("suffix")
        .parse()
        .expect("a number");
    // The guest is this machine: its clock is ours.
    assert!(
        before <= nanoseconds && nanoseconds <= after,
        "{before} <= {nanoseconds} <= {after}"
    );
    assert_eq!(stamp, render::utc_timestamp(nanoseconds));
    let value = json(&agent, &["time"]);
    assert!(value
        .as_i64()
        .is_some_and(|json_time| json_time >= nanoseconds));
    agent.stop().expect("stop qemu-ga");
}

fn now_nanoseconds() -> i64 {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(elapsed.as_nanos()).expect("before 2262")
}

/// Text and every byte value.
fn sample(len: usize) -> Vec<u8> {
    let mut bytes = b"line one\nline two\n".to_vec();
    bytes.extend((0..len).map(|index| (index % 251) as u8));
    bytes
}

#[test]
fn cat() {
    let Some(agent) = qemu_ga("cat") else { return };
    let path = agent.dir().join("guest-file");
    let contents = sample(1000);
    fs::write(&path, &contents).expect("write the file");
    let path = path.to_str().expect("UTF-8 path");
    let output = client(&agent, &["cat", path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(output.stdout, contents);

    let value = json(&agent, &["cat", path]);
    assert_eq!(value["path"], path);
    assert_eq!(value["size"], contents.len());
    assert_eq!(
        base64::decode(value["content-b64"].as_str().expect("text")),
        Ok(contents)
    );

    // An empty file.
    let empty = agent.dir().join("empty");
    fs::write(&empty, b"").expect("write the file");
    let output = client(&agent, &["cat", empty.to_str().expect("UTF-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(output.stdout, b"");
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn cat_of_a_missing_file_is_a_qapi_error() {
    let Some(agent) = qemu_ga("cat_of_a_missing_file_is_a_qapi_error") else {
        return;
    };
    let path = agent.dir().join("missing");
    let path = path.to_str().expect("UTF-8 path");
    let output = client(&agent, &["cat", path]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!(
            "example-client: guest-file-open: the agent reported GenericError: \
             failed to open file '{path}' (mode: 'r'): No such file or directory\n"
        )
    );
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn put_then_cat() {
    let Some(agent) = qemu_ga("put_then_cat") else {
        return;
    };
    let local = agent.dir().join("local");
    let remote = agent.dir().join("remote");
    let remote_text = remote.to_str().expect("UTF-8 path");
    // Larger than one write chunk (48 KiB) and one read chunk (64 KiB).
    let contents = sample(200_000);
    fs::write(&local, &contents).expect("write the local file");
    let text = success(
        &agent,
        &["put", local.to_str().expect("UTF-8 path"), remote_text],
    );
    assert_eq!(
        text,
        format!("wrote {} bytes to {remote_text}\n", contents.len())
    );
    assert_eq!(fs::read(&remote).expect("read the remote file"), contents);

    let output = client(&agent, &["cat", remote_text]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(output.stdout, contents);

    // `put` replaces the file.
    fs::write(&local, b"short\n").expect("write the local file");
    let value = json(
        &agent,
        &["put", local.to_str().expect("UTF-8 path"), remote_text],
    );
    assert_eq!(value, serde_json::json!({"path": remote_text, "size": 6}));
    assert_eq!(fs::read(&remote).expect("read the remote file"), b"short\n");
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn exec_with_output() {
    let Some(agent) = qemu_ga("exec_with_output") else {
        return;
    };
    let output = client(
        &agent,
        &[
            "exec",
            "/bin/sh",
            "-c",
            "echo to stdout; echo to stderr >&2",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "to stdout\n");
    assert_eq!(stderr(&output), "to stderr\n");

    // The agent searches PATH, and arguments that look like options go to the program.
    let output = client(&agent, &["exec", "printf", "%s|", "-n", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "-n|--json|");
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn exec_exit_codes() {
    let Some(agent) = qemu_ga("exec_exit_codes") else {
        return;
    };
    let output = client(&agent, &["exec", "/bin/sh", "-c", "echo failing; exit 7"]);
    assert_eq!(output.status.code(), Some(7));
    assert_eq!(stdout(&output), "failing\n");
    let message = stderr(&output);
    assert!(
        message.starts_with("pid ") && message.ends_with(": exited with code 7\n"),
        "{message}"
    );

    let output = client(&agent, &["exec", "/bin/sh", "-c", "kill -9 $$"]);
    assert_eq!(output.status.code(), Some(128 + 9));
    assert!(
        stderr(&output).ends_with(": killed by signal 9\n"),
        "{}",
        stderr(&output)
    );

    let output = client(
        &agent,
        &["--json", "exec", "/bin/sh", "-c", "echo failing; exit 7"],
    );
    assert_eq!(output.status.code(), Some(7));
    let value: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(value["pid"].as_i64().is_some_and(|pid| pid > 0), "{value}");
    assert_eq!(value["exited"], true);
    assert_eq!(value["exitcode"], 7);
    assert_eq!(value["out-data"], base64::encode(b"failing\n"));

    // A program that cannot start: qemu-ga reports it as an error reply.
    let output = client(&agent, &["exec", "/nonexistent/program"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with("example-client: guest-exec: the agent reported GenericError: "),
        "{message}"
    );
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn exec_gives_up_after_the_timeout() {
    let Some(agent) = qemu_ga("exec_gives_up_after_the_timeout") else {
        return;
    };
    let output = client(&agent, &["--timeout", "0.3", "exec", "sleep", "3"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with("example-client: guest-exec-status: the program (pid ")
            && message.ends_with(") still runs after 300ms\n"),
        "{message}"
    );
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn ifconfig() {
    let Some(agent) = qemu_ga("ifconfig") else {
        return;
    };
    let text = success(&agent, &["ifconfig"]);
    assert!(
        text.contains("lo:\n    ether 00:00:00:00:00:00\n    inet 127.0.0.1/8\n"),
        "{text}"
    );
    let value = json(&agent, &["ifconfig"]);
    let interfaces = value.as_array().expect("a list");
    // One heading per interface, in the agent's order.
    let headings: Vec<&str> = text.lines().filter(|line| !line.starts_with(' ')).collect();
    let names: Vec<String> = interfaces
        .iter()
        .map(|interface| format!("{}:", interface["name"].as_str().expect("name")))
        .collect();
    assert_eq!(headings, names);
    // qemu-ga 7.2 sends `statistics`, which the seed schema does not have.
    for interface in interfaces {
        let members: Vec<&String> = interface.as_object().expect("object").keys().collect();
        assert!(
            members
                .iter()
                .all(|member| ["name", "hardware-address", "ip-addresses"]
                    .contains(&member.as_str())),
            "{members:?}"
        );
    }
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn fsinfo() {
    let Some(agent) = qemu_ga("fsinfo") else {
        return;
    };
    let text = success(&agent, &["fsinfo"]);
    let value = json(&agent, &["fsinfo"]);
    let filesystems = value.as_array().expect("a list");
    let mounts = fs::read_to_string("/proc/mounts").expect("read /proc/mounts");
    let headings: Vec<&str> = text.lines().filter(|line| !line.starts_with(' ')).collect();
    assert_eq!(headings.len(), filesystems.len(), "{text}");
    for (heading, filesystem) in headings.iter().zip(filesystems) {
        let mountpoint = filesystem["mountpoint"].as_str().expect("mountpoint");
        assert_eq!(
            *heading,
            format!(
                "{} on {mountpoint} type {}",
                filesystem["name"].as_str().expect("name"),
                filesystem["type"].as_str().expect("type")
            )
        );
        assert!(
            mounts
                .lines()
                .any(|line| line.split(' ').nth(1) == Some(mountpoint)),
            "{mountpoint} is not in /proc/mounts"
        );
        // qemu-ga 7.2 adds used-bytes and total-bytes, unknown to the seed schema.
        let members: Vec<&String> = filesystem.as_object().expect("object").keys().collect();
        assert_eq!(members, ["name", "mountpoint", "type", "disk"]);
    }
    agent.stop().expect("stop qemu-ga");
}

/// How many entries of `dir` are `prefix` followed by digits.
fn count_numbered(dir: &str, prefix: &str) -> usize {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| {
                    entry.file_name().to_str().is_some_and(|name| {
                        name.strip_prefix(prefix).is_some_and(|number| {
                            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
                        })
                    })
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn vcpus() {
    let Some(agent) = qemu_ga("vcpus") else {
        return;
    };
    let text = success(&agent, &["vcpus"]);
    // qemu-ga lists /sys/devices/system/cpu/cpuN: the guest is this machine.
    let count = count_numbered("/sys/devices/system/cpu", "cpu");
    let first = text.lines().next().expect("a line");
    assert!(first.starts_with(&format!("{count} vCPUs, ")), "{text}");
    let listed = text
        .lines()
        .filter(|line| line.starts_with("    vcpu "))
        .count();
    assert_eq!(listed, count, "{text}");
    assert!(text.contains("    vcpu 0: online"), "{text}");
    let value = json(&agent, &["vcpus"]);
    assert_eq!(value.as_array().map(Vec::len), Some(count));
    agent.stop().expect("stop qemu-ga");
}

#[test]
fn memory() {
    let Some(agent) = qemu_ga("memory") else {
        return;
    };
    let sysfs = Path::new("/sys/devices/system/memory/block_size_bytes");
    let Ok(size_hex) = fs::read_to_string(sysfs) else {
        // Without memory hotplug in sysfs, qemu-ga reports an error.
        let output = client(&agent, &["memory"]);
        assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
        assert!(
            stderr(&output).contains("the agent reported GenericError: "),
            "{}",
            stderr(&output)
        );
        agent.stop().expect("stop qemu-ga");
        return;
    };
    let size = u64::from_str_radix(size_hex.trim(), 16).expect("hexadecimal");
    let blocks = count_numbered("/sys/devices/system/memory", "memory");
    let text = success(&agent, &["memory"]);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(format!("block size: {}", render::bytes(size)).as_str())
    );
    let second = lines.next().expect("a second line");
    assert!(second.starts_with(&format!("blocks: {blocks} (")), "{text}");
    assert!(
        lines.any(|line| line.starts_with("online blocks: ")),
        "{text}"
    );

    let value = json(&agent, &["memory"]);
    assert_eq!(value["size"], size);
    assert_eq!(value["blocks"].as_array().map(Vec::len), Some(blocks));
    agent.stop().expect("stop qemu-ga");
}

/// Needs no agent: nothing listens at the address.
#[test]
fn transport_errors_are_not_qapi_errors() {
    let socket = std::env::temp_dir().join(format!(
        "example-client-no-such-socket-{}",
        std::process::id()
    ));
    let output = Command::new(env!("CARGO_BIN_EXE_example-client"))
        .args(["--address".as_ref(), socket.as_os_str(), "ping".as_ref()])
        .output()
        .expect("run example-client");
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!(
            "example-client: cannot connect to the agent at {}: \
             No such file or directory (os error 2)\n",
            socket.display()
        )
    );
}

/// `tcp:HOST:PORT`: qemu-ga listens only on Unix sockets (or serial ports), so the test
/// forwards one TCP connection to it.
#[test]
fn tcp_address() {
    use std::io::copy;
    use std::net::{Shutdown, TcpListener};
    use std::os::unix::net::UnixStream;
    use std::thread;

    let Some(agent) = qemu_ga("tcp_address") else {
        return;
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let socket = agent.socket().to_path_buf();
    let forwarder = thread::spawn(move || {
        let (mut tcp, _) = listener.accept().expect("accept");
        let mut unix = UnixStream::connect(socket).expect("connect to qemu-ga");
        let mut tcp_back = tcp.try_clone().expect("clone");
        let mut unix_back = unix.try_clone().expect("clone");
        let upstream = thread::spawn(move || {
            let _ = copy(&mut tcp, &mut unix);
            let _ = unix.shutdown(Shutdown::Write);
        });
        let _ = copy(&mut unix_back, &mut tcp_back);
        let _ = tcp_back.shutdown(Shutdown::Write);
        upstream.join().expect("upstream");
    });
    let address = format!("tcp:127.0.0.1:{port}");
    let output = Command::new(env!("CARGO_BIN_EXE_example-client"))
        .args(["--address", &address, "exec", "echo", "over", "tcp"])
        .output()
        .expect("run example-client");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "over tcp\n");
    agent.stop().expect("stop qemu-ga");
    forwarder.join().expect("forwarder");
}
