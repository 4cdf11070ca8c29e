//! Property test of the agent's byte-stream handling, in process and on the fake system
//! layer: seeded random inputs (raw bytes, and fragments of requests glued at random) never
//! make it panic, every reply is one line of JSON, memory stays bounded, and after any input
//! a 0xFF flush and a guest-ping are answered.

use std::sync::{Arc, Mutex};

use generated_example::agent::system::fake::RecordingSystem;
use generated_example::agent::{Agent, AgentConfig};
use serde_json::{json, Value};

/// A small deterministic generator (xorshift64*), so a failure can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "'",
    "\\",
    "\\u00",
    "\n",
    " ",
    "\t",
    "\u{e9}",
    "%",
    "\"execute\"",
    "\"arguments\"",
    "\"id\"",
    "\"exec-oob\"",
    "\"guest-ping\"",
    "\"guest-sync\"",
    "\"guest-sync-delimited\"",
    "\"guest-info\"",
    "\"guest-file-read\"",
    "\"guest-file-seek\"",
    "\"guest-file-close\"",
    "\"guest-exec-status\"",
    "\"guest-shutdown\"",
    "\"guest-fsfreeze-freeze\"",
    "\"guest-fsfreeze-thaw\"",
    "\"guest-set-vcpus\"",
    "\"guest-get-vcpus\"",
    "\"guest-fstrim\"",
    "\"handle\"",
    "\"count\"",
    "\"pid\"",
    "\"vcpus\"",
    "\"mode\"",
    "\"reboot\"",
    "1000",
    "-1",
    "9223372036854775808",
    "1e999",
    "0.5",
    "true",
    "null",
    "{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":1}}",
    "{\"execute\":\"guest-fsfreeze-freeze\"}",
    "{\"execute\":\"guest-ping\"}",
];

fn random_input(rng: &mut Rng) -> Vec<u8> {
    let mut input = Vec::new();
    let pieces = 1 + rng.below(40);
    for _ in 0..pieces {
        match rng.below(4) {
            0 => {
                let length = rng.below(16);
                input.extend((0..length).map(|_| rng.next() as u8));
            }
            1 if rng.below(8) == 0 => input.push(0xFF),
            _ => input.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes()),
        }
    }
    input
}

/// Held by each test while it runs: the memory bound is measured on the whole process, so a
/// test that allocates tens of MiB on another thread must not run at the same time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Every reply is a JSON line, the delimited sync's with a leading 0xFF.
fn replies(output: &[u8]) -> Vec<Value> {
    assert!(
        output.is_empty() || output.ends_with(b"\n"),
        "a reply without its newline"
    );
    output
        .split(|&byte| byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let line = line.strip_prefix(&[0xFF]).unwrap_or(line);
            assert!(
                line.iter().all(|&byte| (0x20..0x7F).contains(&byte)),
                "non-ASCII reply"
            );
            serde_json::from_slice(line).unwrap_or_else(|error| {
                panic!("not JSON ({error}): {}", String::from_utf8_lossy(line))
            })
        })
        .collect()
}

fn fuzz_agent() -> (Agent, Arc<RecordingSystem>) {
    let system = Arc::new(RecordingSystem::new().with_file(
        "/proc/self/mountinfo",
        "27 1 253:1 / / rw - ext4 /dev/vda1 rw\n",
    ));
    // The commands that would touch real files or start programs are blocked; the
    // system-changing ones run against the fake.
    let config = AgentConfig {
        blocked: vec![
            "guest-file-open".to_owned(),
            "guest-file-write".to_owned(),
            "guest-exec".to_owned(),
        ],
        state_dir: None,
    };
    (Agent::new(Box::new(Arc::clone(&system)), config), system)
}

#[test]
fn arbitrary_bytes_never_break_the_agent() {
    let _alone = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (mut agent, system) = fuzz_agent();
    let before = resident_kib();
    let mut rng = Rng(0x005E_ED0F_A6E7);
    let mut output = Vec::new();
    let mut answered = 0usize;
    for round in 0..4000 {
        let input = random_input(&mut rng);
        output.clear();
        // Fed in two parts, so values also split across reads.
        let split = rng.below(input.len() + 1);
        agent.handle_input(&input[..split], &mut output);
        agent.handle_input(&input[split..], &mut output);
        answered += replies(&output).len();
        output.clear();
        agent.handle_input(
            b"\xFF\n{\"execute\":\"guest-ping\",\"id\":\"probe\"}\n",
            &mut output,
        );
        let after = replies(&output);
        assert_eq!(
            after.last(),
            Some(&json!({"return": {}, "id": "probe"})),
            "round {round}: no ping answer after {:?}",
            String::from_utf8_lossy(&input)
        );
        // A freeze that came through leaves most commands disabled; thaw for the next round.
        agent.handle_request(json!({"execute": "guest-fsfreeze-thaw"}));
    }
    assert!(answered > 4000, "too few replies: {answered}");
    // Only the fake system was changed.
    assert!(system.calls().iter().all(|call| call.starts_with("freeze ")
        || call.starts_with("thaw ")
        || call.starts_with("trim ")
        || call.starts_with("run ")
        || call.starts_with("write ")
        || call.starts_with("set-time ")));
    assert_eq!(agent.commands().open_files(), 0);
    let growth = resident_kib().saturating_sub(before);
    assert!(growth < 64 * 1024, "resident memory grew by {growth} KiB");
}

#[test]
fn huge_and_deep_inputs_are_refused_within_limits() {
    let _alone = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (mut agent, _system) = fuzz_agent();
    let mut output = Vec::new();
    // 65 MiB in one string token: past QEMU's 64 MiB limit, refused without keeping it.
    let chunk = vec![b'a'; 1 << 20];
    agent.handle_input(b"{\"execute\":\"", &mut output);
    for _ in 0..65 {
        agent.handle_input(&chunk, &mut output);
    }
    agent.handle_input(b"\"}\n", &mut output);
    let got = replies(&output);
    assert_eq!(
        got.first(),
        Some(
            &json!({"error": {"class": "GenericError", "desc": "JSON token size limit exceeded"}})
        )
    );
    output.clear();
    agent.handle_input(&[b'{'; 5000], &mut output);
    assert_eq!(
        replies(&output).first(),
        Some(
            &json!({"error": {"class": "GenericError", "desc": "JSON nesting depth limit exceeded"}})
        )
    );
    output.clear();
    agent.handle_input(b"\xFF\n{\"execute\":\"guest-ping\"}\n", &mut output);
    assert_eq!(replies(&output).last(), Some(&json!({"return": {}})));
}
