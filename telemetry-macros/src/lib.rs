//! Attribute macros for `telemetry-runtime`: typed telemetry events checked against the
//! crate's catalogue (`telemetry.toml`) while the code compiles.
//!
//! Use them through `telemetry-runtime`, which re-exports them. Each macro parses its
//! input (`attr`, `ast`), validates it against the catalogue (`valid`), and expands it
//! (`expand`); the catalogue is found by `locate`.
//!
//! Generated code names the runtime only through its hidden contract module
//! (`telemetry_runtime::__private`). A crate that re-exports the runtime under another path
//! says where with `crate = path::to::runtime`: `#[event("..", crate = my::rt)]`,
//! `#[span("..", crate = my::rt)]`, `catalog!(crate = my::rt)`,
//! `emit!(crate = my::rt, Event { .. })`, and `#[telemetry(crate = my::rt)]` beside
//! `#[derive(Atom)]`.

mod ast;
mod attr;
mod errors;
mod expand;
mod kinds;
mod locate;
mod runtime;
mod stop;
mod stop_tokens;
mod valid;

use proc_macro::TokenStream;
use quote::quote;

/// Makes a struct a typed standalone event of the catalogue:
/// `#[event("charon.session.create")]`.
///
/// Its named fields are the event's metadata keys (and measurements, by name or with
/// `#[measurement]`); `Option<T>` fields are optional keys. Constant measurements come
/// from the catalogue. Generates `emit()`, `enabled()`, `from_event()`, a typed
/// `attach()`, and an `EventRecord` implementation.
#[proc_macro_attribute]
pub fn event(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = proc_macro2::TokenStream::from(args);
    let item = proc_macro2::TokenStream::from(item);
    let parsed_args = attr::EventArgs::parse(args);
    let input = match ast::EventStruct::parse(item) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error().into(),
    };
    let result = parsed_args.and_then(|args| {
        let located = locate::catalog(args.name.span())?;
        let plan = valid::event(&located, &args.name, &input)?;
        Ok(expand::event::expand(
            &located,
            &args.runtime,
            &input,
            &plan,
        ))
    });
    match result {
        Ok(tokens) => tokens.into(),
        Err(e) => {
            // Keep the struct (without our field attributes) so that uses of it do not
            // add errors of their own.
            let item = &input.item;
            let error = e.to_compile_error();
            quote!(#item #error).into()
        }
    }
}

/// Makes a function a span of the catalogue: `#[span("exgit.fs.grep")]`.
///
/// The function emits `exgit.fs.grep.start` when called, then exactly one of
/// `exgit.fs.grep.stop` (on every return: normal, early, or through `?`) or
/// `exgit.fs.grep.exception` (on panic, with `kind` = `panic` and `reason` = the message;
/// the panic then resumes). When no handler listens to any of the three, the call costs
/// one atomic load: no clock read, no metadata built.
///
/// # Start metadata
/// - An argument whose name is a start key of the span supplies it (`hit` for `hit?`); an
///   `Option<T>` argument supplies an optional key, absent when `None`.
/// - `key = <expression>` in the attribute supplies a key from any expression, evaluated
///   only when somebody listens: `#[span("exgit.fs.stat", reference = self.head())]`.
/// - `skip(arg, ..)` keeps arguments out of the metadata.
///
/// Start metadata borrows its arguments for the whole call; a body that consumes such an
/// argument should supply the key with `key = <expression>` instead.
///
/// # Stop metadata
/// `stop!(key = value, ..)` anywhere in the body (closures included, and the arguments of
/// other macros such as `vec![..]` or `format!(..)` when those are expressions) sets
/// stop-only keys.
/// Its values are evaluated only when somebody listens; a later value for a key wins. A
/// required stop key that no `stop!` sets is a compile error. The stop event carries the
/// start metadata and these values; the exception event carries the start metadata,
/// `kind` and `reason`.
///
/// # `async fn`
/// The span covers the whole future, and the span is current on every poll, so spans
/// started by the body are its children. A future dropped before it completes ends the
/// span with the exception event, `kind` = `cancelled`.
///
/// # Lazy spans
/// `#[span("exgit.fs.walk", lazy)]` on a function returning `impl Iterator<Item = ..>`
/// keeps the span open until the returned iterator is exhausted or dropped (a partly
/// consumed iterator ends normally: `find` and `take` are ordinary use). `stop!` may then
/// be called from inside the iterator's closures, also `move` ones, as the work happens:
///
/// ```ignore
/// #[span("exgit.fs.walk", lazy)]
/// fn walk<'r>(&'r self, reference: &str) -> impl Iterator<Item = &'r Path> + 'r {
///     let mut files = 0u64;
///     self.tree(reference).filter(|e| e.is_file()).map(move |entry| {
///         files += 1;
///         stop!(file_count = files);
///         entry.path()
///     })
/// }
/// ```
///
/// Each `next` runs with the span current, and a panic inside it ends the span with the
/// exception event. The span keeps its start metadata and stop values inline: a lazy span
/// allocates nothing per call for scalars and short strings.
///
/// The function may also return `impl Stream<Item = ..> + Unpin` (futures-core; each
/// `poll_next` runs like a `next`), or either in a `Result<_, E>` (an `Err` ends the span at
/// once with the exception event, `kind` = `error`, its `Debug` form as `reason`) or in an
/// `Option<_>` (`None` ends it at once with the stop event). A stop key the catalogue
/// marks required but no `stop!` set by the end is reported by a
/// `telemetry.span.missing_stop_key` event. (Compiled examples of every form:
/// `ui-tests/tests/ui/pass/`.)
#[proc_macro_attribute]
pub fn span(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = proc_macro2::TokenStream::from(args);
    let item = proc_macro2::TokenStream::from(item);
    let input = match ast::SpanFn::parse(item.clone()) {
        Ok(input) => input,
        Err(e) => return keep_function(item, e),
    };
    let result = attr::SpanArgs::parse(args).and_then(|args| {
        let located = locate::catalog(args.name.span())?;
        let plan = valid::span(&located, &args, &input)?;
        Ok(expand::span::expand(&located, &input, &args.runtime, &plan))
    });
    match result {
        Ok(tokens) => tokens.into(),
        Err(e) => keep_function(item, e),
    }
}

/// The error, and the function without its `stop!` calls, so that its callers (and the
/// trait of a method) add no errors of their own.
fn keep_function(item: proc_macro2::TokenStream, error: syn::Error) -> TokenStream {
    let error = error.to_compile_error();
    let Ok(mut function) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        return quote!(#item #error).into();
    };
    stop::strip_calls(&mut function.block);
    // Its arguments are unused now; the error above is what matters.
    quote!(#[allow(unused_variables, unreachable_code)] #function #error).into()
}

/// Sets stop-only metadata of the enclosing `#[span]` function: `stop!(match_count = n)`.
///
/// Only valid inside a `#[span]` function, which rewrites it; anywhere else it is a
/// compile error.
#[proc_macro]
pub fn stop(input: TokenStream) -> TokenStream {
    let input = proc_macro2::TokenStream::from(input);
    let span = input
        .clone()
        .into_iter()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span());
    syn::Error::new(
        span,
        "`stop!` is not expected here: it belongs inside a #[span(\"..\")] function, where it \
         sets that span's stop-only metadata",
    )
    .to_compile_error()
    .into()
}

/// Emits an `#[event]` struct, evaluating the struct literal only when somebody listens:
/// `emit!(SessionCreate { session_id, user_id, session_type })`; through a re-exported
/// runtime, `emit!(crate = my::rt, SessionCreate { .. })`.
#[proc_macro]
pub fn emit(input: TokenStream) -> TokenStream {
    match attr::EmitArgs::parse(input.into()) {
        Ok(args) => expand::emit::expand(&args).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Generates the crate's catalogue as code: `events()` (span prefixes), `emit_events()`
/// (standalone events), `with_handler(handler, f)` (attached to every span's stop event
/// while `f` runs), and `CATALOG`, the static description.
#[proc_macro]
pub fn catalog(input: TokenStream) -> TokenStream {
    let result = attr::CatalogArgs::parse(input.into()).and_then(|args| {
        let located = locate::catalog(proc_macro2::Span::call_site())?;
        Ok(expand::catalog::expand(&located, &args.runtime))
    });
    match result {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Makes a fieldless enum an atom type: each variant is an atom, named in `snake_case`
/// (`CookieOnly` is `:cookie_only`) unless renamed with `#[atom(rename = "..")]`.
#[proc_macro_derive(Atom, attributes(atom, telemetry))]
pub fn derive_atom(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match expand::atom::derive(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}
