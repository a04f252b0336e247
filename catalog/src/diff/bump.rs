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
    /// below 1.0.0: 0.3.1 needs 0.4.0 for a major change, 0.3.2 for a minor).
    ///
    /// ```
    /// use semver::Version;
    /// use telemetry_catalog::Bump;
    ///
    /// assert_eq!(Bump::Major.apply(&Version::new(1, 4, 2)), Version::new(2, 0, 0));
    /// assert_eq!(Bump::Minor.apply(&Version::new(1, 4, 2)), Version::new(1, 5, 0));
    /// assert_eq!(Bump::Major.apply(&Version::new(0, 3, 1)), Version::new(0, 4, 0));
    /// assert_eq!(Bump::Minor.apply(&Version::new(0, 3, 1)), Version::new(0, 3, 2));
    /// ```
    pub fn apply(self, from: &Version) -> Version {
        let (major, minor, patch) = (from.major, from.minor, from.patch);
        match (self, major, minor) {
            (Bump::Major, 1.., _) => Version::new(major + 1, 0, 0),
            (Bump::Major, 0, 1..) => Version::new(0, minor + 1, 0),
            (Bump::Minor, 1.., _) => Version::new(major, minor + 1, 0),
            _ => Version::new(major, minor, patch + 1),
        }
    }

    /// The biggest bump that `old` → `new` makes, or `None` when `new` is not
    /// later (pre-release tags are ignored).
    pub fn between(old: &Version, new: &Version) -> Option<Bump> {
        [Bump::Major, Bump::Minor, Bump::Patch]
            .into_iter()
            .find(|bump| triple(new) >= triple(&bump.apply(old)))
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
}
