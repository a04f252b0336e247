//! `#[span("..")]` on a function.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::template::template;
use super::{KeyCheck, hidden, key_check, slot_constructor, stop};
use crate::ast::{LazyShape, SpanFn, mentions_impl_trait};
use crate::kinds::names_no_generics;
use crate::locate::Located;
use crate::runtime::RuntimePath;
use crate::valid::{Role, SpanPlan, StartSource};

pub(crate) fn expand(
    located: &Located,
    input: &SpanFn,
    rt: &RuntimePath,
    plan: &SpanPlan<'_>,
) -> TokenStream {
    let (import, rt) = rt.import();
    let rt = &rt;
    let start_checks: Vec<_> = plan
        .start
        .iter()
        .enumerate()
        .map(|(i, s)| key_check(located, rt, plan.def, Role::Key(s.key()), i))
        .collect();
    let stop_checks: Vec<_> = plan
        .stop_keys
        .iter()
        .enumerate()
        .map(|(i, k)| key_check(located, rt, plan.def, Role::Key(k), plan.start.len() + i))
        .collect();
    // Closed atom values of a type the source names are checked by items of their own,
    // so that `cargo check` rejects an enum with atoms outside the declared ones.
    let mut atom_checks = Vec::new();
    let generics: Vec<&syn::Ident> = input
        .item
        .sig
        .generics
        .type_params()
        .map(|p| &p.ident)
        .chain(input.item.sig.generics.const_params().map(|p| &p.ident))
        .collect();
    let generics = &generics;
    let mut writes = Vec::new();
    for (stop, call) in plan.stops.iter().zip(&input.stops) {
        writes.push(stop::rewrite(
            plan,
            &stop_checks,
            stop,
            call,
            &mut |check, value| check.conversion_of_value(value, generics, &mut atom_checks),
        ));
    }
    let mut writes = writes.into_iter();
    let mut item = input.item.clone();
    if input.token_body {
        if let [syn::Stmt::Expr(syn::Expr::Verbatim(body), None)] = &mut item.block.stmts[..] {
            let tokens = std::mem::take(body);
            *body = crate::stop_tokens::replace(tokens, &mut || writes.next().unwrap_or_default());
        }
    } else {
        crate::stop::replace_calls(&mut item.block, &mut |_| writes.next());
    }

    let slots = syn::Ident::new("__TELEMETRY_SPAN", hidden());
    let enabled = syn::Ident::new("__telemetry_enabled", hidden());
    let start_buf = syn::Ident::new("__telemetry_start", hidden());
    let span = syn::Ident::new("__telemetry_span", hidden());
    let stop = syn::Ident::new("__telemetry_stop", hidden());
    let result = syn::Ident::new("__telemetry_result", hidden());

    // Values of `key = expr` live in locals of the function, so that the start metadata
    // may borrow them for the whole call; they are evaluated only when somebody listens.
    let mut expression_locals = Vec::new();
    let mut expression_values = Vec::new();
    // A method's `impl` may have generic parameters the attribute cannot see: its atom
    // values are checked where the function is compiled instead.
    let is_method = item.sig.receiver().is_some();
    let concrete = |ty: &syn::Type| !is_method && names_no_generics(ty, generics);
    let mut pushes = Vec::new();
    // With no optional argument, the start metadata is a plain array: nothing to
    // initialise twice, no count to keep (the synchronous path builds it for the start
    // and again for the stop).
    let mut entries = Some(Vec::new());
    for (i, (source, check)) in plan.start.iter().zip(&start_checks).enumerate() {
        let key = &source.key().name;
        match source {
            StartSource::Argument {
                ident,
                ty,
                optional: false,
                ..
            } => {
                let convert = check.conversion_of_written(ty, concrete(ty), &mut atom_checks);
                let conversion = quote_spanned!(ident.span()=> #convert(&#ident));
                if let Some(entries) = &mut entries {
                    entries.push(quote!(#rt::Field { key: #key, value: #conversion }));
                }
                pushes.push(quote!(__buf.push(#key, #conversion);));
            }
            StartSource::Argument {
                ident,
                ty,
                optional: true,
                ..
            } => {
                let convert = check.conversion_of_written(ty, concrete(ty), &mut atom_checks);
                let conversion = quote_spanned!(ident.span()=> #convert(__value));
                entries = None;
                pushes.push(quote! {
                    if let ::core::option::Option::Some(__value) = &#ident {
                        __buf.push(#key, #conversion);
                    }
                });
            }
            StartSource::Expression { value, .. } => {
                let convert = check.conversion_of_value(value, generics, &mut atom_checks);
                let local = format_ident!("__telemetry_arg{i}", span = hidden());
                expression_locals.push(quote!(let #local;));
                expression_values.push(quote!(#local = #value;));
                let conversion = quote_spanned!(value.span()=> #convert(&#local));
                if let Some(entries) = &mut entries {
                    entries.push(quote!(#rt::Field { key: #key, value: #conversion }));
                }
                pushes.push(quote!(__buf.push(#key, #conversion);));
            }
        }
    }
    let start_count = plan.start.len();
    let stop_count = plan.stop_keys.len();
    let check_items = start_checks
        .iter()
        .chain(&stop_checks)
        .filter_map(KeyCheck::items);
    let slot = slot_constructor(rt, quote!(SpanSlots), plan.def);
    // A normal stop without one of these is reported at run time (an early return).
    let required: Vec<&str> = plan
        .stop_keys
        .iter()
        .filter(|k| k.required)
        .map(|k| k.name.as_str())
        .collect();
    let tracking = located.tracking();

    let block = &item.block;
    let declarations = quote! {
        #import
        static #slots: #rt::SpanSlots = #slot;
        #tracking
        #(#check_items)*
        #(#atom_checks)*
    };
    let body = if let Some(shape) = plan.lazy {
        // The span owns its start metadata and stop values inline: no allocation per call.
        let wrap = match shape {
            LazyShape::Plain => quote!(over),
            LazyShape::Result => quote!(over_result),
            LazyShape::Option => quote!(over_option),
        };
        let output = match &item.sig.output {
            syn::ReturnType::Type(_, ty) => ty.span(),
            syn::ReturnType::Default => item.sig.ident.span(),
        };
        // At the return type, so that an error type without `Debug` is reported there.
        let result_at_output = syn::Ident::new("__telemetry_result", hidden().located_at(output));
        let wrapped = quote_spanned!(output=> #rt::LazySpan::#wrap(#result_at_output, #span));
        quote! {
            #declarations
            let #enabled = #slots.is_enabled();
            #(#expression_locals)*
            let mut #span = if #enabled {
                #(#expression_values)*
                let mut __buf = #rt::KeptFields::<#start_count>::new();
                #(#pushes)*
                ::core::option::Option::Some(
                    #rt::OwnedSpan::<#start_count, #stop_count>::start(&#slots, __buf)
                        .requiring(&[#(#required),*]),
                )
            } else {
                ::core::option::Option::None
            };
            let #stop = #rt::LazyStop::of_owned(#span.as_ref());
            let #result = #rt::run_lazy_body(&mut #span, || #block);
            #wrapped
        }
    } else if item.sig.asyncness.is_some() {
        let stop_values =
            quote!(#rt::StopValues::<#stop_count>::requiring(#enabled, &[#(#required),*]));
        let prologue = quote! {
            #declarations
            let #enabled = #slots.is_enabled();
            #(#expression_locals)*
            let #start_buf;
            let mut #span = if #enabled {
                #start_buf = {
                    #(#expression_values)*
                    let mut __buf = #rt::FieldBuf::<#start_count>::new();
                    #(#pushes)*
                    __buf
                };
                ::core::option::Option::Some(#rt::ActiveSpan::start(&#slots, #start_buf.as_slice()))
            } else {
                ::core::option::Option::None
            };
        };

        quote! {
            #prologue
            let #stop = #stop_values;
            let #result = {
                let __telemetry_body = ::core::pin::pin!(async #block);
                #rt::Instrumented::new(__telemetry_body, &mut #span).await
            };
            #stop.finish(&mut #span);
            #result
        }
    } else {
        let annotation = match &item.sig.output {
            syn::ReturnType::Type(arrow, ty) if !mentions_impl_trait(ty) => quote!(#arrow #ty),
            syn::ReturnType::Type(..) => quote!(),
            syn::ReturnType::Default => quote!(-> ()),
        };
        let body = syn::Ident::new("__telemetry_body", hidden());
        let stop_names = plan.stop_keys.iter().map(|k| k.name.as_str());
        let start = match &entries {
            Some(entries) => quote!([#(#entries),*]),
            None => quote! {{
                let mut __buf = #rt::FieldBuf::<#start_count>::new();
                #(#pushes)*
                __buf
            }},
        };
        let idle = if expression_values.is_empty() {
            quote!(#slots.is_idle())
        } else {
            quote!(#slots.is_idle() || !#slots.is_enabled())
        };
        let stop_count = stop_count.to_token_stream();
        let stop_names = quote!(#(#stop_names),*);
        let required = quote!(#(#required),*);
        let expression_locals = quote!(#(#expression_locals)* #(#expression_values)*);
        let block = block.to_token_stream();
        template!(SYNC_BODY).fill(&[
            ("declarations", &declarations),
            ("body", &body.to_token_stream()),
            ("stop", &stop.to_token_stream()),
            ("slots", &slots.to_token_stream()),
            ("stop_count", &stop_count),
            ("annotation", &annotation),
            ("block", &block),
            ("idle", &idle),
            ("expression_locals", &expression_locals),
            ("stop_names", &stop_names),
            ("required", &required),
            ("start", &start),
        ])
    };
    // The new body as tokens: parsing it again would only cost time.
    item.block.stmts = vec![syn::Stmt::Expr(syn::Expr::Verbatim(body), None)];
    quote!(#item)
}

/// The body of a synchronous span function, as text (see `template`). The body is written
/// once, as a closure: called right here when nobody listens (one load, one compare and a
/// branch more than the plain function), or handed to the runtime, out of line, with the
/// closure that builds the start metadata. `key = expr` values are evaluated in the
/// function, so that the start metadata may borrow them, and only when somebody listens.
/// The generated locals are holes: their tokens carry the hygiene that keeps them apart
/// from the user's names.
const SYNC_BODY: &str = "
    $declarations
    let $body = |$stop: __telemetry_rt::SpanStop<'_, $stop_count>| $annotation $block;
    if $idle {
        __telemetry_rt::run_idle($body)
    } else {
        $expression_locals
        __telemetry_rt::run_span(
            &$slots,
            &__telemetry_rt::StopKeys { keys: &[$stop_names], required: &[$required] },
            $body,
            || $start,
        )
    }
";
