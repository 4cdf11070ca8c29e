//! Round trips per second between a client on a unix socket and the agent, for guest-ping
//! and for a 4 KiB guest-file-read (of /dev/zero), against the real qemu-ga measured in the
//! same run when it is installed; and each agent's resident memory (VmRSS) at rest.
//!
//! Both agents are driven identically with raw socket I/O: one request line written, the
//! reply line read, repeated. `cargo bench -p generated-example --bench roundtrip`.

use qga_process::{AgentCommand, AgentProcess};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long each measurement runs.
const MEASURE: Duration = Duration::from_secs(2);

/// An agent under measurement, started by `qga-process` with the block list.
struct Agent {
    name: &'static str,
    process: AgentProcess,
}

impl Agent {
    fn start(name: &'static str, program: &str) -> Option<Agent> {
        let process = AgentProcess::start(&AgentCommand::qemu_ga_flags(program)).ok()?;
        Some(Agent { name, process })
    }

    fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.pid()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

struct Client {
    stream: UnixStream,
    buffer: Vec<u8>,
}

impl Client {
    fn connect(socket: &Path) -> Client {
        let stream = UnixStream::connect(socket).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        Client {
            stream,
            buffer: Vec::with_capacity(16 * 1024),
        }
    }

    /// One request line out, one reply line in; the reply.
    fn round_trip(&mut self, request: &[u8]) -> &[u8] {
        self.stream.write_all(request).expect("write");
        self.buffer.clear();
        let mut chunk = [0u8; 16 * 1024];
        while !self.buffer.ends_with(b"\n") {
            let read = self.stream.read(&mut chunk).expect("read");
            assert!(read > 0, "the agent hung up");
            self.buffer.extend_from_slice(&chunk[..read]);
        }
        &self.buffer
    }
}

fn rate(client: &mut Client, request: &[u8], check: &[u8]) -> f64 {
    for _ in 0..200 {
        let reply = client.round_trip(request);
        assert!(
            reply.windows(check.len()).any(|window| window == check),
            "unexpected reply {}",
            String::from_utf8_lossy(reply)
        );
    }
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < MEASURE {
        for _ in 0..100 {
            client.round_trip(request);
        }
        count += 100;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

struct Row {
    name: &'static str,
    ping: f64,
    read: f64,
    rss_idle: u64,
    rss_after: u64,
}

fn measure(agent: &Agent) -> Row {
    let mut client = Client::connect(agent.process.socket());
    client.round_trip(b"{\"execute\":\"guest-ping\"}\n");
    std::thread::sleep(Duration::from_millis(300));
    let rss_idle = agent.resident_kib();
    let ping = rate(
        &mut client,
        b"{\"execute\":\"guest-ping\"}\n",
        b"{\"return\": {}}",
    );
    let opened = client
        .round_trip(b"{\"execute\":\"guest-file-open\",\"arguments\":{\"path\":\"/dev/zero\"}}\n")
        .to_vec();
    let opened: serde_json::Value = serde_json::from_slice(&opened).expect("JSON");
    let handle = opened["return"].as_i64().expect("a handle");
    let request =
        format!("{{\"execute\":\"guest-file-read\",\"arguments\":{{\"handle\":{handle},\"count\":4096}}}}\n");
    let read = rate(&mut client, request.as_bytes(), b"\"count\": 4096");
    client.round_trip(
        format!("{{\"execute\":\"guest-file-close\",\"arguments\":{{\"handle\":{handle}}}}}\n")
            .as_bytes(),
    );
    drop(client);
    std::thread::sleep(Duration::from_millis(300));
    Row {
        name: agent.name,
        ping,
        read,
        rss_idle,
        rss_after: agent.resident_kib(),
    }
}

fn main() {
    let mut rows = Vec::new();
    let ours = Agent::start("example-agent", env!("CARGO_BIN_EXE_example-agent"))
        .expect("start example-agent");
    rows.push(measure(&ours));
    drop(ours);
    match Agent::start("qemu-ga", "qemu-ga") {
        Some(reference) => rows.push(measure(&reference)),
        None => println!("qemu-ga is not installed or did not start: its row is skipped"),
    }
    println!();
    println!(
        "| agent         | guest-ping /s | guest-file-read 4 KiB /s | VmRSS at rest | VmRSS after |"
    );
    println!(
        "|---------------|---------------|--------------------------|---------------|-------------|"
    );
    for row in &rows {
        println!(
            "| {:<13} | {:>13.0} | {:>24.0} | {:>9} KiB | {:>7} KiB |",
            row.name, row.ping, row.read, row.rss_idle, row.rss_after
        );
    }
    if let [ours, reference] = &rows[..] {
        println!(
            "\nexample-agent / qemu-ga: guest-ping x{:.2}, guest-file-read x{:.2}",
            ours.ping / reference.ping,
            ours.read / reference.read
        );
    }
}
