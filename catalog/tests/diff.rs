//! `diff`: one test per change class of the compatibility policy, and the
//! check of the version fields.

use std::path::Path;

use telemetry_catalog::{Bump, Catalog, ChangeKind, DiffReport, diff};

fn catalog(version: &str, events: &str) -> Catalog {
    let source = format!("name = \"demo\"\nversion = \"{version}\"\nprefix = \"demo\"\n\n{events}");
    Catalog::parse(&source, Path::new("telemetry.toml"))
        .unwrap_or_else(|errors| panic!("{errors}\n{source}"))
}

/// The two catalogues share their version, so the report's classes are read
/// without the version check getting in the way.
fn changes(old: &str, new: &str) -> DiffReport {
    diff(&catalog("1.0.0", old), &catalog("1.0.0", new))
}

/// The one change between `old` and `new`, as (kind, class, exempt).
fn only_change(old: &str, new: &str) -> (ChangeKind, Bump, bool) {
    let report = changes(old, new);
    assert_eq!(report.changes.len(), 1, "{report}");
    let change = &report.changes[0];
    (change.kind, change.class, change.exempt)
}

const JOB: &str = "[[span]]\nname = \"demo.job.run\"\ndoc = \"Runs a job.\"\n";
const DONE: &str = "[[event]]\nname = \"demo.job.done\"\ndoc = \"A job finished.\"\n";

fn span(keys: &str) -> String {
    format!("{JOB}{keys}\n")
}

#[test]
fn removing_an_event_is_major() {
    assert_eq!(
        only_change(&format!("{JOB}\n{DONE}"), JOB),
        (ChangeKind::EventRemoved, Bump::Major, false)
    );
}

#[test]
fn removing_a_deprecated_event_in_favour_of_its_new_name_is_a_major_rename() {
    let old = format!(
        "{JOB}\n[[span]]\nname = \"demo.job.go\"\ndoc = \"Old name.\"\nstability = {{ deprecated = \"Use demo.job.run.\", renamed_to = \"demo.job.run\" }}\n"
    );
    let report = changes(&old, JOB);
    assert_eq!(report.changes.len(), 1, "{report}");
    assert_eq!(report.changes[0].kind, ChangeKind::EventRenamed);
    assert_eq!(report.changes[0].class, Bump::Major);
    assert_eq!(
        report.changes[0].message,
        "renamed to `demo.job.run`: the deprecated name is no longer emitted"
    );
}

#[test]
fn deprecating_an_event_and_adding_its_new_name_is_minor() {
    let old = "[[span]]\nname = \"demo.job.go\"\ndoc = \"Runs a job.\"\n";
    let new = format!(
        "[[span]]\nname = \"demo.job.go\"\ndoc = \"Runs a job.\"\nstability = {{ deprecated = \"Use demo.job.run.\", renamed_to = \"demo.job.run\" }}\n\n{JOB}"
    );
    let report = changes(old, &new);
    let kinds: Vec<(ChangeKind, Bump)> = report.changes.iter().map(|c| (c.kind, c.class)).collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::StabilityChanged, Bump::Minor),
            (ChangeKind::EventAdded, Bump::Minor)
        ]
    );
    assert_eq!(report.required, Some(Bump::Minor));
}

#[test]
fn turning_a_span_into_an_event_is_major() {
    let event = "[[event]]\nname = \"demo.job.run\"\ndoc = \"Runs a job.\"\n";
    assert_eq!(
        only_change(JOB, event),
        (ChangeKind::KindChanged, Bump::Major, false)
    );
}

#[test]
fn removing_a_key_is_major() {
    assert_eq!(
        only_change(
            &span("metadata = { id = \"u64\", name = \"string\" }"),
            &span("metadata = { id = \"u64\" }")
        ),
        (ChangeKind::KeyRemoved, Bump::Major, false)
    );
}

#[test]
fn changing_a_key_type_is_major() {
    assert_eq!(
        only_change(
            &span("metadata = { id = \"u64\" }"),
            &span("metadata = { id = \"string\" }")
        ),
        (ChangeKind::TypeChanged, Bump::Major, false)
    );
}

#[test]
fn making_an_optional_key_required_is_major() {
    assert_eq!(
        only_change(
            &span("metadata = { id = \"u64?\" }"),
            &span("metadata = { id = \"u64\" }")
        ),
        (ChangeKind::OptionalityChanged, Bump::Major, false)
    );
}

#[test]
fn making_a_required_key_optional_is_major() {
    assert_eq!(
        only_change(
            &span("metadata = { id = \"u64\" }"),
            &span("metadata = { id = \"u64?\" }")
        ),
        (ChangeKind::OptionalityChanged, Bump::Major, false)
    );
}

#[test]
fn removing_a_value_from_a_closed_atom_is_major() {
    assert_eq!(
        only_change(
            &span("metadata = { via = \"atom(bearer, cookie)\" }"),
            &span("metadata = { via = \"atom(bearer)\" }")
        ),
        (ChangeKind::AtomValueRemoved, Bump::Major, false)
    );
}

#[test]
fn adding_a_value_to_a_closed_atom_is_major() {
    assert_eq!(
        only_change(
            &span("metadata = { via = \"atom(bearer)\" }"),
            &span("metadata = { via = \"atom(bearer, cookie)\" }")
        ),
        (ChangeKind::AtomValueAdded, Bump::Major, false)
    );
}

#[test]
fn adding_a_value_to_an_open_atom_is_minor() {
    assert_eq!(
        only_change(
            &span("metadata = { kind = \"atom(full, ..)\" }"),
            &span("metadata = { kind = \"atom(full, oauth2, ..)\" }")
        ),
        (ChangeKind::AtomValueAdded, Bump::Minor, false)
    );
}

#[test]
fn an_atom_value_added_inside_a_union_is_found() {
    assert_eq!(
        only_change(
            &span("metadata = { source = \"string | tuple<atom(disk), atom(..)>\" }"),
            &span("metadata = { source = \"string | tuple<atom(disk, memory), atom(..)>\" }")
        ),
        (ChangeKind::AtomValueAdded, Bump::Major, false)
    );
}

#[test]
fn opening_a_closed_atom_is_a_type_change() {
    assert_eq!(
        only_change(
            &span("metadata = { via = \"atom(bearer)\" }"),
            &span("metadata = { via = \"atom(bearer, ..)\" }")
        ),
        (ChangeKind::TypeChanged, Bump::Major, false)
    );
}

#[test]
fn moving_a_start_key_to_stop_is_major() {
    assert_eq!(
        only_change(
            &span("metadata = { id = \"u64\" }"),
            &span("stop = { id = \"u64\" }")
        ),
        (ChangeKind::PhaseChanged, Bump::Major, false)
    );
}

#[test]
fn moving_a_stop_key_to_start_is_minor() {
    assert_eq!(
        only_change(
            &span("stop = { id = \"u64\" }"),
            &span("metadata = { id = \"u64\" }")
        ),
        (ChangeKind::PhaseChanged, Bump::Minor, false)
    );
}

#[test]
fn renaming_a_rust_field_is_major() {
    assert_eq!(
        only_change(
            &span("metadata = { id = \"u64\" }"),
            &span("metadata = { id = { type = \"u64\", rust = \"job_id\" } }")
        ),
        (ChangeKind::RustNameChanged, Bump::Major, false)
    );
}

#[test]
fn removing_a_measurement_is_major() {
    assert_eq!(
        only_change(
            &format!("{DONE}measurements = {{ count = 1, bytes = \"u64\" }}\n"),
            &format!("{DONE}measurements = {{ count = 1 }}\n")
        ),
        (ChangeKind::MeasurementRemoved, Bump::Major, false)
    );
}

#[test]
fn changing_a_constant_measurement_is_major() {
    assert_eq!(
        only_change(
            &format!("{DONE}measurements = {{ count = 1 }}\n"),
            &format!("{DONE}measurements = {{ count = 2 }}\n")
        ),
        (ChangeKind::MeasurementChanged, Bump::Major, false)
    );
}

#[test]
fn making_a_stable_event_experimental_is_major() {
    assert_eq!(
        only_change(JOB, &format!("{JOB}stability = \"experimental\"\n")),
        (ChangeKind::StabilityChanged, Bump::Major, false)
    );
}

#[test]
fn adding_an_event_is_minor() {
    assert_eq!(
        only_change(JOB, &format!("{JOB}\n{DONE}")),
        (ChangeKind::EventAdded, Bump::Minor, false)
    );
}

#[test]
fn adding_an_optional_key_is_minor() {
    let report = changes(
        &span("metadata = { id = \"u64\" }"),
        &span("metadata = { id = \"u64\", note = \"string?\" }"),
    );
    assert_eq!(report.changes.len(), 1, "{report}");
    assert_eq!(
        (report.changes[0].kind, report.changes[0].class),
        (ChangeKind::KeyAdded, Bump::Minor)
    );
    assert_eq!(report.changes[0].message, "optional key `note` added");
}

#[test]
fn adding_a_required_key_is_minor() {
    let report = changes(
        &span("metadata = { id = \"u64\" }"),
        &span("metadata = { id = \"u64\" }\nstop = { items = \"u64\" }"),
    );
    assert_eq!(report.changes.len(), 1, "{report}");
    assert_eq!(
        (report.changes[0].kind, report.changes[0].class),
        (ChangeKind::KeyAdded, Bump::Minor)
    );
    assert_eq!(report.changes[0].message, "required key `items` added");
}

#[test]
fn adding_a_measurement_is_minor() {
    assert_eq!(
        only_change(
            &format!("{DONE}measurements = {{ count = 1 }}\n"),
            &format!("{DONE}measurements = {{ count = 1, bytes = \"u64\" }}\n")
        ),
        (ChangeKind::MeasurementAdded, Bump::Minor, false)
    );
}

#[test]
fn marking_a_key_sensitive_is_minor() {
    assert_eq!(
        only_change(
            &span("metadata = { token = \"string\" }"),
            &span("metadata = { token = { type = \"string\", sensitive = true } }")
        ),
        (ChangeKind::SensitivityChanged, Bump::Minor, false)
    );
}

#[test]
fn promoting_an_experimental_event_is_minor() {
    assert_eq!(
        only_change(&format!("{JOB}stability = \"experimental\"\n"), JOB),
        (ChangeKind::StabilityChanged, Bump::Minor, false)
    );
}

#[test]
fn changing_docs_only_is_patch() {
    let report = changes(
        &span("metadata = { id = { type = \"u64\", doc = \"The job.\" } }"),
        &span("metadata = { id = { type = \"u64\", doc = \"The job's id.\" } }\nsince = \"1.0.0\""),
    );
    let kinds: Vec<(ChangeKind, Bump)> = report.changes.iter().map(|c| (c.kind, c.class)).collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::DocChanged, Bump::Patch),
            (ChangeKind::DocChanged, Bump::Patch)
        ]
    );
    assert_eq!(report.required, Some(Bump::Patch));
}

#[test]
fn changes_to_an_experimental_event_are_exempt() {
    let old = format!("{JOB}stability = \"experimental\"\nmetadata = {{ id = \"u64\" }}\n");
    let new = format!("{JOB}stability = \"experimental\"\nmetadata = {{ id = \"string\" }}\n");
    assert_eq!(
        only_change(&old, &new),
        (ChangeKind::TypeChanged, Bump::Major, true)
    );
    let report = changes(&old, &new);
    assert_eq!(report.required, None);
    assert!(report.allowed);
}

#[test]
fn removing_an_experimental_event_is_exempt() {
    let old = format!("{JOB}\n{DONE}stability = \"experimental\"\n");
    assert_eq!(
        only_change(&old, JOB),
        (ChangeKind::EventRemoved, Bump::Major, true)
    );
}

#[test]
fn adding_an_experimental_event_is_exempt() {
    let new = format!("{JOB}\n{DONE}stability = \"experimental\"\n");
    assert_eq!(
        only_change(JOB, &new),
        (ChangeKind::EventAdded, Bump::Minor, true)
    );
}

#[test]
fn identical_catalogues_have_no_changes_and_need_no_bump() {
    let report = changes(JOB, JOB);
    assert!(report.changes.is_empty());
    assert_eq!(report.required, None);
    assert!(report.allowed);
}

#[test]
fn the_version_fields_must_make_the_required_bump() {
    let old = catalog(
        "1.4.0",
        &span("metadata = { id = \"u64\", name = \"string\" }"),
    );
    let new = |version| catalog(version, &span("metadata = { id = \"u64\" }"));
    let too_small = diff(&old, &new("1.5.0"));
    assert_eq!(too_small.required, Some(Bump::Major));
    assert_eq!(too_small.actual, Some(Bump::Minor));
    assert_eq!(
        too_small.minimum_version,
        Some(semver::Version::new(2, 0, 0))
    );
    assert!(!too_small.allowed);
    assert!(diff(&old, &new("2.0.0")).allowed);
}

#[test]
fn an_addition_needs_a_minor_bump_not_a_patch() {
    let old = catalog("1.4.0", JOB);
    let with_event = format!("{JOB}\n{DONE}");
    assert!(!diff(&old, &catalog("1.4.1", &with_event)).allowed);
    assert!(diff(&old, &catalog("1.5.0", &with_event)).allowed);
}

#[test]
fn below_one_the_minor_number_is_the_major_one() {
    let old = catalog(
        "0.3.1",
        &span("metadata = { id = \"u64\", name = \"string\" }"),
    );
    let new = |version| catalog(version, &span("metadata = { id = \"u64\" }"));
    assert!(!diff(&old, &new("0.3.2")).allowed);
    assert!(diff(&old, &new("0.4.0")).allowed);
}

#[test]
fn the_report_prints_each_change_with_its_class_and_bump() {
    let old = catalog(
        "1.4.0",
        &span("metadata = { id = \"u64\", name = \"string\" }"),
    );
    let new = catalog(
        "1.5.0",
        &span("metadata = { id = \"u64\", note = \"string?\" }"),
    );
    assert_eq!(
        diff(&old, &new).to_string(),
        "demo 1.4.0 -> 1.5.0\n\
         major  demo.job.run: key `name` removed (needs 2.0.0)\n\
         minor  demo.job.run: optional key `note` added (needs 1.5.0)\n\
         required: major bump, version 2.0.0 or later; 1.4.0 -> 1.5.0 is a minor bump: NOT ALLOWED\n"
    );
}

const LARGEST: &str = "18446744073709551615";

#[test]
fn identical_catalogues_at_the_largest_version_are_unchanged() {
    let version = format!("{LARGEST}.{LARGEST}.{LARGEST}");
    let same = catalog(&version, JOB);
    let report = diff(&same, &same);
    assert!(report.changes.is_empty());
    assert_eq!(report.required, None);
    assert_eq!(
        report.actual, None,
        "no version bump between equal versions"
    );
    assert!(report.allowed);
}

#[test]
fn a_bump_past_the_largest_version_number_is_not_allowed() {
    let version = format!("{LARGEST}.0.0");
    let old = catalog(&version, JOB);
    let new = catalog(&version, &format!("{JOB}\n{DONE}"));
    let report = diff(&old, &new);
    assert_eq!(report.required, Some(Bump::Minor));
    assert_eq!(
        report.minimum_version,
        Some(semver::Version::new(u64::MAX, 1, 0))
    );
    assert!(!report.allowed);

    let removed = diff(&new, &old);
    assert_eq!(removed.required, Some(Bump::Major));
    assert_eq!(
        removed.minimum_version, None,
        "no major number follows the largest"
    );
    assert!(!removed.allowed);
    assert!(
        removed.to_string().contains(&format!(
            "required: major bump, but no version after {LARGEST}.0.0 makes one: NOT ALLOWED"
        )),
        "{removed}"
    );
}
