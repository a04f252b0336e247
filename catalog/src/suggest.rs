//! "Did you mean": the closest known name by edit distance.

/// The candidate closest to `target`, or `None` when nothing is close.
///
/// Close means at most a third of the length apart (rustc's rule, at least one
/// edit), counting a transposition as one edit; a candidate equal to `target`
/// but for letter case always wins. Ties go to the first candidate, so
/// suggestions follow catalogue order.
pub(crate) fn closest<'a>(
    target: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (target.chars().count().max(3) / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == target {
            continue;
        }
        let distance = if candidate.eq_ignore_ascii_case(target) {
            0
        } else {
            strsim::damerau_levenshtein(target, candidate)
        };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// "did you mean `x`?" for the closest candidate, if any.
pub(crate) fn did_you_mean<'a>(
    target: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(target, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_its_name() {
        assert_eq!(
            closest("metdata", ["name", "metadata", "measurements"]),
            Some("metadata")
        );
    }

    #[test]
    fn a_transposition_is_one_edit() {
        assert_eq!(closest("hti", ["hit", "sha"]), Some("hit"));
    }

    #[test]
    fn nothing_close_gives_nothing() {
        assert_eq!(closest("banana", ["name", "version", "prefix"]), None);
    }

    #[test]
    fn letter_case_alone_is_closest() {
        assert_eq!(closest("SHA", ["shas", "sha"]), Some("sha"));
    }
}
