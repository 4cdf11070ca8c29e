//! The clients against scripted fake peers: the blocking one over a socket pair, the async one
//! over `tokio::io::duplex`.

use std::collections::VecDeque;
use std::io::{Cursor, Read, Write};
use std::os::unix::net::UnixStream;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::*;
use crate::errors::{ErrorClass, QapiError};
use crate::framing::JsonStreamer;

/// What qemu-ga answers to the 0xFF a client sends before `guest-sync-delimited`.
const STRAY_SENTINEL_REPLY: &[u8] =
    b"{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\uFFFD'\"}}\n";

/// The peer's side of a socket pair: reads requests, writes whatever the test says.
struct Peer {
    stream: UnixStream,
    streamer: JsonStreamer,
    requests: VecDeque<Value>,
    /// Parse errors seen in the input (the client's 0xFF bytes).
    parse_errors: usize,
}

impl Peer {
    /// The next request; `None` once the client has gone.
    fn request(&mut self) -> Option<Value> {
        let mut buffer = [0u8; 1024];
        loop {
            if let Some(request) = self.requests.pop_front() {
                return Some(request);
            }
            let count = self.stream.read(&mut buffer).ok()?;
            if count == 0 {
                return None;
            }
            for item in self.streamer.feed(&buffer[..count]) {
                match item {
                    Ok(value) => self.requests.push_back(value),
                    Err(_) => self.parse_errors += 1,
                }
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        // The client may be gone already in tests of its errors.
        let _ = self.stream.write_all(bytes);
    }

    /// Answers a resynchronisation as qemu-ga does, with `before` ahead of the sentinel, and
    /// checks the client flushed the parser with a 0xFF first.
    fn answer_sync_after(&mut self, before: &[u8]) -> i64 {
        let errors = self.parse_errors;
        let request = self.request().expect("a sync request");
        assert_eq!(request["execute"], "guest-sync-delimited");
        assert_eq!(self.parse_errors, errors + 1, "no 0xFF before the sync");
        let id = request["arguments"]["id"].as_i64().expect("a numeric id");
        self.send(before);
        self.send(STRAY_SENTINEL_REPLY);
        self.send(&[0xFF]);
        self.send(format!("{{\"return\": {id}}}\n").as_bytes());
        id
    }

    fn answer_sync(&mut self) -> i64 {
        self.answer_sync_after(b"")
    }
}

/// A client connected to a peer running `script` on a thread.
fn with_peer(
    script: impl FnOnce(&mut Peer) + Send + 'static,
) -> (Client<UnixStream>, JoinHandle<()>) {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let handle = thread::spawn(move || {
        let mut peer = Peer {
            stream: theirs,
            streamer: JsonStreamer::new(),
            requests: VecDeque::new(),
            parse_errors: 0,
        };
        script(&mut peer);
    });
    let mut client = Client::new(ours);
    client.set_timeouts(Timeouts {
        read: Some(Duration::from_secs(5)),
        write: Some(Duration::from_secs(5)),
    });
    (client, handle)
}

#[test]
fn execute_returns_the_reply_value() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        let request = peer.request().unwrap();
        assert_eq!(request, json!({"execute": "guest-info", "id": 1}));
        peer.send(b"{\"return\": {\"version\": \"7.2.0\", \"supp");
        peer.send(b"orted_commands\": []}, \"id\": 1}\n");
        let request = peer.request().unwrap();
        assert_eq!(
            request,
            json!({"execute": "guest-file-read", "arguments": {"handle": 3}, "id": 2})
        );
        peer.send(b"{\"return\": {\"count\": 0, \"buf-b64\": \"\", \"eof\": true}, \"id\": 2}");
    });
    assert!(!client.is_synchronised());
    let info = client.execute("guest-info", None).unwrap();
    assert!(client.is_synchronised());
    assert_eq!(info, json!({"version": "7.2.0", "supported_commands": []}));
    let read = client
        .execute("guest-file-read", Some(json!({"handle": 3})))
        .unwrap();
    assert_eq!(read, json!({"count": 0, "buf-b64": "", "eof": true}));
    peer.join().unwrap();
}

#[test]
fn error_replies_keep_class_and_description() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        peer.request().unwrap();
        peer.send(b"{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command guest-nope has not been found\"}}\n");
        peer.request().unwrap();
        peer.send(b"{\"id\": 2, \"error\": {\"class\": \"NewClass\", \"desc\": \"x\"}}\n");
        peer.request().unwrap();
        peer.send(b"{\"return\": {}, \"id\": 3}\n");
    });
    match client.execute("guest-nope", None) {
        Err(ClientError::Qapi(error)) => assert_eq!(
            error,
            QapiError::new(
                ErrorClass::CommandNotFound,
                "The command guest-nope has not been found"
            )
        ),
        other => panic!("unexpected {other:?}"),
    }
    match client.execute("guest-new", None) {
        Err(ClientError::Qapi(error)) => {
            assert_eq!(error.class, ErrorClass::Other("NewClass".to_owned()))
        }
        other => panic!("unexpected {other:?}"),
    }
    // An error reply leaves the stream in step: no resynchronisation before the next call.
    assert!(client.is_synchronised());
    assert_eq!(client.execute("guest-ping", None).unwrap(), json!({}));
    peer.join().unwrap();
}

#[test]
fn sync_discards_garbage_and_stale_replies() {
    let (mut client, peer) = with_peer(|peer| {
        let mut before = b"{\"return\": 5, \"id\": 3}\n}}{\"ret\x01urn\": [".to_vec();
        before.extend_from_slice(b"\n\xfe garbage");
        peer.answer_sync_after(&before);
        // A second sync, whose reply comes after a stale sync reply behind the sentinel.
        let request = peer.request().unwrap();
        let id = request["arguments"]["id"].as_i64().unwrap();
        peer.send(b"{\"return\": 77}\xff{\"return\": 1}\n");
        peer.send(b"{\"error\": {\"class\": \"GenericError\", \"desc\": \"x\"}}{\"ret");
        peer.send(format!("urn\": {}}}\n{{\"return\": {id}}}\n", id + 1).as_bytes());
    });
    client.sync().unwrap();
    assert!(client.is_synchronised());
    client.sync().unwrap();
    assert!(client.is_synchronised());
    peer.join().unwrap();
}

#[test]
fn late_replies_to_timed_out_requests_are_dropped() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        assert_eq!(peer.request().unwrap()["id"], 1);
        assert_eq!(peer.request().unwrap()["id"], 2);
        peer.send(b"{\"return\": \"late\", \"id\": 1}\n{\"return\": \"fresh\", \"id\": 2}\n");
    });
    client.sync().unwrap();
    client.set_auto_sync(false);
    let started = Instant::now();
    let error = client
        .execute_with_timeout("guest-slow", None, Some(Duration::from_millis(100)))
        .unwrap_err();
    assert!(matches!(error, ClientError::Timeout), "{error:?}");
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert!(!client.is_synchronised());
    assert_eq!(client.execute("guest-ping", None).unwrap(), "fresh");
    peer.join().unwrap();
}

#[test]
fn a_timeout_is_followed_by_a_resynchronisation() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        peer.request().unwrap();
        // The late reply comes before the next sync's sentinel, as an agent would send it.
        peer.answer_sync_after(b"{\"return\": \"late\", \"id\": 1}\n");
        assert_eq!(peer.request().unwrap()["execute"], "guest-ping");
        peer.send(b"{\"return\": {}, \"id\": 2}\n");
    });
    let error = client
        .execute_with_timeout("guest-slow", None, Some(Duration::from_millis(50)))
        .unwrap_err();
    assert!(matches!(error, ClientError::Timeout), "{error:?}");
    assert_eq!(client.execute("guest-ping", None).unwrap(), json!({}));
    assert!(client.is_synchronised());
    peer.join().unwrap();
}

#[test]
fn the_read_timeout_bounds_the_whole_reply() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        peer.request().unwrap();
        // Stale replies keep arriving, but never the awaited one.
        for _ in 0..100 {
            if peer
                .stream
                .write_all(b"{\"return\": 0, \"id\": 0}")
                .is_err()
            {
                break;
            }
            thread::sleep(Duration::from_millis(10));
        }
    });
    client.set_timeouts(Timeouts {
        read: Some(Duration::from_millis(150)),
        write: None,
    });
    let started = Instant::now();
    let error = client.execute("guest-ping", None).unwrap_err();
    assert!(matches!(error, ClientError::Timeout), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(900));
    drop(client);
    peer.join().unwrap();
}

#[test]
fn a_closed_connection_is_reported() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        peer.request().unwrap();
        peer.send(b"{\"return\": {\"half");
    });
    let error = client.execute("guest-info", None).unwrap_err();
    assert!(matches!(error, ClientError::Closed), "{error:?}");
    assert!(!client.is_synchronised());
    peer.join().unwrap();
    let error = client.execute("guest-info", None).unwrap_err();
    assert!(
        matches!(error, ClientError::Closed | ClientError::Io(_)),
        "{error:?}"
    );
}

#[test]
fn protocol_errors_are_told_apart_and_resynchronised() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        peer.request().unwrap();
        peer.send(b"{\"return\": tru}\n");
        peer.answer_sync();
        peer.request().unwrap();
        peer.send(b"[1, 2]\n");
        peer.answer_sync();
        peer.request().unwrap();
        peer.send(b"{\"return\": {}}\n");
        peer.answer_sync();
        peer.request().unwrap();
        peer.send(b"{\"event\": \"X\", \"data\": {}}\n{\"return\": 3, \"id\": 4}\n");
    });
    let messages: Vec<String> = (0..3)
        .map(|_| client.execute("guest-ping", None).unwrap_err().to_string())
        .collect();
    assert_eq!(
        messages,
        vec![
            "protocol error: malformed JSON from the peer: JSON parse error, invalid keyword 'tru'",
            "protocol error: malformed message from the peer: [1,2]",
            r#"protocol error: reply that matches no request: {"return":{}}"#,
        ]
    );
    assert_eq!(client.execute("guest-ping", None).unwrap(), 3);
    peer.join().unwrap();
}

#[test]
fn no_reply_commands_return_once_written() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        let request = peer.request().unwrap();
        assert_eq!(
            request,
            json!({"execute": "x-no-reply", "arguments": {"mode": "halt"}, "id": 1})
        );
        // It failed after all: its error reply is stale for the next call.
        peer.send(b"{\"id\": 1, \"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}}\n");
        peer.request().unwrap();
        peer.send(b"{\"return\": {}, \"id\": 2}\n");
    });
    client
        .execute_no_reply("x-no-reply", Some(json!({"mode": "halt"})))
        .unwrap();
    assert_eq!(client.execute("guest-ping", None).unwrap(), json!({}));
    peer.join().unwrap();
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Time {
    seconds: u32,
}

#[test]
fn typed_calls_encode_and_decode() {
    let (mut client, peer) = with_peer(|peer| {
        peer.answer_sync();
        assert_eq!(
            peer.request().unwrap(),
            json!({"execute": "x-time", "arguments": {"zone": "utc"}, "id": 1})
        );
        peer.send(b"{\"return\": {\"seconds\": 12, \"extra\": 1}, \"id\": 1}");
        assert_eq!(
            peer.request().unwrap(),
            json!({"execute": "x-time", "id": 2})
        );
        peer.send(b"{\"return\": {\"seconds\": \"x\"}, \"id\": 2}");
    });
    let time: Time = client.call("x-time", &json!({"zone": "utc"})).unwrap();
    assert_eq!(time, Time { seconds: 12 });
    let error = client.call::<_, Time>("x-time", &()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "protocol error: unexpected return value of 'x-time': invalid type: string \"x\", expected u32"
    );
    let error = client.call::<_, Time>("x-time", &[1]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot encode the arguments of 'x-time': arguments must be a JSON object, not an array"
    );
    peer.join().unwrap();
}

/// A stream of fixed input that records what is written to it.
struct Scripted {
    input: Cursor<Vec<u8>>,
    output: Vec<u8>,
}

impl Read for Scripted {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        self.input.read(buffer)
    }
}

impl Write for Scripted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.output.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn any_stream_without_timeouts() {
    let stream = Scripted {
        input: Cursor::new(b"{\"return\": 7}\n".to_vec()),
        output: Vec::new(),
    };
    let mut client = Client::from_stream(stream);
    client.set_auto_sync(false).set_request_ids(false);
    assert_eq!(client.execute("guest-get-time", None).unwrap(), 7);
    let error = client.execute("guest-get-time", None).unwrap_err();
    assert!(matches!(error, ClientError::Closed), "{error:?}");
    let stream = client.into_inner().0;
    assert_eq!(
        stream.output,
        b"{\"execute\": \"guest-get-time\"}{\"execute\": \"guest-get-time\"}"
    );
}

#[test]
fn executing_guest_sync_delimited_skips_to_the_sentinel() {
    let stream = Scripted {
        input: Cursor::new(b"{\"return\": 1}\n\xff{\"return\": 99}\n".to_vec()),
        output: Vec::new(),
    };
    let mut client = Client::from_stream(stream);
    client.set_auto_sync(false).set_request_ids(false);
    let id = client
        .execute("guest-sync-delimited", Some(json!({"id": 99})))
        .unwrap();
    assert_eq!(id, 99);
}

#[test]
fn encode_arguments_accepts_objects_and_nothing() {
    assert_eq!(encode_arguments("c", &()).unwrap(), None);
    assert_eq!(
        encode_arguments("c", &json!({"a": 1})).unwrap(),
        Some(json!({"a": 1}))
    );
    let error = encode_arguments("c", &"x").unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot encode the arguments of 'c': arguments must be a JSON object, not a string"
    );
}

#[cfg(feature = "tokio")]
mod asynchronous {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    /// The async peer: the same as [`Peer`], over one end of a duplex pipe.
    struct AsyncPeer {
        stream: DuplexStream,
        streamer: JsonStreamer,
        requests: VecDeque<Value>,
        parse_errors: usize,
    }

    impl AsyncPeer {
        async fn request(&mut self) -> Option<Value> {
            let mut buffer = [0u8; 1024];
            loop {
                if let Some(request) = self.requests.pop_front() {
                    return Some(request);
                }
                let count = self.stream.read(&mut buffer).await.ok()?;
                if count == 0 {
                    return None;
                }
                for item in self.streamer.feed(&buffer[..count]) {
                    match item {
                        Ok(value) => self.requests.push_back(value),
                        Err(_) => self.parse_errors += 1,
                    }
                }
            }
        }

        async fn send(&mut self, bytes: &[u8]) {
            let _ = self.stream.write_all(bytes).await;
        }

        async fn answer_sync_after(&mut self, before: &[u8]) {
            let errors = self.parse_errors;
            let request = self.request().await.expect("a sync request");
            assert_eq!(request["execute"], "guest-sync-delimited");
            assert_eq!(self.parse_errors, errors + 1, "no 0xFF before the sync");
            let id = request["arguments"]["id"].as_i64().expect("a numeric id");
            self.send(before).await;
            self.send(STRAY_SENTINEL_REPLY).await;
            self.send(&[0xFF]).await;
            self.send(format!("{{\"return\": {id}}}\n").as_bytes())
                .await;
        }
    }

    fn async_pair() -> (AsyncClient<DuplexStream>, AsyncPeer) {
        let (ours, theirs) = tokio::io::duplex(4096);
        let peer = AsyncPeer {
            stream: theirs,
            streamer: JsonStreamer::new(),
            requests: VecDeque::new(),
            parse_errors: 0,
        };
        let mut client = AsyncClient::new(ours);
        client.set_timeouts(Timeouts {
            read: Some(Duration::from_secs(5)),
            write: Some(Duration::from_secs(5)),
        });
        (client, peer)
    }

    #[tokio::test]
    async fn execute_sync_and_errors() {
        let (mut client, mut peer) = async_pair();
        let script = tokio::spawn(async move {
            peer.answer_sync_after(b"{\"return\": 1, \"id\": 9}\ngarbage")
                .await;
            assert_eq!(
                peer.request().await.unwrap(),
                json!({"execute": "guest-info", "id": 1})
            );
            peer.send(b"{\"return\": {\"version\"").await;
            peer.send(b": \"7.2.0\"}, \"id\": 1}").await;
            peer.request().await.unwrap();
            peer.send(b"{\"id\": 2, \"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid parameter type for 'path', expected: string\"}}").await;
            peer.request().await.unwrap();
            peer.send(b"{\"return\": {\"seconds\": 3}, \"id\": 3}")
                .await;
        });
        let info = client.execute("guest-info", None).await.unwrap();
        assert_eq!(info, json!({"version": "7.2.0"}));
        match client
            .execute("guest-file-open", Some(json!({"path": 1})))
            .await
        {
            Err(ClientError::Qapi(error)) => assert_eq!(
                error,
                QapiError::generic("Invalid parameter type for 'path', expected: string")
            ),
            other => panic!("unexpected {other:?}"),
        }
        let time: Time = client.call("x-time", &()).await.unwrap();
        assert_eq!(time, Time { seconds: 3 });
        script.await.unwrap();
    }

    #[tokio::test]
    async fn timeout_then_resynchronisation_then_close() {
        let (mut client, mut peer) = async_pair();
        let script = tokio::spawn(async move {
            peer.answer_sync_after(b"").await;
            assert_eq!(peer.request().await.unwrap()["id"], 1);
            peer.answer_sync_after(b"{\"return\": \"late\", \"id\": 1}\n")
                .await;
            assert_eq!(peer.request().await.unwrap()["id"], 2);
            peer.send(b"{\"return\": \"fresh\", \"id\": 2}").await;
            assert_eq!(peer.request().await.unwrap()["id"], 3);
            peer.send(b"{\"return\": ").await;
        });
        let error = client
            .execute_with_timeout("guest-slow", None, Some(Duration::from_millis(50)))
            .await
            .unwrap_err();
        assert!(matches!(error, ClientError::Timeout), "{error:?}");
        assert!(!client.is_synchronised());
        assert_eq!(client.execute("guest-ping", None).await.unwrap(), "fresh");
        assert!(client.is_synchronised());
        let error = client.execute("guest-ping", None).await.unwrap_err();
        assert!(matches!(error, ClientError::Closed), "{error:?}");
        script.await.unwrap();
    }

    #[tokio::test]
    async fn no_reply_and_malformed_replies() {
        let (mut client, mut peer) = async_pair();
        client.set_auto_sync(false);
        let script = tokio::spawn(async move {
            assert_eq!(
                peer.request().await.unwrap(),
                json!({"execute": "x-no-reply", "id": 1})
            );
            assert_eq!(peer.request().await.unwrap()["id"], 2);
            peer.send(b"{\"id\": 1, \"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}}")
                .await;
            peer.send(b"{\"id\": 2, \"return\": 5}{\"id\": 3, \"what\": 1}")
                .await;
            peer.request().await.unwrap();
        });
        client.execute_no_reply("x-no-reply", None).await.unwrap();
        assert_eq!(client.execute("guest-ping", None).await.unwrap(), 5);
        let error = client.execute("guest-ping", None).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"protocol error: malformed message from the peer: {"id":3,"what":1}"#
        );
        script.await.unwrap();
    }
}
