//! The tokens the printer walks: proc_macro2's, taken apart once into plain values whose
//! names and literals are slices of one shared text, so that measuring a line and printing
//! it again clone nothing and format no identifier twice.
//!
//! Taking them apart allocates little: every name's and literal's text is written into one
//! string (no string per token), and all tokens into one vector.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::fmt::Write;

#[derive(Clone, Copy)]
pub enum Token<'t> {
    Ident(&'t str),
    Literal(&'t str),
    Punct(char, Spacing),
    Group(Group),
}

/// A group: its delimiter, and where its tokens are among all of a [`Tokens`]'.
#[derive(Clone, Copy)]
pub struct Group {
    pub delimiter: Delimiter,
    start: usize,
    end: usize,
}

impl Group {
    /// Its tokens, in `all` (of the [`Tokens`] it is from).
    pub fn tokens<'a, 't>(&self, all: &'a [Token<'t>]) -> &'a [Token<'t>] {
        all.get(self.start..self.end).unwrap_or(&[])
    }
}

/// The tokens of a [`Tree`], all in one vector: the top level's first, then each group's
/// together, so that a group is a range of it.
pub struct Tokens<'t> {
    all: Vec<Token<'t>>,
    top: usize,
}

impl<'t> Tokens<'t> {
    /// The top-level tokens.
    pub fn top(&self) -> &[Token<'t>] {
        &self.all[..self.top]
    }

    /// All tokens, which groups' tokens are ranges of.
    pub fn all(&self) -> &[Token<'t>] {
        &self.all
    }
}

/// A token stream taken apart: the text of its names and literals, and its tokens in
/// order (a group before its own tokens), each naming its text by position. Kept from one
/// stream to the next, its buffers are not grown again for each.
#[derive(Default)]
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
    #[cfg(test)]
    pub fn new(stream: TokenStream) -> Tree {
        let mut tree = Tree::default();
        tree.refill(stream);
        tree
    }

    /// Takes the tokens of `stream` apart in place of those it held.
    pub fn refill(&mut self, stream: TokenStream) {
        self.text.clear();
        self.flat.clear();
        self.top = self.take_apart(stream);
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

    /// The tokens, their text borrowed from the tree.
    pub fn tokens(&self) -> Tokens<'_> {
        let mut all = Vec::with_capacity(self.flat.len());
        let mut at = 0;
        self.build(&mut at, self.top, &mut all);
        Tokens { all, top: self.top }
    }

    /// Appends the `len` tokens from `flat[*at]` on to `all`, together, then those of their
    /// groups; moves `at` past them all. Returns where the `len` tokens are in `all`.
    fn build<'t>(&'t self, at: &mut usize, len: usize, all: &mut Vec<Token<'t>>) -> Group {
        let start = all.len();
        all.resize(start + len, Token::Punct(' ', Spacing::Alone));
        for index in start..start + len {
            let Some(flat) = self.flat.get(*at) else {
                break;
            };
            *at += 1;
            all[index] = match *flat {
                Flat::Ident(start, end) => Token::Ident(self.text(start, end)),
                Flat::Literal(start, end) => Token::Literal(self.text(start, end)),
                Flat::Punct(ch, spacing) => Token::Punct(ch, spacing),
                Flat::Group(delimiter, len) => Token::Group(Group {
                    delimiter,
                    ..self.build(at, len, all)
                }),
            };
        }
        Group {
            delimiter: Delimiter::None,
            start,
            end: start + len,
        }
    }

    fn text(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }
}
