//! `metrics!`: metric definitions after Elixir's `Telemetry.Metrics`, checked at compile
//! time against the catalogues of the libraries whose events they observe.
//!
//! Use it through `telemetry_metrics::metrics!`, whose documentation shows the syntax.
//!
//! # How a library's catalogue reaches this macro
//! A library's `catalog!()` also generates a hidden exported macro,
//! `<library>::__telemetry_catalog!`, that appends the library's catalogue (its file name
//! and text) to whatever tokens it is given and hands them to a callback macro. So
//! `metrics! { use exgit_like, charon_like; ... }` expands to
//! `exgit_like::__telemetry_catalog!`, which calls back `metrics_with_catalogs!` with
//! exgit's catalogue; that one calls `charon_like::__telemetry_catalog!` in turn, and the
//! last call, holding every catalogue, checks and expands the definitions. The
//! definitions travel as untouched tokens, so errors point at what the user wrote, and
//! the application neither copies a catalogue nor names its file.

use proc_macro::TokenStream;
use proc_macro2::{Delimiter, Span, TokenStream as TokenStream2, TokenTree};
use quote::quote_spanned;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{LitStr, Path};

mod ast;
mod catalogs;
mod expand;
mod units;
mod valid;

/// Metric definitions over the events of the libraries named by `use`; returns a
/// `telemetry_metrics::Metrics`.
#[proc_macro]
pub fn metrics(input: TokenStream) -> TokenStream {
    match syn::parse::<ast::Input>(input) {
        Ok(input) => forward(&input.libraries, &input.definitions, TokenStream2::new()).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// The callback of a library's `__telemetry_catalog!`: `{ libraries left } { definitions }`
/// then, per library done, its catalogue's file name and text.
#[doc(hidden)]
#[proc_macro]
pub fn metrics_with_catalogs(input: TokenStream) -> TokenStream {
    match with_catalogs(input.into()) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn forward(libraries: &[Path], definitions: &TokenStream2, catalogs: TokenStream2) -> TokenStream2 {
    let Some((next, rest)) = libraries.split_first() else {
        return catalogs;
    };
    let span = next.span();
    let forwarder = syn::Ident::new("__telemetry_catalog", span);
    let private = expand::private();
    quote_spanned! {span=>
        #next::#forwarder! {
            [#private::metrics_with_catalogs] { #(#rest),* } { #definitions } #catalogs
        }
    }
}

fn with_catalogs(input: TokenStream2) -> syn::Result<TokenStream2> {
    let mut tokens = input.into_iter();
    let mut group = || match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => Ok(g.stream()),
        _ => Err(syn::Error::new(
            Span::call_site(),
            "metrics_with_catalogs! is called by a library's `__telemetry_catalog!` only",
        )),
    };
    let (libraries, definitions) = (group()?, group()?);
    let catalogs: TokenStream2 = tokens.collect();
    let libraries = Parser::parse2(
        |input: ParseStream<'_>| {
            syn::punctuated::Punctuated::<Path, syn::Token![,]>::parse_terminated(input)
        },
        libraries,
    )?;
    let libraries: Vec<Path> = libraries.into_iter().collect();
    if !libraries.is_empty() {
        return Ok(forward(&libraries, &definitions, catalogs));
    }
    let forwarded = Parser::parse2(
        |input: ParseStream<'_>| {
            let mut pairs = Vec::new();
            while !input.is_empty() {
                let display: LitStr = input.parse()?;
                let text: LitStr = input.parse()?;
                pairs.push((display.value(), text.value()));
            }
            Ok(pairs)
        },
        catalogs,
    )?;
    let catalogs =
        catalogs::Catalogs::parse(&forwarded).map_err(|m| syn::Error::new(Span::call_site(), m))?;
    let definitions = Parser::parse2(ast::definitions, definitions)?;
    let mut errors = valid::Errors::default();
    let mut plans = Vec::new();
    let mut exported: Vec<(String, String)> = Vec::new();
    for definition in &definitions {
        let Some(plan) = valid::definition(definition, &catalogs, &mut errors) else {
            continue;
        };
        let name = exported_name(&plan.name);
        if let Some((_, first)) = exported.iter().find(|(n, _)| *n == name) {
            errors.push(
                definition.name.span(),
                format!(
                    "`{}` is exported as `{name}`, like `{first}` above: exporters tell metrics \
                     apart by name; rename one (give `event_name` and `measurement` apart)",
                    plan.name
                ),
            );
        }
        exported.push((name, plan.name.clone()));
        plans.push(plan);
    }
    errors.into_result()?;
    Ok(expand::metrics(&plans))
}

/// The name exporters see; the runtime's `Metric::exported_name` follows the same rule.
fn exported_name(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '?')
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}
