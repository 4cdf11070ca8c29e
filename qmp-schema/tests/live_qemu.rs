//! The generated QMP bindings against a real QEMU 10.0.2: every harmless argument-less command
//! decodes, and events arrive typed. Each test starts its own
//! `qemu-system-x86_64 -M none -nodefaults -display none -S -qmp unix:SOCK,server=on,wait=off`
//! in a fresh directory; the tests skip (as `test_skip` reports skips) only when the binary is
//! absent.

mod support;

use qapi_runtime::client::qmp::{QmpClient, OOB};
use qapi_runtime::ClientError;
use qmp_schema::probe::{probe_all, Outcome, HARMLESS};
use qmp_schema::{Client, Event, RunState, ShutdownCause};
use std::time::Duration;
use support::Qemu;

#[test]
fn every_harmless_argument_less_command_decodes() {
    let Some((_qemu, socket)) = Qemu::start("probe") else {
        return;
    };
    let mut runtime = Qemu::connect(&socket);
    let version = &runtime.greeting().version;
    assert_eq!((version.major, version.minor, version.micro), (10, 0, 2));
    runtime.negotiate(&[]).unwrap();
    let mut client = Client::new(runtime);
    let probes = probe_all(&mut client);
    assert_eq!(probes.len(), HARMLESS.len());
    let failures: Vec<String> = probes
        .iter()
        .filter(|probe| probe.failed())
        .map(|probe| probe.line())
        .collect();
    let errors = probes
        .iter()
        .filter(|probe| matches!(probe.outcome, Outcome::Qapi(_)))
        .count();
    println!(
        "{} commands: {} decoded ({errors} of them QAPI errors), {} failed",
        probes.len(),
        probes.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    // Spot checks that the decoded values are QEMU's.
    let status = client.query_status().unwrap();
    assert_eq!(status.status, RunState::Prelaunch);
    assert!(!status.running);
    let version = client.query_version().unwrap();
    assert_eq!(version.qemu.major, 10);
    let schema = client.query_qmp_schema().unwrap();
    assert!(schema.len() > 1000, "{}", schema.len());
    // A command this QEMU lacks is a QAPI error, not a decoding failure.
    match client.query_gic_capabilities() {
        Err(ClientError::Qapi(error)) => assert_eq!(
            error.desc,
            "The command query-gic-capabilities has not been found"
        ),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn events_arrive_typed() {
    let Some((mut qemu, socket)) = Qemu::start("events") else {
        return;
    };
    let mut runtime = Qemu::connect(&socket);
    assert_eq!(runtime.negotiate(&[OOB]).unwrap(), vec!["oob"]);
    let mut client = Client::new(runtime);
    let next_event = |client: &mut Client<QmpClient<_>>| {
        let message = client
            .runtime_mut()
            .next_event(Some(Duration::from_secs(10)))
            .unwrap()
            .expect("an event within 10 s");
        (Event::from_message(&message).unwrap(), message.timestamp)
    };
    // -S leaves the machine in prelaunch: `cont` starts it, `stop` pauses it.
    client.cont().unwrap();
    let (resume, first) = next_event(&mut client);
    assert!(matches!(resume, Event::Resume(_)), "{resume:?}");
    client.stop().unwrap();
    let (stop, second) = next_event(&mut client);
    assert!(matches!(stop, Event::Stop(_)), "{stop:?}");
    assert!(second >= first);
    assert_eq!(client.query_status().unwrap().status, RunState::Paused);
    // Out of band: migrate-pause allows it, and answers (with an error, nothing to pause).
    match client.runtime_mut().execute_oob("migrate-pause", None) {
        Err(ClientError::Qapi(error)) => println!("migrate-pause out of band: {error}"),
        other => panic!("unexpected {other:?}"),
    }
    client.quit().unwrap();
    let (shutdown, _) = next_event(&mut client);
    match shutdown {
        Event::Shutdown(data) => {
            assert!(!data.guest);
            assert_eq!(data.reason, ShutdownCause::HostQmpQuit);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(qemu.wait_for_exit());
    println!("received RESUME, STOP and SHUTDOWN typed");
}
