//! The tokenizer: bytes in, JSON tokens out, with the states and error recovery of QEMU's
//! `json-lexer.c` (QEMU 3.1 and later, so qemu-ga 7.2).
//!
//! It accepts QEMU's extension of single-quoted strings, leaves validating string contents,
//! keywords and numbers to the parser, and after a lexical error skips input until a byte where
//! a new token can sensibly start: a structural character, an ASCII control character other than
//! tab, or one of the impossible UTF-8 bytes 0xFE and 0xFF. That is why a client can force the
//! parser into a known state by sending 0xFF.

/// The kinds of token the parser receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    LeftCurly,
    RightCurly,
    LeftSquare,
    RightSquare,
    Colon,
    Comma,
    String,
    Integer,
    Float,
    Keyword,
}

/// Where the lexer's output goes: the streamer, which groups tokens into values.
pub(crate) trait TokenSink {
    /// A complete token and its text.
    fn token(&mut self, kind: TokenKind, text: &[u8]);
    /// A lexical error; `text` is the partial token including the offending byte.
    fn error(&mut self, text: &[u8]);
    /// A single token grew beyond the size limit and was dropped.
    fn token_too_long(&mut self);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    Recovery,
    DoubleQuoted,
    DoubleQuotedEscape,
    SingleQuoted,
    SingleQuotedEscape,
    Zero,
    Sign,
    Digits,
    Mantissa,
    MantissaDigits,
    Exponent,
    ExponentSign,
    ExponentDigits,
    Keyword,
}

/// What one byte does in one state.
enum Action {
    /// Keep the byte in the token and go on in this state.
    Extend(State),
    /// Drop the byte and go on in this state (whitespace, or input skipped after an error).
    Discard(State),
    /// Keep the byte; it completes a token of this kind.
    Complete(TokenKind),
    /// The token ended before this byte: emit it, then look at the byte again from the start.
    CompleteBefore(TokenKind),
    /// Keep the byte; it makes the token invalid.
    Error,
    /// Leave error recovery and look at the byte again from the start.
    Resynchronize,
}

/// A byte-at-a-time JSON tokenizer; see the module documentation.
#[derive(Debug)]
pub(crate) struct Lexer {
    state: State,
    token: Vec<u8>,
    max_token_size: usize,
}

impl Lexer {
    pub(crate) fn new(max_token_size: usize) -> Lexer {
        Lexer {
            state: State::Start,
            token: Vec::new(),
            max_token_size,
        }
    }

    /// Whether no token is in progress and no error is being recovered from.
    pub(crate) fn is_idle(&self) -> bool {
        self.state == State::Start && self.token.is_empty()
    }

    /// Forgets any partial token and leaves error recovery.
    pub(crate) fn reset(&mut self) {
        self.state = State::Start;
        self.token = Vec::new();
    }

    /// Feeds one byte, reporting what it completes to `sink`.
    pub(crate) fn feed(&mut self, byte: u8, sink: &mut impl TokenSink) {
        loop {
            match transition(self.state, byte) {
                Action::Extend(state) => {
                    self.token.push(byte);
                    self.state = state;
                }
                Action::Discard(state) => {
                    self.token.clear();
                    self.state = state;
                }
                Action::Complete(kind) => {
                    self.token.push(byte);
                    sink.token(kind, &self.token);
                    self.token.clear();
                    self.state = State::Start;
                }
                Action::CompleteBefore(kind) => {
                    sink.token(kind, &self.token);
                    self.token.clear();
                    self.state = State::Start;
                    continue;
                }
                Action::Error => {
                    self.token.push(byte);
                    sink.error(&self.token);
                    self.token.clear();
                    self.state = State::Recovery;
                }
                Action::Resynchronize => {
                    self.state = State::Start;
                    continue;
                }
            }
            break;
        }
        // A single token may not grow without bound: that is a memory limit, not a syntax rule.
        if self.token.len() > self.max_token_size {
            sink.token_too_long();
            self.reset();
        }
    }

    /// Ends the input: completes a pending number or keyword, reports an unterminated string
    /// or number as an error, and returns to the start state.
    pub(crate) fn finish(&mut self, sink: &mut impl TokenSink) {
        match self.state {
            State::Start | State::Recovery => {}
            State::Zero | State::Digits => sink.token(TokenKind::Integer, &self.token),
            State::MantissaDigits | State::ExponentDigits => {
                sink.token(TokenKind::Float, &self.token)
            }
            State::Keyword => sink.token(TokenKind::Keyword, &self.token),
            State::DoubleQuoted
            | State::DoubleQuotedEscape
            | State::SingleQuoted
            | State::SingleQuotedEscape
            | State::Sign
            | State::Mantissa
            | State::Exponent
            | State::ExponentSign => sink.error(&self.token),
        }
        self.token.clear();
        self.state = State::Start;
    }
}

fn transition(state: State, byte: u8) -> Action {
    match state {
        State::Start => match byte {
            b'"' => Action::Extend(State::DoubleQuoted),
            b'\'' => Action::Extend(State::SingleQuoted),
            b'0' => Action::Extend(State::Zero),
            b'1'..=b'9' => Action::Extend(State::Digits),
            b'-' => Action::Extend(State::Sign),
            b'{' => Action::Complete(TokenKind::LeftCurly),
            b'}' => Action::Complete(TokenKind::RightCurly),
            b'[' => Action::Complete(TokenKind::LeftSquare),
            b']' => Action::Complete(TokenKind::RightSquare),
            b':' => Action::Complete(TokenKind::Colon),
            b',' => Action::Complete(TokenKind::Comma),
            b'a'..=b'z' => Action::Extend(State::Keyword),
            b' ' | b'\t' | b'\r' | b'\n' => Action::Discard(State::Start),
            _ => Action::Error,
        },
        State::Recovery => match byte {
            b'\t' => Action::Discard(State::Recovery),
            0x00..=0x1F | 0xFE | 0xFF => Action::Resynchronize,
            b'[' | b']' | b'{' | b'}' | b':' | b',' => Action::Resynchronize,
            _ => Action::Discard(State::Recovery),
        },
        State::DoubleQuoted => quoted(byte, b'"', State::DoubleQuoted, State::DoubleQuotedEscape),
        State::SingleQuoted => quoted(byte, b'\'', State::SingleQuoted, State::SingleQuotedEscape),
        State::DoubleQuotedEscape => escaped(byte, State::DoubleQuoted),
        State::SingleQuotedEscape => escaped(byte, State::SingleQuoted),
        State::Zero => match byte {
            b'0'..=b'9' => Action::Error,
            b'.' => Action::Extend(State::Mantissa),
            _ => Action::CompleteBefore(TokenKind::Integer),
        },
        State::Sign => match byte {
            b'0' => Action::Extend(State::Zero),
            b'1'..=b'9' => Action::Extend(State::Digits),
            _ => Action::Error,
        },
        State::Digits => match byte {
            b'0'..=b'9' => Action::Extend(State::Digits),
            b'e' | b'E' => Action::Extend(State::Exponent),
            b'.' => Action::Extend(State::Mantissa),
            _ => Action::CompleteBefore(TokenKind::Integer),
        },
        State::Mantissa => match byte {
            b'0'..=b'9' => Action::Extend(State::MantissaDigits),
            _ => Action::Error,
        },
        State::MantissaDigits => match byte {
            b'0'..=b'9' => Action::Extend(State::MantissaDigits),
            b'e' | b'E' => Action::Extend(State::Exponent),
            _ => Action::CompleteBefore(TokenKind::Float),
        },
        State::Exponent => match byte {
            b'-' | b'+' => Action::Extend(State::ExponentSign),
            b'0'..=b'9' => Action::Extend(State::ExponentDigits),
            _ => Action::Error,
        },
        State::ExponentSign => match byte {
            b'0'..=b'9' => Action::Extend(State::ExponentDigits),
            _ => Action::Error,
        },
        State::ExponentDigits => match byte {
            b'0'..=b'9' => Action::Extend(State::ExponentDigits),
            _ => Action::CompleteBefore(TokenKind::Float),
        },
        State::Keyword => match byte {
            b'a'..=b'z' => Action::Extend(State::Keyword),
            _ => Action::CompleteBefore(TokenKind::Keyword),
        },
    }
}

/// Inside a string: any byte but control characters and 0xFE/0xFF; the parser checks UTF-8.
fn quoted(byte: u8, quote: u8, same: State, escape: State) -> Action {
    match byte {
        b'\\' => Action::Extend(escape),
        _ if byte == quote => Action::Complete(TokenKind::String),
        0x20..=0xFD => Action::Extend(same),
        _ => Action::Error,
    }
}

/// After a backslash: any byte a string may hold; the parser rejects unknown escapes.
fn escaped(byte: u8, string: State) -> Action {
    match byte {
        0x20..=0xFD => Action::Extend(string),
        _ => Action::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Seen {
        Token(TokenKind, String),
        Error(String),
        TooLong,
    }

    #[derive(Default)]
    struct Recorder(Vec<Seen>);

    impl TokenSink for Recorder {
        fn token(&mut self, kind: TokenKind, text: &[u8]) {
            self.0.push(Seen::Token(
                kind,
                String::from_utf8_lossy(text).into_owned(),
            ));
        }
        fn error(&mut self, text: &[u8]) {
            self.0
                .push(Seen::Error(String::from_utf8_lossy(text).into_owned()));
        }
        fn token_too_long(&mut self) {
            self.0.push(Seen::TooLong);
        }
    }

    fn lex(input: &[u8]) -> Vec<Seen> {
        let mut lexer = Lexer::new(64);
        let mut recorder = Recorder::default();
        for &byte in input {
            lexer.feed(byte, &mut recorder);
        }
        recorder.0
    }

    fn token(kind: TokenKind, text: &str) -> Seen {
        Seen::Token(kind, text.to_owned())
    }

    #[test]
    fn tokens_of_a_request() {
        use TokenKind::*;
        assert_eq!(
            lex(b"{\"execute\": 'x', \"n\": [-1.5e3, 0, true]}"),
            vec![
                token(LeftCurly, "{"),
                token(String, "\"execute\""),
                token(Colon, ":"),
                token(String, "'x'"),
                token(Comma, ","),
                token(String, "\"n\""),
                token(Colon, ":"),
                token(LeftSquare, "["),
                token(Float, "-1.5e3"),
                token(Comma, ","),
                token(Integer, "0"),
                token(Comma, ","),
                token(Keyword, "true"),
                token(RightSquare, "]"),
                token(RightCurly, "}"),
            ]
        );
    }

    #[test]
    fn errors_keep_the_offending_byte() {
        assert_eq!(lex(b"01 "), vec![Seen::Error("01".to_owned())]);
        assert_eq!(lex(b"-x "), vec![Seen::Error("-x".to_owned())]);
        assert_eq!(lex(b"\"ab\n"), vec![Seen::Error("\"ab\n".to_owned())]);
    }

    #[test]
    fn recovery_skips_to_a_structural_character() {
        assert_eq!(
            lex(b"\x01abc{"),
            vec![
                Seen::Error("\x01".to_owned()),
                token(TokenKind::LeftCurly, "{")
            ]
        );
        // Control characters and 0xFF end recovery, then are errors in their own right.
        assert_eq!(
            lex(b"%zz\xFF"),
            vec![
                Seen::Error("%".to_owned()),
                Seen::Error("\u{FFFD}".to_owned())
            ]
        );
        // A tab does not.
        assert_eq!(
            lex(b"%\t\x02"),
            vec![Seen::Error("%".to_owned()), Seen::Error("\x02".to_owned())]
        );
    }

    #[test]
    fn lookahead_ends_numbers_and_keywords() {
        use TokenKind::*;
        assert_eq!(lex(b"12,"), vec![token(Integer, "12"), token(Comma, ",")]);
        assert_eq!(
            lex(b"nul%"),
            vec![token(Keyword, "nul"), Seen::Error("%".to_owned())]
        );
        assert_eq!(
            lex(b"1.0]"),
            vec![token(Float, "1.0"), token(RightSquare, "]")]
        );
    }

    #[test]
    fn oversized_token_is_dropped() {
        let mut input = vec![b'"'];
        input.extend(std::iter::repeat_n(b'a', 70));
        let seen = lex(&input);
        assert_eq!(seen, vec![Seen::TooLong]);
    }

    #[test]
    fn finish_completes_or_rejects() {
        let mut lexer = Lexer::new(64);
        let mut recorder = Recorder::default();
        for &byte in b"42" {
            lexer.feed(byte, &mut recorder);
        }
        lexer.finish(&mut recorder);
        for &byte in b"\"open" {
            lexer.feed(byte, &mut recorder);
        }
        lexer.finish(&mut recorder);
        assert_eq!(
            recorder.0,
            vec![
                token(TokenKind::Integer, "42"),
                Seen::Error("\"open".to_owned())
            ]
        );
    }
}
