//! `stop!` calls found and replaced at the token level, for the bodies where that is exact:
//! no item in them (a nested function's calls are not the span's) and no `stop` inside
//! another macro's arguments (whose reachability the parser decides, see `stop`). Such a
//! body, the usual one, is then never parsed into a syntax tree nor printed back from one:
//! a proc macro runs unoptimised in a dev build, where that parse is most of a `#[span]`'s
//! own cost. Any other body goes to the parser (`stop::parse_calls`).

use proc_macro2::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};

/// A `stop!` call of a body: where it starts, its path (`stop`, `telemetry::stop`) and its
/// arguments.
pub(crate) struct FoundCall {
    pub(crate) path: TokenStream,
    pub(crate) span: Span,
    pub(crate) args: TokenStream,
}

/// Words that start an item (or an `impl Trait` type, a function pointer type): their
/// presence sends the body to the parser, which tells the span's calls from an item's.
const ITEM_WORDS: &[&str] = &[
    "fn",
    "impl",
    "mod",
    "trait",
    "struct",
    "enum",
    "union",
    "static",
    "const",
    "extern",
    "macro_rules",
];

/// The `stop!` calls of `body` in source order, or `None` when the body needs the parser.
pub(crate) fn scan(body: &TokenStream) -> Option<Vec<FoundCall>> {
    let trees: Vec<TokenTree> = body.clone().into_iter().collect();
    // Inner attributes apply to the body itself, which the parser places.
    if let [TokenTree::Punct(hash), TokenTree::Punct(bang), ..] = &trees[..]
        && hash.as_char() == '#'
        && bang.as_char() == '!'
    {
        return None;
    }
    let mut calls = Vec::new();
    scan_trees(&trees, &mut calls)?;
    Some(calls)
}

fn scan_trees(trees: &[TokenTree], calls: &mut Vec<FoundCall>) -> Option<()> {
    let mut at = 0;
    while at < trees.len() {
        match &trees[at] {
            TokenTree::Ident(ident) => {
                let word = ident.to_string();
                // `'static` is a lifetime, not the item word.
                let lifetime =
                    at > 0 && matches!(&trees[at - 1], TokenTree::Punct(p) if p.as_char() == '\'');
                if !lifetime && ITEM_WORDS.contains(&word.as_str()) {
                    return None;
                }
                if let Some(group) = macro_group(trees, at) {
                    if word == "stop" {
                        let start = path_start(trees, at);
                        calls.push(FoundCall {
                            path: trees[start..=at].iter().cloned().collect(),
                            span: trees[start].span(),
                            args: group.stream(),
                        });
                    } else if mentions_stop(&group.stream()) {
                        return None;
                    }
                    at += 3;
                    continue;
                }
                if word == "stop" && is_bang(trees.get(at + 1)) {
                    // `stop!` not followed by its arguments: the parser says what is wrong.
                    return None;
                }
            }
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                scan_trees(&inner, calls)?;
            }
            _ => {}
        }
        at += 1;
    }
    Some(())
}

/// Replaces the calls `scan` found, in the same order: `replace` gives what takes the
/// place of each (a block is put around it, as an expression or a statement).
pub(crate) fn replace(body: TokenStream, replace: &mut dyn FnMut() -> TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = body.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
    let mut at = 0;
    while at < trees.len() {
        match &trees[at] {
            TokenTree::Ident(ident) if ident == "stop" && macro_group(&trees, at).is_some() => {
                let start = path_start(&trees, at);
                out.truncate(out.len() - (at - start));
                let group = Group::new(Delimiter::Brace, replace());
                out.push(TokenTree::Group(group));
                at += 3;
                continue;
            }
            TokenTree::Group(group) if mentions_stop(&group.stream()) => {
                let mut rebuilt =
                    Group::new(group.delimiter(), self::replace(group.stream(), replace));
                rebuilt.set_span(group.span());
                out.push(TokenTree::Group(rebuilt));
            }
            tree => out.push(tree.clone()),
        }
        at += 1;
    }
    out.into_iter().collect()
}

/// The arguments of a macro call whose name is at `at` (`name ! (..)`).
fn macro_group(trees: &[TokenTree], at: usize) -> Option<&Group> {
    if !is_bang(trees.get(at + 1)) {
        return None;
    }
    match trees.get(at + 2) {
        Some(TokenTree::Group(group)) if group.delimiter() != Delimiter::None => Some(group),
        _ => None,
    }
}

fn is_bang(tree: Option<&TokenTree>) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == '!' && p.spacing() == Spacing::Alone)
}

/// Where the path that ends with the name at `at` starts: `a::b::stop`, `::a::stop`.
fn path_start(trees: &[TokenTree], at: usize) -> usize {
    let mut start = at;
    while start >= 2 && is_colon(&trees[start - 1]) && is_colon(&trees[start - 2]) {
        start -= 2;
        match start.checked_sub(1).map(|i| &trees[i]) {
            Some(TokenTree::Ident(_)) => start -= 1,
            _ => break,
        }
    }
    start
}

fn is_colon(tree: &TokenTree) -> bool {
    matches!(tree, TokenTree::Punct(p) if p.as_char() == ':')
}

/// Whether tokens hold the word `stop` at any depth.
fn mentions_stop(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == "stop",
        TokenTree::Group(group) => mentions_stop(&group.stream()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{replace, scan};

    #[test]
    fn calls_at_any_depth_and_through_a_path_are_found_in_order() {
        let body = quote! {
            let f = |x: u64| { stop!(a = x); };
            if ok { telemetry::stop!(b = 1) } else { ::rt::stop![c = 2]; }
        };
        let calls = scan(&body).expect("a simple body");
        let paths: Vec<String> = calls.iter().map(|c| c.path.to_string()).collect();
        assert_eq!(paths, ["stop", "telemetry :: stop", ":: rt :: stop"]);
        assert_eq!(calls[2].args.to_string(), "c = 2");
    }

    #[test]
    fn a_body_with_an_item_or_a_stop_inside_another_macro_goes_to_the_parser() {
        assert!(
            scan(&quote!(
                fn inner() {
                    stop!(a = 1);
                }
            ))
            .is_none()
        );
        assert!(scan(&quote!(let v = vec![stop!(a = 1)];)).is_none());
        assert!(scan(&quote!(#![allow(unused)] stop!(a = 1);)).is_none());
        assert!(scan(&quote!(let v = vec![1, 2]; stop!(a = v.len());)).is_some());
        assert!(scan(&quote!(let s: &'static str = "a"; stop!(a = s);)).is_some());
    }

    #[test]
    fn each_call_with_its_path_becomes_a_block_of_its_replacement() {
        let body = quote!(let n = 1; telemetry::stop!(a = n); g(|| { stop!(b = 2) }));
        let mut next = 0;
        let replaced = replace(body, &mut || {
            next += 1;
            let marker = quote::format_ident!("call{next}");
            quote!(#marker();)
        });
        assert_eq!(
            replaced.to_string(),
            quote!(let n = 1; { call1(); }; g(|| { { call2(); } })).to_string()
        );
    }
}
