//! Calling every harmless command that needs no arguments, and judging each reply: the
//! `qmp_probe` example and the live QEMU tests share this.
//!
//! # Which commands
//!
//! [`HARMLESS`] holds every command of the schema whose arguments are all optional (or that
//! has none) and that only reads: all `query-*` commands, `qom-list-types` and
//! `xen-event-list`. [`EXCLUDED`] holds every other such command, each with why it is left out:
//! it changes the machine's state (`stop`, `cont`, `quit`, `system_*`, `migrate*`,
//! `set-action`, tray and NMI commands, …), is unstable (`x-*`, which may do anything), or
//! belongs to the protocol itself (`qmp_capabilities`). A test checks against the schema that
//! the two lists together hold exactly the argument-less commands, so a new QEMU schema cannot
//! slip a command past the choice.
//!
//! Commands with optional arguments are called with none (all members absent).

use qapi_runtime::client::Execute;
use qapi_runtime::ClientError;

use crate::*;

/// What became of one command.
#[derive(Debug)]
pub enum Outcome {
    /// The reply decoded into the command's generated return type; the type's name.
    Decoded(String),
    /// The server answered with an error reply (which decodes as a QAPI error).
    Qapi(qapi_runtime::QapiError),
    /// The reply did not decode, or the call failed otherwise; the reason.
    Failed(ClientError),
}

/// One command's result.
#[derive(Debug)]
pub struct Probe {
    /// The command's wire name.
    pub command: &'static str,
    /// What became of it.
    pub outcome: Outcome,
}

impl Probe {
    /// One line: `COMMAND: decoded TYPE`, `COMMAND: QAPI error CLASS: DESC` or
    /// `COMMAND: FAILED: REASON`.
    pub fn line(&self) -> String {
        match &self.outcome {
            Outcome::Decoded(ty) => format!("{}: decoded {ty}", self.command),
            Outcome::Qapi(error) => {
                format!(
                    "{}: QAPI error {}: {}",
                    self.command, error.class, error.desc
                )
            }
            Outcome::Failed(error) => format!("{}: FAILED: {error}", self.command),
        }
    }

    /// Whether the reply failed to decode (a QAPI error reply decodes).
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
    }
}

/// Sorts a typed call's result.
fn outcome<T>(result: Result<T, ClientError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Decoded(short_type_name::<T>()),
        Err(ClientError::Qapi(error)) => Outcome::Qapi(error),
        Err(error) => Outcome::Failed(error),
    }
}

/// `Vec<BlockInfo>` rather than `alloc::vec::Vec<qmp_schema::BlockInfo>`: every path keeps
/// its last segment.
fn short_type_name<T>() -> String {
    let mut short = String::new();
    let mut segment = String::new();
    for character in std::any::type_name::<T>().chars() {
        if character.is_alphanumeric() || character == '_' {
            segment.push(character);
        } else if character == ':' {
            segment.clear();
        } else {
            short.push_str(&segment);
            segment.clear();
            short.push(character);
        }
    }
    short.push_str(&segment);
    short
}

/// Arguments with every member absent.
fn no_arguments<A: serde::de::DeserializeOwned>(command: &str) -> Result<A, ClientError> {
    serde_json::from_value(serde_json::Value::Object(serde_json::Map::new())).map_err(|error| {
        ClientError::Arguments {
            command: command.to_owned(),
            reason: error.to_string(),
        }
    })
}

macro_rules! harmless {
    ($($command:literal => $method:ident $(($args:ident))?,)*) => {
        /// The harmless commands without required arguments, by wire name.
        pub const HARMLESS: &[&str] = &[$($command),*];

        /// Calls every [`HARMLESS`] command through the typed stubs, in order.
        #[allow(deprecated)]
        pub fn probe_all<C: Execute>(client: &mut Client<C>) -> Vec<Probe> {
            vec![$(Probe {
                command: $command,
                outcome: outcome(harmless!(@call client, $command, $method $(, $args)?)),
            }),*]
        }
    };
    (@call $client:ident, $command:literal, $method:ident) => {
        $client.$method()
    };
    (@call $client:ident, $command:literal, $method:ident, $args:ident) => {
        no_arguments::<$args>($command).and_then(|args| $client.$method(args))
    };
}

harmless! {
    "qom-list-types" => qom_list_types(QomListTypesArgs),
    "query-acpi-ospm-status" => query_acpi_ospm_status,
    "query-audiodevs" => query_audiodevs,
    "query-balloon" => query_balloon,
    "query-block" => query_block,
    "query-block-exports" => query_block_exports,
    "query-block-jobs" => query_block_jobs,
    "query-blockstats" => query_blockstats(QueryBlockstatsArgs),
    "query-chardev" => query_chardev,
    "query-chardev-backends" => query_chardev_backends,
    "query-colo-status" => query_colo_status,
    "query-command-line-options" => query_command_line_options(QueryCommandLineOptionsArgs),
    "query-commands" => query_commands,
    "query-cpu-definitions" => query_cpu_definitions,
    "query-cpus-fast" => query_cpus_fast,
    "query-cryptodev" => query_cryptodev,
    "query-current-machine" => query_current_machine,
    "query-dirty-rate" => query_dirty_rate(QueryDirtyRateArgs),
    "query-display-options" => query_display_options,
    "query-dump" => query_dump,
    "query-dump-guest-memory-capability" => query_dump_guest_memory_capability,
    "query-fdsets" => query_fdsets,
    "query-gic-capabilities" => query_gic_capabilities,
    "query-hotpluggable-cpus" => query_hotpluggable_cpus,
    "query-hv-balloon-status-report" => query_hv_balloon_status_report,
    "query-iothreads" => query_iothreads,
    "query-jobs" => query_jobs,
    "query-kvm" => query_kvm,
    "query-machines" => query_machines(QueryMachinesArgs),
    "query-memdev" => query_memdev,
    "query-memory-devices" => query_memory_devices,
    "query-memory-size-summary" => query_memory_size_summary,
    "query-mice" => query_mice,
    "query-migrate" => query_migrate,
    "query-migrate-capabilities" => query_migrate_capabilities,
    "query-migrate-parameters" => query_migrate_parameters,
    "query-migrationthreads" => query_migrationthreads,
    "query-name" => query_name,
    "query-named-block-nodes" => query_named_block_nodes(QueryNamedBlockNodesArgs),
    "query-pci" => query_pci,
    "query-pr-managers" => query_pr_managers,
    "query-qmp-schema" => query_qmp_schema,
    "query-replay" => query_replay,
    "query-rx-filter" => query_rx_filter(QueryRxFilterArgs),
    "query-s390x-cpu-polarization" => query_s390x_cpu_polarization,
    "query-sev" => query_sev,
    "query-sev-capabilities" => query_sev_capabilities,
    "query-sev-launch-measure" => query_sev_launch_measure,
    "query-sgx" => query_sgx,
    "query-sgx-capabilities" => query_sgx_capabilities,
    "query-spice" => query_spice,
    "query-stats-schemas" => query_stats_schemas(QueryStatsSchemasArgs),
    "query-status" => query_status,
    "query-target" => query_target,
    "query-tpm" => query_tpm,
    "query-tpm-models" => query_tpm_models,
    "query-tpm-types" => query_tpm_types,
    "query-uuid" => query_uuid,
    "query-vcpu-dirty-limit" => query_vcpu_dirty_limit,
    "query-version" => query_version,
    "query-vm-generation-id" => query_vm_generation_id,
    "query-vnc" => query_vnc,
    "query-vnc-servers" => query_vnc_servers,
    "query-xen-replication-status" => query_xen_replication_status,
    "query-yank" => query_yank,
    "xen-event-list" => xen_event_list,
}

/// The commands without required arguments that the probe leaves out, and why.
pub const EXCLUDED: &[(&str, &str)] = &[
    (
        "add-fd",
        "adds a file descriptor set (and needs one passed over the socket)",
    ),
    ("blockdev-close-tray", "moves a device's tray"),
    ("blockdev-open-tray", "moves a device's tray"),
    (
        "cancel-vcpu-dirty-limit",
        "changes the dirty page rate limit",
    ),
    ("cont", "resumes the guest"),
    ("eject", "ejects a medium"),
    ("inject-nmi", "injects an interrupt into the guest"),
    ("migrate", "starts a migration"),
    ("migrate-incoming", "starts an incoming migration"),
    ("migrate-pause", "pauses a migration"),
    ("migrate-set-parameters", "changes migration parameters"),
    ("migrate-start-postcopy", "switches a migration to postcopy"),
    ("migrate_cancel", "cancels a migration"),
    ("nbd-server-stop", "stops the NBD server"),
    (
        "qmp_capabilities",
        "the protocol's own negotiation, already done",
    ),
    ("quit", "ends QEMU"),
    ("replay-delete-break", "changes record/replay state"),
    ("rtc-reset-reinjection", "changes the RTC's state"),
    ("set-action", "changes what QEMU does on guest events"),
    ("stop", "pauses the guest"),
    ("system_powerdown", "asks the guest to power down"),
    ("system_reset", "resets the machine"),
    ("system_wakeup", "wakes the guest from suspend"),
    (
        "x-colo-lost-heartbeat",
        "unstable (x-); takes over from a COLO peer",
    ),
    (
        "x-debug-query-block-graph",
        "unstable (x-) debugging interface",
    ),
    (
        "x-exit-preconfig",
        "unstable (x-); leaves the preconfig state",
    ),
    (
        "x-query-interrupt-controllers",
        "unstable (x-) debugging interface",
    ),
    ("x-query-irq", "unstable (x-) debugging interface"),
    ("x-query-jit", "unstable (x-) debugging interface"),
    ("x-query-numa", "unstable (x-) debugging interface"),
    ("x-query-opcount", "unstable (x-) debugging interface"),
    ("x-query-ramblock", "unstable (x-) debugging interface"),
    ("x-query-roms", "unstable (x-) debugging interface"),
    ("x-query-usb", "unstable (x-) debugging interface"),
    ("x-query-virtio", "unstable (x-) debugging interface"),
    ("xen-colo-do-checkpoint", "makes a COLO checkpoint"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The harmless and the excluded commands are exactly the schema's commands without
    /// required arguments.
    #[test]
    fn the_lists_cover_every_argument_less_command() {
        let checked = qapi_gen_parser::check_file(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../schemas/qemu-10.0.2/qapi/qapi-schema.json"
            ),
            &Default::default(),
        );
        let schema = checked.schema.as_ref().unwrap();
        let argument_less: BTreeSet<&str> = schema
            .commands()
            .filter(|(_, command)| match command.arg_type {
                None => true,
                Some(ty) => match schema.ty(ty).as_object() {
                    Some(object) => schema
                        .all_members(object)
                        .iter()
                        .all(|member| member.optional),
                    None => false,
                },
            })
            .map(|(_, command)| command.name.as_str())
            .collect();
        let harmless: BTreeSet<&str> = HARMLESS.iter().copied().collect();
        let excluded: BTreeSet<&str> = EXCLUDED.iter().map(|(name, _)| *name).collect();
        assert_eq!(harmless.len(), HARMLESS.len());
        assert!(harmless.is_disjoint(&excluded));
        let listed: BTreeSet<&str> = harmless.union(&excluded).copied().collect();
        assert_eq!(listed, argument_less);
        assert_eq!((HARMLESS.len(), EXCLUDED.len()), (66, 36));
    }

    #[test]
    fn lines_and_type_names() {
        let decoded = Probe {
            command: "query-block",
            outcome: outcome::<Vec<crate::BlockInfo>>(Ok(Vec::new())),
        };
        assert_eq!(decoded.line(), "query-block: decoded Vec<BlockInfo>");
        let status = Probe {
            command: "query-status",
            outcome: outcome::<crate::StatusInfo>(Err(ClientError::Timeout)),
        };
        assert_eq!(
            status.line(),
            "query-status: FAILED: timed out waiting for the peer"
        );
        assert!(status.failed());
        let error = Probe {
            command: "query-sev",
            outcome: outcome::<()>(Err(qapi_runtime::QapiError::generic("no SEV").into())),
        };
        assert_eq!(error.line(), "query-sev: QAPI error GenericError: no SEV");
        assert!(!error.failed());
    }
}
