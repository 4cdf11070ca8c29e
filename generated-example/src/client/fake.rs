//! A scripted agent for unit tests: a thread on one end of a Unix socket pair that answers
//! `guest-sync-delimited` as qemu-ga does and every other command with what the test says,
//! so the client can be shown replies no real agent sends.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::{json, Value};

use super::{AgentClient, Stream};

/// The agent's side: the requests it received (command and arguments), in order. Its thread
/// ends when the client closes the connection.
pub struct FakeAgent {
    requests: Arc<Mutex<Vec<(String, Value)>>>,
}

impl FakeAgent {
    /// The requests received so far, without the synchronisation.
    pub fn requests(&self) -> Vec<(String, Value)> {
        self.requests
            .lock()
            .map(|list| list.clone())
            .unwrap_or_default()
    }
}

/// Reads the client's bytes without the 0xFF it sends before synchronising, which is not JSON.
struct WithoutSentinel(UnixStream);

impl Read for WithoutSentinel {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        loop {
            let count = self.0.read(buffer)?;
            let mut kept = 0;
            for index in 0..count {
                if buffer[index] != 0xFF {
                    buffer[kept] = buffer[index];
                    kept += 1;
                }
            }
            if kept > 0 || count == 0 {
                return Ok(kept);
            }
        }
    }
}

/// A client connected to a fake agent that answers each command with
/// `answer(command, arguments)`, a whole reply such as `{"return": ...}`; the request's `id`
/// is copied into it.
pub fn connect(
    answer: impl Fn(&str, &Value) -> Value + Send + 'static,
) -> (AgentClient, FakeAgent) {
    let (client_end, agent_end) = UnixStream::pair().expect("socket pair");
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    thread::spawn(move || {
        let mut writer = agent_end.try_clone().expect("clone");
        let reader = WithoutSentinel(agent_end);
        for request in serde_json::Deserializer::from_reader(reader).into_iter::<Value>() {
            let Ok(request) = request else { return };
            let command = request["execute"].as_str().unwrap_or_default().to_owned();
            let arguments = request.get("arguments").cloned().unwrap_or(Value::Null);
            let mut bytes = Vec::new();
            let mut reply = if command == "guest-sync-delimited" {
                bytes.push(0xFF);
                json!({"return": arguments["id"]})
            } else {
                seen.lock()
                    .expect("lock")
                    .push((command.clone(), arguments.clone()));
                answer(&command, &arguments)
            };
            if let (Some(id), Some(object)) = (request.get("id"), reply.as_object_mut()) {
                object.insert("id".to_owned(), id.clone());
            }
            bytes.extend(serde_json::to_vec(&reply).expect("encode"));
            bytes.push(b'\n');
            if writer.write_all(&bytes).is_err() {
                return;
            }
        }
    });
    let mut runtime = qapi_runtime::client::Client::new(Stream::Unix(client_end));
    runtime.sync().expect("synchronise with the fake agent");
    (qga_schema::Client::new(runtime), FakeAgent { requests })
}
