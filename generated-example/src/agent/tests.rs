//! The agent against the fake system layer: the system-changing commands (never run for
//! real here), the read-only host commands, and the byte-stream protocol.

use std::net::Ipv4Addr;
use std::sync::Arc;

use serde_json::{json, Value};

use super::system::fake::RecordingSystem;
use super::system::{InterfaceAddress, IpAddressWithMask};
use super::*;

const MOUNTINFO: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:1 / / rw,relatime - ext4 /dev/vda1 rw
30 27 253:2 / /home\\040dir rw,relatime - xfs /dev/vdb rw
31 27 0:40 / /tmp rw - tmpfs tmpfs rw
";

fn host() -> RecordingSystem {
    RecordingSystem::new()
        .with_file("/proc/self/mountinfo", MOUNTINFO)
        .with_file("/sys/power/state", "freeze mem disk\n")
}

/// An agent on a fake system, and that system to see what was called.
struct Harness {
    agent: Agent,
    system: Arc<RecordingSystem>,
}

impl Harness {
    fn new(system: RecordingSystem, config: AgentConfig) -> Harness {
        let system = Arc::new(system);
        Harness {
            agent: Agent::new(Box::new(Arc::clone(&system)), config),
            system,
        }
    }

    fn calls(&self) -> Vec<String> {
        self.system.calls()
    }

    fn run(&mut self, request: Value) -> Option<Value> {
        self.agent.handle_request(request)
    }
}

fn fake(system: RecordingSystem) -> Harness {
    Harness::new(system, AgentConfig::default())
}

fn run(harness: &mut Harness, command: &str, arguments: Value) -> Option<Value> {
    harness.run(json!({"execute": command, "arguments": arguments}))
}

fn error(desc: &str) -> Option<Value> {
    Some(json!({"error": {"class": "GenericError", "desc": desc}}))
}

#[test]
fn shutdown_runs_the_shutdown_program_and_sends_no_reply() {
    let mut harness = fake(host());
    assert_eq!(run(&mut harness, "guest-shutdown", json!({})), None);
    assert_eq!(
        run(&mut harness, "guest-shutdown", json!({"mode": "reboot"})),
        None
    );
    assert_eq!(
        run(&mut harness, "guest-shutdown", json!({"mode": "sleep"})),
        error("Parameter 'mode' expects halt|powerdown|reboot")
    );
    assert_eq!(
        harness.calls(),
        [
            "run /sbin/shutdown -P +0 hypervisor initiated shutdown",
            "run /sbin/shutdown -r +0 hypervisor initiated shutdown"
        ]
    );
    let mut failing = host();
    failing.exit_code = 1;
    let mut harness = fake(failing);
    assert_eq!(
        run(&mut harness, "guest-shutdown", json!({"mode": "halt"})),
        error("child process has failed to shutdown")
    );
}

#[test]
fn freeze_disables_commands_until_thaw() {
    let dir = std::env::temp_dir().join(format!("example-agent-freeze-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = AgentConfig {
        blocked: vec!["guest-exec".to_owned()],
        state_dir: Some(dir.clone()),
    };
    let mut harness = Harness::new(host(), config.clone());
    assert_eq!(
        run(&mut harness, "guest-fsfreeze-freeze", json!({})),
        Some(json!({"return": 2}))
    );
    // Reverse mount order; virtual filesystems (major 0) are left alone.
    assert_eq!(harness.calls(), ["freeze /home dir", "freeze /"]);
    assert_eq!(
        run(&mut harness, "guest-fsfreeze-status", json!({})),
        Some(json!({"return": "frozen"}))
    );
    assert_eq!(
        run(
            &mut harness,
            "guest-file-open",
            json!({"path": "/etc/hostname"})
        ),
        Some(json!({"error": {"class": "CommandNotFound",
            "desc": "Command guest-file-open has been disabled: the agent is in frozen state"}}))
    );
    assert!(dir.join("qga.state.isfrozen").exists());
    // A restarted agent finds the marker and stays frozen.
    let mut restarted = Harness::new(host(), config);
    assert_eq!(
        run(&mut restarted, "guest-fsfreeze-status", json!({})),
        Some(json!({"return": "frozen"}))
    );
    assert_eq!(
        run(&mut harness, "guest-fsfreeze-thaw", json!({})),
        Some(json!({"return": 2}))
    );
    assert!(!dir.join("qga.state.isfrozen").exists());
    assert_eq!(
        run(&mut harness, "guest-fsfreeze-status", json!({})),
        Some(json!({"return": "thawed"}))
    );
    assert_eq!(
        run(&mut harness, "guest-ping", json!({})),
        Some(json!({"return": {}}))
    );
    // The blocked command stays blocked after the thaw.
    assert_eq!(
        run(&mut harness, "guest-exec", json!({"path": "/bin/true"})),
        Some(
            json!({"error": {"class": "CommandNotFound", "desc": "Command guest-exec has been disabled"}})
        )
    );
}

#[test]
fn freeze_failure_thaws_everything() {
    let mut harness = fake(host().failing("freeze /home dir", libc::EIO));
    assert_eq!(
        run(&mut harness, "guest-fsfreeze-freeze", json!({})),
        error("failed to freeze /home dir: Input/output error")
    );
    assert_eq!(
        harness.calls(),
        ["freeze /home dir", "thaw /", "thaw /home dir"]
    );
    assert_eq!(
        run(&mut harness, "guest-fsfreeze-status", json!({})),
        Some(json!({"return": "thawed"}))
    );
    let mut harness = fake(host());
    assert_eq!(
        run(
            &mut harness,
            "guest-fsfreeze-freeze-list",
            json!({"mountpoints": ["/", "/nope"]})
        ),
        Some(json!({"return": 1}))
    );
    assert_eq!(harness.calls(), ["freeze /"]);
}

#[test]
fn fstrim_reports_each_filesystem() {
    let mut system = host().failing("trim /home dir", libc::EOPNOTSUPP);
    system.trimmed = 4096;
    let mut harness = fake(system);
    assert_eq!(
        run(&mut harness, "guest-fstrim", json!({"minimum": 512})),
        Some(json!({"return": {"paths": [
            {"path": "/", "trimmed": 4096, "minimum": 512},
            {"path": "/home dir", "error": "failed to trim: Operation not supported"}
        ]}}))
    );
}

#[test]
fn set_time_sets_the_clock_then_the_rtc() {
    let mut harness = fake(host());
    assert_eq!(
        run(
            &mut harness,
            "guest-set-time",
            json!({"time": 1_700_000_000_000_000_000i64})
        ),
        Some(json!({"return": {}}))
    );
    assert_eq!(
        run(&mut harness, "guest-set-time", json!({})),
        Some(json!({"return": {}}))
    );
    assert_eq!(
        run(&mut harness, "guest-set-time", json!({"time": -1})),
        error("Invalid time")
    );
    assert_eq!(
        harness.calls(),
        [
            "set-time 1700000000000000000",
            "run /sbin/hwclock -w",
            "run /sbin/hwclock -s"
        ]
    );
}

#[test]
fn vcpus_are_read_and_set_through_sysfs() {
    let mut system = host()
        .with_directory("/sys/devices/system/cpu/cpu0/", &[])
        .with_directory("/sys/devices/system/cpu/cpu1/", &["online"])
        .with_file("/sys/devices/system/cpu/cpu1/online", "1\n");
    system.processors = 2;
    let mut harness = fake(system);
    assert_eq!(
        run(&mut harness, "guest-get-vcpus", json!({})),
        Some(json!({"return": [
            {"logical-id": 1, "online": true, "can-offline": true},
            {"logical-id": 0, "online": true, "can-offline": false}
        ]}))
    );
    assert_eq!(
        run(
            &mut harness,
            "guest-set-vcpus",
            json!({"vcpus": [
                {"logical-id": 1, "online": false},
                {"logical-id": 0, "online": false}
            ]})
        ),
        Some(json!({"return": 1}))
    );
    assert_eq!(
        run(
            &mut harness,
            "guest-set-vcpus",
            json!({"vcpus": [{"logical-id": 0, "online": false}]})
        ),
        error("logical processor #0 can't be offlined")
    );
    assert_eq!(
        run(
            &mut harness,
            "guest-set-vcpus",
            json!({"vcpus": [{"logical-id": 7, "online": true}]})
        ),
        error("open(\"/sys/devices/system/cpu/cpu7/\"): No such file or directory")
    );
    assert_eq!(
        harness.calls(),
        ["write /sys/devices/system/cpu/cpu1/online = 0"]
    );
}

#[test]
fn memory_blocks_are_read_and_set_through_sysfs() {
    let system = host()
        .with_directory(
            "/sys/devices/system/memory",
            &["memory3", "power", "memory1"],
        )
        .with_file("/sys/devices/system/memory/memory3/state", "online\n")
        .with_file("/sys/devices/system/memory/memory3/removable", "1\n")
        .with_file("/sys/devices/system/memory/memory1/state", "offline\n")
        .with_file("/sys/devices/system/memory/memory1/removable", "0\n")
        .with_file("/sys/devices/system/memory/block_size_bytes", "8000000\n");
    let mut harness = fake(system);
    assert_eq!(
        run(&mut harness, "guest-get-memory-blocks", json!({})),
        Some(json!({"return": [
            {"phys-index": 3, "online": true, "can-offline": true},
            {"phys-index": 1, "online": false, "can-offline": false}
        ]}))
    );
    assert_eq!(
        run(&mut harness, "guest-get-memory-block-info", json!({})),
        Some(json!({"return": {"size": 134217728}}))
    );
    assert_eq!(
        run(
            &mut harness,
            "guest-set-memory-blocks",
            json!({"mem-blks": [
                {"phys-index": 3, "online": false},
                {"phys-index": 1, "online": true},
                {"phys-index": 9, "online": true}
            ]})
        ),
        Some(json!({"return": [
            {"phys-index": 3, "response": "success"},
            {"phys-index": 1, "response": "success"},
            {"phys-index": 9, "response": "not-found"}
        ]}))
    );
    assert_eq!(
        harness.calls(),
        [
            "write /sys/devices/system/memory/memory3/state = offline",
            "write /sys/devices/system/memory/memory1/state = online"
        ]
    );
    let mut empty = fake(host());
    assert_eq!(
        run(&mut empty, "guest-get-memory-blocks", json!({})),
        error("Can't open directory \"/sys/devices/system/memory/\": No such file or directory")
    );
}

#[test]
fn user_password_goes_to_chpasswd() {
    let mut harness = fake(host());
    assert_eq!(
        run(
            &mut harness,
            "guest-set-user-password",
            json!({"username": "alice", "password": "c2VjcmV0", "crypted": false})
        ),
        Some(json!({"return": {}}))
    );
    assert_eq!(
        run(
            &mut harness,
            "guest-set-user-password",
            json!({"username": "a:b", "password": "c2VjcmV0", "crypted": true})
        ),
        error("forbidden characters in username")
    );
    assert_eq!(
        run(
            &mut harness,
            "guest-set-user-password",
            json!({"username": "alice", "password": "YQpi", "crypted": true})
        ),
        error("forbidden characters in raw password")
    );
    assert_eq!(
        run(
            &mut harness,
            "guest-set-user-password",
            json!({"username": "alice", "password": "*", "crypted": true})
        ),
        error("Base64 data contains invalid characters")
    );
    assert_eq!(harness.calls(), ["run chpasswd < alice:secret\n"]);
}

#[test]
fn suspend_uses_sysfs_and_refuses_what_the_kernel_cannot_do() {
    let mut harness = fake(host());
    assert_eq!(run(&mut harness, "guest-suspend-ram", json!({})), None);
    assert_eq!(run(&mut harness, "guest-suspend-disk", json!({})), None);
    assert_eq!(
        run(&mut harness, "guest-suspend-hybrid", json!({})),
        error("the requested suspend mode is not supported by the guest")
    );
    assert_eq!(
        harness.calls(),
        [
            "write /sys/power/state = mem",
            "write /sys/power/state = disk"
        ]
    );
    let mut harness = fake(RecordingSystem::new().with_file("/sys/power/state", "freeze\n"));
    assert_eq!(
        run(&mut harness, "guest-suspend-ram", json!({})),
        error("the requested suspend mode is not supported by the guest")
    );
    assert!(harness.calls().is_empty());
}

#[test]
fn read_only_host_commands() {
    let mut system = host()
        .with_file("/sys/class/net/lo/address", "00:00:00:00:00:00\n")
        .with_file("/sys/class/net/eth0/address", "02:fc:00:00:00:01\n");
    system.links.insert(
        "/sys/dev/block/253:1".into(),
        "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/vda1".into(),
    );
    system.now = 42;
    system.interfaces = vec![
        InterfaceAddress {
            name: "lo".into(),
            address: None,
        },
        InterfaceAddress {
            name: "eth0".into(),
            address: None,
        },
        InterfaceAddress {
            name: "lo".into(),
            address: Some(IpAddressWithMask::V4(
                Ipv4Addr::LOCALHOST,
                Ipv4Addr::new(255, 0, 0, 0),
            )),
        },
        InterfaceAddress {
            name: "lo".into(),
            address: Some(IpAddressWithMask::V6(
                std::net::Ipv6Addr::LOCALHOST,
                std::net::Ipv6Addr::from(u128::MAX),
            )),
        },
    ];
    let mut harness = fake(system);
    assert_eq!(
        run(&mut harness, "guest-get-time", json!({})),
        Some(json!({"return": 42}))
    );
    assert_eq!(
        run(&mut harness, "guest-network-get-interfaces", json!({})),
        Some(json!({"return": [
            {"name": "lo", "hardware-address": "00:00:00:00:00:00", "ip-addresses": [
                {"ip-address": "127.0.0.1", "ip-address-type": "ipv4", "prefix": 8},
                {"ip-address": "::1", "ip-address-type": "ipv6", "prefix": 128}
            ]},
            {"name": "eth0", "hardware-address": "02:fc:00:00:00:01"}
        ]}))
    );
    assert_eq!(
        run(&mut harness, "guest-get-fsinfo", json!({})),
        Some(json!({"return": [
            {"name": "253:2", "mountpoint": "/home dir", "type": "xfs", "disk": []},
            {"name": "vda1", "mountpoint": "/", "type": "ext4", "disk": [
                {"pci-controller": {"domain": 0, "bus": 0, "slot": 2, "function": 0},
                 "bus-type": "virtio", "bus": 0, "target": 0, "unit": 0}
            ]}
        ]}))
    );
    assert!(harness.calls().is_empty());
}

fn feed(agent: &mut Agent, input: &[u8]) -> Vec<u8> {
    let mut output = Vec::new();
    agent.handle_input(input, &mut output);
    output
}

#[test]
fn byte_stream_protocol() {
    let mut harness = fake(host());
    let agent = &mut harness.agent;
    assert_eq!(
        feed(agent, b"{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":7}}{\"execute\":\"guest-ping\"}"),
        b"\xFF{\"return\": 7}\n{\"return\": {}}\n"
    );
    assert_eq!(
        feed(agent, b"{\"execute\": }\n{\"execute\":\n\"guest-ping\", \"id\": \"\xC3\xA9\"}"),
        b"{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, expecting value\"}}\n{\"return\": {}, \"id\": \"\\u00E9\"}\n"
    );
    // A partial request is flushed by 0xFF, and dropped when a new client comes.
    assert_eq!(feed(agent, b"{\"execute\":"), b"");
    assert!(agent.has_partial_input());
    agent.reset_session();
    assert!(!agent.has_partial_input());
    assert_eq!(
        feed(agent, b"{\"execute\":\"guest-ping\"}"),
        b"{\"return\": {}}\n"
    );
    assert_eq!(
        feed(agent, b"{\"exec\xFF{\"execute\":\"guest-ping\"}"),
        b"{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\\"exec\\uFFFD'\"}}\n{\"return\": {}}\n"
    );
    // guest-info lists the schema's commands, last first, with their state.
    let info = agent
        .handle_request(json!({"execute": "guest-info"}))
        .unwrap();
    let commands = info["return"]["supported_commands"].as_array().unwrap();
    assert_eq!(commands.len(), COMMANDS.len());
    assert_eq!(
        commands[0],
        json!({"name": COMMANDS[COMMANDS.len() - 1].name, "enabled": true, "success-response": true})
    );
    assert_eq!(info["return"]["version"], json!(VERSION));
}
