//! Where a space goes between two tokens on one line, in Rust's usual style: `a: T`,
//! `&self`, `x.y()`, `Self::X`, `x?`, `-> T`, `impl<'de> X for Y`, `!x`, `|x| x + 1`.

/// What the previous token on the line was, as far as the next one's spacing cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prev {
    /// Nothing: the start of a line or just inside an opening delimiter.
    #[default]
    Start,
    /// The end of an operand: a name, a literal, a lifetime, `self`, a closed group, `?`,
    /// the `>` closing generics.
    Operand,
    /// A keyword that an operand follows (`return`, `mut`, `in`, `impl`, …).
    Keyword,
    /// Punctuation that a space follows: `,`, `;`, `:`, a binary operator, `=>`, the `|`
    /// closing a closure's parameters.
    Spaced,
    /// Punctuation that the next token touches: `::`, `.`, `#`, `&` and `*` and `!` and `-`
    /// as prefixes, the `<` opening generics, `..`, the `|` opening a closure's parameters,
    /// a lifetime's `'`.
    Tight,
}

/// Whether a name, literal or lifetime goes after `prev` with a space.
pub fn space_before_word(prev: Prev) -> bool {
    matches!(prev, Prev::Operand | Prev::Keyword | Prev::Spaced)
}

/// Whether `(` or `[` goes after `prev` with a space: not for a call, an index or a macro
/// (`f(x)`, `a[0]`, `vec![]`), nor after a keyword that it `touches` (`pub(crate)`,
/// `fn(u8)`).
pub fn space_before_paren(prev: Prev, touches: bool) -> bool {
    match prev {
        Prev::Keyword => !touches,
        Prev::Spaced => true,
        Prev::Start | Prev::Operand | Prev::Tight => false,
    }
}

/// Whether `{` goes after `prev` with a space: always, but at the start of a line, after an
/// opening delimiter, or after what it touches (`use a::{b, c}`).
pub fn space_before_brace(prev: Prev) -> bool {
    !matches!(prev, Prev::Start | Prev::Tight)
}

/// How an operator is spaced: whether a space goes before it, and what it leaves for the
/// next token.
pub struct OperatorSpacing {
    pub space_before: bool,
    pub after: Prev,
}

/// Spacing of the operators that only take one form (the context-dependent ones, `<`, `>`,
/// `|`, `&`, `*`, `-`, `!`, are decided by the printer and passed here as `prefix`).
pub fn operator(text: &[u8], prev: Prev, prefix: bool) -> OperatorSpacing {
    let tight_after = |space_before| OperatorSpacing {
        space_before,
        after: Prev::Tight,
    };
    match text {
        b"," | b";" | b":" => OperatorSpacing {
            space_before: false,
            after: Prev::Spaced,
        },
        b"." => tight_after(false),
        b"?" => OperatorSpacing {
            space_before: false,
            after: Prev::Operand,
        },
        // `::x` and `..x` touch what they begin, and after an operand they touch it too
        // (`a::b`, `0..n`).
        b"::" | b".." | b"..=" => tight_after(matches!(prev, Prev::Keyword | Prev::Spaced)),
        b"#" => tight_after(space_before_word(prev)),
        _ if prefix => tight_after(matches!(prev, Prev::Keyword | Prev::Spaced)),
        _ => OperatorSpacing {
            space_before: prev != Prev::Start,
            after: Prev::Spaced,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_operators_have_spaces_and_prefixes_touch() {
        let binary = operator(b"==", Prev::Operand, false);
        assert!(binary.space_before);
        assert_eq!(binary.after, Prev::Spaced);
        let prefix = operator(b"&", Prev::Spaced, true);
        assert!(prefix.space_before);
        assert_eq!(prefix.after, Prev::Tight);
        assert!(!operator(b"&", Prev::Start, true).space_before);
        assert!(!operator(b"::", Prev::Operand, false).space_before);
        assert!(operator(b"::", Prev::Keyword, false).space_before);
        assert!(!operator(b"?", Prev::Operand, false).space_before);
        assert!(!operator(b",", Prev::Operand, false).space_before);
    }

    #[test]
    fn calls_touch_their_parentheses() {
        assert!(!space_before_paren(Prev::Operand, false));
        assert!(!space_before_paren(Prev::Keyword, true));
        assert!(space_before_paren(Prev::Keyword, false));
        assert!(space_before_paren(Prev::Spaced, false));
        assert!(!space_before_paren(Prev::Tight, false));
    }
}
