//! The generated server side, compiled and run.
//!
//! `snapshots/dispatch.rs` is generated from `snapshots/dispatch.json` and checked in, so
//! that this test can compile it (under `deny(warnings)`) without a build script;
//! `dispatch_snapshot.rs`, a test of its own so that it runs even when the checked-in file no
//! longer compiles, regenerates it and fails when it is stale. These tests implement the
//! generated `Server` trait and run requests through the generated `dispatch`, from JSON
//! bytes to reply bytes, as an agent would.

#![deny(warnings)]

use std::cell::RefCell;

use qapi_runtime::dispatch::CommandTable;
use qapi_runtime::framing::{to_wire, JsonStreamer};
use qapi_runtime::QapiError;

#[allow(dead_code)]
mod generated {
    include!("snapshots/dispatch.rs");
}

use generated::*;

/// A server that records what it was asked and answers from its arguments.
#[derive(Default)]
struct TestServer {
    calls: RefCell<Vec<String>>,
}

impl TestServer {
    fn record(&self, call: String) {
        self.calls.borrow_mut().push(call);
    }
}

impl Server for TestServer {
    fn guest_ping(&self) -> Result<(), QapiError> {
        self.record("ping".to_owned());
        Ok(())
    }

    fn guest_sync(&self, args: GuestSyncArgs) -> Result<i64, QapiError> {
        Ok(args.id)
    }

    fn guest_file_read(&self, args: GuestFileReadArgs) -> Result<GuestFileRead, QapiError> {
        if args.handle != 1 {
            return Err(QapiError::generic(format!(
                "handle '{}' has not been found",
                args.handle
            )));
        }
        let count = args.count.unwrap_or(4096).min(3);
        Ok(GuestFileRead {
            count,
            buf_b64: "YWJj".to_owned(),
            eof: true,
        })
    }

    fn guest_exec(&self, args: GuestExecRequest) -> Result<Vec<GuestExecStarted>, QapiError> {
        match args.kind {
            GuestExecRequestBranch::Path(path) => {
                self.record(format!("exec {} {:?}", path.path, path.arg));
                Ok(vec![GuestExecStarted { pid: 100 }])
            }
            GuestExecRequestBranch::Shell(shell) => {
                self.record(format!("shell {}", shell.line));
                Ok(vec![
                    GuestExecStarted { pid: 200 },
                    GuestExecStarted { pid: 201 },
                ])
            }
            GuestExecRequestBranch::Other(kind) => {
                Err(QapiError::generic(format!("unknown kind {kind}")))
            }
        }
    }

    fn guest_shutdown(&self, args: GuestShutdownArgs) -> Result<(), QapiError> {
        match args.mode.as_deref() {
            None | Some("powerdown") => {
                self.record("shutdown".to_owned());
                Ok(())
            }
            Some(mode) => Err(QapiError::generic(format!(
                "Parameter 'mode' expects 'halt', 'powerdown' or 'reboot', not '{mode}'"
            ))),
        }
    }

    // Implementing a deprecated command names its deprecated `{Command}Args`: the
    // implementor opts in, as here.
    #[allow(deprecated)]
    fn guest_old(&self, args: GuestOldArgs) -> Result<(), QapiError> {
        self.record(format!("old {}", args.level));
        Ok(())
    }

    fn device_add(
        &self,
        args: serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), QapiError> {
        let keys: Vec<&str> = args.keys().map(String::as_str).collect();
        self.record(format!("device-add {}", keys.join(",")));
        Ok(())
    }
}

/// Feeds `input` to a JSON streamer and answers every value as an agent does; returns the
/// replies as wire lines.
fn converse(server: &TestServer, table: &CommandTable, input: &str) -> Vec<String> {
    let mut streamer = JsonStreamer::new();
    let mut items = streamer.feed(input.as_bytes());
    items.extend(streamer.finish());
    let mut replies = Vec::new();
    for item in items {
        let reply = match item {
            Ok(request) => dispatch(server, table, request),
            Err(error) => Some(qapi_runtime::dispatch::parse_error_reply(&error)),
        };
        if let Some(reply) = reply {
            replies.push(String::from_utf8(to_wire(&reply).unwrap()).unwrap());
        }
    }
    replies
}

fn answer(server: &TestServer, table: &CommandTable, request: &str) -> String {
    let replies = converse(server, table, request);
    match replies.as_slice() {
        [] => "(no reply)".to_owned(),
        [reply] => reply.clone(),
        _ => panic!("more than one reply to {request}: {replies:?}"),
    }
}

fn table() -> CommandTable {
    CommandTable::new(COMMANDS)
}

#[test]
fn the_table_lists_the_compiled_commands() {
    let names: Vec<&str> = table().commands().map(|state| state.name()).collect();
    assert_eq!(
        names,
        [
            "guest-ping",
            "guest-sync",
            "guest-file-read",
            "guest-exec",
            "guest-exec-path",
            "guest-shutdown",
            "guest-old",
            "device-add",
            "guest-unimplemented",
        ]
    );
    let shutdown = table().get("guest-shutdown").unwrap().info;
    assert!(!shutdown.success_response);
    assert!(table().get("guest-old").unwrap().info.deprecated);
}

#[test]
fn commands_run_and_return() {
    let server = TestServer::default();
    let table = table();
    assert_eq!(
        answer(&server, &table, r#"{"execute": "guest-ping", "id": "p"}"#),
        r#"{"return": {}, "id": "p"}"#
    );
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-sync", "arguments": {"id": 1234}}"#
        ),
        r#"{"return": 1234}"#
    );
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-file-read", "arguments": {"handle": 1, "count": 2}, "id": 3}"#
        ),
        r#"{"return": {"count": 2, "buf-b64": "YWJj", "eof": true}, "id": 3}"#
    );
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-file-read", "arguments": {"handle": 5}}"#
        ),
        r#"{"error": {"class": "GenericError", "desc": "handle '5' has not been found"}}"#
    );
    assert_eq!(*server.calls.borrow(), ["ping"]);
}

#[test]
fn boxed_union_and_named_struct_arguments() {
    let server = TestServer::default();
    let table = table();
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-exec", "arguments": {"kind": "shell", "line": "true"}}"#
        ),
        r#"{"return": [{"pid": 200}, {"pid": 201}]}"#
    );
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-exec", "arguments": {"kind": "path", "path": "/bin/true", "arg": ["-x"]}}"#
        ),
        r#"{"return": [{"pid": 100}]}"#
    );
    // Not implemented by the test server: the default body answers.
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-exec-path", "arguments": {"path": "/bin/true"}, "id": 1}"#
        ),
        r#"{"id": 1, "error": {"class": "GenericError", "desc": "this feature or command is not currently supported"}}"#
    );
    assert_eq!(
        *server.calls.borrow(),
        ["shell true", "exec /bin/true Some([\"-x\"])"]
    );
}

#[test]
fn success_response_false_is_silent_on_success_only() {
    let server = TestServer::default();
    let table = table();
    assert_eq!(
        answer(&server, &table, r#"{"execute": "guest-shutdown", "id": 1}"#),
        "(no reply)"
    );
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-shutdown", "arguments": {"mode": "x"}, "id": 2}"#
        ),
        r#"{"id": 2, "error": {"class": "GenericError", "desc": "Parameter 'mode' expects 'halt', 'powerdown' or 'reboot', not 'x'"}}"#
    );
    assert_eq!(*server.calls.borrow(), ["shutdown"]);
}

#[test]
fn disabled_unknown_unimplemented_and_compiled_out_commands() {
    let server = TestServer::default();
    let mut table = table();
    table.disable("guest-shutdown").unwrap();
    assert_eq!(
        answer(&server, &table, r#"{"execute": "guest-shutdown", "id": 5}"#),
        r#"{"id": 5, "error": {"class": "CommandNotFound", "desc": "Command guest-shutdown has been disabled"}}"#
    );
    assert_eq!(
        answer(&server, &table, r#"{"execute": "guest-nope", "id": "a"}"#),
        r#"{"id": "a", "error": {"class": "CommandNotFound", "desc": "The command guest-nope has not been found"}}"#
    );
    assert_eq!(
        answer(&server, &table, r#"{"execute": "guest-never"}"#),
        r#"{"error": {"class": "CommandNotFound", "desc": "The command guest-never has not been found"}}"#
    );
    assert_eq!(
        answer(&server, &table, r#"{"execute": "guest-unimplemented"}"#),
        r#"{"error": {"class": "GenericError", "desc": "this feature or command is not currently supported"}}"#
    );
    assert!(server.calls.borrow().is_empty());
}

#[test]
fn deprecated_and_hand_decoded_commands() {
    let server = TestServer::default();
    let mut table = table();
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-old", "arguments": {"level": 3}}"#
        ),
        r#"{"return": {}}"#
    );
    // 'gen': false: the arguments arrive as sent, undecoded.
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "device-add", "arguments": {"driver": "e1000", "netdev": "n0"}}"#
        ),
        r#"{"return": {}}"#
    );
    table.reject_deprecated(true);
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-old", "arguments": {"level": 4}}"#
        ),
        r#"{"error": {"class": "CommandNotFound", "desc": "Deprecated command guest-old disabled by policy"}}"#
    );
    assert_eq!(
        *server.calls.borrow(),
        ["old 3", "device-add driver,netdev"]
    );
}

#[test]
fn arguments_are_decoded_strictly() {
    let server = TestServer::default();
    let table = table();
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-ping", "arguments": {"x": 1}, "id": 1}"#
        ),
        r#"{"id": 1, "error": {"class": "GenericError", "desc": "Parameter 'x' is unexpected"}}"#
    );
    assert_eq!(
        answer(
            &server,
            &table,
            r#"{"execute": "guest-sync", "arguments": {"id": 1, "extra": 2}}"#
        ),
        r#"{"error": {"class": "GenericError", "desc": "Parameter 'extra' is unexpected"}}"#
    );
    assert_eq!(
        answer(&server, &table, r#"{"execute": "guest-sync"}"#),
        r#"{"error": {"class": "GenericError", "desc": "Parameter 'id' is missing"}}"#
    );
    assert!(server.calls.borrow().is_empty());
}

#[test]
fn a_stream_of_requests_gets_qemu_ga_replies() {
    // The requests and replies of a qemu-ga 7.2 session (replies as qemu-ga wrote them).
    let server = TestServer::default();
    let table = table();
    let input = concat!(
        r#"{"execute": "guest-ping", "arguments": [], "id": "x"}"#,
        "[1]\n",
        r#"{"execute": "guest-ping", "c": 1, "b": 2, "a": 3}"#,
        r#"{"execute": 1, "id": 2}{"id": 4}"#,
        r#"{"execute": "guest-ping", "id": {"a": [1, {"b": null}]}}"#,
        r#"{"execute": "guest-ping" "x"}"#,
        "\n",
        r#"{"execute": }"#,
    );
    assert_eq!(
        converse(&server, &table, input),
        [
            r#"{"id": "x", "error": {"class": "GenericError", "desc": "QMP input member 'arguments' must be an object"}}"#,
            r#"{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}"#,
            r#"{"error": {"class": "GenericError", "desc": "QMP input member 'a' is unexpected"}}"#,
            r#"{"id": 2, "error": {"class": "GenericError", "desc": "QMP input member 'execute' must be a string"}}"#,
            r#"{"id": 4, "error": {"class": "GenericError", "desc": "QMP input lacks member 'execute'"}}"#,
            r#"{"return": {}, "id": {"a": [1, {"b": null}]}}"#,
            r#"{"error": {"class": "GenericError", "desc": "JSON parse error, expected separator in dict"}}"#,
            r#"{"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}}"#,
        ]
    );
}
