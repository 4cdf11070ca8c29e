//! The generated clients: the snapshot of `snapshots/client.json` is fresh, compiles without
//! warnings, and its typed methods work against a fake peer and against the real qemu-ga.

#![deny(warnings)]

// The types emitter writes `match key { _ => Self::__Ignore }` for structs without members,
// which clippy's match_single_binding flags; that is its concern, not the clients'.
#[allow(dead_code, clippy::match_single_binding)]
mod generated {
    include!("snapshots/client.rs");
}

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use generated::{
    Client, GuestFileOpenArgs, GuestIpAddressType, GuestSyncDelimitedArgs, XPowerOffArgs,
};
use qapi_runtime::client::Timeouts;
use qapi_runtime::framing::JsonStreamer;
use qapi_runtime::{ClientError, ErrorClass};
use qga_process::{AgentCommand, AgentProcess, QEMU_GA_TEMPLATE};
use serde_json::{json, Value};

#[test]
fn snapshot_is_fresh() {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/client.json");
    let text = qapi_gen_codegen::Builder::new(schema)
        .async_client(true)
        .async_client_cfg("unix")
        .generate_to_string()
        .unwrap();
    expectorate::assert_contents("tests/snapshots/client.rs", &text);
}

#[test]
fn a_bad_async_cfg_is_an_error() {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/client.json");
    let error = qapi_gen_codegen::Builder::new(schema)
        .async_client(true)
        .async_client_cfg("feature = ")
        .generate_to_string()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the cfg predicate \"feature = \" for 'async_client_cfg' does not parse: unexpected end of input, expected an expression"
    );
}

/// Reads requests from a socket and answers each with the next canned reply, echoing its id;
/// answers `guest-sync-delimited` as qemu-ga does. Returns the requests it saw.
fn fake_peer(
    stream: UnixStream,
    replies: Vec<Option<Value>>,
) -> std::thread::JoinHandle<Vec<Value>> {
    std::thread::spawn(move || {
        let mut stream = stream;
        let mut streamer = JsonStreamer::new();
        let mut replies: VecDeque<Option<Value>> = replies.into();
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let count = match stream.read(&mut buffer) {
                Ok(0) | Err(_) => return seen,
                Ok(count) => count,
            };
            for request in streamer.feed(&buffer[..count]).into_iter().flatten() {
                seen.push(request.clone());
                if request["execute"] == "guest-sync-delimited" {
                    let id = &request["arguments"]["id"];
                    stream.write_all(b"\xff").unwrap();
                    stream
                        .write_all(json!({"return": id}).to_string().as_bytes())
                        .unwrap();
                    continue;
                }
                let Some(mut reply) = replies.pop_front().flatten() else {
                    continue;
                };
                reply["id"] = request["id"].clone();
                stream.write_all(reply.to_string().as_bytes()).unwrap();
            }
        }
    })
}

#[test]
fn typed_methods_against_a_fake_peer() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let peer = fake_peer(
        theirs,
        vec![
            Some(json!({"return": {}})),
            Some(json!({"return": {
                "version": "9.0",
                "supported_commands": [{"name": "guest-ping", "enabled": true, "success-response": true, "new": 1}],
                "extra": [1]
            }})),
            Some(json!({"return": [{"name": "eth0", "ip-addresses": [
                {"ip-address": "fe80::1", "ip-address-type": "ipv6", "prefix": 64},
                {"ip-address": "x", "ip-address-type": "ipv8", "prefix": 0}
            ]}]})),
            None,
            Some(json!({"error": {"class": "GenericError", "desc": "no such file"}})),
            Some(json!({"return": "not a number"})),
        ],
    );
    let mut client = Client::new(qapi_runtime::client::Client::new(ours));
    client.guest_ping().unwrap();
    let info = client.guest_info().unwrap();
    assert_eq!(info.version, "9.0");
    assert_eq!(info.supported_commands[0].name, "guest-ping");
    assert!(info.supported_commands[0].success_response);
    let interfaces = client.guest_network_get_interfaces().unwrap();
    let addresses = interfaces[0].ip_addresses.as_ref().unwrap();
    assert_eq!(addresses[0].ip_address_type, GuestIpAddressType::Ipv6);
    assert_eq!(
        addresses[1].ip_address_type,
        GuestIpAddressType::Other("ipv8".to_owned())
    );
    client
        .x_power_off(XPowerOffArgs {
            mode: Some("halt".to_owned()),
        })
        .unwrap();
    let args = GuestFileOpenArgs {
        path: "/nonexistent".to_owned(),
        mode: None,
    };
    match client.guest_file_open(args) {
        Err(ClientError::Qapi(error)) => assert_eq!(error.desc, "no such file"),
        other => panic!("unexpected {other:?}"),
    }
    let error = client.guest_get_time().unwrap_err();
    assert_eq!(
        error.to_string(),
        "protocol error: unexpected return value of 'guest-get-time': invalid type: string \"not a number\", expected i64"
    );
    drop(client);
    let seen = peer.join().unwrap();
    let commands: Vec<String> = seen
        .iter()
        .map(|request| {
            let mut request = request.clone();
            if request["execute"] == "guest-sync-delimited" {
                request["arguments"]["id"] = json!("RANDOM");
            }
            request.to_string()
        })
        .collect();
    assert_eq!(
        commands,
        vec![
            r#"{"execute":"guest-sync-delimited","arguments":{"id":"RANDOM"}}"#,
            r#"{"execute":"guest-ping","id":1}"#,
            r#"{"execute":"guest-info","id":2}"#,
            r#"{"execute":"guest-network-get-interfaces","id":3}"#,
            r#"{"execute":"x-power-off","arguments":{"mode":"halt"},"id":4}"#,
            r#"{"execute":"guest-file-open","arguments":{"path":"/nonexistent"},"id":5}"#,
            r#"{"execute":"guest-get-time","id":6}"#,
        ]
    );
}

#[tokio::test]
async fn async_typed_methods() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (ours, mut theirs) = tokio::io::duplex(4096);
    let peer = tokio::spawn(async move {
        let mut streamer = JsonStreamer::new();
        let mut buffer = [0u8; 4096];
        loop {
            let count = match theirs.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(count) => count,
            };
            for request in streamer.feed(&buffer[..count]).into_iter().flatten() {
                let reply = match request["execute"].as_str() {
                    Some("guest-sync-delimited") => {
                        let id = &request["arguments"]["id"];
                        format!("\u{0}{}", json!({"return": id}))
                    }
                    Some("guest-info") => json!({"return": {"version": "7.2.0", "supported_commands": []}, "id": request["id"]}).to_string(),
                    _ => json!({"error": {"class": "CommandNotFound", "desc": "nope"}, "id": request["id"]}).to_string(),
                };
                let mut bytes = reply.into_bytes();
                if bytes.first() == Some(&0) {
                    bytes[0] = 0xFF;
                }
                theirs.write_all(&bytes).await.unwrap();
            }
        }
    });
    let mut client = generated::AsyncClient::new(qapi_runtime::client::AsyncClient::new(ours));
    assert_eq!(client.guest_info().await.unwrap().version, "7.2.0");
    match client.guest_ping().await {
        Err(ClientError::Qapi(error)) => assert_eq!(error.class, ErrorClass::CommandNotFound),
        other => panic!("unexpected {other:?}"),
    }
    drop(client);
    peer.await.unwrap();
}

#[test]
fn typed_methods_against_qemu_ga() {
    if !test_skip::require("qemu-ga", "typed_methods_against_qemu_ga") {
        return;
    }
    let agent = AgentProcess::start(&AgentCommand::from_template(QEMU_GA_TEMPLATE).unwrap())
        .expect("start qemu-ga");
    let socket = agent.socket();

    let mut runtime = qapi_runtime::client::Client::connect_unix(socket).unwrap();
    runtime.set_timeouts(Timeouts {
        read: Some(Duration::from_secs(10)),
        write: Some(Duration::from_secs(10)),
    });
    let mut client = Client::new(runtime);
    client.runtime_mut().sync().unwrap();

    client.guest_ping().unwrap();
    let info = client.guest_info().unwrap();
    let version = qga_process::qemu_ga_version().expect("qemu-ga -V names its version");
    assert_eq!(info.version, version, "{info:?}");
    let ping = info
        .supported_commands
        .iter()
        .find(|command| command.name == "guest-ping")
        .unwrap();
    assert!(ping.enabled && ping.success_response);
    let shutdown = info
        .supported_commands
        .iter()
        .find(|command| command.name == "guest-shutdown")
        .unwrap();
    assert!(!shutdown.enabled && !shutdown.success_response);

    assert!(client.guest_get_time().unwrap() > 0);
    let os = client.guest_get_osinfo().unwrap();
    assert!(os.kernel_release.is_some(), "{os:?}");
    let interfaces = client.guest_network_get_interfaces().unwrap();
    let lo = interfaces
        .iter()
        .find(|interface| interface.name == "lo")
        .unwrap();
    let addresses = lo.ip_addresses.as_ref().unwrap();
    assert!(addresses
        .iter()
        .any(|address| address.ip_address == "127.0.0.1"
            && address.ip_address_type == GuestIpAddressType::Ipv4
            && address.prefix == 8));

    // guest-sync-delimited through its typed stub: the runtime skips to the sentinel.
    let id = client
        .guest_sync_delimited(GuestSyncDelimitedArgs { id: 31337 })
        .unwrap();
    assert_eq!(id, 31337);

    let missing = agent.dir().join("missing");
    let args = GuestFileOpenArgs {
        path: missing.to_string_lossy().into_owned(),
        mode: Some("r".to_owned()),
    };
    match client.guest_file_open(args) {
        Err(ClientError::Qapi(error)) => {
            assert_eq!(error.class, ErrorClass::GenericError);
            assert!(
                error.desc.contains("No such file or directory"),
                "{}",
                error.desc
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    client.guest_ping().unwrap();
}
