//! The `telemetry-catalog` command, run as a process on the reference
//! catalogues: exit codes and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_telemetry-catalog"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run telemetry-catalog: {e}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of a reference catalogue with `edit` applied, under Cargo's scratch
/// directory for integration tests.
fn edited(name: &str, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}.toml"));
    std::fs::write(&path, edit(source)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 path {}", path.display()))
}

const EXGIT: &str = "catalogs/exgit.toml";
const CHARON: &str = "catalogs/charon.toml";

#[test]
fn check_accepts_both_reference_catalogues() {
    let output = run(&["check", EXGIT, CHARON]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "catalogs/exgit.toml: ok, 23 events\ncatalogs/charon.toml: ok, 7 events\n"
    );
}

#[test]
fn check_reports_every_error_and_exits_one() {
    let broken = edited("broken", CHARON, |s| {
        s.replace("\"charon.session.refresh\"", "\"charon.session.Refresh\"")
            .replace(
                "session_loaded = { type = \"bool\"",
                "session_loaded = { type = \"boolean\"",
            )
    });
    let output = run(&["check", EXGIT, path_str(&broken)]);
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    let shown = path_str(&broken);
    assert!(
        errors.contains(&format!(
            "{shown}:29:8: error: malformed event name `charon.session.Refresh`"
        )),
        "{errors}"
    );
    assert!(
        errors.contains(&format!(
            "{shown}:75:28: error: unknown type `boolean`\n  = help: write bool"
        )),
        "{errors}"
    );
    assert!(
        errors.contains(&format!(
            "{shown}:88:28: error: unknown type `boolean`\n  = help: write bool"
        )),
        "{errors}"
    );
    assert!(
        errors.ends_with(&format!("{shown}: 3 errors\n")),
        "{errors}"
    );
    assert_eq!(stdout(&output), "catalogs/exgit.toml: ok, 23 events\n");
}

#[test]
fn check_in_json_lists_each_file() {
    let output = run(&["check", "--format", "json", EXGIT]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json[0]["path"], EXGIT);
    assert_eq!(json[0]["valid"], true);
    assert_eq!(json[0]["events"], 23);
}

#[test]
fn check_in_json_gives_errors_with_positions() {
    let broken = edited("broken-json", CHARON, |s| {
        s.replace("prefix = \"charon\"", "prefx = \"charon\"")
    });
    let output = run(&["check", path_str(&broken), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let errors = &json[0]["errors"];
    assert_eq!(errors[0]["line"], 1);
    assert_eq!(errors[0]["message"], "the catalogue has no `prefix`");
    assert_eq!(errors[1]["line"], 13);
    assert_eq!(errors[1]["column"], 1);
    assert_eq!(
        errors[1]["message"],
        "unknown field `prefx` in the catalogue header"
    );
    assert_eq!(errors[1]["help"], "did you mean `prefix`?");
}

#[test]
fn docs_renders_the_golden_pages() {
    for name in ["exgit", "charon"] {
        let output = run(&["docs", &format!("catalogs/{name}.toml")]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let golden = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.md")),
        )
        .expect("golden file");
        assert!(
            stdout(&output) == golden,
            "{name}: docs output differs from its golden file"
        );
    }
}

#[test]
fn docs_in_json_is_the_catalogue() {
    let output = run(&["docs", "--format", "json", EXGIT]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["name"], "exgit");
    assert_eq!(json["events"].as_array().map(Vec::len), Some(23));
}

#[test]
fn docs_of_an_invalid_catalogue_exits_one() {
    let broken = edited("docs-broken", EXGIT, |s| {
        s.replace("prefix = \"exgit\"", "prefix = \"Exgit\"")
    });
    let output = run(&["docs", path_str(&broken)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(":14:10: error: malformed prefix `Exgit`"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn diff_of_a_catalogue_with_itself_has_no_changes() {
    let output = run(&["diff", EXGIT, EXGIT]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "exgit 0.1.0 -> 0.1.0\nno changes\n");
}

#[test]
fn diff_fails_when_the_version_does_not_allow_the_bump() {
    // Removing a key below 1.0.0 needs 0.2.0; 0.1.1 is not enough.
    let new = edited("diff-major", EXGIT, |s| {
        s.replace("version = \"0.1.0\"", "version = \"0.1.1\"")
            .replace(
                "bytes_scanned = { type = \"u64\", doc = \"Number of bytes searched.\" }\n",
                "",
            )
    });
    let output = run(&["diff", EXGIT, path_str(&new)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "exgit 0.1.0 -> 0.1.1\n\
         major  exgit.fs.grep: stop-only key `bytes_scanned` removed (needs 0.2.0)\n\
         required: major bump, version 0.2.0 or later; 0.1.0 -> 0.1.1 is a minor bump: NOT ALLOWED\n"
    );
}

#[test]
fn diff_passes_when_the_version_allows_the_bump() {
    let new = edited("diff-minor", CHARON, |s| {
        s.replace("version = \"4.2.0\"", "version = \"4.3.0\"")
            .replace("atom(full, oauth2, ..)", "atom(full, oauth2, api, ..)")
    });
    let output = run(&["diff", CHARON, path_str(&new)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report = stdout(&output);
    assert_eq!(
        report
            .matches("value `api` added to the open atom of key `session_type`")
            .count(),
        5
    );
    assert!(
        report.ends_with("4.2.0 -> 4.3.0 is a minor bump: ok\n"),
        "{report}"
    );
}

#[test]
fn diff_in_json_gives_classes_and_the_verdict() {
    let new = edited("diff-json", CHARON, |s| {
        s.replace(
            "[[event]]\nname = \"charon.session.delete_all\"",
            "[[event]]\nname = \"charon.session.purge\"",
        )
    });
    let output = run(&["--format", "json", "diff", CHARON, path_str(&new)]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["required"], "major");
    assert_eq!(json["allowed"], false);
    assert_eq!(json["minimum_version"], "5.0.0");
    assert_eq!(json["changes"][0]["kind"], "event_removed");
    assert_eq!(json["changes"][0]["event"], "charon.session.delete_all");
    assert_eq!(json["changes"][1]["kind"], "event_added");
    assert_eq!(json["changes"][1]["class"], "minor");
}

#[test]
fn diff_of_an_invalid_catalogue_exits_two() {
    let broken = edited("diff-broken", CHARON, |s| {
        s.replace("count = 1", "count = true")
    });
    let output = run(&["diff", CHARON, path_str(&broken)]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output)
            .matches("constant measurement `count` is boolean")
            .count(),
        7
    );
}

#[test]
fn no_command_is_a_usage_error() {
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Usage"));
}
