// A crate that reaches the runtime only through a facade that re-exports it: every macro
// takes `crate = <path of the re-export>`.
//
// `::telemetry_runtime` names `core` in this file, so any path the macros generated
// through `::telemetry_runtime` instead of through `crate = ..` would fail to resolve.
extern crate core as telemetry_runtime;

use ui_tests::observability::telemetry as tm;

#[derive(tm::Atom)]
#[telemetry(crate = tm)]
pub enum SessionType {
    Full,
    Oauth2,
}

#[derive(tm::Atom)]
#[telemetry(crate = ui_tests::observability::telemetry)]
pub enum Transport {
    Bearer,
    Cookie,
}

#[tm::event("demo.session.create", crate = tm)]
pub struct SessionCreate<'a> {
    pub session_id: &'a str,
    pub user_id: u64,
    pub session_type: SessionType,
}

#[tm::event("demo.token.valid", crate = tm)]
pub struct TokenValid {
    pub token_transport: Transport,
    pub session_loaded: bool,
}

#[tm::span("demo.fs.grep", crate = tm)]
fn grep(reference: &str, pattern: &str) -> usize {
    let found = reference.matches(pattern).count();
    tm::stop!(match_count = found);
    found
}

#[tm::span("demo.fs.walk", lazy, crate = tm)]
fn walk(reference: &str) -> impl Iterator<Item = char> + '_ {
    let mut files = 0u64;
    reference.chars().map(move |c| {
        files += 1;
        tm::stop!(file_count = files);
        c
    })
}

#[tm::span("demo.store.get", crate = tm)]
async fn get(sha: &str) -> bool {
    !sha.is_empty()
}

mod demo {
    ui_tests::observability::telemetry::catalog!(crate = ui_tests::observability::telemetry);
}

fn main() {
    tm::emit!(crate = tm, SessionCreate {
        session_id: "s1",
        user_id: 7,
        session_type: SessionType::Oauth2,
    });
    TokenValid { token_transport: Transport::Cookie, session_loaded: true }.emit();
    assert_eq!(grep("abcabc", "bc"), 2);
    assert_eq!(walk("ab").count(), 2);
    drop(get("0123"));
    assert!(!demo::events().is_empty());
    assert_eq!(demo::CATALOG.name, "demo");
}
