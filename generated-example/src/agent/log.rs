//! The agent's log, in qemu-ga's line format: `SECONDS.MICROSECONDS: LEVEL: MESSAGE`.
//!
//! Nothing is logged until [`init`] names a destination (the binary does; tests and the
//! in-process fuzzing do not), so library users get no output they did not ask for.

use std::fmt::Display;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

static SINK: Mutex<Option<Box<dyn Write + Send>>> = Mutex::new(None);
static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Logs to `sink` from now on; `verbose` adds the debug lines (`-v`).
pub fn init(sink: Box<dyn Write + Send>, verbose: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
    if let Ok(mut slot) = SINK.lock() {
        *slot = Some(sink);
    }
}

/// Whether debug lines are written; callers skip building them otherwise.
pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// A line at level `info`, always written.
pub fn info(message: impl Display) {
    write_line("info", message);
}

/// A line at level `warning`.
pub fn warning(message: impl Display) {
    write_line("warning", message);
}

/// A line at level `debug`, written with `-v` only.
pub fn debug(message: impl Display) {
    if verbose() {
        write_line("debug", message);
    }
}

fn write_line(level: &str, message: impl Display) {
    let Ok(mut slot) = SINK.lock() else {
        return;
    };
    let Some(sink) = slot.as_mut() else {
        return;
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    // A log that cannot be written must not stop the agent.
    let _ = writeln!(
        sink,
        "{}.{:06}: {level}: {message}",
        now.as_secs(),
        now.subsec_micros()
    );
    let _ = sink.flush();
}
