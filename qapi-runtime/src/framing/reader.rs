//! The client side of framing: a streamer that can skip everything up to a 0xFF sentinel.

use super::{JsonStreamer, Limits, StreamItem, SENTINEL};

/// Splits a server's output into JSON values, and during guest agent resynchronisation discards
/// everything up to the 0xFF sentinel that starts the reply to `guest-sync-delimited`.
///
/// Whatever a previous client left unread in the channel, and the agent's complaint about the
/// 0xFF the client sent, come before the sentinel and so are never parsed.
///
/// ```
/// use qapi_runtime::framing::ReplyReader;
/// use serde_json::json;
///
/// let mut reader = ReplyReader::new();
/// reader.discard_until_sentinel();
/// let items = reader.feed(b"{\"return\": 7}\n{\"error\": {\"class\": \"GenericError\", \"desc\": \"x\"}}\n\xff{\"return\": 42}\n");
/// assert_eq!(items, vec![Ok(json!({"return": 42}))]);
/// ```
#[derive(Debug)]
pub struct ReplyReader {
    streamer: JsonStreamer,
    awaiting_sentinel: bool,
}

impl ReplyReader {
    /// A reader with [`Limits::CLIENT`].
    pub fn new() -> ReplyReader {
        ReplyReader::with_limits(Limits::CLIENT)
    }

    /// A reader with the given limits.
    pub fn with_limits(limits: Limits) -> ReplyReader {
        ReplyReader {
            streamer: JsonStreamer::with_limits(limits),
            awaiting_sentinel: false,
        }
    }

    /// Drops any partial input and discards all further input up to and including the next
    /// 0xFF byte.
    pub fn discard_until_sentinel(&mut self) {
        self.streamer.reset();
        self.awaiting_sentinel = true;
    }

    /// Whether input is being discarded until a sentinel.
    pub fn is_awaiting_sentinel(&self) -> bool {
        self.awaiting_sentinel
    }

    /// Feeds bytes; returns the values (and parse errors) they complete, in order.
    pub fn feed(&mut self, mut input: &[u8]) -> Vec<StreamItem> {
        if self.awaiting_sentinel {
            match input.iter().position(|&byte| byte == SENTINEL) {
                None => return Vec::new(),
                Some(at) => {
                    input = &input[at + 1..];
                    self.awaiting_sentinel = false;
                    self.streamer.reset();
                }
            }
        }
        self.streamer.feed(input)
    }

    /// Forgets partial input and stops discarding, as a new reader.
    pub fn reset(&mut self) {
        self.streamer.reset();
        self.awaiting_sentinel = false;
    }
}

impl Default for ReplyReader {
    fn default() -> ReplyReader {
        ReplyReader::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn passes_values_through_when_not_syncing() {
        let mut reader = ReplyReader::new();
        assert!(!reader.is_awaiting_sentinel());
        assert_eq!(
            reader.feed(b"{\"return\": {}}\r\n{\"ev"),
            vec![Ok(json!({"return": {}}))]
        );
        assert_eq!(
            reader.feed(b"ent\": \"STOP\"}"),
            vec![Ok(json!({"event": "STOP"}))]
        );
    }

    #[test]
    fn discards_up_to_the_sentinel_across_reads() {
        let mut reader = ReplyReader::new();
        assert!(reader.feed(b"{\"return\": {}, \"i").is_empty());
        reader.discard_until_sentinel();
        assert!(reader.feed(b"d\": 1}\n{\"return\": 9}\n").is_empty());
        assert!(reader.is_awaiting_sentinel());
        assert_eq!(reader.feed(b"junk\xff{\"return\":"), vec![]);
        assert!(!reader.is_awaiting_sentinel());
        assert_eq!(reader.feed(b" 42}\n"), vec![Ok(json!({"return": 42}))]);
    }

    #[test]
    fn later_sentinels_are_parse_errors() {
        let mut reader = ReplyReader::new();
        let items = reader.feed(b"\xff{\"return\": 1}\n");
        assert!(items[0].is_err());
        assert_eq!(items[1], Ok(json!({"return": 1})));
    }
}
