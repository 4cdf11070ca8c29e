//! The printer's correctness net: for the seed schema, QEMU's QMP schema and every snapshot
//! schema, the printed text lexes back to the tokens it was printed from and syn parses it
//! as a file.
//!
//! "The same tokens" allows two differences that do not change what the code means: the
//! spacing of punctuation (a lexer marks `<` in `impl<'de>` joint with the `'` that follows;
//! only an operator of the input, such as `::` or `->`, must still be one), and a comma the
//! printer adds at the end of a list it lays out one element per line. And a string
//! literal is the same when its value is: a `///` comment lexes to `#[doc = " text"]`
//! whether it was printed from `" text"` or from `r" text"`, which is what quote makes of a
//! `///` comment in the emitters' source.

use super::doc::string_value;
use super::format_piece as print;
use crate::Builder;
use proc_macro2::{Delimiter, Literal, Spacing, TokenStream, TokenTree};
use std::path::{Path, PathBuf};

/// The tokens with `None`-delimited groups (which no text shows) opened.
fn flat(stream: TokenStream) -> Vec<TokenTree> {
    let mut tokens = Vec::new();
    for token in stream {
        match token {
            TokenTree::Group(group) if group.delimiter() == Delimiter::None => {
                tokens.extend(flat(group.stream()));
            }
            token => tokens.push(token),
        }
    }
    tokens
}

/// Whether `printed` is `input` as the module's doc allows; the first difference otherwise.
fn same_tokens(input: TokenStream, printed: TokenStream) -> Result<(), String> {
    let input = flat(input);
    let mut printed = flat(printed);
    let added_comma = printed.len() == input.len() + 1
        && matches!(printed.last(), Some(TokenTree::Punct(punct)) if punct.as_char() == ',');
    if added_comma {
        printed.pop();
    }
    if printed.len() != input.len() {
        return Err(format!(
            "{} tokens instead of {} in `{}`",
            printed.len(),
            input.len(),
            input.iter().cloned().collect::<TokenStream>()
        ));
    }
    for (input, printed) in input.into_iter().zip(printed) {
        match (&input, &printed) {
            (TokenTree::Group(a), TokenTree::Group(b)) if a.delimiter() == b.delimiter() => {
                same_tokens(a.stream(), b.stream())?;
            }
            (TokenTree::Punct(a), TokenTree::Punct(b))
                if a.as_char() == b.as_char()
                    && (a.spacing() == Spacing::Alone || b.spacing() == Spacing::Joint) => {}
            (TokenTree::Ident(a), TokenTree::Ident(b)) if a == b => {}
            (TokenTree::Literal(a), TokenTree::Literal(b)) if same_literal(a, b) => {}
            _ => return Err(format!("`{printed}` instead of `{input}`")),
        }
    }
    Ok(())
}

fn same_literal(a: &Literal, b: &Literal) -> bool {
    let (a, b) = (a.to_string(), b.to_string());
    a == b || matches!((string_value(&a), string_value(&b)), (Some(a), Some(b)) if a == b)
}

/// Prints `tokens` and checks the text; returns it.
fn check(tokens: TokenStream) -> String {
    let text = print(tokens.clone());
    let lexed: TokenStream = text.parse().expect("the printed text lexes");
    if let Err(difference) = same_tokens(tokens, lexed) {
        panic!("the printed text has other tokens: {difference}");
    }
    if let Err(error) = syn::parse_file(&text) {
        // The text is large; it is kept for a look at where it fails.
        let path = std::env::temp_dir().join("qapi-codegen-unparsable.rs");
        std::fs::write(&path, &text).unwrap();
        panic!(
            "the printed text ({}) does not parse: {error}",
            path.display()
        );
    }
    text
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_seed_schema_prints_back_to_its_tokens() {
    let mut builder = Builder::new(repository().join("qga-schema/qapi-schema.json"));
    builder
        .legacy(true)
        .async_client(true)
        .async_client_cfg(r#"feature = "tokio""#)
        .introspect(true);
    let text = check(builder.whole_tokens());
    assert!(text.len() > 100_000, "{}", text.len());
}

#[test]
fn the_qmp_schema_prints_back_to_its_tokens() {
    let mut builder = Builder::new(repository().join("schemas/qemu-10.0.2/qapi/qapi-schema.json"));
    builder.introspect(true);
    let text = check(builder.whole_tokens());
    assert!(text.len() > 1_000_000, "{}", text.len());
}

#[test]
fn every_snapshot_schema_prints_back_to_its_tokens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut schemas: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    schemas.sort();
    assert!(schemas.len() >= 9, "{schemas:?}");
    for schema in schemas {
        let mut builder = Builder::new(&schema);
        builder
            .cfg("CONFIG_LINUX", r#"target_os = "linux""#)
            .cfg("CONFIG_WIN32", "windows")
            .async_client(true);
        check(builder.whole_tokens());
    }
}

#[test]
fn a_difference_of_tokens_is_found() {
    use quote::quote;
    assert_eq!(
        same_tokens(quote! { a::b }, "a::b".parse().unwrap()),
        Ok(())
    );
    assert_eq!(
        same_tokens(quote! { S { a } }, "S { a, }".parse().unwrap()),
        Ok(())
    );
    assert!(same_tokens(quote! { a::b }, "a: :b".parse().unwrap()).is_err());
    assert!(same_tokens(quote! { f(a) }, "f(b)".parse().unwrap()).is_err());
    assert!(same_tokens(quote! { f(a) }, "f[a]".parse().unwrap()).is_err());
    assert!(same_tokens(quote! { f(a, b) }, "f(a)".parse().unwrap()).is_err());
    assert!(same_tokens(quote! { 1u8 }, "1".parse().unwrap()).is_err());
    assert_eq!(
        same_tokens(quote! { r"a" }, "\"a\"".parse().unwrap()),
        Ok(())
    );
    assert!(same_tokens(quote! { r"a" }, "\"b\"".parse().unwrap()).is_err());
}
