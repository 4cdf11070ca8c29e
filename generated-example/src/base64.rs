//! Base64 as the guest agent protocol uses it (RFC 4648, standard alphabet, padded): file
//! contents travel as `buf-b64`, a program's input and output as `input-data`, `out-data` and
//! `err-data`.
//!
//! Two decoders, because the two sides must differ:
//! - [`decode`], for the client: it takes what the agent sends and rejects anything malformed
//!   with an error that says where;
//! - [`decode_like_qemu_ga`], for the agent: it accepts exactly what qemu-ga 7.2 accepts.
//!   qemu-ga checks its input with QEMU's `qbase64_decode` (only the alphabet, `=` and newline
//!   are allowed) and then decodes with glib's `g_base64_decode`, which is lenient: newlines are
//!   skipped, every four symbols give up to three bytes (fewer when the group ends in `=`), and
//!   an incomplete final group is dropped. `aGVsbG8` therefore decodes to `hel`, and
//!   `aGVsbG8=aGVs` to `hellohel`.
//!
//! Neither panics on any input.

/// The standard alphabet, indexed by 6-bit value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The error qemu-ga gives for a character outside the base64 alphabet.
pub const INVALID_CHARACTERS: &str = "Base64 data contains invalid characters";

/// Why a text is not base64 (see [`decode`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The length is not a multiple of four.
    #[error("base64 text of length {0} is not a multiple of 4 long")]
    Length(usize),
    /// A byte outside the alphabet, or padding before the end.
    #[error("invalid base64 byte {byte:#04x} at offset {offset}")]
    Byte {
        /// The offending byte.
        byte: u8,
        /// Its offset in the text.
        offset: usize,
    },
}

/// Encodes `bytes`, padded with `=`.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let group = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        // One output character per 6 bits; a short chunk gets `=` for the missing ones.
        for index in 0..4 {
            if index <= chunk.len() {
                let sextet = (group >> (18 - 6 * index)) & 0x3f;
                text.push(char::from(ALPHABET[sextet as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// Decodes padded base64; the empty text is no bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let input = text.as_bytes();
    if input.len() % 4 != 0 {
        return Err(DecodeError::Length(input.len()));
    }
    let mut bytes = Vec::with_capacity(input.len() / 4 * 3);
    let groups = input.len() / 4;
    for (group_index, group) in input.chunks(4).enumerate() {
        let last = group_index + 1 == groups;
        // Padding may only end the last group: `xx==` or `xxx=`.
        let padding = if last {
            group.iter().rev().take_while(|&&byte| byte == b'=').count()
        } else {
            0
        };
        if padding > 2 {
            let offset = group_index * 4 + (4 - padding);
            return Err(DecodeError::Byte { byte: b'=', offset });
        }
        let mut value = 0u32;
        for (index, &byte) in group.iter().enumerate() {
            let sextet = if index >= 4 - padding {
                0
            } else {
                sextet(byte).ok_or(DecodeError::Byte {
                    byte,
                    offset: group_index * 4 + index,
                })?
            };
            value = (value << 6) | u32::from(sextet);
        }
        let [_, b0, b1, b2] = value.to_be_bytes();
        bytes.extend_from_slice(&[b0, b1, b2][..3 - padding]);
    }
    Ok(bytes)
}

/// The 6-bit value of an alphabet character.
fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes `text` as qemu-ga does; `Err` carries qemu-ga's message.
pub fn decode_like_qemu_ga(text: &str) -> Result<Vec<u8>, &'static str> {
    let mut output = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut group: u32 = 0;
    let mut symbols = 0;
    // The last two symbols seen, to know whether the group ended in padding.
    let mut last = [0u8; 2];
    for &byte in text.as_bytes() {
        let value = match (byte, sextet(byte)) {
            (_, Some(value)) => value,
            // glib ranks '=' as zero and counts it as a symbol.
            (b'=', None) => 0,
            (b'\n', None) => continue,
            _ => return Err(INVALID_CHARACTERS),
        };
        last = [last[1], byte];
        group = (group << 6) | u32::from(value);
        symbols += 1;
        if symbols == 4 {
            output.push((group >> 16) as u8);
            if last[0] != b'=' {
                output.push((group >> 8) as u8);
            }
            if last[1] != b'=' {
                output.push(group as u8);
            }
            symbols = 0;
            group = 0;
        }
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()), encoded, "{plain}");
            assert_eq!(decode(encoded), Ok(plain.as_bytes().to_vec()), "{encoded}");
        }
    }

    #[test]
    fn every_byte_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        let encoded = encode(&bytes);
        assert!(encoded.ends_with("+/w=="), "{encoded}");
        assert_eq!(decode(&encoded), Ok(bytes));
    }

    #[test]
    fn rejects_malformed_text() {
        assert_eq!(decode("Zm9"), Err(DecodeError::Length(3)));
        assert_eq!(
            decode("Zm9v!A=="),
            Err(DecodeError::Byte {
                byte: b'!',
                offset: 4
            })
        );
        assert_eq!(
            decode("Zg==Zm9v"),
            Err(DecodeError::Byte {
                byte: b'=',
                offset: 2
            })
        );
        assert_eq!(
            decode("Z==="),
            Err(DecodeError::Byte {
                byte: b'=',
                offset: 1
            })
        );
        assert_eq!(
            decode("Z=g="),
            Err(DecodeError::Byte {
                byte: b'=',
                offset: 1
            })
        );
        assert_eq!(
            DecodeError::Length(3).to_string(),
            "base64 text of length 3 is not a multiple of 4 long"
        );
    }

    #[test]
    fn encodes_with_padding() {
        assert_eq!(encode(b""), "");
        assert_eq!(encode(b"h"), "aA==");
        assert_eq!(encode(b"he"), "aGU=");
        assert_eq!(encode(b"hello"), "aGVsbG8=");
        assert_eq!(encode(b"hello world"), "aGVsbG8gd29ybGQ=");
        assert_eq!(encode(&[0xFF, 0xFE, 0x00]), "//4A");
    }

    #[test]
    fn decodes_leniently_as_glib() {
        assert_eq!(decode_like_qemu_ga("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_like_qemu_ga("aGVsbG8").unwrap(), b"hel");
        assert_eq!(decode_like_qemu_ga("aGVsbG8=aGVs").unwrap(), b"hellohel");
        assert_eq!(decode_like_qemu_ga("aGVs\nbG8=\n").unwrap(), b"hello");
        assert_eq!(decode_like_qemu_ga("aA==").unwrap(), b"h");
        assert_eq!(decode_like_qemu_ga("").unwrap(), b"");
        assert_eq!(decode_like_qemu_ga("====").unwrap(), [0u8]);
    }

    #[test]
    fn refuses_characters_outside_the_alphabet() {
        assert_eq!(decode_like_qemu_ga("!!!"), Err(INVALID_CHARACTERS));
        assert_eq!(decode_like_qemu_ga("aGV sbG8="), Err(INVALID_CHARACTERS));
        assert_eq!(decode_like_qemu_ga("aGVs\0"), Err(INVALID_CHARACTERS));
        assert_eq!(decode_like_qemu_ga("aGVs\r\n"), Err(INVALID_CHARACTERS));
    }

    #[test]
    fn round_trips_every_byte() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        assert_eq!(decode_like_qemu_ga(&encode(&bytes)).unwrap(), bytes);
    }
}
