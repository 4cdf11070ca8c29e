//! The runtime client against the real QEMU guest agent (qemu-ga), started on a Unix socket in
//! a temporary directory with every command that changes the machine blocked. Skipped, as
//! `test_skip` reports skips, when `qemu-ga` is not installed.

#![cfg(unix)]

use std::io::Write;
use std::time::Duration;

use qapi_runtime::client::{Client, Timeouts};
use qapi_runtime::{ClientError, ErrorClass};
use qga_process::{AgentCommand, AgentProcess, QEMU_GA_TEMPLATE};
use serde_json::{json, Value};

/// Starts qemu-ga with the block list, or says why not.
fn start_agent(name: &str) -> Option<AgentProcess> {
    if !test_skip::require("qemu-ga", name) {
        return None;
    }
    let command = AgentCommand::from_template(QEMU_GA_TEMPLATE).expect("a template");
    Some(AgentProcess::start(&command).expect("start qemu-ga"))
}

fn connect(agent: &AgentProcess) -> Client<std::os::unix::net::UnixStream> {
    let mut client = Client::connect_unix(agent.socket()).unwrap();
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
    let version = qga_process::qemu_ga_version().expect("qemu-ga -V names its version");
    assert_eq!(info["version"], version.as_str(), "{info}");
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
