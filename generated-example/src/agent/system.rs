//! The system layer: every call through which the agent reads the guest's state from the
//! kernel or changes it.
//!
//! The commands' logic (which files to read, what to write where, how to word an error) lives
//! in the agent; this trait only carries the primitive calls, so tests run that logic against
//! [`fake::RecordingSystem`], which records what would have been changed. [`LinuxSystem`] is
//! the real one; the commands that change the system (shutdown, suspend, fsfreeze, fstrim,
//! set-time, set-vcpus, set-memory-blocks, set-user-password) reach it only when not blocked.
//!
//! Files the client names (`guest-file-*`) and programs it runs (`guest-exec`) are the
//! client's business rather than the system's and are handled directly by the agent.

use std::ffi::{CStr, CString};
use std::io;
use std::io::Write;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// An address of a network interface, as `getifaddrs` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceAddress {
    /// The interface's name (`eth0`).
    pub name: String,
    /// The address, if the entry has one of the families the agent reports.
    pub address: Option<IpAddressWithMask>,
}

/// An IP address and its netmask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpAddressWithMask {
    /// IPv4 address and netmask.
    V4(Ipv4Addr, Ipv4Addr),
    /// IPv6 address and netmask.
    V6(Ipv6Addr, Ipv6Addr),
}

/// The primitive calls the agent makes on the system.
pub trait System: Send + Sync {
    /// The real-time clock, in nanoseconds since the Epoch.
    fn now_ns(&self) -> io::Result<i64>;
    /// The contents of a (proc or sys) file.
    fn read_file(&self, path: &Path) -> io::Result<String>;
    /// The names in a directory, in the order the kernel lists them.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>>;
    /// Whether `path` exists.
    fn exists(&self, path: &Path) -> bool;
    /// `path` with every symbolic link resolved.
    fn resolve(&self, path: &Path) -> io::Result<PathBuf>;
    /// The processors the system is configured with (`_SC_NPROCESSORS_CONF`).
    fn processor_count(&self) -> usize;
    /// The interface addresses, in `getifaddrs` order.
    fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>>;

    /// Writes `contents` to an existing (sys) file: CPU and memory hot-plug, suspend.
    fn write_file(&self, path: &Path, contents: &str) -> io::Result<()>;
    /// Runs `program` with `args`, `stdin` as its input; its exit code (-1 if killed).
    fn run(&self, program: &str, args: &[&str], stdin: Option<&[u8]>) -> io::Result<i32>;
    /// Sets the system clock, in nanoseconds since the Epoch.
    fn set_time(&self, ns: i64) -> io::Result<()>;
    /// Freezes the filesystem mounted at `mountpoint` (`FIFREEZE`).
    fn freeze(&self, mountpoint: &str) -> io::Result<()>;
    /// Thaws it (`FITHAW`).
    fn thaw(&self, mountpoint: &str) -> io::Result<()>;
    /// Discards unused blocks of at least `minimum` bytes (`FITRIM`); the bytes trimmed.
    fn trim(&self, mountpoint: &str, minimum: u64) -> io::Result<u64>;
}

/// A shared system layer is one, so a test can keep a handle on the fake it gave an agent.
impl<S: System + ?Sized> System for std::sync::Arc<S> {
    fn now_ns(&self) -> io::Result<i64> {
        (**self).now_ns()
    }
    fn read_file(&self, path: &Path) -> io::Result<String> {
        (**self).read_file(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        (**self).read_dir(path)
    }
    fn exists(&self, path: &Path) -> bool {
        (**self).exists(path)
    }
    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        (**self).resolve(path)
    }
    fn processor_count(&self) -> usize {
        (**self).processor_count()
    }
    fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>> {
        (**self).interface_addresses()
    }
    fn write_file(&self, path: &Path, contents: &str) -> io::Result<()> {
        (**self).write_file(path, contents)
    }
    fn run(&self, program: &str, args: &[&str], stdin: Option<&[u8]>) -> io::Result<i32> {
        (**self).run(program, args, stdin)
    }
    fn set_time(&self, ns: i64) -> io::Result<()> {
        (**self).set_time(ns)
    }
    fn freeze(&self, mountpoint: &str) -> io::Result<()> {
        (**self).freeze(mountpoint)
    }
    fn thaw(&self, mountpoint: &str) -> io::Result<()> {
        (**self).thaw(mountpoint)
    }
    fn trim(&self, mountpoint: &str, minimum: u64) -> io::Result<u64> {
        (**self).trim(mountpoint, minimum)
    }
}

/// The real system, through libc and std.
#[derive(Clone, Copy, Debug, Default)]
pub struct LinuxSystem;

/// `path` as a C string; a path with a NUL byte cannot exist.
pub(crate) fn c_path(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::ENOENT))
}

/// Opens a mount point as a directory, for the filesystem ioctls.
fn open_directory(mountpoint: &str) -> io::Result<std::fs::File> {
    std::fs::File::open(mountpoint)
}

// `_IOWR('X', 119, int)`, `_IOWR('X', 120, int)` and `_IOWR('X', 121, struct fstrim_range)`
// from <linux/fs.h>; libc does not export them.
const FIFREEZE: libc::c_ulong = 0xC004_5877;
const FITHAW: libc::c_ulong = 0xC004_5878;
const FITRIM: libc::c_ulong = 0xC018_5879;

#[repr(C)]
struct FstrimRange {
    start: u64,
    len: u64,
    minlen: u64,
}

fn ioctl_result(result: libc::c_int) -> io::Result<()> {
    if result == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

impl System for LinuxSystem {
    fn now_ns(&self) -> io::Result<i64> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
        i64::try_from(now.as_nanos()).map_err(|_| io::Error::from_raw_os_error(libc::EOVERFLOW))
    }

    fn read_file(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(path)? {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        Ok(names)
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn processor_count(&self) -> usize {
        // SAFETY: sysconf has no preconditions.
        let count = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_CONF) };
        usize::try_from(count).unwrap_or(1)
    }

    fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>> {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        // SAFETY: getifaddrs fills `list` with a list we free below.
        if unsafe { libc::getifaddrs(&mut list) } == -1 {
            return Err(io::Error::last_os_error());
        }
        let mut addresses = Vec::new();
        let mut entry = list;
        while !entry.is_null() {
            // SAFETY: `entry` is a node of the list getifaddrs returned, not yet freed; its
            // name is a C string and its addresses match their `sa_family`.
            unsafe {
                let node = &*entry;
                let name = CStr::from_ptr(node.ifa_name).to_string_lossy().into_owned();
                let address = if node.ifa_addr.is_null() || node.ifa_netmask.is_null() {
                    None
                } else {
                    match i32::from((*node.ifa_addr).sa_family) {
                        libc::AF_INET => {
                            let address = &*(node.ifa_addr as *const libc::sockaddr_in);
                            let mask = &*(node.ifa_netmask as *const libc::sockaddr_in);
                            Some(IpAddressWithMask::V4(
                                Ipv4Addr::from(u32::from_be(address.sin_addr.s_addr)),
                                Ipv4Addr::from(u32::from_be(mask.sin_addr.s_addr)),
                            ))
                        }
                        libc::AF_INET6 => {
                            let address = &*(node.ifa_addr as *const libc::sockaddr_in6);
                            let mask = &*(node.ifa_netmask as *const libc::sockaddr_in6);
                            Some(IpAddressWithMask::V6(
                                Ipv6Addr::from(address.sin6_addr.s6_addr),
                                Ipv6Addr::from(mask.sin6_addr.s6_addr),
                            ))
                        }
                        _ => None,
                    }
                };
                addresses.push(InterfaceAddress { name, address });
                entry = node.ifa_next;
            }
        }
        // SAFETY: `list` came from getifaddrs and is freed once.
        unsafe { libc::freeifaddrs(list) };
        Ok(addresses)
    }

    fn write_file(&self, path: &Path, contents: &str) -> io::Result<()> {
        let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
        file.write_all(contents.as_bytes())
    }

    fn run(&self, program: &str, args: &[&str], stdin: Option<&[u8]>) -> io::Result<i32> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // A program that exits without reading its input is judged by its exit code.
            let _ = pipe.write_all(input);
        }
        let status = child.wait()?;
        Ok(status.code().unwrap_or(-1))
    }

    fn set_time(&self, ns: i64) -> io::Result<()> {
        let time = libc::timespec {
            tv_sec: ns.div_euclid(1_000_000_000) as libc::time_t,
            tv_nsec: ns.rem_euclid(1_000_000_000) as libc::c_long,
        };
        // SAFETY: `time` is a valid timespec.
        ioctl_result(unsafe { libc::clock_settime(libc::CLOCK_REALTIME, &time) })
    }

    fn freeze(&self, mountpoint: &str) -> io::Result<()> {
        let directory = open_directory(mountpoint)?;
        let mut unused: libc::c_int = 0;
        // SAFETY: FIFREEZE takes an int argument, ignored by the kernel.
        ioctl_result(unsafe {
            libc::ioctl(
                std::os::fd::AsRawFd::as_raw_fd(&directory),
                FIFREEZE as _,
                &mut unused,
            )
        })
    }

    fn thaw(&self, mountpoint: &str) -> io::Result<()> {
        let directory = open_directory(mountpoint)?;
        let mut unused: libc::c_int = 0;
        // SAFETY: FITHAW takes an int argument, ignored by the kernel.
        ioctl_result(unsafe {
            libc::ioctl(
                std::os::fd::AsRawFd::as_raw_fd(&directory),
                FITHAW as _,
                &mut unused,
            )
        })
    }

    fn trim(&self, mountpoint: &str, minimum: u64) -> io::Result<u64> {
        let directory = open_directory(mountpoint)?;
        let mut range = FstrimRange {
            start: 0,
            len: u64::MAX,
            minlen: minimum,
        };
        // SAFETY: FITRIM reads and updates a `struct fstrim_range`.
        ioctl_result(unsafe {
            libc::ioctl(
                std::os::fd::AsRawFd::as_raw_fd(&directory),
                FITRIM as _,
                &mut range,
            )
        })?;
        Ok(range.len)
    }
}

pub mod fake {
    //! A system layer for tests: reads come from a table of files, changes are recorded.

    use std::collections::BTreeMap;
    use std::io;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    use super::{InterfaceAddress, System};

    /// A fake system: files and directories from maps, every change appended to a log
    /// (`write /sys/... = 1`, `run /sbin/shutdown -P +0 ...`, `freeze /`), and failures
    /// configured per call.
    #[derive(Debug, Default)]
    pub struct RecordingSystem {
        /// The files the agent may read, by path.
        pub files: BTreeMap<PathBuf, String>,
        /// Directory listings, by path.
        pub directories: BTreeMap<PathBuf, Vec<String>>,
        /// Symbolic links, by path.
        pub links: BTreeMap<PathBuf, PathBuf>,
        /// What `processor_count` answers.
        pub processors: usize,
        /// What `interface_addresses` answers.
        pub interfaces: Vec<InterfaceAddress>,
        /// The clock.
        pub now: i64,
        /// The exit code of every `run`.
        pub exit_code: i32,
        /// Calls that fail with this errno: a prefix of the recorded line (`freeze /home`).
        pub failures: BTreeMap<String, i32>,
        /// What `trim` reports as trimmed.
        pub trimmed: u64,
        calls: Mutex<Vec<String>>,
    }

    impl RecordingSystem {
        /// An empty fake system with one processor.
        pub fn new() -> RecordingSystem {
            RecordingSystem {
                processors: 1,
                ..RecordingSystem::default()
            }
        }

        /// Adds a file.
        pub fn with_file(mut self, path: &str, contents: &str) -> RecordingSystem {
            self.files.insert(PathBuf::from(path), contents.to_owned());
            self
        }

        /// Adds a directory listing.
        pub fn with_directory(mut self, path: &str, names: &[&str]) -> RecordingSystem {
            self.directories.insert(
                PathBuf::from(path),
                names.iter().map(|name| (*name).to_owned()).collect(),
            );
            self
        }

        /// Makes calls whose record starts with `prefix` fail with `errno`.
        pub fn failing(mut self, prefix: &str, errno: i32) -> RecordingSystem {
            self.failures.insert(prefix.to_owned(), errno);
            self
        }

        /// The changes made so far, in order.
        pub fn calls(&self) -> Vec<String> {
            self.calls
                .lock()
                .map(|calls| calls.clone())
                .unwrap_or_default()
        }

        fn record(&self, call: String) -> io::Result<()> {
            let failure = self
                .failures
                .iter()
                .find(|(prefix, _)| call.starts_with(prefix.as_str()))
                .map(|(_, errno)| *errno);
            if let Ok(mut calls) = self.calls.lock() {
                calls.push(call);
            }
            match failure {
                Some(errno) => Err(io::Error::from_raw_os_error(errno)),
                None => Ok(()),
            }
        }
    }

    fn not_found() -> io::Error {
        io::Error::from_raw_os_error(libc::ENOENT)
    }

    impl System for RecordingSystem {
        fn now_ns(&self) -> io::Result<i64> {
            Ok(self.now)
        }

        fn read_file(&self, path: &Path) -> io::Result<String> {
            self.files.get(path).cloned().ok_or_else(not_found)
        }

        fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
            self.directories.get(path).cloned().ok_or_else(not_found)
        }

        fn exists(&self, path: &Path) -> bool {
            self.files.contains_key(path)
                || self.directories.contains_key(path)
                || self.links.contains_key(path)
        }

        fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
            self.links.get(path).cloned().ok_or_else(not_found)
        }

        fn processor_count(&self) -> usize {
            self.processors
        }

        fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>> {
            Ok(self.interfaces.clone())
        }

        fn write_file(&self, path: &Path, contents: &str) -> io::Result<()> {
            self.record(format!("write {} = {contents}", path.display()))
        }

        fn run(&self, program: &str, args: &[&str], stdin: Option<&[u8]>) -> io::Result<i32> {
            let mut line = format!("run {program}");
            for arg in args {
                line.push(' ');
                line.push_str(arg);
            }
            if let Some(input) = stdin {
                line.push_str(" < ");
                line.push_str(&String::from_utf8_lossy(input));
            }
            self.record(line)?;
            Ok(self.exit_code)
        }

        fn set_time(&self, ns: i64) -> io::Result<()> {
            self.record(format!("set-time {ns}"))
        }

        fn freeze(&self, mountpoint: &str) -> io::Result<()> {
            self.record(format!("freeze {mountpoint}"))
        }

        fn thaw(&self, mountpoint: &str) -> io::Result<()> {
            self.record(format!("thaw {mountpoint}"))
        }

        fn trim(&self, mountpoint: &str, minimum: u64) -> io::Result<u64> {
            self.record(format!("trim {mountpoint} {minimum}"))?;
            Ok(self.trimmed)
        }
    }
}
