//! Base64 as the guest agent uses it (RFC 4648, standard alphabet, padded): file contents
//! travel as `buf-b64`, a program's output as `out-data`/`err-data`.
//!
//! Decoding takes what the agent sends, so it rejects anything malformed with an error that
//! says where, and never panics.

/// The standard alphabet, indexed by 6-bit value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Why a text is not base64.
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
}
