//! The messages are QEMU's: those marked "qemu-ga 7.2" were observed on the real agent (with
//! the request in the comment); the others follow from QEMU's source.
//!
//! Test types use serde's derive, which, like generated code, passes every member name to
//! `deserialize_struct` and every value to `deserialize_enum`, and skips unknown members with
//! `deserialize_ignored_any`. Alternates and unions are written by hand in the shape qapi-gen
//! emits.

use super::*;
use crate::errors::ErrorClass;
use serde::de::{
    self as serde_de, Deserializer, EnumAccess, IgnoredAny, MapAccess, VariantAccess, Visitor,
};
use serde::Deserialize;
use serde_json::json;
use std::fmt;

/// Decodes `arguments` (a JSON object) as `T`.
fn decode<T: DeserializeOwned>(arguments: Value) -> Result<T, QapiError> {
    let Value::Object(arguments) = arguments else {
        panic!("test arguments must be an object");
    };
    from_arguments(arguments)
}

/// The description of the error decoding `arguments` as `T` gives, checking it is a
/// GenericError.
fn error<T: DeserializeOwned + fmt::Debug>(arguments: Value) -> String {
    match decode::<T>(arguments) {
        Ok(value) => format!("decoded: {value:?}"),
        Err(error) => {
            assert_eq!(error.class, ErrorClass::GenericError);
            error.desc
        }
    }
}

/// `guest-sync`'s arguments.
#[derive(Debug, PartialEq, Deserialize)]
struct GuestSyncArgs {
    id: i64,
}

/// `guest-exec`'s arguments.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct GuestExecArgs {
    path: String,
    arg: Option<Vec<String>>,
    env: Option<Vec<String>>,
    input_data: Option<String>,
    capture_output: Option<bool>,
}

/// `guest-file-write`'s arguments.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct GuestFileWriteArgs {
    handle: i64,
    buf_b64: String,
    count: Option<i64>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct GuestLogicalProcessor {
    logical_id: i64,
    online: bool,
    can_offline: Option<bool>,
}

/// `guest-set-vcpus`'s arguments (never sent to a real agent).
#[derive(Debug, PartialEq, Deserialize)]
struct GuestSetVcpusArgs {
    vcpus: Vec<GuestLogicalProcessor>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum QgaSeek {
    Set,
    Cur,
    End,
}

/// `guest-file-seek`'s arguments, with `whence` an enum rather than qemu-ga's alternate.
#[derive(Debug, PartialEq, Deserialize)]
struct SeekEnumArgs {
    handle: i64,
    offset: i64,
    whence: QgaSeek,
}

/// One optional member of every kind, to see each kind's "expected:".
#[derive(Debug, PartialEq, Deserialize)]
struct EveryType {
    int: Option<i64>,
    str: Option<String>,
    bool: Option<bool>,
    number: Option<f64>,
    null: Option<()>,
    list: Option<Vec<i64>>,
    object: Option<GuestSyncArgs>,
    any: Option<Value>,
    int8: Option<i8>,
    int16: Option<i16>,
    int32: Option<i32>,
    uint8: Option<u8>,
    uint16: Option<u16>,
    uint32: Option<u32>,
    uint64: Option<u64>,
    enumeration: Option<QgaSeek>,
    bytes: Option<Vec<u8>>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Inner {
    x: i64,
    y: i64,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Outer {
    a: i64,
    inner: Inner,
    z: Option<i64>,
}

#[test]
fn decodes_valid_arguments() {
    assert_eq!(
        decode::<GuestExecArgs>(
            json!({"path": "/bin/true", "arg": ["-v"], "capture-output": true})
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
        decode::<GuestSetVcpusArgs>(json!({"vcpus": [{"online": true, "logical-id": 3}]})),
        Ok(GuestSetVcpusArgs {
            vcpus: vec![GuestLogicalProcessor {
                logical_id: 3,
                online: true,
                can_offline: None,
            }],
        })
    );
}

#[test]
fn missing_member() {
    // qemu-ga 7.2: {"execute": "guest-sync", "arguments": {}}
    assert_eq!(
        error::<GuestSyncArgs>(json!({})),
        "Parameter 'id' is missing"
    );
    // qemu-ga 7.2: {"execute": "guest-set-vcpus", "arguments": {"vcpus": [{"online": true}]}}
    // was refused as disabled; the message follows from QEMU's full_name().
    assert_eq!(
        error::<GuestSetVcpusArgs>(json!({"vcpus": [{"online": true}]})),
        "Parameter 'vcpus[0].logical-id' is missing"
    );
    assert_eq!(
        error::<Outer>(json!({"a": 1, "inner": {"x": 1}})),
        "Parameter 'inner.y' is missing"
    );
}

#[test]
fn unexpected_member() {
    // qemu-ga 7.2: {"execute": "guest-sync", "arguments": {"id": 1, "extra": 2}}
    assert_eq!(
        error::<GuestSyncArgs>(json!({"id": 1, "extra": 2})),
        "Parameter 'extra' is unexpected"
    );
    assert_eq!(
        error::<Outer>(json!({"a": 1, "inner": {"x": 1, "y": 2, "w": 3}})),
        "Parameter 'inner.w' is unexpected"
    );
    assert_eq!(
        error::<GuestSetVcpusArgs>(json!({"vcpus": [
            {"logical-id": 0, "online": true},
            {"logical-id": 1, "online": true, "extra": null}
        ]})),
        "Parameter 'vcpus[1].extra' is unexpected"
    );
}

#[test]
fn wrong_json_type_for_int() {
    // qemu-ga 7.2: guest-sync with each of these as "id".
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
            "Invalid parameter type for 'id', expected: integer",
            "id: {id}"
        );
    }
    assert_eq!(
        decode::<GuestSyncArgs>(json!({"id": -9223372036854775808i64})),
        Ok(GuestSyncArgs { id: i64::MIN })
    );
}

#[test]
fn wrong_json_type_for_each_type() {
    let cases = [
        (
            json!({"str": 1}),
            "Invalid parameter type for 'str', expected: string",
        ),
        (
            json!({"bool": "yes"}),
            "Invalid parameter type for 'bool', expected: boolean",
        ),
        (
            json!({"number": "1"}),
            "Invalid parameter type for 'number', expected: number",
        ),
        (
            json!({"null": 0}),
            "Invalid parameter type for 'null', expected: null",
        ),
        (
            json!({"list": {}}),
            "Invalid parameter type for 'list', expected: array",
        ),
        (
            json!({"object": []}),
            "Invalid parameter type for 'object', expected: object",
        ),
        (
            json!({"enumeration": 1}),
            "Invalid parameter type for 'enumeration', expected: string",
        ),
        (
            json!({"bytes": 1}),
            "Invalid parameter type for 'bytes', expected: array",
        ),
        (
            json!({"list": [1, "2"]}),
            "Invalid parameter type for 'list[1]', expected: integer",
        ),
        (
            json!({"object": {"id": "1"}}),
            "Invalid parameter type for 'object.id', expected: integer",
        ),
    ];
    for (arguments, expected) in cases {
        assert_eq!(
            error::<EveryType>(arguments.clone()),
            expected,
            "{arguments}"
        );
    }
}

#[test]
fn list_element() {
    // qemu-ga 7.2: {"execute": "guest-exec", "arguments": {"path": "/bin/true", "arg": [1]}}
    assert_eq!(
        error::<GuestExecArgs>(json!({"path": "/bin/true", "arg": [1]})),
        "Invalid parameter type for 'arg[0]', expected: string"
    );
    // qemu-ga 7.2: ... "arg": [null]
    assert_eq!(
        error::<GuestExecArgs>(json!({"path": "/bin/true", "arg": ["a", null]})),
        "Invalid parameter type for 'arg[1]', expected: string"
    );
    // qemu-ga 7.2: {"execute": "guest-exec", "arguments": {"path": "/bin/true", "arg": "x"}}
    assert_eq!(
        error::<GuestExecArgs>(json!({"path": "/bin/true", "arg": "x"})),
        "Invalid parameter type for 'arg', expected: array"
    );
    assert_eq!(
        error::<GuestSetVcpusArgs>(
            json!({"vcpus": [{"logical-id": 0, "online": true}, {"logical-id": "x"}]})
        ),
        "Invalid parameter type for 'vcpus[1].logical-id', expected: integer"
    );
}

#[test]
fn nested_lists() {
    #[derive(Debug, Deserialize)]
    struct Matrix {
        #[allow(dead_code)]
        rows: Vec<Vec<u8>>,
    }
    assert_eq!(
        error::<Matrix>(json!({"rows": [[1], [2, "3"]]})),
        "Parameter 'rows[1][1]' expects uint64"
    );
    assert_eq!(
        error::<Matrix>(json!({"rows": [[1], [2, 300]]})),
        "Parameter 'null' expects uint8_t"
    );
}

#[test]
fn enum_values() {
    assert_eq!(
        decode::<SeekEnumArgs>(json!({"handle": 1, "offset": 0, "whence": "cur"})),
        Ok(SeekEnumArgs {
            handle: 1,
            offset: 0,
            whence: QgaSeek::Cur,
        })
    );
    // qemu-ga 7.2 gives this for its alternate `whence` given "bogus".
    assert_eq!(
        error::<SeekEnumArgs>(json!({"handle": 1, "offset": 0, "whence": "bogus"})),
        "Parameter 'whence' does not accept value 'bogus'"
    );
    assert_eq!(
        error::<SeekEnumArgs>(json!({"handle": 1, "offset": 0, "whence": 5})),
        "Invalid parameter type for 'whence', expected: string"
    );
    #[derive(Debug, Deserialize)]
    struct Seeks {
        #[allow(dead_code)]
        list: Vec<QgaSeek>,
    }
    // The plain name of a list element is `null`.
    assert_eq!(
        error::<Seeks>(json!({"list": ["set", "SET"]})),
        "Parameter 'null' does not accept value 'SET'"
    );
}

#[test]
fn members_in_schema_order() {
    // qemu-ga 7.2: {"execute": "guest-file-write", "arguments": {"buf-b64": 1}}
    assert_eq!(
        error::<GuestFileWriteArgs>(json!({"buf-b64": 1})),
        "Parameter 'handle' is missing"
    );
    // qemu-ga 7.2: {"execute": "guest-exec", "arguments": {"arg": [1]}}
    assert_eq!(
        error::<GuestExecArgs>(json!({"arg": [1]})),
        "Parameter 'path' is missing"
    );
    // qemu-ga 7.2: {"execute": "guest-file-read", "arguments": {"count": "y", "handle": "x"}}
    assert_eq!(
        error::<GuestFileWriteArgs>(json!({"count": "y", "handle": "x"})),
        "Invalid parameter type for 'handle', expected: integer"
    );
    // A mistyped member comes before a later absent one.
    assert_eq!(
        error::<GuestFileWriteArgs>(json!({"handle": "x"})),
        "Invalid parameter type for 'handle', expected: integer"
    );
    assert_eq!(
        error::<GuestFileWriteArgs>(json!({"count": "x", "handle": 1, "buf-b64": ""})),
        "Invalid parameter type for 'count', expected: integer"
    );
    // Outer members come first, then the inner object's in its order.
    assert_eq!(
        error::<Outer>(json!({"inner": {"y": "bad"}})),
        "Parameter 'a' is missing"
    );
    assert_eq!(
        error::<Outer>(json!({"inner": {"y": "bad"}, "a": 1})),
        "Parameter 'inner.x' is missing"
    );
    assert_eq!(
        error::<Outer>(json!({"inner": {"y": "bad", "x": 2}, "a": 1})),
        "Invalid parameter type for 'inner.y', expected: integer"
    );
    assert_eq!(
        error::<Outer>(json!({"z": "bad", "a": 1})),
        "Parameter 'inner' is missing"
    );
    assert_eq!(
        error::<GuestSetVcpusArgs>(json!({"vcpus": [{"online": "x"}]})),
        "Parameter 'vcpus[0].logical-id' is missing"
    );
    assert_eq!(
        error::<GuestSetVcpusArgs>(
            json!({"vcpus": [{"logical-id": 0, "online": true}, {"online": 1}]})
        ),
        "Parameter 'vcpus[1].logical-id' is missing"
    );
}

#[test]
fn unexpected_after_known_members() {
    // qemu-ga 7.2: {"execute": "guest-exec", "arguments": {"bogus": 1, "path": 1}}
    assert_eq!(
        error::<GuestExecArgs>(json!({"bogus": 1, "path": 1})),
        "Invalid parameter type for 'path', expected: string"
    );
    assert_eq!(
        error::<GuestExecArgs>(json!({"bogus": 1})),
        "Parameter 'path' is missing"
    );
    // The first unexpected member in input order (qemu-ga 7.2 takes a hash table's first).
    assert_eq!(
        error::<GuestExecArgs>(json!({"path": "/bin/true", "zz": 1, "aa": 2})),
        "Parameter 'zz' is unexpected"
    );
    // An inner object's unexpected member is found when that object is done, before later
    // outer members are decoded.
    assert_eq!(
        error::<Outer>(json!({"a": 1, "inner": {"x": 1, "y": 2, "w": 3}, "z": "bad"})),
        "Parameter 'inner.w' is unexpected"
    );
    assert_eq!(
        error::<Outer>(json!({"inner": {"x": 1, "y": 2, "w": 3}})),
        "Parameter 'a' is missing"
    );
}

#[test]
fn integer_widths() {
    assert_eq!(
        decode::<EveryType>(
            json!({"int8": -128, "int16": 32767, "uint8": 255, "uint32": 4294967295u32})
        )
        .map(|every| (every.int8, every.int16, every.uint8, every.uint32)),
        Ok((Some(-128), Some(32767), Some(255), Some(4294967295)))
    );
    let cases = [
        (json!({"int8": 128}), "Parameter 'int8' expects int8_t"),
        (
            json!({"int16": -32769}),
            "Parameter 'int16' expects int16_t",
        ),
        (
            json!({"int32": 2147483648u32}),
            "Parameter 'int32' expects int32_t",
        ),
        (
            json!({"int8": 1.0}),
            "Invalid parameter type for 'int8', expected: integer",
        ),
        (json!({"uint8": 256}), "Parameter 'uint8' expects uint8_t"),
        // A negative number wraps around to a huge uint64 first.
        (json!({"uint8": -1}), "Parameter 'uint8' expects uint8_t"),
        (
            json!({"uint16": 65536}),
            "Parameter 'uint16' expects uint16_t",
        ),
        (
            json!({"uint32": 4294967296u64}),
            "Parameter 'uint32' expects uint32_t",
        ),
        (json!({"uint8": "1"}), "Parameter 'uint8' expects uint64"),
        (json!({"uint64": 1.5}), "Parameter 'uint64' expects uint64"),
        (json!({"uint64": null}), "Parameter 'uint64' expects uint64"),
        (
            json!({"object": {"id": 1}, "uint64": []}),
            "Parameter 'uint64' expects uint64",
        ),
    ];
    for (arguments, expected) in cases {
        assert_eq!(
            error::<EveryType>(arguments.clone()),
            expected,
            "{arguments}"
        );
    }
}

#[test]
fn uint64_takes_negative_integers() {
    assert_eq!(
        decode::<EveryType>(json!({"uint64": -1})).map(|every| every.uint64),
        Ok(Some(u64::MAX))
    );
    assert_eq!(
        decode::<EveryType>(json!({"uint64": 18446744073709551615u64})).map(|every| every.uint64),
        Ok(Some(u64::MAX))
    );
}

#[test]
fn number_takes_any_number() {
    for (number, expected) in [(json!(1), 1.0), (json!(-2), -2.0), (json!(0.5), 0.5)] {
        assert_eq!(
            decode::<EveryType>(json!({ "number": number })).map(|every| every.number),
            Ok(Some(expected))
        );
    }
    assert_eq!(
        decode::<EveryType>(json!({"number": 18446744073709551615u64})).map(|every| every.number),
        Ok(Some(18446744073709551615.0))
    );
}

#[test]
fn optional_members() {
    // Absent: not decoded at all.
    assert_eq!(
        decode::<EveryType>(json!({})).map(|every| (every.int, every.list, every.any)),
        Ok((None, None, None))
    );
    // Present.
    assert_eq!(
        decode::<EveryType>(json!({"int": 7, "list": [1], "any": {"a": [true]}}))
            .map(|every| (every.int, every.list, every.any)),
        Ok((Some(7), Some(vec![1]), Some(json!({"a": [true]}))))
    );
    // Present with null: decoded as the type, which refuses it unless it is null or any.
    // qemu-ga 7.2: {"execute": "guest-exec", "arguments": {"path": "/bin/true", "arg": null}}
    assert_eq!(
        error::<GuestExecArgs>(json!({"path": "/bin/true", "arg": null})),
        "Invalid parameter type for 'arg', expected: array"
    );
    assert_eq!(
        error::<EveryType>(json!({"int": null})),
        "Invalid parameter type for 'int', expected: integer"
    );
    assert_eq!(
        decode::<EveryType>(json!({"any": null, "null": null}))
            .map(|every| (every.any, every.null)),
        Ok((Some(Value::Null), Some(())))
    );
}

#[test]
fn any_takes_every_value() {
    let value = json!({"b": [1, -2, 3.5, 18446744073709551615u64, "s", null, {"c": false}]});
    assert_eq!(
        decode::<EveryType>(json!({ "any": value.clone() })).map(|every| every.any),
        Ok(Some(value))
    );
}

/// `GuestFileWhence`: `{'alternate': 'GuestFileWhence', 'data': {'value': 'int', 'name':
/// 'QGASeek'}}`, written as qapi-gen writes alternates. Its enum branch is `S`: `QgaSeek`
/// (serde's derive, which refuses an unknown value itself) or [`LenientSeek`] (qapi-gen's
/// shape, which keeps one).
#[derive(Debug, PartialEq)]
enum GuestFileWhence<S = QgaSeek> {
    Value(i64),
    Name(S),
}

impl<'de, S: Deserialize<'de>> Deserialize<'de> for GuestFileWhence<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(
            "GuestFileWhence",
            GuestFileWhenceVisitor(std::marker::PhantomData),
        )
    }
}

struct GuestFileWhenceVisitor<S>(std::marker::PhantomData<S>);

impl<'de, S: Deserialize<'de>> Visitor<'de> for GuestFileWhenceVisitor<S> {
    type Value = GuestFileWhence<S>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("GuestFileWhence (an integer or a string)")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<GuestFileWhence<S>, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_i64<E: serde_de::Error>(self, value: i64) -> Result<GuestFileWhence<S>, E> {
        Deserialize::deserialize(serde_de::value::I64Deserializer::new(value))
            .map(GuestFileWhence::Value)
    }

    fn visit_u64<E: serde_de::Error>(self, value: u64) -> Result<GuestFileWhence<S>, E> {
        Deserialize::deserialize(serde_de::value::U64Deserializer::new(value))
            .map(GuestFileWhence::Value)
    }

    fn visit_str<E: serde_de::Error>(self, value: &str) -> Result<GuestFileWhence<S>, E> {
        Deserialize::deserialize(serde_de::value::StrDeserializer::new(value))
            .map(GuestFileWhence::Name)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<GuestFileWhence<S>, A::Error> {
        let (value, variant) = data.variant()?;
        VariantAccess::unit_variant(variant)?;
        Ok(GuestFileWhence::Name(value))
    }
}

/// `QGASeek` as qapi-gen writes enums: every value given to `deserialize_enum`, and an
/// unknown value kept by the visitor.
#[derive(Debug, PartialEq)]
enum LenientSeek {
    Set,
    Cur,
    End,
    Other(String),
}

impl LenientSeek {
    fn from_name(name: &str) -> LenientSeek {
        match name {
            "set" => LenientSeek::Set,
            "cur" => LenientSeek::Cur,
            "end" => LenientSeek::End,
            other => LenientSeek::Other(other.to_owned()),
        }
    }
}

impl<'de> Deserialize<'de> for LenientSeek {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_enum("QGASeek", &["set", "cur", "end"], LenientSeekVisitor)
    }
}

struct LenientSeekVisitor;

impl<'de> Visitor<'de> for LenientSeekVisitor {
    type Value = LenientSeek;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a value of enum QGASeek")
    }

    fn visit_str<E: serde_de::Error>(self, value: &str) -> Result<LenientSeek, E> {
        Ok(LenientSeek::from_name(value))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<LenientSeek, A::Error> {
        let (name, variant) = data.variant::<String>()?;
        VariantAccess::unit_variant(variant)?;
        Ok(LenientSeek::from_name(&name))
    }
}

/// `guest-file-seek`'s arguments as in qemu-ga 7.2.
#[derive(Debug, PartialEq, Deserialize)]
struct GuestFileSeekArgs<S = QgaSeek> {
    handle: i64,
    offset: i64,
    whence: GuestFileWhence<S>,
}

/// `{'alternate': 'Small', 'data': {'byte': 'uint8', 'obj': 'Inner', 'nothing': 'null'}}`.
#[derive(Debug, PartialEq)]
enum Small {
    Byte(u8),
    Obj(Inner),
    Nothing,
}

impl<'de> Deserialize<'de> for Small {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct("Small", SmallVisitor)
    }
}

struct SmallVisitor;

impl<'de> Visitor<'de> for SmallVisitor {
    type Value = Small;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Small (null, an integer or an object)")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Small, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_unit<E: serde_de::Error>(self) -> Result<Small, E> {
        Ok(Small::Nothing)
    }

    fn visit_i64<E: serde_de::Error>(self, value: i64) -> Result<Small, E> {
        Deserialize::deserialize(serde_de::value::I64Deserializer::new(value)).map(Small::Byte)
    }

    fn visit_u64<E: serde_de::Error>(self, value: u64) -> Result<Small, E> {
        Deserialize::deserialize(serde_de::value::U64Deserializer::new(value)).map(Small::Byte)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Small, A::Error> {
        Deserialize::deserialize(serde_de::value::MapAccessDeserializer::new(map)).map(Small::Obj)
    }
}

#[derive(Debug, PartialEq, Deserialize)]
struct Smalls {
    one: Option<Small>,
    many: Option<Vec<Small>>,
}

#[test]
fn alternates() {
    assert_eq!(
        decode::<GuestFileSeekArgs>(json!({"handle": 1, "offset": 0, "whence": 2})),
        Ok(GuestFileSeekArgs {
            handle: 1,
            offset: 0,
            whence: GuestFileWhence::Value(2),
        })
    );
    assert_eq!(
        decode::<GuestFileSeekArgs>(json!({"handle": 1, "offset": 0, "whence": "end"}))
            .map(|args| args.whence),
        Ok(GuestFileWhence::Name(QgaSeek::End))
    );
    let cases = [
        // qemu-ga 7.2, each as "whence" after "handle": 1, "offset": 0.
        (
            json!(null),
            "Invalid parameter type for 'whence', expected: GuestFileWhence",
        ),
        (
            json!(1.5),
            "Invalid parameter type for 'whence', expected: integer",
        ),
        (
            json!("bogus"),
            "Parameter 'whence' does not accept value 'bogus'",
        ),
        // From QEMU's source.
        (
            json!(true),
            "Invalid parameter type for 'whence', expected: GuestFileWhence",
        ),
        (
            json!([]),
            "Invalid parameter type for 'whence', expected: GuestFileWhence",
        ),
        (
            json!({}),
            "Invalid parameter type for 'whence', expected: GuestFileWhence",
        ),
        (
            json!(18446744073709551615u64),
            "Invalid parameter type for 'whence', expected: integer",
        ),
    ];
    for (whence, expected) in cases {
        assert_eq!(
            error::<GuestFileSeekArgs>(json!({"handle": 1, "offset": 0, "whence": whence})),
            expected,
            "whence: {whence}"
        );
    }
    // qemu-ga 7.2: {"execute": "guest-file-seek", "arguments": {"whence": "bogus"}}
    assert_eq!(
        error::<GuestFileSeekArgs>(json!({"whence": "bogus"})),
        "Parameter 'handle' is missing"
    );
}

/// The enum branch of an alternate is decoded by the strict deserializer, which checks the
/// values the enum gives `deserialize_enum`, whereas `serde_json` lets the enum keep an
/// unknown value.
#[test]
fn alternate_enum_branch_checks_values() {
    // qemu-ga 7.2: {"execute": "guest-file-seek", "arguments": {"handle": 1, "offset": 0,
    // "whence": "bogus", "x": 1}}
    assert_eq!(
        error::<GuestFileSeekArgs<LenientSeek>>(
            json!({"handle": 1, "offset": 0, "whence": "bogus", "x": 1})
        ),
        "Parameter 'whence' does not accept value 'bogus'"
    );
    assert_eq!(
        decode::<GuestFileSeekArgs<LenientSeek>>(
            json!({"handle": 1, "offset": 0, "whence": "set"})
        )
        .map(|args| args.whence),
        Ok(GuestFileWhence::Name(LenientSeek::Set))
    );
    assert_eq!(
        serde_json::from_value::<GuestFileSeekArgs<LenientSeek>>(
            json!({"handle": 1, "offset": 0, "whence": "bogus"})
        )
        .map(|args| args.whence)
        .map_err(|error| error.to_string()),
        Ok(GuestFileWhence::Name(LenientSeek::Other(
            "bogus".to_owned()
        )))
    );
    // An alternate without a string branch refuses `visit_enum` as it refuses `visit_str`.
    assert_eq!(
        error::<Smalls>(json!({"one": "x"})),
        "Invalid parameter type for 'one', expected: Small"
    );
    assert_eq!(
        error::<Smalls>(json!({"many": [1, "x"]})),
        "Invalid parameter type for 'null', expected: Small"
    );
}

#[test]
fn alternate_branches() {
    assert_eq!(
        decode::<Smalls>(json!({"one": null, "many": [7, {"y": 2, "x": 1}, null]})),
        Ok(Smalls {
            one: Some(Small::Nothing),
            many: Some(vec![
                Small::Byte(7),
                Small::Obj(Inner { x: 1, y: 2 }),
                Small::Nothing
            ]),
        })
    );
    let cases = [
        (
            json!({"one": "s"}),
            "Invalid parameter type for 'one', expected: Small",
        ),
        // A list element's plain name is `null`.
        (
            json!({"many": [1, "s"]}),
            "Invalid parameter type for 'null', expected: Small",
        ),
        (json!({"one": 256}), "Parameter 'one' expects uint8_t"),
        (json!({"many": [-1]}), "Parameter 'null' expects uint8_t"),
        (json!({"one": {"x": 1}}), "Parameter 'one.y' is missing"),
        (
            json!({"many": [{"x": 1, "y": "2"}]}),
            "Invalid parameter type for 'many[0].y', expected: integer",
        ),
        (
            json!({"many": [{"x": 1, "y": 2, "w": 0}]}),
            "Parameter 'many[0].w' is unexpected",
        ),
    ];
    for (arguments, expected) in cases {
        assert_eq!(error::<Smalls>(arguments.clone()), expected, "{arguments}");
    }
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum DeviceType {
    Pci,
    Usb,
    Virtual,
}

/// A flat union as qapi-gen writes it:
/// `{'union': 'Device', 'base': {'id': 'str', 'type': 'DeviceType'}, 'discriminator': 'type',
///   'data': {'pci': {'vendor': 'uint16', 'device': 'uint16'}, 'usb': {'port': 'int'}}}`
/// (`virtual` has no members). The list names the base members, then every branch's.
#[derive(Debug, PartialEq)]
enum Device {
    Pci {
        id: String,
        vendor: u16,
        device: u16,
    },
    Usb {
        id: String,
        port: i64,
    },
    Virtual {
        id: String,
    },
}

impl<'de> Deserialize<'de> for Device {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(
            "Device",
            &["id", "type", "vendor", "device", "port"],
            DeviceVisitor,
        )
    }
}

struct DeviceVisitor;

impl<'de> Visitor<'de> for DeviceVisitor {
    type Value = Device;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object Device")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Device, A::Error> {
        let mut id: Option<String> = None;
        let mut kind: Option<DeviceType> = None;
        let mut vendor: Option<u16> = None;
        let mut device: Option<u16> = None;
        let mut port: Option<i64> = None;
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), &kind) {
                ("id", _) => id = Some(map.next_value()?),
                ("type", _) => kind = Some(map.next_value()?),
                ("vendor", Some(DeviceType::Pci)) => vendor = Some(map.next_value()?),
                ("device", Some(DeviceType::Pci)) => device = Some(map.next_value()?),
                ("port", Some(DeviceType::Usb)) => port = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let id = required(id, "id")?;
        Ok(match required(kind, "type")? {
            DeviceType::Pci => Device::Pci {
                id,
                vendor: required(vendor, "vendor")?,
                device: required(device, "device")?,
            },
            DeviceType::Usb => Device::Usb {
                id,
                port: required(port, "port")?,
            },
            DeviceType::Virtual => Device::Virtual { id },
        })
    }
}

fn required<T, E: serde_de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

#[derive(Debug, PartialEq, Deserialize)]
struct Devices {
    devices: Vec<Device>,
}

#[test]
fn flat_unions() {
    assert_eq!(
        decode::<Devices>(json!({"devices": [
            {"vendor": 32902, "type": "pci", "device": 4096, "id": "a"},
            {"port": 2, "id": "b", "type": "usb"},
            {"type": "virtual", "id": "c"}
        ]})),
        Ok(Devices {
            devices: vec![
                Device::Pci {
                    id: "a".to_owned(),
                    vendor: 32902,
                    device: 4096
                },
                Device::Usb {
                    id: "b".to_owned(),
                    port: 2
                },
                Device::Virtual { id: "c".to_owned() },
            ],
        })
    );
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
            json!({"type": "usb", "id": "a", "port": "1"}),
            "Invalid parameter type for 'devices[0].port', expected: integer",
        ),
        // A member of another branch is unexpected, as any unknown member.
        (
            json!({"port": 1, "type": "virtual", "id": "a"}),
            "Parameter 'devices[0].port' is unexpected",
        ),
        (
            json!({"type": "pci", "id": "a", "vendor": 1, "device": 2, "port": 3}),
            "Parameter 'devices[0].port' is unexpected",
        ),
        // The discriminator is visited with the base, before the branch.
        (
            json!({"port": "x", "type": "usb"}),
            "Parameter 'devices[0].id' is missing",
        ),
    ];
    for (device, expected) in cases {
        assert_eq!(
            error::<Devices>(json!({ "devices": [device] })),
            expected,
            "device: {device}"
        );
    }
}

#[test]
fn list_read_partly() {
    // serde's tuples read as many elements as they have, leaving the rest.
    #[derive(Debug, Deserialize)]
    struct Pair {
        #[allow(dead_code)]
        pair: (i64, i64),
    }
    assert_eq!(
        error::<Pair>(json!({"pair": [1, 2, 3]})),
        "Only 2 list elements expected in pair"
    );
}

#[test]
fn nesting_limit() {
    let mut deep = json!(0);
    for _ in 0..200 {
        deep = json!([deep]);
    }
    let described = error::<EveryType>(json!({ "any": deep }));
    // The arguments object, `any` and 126 arrays in it make 128 levels; the next is refused.
    let expected_path = format!("any{}", "[0]".repeat(127));
    assert_eq!(
        described,
        format!("Parameter '{expected_path}' nests more than 128 levels deep")
    );
    let mut within = json!(0);
    for _ in 0..127 {
        within = json!([within]);
    }
    assert_eq!(
        decode::<EveryType>(json!({ "any": within.clone() })).map(|every| every.any),
        Ok(Some(within))
    );
}

#[test]
fn not_an_object_type() {
    // The arguments object itself is visited with no name.
    assert_eq!(
        error::<i64>(json!({})),
        "Invalid parameter type for '<anonymous>', expected: integer"
    );
}

#[test]
fn no_arguments_refuses_any_member() {
    assert_eq!(no_arguments(&Map::new()), Ok(()));
    // qemu-ga 7.2: {"execute": "guest-ping", "arguments": {"x": 1}}
    let mut arguments = Map::new();
    arguments.insert("x".to_owned(), json!(1));
    arguments.insert("a".to_owned(), json!(2));
    assert_eq!(
        no_arguments(&arguments),
        Err(QapiError::generic("Parameter 'x' is unexpected"))
    );
}
