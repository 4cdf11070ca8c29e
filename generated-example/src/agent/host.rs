//! The commands about the guest system itself, as qemu-ga 7.2 does them on Linux, written
//! against the [`System`] layer: what they read, what they would change, and their errors.

use std::io;
use std::path::{Path, PathBuf};

use qapi_runtime::QapiError;
use qga_schema::{
    GuestDiskAddress, GuestDiskBusType, GuestFilesystemInfo, GuestFilesystemTrimResponse,
    GuestFilesystemTrimResult, GuestIpAddress, GuestIpAddressType, GuestLogicalProcessor,
    GuestMemoryBlock, GuestMemoryBlockInfo, GuestMemoryBlockResponse, GuestMemoryBlockResponseType,
    GuestNetworkInterface, GuestPciAddress,
};

use super::errno_text;
use super::system::{IpAddressWithMask, System};
use crate::base64;

const CPU_DIR: &str = "/sys/devices/system/cpu";
const MEMORY_DIR: &str = "/sys/devices/system/memory";

/// A mounted filesystem backed by a block device, from `/proc/self/mountinfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// Where it is mounted.
    pub mountpoint: String,
    /// The filesystem type (`ext4`).
    pub fstype: String,
    /// The device's major and minor numbers.
    pub device: (u32, u32),
}

fn with_errno(message: &str, error: &io::Error) -> QapiError {
    QapiError::generic(format!("{message}: {}", errno_text(error)))
}

/// The filesystems qemu-ga acts on: those on a device (major number not 0), in mount order.
pub fn mounts(system: &dyn System) -> Result<Vec<Mount>, QapiError> {
    let text = system
        .read_file(Path::new("/proc/self/mountinfo"))
        .map_err(|error| with_errno("failed to open /proc/self/mountinfo", &error))?;
    Ok(text.lines().filter_map(parse_mountinfo_line).collect())
}

/// One line: `ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [FIELDS] - TYPE SOURCE OPTIONS`.
fn parse_mountinfo_line(line: &str) -> Option<Mount> {
    let (head, tail) = line.split_once(" - ")?;
    let fields: Vec<&str> = head.split(' ').collect();
    let (major, minor) = fields.get(2)?.split_once(':')?;
    let device = (major.parse().ok()?, minor.parse().ok()?);
    if device.0 == 0 {
        return None;
    }
    Some(Mount {
        mountpoint: unescape_octal(fields.get(4)?),
        fstype: tail.split(' ').next()?.to_owned(),
        device,
    })
}

/// Mount points escape space, tab, newline and backslash as `\NNN`.
fn unescape_octal(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let octal = bytes
            .get(at + 1..at + 4)
            .filter(|digits| digits.iter().all(|digit| (b'0'..=b'7').contains(digit)));
        match (bytes[at], octal) {
            (b'\\', Some(digits)) => {
                let value = digits
                    .iter()
                    .fold(0u32, |value, digit| value * 8 + u32::from(digit - b'0'));
                out.push(value as u8);
                at += 4;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `guest-get-fsinfo`: each filesystem on a device, with the disk behind it.
pub fn filesystems(system: &dyn System) -> Result<Vec<GuestFilesystemInfo>, QapiError> {
    let mut list = Vec::new();
    for mount in mounts(system)? {
        let sys_link = PathBuf::from(format!(
            "/sys/dev/block/{}:{}",
            mount.device.0, mount.device.1
        ));
        let sys_path = system.resolve(&sys_link).unwrap_or(sys_link);
        let name = sys_path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let disk = disk_address(&sys_path.to_string_lossy())
            .into_iter()
            .collect();
        list.push(GuestFilesystemInfo {
            name,
            mountpoint: mount.mountpoint,
            r#type: mount.fstype,
            disk,
        });
    }
    // qemu-ga builds the list by prepending.
    list.reverse();
    Ok(list)
}

/// The PCI controller and bus of a block device, from its sysfs path
/// (`/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda`).
fn disk_address(sys_path: &str) -> Option<GuestDiskAddress> {
    let components: Vec<&str> = sys_path.split('/').collect();
    let pci = components
        .iter()
        .rev()
        .find_map(|component| parse_pci(component))?;
    let scsi = components.iter().rev().find_map(|component| {
        let parts: Vec<i64> = component
            .split(':')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        (parts.len() == 4).then(|| (parts[1], parts[2], parts[3]))
    });
    let bus_type = if sys_path.contains("/usb") {
        GuestDiskBusType::Usb
    } else if sys_path.contains("/ata") {
        GuestDiskBusType::Sata
    } else if scsi.is_some() {
        GuestDiskBusType::Scsi
    } else if sys_path.contains("/virtio") {
        GuestDiskBusType::Virtio
    } else {
        GuestDiskBusType::Unknown
    };
    let (bus, target, unit) = scsi.unwrap_or((0, 0, 0));
    Some(GuestDiskAddress {
        pci_controller: pci,
        bus_type,
        bus,
        target,
        unit,
    })
}

/// `DDDD:BB:SS.F`, hexadecimal.
fn parse_pci(component: &str) -> Option<GuestPciAddress> {
    let (domain, rest) = component.split_once(':')?;
    let (bus, rest) = rest.split_once(':')?;
    let (slot, function) = rest.split_once('.')?;
    if domain.len() != 4 || bus.len() != 2 || slot.len() != 2 || function.len() != 1 {
        return None;
    }
    let hex = |text: &str| i64::from_str_radix(text, 16).ok();
    Some(GuestPciAddress {
        domain: hex(domain)?,
        bus: hex(bus)?,
        slot: hex(slot)?,
        function: hex(function)?,
    })
}

/// `guest-network-get-interfaces`: interfaces in the order `getifaddrs` first names them.
pub fn network_interfaces(system: &dyn System) -> Result<Vec<GuestNetworkInterface>, QapiError> {
    let addresses = system
        .interface_addresses()
        .map_err(|error| with_errno("getifaddrs failed", &error))?;
    let mut interfaces: Vec<GuestNetworkInterface> = Vec::new();
    for entry in addresses {
        let position = match interfaces.iter().position(|i| i.name == entry.name) {
            Some(position) => position,
            None => {
                let address_file = PathBuf::from(format!("/sys/class/net/{}/address", entry.name));
                let hardware_address = system
                    .read_file(&address_file)
                    .ok()
                    .map(|text| text.trim().to_owned())
                    .filter(|text| !text.is_empty());
                interfaces.push(GuestNetworkInterface {
                    name: entry.name.clone(),
                    hardware_address,
                    ip_addresses: None,
                });
                interfaces.len() - 1
            }
        };
        let Some(address) = entry.address else {
            continue;
        };
        let (ip_address, ip_address_type, prefix) = match address {
            IpAddressWithMask::V4(address, mask) => (
                address.to_string(),
                GuestIpAddressType::Ipv4,
                u32::from(mask).count_ones(),
            ),
            IpAddressWithMask::V6(address, mask) => (
                address.to_string(),
                GuestIpAddressType::Ipv6,
                u128::from(mask).count_ones(),
            ),
        };
        interfaces[position]
            .ip_addresses
            .get_or_insert_with(Vec::new)
            .push(GuestIpAddress {
                ip_address,
                ip_address_type,
                prefix: i64::from(prefix),
            });
    }
    Ok(interfaces)
}

/// `guest-get-vcpus`: every configured processor; one without an `online` file (cpu0)
/// cannot be taken offline.
pub fn vcpus(system: &dyn System) -> Result<Vec<GuestLogicalProcessor>, QapiError> {
    let mut list = Vec::new();
    for id in 0..system.processor_count() {
        let dir = format!("{CPU_DIR}/cpu{id}/");
        if !system.exists(Path::new(&dir)) {
            return Err(with_errno(
                &format!("open(\"{dir}\")"),
                &io::Error::from_raw_os_error(libc::ENOENT),
            ));
        }
        let online_file = PathBuf::from(format!("{dir}online"));
        let (online, can_offline) = match system.read_file(&online_file) {
            Ok(text) => (!text.starts_with('0'), true),
            Err(error) if error.raw_os_error() == Some(libc::ENOENT) => (true, false),
            Err(error) => return Err(with_errno(&format!("open(\"{dir}online\")"), &error)),
        };
        list.push(GuestLogicalProcessor {
            logical_id: id as i64,
            online,
            can_offline: Some(can_offline),
        });
    }
    if list.is_empty() {
        return Err(QapiError::generic("guest reported zero VCPUs"));
    }
    list.reverse();
    Ok(list)
}

/// `guest-set-vcpus`: the processors are handled in order until one fails; the count of
/// those done, or the error if the first one failed.
pub fn set_vcpus(system: &dyn System, vcpus: &[GuestLogicalProcessor]) -> Result<i64, QapiError> {
    let mut processed = 0;
    for vcpu in vcpus {
        match set_vcpu(system, vcpu) {
            Ok(()) => processed += 1,
            Err(error) if processed == 0 => return Err(error),
            Err(_) => break,
        }
    }
    Ok(processed)
}

fn set_vcpu(system: &dyn System, vcpu: &GuestLogicalProcessor) -> Result<(), QapiError> {
    let dir = format!("{CPU_DIR}/cpu{}/", vcpu.logical_id);
    if vcpu.logical_id < 0 || !system.exists(Path::new(&dir)) {
        return Err(with_errno(
            &format!("open(\"{dir}\")"),
            &io::Error::from_raw_os_error(libc::ENOENT),
        ));
    }
    let online_file = PathBuf::from(format!("{dir}online"));
    match system.read_file(&online_file) {
        Err(error) if error.raw_os_error() == Some(libc::ENOENT) => {
            if vcpu.online {
                Ok(())
            } else {
                Err(QapiError::generic(format!(
                    "logical processor #{} can't be offlined",
                    vcpu.logical_id
                )))
            }
        }
        Err(error) => Err(with_errno(&format!("open(\"{dir}online\")"), &error)),
        Ok(text) if text.starts_with('0') != vcpu.online => Ok(()),
        Ok(_) => system
            .write_file(&online_file, if vcpu.online { "1" } else { "0" })
            .map_err(|error| with_errno(&format!("pwrite(\"{dir}online\")"), &error)),
    }
}

/// The memory block directories (`memoryN`), by index.
fn memory_block_indexes(system: &dyn System) -> Result<Vec<u64>, QapiError> {
    let names = system
        .read_dir(Path::new(MEMORY_DIR))
        .map_err(|error| with_errno(&format!("Can't open directory \"{MEMORY_DIR}/\""), &error))?;
    Ok(names
        .iter()
        .filter_map(|name| name.strip_prefix("memory")?.parse().ok())
        .collect())
}

fn memory_block_state(system: &dyn System, index: u64) -> io::Result<(bool, bool)> {
    let dir = format!("{MEMORY_DIR}/memory{index}");
    let state = system.read_file(Path::new(&format!("{dir}/state")))?;
    let removable = system
        .read_file(Path::new(&format!("{dir}/removable")))
        .map(|text| text.starts_with('1'))
        .unwrap_or(false);
    Ok((state.starts_with("online"), removable))
}

/// `guest-get-memory-blocks`.
pub fn memory_blocks(system: &dyn System) -> Result<Vec<GuestMemoryBlock>, QapiError> {
    let mut list = Vec::new();
    for index in memory_block_indexes(system)? {
        let (online, can_offline) = memory_block_state(system, index).map_err(|error| {
            with_errno(
                &format!("open(\"{MEMORY_DIR}/memory{index}/state\")"),
                &error,
            )
        })?;
        list.push(GuestMemoryBlock {
            phys_index: index,
            online,
            can_offline: Some(can_offline),
        });
    }
    // Unlike its other lists, qemu-ga 7.2 keeps this one in directory order.
    Ok(list)
}

/// `guest-set-memory-blocks`: one response per block.
pub fn set_memory_blocks(
    system: &dyn System,
    blocks: &[GuestMemoryBlock],
) -> Result<Vec<GuestMemoryBlockResponse>, QapiError> {
    Ok(blocks
        .iter()
        .map(|block| {
            let (response, error_code) = set_memory_block(system, block);
            GuestMemoryBlockResponse {
                phys_index: block.phys_index,
                response,
                error_code,
            }
        })
        .collect())
}

fn set_memory_block(
    system: &dyn System,
    block: &GuestMemoryBlock,
) -> (GuestMemoryBlockResponseType, Option<i64>) {
    let state = match memory_block_state(system, block.phys_index) {
        Ok(state) => state,
        Err(error) if error.raw_os_error() == Some(libc::ENOENT) => {
            return (GuestMemoryBlockResponseType::NotFound, None)
        }
        Err(error) => {
            return (
                GuestMemoryBlockResponseType::OperationFailed,
                error.raw_os_error().map(i64::from),
            )
        }
    };
    let (online, removable) = state;
    if online == block.online {
        return (GuestMemoryBlockResponseType::Success, None);
    }
    if !block.online && !removable {
        return (GuestMemoryBlockResponseType::OperationNotSupported, None);
    }
    let path = PathBuf::from(format!("{MEMORY_DIR}/memory{}/state", block.phys_index));
    match system.write_file(&path, if block.online { "online" } else { "offline" }) {
        Ok(()) => (GuestMemoryBlockResponseType::Success, None),
        Err(error) => (
            GuestMemoryBlockResponseType::OperationFailed,
            error.raw_os_error().map(i64::from),
        ),
    }
}

/// `guest-get-memory-block-info`: the block size, hexadecimal in sysfs.
pub fn memory_block_info(system: &dyn System) -> Result<GuestMemoryBlockInfo, QapiError> {
    let path = format!("{MEMORY_DIR}/block_size_bytes");
    let text = system
        .read_file(Path::new(&path))
        .map_err(|error| with_errno(&format!("open(\"{path}\")"), &error))?;
    let size = u64::from_str_radix(text.trim(), 16)
        .map_err(|_| QapiError::generic(format!("failed to parse {path}")))?;
    Ok(GuestMemoryBlockInfo { size })
}

/// `guest-shutdown`: `/sbin/shutdown` with the mode's flag.
pub fn shutdown(system: &dyn System, mode: Option<&str>) -> Result<(), QapiError> {
    let flag = match mode.unwrap_or("powerdown") {
        "powerdown" => "-P",
        "halt" => "-H",
        "reboot" => "-r",
        _ => {
            return Err(QapiError::generic(
                "Parameter 'mode' expects halt|powerdown|reboot",
            ))
        }
    };
    run_helper(
        system,
        "/sbin/shutdown",
        &[flag, "+0", "hypervisor initiated shutdown"],
        None,
        "shutdown",
    )
}

fn run_helper(
    system: &dyn System,
    program: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
    action: &str,
) -> Result<(), QapiError> {
    match system.run(program, args, stdin) {
        Ok(0) => Ok(()),
        Ok(_) => Err(QapiError::generic(format!(
            "child process has failed to {action}"
        ))),
        Err(error) => Err(with_errno(&format!("failed to run {program}"), &error)),
    }
}

/// The suspend modes and what each needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuspendMode {
    /// Suspend to disk (`hibernate`).
    Disk,
    /// Suspend to RAM.
    Ram,
    /// Both.
    Hybrid,
}

/// `guest-suspend-*`: through systemd when it runs, else through `/sys/power/state` (which
/// cannot do hybrid).
pub fn suspend(system: &dyn System, mode: SuspendMode) -> Result<(), QapiError> {
    let (verb, sysfs_word) = match mode {
        SuspendMode::Disk => ("hibernate", Some("disk")),
        SuspendMode::Ram => ("suspend", Some("mem")),
        SuspendMode::Hybrid => ("hybrid-sleep", None),
    };
    let states = system
        .read_file(Path::new("/sys/power/state"))
        .unwrap_or_default();
    let kernel_can = |word: &str| states.split_whitespace().any(|state| state == word);
    let supported = match mode {
        SuspendMode::Hybrid => kernel_can("mem") && kernel_can("disk"),
        _ => sysfs_word.is_some_and(kernel_can),
    };
    if !supported {
        return Err(QapiError::generic(
            "the requested suspend mode is not supported by the guest",
        ));
    }
    if system.exists(Path::new("/run/systemd/system")) {
        return run_helper(system, "systemctl", &[verb], None, verb);
    }
    match sysfs_word {
        Some(word) => system
            .write_file(Path::new("/sys/power/state"), word)
            .map_err(|error| with_errno("suspend: cannot write to /sys/power/state", &error)),
        None => Err(QapiError::generic(
            "the requested suspend mode is not supported by the guest",
        )),
    }
}

/// `guest-fsfreeze-freeze` and `-freeze-list`: freezes the filesystems (those listed, if a
/// list is given) in reverse mount order; on an error thaws them all again. Filesystems that
/// cannot be frozen (`EOPNOTSUPP`) are skipped.
pub fn freeze(system: &dyn System, only: Option<&[String]>) -> Result<i64, QapiError> {
    let mut frozen = 0;
    for mount in mounts(system)?.iter().rev() {
        if only.is_some_and(|list| !list.contains(&mount.mountpoint)) {
            continue;
        }
        match system.freeze(&mount.mountpoint) {
            Ok(()) => frozen += 1,
            Err(error) if error.raw_os_error() == Some(libc::EOPNOTSUPP) => {}
            Err(error) => {
                let _ = thaw(system);
                return Err(with_errno(
                    &format!("failed to freeze {}", mount.mountpoint),
                    &error,
                ));
            }
        }
    }
    Ok(frozen)
}

/// `guest-fsfreeze-thaw`: thaws every filesystem; the number that were frozen.
pub fn thaw(system: &dyn System) -> Result<i64, QapiError> {
    let mut thawed = 0;
    for mount in mounts(system)? {
        if system.thaw(&mount.mountpoint).is_ok() {
            thawed += 1;
        }
    }
    Ok(thawed)
}

/// `guest-fstrim`: trims every filesystem, reporting each one's result.
pub fn trim(
    system: &dyn System,
    minimum: Option<i64>,
) -> Result<GuestFilesystemTrimResponse, QapiError> {
    let minimum = u64::try_from(minimum.unwrap_or(0)).unwrap_or(0);
    let mut paths = Vec::new();
    for mount in mounts(system)? {
        let result = match system.trim(&mount.mountpoint, minimum) {
            Ok(trimmed) => GuestFilesystemTrimResult {
                path: mount.mountpoint,
                trimmed: i64::try_from(trimmed).ok(),
                minimum: i64::try_from(minimum).ok(),
                error: None,
            },
            Err(error) => GuestFilesystemTrimResult {
                path: mount.mountpoint,
                trimmed: None,
                minimum: None,
                error: Some(format!("failed to trim: {}", errno_text(&error))),
            },
        };
        paths.push(result);
    }
    Ok(GuestFilesystemTrimResponse { paths })
}

/// The start of 2070: qemu-ga refuses times outside 1970..2070.
const YEAR_2070_NS: i64 = 3_155_760_000 * 1_000_000_000;

/// `guest-set-time`: sets the clock to `time` and the RTC from it, or without `time` the
/// clock from the RTC.
pub fn set_time(system: &dyn System, time: Option<i64>) -> Result<(), QapiError> {
    if let Some(ns) = time {
        if !(0..YEAR_2070_NS).contains(&ns) {
            return Err(QapiError::generic("Invalid time"));
        }
        system
            .set_time(ns)
            .map_err(|error| with_errno("Failed to set time to guest", &error))?;
    }
    let flag = if time.is_some() { "-w" } else { "-s" };
    run_helper(
        system,
        "/sbin/hwclock",
        &[flag],
        None,
        "set hardware clock to system time",
    )
}

/// `guest-set-user-password`: `chpasswd` fed `USER:PASSWORD`.
pub fn set_user_password(
    system: &dyn System,
    username: &str,
    password_b64: &str,
    crypted: bool,
) -> Result<(), QapiError> {
    let password = base64::decode_like_qemu_ga(password_b64).map_err(QapiError::generic)?;
    if password.contains(&b'\n') || password.contains(&0) {
        return Err(QapiError::generic("forbidden characters in raw password"));
    }
    if username.contains('\n') || username.contains(':') {
        return Err(QapiError::generic("forbidden characters in username"));
    }
    let mut input = format!("{username}:").into_bytes();
    input.extend_from_slice(&password);
    input.push(b'\n');
    let args: &[&str] = if crypted { &["-e"] } else { &[] };
    run_helper(system, "chpasswd", args, Some(&input), "set user password")
}
