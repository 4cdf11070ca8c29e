//! The server side of command dispatch: the request envelope and the replies of QEMU's
//! `qmp-dispatch.c`, and the table of commands a server has.
//!
//! A generated dispatcher (`dispatch(server, table, request)`, see qapi-gen-codegen) calls
//! [`CommandTable::accept`] on each request, which checks the envelope exactly as QEMU 7.2
//! does and answers what qemu-ga answers:
//!
//! | request | reply |
//! | --- | --- |
//! | not an object | `GenericError` "QMP input must be a JSON object" |
//! | `execute` not a string | `GenericError` "QMP input member 'execute' must be a string" |
//! | `arguments` not an object | `GenericError` "QMP input member 'arguments' must be an object" |
//! | any other member `X` | `GenericError` "QMP input member 'X' is unexpected" |
//! | no `execute` | `GenericError` "QMP input lacks member 'execute'" |
//! | unknown command | `CommandNotFound` "The command X has not been found" |
//! | disabled command | `CommandNotFound` "Command X has been disabled" |
//!
//! The members are checked in the order QEMU's `QDict` iterates them (by hash bucket, see
//! [`qdict_order`]), not in the order they were sent, so a request with two faults gets the
//! error qemu-ga gives. `id`, of any JSON type, is read before any check and echoed in the
//! reply, on errors too; only a request that is not an object gets a reply without it.
//!
//! The dispatcher then decodes the arguments, calls the command and hands the result to
//! [`Call::reply`]: `{"return": VALUE}` (`{}` for a command without `returns`), nothing for a
//! command with `success-response: false` that succeeded, or `{"error": {"class", "desc"}}`.
//! A JSON parse error from [`JsonStreamer`](crate::framing::JsonStreamer) is answered with
//! [`parse_error_reply`].
//!
//! ```
//! use qapi_runtime::dispatch::{parse_error_reply, CommandInfo, CommandTable};
//! use qapi_runtime::framing::JsonStreamer;
//! use serde_json::json;
//!
//! const COMMANDS: &[CommandInfo] = &[CommandInfo::new("guest-ping")];
//! let table = CommandTable::new(COMMANDS);
//! let mut streamer = JsonStreamer::new();
//! let mut replies = Vec::new();
//! for item in streamer.feed(b"{\"execute\": \"guest-ping\", \"id\": 1} {\"execute\": }") {
//!     let reply = match item {
//!         // A generated `dispatch` does this, matching on `call.command()`.
//!         Ok(request) => match table.accept(request) {
//!             Ok(call) => call.reply(Ok(json!({}))),
//!             Err(reply) => Some(reply),
//!         },
//!         Err(error) => Some(parse_error_reply(&error)),
//!     };
//!     replies.extend(reply);
//! }
//! assert_eq!(replies, [
//!     json!({"return": {}, "id": 1}),
//!     json!({"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}}),
//! ]);
//! ```

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::errors::{ErrorClass, QapiError};
use crate::framing::JsonParseError;

/// QEMU's `QERR_UNSUPPORTED`, the answer of a command an agent does not implement.
pub const UNSUPPORTED: &str = "this feature or command is not currently supported";

/// What the schema says about one command, as generated code lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommandInfo {
    /// The command's name on the wire (`guest-file-read`).
    pub name: &'static str,
    /// `success-response`: `false` for commands that send no reply when they succeed
    /// (qemu-ga's `guest-shutdown`, `guest-suspend-*`).
    pub success_response: bool,
    /// `allow-oob`: may be run with `exec-oob` (QMP only).
    pub allow_oob: bool,
    /// The command has the feature `deprecated`.
    pub deprecated: bool,
}

impl CommandInfo {
    /// A command with the schema's defaults: replies on success, no OOB, not deprecated.
    pub const fn new(name: &'static str) -> CommandInfo {
        CommandInfo {
            name,
            success_response: true,
            allow_oob: false,
            deprecated: false,
        }
    }
}

/// One command of a [`CommandTable`] and its state, as `guest-info` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandState {
    /// What the schema says about it.
    pub info: CommandInfo,
    /// Whether it may run; a disabled command answers `Command X has been disabled`.
    pub enabled: bool,
    /// Why it is disabled, appended to that answer after `: ` (qemu-ga gives none for
    /// `--block-rpcs`, and "the agent is in frozen state" while filesystems are frozen).
    pub disable_reason: Option<String>,
}

impl CommandState {
    /// The command's name.
    pub fn name(&self) -> &'static str {
        self.info.name
    }
}

/// The commands a server knows, which of them are enabled, and how requests are accepted.
///
/// Built from a generated `COMMANDS` list, every command enabled. A guest agent disables the
/// commands it was told to block (qemu-ga's `-b`) with [`CommandTable::disable`], and
/// answers `guest-info` from [`CommandTable::commands`].
#[derive(Clone, Debug)]
pub struct CommandTable {
    commands: Vec<CommandState>,
    index: BTreeMap<&'static str, usize>,
    allow_oob: bool,
    reject_deprecated: bool,
}

/// A request whose envelope is valid, for an enabled command: what the dispatcher runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    info: CommandInfo,
    arguments: Map<String, Value>,
    id: Option<Value>,
    oob: bool,
}

/// Why a command could not be disabled or enabled: the table has no command of that name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown command '{0}'")]
pub struct UnknownCommand(pub String);

impl CommandTable {
    /// A table of `commands`, all enabled, accepting `execute` only (as a guest agent does).
    /// A name listed twice keeps its first entry.
    pub fn new(commands: &[CommandInfo]) -> CommandTable {
        let mut table = CommandTable {
            commands: Vec::with_capacity(commands.len()),
            index: BTreeMap::new(),
            allow_oob: false,
            reject_deprecated: false,
        };
        for info in commands {
            if table.index.contains_key(info.name) {
                continue;
            }
            table.index.insert(info.name, table.commands.len());
            table.commands.push(CommandState {
                info: *info,
                enabled: true,
                disable_reason: None,
            });
        }
        table
    }

    /// Whether requests may use `exec-oob` instead of `execute` (a QMP monitor whose client
    /// negotiated the `oob` capability). Default `false`, as qemu-ga: `exec-oob` is then an
    /// unexpected member like any other.
    pub fn allow_oob(&mut self, allow: bool) -> &mut CommandTable {
        self.allow_oob = allow;
        self
    }

    /// QEMU's `-compat deprecated-input=reject`: deprecated commands answer
    /// `CommandNotFound` "Deprecated command X disabled by policy". Default `false`.
    pub fn reject_deprecated(&mut self, reject: bool) -> &mut CommandTable {
        self.reject_deprecated = reject;
        self
    }

    /// Disables command `name`, with no reason (qemu-ga's `--block-rpcs`).
    pub fn disable(&mut self, name: &str) -> Result<(), UnknownCommand> {
        self.set_state(name, false, None)
    }

    /// Disables command `name`; its error says `Command NAME has been disabled: REASON`.
    pub fn disable_with_reason(
        &mut self,
        name: &str,
        reason: impl Into<String>,
    ) -> Result<(), UnknownCommand> {
        self.set_state(name, false, Some(reason.into()))
    }

    /// Enables command `name` again.
    pub fn enable(&mut self, name: &str) -> Result<(), UnknownCommand> {
        self.set_state(name, true, None)
    }

    fn set_state(
        &mut self,
        name: &str,
        enabled: bool,
        reason: Option<String>,
    ) -> Result<(), UnknownCommand> {
        let state = self
            .index
            .get(name)
            .and_then(|&position| self.commands.get_mut(position))
            .ok_or_else(|| UnknownCommand(name.to_owned()))?;
        state.enabled = enabled;
        state.disable_reason = reason;
        Ok(())
    }

    /// The command `name`, if the table has it.
    pub fn get(&self, name: &str) -> Option<&CommandState> {
        self.index
            .get(name)
            .and_then(|&position| self.commands.get(position))
    }

    /// Every command, in the order the table was built from (schema order).
    ///
    /// qemu-ga 7.2's `guest-info` lists `supported_commands` in the reverse order, each as
    /// `{"enabled": ..., "name": ..., "success-response": ...}`.
    pub fn commands(&self) -> impl Iterator<Item = &CommandState> {
        self.commands.iter()
    }

    /// Checks a request's envelope and finds its command, as QEMU's `qmp_dispatch` does up
    /// to calling the command: `Ok` with what to run, or `Err` with the error reply to send.
    pub fn accept(&self, request: Value) -> Result<Call, Value> {
        let Value::Object(members) = request else {
            return Err(error_reply(
                None,
                &QapiError::generic("QMP input must be a JSON object"),
            ));
        };
        let id = members.get("id").cloned();
        let reject = |error: QapiError| error_reply(id.clone(), &error);
        let (name, oob) = self.check_members(&members).map_err(reject)?;
        let Some(state) = self.get(&name) else {
            return Err(reject(QapiError::command_not_found(&name)));
        };
        if state.info.deprecated && self.reject_deprecated {
            return Err(reject(QapiError::new(
                ErrorClass::CommandNotFound,
                format!("Deprecated command {name} disabled by policy"),
            )));
        }
        if !state.enabled {
            return Err(reject(QapiError::command_disabled(
                &name,
                state.disable_reason.as_deref(),
            )));
        }
        if oob && !state.info.allow_oob {
            return Err(reject(QapiError::generic(format!(
                "The command {name} does not support OOB"
            ))));
        }
        let mut arguments = Map::new();
        for (key, value) in members {
            if key == "arguments" {
                if let Value::Object(object) = value {
                    arguments = object;
                }
            }
        }
        Ok(Call {
            info: state.info,
            arguments,
            id,
            oob,
        })
    }

    /// `qmp_dispatch_check_obj`: every member in QDict order, then the command name and
    /// whether it came in `exec-oob`.
    fn check_members(&self, members: &Map<String, Value>) -> Result<(String, bool), QapiError> {
        let mut exec_key: Option<&str> = None;
        let mut command = None;
        for (key, value) in qdict_order(members) {
            match key {
                "execute" | "exec-oob" if key == "execute" || self.allow_oob => {
                    let Value::String(name) = value else {
                        return Err(QapiError::generic(format!(
                            "QMP input member '{key}' must be a string"
                        )));
                    };
                    if let Some(first) = exec_key {
                        return Err(QapiError::generic(format!(
                            "QMP input member '{key}' clashes with '{first}'"
                        )));
                    }
                    exec_key = Some(key);
                    command = Some((name.clone(), key == "exec-oob"));
                }
                "arguments" => {
                    if !value.is_object() {
                        return Err(QapiError::generic(
                            "QMP input member 'arguments' must be an object",
                        ));
                    }
                }
                "id" => {}
                _ => {
                    return Err(QapiError::generic(format!(
                        "QMP input member '{key}' is unexpected"
                    )));
                }
            }
        }
        command.ok_or_else(|| QapiError::generic("QMP input lacks member 'execute'"))
    }
}

impl Call {
    /// The command's name, which the generated dispatcher matches on.
    pub fn command(&self) -> &'static str {
        self.info.name
    }

    /// What the schema says about the command.
    pub fn info(&self) -> &CommandInfo {
        &self.info
    }

    /// The request's `arguments` (empty when it had none).
    pub fn arguments(&self) -> &Map<String, Value> {
        &self.arguments
    }

    /// Takes the arguments out, to decode them; [`Call::arguments`] is empty afterwards.
    pub fn take_arguments(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.arguments)
    }

    /// The request's `id`, echoed in the reply.
    pub fn id(&self) -> Option<&Value> {
        self.id.as_ref()
    }

    /// Whether the request came as `exec-oob`.
    pub fn is_oob(&self) -> bool {
        self.oob
    }

    /// The reply to the call, given the command's result: `{"return": VALUE}`, no reply for a
    /// successful command without `success-response`, or the error reply; with the `id`.
    pub fn reply(self, result: Result<Value, QapiError>) -> Option<Value> {
        match result {
            Ok(_) if !self.info.success_response => None,
            Ok(value) => Some(return_reply(self.id, value)),
            Err(error) => Some(error_reply(self.id, &error)),
        }
    }
}

/// A command's return value as JSON. Serialization of generated types cannot fail, but a
/// hand-written `Serialize` can; that becomes a `GenericError` rather than a panic.
pub fn encode_return<T: Serialize>(value: &T) -> Result<Value, QapiError> {
    serde_json::to_value(value)
        .map_err(|error| QapiError::generic(format!("cannot encode the return value: {error}")))
}

/// The return value of a command without `returns`: QEMU replies `{"return": {}}`.
pub fn empty_return() -> Value {
    Value::Object(Map::new())
}

/// The `GenericError` "this feature or command is not currently supported" (QEMU's
/// `QERR_UNSUPPORTED`), what generated servers answer for a command they do not implement.
pub fn unsupported() -> QapiError {
    QapiError::generic(UNSUPPORTED)
}

/// `{"return": VALUE}`, with `"id"` when given, members in qemu-ga's order.
pub fn return_reply(id: Option<Value>, value: Value) -> Value {
    reply_object("return", value, id)
}

/// `{"error": {"class": ..., "desc": ...}}`, with `"id"` when given, members in qemu-ga's
/// order.
pub fn error_reply(id: Option<Value>, error: &QapiError) -> Value {
    reply_object("error", error.to_value(), id)
}

/// The reply to input the JSON streamer could not parse: a `GenericError` with the parser's
/// message and no `id` (there is no request to take one from).
pub fn parse_error_reply(error: &JsonParseError) -> Value {
    error_reply(None, &QapiError::generic(error.message.clone()))
}

/// A reply with `key` and maybe `id`, in the order QEMU writes its reply `QDict`.
fn reply_object(key: &str, value: Value, id: Option<Value>) -> Value {
    let mut members = vec![(key.to_owned(), value)];
    if let Some(id) = id {
        members.push(("id".to_owned(), id));
    }
    members.sort_by_key(|(name, _)| qdict_bucket(name));
    Value::Object(members.into_iter().collect())
}

/// The members of `object` in the order QEMU iterates a `QDict` built from it.
///
/// QEMU's JSON parser inserts members in input order into a hash table of 512 buckets
/// (`QDICT_BUCKET_MAX`), each a list with the newest entry first; `qdict_first`/`qdict_next`
/// walk the buckets in order. So the order is by bucket ([`qdict_bucket`]), and within a
/// bucket the reverse of the input order. QEMU checks members, reports the first unexpected
/// one, and writes its replies in this order.
pub fn qdict_order(object: &Map<String, Value>) -> Vec<(&str, &Value)> {
    let mut members: Vec<(usize, &str, &Value)> = object
        .iter()
        .enumerate()
        .map(|(position, (key, value))| (position, key.as_str(), value))
        .collect();
    members.sort_by_key(|&(position, key, _)| (qdict_bucket(key), std::cmp::Reverse(position)));
    members
        .into_iter()
        .map(|(_, key, value)| (key, value))
        .collect()
}

/// The `QDict` bucket of `key`: QEMU's `tdb_hash` of its bytes, modulo 512.
pub fn qdict_bucket(key: &str) -> u32 {
    let bytes = key.as_bytes();
    // The arithmetic is C's `unsigned int`: 32 bits, wrapping.
    let mut value = 0x238F_13AF_u32.wrapping_mul(bytes.len() as u32);
    for (position, &byte) in bytes.iter().enumerate() {
        let shift = (position * 5 % 24) as u32;
        value = value.wrapping_add(u32::from(byte) << shift);
    }
    1_103_515_243_u32.wrapping_mul(value).wrapping_add(12345) % 512
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const COMMANDS: &[CommandInfo] = &[
        CommandInfo::new("guest-ping"),
        CommandInfo {
            name: "guest-shutdown",
            success_response: false,
            allow_oob: false,
            deprecated: false,
        },
        CommandInfo {
            name: "x-oob",
            success_response: true,
            allow_oob: true,
            deprecated: false,
        },
        CommandInfo {
            name: "x-old",
            success_response: true,
            allow_oob: false,
            deprecated: true,
        },
    ];

    fn table() -> CommandTable {
        CommandTable::new(COMMANDS)
    }

    /// The reply to one request of text `request`, with `{}` as every command's result, as
    /// wire text (so the members' order is checked too).
    fn answer(table: &CommandTable, request: &str) -> String {
        let request: Value = serde_json::from_str(request).unwrap();
        let reply = match table.accept(request) {
            Ok(call) => call.reply(Ok(empty_return())),
            Err(reply) => Some(reply),
        };
        match reply {
            Some(reply) => serde_json::to_string(&reply).unwrap(),
            None => "(no reply)".to_owned(),
        }
    }

    fn generic(desc: &str) -> String {
        format!(r#"{{"error":{{"class":"GenericError","desc":"{desc}"}}}}"#)
    }

    fn generic_with_id(id: &str, desc: &str) -> String {
        format!(r#"{{"id":{id},"error":{{"class":"GenericError","desc":"{desc}"}}}}"#)
    }

    #[test]
    fn qdict_buckets_are_qemus() {
        // Computed with QEMU's tdb_hash; the order they imply is checked against qemu-ga 7.2
        // in the tests below.
        let buckets: Vec<u32> = ["execute", "arguments", "id", "error", "return", "c", "a"]
            .iter()
            .map(|key| qdict_bucket(key))
            .collect();
        assert_eq!(buckets, [299, 447, 486, 489, 401, 447, 233]);
        assert_eq!(qdict_bucket(""), 12345 % 512);
    }

    #[test]
    fn a_successful_command_returns_with_id_after_return() {
        let table = table();
        assert_eq!(
            answer(&table, r#"{"execute": "guest-ping"}"#),
            r#"{"return":{}}"#
        );
        assert_eq!(
            answer(&table, r#"{"id": 7, "execute": "guest-ping"}"#),
            r#"{"return":{},"id":7}"#
        );
    }

    #[test]
    fn id_of_any_type_is_echoed() {
        let table = table();
        for id in [
            "null",
            "1.5",
            "true",
            r#""a""#,
            "[1,2]",
            r#"{"a":[1,{"b":null}]}"#,
        ] {
            let request = format!(r#"{{"execute": "guest-ping", "id": {id}}}"#);
            assert_eq!(
                answer(&table, &request),
                format!(r#"{{"return":{{}},"id":{id}}}"#)
            );
        }
    }

    #[test]
    fn non_objects_are_rejected_without_id() {
        let table = table();
        for request in ["[1]", "1", r#""s""#, "null", r#"[{"id": 1}]"#] {
            assert_eq!(
                answer(&table, request),
                generic("QMP input must be a JSON object"),
                "{request}"
            );
        }
    }

    #[test]
    fn missing_execute() {
        let table = table();
        assert_eq!(
            answer(&table, "{}"),
            generic("QMP input lacks member 'execute'")
        );
        assert_eq!(
            answer(&table, r#"{"id": 4}"#),
            generic_with_id("4", "QMP input lacks member 'execute'")
        );
        assert_eq!(
            answer(&table, r#"{"arguments": {}, "id": 3}"#),
            generic_with_id("3", "QMP input lacks member 'execute'")
        );
    }

    #[test]
    fn execute_must_be_a_string() {
        let table = table();
        assert_eq!(
            answer(&table, r#"{"execute": 1, "id": 2}"#),
            generic_with_id("2", "QMP input member 'execute' must be a string")
        );
        // 'execute' comes before 'arguments' and 'foo' in QDict order, whatever the input
        // order (qemu-ga 7.2 answers these four alike).
        for request in [
            r#"{"foo": 1, "execute": 1}"#,
            r#"{"execute": 1, "foo": 1}"#,
            r#"{"execute": 1, "arguments": 1}"#,
            r#"{"arguments": 1, "execute": 1}"#,
        ] {
            assert_eq!(
                answer(&table, request),
                generic("QMP input member 'execute' must be a string"),
                "{request}"
            );
        }
    }

    #[test]
    fn arguments_must_be_an_object() {
        let table = table();
        assert_eq!(
            answer(
                &table,
                r#"{"execute": "guest-ping", "arguments": [], "id": "x"}"#
            ),
            generic_with_id(r#""x""#, "QMP input member 'arguments' must be an object")
        );
        assert_eq!(
            answer(&table, r#"{"arguments": 1, "id": 3}"#),
            generic_with_id("3", "QMP input member 'arguments' must be an object")
        );
        // Checked before the command is looked up: a disabled command gets this error.
        let mut table = table;
        table.disable("guest-shutdown").unwrap();
        assert_eq!(
            answer(&table, r#"{"execute": "guest-shutdown", "arguments": 5}"#),
            generic("QMP input member 'arguments' must be an object")
        );
    }

    #[test]
    fn other_members_are_unexpected() {
        let table = table();
        assert_eq!(
            answer(&table, r#"{"execute": "guest-ping", "id": 1, "foo": 2}"#),
            generic_with_id("1", "QMP input member 'foo' is unexpected")
        );
        // 'a' has the lowest bucket of the three, in either input order.
        for request in [
            r#"{"execute": "guest-ping", "a": 1, "b": 2, "c": 3}"#,
            r#"{"execute": "guest-ping", "c": 1, "b": 2, "a": 3}"#,
            r#"{"a": 1, "execute": 1}"#,
        ] {
            assert_eq!(
                answer(&table, request),
                generic("QMP input member 'a' is unexpected"),
                "{request}"
            );
        }
        // A guest agent knows neither OOB nor capabilities.
        assert_eq!(
            answer(
                &table,
                r#"{"execute": "guest-ping", "exec-oob": "guest-ping", "id": 1}"#
            ),
            generic_with_id("1", "QMP input member 'exec-oob' is unexpected")
        );
        assert_eq!(
            answer(&table, r#"{"execute": 1, "exec-oob": 1}"#),
            generic("QMP input member 'exec-oob' is unexpected")
        );
        assert_eq!(
            answer(
                &table,
                r#"{"execute": "guest-ping", "control": {}, "id": 1}"#
            ),
            generic_with_id("1", "QMP input member 'control' is unexpected")
        );
    }

    #[test]
    fn members_of_one_bucket_are_checked_newest_first() {
        // 'arguments' and 'c' share bucket 447: the one sent last is checked first, as in
        // qemu-ga 7.2.
        let table = table();
        assert_eq!(
            answer(
                &table,
                r#"{"execute": "guest-ping", "arguments": 1, "c": 1}"#
            ),
            generic("QMP input member 'c' is unexpected")
        );
        assert_eq!(
            answer(
                &table,
                r#"{"execute": "guest-ping", "c": 1, "arguments": 1}"#
            ),
            generic("QMP input member 'arguments' must be an object")
        );
    }

    #[test]
    fn unknown_and_disabled_commands() {
        let mut table = table();
        assert_eq!(
            answer(&table, r#"{"execute": "guest-nope", "id": "a"}"#),
            r#"{"id":"a","error":{"class":"CommandNotFound","desc":"The command guest-nope has not been found"}}"#
        );
        assert_eq!(
            answer(
                &table,
                r#"{"execute": "guest-nope", "arguments": {"x": 1}}"#
            ),
            r#"{"error":{"class":"CommandNotFound","desc":"The command guest-nope has not been found"}}"#
        );
        table.disable("guest-shutdown").unwrap();
        assert_eq!(
            answer(&table, r#"{"execute": "guest-shutdown", "id": 5}"#),
            r#"{"id":5,"error":{"class":"CommandNotFound","desc":"Command guest-shutdown has been disabled"}}"#
        );
        table
            .disable_with_reason("guest-ping", "the agent is in frozen state")
            .unwrap();
        assert_eq!(
            answer(&table, r#"{"execute": "guest-ping"}"#),
            r#"{"error":{"class":"CommandNotFound","desc":"Command guest-ping has been disabled: the agent is in frozen state"}}"#
        );
        table.enable("guest-ping").unwrap();
        assert_eq!(
            answer(&table, r#"{"execute": "guest-ping"}"#),
            r#"{"return":{}}"#
        );
        assert_eq!(
            table.disable("guest-nope"),
            Err(UnknownCommand("guest-nope".to_owned()))
        );
    }

    #[test]
    fn success_response_false_replies_only_on_error() {
        let table = table();
        assert_eq!(
            answer(&table, r#"{"execute": "guest-shutdown", "id": 1}"#),
            "(no reply)"
        );
        let call = table
            .accept(json!({"execute": "guest-shutdown", "id": 1}))
            .unwrap();
        assert_eq!(
            call.reply(Err(QapiError::generic("boom"))),
            Some(json!({"id": 1, "error": {"class": "GenericError", "desc": "boom"}}))
        );
    }

    #[test]
    fn calls_carry_arguments_and_id() {
        let table = table();
        let mut call = table
            .accept(json!({"arguments": {"b": 1, "a": 2}, "execute": "guest-ping", "id": [1]}))
            .unwrap();
        assert_eq!(call.command(), "guest-ping");
        assert_eq!(call.id(), Some(&json!([1])));
        assert!(!call.is_oob());
        // The arguments keep their input order, for the strict decoder.
        let arguments = call.take_arguments();
        assert_eq!(
            arguments.keys().collect::<Vec<_>>(),
            ["b", "a"],
            "argument order"
        );
        assert!(call.arguments().is_empty());
        let call = table.accept(json!({"execute": "guest-ping"})).unwrap();
        assert!(call.arguments().is_empty());
        assert_eq!(call.id(), None);
    }

    #[test]
    fn oob_when_allowed() {
        let mut table = table();
        table.allow_oob(true);
        let call = table.accept(json!({"exec-oob": "x-oob", "id": 1})).unwrap();
        assert!(call.is_oob());
        assert_eq!(call.command(), "x-oob");
        assert_eq!(
            answer(&table, r#"{"exec-oob": "guest-ping", "id": 1}"#),
            generic_with_id("1", "The command guest-ping does not support OOB")
        );
        assert_eq!(
            answer(&table, r#"{"exec-oob": 1}"#),
            generic("QMP input member 'exec-oob' must be a string")
        );
        // 'exec-oob' (bucket 162) is seen before 'execute' (299).
        assert_eq!(
            answer(&table, r#"{"execute": "x-oob", "exec-oob": "x-oob"}"#),
            generic("QMP input member 'execute' clashes with 'exec-oob'")
        );
        assert_eq!(
            answer(&table, r#"{"execute": "x-oob"}"#),
            r#"{"return":{}}"#
        );
    }

    #[test]
    fn deprecated_commands_by_policy() {
        let mut table = table();
        assert_eq!(
            answer(&table, r#"{"execute": "x-old"}"#),
            r#"{"return":{}}"#
        );
        table.reject_deprecated(true);
        assert_eq!(
            answer(&table, r#"{"execute": "x-old", "id": 1}"#),
            r#"{"id":1,"error":{"class":"CommandNotFound","desc":"Deprecated command x-old disabled by policy"}}"#
        );
    }

    #[test]
    fn parse_errors_have_no_id() {
        let error = JsonParseError {
            message: "JSON parse error, expecting value".to_owned(),
        };
        assert_eq!(
            serde_json::to_string(&parse_error_reply(&error)).unwrap(),
            generic("JSON parse error, expecting value")
        );
    }

    #[test]
    fn the_table_lists_commands_in_order() {
        let mut table = CommandTable::new(&[
            CommandInfo::new("b"),
            CommandInfo::new("a"),
            CommandInfo::new("b"),
        ]);
        table.disable("a").unwrap();
        let listed: Vec<(&str, bool)> = table
            .commands()
            .map(|state| (state.name(), state.enabled))
            .collect();
        assert_eq!(listed, [("b", true), ("a", false)]);
        assert_eq!(table.get("a").map(|state| state.enabled), Some(false));
        assert!(table.get("c").is_none());
    }

    #[test]
    fn return_values_are_encoded() {
        assert_eq!(encode_return(&vec![1, 2]), Ok(json!([1, 2])));
        assert_eq!(unsupported().desc, UNSUPPORTED);
        assert_eq!(unsupported().class, ErrorClass::GenericError);
    }
}
