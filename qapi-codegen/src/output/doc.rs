//! `#[doc = "…"]` attributes as `///` comments (and `#![doc]` as `//!`), which lex back to
//! the same attribute.

use super::tree::Token;

/// The comment line (without indentation or line break) for an attribute whose bracketed
/// part holds `tokens`, or `None` when it is not a plain doc string that a comment can hold:
/// a line break or carriage return ends a comment early, and `////…` is not a doc comment.
pub fn doc_comment(tokens: &[Token], inner: bool) -> Option<String> {
    let [Token::Ident(name), Token::Punct('=', _), Token::Literal(literal)] = tokens else {
        return None;
    };
    if *name != "doc" {
        return None;
    }
    let text = string_value(literal)?;
    if text.contains(['\n', '\r']) || (!inner && text.starts_with('/')) {
        return None;
    }
    let mut line = String::with_capacity(text.len() + 3);
    line.push_str(if inner { "//!" } else { "///" });
    line.push_str(&text);
    Some(line)
}

/// The value of a string literal's source text (`"a\"b"` and `r#"a"b"#` → `a"b`); `None`
/// for byte or C strings, suffixes, and escapes that cannot be decoded.
pub fn string_value(source: &str) -> Option<String> {
    if let Some(raw) = source.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let body = body.strip_suffix(&raw[..hashes])?.strip_suffix('"')?;
        return Some(body.to_owned());
    }
    let body = source.strip_prefix('"')?.strip_suffix('"')?;
    let mut value = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            value.push(ch);
            continue;
        }
        match chars.next()? {
            'n' => value.push('\n'),
            'r' => value.push('\r'),
            't' => value.push('\t'),
            '0' => value.push('\0'),
            '\\' => value.push('\\'),
            '\'' => value.push('\''),
            '"' => value.push('"'),
            'x' => {
                let digits: String = chars.by_ref().take(2).collect();
                let code = u8::from_str_radix(&digits, 16).ok().filter(u8::is_ascii)?;
                value.push(char::from(code));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let digits: String = chars.by_ref().take_while(|&ch| ch != '}').collect();
                let code = u32::from_str_radix(&digits.replace('_', ""), 16).ok()?;
                value.push(char::from_u32(code)?);
            }
            // A line continuation: the line break and the next line's leading whitespace
            // are not part of the string.
            '\n' => {
                let rest = chars.as_str().trim_start_matches([' ', '\t', '\n', '\r']);
                chars = rest.chars();
            }
            _ => return None,
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn comment(tokens: proc_macro2::TokenStream, inner: bool) -> Option<String> {
        doc_comment(crate::output::tree::Tree::new(tokens).tokens().top(), inner)
    }

    #[test]
    fn doc_strings_become_comments() {
        assert_eq!(
            comment(quote! { doc = " A \"quoted\" \\ word." }, false).as_deref(),
            Some(r#"/// A "quoted" \ word."#)
        );
        assert_eq!(comment(quote! { doc = "" }, false).as_deref(), Some("///"));
        assert_eq!(
            comment(quote! { doc = " Crate." }, true).as_deref(),
            Some("//! Crate.")
        );
        assert_eq!(
            comment(quote! { doc = "caf\u{e9} \x41" }, false).as_deref(),
            Some("///café A")
        );
        assert_eq!(
            comment(quote! { doc = r#" Raw "text" \n."# }, false).as_deref(),
            Some(r#"/// Raw "text" \n."#)
        );
    }

    #[test]
    fn what_a_comment_cannot_hold_stays_an_attribute() {
        assert_eq!(comment(quote! { doc = "a\nb" }, false), None);
        assert_eq!(comment(quote! { doc = "a\rb" }, false), None);
        assert_eq!(comment(quote! { doc = "/ path" }, false), None);
        assert_eq!(comment(quote! { doc = b"bytes" }, false), None);
        assert_eq!(comment(quote! { doc = "suffix"x }, false), None);
        assert_eq!(comment(quote! { hidden }, false), None);
        assert_eq!(comment(quote! { doc(hidden) }, false), None);
    }
}
