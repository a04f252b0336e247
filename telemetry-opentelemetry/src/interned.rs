//! Event names as `&'static str`, which OpenTelemetry's log records require: each
//! distinct name is leaked once, and the number of names kept is bounded.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use telemetry_runtime::Name;

/// More distinct names than any catalogue holds; beyond it, names are not interned.
const LIMIT: usize = 4096;

static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// The name as a `&'static str`, or `None` once [`LIMIT`] distinct names were interned.
pub(crate) fn intern(name: Name<'_>) -> Option<&'static str> {
    let dotted = name.to_string();
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(known) = names.get(dotted.as_str()) {
        return Some(known);
    }
    if names.len() >= LIMIT {
        return None;
    }
    let leaked: &'static str = Box::leak(dotted.into_boxed_str());
    names.insert(leaked);
    Some(leaked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_name_is_leaked_once() {
        let name = Name::parse("exgit.interned.once").unwrap();
        let first = intern(name).unwrap();
        let second = intern(name).unwrap();
        assert!(std::ptr::eq(first, second));
        assert_eq!(first, "exgit.interned.once");
    }
}
