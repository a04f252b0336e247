//! The type grammar, case by case.

use super::*;

fn spec(text: &str) -> (Type, bool) {
    parse_spec(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn error(text: &str) -> TypeError {
    match parse_spec(text) {
        Ok(ty) => panic!("{text} parsed as {ty:?}"),
        Err(e) => e,
    }
}

#[test]
fn simple_types_parse() {
    for name in SIMPLE_TYPES {
        assert_eq!(spec(name).0.to_string(), name);
    }
}

#[test]
fn a_trailing_question_mark_makes_the_key_optional() {
    assert_eq!(spec("string?"), (Type::String, true));
    assert_eq!(spec(" u64 ? "), (Type::U64, true));
    assert_eq!(spec("u64"), (Type::U64, false));
}

#[test]
fn closed_and_open_atoms() {
    assert_eq!(
        spec("atom(bearer, cookie, cookie_only)").0,
        Type::Atom {
            values: vec!["bearer".into(), "cookie".into(), "cookie_only".into()],
            open: false
        }
    );
    assert_eq!(
        spec("atom(full, oauth2, ..)").0,
        Type::Atom {
            values: vec!["full".into(), "oauth2".into()],
            open: true
        }
    );
    assert_eq!(
        spec("atom(..)").0,
        Type::Atom {
            values: vec![],
            open: true
        }
    );
}

#[test]
fn nested_forms_round_trip_through_display() {
    for text in [
        "list<string>",
        "tuple<u64, list<bytes>>",
        "string | tuple<atom(ref_store_disk), atom(..)>",
        "list<string | u64>",
        "atom(ok, error?, halt!)",
    ] {
        let ty = spec(text).0;
        assert_eq!(ty.to_string(), text);
        assert_eq!(spec(&ty.to_string()).0, ty);
    }
}

#[test]
fn nested_unions_flatten() {
    assert_eq!(
        spec("bool | u64 | string").0,
        Type::Union(vec![Type::Bool, Type::U64, Type::String])
    );
}

#[test]
fn an_unknown_type_suggests_the_closest() {
    let e = error("list<strng>");
    assert_eq!(e.offset, 5);
    assert_eq!(e.message, "unknown type `strng`");
    assert_eq!(e.help.as_deref(), Some("did you mean `string`?"));
}

#[test]
fn a_foreign_type_name_says_what_to_write() {
    assert_eq!(error("int").help.as_deref(), Some("write u64 or i64"));
}

#[test]
fn an_atom_needs_values() {
    let e = error("string | atom");
    assert_eq!(e.offset, 9);
    assert_eq!(e.message, "atom without values");
    assert_eq!(error("atom()").message, "atom without values");
}

#[test]
fn a_question_mark_inside_is_refused() {
    let e = error("list<string?>");
    assert_eq!(e.offset, 11);
    assert_eq!(e.message, "`?` can only end the whole spec");
}

#[test]
fn atom_values_lose_their_colon() {
    let e = error("atom(:bearer, :cookie)");
    assert_eq!(e.help.as_deref(), Some("write atom(bearer, cookie)"));
}

#[test]
fn from_str_refuses_optional() {
    assert!("u64?".parse::<Type>().is_err());
    assert_eq!("u64".parse::<Type>(), Ok(Type::U64));
}

#[test]
fn atom_names() {
    assert!(is_atom_name("cookie_only"));
    assert!(is_atom_name("has?"));
    assert!(!is_atom_name("a b"));
    assert!(!is_atom_name("1x"));
}

#[test]
fn nil_is_an_alternative_of_a_union() {
    assert_eq!(
        spec("string | nil").0,
        Type::Union(vec![Type::String, Type::Nil])
    );
    assert_eq!(
        spec("list<u64 | nil>?"),
        (
            Type::List(Box::new(Type::Union(vec![Type::U64, Type::Nil]))),
            true
        )
    );
    assert_eq!(spec("nil | atom(ok)").0.to_string(), "nil | atom(ok)");
}

#[test]
fn nil_alone_is_refused() {
    let e = error("nil");
    assert_eq!(e.offset, 0);
    assert_eq!(
        e.message,
        "`nil` alone is no type: it is an alternative of a union"
    );
    assert_eq!(error("list< nil>").offset, 6);
    assert_eq!(
        error("nil | nil").message,
        "`nil` appears twice in this union"
    );
}

#[test]
fn a_none_from_elsewhere_says_nil() {
    assert_eq!(
        error("string | null").help.as_deref(),
        Some("write T | nil")
    );
}

#[test]
fn unions_with_nil_and_any_admit_nil() {
    assert!(spec("string | nil").0.admits_nil());
    assert!(spec("any").0.admits_nil());
    assert!(spec("u64 | any").0.admits_nil());
    assert!(!spec("string").0.admits_nil());
    assert!(!spec("string?").0.admits_nil(), "absent is not none");
    assert!(!spec("tuple<nil | u64>").0.admits_nil());
}
