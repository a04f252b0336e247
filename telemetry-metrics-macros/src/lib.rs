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
//!
//! `use crate` is the exception: Rust refuses a path to a macro that a macro of the same
//! crate exported, so the crate's own catalogue is found by the rule of its event macros
//! and read from its file, before the first library is asked for its catalogue.

use proc_macro::TokenStream;
use proc_macro2::{Delimiter, Span, TokenStream as TokenStream2, TokenTree};
use quote::{quote, quote_spanned};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{LitStr, Path};

mod ast;
mod catalogs;
mod expand;
mod options;
mod own;
mod plan;
mod units;
mod valid;

/// Metric definitions over the events of the libraries named by `use`, checked against
/// their catalogues while the code compiles; evaluates to a `telemetry_metrics::Metrics`.
///
/// ```text
/// telemetry_metrics::metrics! {
///     use exgit_like, charon_like;            // libraries whose catalog!() exposes a catalogue
///
///     counter("exgit.fs.grep.stop.count", tags = ["reference"]),
///     distribution("exgit.fs.grep.stop.duration",
///         unit = native -> millisecond, buckets = [0.1, 1, 10]),
///     sum("service.overfull_kb", event_name = "exgit.object_store.cache_overfull",
///         measurement = "bytes", unit = byte -> kilobyte, prometheus_type = gauge),
///     summary("charon.token.invalid.user", event_name = "charon.token.invalid",
///         measurement = |_, metadata| metadata.get("user_id").and_then(|v| v.as_f64())),
///     counter("charon.session.create.count", tags = ["kind"],
///         keep = |metadata| metadata.get("user_id").is_some(),
///         tag_values = |metadata| [metadata.get("session_type").unwrap_or(Value::Str(""))]),
/// }
/// ```
///
/// A definition is a kind (`counter`, `sum`, `last_value`, `summary`, `distribution`), the
/// metric's name, then options, as in Elixir's `Telemetry.Metrics`:
///
/// - The name is the event's name then the measurement (`exgit.fs.grep.stop.duration`:
///   event `exgit.fs.grep.stop`, measurement `duration`). `event_name = "..."` gives the
///   event apart (the measurement is then the name's last segment), and
///   `measurement = "key"` the measurement; `measurement = |measurements, metadata| ..`
///   (or `|measurements| ..`) computes it, returning `f64` or `Option<f64>` (`None` skips
///   the event). A counter counts events and takes no measurement.
/// - `tags = ["key", ..]`: metadata keys of that event (a span's stop-only keys only on
///   its `stop`; `kind` and `reason` on its `exception`), at most 8, none `sensitive`.
///   Labels drop a trailing `?`. `tag_values = |metadata| [v1, v2, ..]` computes one
///   `Value` per tag instead, and the tags are then free label names.
/// - `keep = |metadata| ..` or `drop = |metadata| ..` (either may take
///   `|metadata, measurements|`), not both; it runs before the measurement and the tags.
/// - `unit = name`, or a conversion `unit = native -> millisecond`: `native` and
///   `nanosecond` convert to `microsecond`, `millisecond`, `second`; `byte` to `kilobyte`,
///   `megabyte` (factor 1000). A conversion starts from the unit the measurement is in:
///   native time for a span's measurements, the `unit` its catalogue declares for an
///   event's (`bytes = { type = "u64", unit = "byte" }`). A unit named alone labels the
///   values as they are, so on a measurement with a unit it must be that unit. A
///   measurement that declares no unit is a plain number: it takes a label alone
///   (`unit = request`), never a conversion, which nothing in the catalogue would back.
///   A counter counts events and converts nothing; a `measurement` function's values
///   are in the unit it says.
/// - `description = "..."`; `buckets = [..]` (required for a distribution: its Prometheus
///   histogram's bounds, ascending, in the metric's unit); `prometheus_type = counter |
///   gauge` for a sum (a counter needs a whole `u64` measurement, unconverted; the default
///   is `counter` where that holds, `gauge` otherwise); `max_series = N` (tag sets kept
///   apart before the overflow series, default 1000).
///
/// Each misuse is a compile error on the token that is wrong, with the fix and, where a
/// name is close, a "did you mean".
///
/// The libraries named by `use` are dependencies of the crate whose `catalog!()` exposes
/// their catalogues; `crate` among them names the crate's own catalogue, found as its
/// `#[event]` and `#[span]` macros find it (`use crate, exgit_like;`).
#[proc_macro]
pub fn metrics(input: TokenStream) -> TokenStream {
    match syn::parse::<ast::Input>(input).and_then(|input| start(&input)) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Reads the crate's own catalogue if `use` names `crate`, then asks the first library
/// for its catalogue, or checks the definitions at once when there is none.
fn start(input: &ast::Input) -> syn::Result<TokenStream2> {
    let (own, libraries): (Vec<Path>, Vec<Path>) = input
        .libraries
        .iter()
        .cloned()
        .partition(|path| path.is_ident("crate"));
    let Some(own) = own.first() else {
        return Ok(forward(&libraries, &input.definitions, TokenStream2::new()));
    };
    let own = own::catalogue(own.span())?;
    let tracking = own.tracking();
    let metrics = if libraries.is_empty() {
        check(input.definitions.clone(), &[(own.display, own.text)])?
    } else {
        let (display, text) = (&own.display, &own.text);
        forward(&libraries, &input.definitions, quote!(#display #text))
    };
    Ok(quote!({ #tracking #metrics }))
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
    check(definitions, &forwarded)
}

/// Checks the definitions against the catalogues, given as (file name, text) pairs, and
/// expands them.
fn check(definitions: TokenStream2, forwarded: &[(String, String)]) -> syn::Result<TokenStream2> {
    let catalogs =
        catalogs::Catalogs::parse(forwarded).map_err(|m| syn::Error::new(Span::call_site(), m))?;
    let definitions = Parser::parse2(ast::definitions, definitions)?;
    let mut errors = plan::Errors::default();
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
