//! `stop!(key = value, ..)` inside a `#[span]` function: found in the body before it is
//! compiled, checked against the span's stop-only keys, and rewritten into writes to the
//! span's stop storage. A `stop!` the attribute does not reach (outside any `#[span]`
//! function, or inside a nested function item) expands to a compile error.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;

use crate::ast::combine;
use crate::attr::StopArgs;
use crate::expand::{KeyCheck, hidden};
use crate::locate::Located;
use crate::valid::{self, SpanPlan};

/// Rewrites every `stop!` of a body; `checks` holds each stop key's check and conversion.
pub(crate) struct StopRewriter<'p, 'c> {
    pub(crate) located: &'c Located,
    pub(crate) plan: &'p SpanPlan<'c>,
    pub(crate) checks: &'p [KeyCheck],
    /// The stop keys set somewhere in the body (indices into `plan.stop_keys`).
    pub(crate) seen: BTreeSet<usize>,
    pub(crate) errors: Option<syn::Error>,
}

impl StopRewriter<'_, '_> {
    fn rewrite(&mut self, mac: &syn::Macro) -> Option<TokenStream> {
        if !is_stop(mac) {
            return None;
        }
        let args = match StopArgs::parse(mac.tokens.clone(), mac.span()) {
            Ok(args) => args,
            Err(e) => {
                combine(&mut self.errors, e);
                return Some(quote!(()));
            }
        };
        let indices = match valid::stop_keys(self.located, self.plan, &args.keys) {
            Ok(indices) => indices,
            Err(e) => {
                combine(&mut self.errors, e);
                return Some(quote!(()));
            }
        };
        let storage = syn::Ident::new("__telemetry_stop", hidden());
        let writes = args.keys.iter().zip(&indices).map(|(kv, &index)| {
            self.seen.insert(index);
            let key = &self.plan.stop_keys[index].name;
            let convert =
                self.checks[index].conversion(crate::kinds::stated_type(&kv.value).as_ref());
            let expr = &kv.value;
            // Hygienic, but located at the user's expression, so type errors point there.
            let value = syn::Ident::new("__telemetry_value", hidden().located_at(expr.span()));
            let conversion = quote_spanned!(expr.span()=> #convert(&#value));
            let record = if self.plan.lazy {
                quote!(#storage.set(#key, #conversion))
            } else {
                quote!(#storage.set(#index, #key, #conversion))
            };
            quote! {
                let #value = #expr;
                #record;
            }
        });
        let keep_import = keep_import(mac);
        Some(quote! {
            #keep_import
            if #storage.is_enabled() {
                #(#writes)*
            }
        })
    }
}

/// Calling the user's `stop!` path once more, with a marker it expands to nothing for,
/// keeps their `use ..::stop` import used.
pub(crate) fn keep_import(mac: &syn::Macro) -> TokenStream {
    let path = &mac.path;
    quote!(#path!(@inside_span);)
}

/// Whether a macro call is `stop!`, however it is imported (`stop!`, `telemetry::stop!`).
pub(crate) fn is_stop(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| s.ident == "stop")
}

impl VisitMut for StopRewriter<'_, '_> {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Macro(m) = expr
            && let Some(tokens) = self.rewrite(&m.mac)
        {
            *expr = syn::Expr::Verbatim(quote!({ #tokens }));
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_stmt_mut(&mut self, stmt: &mut syn::Stmt) {
        if let syn::Stmt::Macro(m) = stmt
            && let Some(tokens) = self.rewrite(&m.mac)
        {
            *stmt = syn::Stmt::Expr(syn::Expr::Verbatim(quote!({ #tokens })), None);
            return;
        }
        syn::visit_mut::visit_stmt_mut(self, stmt);
    }

    // A nested function is another function: its `stop!` is not this span's.
    fn visit_item_mut(&mut self, _item: &mut syn::Item) {}
}
