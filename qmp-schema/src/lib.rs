//! Rust bindings for QEMU 10.0.2's QMP schema, generated at build time by `qapi-gen-codegen`:
//! every type, enum, union and alternate, `{Command}Args` for each command's arguments and
//! `{Event}Event` for each event's data, `enum Event` of all events, and the typed `Client<C>`
//! with one method per command.
//!
//! The client runs over QMP with `qapi_runtime`'s QMP client:
//!
//! ```no_run
//! use qapi_runtime::client::qmp::QmpClient;
//!
//! let mut client = qmp_schema::Client::new(QmpClient::connect_unix("/tmp/qmp.sock")?);
//! let status = client.query_status()?;
//! println!("running: {}", status.running);
//! for message in client.runtime_mut().events() {
//!     println!("{:?}", qmp_schema::Event::from_message(&message));
//! }
//! # Ok::<(), qapi_runtime::ClientError>(())
//! ```
//!
//! [`INTROSPECTION`] is the `query-qmp-schema` answer of a QEMU 10.0.2 built from this schema,
//! its conditions still in place; evaluate it for one QEMU binary with
//! [`system_emulator_symbols`] and compare it with that binary's answer:
//!
//! ```
//! use qapi_runtime::introspect::Introspection;
//! let ours = Introspection::parse(qmp_schema::INTROSPECTION).unwrap();
//! let symbols = qmp_schema::system_emulator_symbols("TARGET_I386");
//! # let live = serde_json::json!([]);
//! let comparison = ours.compare(&symbols, &live).unwrap();
//! ```
//!
//! [`probe`] calls every harmless argument-less command (the `qmp_probe` example).
//!
//! With the `server` feature the crate also has the server side (`Server`, `COMMANDS`,
//! `dispatch`), for implementing QMP; a client does not need it and does not compile it.

pub mod probe;

include!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));

/// The generated code this crate compiles, as text: for the test that `qapi-gen generate`
/// with the flags of `codegen.rs`'s options writes the same bytes.
#[doc(hidden)]
pub const GENERATED_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));

/// Whether this build has the `server` feature (and so was generated with the server side).
#[doc(hidden)]
pub const SERVER_FEATURE: bool = cfg!(feature = "server");

/// The `TARGET_*` symbols the schema's conditions name: a system emulator is built with
/// exactly one of them (`qemu-system-x86_64` with `TARGET_I386`, as QEMU calls the x86
/// family; `TARGET_X86_64` is never named by the schema).
pub const TARGET_SYMBOLS: [&str; 7] = [
    "TARGET_ARM",
    "TARGET_I386",
    "TARGET_LOONGARCH64",
    "TARGET_MIPS",
    "TARGET_PPC",
    "TARGET_RISCV",
    "TARGET_S390X",
];

/// The symbols known to hold or not for a system emulator of target `target` (one of
/// [`TARGET_SYMBOLS`]) running on this host: its target symbol holds and the others do not;
/// the host's operating system decides `CONFIG_LINUX`, `CONFIG_POSIX`, `CONFIG_WIN32` and the
/// macOS-only `CONFIG_COCOA`, `CONFIG_VMNET` and `CONFIG_AUDIO_COREAUDIO` (and Windows' `CONFIG_AUDIO_DSOUND`).
/// Every other symbol (optional libraries and features such as `CONFIG_SPICE`) depends on
/// how the binary was configured and is left unknown.
pub fn system_emulator_symbols(target: &str) -> qapi_runtime::introspect::Symbols {
    let mut symbols = qapi_runtime::introspect::Symbols::new();
    for symbol in TARGET_SYMBOLS {
        symbols.set(symbol, symbol == target);
    }
    let linux = cfg!(target_os = "linux");
    let macos = cfg!(target_os = "macos");
    let windows = cfg!(windows);
    symbols
        .set("CONFIG_LINUX", linux)
        .set("CONFIG_POSIX", cfg!(unix))
        .set("CONFIG_WIN32", windows)
        .set("CONFIG_COCOA", macos)
        .set("CONFIG_VMNET", macos)
        .set("CONFIG_AUDIO_COREAUDIO", macos)
        .set("CONFIG_AUDIO_DSOUND", windows);
    symbols
}
