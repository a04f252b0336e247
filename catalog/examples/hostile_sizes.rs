//! Times the parser and `diff` on hostile catalogues, one case per run:
//!
//! ```text
//! cargo run -p telemetry-catalog --example hostile_sizes -- CASE
//! ```
//!
//! The macros run this parser unoptimised at compile time, so the numbers that
//! matter are those of a debug build. Each case prints how long the parse took
//! and how it ended; run without a case to list them.

use std::path::Path;
use std::time::Instant;

use telemetry_catalog::{Catalog, diff, render_markdown};

const HEADER: &str = "name = \"demo\"\nversion = \"1.0.0\"\nprefix = \"demo\"\n";

fn event(name: &str, extra: &str) -> String {
    format!("[[event]]\nname = \"{name}\"\ndoc = \"An event.\"\n{extra}\n")
}

/// A key whose type is `list<` nested `depth` times around `u64`.
fn deep_types(depth: usize) -> String {
    let ty = format!("{}u64{}", "list<".repeat(depth), ">".repeat(depth));
    format!(
        "{HEADER}{}",
        event("demo.deep.type", &format!("metadata = {{ k = \"{ty}\" }}"))
    )
}

/// `count` deprecated events, each renamed to an event that does not exist.
fn renames(count: usize) -> String {
    let mut text = HEADER.to_string();
    for i in 0..count {
        let stability = format!(
            "stability = {{ deprecated = \"gone\", renamed_to = \"demo.missing.event_{i}\" }}"
        );
        text.push_str(&event(&format!("demo.old.event_{i}"), &stability));
    }
    text
}

/// `count` plain events, for comparison with the renames.
fn plain_events(count: usize) -> String {
    let mut text = HEADER.to_string();
    for i in 0..count {
        text.push_str(&event(
            &format!("demo.old.event_{i}"),
            "stability = \"stable\"",
        ));
    }
    text
}

/// `count` events, each in a group of its own on the docs page.
fn distinct_groups(count: usize) -> String {
    let mut text = HEADER.to_string();
    for i in 0..count {
        text.push_str(&event(&format!("demo.group_{i}.event"), ""));
    }
    text
}

/// One rename whose target is `length` characters long, among `others` events.
fn long_rename(length: usize, others: usize) -> String {
    let target = format!("demo.x.{}", "a".repeat(length));
    let stability = format!("stability = {{ deprecated = \"gone\", renamed_to = \"{target}\" }}");
    let mut text = format!("{HEADER}{}", event("demo.old.event", &stability));
    for i in 0..others {
        text.push_str(&event(&format!("demo.other.event_{i}"), ""));
    }
    text
}

/// One key whose atom lists `count` values.
fn atom_values(count: usize) -> String {
    let values: Vec<String> = (0..count).map(|i| format!("v{i}")).collect();
    let ty = format!("atom({})", values.join(", "));
    format!(
        "{HEADER}{}",
        event("demo.many.atoms", &format!("metadata = {{ k = \"{ty}\" }}"))
    )
}

/// TOML arrays nested `depth` deep.
fn deep_toml(depth: usize) -> String {
    format!("{HEADER}x = {}1{}\n", "[".repeat(depth), "]".repeat(depth))
}

/// A catalogue whose version is the largest SemVer major.
fn huge_version() -> String {
    let text = HEADER.replace("1.0.0", "18446744073709551615.0.0");
    format!("{text}{}", event("demo.a.b", "metadata = { k = \"u64\" }"))
}

fn main() {
    let case = std::env::args().nth(1).unwrap_or_default();
    let source = match case.as_str() {
        "deep_types" => deep_types(2_000),
        "renames" => renames(3_000),
        "plain_events" => plain_events(3_000),
        "max_events" => distinct_groups(10_000),
        "long_rename" => long_rename(20_000, 1_000),
        "atom_values" => atom_values(60_000),
        "deep_toml" => deep_toml(100_000),
        "huge_version" => huge_version(),
        _ => {
            eprintln!(
                "cases: deep_types renames plain_events max_events long_rename atom_values deep_toml huge_version"
            );
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let parsed = Catalog::parse(&source, Path::new("hostile.toml"));
    let elapsed = started.elapsed();
    match &parsed {
        Ok(catalog) => println!(
            "{case}: parsed {} events in {elapsed:.2?}",
            catalog.events.len()
        ),
        Err(errors) => {
            let first = errors
                .iter()
                .next()
                .map(ToString::to_string)
                .unwrap_or_default();
            let first: String = first.chars().take(160).collect();
            println!(
                "{case}: {} errors in {elapsed:.2?}; first: {first}",
                errors.len()
            );
        }
    }
    if let Ok(catalog) = parsed {
        let started = Instant::now();
        let page = render_markdown(&catalog);
        println!(
            "{case}: docs page of {} bytes in {:.2?}",
            page.len(),
            started.elapsed()
        );
        let started = Instant::now();
        let report = diff(&catalog, &catalog);
        println!(
            "{case}: diff of the file with itself in {:.2?}: allowed = {}, actual = {:?}",
            started.elapsed(),
            report.allowed,
            report.actual
        );
    }
}
