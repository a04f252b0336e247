//! How big a change is, and the version numbers that make each size of bump.

use std::fmt;

use semver::Version;
use serde::Serialize;

/// How big a change is, and so which version number must grow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Documentation only.
    Patch,
    /// Backwards-compatible additions.
    Minor,
    /// Breaks existing handlers.
    Major,
}

impl Bump {
    /// The smallest version after `from` that makes this bump (Cargo's rule
    /// below 1.0.0: 0.3.1 needs 0.4.0 for a major change, 0.3.2 for a minor),
    /// or `None` when the number that must grow is already the largest
    /// (18446744073709551615): no version makes that bump.
    ///
    /// ```
    /// use semver::Version;
    /// use telemetry_catalog::Bump;
    ///
    /// assert_eq!(Bump::Major.apply(&Version::new(1, 4, 2)), Some(Version::new(2, 0, 0)));
    /// assert_eq!(Bump::Minor.apply(&Version::new(1, 4, 2)), Some(Version::new(1, 5, 0)));
    /// assert_eq!(Bump::Major.apply(&Version::new(0, 3, 1)), Some(Version::new(0, 4, 0)));
    /// assert_eq!(Bump::Minor.apply(&Version::new(0, 3, 1)), Some(Version::new(0, 3, 2)));
    /// assert_eq!(Bump::Major.apply(&Version::new(u64::MAX, 0, 0)), None);
    /// ```
    pub fn apply(self, from: &Version) -> Option<Version> {
        let (major, minor, patch) = (from.major, from.minor, from.patch);
        match (self, major, minor) {
            (Bump::Major, 1.., _) => Some(Version::new(major.checked_add(1)?, 0, 0)),
            (Bump::Major, 0, 1..) => Some(Version::new(0, minor.checked_add(1)?, 0)),
            (Bump::Minor, 1.., _) => Some(Version::new(major, minor.checked_add(1)?, 0)),
            _ => Some(Version::new(major, minor, patch.checked_add(1)?)),
        }
    }

    /// The biggest bump that `old` → `new` makes, or `None` when `new` is not
    /// later (pre-release tags are ignored).
    pub fn between(old: &Version, new: &Version) -> Option<Bump> {
        [Bump::Major, Bump::Minor, Bump::Patch]
            .into_iter()
            .find(|bump| {
                bump.apply(old)
                    .is_some_and(|min| triple(new) >= triple(&min))
            })
    }
}

pub(super) fn triple(v: &Version) -> (u64, u64, u64) {
    (v.major, v.minor, v.patch)
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bump_is_read_from_the_versions() {
        let v = |s: &str| Version::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(Bump::between(&v("1.4.0"), &v("2.0.0")), Some(Bump::Major));
        assert_eq!(Bump::between(&v("1.4.0"), &v("1.5.0")), Some(Bump::Minor));
        assert_eq!(Bump::between(&v("1.4.0"), &v("1.4.1")), Some(Bump::Patch));
        assert_eq!(Bump::between(&v("1.4.0"), &v("1.4.0")), None);
        assert_eq!(Bump::between(&v("1.4.0"), &v("1.3.9")), None);
        assert_eq!(Bump::between(&v("0.3.1"), &v("0.4.0")), Some(Bump::Major));
        assert_eq!(Bump::between(&v("0.3.1"), &v("0.3.2")), Some(Bump::Minor));
    }

    #[test]
    fn no_bump_goes_past_the_largest_number() {
        let max = u64::MAX;
        let top = Version::new(max, max, max);
        for bump in [Bump::Major, Bump::Minor, Bump::Patch] {
            assert_eq!(bump.apply(&top), None, "{bump}");
        }
        assert_eq!(Bump::between(&top, &top), None);
        assert_eq!(
            Bump::Minor.apply(&Version::new(max, 1, 0)),
            Some(Version::new(max, 2, 0))
        );
        assert_eq!(
            Bump::between(&Version::new(max - 1, 0, 0), &Version::new(max, 0, 0)),
            Some(Bump::Major)
        );
    }
}
