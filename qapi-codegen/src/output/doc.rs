//! `#[doc = "…"]` attributes as `///` comments (and `#![doc]` as `//!`), which lex back to
//! the same attribute.

use super::tree::Token;

/// Appends to `out` the comment line (without indentation or line break) for an attribute
/// whose bracketed part holds `tokens`; `false`, with `out` left as it was, when it is not a
/// plain doc string that a comment can hold: a line break or carriage return ends a comment
/// early, and `////…` is not a doc comment. Written in place, a line costs no allocation.
pub fn push_doc_comment(out: &mut String, tokens: &[Token], inner: bool) -> bool {
    let [Token::Ident(name), Token::Punct('=', _), Token::Literal(literal)] = tokens else {
        return false;
    };
    if *name != "doc" {
        return false;
    }
    let start = out.len();
    out.push_str(if inner { "//!" } else { "///" });
    let text_start = out.len();
    let plain = push_string_value(out, literal).is_some() && {
        let text = &out[text_start..];
        !text.contains(['\n', '\r']) && (inner || !text.starts_with('/'))
    };
    if !plain {
        out.truncate(start);
    }
    plain
}

/// The value of a string literal's source text (`"a\"b"` and `r#"a"b"#` → `a"b`); `None`
/// for byte or C strings, suffixes, and escapes that cannot be decoded.
#[cfg(test)]
pub fn string_value(source: &str) -> Option<String> {
    let mut value = String::new();
    push_string_value(&mut value, source)?;
    Some(value)
}

/// Appends the value of a string literal's source text to `value` (see [`string_value`]);
/// `None` (with part of it perhaps appended) where `string_value` is `None`.
fn push_string_value(value: &mut String, source: &str) -> Option<()> {
    if let Some(raw) = source.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let body = body.strip_suffix(&raw[..hashes])?.strip_suffix('"')?;
        value.push_str(body);
        return Some(());
    }
    let body = source.strip_prefix('"')?.strip_suffix('"')?;
    if !body.contains('\\') {
        value.push_str(body);
        return Some(());
    }
    value.reserve(body.len());
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
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    /// The comment, written after text that must stay as it is, also when there is none.
    fn comment(tokens: proc_macro2::TokenStream, inner: bool) -> Option<String> {
        let tree = crate::output::tree::Tree::new(tokens);
        let mut out = "before".to_owned();
        let plain = push_doc_comment(&mut out, tree.tokens().top(), inner);
        let line = out.strip_prefix("before").unwrap();
        if plain {
            Some(line.to_owned())
        } else {
            assert_eq!(line, "", "a comment it cannot hold was left in the output");
            None
        }
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
