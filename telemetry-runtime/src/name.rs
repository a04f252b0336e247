//! Event names: borrowed views for the hot path, an owned form for the registry.
//!
//! A name is a sequence of segments such as `exgit`, `fs`, `grep`, written dotted as
//! `exgit.fs.grep`. A segment is lowercase ASCII letters, digits and `_`, starts with a
//! letter, and may end in `?` (as in `has?`). Span events append one of the phase
//! segments `start`, `stop` or `exception` to their prefix.

use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};

pub use crate::name_error::NameError;
use crate::name_error::{is_valid_segment, segment_error};

/// One of a span's three events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The span began.
    Start,
    /// The span ended normally.
    Stop,
    /// The span ended by a panic, or was dropped before it ended (`kind` = `cancelled`).
    Exception,
}

impl Phase {
    /// The segment appended to the span's prefix.
    pub const fn segment(self) -> &'static str {
        match self {
            Phase::Start => "start",
            Phase::Stop => "stop",
            Phase::Exception => "exception",
        }
    }

    /// The phase a segment names, if it is `start`, `stop` or `exception`.
    ///
    /// ```
    /// use telemetry_runtime::Phase;
    /// assert_eq!(Phase::from_segment("stop"), Some(Phase::Stop));
    /// assert_eq!(Phase::from_segment("grep"), None);
    /// ```
    pub fn from_segment(segment: &str) -> Option<Phase> {
        [Phase::Start, Phase::Stop, Phase::Exception]
            .into_iter()
            .find(|phase| phase.segment() == segment)
    }
}

#[derive(Clone, Copy)]
enum Repr<'a> {
    Segments(&'a [&'a str]),
    Dotted(&'a str),
}

/// A borrowed, validated event name.
///
/// `Name` is what handlers see in [`Event::name`](crate::Event::name). It costs nothing to
/// build from static segments and never allocates; [`EventName`] is its owned form.
///
/// ```
/// use telemetry_runtime::Name;
/// const GREP: Name<'static> = Name::from_static(&["exgit", "fs", "grep"]);
/// assert_eq!(GREP.to_string(), "exgit.fs.grep");
/// assert_eq!(Name::parse("exgit.object_store.has?").unwrap().segments().last(), Some("has?"));
/// assert!(Name::parse("exgit..grep").is_err());
/// ```
#[derive(Clone, Copy)]
pub struct Name<'a> {
    repr: Repr<'a>,
    phase: Option<&'static str>,
}

impl<'a> Name<'a> {
    /// A name from static segments, checked at compile time when used in a `const` or
    /// `static` (a malformed segment is then a compile error).
    ///
    /// # Panics
    /// When a segment is malformed and the call is evaluated at run time; use
    /// [`Name::from_segments`] for names that are not known at compile time.
    pub const fn from_static(segments: &'static [&'static str]) -> Name<'static> {
        assert!(
            !segments.is_empty(),
            "an event name needs at least one segment"
        );
        let mut i = 0;
        while i < segments.len() {
            assert!(
                is_valid_segment(segments[i]),
                "malformed event name segment: segments are lowercase ASCII letters, digits and `_`, \
                 start with a letter, and may end in `?`"
            );
            i += 1;
        }
        Name {
            repr: Repr::Segments(segments),
            phase: None,
        }
    }

    /// A name from segments, validated.
    pub fn from_segments(segments: &'a [&'a str]) -> Result<Self, NameError> {
        if segments.is_empty() {
            return Err(NameError::Empty);
        }
        for (index, segment) in segments.iter().enumerate() {
            if !is_valid_segment(segment) {
                return Err(segment_error(&segments.join("."), index, segment));
            }
        }
        Ok(Name {
            repr: Repr::Segments(segments),
            phase: None,
        })
    }

    /// A name from its dotted form, validated: `"exgit.fs.grep"`.
    pub fn parse(dotted: &'a str) -> Result<Self, NameError> {
        if dotted.is_empty() {
            return Err(NameError::Empty);
        }
        for (index, segment) in dotted.split('.').enumerate() {
            if !is_valid_segment(segment) {
                return Err(segment_error(dotted, index, segment));
            }
        }
        Ok(Name {
            repr: Repr::Dotted(dotted),
            phase: None,
        })
    }

    /// The name of one phase of the span with this prefix: `exgit.fs.grep` becomes
    /// `exgit.fs.grep.stop`. A name that already ends in a phase gets it replaced.
    ///
    /// ```
    /// use telemetry_runtime::{Name, Phase};
    /// let grep = Name::from_static(&["exgit", "fs", "grep"]);
    /// assert_eq!(grep.with_phase(Phase::Stop).to_string(), "exgit.fs.grep.stop");
    /// ```
    pub const fn with_phase(self, phase: Phase) -> Self {
        Name {
            repr: self.repr,
            phase: Some(phase.segment()),
        }
    }

    /// The span phase this name ends in: its last segment when that is `start`, `stop`
    /// or `exception`, however the name was built.
    ///
    /// ```
    /// use telemetry_runtime::{Name, Phase};
    /// assert_eq!(Name::parse("exgit.fs.grep.stop").unwrap().phase(), Some(Phase::Stop));
    /// assert_eq!(Name::parse("charon.session.create").unwrap().phase(), None);
    /// ```
    pub fn phase(&self) -> Option<Phase> {
        self.segments().last().and_then(Phase::from_segment)
    }

    /// The name without its phase segment (the span's prefix), when it ends in a phase.
    ///
    /// ```
    /// use telemetry_runtime::Name;
    /// let stop = Name::parse("exgit.fs.grep.stop").unwrap();
    /// assert_eq!(stop.span_prefix().map(|p| p.to_string()).as_deref(), Some("exgit.fs.grep"));
    /// assert!(Name::parse("stop").unwrap().span_prefix().is_none());
    /// ```
    pub fn span_prefix(&self) -> Option<Name<'a>> {
        if self.phase.is_some() {
            return Some(Name {
                repr: self.repr,
                phase: None,
            });
        }
        self.phase()?;
        let repr = match self.repr {
            Repr::Segments(s) if s.len() > 1 => Repr::Segments(&s[..s.len() - 1]),
            Repr::Dotted(d) => Repr::Dotted(d.rsplit_once('.')?.0),
            Repr::Segments(_) => return None,
        };
        Some(Name { repr, phase: None })
    }

    /// The segments, in order (a span event's phase included).
    pub fn segments(&self) -> Segments<'a> {
        let inner = match self.repr {
            Repr::Segments(s) => SegmentsInner::Slice(s.iter()),
            Repr::Dotted(d) => SegmentsInner::Split(d.split('.')),
        };
        Segments {
            inner,
            phase: self.phase,
        }
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        let base = match self.repr {
            Repr::Segments(s) => s.len(),
            Repr::Dotted(d) => d.split('.').count(),
        };
        base + usize::from(self.phase.is_some())
    }

    /// Always `false`: a valid name has at least one segment.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether this name begins with the given segments (an empty prefix matches all).
    pub fn starts_with(&self, prefix: &[&str]) -> bool {
        let mut mine = self.segments();
        prefix.iter().all(|p| mine.next() == Some(*p))
    }

    /// The owned form.
    pub fn to_event_name(&self) -> EventName {
        EventName {
            dotted: self.to_string().into_boxed_str(),
        }
    }

    /// A hash of the segments, equal for equal names whatever their representation.
    pub(crate) fn segments_hash(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        for segment in self.segments() {
            segment.hash(&mut hasher);
        }
        hasher.finish()
    }
}

impl PartialEq for Name<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.segments().eq(other.segments())
    }
}

impl Eq for Name<'_> {}

impl PartialEq<EventName> for Name<'_> {
    fn eq(&self, other: &EventName) -> bool {
        self.segments().eq(other.segments())
    }
}

impl PartialEq<str> for Name<'_> {
    fn eq(&self, other: &str) -> bool {
        self.segments().eq(other.split('.'))
    }
}

impl PartialEq<&str> for Name<'_> {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repr {
            Repr::Dotted(d) => f.write_str(d)?,
            Repr::Segments(s) => {
                for (i, segment) in s.iter().enumerate() {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(segment)?;
                }
            }
        }
        if let Some(phase) = self.phase {
            write!(f, ".{phase}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

/// Iterator over a name's segments.
#[derive(Clone)]
pub struct Segments<'a> {
    inner: SegmentsInner<'a>,
    phase: Option<&'static str>,
}

#[derive(Clone)]
enum SegmentsInner<'a> {
    Slice(std::slice::Iter<'a, &'a str>),
    Split(std::str::Split<'a, char>),
}

impl<'a> Iterator for Segments<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let next = match &mut self.inner {
            SegmentsInner::Slice(it) => it.next().copied(),
            SegmentsInner::Split(it) => it.next(),
        };
        next.or_else(|| self.phase.take())
    }
}

/// An owned, validated event name, kept in its dotted form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventName {
    dotted: Box<str>,
}

impl EventName {
    /// Parses and validates a dotted name.
    pub fn parse(dotted: &str) -> Result<Self, NameError> {
        Name::parse(dotted).map(|n| n.to_event_name())
    }

    /// The dotted form, e.g. `exgit.fs.grep.stop`.
    pub fn as_str(&self) -> &str {
        &self.dotted
    }

    /// The segments, in order.
    pub fn segments(&self) -> std::str::Split<'_, char> {
        self.dotted.split('.')
    }

    /// The borrowed view.
    pub fn as_name(&self) -> Name<'_> {
        Name {
            repr: Repr::Dotted(&self.dotted),
            phase: None,
        }
    }

    /// Whether this name begins with the given segments (an empty prefix matches all).
    pub fn starts_with(&self, prefix: &[&str]) -> bool {
        self.as_name().starts_with(prefix)
    }

    /// The span phase this name ends in; see [`Name::phase`].
    pub fn phase(&self) -> Option<Phase> {
        self.as_name().phase()
    }

    /// The name without its phase segment; see [`Name::span_prefix`].
    pub fn span_prefix(&self) -> Option<Name<'_>> {
        self.as_name().span_prefix()
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dotted)
    }
}

impl fmt::Debug for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventName({})", self.dotted)
    }
}

impl PartialEq<str> for EventName {
    fn eq(&self, other: &str) -> bool {
        &*self.dotted == other
    }
}

impl PartialEq<&str> for EventName {
    fn eq(&self, other: &&str) -> bool {
        &*self.dotted == *other
    }
}

/// Anything that names an event: a dotted `&str`, a slice or array of segments, a
/// [`Name`] or an [`EventName`]. Conversion validates the name.
pub trait IntoName<'a> {
    /// Validates and converts.
    fn into_name(self) -> Result<Name<'a>, NameError>;
}

impl<'a> IntoName<'a> for Name<'a> {
    fn into_name(self) -> Result<Name<'a>, NameError> {
        Ok(self)
    }
}

impl<'a> IntoName<'a> for &'a str {
    fn into_name(self) -> Result<Name<'a>, NameError> {
        Name::parse(self)
    }
}

impl<'a> IntoName<'a> for &'a String {
    fn into_name(self) -> Result<Name<'a>, NameError> {
        Name::parse(self)
    }
}

impl<'a> IntoName<'a> for &'a [&'a str] {
    fn into_name(self) -> Result<Name<'a>, NameError> {
        Name::from_segments(self)
    }
}

impl<'a, const N: usize> IntoName<'a> for &'a [&'a str; N] {
    fn into_name(self) -> Result<Name<'a>, NameError> {
        Name::from_segments(self)
    }
}

impl<'a> IntoName<'a> for &'a Vec<&'a str> {
    fn into_name(self) -> Result<Name<'a>, NameError> {
        Name::from_segments(self)
    }
}

impl<'a> IntoName<'a> for &'a EventName {
    fn into_name(self) -> Result<Name<'a>, NameError> {
        Ok(self.as_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_may_end_in_a_question_mark() {
        let name = Name::parse("exgit.object_store.has?").unwrap();
        assert_eq!(
            name.segments().collect::<Vec<_>>(),
            ["exgit", "object_store", "has?"]
        );
    }

    #[test]
    fn a_question_mark_inside_a_segment_is_rejected() {
        let err = Name::parse("exgit.h?s").unwrap_err();
        assert!(matches!(
            err,
            NameError::InvalidCharacter { character: '?', .. }
        ));
    }

    #[test]
    fn empty_segments_are_rejected_with_their_position() {
        assert_eq!(
            Name::parse("exgit..grep").unwrap_err(),
            NameError::EmptySegment {
                name: "exgit..grep".into(),
                index: 1
            }
        );
        assert_eq!(Name::parse("").unwrap_err(), NameError::Empty);
        assert_eq!(Name::from_segments(&[]).unwrap_err(), NameError::Empty);
    }

    #[test]
    fn uppercase_and_non_ascii_are_rejected() {
        assert!(matches!(
            Name::parse("Exgit.fs").unwrap_err(),
            NameError::InvalidCharacter { character: 'E', .. }
        ));
        assert!(matches!(
            Name::from_segments(&["exgit", "grép"]).unwrap_err(),
            NameError::InvalidCharacter {
                character: 'é', ..
            }
        ));
    }

    #[test]
    fn names_compare_by_segments_whatever_their_form() {
        let dotted = Name::parse("exgit.fs.grep").unwrap();
        let segments = Name::from_segments(&["exgit", "fs", "grep"]).unwrap();
        assert_eq!(dotted, segments);
        assert_eq!(dotted.segments_hash(), segments.segments_hash());
        assert_eq!(segments, "exgit.fs.grep");
        let owned = EventName::parse("exgit.fs.grep.stop").unwrap();
        assert_eq!(segments.with_phase(Phase::Stop), owned);
        assert_eq!(
            segments.with_phase(Phase::Stop).segments_hash(),
            owned.as_name().segments_hash()
        );
    }

    #[test]
    fn prefix_matching_is_by_whole_segments() {
        let name = Name::parse("exgit.fs.grep").unwrap();
        assert!(name.starts_with(&[]));
        assert!(name.starts_with(&["exgit", "fs"]));
        assert!(!name.starts_with(&["exgit", "f"]));
        assert!(!name.starts_with(&["exgit", "fs", "grep", "stop"]));
    }

    #[test]
    fn display_joins_segments_and_phase_with_dots() {
        let name = Name::from_static(&["exgit", "fs", "grep"]).with_phase(Phase::Exception);
        assert_eq!(name.to_string(), "exgit.fs.grep.exception");
        assert_eq!(name.len(), 4);
    }
}
