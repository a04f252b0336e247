//! Code generation, from plans that validation has already checked.

pub(crate) mod atom;
pub(crate) mod catalog;
pub(crate) mod emit;
pub(crate) mod event;
mod key_check;
pub(crate) mod span;
mod stop;
mod template;

pub(crate) use key_check::{KeyCheck, key_check};

#[cfg(test)]
mod snapshots;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use telemetry_catalog::EventDef;

/// `["exgit", "fs", "grep"]` as tokens.
pub(crate) fn segments(def: &EventDef) -> TokenStream {
    let segments = def.segments();
    quote!(&[#(#segments),*])
}

/// The slot of an event or span: `with_sensitive_keys` when the catalogue marks some of
/// its keys sensitive, so that every event of it says so.
pub(crate) fn slot_constructor(
    rt: &crate::runtime::RuntimePath,
    ty: TokenStream,
    def: &EventDef,
) -> TokenStream {
    let segments = segments(def);
    let sensitive: Vec<&str> = def
        .metadata
        .iter()
        .filter(|k| k.sensitive)
        .map(|k| k.name.as_str())
        .collect();
    if sensitive.is_empty() {
        quote!(#rt::#ty::new(#segments))
    } else {
        quote!(#rt::#ty::with_sensitive_keys(#segments, &[#(#sensitive),*]))
    }
}

/// A span for generated local variables, invisible to the user's code.
pub(crate) fn hidden() -> Span {
    Span::mixed_site()
}
