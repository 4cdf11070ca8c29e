//! (c) Decode throughput of real qemu-ga 7.2 replies (`qga-schema/tests/captures/qemu-ga-7.2/`)
//! into the seed's generated types, against serde_derive equivalents ([`crate::derived`]) and
//! against `serde_json::Value`.
//!
//! Every decoder reads the same bytes, the text of the reply's `return` member, with
//! `serde_json::from_str`. A sample is a batch of decodes lasting about 5 ms; the three decoders
//! take turns, sample by sample, and the fastest sample of each is reported as MB/s of input
//! (10^6 bytes per second). The fastest rather than the median: the machine's two cores are
//! shared, and other work only ever slows a sample down.

use crate::derived;
use serde::de::DeserializeOwned;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One captured reply and what it decodes into.
pub struct Payload {
    /// The command whose reply it is.
    pub command: &'static str,
    /// The `return` member's text.
    pub text: &'static str,
    /// Decodes `text` into the generated type.
    pub generated: fn(&str) -> bool,
    /// Decodes `text` into the serde_derive type.
    pub derived: fn(&str) -> bool,
}

/// One row of the results: MB/s of each decoder.
pub struct Row {
    pub command: &'static str,
    pub bytes: usize,
    pub generated: f64,
    pub derived: f64,
    pub value: f64,
}

macro_rules! capture {
    ($name:literal) => {
        include_str!(concat!(
            "../../../qga-schema/tests/captures/qemu-ga-7.2/",
            $name,
            ".json"
        ))
    };
}

/// The captures the benchmark reads.
pub fn payloads() -> Vec<Payload> {
    vec![
        Payload {
            command: "guest-network-get-interfaces",
            text: return_text(capture!("guest-network-get-interfaces")),
            generated: decodes::<Vec<qga_schema::GuestNetworkInterface>>,
            derived: decodes::<Vec<derived::GuestNetworkInterface>>,
        },
        Payload {
            command: "guest-get-fsinfo",
            text: return_text(capture!("guest-get-fsinfo")),
            generated: decodes::<Vec<qga_schema::GuestFilesystemInfo>>,
            derived: decodes::<Vec<derived::GuestFilesystemInfo>>,
        },
        Payload {
            command: "guest-info",
            text: return_text(capture!("guest-info")),
            generated: decodes::<qga_schema::GuestAgentInfo>,
            derived: decodes::<derived::GuestAgentInfo>,
        },
        Payload {
            command: "guest-get-memory-blocks",
            text: return_text(capture!("guest-get-memory-blocks")),
            generated: decodes::<Vec<qga_schema::GuestMemoryBlock>>,
            derived: decodes::<Vec<derived::GuestMemoryBlock>>,
        },
    ]
}

/// Measures every payload with the three decoders, interleaved so that a change of machine
/// load during the run affects them alike.
pub fn run(samples: usize) -> Vec<Row> {
    payloads()
        .into_iter()
        .map(|payload| {
            let Payload {
                command,
                text,
                generated,
                derived,
            } = payload;
            let mut times = [Vec::new(), Vec::new(), Vec::new()];
            let decoders: [fn(&str) -> bool; 3] =
                [generated, derived, decodes::<serde_json::Value>];
            let batch = batch_size(text, generated);
            for _ in 0..samples {
                for (decoder, times) in decoders.iter().zip(&mut times) {
                    times.push(time_batch(text, *decoder, batch));
                }
            }
            let rate = |times: &mut Vec<Duration>| {
                let fastest = times.iter().min().copied().unwrap_or_default();
                let per_decode = fastest.as_secs_f64() / batch as f64;
                text.len() as f64 / per_decode / 1e6
            };
            let [generated, derived, value] = &mut times;
            Row {
                command,
                bytes: text.len(),
                generated: rate(generated),
                derived: rate(derived),
                value: rate(value),
            }
        })
        .collect()
}

/// The text of a qemu-ga success reply's `return` member (`{"return": VALUE}` and a newline).
fn return_text(line: &'static str) -> &'static str {
    line.strip_prefix(r#"{"return": "#)
        .and_then(|rest| rest.strip_suffix("}\n"))
        .unwrap_or_else(|| panic!("not a qemu-ga success reply line: {line:?}"))
}

/// Decodes `text` as a `T`; whether it succeeded is returned so that the work is not optimised
/// away and a failure shows.
fn decodes<T: DeserializeOwned>(text: &str) -> bool {
    black_box(serde_json::from_str::<T>(black_box(text))).is_ok()
}

/// How many decodes make a sample of about 5 ms.
fn batch_size(text: &str, decoder: fn(&str) -> bool) -> usize {
    let mut batch = 1;
    loop {
        if time_batch(text, decoder, batch) >= Duration::from_millis(5) || batch >= 1 << 30 {
            return batch;
        }
        batch *= 2;
    }
}

fn time_batch(text: &str, decoder: fn(&str) -> bool, batch: usize) -> Duration {
    let start = Instant::now();
    for _ in 0..batch {
        assert!(decoder(text), "a capture failed to decode");
    }
    start.elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    /// Serialises both decodings of a capture to JSON: equal values mean the two decoders did
    /// the same work (same members kept, same members ignored). `drops` says whether the input
    /// has members both must have dropped.
    fn same_decoding<G, D>(text: &str, drops: bool)
    where
        G: DeserializeOwned + Serialize,
        D: DeserializeOwned + Serialize,
    {
        let generated: G = serde_json::from_str(text).expect("the generated type decodes");
        let derived: D = serde_json::from_str(text).expect("the derived type decodes");
        let generated = serde_json::to_value(generated).expect("serialises");
        let derived = serde_json::to_value(derived).expect("serialises");
        assert_eq!(generated, derived);
        let input: serde_json::Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(generated != input, drops);
    }

    #[test]
    fn every_payload_decodes_with_every_decoder() {
        let payloads = payloads();
        let commands: Vec<&str> = payloads.iter().map(|payload| payload.command).collect();
        assert_eq!(
            commands,
            [
                "guest-network-get-interfaces",
                "guest-get-fsinfo",
                "guest-info",
                "guest-get-memory-blocks"
            ]
        );
        for payload in payloads {
            assert!((payload.generated)(payload.text), "{}", payload.command);
            assert!((payload.derived)(payload.text), "{}", payload.command);
            assert!(decodes::<serde_json::Value>(payload.text));
        }
    }

    #[test]
    fn derived_types_decode_what_the_generated_ones_do() {
        let text = |name: &str| {
            payloads()
                .into_iter()
                .find(|payload| payload.command == name)
                .expect("a payload")
                .text
        };
        same_decoding::<Vec<qga_schema::GuestNetworkInterface>, Vec<derived::GuestNetworkInterface>>(
            text("guest-network-get-interfaces"),
            true,
        );
        same_decoding::<Vec<qga_schema::GuestFilesystemInfo>, Vec<derived::GuestFilesystemInfo>>(
            text("guest-get-fsinfo"),
            true,
        );
        same_decoding::<Vec<qga_schema::GuestMemoryBlock>, Vec<derived::GuestMemoryBlock>>(
            text("guest-get-memory-blocks"),
            false,
        );
        same_decoding::<qga_schema::GuestAgentInfo, derived::GuestAgentInfo>(
            text("guest-info"),
            false,
        );
    }
}
