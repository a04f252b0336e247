//! Every size has a documented limit, and going over it is an error at the
//! line and column where the limit is crossed, found in time linear in the file.

use std::path::Path;

use telemetry_catalog::limits::{
    MAX_ATOM_VALUES, MAX_EVENTS, MAX_FILE_BYTES, MAX_KEYS_PER_EVENT, MAX_NAME_BYTES,
    MAX_TYPE_DEPTH, MAX_TYPE_ITEMS,
};
use telemetry_catalog::{Catalog, Diagnostic, Location};

/// Lines 1 to 3.
const HEADER: &str = "name = \"demo\"\nversion = \"1.0.0\"\nprefix = \"demo\"\n";

fn parse(source: &str) -> Result<Catalog, Vec<Diagnostic>> {
    Catalog::parse(source, Path::new("telemetry.toml")).map_err(|d| d.into_vec())
}

fn errors(source: &str) -> Vec<Diagnostic> {
    match parse(source) {
        Ok(catalog) => panic!("expected errors, parsed {} events", catalog.events.len()),
        Err(errors) => errors,
    }
}

fn only_error(source: &str) -> Diagnostic {
    let mut all = errors(source);
    assert_eq!(all.len(), 1, "expected one error, got {all:#?}");
    all.remove(0)
}

fn at(line: usize, column: usize) -> Location {
    Location { line, column }
}

/// Lines 4 to 6: an event, then its `extra` line at line 7.
fn event(name: &str, extra: &str) -> String {
    format!("[[event]]\nname = \"{name}\"\ndoc = \"An event.\"\n{extra}\n")
}

fn with_key_type(ty: &str) -> String {
    format!(
        "{HEADER}{}",
        event("demo.a.b", &format!("metadata = {{ k = \"{ty}\" }}"))
    )
}

fn nested_lists(depth: usize) -> String {
    format!("{}u64{}", "list<".repeat(depth), ">".repeat(depth))
}

#[test]
fn types_nested_to_the_limit_parse() {
    assert!(parse(&with_key_type(&nested_lists(MAX_TYPE_DEPTH))).is_ok());
}

#[test]
fn a_type_nested_thousands_deep_is_an_error_at_the_first_level_too_many() {
    let error = only_error(&with_key_type(&nested_lists(2_000)));
    assert_eq!(
        error.message,
        format!("types nest at most {MAX_TYPE_DEPTH} deep")
    );
    // `metadata = { k = "` is 18 characters; each level is 5 more.
    assert_eq!(error.location, at(7, 19 + 5 * MAX_TYPE_DEPTH));
}

#[test]
fn tuples_count_toward_the_nesting_limit() {
    let ty = format!("{}u64{}", "tuple<".repeat(100), ">".repeat(100));
    let error = only_error(&with_key_type(&ty));
    assert_eq!(
        error.message,
        format!("types nest at most {MAX_TYPE_DEPTH} deep")
    );
    assert_eq!(error.location, at(7, 19 + 6 * MAX_TYPE_DEPTH));
}

#[test]
fn an_atom_past_the_value_limit_is_an_error_at_the_first_value_too_many() {
    let values: Vec<String> = (0..60_000).map(|i| format!("v{i}")).collect();
    let error = only_error(&with_key_type(&format!("atom({})", values.join(","))));
    assert_eq!(
        error.message,
        format!("an atom lists at most {MAX_ATOM_VALUES} values")
    );
    let before: usize = values[..MAX_ATOM_VALUES].iter().map(|v| v.len() + 1).sum();
    assert_eq!(error.location, at(7, 19 + "atom(".len() + before));
}

#[test]
fn an_atom_table_past_the_value_limit_is_an_error() {
    let values: Vec<String> = (0..=MAX_ATOM_VALUES).map(|i| format!("\"v{i}\"")).collect();
    let key = format!(
        "metadata = {{ k = {{ type = \"atom\", values = [{}] }} }}",
        values.join(",")
    );
    let error = only_error(&format!("{HEADER}{}", event("demo.a.b", &key)));
    assert_eq!(
        error.message,
        format!("an atom lists at most {MAX_ATOM_VALUES} values")
    );
    assert_eq!(error.location.line, 7);
}

#[test]
fn a_union_past_the_alternative_limit_is_an_error() {
    let alternatives: Vec<String> = (0..=MAX_TYPE_ITEMS)
        .map(|i| format!("atom(v{i})"))
        .collect();
    let error = only_error(&with_key_type(&alternatives.join("|")));
    assert_eq!(
        error.message,
        format!("a union has at most {MAX_TYPE_ITEMS} alternatives")
    );
}

#[test]
fn a_tuple_past_the_element_limit_is_an_error() {
    let ty = format!("tuple<{}>", vec!["u64"; MAX_TYPE_ITEMS + 1].join(","));
    let error = only_error(&with_key_type(&ty));
    assert_eq!(
        error.message,
        format!("a tuple has at most {MAX_TYPE_ITEMS} elements")
    );
}

#[test]
fn thousands_of_renames_to_missing_events_are_each_reported() {
    let mut source = HEADER.to_string();
    for i in 0..3_000 {
        let stability = format!(
            "stability = {{ deprecated = \"gone\", renamed_to = \"demo.missing.event_{i}\" }}"
        );
        source.push_str(&event(&format!("demo.old.event_{i}"), &stability));
    }
    let errors = errors(&source);
    assert_eq!(errors.len(), 3_000);
    assert!(
        errors
            .iter()
            .all(|e| e.message.contains("which is not in this catalogue"))
    );
    assert_eq!(errors[0].location, at(7, 49));
}

#[test]
fn a_rename_past_the_name_limit_is_refused_for_its_length() {
    let target = format!("demo.x.{}", "a".repeat(20_000));
    let stability = format!("stability = {{ deprecated = \"gone\", renamed_to = \"{target}\" }}");
    let error = only_error(&format!("{HEADER}{}", event("demo.old.event", &stability)));
    assert_eq!(
        error.message,
        format!(
            "this event name is {} bytes long; names are at most {MAX_NAME_BYTES} bytes",
            target.len()
        )
    );
    assert_eq!(error.location, at(7, 49));
}

#[test]
fn a_key_name_past_the_name_limit_is_an_error_at_the_key() {
    let key = "k".repeat(MAX_NAME_BYTES + 1);
    let error = only_error(&format!(
        "{HEADER}{}",
        event("demo.a.b", &format!("metadata = {{ {key} = \"u64\" }}"))
    ));
    assert!(
        error.message.starts_with("this key name is 257 bytes long"),
        "{}",
        error.message
    );
    assert_eq!(error.location, at(7, 14));
}

#[test]
fn a_prefix_past_the_name_limit_is_an_error() {
    let source = HEADER.replace(
        "prefix = \"demo\"",
        &format!("prefix = \"{}\"", "d".repeat(300)),
    );
    let error = only_error(&source);
    assert!(
        error.message.starts_with("the prefix is 300 bytes long"),
        "{}",
        error.message
    );
    assert_eq!(error.location, at(3, 10));
}

#[test]
fn an_event_past_the_key_limit_is_an_error_at_the_first_key_too_many() {
    let keys: Vec<String> = (0..=MAX_KEYS_PER_EVENT)
        .map(|i| format!("k{i} = \"u64\""))
        .collect();
    let source = format!(
        "{HEADER}[[event]]\nname = \"demo.a.b\"\ndoc = \"An event.\"\n[event.metadata]\n{}\n",
        keys.join("\n")
    );
    let error = only_error(&source);
    assert_eq!(
        error.message,
        format!(
            "`demo.a.b` declares {} keys and measurements; an event has at most {MAX_KEYS_PER_EVENT}",
            MAX_KEYS_PER_EVENT + 1
        )
    );
    assert_eq!(error.location, at(8 + MAX_KEYS_PER_EVENT, 1));
}

#[test]
fn a_catalogue_past_the_event_limit_is_an_error_at_the_first_event_too_many() {
    let mut source = HEADER.to_string();
    for i in 0..=MAX_EVENTS {
        source.push_str(&format!("[[event]]\nname = \"demo.e.n{i}\"\ndoc = \"d\"\n"));
    }
    let error = only_error(&source);
    assert_eq!(
        error.message,
        format!(
            "this is event {} of {}; a catalogue declares at most {MAX_EVENTS} events and spans",
            MAX_EVENTS + 1,
            MAX_EVENTS + 1
        )
    );
    assert_eq!(error.location, at(4 + 3 * MAX_EVENTS, 1));
}

#[test]
fn a_file_past_the_size_limit_is_an_error_where_it_goes_over() {
    let line = format!("# {}\n", "x".repeat(1_021));
    let source = format!("{HEADER}{}", line.repeat(MAX_FILE_BYTES / line.len() + 1));
    let error = only_error(&source);
    assert!(
        error
            .message
            .starts_with("a catalogue is at most 1048576 bytes"),
        "{}",
        error.message
    );
    let over = MAX_FILE_BYTES - HEADER.len();
    assert_eq!(
        error.location,
        at(4 + over / line.len(), 1 + over % line.len())
    );
}

#[test]
fn columns_count_characters_on_a_long_line_of_wide_characters() {
    let doc = "é".repeat(50_000);
    let line = format!(
        "event = [{{ name = \"demo.a.b\", doc = \"{doc}\", metadata = {{ k = \"strng\" }} }}]"
    );
    let error = only_error(&format!("{HEADER}{line}\n"));
    assert_eq!(error.message, "unknown type `strng`");
    let column = line.chars().position(|c| c == 's').unwrap_or_default() + 1;
    assert_eq!(error.location, at(4, column));
    assert!(column > 50_000);
}
