//! The part of a client that does no I/O: building requests, and picking the awaited reply out
//! of what the peer sent. The blocking and the async client both drive one [`Session`].

use std::collections::hash_map::RandomState;
use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::errors::{ClientError, ErrorClass, ProtocolError, QapiError};
use crate::framing::{to_wire, ReplyReader, StreamItem, SENTINEL};

/// The command whose reply qemu-ga prefixes with the sentinel.
pub(crate) const SYNC_COMMAND: &str = "guest-sync-delimited";

/// One request on its way: its bytes and how to recognise its reply.
pub(crate) struct Request {
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

/// How the reply to a request is recognised.
pub(crate) struct Expect {
    /// The `id` the request carried; `None` when request ids are off.
    id: Option<u64>,
}

/// The protocol state of one connection.
#[derive(Debug)]
pub(crate) struct Session {
    reader: ReplyReader,
    /// Values (and parse errors) received but not yet looked at.
    pending: VecDeque<StreamItem>,
    /// The `id` of the next request; ids below it have been issued on this connection.
    next_id: u64,
    /// Whether the stream is known to hold nothing but replies to requests still to be read.
    pub synchronised: bool,
    /// Whether requests carry an `id` (echoed by QEMU's dispatcher) to tell stale replies.
    pub request_ids: bool,
}

impl Session {
    pub fn new() -> Session {
        Session {
            reader: ReplyReader::new(),
            pending: VecDeque::new(),
            next_id: 1,
            synchronised: false,
            request_ids: true,
        }
    }

    /// Encodes `{"execute": COMMAND, "arguments": ..., "id": N}`.
    pub fn request(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Request, ClientError> {
        let mut message = Map::new();
        message.insert("execute".to_owned(), Value::String(command.to_owned()));
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
        let id = self.request_ids.then(|| {
            let id = self.next_id;
            self.next_id += 1;
            id
        });
        if let Some(id) = id {
            message.insert("id".to_owned(), Value::from(id));
        }
        let bytes = encode(command, &Value::Object(message))?;
        if command == SYNC_COMMAND {
            // qemu-ga writes the sentinel before this reply; whatever precedes it is stale.
            self.begin_discarding();
        }
        Ok(Request {
            bytes,
            expect: Expect { id },
        })
    }

    /// The bytes of a resynchronisation: a sentinel to flush the peer's parser, then
    /// `guest-sync-delimited` with a fresh random id, which is returned. From now on everything
    /// up to the peer's sentinel is discarded.
    pub fn sync_request(&mut self) -> Result<(Vec<u8>, i64), ClientError> {
        let id = random_id();
        let request = serde_json::json!({
            "execute": SYNC_COMMAND,
            "arguments": {"id": id},
        });
        let mut bytes = vec![SENTINEL];
        bytes.extend(encode(SYNC_COMMAND, &request)?);
        self.synchronised = false;
        self.begin_discarding();
        Ok((bytes, id))
    }

    fn begin_discarding(&mut self) {
        self.pending.clear();
        self.reader.discard_until_sentinel();
    }

    /// Takes bytes read from the peer.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.pending.extend(self.reader.feed(bytes));
    }

    /// Marks the stream as out of step (after a timeout, an I/O error or a protocol error):
    /// a reply may still be on its way, or half read.
    pub fn lose_sync(&mut self) {
        self.synchronised = false;
    }

    /// The reply to the sync with `id` if it has arrived; everything before it is dropped.
    pub fn take_sync(&mut self, id: i64) -> bool {
        while let Some(item) = self.pending.pop_front() {
            let Ok(Value::Object(message)) = item else {
                continue;
            };
            if message.get("return") == Some(&Value::from(id)) {
                self.synchronised = true;
                return true;
            }
        }
        false
    }

    /// The reply `expect` describes, if it has arrived: `Ok` with the `return` value, or the
    /// error it stands for. Events and stale replies (to earlier requests) are dropped.
    pub fn take_reply(&mut self, expect: &Expect) -> Option<Result<Value, ClientError>> {
        while let Some(item) = self.pending.pop_front() {
            let result = match item {
                Err(error) => Err(ProtocolError::Json(error.message).into()),
                Ok(value) => match self.classify(value, expect) {
                    Classified::Skip => continue,
                    Classified::Reply(result) => result,
                },
            };
            if matches!(result, Err(ClientError::Protocol(_))) {
                self.lose_sync();
            }
            return Some(result);
        }
        None
    }

    fn classify(&self, value: Value, expect: &Expect) -> Classified {
        let Value::Object(mut message) = value else {
            return Classified::Reply(Err(ProtocolError::MalformedMessage(value).into()));
        };
        let is_reply = message.contains_key("return") || message.contains_key("error");
        if !is_reply && message.contains_key("event") {
            return Classified::Skip;
        }
        if let Some(expected) = expect.id {
            match message.get("id").map(Value::as_u64) {
                Some(Some(id)) if id == expected => {}
                // An earlier request of this connection (timed out, or without reply).
                Some(Some(id)) if id < expected && is_reply => return Classified::Skip,
                _ => {
                    return Classified::Reply(Err(ProtocolError::UnexpectedReply(Value::Object(
                        message,
                    ))
                    .into()))
                }
            }
        }
        if let Some(value) = message.remove("return") {
            return Classified::Reply(Ok(value));
        }
        match message.get("error").and_then(qapi_error) {
            Some(error) => Classified::Reply(Err(ClientError::Qapi(error))),
            None => Classified::Reply(Err(
                ProtocolError::MalformedMessage(Value::Object(message)).into()
            )),
        }
    }
}

enum Classified {
    Skip,
    Reply(Result<Value, ClientError>),
}

/// `{"class": ..., "desc": ...}`; `None` if either is missing or not a string.
fn qapi_error(error: &Value) -> Option<QapiError> {
    let class = error.get("class")?.as_str()?;
    let desc = error.get("desc")?.as_str()?;
    Some(QapiError::new(ErrorClass::from_name(class), desc))
}

fn encode(command: &str, message: &Value) -> Result<Vec<u8>, ClientError> {
    to_wire(message).map_err(|error| ClientError::Arguments {
        command: command.to_owned(),
        reason: error.to_string(),
    })
}

/// The JSON type of a value, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A sync id no earlier sync is likely to have used, so a stale sync reply is never taken for
/// the current one: std's randomly keyed hasher over the time and a counter. It stays below
/// 2^53 so that peers storing numbers as doubles echo it exactly.
fn random_id() -> i64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    hasher.write_u128(nanos);
    let id = hasher.finish() & ((1 << 53) - 1);
    i64::try_from(id).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts(request: &Request) -> String {
        String::from_utf8(request.bytes.clone()).unwrap()
    }

    #[test]
    fn requests_carry_increasing_ids() {
        let mut session = Session::new();
        let first = session.request("guest-ping", None).unwrap();
        assert_eq!(texts(&first), r#"{"execute": "guest-ping", "id": 1}"#);
        let second = session
            .request("guest-file-read", Some(json!({"handle": 3, "count": 10})))
            .unwrap();
        assert_eq!(
            texts(&second),
            r#"{"execute": "guest-file-read", "arguments": {"handle": 3, "count": 10}, "id": 2}"#
        );
        session.request_ids = false;
        let third = session.request("guest-info", None).unwrap();
        assert_eq!(texts(&third), r#"{"execute": "guest-info"}"#);
    }

    #[test]
    fn arguments_must_be_an_object() {
        let mut session = Session::new();
        let error = session
            .request("guest-ping", Some(json!([1])))
            .err()
            .unwrap();
        assert_eq!(
            error.to_string(),
            "cannot encode the arguments of 'guest-ping': arguments must be a JSON object, not an array"
        );
    }

    #[test]
    fn sync_request_starts_with_the_sentinel() {
        let mut session = Session::new();
        let (bytes, id) = session.sync_request().unwrap();
        assert!((0..1 << 53).contains(&id));
        assert_eq!(bytes[0], SENTINEL);
        let text = std::str::from_utf8(&bytes[1..]).unwrap();
        assert_eq!(
            text,
            format!(r#"{{"execute": "guest-sync-delimited", "arguments": {{"id": {id}}}}}"#)
        );
        let (_, other) = session.sync_request().unwrap();
        assert_ne!(id, other);
    }

    #[test]
    fn replies_are_matched_by_id() {
        let mut session = Session::new();
        let first = session.request("guest-ping", None).unwrap();
        let second = session.request("guest-info", None).unwrap();
        session.feed(b"{\"event\": \"X\"}{\"return\": 1, \"id\": 1}{\"return\": 2, \"id\": 2}");
        // The reply to the first request is stale once the second is awaited.
        assert_eq!(session.take_reply(&second.expect).unwrap().unwrap(), 2);
        assert!(session.take_reply(&first.expect).is_none());
        let third = session.request("guest-info", None).unwrap();
        session.feed(b"{\"return\": 4, \"id\": 9}");
        let error = session.take_reply(&third.expect).unwrap().unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"protocol error: reply that matches no request: {"return":4,"id":9}"#
        );
    }

    #[test]
    fn error_replies_and_malformed_messages() {
        let mut session = Session::new();
        session.request_ids = false;
        let request = session.request("guest-nope", None).unwrap();
        session.feed(
            br#"{"error": {"class": "CommandNotFound", "desc": "The command guest-nope has not been found"}}"#,
        );
        match session.take_reply(&request.expect).unwrap() {
            Err(ClientError::Qapi(error)) => {
                assert_eq!(error.class, ErrorClass::CommandNotFound);
                assert_eq!(error.desc, "The command guest-nope has not been found");
            }
            other => panic!("unexpected {other:?}"),
        }
        session.synchronised = true;
        session.feed(br#"{"error": {"class": 1}} [] {"foo": 1} {"x"#);
        session.feed(b"\x01");
        let messages: Vec<String> = std::iter::from_fn(|| session.take_reply(&request.expect))
            .map(|result| result.unwrap_err().to_string())
            .collect();
        assert_eq!(
            messages,
            vec![
                r#"protocol error: malformed message from the peer: {"error":{"class":1}}"#,
                "protocol error: malformed message from the peer: []",
                r#"protocol error: malformed message from the peer: {"foo":1}"#,
                "protocol error: malformed JSON from the peer: JSON parse error, stray '\"x\u{1}'",
            ]
        );
        assert!(!session.synchronised);
    }

    #[test]
    fn sync_skips_everything_before_its_reply() {
        let mut session = Session::new();
        session.feed(b"{\"return\": 5}");
        let (_, id) = session.sync_request().unwrap();
        session.feed(format!("{{\"return\": {id}}}{{\"ret").as_bytes());
        assert!(!session.take_sync(id));
        let mut rest = b"urn\": 3}\xff{\"return\": 1}[]x".to_vec();
        rest.extend(format!("{{\"return\": {id}}}").as_bytes());
        session.feed(&rest);
        assert!(session.take_sync(id));
        assert!(session.synchronised);
    }
}
