//! Code generation, from plans that validation has already checked.

pub(crate) mod atom;
pub(crate) mod catalog;
pub(crate) mod emit;
pub(crate) mod event;
pub(crate) mod span;
mod stop;

#[cfg(test)]
mod snapshots;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;
use telemetry_catalog::{EventDef, Type};

use crate::kinds::kind_of;
use crate::locate::Located;
use crate::runtime::RuntimePath;
use crate::valid::Role;

/// `["exgit", "fs", "grep"]` as tokens.
pub(crate) fn segments(def: &EventDef) -> TokenStream {
    let segments = def.segments();
    quote!(&[#(#segments),*])
}

/// The per-key items that check a value's type and convert it: a trait whose
/// `on_unimplemented` message names the key, its declared type and the catalogue line,
/// and a function `convert(&value) -> Value` that requires it.
pub(crate) struct KeyCheck {
    items: TokenStream,
    /// Called as `convert(&value)`: the key trait's method, or for closed atoms a function
    /// that also asserts the enum's atoms.
    convert: TokenStream,
    trait_name: Ident,
    closed: Option<ClosedAtoms>,
    declared: Type,
    /// Whether some value goes through the trait, so that its items must be emitted.
    used: std::cell::Cell<bool>,
    rt: RuntimePath,
}

/// A closed atom key: the values an enum's atoms must be among.
struct ClosedAtoms {
    values: Vec<String>,
    /// For the check of a value whose type only the compiler knows.
    message: String,
    key: String,
    /// The catalogue line that declares the key.
    site: String,
}

impl ClosedAtoms {
    /// A `const` item that fails, naming the first atom of `ty` outside the declared
    /// values, where `ty` is written.
    fn item_check(&self, rt: &RuntimePath, trait_name: &Ident, ty: &syn::Type) -> TokenStream {
        let ty = crate::kinds::without_lifetimes(ty);
        let ty_text = quote!(#ty).to_string().replace(' ', "");
        let (values, key, site) = (&self.values, &self.key, &self.site);
        quote::quote_spanned! {syn::spanned::Spanned::span(&ty)=>
            const _: () = {
                const CHECK: #rt::ClosedAtomsCheck = #rt::check_closed_atoms(
                    #ty_text,
                    <#ty as #trait_name>::ATOMS,
                    <#ty as #trait_name>::VARIANTS,
                    &[#(#values),*],
                    #key,
                    #site,
                );
                if !CHECK.passed() {
                    ::core::panic!("{}", CHECK.message())
                }
            };
        }
    }

    /// `const { assert!(..) }` for the enum type `ty`, reported at `span`.
    fn assertion(
        &self,
        rt: &RuntimePath,
        ty: &TokenStream,
        trait_name: &Ident,
        span: Span,
    ) -> TokenStream {
        let (values, message) = (&self.values, &self.message);
        quote::quote_spanned! {span=>
            const {
                ::core::assert!(
                    #rt::atoms_within(<#ty as #trait_name>::ATOMS, &[#(#values),*]),
                    #message
                )
            };
        }
    }
}

impl KeyCheck {
    /// How to convert a value of this key, called as `conversion(&value)`. A value whose
    /// type the source states and that evidently fits converts directly; any other goes
    /// through the key's checking trait.
    pub(crate) fn conversion(&self, stated: Option<&syn::Type>) -> TokenStream {
        if stated.is_some_and(|ty| crate::kinds::fits_evidently(&self.declared, ty)) {
            let rt = &self.rt;
            return quote!(#rt::ToValue::to_value);
        }
        self.used.set(true);
        self.convert.clone()
    }

    /// The checking trait and its helpers, when some value needs them.
    pub(crate) fn items(&self) -> Option<&TokenStream> {
        self.used.get().then_some(&self.items)
    }

    /// How to convert the value of an expression. For a closed atom key whose value names
    /// its enum (`Outcome::Failed`), the enum's atoms are checked as for a written type.
    pub(crate) fn conversion_of_value(
        &self,
        value: &syn::Expr,
        generics: &[&Ident],
        item_checks: &mut Vec<TokenStream>,
    ) -> TokenStream {
        let named = self
            .closed
            .as_ref()
            .and_then(|_| crate::kinds::variant_type(value));
        match named {
            Some(ty) if crate::kinds::names_no_generics(&ty, generics) => {
                self.conversion_of_written(&ty, true, item_checks)
            }
            _ => self.conversion(crate::kinds::stated_type(value).as_ref()),
        }
    }

    /// How to convert a value of a type written in the source (a field's, an argument's).
    /// For a closed atom key whose type is `concrete` (names no generic parameter), this
    /// also pushes onto `item_checks` an item that checks the enum's atoms where the
    /// compiler evaluates it, `cargo check` included, whether or not the value is ever
    /// emitted.
    pub(crate) fn conversion_of_written(
        &self,
        ty: &syn::Type,
        concrete: bool,
        item_checks: &mut Vec<TokenStream>,
    ) -> TokenStream {
        let Some(closed) = self.closed.as_ref().filter(|_| concrete) else {
            return self.conversion(Some(ty));
        };
        self.used.set(true);
        let (rt, trait_name) = (&self.rt, &self.trait_name);
        item_checks.push(closed.item_check(rt, trait_name, ty));
        // At the type, as the check is: a type that is no atom is then reported once.
        quote::quote_spanned!(syn::spanned::Spanned::span(ty)=> <#ty as #trait_name>::__telemetry_value)
    }
}

pub(crate) fn key_check(
    located: &Located,
    rt: &RuntimePath,
    def: &EventDef,
    role: Role<'_>,
    index: usize,
) -> KeyCheck {
    let (what, name, ty, line) = (role.what(), role.name(), role.ty(), role.line());
    let kind = kind_of(ty, rt);
    let trait_name = format_ident!("__TelemetryKey{index}");
    let convert_fn = format_ident!("__telemetry_value{index}");
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
    let closed = kind.closed_atoms.map(|values| ClosedAtoms {
        message: format!(
            "an atom of this enum is not among the values of `{name}` declared in {}: {}",
            located.cite(line),
            values
                .iter()
                .map(|v| format!(":{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        values,
        key: name.to_owned(),
        site: located.cite(line),
    });
    let items = match &kind.marker {
        Some(marker) => quote! {
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            #[allow(non_camel_case_types)]
            trait #trait_name {
                fn __telemetry_value(&self) -> #rt::Value<'_>;
            }
            #[diagnostic::do_not_recommend]
            impl<T: ?::core::marker::Sized + #marker + #rt::ToValue> #trait_name for T {
                #[inline]
                fn __telemetry_value(&self) -> #rt::Value<'_> {
                    #rt::ToValue::to_value(self)
                }
            }
        },
        None => {
            let assertion = closed
                .as_ref()
                .map(|c| c.assertion(rt, &quote!(T), &trait_name, Span::call_site()));
            quote! {
                #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
                #[allow(non_camel_case_types)]
                trait #trait_name {
                    const ATOMS: &'static [&'static str];
                    const VARIANTS: &'static [&'static str];
                    fn __telemetry_value(&self) -> #rt::Value<'_>;
                }
                #[diagnostic::do_not_recommend]
                impl<T: #rt::Atom + #rt::ToValue> #trait_name for T {
                    const ATOMS: &'static [&'static str] = <T as #rt::Atom>::VALUES;
                    const VARIANTS: &'static [&'static str] = <T as #rt::Atom>::VARIANTS;
                    #[inline]
                    fn __telemetry_value(&self) -> #rt::Value<'_> {
                        #rt::ToValue::to_value(self)
                    }
                }
                #[inline]
                fn #convert_fn<T: #trait_name>(value: &T) -> #rt::Value<'_> {
                    #assertion
                    value.__telemetry_value()
                }
            }
        }
    };
    let convert = match kind.marker {
        Some(_) => quote!(#trait_name::__telemetry_value),
        None => quote!(#convert_fn),
    };
    KeyCheck {
        items,
        convert,
        trait_name,
        closed,
        declared: ty.clone(),
        used: std::cell::Cell::new(false),
        rt: rt.clone(),
    }
}

fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// A span for generated local variables, invisible to the user's code.
pub(crate) fn hidden() -> Span {
    Span::mixed_site()
}
