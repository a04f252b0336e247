//! `#[event("..")]` on a struct.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use telemetry_catalog::Constant;

use super::{KeyCheck, key_check, segments, slot_constructor};
use crate::ast::EventStruct;
use crate::locate::Located;
use crate::runtime::RuntimePath;
use crate::valid::EventPlan;

pub(crate) fn expand(
    located: &Located,
    rt: &RuntimePath,
    input: &EventStruct,
    plan: &EventPlan<'_>,
) -> TokenStream {
    let item = &input.item;
    let ident = &item.ident;
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    let segments = segments(plan.def);
    let dotted = &plan.def.name;
    let tracking = located.tracking();
    let slot = slot_constructor(rt, quote!(EventSlot), plan.def);

    let checks: Vec<KeyCheck> = plan
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| key_check(located, rt, plan.def, f.role, i))
        .collect();
    // Lazy: a key's items are needed only if some value went through its trait.
    let check_items = checks.iter().filter_map(KeyCheck::items);

    // Closed atom fields are checked by items of their own, so that an enum with atoms
    // outside the declared set fails `cargo check`, emitted or not.
    let mut atom_checks: Vec<TokenStream> = Vec::new();
    let converts: Vec<TokenStream> = plan
        .fields
        .iter()
        .zip(&checks)
        .map(|(f, check)| check.conversion_of_written(f.value_type(), true, &mut atom_checks))
        .collect();
    let constants: Vec<(&str, TokenStream, bool)> = plan
        .constants
        .iter()
        .map(|m| {
            let value = match m.constant {
                Some(Constant::U64(v)) => quote!(#rt::Value::U64(#v)),
                Some(Constant::I64(v)) => quote!(#rt::Value::I64(#v)),
                Some(Constant::F64(v)) => quote!(#rt::Value::F64(#v)),
                None => quote!(#rt::Value::U64(0)),
            };
            (m.name.as_str(), value, false)
        })
        .collect();
    // Each field as (key, conversion of the value, whether it is an `Option`).
    let entries = |measurements: bool| -> Vec<(&str, TokenStream, bool)> {
        plan.fields
            .iter()
            .zip(&converts)
            .filter(|(f, _)| f.role.is_measurement() == measurements)
            .map(|(f, convert)| {
                let field = &f.ident;
                let name = f.role.name();
                let span = f.value_type().span();
                match f.optional {
                    Some(_) => (name, quote_spanned!(span=> #convert(__value)), true),
                    None => (name, quote_spanned!(span=> #convert(&self.#field)), false),
                }
            })
            .collect()
    };
    let mut measurements = constants;
    measurements.extend(entries(true));
    let metadata = entries(false);
    // Without optional keys the fields are a plain array; otherwise a buffer that absent
    // keys are left out of.
    let build = |buf: &syn::Ident, entries: &[(&str, TokenStream, bool)]| {
        if entries.iter().all(|(_, _, optional)| !optional) {
            let fields = entries
                .iter()
                .map(|(key, value, _)| quote!(#rt::Field { key: #key, value: #value }));
            return quote!(let #buf = [#(#fields),*];);
        }
        let count = entries.len();
        let pushes = entries.iter().map(|(key, value, optional)| {
            if *optional {
                let field = plan
                    .fields
                    .iter()
                    .find(|f| f.role.name() == *key)
                    .map(|f| &f.ident);
                quote! {
                    if let ::core::option::Option::Some(__value) = &self.#field {
                        __buf.push(#key, #value);
                    }
                }
            } else {
                quote!(__buf.push(#key, #value);)
            }
        });
        quote! {
            let #buf = {
                let mut __buf = #rt::FieldBuf::<#count>::new();
                #(#pushes)*
                __buf
            };
            let #buf = #buf.as_slice();
        }
    };
    let measurements_buf = syn::Ident::new("__measurements", proc_macro2::Span::call_site());
    let metadata_buf = syn::Ident::new("__metadata", proc_macro2::Span::call_site());
    let build_measurements = build(&measurements_buf, &measurements);
    let build_metadata = build(&metadata_buf, &metadata);

    // Typed handlers read the struct back from the event; each field type must be
    // readable (`FromValue`), which the where-clauses require only of callers.
    let lifetime = item.generics.lifetimes().next().map(|l| l.lifetime.clone());
    let (event_lifetime, method_lifetime) = match &lifetime {
        Some(l) => (l.clone(), None),
        None => {
            let l: syn::Lifetime = syn::parse_quote!('__telemetry_event);
            (l.clone(), Some(l))
        }
    };
    let method_generics = method_lifetime.as_ref().map(|l| quote!(<#l>));
    let read_bounds = plan.fields.iter().map(|f| {
        let ty = f.value_type();
        quote!(#ty: #rt::FromValue<#event_lifetime>)
    });
    let read_bounds: Vec<TokenStream> = read_bounds.collect();
    let reads = plan.fields.iter().map(|f| {
        let field = &f.ident;
        let view = match f.role.is_measurement() {
            true => quote!(__event.measurements()),
            false => quote!(__event.metadata()),
        };
        let name = f.role.name();
        if f.optional.is_some() {
            quote! {
                #field: match #view.get(#name) {
                    ::core::option::Option::Some(__value) => ::core::option::Option::Some(#rt::FromValue::from_value(__value)?),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }
        } else {
            quote!(#field: #rt::FromValue::from_value(#view.get(#name)?)?)
        }
    });
    let handler_struct = match &lifetime {
        Some(_) => {
            let params = item
                .generics
                .lifetimes()
                .map(|_| quote!('__telemetry_handler));
            quote!(#ident<#(#params),*>)
        }
        None => ident.to_token_stream(),
    };
    let handler_bound = quote! {
        for<'__telemetry_handler> ::core::ops::Fn(&#handler_struct, #rt::Fields<'__telemetry_handler>)
    };
    let attach_bounds: Vec<TokenStream> = match &lifetime {
        // The handler sees events of any lifetime: require readability for all of them.
        Some(l) => plan
            .fields
            .iter()
            .map(|f| {
                let ty = f.value_type();
                quote!(for<#l> #ty: #rt::FromValue<#l>)
            })
            .collect(),
        None => plan
            .fields
            .iter()
            .map(|f| {
                let ty = f.value_type();
                quote!(for<'__telemetry_any> #ty: #rt::FromValue<'__telemetry_any>)
            })
            .collect(),
    };
    let attach_impl = match &lifetime {
        Some(_) => quote!(impl #ident<'static>),
        None => quote!(impl #ident),
    };
    let doc_emit =
        format!("Emits `{dotted}` with this value's fields; builds nothing when nobody listens.");
    let doc_enabled = format!("Whether any handler listens to `{dotted}`: one atomic load.");
    let doc_from = format!("Reads a `{dotted}` event back into this type, for typed handlers.");
    let doc_attach = format!(
        "Attaches a typed handler to `{dotted}`: it receives the event as this type, and the \
         measurements."
    );

    quote! {
        #item

        const _: () = {
            #tracking
            static __TELEMETRY_SLOT: #rt::EventSlot = #slot;
            #(#check_items)*
            #(#atom_checks)*

            impl #impl_generics #rt::EventRecord for #ident #ty_generics #where_clause {
                const NAME: #rt::Name<'static> = #rt::Name::from_static(#segments);

                #[inline]
                fn slot() -> &'static #rt::EventSlot {
                    &__TELEMETRY_SLOT
                }

                #[inline]
                fn with_fields<__R>(
                    &self,
                    __f: impl ::core::ops::FnOnce(#rt::Fields<'_>, #rt::Fields<'_>) -> __R,
                ) -> __R {
                    #build_measurements
                    #build_metadata
                    __f(
                        #rt::Fields::new(&__measurements),
                        #rt::Fields::new(&__metadata),
                    )
                }
            }

            impl #impl_generics #ident #ty_generics #where_clause {
                #[doc = #doc_emit]
                #[inline]
                pub fn emit(&self) {
                    #rt::EventRecord::emit(self)
                }

                #[doc = #doc_enabled]
                #[inline]
                pub fn enabled() -> bool {
                    __TELEMETRY_SLOT.is_enabled()
                }

                #[doc = #doc_from]
                pub fn from_event #method_generics (__event: &#rt::Event<#event_lifetime>) -> ::core::option::Option<Self>
                where
                    #(#read_bounds,)*
                {
                    ::core::option::Option::Some(Self { #(#reads,)* })
                }
            }

            #attach_impl {
                #[doc = #doc_attach]
                pub fn attach<__F>(
                    id: impl ::core::convert::Into<#rt::HandlerId>,
                    handler: __F,
                ) -> ::core::result::Result<(), #rt::AttachError>
                where
                    __F: #handler_bound + ::core::marker::Send + ::core::marker::Sync + 'static,
                    #(#attach_bounds,)*
                {
                    #rt::attach(id, <Self as #rt::EventRecord>::NAME, move |__event: &#rt::Event<'_>| {
                        if let ::core::option::Option::Some(__typed) = #ident::from_event(__event) {
                            handler(&__typed, __event.measurements());
                        }
                    })
                }
            }
        };
    }
}
