//! The `stop!` calls of a `#[span]` body against the span's stop-only keys.

use telemetry_catalog::{KeyDef, Phase};

use super::span_checking::Checking;
use super::unknown_key;
use crate::attr::KeyName;
use crate::errors::Errors;

/// One `stop!` call, checked: for each of its keys, in order, the index among the span's
/// stop keys.
pub(crate) struct StopPlan {
    pub(crate) indices: Vec<usize>,
}

/// Checks every call of the body; a call with an error is left out of the plans.
pub(super) fn check_calls(
    cx: &Checking<'_, '_>,
    stop_keys: &[&KeyDef],
    errors: &mut Errors,
) -> Vec<StopPlan> {
    let mut plans = Vec::new();
    for call in &cx.input.stops {
        let mut indices: Vec<usize> = Vec::new();
        for kv in &call.keys {
            match stop_key_index(cx, stop_keys, &kv.key, &indices) {
                Ok(index) => indices.push(index),
                Err(error) => errors.push(error),
            }
        }
        plans.push(StopPlan { indices });
    }
    plans
}

fn stop_key_index(
    cx: &Checking<'_, '_>,
    stop_keys: &[&KeyDef],
    key: &KeyName,
    earlier: &[usize],
) -> syn::Result<usize> {
    let (located, def) = (cx.located, cx.def);
    let Some(def_key) = def.key(&key.name) else {
        return Err(unknown_key(located, def, &key.name, key.span, "key"));
    };
    let position = stop_keys.iter().position(|k| k.name == def_key.name);
    let Some(index) = position.filter(|_| def_key.phase != Phase::Start) else {
        return Err(syn::Error::new_spanned(
            key.tokens(),
            format!(
                "`{}` is a start key of `{}` ({}): it is set when the span starts, from an \
                 argument named `{}` or #[span(\"{}\", {} = ..)], not by stop!",
                def_key.name,
                def.name,
                located.cite(def_key.location.line),
                def_key.rust_name,
                def.name,
                def_key.rust_name
            ),
        ));
    };
    if earlier.contains(&index) {
        return Err(syn::Error::new_spanned(
            key.tokens(),
            format!("duplicate key `{}` in stop!", def_key.name),
        ));
    }
    Ok(index)
}

/// A required stop key must be set by some `stop!` of the body.
pub(super) fn required_stop_keys_set(
    cx: &Checking<'_, '_>,
    stop_keys: &[&KeyDef],
    stops: &[StopPlan],
    errors: &mut Errors,
) {
    for (index, key) in stop_keys.iter().enumerate() {
        if !key.required || stops.iter().any(|s| s.indices.contains(&index)) {
            continue;
        }
        errors.push(syn::Error::new_spanned(
            &cx.input.item.sig.ident,
            format!(
                "required stop key `{}` of `{}` ({}) is never set: add \
                 `stop!({} = <value>)` where the function knows it",
                key.name,
                cx.def.name,
                cx.located.cite(key.location.line),
                key.rust_name
            ),
        ));
    }
}
