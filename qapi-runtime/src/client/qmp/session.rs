//! The part of a QMP client that does no I/O: the greeting, requests with ids, and sorting
//! what the server sends into replies, events and faults. The blocking and the async client
//! both drive one [`QmpSession`].

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value};

use super::{Greeting, QemuVersion, QmpEvent, RequestId, Timestamp};
use crate::client::session::kind;
use crate::errors::{ClientError, ProtocolError, QapiError};
use crate::framing::{to_wire, JsonStreamer, Limits};

/// How many events are kept unread; older ones are dropped beyond it, so a client that never
/// looks at events does not grow without bound (QEMU can emit thousands, e.g. on a busy block
/// job).
pub(crate) const EVENT_QUEUE_LIMIT: usize = 10_000;

/// The protocol state of one QMP connection.
#[derive(Debug)]
pub(crate) struct QmpSession {
    streamer: JsonStreamer,
    greeting: Option<Greeting>,
    /// The `id` of the next request; ids below it have been issued.
    next_id: u64,
    /// Requests whose reply is still wanted.
    outstanding: BTreeSet<u64>,
    /// Replies received for outstanding requests, not yet taken.
    replies: BTreeMap<u64, Result<Value, ClientError>>,
    events: VecDeque<QmpEvent>,
    /// Events dropped because the queue was full.
    pub dropped_events: u64,
    /// What the server sent that breaks the protocol, to be reported to the next caller.
    faults: VecDeque<ClientError>,
}

impl QmpSession {
    pub fn new() -> QmpSession {
        QmpSession {
            streamer: JsonStreamer::with_limits(Limits::CLIENT),
            greeting: None,
            next_id: 1,
            outstanding: BTreeSet::new(),
            replies: BTreeMap::new(),
            events: VecDeque::new(),
            dropped_events: 0,
            faults: VecDeque::new(),
        }
    }

    /// Encodes `{"execute": COMMAND, "arguments": ..., "id": N}` (`exec-oob` for an
    /// out-of-band request) and marks `N` as awaited.
    pub fn request(
        &mut self,
        command: &str,
        arguments: Option<Value>,
        oob: bool,
    ) -> Result<(Vec<u8>, RequestId), ClientError> {
        let mut message = Map::new();
        let key = if oob { "exec-oob" } else { "execute" };
        message.insert(key.to_owned(), Value::String(command.to_owned()));
        match arguments {
            None => {}
            Some(Value::Object(arguments)) => {
                message.insert("arguments".to_owned(), Value::Object(arguments));
            }
            Some(other) => {
                return Err(ClientError::Arguments {
                    command: command.to_owned(),
                    reason: format!("arguments must be a JSON object, not {}", kind(&other)),
                })
            }
        }
        let id = self.next_id;
        message.insert("id".to_owned(), Value::from(id));
        let bytes = to_wire(&Value::Object(message)).map_err(|error| ClientError::Arguments {
            command: command.to_owned(),
            reason: error.to_string(),
        })?;
        self.next_id += 1;
        self.outstanding.insert(id);
        Ok((bytes, RequestId(id)))
    }

    /// Stops waiting for the reply to `id` (after a timeout, or for a request sent without
    /// waiting); the reply is dropped when it comes.
    pub fn abandon(&mut self, id: RequestId) {
        self.outstanding.remove(&id.0);
        self.replies.remove(&id.0);
    }

    /// Takes bytes read from the server.
    pub fn feed(&mut self, bytes: &[u8]) {
        for item in self.streamer.feed(bytes) {
            match item {
                Ok(value) => self.sort(value),
                Err(error) => self
                    .faults
                    .push_back(ProtocolError::Json(error.message).into()),
            }
        }
    }

    /// The greeting once it has arrived, or the fault that stands in its place.
    pub fn take_greeting(&mut self) -> Option<Result<Greeting, ClientError>> {
        if let Some(fault) = self.faults.pop_front() {
            return Some(Err(fault));
        }
        self.greeting.clone().map(Ok)
    }

    /// A fault received and not yet reported, else the reply to `id` if it has arrived.
    /// Faults come first, so they are reported in the order received; the request stays
    /// awaited.
    pub fn take_reply(&mut self, id: RequestId) -> Option<Result<Value, ClientError>> {
        if let Some(fault) = self.faults.pop_front() {
            return Some(Err(fault));
        }
        self.replies.remove(&id.0)
    }

    /// The oldest unread event.
    pub fn take_event(&mut self) -> Option<QmpEvent> {
        self.events.pop_front()
    }

    /// A fault received and not yet reported.
    pub fn take_fault(&mut self) -> Option<ClientError> {
        self.faults.pop_front()
    }

    /// Files one message from the server.
    fn sort(&mut self, value: Value) {
        let Value::Object(mut message) = value else {
            return self.fault(ProtocolError::MalformedMessage(value));
        };
        if self.greeting.is_none() {
            match parse_greeting(&message) {
                Some(greeting) => self.greeting = Some(greeting),
                None => self.fault(ProtocolError::BadGreeting(Value::Object(message))),
            }
            return;
        }
        let is_reply = message.contains_key("return") || message.contains_key("error");
        if !is_reply && message.contains_key("event") {
            match parse_event(&mut message) {
                Some(event) => self.push_event(event),
                None => self.fault(ProtocolError::MalformedMessage(Value::Object(message))),
            }
            return;
        }
        if !is_reply {
            return self.fault(ProtocolError::MalformedMessage(Value::Object(message)));
        }
        let id = match message.get("id").and_then(Value::as_u64) {
            Some(id) if self.outstanding.contains(&id) => id,
            // A request this client stopped waiting for.
            Some(id) if id < self.next_id => return,
            _ => return self.fault(ProtocolError::UnexpectedReply(Value::Object(message))),
        };
        self.outstanding.remove(&id);
        let reply = if let Some(value) = message.remove("return") {
            Ok(value)
        } else {
            match message.get("error").and_then(qapi_error) {
                Some(error) => Err(ClientError::Qapi(error)),
                None => Err(ProtocolError::MalformedMessage(Value::Object(message)).into()),
            }
        };
        self.replies.insert(id, reply);
    }

    fn fault(&mut self, error: ProtocolError) {
        self.faults.push_back(error.into());
    }

    fn push_event(&mut self, event: QmpEvent) {
        if self.events.len() >= EVENT_QUEUE_LIMIT {
            self.events.pop_front();
            self.dropped_events += 1;
        }
        self.events.push_back(event);
    }
}

/// `{"QMP": {"version": {"qemu": {"major": …, "minor": …, "micro": …}, "package": …},
/// "capabilities": [...]}}`; members it does not know are ignored.
fn parse_greeting(message: &Map<String, Value>) -> Option<Greeting> {
    let qmp = message.get("QMP")?;
    let version = qmp.get("version")?;
    let qemu = version.get("qemu")?;
    let number = |name: &str| qemu.get(name).and_then(Value::as_u64);
    let capabilities = qmp
        .get("capabilities")?
        .as_array()?
        .iter()
        .map(|capability| capability.as_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()?;
    Some(Greeting {
        version: QemuVersion {
            major: number("major")?,
            minor: number("minor")?,
            micro: number("micro")?,
            package: version.get("package")?.as_str()?.to_owned(),
        },
        capabilities,
    })
}

/// `{"event": NAME, "data": {...}, "timestamp": {"seconds": S, "microseconds": U}}`; `data`
/// is absent for events without data.
fn parse_event(message: &mut Map<String, Value>) -> Option<QmpEvent> {
    let name = message.get("event")?.as_str()?.to_owned();
    let timestamp = message.get("timestamp")?;
    let timestamp = Timestamp {
        seconds: timestamp.get("seconds")?.as_i64()?,
        microseconds: timestamp.get("microseconds")?.as_i64()?,
    };
    let data = message.remove("data");
    Some(QmpEvent {
        name,
        data,
        timestamp,
    })
}

/// `{"class": ..., "desc": ...}`; `None` if either is missing or not a string.
fn qapi_error(error: &Value) -> Option<QapiError> {
    let class = error.get("class")?.as_str()?;
    let desc = error.get("desc")?.as_str()?;
    Some(QapiError::new(
        crate::errors::ErrorClass::from_name(class),
        desc,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GREETING: &[u8] = br#"{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": "Debian 1:10.0.2+ds-2"}, "capabilities": ["oob"]}}"#;

    fn greeted() -> QmpSession {
        let mut session = QmpSession::new();
        session.feed(GREETING);
        session.take_greeting().unwrap().unwrap();
        session
    }

    #[test]
    fn greeting_is_parsed() {
        let mut session = QmpSession::new();
        assert!(session.take_greeting().is_none());
        session.feed(&GREETING[..40]);
        assert!(session.take_greeting().is_none());
        session.feed(&GREETING[40..]);
        let greeting = session.take_greeting().unwrap().unwrap();
        assert_eq!(
            greeting,
            Greeting {
                version: QemuVersion {
                    major: 10,
                    minor: 0,
                    micro: 2,
                    package: "Debian 1:10.0.2+ds-2".to_owned()
                },
                capabilities: vec!["oob".to_owned()],
            }
        );
    }

    #[test]
    fn a_bad_greeting_is_a_protocol_error() {
        for input in [
            &br#"{"return": {}}"#[..],
            br#"{"QMP": {"version": {"qemu": {"major": 10}}, "capabilities": []}}"#,
            br#"{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": ""}, "capabilities": [1]}}"#,
        ] {
            let mut session = QmpSession::new();
            session.feed(input);
            let error = session.take_greeting().unwrap().unwrap_err();
            let text = String::from_utf8_lossy(input).replace(' ', "");
            assert_eq!(
                error.to_string(),
                format!("protocol error: bad QMP greeting: {text}")
            );
        }
    }

    #[test]
    fn requests_carry_ids_and_oob_uses_exec_oob() {
        let mut session = greeted();
        let (bytes, id) = session.request("query-status", None, false).unwrap();
        assert_eq!(id, RequestId(1));
        assert_eq!(bytes, br#"{"execute": "query-status", "id": 1}"#);
        let (bytes, id) = session
            .request("migrate-pause", Some(json!({})), true)
            .unwrap();
        assert_eq!(id, RequestId(2));
        assert_eq!(
            bytes,
            br#"{"exec-oob": "migrate-pause", "arguments": {}, "id": 2}"#
        );
        let error = session.request("stop", Some(json!(1)), false).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot encode the arguments of 'stop': arguments must be a JSON object, not a number"
        );
    }

    #[test]
    fn replies_events_and_faults_are_sorted() {
        let mut session = greeted();
        let (_, first) = session.request("a", None, false).unwrap();
        let (_, second) = session.request("b", None, false).unwrap();
        session.feed(
            br#"{"return": 2, "id": 2}{"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 5}}
{"error": {"class": "GenericError", "desc": "no"}, "id": 1}{"return": 9, "id": 77}[1]"#,
        );
        // Faults are reported first, in the order received.
        let faults: Vec<String> = std::iter::from_fn(|| session.take_fault())
            .map(|fault| fault.to_string())
            .collect();
        assert_eq!(
            faults,
            vec![
                r#"protocol error: reply that matches no request: {"return":9,"id":77}"#,
                "protocol error: malformed message from the peer: [1]",
            ]
        );
        assert_eq!(session.take_reply(second).unwrap().unwrap(), json!(2));
        assert_eq!(
            session.take_reply(first).unwrap().unwrap_err().to_string(),
            "no"
        );
        assert!(session.take_reply(first).is_none());
        assert_eq!(
            session.take_event(),
            Some(QmpEvent {
                name: "STOP".to_owned(),
                data: None,
                timestamp: Timestamp {
                    seconds: 1,
                    microseconds: 5
                }
            })
        );
        assert!(session.take_event().is_none());
    }

    #[test]
    fn abandoned_replies_are_dropped() {
        let mut session = greeted();
        let (_, first) = session.request("a", None, false).unwrap();
        session.abandon(first);
        session.feed(br#"{"return": 1, "id": 1}"#);
        assert!(session.take_reply(first).is_none());
        assert!(session.take_fault().is_none());
    }

    #[test]
    fn malformed_events_and_json_are_faults() {
        let mut session = greeted();
        session.feed(br#"{"event": 3, "timestamp": {"seconds": 1, "microseconds": 5}}{"event": "X"}{"x": 1}}"#);
        let faults: Vec<String> = std::iter::from_fn(|| session.take_fault())
            .map(|fault| fault.to_string())
            .collect();
        assert_eq!(
            faults,
            vec![
                r#"protocol error: malformed message from the peer: {"event":3,"timestamp":{"seconds":1,"microseconds":5}}"#,
                r#"protocol error: malformed message from the peer: {"event":"X"}"#,
                r#"protocol error: malformed message from the peer: {"x":1}"#,
                "protocol error: malformed JSON from the peer: JSON parse error, expecting value",
            ]
        );
    }

    #[test]
    fn the_event_queue_is_bounded() {
        let mut session = greeted();
        let event =
            br#"{"event": "E", "data": {"n": 1}, "timestamp": {"seconds": 0, "microseconds": 0}}"#;
        for _ in 0..EVENT_QUEUE_LIMIT + 3 {
            session.feed(event);
        }
        assert_eq!(session.dropped_events, 3);
        assert_eq!(
            std::iter::from_fn(|| session.take_event()).count(),
            EVENT_QUEUE_LIMIT
        );
    }
}
