//! The tour (`cargo run -p generated-example`) with `--agent-command`: against the real QEMU
//! guest agent, and against an agent that does not start.

use std::process::Command;

use qga_process::QEMU_GA_TEMPLATE;

fn tour(agent_command: &str) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_generated-example"))
        .args(["--agent-command", agent_command])
        .env_remove("GENERATED_EXAMPLE_AGENT_COMMAND")
        .output()
        .expect("run generated-example");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn tour_of_qemu_ga() {
    if !test_skip::require("qemu-ga", "tour_of_qemu_ga") {
        return;
    }
    let (status, text) = tour(QEMU_GA_TEMPLATE);
    assert_eq!(status, Some(0), "{text}");
    let version = qga_process::qemu_ga_version().expect("qemu-ga -V names its version");
    let first = format!("[1/5] guest-info: who is there\n    agent version {version},");
    assert!(text.contains(&first), "{first:?} not in\n{text}");
    for heading in [
        "[2/5] guest-ping\n    the agent answered\n    ok\n",
        "[3/5] a file written and read back\n    wrote 294 bytes to ",
        "    read back 294 identical bytes (guest-file-open, -read, -close)\n    ok\n",
        "[4/5] guest-exec with captured output\n",
        "    exit code 0\n    stdout: \"hello from the guest\\n\"\n    \
         stderr: \"and from its stderr\\n\"\n    ok\n",
        "[5/5] network interfaces\n    lo:\n",
        "\nStopped the agent and removed ",
    ] {
        assert!(text.contains(heading), "{heading:?} not in\n{text}");
    }
    assert!(text.ends_with("Every step worked.\n"), "{text}");
    assert!(!text.contains("FAILED"), "{text}");
    assert_eq!(text.matches("\n    ok\n").count(), 5, "{text}");
}

#[test]
fn an_agent_that_does_not_start_fails_the_tour() {
    let (status, text) = tour("/nonexistent/agent -p {sock}");
    assert_eq!(status, Some(1), "{text}");
    assert!(
        text.starts_with(
            "Starting the agent /nonexistent/agent\n\
             FAILED to start the agent: cannot run /nonexistent/agent: "
        ),
        "{text}"
    );
}
