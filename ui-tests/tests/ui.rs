//! The macros' compile-time checks, as a user meets them: every misuse is a compile-fail
//! case with its `.stderr` snapshot, every supported shape a pass case. All cases compile
//! in one `trybuild` run. Regenerate snapshots with `TRYBUILD=overwrite cargo test -p ui-tests`,
//! then read every changed `.stderr` as a user would.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.compile_fail("tests/ui_no_catalog/*.rs");
    cases.compile_fail("tests/ui_bad_catalog/*.rs");
}
