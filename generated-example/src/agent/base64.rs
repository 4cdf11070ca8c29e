//! Base64 as qemu-ga 7.2 reads and writes it.
//!
//! qemu-ga checks its input with QEMU's `qbase64_decode` (only the alphabet, `=` and newline
//! are allowed) and then decodes with glib's `g_base64_decode`, which is lenient: newlines are
//! skipped, every four symbols give up to three bytes (fewer when the group ends in `=`), and
//! an incomplete final group is dropped. `aGVsbG8` therefore decodes to `hel`, and
//! `aGVsbG8=aGVs` to `hellohel`. Output is standard padded base64 on one line.

/// The error qemu-ga gives for a character outside the base64 alphabet.
pub const INVALID_CHARACTERS: &str = "Base64 data contains invalid characters";

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes `bytes` as padded base64 without line breaks (glib's `g_base64_encode`).
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let group = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        let symbol = |shift: u32| char::from(ALPHABET[((group >> shift) & 0x3F) as usize]);
        text.push(symbol(18));
        text.push(symbol(12));
        text.push(if chunk.len() > 1 { symbol(6) } else { '=' });
        text.push(if chunk.len() > 2 { symbol(0) } else { '=' });
    }
    text
}

/// Decodes `text` as qemu-ga does; `Err` carries qemu-ga's message.
pub fn decode(text: &str) -> Result<Vec<u8>, &'static str> {
    let mut output = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut group: u32 = 0;
    let mut symbols = 0;
    // The last two symbols seen, to know whether the group ended in padding.
    let mut last = [0u8; 2];
    for &byte in text.as_bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            // glib ranks '=' as zero and counts it as a symbol.
            b'=' => 0,
            b'\n' => continue,
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
        assert_eq!(decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode("aGVsbG8").unwrap(), b"hel");
        assert_eq!(decode("aGVsbG8=aGVs").unwrap(), b"hellohel");
        assert_eq!(decode("aGVs\nbG8=\n").unwrap(), b"hello");
        assert_eq!(decode("aA==").unwrap(), b"h");
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode("====").unwrap(), [0u8]);
    }

    #[test]
    fn refuses_characters_outside_the_alphabet() {
        assert_eq!(decode("!!!"), Err(INVALID_CHARACTERS));
        assert_eq!(decode("aGV sbG8="), Err(INVALID_CHARACTERS));
        assert_eq!(decode("aGVs\0"), Err(INVALID_CHARACTERS));
        assert_eq!(decode("aGVs\r\n"), Err(INVALID_CHARACTERS));
    }

    #[test]
    fn round_trips_every_byte() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
    }
}
