//! The tokens the printer walks: proc_macro2's, taken apart once into plain owned values,
//! so that measuring a line and printing it again clone nothing and format no identifier
//! twice.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

pub enum Token {
    Ident(String),
    Literal(String),
    Punct(char, Spacing),
    Group(Group),
}

pub struct Group {
    pub delimiter: Delimiter,
    pub tokens: Vec<Token>,
}

/// The tokens of `stream`, consumed.
pub fn tree(stream: TokenStream) -> Vec<Token> {
    stream
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(ident) => Token::Ident(ident.to_string()),
            TokenTree::Literal(literal) => Token::Literal(literal.to_string()),
            TokenTree::Punct(punct) => Token::Punct(punct.as_char(), punct.spacing()),
            TokenTree::Group(group) => {
                let delimiter = group.delimiter();
                let stream = group.stream();
                // Alone, the stream is taken apart without a copy of its tokens.
                drop(group);
                Token::Group(Group {
                    delimiter,
                    tokens: tree(stream),
                })
            }
        })
        .collect()
}
