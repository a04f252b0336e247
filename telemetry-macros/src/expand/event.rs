//! `#[event("..")]` on a struct.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use telemetry_catalog::Constant;

use super::template::template;
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
    let (import, rt) = rt.import();
    let rt = &rt;
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
    // Keys are string literals. (They once lived in one static per event, so that
    // `from_event` on an event of the struct's own emitter matched each key by its
    // address; typed handlers now receive that emitter's value itself, and the static
    // cost every build more than the key comparisons it saved `from_event`.)
    let key_at = |key: &str| -> TokenStream { quote!(#key) };
    // Without optional keys the fields are a plain array; otherwise a buffer that absent
    // keys are left out of.
    let build = |buf: &syn::Ident, entries: &[(&str, TokenStream, bool)]| {
        if entries.iter().all(|(_, _, optional)| !optional) {
            let fields = entries.iter().map(|(key, value, _)| {
                let key = key_at(key);
                quote!(#rt::Field { key: #key, value: #value })
            });
            return quote!(let #buf = [#(#fields),*];);
        }
        let count = entries.len();
        let pushes = entries.iter().map(|(key, value, optional)| {
            let key_tokens = key_at(key);
            if *optional {
                let field = plan
                    .fields
                    .iter()
                    .find(|f| f.role.name() == *key)
                    .map(|f| &f.ident);
                quote! {
                    if let ::core::option::Option::Some(__value) = &self.#field {
                        __buf.push(#key_tokens, #value);
                    }
                }
            } else {
                quote!(__buf.push(#key_tokens, #value);)
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

    // Typed handlers read the struct back in the order the fields are built; each field
    // type must be readable (`FromValue`), which the where-clauses require only of the
    // typed API, so that a struct of write-only types still emits. All fields are read
    // into one tuple matched once (not one `?` per field: each is a match of its own
    // for the compiler to lower and check).
    let lifetime = item.generics.lifetimes().next().map(|l| l.lifetime.clone());
    let read_calls = plan.fields.iter().map(|f| {
        let reader = match f.role.is_measurement() {
            true => &measurements_buf,
            false => &metadata_buf,
        };
        let key = key_at(f.role.name());
        match f.optional {
            Some(_) => quote!(#reader.optional(#key)),
            None => quote!(#reader.required(#key)),
        }
    });
    let read_locals: Vec<syn::Ident> = (0..plan.fields.len())
        .map(|i| quote::format_ident!("__telemetry_field{i}"))
        .collect();
    let field_idents = plan.fields.iter().map(|f| &f.ident);
    let reads = if plan.fields.is_empty() {
        quote!(::core::option::Option::Some(#ident {}))
    } else {
        quote! {
            match (#(#read_calls,)*) {
                (#(::core::option::Option::Some(#read_locals),)*) => {
                    ::core::option::Option::Some(#ident { #(#field_idents: #read_locals),* })
                }
                _ => ::core::option::Option::None,
            }
        }
    };
    let constant_count = plan.constants.len();
    let skip_constants =
        (constant_count > 0).then(|| quote!(#measurements_buf.skip(#constant_count);));
    let of_lifetime: syn::Lifetime = syn::parse_quote!('__telemetry_event);
    let struct_at = |l: &syn::Lifetime| match &lifetime {
        Some(_) => quote!(#ident<#l>),
        None => ident.to_token_stream(),
    };
    let struct_of = struct_at(&of_lifetime);
    let handler_lifetime: syn::Lifetime = syn::parse_quote!('__telemetry_handler);
    let handler_struct = struct_at(&handler_lifetime);
    let static_struct = struct_at(&syn::parse_quote!('static));
    // The handler sees events of any lifetime: readability is required for all of them.
    let any_lifetime = lifetime
        .clone()
        .unwrap_or_else(|| syn::parse_quote!('__telemetry_any));
    let read_bounds: Vec<TokenStream> = plan
        .fields
        .iter()
        .map(|f| f.value_type())
        .filter(|ty| !readable_evidently(ty, lifetime.as_ref()))
        .map(|ty| quote!(for<#any_lifetime> #ty: #rt::FromValue<#any_lifetime>))
        .collect();
    let doc_emit =
        format!("Emits `{dotted}` with this value's fields; builds nothing when nobody listens.");
    let doc_enabled = format!("Whether any handler listens to `{dotted}`: one atomic load.");
    let doc_from = format!("Reads a `{dotted}` event back into this type, for typed handlers.");
    let doc_attach = format!(
        "Attaches a typed handler to `{dotted}`: it receives the event as this type, and the \
         measurements."
    );

    let checks: TokenStream = check_items.chain(atom_checks).collect();
    let read_bounds = quote!(#(#read_bounds,)*);
    let skip_constants = skip_constants.unwrap_or_default();
    let build = quote!(#build_measurements #build_metadata);
    let (impl_generics, ty_generics, where_clause) = (
        impl_generics.to_token_stream(),
        ty_generics.to_token_stream(),
        where_clause.to_token_stream(),
    );
    let ident = ident.to_token_stream();
    let [doc_emit, doc_enabled, doc_from, doc_attach] =
        [doc_emit, doc_enabled, doc_from, doc_attach].map(|doc| doc.to_token_stream());
    let items = template!(EVENT_ITEMS).fill(&[
        ("import", &import),
        ("tracking", &tracking),
        ("slot", &slot),
        ("checks", &checks),
        ("impl_generics", &impl_generics),
        ("ty_generics", &ty_generics),
        ("where_clause", &where_clause),
        ("ident", &ident),
        ("segments", &segments),
        ("build", &build),
        ("static_struct", &static_struct),
        ("struct_of", &struct_of),
        ("handler_struct", &handler_struct),
        ("read_bounds", &read_bounds),
        ("skip_constants", &skip_constants),
        ("reads", &reads),
        ("doc_emit", &doc_emit),
        ("doc_enabled", &doc_enabled),
        ("doc_from", &doc_from),
        ("doc_attach", &doc_attach),
    ]);
    quote!(#item #items)
}

/// What `#[event]` adds beside the struct, as text: `$name` holes take the tokens built
/// above. The lifetimes and locals it names (`'__telemetry_event`, `__measurements`) are
/// the ones those tokens use. `from_event` is `#[inline]`: built only by the crates that
/// call it (not for every event). The typed API sits in an implementation of the struct
/// with every lifetime `'static` (the lifetimes its where-clauses bind are then free to
/// take the struct's own names); `attach` hands the runtime a closure that reads an
/// event from elsewhere back through `from_event`.
const EVENT_ITEMS: &str = "
const _: () = {
    $import
    $tracking
    static __TELEMETRY_SLOT: __telemetry_rt::EventSlot = $slot;
    $checks
    impl $impl_generics __telemetry_rt::EventRecord for $ident $ty_generics $where_clause {
        const NAME: __telemetry_rt::Name<'static> = __telemetry_rt::Name::from_static($segments);
        #[inline]
        fn slot() -> &'static __telemetry_rt::EventSlot {
            &__TELEMETRY_SLOT
        }
        type TypedHandler = dyn for<'__telemetry_handler, '__telemetry_fields> ::core::ops::Fn(&$handler_struct, __telemetry_rt::Fields<'__telemetry_fields>)
            + ::core::marker::Send + ::core::marker::Sync;
        #[inline]
        fn with_fields<__R>(
            &self,
            __f: impl ::core::ops::FnOnce(__telemetry_rt::Fields<'_>, __telemetry_rt::Fields<'_>) -> __R,
        ) -> __R {
            $build
            __f(
                __telemetry_rt::Fields::new(&__measurements),
                __telemetry_rt::Fields::new(&__metadata),
            )
        }
    }
    impl $impl_generics $ident $ty_generics $where_clause {
        #[doc = $doc_emit]
        #[inline]
        pub fn emit(&self) {
            __telemetry_rt::EventRecord::emit(self)
        }
        #[doc = $doc_enabled]
        #[inline]
        pub fn enabled() -> bool {
            __TELEMETRY_SLOT.is_enabled()
        }
    }
    impl $static_struct {
        #[doc = $doc_from]
        #[inline]
        pub fn from_event<'__telemetry_event>(
            __event: &__telemetry_rt::Event<'__telemetry_event>,
        ) -> ::core::option::Option<$struct_of>
        where
            $read_bounds
        {
            let mut __measurements = __event.measurements().reader();
            $skip_constants
            let mut __metadata = __event.metadata().reader();
            $reads
        }
        #[doc = $doc_attach]
        pub fn attach<__F>(
            id: impl ::core::convert::Into<__telemetry_rt::HandlerId>,
            handler: __F,
        ) -> ::core::result::Result<(), __telemetry_rt::AttachError>
        where
            __F: for<'__telemetry_handler, '__telemetry_fields> ::core::ops::Fn(&$handler_struct, __telemetry_rt::Fields<'__telemetry_fields>)
                + ::core::marker::Send + ::core::marker::Sync + 'static,
            $read_bounds
        {
            __telemetry_rt::attach_typed::<Self>(id, ::std::boxed::Box::new(handler), |__handler, __event| {
                if let ::core::option::Option::Some(__value) = Self::from_event(__event) {
                    __handler(&__value, __event.measurements())
                }
            })
        }
    }
};
";

/// Whether the runtime reads values of `ty` back at every lifetime (`FromValue`), so that
/// the typed API needs no bound for it: the scalars, `String`, and `&str` or `&[u8]`
/// borrowed for the struct's own lifetime (`lifetime`), which the event's lifetime is.
fn readable_evidently(ty: &syn::Type, lifetime: Option<&syn::Lifetime>) -> bool {
    const SCALARS: &[&str] = &[
        "bool", "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize", "f32",
        "f64", "String",
    ];
    match ty {
        syn::Type::Reference(r)
            if r.mutability.is_none()
                && r.lifetime.is_some()
                && r.lifetime.as_ref() == lifetime =>
        {
            match &*r.elem {
                syn::Type::Slice(slice) => single_name(&slice.elem).is_some_and(|n| n == "u8"),
                elem => single_name(elem).is_some_and(|n| n == "str"),
            }
        }
        _ => single_name(ty).is_some_and(|n| SCALARS.contains(&n.as_str())),
    }
}

/// The name of a type written as one bare identifier (`u64`, not `std::u64` or `T<U>`).
fn single_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() || path.path.leading_colon.is_some() {
        return None;
    }
    let ident = path.path.get_ident()?;
    Some(ident.to_string())
}
