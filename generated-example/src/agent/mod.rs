//! The guest agent behind the `example-agent` binary: a qemu-ga 7.2 work-alike for Linux,
//! built on the generated [`qga_schema::Server`] trait and [`qga_schema::dispatch`].
//!
//! - [`Agent`] turns the bytes a client sends into the bytes of the replies: QEMU's JSON
//!   streamer, the generated dispatcher, QEMU's reply format, the 0xFF sentinel before the
//!   reply to `guest-sync-delimited`;
//! - [`Commands`] implements every command of the schema for Linux; the system-changing ones
//!   go through the [`system::System`] layer, which tests replace with
//!   [`system::fake::RecordingSystem`];
//! - [`options`] parses qemu-ga's command line and [`serve`] runs the agent on a unix socket
//!   or a character device until SIGTERM or SIGINT.
//!
//! Unlike qemu-ga 7.2, a new client starts with a fresh parser (a partial request left by
//! the previous client is dropped) and no pending sentinel. Open files and started processes
//! belong to the agent, not to a connection, and stay, as in qemu-ga.

pub mod exec;
pub mod files;
pub mod host;
pub mod log;
pub mod options;
pub mod serve;
pub mod system;

#[cfg(test)]
mod tests;

use std::cell::{Cell, RefCell};
use std::io;
use std::path::PathBuf;

use qapi_runtime::dispatch::{parse_error_reply, CommandTable};
use qapi_runtime::framing::{write_wire, JsonStreamer, SENTINEL};
use qapi_runtime::QapiError;
use qga_schema::*;
use serde_json::Value;

use host::SuspendMode;
use system::System;

/// The version `guest-info` reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commands qemu-ga 7.2 still runs while filesystems are frozen.
pub const FROZEN_ALLOWED: &[&str] = &[
    "guest-ping",
    "guest-info",
    "guest-sync",
    "guest-sync-delimited",
    "guest-fsfreeze-status",
    "guest-fsfreeze-thaw",
];

/// Why a command is disabled while filesystems are frozen (qemu-ga's words).
pub const FROZEN_REASON: &str = "the agent is in frozen state";

/// How an agent is set up.
#[derive(Clone, Debug, Default)]
pub struct AgentConfig {
    /// Commands to disable (`-b`); unknown names are ignored, as qemu-ga does.
    pub blocked: Vec<String>,
    /// The state directory (`-t`): the file handle counter and the frozen marker live there.
    /// Without one, both are kept in memory only.
    pub state_dir: Option<PathBuf>,
}

/// The agent: commands, their table, and the protocol state of the current client.
pub struct Agent {
    commands: Commands,
    streamer: JsonStreamer,
    blocked: Vec<String>,
}

/// The implementation of every command, for one agent.
pub struct Commands {
    system: Box<dyn System>,
    table: RefCell<CommandTable>,
    files: RefCell<files::FileTable>,
    exec: exec::ExecTable,
    /// Set by `guest-sync-delimited`: the next reply starts with the sentinel.
    delimit: Cell<bool>,
    /// Filesystems frozen by this agent (or found frozen by a marker at start).
    frozen: Cell<bool>,
    /// A change of frozen state to apply to the table once the current dispatch is over.
    frozen_change: Cell<Option<bool>>,
    frozen_marker: Option<PathBuf>,
}

impl Agent {
    /// An agent on `system`.
    pub fn new(system: Box<dyn System>, config: AgentConfig) -> Agent {
        let AgentConfig { blocked, state_dir } = config;
        let mut table = CommandTable::new(COMMANDS);
        for name in &blocked {
            if table.disable(name).is_err() {
                log::warning(format!("cannot block unknown command '{name}'"));
            }
        }
        let frozen_marker = state_dir.as_ref().map(|dir| dir.join("qga.state.isfrozen"));
        let starts_frozen = frozen_marker.as_ref().is_some_and(|marker| marker.exists());
        let commands = Commands {
            system,
            table: RefCell::new(table),
            files: RefCell::new(files::FileTable::new(
                state_dir.as_ref().map(|dir| dir.join("qga.state")),
            )),
            exec: exec::ExecTable::new(),
            delimit: Cell::new(false),
            frozen: Cell::new(false),
            frozen_change: Cell::new(None),
            frozen_marker,
        };
        let mut agent = Agent {
            commands,
            streamer: JsonStreamer::new(),
            blocked,
        };
        if starts_frozen {
            log::info("filesystems were left frozen; most commands stay disabled until a thaw");
            agent.apply_frozen(true);
        }
        agent
    }

    /// The commands, to call them directly.
    pub fn commands(&self) -> &Commands {
        &self.commands
    }

    /// Feeds bytes from the client; appends the replies they complete to `output`, each on
    /// its own line, the reply to `guest-sync-delimited` after a 0xFF byte.
    pub fn handle_input(&mut self, input: &[u8], output: &mut Vec<u8>) {
        for item in self.streamer.feed(input) {
            let reply = match item {
                Ok(request) => self.handle_request(request),
                Err(error) => {
                    log::debug(format!("parse error: {}", error.message));
                    Some(parse_error_reply(&error))
                }
            };
            if let Some(reply) = reply {
                self.write_reply(&reply, output);
            }
        }
    }

    /// Answers one request (`None` for a command without a success response).
    pub fn handle_request(&mut self, request: Value) -> Option<Value> {
        if log::verbose() {
            log::debug(format!("request: {request}"));
        }
        let reply = {
            let table = self.commands.table.borrow();
            dispatch(&self.commands, &table, request)
        };
        if let Some(frozen) = self.commands.frozen_change.take() {
            self.apply_frozen(frozen);
        }
        reply
    }

    fn write_reply(&self, reply: &Value, output: &mut Vec<u8>) {
        if self.commands.delimit.take() {
            output.push(SENTINEL);
        }
        let start = output.len();
        match write_wire(&mut *output, reply) {
            Ok(()) => output.push(b'\n'),
            Err(error) => {
                // Values built by the dispatcher always serialize; never send half a reply.
                output.truncate(start);
                log::warning(format!("cannot encode a reply: {error}"));
            }
        }
    }

    /// A new client: forgets the partial request and pending sentinel of the previous one.
    pub fn reset_session(&mut self) {
        self.streamer.reset();
        self.commands.delimit.set(false);
    }

    /// Whether input has been received that does not yet form a complete request.
    pub fn has_partial_input(&self) -> bool {
        self.streamer.has_partial_input()
    }

    /// Disables every command but [`FROZEN_ALLOWED`] (frozen), or enables every command but
    /// the blocked ones (thawed), as qemu-ga does.
    fn apply_frozen(&mut self, frozen: bool) {
        self.commands.frozen.set(frozen);
        let mut table = self.commands.table.borrow_mut();
        let names: Vec<&'static str> = table.commands().map(|state| state.name()).collect();
        for name in names {
            let result = if frozen {
                if FROZEN_ALLOWED.contains(&name) {
                    continue;
                }
                table.disable_with_reason(name, FROZEN_REASON)
            } else if self.blocked.iter().any(|blocked| blocked == name) {
                table.disable(name)
            } else {
                table.enable(name)
            };
            // The names come from the table itself.
            debug_assert!(result.is_ok());
        }
        if let Some(marker) = &self.commands.frozen_marker {
            let result = if frozen {
                std::fs::write(marker, b"")
            } else {
                std::fs::remove_file(marker).or_else(|error| match error.kind() {
                    io::ErrorKind::NotFound => Ok(()),
                    _ => Err(error),
                })
            };
            if let Err(error) = result {
                log::warning(format!("frozen marker {}: {error}", marker.display()));
            }
        }
    }
}

impl Commands {
    /// How many files are open.
    pub fn open_files(&self) -> usize {
        self.files.borrow().len()
    }

    /// How many processes are running or not yet reported.
    pub fn processes(&self) -> usize {
        self.exec.len()
    }

    fn set_frozen_later(&self, frozen: bool) {
        self.frozen_change.set(Some(frozen));
    }
}

/// The text of an OS error without Rust's ` (os error N)` suffix: what `strerror` says.
pub fn errno_text(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(at) if error.raw_os_error().is_some() => text[..at].to_owned(),
        _ => text,
    }
}

impl Server for Commands {
    fn guest_sync_delimited(&self, args: GuestSyncDelimitedArgs) -> Result<i64, QapiError> {
        self.delimit.set(true);
        Ok(args.id)
    }

    fn guest_sync(&self, args: GuestSyncArgs) -> Result<i64, QapiError> {
        Ok(args.id)
    }

    fn guest_ping(&self) -> Result<(), QapiError> {
        Ok(())
    }

    fn guest_get_time(&self) -> Result<i64, QapiError> {
        self.system.now_ns().map_err(|error| {
            QapiError::generic(format!("Failed to get time: {}", errno_text(&error)))
        })
    }

    fn guest_set_time(&self, args: GuestSetTimeArgs) -> Result<(), QapiError> {
        log::info(format!("guest-set-time called, time: {:?}", args.time));
        host::set_time(&*self.system, args.time)
    }

    fn guest_info(&self) -> Result<GuestAgentInfo, QapiError> {
        let table = self.table.borrow();
        // qemu-ga 7.2 lists the commands last registered first.
        let supported_commands = table
            .commands()
            .map(|state| GuestAgentCommandInfo {
                name: state.name().to_owned(),
                enabled: state.enabled,
                success_response: state.info.success_response,
            })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        Ok(GuestAgentInfo {
            version: VERSION.to_owned(),
            supported_commands,
        })
    }

    fn guest_shutdown(&self, args: GuestShutdownArgs) -> Result<(), QapiError> {
        log::info(format!("guest-shutdown called, mode: {:?}", args.mode));
        host::shutdown(&*self.system, args.mode.as_deref())
    }

    fn guest_file_open(&self, args: GuestFileOpenArgs) -> Result<i64, QapiError> {
        log::info(format!(
            "guest-file-open called, filepath: {}, mode: {}",
            args.path,
            args.mode.as_deref().unwrap_or("r")
        ));
        let handle = self
            .files
            .borrow_mut()
            .open(&args.path, args.mode.as_deref())?;
        log::info(format!("guest-file-open, handle: {handle}"));
        Ok(handle)
    }

    fn guest_file_close(&self, args: GuestFileCloseArgs) -> Result<(), QapiError> {
        log::info(format!("guest-file-close called, handle: {}", args.handle));
        self.files.borrow_mut().close(args.handle)
    }

    fn guest_file_read(&self, args: GuestFileReadArgs) -> Result<GuestFileRead, QapiError> {
        self.files.borrow_mut().read(args.handle, args.count)
    }

    fn guest_file_write(&self, args: GuestFileWriteArgs) -> Result<GuestFileWrite, QapiError> {
        self.files
            .borrow_mut()
            .write(args.handle, &args.buf_b64, args.count)
    }

    fn guest_file_seek(&self, args: GuestFileSeekArgs) -> Result<GuestFileSeek, QapiError> {
        self.files
            .borrow_mut()
            .seek(args.handle, args.offset, args.whence)
    }

    fn guest_file_flush(&self, args: GuestFileFlushArgs) -> Result<(), QapiError> {
        self.files.borrow_mut().flush(args.handle)
    }

    fn guest_fsfreeze_status(&self) -> Result<GuestFsfreezeStatus, QapiError> {
        Ok(if self.frozen.get() {
            GuestFsfreezeStatus::Frozen
        } else {
            GuestFsfreezeStatus::Thawed
        })
    }

    fn guest_fsfreeze_freeze(&self) -> Result<i64, QapiError> {
        log::info("guest-fsfreeze called");
        let count = host::freeze(&*self.system, None)?;
        self.set_frozen_later(true);
        Ok(count)
    }

    fn guest_fsfreeze_freeze_list(
        &self,
        args: GuestFsfreezeFreezeListArgs,
    ) -> Result<i64, QapiError> {
        log::info("guest-fsfreeze called");
        let count = host::freeze(&*self.system, args.mountpoints.as_deref())?;
        self.set_frozen_later(true);
        Ok(count)
    }

    fn guest_fsfreeze_thaw(&self) -> Result<i64, QapiError> {
        let count = host::thaw(&*self.system)?;
        log::info(format!("guest-fsthaw called, thawed {count}"));
        self.set_frozen_later(false);
        Ok(count)
    }

    fn guest_fstrim(
        &self,
        args: GuestFstrimArgs,
    ) -> Result<GuestFilesystemTrimResponse, QapiError> {
        log::info("guest-fstrim called");
        host::trim(&*self.system, args.minimum)
    }

    fn guest_suspend_disk(&self) -> Result<(), QapiError> {
        log::info("guest-suspend-disk called");
        host::suspend(&*self.system, SuspendMode::Disk)
    }

    fn guest_suspend_ram(&self) -> Result<(), QapiError> {
        log::info("guest-suspend-ram called");
        host::suspend(&*self.system, SuspendMode::Ram)
    }

    fn guest_suspend_hybrid(&self) -> Result<(), QapiError> {
        log::info("guest-suspend-hybrid called");
        host::suspend(&*self.system, SuspendMode::Hybrid)
    }

    fn guest_network_get_interfaces(&self) -> Result<Vec<GuestNetworkInterface>, QapiError> {
        host::network_interfaces(&*self.system)
    }

    fn guest_get_vcpus(&self) -> Result<Vec<GuestLogicalProcessor>, QapiError> {
        host::vcpus(&*self.system)
    }

    fn guest_set_vcpus(&self, args: GuestSetVcpusArgs) -> Result<i64, QapiError> {
        log::info("guest-set-vcpus called");
        host::set_vcpus(&*self.system, &args.vcpus)
    }

    fn guest_get_fsinfo(&self) -> Result<Vec<GuestFilesystemInfo>, QapiError> {
        host::filesystems(&*self.system)
    }

    fn guest_set_user_password(&self, args: GuestSetUserPasswordArgs) -> Result<(), QapiError> {
        log::info(format!(
            "guest-set-user-password called, username: {}",
            args.username
        ));
        host::set_user_password(&*self.system, &args.username, &args.password, args.crypted)
    }

    fn guest_get_memory_blocks(&self) -> Result<Vec<GuestMemoryBlock>, QapiError> {
        host::memory_blocks(&*self.system)
    }

    fn guest_set_memory_blocks(
        &self,
        args: GuestSetMemoryBlocksArgs,
    ) -> Result<Vec<GuestMemoryBlockResponse>, QapiError> {
        log::info("guest-set-memory-blocks called");
        host::set_memory_blocks(&*self.system, &args.mem_blks)
    }

    fn guest_get_memory_block_info(&self) -> Result<GuestMemoryBlockInfo, QapiError> {
        host::memory_block_info(&*self.system)
    }

    fn guest_exec_status(&self, args: GuestExecStatusArgs) -> Result<GuestExecStatus, QapiError> {
        log::debug(format!("guest-exec-status called, pid: {}", args.pid));
        self.exec.status(args.pid)
    }

    fn guest_exec(&self, args: GuestExecArgs) -> Result<GuestExec, QapiError> {
        log::info(format!("guest-exec called: \"{}\"", args.path));
        self.exec.exec(args)
    }
}
