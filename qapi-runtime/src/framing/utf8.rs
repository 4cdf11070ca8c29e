//! Modified UTF-8 as QEMU decodes it: UTF-8 where U+0000 may also be written `C0 80`, and
//! where surrogates, noncharacters and overlong forms are invalid.

/// Whether QEMU accepts `codepoint` as a character: in range, not a surrogate, and not one of
/// Unicode's 66 noncharacters (U+FDD0..U+FDEF and every U+xxFFFE/U+xxFFFF).
pub(crate) fn is_valid_codepoint(codepoint: i64) -> bool {
    if !(0..=0x10FFFF).contains(&codepoint) {
        return false;
    }
    if (0xFDD0..=0xFDEF).contains(&codepoint) || codepoint & 0xFFFE == 0xFFFE {
        return false;
    }
    !(0xD800..=0xDFFF).contains(&codepoint)
}

/// Decodes the sequence at the start of `bytes`: the character (or `None` when the sequence is
/// invalid) and how many bytes it spans, counted as QEMU's `mod_utf8_codepoint` counts them.
/// `bytes` must not be empty.
pub(crate) fn decode(bytes: &[u8]) -> (Option<char>, usize) {
    let Some(&lead) = bytes.first() else {
        return (None, 0);
    };
    if lead < 0x80 {
        return (Some(char::from(lead)), 1);
    }
    // Impossible bytes and stray continuation bytes are invalid alone.
    if lead >= 0xFE || lead & 0x40 == 0 {
        return (None, 1);
    }
    let len = lead.leading_ones() as usize;
    let mut codepoint = i64::from(lead & (0x7F >> len));
    for i in 1..len {
        match bytes.get(i) {
            Some(&byte) if byte & 0xC0 == 0x80 => {
                codepoint = (codepoint << 6) | i64::from(byte & 0x3F);
            }
            _ => return (None, i),
        }
    }
    // The smallest codepoint that needs a sequence of this length; shorter would be overlong.
    const MIN_CODEPOINT: [i64; 5] = [0x80, 0x800, 0x10000, 0x200000, 0x4000000];
    let overlong = codepoint < MIN_CODEPOINT[len - 2] && !(codepoint == 0 && len == 2);
    if overlong || !is_valid_codepoint(codepoint) {
        return (None, len);
    }
    (u32::try_from(codepoint).ok().and_then(char::from_u32), len)
}

/// `bytes` as text, each invalid sequence replaced by U+FFFD, as QEMU's JSON writer shows
/// malformed input in error messages. Text stops at the first NUL byte, as a C string does.
pub(crate) fn lossy(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|&byte| byte == 0)
        .unwrap_or(bytes.len());
    let mut rest = &bytes[..end];
    let mut text = String::with_capacity(rest.len());
    while !rest.is_empty() {
        let (character, len) = decode(rest);
        text.push(character.unwrap_or(char::REPLACEMENT_CHARACTER));
        rest = &rest[len.max(1)..];
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_multibyte() {
        assert_eq!(decode(b"a"), (Some('a'), 1));
        assert_eq!(decode("é".as_bytes()), (Some('é'), 2));
        assert_eq!(decode("€x".as_bytes()), (Some('€'), 3));
        assert_eq!(decode("😀".as_bytes()), (Some('😀'), 4));
    }

    #[test]
    fn modified_nul() {
        assert_eq!(decode(b"\xC0\x80"), (Some('\0'), 2));
        // Other overlong forms stay invalid.
        assert_eq!(decode(b"\xC1\x81"), (None, 2));
        assert_eq!(decode(b"\xE0\x80\x80"), (None, 3));
    }

    #[test]
    fn invalid_sequences() {
        assert_eq!(decode(b"\xFF"), (None, 1));
        assert_eq!(decode(b"\x80"), (None, 1));
        assert_eq!(decode(b"\xC3"), (None, 1));
        assert_eq!(decode(b"\xE2\x82\""), (None, 2));
        // A surrogate, a noncharacter, and beyond U+10FFFF.
        assert_eq!(decode(b"\xED\xA0\x80"), (None, 3));
        assert_eq!(decode(b"\xEF\xBF\xBE"), (None, 3));
        assert_eq!(decode(b"\xF4\x90\x80\x80"), (None, 4));
        assert_eq!(decode(b"\xFD\xBF\xBF\xBF\xBF\xBF"), (None, 6));
    }

    #[test]
    fn codepoint_validity() {
        assert!(is_valid_codepoint(0));
        assert!(is_valid_codepoint(0x10FFFD));
        assert!(!is_valid_codepoint(-1));
        assert!(!is_valid_codepoint(0xD800));
        assert!(!is_valid_codepoint(0xFDD0));
        assert!(!is_valid_codepoint(0x10FFFF));
        assert!(!is_valid_codepoint(0x110000));
    }

    #[test]
    fn lossy_stops_at_nul_and_replaces() {
        assert_eq!(lossy(b"\"exec\xFF"), "\"exec\u{FFFD}");
        assert_eq!(lossy(b"ab\0cd"), "ab");
        assert_eq!(lossy(b"\xED\xA0\x80!"), "\u{FFFD}!");
        assert_eq!(lossy("\"aé\x01".as_bytes()), "\"aé\x01");
    }
}
