//! The tokens the printer walks: proc_macro2's, taken apart once into plain values whose
//! names and literals are slices of one shared text, so that measuring a line and printing
//! it again clone nothing and format no identifier twice.
//!
//! Taking them apart allocates little: every name's and literal's text is written into one
//! string (no string per token), and each group's tokens into one vector of their own.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::fmt::Write;

pub enum Token<'t> {
    Ident(&'t str),
    Literal(&'t str),
    Punct(char, Spacing),
    Group(Group<'t>),
}

pub struct Group<'t> {
    pub delimiter: Delimiter,
    pub tokens: Vec<Token<'t>>,
}

/// A token stream taken apart: the text of its names and literals, and its tokens in
/// order (a group before its own tokens), each naming its text by position.
pub struct Tree {
    text: String,
    flat: Vec<Flat>,
    /// How many tokens are at the top level.
    top: usize,
}

enum Flat {
    Ident(usize, usize),
    Literal(usize, usize),
    Punct(char, Spacing),
    /// A group, followed by its tokens, of which `len` are directly in it.
    Group(Delimiter, usize),
}

impl Tree {
    /// The tokens of `stream`, consumed.
    pub fn new(stream: TokenStream) -> Tree {
        let mut tree = Tree {
            text: String::new(),
            flat: Vec::new(),
            top: 0,
        };
        tree.top = tree.take_apart(stream);
        tree
    }

    /// How many bytes its names and literals take.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// How many tokens it has, groups and their tokens included.
    pub fn len(&self) -> usize {
        self.flat.len()
    }

    /// Appends the tokens of `stream` to `flat`; returns how many are at its top level.
    fn take_apart(&mut self, stream: TokenStream) -> usize {
        let mut count = 0;
        for token in stream {
            count += 1;
            match token {
                TokenTree::Ident(ident) => {
                    let start = self.text.len();
                    // Writing into a string cannot fail.
                    let _ = write!(self.text, "{ident}");
                    self.flat.push(Flat::Ident(start, self.text.len()));
                }
                TokenTree::Literal(literal) => {
                    let start = self.text.len();
                    let _ = write!(self.text, "{literal}");
                    self.flat.push(Flat::Literal(start, self.text.len()));
                }
                TokenTree::Punct(punct) => {
                    self.flat
                        .push(Flat::Punct(punct.as_char(), punct.spacing()));
                }
                TokenTree::Group(group) => {
                    let delimiter = group.delimiter();
                    let stream = group.stream();
                    // Alone, the stream is taken apart without a copy of its tokens.
                    drop(group);
                    let at = self.flat.len();
                    self.flat.push(Flat::Group(delimiter, 0));
                    let len = self.take_apart(stream);
                    self.flat[at] = Flat::Group(delimiter, len);
                }
            }
        }
        count
    }

    /// The top-level tokens, their text borrowed from the tree.
    pub fn tokens(&self) -> Vec<Token<'_>> {
        let mut at = 0;
        self.build(&mut at, self.top)
    }

    /// The `len` tokens from `flat[*at]` on (and those of their groups), moving `at` past.
    fn build(&self, at: &mut usize, len: usize) -> Vec<Token<'_>> {
        let mut tokens = Vec::with_capacity(len);
        for _ in 0..len {
            let Some(flat) = self.flat.get(*at) else {
                break;
            };
            *at += 1;
            tokens.push(match *flat {
                Flat::Ident(start, end) => Token::Ident(self.text(start, end)),
                Flat::Literal(start, end) => Token::Literal(self.text(start, end)),
                Flat::Punct(ch, spacing) => Token::Punct(ch, spacing),
                Flat::Group(delimiter, len) => Token::Group(Group {
                    delimiter,
                    tokens: self.build(at, len),
                }),
            });
        }
        tokens
    }

    fn text(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }
}
