//! `#[span("..")]`: the attribute's arguments and the function's arguments against the
//! span's start keys; its `stop!` calls are checked by `stop`.

use syn::{Expr, Ident, Type};
use telemetry_catalog::{EventDef, EventKind, KeyDef, Phase};

use super::span_checking::Checking;
use super::stop::{self, StopPlan};
use super::{find_event, required_not_option, unknown_key};
use crate::ast::{FnArgument, LazyMisfit, LazyShape, SpanFn, lazy_shape, option_inner};
use crate::attr::{KeyValue, SpanArgs};
use crate::errors::Errors;
use crate::locate::Located;

/// Where one start key of a span gets its value.
pub(crate) enum StartSource<'c> {
    /// A function argument of the same name (`optional` when it is an `Option`).
    Argument {
        key: &'c KeyDef,
        ident: Ident,
        /// The argument's type (for an `Option`, the type inside).
        ty: Type,
        optional: bool,
    },
    /// `key = expression` in the attribute.
    Expression { key: &'c KeyDef, value: Expr },
}

impl<'c> StartSource<'c> {
    pub(crate) fn key(&self) -> &'c KeyDef {
        match self {
            StartSource::Argument { key, .. } | StartSource::Expression { key, .. } => key,
        }
    }
}

pub(crate) struct SpanPlan<'c> {
    pub(crate) def: &'c EventDef,
    pub(crate) start: Vec<StartSource<'c>>,
    /// The stop-only keys, in catalogue order: `stop!` writes them by index.
    pub(crate) stop_keys: Vec<&'c KeyDef>,
    /// Each `stop!` call of the body, in source order.
    pub(crate) stops: Vec<StopPlan>,
    /// For a `lazy` span, what the function returns.
    pub(crate) lazy: Option<LazyShape>,
}

const LAZY_SHAPES: &str = "`lazy` keeps the span open until the returned iterator or stream \
     is exhausted or dropped, so the function must return `impl Iterator<Item = ..>`, \
     `impl Stream<Item = ..> + Unpin`, or one of them in a `Result<_, E>` (an `Err` ends the \
     span as an exception) or an `Option<_>` (`None` ends it)";

pub(crate) fn span<'c>(
    located: &'c Located,
    args: &SpanArgs,
    input: &SpanFn,
) -> syn::Result<SpanPlan<'c>> {
    let def = find_event(located, &args.name, EventKind::Span)?;
    let cx = Checking {
        located,
        def,
        args,
        input,
    };
    let mut errors = Errors::new();
    cx.skipped_arguments_exist(&mut errors);
    let lazy = cx.lazy_fits_the_function(&mut errors);
    let mut start = cx.attribute_sources(&mut errors);
    start.extend(cx.argument_sources(&mut errors, &start));
    let stop_keys: Vec<&KeyDef> = def.stop_keys().collect();
    let stops = stop::check_calls(&cx, &stop_keys, &mut errors);
    // As for events: a rejected key is usually the one that seems missing.
    errors.check()?;
    cx.required_start_keys_present(&mut errors, &start);
    stop::required_stop_keys_set(&cx, &stop_keys, &stops, &mut errors);
    errors.finish()?;
    // Keep catalogue order, so events list their keys as the catalogue does.
    start.sort_by_key(|s| def.metadata.iter().position(|k| k.name == s.key().name));
    Ok(SpanPlan {
        def,
        start,
        stop_keys,
        stops,
        lazy,
    })
}

impl<'c> Checking<'c, '_> {
    /// The arguments the function binds to a plain name and does not skip.
    fn metadata_arguments(&self) -> impl Iterator<Item = &FnArgument> {
        self.input
            .args
            .iter()
            .filter(|a| !self.args.skip.contains(&a.ident))
    }

    fn skipped_arguments_exist(&self, errors: &mut Errors) {
        let args = &self.input.args;
        for skipped in &self.args.skip {
            if args.iter().any(|a| a.ident == *skipped) {
                continue;
            }
            let names: Vec<String> = args.iter().map(|a| format!("`{}`", a.ident)).collect();
            let listed = if names.is_empty() {
                String::new()
            } else {
                format!("; its arguments are {}", names.join(", "))
            };
            errors.push(syn::Error::new_spanned(
                skipped,
                format!("skip({skipped}): this function has no argument `{skipped}`{listed}"),
            ));
        }
    }

    fn lazy_fits_the_function(&self, errors: &mut Errors) -> Option<LazyShape> {
        let lazy = self.args.lazy?;
        if self.input.is_async() {
            errors.push(syn::Error::new(
                lazy,
                "`lazy` is for functions that return an iterator or a stream; an `async fn` \
                 span already lasts until its future completes",
            ));
            return None;
        }
        let syn::ReturnType::Type(_, ty) = &self.input.item.sig.output else {
            errors.push(syn::Error::new(lazy, LAZY_SHAPES));
            return None;
        };
        match lazy_shape(ty) {
            Ok(shape) => Some(shape),
            Err(LazyMisfit::Shape) => {
                errors.push(syn::Error::new(lazy, LAZY_SHAPES));
                None
            }
            Err(LazyMisfit::StreamNotUnpin) => {
                errors.push(syn::Error::new_spanned(
                    ty,
                    "a `lazy` span wraps the returned stream in place, so the stream must be \
                     `Unpin`: return `impl Stream<Item = ..> + Unpin` (pin a `!Unpin` stream \
                     with `Box::pin(..)`)",
                ));
                None
            }
        }
    }

    /// `key = expression` in the attribute: a start key, given once, and not also by an
    /// argument.
    fn attribute_sources(&self, errors: &mut Errors) -> Vec<StartSource<'c>> {
        let mut start: Vec<StartSource<'c>> = Vec::new();
        for KeyValue { key, value } in &self.args.keys {
            let Some(def_key) = self.def.key(&key.name) else {
                errors.push(unknown_key(
                    self.located,
                    self.def,
                    &key.name,
                    key.span,
                    "key",
                ));
                continue;
            };
            let problem = self
                .start_key(def_key)
                .and_then(|()| not_given_twice(&start, def_key))
                .and_then(|()| self.not_also_an_argument(def_key));
            match problem {
                Ok(()) => start.push(StartSource::Expression {
                    key: def_key,
                    value: value.clone(),
                }),
                Err(message) => errors.push(syn::Error::new_spanned(key.tokens(), message)),
            }
        }
        start
    }

    fn start_key(&self, key: &KeyDef) -> Result<(), String> {
        if key.phase != Phase::Stop {
            return Ok(());
        }
        Err(format!(
            "`{}` is stop-only ({}): it is known only when the span ends, so set it \
             with stop!({} = ..) in the function body",
            key.name,
            self.located.cite(key.location.line),
            key.rust_name
        ))
    }

    fn not_also_an_argument(&self, key: &KeyDef) -> Result<(), String> {
        let Some(arg) = self.metadata_arguments().find(|a| a.ident == key.rust_name) else {
            return Ok(());
        };
        Err(format!(
            "start key `{}` gets two values: the argument `{}` and `{} = ..` here; drop one \
             of them, or write `skip({})` to keep the argument out of the metadata",
            key.name, arg.ident, key.rust_name, arg.ident
        ))
    }

    /// Arguments named like a start key supply it; `Option`s only optional keys.
    fn argument_sources(
        &self,
        errors: &mut Errors,
        from_attribute: &[StartSource<'c>],
    ) -> Vec<StartSource<'c>> {
        let mut start = Vec::new();
        for arg in self.metadata_arguments() {
            let name = arg.ident.to_string();
            let Some(key) = self.def.key(&name) else {
                continue;
            };
            if key.phase == Phase::Stop || from_attribute.iter().any(|s| s.key().name == key.name) {
                continue;
            }
            let inner = option_inner(&arg.ty);
            if inner.is_some() && key.required {
                errors.push(required_not_option(self.located, key, &arg.ty));
                continue;
            }
            start.push(StartSource::Argument {
                key,
                ident: arg.ident.clone(),
                ty: inner.unwrap_or(&arg.ty).clone(),
                optional: inner.is_some(),
            });
        }
        start
    }

    fn required_start_keys_present(&self, errors: &mut Errors, start: &[StartSource<'_>]) {
        let def = self.def;
        for key in def.start_keys().filter(|k| k.required) {
            if start.iter().any(|s| s.key().name == key.name) {
                continue;
            }
            let skipped = if self.args.skip.iter().any(|s| *s == key.rust_name) {
                " (its argument is skipped)"
            } else {
                ""
            };
            errors.push(syn::Error::new_spanned(
                &self.args.name,
                format!(
                    "required start key `{}` of `{}` ({}) has no value{skipped}: name an argument \
                     `{}`, or add `{} = <expression>` to #[span(..)]",
                    key.name,
                    def.name,
                    self.located.cite(key.location.line),
                    key.rust_name,
                    key.rust_name
                ),
            ));
        }
    }
}

fn not_given_twice(start: &[StartSource<'_>], key: &KeyDef) -> Result<(), String> {
    if start.iter().any(|s| s.key().name == key.name) {
        return Err(format!("duplicate key `{}` in #[span(..)]", key.name));
    }
    Ok(())
}
