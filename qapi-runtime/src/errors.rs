//! The errors of the QAPI wire protocol and of the clients.
//!
//! [`QapiError`] is what a server (QEMU, qemu-ga or an agent built on generated code) puts in an
//! error reply: `{"error": {"class": "GenericError", "desc": "..."}}`. [`ClientError`] is what a
//! client call can fail with, keeping apart the transport, the protocol and the peer's own
//! [`QapiError`].

use std::fmt;
use std::io;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;

/// The class of a [`QapiError`], as QEMU's `QapiErrorClass` enumeration names it.
///
/// Almost every error is a [`ErrorClass::GenericError`]; QEMU keeps the others for compatibility
/// with clients that once matched on them. A class this crate does not know (a newer or
/// downstream peer) is kept as [`ErrorClass::Other`], so a client never fails on it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// Every error that needs no class of its own.
    GenericError,
    /// The command does not exist, is disabled, or may not run yet.
    CommandNotFound,
    /// A device failed to become active.
    DeviceNotActive,
    /// The device named in the arguments does not exist.
    DeviceNotFound,
    /// KVM lacks a capability the command needs.
    KVMMissingCap,
    /// A class QEMU 10 does not define, kept as received.
    Other(String),
}

impl ErrorClass {
    /// The wire name, e.g. `"GenericError"`.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorClass::GenericError => "GenericError",
            ErrorClass::CommandNotFound => "CommandNotFound",
            ErrorClass::DeviceNotActive => "DeviceNotActive",
            ErrorClass::DeviceNotFound => "DeviceNotFound",
            ErrorClass::KVMMissingCap => "KVMMissingCap",
            ErrorClass::Other(name) => name,
        }
    }

    /// The class with wire name `name`; unknown names become [`ErrorClass::Other`].
    pub fn from_name(name: &str) -> ErrorClass {
        match name {
            "GenericError" => ErrorClass::GenericError,
            "CommandNotFound" => ErrorClass::CommandNotFound,
            "DeviceNotActive" => ErrorClass::DeviceNotActive,
            "DeviceNotFound" => ErrorClass::DeviceNotFound,
            "KVMMissingCap" => ErrorClass::KVMMissingCap,
            other => ErrorClass::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorClass {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorClass {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(ErrorClass::from_name(&name))
    }
}

/// An error as QAPI puts it on the wire: `{"class": "GenericError", "desc": "..."}`.
///
/// Servers return it from command handlers (the dispatcher turns it into an error reply);
/// clients receive it inside [`ClientError::Qapi`]. `Display` shows the description alone, as
/// QEMU's `error_get_pretty` does.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, thiserror::Error,
)]
#[error("{desc}")]
pub struct QapiError {
    /// The error class; [`ErrorClass::GenericError`] unless a client must tell it apart.
    pub class: ErrorClass,
    /// The human-readable message. Clients should not parse it.
    pub desc: String,
}

impl QapiError {
    /// An error of class `class` with description `desc`.
    pub fn new(class: ErrorClass, desc: impl Into<String>) -> QapiError {
        QapiError {
            class,
            desc: desc.into(),
        }
    }

    /// A [`ErrorClass::GenericError`], the class of nearly every QEMU error.
    pub fn generic(desc: impl Into<String>) -> QapiError {
        QapiError::new(ErrorClass::GenericError, desc)
    }

    /// QEMU's answer to an unknown command: `The command NAME has not been found`.
    pub fn command_not_found(name: &str) -> QapiError {
        QapiError::new(
            ErrorClass::CommandNotFound,
            format!("The command {name} has not been found"),
        )
    }

    /// QEMU's answer to a disabled command: `Command NAME has been disabled`, followed by
    /// `: REASON` when a reason is given. qemu-ga 7.2 gives none for commands blocked with
    /// `--block-rpcs`.
    pub fn command_disabled(name: &str, reason: Option<&str>) -> QapiError {
        let desc = match reason {
            Some(reason) => format!("Command {name} has been disabled: {reason}"),
            None => format!("Command {name} has been disabled"),
        };
        QapiError::new(ErrorClass::CommandNotFound, desc)
    }

    /// The wire form, `{"class": ..., "desc": ...}`.
    pub fn to_value(&self) -> Value {
        let mut object = serde_json::Map::new();
        object.insert(
            "class".to_owned(),
            Value::String(self.class.as_str().to_owned()),
        );
        object.insert("desc".to_owned(), Value::String(self.desc.clone()));
        Value::Object(object)
    }
}

/// Why a client call failed: the transport, the protocol, or the peer's own error.
///
/// Match on the variant to decide what to do: transport errors usually mean reconnecting (and,
/// for a guest agent, synchronising again), protocol errors mean the peer is not speaking QMP as
/// expected, and [`ClientError::Qapi`] is an ordinary command failure reported by the peer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Reading from or writing to the transport failed.
    #[error("I/O error: {0}")]
    Io(#[source] io::Error),
    /// No complete answer arrived within the configured timeout.
    #[error("timed out waiting for the peer")]
    Timeout,
    /// The peer closed the connection.
    #[error("the peer closed the connection")]
    Closed,
    /// The peer sent something that is not a valid message of the protocol.
    #[error("protocol error: {0}")]
    Protocol(#[from] ProtocolError),
    /// The peer answered with an error reply; its class and description are kept as sent.
    #[error("{0}")]
    Qapi(#[from] QapiError),
    /// The arguments could not be serialized into a JSON object (a bug in the caller).
    #[error("cannot encode the arguments of '{command}': {reason}")]
    Arguments {
        /// The command whose arguments were being encoded.
        command: String,
        /// What went wrong.
        reason: String,
    },
}

impl From<io::Error> for ClientError {
    fn from(error: io::Error) -> ClientError {
        match error.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ClientError::Timeout,
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted => ClientError::Closed,
            _ => ClientError::Io(error),
        }
    }
}

/// A peer that does not follow the protocol.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    /// The bytes received are not JSON (the message is the parser's).
    #[error("malformed JSON from the peer: {0}")]
    Json(String),
    /// A message that is neither a reply (`return`/`error`) nor an event.
    #[error("malformed message from the peer: {0}")]
    MalformedMessage(Value),
    /// A reply this client cannot match with a request it sent: its `id` was never issued,
    /// or it has none while the request had one.
    #[error("reply that matches no request: {0}")]
    UnexpectedReply(Value),
    /// The first message of a QMP server is not `{"QMP": {"version": ..., "capabilities": [...]}}`.
    #[error("bad QMP greeting: {0}")]
    BadGreeting(Value),
    /// The `data` of an event does not have the type the schema gives it.
    #[error("unexpected data of event '{event}': {reason}")]
    UnexpectedEventData {
        /// The event's name.
        event: String,
        /// What did not match.
        reason: String,
    },
    /// The `return` value of a command does not have the type the schema gives it.
    #[error("unexpected return value of '{command}': {reason}")]
    UnexpectedReturn {
        /// The command that returned it.
        command: String,
        /// What did not match.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_form_round_trips() {
        let error = QapiError::generic("Parameter 'id' is missing");
        let wire = serde_json::to_value(&error).unwrap();
        assert_eq!(
            wire,
            json!({"class": "GenericError", "desc": "Parameter 'id' is missing"})
        );
        assert_eq!(error.to_value(), wire);
        let back: QapiError = serde_json::from_value(wire).unwrap();
        assert_eq!(back, error);
    }

    #[test]
    fn unknown_class_is_kept() {
        let error: QapiError =
            serde_json::from_value(json!({"class": "__org.example_Oops", "desc": "x"})).unwrap();
        assert_eq!(
            error.class,
            ErrorClass::Other("__org.example_Oops".to_owned())
        );
        assert_eq!(
            serde_json::to_value(&error).unwrap()["class"],
            "__org.example_Oops"
        );
    }

    #[test]
    fn known_classes_have_qemu_names() {
        for name in [
            "GenericError",
            "CommandNotFound",
            "DeviceNotActive",
            "DeviceNotFound",
            "KVMMissingCap",
        ] {
            let class = ErrorClass::from_name(name);
            assert!(!matches!(class, ErrorClass::Other(_)), "{name}");
            assert_eq!(class.as_str(), name);
        }
    }

    #[test]
    fn command_errors_use_qemu_words() {
        let missing = QapiError::command_not_found("guest-nope");
        assert_eq!(missing.class, ErrorClass::CommandNotFound);
        assert_eq!(missing.desc, "The command guest-nope has not been found");
        let disabled = QapiError::command_disabled("guest-shutdown", None);
        assert_eq!(disabled.class, ErrorClass::CommandNotFound);
        assert_eq!(disabled.desc, "Command guest-shutdown has been disabled");
        let frozen =
            QapiError::command_disabled("guest-exec", Some("the agent is in frozen state"));
        assert_eq!(
            frozen.desc,
            "Command guest-exec has been disabled: the agent is in frozen state"
        );
    }

    #[test]
    fn display_is_the_description() {
        assert_eq!(QapiError::generic("boom").to_string(), "boom");
        let client = ClientError::from(QapiError::generic("boom"));
        assert_eq!(client.to_string(), "boom");
    }

    #[test]
    fn io_errors_are_sorted() {
        let timeout = ClientError::from(io::Error::from(io::ErrorKind::WouldBlock));
        assert!(matches!(timeout, ClientError::Timeout));
        let closed = ClientError::from(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(matches!(closed, ClientError::Closed));
        let other = ClientError::from(io::Error::from(io::ErrorKind::PermissionDenied));
        assert!(matches!(other, ClientError::Io(_)));
    }
}
