//! Every error a catalogue can have: its message, its help and its position.

use std::path::Path;

use telemetry_catalog::{Catalog, Diagnostic, Location};

/// Lines 1 to 3 of every test catalogue.
const HEADER: &str = "name = \"demo\"\nversion = \"1.2.0\"\nprefix = \"demo\"\n";

fn errors(source: &str) -> Vec<Diagnostic> {
    match Catalog::parse(source, Path::new("telemetry.toml")) {
        Ok(catalog) => panic!("expected errors, parsed {} events", catalog.events.len()),
        Err(diagnostics) => diagnostics.into_vec(),
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

fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or("")
}

/// A catalogue of one event at lines 5-7, with `extra` from line 8 on.
fn with_event(extra: &str) -> String {
    format!("{HEADER}\n[[event]]\nname = \"demo.job.done\"\ndoc = \"A job finished.\"\n{extra}")
}

/// A catalogue of one span at lines 5-7, with `extra` from line 8 on.
fn with_span(extra: &str) -> String {
    format!("{HEADER}\n[[span]]\nname = \"demo.job.run\"\ndoc = \"Runs a job.\"\n{extra}")
}

#[test]
fn a_valid_catalogue_has_no_errors() {
    let source = with_span("metadata = { id = \"u64\" }\nstop = { items = \"u64?\" }\n");
    assert!(Catalog::parse(&source, Path::new("telemetry.toml")).is_ok());
}

#[test]
fn toml_syntax_errors_name_line_and_column() {
    let e = only_error(&format!("{HEADER}oops = [1, 2\n"));
    assert_eq!(e.location, at(4, 13));
    assert_eq!(e.message, "TOML syntax: unclosed array, expected `]`");
}

#[test]
fn every_syntax_error_is_reported_once_per_line() {
    let all = errors(&format!("{HEADER}a = \nb = \"x\nc = 1\n"));
    let lines: Vec<usize> = all.iter().map(|e| e.location.line).collect();
    assert_eq!(lines, vec![4, 5], "{all:#?}");
}

#[test]
fn a_key_twice_in_one_table_is_a_duplicate_key() {
    let e = only_error(&with_event(
        "metadata = { id = \"u64\", id = \"string\" }\n",
    ));
    assert_eq!(e.message, "duplicate key `id`");
    assert_eq!(e.location, at(8, 26));
    assert_eq!(
        help(&e),
        "a key appears once per table: remove or rename one of them"
    );
}

#[test]
fn a_repeated_sub_table_points_at_the_missing_array_line() {
    let source = format!(
        "{HEADER}\n[[span]]\nname = \"demo.a.run\"\ndoc = \"x\"\n[span.stop]\nn = \"u64\"\n\n[[spam]]\nname = \"demo.b.run\"\ndoc = \"y\"\n[span.stop]\nn = \"u64\"\nm = \"u64\"\n"
    );
    let e = only_error(&source);
    assert_eq!(e.message, "duplicate table `[span.stop]`");
    assert_eq!(e.location, at(14, 7));
    assert_eq!(
        help(&e),
        "`[span.stop]` belongs to the [[span]] above it: check that this one has its own [[span]] line, spelled right"
    );
}

#[test]
fn an_unknown_field_suggests_the_closest_one() {
    let e = only_error(&with_event("metdata = { id = \"u64\" }\n"));
    assert_eq!(e.message, "unknown field `metdata` in [[event]]");
    assert_eq!(e.location, at(8, 1));
    assert_eq!(help(&e), "did you mean `metadata`?");
}

#[test]
fn an_unknown_table_in_the_header_suggests_the_closest_one() {
    let e = only_error(&format!("{HEADER}\n[[spans]]\nname = \"demo.job.run\"\n"));
    assert_eq!(e.message, "unknown field `spans` in the catalogue header");
    assert_eq!(e.location, at(5, 3));
    assert_eq!(help(&e), "did you mean `span`?");
}

#[test]
fn an_unknown_field_of_a_key_suggests_the_closest_one() {
    let e = only_error(&with_event(
        "metadata = { id = { type = \"u64\", optinal = true } }\n",
    ));
    assert_eq!(e.message, "unknown field `optinal` in key `id`");
    assert_eq!(e.location, at(8, 35));
    assert_eq!(help(&e), "did you mean `optional`?");
}

#[test]
fn an_unknown_field_with_nothing_close_lists_the_fields() {
    let e = only_error(&with_event("color = \"red\"\n"));
    assert_eq!(
        help(&e),
        "the fields of [[event]] are: name, doc, stability, since, metadata, stop, measurements"
    );
}

#[test]
fn a_malformed_event_name_shows_the_well_formed_spelling() {
    let e = only_error(&format!(
        "{HEADER}\n[[event]]\nname = \"demo.Job-Done\"\ndoc = \"x\"\n"
    ));
    assert_eq!(
        e.message,
        "malformed event name `demo.Job-Done`: segment `Job-Done` is not lowercase letters, digits and `_`"
    );
    assert_eq!(e.location, at(6, 8));
    assert!(help(&e).ends_with("write `demo.job_done`"), "{}", help(&e));
}

#[test]
fn an_event_name_needs_two_segments() {
    let e = only_error(&format!(
        "{HEADER}\n[[event]]\nname = \"demo\"\ndoc = \"x\"\n"
    ));
    assert_eq!(
        e.message,
        "malformed event name `demo`: an event name has at least two dotted segments"
    );
}

#[test]
fn an_event_outside_the_prefix_is_shown_inside_it() {
    let e = only_error(&format!(
        "{HEADER}\n[[event]]\nname = \"dmeo.job.done\"\ndoc = \"x\"\n"
    ));
    assert_eq!(
        e.message,
        "event `dmeo.job.done` is outside the prefix `demo`"
    );
    assert_eq!(e.location, at(6, 8));
    assert_eq!(
        help(&e),
        "every event name starts with `demo.`: write `demo.job.done`, or change the header's prefix"
    );
}

#[test]
fn an_event_without_its_prefix_gets_it_prepended() {
    let e = only_error(&format!(
        "{HEADER}\n[[event]]\nname = \"job.done\"\ndoc = \"x\"\n"
    ));
    assert!(help(&e).contains("write `demo.job.done`"), "{}", help(&e));
}

#[test]
fn a_duplicate_event_points_at_the_second_and_names_the_first() {
    let e = only_error(&with_event(
        "\n[[span]]\nname = \"demo.job.done\"\ndoc = \"Again.\"\n",
    ));
    assert_eq!(e.message, "duplicate event `demo.job.done`");
    assert_eq!(e.location, at(10, 8));
    assert_eq!(
        help(&e),
        "it is first declared as an event at line 6; remove one, or rename it"
    );
}

#[test]
fn an_event_named_like_a_span_phase_collides_with_it() {
    let e = only_error(&with_span(
        "\n[[event]]\nname = \"demo.job.run.stop\"\ndoc = \"Clash.\"\n",
    ));
    assert_eq!(
        e.message,
        "`demo.job.run.stop` is also the stop event of the span `demo.job.run` (line 6)"
    );
    assert_eq!(e.location, at(10, 8));
}

#[test]
fn the_same_key_at_start_and_at_stop_is_a_duplicate() {
    let e = only_error(&with_span(
        "metadata = { \"hit?\" = \"bool\" }\nstop = { \"hit?\" = \"bool\" }\n",
    ));
    assert_eq!(
        e.message,
        "duplicate key `hit?` in `demo.job.run`: declared in `metadata` and again in `stop`"
    );
    assert_eq!(e.location, at(9, 10));
    assert!(help(&e).starts_with("a span key is known at start or only at stop"));
}

#[test]
fn a_measurement_and_a_key_of_the_same_name_are_duplicates() {
    let e = only_error(&with_event(
        "measurements = { count = 1 }\nmetadata = { count = \"u64\" }\n",
    ));
    assert_eq!(
        e.message,
        "duplicate key `count` in `demo.job.done`: declared in `measurements` and again in `metadata`"
    );
    assert_eq!(e.location, at(9, 14));
}

#[test]
fn two_keys_with_one_rust_field_collide() {
    let e = only_error(&with_event(
        "metadata = { \"hit?\" = \"bool\", hit = \"u64\" }\n",
    ));
    assert_eq!(
        e.message,
        "`hit?` and `hit` of `demo.job.done` both become the Rust field `hit`"
    );
    assert_eq!(e.location, at(8, 31));
    assert!(help(&e).contains("rust = \"other_name\""));
}

#[test]
fn an_unknown_type_is_placed_inside_the_type_string() {
    let e = only_error(&with_event("metadata = { tags = \"list<strng>\" }\n"));
    assert_eq!(e.message, "unknown type `strng`");
    assert_eq!(e.location, at(8, 27));
    assert_eq!(help(&e), "did you mean `string`?");
}

#[test]
fn a_type_from_another_language_says_what_to_write() {
    let e = only_error(&with_event("metadata = { n = { type = \"int\" } }\n"));
    assert_eq!(e.message, "unknown type `int`");
    assert_eq!(e.location, at(8, 28));
    assert_eq!(help(&e), "write u64 or i64");
}

#[test]
fn an_atom_without_values_is_refused_in_short_form() {
    let e = only_error(&with_event("metadata = { kind = \"atom\" }\n"));
    assert_eq!(e.message, "atom without values");
    assert_eq!(e.location, at(8, 22));
    assert!(help(&e).contains("atom(full, oauth2, ..)"), "{}", help(&e));
}

#[test]
fn an_atom_without_values_is_refused_in_table_form() {
    let e = only_error(&with_event("metadata = { kind = { type = \"atom\" } }\n"));
    assert_eq!(e.message, "atom without values for key `kind`");
    assert_eq!(e.location, at(8, 30));
    assert!(help(&e).starts_with("add values = [\"a\", \"b\"], or open = true"));
}

#[test]
fn values_belong_to_an_atom() {
    let e = only_error(&with_event(
        "metadata = { kind = { type = \"string\", values = [\"a\"] } }\n",
    ));
    assert_eq!(
        e.message,
        "`values` belongs to type = \"atom\", but this key's type is `string`"
    );
    assert_eq!(e.location, at(8, 40));
}

#[test]
fn measurements_on_a_span_are_refused() {
    let e = only_error(&with_span("measurements = { count = 1 }\n"));
    assert_eq!(
        e.message,
        "the span `demo.job.run` cannot declare `measurements`"
    );
    assert_eq!(e.location, at(8, 1));
    assert!(help(&e).contains("put per-operation numbers in `stop`"));
}

#[test]
fn stop_keys_on_a_standalone_event_are_refused() {
    let e = only_error(&with_event("stop = { items = \"u64\" }\n"));
    assert_eq!(
        e.message,
        "the standalone event `demo.job.done` has no `stop` keys"
    );
    assert_eq!(e.location, at(8, 1));
}

#[test]
fn a_constant_measurement_must_be_a_number() {
    let e = only_error(&with_event("measurements = { count = true }\n"));
    assert_eq!(
        e.message,
        "constant measurement `count` is boolean, not a number"
    );
    assert_eq!(e.location, at(8, 26));
    assert_eq!(
        help(&e),
        "write a number such as count = 1, or a type such as count = \"u64\""
    );
}

#[test]
fn a_constant_value_must_be_a_number() {
    let e = only_error(&with_event(
        "measurements = { count = { type = \"u64\", value = \"one\" } }\n",
    ));
    assert_eq!(
        e.message,
        "constant measurement `count` is string, not a number"
    );
    assert_eq!(e.location, at(8, 50));
}

#[test]
fn a_constant_must_fit_its_type() {
    let e = only_error(&with_event(
        "measurements = { count = { type = \"u64\", value = -1 } }\n",
    ));
    assert_eq!(
        e.message,
        "the constant -1 of measurement `count` does not fit u64"
    );
    assert_eq!(e.location, at(8, 50));
}

#[test]
fn a_word_for_a_measurement_says_what_a_measurement_is() {
    let e = only_error(&with_event("measurements = { count = \"one\" }\n"));
    assert_eq!(e.message, "unknown type `one`");
    assert_eq!(e.location, at(8, 27));
    assert_eq!(
        help(&e),
        "a measurement is u64, i64 or f64, or a constant such as count = 1"
    );
}

#[test]
fn a_measurement_type_must_be_numeric() {
    let e = only_error(&with_event("measurements = { who = \"string\" }\n"));
    assert_eq!(
        e.message,
        "measurement `who` has type `string`, but measurements are numbers"
    );
    assert_eq!(
        help(&e),
        "use u64, i64 or f64; put other values in `metadata`"
    );
}

#[test]
fn a_missing_header_reports_every_missing_field() {
    let all = errors("[[event]]\nname = \"demo.job.done\"\ndoc = \"x\"\n");
    let messages: Vec<&str> = all.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "the catalogue has no `name`",
            "the catalogue has no `version`",
            "the catalogue has no `prefix`",
        ]
    );
    assert!(all.iter().all(|e| e.location == at(1, 1)));
}

#[test]
fn a_version_must_be_semver() {
    let e = only_error("name = \"demo\"\nversion = \"1.2\"\nprefix = \"demo\"\n");
    assert!(
        e.message.starts_with("`1.2` is not a SemVer version"),
        "{}",
        e.message
    );
    assert_eq!(e.location, at(2, 11));
    assert_eq!(help(&e), "write three numbers, e.g. version = \"1.4.0\"");
}

#[test]
fn an_event_needs_a_doc() {
    let e = only_error(&format!("{HEADER}\n[[event]]\nname = \"demo.job.done\"\n"));
    assert_eq!(e.message, "`demo.job.done` has no `doc`");
    assert_eq!(e.location, at(6, 8));
}

#[test]
fn a_deprecation_needs_a_note() {
    let e = only_error(&with_event("stability = \"deprecated\"\n"));
    assert_eq!(e.message, "a deprecated event needs a note");
    assert_eq!(e.location, at(8, 13));
}

#[test]
fn a_rename_must_name_a_declared_event() {
    let e = only_error(&with_event(
        "stability = { deprecated = \"Use demo.job.finished.\", renamed_to = \"demo.job.finished\" }\n",
    ));
    assert_eq!(
        e.message,
        "`demo.job.done` is renamed to `demo.job.finished`, which is not in this catalogue"
    );
    assert_eq!(e.location, at(8, 67));
}

#[test]
fn since_cannot_be_later_than_the_catalogue() {
    let e = only_error(&with_event("since = \"2.0.0\"\n"));
    assert_eq!(
        e.message,
        "`since` 2.0.0 is later than the catalogue version 1.2.0"
    );
    assert_eq!(e.location, at(8, 9));
}

#[test]
fn a_rust_name_must_be_an_identifier() {
    let e = only_error(&with_event(
        "metadata = { kind = { type = \"string\", rust = \"type\" } }\n",
    ));
    assert_eq!(e.message, "`type` is not a Rust identifier");
    assert_eq!(
        help(&e),
        "`type` is a Rust keyword: write rust = \"r#type\" or another name"
    );
}

#[test]
fn a_malformed_key_name_shows_the_well_formed_spelling() {
    let e = only_error(&with_event("metadata = { \"Session-Id\" = \"string\" }\n"));
    assert_eq!(e.message, "malformed key name `Session-Id`");
    assert_eq!(e.location, at(8, 14));
    assert!(help(&e).ends_with("write `session_id`"), "{}", help(&e));
}

#[test]
fn a_question_mark_inside_a_type_is_refused() {
    let e = only_error(&with_event("metadata = { tags = \"list<string?>\" }\n"));
    assert_eq!(e.message, "`?` can only end the whole spec");
    assert_eq!(e.location, at(8, 33));
}

#[test]
fn all_errors_are_reported_in_file_order() {
    let source = format!(
        "{HEADER}\n[[event]]\nname = \"demo.Bad\"\ndoc = \"x\"\nmetadata = {{ a = \"strng\" }}\n\n[[span]]\nname = \"demo.job.run\"\ndoc = \"x\"\nmeasurements = {{ n = 1 }}\n"
    );
    let all = errors(&source);
    let found: Vec<(usize, &str)> = all
        .iter()
        .map(|e| (e.location.line, e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                6,
                "malformed event name `demo.Bad`: segment `Bad` is not lowercase letters, digits and `_`"
            ),
            (8, "unknown type `strng`"),
            (13, "the span `demo.job.run` cannot declare `measurements`"),
        ]
    );
}

#[test]
fn diagnostics_display_as_file_line_column_error_and_help() {
    let e = only_error(&with_event("metdata = {}\n"));
    assert_eq!(
        e.to_string(),
        "telemetry.toml:8:1: error: unknown field `metdata` in [[event]]\n  = help: did you mean `metadata`?"
    );
}
