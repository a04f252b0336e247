//! Parsing the arguments of `#[event(..)]`, `#[span(..)]` and `stop!(..)`.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Path, Token};

use crate::runtime::RuntimePath;

/// `#[event("charon.session.create")]`, or with `crate = path::to::runtime` after the name.
pub(crate) struct EventArgs {
    pub(crate) name: LitStr,
    pub(crate) runtime: RuntimePath,
}

impl EventArgs {
    pub(crate) fn parse(args: TokenStream) -> syn::Result<Self> {
        if args.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "#[event] needs the event's catalogue name: write #[event(\"charon.session.create\")]",
            ));
        }
        let parser = |input: ParseStream<'_>| {
            let name = parse_name(input, "event", "charon.session.create")?;
            let mut runtime = None;
            while !input.is_empty() {
                input.parse::<Token![,]>()?;
                if input.is_empty() {
                    break;
                }
                if !input.peek(Token![crate]) {
                    return Err(input.error(
                        "unexpected argument: #[event] takes the event's name, and \
                         `crate = path::to::runtime` when the runtime is re-exported; \
                         metadata comes from the struct's fields",
                    ));
                }
                parse_crate(input, &mut runtime)?;
            }
            Ok(EventArgs {
                name,
                runtime: RuntimePath::new(runtime),
            })
        };
        parser.parse2(args)
    }
}

/// `crate = path::to::runtime`: where a crate that re-exports the runtime keeps it.
pub(crate) fn parse_crate(input: ParseStream<'_>, slot: &mut Option<Path>) -> syn::Result<()> {
    let keyword: Token![crate] = input.parse()?;
    if slot.is_some() {
        return Err(syn::Error::new(keyword.span, "`crate = ..` is given twice"));
    }
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(
            keyword.span,
            "expected `crate = path::to::runtime`: the path under which your crate re-exports \
             telemetry_runtime",
        ));
    }
    input.parse::<Token![=]>()?;
    *slot = Some(Path::parse_mod_style(input)?);
    Ok(())
}

fn parse_name(input: ParseStream<'_>, macro_name: &str, example: &str) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        return input.parse();
    }
    let what: TokenStream = input.fork().parse()?;
    Err(syn::Error::new_spanned(
        &what,
        format!(
            "expected the event's name as a string literal first: #[{macro_name}(\"{example}\")]"
        ),
    ))
}

/// A metadata key as written by the user: an identifier (`pattern`, `hit`) or a string
/// for canonical names that are not identifiers (`"hit?"`).
#[derive(Clone)]
pub(crate) struct KeyName {
    pub(crate) name: String,
    pub(crate) span: Span,
    tokens: TokenStream,
}

impl KeyName {
    /// The user's tokens, for errors that underline the key.
    pub(crate) fn tokens(&self) -> &TokenStream {
        &self.tokens
    }
}

impl Parse for KeyName {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            return Ok(KeyName {
                name: lit.value(),
                span: lit.span(),
                tokens: quote::quote!(#lit),
            });
        }
        let ident = Ident::parse_any(input)?;
        let name = ident.to_string();
        Ok(KeyName {
            name: name.strip_prefix("r#").unwrap_or(&name).to_owned(),
            span: ident.span(),
            tokens: quote::quote!(#ident),
        })
    }
}

/// `key = expression`, in `#[span(..)]` and `stop!(..)`.
pub(crate) struct KeyValue {
    pub(crate) key: KeyName,
    pub(crate) value: Expr,
}

impl Parse for KeyValue {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: KeyName = input.parse()?;
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(
                key.span,
                format!("expected `{} = <expression>`", key.name),
            ));
        }
        input.parse::<Token![=]>()?;
        let value: Expr = input.parse()?;
        Ok(KeyValue { key, value })
    }
}

/// `#[span("exgit.fs.grep", skip(repo), lazy, reference = r.name())]`.
pub(crate) struct SpanArgs {
    pub(crate) name: LitStr,
    pub(crate) skip: Vec<Ident>,
    pub(crate) lazy: Option<Span>,
    pub(crate) keys: Vec<KeyValue>,
    pub(crate) runtime: RuntimePath,
}

impl SpanArgs {
    pub(crate) fn parse(args: TokenStream) -> syn::Result<Self> {
        if args.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "#[span] needs the span's catalogue name: write #[span(\"exgit.fs.grep\")]",
            ));
        }
        let parser = |input: ParseStream<'_>| {
            let name = parse_name(input, "span", "exgit.fs.grep")?;
            let mut args = SpanArgs {
                name,
                skip: Vec::new(),
                lazy: None,
                keys: Vec::new(),
                runtime: RuntimePath::default(),
            };
            let mut runtime = None;
            while !input.is_empty() {
                input.parse::<Token![,]>()?;
                if input.is_empty() {
                    break;
                }
                if input.peek(Token![crate]) {
                    parse_crate(input, &mut runtime)?;
                } else {
                    args.parse_one(input)?;
                }
            }
            args.runtime = RuntimePath::new(runtime);
            Ok(args)
        };
        parser.parse2(args)
    }

    fn parse_one(&mut self, input: ParseStream<'_>) -> syn::Result<()> {
        if input.peek(Ident) && !input.peek2(Token![=]) {
            let ident: Ident = input.parse()?;
            match ident.to_string().as_str() {
                "skip" => {
                    let content;
                    syn::parenthesized!(content in input);
                    let names: Punctuated<Ident, Token![,]> =
                        content.parse_terminated(Ident::parse, Token![,])?;
                    self.skip.extend(names);
                    return Ok(());
                }
                "lazy" => {
                    if self.lazy.is_some() {
                        return Err(syn::Error::new_spanned(ident, "`lazy` is given twice"));
                    }
                    self.lazy = Some(ident.span());
                    return Ok(());
                }
                other => {
                    return Err(syn::Error::new_spanned(
                        &ident,
                        format!(
                            "unknown argument `{other}`: #[span] takes the name, then `skip(arg, ..)`, \
                             `lazy`, `key = <expression>` for start metadata, or `crate = path::to::runtime`"
                        ),
                    ));
                }
            }
        }
        let kv: KeyValue = input.parse()?;
        if matches!(kv.key.name.as_str(), "skip" | "lazy") {
            return Err(syn::Error::new(
                kv.key.span,
                format!(
                    "`{}` takes no `=`: write `{}`",
                    kv.key.name,
                    if kv.key.name == "lazy" {
                        "lazy"
                    } else {
                        "skip(arg, ..)"
                    }
                ),
            ));
        }
        self.keys.push(kv);
        Ok(())
    }
}

/// The arguments of `stop!(key = value, ..)`.
pub(crate) struct StopArgs {
    pub(crate) keys: Vec<KeyValue>,
}

impl StopArgs {
    pub(crate) fn parse(tokens: TokenStream, whole: Span) -> syn::Result<Self> {
        let parser = Punctuated::<KeyValue, Token![,]>::parse_terminated;
        let keys: Vec<KeyValue> = parser.parse2(tokens)?.into_iter().collect();
        if keys.is_empty() {
            return Err(syn::Error::new(
                whole,
                "stop! needs at least one `key = value`, e.g. stop!(match_count = n)",
            ));
        }
        Ok(StopArgs { keys })
    }
}

/// `catalog!()`, or `catalog!(crate = path::to::runtime)`.
pub(crate) struct CatalogArgs {
    pub(crate) runtime: RuntimePath,
}

impl CatalogArgs {
    pub(crate) fn parse(args: TokenStream) -> syn::Result<Self> {
        let parser = |input: ParseStream<'_>| {
            let mut runtime = None;
            if !input.is_empty() {
                if !input.peek(Token![crate]) {
                    return Err(input.error(
                        "catalog!() reads the crate's catalogue and takes no arguments, except \
                         `crate = path::to::runtime` when the runtime is re-exported",
                    ));
                }
                parse_crate(input, &mut runtime)?;
                if input.peek(Token![,]) {
                    input.parse::<Token![,]>()?;
                }
                if !input.is_empty() {
                    return Err(input.error("catalog!() takes nothing after `crate = ..`"));
                }
            }
            Ok(CatalogArgs {
                runtime: RuntimePath::new(runtime),
            })
        };
        parser.parse2(args)
    }
}

/// `emit!(SessionCreate { .. })`, or `emit!(crate = path::to::runtime, SessionCreate { .. })`.
pub(crate) struct EmitArgs {
    pub(crate) runtime: RuntimePath,
    pub(crate) event: syn::ExprStruct,
}

impl EmitArgs {
    pub(crate) fn parse(args: TokenStream) -> syn::Result<Self> {
        if args.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "emit! needs a struct literal of an #[event] type, e.g. emit!(SessionCreate { .. })",
            ));
        }
        let parser = |input: ParseStream<'_>| {
            let mut runtime = None;
            if input.peek(Token![crate]) {
                parse_crate(input, &mut runtime)?;
                input.parse::<Token![,]>()?;
            }
            let rest: TokenStream = input.parse()?;
            let event = syn::parse2(rest.clone()).map_err(|_| {
                syn::Error::new_spanned(
                    &rest,
                    "emit! takes a struct literal of an #[event] type, e.g. \
                     emit!(SessionCreate { .. }); to emit a value you already have, call \
                     `.emit()` on it",
                )
            })?;
            Ok(EmitArgs {
                runtime: RuntimePath::new(runtime),
                event,
            })
        };
        parser.parse2(args)
    }
}
