//! The parser: the tokens of one top-level value in, a `serde_json::Value` or QEMU's parse
//! error out, as `json-parser.c` words it (`JSON parse error, expecting value` and so on).
//!
//! QEMU parses recursively; this parser keeps its own stack, so no input can exhaust the
//! thread's stack, and reports the same first error in the same words.

use serde_json::{Map, Number, Value};

use super::lexer::TokenKind;
use super::utf8;

/// One token: its kind and where its text lies in the streamer's text buffer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A container being parsed.
enum Frame {
    Array(Vec<Value>),
    /// An object and, once its colon has been read, the key whose value is being parsed.
    Object(Map<String, Value>, Option<String>),
}

/// Tokens of one value, read front to back.
struct Cursor<'a> {
    tokens: &'a [Token],
    text: &'a [u8],
    next: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<TokenKind> {
        self.tokens.get(self.next).map(|token| token.kind)
    }

    fn pop(&mut self) -> Option<(TokenKind, &'a [u8])> {
        let token = self.tokens.get(self.next)?;
        self.next += 1;
        Some((
            token.kind,
            self.text.get(token.start..token.end).unwrap_or_default(),
        ))
    }
}

/// Parses the tokens of one top-level value. Tokens after the value are ignored, as QEMU
/// ignores them (the streamer never passes any).
pub(crate) fn parse(tokens: &[Token], text: &[u8]) -> Result<Value, String> {
    parse_value(&mut Cursor {
        tokens,
        text,
        next: 0,
    })
    .map_err(|message| format!("JSON parse error, {message}"))
}

fn parse_value(cursor: &mut Cursor<'_>) -> Result<Value, String> {
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        // Parse a value: a scalar completes at once, a container opens a frame.
        let mut value = match cursor.peek() {
            None => return Err(premature()),
            Some(TokenKind::LeftCurly | TokenKind::LeftSquare) => {
                let Some((kind, _)) = cursor.pop() else {
                    return Err(premature());
                };
                let close = if kind == TokenKind::LeftCurly {
                    TokenKind::RightCurly
                } else {
                    TokenKind::RightSquare
                };
                match cursor.peek() {
                    None => return Err(premature()),
                    Some(next) if next == close => {
                        cursor.pop();
                        if kind == TokenKind::LeftCurly {
                            Value::Object(Map::new())
                        } else {
                            Value::Array(Vec::new())
                        }
                    }
                    Some(_) => {
                        stack.push(if kind == TokenKind::LeftCurly {
                            Frame::Object(Map::new(), None)
                        } else {
                            Frame::Array(Vec::new())
                        });
                        continue;
                    }
                }
            }
            Some(
                TokenKind::String | TokenKind::Integer | TokenKind::Float | TokenKind::Keyword,
            ) => {
                let Some((kind, text)) = cursor.pop() else {
                    return Err(premature());
                };
                scalar(kind, text)?
            }
            Some(_) => return Err("expecting value".to_owned()),
        };
        // Hand the value to the innermost container; closing it completes another value.
        loop {
            match stack.last_mut() {
                None => return Ok(value),
                Some(Frame::Array(items)) => {
                    items.push(value);
                    match cursor.pop() {
                        None => return Err(premature()),
                        Some((TokenKind::Comma, _)) => break,
                        Some((TokenKind::RightSquare, _)) => {}
                        Some(_) => return Err("expected separator in list".to_owned()),
                    }
                }
                Some(Frame::Object(members, pending)) => match pending.take() {
                    None => {
                        let Value::String(key) = value else {
                            return Err("key is not a string in object".to_owned());
                        };
                        match cursor.pop() {
                            None => return Err(premature()),
                            Some((TokenKind::Colon, _)) => {}
                            Some(_) => return Err("missing : in object pair".to_owned()),
                        }
                        *pending = Some(key);
                        break;
                    }
                    Some(key) => {
                        if members.contains_key(&key) {
                            return Err("duplicate key".to_owned());
                        }
                        members.insert(key, value);
                        match cursor.pop() {
                            None => return Err(premature()),
                            Some((TokenKind::Comma, _)) => break,
                            Some((TokenKind::RightCurly, _)) => {}
                            Some(_) => return Err("expected separator in dict".to_owned()),
                        }
                    }
                },
            }
            // The container just closed: it is the value to hand on.
            value = match stack.pop() {
                Some(Frame::Array(items)) => Value::Array(items),
                Some(Frame::Object(members, _)) => Value::Object(members),
                None => return Err(premature()),
            };
        }
    }
}

fn premature() -> String {
    "premature EOI".to_owned()
}

fn scalar(kind: TokenKind, text: &[u8]) -> Result<Value, String> {
    match kind {
        TokenKind::String => parse_string(text).map(Value::String),
        TokenKind::Keyword => match text {
            b"true" => Ok(Value::Bool(true)),
            b"false" => Ok(Value::Bool(false)),
            b"null" => Ok(Value::Null),
            _ => Err(format!("invalid keyword '{}'", utf8::lossy(text))),
        },
        TokenKind::Integer => Ok(integer(text)),
        TokenKind::Float => Ok(float(text)),
        _ => Err("expecting value".to_owned()),
    }
}

/// An integer token: `i64` if it fits, else `u64`, else the nearest double, as QEMU's `QNum`.
fn integer(text: &[u8]) -> Value {
    let text = std::str::from_utf8(text).unwrap_or_default();
    if let Ok(value) = text.parse::<i64>() {
        return Value::Number(value.into());
    }
    if let Ok(value) = text.parse::<u64>() {
        return Value::Number(value.into());
    }
    float(text.as_bytes())
}

/// A float token. `serde_json` cannot hold the infinities that QEMU gets from numbers beyond
/// the range of a double; they become `null`.
fn float(text: &[u8]) -> Value {
    std::str::from_utf8(text)
        .ok()
        .and_then(|text| text.parse::<f64>().ok())
        .and_then(Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// Decodes a string token, quotes included, with QEMU's escapes (`\'` too) and its checks.
fn parse_string(token: &[u8]) -> Result<String, String> {
    let quote = token.first().copied().unwrap_or(b'"');
    let mut text = String::with_capacity(token.len());
    let mut at = 1;
    loop {
        match token.get(at) {
            None => return Err("premature end of string".to_owned()),
            Some(&byte) if byte == quote => return Ok(text),
            Some(b'\\') => {
                let escape_start = at;
                at += 1;
                let escape = token.get(at).copied();
                at += 1;
                match escape {
                    Some(b'"') => text.push('"'),
                    Some(b'\'') => text.push('\''),
                    Some(b'\\') => text.push('\\'),
                    Some(b'/') => text.push('/'),
                    Some(b'b') => text.push('\u{8}'),
                    Some(b'f') => text.push('\u{c}'),
                    Some(b'n') => text.push('\n'),
                    Some(b'r') => text.push('\r'),
                    Some(b't') => text.push('\t'),
                    Some(b'u') => {
                        let (codepoint, end) = unicode_escape(token, at);
                        at = end;
                        match u32::try_from(codepoint).ok().and_then(char::from_u32) {
                            Some(character) if utf8::is_valid_codepoint(codepoint) => {
                                text.push(character)
                            }
                            _ => {
                                let shown = token
                                    .get(escape_start..at.min(token.len()))
                                    .unwrap_or_default();
                                return Err(format!(
                                    "{} is not a valid Unicode character",
                                    utf8::lossy(shown)
                                ));
                            }
                        }
                    }
                    _ => return Err("invalid escape sequence in string".to_owned()),
                }
            }
            Some(_) => {
                let rest = token.get(at..).unwrap_or_default();
                let (character, len) = utf8::decode(rest);
                match character {
                    Some(character) => text.push(character),
                    None => return Err("invalid UTF-8 sequence in string".to_owned()),
                }
                at += len.max(1);
            }
        }
    }
}

/// Reads the four hex digits after `\u` at `at`, and a following `\uXXXX` low surrogate when
/// the first is a high one. Returns the codepoint (-1 when invalid) and where reading stopped,
/// as QEMU does, so the error message quotes the same text.
fn unicode_escape(token: &[u8], at: usize) -> (i64, usize) {
    let mut codepoint = hex4(token, at);
    let mut end = at + 4;
    if (0xD800..=0xDBFF).contains(&codepoint)
        && token.get(end) == Some(&b'\\')
        && token.get(end + 1) == Some(&b'u')
    {
        let trailing = hex4(token, end + 2);
        if (0xDC00..=0xDFFF).contains(&trailing) {
            codepoint = 0x10000 + ((codepoint & 0x3FF) << 10) + (trailing & 0x3FF);
            end += 6;
        } else {
            codepoint = -1;
        }
    }
    (codepoint, end)
}

fn hex4(token: &[u8], at: usize) -> i64 {
    let mut value = 0;
    for offset in 0..4 {
        match token
            .get(at + offset)
            .and_then(|&byte| char::from(byte).to_digit(16))
        {
            Some(digit) => value = value * 16 + i64::from(digit),
            None => return -1,
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framing::lexer::{Lexer, TokenSink};
    use serde_json::json;

    /// Tokenizes `input` whole, as the streamer would hand it over.
    #[derive(Default)]
    struct Collect {
        tokens: Vec<Token>,
        text: Vec<u8>,
    }

    impl TokenSink for Collect {
        fn token(&mut self, kind: TokenKind, text: &[u8]) {
            let start = self.text.len();
            self.text.extend_from_slice(text);
            self.tokens.push(Token {
                kind,
                start,
                end: self.text.len(),
            });
        }
        fn error(&mut self, _text: &[u8]) {
            panic!("lexical error in a parser test");
        }
        fn token_too_long(&mut self) {
            panic!("token too long in a parser test");
        }
    }

    fn run(input: &[u8]) -> Result<Value, String> {
        let mut lexer = Lexer::new(1 << 20);
        let mut collect = Collect::default();
        for &byte in input {
            lexer.feed(byte, &mut collect);
        }
        lexer.finish(&mut collect);
        parse(&collect.tokens, &collect.text)
    }

    fn error(input: &str) -> String {
        run(input.as_bytes()).unwrap_err()
    }

    #[test]
    fn values() {
        assert_eq!(
            run(br#"{"a": [1, -2, 1.5, "x", 'y', true, false, null, {}, []]}"#).unwrap(),
            json!({"a": [1, -2, 1.5, "x", "y", true, false, null, {}, []]})
        );
        assert_eq!(run(b"[[[[]]]]").unwrap(), json!([[[[]]]]));
        assert_eq!(
            run(b"18446744073709551615").unwrap(),
            json!(18446744073709551615u64)
        );
        assert_eq!(run(b"-9223372036854775808").unwrap(), json!(i64::MIN));
        assert_eq!(
            run(b"18446744073709551616").unwrap(),
            json!(18446744073709551616.0)
        );
        assert_eq!(run(b"-0").unwrap(), json!(0));
        assert_eq!(run(b"1e400").unwrap(), Value::Null);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            run(br#""a\"b\'c\\d\/e\b\f\n\r\t""#).unwrap(),
            json!("a\"b'c\\d/e\u{8}\u{c}\n\r\t")
        );
        assert_eq!(run(br#"'it"s'"#).unwrap(), json!("it\"s"));
        assert_eq!(
            run(br#""\u00e9\u20AC\ud83d\ude00\u0000""#).unwrap(),
            json!("é€😀\0")
        );
        assert_eq!(run("\"é\u{1F600}\"".as_bytes()).unwrap(), json!("é😀"));
        assert_eq!(run(b"\"\xC0\x80\"").unwrap(), json!("\0"));
    }

    #[test]
    fn string_errors_in_qemu_words() {
        assert_eq!(
            error(r#""\x""#),
            "JSON parse error, invalid escape sequence in string"
        );
        assert_eq!(
            error(r#""\ud800""#),
            "JSON parse error, \\ud800 is not a valid Unicode character"
        );
        assert_eq!(
            error(r#""\ud800\u0041""#),
            "JSON parse error, \\ud800 is not a valid Unicode character"
        );
        assert_eq!(
            error(r#""\udbff\udfff""#),
            "JSON parse error, \\udbff\\udfff is not a valid Unicode character"
        );
        assert_eq!(
            error(r#""\ufffe""#),
            "JSON parse error, \\ufffe is not a valid Unicode character"
        );
        assert_eq!(
            error(r#""\u12""#),
            "JSON parse error, \\u12\" is not a valid Unicode character"
        );
        assert_eq!(
            run(b"\"\xC3\"").unwrap_err(),
            "JSON parse error, invalid UTF-8 sequence in string"
        );
        assert_eq!(
            run(b"\"\xEF\xBF\xBE\"").unwrap_err(),
            "JSON parse error, invalid UTF-8 sequence in string"
        );
    }

    #[test]
    fn syntax_errors_in_qemu_words() {
        assert_eq!(
            error("{\"execute\": }"),
            "JSON parse error, expecting value"
        );
        assert_eq!(error("}"), "JSON parse error, expecting value");
        assert_eq!(error("[1,]"), "JSON parse error, expecting value");
        assert_eq!(error("{\"a\":1,}"), "JSON parse error, expecting value");
        assert_eq!(
            error("[1 2]"),
            "JSON parse error, expected separator in list"
        );
        assert_eq!(
            error("{\"a\":1 \"b\":2}"),
            "JSON parse error, expected separator in dict"
        );
        assert_eq!(
            error("{\"a\" 1}"),
            "JSON parse error, missing : in object pair"
        );
        assert_eq!(
            error("{1:2}"),
            "JSON parse error, key is not a string in object"
        );
        assert_eq!(error("{[1,]:2}"), "JSON parse error, expecting value");
        assert_eq!(
            error("{\"a\":1,\"a\":2}"),
            "JSON parse error, duplicate key"
        );
        assert_eq!(error("tru"), "JSON parse error, invalid keyword 'tru'");
        assert_eq!(error("{\"a\":1"), "JSON parse error, premature EOI");
        assert_eq!(error("["), "JSON parse error, premature EOI");
        assert_eq!(error("{\"a\""), "JSON parse error, premature EOI");
        assert_eq!(error(""), "JSON parse error, premature EOI");
    }

    #[test]
    fn deep_nesting_needs_no_stack() {
        let depth = 200_000;
        let input: Vec<u8> = std::iter::repeat_n(b'[', depth)
            .chain(std::iter::repeat_n(b']', depth))
            .collect();
        let value = run(&input).unwrap();
        // Dismantle iteratively: dropping a deep Value recursively would overflow the stack.
        let mut levels = 0;
        let mut current = value;
        while let Value::Array(mut items) = current {
            levels += 1;
            current = items.pop().unwrap_or(Value::Null);
        }
        assert_eq!(levels, depth);
    }
}
