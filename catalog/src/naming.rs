//! The naming rules of the catalogue: dotted event names and their segments,
//! key names, and the Rust field a key becomes.

/// What every segment of an event name looks like, for help texts.
pub(crate) const NAME_RULE: &str =
    "segments are lowercase ASCII letters, digits and `_`, start with a letter and may end in `?`";

/// What is wrong with a dotted event name, or `None` when it is well formed: at least two
/// segments, each lowercase ASCII letters, digits and `_`, starting with a letter, and
/// possibly ending in `?` (`exgit.object_store.has?`).
///
/// ```
/// use telemetry_catalog::event_name_problem;
/// assert_eq!(event_name_problem("exgit.object_store.has?"), None);
/// assert!(event_name_problem("exgit..grep").is_some());
/// assert!(event_name_problem("grep").is_some());
/// ```
pub fn event_name_problem(name: &str) -> Option<String> {
    let mut segments = name.split('.');
    if name.split('.').nth(1).is_none() {
        return Some("an event name has at least two dotted segments".to_string());
    }
    segments.find(|s| !is_segment(s, true)).map(|s| {
        if s.is_empty() {
            "it has an empty segment".to_string()
        } else {
            format!("segment `{s}` is not lowercase letters, digits and `_`")
        }
    })
}

/// Whether `segment` is a valid segment of an event name (`has?` included
/// when `allow_question` is set; a prefix's segments never end in `?`).
pub(crate) fn is_segment(segment: &str, allow_question: bool) -> bool {
    let body = match segment.strip_suffix('?') {
        Some(body) if allow_question => body,
        _ => segment,
    };
    let mut chars = body.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `name` is a valid key or measurement name (`hit?` included).
pub(crate) fn is_key_name(name: &str) -> bool {
    let body = name.strip_suffix('?').unwrap_or(name);
    let mut chars = body.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A best guess at the well-formed spelling of a name, for help texts.
pub(crate) fn normalized_name(name: &str) -> String {
    name.trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '_' | '.' | '?' => c,
            ':' => '.',
            _ => '_',
        })
        .collect::<String>()
        .trim_matches('.')
        .to_string()
}

/// Rust's keywords (2024 edition, reserved ones included): a key with such a
/// name needs a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// Whether `word` is a Rust keyword.
pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// The Rust field name of a canonical key name.
///
/// The rule: drop a trailing `?` (`hit?` becomes `hit`); a name that is a Rust
/// keyword becomes a raw identifier (`ref` becomes `r#ref`), except the few
/// that cannot be raw (`self`, `super`, `crate`), which get a trailing `_`.
/// A catalogue can choose any other name with `rust = "..."`.
///
/// ```
/// use telemetry_catalog::rust_field_name;
///
/// assert_eq!(rust_field_name("hit?"), "hit");
/// assert_eq!(rust_field_name("session_id"), "session_id");
/// assert_eq!(rust_field_name("ref"), "r#ref");
/// ```
pub fn rust_field_name(canonical: &str) -> String {
    let base = canonical.strip_suffix('?').unwrap_or(canonical);
    if NOT_RAW.contains(&base) {
        format!("{base}_")
    } else if is_keyword(base) {
        format!("r#{base}")
    } else {
        base.to_string()
    }
}

/// Whether `name` can be a Rust field: an identifier, or a raw one (`r#ref`).
pub(crate) fn is_rust_identifier(name: &str) -> bool {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let mut chars = bare.chars();
    let well_formed = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !well_formed || bare == "_" {
        return false;
    }
    if raw {
        !NOT_RAW.contains(&bare)
    } else {
        !is_keyword(bare)
    }
}

/// Whether a Rust field name written in code (`ref`, `r#ref`) names the field
/// `rust_name`.
pub(crate) fn rust_name_matches(rust_name: &str, name: &str) -> bool {
    rust_name == name || rust_name.strip_prefix("r#") == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_mark_is_dropped() {
        assert_eq!(rust_field_name("present?"), "present");
    }

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(rust_field_name("type"), "r#type");
        assert_eq!(rust_field_name("self"), "self_");
    }

    #[test]
    fn identifiers_are_checked() {
        assert!(is_rust_identifier("hit"));
        assert!(is_rust_identifier("r#ref"));
        assert!(is_rust_identifier("_private"));
        assert!(!is_rust_identifier("ref"));
        assert!(!is_rust_identifier("hit?"));
        assert!(!is_rust_identifier("1st"));
        assert!(!is_rust_identifier("r#self"));
        assert!(!is_rust_identifier("_"));
    }

    #[test]
    fn event_names_need_two_well_formed_segments() {
        assert_eq!(event_name_problem("exgit.object_store.has?"), None);
        assert!(event_name_problem("exgit").is_some());
        assert!(event_name_problem("exgit..grep").is_some());
        assert!(event_name_problem("exgit.Grep").is_some());
    }
}
