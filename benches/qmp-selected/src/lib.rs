//! QEMU 10.0.2's QMP bindings for ten commands (`query-status`, `stop`, `cont`,
//! `blockdev-add`, `device_add`, `device_del`, `query-block`, `migrate`, `query-migrate`,
//! `quit`) and their events, and the types those reach: generated with
//! `Builder::commands`/`Builder::events` (see `codegen.rs`). `codegen-bench compile` compares
//! its cold compile time with the whole `qmp-schema`'s.

include!(concat!(env!("OUT_DIR"), "/qapi-schema.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    /// The client has the chosen commands' methods, and the events decode.
    #[test]
    fn the_chosen_commands_and_events_are_there() {
        fn methods<C: qapi_runtime::client::Execute>(client: &mut Client<C>) {
            let _ = client.query_status();
            let _ = client.stop();
            let _ = client.quit();
        }
        let _ = methods::<qapi_runtime::client::qmp::QmpClient<std::os::unix::net::UnixStream>>;
        let event = Event::decode("STOP", None).unwrap();
        assert_eq!(event.name(), "STOP");
        let other = Event::decode("POWERDOWN", None).unwrap();
        assert!(matches!(other, Event::Other { .. }));
        assert_eq!(
            RunState::from("running").as_str(),
            "running",
            "query-status's return type reaches RunState"
        );
    }
}
