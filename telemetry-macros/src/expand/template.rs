//! Generated code written as text with `$name` holes.
//!
//! A proc macro built in the dev profile runs unoptimised, and every token it builds one
//! by one (`quote!`) costs it several calls across the bridge to the compiler: for the
//! macros' fixed scaffolding, most of the time they take. A template is parsed once per
//! process into runs of text and holes; filling it hands each run to the compiler's own
//! lexer in one call ([`TokenStream::from_str`]) and splices the holes' tokens in, which
//! keep their spans (the user's types, where type errors must point). Text tokens get
//! the call-site span, as `quote!`'s do.
//!
//! Templates are the macros' own text: plain Rust tokens, string literals without `$`,
//! no comments, no character literals (a `'` always starts a lifetime).

use std::str::FromStr;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// A parsed template: runs of text, holes, and the groups that hold holes.
pub(crate) struct Template {
    nodes: Vec<Node>,
}

enum Node {
    /// Tokens without holes, balanced.
    Text(&'static str),
    Hole(&'static str),
    Group(Delimiter, Vec<Node>),
}

/// A template parsed once per process: `template!(TEXT)` where `TEXT` is a `&'static str`.
macro_rules! template {
    ($text:expr) => {{
        static TEMPLATE: ::std::sync::OnceLock<$crate::expand::template::Template> =
            ::std::sync::OnceLock::new();
        TEMPLATE.get_or_init(|| $crate::expand::template::Template::parse($text))
    }};
}
pub(crate) use template;

impl Template {
    /// Parses `text`. Panics on an unbalanced delimiter or an empty hole name: templates
    /// are the macros' own constants, which the snapshot tests expand.
    pub(crate) fn parse(text: &'static str) -> Template {
        let mut at = 0;
        let nodes = parse_nodes(text, &mut at, None);
        assert!(at == text.len(), "unbalanced template: {text}");
        Template { nodes }
    }

    /// The tokens, each hole `$name` replaced by the tokens `holes` give for `name`.
    /// Panics when a hole has no tokens given.
    pub(crate) fn fill(&self, holes: &[(&str, &TokenStream)]) -> TokenStream {
        fill_nodes(&self.nodes, holes)
    }
}

/// Tokens written as text, all of the call-site span: for generated code whose every
/// token is the macro's own (names, messages as string literals), one call to the
/// compiler's lexer.
///
/// Inside the compiler the text goes straight to its lexer: `proc_macro2`'s own `FromStr`
/// first lexes the text again with its fallback lexer, unoptimised in a dev build, which
/// costs more than building the tokens one by one.
pub(crate) fn text(text: &str) -> TokenStream {
    if proc_macro::is_available() {
        let tokens = proc_macro::TokenStream::from_str(text)
            .unwrap_or_else(|e| panic!("generated text does not lex ({e}): {text}"));
        return TokenStream::from(tokens);
    }
    TokenStream::from_str(text)
        .unwrap_or_else(|e| panic!("generated text does not lex ({e}): {text}"))
}

/// A string literal's tokens as text: `Debug` escapes a `str` as a Rust literal does
/// (quotes, backslashes, control and unprintable characters), with no call to the
/// compiler.
pub(crate) fn string(value: &str) -> String {
    format!("{value:?}")
}

fn fill_nodes(nodes: &[Node], holes: &[(&str, &TokenStream)]) -> TokenStream {
    // The parts are joined in one call (`FromIterator<TokenStream>`): appended one by
    // one, each would be a call of its own, and a stream passed as an iterator of tokens
    // would cross the bridge token by token.
    let parts = nodes.iter().map(|node| match node {
        Node::Text(source) => text(source),
        Node::Hole(name) => {
            let (_, tokens) = holes
                .iter()
                .find(|(hole, _)| hole == name)
                .unwrap_or_else(|| panic!("template hole `${name}` not filled"));
            (*tokens).clone()
        }
        Node::Group(delimiter, inner) => {
            let group = Group::new(*delimiter, fill_nodes(inner, holes));
            TokenStream::from(TokenTree::Group(group))
        }
    });
    parts.collect()
}

/// Parses from `*at` up to the closing delimiter `close` (or the end), leaving `*at` past
/// it. A group without holes stays part of the text around it.
fn parse_nodes(text: &'static str, at: &mut usize, close: Option<u8>) -> Vec<Node> {
    let bytes = text.as_bytes();
    let mut nodes = Vec::new();
    let mut run_start = *at;
    let flush = |nodes: &mut Vec<Node>, start: usize, end: usize| {
        if !text[start..end].trim().is_empty() {
            nodes.push(Node::Text(&text[start..end]));
        }
    };
    while *at < bytes.len() {
        match bytes[*at] {
            b'"' => *at = skip_string(bytes, *at),
            b'$' => {
                flush(&mut nodes, run_start, *at);
                let start = *at + 1;
                let mut end = start;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                {
                    end += 1;
                }
                assert!(end > start, "empty template hole in: {text}");
                nodes.push(Node::Hole(&text[start..end]));
                *at = end;
                run_start = end;
            }
            open @ (b'(' | b'[' | b'{') => {
                let group_start = *at;
                *at += 1;
                let (delimiter, closing) = match open {
                    b'(' => (Delimiter::Parenthesis, b')'),
                    b'[' => (Delimiter::Bracket, b']'),
                    _ => (Delimiter::Brace, b'}'),
                };
                let inner = parse_nodes(text, at, Some(closing));
                let has_holes = inner.iter().any(|n| !matches!(n, Node::Text(_)));
                if has_holes {
                    flush(&mut nodes, run_start, group_start);
                    nodes.push(Node::Group(delimiter, inner));
                    run_start = *at;
                }
            }
            c @ (b')' | b']' | b'}') => {
                assert!(Some(c) == close, "unbalanced template: {text}");
                flush(&mut nodes, run_start, *at);
                *at += 1;
                return nodes;
            }
            _ => *at += 1,
        }
    }
    assert!(close.is_none(), "unclosed group in template: {text}");
    flush(&mut nodes, run_start, *at);
    nodes
}

/// The index past the string literal that starts at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::Template;

    #[test]
    fn holes_are_filled_at_any_depth_and_text_is_kept() {
        let template = Template::parse("fn f() -> $ty { let x: [$ty; 1] = [\"(${\"]; x }");
        let ty = quote!(u8);
        let filled = template.fill(&[("ty", &ty)]);
        assert_eq!(
            filled.to_string(),
            quote!(
                fn f() -> u8 {
                    let x: [u8; 1] = ["(${"];
                    x
                }
            )
            .to_string()
        );
    }

    #[test]
    fn a_template_without_holes_is_its_text() {
        let template = Template::parse("impl A for B { fn c(&self) {} }");
        assert_eq!(
            template.fill(&[]).to_string(),
            quote!(impl A for B { fn c(&self) {} }).to_string()
        );
    }

    #[test]
    fn a_string_is_written_as_the_literal_of_its_value() {
        let value = "a \"quoted\" {Self}\\ line\n\u{7f} é";
        let literal: syn::LitStr = syn::parse_str(&super::string(value)).expect("a literal");
        assert_eq!(literal.value(), value);
    }

    #[test]
    #[should_panic(expected = "not filled")]
    fn a_hole_without_tokens_is_a_bug_of_the_macro() {
        Template::parse("a $b c").fill(&[]);
    }
}
