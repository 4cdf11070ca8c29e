//! JSON stream framing in both directions, over bytes.
//!
//! QMP and the guest agent protocol send JSON values back to back over a byte stream, with no
//! framing but the JSON itself. [`JsonStreamer`] splits such a stream the way QEMU's
//! `json-streamer.c` does, so an agent built on it answers every input as qemu-ga 7.2 does:
//!
//! - several values may share a line, and one value may span reads and lines;
//! - a value ends when its brackets and braces balance (or a closing one has no opening one);
//! - a lexical error (any control character but whitespace, a byte 0xFE or 0xFF, a stray `%`,
//!   ...) drops the partial value, is reported as `JSON parse error, stray '...'`, and the lexer
//!   then skips input up to the next structural character or control byte. A guest agent
//!   client uses this to reset the agent's parser by sending 0xFF;
//! - syntax errors are reported in QEMU's words (`JSON parse error, expecting value`, ...), once
//!   the value's brackets balance;
//! - memory stays bounded: QEMU's limits on token size, token count and nesting depth
//!   ([`Limits::QEMU`]) end a value with `JSON token size limit exceeded`, `JSON token count
//!   limit exceeded` or `JSON nesting depth limit exceeded`.
//!
//! Each parse error is a [`JsonParseError`], which an agent answers with a `GenericError` reply
//! without `id` .
//!
//! In the other direction, [`to_wire`] and [`to_wire_line`] write JSON as QEMU does: ASCII only
//! (every other character as `\uXXXX`), with `", "` and `": "` separators. [`SENTINEL`] is the
//! 0xFF byte that starts the reply to `guest-sync-delimited`; [`ReplyReader`] is the client
//! side, which can discard everything up to that sentinel while resynchronising.

mod lexer;
mod parser;
mod reader;
mod utf8;
mod writer;

pub use reader::ReplyReader;
pub use writer::{to_wire, to_wire_line, write_wire};

use serde_json::Value;

use crate::errors::QapiError;
use lexer::{Lexer, TokenKind, TokenSink};
use parser::Token;

/// The byte qemu-ga writes before its reply to `guest-sync-delimited`, and that a client sends
/// to flush the agent's parser. It never occurs in UTF-8 text.
pub const SENTINEL: u8 = 0xFF;

/// Bounds on what one JSON value may use; input beyond them is an error, not an allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in one token, and in all the tokens of one value together (QEMU: 64 MiB).
    pub max_token_size: usize,
    /// Tokens in one value (QEMU: 2 Mi).
    pub max_token_count: usize,
    /// Open brackets and braces at once (QEMU: 1024).
    pub max_nesting: usize,
}

impl Limits {
    /// QEMU's limits (`MAX_TOKEN_SIZE`, `MAX_TOKEN_COUNT`, `MAX_NESTING` in `json-streamer.c`).
    /// Agents should use these, so they accept and refuse what qemu-ga does.
    pub const QEMU: Limits = Limits {
        max_token_size: 64 << 20,
        max_token_count: 2 << 20,
        max_nesting: 1 << 10,
    };

    /// Limits for reading a server's replies: QEMU's, but a token may reach 256 MiB, because
    /// qemu-ga can return 48 MiB of file contents as one 64 MiB base64 string, a little more
    /// than its own input limit.
    pub const CLIENT: Limits = Limits {
        max_token_size: 256 << 20,
        max_token_count: 2 << 20,
        max_nesting: 1 << 10,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::QEMU
    }
}

/// Input that is not one well-formed JSON value; the message is QEMU's, e.g.
/// `JSON parse error, expecting value`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonParseError {
    /// The message, worded as QEMU words it.
    pub message: String,
}

impl From<JsonParseError> for QapiError {
    /// A parse error is answered with a `GenericError` carrying the parser's message.
    fn from(error: JsonParseError) -> QapiError {
        QapiError::generic(error.message)
    }
}

/// What the streamer produces: a complete value, or a parse error standing for one.
pub type StreamItem = Result<Value, JsonParseError>;

/// Splits a byte stream into JSON values as QEMU's JSON streamer does; see the module
/// documentation for the exact behaviour.
///
/// ```
/// use qapi_runtime::framing::JsonStreamer;
/// use serde_json::json;
///
/// let mut streamer = JsonStreamer::new();
/// assert!(streamer.feed(b"{\"execute\":").is_empty());
/// let items = streamer.feed(b" \"guest-ping\"}{\"execute\": }\n");
/// assert_eq!(items[0], Ok(json!({"execute": "guest-ping"})));
/// assert_eq!(items[1].as_ref().unwrap_err().message, "JSON parse error, expecting value");
/// ```
#[derive(Debug)]
pub struct JsonStreamer {
    lexer: Lexer,
    values: Grouper,
}

impl JsonStreamer {
    /// A streamer with QEMU's limits.
    pub fn new() -> JsonStreamer {
        JsonStreamer::with_limits(Limits::QEMU)
    }

    /// A streamer with the given limits.
    pub fn with_limits(limits: Limits) -> JsonStreamer {
        JsonStreamer {
            lexer: Lexer::new(limits.max_token_size),
            values: Grouper::new(limits),
        }
    }

    /// Feeds bytes; returns the values (and errors) they complete, in order.
    pub fn feed(&mut self, input: &[u8]) -> Vec<StreamItem> {
        for &byte in input {
            self.lexer.feed(byte, &mut self.values);
        }
        std::mem::take(&mut self.values.output)
    }

    /// Ends the input: a pending number or keyword completes, an unfinished value is reported
    /// (`JSON parse error, premature EOI`, or `stray` for an unterminated string). Afterwards the
    /// streamer is ready for new input.
    pub fn finish(&mut self) -> Vec<StreamItem> {
        self.lexer.finish(&mut self.values);
        self.values.end_of_input();
        std::mem::take(&mut self.values.output)
    }

    /// Forgets any partial input, as if the streamer were new.
    ///
    /// qemu-ga 7.2 keeps its parser's state across client connections (a partial request from
    /// one client is continued by the next); an agent that wants the same behaviour does not
    /// call this on reconnection. Clients call it when they resynchronise.
    pub fn reset(&mut self) {
        self.lexer.reset();
        self.values.reset();
    }

    /// Whether input has been fed that does not yet form a complete value.
    pub fn has_partial_input(&self) -> bool {
        !self.values.tokens.is_empty() || !self.lexer.is_idle()
    }
}

impl Default for JsonStreamer {
    fn default() -> JsonStreamer {
        JsonStreamer::new()
    }
}

/// Groups tokens into values: counts brackets, enforces the limits, and parses a value's
/// tokens once they balance.
#[derive(Debug)]
struct Grouper {
    limits: Limits,
    tokens: Vec<Token>,
    text: Vec<u8>,
    braces: i64,
    brackets: i64,
    output: Vec<StreamItem>,
}

impl Grouper {
    fn new(limits: Limits) -> Grouper {
        Grouper {
            limits,
            tokens: Vec::new(),
            text: Vec::new(),
            braces: 0,
            brackets: 0,
            output: Vec::new(),
        }
    }

    fn reset(&mut self) {
        self.tokens = Vec::new();
        self.text = Vec::new();
        self.braces = 0;
        self.brackets = 0;
    }

    fn emit(&mut self, item: StreamItem) {
        self.reset();
        self.output.push(item);
    }

    fn fail(&mut self, message: impl Into<String>) {
        self.emit(Err(JsonParseError {
            message: message.into(),
        }));
    }

    fn parse_tokens(&mut self) {
        let item =
            parser::parse(&self.tokens, &self.text).map_err(|message| JsonParseError { message });
        self.emit(item);
    }

    fn end_of_input(&mut self) {
        if !self.tokens.is_empty() {
            self.parse_tokens();
        }
    }
}

impl TokenSink for Grouper {
    fn token(&mut self, kind: TokenKind, text: &[u8]) {
        match kind {
            TokenKind::LeftCurly => self.braces += 1,
            TokenKind::RightCurly => self.braces -= 1,
            TokenKind::LeftSquare => self.brackets += 1,
            TokenKind::RightSquare => self.brackets -= 1,
            _ => {}
        }
        // The checks, their order and their arithmetic are QEMU's, so the same input trips the
        // same limit.
        if self.text.len() + text.len() + 1 > self.limits.max_token_size {
            return self.fail("JSON token size limit exceeded");
        }
        if self.tokens.len() + 1 > self.limits.max_token_count {
            return self.fail("JSON token count limit exceeded");
        }
        if self.braces + self.brackets > i64::try_from(self.limits.max_nesting).unwrap_or(i64::MAX)
        {
            return self.fail("JSON nesting depth limit exceeded");
        }
        let start = self.text.len();
        self.text.extend_from_slice(text);
        self.tokens.push(Token {
            kind,
            start,
            end: self.text.len(),
        });
        let open = self.braces > 0 || self.brackets > 0;
        if open && self.braces >= 0 && self.brackets >= 0 {
            return;
        }
        self.parse_tokens();
    }

    fn error(&mut self, text: &[u8]) {
        self.fail(format!("JSON parse error, stray '{}'", utf8::lossy(text)));
    }

    fn token_too_long(&mut self) {
        self.fail("JSON token size limit exceeded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(items: &[StreamItem]) -> Vec<String> {
        items
            .iter()
            .map(|item| match item {
                Ok(value) => value.to_string(),
                Err(error) => error.message.clone(),
            })
            .collect()
    }

    fn feed_all(input: &[u8]) -> Vec<String> {
        messages(&JsonStreamer::new().feed(input))
    }

    #[test]
    fn several_values_on_one_line() {
        assert_eq!(
            feed_all(b"{\"execute\":\"guest-ping\"}{\"execute\":\"guest-sync\",\"arguments\":{\"id\":3}}\n"),
            vec![r#"{"execute":"guest-ping"}"#, r#"{"execute":"guest-sync","arguments":{"id":3}}"#]
        );
        assert_eq!(feed_all(b"1 2 \"x\" "), vec!["1", "2", "\"x\""]);
    }

    #[test]
    fn one_value_split_across_reads() {
        let mut streamer = JsonStreamer::new();
        let mut items = Vec::new();
        for chunk in [
            &b"{\"execute\":\n"[..],
            b" \"guest-sync\",\n \"argu",
            b"ments\": {\"id\": 5}\n",
            b"}\n",
        ] {
            items.extend(streamer.feed(chunk));
        }
        assert_eq!(
            items,
            vec![Ok(json!({"execute": "guest-sync", "arguments": {"id": 5}}))]
        );
        // Byte by byte gives the same.
        let mut streamer = JsonStreamer::new();
        let input = b"[1, {\"a\": 'b'}, -2.5e1]";
        let items: Vec<_> = input
            .iter()
            .flat_map(|byte| streamer.feed(&[*byte]))
            .collect();
        assert_eq!(items, vec![Ok(json!([1, {"a": "b"}, -25.0]))]);
    }

    #[test]
    fn sentinel_flushes_partial_input() {
        assert_eq!(
            feed_all(b"{\"execute\":\"guest-ping\"\xFF{\"execute\":\"guest-ping\"}\n"),
            vec![
                "JSON parse error, stray '\u{FFFD}'",
                r#"{"execute":"guest-ping"}"#
            ]
        );
        assert_eq!(
            feed_all(b"{\"exec\xFF{\"execute\":\"guest-ping\"}\n"),
            vec![
                "JSON parse error, stray '\"exec\u{FFFD}'",
                r#"{"execute":"guest-ping"}"#
            ]
        );
        assert_eq!(
            feed_all(b"\xFF\xFE\n"),
            vec![
                "JSON parse error, stray '\u{FFFD}'",
                "JSON parse error, stray '\u{FFFD}'"
            ]
        );
    }

    #[test]
    fn lexical_errors_in_qemu_words() {
        assert_eq!(feed_all(b"01\n"), vec!["JSON parse error, stray '01'"]);
        assert_eq!(feed_all(b"-x\n"), vec!["JSON parse error, stray '-x'"]);
        assert_eq!(feed_all(b"\x00\n"), vec!["JSON parse error, stray ''"]);
        assert_eq!(feed_all(b"%d\n"), vec!["JSON parse error, stray '%'"]);
        assert_eq!(
            feed_all(b"\x01abc{\"execute\":\"guest-ping\"}\n"),
            vec![
                "JSON parse error, stray '\u{1}'",
                r#"{"execute":"guest-ping"}"#
            ]
        );
        assert_eq!(
            feed_all("\"aé\x01xyz\"\n".as_bytes()),
            vec!["JSON parse error, stray '\"aé\u{1}'"]
        );
        assert_eq!(
            feed_all(b"'a'b'}\n"),
            vec![
                r#""a""#,
                "JSON parse error, invalid keyword 'b'",
                "JSON parse error, stray ''}\n'"
            ]
        );
    }

    #[test]
    fn unbalanced_closers_end_values() {
        assert_eq!(
            feed_all(b"]]\n"),
            vec![
                "JSON parse error, expecting value",
                "JSON parse error, expecting value"
            ]
        );
        assert_eq!(
            feed_all(b"{\"execute\":\"guest-ping\"}}\n"),
            vec![
                r#"{"execute":"guest-ping"}"#,
                "JSON parse error, expecting value"
            ]
        );
        assert_eq!(
            feed_all(b"[}\n]\n"),
            vec![
                "JSON parse error, expecting value",
                "JSON parse error, expecting value"
            ]
        );
        // A brace closing inside brackets keeps the value open until the brackets balance.
        assert_eq!(feed_all(b"{[}]"), vec!["JSON parse error, expecting value"]);
    }

    #[test]
    fn partial_value_waits() {
        let mut streamer = JsonStreamer::new();
        assert_eq!(
            messages(&streamer.feed(b"{\"execute\":\"guest-ping\"} {\"execute\"\n")),
            vec![r#"{"execute":"guest-ping"}"#]
        );
        assert!(streamer.has_partial_input());
        assert_eq!(
            messages(&streamer.finish()),
            vec!["JSON parse error, premature EOI"]
        );
        assert!(!streamer.has_partial_input());
    }

    #[test]
    fn reset_forgets_partial_input() {
        let mut streamer = JsonStreamer::new();
        assert!(streamer.feed(b"{\"execute\": \"gue").is_empty());
        streamer.reset();
        assert_eq!(
            streamer.feed(b"{\"execute\":\"guest-ping\"}"),
            vec![Ok(json!({"execute": "guest-ping"}))]
        );
    }

    #[test]
    fn nesting_limit() {
        let mut input = vec![b'['; 1024];
        input.extend(vec![b']'; 1024]);
        assert_eq!(JsonStreamer::new().feed(&input).len(), 1);
        assert!(JsonStreamer::new().feed(&input)[0].is_ok());

        let mut streamer = JsonStreamer::new();
        let items = streamer.feed(&[b'['; 1025]);
        assert_eq!(messages(&items), vec!["JSON nesting depth limit exceeded"]);
        // What follows is parsed afresh: each closer is a value of its own.
        assert_eq!(
            messages(&streamer.feed(b"]]")),
            vec!["JSON parse error, expecting value"; 2]
        );
    }

    #[test]
    fn token_size_and_count_limits() {
        let limits = Limits {
            max_token_size: 16,
            max_token_count: 8,
            max_nesting: 4,
        };
        let mut streamer = JsonStreamer::with_limits(limits);
        // The lexer drops the token at 17 bytes and goes on with what follows, as QEMU's does.
        assert_eq!(
            messages(&streamer.feed(b"\"0123456789abcdefgh\"")),
            vec![
                "JSON token size limit exceeded",
                "JSON parse error, invalid keyword 'gh'"
            ]
        );
        let mut streamer = JsonStreamer::with_limits(limits);
        assert_eq!(
            messages(&streamer.feed(b"[\"0123\", \"4567\", \"89ab\"]")),
            vec![
                "JSON token size limit exceeded",
                "JSON parse error, expecting value"
            ]
        );
        let mut streamer = JsonStreamer::with_limits(limits);
        assert_eq!(
            messages(&streamer.feed(b"[1,2,3,4,5]")),
            vec![
                "JSON token count limit exceeded",
                "5",
                "JSON parse error, expecting value"
            ]
        );
        let mut streamer = JsonStreamer::with_limits(limits);
        assert_eq!(messages(&streamer.feed(b"[1,2,3]")), vec!["[1,2,3]"]);
    }

    #[test]
    fn survives_garbage() {
        let mut streamer = JsonStreamer::new();
        let garbage: Vec<u8> = b"}}}]]]".repeat(1000);
        let items = streamer.feed(&garbage);
        assert_eq!(items.len(), 6000);
        assert!(items
            .iter()
            .all(|item| item.as_ref().unwrap_err().message == "JSON parse error, expecting value"));
        assert_eq!(
            streamer.feed(b"{\"execute\":\"guest-ping\"}\n"),
            vec![Ok(json!({"execute": "guest-ping"}))]
        );
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        // A small deterministic generator: every byte value, in many orders and lengths.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let alphabet =
            b"{}[]:,\"'\\-+.0123456789eEtrufalsn \t\r\nux%\x00\x01\x7f\xc3\xa9\xed\xa0\x80\xfe\xff";
        for round in 0..2000 {
            let limits = if round % 2 == 0 {
                Limits::QEMU
            } else {
                Limits {
                    max_token_size: 8,
                    max_token_count: 6,
                    max_nesting: 3,
                }
            };
            let mut streamer = JsonStreamer::with_limits(limits);
            let len = round % 64;
            let mut input = Vec::with_capacity(len);
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let pick = (state % 300) as usize;
                input.push(if pick < alphabet.len() {
                    alphabet[pick]
                } else {
                    (state >> 32) as u8
                });
            }
            let _ = streamer.feed(&input);
            let _ = streamer.finish();
        }
    }
}
