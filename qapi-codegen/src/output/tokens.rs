//! What the printer needs to know about single tokens and flat runs of them: keywords,
//! operators (a run of joint punctuation), which `<` opens generics, and where a list splits
//! at its commas.

use proc_macro2::{Delimiter, Spacing, TokenTree};

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
pub fn operator_len(tokens: &[TokenTree], index: usize) -> usize {
    let mut len = 0;
    while let Some(TokenTree::Punct(punct)) = tokens.get(index + len) {
        if punct.as_char() == '\'' {
            break;
        }
        len += 1;
        if punct.spacing() == Spacing::Alone {
            break;
        }
        if matches!(tokens.get(index + len), Some(TokenTree::Punct(next)) if next.as_char() == '\'')
        {
            break;
        }
    }
    len
}

/// The operator's text, such as `::` or `=>`.
pub fn operator_text(tokens: &[TokenTree]) -> String {
    tokens
        .iter()
        .filter_map(|token| match token {
            TokenTree::Punct(punct) => Some(punct.as_char()),
            _ => None,
        })
        .collect()
}

/// Whether the token is the punctuation `ch`, alone or joint.
pub fn is_punct(token: Option<&TokenTree>, ch: char) -> bool {
    matches!(token, Some(TokenTree::Punct(punct)) if punct.as_char() == ch)
}

/// Whether the token is a group with this delimiter.
pub fn is_group(token: Option<&TokenTree>, delimiter: Delimiter) -> bool {
    matches!(token, Some(TokenTree::Group(group)) if group.delimiter() == delimiter)
}

/// Whether a `<` after an identifier opens its generic arguments rather than comparing:
/// types and traits are `UpperCamel` (`Vec<T>`, `Result<A, B>`), while a lower-case name
/// before `<` is a value (`count < limit`), unless it was just declared (`fn f<T>`).
pub fn generic_after_word(word: &str, declared: bool) -> bool {
    declared
        || word
            .trim_start_matches("r#")
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
    pub fn step(&mut self, tokens: &[TokenTree], index: usize) -> usize {
        match &tokens[index] {
            TokenTree::Ident(ident) => {
                let word = ident.to_string();
                let keyword = is_keyword(&word);
                self.generic_word = !keyword && generic_after_word(&word, self.declaring)
                    || word == "impl"
                    || word == "for";
                self.declaring = matches!(
                    word.as_str(),
                    "fn" | "struct" | "enum" | "union" | "trait" | "type"
                );
                self.operand = !keyword;
                1
            }
            TokenTree::Literal(_) | TokenTree::Group(_) => {
                self.operand = true;
                self.generic_word = false;
                self.declaring = false;
                1
            }
            TokenTree::Punct(punct) if punct.as_char() == '\'' => {
                // A lifetime: its name follows and is an operand.
                self.operand = false;
                self.generic_word = false;
                self.declaring = false;
                if matches!(tokens.get(index + 1), Some(TokenTree::Ident(_))) {
                    self.operand = true;
                    2
                } else {
                    1
                }
            }
            TokenTree::Punct(_) => {
                let len = operator_len(tokens, index).max(1);
                let text = operator_text(&tokens[index..index + len]);
                let was_operand = self.operand;
                let was_generic_word = self.generic_word;
                self.operand = false;
                self.generic_word = false;
                self.declaring = false;
                match text.as_str() {
                    "<" if was_generic_word || !was_operand => self.depth += 1,
                    ">" if self.depth > 0 => {
                        self.depth -= 1;
                        self.operand = true;
                    }
                    ">>" if self.depth > 1 => {
                        self.depth -= 2;
                        self.operand = true;
                    }
                    "::" => self.generic_word = true,
                    "?" => self.operand = true,
                    _ => {}
                }
                len
            }
        }
    }
}

/// Splits a list at its top-level commas (not those inside `<…>`), each part keeping its
/// comma.
pub fn split_at_commas(tokens: &[TokenTree]) -> Vec<&[TokenTree]> {
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

/// Whether a list has a comma or a `;` at its top level.
pub fn has_top_level(tokens: &[TokenTree], ch: char) -> bool {
    let mut angles = Angles::default();
    let mut index = 0;
    while index < tokens.len() {
        if angles.depth == 0 && is_punct(tokens.get(index), ch) {
            return true;
        }
        index += angles.step(tokens, index);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;

    fn list(tokens: TokenStream) -> Vec<TokenTree> {
        tokens.into_iter().collect()
    }

    fn texts(parts: Vec<&[TokenTree]>) -> Vec<String> {
        parts
            .into_iter()
            .map(|part| part.iter().cloned().collect::<TokenStream>().to_string())
            .collect()
    }

    #[test]
    fn commas_inside_generics_do_not_split() {
        let tokens = list(quote! { a: Result<A, B>, b: Vec<(C, D)>, c: x < y, d: e > f });
        assert_eq!(
            texts(split_at_commas(&tokens)),
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
        let tokens = list(quote! { A => f::<X, Y>(), B -> C, D });
        assert_eq!(
            texts(split_at_commas(&tokens)),
            ["A => f :: < X , Y > () ,", "B -> C ,", "D"]
        );
    }

    #[test]
    fn operators_are_runs_of_joint_punctuation() {
        let tokens = list(quote! { :: -> &'a >> > });
        assert_eq!(operator_len(&tokens, 0), 2);
        assert_eq!(operator_len(&tokens, 2), 2);
        assert_eq!(operator_len(&tokens, 4), 1);
        assert_eq!(operator_len(&tokens, 5), 0);
        assert_eq!(operator_len(&tokens, 7), 2);
        assert_eq!(operator_len(&tokens, 9), 1);
    }
}
