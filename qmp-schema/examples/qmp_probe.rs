//! Connects to a QEMU QMP socket, negotiates, calls every harmless command that needs no
//! arguments (see `qmp_schema::probe` for the choice) through the typed stubs, and prints one
//! line per command, then `N decoded, M failed`. A QAPI error reply counts as decoded.
//!
//! ```text
//! cargo run -p qmp-schema --example qmp_probe -- /tmp/qmp.sock
//! cargo run -p qmp-schema --example qmp_probe -- tcp:127.0.0.1:4444
//! ```
//!
//! Exit status: 0 when every reply decoded, 1 when one did not, 2 on bad usage or when the
//! connection fails.

use std::process::ExitCode;

use qapi_runtime::client::qmp::QmpClient;
use qapi_runtime::client::Execute;
use qmp_schema::probe::{probe_all, Outcome};
use qmp_schema::Client;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(address), None) = (args.next(), args.next()) else {
        eprintln!("usage: qmp_probe SOCKET | tcp:HOST:PORT");
        return ExitCode::from(2);
    };
    let result = match address.strip_prefix("tcp:") {
        Some(tcp) => QmpClient::connect_tcp(tcp).map(|client| run(Client::new(client))),
        None => QmpClient::connect_unix(&address).map(|client| run(Client::new(client))),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("qmp_probe: {address}: {error}");
            ExitCode::from(2)
        }
    }
}

fn run<C: Execute>(mut client: Client<C>) -> ExitCode {
    let probes = probe_all(&mut client);
    for probe in &probes {
        println!("{}", probe.line());
    }
    let failed = probes.iter().filter(|probe| probe.failed()).count();
    let errors = probes
        .iter()
        .filter(|probe| matches!(probe.outcome, Outcome::Qapi(_)))
        .count();
    let decoded = probes.len() - failed;
    println!("({errors} of the decoded replies are QAPI errors)");
    println!("{decoded} decoded, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
