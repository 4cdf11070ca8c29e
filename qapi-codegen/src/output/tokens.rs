//! What the printer needs to know about single tokens and flat runs of them: keywords,
//! operators (a run of joint punctuation), which `<` opens generics, and where a list splits
//! at its commas.

use super::tree::Token;
use proc_macro2::{Delimiter, Spacing};

/// Keywords after which an operand follows with a space (`return x`, `mut self`, `in [..]`).
/// `self`, `Self`, `super`, `crate`, `true`, `false` and `await` (`x.await?`) end operands,
/// so they are not here.
pub fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "break"
            | "const"
            | "continue"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "type"
            | "union"
            | "unsafe"
            | "use"
            | "where"
            | "while"
    )
}

/// The number of tokens from `index` that make one operator: joint punctuation up to and
/// including the first that is alone (`::`, `->`, `..=`). A lifetime's `'` is never part of
/// one; 0 when the token there is not punctuation.
pub fn operator_len(tokens: &[Token], index: usize) -> usize {
    let mut len = 0;
    while let Some(Token::Punct(ch, spacing)) = tokens.get(index + len) {
        if *ch == '\'' {
            break;
        }
        len += 1;
        if *spacing == Spacing::Alone || is_punct(tokens.get(index + len), '\'') {
            break;
        }
    }
    len
}

/// An operator's text, such as `::` or `=>`, kept without an allocation. It is ASCII,
/// and matched as bytes: as a `str` it would be checked to be UTF-8 at every operator.
pub struct OperatorText {
    bytes: [u8; 4],
    len: usize,
}

impl OperatorText {
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The text of the operator made of `tokens` (punctuation, which is ASCII; Rust's longest
/// operator has three characters, so a longer run of joint punctuation, which only a
/// lexer would make, keeps its first four).
pub fn operator_text(tokens: &[Token]) -> OperatorText {
    let mut text = OperatorText {
        bytes: [0; 4],
        len: 0,
    };
    for token in tokens {
        if let Token::Punct(ch, _) = token {
            if ch.is_ascii() && text.len < text.bytes.len() {
                text.bytes[text.len] = *ch as u8;
                text.len += 1;
            }
        }
    }
    text
}

/// Whether the token is the punctuation `ch`, alone or joint.
pub fn is_punct(token: Option<&Token>, ch: char) -> bool {
    matches!(token, Some(Token::Punct(punct, _)) if *punct == ch)
}

/// Whether the token is a group with this delimiter.
pub fn is_group(token: Option<&Token>, delimiter: Delimiter) -> bool {
    matches!(token, Some(Token::Group(group)) if group.delimiter == delimiter)
}

/// Whether a `<` after an identifier opens its generic arguments rather than comparing:
/// types and traits are `UpperCamel` (`Vec<T>`, `Result<A, B>`), while a lower-case name
/// before `<` is a value (`count < limit`), unless it was just declared (`fn f<T>`).
pub fn generic_after_word(word: &str, declared: bool) -> bool {
    declared
        || word
            .strip_prefix("r#")
            .unwrap_or(word)
            .starts_with(|ch: char| ch.is_ascii_uppercase())
}

/// Tracks how deep a flat run of tokens is inside `<…>` generics, token by token, the way
/// the printer decides it: a `<` opens generics after a type-like name, after `::`
/// (turbofish), after `impl`/`for`, or where no operand precedes it (`<T as Trait>::f`).
#[derive(Default)]
pub struct Angles {
    pub depth: usize,
    /// The previous token ends an operand (a name, a literal, a group).
    operand: bool,
    /// The previous token is a name after which `<` opens generics.
    generic_word: bool,
    /// The previous token was `fn`, `struct`, … : the next name is being declared.
    declaring: bool,
}

impl Angles {
    /// Steps over the token at `index`; returns how many tokens it took (an operator can be
    /// several).
    pub fn step(&mut self, tokens: &[Token], index: usize) -> usize {
        match &tokens[index] {
            Token::Ident(word) => {
                let keyword = is_keyword(word);
                self.generic_word = !keyword && generic_after_word(word, self.declaring)
                    || *word == "impl"
                    || *word == "for";
                self.declaring =
                    matches!(*word, "fn" | "struct" | "enum" | "union" | "trait" | "type");
                self.operand = !keyword;
                1
            }
            Token::Literal(_) | Token::Group(_) => {
                self.operand = true;
                self.generic_word = false;
                self.declaring = false;
                1
            }
            Token::Punct('\'', _) => {
                // A lifetime: its name follows and is an operand.
                self.operand = false;
                self.generic_word = false;
                self.declaring = false;
                if matches!(tokens.get(index + 1), Some(Token::Ident(_))) {
                    self.operand = true;
                    2
                } else {
                    1
                }
            }
            Token::Punct(..) => {
                let len = operator_len(tokens, index).max(1);
                let text = operator_text(&tokens[index..index + len]);
                let text = text.as_bytes();
                let was_operand = self.operand;
                let was_generic_word = self.generic_word;
                self.operand = false;
                self.generic_word = false;
                self.declaring = false;
                match text {
                    b"<" if was_generic_word || !was_operand => self.depth += 1,
                    b">" if self.depth > 0 => {
                        self.depth -= 1;
                        self.operand = true;
                    }
                    b">>" if self.depth > 1 => {
                        self.depth -= 2;
                        self.operand = true;
                    }
                    b"::" => self.generic_word = true,
                    b"?" => self.operand = true,
                    _ => {}
                }
                len
            }
        }
    }
}

/// Splits a list at its top-level commas (not those inside `<…>`), each part keeping its
/// comma.
pub fn split_at_commas<'s, 't>(tokens: &'s [Token<'t>]) -> Vec<&'s [Token<'t>]> {
    let mut parts = Vec::new();
    let mut angles = Angles::default();
    let mut start = 0;
    let mut index = 0;
    while index < tokens.len() {
        let comma = angles.depth == 0 && is_punct(tokens.get(index), ',');
        index += angles.step(tokens, index);
        if comma {
            parts.push(&tokens[start..index]);
            start = index;
        }
    }
    if start < tokens.len() {
        parts.push(&tokens[start..]);
    }
    parts
}

/// Whether a list has a comma, and whether it has a `;`, at its top level (not inside
/// `<…>`), in one walk. The walk stops at the first `;`.
pub fn top_level_separators(tokens: &[Token]) -> (bool, bool) {
    let mut angles = Angles::default();
    let mut comma = false;
    let mut index = 0;
    while index < tokens.len() {
        if angles.depth == 0 {
            match tokens[index] {
                Token::Punct(',', _) => comma = true,
                Token::Punct(';', _) => return (comma, true),
                _ => {}
            }
        }
        index += angles.step(tokens, index);
    }
    (comma, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tree::Tree;
    use quote::quote;

    /// The tokens as proc_macro2 shows them: spaced, but after joint punctuation.
    fn text(all: &[Token], tokens: &[Token]) -> String {
        let mut text = String::new();
        let mut joint = true;
        for token in tokens {
            if !joint {
                text.push(' ');
            }
            joint = false;
            match token {
                Token::Ident(word) | Token::Literal(word) => text.push_str(word),
                Token::Punct(ch, spacing) => {
                    text.push(*ch);
                    joint = *spacing == Spacing::Joint;
                }
                Token::Group(group) => {
                    let (open, close) = match group.delimiter {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => ("", ""),
                    };
                    text.push_str(open);
                    text.push_str(&self::text(all, group.tokens(all)));
                    text.push_str(close);
                }
            }
        }
        text
    }

    fn texts(all: &[Token], parts: Vec<&[Token]>) -> Vec<String> {
        parts.into_iter().map(|part| text(all, part)).collect()
    }

    #[test]
    fn commas_inside_generics_do_not_split() {
        let tree = Tree::new(quote! { a: Result<A, B>, b: Vec<(C, D)>, c: x < y, d: e > f });
        let tokens = tree.tokens();
        assert_eq!(
            texts(tokens.all(), split_at_commas(tokens.top())),
            [
                "a : Result < A , B > ,",
                "b : Vec < (C , D) > ,",
                "c : x < y ,",
                "d : e > f"
            ]
        );
    }

    #[test]
    fn arrows_and_turbofish_are_not_angles() {
        let tree = Tree::new(quote! { A => f::<X, Y>(), B -> C, D });
        let tokens = tree.tokens();
        assert_eq!(
            texts(tokens.all(), split_at_commas(tokens.top())),
            ["A => f :: < X , Y > () ,", "B -> C ,", "D"]
        );
    }

    #[test]
    fn operators_are_runs_of_joint_punctuation() {
        let tree = Tree::new(quote! { :: -> &'a >> > });
        let tokens = tree.tokens();
        assert_eq!(operator_len(tokens.top(), 0), 2);
        assert_eq!(operator_len(tokens.top(), 2), 2);
        assert_eq!(operator_len(tokens.top(), 4), 1);
        assert_eq!(operator_len(tokens.top(), 5), 0);
        assert_eq!(operator_len(tokens.top(), 7), 2);
        assert_eq!(operator_len(tokens.top(), 9), 1);
    }
}
