//! The items the macros are applied to, parsed into what validation needs.

use darling::FromMeta;
use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, ItemFn, ItemStruct, LitStr, Pat, Type};

use crate::errors::Errors;
use crate::stop::{self, StopCall};
use crate::stop_tokens::{self, FoundCall};

/// A struct under `#[event]`, with our field attributes removed.
pub(crate) struct EventStruct {
    pub(crate) item: ItemStruct,
    pub(crate) fields: Vec<EventField>,
}

pub(crate) struct EventField {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// `#[measurement]` or `#[telemetry(measurement)]`.
    pub(crate) measurement: Option<Span>,
    /// `#[telemetry(key = "hit?")]`: the catalogue key, when the field's name differs.
    pub(crate) key: Option<LitStr>,
}

/// `#[telemetry(..)]` on a field.
#[derive(FromMeta, Default)]
struct FieldOptions {
    #[darling(default)]
    key: Option<LitStr>,
    #[darling(default)]
    measurement: darling::util::Flag,
}

impl EventStruct {
    pub(crate) fn parse(item: TokenStream) -> syn::Result<Self> {
        let item: syn::Item = syn::parse2(item)?;
        let mut item = match item {
            syn::Item::Struct(s) => s,
            syn::Item::Enum(e) => {
                return Err(syn::Error::new_spanned(
                    e.enum_token,
                    "#[event] goes on a struct whose named fields are the event's metadata; \
                     for an atom type, use #[derive(telemetry_runtime::Atom)] on the enum instead",
                ));
            }
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "#[event] goes on a struct whose named fields are the event's metadata",
                ));
            }
        };
        if let syn::Fields::Unnamed(unnamed) = &item.fields {
            return Err(syn::Error::new_spanned(
                unnamed,
                "#[event] needs named fields: each field's name is a metadata key, \
                 e.g. `struct SessionCreate<'a> { session_id: &'a str }`",
            ));
        }
        if let Some(param) = item.generics.type_params().next() {
            return Err(syn::Error::new_spanned(
                param,
                "#[event] structs may only have lifetime parameters: every event has one static \
                 slot, so its field types must be concrete",
            ));
        }
        if let Some(param) = item.generics.const_params().next() {
            return Err(syn::Error::new_spanned(
                param,
                "#[event] structs may only have lifetime parameters",
            ));
        }
        if item.generics.lifetimes().count() > 1 {
            return Err(syn::Error::new_spanned(
                &item.generics,
                "#[event] structs take at most one lifetime parameter: the lifetime of the \
                 data they borrow while the event is emitted",
            ));
        }
        let mut fields = Vec::new();
        let mut errors = Errors::new();
        if item.generics.lifetimes().next().is_none() {
            for field in &item.fields {
                if let Some(reference) = unnamed_reference(&field.ty) {
                    errors.push(syn::Error::new_spanned(
                        reference,
                        format!(
                            "field `{}` borrows, so the struct needs a lifetime: write \
                                 `struct {}<'a>` and `&'a ..` in the field",
                            field
                                .ident
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default(),
                            item.ident
                        ),
                    ));
                }
            }
        }
        for field in item.fields.iter_mut() {
            fields.extend(errors.handle(parse_field(field)));
        }
        errors.finish()?;
        Ok(EventStruct { item, fields })
    }
}

fn parse_field(field: &mut syn::Field) -> syn::Result<EventField> {
    let mut measurement = None;
    let mut options = FieldOptions::default();
    let mut kept: Vec<Attribute> = Vec::new();
    for attr in field.attrs.drain(..) {
        if attr.path().is_ident("measurement") {
            if !matches!(attr.meta, syn::Meta::Path(_)) {
                return Err(syn::Error::new_spanned(
                    &attr,
                    "#[measurement] takes no arguments",
                ));
            }
            measurement = Some(attr.span());
        } else if attr.path().is_ident("telemetry") {
            options = FieldOptions::from_meta(&attr.meta).map_err(syn::Error::from)?;
            if options.measurement.is_present() {
                measurement = Some(options.measurement.span());
            }
        } else {
            kept.push(attr);
        }
    }
    field.attrs = kept;
    let ident = field
        .ident
        .clone()
        .ok_or_else(|| syn::Error::new_spanned(&field.ty, "#[event] needs named fields"))?;
    Ok(EventField {
        ident,
        ty: field.ty.clone(),
        measurement,
        key: options.key,
    })
}

/// A function under `#[span]`.
pub(crate) struct SpanFn {
    /// The function; when `token_body`, its block is one verbatim expression: the body's
    /// tokens as written.
    pub(crate) item: ItemFn,
    /// Whether the body was left as tokens (`stop_tokens`), its `stop!` calls found there.
    pub(crate) token_body: bool,
    /// The arguments bound to a plain name, in order.
    pub(crate) args: Vec<FnArgument>,
    /// The `stop!` calls of the body, in source order.
    pub(crate) stops: Vec<StopCall>,
}

pub(crate) struct FnArgument {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
}

impl SpanFn {
    pub(crate) fn parse(item: TokenStream) -> syn::Result<Self> {
        // The usual function: its signature parsed, its body kept as tokens.
        if let Ok(parts) = syn::parse2::<FnParts>(item.clone())
            && let Some(found) = stop_tokens::scan(&parts.body)
        {
            let block = syn::Block {
                brace_token: parts.brace,
                stmts: vec![syn::Stmt::Expr(syn::Expr::Verbatim(parts.body), None)],
            };
            let function = ItemFn {
                attrs: parts.attrs,
                vis: parts.vis,
                modifiers: syn::FnModifiers::default(),
                sig: parts.sig,
                block: Box::new(block),
            };
            return Self::from_fn(function, Some(found));
        }
        let parsed: syn::Item = match syn::parse2(item.clone()) {
            Ok(parsed) => parsed,
            Err(error) => return Err(bodiless_method(item).unwrap_or(error)),
        };
        match parsed {
            syn::Item::Fn(item) => Self::from_fn(item, None),
            // A function without a body is no item: syn keeps it as tokens.
            syn::Item::Verbatim(tokens) => Err(bodiless_method(tokens.clone())
                .unwrap_or_else(|| syn::Error::new_spanned(tokens, NOT_A_FUNCTION))),
            syn::Item::Const(c) => Err(syn::Error::new_spanned(
                c.const_token,
                "#[span] goes on a function, not a constant",
            )),
            other => Err(syn::Error::new_spanned(
                first_tokens(&other),
                NOT_A_FUNCTION,
            )),
        }
    }

    /// The function, with the calls found in its body as tokens (`found`), or else with its
    /// parsed body's.
    fn from_fn(mut item: ItemFn, found: Option<Vec<FoundCall>>) -> syn::Result<Self> {
        if let Some(constness) = &item.sig.constness {
            return Err(syn::Error::new_spanned(
                constness,
                "#[span] cannot instrument a `const fn`: spans read the clock and call \
                 handlers at run time; remove `const` or the attribute",
            ));
        }
        let token_body = found.is_some();
        let stops = match found {
            Some(found) => stop::parse_found(found)?,
            None => stop::parse_calls(&mut item.block)?,
        };
        let args = item
            .sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                FnArg::Typed(typed) => match &*typed.pat {
                    Pat::Ident(pat) => Some(FnArgument {
                        ident: pat.ident.clone(),
                        ty: (*typed.ty).clone(),
                    }),
                    _ => None,
                },
                FnArg::Receiver(_) => None,
            })
            .collect();
        Ok(SpanFn {
            item,
            token_body,
            args,
            stops,
        })
    }

    pub(crate) fn is_async(&self) -> bool {
        self.item.sig.asyncness.is_some()
    }
}

/// A function as its parts, the body as tokens.
struct FnParts {
    attrs: Vec<Attribute>,
    vis: syn::Visibility,
    sig: syn::Signature,
    brace: syn::token::Brace,
    body: TokenStream,
}

impl Parse for FnParts {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let content;
        let brace = syn::braced!(content in input);
        let body = content.parse()?;
        Ok(FnParts {
            attrs,
            vis,
            sig,
            brace,
            body,
        })
    }
}

const NOT_A_FUNCTION: &str = "#[span] goes on a function (free, method, generic or `async fn`)";

/// The error for a trait method declared without a body, which is not an item.
fn bodiless_method(item: TokenStream) -> Option<syn::Error> {
    let method: syn::TraitItemFn = syn::parse2(item).ok()?;
    method.default.is_none().then(|| {
        syn::Error::new_spanned(
            &method.sig,
            "#[span] needs a function body to instrument, and a trait method declaration has \
             none: put #[span(\"..\")] on the method of each `impl` instead",
        )
    })
}

fn first_tokens(item: &syn::Item) -> TokenStream {
    use quote::ToTokens;
    let tokens = item.to_token_stream();
    tokens.into_iter().take(2).collect()
}

/// The first reference without a lifetime in a type, such as the `&str` of `Option<&str>`.
fn unnamed_reference(ty: &Type) -> Option<&syn::TypeReference> {
    struct Finder<'t>(Option<&'t syn::TypeReference>);
    impl<'t> syn::visit::Visit<'t> for Finder<'t> {
        fn visit_type_reference(&mut self, reference: &'t syn::TypeReference) {
            if reference.lifetime.is_none() && self.0.is_none() {
                self.0 = Some(reference);
            }
            syn::visit::visit_type_reference(self, reference);
        }
    }
    let mut finder = Finder(None);
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.0
}

/// The `T` of `Option<T>` when the type is written as an `Option`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// Whether the type mentions `impl Trait` (which closures cannot name as return type).
pub(crate) fn mentions_impl_trait(ty: &Type) -> bool {
    use quote::ToTokens;
    ty.to_token_stream()
        .into_iter()
        .any(|t| matches!(&t, proc_macro2::TokenTree::Ident(i) if i == "impl"))
        || matches!(ty, Type::ImplTrait(_))
}

/// How a lazy span's function hands out its lazy work, and so when its span ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LazyShape {
    /// `impl Iterator<..>` or `impl Stream<..>`.
    Plain,
    /// `Result<impl Iterator/Stream, E>`: an `Err` ends the span at once.
    Result,
    /// `Option<impl Iterator/Stream>`: `None` ends the span at once.
    Option,
}

/// Why a return type does not fit a lazy span.
pub(crate) enum LazyMisfit {
    /// Not one of the shapes of [`LazyShape`].
    Shape,
    /// An `impl Stream` without `Unpin`: the span wraps the stream in place.
    StreamNotUnpin,
}

/// The shape of a lazy span function's return type.
pub(crate) fn lazy_shape(ty: &Type) -> Result<LazyShape, LazyMisfit> {
    if let Some(inner) = option_inner(ty) {
        return lazy_work(inner).map(|()| LazyShape::Option);
    }
    if let Some(inner) = result_ok(ty) {
        return lazy_work(inner).map(|()| LazyShape::Result);
    }
    lazy_work(ty).map(|()| LazyShape::Plain)
}

/// `impl Iterator<..>`, or `impl Stream<..> + Unpin`.
fn lazy_work(ty: &Type) -> Result<(), LazyMisfit> {
    let Type::ImplTrait(imp) = ty else {
        return Err(LazyMisfit::Shape);
    };
    let names: Vec<&syn::Ident> = imp
        .bounds
        .iter()
        .filter_map(|b| match b {
            syn::TypeParamBound::Trait(t) => t.path.segments.last().map(|s| &s.ident),
            _ => None,
        })
        .collect();
    if names.iter().any(|n| *n == "Iterator") {
        return Ok(());
    }
    match (
        names.iter().any(|n| *n == "Stream"),
        names.iter().any(|n| *n == "Unpin"),
    ) {
        (true, true) => Ok(()),
        (true, false) => Err(LazyMisfit::StreamNotUnpin),
        (false, _) => Err(LazyMisfit::Shape),
    }
}

/// The `T` of `Result<T, ..>` (or of an alias such as `io::Result<T>`).
fn result_ok(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}
