//! The real schemas: QEMU 7.2.0 against 10.0.2 (QMP and the guest agent), and the project's
//! seed guest-agent schema against QEMU 10.0.2's. Each expected finding was checked by
//! reading the schema files (the line numbers below are where to look).

use qapi_diff::report;
use qapi_diff::{diff, Class, EntityKind, Report, Status, Summary};
use qapi_gen_parser::model::Schema;
use qapi_gen_parser::{check_file, Options};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load(path: &str) -> Schema {
    let checked = check_file(root().join(path), &Options { legacy: true });
    assert!(!checked.has_errors(), "{path} has errors");
    checked.schema.expect("a valid schema has a model")
}

fn diff_files(old: &str, new: &str) -> Report {
    diff(&load(old), &load(new))
}

/// The report's lines for `entity`, as `report::line` prints them with their class.
fn lines_of(report: &Report, kind: EntityKind, entity: &str) -> Vec<String> {
    report
        .changes
        .iter()
        .filter(|change| change.kind == kind && change.entity == entity)
        .map(|change| format!("{} [{}]", report::line(change), change.class))
        .collect()
}

fn summary<'report>(report: &'report Report, name: &str) -> &'report Summary {
    report
        .summaries_of(EntityKind::Command)
        .find(|summary| summary.name == name)
        .unwrap_or_else(|| panic!("no summary for {name}"))
}

/// Command names found by scanning the text for `'command': 'NAME'`, independently of the
/// parser.
fn command_names_in_text(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(path)).expect("schema file");
    text.split("'command':")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('\''))
        .filter_map(|rest| rest.split('\'').next())
        .map(str::to_owned)
        .collect()
}

const QGA_7: &str = "schemas/qemu-7.2.0/qga/qapi-schema.json";
const QGA_10: &str = "schemas/qemu-10.0.2/qga/qapi-schema.json";
const QMP_7: &str = "schemas/qemu-7.2.0/qapi/qapi-schema.json";
const QMP_10: &str = "schemas/qemu-10.0.2/qapi/qapi-schema.json";
const SEED: &str = "qga-schema/qapi-schema.json";

#[test]
fn guest_agent_7_2_to_10_0() {
    let report = diff_files(QGA_7, QGA_10);
    let added: Vec<&str> = report
        .summaries_of(EntityKind::Command)
        .filter(|summary| summary.status == Status::Added)
        .map(|summary| summary.name.as_str())
        .collect();
    // Neither name occurs in 7.2.0's file; both are commands in 10.0.2's.
    assert_eq!(added, ["guest-get-load", "guest-network-get-route"]);
    let removed = report
        .summaries_of(EntityKind::Command)
        .filter(|summary| summary.status == Status::Removed)
        .count();
    assert_eq!(removed, 0);
    // 7.2.0 line 1221 `'*capture-output': 'bool'`; 10.0.2 line 1380 the alternate
    // `GuestExecCaptureOutput`, which has a `bool` branch.
    assert_eq!(
        lines_of(&report, EntityKind::Command, "guest-exec"),
        ["arguments.capture-output: type changed from bool to GuestExecCaptureOutput [compatible]"]
    );
    // 10.0.2 line 1078.
    assert_eq!(
        lines_of(&report, EntityKind::Type, "GuestFilesystemInfo"),
        [
            "condition 'if: {'any': ['CONFIG_WIN32', 'CONFIG_LINUX']}' added [caution]",
            "member 'total-bytes-privileged' added (optional, uint64) [compatible]",
        ]
    );
    assert_eq!(report.worst(), Some(Class::Caution));
}

#[test]
fn qmp_7_2_to_10_0() {
    let report = diff_files(QMP_7, QMP_10);
    // 7.2.0 machine.json line 1569 and rdma.json; neither name is in 10.0.2.
    assert_eq!(
        lines_of(&report, EntityKind::Command, "x-query-profile"),
        ["removed [incompatible]"]
    );
    assert_eq!(
        lines_of(&report, EntityKind::Command, "x-query-rdma"),
        ["removed [incompatible]"]
    );
    // 7.2.0 machine.json line 1426; gone in 10.0.2.
    assert_eq!(
        lines_of(&report, EntityKind::Event, "MEM_UNPLUG_ERROR"),
        ["removed [caution]"]
    );
    // migration.json: 7.2.0 line 1489 `'uri': 'str', '*blk': 'bool', '*inc': 'bool'`;
    // 10.0.2 line 1725 `'*uri': 'str', '*channels': [ 'MigrationChannel' ]`.
    assert_eq!(
        lines_of(&report, EntityKind::Command, "migrate"),
        [
            "arguments: member 'uri' made optional [compatible]",
            "arguments: member 'blk' removed (was optional) [incompatible]",
            "arguments: member 'inc' removed (was optional) [incompatible]",
            "arguments: member 'channels' added (optional, MigrationChannelList) [compatible]",
        ]
    );
    // run-state.json: 7.2.0 line 116 has 'singlestep'; 10.0.2 line 114 does not. The struct
    // is query-status's return value, so the removal breaks clients.
    assert_eq!(
        lines_of(&report, EntityKind::Type, "StatusInfo"),
        ["member 'singlestep' removed (was mandatory) [incompatible]"]
    );
    // block-core.json: 7.2.0 line 3833 `[ 'luks', 'luks2' ]`, 10.0.2 line 4157 adds
    // 'luks-any'. The enum is in blockdev-add's arguments and in query-block's returns, so
    // the verdict is the receive one and the report names both uses.
    let luks_any = report
        .changes
        .iter()
        .find(|change| change.entity == "RbdImageEncryptionFormat")
        .expect("the enum changed");
    assert_eq!(
        format!("{} [{}]", report::line(luks_any), luks_any.class),
        "value 'luks-any' added [caution]"
    );
    assert_eq!(luks_any.directions.name(), "send and receive");
    let uses: Vec<String> = luks_any.used_by.iter().map(|u| u.to_string()).collect();
    assert!(uses.contains(&"command blockdev-add (arguments)".to_owned()));
    assert!(uses.contains(&"command query-block (returns)".to_owned()));
    // block-core.json: 10.0.2 line 194 adds 'file' to the kinds of image information,
    // which only query results carry.
    assert_eq!(
        lines_of(&report, EntityKind::Type, "ImageInfoSpecificKind"),
        ["value 'file' added [caution]"]
    );
    assert_eq!(report.worst(), Some(Class::Incompatible));
    // Implicit argument types are never entities of the report.
    assert!(report
        .changes
        .iter()
        .all(|change| !change.entity.starts_with("q_obj_")));
}

#[test]
fn seed_against_qemu_10_0_guest_agent() {
    let report = diff_files(SEED, QGA_10);
    // Every command of the seed, found by scanning its text, has a verdict.
    let seed_commands = command_names_in_text(SEED);
    assert_eq!(seed_commands.len(), 31);
    let from_old: Vec<&str> = report
        .summaries_of(EntityKind::Command)
        .filter(|summary| summary.status != Status::Added)
        .map(|summary| summary.name.as_str())
        .collect();
    assert_eq!(from_old, seed_commands);
    let statuses = |status: Status| {
        report
            .summaries_of(EntityKind::Command)
            .filter(|summary| summary.status == status)
            .count()
    };
    assert_eq!(
        [
            Status::Kept,
            Status::Changed,
            Status::Removed,
            Status::Added
        ]
        .map(statuses),
        [13, 18, 0, 13]
    );
    // Kept: same text in both files (seed line 46, 10.0.2's guest-sync-delimited).
    assert_eq!(
        report::summary_line(&report, summary(&report, "guest-sync-delimited")),
        "kept    guest-sync-delimited [compatible]: no change to its definition or to any type it uses"
    );
    // Seed line 334 `'whence': 'int'`; 10.0.2 line 396 `'whence': 'GuestFileWhence'`, an
    // alternate of the enum QGASeek and int.
    assert_eq!(
        report::summary_line(&report, summary(&report, "guest-file-seek")),
        "changed guest-file-seek [compatible]: arguments.whence: type changed from int to GuestFileWhence (compatible)"
    );
    // Seed line 767: GuestFilesystemInfo has no byte counts; 10.0.2 adds three optional
    // ones, and makes the command conditional.
    assert_eq!(
        report::summary_line(&report, summary(&report, "guest-get-fsinfo")),
        "changed guest-get-fsinfo [caution]: condition 'if: {'any': ['CONFIG_WIN32', 'CONFIG_LINUX']}' added (caution); \
type GuestDiskBusType: condition 'if: {'any': ['CONFIG_WIN32', 'CONFIG_LINUX']}' added (caution); \
type GuestDiskBusType: value 'nvme' added (caution); \
type GuestPCIAddress: condition 'if: {'any': ['CONFIG_WIN32', 'CONFIG_LINUX']}' added (caution); \
type GuestDiskAddress: condition 'if: {'any': ['CONFIG_WIN32', 'CONFIG_LINUX']}' added (caution); \
type GuestDiskAddress: member 'serial' added (optional, str) (compatible); \
type GuestDiskAddress: member 'dev' added (optional, str) (compatible); \
type GuestDiskAddress: member 'ccw-address' added (optional, GuestCCWAddress) (compatible); \
type GuestFilesystemInfo: condition 'if: {'any': ['CONFIG_WIN32', 'CONFIG_LINUX']}' added (caution); \
type GuestFilesystemInfo: member 'used-bytes' added (optional, uint64) (compatible); \
type GuestFilesystemInfo: member 'total-bytes' added (optional, uint64) (compatible); \
type GuestFilesystemInfo: member 'total-bytes-privileged' added (optional, uint64) (compatible)"
    );
    let text = report::text(&report, true);
    assert!(text.ends_with(
        "79 changes: 0 incompatible, 32 caution, 47 compatible; \
commands: 13 kept, 18 changed, 0 removed, 13 added; events: 0 kept, 0 changed, 0 removed, 0 added\n"
    ));
}
