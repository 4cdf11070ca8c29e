//! Generated code decoded strictly: the code generated for `tests/strict/schema.json`
//! (checked in as `tests/strict/generated.rs`) run through `qapi_runtime::strict`, which must
//! answer as QEMU's QObject input visitor does.
//!
//! `EXPECTORATE=overwrite cargo test -p qapi-gen-codegen --test strict` regenerates the checked-in
//! file after a change to the emitters; review the diff.

#![deny(warnings)]

mod generated {
    // The tests use only some of what is generated (Serialize impls, accessors).
    #![allow(dead_code)]
    // The emitted field identifier of an object without members is a one-arm `match`.
    #![allow(clippy::match_single_binding)]

    // The emitted union code calls `Slots::finish` without importing the trait.
    #[allow(unused_imports)]
    use self::__private::Slots as _;

    include!("strict/generated.rs");
}

use generated::*;
use qapi_runtime::strict::{from_arguments, no_arguments};
use qapi_runtime::QapiError;
use serde_json::{json, Map, Value};

#[test]
fn generated_code_is_fresh() -> Result<(), qapi_gen_codegen::Error> {
    let text = qapi_gen_codegen::Builder::new("tests/strict/schema.json").generate_to_string()?;
    expectorate::assert_contents("tests/strict/generated.rs", &text);
    Ok(())
}

/// The arguments `arguments` (a JSON object) decoded as `T`.
fn decode<T: serde::de::DeserializeOwned>(arguments: Value) -> Result<T, QapiError> {
    let Value::Object(arguments) = arguments else {
        return Err(QapiError::generic("test arguments must be an object"));
    };
    from_arguments(arguments)
}

/// The description of the error decoding `arguments` as `T` gives.
fn error<T: serde::de::DeserializeOwned + std::fmt::Debug>(arguments: Value) -> String {
    match decode::<T>(arguments) {
        Ok(value) => format!("decoded: {value:?}"),
        Err(error) => error.desc,
    }
}

/// `arguments`, a JSON object, as a map.
fn object(arguments: Value) -> Map<String, Value> {
    match arguments {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[test]
fn decodes_valid_arguments() {
    assert_eq!(
        decode::<GuestExecArgs>(
            json!({"capture-output": true, "path": "/bin/true", "arg": ["-v"]})
        ),
        Ok(GuestExecArgs {
            path: "/bin/true".to_owned(),
            arg: Some(vec!["-v".to_owned()]),
            env: None,
            input_data: None,
            capture_output: Some(true),
        })
    );
    assert_eq!(
        decode::<GuestFileSeekArgs>(json!({"handle": 1, "offset": -2, "whence": "end"})),
        Ok(GuestFileSeekArgs {
            handle: 1,
            offset: -2,
            whence: GuestFileWhence::Name(QgaSeek::End),
        })
    );
    assert_eq!(
        decode::<AddDevicesArgs>(json!({
            "devices": [
                {"vendor": 32902, "type": "pci", "device": 4096, "id": "a"},
                {"port": 2, "id": "b", "type": "usb"},
                {"type": "virtual", "id": "c"}
            ],
            "refs": [null, "c", {"id": "d", "type": "usb", "port": 1}],
            "bytes": [0, 255],
            "size": -1,
            "ratio": 2,
            "extra": {"x": [null]},
            "nothing": null,
            "seek": "set"
        })),
        Ok(AddDevicesArgs {
            devices: vec![
                Device {
                    id: "a".to_owned(),
                    r#type: DeviceBranch::Pci(PciDevice {
                        vendor: 32902,
                        device: 4096
                    }),
                },
                Device {
                    id: "b".to_owned(),
                    r#type: DeviceBranch::Usb(UsbDevice { port: 2 }),
                },
                Device {
                    id: "c".to_owned(),
                    r#type: DeviceBranch::Virtual,
                },
            ],
            refs: Some(vec![
                DeviceRef::None,
                DeviceRef::Reference("c".to_owned()),
                DeviceRef::Definition(Device {
                    id: "d".to_owned(),
                    r#type: DeviceBranch::Usb(UsbDevice { port: 1 }),
                }),
            ]),
            bytes: Some(vec![0, 255]),
            size: Some(u64::MAX),
            ratio: Some(2.0),
            extra: Some(json!({"x": [null]})),
            nothing: Some(()),
            seek: Some(QgaSeek::Set),
        })
    );
}

#[test]
fn qemu_ga_messages() {
    // Each observed on qemu-ga 7.2 with the same arguments.
    assert_eq!(
        error::<GuestSyncArgs>(json!({})),
        "Parameter 'id' is missing"
    );
    assert_eq!(
        error::<GuestSyncArgs>(json!({"id": 1, "extra": 2})),
        "Parameter 'extra' is unexpected"
    );
    for id in [
        json!(1.5),
        json!(true),
        json!([]),
        json!({}),
        json!(null),
        json!(18446744073709551615u64),
        json!("x"),
    ] {
        assert_eq!(
            error::<GuestSyncArgs>(json!({ "id": id })),
            "Invalid parameter type for 'id', expected: integer"
        );
    }
    assert_eq!(
        error::<GuestExecArgs>(json!({"path": "/bin/true", "arg": [1]})),
        "Invalid parameter type for 'arg[0]', expected: string"
    );
    assert_eq!(
        error::<GuestExecArgs>(json!({"path": "/bin/true", "arg": null})),
        "Invalid parameter type for 'arg', expected: array"
    );
    assert_eq!(
        error::<GuestExecArgs>(json!({"path": "/bin/true", "capture-output": "yes"})),
        "Invalid parameter type for 'capture-output', expected: boolean"
    );
    assert_eq!(
        error::<GuestExecArgs>(json!({"bogus": 1, "path": 1})),
        "Invalid parameter type for 'path', expected: string"
    );
    assert_eq!(
        error::<GuestFileWriteArgs>(json!({"buf-b64": 1})),
        "Parameter 'handle' is missing"
    );
    assert_eq!(
        error::<GuestFileWriteArgs>(json!({"count": "y", "handle": "x"})),
        "Invalid parameter type for 'handle', expected: integer"
    );
    assert_eq!(
        error::<GuestFileSeekArgs>(json!({"handle": 1, "offset": 0, "whence": null})),
        "Invalid parameter type for 'whence', expected: GuestFileWhence"
    );
    assert_eq!(
        error::<GuestFileSeekArgs>(json!({"handle": 1, "offset": 0, "whence": 1.5})),
        "Invalid parameter type for 'whence', expected: integer"
    );
    assert_eq!(
        error::<GuestFileSeekArgs>(json!({"whence": "bogus"})),
        "Parameter 'handle' is missing"
    );
    // A command without arguments has no `Args` type: its arguments are checked this way.
    assert_eq!(
        no_arguments(&object(json!({"x": 1}))),
        Err(QapiError::generic("Parameter 'x' is unexpected"))
    );
}

#[test]
fn nested_members() {
    assert_eq!(
        error::<GuestSetVcpusArgs>(json!({"vcpus": [{"logical-id": "x"}]})),
        "Invalid parameter type for 'vcpus[0].logical-id', expected: integer"
    );
    assert_eq!(
        error::<GuestSetVcpusArgs>(json!({"vcpus": [{"online": "x"}]})),
        "Parameter 'vcpus[0].logical-id' is missing"
    );
    assert_eq!(
        error::<GuestSetVcpusArgs>(json!({"vcpus": [{"logical-id": 0, "online": true, "x": 1}]})),
        "Parameter 'vcpus[0].x' is unexpected"
    );
}

#[test]
fn enums() {
    assert_eq!(
        error::<AddDevicesArgs>(json!({"devices": [], "seek": "SET"})),
        "Parameter 'seek' does not accept value 'SET'"
    );
    assert_eq!(
        error::<AddDevicesArgs>(json!({"devices": [], "seek": 0})),
        "Invalid parameter type for 'seek', expected: string"
    );
}

#[test]
fn integers() {
    assert_eq!(
        error::<AddDevicesArgs>(json!({"devices": [], "bytes": [1, 256]})),
        "Parameter 'null' expects uint8_t"
    );
    assert_eq!(
        error::<AddDevicesArgs>(json!({"devices": [], "size": 1.5})),
        "Parameter 'size' expects uint64"
    );
    assert_eq!(
        error::<AddDevicesArgs>(json!({"devices": [], "ratio": "1"})),
        "Invalid parameter type for 'ratio', expected: number"
    );
}

#[test]
fn unions() {
    let cases = [
        (
            json!({"id": "a", "type": "isa"}),
            "Parameter 'type' does not accept value 'isa'",
        ),
        (json!({"id": "a"}), "Parameter 'devices[0].type' is missing"),
        (
            json!({"type": "virtual"}),
            "Parameter 'devices[0].id' is missing",
        ),
        (
            json!({"type": "pci", "id": "a", "vendor": 1}),
            "Parameter 'devices[0].device' is missing",
        ),
        (
            json!({"type": "pci", "id": "a", "vendor": 1, "device": 65536}),
            "Parameter 'device' expects uint16_t",
        ),
        (
            json!({"port": "1", "type": "usb", "id": "a"}),
            "Invalid parameter type for 'devices[0].port', expected: integer",
        ),
        (
            json!({"port": 1, "type": "virtual", "id": "a"}),
            "Parameter 'devices[0].port' is unexpected",
        ),
        (
            json!({"type": "pci", "id": "a", "vendor": 1, "device": 2, "port": 3}),
            "Parameter 'devices[0].port' is unexpected",
        ),
        (
            json!({"port": "x", "type": "usb"}),
            "Parameter 'devices[0].id' is missing",
        ),
        (
            json!([]),
            "Invalid parameter type for 'devices[0]', expected: object",
        ),
    ];
    for (device, expected) in cases {
        assert_eq!(
            error::<AddDevicesArgs>(json!({ "devices": [device] })),
            expected,
            "{device}"
        );
    }
    // A boxed command's arguments are the union itself.
    assert_eq!(
        error::<AddDeviceArgs>(json!({"type": "usb", "id": "a"})),
        "Parameter 'port' is missing"
    );
    assert_eq!(
        decode::<AddDeviceArgs>(json!({"type": "virtual", "id": "a"})),
        Ok(Device {
            id: "a".to_owned(),
            r#type: DeviceBranch::Virtual
        })
    );
}

#[test]
fn alternates() {
    let cases = [
        (
            json!(true),
            "Invalid parameter type for 'null', expected: DeviceRef",
        ),
        (
            json!({"id": "a", "type": "usb"}),
            "Parameter 'refs[0].port' is missing",
        ),
        (
            json!({"id": "a", "type": "usb", "port": 1, "vendor": 1}),
            "Parameter 'refs[0].vendor' is unexpected",
        ),
        (
            json!({"id": "a", "type": "usb", "port": "1"}),
            "Invalid parameter type for 'refs[0].port', expected: integer",
        ),
    ];
    for (reference, expected) in cases {
        assert_eq!(
            error::<AddDevicesArgs>(json!({"devices": [], "refs": [reference] })),
            expected,
            "{reference}"
        );
    }
}

/// A string given to an alternate with an enum branch: QEMU checks it against the enum's
/// values; a lenient decoder keeps an unknown one.
#[test]
fn alternate_enum_branch() {
    assert_eq!(
        error::<GuestFileSeekArgs>(json!({"handle": 1, "offset": 0, "whence": "bogus"})),
        "Parameter 'whence' does not accept value 'bogus'"
    );
    // As qemu-ga 7.2 answers: the value is checked before unknown members.
    assert_eq!(
        error::<GuestFileSeekArgs>(json!({"handle": 1, "offset": 0, "whence": "bogus", "x": 1})),
        "Parameter 'whence' does not accept value 'bogus'"
    );
    assert_eq!(
        error::<GuestFileSeekArgs>(json!({"handle": 1, "whence": "bogus"})),
        "Parameter 'offset' is missing"
    );
    assert_eq!(
        decode::<GuestFileSeekArgs>(json!({"handle": 1, "offset": 0, "whence": "cur"})),
        Ok(GuestFileSeekArgs {
            handle: 1,
            offset: 0,
            whence: GuestFileWhence::Name(QgaSeek::Cur),
        })
    );
    // A list element is named `null`, as in QEMU's other checks by plain name.
    assert_eq!(
        error::<SeekAllArgs>(json!({"whences": [1, "set", "SET"]})),
        "Parameter 'null' does not accept value 'SET'"
    );
    assert_eq!(
        decode::<SeekAllArgs>(json!({"whences": [2, "end"], "ref": "disk0", "limit": false})),
        Ok(SeekAllArgs {
            whences: vec![
                GuestFileWhence::Value(2),
                GuestFileWhence::Name(QgaSeek::End)
            ],
            r#ref: Some(DeviceRef::Reference("disk0".to_owned())),
            limit: Some(SizeOrFlag::Flag(false)),
        })
    );
    // Without a string branch, a string is no branch's JSON type.
    assert_eq!(
        error::<SeekAllArgs>(json!({"whences": [], "limit": "1"})),
        "Invalid parameter type for 'limit', expected: SizeOrFlag"
    );

    // Lenient: `serde_json` from a value, from text (borrowed strings) and inside arguments.
    assert_eq!(
        serde_json::from_value::<GuestFileWhence>(json!("bogus")).map_err(|e| e.to_string()),
        Ok(GuestFileWhence::Name(QgaSeek::Other("bogus".to_owned())))
    );
    assert_eq!(
        serde_json::from_str::<Vec<GuestFileWhence>>(r#"["bogus", "set", 3]"#)
            .map_err(|e| e.to_string()),
        Ok(vec![
            GuestFileWhence::Name(QgaSeek::Other("bogus".to_owned())),
            GuestFileWhence::Name(QgaSeek::Set),
            GuestFileWhence::Value(3),
        ])
    );
    assert_eq!(
        serde_json::from_value::<GuestFileSeekArgs>(
            json!({"handle": 1, "offset": 0, "whence": "bogus", "x": 1})
        )
        .map_err(|e| e.to_string()),
        Ok(GuestFileSeekArgs {
            handle: 1,
            offset: 0,
            whence: GuestFileWhence::Name(QgaSeek::Other("bogus".to_owned())),
        })
    );
    assert_eq!(
        serde_json::from_value::<SizeOrFlag>(json!("1")).map_err(|e| e.to_string()),
        Err("invalid type: string \"1\", expected SizeOrFlag (an integer or a boolean)".to_owned())
    );
}

/// QEMU visits a union's base members in schema order, then its branch's: a base member
/// after the discriminator is reported missing before a branch member.
#[test]
fn union_base_members_before_branch() {
    assert_eq!(
        error::<AddDiskArgs>(json!({"driver": "usb"})),
        "Parameter 'node' is missing"
    );
    assert_eq!(
        error::<AddDiskArgs>(json!({"node": "n", "driver": "usb"})),
        "Parameter 'port' is missing"
    );
    assert_eq!(
        error::<AddDiskArgs>(json!({"port": 1})),
        "Parameter 'driver' is missing"
    );
    assert_eq!(
        error::<AddDiskArgs>(json!({"driver": "usb", "port": "x"})),
        "Parameter 'node' is missing"
    );
    assert_eq!(
        serde_json::from_value::<Disk>(json!({"driver": "usb"})).map_err(|e| e.to_string()),
        Err("missing field `node`".to_owned())
    );
    assert_eq!(
        serde_json::from_value::<Disk>(json!({"driver": "usb", "node": "n", "port": 7}))
            .map_err(|e| e.to_string()),
        Ok(Disk {
            driver: DiskBranch::Usb(UsbDevice { port: 7 }),
            node: "n".to_owned(),
        })
    );
}

/// An unsigned branch of an alternate takes a negative number wrapped around, as QEMU's
/// `visit_type_uint64` does "for backward compatibility", and a narrower one range-checks it
/// afterwards; plain serde_json decoding (a client's) agrees.
#[test]
fn alternate_unsigned_branches_wrap_negative_numbers() {
    assert_eq!(
        decode::<SetLimitsArgs>(json!({"count": -1, "byte": 255})),
        Ok(SetLimitsArgs {
            count: Some(CountOrAll::Count(u64::MAX)),
            byte: Some(ByteOrName::Byte(255)),
        })
    );
    assert_eq!(
        serde_json::from_value::<CountOrAll>(json!(-2)).unwrap(),
        CountOrAll::Count(u64::MAX - 1)
    );
    assert_eq!(
        error::<SetLimitsArgs>(json!({"byte": -1})),
        "Parameter 'byte' expects uint8_t"
    );
    assert_eq!(
        error::<SetLimitsArgs>(json!({"byte": 256})),
        "Parameter 'byte' expects uint8_t"
    );
}
