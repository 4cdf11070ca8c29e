//! The built agent on a unix socket: files, exec, errors, blocked commands, resynchronisation
//! and reconnection, signals and the pid file.

mod agent_support;

use std::time::{Duration, Instant};

use agent_support::{Connection, RunningAgent};
use serde_json::{json, Value};

fn execute(connection: &mut Connection, command: &str, arguments: Value) -> Value {
    connection.request(json!({"execute": command, "arguments": arguments}))
}

fn generic(desc: &str) -> Value {
    json!({"error": {"class": "GenericError", "desc": desc}})
}

#[test]
fn file_round_trip_and_errors() {
    let agent = RunningAgent::start(&[]);
    let mut client = agent.connect();
    let path = agent.dir().join("data");
    let path = path.to_str().unwrap();
    let handle = execute(
        &mut client,
        "guest-file-open",
        json!({"path": path, "mode": "w+"}),
    );
    assert_eq!(handle, json!({"return": 1000}));
    assert_eq!(
        execute(
            &mut client,
            "guest-file-write",
            json!({"handle": 1000, "buf-b64": "aGVsbG8gd29ybGQ="})
        ),
        json!({"return": {"count": 11, "eof": false}})
    );
    assert_eq!(
        execute(
            &mut client,
            "guest-file-seek",
            json!({"handle": 1000, "offset": 6, "whence": 0})
        ),
        json!({"return": {"position": 6, "eof": false}})
    );
    assert_eq!(
        execute(&mut client, "guest-file-read", json!({"handle": 1000})),
        json!({"return": {"count": 5, "buf-b64": "d29ybGQ=", "eof": true}})
    );
    assert_eq!(
        execute(&mut client, "guest-file-flush", json!({"handle": 1000})),
        json!({"return": {}})
    );
    assert_eq!(
        execute(
            &mut client,
            "guest-file-write",
            json!({"handle": 1000, "buf-b64": "not base64!"})
        ),
        generic("Base64 data contains invalid characters")
    );
    assert_eq!(
        execute(
            &mut client,
            "guest-file-read",
            json!({"handle": 1000, "count": -5})
        ),
        generic("value '-5' is invalid for argument count")
    );
    assert_eq!(
        execute(&mut client, "guest-file-close", json!({"handle": 1000})),
        json!({"return": {}})
    );
    assert_eq!(std::fs::read(path).unwrap(), b"hello world");
    for command in ["guest-file-read", "guest-file-flush", "guest-file-close"] {
        assert_eq!(
            execute(&mut client, command, json!({"handle": 1000})),
            generic("handle '1000' has not been found")
        );
    }
    assert_eq!(
        execute(
            &mut client,
            "guest-file-open",
            json!({"path": "/nonexistent/file"})
        ),
        generic("failed to open file '/nonexistent/file' (mode: 'r'): No such file or directory")
    );
    // The handle counter lives in the state directory.
    assert_eq!(
        std::fs::read_to_string(agent.dir().join("qga.state")).unwrap(),
        "[global]\nfd_counter=1001\n"
    );
}

fn exec_and_wait(client: &mut Connection, arguments: Value) -> Value {
    let started = execute(client, "guest-exec", arguments);
    let pid = started["return"]["pid"].clone();
    assert!(pid.is_i64(), "guest-exec failed: {started}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = execute(client, "guest-exec-status", json!({"pid": pid}));
        if status["return"]["exited"] == json!(true) || Instant::now() > deadline {
            return status;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn exec_with_input_output_and_exit_codes() {
    let agent = RunningAgent::start(&[]);
    let mut client = agent.connect();
    assert_eq!(
        exec_and_wait(
            &mut client,
            json!({"path": "/bin/sh",
            "arg": ["-c", "tr a-z A-Z; echo oops >&2; exit 7"],
            "input-data": "aGVsbG8=", "capture-output": true})
        ),
        json!({"return": {"exited": true, "exitcode": 7, "out-data": "SEVMTE8=",
            "err-data": "b29wcwo=", "out-truncated": false, "err-truncated": false}})
    );
    assert_eq!(
        exec_and_wait(
            &mut client,
            json!({"path": "sh", "arg": ["-c", "kill -TERM $$"]})
        ),
        json!({"return": {"exited": true, "signal": 15}})
    );
    assert_eq!(
        exec_and_wait(
            &mut client,
            json!({"path": "/usr/bin/env", "env": ["ONLY=this"],
            "capture-output": true})
        ),
        json!({"return": {"exited": true, "exitcode": 0, "out-data": "T05MWT10aGlzCg==",
            "out-truncated": false}})
    );
    assert_eq!(
        execute(&mut client, "guest-exec", json!({"path": "/no/such/program"})),
        generic("Guest agent command failed, error was 'Failed to execute child process \u{201C}/no/such/program\u{201D} (No such file or directory)'")
    );
    assert_eq!(
        execute(
            &mut client,
            "guest-exec",
            json!({"path": "/bin/true", "input-data": "%%"})
        ),
        generic("Base64 data contains invalid characters")
    );
    assert_eq!(
        execute(&mut client, "guest-exec-status", json!({"pid": 0})),
        generic("Invalid parameter 'pid'")
    );
    let running = execute(
        &mut client,
        "guest-exec",
        json!({"path": "/bin/sleep", "arg": ["5"]}),
    );
    assert_eq!(
        execute(
            &mut client,
            "guest-exec-status",
            json!({"pid": running["return"]["pid"]})
        ),
        json!({"return": {"exited": false}})
    );
}

#[test]
fn blocked_commands_are_disabled_and_listed() {
    let agent = RunningAgent::start(&[]);
    let mut client = agent.connect();
    for command in [
        "guest-shutdown",
        "guest-fsfreeze-freeze",
        "guest-set-time",
        "guest-set-user-password",
    ] {
        assert_eq!(
            client.request(json!({"execute": command, "id": 1})),
            json!({"error": {"class": "CommandNotFound",
                "desc": format!("Command {command} has been disabled")}, "id": 1})
        );
    }
    let info = client.request(json!({"execute": "guest-info"}));
    let commands = info["return"]["supported_commands"].as_array().unwrap();
    let state = |name: &str| {
        commands
            .iter()
            .find(|command| command["name"] == json!(name))
            .map(|command| {
                (
                    command["enabled"].clone(),
                    command["success-response"].clone(),
                )
            })
    };
    assert_eq!(state("guest-shutdown"), Some((json!(false), json!(false))));
    assert_eq!(state("guest-fstrim"), Some((json!(false), json!(true))));
    assert_eq!(state("guest-file-read"), Some((json!(true), json!(true))));
}

#[test]
fn resynchronises_after_garbage() {
    let agent = RunningAgent::start(&[]);
    let mut client = agent.connect();
    // Half a request, then the 0xFF flush and a delimited sync: an error for the flushed
    // input, then the sentinel and the sync reply.
    let reply = client.exchange(
        b"{\"execute\": \"guest-file-re\xFF{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":99}}\n",
        2,
    );
    let text = String::from_utf8_lossy(&reply);
    assert!(
        reply.ends_with(b"\xFF{\"return\": 99}\n"),
        "unexpected reply: {text}"
    );
    assert!(text.starts_with(
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray"
    ));
    // Deep nesting hits QEMU's limit; the closing brackets left over are errors of their
    // own, as in qemu-ga, and then the stream is in step again.
    let mut deep = vec![b'['; 1100];
    deep.extend(vec![b']'; 1100]);
    deep.extend_from_slice(b"\n{\"execute\":\"guest-ping\",\"id\":\"after\"}\n");
    let reply = client.exchange_until(&deep, b"{\"return\": {}, \"id\": \"after\"}\n");
    let text = String::from_utf8_lossy(&reply);
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON nesting depth limit exceeded\"}}"
    );
}

#[test]
fn a_new_client_starts_afresh() {
    let agent = RunningAgent::start(&[]);
    let mut first = agent.connect();
    first.stream.set_nonblocking(false).unwrap();
    std::io::Write::write_all(&mut first.stream, b"{\"execute\": \"guest-sy").unwrap();
    drop(first);
    // qemu-ga 7.2 would glue this request to the partial one and answer a parse error.
    let mut second = agent.connect();
    assert_eq!(
        second.request(json!({"execute": "guest-sync", "arguments": {"id": 5}})),
        json!({"return": 5})
    );
    // Open files belong to the agent, not to the connection.
    let opened = execute(&mut second, "guest-file-open", json!({"path": "/dev/null"}));
    drop(second);
    let mut third = agent.connect();
    assert_eq!(
        execute(
            &mut third,
            "guest-file-close",
            json!({"handle": opened["return"]})
        ),
        json!({"return": {}})
    );
}

#[test]
fn terminates_on_sigterm_and_removes_its_files() {
    let mut agent = RunningAgent::start(&["-v"]);
    let pidfile = agent.dir().join("pid");
    assert_eq!(
        std::fs::read_to_string(&pidfile).unwrap().trim(),
        agent.process.pid().to_string()
    );
    let mut client = agent.connect();
    assert_eq!(
        client.request(json!({"execute": "guest-ping"})),
        json!({"return": {}})
    );
    let status = agent.stop_with(libc::SIGTERM);
    assert!(status.success(), "{status:?}");
    assert!(!pidfile.exists());
    assert!(!agent.process.socket().exists());
    let log = agent.log();
    assert!(log.contains(": info: example-agent"), "{log}");
    assert!(
        log.contains(": debug: request: {\"execute\":\"guest-ping\"}"),
        "{log}"
    );
    assert!(log.contains(": info: terminating on signal"), "{log}");
}

#[test]
fn terminates_on_sigint_while_a_client_is_connected() {
    let mut agent = RunningAgent::start(&[]);
    let mut client = agent.connect();
    assert_eq!(
        client.request(json!({"execute": "guest-ping"})),
        json!({"return": {}})
    );
    let status = agent.stop_with(libc::SIGINT);
    assert!(status.success(), "{status:?}");
    assert!(!agent.dir().join("pid").exists());
}
