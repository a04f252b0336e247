//! The unit names a definition may use, and which convert into which.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use crate::catalogs::closest;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dimension {
    Time,
    Size,
}

/// A unit as written.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum UnitName {
    Known(&'static str),
    Other(String),
}

const KNOWN: [&str; 8] = [
    "native",
    "nanosecond",
    "microsecond",
    "millisecond",
    "second",
    "byte",
    "kilobyte",
    "megabyte",
];

pub(crate) fn named(ident: &Ident) -> UnitName {
    let name = ident.to_string();
    match KNOWN.iter().find(|k| **k == name) {
        Some(known) => UnitName::Known(known),
        None => UnitName::Other(name),
    }
}

/// ", did you mean `millisecond`?" for a misspelled unit.
pub(crate) fn suggest(name: &str) -> String {
    closest(name, KNOWN)
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

impl UnitName {
    pub(crate) fn dimension(&self) -> Option<Dimension> {
        match self {
            UnitName::Known("byte" | "kilobyte" | "megabyte") => Some(Dimension::Size),
            UnitName::Known(_) => Some(Dimension::Time),
            UnitName::Other(_) => None,
        }
    }

    pub(crate) fn is_native_time(&self) -> bool {
        matches!(self, UnitName::Known("native" | "nanosecond"))
    }

    /// The runtime's `Unit` value, under the contract module `private`.
    pub(crate) fn to_tokens(&self, private: &TokenStream) -> TokenStream {
        let variant = match self {
            UnitName::Known("native") => quote!(Native),
            UnitName::Known("nanosecond") => quote!(Nanosecond),
            UnitName::Known("microsecond") => quote!(Microsecond),
            UnitName::Known("millisecond") => quote!(Millisecond),
            UnitName::Known("second") => quote!(Second),
            UnitName::Known("byte") => quote!(Byte),
            UnitName::Known("kilobyte") => quote!(Kilobyte),
            UnitName::Known(_) => quote!(Megabyte),
            UnitName::Other(name) => return quote!(#private::Unit::Other(#name)),
        };
        quote!(#private::Unit::#variant)
    }
}
