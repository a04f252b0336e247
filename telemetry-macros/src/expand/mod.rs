//! Code generation, from plans that validation has already checked.

pub(crate) mod atom;
pub(crate) mod catalog;
pub(crate) mod event;
pub(crate) mod span;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;
use telemetry_catalog::{EventDef, KeyDef, MeasurementDef, Type};

use crate::kinds::kind_of;
use crate::locate::Located;

/// `["exgit", "fs", "grep"]` as tokens.
pub(crate) fn segments(def: &EventDef) -> TokenStream {
    let segments = def.segments();
    quote!(&[#(#segments),*])
}

/// What a checked value is: a metadata key or a measurement.
#[derive(Clone, Copy)]
pub(crate) enum Subject<'c> {
    Key(&'c KeyDef),
    Measurement(&'c MeasurementDef),
}

impl Subject<'_> {
    fn describe(&self) -> (&'static str, &str, &Type, usize) {
        match self {
            Subject::Key(k) => ("metadata key", &k.name, &k.ty, k.location.line),
            Subject::Measurement(m) => ("measurement", &m.name, &m.ty, m.location.line),
        }
    }
}

/// The per-key items that check a value's type and convert it: a trait whose
/// `on_unimplemented` message names the key, its declared type and the catalogue line,
/// and a function `convert(&value) -> Value` that requires it.
pub(crate) struct KeyCheck {
    pub(crate) items: TokenStream,
    pub(crate) convert: Ident,
}

pub(crate) fn key_check(
    located: &Located,
    def: &EventDef,
    subject: Subject<'_>,
    index: usize,
) -> KeyCheck {
    let (what, name, ty, line) = subject.describe();
    let kind = kind_of(ty);
    let trait_name = format_ident!("__TelemetryKey{index}");
    let convert = format_ident!("__telemetry_value{index}");
    let message = escape_braces(&format!(
        "{what} `{name}` of `{}` is declared `{ty}` in {}; ",
        def.name,
        located.cite(line)
    )) + "`{Self}` "
        + kind.is_not;
    let label = escape_braces(&kind.expected);
    let note = escape_braces(&format!(
        "the catalogue {} is the source of truth for `{}`",
        located.display, def.name
    ));
    let runtime = quote!(::telemetry_runtime);
    let items = match &kind.marker {
        Some(marker) => quote! {
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            #[allow(non_camel_case_types)]
            trait #trait_name {
                fn __telemetry_value(&self) -> #runtime::Value<'_>;
            }
            impl<T: ?::core::marker::Sized + #marker + #runtime::ToValue> #trait_name for T {
                #[inline]
                fn __telemetry_value(&self) -> #runtime::Value<'_> {
                    #runtime::ToValue::to_value(self)
                }
            }
            #[inline]
            fn #convert<T: ?::core::marker::Sized + #trait_name>(value: &T) -> #runtime::Value<'_> {
                value.__telemetry_value()
            }
        },
        None => {
            let closed = kind.closed_atoms.as_ref().map(|values| {
                let panic = format!(
                    "an atom of this enum is not among the values of `{name}` in {}: {}",
                    located.cite(line),
                    values.iter().map(|v| format!(":{v}")).collect::<Vec<_>>().join(", ")
                );
                quote! {
                    const {
                        ::core::assert!(
                            #runtime::private::atoms_within(<T as #trait_name>::ATOMS, &[#(#values),*]),
                            #panic
                        )
                    };
                }
            });
            quote! {
                #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
                #[allow(non_camel_case_types)]
                trait #trait_name {
                    const ATOMS: &'static [&'static str];
                    fn __telemetry_value(&self) -> #runtime::Value<'_>;
                }
                impl<T: #runtime::Atom + #runtime::ToValue> #trait_name for T {
                    const ATOMS: &'static [&'static str] = <T as #runtime::Atom>::VALUES;
                    #[inline]
                    fn __telemetry_value(&self) -> #runtime::Value<'_> {
                        #runtime::ToValue::to_value(self)
                    }
                }
                #[inline]
                fn #convert<T: #trait_name>(value: &T) -> #runtime::Value<'_> {
                    #closed
                    value.__telemetry_value()
                }
            }
        }
    };
    KeyCheck { items, convert }
}

fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// A span for generated local variables, invisible to the user's code.
pub(crate) fn hidden() -> Span {
    Span::mixed_site()
}
