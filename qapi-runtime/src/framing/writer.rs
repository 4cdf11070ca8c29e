//! Writing JSON as QEMU does: ASCII only, `", "` and `": "` separators, no newlines inside.
//!
//! The QMP specification promises ASCII output; QEMU writes every character outside
//! `0x20..0x7E` as an upper-case `\uXXXX` escape (a surrogate pair beyond the BMP), except the
//! short escapes `\b \f \n \r \t`. Numbers are written by `serde_json`, which may spell a double
//! differently from QEMU's `%.17g` (`1.0` rather than `1`) but always as the same double.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, Serializer};

/// Serializes `value` as QEMU writes JSON, without a line ending.
pub fn to_wire<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = Vec::new();
    write_wire(&mut bytes, value)?;
    Ok(bytes)
}

/// Serializes `value` as QEMU writes JSON, followed by `\n`: one message as qemu-ga sends it.
/// (QEMU's monitor ends lines with `\r\n`; readers treat both as whitespace.)
pub fn to_wire_line<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = to_wire(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Serializes `value` as QEMU writes JSON into `writer`, without a line ending.
pub fn write_wire<W: Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> Result<(), serde_json::Error> {
    value.serialize(&mut Serializer::with_formatter(writer, QemuFormatter))
}

/// A `serde_json` formatter with QEMU's separators and escapes.
struct QemuFormatter;

impl Formatter for QemuFormatter {
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, character) in fragment.char_indices() {
            if (' '..='~').contains(&character) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..at])?;
            write_escaped(writer, character)?;
            start = at + character.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let text: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => return write!(writer, "\\u{:04X}", byte),
        };
        writer.write_all(text)
    }
}

fn write_escaped<W: ?Sized + Write>(writer: &mut W, character: char) -> io::Result<()> {
    let mut units = [0u16; 2];
    for unit in character.encode_utf16(&mut units) {
        write!(writer, "\\u{:04X}", unit)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: &serde_json::Value) -> String {
        String::from_utf8(to_wire(value).unwrap()).unwrap()
    }

    #[test]
    fn separators_like_qemu() {
        assert_eq!(
            text(&json!({"return": {}, "id": {"x": [1, 2]}})),
            r#"{"return": {}, "id": {"x": [1, 2]}}"#
        );
        assert_eq!(text(&json!([])), "[]");
        assert_eq!(
            to_wire_line(&json!({"return": 3})).unwrap(),
            b"{\"return\": 3}\n"
        );
    }

    #[test]
    fn ascii_only_with_qemu_escapes() {
        assert_eq!(text(&json!("a\u{20AC}")), r#""a\u20AC""#);
        assert_eq!(text(&json!("é\u{1}\u{7f}")), r#""\u00E9\u0001\u007F""#);
        assert_eq!(text(&json!("😀")), r#""\uD83D\uDE00""#);
        assert_eq!(
            text(&json!("q\"b\\s/\u{8}\u{c}\n\r\t")),
            r#""q\"b\\s/\b\f\n\r\t""#
        );
        assert_eq!(
            text(&json!("JSON parse error, stray '\u{FFFD}'")),
            r#""JSON parse error, stray '\uFFFD'""#
        );
        assert_eq!(text(&json!("\0")), r#""\u0000""#);
    }

    #[test]
    fn output_parses_back() {
        let value = json!({"k\u{e9}y": ["x\u{1F600}y", -1, 2.5, null, true], "": {}});
        let bytes = to_wire(&value).unwrap();
        assert!(bytes.is_ascii());
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            value
        );
    }
}
