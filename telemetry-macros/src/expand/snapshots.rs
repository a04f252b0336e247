//! What the macros generate, kept as reviewed snapshots: a change to the expansion shows
//! up as a diff of `telemetry-macros/snapshots/*.expanded`. Regenerate with
//! `UPDATE_SNAPSHOTS=1 cargo test -p telemetry-macros`, then read the diff.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;
use telemetry_catalog::Catalog;

use crate::ast::{EventStruct, SpanFn};
use crate::attr::{EventArgs, SpanArgs};
use crate::locate::Located;
use crate::valid;

const CATALOG: &str = r#"
name = "demo"
version = "1.0.0"
prefix = "demo"

[[event]]
name = "demo.session.create"
doc = "A session was created."
measurements = { count = 1 }
metadata = { session_id = { type = "string", sensitive = true }, user_id = "u64", session_type = "atom(full, oauth2)", "hit?" = "bool?" }

[[span]]
name = "demo.fs.grep"
doc = "Content search over a tree."
metadata = { reference = "string", pattern = { type = "string", sensitive = true }, path_glob = "string?" }
stop = { match_count = "u64" }

[[span]]
name = "demo.fs.walk"
doc = "Lists every file of a tree, lazily."
metadata = { reference = "string" }
stop = { file_count = "u64" }
"#;

/// A catalogue at a path of its own per test: the first expansion per path and process
/// carries the `include_bytes!` that tracks the file, and tests run in parallel.
fn located(test: &str) -> Located {
    let catalog =
        Catalog::parse(CATALOG, Path::new("telemetry.toml")).expect("the test catalogue is valid");
    Located {
        catalog: Arc::new(catalog),
        absolute: PathBuf::from(format!("/crate/{test}/telemetry.toml")),
        display: "telemetry.toml".into(),
    }
}

fn pretty(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as a file");
    prettyplease::unparse(&file)
}

fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SNAPSHOTS=1", path.display()));
    assert!(
        expected == actual,
        "the expansion changed; review it and run with UPDATE_SNAPSHOTS=1 to accept:\n{actual}"
    );
}

#[test]
fn event_expansion_matches_its_snapshot() {
    let located = located("event");
    let args = EventArgs::parse(quote!("demo.session.create")).unwrap();
    let input = EventStruct::parse(quote! {
        pub struct SessionCreate<'a> {
            pub session_id: &'a str,
            pub user_id: u64,
            pub session_type: SessionType,
            pub hit: Option<bool>,
        }
    })
    .unwrap();
    let plan = valid::event(&located, &args.name, &input).unwrap();
    let expanded = super::event::expand(&located, &args.runtime, &input, &plan);
    assert_snapshot("event.expanded", &pretty(expanded));
}

#[test]
fn span_expansion_matches_its_snapshot() {
    let located = located("span");
    let args = SpanArgs::parse(quote!("demo.fs.grep")).unwrap();
    let input = SpanFn::parse(quote! {
        pub fn grep(reference: &str, pattern: &str, path_glob: Option<&str>) -> Vec<String> {
            let matches = search(reference, pattern, path_glob);
            stop!(match_count = matches.len() as u64);
            matches
        }
    })
    .unwrap();
    let plan = valid::span(&located, &args, &input).unwrap();
    let expanded = super::span::expand(&located, &input, &args.runtime, &plan);
    assert_snapshot("span.expanded", &pretty(expanded));
}

#[test]
fn lazy_span_expansion_matches_its_snapshot() {
    let located = located("lazy_span");
    let args = SpanArgs::parse(quote!("demo.fs.walk", lazy)).unwrap();
    let input = SpanFn::parse(quote! {
        pub fn walk(reference: &str) -> Result<impl Iterator<Item = String>, Error> {
            let files = list(reference)?;
            let mut seen = 0u64;
            Ok(files.into_iter().inspect(move |_| {
                seen += 1;
                stop!(file_count = seen);
            }))
        }
    })
    .unwrap();
    let plan = valid::span(&located, &args, &input).unwrap();
    let expanded = super::span::expand(&located, &input, &args.runtime, &plan);
    assert_snapshot("span_lazy.expanded", &pretty(expanded));
}
