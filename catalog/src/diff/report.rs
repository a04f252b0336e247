//! The result of a comparison, and its text for people.

use std::fmt;

use semver::Version;
use serde::Serialize;

use super::bump::Bump;
use super::change::Change;
use crate::serialize::{display, display_opt};

/// Every change between two catalogues, classified, and whether the version
/// fields allow it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DiffReport {
    /// The new catalogue's name.
    pub name: String,
    /// The old catalogue's `version`.
    #[serde(serialize_with = "display")]
    pub old_version: Version,
    /// The new catalogue's `version`.
    #[serde(serialize_with = "display")]
    pub new_version: Version,
    /// Every change, header first, then by event in the old file's order,
    /// then added events.
    pub changes: Vec<Change>,
    /// The biggest class among the changes that are not exempt.
    pub required: Option<Bump>,
    /// The bump the version fields make.
    pub actual: Option<Bump>,
    /// The smallest new version that would allow the required bump (`None`
    /// when no bump is required, or when no version can make it because the
    /// old number is already the largest).
    #[serde(serialize_with = "display_opt")]
    pub minimum_version: Option<Version>,
    /// Whether the new version is at least [`minimum_version`](Self::minimum_version)
    /// (always when no bump is required, never when no version can make it).
    pub allowed: bool,
}

impl fmt::Display for DiffReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {} -> {}",
            self.name, self.old_version, self.new_version
        )?;
        if self.changes.is_empty() {
            return writeln!(f, "no changes");
        }
        for change in &self.changes {
            let subject = change
                .event
                .as_ref()
                .map(|event| format!("{event}: "))
                .unwrap_or_default();
            if change.exempt {
                writeln!(
                    f,
                    "exempt {subject}{} (experimental: needs no bump; otherwise {})",
                    change.message, change.class
                )?;
            } else {
                let needs = change.class.apply(&self.old_version).map_or_else(
                    || {
                        format!(
                            "a {} bump, which no version after {} makes",
                            change.class, self.old_version
                        )
                    },
                    |version| version.to_string(),
                );
                writeln!(
                    f,
                    "{:<6} {subject}{} (needs {needs})",
                    change.class.to_string(),
                    change.message,
                )?;
            }
        }
        match (self.required, &self.minimum_version) {
            (Some(required), Some(minimum)) => {
                let actual = self
                    .actual
                    .map_or_else(|| "no bump".to_string(), |b| format!("a {b} bump"));
                write!(
                    f,
                    "required: {required} bump, version {minimum} or later; {} -> {} is {actual}: ",
                    self.old_version, self.new_version
                )?;
                writeln!(f, "{}", if self.allowed { "ok" } else { "NOT ALLOWED" })
            }
            (Some(required), None) => writeln!(
                f,
                "required: {required} bump, but no version after {} makes one: NOT ALLOWED",
                self.old_version
            ),
            (None, _) => writeln!(f, "required: no bump (every change is exempt)"),
        }
    }
}
