//! Every snapshot of `tests/snapshots/` compiled under `deny(warnings)`, and its types
//! round-tripped through serde_json: what is generated is not only the expected text but code
//! that builds cleanly and speaks QEMU's wire format.
//!
//! Decoding here is the lenient, client-side policy (plain serde_json): unknown members are
//! ignored and unknown enum values are kept in the catch-all variant.

#![deny(warnings)]

macro_rules! snapshot_module {
    ($name:ident, $file:literal) => {
        #[allow(dead_code)]
        mod $name {
            include!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/snapshots/",
                $file
            ));
        }
    };
}

snapshot_module!(structs, "struct.rs");
snapshot_module!(enums, "enum.rs");
snapshot_module!(unions, "union.rs");
snapshot_module!(alternates, "alternate.rs");
snapshot_module!(commands, "command.rs");
snapshot_module!(events, "event.rs");
snapshot_module!(conds, "cond.rs");

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;

/// Decodes `wire`, checks the value, and encodes it back to exactly `wire`.
fn round_trip<T>(wire: Value, expected: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let decoded: T = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(&decoded, expected);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), wire);
}

#[test]
fn structs_round_trip_with_base_members_first_and_absent_optionals_omitted() {
    use structs::{Base, Everything};
    let value = Everything {
        id: 7,
        name: "n".to_owned(),
        flag: true,
        small: -8,
        unsigned: 65535,
        size: u64::MAX,
        ratio: 0.5,
        any: json!({"free": ["form"]}),
        nothing: (),
        tags: vec!["a".to_owned(), "b".to_owned()],
        child: Base { id: 1 },
        maybe: None,
        #[allow(deprecated)]
        old: Some(3),
    };
    let wire = json!({
        "id": 7, "name": "n", "flag": true, "small": -8, "unsigned": 65535,
        "size": u64::MAX, "ratio": 0.5, "any": {"free": ["form"]}, "nothing": null,
        "tags": ["a", "b"], "child": {"id": 1}, "old": 3
    });
    round_trip(wire, &value);
    // Members in schema order, the base's first; `maybe` is absent, not null.
    assert_eq!(
        serde_json::to_string(&value).unwrap(),
        concat!(
            r#"{"id":7,"name":"n","flag":true,"small":-8,"unsigned":65535,"#,
            r#""size":18446744073709551615,"ratio":0.5,"any":{"free":["form"]},"nothing":null,"#,
            r#""tags":["a","b"],"child":{"id":1},"old":3}"#
        )
    );
}

#[test]
fn recursive_structs_round_trip() {
    use structs::Tree;
    let leaf = Tree {
        value: 2,
        left: None,
        children: vec![],
    };
    let tree = Tree {
        value: 1,
        left: Some(Box::new(leaf.clone())),
        children: vec![leaf],
    };
    let wire = json!({
        "value": 1,
        "left": {"value": 2, "children": []},
        "children": [{"value": 2, "children": []}]
    });
    round_trip(wire, &tree);
}

#[test]
fn clients_ignore_unknown_members_but_not_missing_ones() {
    use structs::Base;
    let base: Base = serde_json::from_value(json!({"id": 3, "added-later": [1]})).unwrap();
    assert_eq!(base, Base { id: 3 });
    let error = serde_json::from_value::<Base>(json!({})).unwrap_err();
    assert_eq!(error.to_string(), "missing field `id`");
    let error = serde_json::from_value::<Base>(json!({"id": "x"})).unwrap_err();
    assert!(
        error.to_string().starts_with("invalid type: string \"x\""),
        "{error}"
    );
}

#[test]
fn enums_use_wire_names_and_keep_unknown_values() {
    use enums::Colour;
    for (wire, value) in [
        ("red", Colour::Red),
        ("light-blue", Colour::LightBlue),
        ("type", Colour::Type),
        ("self", Colour::Self_),
        ("1st", Colour::_1st),
        ("other", Colour::Other),
        ("purple", Colour::Other_("purple".to_owned())),
    ] {
        round_trip(json!(wire), &value);
        assert_eq!(value.as_str(), wire);
        assert_eq!(value.to_string(), wire);
        assert_eq!(wire.parse::<Colour>().unwrap(), value);
    }
    assert!(!Colour::Other_("purple".to_owned()).is_known());
    assert!(Colour::Other.is_known());
    #[allow(deprecated)]
    let grey = Colour::Grey;
    round_trip(json!("grey"), &grey);
}

#[test]
fn flat_unions_round_trip_with_branch_members_inline() {
    use unions::{Backend, BackendBranch, FileOptions, Kind, SocketOptions};
    let file = Backend {
        kind: BackendBranch::File(FileOptions {
            path: "/tmp/x".to_owned(),
        }),
        id: "f".to_owned(),
    };
    round_trip(json!({"kind": "file", "id": "f", "path": "/tmp/x"}), &file);
    assert_eq!(file.kind.discriminator(), Kind::File);
    let socket = Backend {
        kind: BackendBranch::Socket(SocketOptions {
            host: "h".to_owned(),
            port: Some(22),
        }),
        id: "s".to_owned(),
    };
    round_trip(
        json!({"kind": "socket", "id": "s", "host": "h", "port": 22}),
        &socket,
    );
    let none = Backend {
        kind: BackendBranch::None,
        id: "n".to_owned(),
    };
    round_trip(json!({"kind": "none", "id": "n"}), &none);
}

#[test]
fn union_members_may_come_before_the_discriminator() {
    use unions::{Backend, BackendBranch, SocketOptions};
    let decoded: Backend =
        serde_json::from_value(json!({"host": "h", "id": "s", "kind": "socket"})).unwrap();
    let expected = Backend {
        kind: BackendBranch::Socket(SocketOptions {
            host: "h".to_owned(),
            port: None,
        }),
        id: "s".to_owned(),
    };
    assert_eq!(decoded, expected);
}

#[test]
fn unions_with_an_unknown_discriminator_value_still_decode() {
    use unions::{Backend, BackendBranch};
    let decoded: Backend =
        serde_json::from_value(json!({"kind": "vsock", "id": "v", "cid": 3})).unwrap();
    assert_eq!(decoded.kind, BackendBranch::Other("vsock".to_owned()));
    assert_eq!(decoded.id, "v");
}

#[test]
fn alternates_are_chosen_by_json_type() {
    use alternates::{Limits, Mode, Setting, Switch};
    round_trip(json!(5), &Setting::Count(5));
    round_trip(json!("auto"), &Setting::Mode(Mode::Auto));
    round_trip(json!({"max": 9}), &Setting::Limits(Limits { max: 9 }));
    round_trip(json!(null), &Setting::Unset);
    round_trip(json!(true), &Switch::On(true));
    round_trip(json!(0.25), &Switch::Ratio(0.25));
    // An integer is a number too: QEMU's alternate of bool and number takes it as the number.
    let ratio: Switch = serde_json::from_value(json!(2)).unwrap();
    assert_eq!(ratio, Switch::Ratio(2.0));
    assert!(serde_json::from_value::<Setting>(json!([1])).is_err());
}

#[test]
fn command_arguments_round_trip() {
    use commands::{Info, ReadFileArgs, SetInfoArgs};
    round_trip(
        json!({"handle": 3}),
        &ReadFileArgs {
            handle: 3,
            count: None,
        },
    );
    round_trip(
        json!({"handle": 3, "count": 10}),
        &ReadFileArgs {
            handle: 3,
            count: Some(10),
        },
    );
    let boxed: SetInfoArgs = Info {
        version: "1".to_owned(),
    };
    round_trip(json!({"version": "1"}), &boxed);
}

#[test]
fn event_data_round_trips() {
    use events::{Reason, ResumeEvent, ShutdownEvent, StopEvent};
    round_trip(json!({"guest": true}), &ShutdownEvent { guest: true });
    round_trip(json!({}), &ResumeEvent {});
    let stop: StopEvent = Reason {
        host: "h".to_owned(),
    };
    round_trip(json!({"host": "h"}), &stop);
}

#[test]
fn events_decode_by_name_and_keep_unknown_ones() {
    use events::{Event, Reason, ResumeEvent, ShutdownEvent};
    use qapi_runtime::client::qmp::{QmpEvent, Timestamp};
    assert_eq!(
        Event::decode("SHUTDOWN", Some(json!({"guest": false, "new": 1}))).unwrap(),
        Event::Shutdown(ShutdownEvent { guest: false })
    );
    // QEMU leaves `data` out for events without data.
    assert_eq!(
        Event::decode("RESUME", None).unwrap(),
        Event::Resume(ResumeEvent {})
    );
    let stop = Event::decode("STOP", Some(json!({"host": "h"}))).unwrap();
    assert_eq!(
        stop,
        Event::Stop(Reason {
            host: "h".to_owned()
        })
    );
    assert_eq!(stop.name(), "STOP");
    let unknown = Event::decode("NEW_THING", Some(json!([1]))).unwrap();
    assert_eq!(
        unknown,
        Event::Other {
            name: "NEW_THING".to_owned(),
            data: json!([1])
        }
    );
    assert_eq!(unknown.name(), "NEW_THING");
    assert_eq!(
        Event::decode("SHUTDOWN", None).unwrap_err().to_string(),
        "missing field `guest`"
    );
    let message = QmpEvent {
        name: "SHUTDOWN".to_owned(),
        data: Some(json!({"guest": "yes"})),
        timestamp: Timestamp {
            seconds: 1,
            microseconds: 2,
        },
    };
    assert_eq!(
        Event::from_message(&message).unwrap_err().to_string(),
        "unexpected data of event 'SHUTDOWN': invalid type: string \"yes\", expected a boolean"
    );
}

#[test]
fn conditional_members_follow_their_cfg() {
    use conds::{Host, Platform};
    #[cfg(target_os = "linux")]
    {
        let host = Host {
            name: "h".to_owned(),
            kernel: Some("6.1".to_owned()),
        };
        round_trip(json!({"name": "h", "kernel": "6.1"}), &host);
        round_trip(json!("linux"), &Platform::Linux);
    }
    #[cfg(not(target_os = "linux"))]
    round_trip(
        json!({"name": "h"}),
        &Host {
            name: "h".to_owned(),
        },
    );
    assert_eq!(
        serde_json::from_value::<Platform>(json!("beos")).unwrap(),
        Platform::Other("beos".to_owned())
    );
}

/// A union whose base has a conditional member, and whose branch's members may come before
/// the discriminator.
#[test]
fn conditional_union_members_follow_their_cfg() {
    use conds::{Link, LinkBranch};
    #[cfg(target_os = "linux")]
    {
        use conds::Wire;
        let link = Link {
            platform: LinkBranch::Linux(Wire { port: 1 }),
            speed: Some(10),
        };
        round_trip(json!({"platform": "linux", "speed": 10, "port": 1}), &link);
        let early: Link =
            serde_json::from_value(json!({"port": 1, "speed": 10, "platform": "linux"})).unwrap();
        assert_eq!(early, link);
    }
    #[cfg(not(target_os = "linux"))]
    {
        let link: Link =
            serde_json::from_value(json!({"platform": "linux", "speed": 10, "port": 1})).unwrap();
        assert_eq!(link.platform, LinkBranch::Other("linux".to_owned()));
    }
    let other: Link = serde_json::from_value(json!({"platform": "beos", "port": 1})).unwrap();
    assert_eq!(other.platform, LinkBranch::Other("beos".to_owned()));
}
