//! The catalogues `metrics!` checks against, as forwarded by the libraries' `catalog!()`,
//! and the questions validation asks them.

use std::path::Path;

use telemetry_catalog::{Catalog, EventDef, KeyDef, Phase};

/// The phase of a span event, as a metric names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpanPhase {
    Start,
    Stop,
    Exception,
}

impl SpanPhase {
    pub(crate) const ALL: [SpanPhase; 3] =
        [SpanPhase::Start, SpanPhase::Stop, SpanPhase::Exception];

    pub(crate) fn segment(self) -> &'static str {
        match self {
            SpanPhase::Start => "start",
            SpanPhase::Stop => "stop",
            SpanPhase::Exception => "exception",
        }
    }

    /// The measurements the runtime gives this phase's events, all in native time units.
    pub(crate) fn measurements(self) -> &'static [&'static str] {
        match self {
            SpanPhase::Start => &["system_time", "monotonic_time"],
            SpanPhase::Stop | SpanPhase::Exception => &["duration", "monotonic_time"],
        }
    }
}

/// The metadata keys the runtime adds to every exception event.
pub(crate) const EXCEPTION_KEYS: [&str; 2] = ["kind", "reason"];

/// An event a metric can observe.
#[derive(Clone, Copy)]
pub(crate) enum Observed<'c> {
    Standalone(&'c EventDef),
    Span(&'c EventDef, SpanPhase),
}

impl<'c> Observed<'c> {
    pub(crate) fn def(&self) -> &'c EventDef {
        match *self {
            Observed::Standalone(def) | Observed::Span(def, _) => def,
        }
    }

    /// `exgit.fs.grep.stop`.
    pub(crate) fn name(&self) -> String {
        match self {
            Observed::Standalone(def) => def.name.clone(),
            Observed::Span(def, phase) => format!("{}.{}", def.name, phase.segment()),
        }
    }

    /// The metadata keys this event carries (a span's stop-only keys on its stop only).
    pub(crate) fn keys(&self) -> impl Iterator<Item = &'c KeyDef> + use<'c> {
        let stop = matches!(self, Observed::Span(_, SpanPhase::Stop));
        self.def()
            .metadata
            .iter()
            .filter(move |k| stop || k.phase == Phase::Start)
    }

    /// The metadata key `name`, whether or not this phase carries it.
    pub(crate) fn any_key(&self, name: &str) -> Option<&'c KeyDef> {
        self.def().key(name)
    }
}

/// Every forwarded catalogue.
pub(crate) struct Catalogs {
    pub(crate) list: Vec<Catalog>,
}

impl Catalogs {
    pub(crate) fn parse(forwarded: &[(String, String)]) -> Result<Self, String> {
        let mut list = Vec::new();
        for (display, text) in forwarded {
            let catalog = Catalog::parse(text, Path::new(display)).map_err(|d| {
                format!("the catalogue {display} forwarded by a library does not parse:\n{d}")
            })?;
            list.push(catalog);
        }
        Ok(Catalogs { list })
    }

    /// The event a dotted name means: a standalone event, or a span's phase event.
    pub(crate) fn resolve(&self, dotted: &str) -> Option<Observed<'_>> {
        let events = || self.list.iter().flat_map(|c| c.events.iter());
        if let Some(def) = events().find(|e| !e.is_span() && e.name == dotted) {
            return Some(Observed::Standalone(def));
        }
        let (prefix, last) = dotted.rsplit_once('.')?;
        let phase = SpanPhase::ALL.into_iter().find(|p| p.segment() == last)?;
        events()
            .find(|e| e.is_span() && e.name == prefix)
            .map(|def| Observed::Span(def, phase))
    }

    /// The span named `dotted` (without a phase).
    pub(crate) fn span(&self, dotted: &str) -> Option<&EventDef> {
        self.list
            .iter()
            .flat_map(|c| c.events.iter())
            .find(|e| e.is_span() && e.name == dotted)
    }

    /// Every name a metric may observe: standalone events, and each span's three phases.
    pub(crate) fn observable(&self) -> Vec<String> {
        let mut names = Vec::new();
        for event in self.list.iter().flat_map(|c| c.events.iter()) {
            if event.is_span() {
                names.extend(SpanPhase::ALL.map(|p| format!("{}.{}", event.name, p.segment())));
            } else {
                names.push(event.name.clone());
            }
        }
        names
    }

    /// `` `exgit`, `charon` ``, for messages.
    pub(crate) fn described(&self) -> String {
        let names: Vec<String> = self.list.iter().map(|c| format!("`{}`", c.name)).collect();
        names.join(", ")
    }
}

/// The candidate closest to `target`, when one is close: at most a third of its length
/// apart, a transposition counting as one edit.
pub(crate) fn closest<'a>(
    target: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (target.chars().count().max(3) / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = strsim::damerau_levenshtein(target, candidate);
        if distance > 0 && distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}
