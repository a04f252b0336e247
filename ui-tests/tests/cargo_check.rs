//! Compile-fail cases whose error comes from evaluating a constant (a closed atom key
//! given an enum with other atoms) could be accepted by `cargo check`, and so by the
//! editor, while only `cargo build`, which trybuild runs, rejects them. This test runs
//! `cargo check` on them, as modules of one small crate checked once, and asserts that
//! each is rejected with its message.

use std::path::Path;
use std::process::Command;

/// Each case (a file of `tests/ui/fail`), and what its error must say.
const CASES: &[(&str, &str)] = &[
    (
        "event_atom_outside_closed_set",
        "`Transport::Header` is the atom `:header`, which `token_transport` does not allow",
    ),
    (
        "span_argument_atom_outside_closed_set",
        "`Transport::Git` is the atom `:git`, which `transport` does not allow",
    ),
    (
        "span_stop_atom_outside_closed_set",
        "`Outcome::Retried` is the atom `:retried`, which `outcome` does not allow",
    ),
];

#[test]
fn closed_atom_errors_fail_cargo_check() {
    let ui_tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = ui_tests.parent().expect("ui-tests lives in the workspace");
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cargo-check-fail");
    std::fs::create_dir_all(work.join("src")).expect("work directory");
    let manifest = format!(
        "[package]\nname = \"cargo-check-fail\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\ntelemetry-runtime = {{ path = {:?} }}\n\n\
         # Not a member of the repository's workspace.\n[workspace]\n",
        root.join("telemetry-runtime")
    );
    std::fs::write(work.join("Cargo.toml"), manifest).expect("manifest written");
    // The workspace's versions, so that nothing is resolved anew.
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).expect("lock copied");
    // Each case stays in its own folder, where the macros find the ui catalogue.
    let mut lib = String::from("#![allow(dead_code)]\n");
    for (case, _) in CASES {
        let file = ui_tests.join("tests/ui/fail").join(format!("{case}.rs"));
        lib.push_str(&format!("#[path = {:?}]\nmod {case};\n", file));
    }
    std::fs::write(work.join("src/lib.rs"), lib).expect("lib written");

    let output = Command::new(option_env!("CARGO").unwrap_or("cargo"))
        .args(["check", "--quiet", "--message-format=short"])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "cargo check accepted:\n{stderr}");
    for (case, message) in CASES {
        assert!(
            stderr.contains(message),
            "cargo check did not reject {case} with `{message}`:\n{stderr}"
        );
    }
}
