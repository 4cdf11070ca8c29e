//! `guest-file-*`: the table of open files and their handles, with qemu-ga 7.2's semantics
//! and error messages.
//!
//! qemu-ga numbers handles from a counter kept in `STATEDIR/qga.state` (starting at 1000), so
//! handles stay unique across restarts; so does this table. Files are opened non-blocking
//! (a named pipe must not hang the agent) and read until `count` bytes or end of file, as
//! `fread` does. qemu-ga goes through stdio buffers; here every write reaches the kernel at
//! once, which only differs when one file is open twice.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::{Path, PathBuf};

use qapi_runtime::QapiError;
use qga_schema::{GuestFileRead, GuestFileSeek, GuestFileWrite};

use super::errno_text;
use super::system::c_path;
use crate::base64;

/// qemu-ga's `GUEST_FILE_READ_COUNT_MAX`: 48 MiB.
pub const READ_COUNT_MAX: i64 = 48 << 20;
/// qemu-ga's `QGA_READ_COUNT_DEFAULT`.
pub const READ_COUNT_DEFAULT: i64 = 4096;
/// The first handle of a new state directory.
pub const FIRST_HANDLE: i64 = 1000;

/// The open modes qemu-ga accepts (`fopen`'s) and their `open` flags.
const MODES: &[(&str, libc::c_int)] = &[
    ("r", libc::O_RDONLY),
    ("rb", libc::O_RDONLY),
    ("w", libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC),
    ("wb", libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC),
    ("a", libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND),
    ("ab", libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND),
    ("r+", libc::O_RDWR),
    ("rb+", libc::O_RDWR),
    ("r+b", libc::O_RDWR),
    ("w+", libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC),
    ("wb+", libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC),
    ("w+b", libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC),
    ("a+", libc::O_RDWR | libc::O_CREAT | libc::O_APPEND),
    ("ab+", libc::O_RDWR | libc::O_CREAT | libc::O_APPEND),
    ("a+b", libc::O_RDWR | libc::O_CREAT | libc::O_APPEND),
];

/// Permissions of a file the agent creates, whatever the umask (qemu-ga's
/// `DEFAULT_NEW_FILE_MODE`, 0666).
const NEW_FILE_MODE: libc::mode_t = 0o666;

/// The open files, by handle.
#[derive(Debug)]
pub struct FileTable {
    files: BTreeMap<i64, File>,
    next_handle: i64,
    state_file: Option<PathBuf>,
}

impl FileTable {
    /// A table whose handle counter is kept in `state_file` (read now if it exists), or only
    /// in memory.
    pub fn new(state_file: Option<PathBuf>) -> FileTable {
        let next_handle = state_file
            .as_deref()
            .and_then(read_counter)
            .unwrap_or(FIRST_HANDLE);
        FileTable {
            files: BTreeMap::new(),
            next_handle,
            state_file,
        }
    }

    /// How many files are open.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is open.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `guest-file-open`.
    pub fn open(&mut self, path: &str, mode: Option<&str>) -> Result<i64, QapiError> {
        let mode = mode.unwrap_or("r");
        let Some(&(_, base_flags)) = MODES.iter().find(|(name, _)| *name == mode) else {
            return Err(QapiError::generic(format!(
                "invalid file open mode '{mode}'"
            )));
        };
        let file = open_file(path, mode, base_flags)?;
        let handle = self.next_handle;
        self.next_handle = handle.saturating_add(1);
        if let Some(state_file) = &self.state_file {
            if write_counter(state_file, self.next_handle).is_err() {
                return Err(QapiError::generic(
                    "failed to commit persistent state to disk",
                ));
            }
        }
        self.files.insert(handle, file);
        Ok(handle)
    }

    fn find(&mut self, handle: i64) -> Result<&mut File, QapiError> {
        self.files
            .get_mut(&handle)
            .ok_or_else(|| QapiError::generic(format!("handle '{handle}' has not been found")))
    }

    /// `guest-file-close`.
    pub fn close(&mut self, handle: i64) -> Result<(), QapiError> {
        self.find(handle)?;
        // Dropping the file closes it; a close error (rare, NFS) loses nothing more.
        self.files.remove(&handle);
        Ok(())
    }

    /// `guest-file-read`.
    pub fn read(&mut self, handle: i64, count: Option<i64>) -> Result<GuestFileRead, QapiError> {
        let file = self.find(handle)?;
        let count = match count {
            None => READ_COUNT_DEFAULT,
            Some(count) if (0..=READ_COUNT_MAX).contains(&count) => count,
            Some(count) => {
                return Err(QapiError::generic(format!(
                    "value '{count}' is invalid for argument count"
                )))
            }
        };
        let mut buffer = vec![0u8; count as usize];
        let mut filled = 0;
        let mut eof = false;
        while filled < buffer.len() {
            match file.read(&mut buffer[filled..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(read) => filled += read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Err(QapiError::generic(format!(
                        "failed to read file: {}",
                        errno_text(&error)
                    )))
                }
            }
        }
        Ok(GuestFileRead {
            count: filled as i64,
            buf_b64: base64::encode(&buffer[..filled]),
            eof,
        })
    }

    /// `guest-file-write`.
    pub fn write(
        &mut self,
        handle: i64,
        buf_b64: &str,
        count: Option<i64>,
    ) -> Result<GuestFileWrite, QapiError> {
        let file = self.find(handle)?;
        let bytes = base64::decode_like_qemu_ga(buf_b64).map_err(QapiError::generic)?;
        let count = match count {
            None => bytes.len(),
            Some(count) if count >= 0 && (count as u64) <= bytes.len() as u64 => count as usize,
            Some(count) => {
                return Err(QapiError::generic(format!(
                    "value '{count}' is invalid for argument count"
                )))
            }
        };
        let mut written = 0;
        while written < count {
            match file.write(&bytes[written..count]) {
                Ok(0) => break,
                Ok(wrote) => written += wrote,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Err(QapiError::generic(format!(
                        "failed to write to file: {}",
                        errno_text(&error)
                    )))
                }
            }
        }
        Ok(GuestFileWrite {
            count: written as i64,
            eof: false,
        })
    }

    /// `guest-file-seek`; `whence` is 0, 1 or 2 (`SEEK_SET`, `SEEK_CUR`, `SEEK_END`).
    pub fn seek(
        &mut self,
        handle: i64,
        offset: i64,
        whence: i64,
    ) -> Result<GuestFileSeek, QapiError> {
        let file = self.find(handle)?;
        let whence = match whence {
            0 => libc::SEEK_SET,
            1 => libc::SEEK_CUR,
            2 => libc::SEEK_END,
            other => return Err(QapiError::generic(format!("invalid whence code {other}"))),
        };
        // SAFETY: lseek on a descriptor this table owns.
        let position = unsafe { libc::lseek(file.as_raw_fd(), offset as libc::off_t, whence) };
        if position == -1 {
            return Err(QapiError::generic(format!(
                "failed to seek file: {}",
                errno_text(&io::Error::last_os_error())
            )));
        }
        Ok(GuestFileSeek {
            position: position as i64,
            eof: false,
        })
    }

    /// `guest-file-flush`: writes are not buffered here, so only the handle is checked.
    pub fn flush(&mut self, handle: i64) -> Result<(), QapiError> {
        self.find(handle).map(|_| ())
    }
}

/// Opens as qemu-ga's `safe_open_or_create`: a file that may be created is first created
/// exclusively, so its permissions can be set regardless of the umask; if it exists it is
/// opened as it is.
fn open_file(path: &str, mode: &str, base_flags: libc::c_int) -> Result<File, QapiError> {
    let failed = |error: io::Error| {
        QapiError::generic(format!(
            "failed to open file '{path}' (mode: '{mode}'): {}",
            errno_text(&error)
        ))
    };
    let c_path = c_path(Path::new(path)).map_err(failed)?;
    let flags = base_flags | libc::O_NOCTTY | libc::O_NONBLOCK | libc::O_CLOEXEC;
    let open = |flags: libc::c_int| {
        // SAFETY: `c_path` is a valid C string; the mode is passed as an int as open expects.
        let fd = unsafe { libc::open(c_path.as_ptr(), flags, libc::c_uint::from(NEW_FILE_MODE)) };
        if fd == -1 {
            Err(io::Error::last_os_error())
        } else {
            // SAFETY: `fd` was just opened and is owned by nothing else.
            Ok(unsafe { File::from_raw_fd(fd) })
        }
    };
    let creates = flags & libc::O_CREAT != 0;
    let exclusive = if creates { flags | libc::O_EXCL } else { flags };
    let (file, created) = match open(exclusive) {
        Ok(file) => (file, creates),
        Err(error) if creates && error.raw_os_error() == Some(libc::EEXIST) => {
            (open(flags & !libc::O_CREAT).map_err(failed)?, false)
        }
        Err(error) => return Err(failed(error)),
    };
    if created {
        // SAFETY: fchmod on the descriptor just opened.
        if unsafe { libc::fchmod(file.as_raw_fd(), NEW_FILE_MODE) } == -1 {
            return Err(QapiError::generic(format!(
                "failed to set permission 0{NEW_FILE_MODE:03o} on new file '{path}' (mode: '{mode}'): {}",
                errno_text(&io::Error::last_os_error())
            )));
        }
    }
    Ok(file)
}

/// The handle counter from a state file in qemu-ga's key file format
/// (`[global]` / `fd_counter=N`).
fn read_counter(state_file: &Path) -> Option<i64> {
    let text = std::fs::read_to_string(state_file).ok()?;
    text.lines()
        .find_map(|line| line.trim().strip_prefix("fd_counter="))
        .and_then(|value| value.trim().parse().ok())
}

fn write_counter(state_file: &Path, next: i64) -> io::Result<()> {
    std::fs::write(state_file, format!("[global]\nfd_counter={next}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("example-agent-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn desc(result: Result<impl std::fmt::Debug, QapiError>) -> String {
        result.unwrap_err().desc
    }

    #[test]
    fn round_trip_with_qemu_ga_counts() {
        let dir = temp_dir("roundtrip");
        let path = dir.join("file");
        let path = path.to_str().unwrap();
        let mut table = FileTable::new(Some(dir.join("qga.state")));
        let handle = table.open(path, Some("w+")).unwrap();
        assert_eq!(handle, 1000);
        let wrote = table.write(handle, "aGVsbG8gd29ybGQ=", None).unwrap();
        assert_eq!((wrote.count, wrote.eof), (11, false));
        let seek = table.seek(handle, 0, 0).unwrap();
        assert_eq!((seek.position, seek.eof), (0, false));
        let read = table.read(handle, Some(5)).unwrap();
        assert_eq!(
            (read.count, read.buf_b64.as_str(), read.eof),
            (5, "aGVsbG8=", false)
        );
        let read = table.read(handle, None).unwrap();
        assert_eq!(
            (read.count, read.buf_b64.as_str(), read.eof),
            (6, "IHdvcmxk", true)
        );
        let read = table.read(handle, Some(0)).unwrap();
        assert_eq!(
            (read.count, read.buf_b64.as_str(), read.eof),
            (0, "", false)
        );
        table.flush(handle).unwrap();
        table.close(handle).unwrap();
        assert_eq!(
            desc(table.close(handle)),
            "handle '1000' has not been found"
        );
        // The counter survives in the state directory.
        let mut again = FileTable::new(Some(dir.join("qga.state")));
        assert_eq!(again.open(path, None).unwrap(), 1001);
        assert_eq!(
            std::fs::read_to_string(dir.join("qga.state")).unwrap(),
            "[global]\nfd_counter=1002\n"
        );
    }

    #[test]
    fn errors_in_qemu_ga_words() {
        let dir = temp_dir("errors");
        let mut table = FileTable::new(None);
        assert_eq!(
            desc(table.open("/nonexistent/x", None)),
            "failed to open file '/nonexistent/x' (mode: 'r'): No such file or directory"
        );
        assert_eq!(
            desc(table.open("/tmp/x", Some("bogus"))),
            "invalid file open mode 'bogus'"
        );
        let directory = table.open(dir.to_str().unwrap(), Some("r")).unwrap();
        assert_eq!(
            desc(table.read(directory, None)),
            "failed to read file: Is a directory"
        );
        assert_eq!(
            desc(table.read(directory, Some(-1))),
            "value '-1' is invalid for argument count"
        );
        assert_eq!(
            desc(table.read(directory, Some(READ_COUNT_MAX + 1))),
            "value '50331649' is invalid for argument count"
        );
        assert_eq!(
            desc(table.write(directory, "!!!", None)),
            "Base64 data contains invalid characters"
        );
        assert_eq!(
            desc(table.write(directory, "aGVsbG8=", None)),
            "failed to write to file: Bad file descriptor"
        );
        assert_eq!(
            desc(table.write(directory, "aGVsbG8=", Some(10))),
            "value '10' is invalid for argument count"
        );
        let empty = table.write(directory, "", None).unwrap();
        assert_eq!((empty.count, empty.eof), (0, false));
        assert_eq!(
            desc(table.seek(directory, -100, 0)),
            "failed to seek file: Invalid argument"
        );
        assert_eq!(desc(table.seek(directory, 0, 7)), "invalid whence code 7");
        // The handle is checked before anything else.
        assert_eq!(desc(table.seek(5, 0, 7)), "handle '5' has not been found");
        assert_eq!(
            desc(table.write(5, "!!", None)),
            "handle '5' has not been found"
        );
        assert_eq!(desc(table.flush(5)), "handle '5' has not been found");
        assert_eq!(table.len(), 1);
    }

    #[test]
    fn created_files_get_mode_0666_and_write_counts_are_bounded() {
        let dir = temp_dir("create");
        let path = dir.join("new");
        let mut table = FileTable::new(None);
        let handle = table.open(path.to_str().unwrap(), Some("a")).unwrap();
        let wrote = table.write(handle, "aGVsbG8=", Some(3)).unwrap();
        assert_eq!(wrote.count, 3);
        assert_eq!(std::fs::read(&path).unwrap(), b"hel");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&path).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o666);
        assert_eq!(
            desc(table.read(handle, None)),
            "failed to read file: Bad file descriptor"
        );
    }
}
