//! Running the agent: the pid file, the signals, and the transports.
//!
//! With `unix-listen` the agent serves one client at a time on a unix socket, as qemu-ga
//! does; the next client is accepted when the current one hangs up. With `virtio-serial` or
//! `isa-serial` it reads and writes the character device; a hang-up of the host side
//! (virtio-serial's `POLLHUP`) ends the session, and the agent waits for the next one.
//! SIGTERM and SIGINT end the agent cleanly: blocking calls wake up at least every
//! [`TICK_MS`] milliseconds to notice.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::log;
use super::options::{Method, Options};
use super::system::LinuxSystem;
use super::{errno_text, Agent, AgentConfig};

/// How often blocking calls wake up to check for a termination signal.
pub const TICK_MS: i32 = 250;

/// How long a reply may wait for a client that does not read, before it is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

static TERMINATE: AtomicBool = AtomicBool::new(false);

extern "C" fn on_terminate(_signal: libc::c_int) {
    TERMINATE.store(true, Ordering::SeqCst);
}

/// Whether SIGTERM or SIGINT has arrived.
pub fn terminating() -> bool {
    TERMINATE.load(Ordering::SeqCst)
}

/// Runs the agent as `options` say, until a termination signal; `Err` is the message to
/// print before exiting with failure.
pub fn run(options: Options) -> Result<(), String> {
    let Options {
        method,
        path,
        logfile,
        pidfile,
        statedir,
        verbose,
        blocked,
    } = options;
    let sink: Box<dyn Write + Send> = match &logfile {
        Some(logfile) => Box::new(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(logfile)
                .map_err(|error| format!("unable to open specified log file: {error}"))?,
        ),
        None => Box::new(io::stderr()),
    };
    log::init(sink, verbose);
    install_signal_handlers()?;
    let pid_guard = match &pidfile {
        Some(pidfile) => Some(PidFile::create(pidfile)?),
        None => None,
    };
    let mut agent = Agent::new(
        Box::new(LinuxSystem),
        AgentConfig {
            blocked,
            state_dir: Some(statedir),
        },
    );
    log::info(format!(
        "example-agent {} started, method {method:?}, path {}",
        super::VERSION,
        path.display()
    ));
    let result = match method {
        Method::UnixListen => serve_unix(&path, &mut agent),
        Method::VirtioSerial | Method::IsaSerial => {
            serve_device(&path, method == Method::IsaSerial, &mut agent)
        }
    };
    drop(pid_guard);
    match &result {
        Ok(()) => log::info("terminating on signal"),
        // Without a log file the caller prints the message on stderr itself.
        Err(message) if logfile.is_some() => log::warning(format!("exiting: {message}")),
        Err(_) => {}
    }
    result
}

fn install_signal_handlers() -> Result<(), String> {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe; without
        // SA_RESTART, blocking calls return EINTR so the loops notice at once.
        let installed = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_terminate as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut())
        };
        if installed == -1 {
            return Err(format!(
                "cannot install a signal handler: {}",
                io::Error::last_os_error()
            ));
        }
    }
    Ok(())
}

/// The pid file: written at start, locked, removed when dropped.
struct PidFile {
    path: PathBuf,
    _file: File,
}

impl PidFile {
    fn create(path: &Path) -> Result<PidFile, String> {
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .mode(0o644)
            .open(path)
            .map_err(|error| format!("cannot open pid file {}: {error}", path.display()))?;
        // SAFETY: lockf on a descriptor we own.
        if unsafe { libc::lockf(file.as_raw_fd(), libc::F_TLOCK, 0) } == -1 {
            return Err(format!(
                "cannot lock pid file {}: another agent may be running",
                path.display()
            ));
        }
        file.set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .map_err(|error| format!("cannot write pid file {}: {error}", path.display()))?;
        Ok(PidFile {
            path: path.to_owned(),
            _file: file,
        })
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_file(&self.path) {
            log::warning(format!("cannot remove pid file: {error}"));
        }
    }
}

/// Waits until `fd` has one of `events` or a tick passes; the returned events (0 on a tick
/// or a signal).
fn poll_fd(fd: RawFd, events: libc::c_short) -> io::Result<libc::c_short> {
    let mut entry = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let ready = unsafe { libc::poll(&mut entry, 1, TICK_MS) };
    if ready == -1 {
        let error = io::Error::last_os_error();
        return if error.kind() == io::ErrorKind::Interrupted {
            Ok(0)
        } else {
            Err(error)
        };
    }
    Ok(entry.revents)
}

fn serve_unix(path: &Path, agent: &mut Agent) -> Result<(), String> {
    // A socket left by an earlier run would make bind fail; qemu-ga replaces it too.
    if std::fs::symlink_metadata(path)
        .is_ok_and(|metadata| std::os::unix::fs::FileTypeExt::is_socket(&metadata.file_type()))
    {
        let _ = std::fs::remove_file(path);
    }
    let listener = UnixListener::bind(path).map_err(|error| {
        format!(
            "cannot listen on {}: {}",
            path.display(),
            errno_text(&error)
        )
    })?;
    let result = accept_loop(&listener, agent);
    let _ = std::fs::remove_file(path);
    result
}

fn accept_loop(listener: &UnixListener, agent: &mut Agent) -> Result<(), String> {
    while !terminating() {
        let events = poll_fd(listener.as_raw_fd(), libc::POLLIN)
            .map_err(|error| format!("poll: {error}"))?;
        if events == 0 {
            continue;
        }
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(error) => {
                log::warning(format!("accept: {error}"));
                continue;
            }
        };
        log::debug("client connected");
        agent.reset_session();
        if let Err(error) = serve_stream(stream, agent) {
            log::debug(format!("client dropped: {error}"));
        }
        log::debug("client disconnected");
    }
    Ok(())
}

/// Serves one client until it hangs up, fails, or a signal arrives.
fn serve_stream(mut stream: UnixStream, agent: &mut Agent) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_millis(TICK_MS as u64)))?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let mut input = vec![0u8; 64 * 1024];
    let mut output = Vec::new();
    while !terminating() {
        let read = match stream.read(&mut input) {
            Ok(0) => return Ok(()),
            Ok(read) => read,
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(error) => return Err(error),
        };
        output.clear();
        agent.handle_input(&input[..read], &mut output);
        if !output.is_empty() {
            stream.write_all(&output)?;
        }
    }
    Ok(())
}

fn serve_device(path: &Path, serial: bool, agent: &mut Agent) -> Result<(), String> {
    let mut device = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK)
        .open(path)
        .map_err(|error| {
            format!(
                "cannot open channel {}: {}",
                path.display(),
                errno_text(&error)
            )
        })?;
    if serial {
        set_raw_mode(&device)
            .map_err(|error| format!("cannot set up {}: {error}", path.display()))?;
    }
    let mut input = vec![0u8; 64 * 1024];
    let mut output = Vec::new();
    let mut connected = true;
    while !terminating() {
        let events =
            poll_fd(device.as_raw_fd(), libc::POLLIN).map_err(|error| format!("poll: {error}"))?;
        if events & libc::POLLHUP != 0 && events & libc::POLLIN == 0 {
            // The host side is closed (virtio-serial): a new session starts when it reopens.
            if connected {
                log::debug("channel hung up");
                agent.reset_session();
                connected = false;
            }
            std::thread::sleep(Duration::from_millis(TICK_MS as u64));
            continue;
        }
        if events & libc::POLLIN == 0 {
            continue;
        }
        connected = true;
        let read = match device.read(&mut input) {
            Ok(0) => {
                std::thread::sleep(Duration::from_millis(TICK_MS as u64));
                continue;
            }
            Ok(read) => read,
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(error) => return Err(format!("read: {error}")),
        };
        output.clear();
        agent.handle_input(&input[..read], &mut output);
        if let Err(error) = write_nonblocking(&mut device, &output) {
            log::warning(format!("cannot write a reply: {error}"));
        }
    }
    Ok(())
}

/// Writes everything to a non-blocking descriptor, waiting while it is full.
fn write_nonblocking(device: &mut File, mut bytes: &[u8]) -> io::Result<()> {
    let mut waited = Duration::ZERO;
    while !bytes.is_empty() {
        match device.write(bytes) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
            Ok(wrote) => bytes = &bytes[wrote..],
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                if waited >= WRITE_TIMEOUT || terminating() {
                    return Err(error);
                }
                poll_fd(device.as_raw_fd(), libc::POLLOUT)?;
                waited += Duration::from_millis(TICK_MS as u64);
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// A serial port in raw mode, as qemu-ga sets `isa-serial` up.
fn set_raw_mode(device: &File) -> io::Result<()> {
    // SAFETY: termios calls on a descriptor we own, with a zeroed then filled struct.
    unsafe {
        let mut termios: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(device.as_raw_fd(), &mut termios) == -1 {
            return Err(io::Error::last_os_error());
        }
        libc::cfmakeraw(&mut termios);
        if libc::tcsetattr(device.as_raw_fd(), libc::TCSANOW, &termios) == -1 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
