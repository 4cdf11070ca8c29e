//! The generated types decode what the real qemu-ga 7.2 answers (`tests/captures/qemu-ga-7.2/`,
//! recorded by `cargo xtask capture-qga`; its README says how).
//!
//! qemu-ga 7.2 is newer than the seed schema (QEMU 2.5 era) and sends members the seed does not
//! know. A client built from the seed must ignore them: the tests of such replies first assert that
//! the member really is in the capture, so they cannot pass vacuously if a capture is redone on
//! an agent without it, then decode the reply and check the known members.
//!
//! That the seed really lacks those members is checked too: QEMU's strict decoding of the same
//! object (`qapi_runtime::strict`, which rejects members the type does not have) names them.
//!
//! Every reply is decoded twice, as a client might: from the text of its `return` member
//! (serde_json's streaming deserializer) and from the parsed reply's `return` value (what
//! `qapi_runtime::client` does); the two results must be equal. The result is also encoded again
//! and decoded once more, which must give it back: every type the captures reach round-trips.

use qapi_runtime::strict;
use qga_schema::{
    GuestAgentInfo, GuestDiskBusType, GuestExec, GuestExecStatus, GuestFileRead,
    GuestFilesystemInfo, GuestFsfreezeStatus, GuestIpAddressType, GuestLogicalProcessor,
    GuestMemoryBlock, GuestMemoryBlockInfo, GuestNetworkInterface,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Debug;

macro_rules! capture {
    ($name:literal) => {
        include_str!(concat!("captures/qemu-ga-7.2/", $name, ".json"))
    };
}

/// The text of a reply line's `return` member: qemu-ga writes every success reply as
/// `{"return": VALUE}` and a newline.
fn return_text(line: &str) -> &str {
    line.strip_prefix(r#"{"return": "#)
        .and_then(|rest| rest.strip_suffix("}\n"))
        .unwrap_or_else(|| panic!("not a qemu-ga success reply line: {line:?}"))
}

fn returned_value(line: &str) -> Value {
    let mut reply: Value = serde_json::from_str(line).expect("a capture is JSON");
    reply
        .get_mut("return")
        .map(Value::take)
        .unwrap_or_else(|| panic!("no return in {line:?}"))
}

/// Decodes the reply's return both ways and checks that they agree, and that the value survives
/// being encoded and decoded again.
fn decode<T: DeserializeOwned + Serialize + PartialEq + Debug>(line: &str) -> T {
    let from_text: T = serde_json::from_str(return_text(line))
        .unwrap_or_else(|error| panic!("decoding {line:?} from text: {error}"));
    let from_value: T = serde_json::from_value(returned_value(line))
        .unwrap_or_else(|error| panic!("decoding {line:?} from a Value: {error}"));
    assert_eq!(from_text, from_value);
    let encoded = serde_json::to_string(&from_text).expect("a generated type encodes");
    let decoded: T = serde_json::from_str(&encoded)
        .unwrap_or_else(|error| panic!("decoding {encoded:?} again: {error}"));
    assert_eq!(decoded, from_text, "{encoded}");
    from_text
}

/// The keys of a JSON object.
/// What strict decoding (as an agent decodes arguments) says of `value` as a `T`.
fn strict_error<T: DeserializeOwned + Debug>(value: &Value) -> String {
    let object = value.as_object().expect("an object").clone();
    match strict::from_arguments::<T>(object) {
        Ok(decoded) => panic!("strict decoding accepted {value}: {decoded:?}"),
        Err(error) => error.desc,
    }
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn guest_info_lists_the_agents_commands() {
    let info: GuestAgentInfo = decode(capture!("guest-info"));
    assert_eq!(info.version, "7.2.22");
    assert_eq!(info.supported_commands.len(), 42);
    let shutdown = info
        .supported_commands
        .iter()
        .find(|command| command.name == "guest-shutdown")
        .expect("guest-shutdown is listed");
    // Blocked with -b: listed as disabled.
    assert!(!shutdown.enabled);
    let ping = info
        .supported_commands
        .iter()
        .find(|command| command.name == "guest-ping")
        .expect("guest-ping is listed");
    assert!(ping.enabled && ping.success_response);
}

#[test]
fn network_interfaces_decode_and_their_statistics_are_ignored() {
    let raw = returned_value(capture!("guest-network-get-interfaces"));
    let with_statistics: Vec<&str> = raw
        .as_array()
        .expect("a list")
        .iter()
        .filter(|interface| interface.get("statistics").is_some())
        .map(|interface| interface["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(with_statistics, ["lo", "eth0"]);
    assert_eq!(
        strict_error::<GuestNetworkInterface>(&raw[0]),
        "Parameter 'statistics' is unexpected"
    );

    let interfaces: Vec<GuestNetworkInterface> = decode(capture!("guest-network-get-interfaces"));
    let names: Vec<&str> = interfaces.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["lo", "ifb0", "ifb1", "eth0"]);
    let lo = &interfaces[0];
    assert_eq!(lo.hardware_address.as_deref(), Some("00:00:00:00:00:00"));
    let addresses = lo.ip_addresses.as_ref().expect("lo has addresses");
    assert_eq!(addresses[0].ip_address, "127.0.0.1");
    assert_eq!(addresses[0].ip_address_type, GuestIpAddressType::Ipv4);
    assert_eq!(addresses[0].prefix, 8);
    assert_eq!(addresses[1].ip_address, "::1");
    assert_eq!(addresses[1].ip_address_type, GuestIpAddressType::Ipv6);
    // An interface without addresses has no `ip-addresses` member at all.
    assert_eq!(interfaces[1].ip_addresses, None);
    assert_eq!(interfaces[3].ip_addresses.as_ref().map(Vec::len), Some(3));
}

#[test]
fn filesystems_decode_and_sizes_and_device_are_ignored() {
    let raw = returned_value(capture!("guest-get-fsinfo"));
    let filesystem = &raw[0];
    assert_eq!(
        keys(filesystem),
        [
            "name",
            "total-bytes",
            "mountpoint",
            "disk",
            "used-bytes",
            "type"
        ]
    );
    assert_eq!(
        keys(&filesystem["disk"][0]),
        ["bus-type", "bus", "unit", "pci-controller", "dev", "target"]
    );
    // Strict decoding checks a nested object when it ends, as QEMU does, so `dev` comes first.
    assert_eq!(
        strict_error::<GuestFilesystemInfo>(filesystem),
        "Parameter 'disk[0].dev' is unexpected"
    );
    let mut without_dev = filesystem.clone();
    without_dev["disk"][0]
        .as_object_mut()
        .expect("an object")
        .remove("dev");
    assert_eq!(
        strict_error::<GuestFilesystemInfo>(&without_dev),
        "Parameter 'total-bytes' is unexpected"
    );
    without_dev
        .as_object_mut()
        .expect("an object")
        .remove("total-bytes");
    assert_eq!(
        strict_error::<GuestFilesystemInfo>(&without_dev),
        "Parameter 'used-bytes' is unexpected"
    );

    let filesystems: Vec<GuestFilesystemInfo> = decode(capture!("guest-get-fsinfo"));
    assert_eq!(filesystems.len(), 1);
    let root = &filesystems[0];
    assert_eq!(root.name, "vda");
    assert_eq!(root.mountpoint, "/");
    assert_eq!(root.r#type, "ext4");
    assert_eq!(root.disk.len(), 1);
    let disk = &root.disk[0];
    assert_eq!(disk.bus_type, GuestDiskBusType::Virtio);
    assert_eq!((disk.bus, disk.target, disk.unit), (0, 0, 0));
    let pci = &disk.pci_controller;
    assert_eq!((pci.domain, pci.bus, pci.slot, pci.function), (0, 0, 2, 0));
}

#[test]
fn exec_and_its_status_decode() {
    let exec: GuestExec = decode(capture!("guest-exec"));
    assert!(exec.pid > 0);

    let raw = returned_value(capture!("guest-exec-status"));
    assert_eq!(
        keys(&raw),
        ["exitcode", "out-data", "out-truncated", "exited"]
    );
    let status: GuestExecStatus = decode(capture!("guest-exec-status"));
    assert!(status.exited);
    assert_eq!(status.exitcode, Some(0));
    assert_eq!(status.signal, None);
    // base64 of "hello from qemu-ga\n".
    assert_eq!(
        status.out_data.as_deref(),
        Some("aGVsbG8gZnJvbSBxZW11LWdhCg==")
    );
    assert_eq!(status.err_data, None);
    // The seed already has the truncation flags (QEMU 2.5 added them).
    assert_eq!(status.out_truncated, Some(false));
    assert_eq!(status.err_truncated, None);
}

#[test]
fn file_open_read_and_close_decode() {
    let handle: i64 = decode(capture!("guest-file-open"));
    assert!(handle > 0);
    let read: GuestFileRead = decode(capture!("guest-file-read"));
    assert_eq!(read.count, 36);
    assert!(read.eof);
    // base64 of "captured by cargo xtask capture-qga\n".
    assert_eq!(
        read.buf_b64,
        "Y2FwdHVyZWQgYnkgY2FyZ28geHRhc2sgY2FwdHVyZS1xZ2EK"
    );
    assert_eq!(
        returned_value(capture!("guest-file-close")),
        Value::Object(Default::default())
    );
}

#[test]
fn processors_memory_and_scalars_decode() {
    let vcpus: Vec<GuestLogicalProcessor> = decode(capture!("guest-get-vcpus"));
    let ids: Vec<i64> = vcpus.iter().map(|vcpu| vcpu.logical_id).collect();
    assert_eq!(ids, [1, 0]);
    assert!(vcpus.iter().all(|vcpu| vcpu.online));
    // The boot processor cannot be taken offline.
    assert_eq!(vcpus[1].can_offline, Some(false));

    let blocks: Vec<GuestMemoryBlock> = decode(capture!("guest-get-memory-blocks"));
    assert_eq!(blocks.len(), 192);
    assert_eq!(blocks[0].phys_index, 188);
    assert!(blocks.iter().all(|block| block.online));
    let info: GuestMemoryBlockInfo = decode(capture!("guest-get-memory-block-info"));
    assert_eq!(info.size, 128 << 20);

    let status: GuestFsfreezeStatus = decode(capture!("guest-fsfreeze-status"));
    assert_eq!(status, GuestFsfreezeStatus::Thawed);
    let time: i64 = decode(capture!("guest-get-time"));
    // Nanoseconds since the epoch, after 2020.
    assert!(time > 1_577_836_800_000_000_000);
    assert_eq!(
        returned_value(capture!("guest-ping")),
        Value::Object(Default::default())
    );
}
