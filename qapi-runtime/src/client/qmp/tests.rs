//! The QMP clients against a scripted fake QEMU: the blocking one over a socket pair, the
//! async one over `tokio::io::duplex`.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::{json, Value};

use super::*;
use crate::client::{Execute, Timeouts};
use crate::errors::{ClientError, ErrorClass};
use crate::framing::JsonStreamer;

const GREETING: &[u8] = br#"{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1"}, "capabilities": ["oob"]}}
"#;

fn event(name: &str, seconds: i64) -> Vec<u8> {
    format!(
        "{{\"timestamp\": {{\"seconds\": {seconds}, \"microseconds\": 17}}, \"event\": \"{name}\"}}\r\n"
    )
    .into_bytes()
}

/// The server's side of a socket pair.
struct Peer {
    stream: UnixStream,
    streamer: JsonStreamer,
    requests: VecDeque<Value>,
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
                self.requests.extend(item.ok());
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Answers `qmp_capabilities`, returning its request.
    fn negotiate(&mut self) -> Value {
        let request = self.request().unwrap();
        self.reply(&request, json!({}));
        request
    }

    fn reply(&mut self, request: &Value, value: Value) {
        let reply = json!({"return": value, "id": request["id"]});
        self.send(format!("{reply}\r\n").as_bytes());
    }
}

/// A client connected to a peer running `script` on its own thread, after `greeting`.
fn with_peer(
    greeting: &'static [u8],
    script: impl FnOnce(&mut Peer) + Send + 'static,
) -> (UnixStream, JoinHandle<()>) {
    let (client, server) = UnixStream::pair().unwrap();
    let handle = thread::spawn(move || {
        let mut peer = Peer {
            stream: server,
            streamer: JsonStreamer::new(),
            requests: VecDeque::new(),
        };
        peer.send(greeting);
        script(&mut peer);
    });
    (client, handle)
}

#[test]
fn greeting_and_negotiation_with_oob() {
    let (stream, peer) = with_peer(GREETING, |peer| {
        let request = peer.negotiate();
        assert_eq!(
            request,
            json!({"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}, "id": 1})
        );
    });
    let mut client = QmpClient::new(stream).unwrap();
    assert_eq!(client.greeting().version.major, 10);
    assert_eq!(client.greeting().version.micro, 2);
    assert_eq!(
        client.greeting().version.package,
        "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1"
    );
    assert_eq!(client.greeting().capabilities, vec!["oob"]);
    assert!(!client.is_negotiated());
    assert_eq!(client.negotiate(&[OOB, "x-unknown"]).unwrap(), vec!["oob"]);
    assert!(client.is_negotiated());
    assert_eq!(client.enabled_capabilities(), ["oob"]);
    peer.join().unwrap();
}

#[test]
fn capabilities_not_offered_are_left_out() {
    let greeting = br#"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}"#;
    let (stream, peer) = with_peer(greeting, |peer| {
        let request = peer.negotiate();
        assert_eq!(request, json!({"execute": "qmp_capabilities", "id": 1}));
    });
    let mut client = QmpClient::new(stream).unwrap();
    assert_eq!(client.negotiate(&[OOB]).unwrap(), Vec::<String>::new());
    assert!(client.enabled_capabilities().is_empty());
    peer.join().unwrap();
}

#[test]
fn a_bad_greeting_or_none_fails_the_connection() {
    let (stream, peer) = with_peer(b"{\"return\": {}}\n", |_| {});
    let error = QmpClient::new(stream).unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"protocol error: bad QMP greeting: {"return":{}}"#
    );
    peer.join().unwrap();

    let (stream, peer) = with_peer(b"", |_| {});
    let timeouts = Timeouts {
        read: Some(Duration::from_millis(200)),
        write: None,
    };
    peer.join().unwrap();
    let error = QmpClient::with_timeouts(stream, timeouts).unwrap_err();
    assert!(matches!(error, ClientError::Closed), "{error:?}");
}

#[test]
fn replies_are_matched_by_id_between_events() {
    let (stream, peer) = with_peer(GREETING, |peer| {
        peer.negotiate();
        let slow = peer.request().unwrap();
        let fast = peer.request().unwrap();
        assert_eq!(slow, json!({"execute": "query-status", "id": 2}));
        assert_eq!(
            fast,
            json!({"exec-oob": "migrate-pause", "arguments": {}, "id": 3})
        );
        // The out-of-band reply overtakes the other, with events around both.
        peer.send(&event("STOP", 1));
        peer.send(b"{\"id\": 3, \"error\": {\"class\": \"GenericError\", \"desc\": \"not in postcopy\"}}\n");
        peer.send(&event("RESUME", 2));
        peer.reply(&slow, json!({"status": "running", "running": true}));
        let third = peer.request().unwrap();
        peer.send(&event("SHUTDOWN", 3)[..20]);
        peer.send(&event("SHUTDOWN", 3)[20..]);
        peer.reply(&third, json!({"qemu": {"major": 10}}));
    });
    let mut client = QmpClient::new(stream).unwrap();
    client.negotiate(&[OOB]).unwrap();
    let slow = client.send("query-status", None).unwrap();
    let fast = client.send_oob("migrate-pause", Some(json!({}))).unwrap();
    assert_eq!((slow.value(), fast.value()), (2, 3));
    assert_eq!(
        client.wait(slow, None).unwrap(),
        json!({"status": "running", "running": true})
    );
    match client.wait(fast, None).unwrap_err() {
        ClientError::Qapi(error) => {
            assert_eq!(error.class, ErrorClass::GenericError);
            assert_eq!(error.desc, "not in postcopy");
        }
        other => panic!("unexpected {other:?}"),
    }
    let names: Vec<String> = client.events().map(|event| event.name).collect();
    assert_eq!(names, vec!["STOP", "RESUME"]);
    let version = client.execute("query-version", None).unwrap();
    assert_eq!(version, json!({"qemu": {"major": 10}}));
    let shutdown = client.next_event(Some(Duration::ZERO)).unwrap().unwrap();
    assert_eq!(
        shutdown,
        QmpEvent {
            name: "SHUTDOWN".to_owned(),
            data: None,
            timestamp: Timestamp {
                seconds: 3,
                microseconds: 17
            }
        }
    );
    peer.join().unwrap();
}

#[test]
fn next_event_waits_and_times_out() {
    let (stream, peer) = with_peer(GREETING, |peer| {
        peer.negotiate();
        // Wait for the client's signal that its first wait timed out.
        let ping = peer.request().unwrap();
        peer.send(b"{\"event\": \"BALLOON_CHANGE\", \"data\": {\"actual\": 1024}, \"timestamp\": {\"seconds\": 9, \"microseconds\": 0}}");
        peer.reply(&ping, json!({}));
    });
    let mut client = QmpClient::connect_with(stream);
    assert_eq!(
        client.next_event(Some(Duration::from_millis(50))).unwrap(),
        None
    );
    let ping = client.send("query-name", None).unwrap();
    let balloon = client
        .next_event(Some(Duration::from_secs(5)))
        .unwrap()
        .unwrap();
    assert_eq!(balloon.name, "BALLOON_CHANGE");
    assert_eq!(balloon.data, Some(json!({"actual": 1024})));
    // The reply that arrived while waiting for the event is kept for its request.
    assert_eq!(
        client.wait(ping, Some(Duration::from_secs(5))).unwrap(),
        json!({})
    );
    peer.join().unwrap();
    assert!(matches!(
        client.next_event(None).unwrap_err(),
        ClientError::Closed
    ));
}

#[test]
fn a_timed_out_request_loses_its_late_reply() {
    let (stream, peer) = with_peer(GREETING, |peer| {
        peer.negotiate();
        let first = peer.request().unwrap();
        let second = peer.request().unwrap();
        peer.reply(&first, json!("late"));
        peer.reply(&second, json!("second"));
    });
    let mut client = QmpClient::connect_with(stream);
    let error = client
        .execute_with_timeout("query-slow", None, Some(Duration::from_millis(50)))
        .unwrap_err();
    assert!(matches!(error, ClientError::Timeout), "{error:?}");
    assert_eq!(
        client.execute("query-other", None).unwrap(),
        json!("second")
    );
    peer.join().unwrap();
}

#[test]
fn protocol_faults_are_reported_once() {
    let (stream, peer) = with_peer(GREETING, |peer| {
        peer.negotiate();
        let request = peer.request().unwrap();
        peer.send(b"{\"return\": 1, \"id\": 99}[]");
        peer.reply(&request, json!(5));
    });
    let mut client = QmpClient::connect_with(stream);
    let id = client.send("query-x", None).unwrap();
    let first = client.wait(id, Some(Duration::from_secs(5))).unwrap_err();
    assert_eq!(
        first.to_string(),
        r#"protocol error: reply that matches no request: {"return":1,"id":99}"#
    );
    // Each fault is reported once, in order; the request is still awaited.
    let second = client.wait(id, Some(Duration::from_secs(5))).unwrap_err();
    assert_eq!(
        second.to_string(),
        "protocol error: malformed message from the peer: []"
    );
    assert_eq!(
        client.wait(id, Some(Duration::from_secs(5))).unwrap(),
        json!(5)
    );
    peer.join().unwrap();
}

#[test]
fn the_execute_trait_runs_commands() {
    fn run(client: &mut impl Execute) -> Result<Value, ClientError> {
        client.execute_no_reply("cont", None)?;
        client.execute("query-status", None)
    }
    let (stream, peer) = with_peer(GREETING, |peer| {
        peer.negotiate();
        let cont = peer.request().unwrap();
        let status = peer.request().unwrap();
        assert_eq!(cont, json!({"execute": "cont", "id": 2}));
        peer.reply(&cont, json!({}));
        peer.reply(&status, json!({"status": "running"}));
    });
    let mut client = QmpClient::connect_with(stream);
    assert_eq!(run(&mut client).unwrap(), json!({"status": "running"}));
    let typed: Result<u32, _> = client.call("query-x", &());
    assert!(matches!(typed, Err(ClientError::Closed)), "{typed:?}");
    peer.join().unwrap();
}

impl QmpClient<UnixStream> {
    /// A negotiated client over `stream`, as `connect_unix` makes one.
    fn connect_with(stream: UnixStream) -> QmpClient<UnixStream> {
        let mut client = QmpClient::new(stream).unwrap();
        client.negotiate(&[]).unwrap();
        client
    }
}

#[cfg(feature = "tokio")]
mod asynchronous {
    use super::*;
    use crate::client::AsyncExecute;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    async fn request(stream: &mut DuplexStream, streamer: &mut JsonStreamer) -> Value {
        let mut buffer = [0u8; 1024];
        loop {
            let count = stream.read(&mut buffer).await.unwrap();
            assert_ne!(count, 0);
            if let Some(Ok(value)) = streamer.feed(&buffer[..count]).pop() {
                return value;
            }
        }
    }

    #[tokio::test]
    async fn greeting_negotiation_events_and_oob() {
        let (client_end, mut server) = tokio::io::duplex(4096);
        let peer = tokio::spawn(async move {
            let mut streamer = JsonStreamer::new();
            server.write_all(GREETING).await.unwrap();
            let negotiate = request(&mut server, &mut streamer).await;
            assert_eq!(
                negotiate,
                json!({"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}, "id": 1})
            );
            server
                .write_all(b"{\"return\": {}, \"id\": 1}")
                .await
                .unwrap();
            let stop = request(&mut server, &mut streamer).await;
            assert_eq!(stop, json!({"execute": "stop", "id": 2}));
            server.write_all(&event("STOP", 4)).await.unwrap();
            server
                .write_all(b"{\"return\": {}, \"id\": 2}")
                .await
                .unwrap();
            let oob = request(&mut server, &mut streamer).await;
            assert_eq!(
                oob,
                json!({"exec-oob": "x-oob-test", "arguments": {"lock": false}, "id": 3})
            );
            server
                .write_all(b"{\"return\": {}, \"id\": 3}")
                .await
                .unwrap();
            let status = request(&mut server, &mut streamer).await;
            assert_eq!(status["id"], 4);
            server.write_all(&event("RESUME", 5)).await.unwrap();
            let quit = request(&mut server, &mut streamer).await;
            assert_eq!(quit, json!({"execute": "quit", "id": 5}));
        });
        let mut client = AsyncQmpClient::new(client_end).await.unwrap();
        assert_eq!(client.greeting().capabilities, vec!["oob"]);
        assert_eq!(client.negotiate(&[OOB]).await.unwrap(), vec!["oob"]);
        AsyncExecute::execute(&mut client, "stop", None)
            .await
            .unwrap();
        client
            .execute_oob("x-oob-test", Some(json!({"lock": false})))
            .await
            .unwrap();
        let stop = client
            .next_event(Some(Duration::ZERO))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stop.name, "STOP");
        assert_eq!(stop.timestamp.seconds, 4);
        let status = client.send("query-status", None).await.unwrap();
        let resume = client
            .next_event(Some(Duration::from_secs(5)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(resume.name, "RESUME");
        let error = client
            .wait(status, Some(Duration::from_millis(50)))
            .await
            .unwrap_err();
        assert!(matches!(error, ClientError::Timeout), "{error:?}");
        AsyncExecute::execute_no_reply(&mut client, "quit", None)
            .await
            .unwrap();
        peer.await.unwrap();
        assert!(matches!(
            client.next_event(None).await.unwrap_err(),
            ClientError::Closed
        ));
    }
}
