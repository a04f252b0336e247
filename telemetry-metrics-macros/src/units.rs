//! The unit names a definition may use: the catalogue's units, which convert into one
//! another, and any other name, which only labels the values.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;
use telemetry_catalog::Unit;

use crate::catalogs::closest;

/// A unit as written.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum UnitName {
    /// One of the catalogue's units.
    Known(Unit),
    /// A label such as `request`.
    Other(String),
}

pub(crate) fn named(ident: &Ident) -> UnitName {
    let name = ident.to_string();
    match Unit::from_name(&name) {
        Some(unit) => UnitName::Known(unit),
        None => UnitName::Other(name),
    }
}

/// "; did you mean `millisecond`?" for a misspelled unit.
pub(crate) fn suggest(name: &str) -> String {
    closest(name, Unit::ALL.map(Unit::name))
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

impl UnitName {
    /// The catalogue's unit of this name, if it is one.
    pub(crate) fn catalogue_unit(&self) -> Option<Unit> {
        match self {
            UnitName::Known(unit) => Some(*unit),
            UnitName::Other(_) => None,
        }
    }

    /// Whether it names `unit` (`native` and `nanosecond` name the same).
    pub(crate) fn is(&self, unit: Unit) -> bool {
        self.catalogue_unit().is_some_and(|u| u.same_as(unit))
    }

    /// The runtime's `Unit` value, under the contract module `private`.
    pub(crate) fn to_tokens(&self, private: &TokenStream) -> TokenStream {
        let variant = match self {
            UnitName::Known(Unit::Native) => quote!(Native),
            UnitName::Known(Unit::Nanosecond) => quote!(Nanosecond),
            UnitName::Known(Unit::Microsecond) => quote!(Microsecond),
            UnitName::Known(Unit::Millisecond) => quote!(Millisecond),
            UnitName::Known(Unit::Second) => quote!(Second),
            UnitName::Known(Unit::Byte) => quote!(Byte),
            UnitName::Known(Unit::Kilobyte) => quote!(Kilobyte),
            UnitName::Known(Unit::Megabyte) => quote!(Megabyte),
            UnitName::Other(name) => return quote!(#private::Unit::Other(#name)),
        };
        quote!(#private::Unit::#variant)
    }
}
