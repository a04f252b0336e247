//! A checked `stop!` call, rewritten into writes to the span's stop storage.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{KeyCheck, hidden};
use crate::stop::StopCall;
use crate::valid::{SpanPlan, StopPlan};

/// The writes that replace one `stop!` call: its values are evaluated only when somebody
/// listens.
pub(crate) fn rewrite(
    plan: &SpanPlan<'_>,
    checks: &[KeyCheck],
    stop: &StopPlan,
    call: &StopCall,
    conversion: &mut dyn FnMut(&KeyCheck, &syn::Expr) -> TokenStream,
) -> TokenStream {
    let storage = syn::Ident::new("__telemetry_stop", hidden());
    let writes = call.keys.iter().zip(&stop.indices).map(|(kv, &index)| {
        let key = &plan.stop_keys[index].name;
        let convert = conversion(&checks[index], &kv.value);
        let expr = &kv.value;
        // Hygienic, but located at the user's expression, so type errors point there.
        let value = syn::Ident::new("__telemetry_value", hidden().located_at(expr.span()));
        let conversion = quote_spanned!(expr.span()=> #convert(&#value));
        let record = if plan.lazy.is_some() {
            quote!(#storage.set(#key, #conversion))
        } else {
            quote!(#storage.set(#index, #key, #conversion))
        };
        quote! {
            let #value = #expr;
            #record;
        }
    });
    let keep_import = call.keep_import();
    quote! {
        #keep_import
        if #storage.is_enabled() {
            #(#writes)*
        }
    }
}
