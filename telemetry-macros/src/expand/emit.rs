//! `emit!(SessionCreate { .. })`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attr::EmitArgs;

/// The struct literal is evaluated only when somebody listens. The event goes through a
/// local trait implemented for every `#[event]` type, so that any other type is told, in
/// words, what it lacks.
pub(crate) fn expand(args: &EmitArgs) -> TokenStream {
    let EmitArgs { runtime: rt, event } = args;
    let path = &event.path;
    let span = path.span();
    // Both uses of the trait sit at the user's type, so that a type that is no event is
    // reported once.
    let slot = quote_spanned! {span=>
        <#path as __TelemetryEmit>::__telemetry_slot()
    };
    let dispatch = quote_spanned! {span=>
        <#path as __TelemetryEmit>::__telemetry_dispatch
    };
    quote!({
        #[diagnostic::on_unimplemented(
            message = "`{Self}` is not an #[event] struct, so emit! cannot send it",
            label = "not an #[event] struct",
            note = "declare it with #[event(\"<name from telemetry.toml>\")] on the struct, \
                    whose fields are then checked against that event's keys"
        )]
        trait __TelemetryEmit {
            fn __telemetry_slot() -> &'static #rt::EventSlot;
            fn __telemetry_dispatch(&self, slot: &#rt::EventSlot);
        }
        #[diagnostic::do_not_recommend]
        impl<T: #rt::EventRecord> __TelemetryEmit for T {
            #[inline]
            fn __telemetry_slot() -> &'static #rt::EventSlot {
                <T as #rt::EventRecord>::slot()
            }
            #[inline]
            fn __telemetry_dispatch(&self, slot: &#rt::EventSlot) {
                #rt::EventRecord::with_fields(self, |__m, __md| slot.dispatch(__m, __md))
            }
        }
        // The user names the type as in their struct literal, lifetimes elided.
        #[allow(elided_lifetimes_in_paths)]
        let __telemetry_slot = #slot;
        if __telemetry_slot.is_enabled() {
            #[allow(elided_lifetimes_in_paths)]
            #dispatch(&#event, __telemetry_slot);
        }
    })
}
