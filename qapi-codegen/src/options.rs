//! Every choice of what to generate, as one value: [`Options`].
//!
//! [`crate::Builder`]'s setters set its fields, `qapi-gen generate` builds it from its flags
//! (which [`Options::to_args`] writes back), and each bindings crate of the workspace declares
//! its own once (`codegen.rs` beside its build script), for its build script, for
//! `cargo xtask regen` and for the test that `qapi-gen generate` reproduces its file.

use crate::cfg::UnmappedSymbol;
use std::collections::BTreeMap;

/// What to generate from a schema. `Default` is what [`crate::Builder::new`] starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Accept old-style schemas (see [`crate::Builder::legacy`]). Default `false`.
    pub legacy: bool,
    /// QAPI condition symbol → cfg predicate (see [`crate::Builder::cfg`]). Default: none.
    pub cfg: BTreeMap<String, String>,
    /// What an unmapped symbol means (see [`crate::Builder::unmapped_cfg`]).
    pub unmapped_cfg: UnmappedSymbol,
    /// The server side (see [`crate::Builder::dispatch`]). Default `true`.
    pub dispatch: bool,
    /// The blocking client (see [`crate::Builder::client`]). Default `true`.
    pub client: bool,
    /// The async client (see [`crate::Builder::async_client`]). Default `false`.
    pub async_client: bool,
    /// The cfg predicate of the async client (see [`crate::Builder::async_client_cfg`]).
    pub async_client_cfg: Option<String>,
    /// `INTROSPECTION` (see [`crate::Builder::introspect`]). Default `false`.
    pub introspect: bool,
    /// `enum Event` of all generated events (see [`crate::Builder::event_enum`]). Default
    /// `true`.
    pub event_enum: bool,
    /// The commands to generate, by QAPI name, with what they reach (see
    /// [`crate::Builder::commands`]); `None`, the default, is every command.
    pub commands: Option<Vec<String>>,
    /// The events to generate, by QAPI name (see [`crate::Builder::events`]); `None`, the
    /// default, is every event.
    pub events: Option<Vec<String>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            legacy: false,
            cfg: BTreeMap::new(),
            unmapped_cfg: UnmappedSymbol::default(),
            dispatch: true,
            client: true,
            async_client: false,
            async_client_cfg: None,
            introspect: false,
            event_enum: true,
            commands: None,
            events: None,
        }
    }
}

impl Options {
    /// The flags of `qapi-gen generate` that ask for these options, defaults left out:
    /// `qapi-gen generate FLAGS… SCHEMA` writes what a build script with these options writes.
    pub fn to_args(&self) -> Vec<String> {
        let Options {
            legacy,
            cfg,
            unmapped_cfg,
            dispatch,
            client,
            async_client,
            async_client_cfg,
            introspect,
            event_enum,
            commands,
            events,
        } = self;
        let mut args = Vec::new();
        let mut flag = |on: bool, name: &str| {
            if on {
                args.push(name.to_owned());
            }
        };
        flag(*legacy, "--legacy");
        flag(!dispatch, "--no-dispatch");
        flag(!client, "--no-client");
        flag(*async_client, "--async-client");
        flag(*introspect, "--introspect");
        flag(!event_enum, "--no-event-enum");
        for (symbol, predicate) in cfg {
            args.push("--cfg".to_owned());
            args.push(format!("{symbol}={predicate}"));
        }
        if *unmapped_cfg != UnmappedSymbol::default() {
            args.push("--unmapped-cfg".to_owned());
            args.push(unmapped_cfg.as_str().to_owned());
        }
        if let Some(predicate) = async_client_cfg {
            args.push("--async-client-cfg".to_owned());
            args.push(predicate.clone());
        }
        for (flag, names) in [("--command", commands), ("--event", events)] {
            for name in names.iter().flatten() {
                args.push(flag.to_owned());
                args.push(name.clone());
            }
        }
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_flags() {
        assert!(Options::default().to_args().is_empty());
    }

    #[test]
    fn every_option_has_its_flag() {
        let options = Options {
            legacy: true,
            cfg: [(
                "CONFIG_LINUX".to_owned(),
                r#"target_os = "linux""#.to_owned(),
            )]
            .into(),
            unmapped_cfg: UnmappedSymbol::Cfg,
            dispatch: false,
            client: false,
            async_client: true,
            async_client_cfg: Some(r#"feature = "tokio""#.to_owned()),
            introspect: true,
            event_enum: false,
            commands: Some(vec!["stop".to_owned(), "cont".to_owned()]),
            events: Some(vec!["STOP".to_owned()]),
        };
        assert_eq!(
            options.to_args(),
            [
                "--legacy",
                "--no-dispatch",
                "--no-client",
                "--async-client",
                "--introspect",
                "--no-event-enum",
                "--cfg",
                r#"CONFIG_LINUX=target_os = "linux""#,
                "--unmapped-cfg",
                "cfg",
                "--async-client-cfg",
                r#"feature = "tokio""#,
                "--command",
                "stop",
                "--command",
                "cont",
                "--event",
                "STOP",
            ]
        );
    }
}
