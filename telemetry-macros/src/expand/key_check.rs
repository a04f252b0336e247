//! The per-key items that check a value's type and convert it: a trait whose
//! `on_unimplemented` message names the key, its declared type and the catalogue line; for
//! closed atom keys, a check of the enum's atoms against the declared ones. Items are built
//! only for the keys some value goes through.

use std::cell::Cell;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;
use telemetry_catalog::{EventDef, Type};

use super::template;
use crate::kinds::{Kind, kind_of, names_no_generics, stated_type, variant_type};
use crate::locate::Located;
use crate::runtime::RuntimePath;
use crate::valid::Role;

pub(crate) struct KeyCheck {
    rt: RuntimePath,
    trait_name: Ident,
    kind: Kind,
    declared: Type,
    /// The trait's `on_unimplemented` message, label and note.
    message: String,
    label: String,
    note: String,
    closed: Option<ClosedAtoms>,
    /// Whether some value goes through the trait, so that it must be emitted.
    trait_used: Cell<bool>,
}

/// A closed atom key: the values an enum's atoms must be among.
struct ClosedAtoms {
    values: Vec<String>,
    key: String,
    /// The catalogue line that declares the key.
    site: String,
}

pub(crate) fn key_check(
    located: &Located,
    rt: &RuntimePath,
    def: &EventDef,
    role: Role<'_>,
    index: usize,
) -> KeyCheck {
    let (what, name, ty, line) = (role.what(), role.name(), role.ty(), role.line());
    let kind = kind_of(ty);
    let message = escape_braces(&format!(
        "{what} `{name}` of `{}` is declared `{ty}` in {}; ",
        def.name,
        located.cite(line)
    )) + "`{Self}` "
        + kind.is_not;
    let closed = kind.closed_atoms.clone().map(|values| ClosedAtoms {
        values,
        key: name.to_owned(),
        site: located.cite(line),
    });
    KeyCheck {
        rt: rt.clone(),
        trait_name: format_ident!("__TelemetryKey{index}"),
        label: escape_braces(&kind.expected),
        kind,
        declared: ty.clone(),
        message,
        note: escape_braces(&format!(
            "the catalogue {} is the source of truth for `{}`",
            located.display, def.name
        )),
        closed,
        trait_used: Cell::new(false),
    }
}

impl KeyCheck {
    /// How to convert a value of this key, called as `conversion(&value)`. A value whose
    /// type the source states and that evidently fits converts directly; any other goes
    /// through the key's checking trait. `at` is the value's place in the source, where a
    /// closed atom key's check then reports.
    fn conversion(&self, stated: Option<&syn::Type>, at: Span) -> TokenStream {
        let rt = &self.rt;
        if stated.is_some_and(|ty| crate::kinds::fits_evidently(&self.declared, ty)) {
            return quote!(#rt::ToValue::to_value);
        }
        self.trait_used.set(true);
        if self.closed.is_some() {
            return self.checked_conversion(at);
        }
        let trait_name = &self.trait_name;
        quote!(#trait_name::__telemetry_value)
    }

    /// How to convert the value of an expression. For a closed atom key whose value names
    /// its enum (`Outcome::Failed`), the enum's atoms are checked as for a written type.
    pub(crate) fn conversion_of_value(
        &self,
        value: &syn::Expr,
        generics: &[&Ident],
        item_checks: &mut Vec<TokenStream>,
    ) -> TokenStream {
        let named = self.closed.as_ref().and_then(|_| variant_type(value));
        match named {
            Some(ty) if names_no_generics(&ty, generics) => {
                self.conversion_of_written(&ty, true, item_checks)
            }
            _ => self.conversion(stated_type(value).as_ref(), value.span()),
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
            return self.conversion(Some(ty), ty.span());
        };
        self.trait_used.set(true);
        let trait_name = &self.trait_name;
        let ty = crate::kinds::without_lifetimes(ty);
        let ty_text = quote!(#ty).to_string().replace(' ', "");
        let (values, key, site) = (&closed.values, &closed.key, &closed.site);
        // The whole call at the type, which the compile error then points at.
        item_checks.push(quote_spanned! {ty.span()=>
            const _: () = __telemetry_rt::assert_closed_atoms(
                    #ty_text,
                    <#ty as #trait_name>::ATOMS,
                    &[#(#values),*],
                    #key,
                    #site,
                );
        });
        // At the type, as the check is: a type that is no atom is then reported once.
        quote_spanned!(ty.span()=> <#ty as #trait_name>::__telemetry_value)
    }

    /// The checking trait and its helpers, when some value needs them: text only (the
    /// contract module by its alias), lexed by the compiler in one call.
    pub(crate) fn items(&self) -> Option<TokenStream> {
        if !self.trait_used.get() {
            return None;
        }
        let trait_name = &self.trait_name;
        let (message, label, note) = (
            template::string(&self.message),
            template::string(&self.label),
            template::string(&self.note),
        );
        // The items sit in the blanket implementation, bounded there: as the trait's
        // defaults (under supertraits) a type that is no atom would fail each supertrait
        // with the runtime's generic message instead of this key's.
        let bound = match self.kind.marker {
            Some(marker) => format!(
                "?::core::marker::Sized + __telemetry_rt::kind::{marker} + __telemetry_rt::ToValue"
            ),
            None => "__telemetry_rt::Atom + __telemetry_rt::ToValue".to_owned(),
        };
        let (declared_atoms, atoms) = match &self.closed {
            Some(_) => (
                "const ATOMS: __telemetry_rt::AtomsOf;",
                "const ATOMS: __telemetry_rt::AtomsOf = __telemetry_rt::AtomsOf::of::<T>();",
            ),
            None => ("", ""),
        };
        Some(template::text(&format!(
            "#[diagnostic::on_unimplemented(message = {message}, label = {label}, note = {note})] \
             trait {trait_name} {{ \
                 {declared_atoms} \
                 fn __telemetry_value(&self) -> __telemetry_rt::Value<'_>; \
             }} \
             #[diagnostic::do_not_recommend] \
             impl<T: {bound}> {trait_name} for T {{ \
                 {atoms} \
                 fn __telemetry_value(&self) -> __telemetry_rt::Value<'_> {{ \
                     __telemetry_rt::ToValue::to_value(self) \
                 }} \
             }}"
        )))
    }

    /// The conversion of a closed atom value whose type only the compiler knows: a
    /// function of its own at the value, whose check runs when it is instantiated (when the
    /// crate is built) and then points at the value.
    fn checked_conversion(&self, at: Span) -> TokenStream {
        let (rt, trait_name) = (&self.rt, &self.trait_name);
        let (values, key, site) = match &self.closed {
            Some(closed) => (&closed.values[..], &closed.key[..], &closed.site[..]),
            None => (&[][..], "", ""),
        };
        quote_spanned! {at=>
            ({
                fn checked<T: #trait_name>(value: &T) -> #rt::Value<'_> {
                    const {
                        __telemetry_rt::assert_closed_atoms(
                            "",
                            <T as #trait_name>::ATOMS,
                            &[#(#values),*],
                            #key,
                            #site,
                        )
                    };
                    value.__telemetry_value()
                }
                checked
            })
        }
    }
}

fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}
