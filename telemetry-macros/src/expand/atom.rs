//! `#[derive(Atom)]` on a fieldless enum.

use darling::{FromDeriveInput, FromVariant};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Ident, LitStr};

use crate::errors::Errors;
use crate::runtime::RuntimePath;

#[derive(FromDeriveInput)]
#[darling(attributes(telemetry), supports(enum_unit))]
struct AtomEnum {
    ident: Ident,
    /// `#[telemetry(crate = path::to::runtime)]`, for a crate that re-exports the runtime.
    #[darling(rename = "crate")]
    runtime: Option<syn::Path>,
    generics: syn::Generics,
    data: darling::ast::Data<AtomVariant, ()>,
}

#[derive(FromVariant)]
#[darling(attributes(atom))]
struct AtomVariant {
    ident: Ident,
    #[darling(default)]
    rename: Option<LitStr>,
}

pub(crate) fn derive(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    check_shape(input)?;
    let parsed = AtomEnum::from_derive_input(input).map_err(syn::Error::from)?;
    let variants = match &parsed.data {
        darling::ast::Data::Enum(variants) => variants,
        darling::ast::Data::Struct(_) => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "#[derive(Atom)] goes on an enum whose variants have no fields",
            ));
        }
    };
    let mut names: Vec<(String, &AtomVariant)> = Vec::new();
    let mut errors = Errors::new();
    for variant in variants {
        let name = match &variant.rename {
            Some(lit) => {
                let value = lit.value();
                if let Some(problem) = atom_problem(&value) {
                    errors.push(syn::Error::new_spanned(lit, problem));
                    continue;
                }
                value
            }
            None => snake_case(&variant.ident.to_string()),
        };
        if let Some((_, other)) = names.iter().find(|(n, _)| *n == name) {
            errors.push(syn::Error::new_spanned(
                &variant.ident,
                format!(
                    "atom `:{name}` is already the atom of `{}`; give one of them \
                         #[atom(rename = \"..\")]",
                    other.ident
                ),
            ));
            continue;
        }
        names.push((name, variant));
    }
    errors.finish()?;
    let (import, rt) = RuntimePath::new(parsed.runtime.clone()).import();
    let ident = &parsed.ident;
    let (impl_generics, ty_generics, where_clause) = parsed.generics.split_for_impl();
    let atoms: Vec<&String> = names.iter().map(|(n, _)| n).collect();
    let variant_idents: Vec<&Ident> = names.iter().map(|(_, v)| &v.ident).collect();
    let variant_names: Vec<String> = variant_idents.iter().map(|v| v.to_string()).collect();
    let count = atoms.len();
    let positions = 0..count;
    let positions_back = 0..count;
    // The atoms live in one static, which `atom()` hands out and `from_atom` looks an
    // atom up in by address before comparing any text: reading an atom back from an
    // event of its own type compares no string.
    Ok(quote! {
        const _: () = {
            #import
            static __TELEMETRY_ATOMS: [&str; #count] = [#(#atoms),*];

            impl #impl_generics #rt::Atom for #ident #ty_generics #where_clause {
                const VALUES: &'static [&'static str] = &__TELEMETRY_ATOMS;
                const VARIANTS: &'static [&'static str] = &[#(#variant_names),*];

                #[inline]
                fn atom(&self) -> &'static str {
                    // The position first, then one indexed load: for variants in
                    // declaration order the position is the discriminant itself.
                    let position: usize = match self {
                        #(Self::#variant_idents => #positions,)*
                    };
                    __TELEMETRY_ATOMS[position]
                }

                #[inline]
                fn from_atom(name: &str) -> ::core::option::Option<Self> {
                    match #rt::atom_position(name, &__TELEMETRY_ATOMS) {
                        #(::core::option::Option::Some(#positions_back) => ::core::option::Option::Some(Self::#variant_idents),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            impl #impl_generics #rt::ToValue for #ident #ty_generics #where_clause {
                #[inline]
                fn to_value(&self) -> #rt::Value<'_> {
                    #rt::Value::Atom(#rt::Atom::atom(self))
                }
            }

            impl<'__telemetry_value> #rt::FromValue<'__telemetry_value> for #ident #ty_generics #where_clause {
                #[inline]
                fn from_value(value: #rt::Value<'__telemetry_value>) -> ::core::option::Option<Self> {
                    value.as_atom().and_then(<Self as #rt::Atom>::from_atom)
                }
            }
        };
    })
}

/// Says what an atom type is before darling reports the shape it found.
fn check_shape(input: &syn::DeriveInput) -> syn::Result<()> {
    let syn::Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Atom)] goes on an enum whose variants have no fields: each variant is one atom",
        ));
    };
    match data.variants.iter().find(|v| !v.fields.is_empty()) {
        Some(variant) => Err(syn::Error::new_spanned(
            &variant.fields,
            format!(
                "variant `{}` has fields, but an atom is a bare name: #[derive(Atom)] needs every \
                 variant without fields; for a value such as `{{:ref_store_disk, op}}`, implement \
                 `telemetry_runtime::ToValue` instead",
                variant.ident
            ),
        )),
        None => Ok(()),
    }
}

/// `CookieOnly` is `cookie_only`, `HTTPError` is `http_error`, `Oauth2` is `oauth2`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn atom_problem(name: &str) -> Option<String> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '?');
    (!valid).then(|| {
        format!(
            "`{name}` is not an atom name: use lowercase ASCII letters, digits and `_`, \
             starting with a letter (write it without the leading `:`)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn variant_names_become_snake_case_atoms() {
        assert_eq!(snake_case("Full"), "full");
        assert_eq!(snake_case("Oauth2"), "oauth2");
        assert_eq!(snake_case("CookieOnly"), "cookie_only");
        assert_eq!(snake_case("HTTPError"), "http_error");
        assert_eq!(snake_case("RefStoreDisk"), "ref_store_disk");
    }
}
