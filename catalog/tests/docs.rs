//! The Markdown page of a catalogue.
//!
//! The reference pages are golden files under tests/golden/. After an
//! intended change to the renderer or a reference catalogue, regenerate them
//! with `UPDATE_GOLDEN=1 cargo test -p telemetry-catalog --test docs` and
//! review the diff.

use std::path::{Path, PathBuf};

use telemetry_catalog::{Catalog, render_markdown};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn golden(name: &str) {
    let catalog = Catalog::read(&manifest_dir().join(format!("catalogs/{name}.toml")))
        .unwrap_or_else(|errors| panic!("{errors}"));
    let page = render_markdown(&catalog);
    let path: PathBuf = manifest_dir().join(format!("tests/golden/{name}.md"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &page).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    assert!(
        page == expected,
        "{name}: the page differs from {} (run with UPDATE_GOLDEN=1 to accept it)\n--- rendered ---\n{page}",
        path.display()
    );
}

#[test]
fn the_exgit_page_matches_its_golden_file() {
    golden("exgit");
}

#[test]
fn the_charon_page_matches_its_golden_file() {
    golden("charon");
}

fn page(source: &str) -> String {
    let catalog = Catalog::parse(source, Path::new("telemetry.toml"))
        .unwrap_or_else(|errors| panic!("{errors}"));
    render_markdown(&catalog)
}

const HEADER: &str = "name = \"demo\"\nversion = \"1.0.0\"\nprefix = \"demo\"\n";

#[test]
fn a_catalogue_without_spans_has_no_span_convention() {
    let page = page(&format!(
        "{HEADER}[[event]]\nname = \"demo.job.done\"\ndoc = \"Done.\"\n"
    ));
    assert!(!page.contains("## Span convention"));
    assert!(page.contains("## Span prefixes\n\nEvery span, without the `.start` / `.stop` / `.exception` suffix (Elixir's `events/0`).\n\nNone.\n"));
}

#[test]
fn optional_stop_only_sensitive_and_renamed_keys_are_marked() {
    let page = page(&format!(
        "{HEADER}[[span]]\nname = \"demo.job.run\"\ndoc = \"Runs.\"\nmetadata = {{ token = {{ type = \"string?\", sensitive = true, doc = \"The\\ntoken.\" }} }}\nstop = {{ \"done?\" = \"bool\" }}\n"
    ));
    assert!(
        page.contains("- `token` (`string`; optional; sensitive): The token.\n"),
        "{page}"
    );
    assert!(
        page.contains("- `done?` (`bool`; stop only; Rust field `done`)\n"),
        "{page}"
    );
}

#[test]
fn stability_is_stated_under_the_event_name() {
    let page = page(&format!(
        "{HEADER}[[event]]\nname = \"demo.job.new\"\ndoc = \"New.\"\nsince = \"1.0.0\"\nstability = \"experimental\"\n\n[[event]]\nname = \"demo.job.old\"\ndoc = \"Old.\"\nstability = {{ deprecated = \"Use demo.job.new.\", renamed_to = \"demo.job.new\" }}\n"
    ));
    assert!(
        page.contains(
            "Standalone event, since 1.0.0. *Experimental*: may change in any release.\n"
        ),
        "{page}"
    );
    assert!(
        page.contains(
            "Standalone event. **Deprecated**: Use demo.job.new. Renamed to `demo.job.new`.\n"
        ),
        "{page}"
    );
}
