//! The results of [`ops`](super::ops) as text for people, and as JSON (`--json`).
//!
//! The JSON is the agent's own return value, serialized from the typed result (so members the
//! seed schema does not know, such as qemu-ga 7.2's `statistics`, are not in it), wrapped in
//! an object where an operation combines several commands or returns bytes.

use std::fmt::Write as _;

use qga_schema::{
    GuestAgentInfo, GuestFilesystemInfo, GuestLogicalProcessor, GuestNetworkInterface,
};
use serde::Serialize;
use serde_json::{json, Value};

use super::ops::{ExecOutcome, MemoryReport};
use crate::base64;

/// `guest-info`: the version, then one command a line, disabled ones marked.
pub fn info(info: &GuestAgentInfo) -> String {
    let disabled = info
        .supported_commands
        .iter()
        .filter(|command| !command.enabled)
        .count();
    let mut text = format!(
        "version: {}\ncommands: {} ({} disabled)\n",
        info.version,
        info.supported_commands.len(),
        disabled
    );
    for command in &info.supported_commands {
        let mut notes = Vec::new();
        if !command.enabled {
            notes.push("disabled");
        }
        if !command.success_response {
            notes.push("no reply on success");
        }
        if notes.is_empty() {
            let _ = writeln!(text, "    {}", command.name);
        } else {
            let _ = writeln!(text, "    {} ({})", command.name, notes.join(", "));
        }
    }
    text
}

/// `guest-get-time`: UTC date and time with nanoseconds, then the raw value.
pub fn time(nanoseconds: i64) -> String {
    format!(
        "{} ({nanoseconds} ns since the epoch)\n",
        utc_timestamp(nanoseconds)
    )
}

/// Nanoseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ` (proleptic Gregorian
/// calendar; negative values are before 1970).
pub fn utc_timestamp(nanoseconds: i64) -> String {
    let seconds = nanoseconds.div_euclid(1_000_000_000);
    let fraction = nanoseconds.rem_euclid(1_000_000_000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:09}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// The Gregorian date `days` days after 1970-01-01. Counts in 400-year eras of 146097 days,
/// each starting on March 1st so that the leap day ends a year.
fn civil_date(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// `put`: what was written where.
pub fn put(written: usize, remote: &str) -> String {
    format!("wrote {written} bytes to {remote}\n")
}

/// `exec`, after the program's own output: how it ended, when that is not a plain exit 0.
pub fn exec_summary(outcome: &ExecOutcome) -> Option<String> {
    let status = &outcome.status;
    let mut notes = Vec::new();
    if status.out_truncated == Some(true) {
        notes.push("the agent truncated its standard output".to_owned());
    }
    if status.err_truncated == Some(true) {
        notes.push("the agent truncated its standard error".to_owned());
    }
    match (status.exitcode, status.signal) {
        (Some(0), _) => {}
        (Some(code), _) => notes.push(format!("exited with code {code}")),
        (None, Some(signal)) => notes.push(format!("killed by signal {signal}")),
        (None, None) => notes.push("the agent reported neither exit code nor signal".to_owned()),
    }
    if notes.is_empty() {
        return None;
    }
    Some(format!("pid {}: {}\n", outcome.pid, notes.join("; ")))
}

/// `guest-network-get-interfaces`, like `ip addr`: a line per interface, its hardware
/// address and addresses indented below.
pub fn interfaces(interfaces: &[GuestNetworkInterface]) -> String {
    let mut text = String::new();
    for interface in interfaces {
        let _ = writeln!(text, "{}:", interface.name);
        if let Some(hardware) = &interface.hardware_address {
            let _ = writeln!(text, "    ether {hardware}");
        }
        for address in interface.ip_addresses.iter().flatten() {
            let family = match address.ip_address_type.as_str() {
                "ipv4" => "inet",
                "ipv6" => "inet6",
                other => other,
            };
            let _ = writeln!(
                text,
                "    {family} {}/{}",
                address.ip_address, address.prefix
            );
        }
    }
    text
}

/// `guest-get-fsinfo`: a line per file system, its disks indented below.
pub fn fsinfo(filesystems: &[GuestFilesystemInfo]) -> String {
    let mut text = String::new();
    for filesystem in filesystems {
        let _ = writeln!(
            text,
            "{} on {} type {}",
            filesystem.name, filesystem.mountpoint, filesystem.r#type
        );
        for disk in &filesystem.disk {
            let pci = &disk.pci_controller;
            let _ = writeln!(
                text,
                "    disk: {} bus {} target {} unit {}, controller {:04x}:{:02x}:{:02x}.{:x}",
                disk.bus_type,
                disk.bus,
                disk.target,
                disk.unit,
                pci.domain,
                pci.bus,
                pci.slot,
                pci.function
            );
        }
    }
    text
}

/// `guest-get-vcpus`: a count, then a line per processor.
pub fn vcpus(processors: &[GuestLogicalProcessor]) -> String {
    let online = processors.iter().filter(|cpu| cpu.online).count();
    let mut text = format!("{} vCPUs, {online} online\n", processors.len());
    for cpu in processors {
        let state = if cpu.online { "online" } else { "offline" };
        let offline = match cpu.can_offline {
            Some(true) => ", can be taken offline",
            Some(false) => ", cannot be taken offline",
            None => "",
        };
        let _ = writeln!(text, "    vcpu {}: {state}{offline}", cpu.logical_id);
    }
    text
}

/// The memory blocks: block size, counts, and the block numbers as ranges (a guest has
/// hundreds of blocks; one line each would drown the answer).
pub fn memory(report: &MemoryReport) -> String {
    let size = report.info.size;
    let online: Vec<u64> = report
        .blocks
        .iter()
        .filter(|block| block.online)
        .map(|block| block.phys_index)
        .collect();
    let offline: Vec<u64> = report
        .blocks
        .iter()
        .filter(|block| !block.online)
        .map(|block| block.phys_index)
        .collect();
    let removable = report
        .blocks
        .iter()
        .filter(|block| block.can_offline == Some(true))
        .count();
    let online_bytes = size.saturating_mul(online.len() as u64);
    format!(
        "block size: {}\n\
         blocks: {} ({} online, {} offline, {removable} can be taken offline)\n\
         online memory: {}\n\
         online blocks: {}\n\
         offline blocks: {}\n",
        bytes(size),
        report.blocks.len(),
        online.len(),
        offline.len(),
        bytes(online_bytes),
        ranges(online),
        ranges(offline),
    )
}

/// A byte count with its binary unit: `134217728 bytes (128 MiB)`.
pub fn bytes(count: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if count < 1024 {
        return format!("{count} bytes");
    }
    let mut value = count as f64 / 1024.0;
    let mut unit = UNITS[0];
    for next in &UNITS[1..] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    let value = format!("{value:.2}");
    let value = value.trim_end_matches('0').trim_end_matches('.');
    format!("{count} bytes ({value} {unit})")
}

/// Numbers as sorted ranges: `0-3, 7, 9-10`, or `none`.
pub fn ranges(mut numbers: Vec<u64>) -> String {
    numbers.sort_unstable();
    numbers.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut iter = numbers.into_iter();
    let Some(mut start) = iter.next() else {
        return "none".to_owned();
    };
    let mut end = start;
    for number in iter {
        if end.checked_add(1) == Some(number) {
            end = number;
            continue;
        }
        parts.push(range(start, end));
        start = number;
        end = number;
    }
    parts.push(range(start, end));
    parts.join(", ")
}

fn range(start: u64, end: u64) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start}-{end}")
    }
}

/// A typed result as JSON.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Value {
    // The generated serializers write only strings, numbers, booleans, sequences and maps,
    // which always convert; null stands in should that ever change.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `cat --json`: the path, the size and the contents in base64.
pub fn cat_json(path: &str, contents: &[u8]) -> Value {
    json!({"path": path, "size": contents.len(), "content-b64": base64::encode(contents)})
}

/// `put --json`: the path and the number of bytes written.
pub fn put_json(path: &str, written: usize) -> Value {
    json!({"path": path, "size": written})
}

/// `exec --json`: the pid, then the final `guest-exec-status` as the agent sent it.
pub fn exec_json(outcome: &ExecOutcome) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("pid".to_owned(), Value::from(outcome.pid));
    if let Value::Object(status) = json(&outcome.status) {
        object.extend(status);
    }
    Value::Object(object)
}

/// `memory --json`: the block size and the blocks.
pub fn memory_json(report: &MemoryReport) -> Value {
    json!({"size": report.info.size, "blocks": json(&report.blocks)})
}

#[cfg(test)]
mod tests {
    use super::*;
    use qga_schema::{
        GuestAgentCommandInfo, GuestDiskAddress, GuestDiskBusType, GuestExecStatus, GuestIpAddress,
        GuestIpAddressType, GuestMemoryBlock, GuestMemoryBlockInfo, GuestPciAddress,
    };

    fn command(name: &str, enabled: bool, success_response: bool) -> GuestAgentCommandInfo {
        GuestAgentCommandInfo {
            name: name.to_owned(),
            enabled,
            success_response,
        }
    }

    #[test]
    fn info_lists_commands() {
        let agent = GuestAgentInfo {
            version: "7.2.22".to_owned(),
            supported_commands: vec![
                command("guest-ping", true, true),
                command("guest-shutdown", false, false),
                command("guest-fstrim", false, true),
            ],
        };
        assert_eq!(
            info(&agent),
            "\
version: 7.2.22
commands: 3 (2 disabled)
    guest-ping
    guest-shutdown (disabled, no reply on success)
    guest-fstrim (disabled)
"
        );
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            time(1_796_172_793_190_572_000),
            "2026-12-02T00:53:13.190572000Z (1796172793190572000 ns since the epoch)\n"
        );
        // 2000-02-29 (a leap day of a century year) and the day after.
        assert_eq!(
            utc_timestamp(951_782_400_000_000_000),
            "2000-02-29T00:00:00.000000000Z"
        );
        assert_eq!(
            utc_timestamp(951_868_800_000_000_001),
            "2000-03-01T00:00:00.000000001Z"
        );
        assert_eq!(utc_timestamp(-1), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(utc_timestamp(i64::MAX), "2262-04-11T23:47:16.854775807Z");
        assert_eq!(utc_timestamp(i64::MIN), "1677-09-21T00:12:43.145224192Z");
    }

    #[test]
    fn interfaces_look_like_ip_addr() {
        let list = vec![
            GuestNetworkInterface {
                name: "lo".to_owned(),
                hardware_address: Some("00:00:00:00:00:00".to_owned()),
                ip_addresses: Some(vec![
                    GuestIpAddress {
                        ip_address: "127.0.0.1".to_owned(),
                        ip_address_type: GuestIpAddressType::Ipv4,
                        prefix: 8,
                    },
                    GuestIpAddress {
                        ip_address: "::1".to_owned(),
                        ip_address_type: GuestIpAddressType::Ipv6,
                        prefix: 128,
                    },
                ]),
            },
            GuestNetworkInterface {
                name: "dummy0".to_owned(),
                hardware_address: None,
                ip_addresses: None,
            },
        ];
        assert_eq!(
            interfaces(&list),
            "\
lo:
    ether 00:00:00:00:00:00
    inet 127.0.0.1/8
    inet6 ::1/128
dummy0:
"
        );
    }

    #[test]
    fn filesystems_show_their_disks() {
        let list = vec![GuestFilesystemInfo {
            name: "vda".to_owned(),
            mountpoint: "/".to_owned(),
            r#type: "ext4".to_owned(),
            disk: vec![GuestDiskAddress {
                pci_controller: GuestPciAddress {
                    domain: 0,
                    bus: 0,
                    slot: 2,
                    function: 0,
                },
                bus_type: GuestDiskBusType::Virtio,
                bus: 0,
                target: 0,
                unit: 0,
            }],
        }];
        assert_eq!(
            fsinfo(&list),
            "vda on / type ext4\n    disk: virtio bus 0 target 0 unit 0, controller 0000:00:02.0\n"
        );
    }

    #[test]
    fn vcpus_are_counted() {
        let list = vec![
            GuestLogicalProcessor {
                logical_id: 0,
                online: true,
                can_offline: Some(false),
            },
            GuestLogicalProcessor {
                logical_id: 1,
                online: false,
                can_offline: None,
            },
        ];
        assert_eq!(
            vcpus(&list),
            "2 vCPUs, 1 online\n    vcpu 0: online, cannot be taken offline\n    vcpu 1: offline\n"
        );
    }

    fn block(phys_index: u64, online: bool) -> GuestMemoryBlock {
        GuestMemoryBlock {
            phys_index,
            online,
            can_offline: Some(phys_index != 0),
        }
    }

    #[test]
    fn memory_blocks_become_ranges() {
        let report = MemoryReport {
            info: GuestMemoryBlockInfo { size: 134_217_728 },
            blocks: vec![
                block(3, true),
                block(0, true),
                block(1, true),
                block(2, true),
                block(7, false),
                block(9, true),
            ],
        };
        assert_eq!(
            memory(&report),
            "\
block size: 134217728 bytes (128 MiB)
blocks: 6 (5 online, 1 offline, 5 can be taken offline)
online memory: 671088640 bytes (640 MiB)
online blocks: 0-3, 9
offline blocks: 7
"
        );
        assert_eq!(
            memory_json(&report)["blocks"][4],
            json!({"phys-index": 7, "online": false, "can-offline": true})
        );
    }

    #[test]
    fn sizes_and_ranges() {
        assert_eq!(bytes(0), "0 bytes");
        assert_eq!(bytes(1023), "1023 bytes");
        assert_eq!(bytes(1536), "1536 bytes (1.5 KiB)");
        assert_eq!(bytes(25_501_368_320), "25501368320 bytes (23.75 GiB)");
        assert_eq!(bytes(u64::MAX), "18446744073709551615 bytes (16384 PiB)");
        assert_eq!(ranges(vec![]), "none");
        assert_eq!(ranges(vec![5, 4, 4, 1]), "1, 4-5");
        assert_eq!(
            ranges(vec![u64::MAX, u64::MAX - 1]),
            "18446744073709551614-18446744073709551615"
        );
    }

    fn outcome(exitcode: Option<i64>, signal: Option<i64>, truncated: bool) -> ExecOutcome {
        ExecOutcome {
            pid: 42,
            status: GuestExecStatus {
                exited: true,
                exitcode,
                signal,
                out_data: Some("aGk=".to_owned()),
                err_data: None,
                out_truncated: truncated.then_some(true),
                err_truncated: None,
            },
            stdout: b"hi".to_vec(),
            stderr: Vec::new(),
        }
    }

    #[test]
    fn exec_reports_how_the_program_ended() {
        assert_eq!(exec_summary(&outcome(Some(0), None, false)), None);
        assert_eq!(
            exec_summary(&outcome(Some(3), None, false)).as_deref(),
            Some("pid 42: exited with code 3\n")
        );
        assert_eq!(
            exec_summary(&outcome(None, Some(9), true)).as_deref(),
            Some("pid 42: the agent truncated its standard output; killed by signal 9\n")
        );
        assert_eq!(
            exec_json(&outcome(Some(3), None, false)),
            json!({"pid": 42, "exited": true, "exitcode": 3, "out-data": "aGk="})
        );
    }

    #[test]
    fn file_results_as_json() {
        assert_eq!(
            cat_json("/etc/hostname", b"guest\n"),
            json!({"path": "/etc/hostname", "size": 6, "content-b64": "Z3Vlc3QK"})
        );
        assert_eq!(put(5, "/tmp/x"), "wrote 5 bytes to /tmp/x\n");
        assert_eq!(put_json("/tmp/x", 5), json!({"path": "/tmp/x", "size": 5}));
    }
}
