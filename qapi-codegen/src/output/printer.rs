//! Lays tokens out as Rust a person can read, in one walk over the token trees: items and
//! statements one per line, brace blocks indented by four spaces, fields, variants and match
//! arms one per line with a trailing comma, docs as `///` comments. A line that would run
//! past [`MAX_WIDTH`] columns has its method chain one call per line, or its argument list
//! (parameters, array elements) one per line; what neither breaks (a long path, generics, a
//! string) stays long.
//!
//! Nothing is parsed: what a brace group holds (items, statements, fields, arms) is told
//! from the tokens before it (`struct X {`, `match x {`, `Name {`), as rustfmt's layout of
//! the same code would show it. The text lexes back to the tokens it was made from, but for
//! the spacing of punctuation (`impl<'de>` joins `<` and `'`) and the trailing commas added
//! to lists laid out one per line (the tests in `roundtrip` hold it to that).

use super::doc::push_doc_comment;
use super::spacing::{self, OperatorSpacing, Prev};
use super::tokens::{
    generic_after_word, is_group, is_keyword, is_punct, operator_len, operator_text,
    split_at_commas, top_level_separators, Angles,
};
use super::tree::{Group, Token, Tree};
use proc_macro2::{Delimiter, TokenStream};

/// Lines are kept within this many columns where an argument list can be broken.
pub const MAX_WIDTH: usize = 100;

const INDENT: &str = "    ";

/// The text of `tokens`, a sequence of items, each starting a line at no indentation; ends
/// with a line break unless empty. `tree` is where they are taken apart.
pub fn print(tree: &mut Tree, tokens: TokenStream) -> String {
    tree.refill(tokens);
    let tokens = tree.tokens();
    let all = tokens.all();
    // The text is about its names and literals and two bytes a token (punctuation,
    // spaces, indentation): reserved at once, it is not copied as it grows.
    let mut printer = Printer {
        out: String::with_capacity(tree.text_len() + 2 * tree.len()),
        all,
        ..Printer::default()
    };
    printer.lines(tokens.top(), Body::Items);
    printer.out
}

/// What the entries of a multi-line brace group are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Body {
    /// Items of a file, an `impl`, a `trait` or a `mod`: each ends at `;` or its block.
    Items,
    /// Statements of a block: as items.
    Statements,
    /// Fields or variants of a definition, fields of a struct literal: each ends at `,`.
    Fields,
    /// Arms of a `match`: each ends at `,` or at the block after its `=>`.
    Arms,
}

/// What a parenthesized or bracketed list is, for the comma after its last element when it
/// is laid out one element per line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List {
    /// A call's arguments, a function's parameters, a tuple struct's fields.
    Call,
    /// A macro's arguments.
    Macro,
    /// A tuple, an array, a parenthesized expression.
    Other,
}

/// What a brace group is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Brace {
    Block(Body),
    /// The body of a `struct`, `enum` or `union`: fields, always one per line.
    Definition,
    /// A struct literal or pattern: on one line if it is short and holds no group.
    Literal,
    /// The braces of a `use` tree: on one line.
    Use,
}

#[derive(Default)]
struct Printer<'a, 't> {
    /// All the tokens, which groups' tokens are ranges of.
    all: &'a [Token<'t>],
    out: String,
    indent: usize,
    /// Where the innermost trial (see [`Printer::trial`]) started.
    trial: Trial,
    /// Inside a definition's body, where braces are variants' fields, never literals.
    in_definition: bool,
    /// Measuring how wide a group is on one line: no list is broken.
    measuring: bool,
}

/// Where a trial printing starts: its position in the output, and its column.
#[derive(Clone, Copy, Default)]
struct Trial {
    start: usize,
    column: usize,
    /// How far the output is known to hold no line break (see `measured_enough`).
    scanned: usize,
}

/// What one line's layout has seen so far, in one token list.
#[derive(Default)]
struct Line {
    prev: Prev,
    /// The previous token is a name (not a keyword): a `{` after it opens a struct literal.
    prev_name: bool,
    /// The previous token is `pub` or `fn`, which `(` touches.
    paren_touches: bool,
    /// A `<` now opens generics (after a type name, `::`, `impl`, `for`).
    generic_word: bool,
    /// The previous token was `fn`, `struct`, …: the next name is declared.
    declaring: bool,
    /// How many `<` of generics are open.
    depth: usize,
    /// Between the `|`s of a closure's parameters.
    closure_params: bool,
    /// The previous token is a lifetime's `'`: the name after it is no keyword.
    lifetime: bool,
    /// The previous token is a macro's `!`: its arguments take no added comma.
    bang: bool,
    /// The previous token is `#` or `#!`: a `[` after it is an attribute.
    hash: bool,
    /// What the first brace group of an item is, told by its keyword.
    header: Option<Brace>,
    /// What the next brace group is after `if`, `while`, `for`, `match`.
    control: Option<Body>,
    /// The depth outside the `<…>` of an `impl<…>`, whose `>` a path is spaced from
    /// (`impl<'de> ::serde::Deserialize<'de>`).
    impl_generics: Option<usize>,
}

impl<'a, 't> Printer<'a, 't> {
    /// Each entry of `tokens` on lines of its own, at the current indentation.
    fn lines(&mut self, tokens: &[Token], body: Body) {
        let mut start = 0;
        while start < tokens.len() && !self.measured_enough() {
            let end = entry_end(tokens, start, body);
            self.entry(&tokens[start..end], body, end == tokens.len());
            start = end;
        }
    }

    /// One entry: its attributes on lines of their own, then the rest on one line (which
    /// its blocks continue over more).
    fn entry(&mut self, mut tokens: &[Token], body: Body, last: bool) {
        while let Some((len, inner)) = attribute_at(tokens) {
            self.push_indent();
            self.attribute(&tokens[..len], inner);
            self.out.push('\n');
            tokens = &tokens[len..];
        }
        if tokens.is_empty() {
            return;
        }
        self.push_indent();
        let mut line = Line::default();
        if matches!(body, Body::Items | Body::Statements) {
            line.header = header(tokens);
            if line.header.is_some() {
                self.inline(tokens, &mut line);
            } else {
                self.chain(tokens);
            }
        } else {
            self.chain(tokens);
        }
        let lists = match body {
            Body::Fields => true,
            Body::Arms => !is_group(tokens.last(), Delimiter::Brace),
            Body::Items | Body::Statements => false,
        };
        // A rest (`..` or `..base`) takes no comma after it.
        if lists && last && !is_punct(tokens.last(), ',') && !is_punct(tokens.first(), '.') {
            self.out.push(',');
        }
        self.out.push('\n');
    }

    /// An attribute (`#[…]` or `#![…]`, `len` tokens): a doc string as a comment, else as is.
    fn attribute(&mut self, tokens: &[Token], inner: bool) {
        let Some(Token::Group(group)) = tokens.last() else {
            return;
        };
        if push_doc_comment(&mut self.out, group.tokens(self.all), inner) {
            return;
        }
        self.out.push_str(if inner { "#![" } else { "#[" });
        self.inline(group.tokens(self.all), &mut Line::default());
        self.out.push(']');
    }

    /// Tokens on the current line, spaced as Rust is; brace groups in them go over lines.
    fn inline(&mut self, tokens: &[Token], line: &mut Line) {
        let mut index = 0;
        while index < tokens.len() && !self.measured_enough() {
            match &tokens[index] {
                Token::Ident(ident) => {
                    self.word(ident, line);
                    index += 1;
                }
                Token::Literal(literal) => {
                    if spacing::space_before_word(line.prev) {
                        self.out.push(' ');
                    }
                    self.out.push_str(literal);
                    line.after(Prev::Operand);
                    index += 1;
                }
                Token::Punct('\'', _) => {
                    if spacing::space_before_word(line.prev) {
                        self.out.push(' ');
                    }
                    self.out.push('\'');
                    line.after(Prev::Tight);
                    line.lifetime = true;
                    index += 1;
                }
                Token::Punct(..) => {
                    let len = operator_len(tokens, index).max(1);
                    let text = operator_text(&tokens[index..index + len]);
                    self.operator(text.as_bytes(), line);
                    index += len;
                }
                Token::Group(group) => {
                    self.group(group, &tokens[index + 1..], line);
                    index += 1;
                }
            }
        }
    }

    /// Tokens on the current line; if they run past [`MAX_WIDTH`] and hold method calls
    /// (a chain), each call of the chain goes on a line of its own, one level deeper.
    fn chain(&mut self, tokens: &[Token]) {
        let calls = method_calls(tokens);
        if self.measuring || calls.is_empty() {
            self.inline(tokens, &mut Line::default());
            return;
        }
        let column = self.column();
        let budget = MAX_WIDTH.saturating_sub(column);
        // What surely fits is not printed as a trial first.
        let fits = width_bound(self.all, tokens, budget) <= budget || {
            let start = self.trial(|printer| {
                printer.measuring = true;
                printer.inline(tokens, &mut Line::default());
                printer.measuring = false;
            });
            column + self.take_back(start) <= MAX_WIDTH
        };
        if fits {
            self.inline(tokens, &mut Line::default());
            return;
        }
        let mut line = Line::default();
        let first = self.out.len();
        self.inline(&tokens[..calls[0]], &mut line);
        // After a receiver that took lines of its own, the calls line up with its end.
        let deeper = !self.out[first..].contains('\n');
        if deeper {
            self.indent += 1;
        }
        let mut start = calls[0];
        for &call in &calls {
            if call > start {
                self.inline(&tokens[start..call], &mut line);
            }
            if call > 0 {
                self.out.push('\n');
                self.push_indent();
                line.after(Prev::Start);
            }
            start = call;
        }
        self.inline(&tokens[start..], &mut line);
        if deeper {
            self.indent -= 1;
        }
    }

    fn word(&mut self, word: &str, line: &mut Line) {
        let lifetime = std::mem::take(&mut line.lifetime);
        let keyword = !lifetime && is_keyword(word);
        if spacing::space_before_word(line.prev) {
            self.out.push(' ');
        }
        self.out.push_str(word);
        if line.header.is_none() && !lifetime {
            match word {
                "if" | "while" | "for" => line.control = Some(Body::Statements),
                "match" => line.control = Some(Body::Arms),
                _ => {}
            }
        }
        let declaring = line.declaring;
        // A lifetime is spaced from what follows as a keyword is (`&'a [u8]`).
        line.after(if keyword || lifetime {
            Prev::Keyword
        } else {
            Prev::Operand
        });
        line.prev_name = !keyword && !lifetime;
        line.generic_word = !lifetime
            && (!keyword && generic_after_word(word, declaring) || word == "impl" || word == "for");
        line.declaring = matches!(word, "fn" | "struct" | "enum" | "union" | "trait" | "type");
        line.paren_touches = matches!(word, "pub" | "fn");
    }

    fn operator(&mut self, text: &[u8], line: &mut Line) {
        let prev = line.prev;
        let operand = prev == Prev::Operand;
        let generic_word = line.generic_word;
        let after_hash = line.hash;
        let spacing = match text {
            b"<" if generic_word || !operand => {
                if prev == Prev::Keyword && line.impl_generics.is_none() {
                    line.impl_generics = Some(line.depth);
                }
                line.depth += 1;
                OperatorSpacing {
                    space_before: !generic_word && matches!(prev, Prev::Keyword | Prev::Spaced),
                    after: Prev::Tight,
                }
            }
            b">" | b">>" if line.depth >= text.len() => {
                line.depth -= text.len();
                let after = if line.impl_generics == Some(line.depth) {
                    line.impl_generics = None;
                    Prev::Spaced
                } else {
                    Prev::Operand
                };
                OperatorSpacing {
                    space_before: false,
                    after,
                }
            }
            b"|" if line.closure_params => {
                line.closure_params = false;
                OperatorSpacing {
                    space_before: false,
                    after: Prev::Spaced,
                }
            }
            b"|" if !operand => {
                line.closure_params = true;
                spacing::operator(text, prev, true)
            }
            b"||" if !operand => OperatorSpacing {
                space_before: matches!(prev, Prev::Keyword | Prev::Spaced),
                after: Prev::Spaced,
            },
            // `?Sized`.
            b"?" if !operand => OperatorSpacing {
                space_before: matches!(prev, Prev::Keyword | Prev::Spaced),
                after: Prev::Tight,
            },
            // A macro's `!` touches its name and its arguments.
            b"!" if operand => OperatorSpacing {
                space_before: false,
                after: Prev::Tight,
            },
            b"&" | b"&&" | b"*" | b"-" | b"!" => spacing::operator(text, prev, !operand),
            _ => spacing::operator(text, prev, false),
        };
        if spacing.space_before {
            self.out.push(' ');
        }
        // ASCII, a byte a character.
        self.out.extend(text.iter().copied().map(char::from));
        line.after(spacing.after);
        line.generic_word = text == b"::";
        line.bang = text == b"!" && operand;
        line.hash = text == b"#" || (text == b"!" && after_hash);
        if text == b"=>" {
            line.control = None;
        }
    }

    fn group(&mut self, group: &Group, rest: &[Token], line: &mut Line) {
        match group.delimiter {
            Delimiter::None => {
                self.inline(group.tokens(self.all), line);
                return;
            }
            Delimiter::Brace => {
                let kind = if let Some(kind) = line.header.take() {
                    kind
                } else if let Some(body) = line.control.take() {
                    Brace::Block(body)
                } else if line.prev_name {
                    Brace::Literal
                } else {
                    Brace::Block(Body::Statements)
                };
                if spacing::space_before_brace(line.prev) {
                    self.out.push(' ');
                }
                self.brace(group, kind);
            }
            Delimiter::Parenthesis | Delimiter::Bracket => {
                if spacing::space_before_paren(line.prev, line.paren_touches) {
                    self.out.push(' ');
                }
                let attribute = line.hash && group.delimiter == Delimiter::Bracket;
                // A call's arguments (a function's parameters) can be laid out one per line
                // even when there is one, with a trailing comma; a macro's may not accept
                // one, and a parenthesized expression with a comma would be a tuple.
                let list = if line.bang {
                    List::Macro
                } else if line.prev == Prev::Operand {
                    List::Call
                } else {
                    List::Other
                };
                self.delimited(group, rest, attribute, list);
            }
        }
        line.after(Prev::Operand);
    }

    fn brace(&mut self, group: &Group, kind: Brace) {
        let tokens = group.tokens(self.all);
        if tokens.is_empty() {
            self.out.push_str("{}");
            return;
        }
        match kind {
            Brace::Use => {
                self.out.push('{');
                self.inline(tokens, &mut Line::default());
                self.out.push('}');
            }
            // A literal on one line like rustfmt's: short, with no trailing comma (which asks
            // for one field per line) and no group in it.
            Brace::Literal if !self.in_definition => {
                if !tokens.iter().any(|token| matches!(token, Token::Group(_)))
                    && !is_punct(tokens.last(), ',')
                {
                    let column = self.column();
                    let start = self.trial(|printer| {
                        printer.out.push_str("{ ");
                        printer.inline(tokens, &mut Line::default());
                        printer.out.push_str(" }");
                    });
                    let text = &self.out[start..];
                    if column + text.len() <= MAX_WIDTH && !text.contains('\n') {
                        return;
                    }
                    self.out.truncate(start);
                }
                self.block(tokens, Body::Fields);
            }
            Brace::Literal | Brace::Definition => {
                let outer = std::mem::replace(&mut self.in_definition, kind == Brace::Definition);
                self.block(tokens, Body::Fields);
                self.in_definition = outer;
            }
            Brace::Block(body) => {
                let outer = std::mem::replace(&mut self.in_definition, false);
                self.block(tokens, body);
                self.in_definition = outer;
            }
        }
    }

    fn block(&mut self, tokens: &[Token], body: Body) {
        self.out.push_str("{\n");
        self.indent += 1;
        self.lines(tokens, body);
        self.indent -= 1;
        self.push_indent();
        self.out.push('}');
    }

    /// A parenthesized or bracketed group: on the line if it fits (with what follows it up
    /// to the end of the line), else one element per line.
    fn delimited(&mut self, group: &Group, rest: &[Token], attribute: bool, list: List) {
        let (open, close) = if group.delimiter == Delimiter::Parenthesis {
            ('(', ')')
        } else {
            ('[', ']')
        };
        let tokens = group.tokens(self.all);
        let call = list == List::Call && group.delimiter == Delimiter::Parenthesis;
        // An element with attributes (`#[cfg]`) is laid out as an entry, on lines of its own.
        let attributes = attribute_at(tokens).is_some();
        let breakable = !self.measuring && !attribute && !tokens.is_empty() && {
            let (comma, semicolon) = top_level_separators(tokens);
            (call || attributes || comma) && !semicolon
        };
        let fits = !breakable
            || !attributes && {
                // Measured with nothing in it broken: if the group does not fit whole on the
                // line, it is the one broken, not a list inside it.
                let column = self.column();
                self.surely_fits(tokens, rest, column) || {
                    let start = self.trial(|printer| {
                        printer.measuring = true;
                        printer.out.push(open);
                        printer.inline(tokens, &mut Line::default());
                        printer.out.push(close);
                        printer.measuring = false;
                    });
                    let one_line = !self.out[start..].contains('\n');
                    let width = self.take_back(start);
                    column + width <= MAX_WIDTH
                        && (!one_line || column + width + self.tail_width(rest) <= MAX_WIDTH)
                }
            };
        if fits {
            self.out.push(open);
            self.inline(tokens, &mut Line::default());
            self.out.push(close);
            return;
        }
        let comma = list != List::Macro;
        self.out.push(open);
        self.out.push('\n');
        self.indent += 1;
        let parts = split_at_commas(tokens);
        let count = parts.len();
        for (index, mut part) in parts.into_iter().enumerate() {
            while let Some((len, inner)) = attribute_at(part) {
                self.push_indent();
                self.attribute(&part[..len], inner);
                self.out.push('\n');
                part = &part[len..];
            }
            self.push_indent();
            self.chain(part);
            if !is_punct(part.last(), ',') && (index + 1 < count || comma) {
                self.out.push(',');
            }
            self.out.push('\n');
        }
        self.indent -= 1;
        self.push_indent();
        self.out.push(close);
    }

    /// How wide what follows a group on its line is: up to the end of the statement, the
    /// next comma (not one inside generics), or the opening of a block.
    fn tail_width(&mut self, rest: &[Token]) -> usize {
        let (index, end_width) = tail_end(rest);
        let start = self.trial(|printer| {
            printer.measuring = true;
            let mut line = Line {
                prev: Prev::Operand,
                ..Line::default()
            };
            printer.inline(&rest[..index], &mut line);
            printer.measuring = false;
        });
        self.take_back(start) + end_width
    }

    /// Whether a group holding `tokens`, at `column` and followed by `rest`, surely fits on
    /// the line, by an upper bound of its width (and of what follows it on the line): what
    /// the trial in `delimited` would find then.
    fn surely_fits(&self, tokens: &[Token], rest: &[Token], column: usize) -> bool {
        let budget = MAX_WIDTH.saturating_sub(column);
        let group = 2 + width_bound(self.all, tokens, budget);
        group <= budget && {
            let (index, end_width) = tail_end(rest);
            let left = budget - group;
            end_width <= left
                && width_bound(self.all, &rest[..index], left - end_width) <= left - end_width
        }
    }

    fn push_indent(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str(INDENT);
        }
    }

    /// The column the next character goes to.
    fn column(&self) -> usize {
        match self.out.rfind('\n') {
            Some(newline) => self.out.len() - newline - 1,
            None => self.out.len(),
        }
    }

    /// Whether a measurement has seen all it needs: the first line ended, or it is past the
    /// width already. Measuring stops there, so it costs a line, not a whole group.
    fn measured_enough(&mut self) -> bool {
        if !self.measuring {
            return false;
        }
        if self.trial.column + self.out.len().saturating_sub(self.trial.start) > MAX_WIDTH {
            return true;
        }
        // Only what was printed since the last look can hold a new line break.
        let from = self.trial.scanned.max(self.trial.start).min(self.out.len());
        if self.out.as_bytes()[from..].contains(&b'\n') {
            return true;
        }
        self.trial.scanned = self.out.len();
        false
    }

    /// Prints what `render` prints at the end of the output, as a trial: returns where its
    /// text starts, for the caller to look at and then keep or take back. Printing in place
    /// rather than into a string of its own allocates nothing.
    fn trial(&mut self, render: impl FnOnce(&mut Self)) -> usize {
        let start = self.out.len();
        let column = self.column();
        let outer = std::mem::replace(
            &mut self.trial,
            Trial {
                start,
                column,
                scanned: start,
            },
        );
        render(self);
        self.trial = outer;
        start
    }

    /// Takes a trial's text (from `start`) back out of the output; returns the width of its
    /// first line.
    fn take_back(&mut self, start: usize) -> usize {
        let text = &self.out[start..];
        let width = text.find('\n').unwrap_or(text.len());
        self.out.truncate(start);
        width
    }
}

impl Line {
    /// Moves past a token that leaves `prev`: what only held for the token before is reset.
    fn after(&mut self, prev: Prev) {
        self.prev = prev;
        self.prev_name = false;
        self.paren_touches = false;
        self.generic_word = false;
        self.declaring = false;
        self.bang = false;
        self.hash = false;
    }
}

/// Where what follows a group on its line ends in `rest` (see [`Printer::tail_width`]), and
/// the width of the end (`;`, `,` or ` {`).
fn tail_end(rest: &[Token]) -> (usize, usize) {
    let mut angles = Angles::default();
    let mut index = 0;
    while index < rest.len() {
        let end_width = match &rest[index] {
            Token::Punct(';', _) => 1,
            Token::Punct(',', _) if angles.depth == 0 => 1,
            Token::Group(group) if group.delimiter == Delimiter::Brace => 2,
            _ => 0,
        };
        if end_width > 0 {
            return (index, end_width);
        }
        index += angles.step(rest, index);
    }
    (rest.len(), 0)
}

/// An upper bound of the width of `tokens` printed on one line with nothing broken (or of
/// its first line), counted only until it passes `limit`: a name or literal with a space
/// before it, punctuation with one, a group's delimiters with a space before and the spaces
/// inside a struct literal's braces. Cheaper than printing them as a trial.
fn width_bound(all: &[Token], tokens: &[Token], limit: usize) -> usize {
    let mut width = 0;
    for token in tokens {
        width += match token {
            Token::Ident(text) | Token::Literal(text) => text.len() + 1,
            Token::Punct(..) => 2,
            Token::Group(group) => {
                5 + width_bound(all, group.tokens(all), limit.saturating_sub(width + 5))
            }
        };
        if width > limit {
            break;
        }
    }
    width
}

/// Where the entry starting at `start` ends (exclusive).
fn entry_end(tokens: &[Token], start: usize, body: Body) -> usize {
    let mut angles = Angles::default();
    let mut past_arrow = false;
    let mut index = start;
    while index < tokens.len() {
        let token = &tokens[index];
        let ends_at = match body {
            Body::Fields | Body::Arms => ',',
            Body::Items | Body::Statements => ';',
        };
        if is_punct(Some(token), ends_at) && (ends_at == ';' || angles.depth == 0) {
            return index + 1;
        }
        if body == Body::Arms
            && is_punct(Some(token), '=')
            && is_punct(tokens.get(index + 1), '>')
            && operator_len(tokens, index) == 2
        {
            past_arrow = true;
        }
        let block_ends = match body {
            Body::Items | Body::Statements => true,
            Body::Arms => past_arrow,
            Body::Fields => false,
        };
        if block_ends
            && is_group(Some(token), Delimiter::Brace)
            && !continues_after_block(tokens.get(index + 1))
        {
            return index + 1;
        }
        index += angles.step(tokens, index);
    }
    tokens.len()
}

/// Where the method calls (`.name(`, `.name::<`, `.await`) of a chain are in a list of
/// tokens, not counting those inside groups.
fn method_calls(tokens: &[Token]) -> Vec<usize> {
    let mut calls = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let len = operator_len(tokens, index);
        if len == 1 && is_punct(tokens.get(index), '.') {
            if let Some(Token::Ident(name)) = tokens.get(index + 1) {
                if *name == "await"
                    || is_group(tokens.get(index + 2), Delimiter::Parenthesis)
                    || is_punct(tokens.get(index + 2), ':')
                {
                    calls.push(index);
                }
            }
        }
        index += len.max(1);
    }
    calls
}

/// Whether a statement goes on after a brace group (`} else {`, `}.await`, `};`) rather
/// than a new one starting (with a name, a literal, a group or a prefix operator).
fn continues_after_block(next: Option<&Token>) -> bool {
    match next {
        Some(Token::Ident(ident)) => *ident == "else" || *ident == "as",
        Some(Token::Punct(ch, _)) => {
            !matches!(ch, '*' | '&' | '!' | '-' | '#' | ':' | '<' | '|' | '\'')
        }
        Some(Token::Group(_) | Token::Literal(_)) | None => false,
    }
}

/// The attribute at the start of `tokens`: its length and whether it is inner (`#![…]`).
fn attribute_at(tokens: &[Token]) -> Option<(usize, bool)> {
    if !is_punct(tokens.first(), '#') {
        return None;
    }
    if is_group(tokens.get(1), Delimiter::Bracket) {
        return Some((2, false));
    }
    if is_punct(tokens.get(1), '!') && is_group(tokens.get(2), Delimiter::Bracket) {
        return Some((3, true));
    }
    None
}

/// What the first brace group of an item is, from its keyword (past `pub(…)`, `unsafe`, …).
fn header(tokens: &[Token]) -> Option<Brace> {
    let mut index = 0;
    loop {
        let Token::Ident(ident) = tokens.get(index)? else {
            return None;
        };
        index += 1;
        match *ident {
            "pub" => {
                if is_group(tokens.get(index), Delimiter::Parenthesis) {
                    index += 1;
                }
            }
            "unsafe" | "async" | "default" | "const" => {}
            "extern" => {
                if matches!(tokens.get(index), Some(Token::Literal(_))) {
                    index += 1;
                }
            }
            "struct" | "enum" | "union" => return Some(Brace::Definition),
            "impl" | "trait" | "mod" => return Some(Brace::Block(Body::Items)),
            "fn" => return Some(Brace::Block(Body::Statements)),
            "use" => return Some(Brace::Use),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn print(tokens: TokenStream) -> String {
        super::print(&mut Tree::default(), tokens)
    }

    #[test]
    fn items_fields_and_docs_go_one_per_line() {
        let tokens = quote! {
            #[doc = " A thing."]
            #[derive(Clone, Debug)]
            pub struct A { pub a: i64, b: Option<Vec<String>> }
            impl A {
                #[doc = " Makes one."]
                pub fn new() -> Self { Self { a: 1, b: None } }
            }
        };
        assert_eq!(
            print(tokens),
            r#"/// A thing.
#[derive(Clone, Debug)]
pub struct A {
    pub a: i64,
    b: Option<Vec<String>>,
}
impl A {
    /// Makes one.
    pub fn new() -> Self {
        Self { a: 1, b: None }
    }
}
"#
        );
    }

    #[test]
    fn inner_docs_and_docs_a_comment_cannot_hold() {
        let tokens = quote! {
            #![doc = " The crate."]
            #[doc = "two\nlines"]
            struct T;
        };
        assert_eq!(
            print(tokens),
            "//! The crate.\n#[doc = \"two\\nlines\"]\nstruct T;\n"
        );
    }

    #[test]
    fn empty_bodies_and_tuple_structs() {
        let tokens = quote! {
            struct U {}
            pub(crate) struct P(pub u8, String);
            fn e() {}
            use a::{b, c};
        };
        assert_eq!(
            print(tokens),
            "struct U {}\npub(crate) struct P(pub u8, String);\nfn e() {}\nuse a::{b, c};\n"
        );
    }

    #[test]
    fn variants_and_match_arms_go_one_per_line() {
        let tokens = quote! {
            enum E { A, B(u8), C { x: u8 } }
            fn f(e: &E) -> u8 {
                match e {
                    E::A => 0,
                    #[cfg(unix)]
                    E::B(x) => *x,
                    E::C { x } => { let y = x + 1; y }
                }
            }
        };
        assert_eq!(
            print(tokens),
            r#"enum E {
    A,
    B(u8),
    C {
        x: u8,
    },
}
fn f(e: &E) -> u8 {
    match e {
        E::A => 0,
        #[cfg(unix)]
        E::B(x) => *x,
        E::C { x } => {
            let y = x + 1;
            y
        }
    }
}
"#
        );
    }

    #[test]
    fn tokens_are_spaced_as_rust_is() {
        let tokens = quote! {
            impl<'de> ::serde::Deserialize<'de> for X {
                fn f<T: A + ?Sized>(&mut self, x: &'static [u8]) -> Result<(), E> {
                    let v = x.iter().map(|b| b + 1).collect::<Vec<_>>();
                    if !v.is_empty() && v[0] > 2 {
                        return Err(e()?);
                    } else {
                    }
                    let g = move || -a;
                    let s = format!("{}", vec![1, 2].len());
                    Ok(())
                }
            }
        };
        assert_eq!(
            print(tokens),
            r#"impl<'de> ::serde::Deserialize<'de> for X {
    fn f<T: A + ?Sized>(&mut self, x: &'static [u8]) -> Result<(), E> {
        let v = x.iter().map(|b| b + 1).collect::<Vec<_>>();
        if !v.is_empty() && v[0] > 2 {
            return Err(e()?);
        } else {}
        let g = move || -a;
        let s = format!("{}", vec![1, 2].len());
        Ok(())
    }
}
"#
        );
    }

    #[test]
    fn a_long_call_takes_one_argument_per_line() {
        let tokens = quote! {
            fn g() {
                call_something_long(first_argument_value, second_argument_value, third_argument_value, fourth_one);
                short(a, b);
            }
            fn a_function_with_a_long_name(&self) -> Result<Vec<SomeVeryLongTypeName>, some::module::path::Error> {}
        };
        assert_eq!(
            print(tokens),
            r#"fn g() {
    call_something_long(
        first_argument_value,
        second_argument_value,
        third_argument_value,
        fourth_one,
    );
    short(a, b);
}
fn a_function_with_a_long_name(
    &self,
) -> Result<Vec<SomeVeryLongTypeName>, some::module::path::Error> {}
"#
        );
    }

    #[test]
    fn the_width_bound_is_never_below_the_width() {
        let tree = Tree::new(quote! { f(a, b::C<'a>) });
        let tokens = tree.tokens();
        // `f` 2, the group 5 + `a` 2, `,` 2, `b` 2, `::` 4, `C` 2, `<` 2, `'a` 4, `>` 2.
        assert_eq!(width_bound(tokens.all(), tokens.top(), MAX_WIDTH), 27);
        assert_eq!("f(a, b::C<'a>)".len(), 14);
        // Counting stops once past the limit: after `f`, before the group.
        assert_eq!(width_bound(tokens.all(), tokens.top(), 1), 2);
        let tree = Tree::new(quote! { a b c d });
        let tokens = tree.tokens();
        assert_eq!(width_bound(tokens.all(), tokens.top(), 3), 4);
    }

    #[test]
    fn a_long_chain_takes_one_call_per_line() {
        let tokens = quote! {
            fn h() {
                let result = receiver.first_method(argument_one).second_method(argument_two).third(argument_three);
                let short = receiver.first().second();
            }
        };
        assert_eq!(
            print(tokens),
            r#"fn h() {
    let result = receiver
        .first_method(argument_one)
        .second_method(argument_two)
        .third(argument_three);
    let short = receiver.first().second();
}
"#
        );
    }

    #[test]
    fn a_struct_literal_is_on_one_line_when_short_and_simple() {
        let tokens = quote! {
            fn k() {
                let a = S { x, y: 1 };
                let b = S { x: f(1) };
                let c = S { x, };
            }
        };
        assert_eq!(
            print(tokens),
            r#"fn k() {
    let a = S { x, y: 1 };
    let b = S {
        x: f(1),
    };
    let c = S {
        x,
    };
}
"#
        );
    }
}
