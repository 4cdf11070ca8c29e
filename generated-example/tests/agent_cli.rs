//! The agent's command line, as a user sees it.

use std::process::Command;

fn agent(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_example-agent"))
        .args(args)
        .output()
        .expect("run example-agent");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_version_and_command_list() {
    let (ok, out, _) = agent(&["-h"]);
    assert!(ok);
    assert!(out.starts_with("Usage: example-agent [-m <method> -p <path>] [<options>]\n"));
    assert!(out.contains("  -b, --block-rpcs "));
    let (ok, out, _) = agent(&["--version"]);
    assert!(ok);
    assert_eq!(
        out,
        format!(
            "example-agent {} (QEMU Guest Agent protocol, qemu-ga 7.2 compatible)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    let (ok, out, _) = agent(&["-b", "?"]);
    assert!(ok);
    let names: Vec<&str> = out.lines().collect();
    assert_eq!(names.len(), qga_schema::COMMANDS.len());
    assert_eq!(names[0], "guest-sync-delimited");
    assert!(names.contains(&"guest-exec-status"));
}

#[test]
fn bad_command_lines_fail_with_a_message() {
    assert_eq!(
        agent(&["-m", "unix-listen"]),
        (
            false,
            String::new(),
            "example-agent: must specify a path for this channel (-p)\n\
             Try 'example-agent --help' for more information.\n"
                .to_owned()
        )
    );
    let (ok, _, err) = agent(&["--frobnicate"]);
    assert!(!ok);
    assert!(
        err.starts_with("example-agent: unrecognized option '--frobnicate'\n"),
        "{err}"
    );
    let (ok, _, err) = agent(&[
        "-m",
        "virtio-serial",
        "-p",
        "/nonexistent/port",
        "-t",
        "/tmp",
    ]);
    assert!(!ok);
    assert!(
        err.ends_with(
            "\nexample-agent: cannot open channel /nonexistent/port: No such file or directory\n"
        ),
        "{err}"
    );
}
