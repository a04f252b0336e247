//! `stop!(key = value, ..)` inside a `#[span]` function, as the parser sees it: the calls a
//! body holds, in source order, and the one walk of a body that finds them.
//!
//! A call belongs to the function whose body holds it: calls inside nested function items
//! are left alone (they expand to a compile error of their own). Calls inside another
//! macro's arguments (`vec![..]`, `format!(..)`) are reached when those arguments parse as
//! expressions; otherwise the parser reports why they cannot be.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Token};

use crate::attr::{KeyValue, StopArgs};
use crate::errors::Errors;
use crate::stop_tokens::FoundCall;

/// One `stop!` call of a body.
pub(crate) struct StopCall {
    pub(crate) keys: Vec<KeyValue>,
    /// The user's path to `stop!`, named again by what replaces the call so that their
    /// import of it stays used.
    path: syn::Path,
}

impl StopCall {
    /// `use <their path to stop!> as _;`: keeps the user's import of `stop` used once
    /// the call itself is gone.
    pub(crate) fn keep_import(&self) -> TokenStream {
        keep_import(&self.path)
    }
}

fn keep_import(path: &syn::Path) -> TokenStream {
    quote!(#[allow(unused_imports)] use #path as _;)
}

/// Parses every `stop!` call of a body, in source order.
pub(crate) fn parse_calls(block: &mut syn::Block) -> syn::Result<Vec<StopCall>> {
    let mut errors = Errors::new();
    let mut calls = Vec::new();
    let unreachable = replace_calls(block, &mut |mac: &syn::Macro| {
        let parsed = StopArgs::parse(mac.tokens.clone(), mac.span());
        if let Some(args) = errors.handle(parsed) {
            calls.push(StopCall {
                keys: args.keys,
                path: mac.path.clone(),
            });
        }
        None
    });
    for error in unreachable {
        errors.push(error);
    }
    errors.finish()?;
    Ok(calls)
}

/// The calls that `stop_tokens::scan` found in a body, parsed, in source order.
pub(crate) fn parse_found(found: Vec<FoundCall>) -> syn::Result<Vec<StopCall>> {
    let mut errors = Errors::new();
    let mut calls = Vec::new();
    for call in found {
        let parsed = StopArgs::parse(call.args, call.span)
            .and_then(|args| Ok((args, syn::parse2::<syn::Path>(call.path)?)));
        if let Some((args, path)) = errors.handle(parsed) {
            calls.push(StopCall {
                keys: args.keys,
                path,
            });
        }
    }
    errors.finish()?;
    Ok(calls)
}

/// Replaces the `stop!` calls of a body: `replace` is offered each call in source order
/// (the order of `parse_calls`) and returns what takes its place, or `None` to keep it.
/// Returns an error for each call that sits where no rewrite can reach it.
pub(crate) fn replace_calls(
    block: &mut syn::Block,
    replace: &mut dyn FnMut(&syn::Macro) -> Option<TokenStream>,
) -> Vec<syn::Error> {
    let mut sites = StopSites {
        replace,
        unreachable: Vec::new(),
        drop_unreachable: false,
    };
    sites.visit_block_mut(block);
    sites.unreachable
}

/// Replaces every `stop!` call of a body by nothing but the use of its import: what a
/// function keeps of its body when its span has errors.
/// A macro holding a `stop!` it cannot be rewritten in is replaced by
/// `unreachable!()`, so that only the error that says why remains.
pub(crate) fn strip_calls(block: &mut syn::Block) {
    let mut sites = StopSites {
        replace: &mut |mac| Some(keep_import(&mac.path)),
        unreachable: Vec::new(),
        drop_unreachable: true,
    };
    sites.visit_block_mut(block);
}

/// Whether a macro call is `stop!`, however it is imported (`stop!`, `telemetry::stop!`).
fn is_stop(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| s.ident == "stop")
}

/// The one visitor of a body's `stop!` calls.
struct StopSites<'f> {
    replace: &'f mut dyn FnMut(&syn::Macro) -> Option<TokenStream>,
    unreachable: Vec<syn::Error>,
    /// Whether a macro holding an unreachable `stop!` is replaced by `unreachable!()`.
    drop_unreachable: bool,
}

impl StopSites<'_> {
    /// What replaces a macro call: the rewrite of a `stop!`, or another macro whose
    /// arguments hold rewritten `stop!` calls.
    fn replacement(&mut self, mac: &syn::Macro) -> Option<Expr> {
        if is_stop(mac) {
            let tokens = (self.replace)(mac)?;
            return Some(Expr::Verbatim(quote!({ #tokens })));
        }
        if !mentions_stop(mac.tokens.clone()) {
            return None;
        }
        let Some(mut args) = MacroArgs::parse(mac) else {
            if self.drop_unreachable {
                return Some(Expr::Verbatim(quote!(::core::unreachable!())));
            }
            let name = mac.path.segments.last().map(|s| s.ident.to_string());
            self.unreachable.push(syn::Error::new_spanned(
                &mac.tokens,
                format!(
                    "`stop!` cannot be reached inside `{}!(..)`: #[span] rewrites a `stop!` \
                     inside another macro only when that macro's arguments are Rust \
                     expressions separated by commas, and these are not; call stop! before \
                     or after `{}!`",
                    name.as_deref().unwrap_or("this"),
                    name.as_deref().unwrap_or("it"),
                ),
            ));
            return None;
        };
        args.visit(self);
        let mut rewritten = mac.clone();
        rewritten.tokens = args.into_token_stream();
        Some(Expr::Macro(syn::ExprMacro {
            attrs: Vec::new(),
            mac: rewritten,
        }))
    }
}

impl VisitMut for StopSites<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Macro(m) = expr
            && let Some(replacement) = self.replacement(&m.mac)
        {
            let attrs = std::mem::take(&mut m.attrs);
            *expr = with_attrs(attrs, replacement);
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_stmt_mut(&mut self, stmt: &mut syn::Stmt) {
        if let syn::Stmt::Macro(m) = stmt
            && let Some(replacement) = self.replacement(&m.mac)
        {
            let semi = m.semi_token;
            let attrs = std::mem::take(&mut m.attrs);
            *stmt = syn::Stmt::Expr(with_attrs(attrs, replacement), semi);
            return;
        }
        syn::visit_mut::visit_stmt_mut(self, stmt);
    }

    // A nested function is another function: its `stop!` is not this span's. Unless it
    // is a span of its own, say so (and, when only stripping, leave no `stop!` behind).
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        let syn::Item::Fn(function) = item else {
            return;
        };
        let is_span = function
            .attrs
            .iter()
            .any(|a| a.path().segments.last().is_some_and(|s| s.ident == "span"));
        if is_span {
            return;
        }
        if self.drop_unreachable {
            let mut nested = StopSites {
                replace: &mut |mac| Some(keep_import(&mac.path)),
                unreachable: Vec::new(),
                drop_unreachable: true,
            };
            nested.visit_block_mut(&mut function.block);
            return;
        }
        if let Some(stop) = first_stop(function.block.to_token_stream()) {
            let name = &function.sig.ident;
            self.unreachable.push(syn::Error::new(
                stop,
                format!(
                    "this `stop!` is in the nested function `{name}`, which is not part of \
                     the span: only the #[span] function's own body (closures included) sets \
                     its stop keys; call stop! there with a value `{name}` returns, or put \
                     #[span(\"..\")] on `{name}` if it is a span of its own"
                ),
            ));
        }
    }
}

fn with_attrs(attrs: Vec<syn::Attribute>, expr: Expr) -> Expr {
    if attrs.is_empty() {
        return expr;
    }
    Expr::Verbatim(quote!(#(#attrs)* #expr))
}

/// Whether tokens hold a `stop!` call, at any depth.
fn mentions_stop(tokens: TokenStream) -> bool {
    first_stop(tokens).is_some()
}

/// Where the first `stop!` call of some tokens is, at any depth.
fn first_stop(tokens: TokenStream) -> Option<proc_macro2::Span> {
    let mut previous_stop = None;
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == '!' && previous_stop.is_some() => {
                return previous_stop;
            }
            TokenTree::Group(g) => {
                if let Some(found) = first_stop(g.stream()) {
                    return Some(found);
                }
            }
            _ => {}
        }
        previous_stop = match &tree {
            TokenTree::Ident(i) if i == "stop" => Some(i.span()),
            _ => None,
        };
    }
    None
}

/// The arguments of a macro such as `vec![..]`, `format!(..)` or `assert!(..)`, when they
/// are expressions: `a, b, c` or `value; count`.
enum MacroArgs {
    List(Punctuated<Expr, Token![,]>),
    Repeat(Box<Expr>, Token![;], Box<Expr>),
}

impl MacroArgs {
    fn parse(mac: &syn::Macro) -> Option<Self> {
        let list = Punctuated::<Expr, Token![,]>::parse_terminated;
        if let Ok(list) = list.parse2(mac.tokens.clone()) {
            return Some(MacroArgs::List(list));
        }
        syn::parse2::<MacroArgs>(mac.tokens.clone()).ok()
    }

    fn visit(&mut self, sites: &mut StopSites<'_>) {
        match self {
            MacroArgs::List(list) => list.iter_mut().for_each(|e| sites.visit_expr_mut(e)),
            MacroArgs::Repeat(value, _, count) => {
                sites.visit_expr_mut(value);
                sites.visit_expr_mut(count);
            }
        }
    }
}

impl Parse for MacroArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Ok(MacroArgs::Repeat(
            input.parse()?,
            input.parse()?,
            input.parse()?,
        ))
    }
}

impl ToTokens for MacroArgs {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            MacroArgs::List(list) => list.to_tokens(tokens),
            MacroArgs::Repeat(value, semi, count) => {
                value.to_tokens(tokens);
                semi.to_tokens(tokens);
                count.to_tokens(tokens);
            }
        }
    }
}
