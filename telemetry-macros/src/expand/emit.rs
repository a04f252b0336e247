//! `emit!(SessionCreate { .. })`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attr::EmitArgs;

/// The struct literal is evaluated only when somebody listens, and dispatched out of line:
/// by value once the slot is registered, built by the runtime at the slot's first use. The
/// literal is written in both branches; rustc reports an error in it once. Every use of
/// the event type sits at the user's type, so that a type that is no `#[event]` is
/// reported once, with the runtime trait's message that says so.
pub(crate) fn expand(args: &EmitArgs) -> TokenStream {
    // The full path (no alias): two uses do not pay for one more item.
    let EmitArgs { runtime: rt, event } = args;
    let path = &event.path;
    let record = quote_spanned!(path.span()=> <#path as #rt::EventRecord>);
    let emit_value = quote_spanned!(path.span()=> #rt::emit_value::<#path>);
    let emit_first_use = quote_spanned!(path.span()=> #rt::emit_first_use::<#path>);
    quote!({
        // The user names the type as in their struct literal, lifetimes elided.
        #[allow(elided_lifetimes_in_paths)]
        let __telemetry_slot = #record::slot();
        if !__telemetry_slot.is_idle() {
            if __telemetry_slot.is_registered() {
                #[allow(elided_lifetimes_in_paths)]
                #emit_value(#event);
            } else {
                #[allow(elided_lifetimes_in_paths)]
                #emit_first_use(|| #event);
            }
        }
    })
}
