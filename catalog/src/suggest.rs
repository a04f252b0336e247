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
    let mut unbounded = usize::MAX;
    closest_within(target, candidates, &mut unbounded)
}

/// [`closest`], spending at most `budget` units of work (reading a candidate
/// of `n` bytes costs `n`; comparing `m` and `n` characters costs `m × n`
/// cells of an edit-distance table), and taking what it spends from it: the
/// checks of a whole file share one budget, so that thousands of misspelled
/// names cost bounded time. Once the budget is spent the answer is the best
/// found so far.
pub(crate) fn closest_within<'a>(
    target: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    budget: &mut usize,
) -> Option<&'a str> {
    let length = target.chars().count();
    let limit = (length.max(3) / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == target {
            continue;
        }
        // Reading a candidate costs its length, so a spent budget stops even a
        // search that rules every candidate out by length.
        let reading = candidate.len().max(1);
        if reading > *budget {
            break;
        }
        *budget -= reading;
        // The distance is at least the difference in length: most candidates
        // are ruled out without a table.
        let candidate_length = candidate.chars().count();
        if candidate_length.abs_diff(length) > limit {
            continue;
        }
        let cost = length.saturating_mul(candidate_length).max(1);
        if cost > *budget {
            break;
        }
        *budget -= cost;
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
    fn a_spent_budget_stops_the_search() {
        let mut budget = 0;
        assert_eq!(closest_within("hti", ["hit"], &mut budget), None);
        let mut budget = 12;
        assert_eq!(closest_within("hti", ["hit"], &mut budget), Some("hit"));
        assert_eq!(budget, 0);
    }

    #[test]
    fn candidates_of_a_distant_length_cost_only_their_reading() {
        let mut budget = 100;
        let long = "x".repeat(1_000);
        assert_eq!(
            closest_within(&long, ["name", "version"], &mut budget),
            None
        );
        assert_eq!(budget, 100 - "name".len() - "version".len());
    }

    #[test]
    fn letter_case_alone_is_closest() {
        assert_eq!(closest("SHA", ["shas", "sha"]), Some("sha"));
    }
}
