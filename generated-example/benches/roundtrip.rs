//! Round trips per second between a client on a unix socket and the agent, for guest-ping
//! and for a 4 KiB guest-file-read (of /dev/zero), against the real qemu-ga measured in the
//! same run when it is installed; and each agent's resident memory (VmRSS) at rest.
//!
//! Both agents are driven identically with raw socket I/O: one request line written, the
//! reply line read, repeated. A round trip on a quiet machine is mostly the kernel waking the
//! two processes in turn, which no agent can shorten, so the agent's own CPU time per round trip
//! (user + system, from `/proc/PID/stat`) is reported beside the rate: it is what the agent
//! spends, whatever the scheduler does. `cargo bench -p generated-example --bench roundtrip`.

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

    /// CPU time the agent has used so far (user + system), in microseconds.
    fn cpu_micros(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.process.pid()))
            .unwrap_or_default();
        // The fields after the command name (which may hold spaces) end with `)`.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        // utime and stime are the 14th and 15th fields of the whole line, 12th and 13th here.
        let ticks: u64 = fields[11..13]
            .iter()
            .map(|field| field.parse::<u64>().unwrap_or(0))
            .sum();
        // SAFETY: sysconf has no preconditions.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        ticks * 1_000_000 / per_second
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

/// Round trips per second, and the agent's CPU microseconds per round trip.
fn rate(agent: &Agent, client: &mut Client, request: &[u8], check: &[u8]) -> (f64, f64) {
    for _ in 0..200 {
        let reply = client.round_trip(request);
        assert!(
            reply.windows(check.len()).any(|window| window == check),
            "unexpected reply {}",
            String::from_utf8_lossy(reply)
        );
    }
    let cpu_before = agent.cpu_micros();
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < MEASURE {
        for _ in 0..100 {
            client.round_trip(request);
        }
        count += 100;
    }
    let elapsed = start.elapsed();
    let cpu = agent.cpu_micros().saturating_sub(cpu_before);
    (
        count as f64 / elapsed.as_secs_f64(),
        cpu as f64 / count as f64,
    )
}

struct Row {
    name: &'static str,
    ping: (f64, f64),
    read: (f64, f64),
    rss_idle: u64,
    rss_after: u64,
}

fn measure(agent: &Agent) -> Row {
    let mut client = Client::connect(agent.process.socket());
    client.round_trip(b"{\"execute\":\"guest-ping\"}\n");
    std::thread::sleep(Duration::from_millis(300));
    let rss_idle = agent.resident_kib();
    let ping = rate(
        agent,
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
    let read = rate(agent, &mut client, request.as_bytes(), b"\"count\": 4096");
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
        "| agent | guest-ping /s | CPU µs per ping | guest-file-read 4 KiB /s | CPU µs per read | VmRSS at rest | VmRSS after |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for row in &rows {
        println!(
            "| {} | {:.0} | {:.1} | {:.0} | {:.1} | {} KiB | {} KiB |",
            row.name, row.ping.0, row.ping.1, row.read.0, row.read.1, row.rss_idle, row.rss_after
        );
    }
    if let [ours, reference] = &rows[..] {
        println!(
            "\nexample-agent / qemu-ga: rate guest-ping x{:.2}, guest-file-read x{:.2}; \
             CPU per round trip guest-ping x{:.2}, guest-file-read x{:.2}",
            ours.ping.0 / reference.ping.0,
            ours.read.0 / reference.read.0,
            ours.ping.1 / reference.ping.1,
            ours.read.1 / reference.read.1
        );
    }
}
