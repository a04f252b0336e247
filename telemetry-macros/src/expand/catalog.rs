//! `catalog!()`: the crate's catalogue as code, generated so that nothing is listed by
//! hand and nothing can drift.

use proc_macro2::TokenStream;
use quote::quote;
use telemetry_catalog::{EventDef, EventKind, KeyDef, MeasurementDef, Phase};

use super::segments;
use crate::locate::Located;
use crate::runtime::RuntimePath;

pub(crate) fn expand(located: &Located, rt: &RuntimePath) -> TokenStream {
    let catalog = &located.catalog;
    let names = |defs: Vec<&EventDef>| {
        let segments = defs.into_iter().map(segments);
        quote!(&[#(#rt::Name::from_static(#segments)),*])
    };
    let spans = names(catalog.spans().collect());
    let standalone = names(catalog.standalone_events().collect());
    let events = catalog.events.iter().map(|def| event_info(def, rt));
    let (name, version, prefix) = (&catalog.name, catalog.version.to_string(), &catalog.prefix);
    let tracking = located.tracking();
    let doc_events = format!(
        "The span prefixes of the `{name}` catalogue ({}), in catalogue order: each emits \
         `start`, then `stop` or `exception`.",
        located.display
    );
    let doc_emit = format!(
        "The standalone events of the `{name}` catalogue ({}), in catalogue order.",
        located.display
    );
    let exposed = exposed_catalog(located);
    quote! {
        #tracking
        #exposed

        #[doc = #doc_events]
        pub fn events() -> &'static [#rt::Name<'static>] {
            const EVENTS: &[#rt::Name<'static>] = #spans;
            EVENTS
        }

        #[doc = #doc_emit]
        pub fn emit_events() -> &'static [#rt::Name<'static>] {
            const EVENTS: &[#rt::Name<'static>] = #standalone;
            EVENTS
        }

        /// Runs `f` with `handler` attached to the `stop` event of every span in
        /// [`events`], and detaches it afterwards, also when `f` panics. Returns what `f`
        /// returns.
        pub fn with_handler<__F, __R>(
            handler: __F,
            f: impl ::core::ops::FnOnce() -> __R,
        ) -> ::core::result::Result<__R, #rt::AttachError>
        where
            __F: ::core::ops::Fn(&#rt::Event<'_>) + ::core::marker::Send + ::core::marker::Sync + 'static,
        {
            #rt::with_handler(
                handler,
                events().iter().map(|name| name.with_phase(#rt::Phase::Stop)),
                f,
            )
        }

        /// The catalogue, compiled in: every event with its keys, types and docs.
        pub static CATALOG: #rt::CatalogInfo = #rt::CatalogInfo {
            name: #name,
            version: #version,
            prefix: #prefix,
            events: &[#(#events),*],
        };
    }
}

/// The catalogue for the crates that depend on this one: a hidden exported macro that
/// appends the catalogue's file name and text to the tokens it is given and passes them
/// to a callback macro (`[path::to::callback] state...`). `telemetry_metrics::metrics!`
/// uses it to check definitions over this crate's events without the dependent crate
/// copying the catalogue or naming its file.
fn exposed_catalog(located: &Located) -> TokenStream {
    let text = match std::fs::read_to_string(&located.absolute) {
        Ok(text) => text,
        Err(e) => {
            let message = format!("cannot read the catalogue {}: {e}", located.display);
            return quote!(::core::compile_error!(#message););
        }
    };
    let display = &located.display;
    quote! {
        #[doc(hidden)]
        #[macro_export]
        macro_rules! __telemetry_catalog {
            ([$($callback:tt)*] $($state:tt)*) => {
                $($callback)*! { $($state)* #display #text }
            };
        }
    }
}

fn event_info(def: &EventDef, rt: &RuntimePath) -> TokenStream {
    let segments = segments(def);
    let kind = match def.kind {
        EventKind::Event => quote!(#rt::EventKind::Event),
        EventKind::Span => quote!(#rt::EventKind::Span),
    };
    let doc = &def.doc;
    let stability = def.stability.to_string();
    let measurements = def.measurements.iter().map(|m| measurement_info(m, rt));
    let metadata = def.metadata.iter().map(|k| key_info(k, rt));
    quote! {
        #rt::EventInfo {
            name: #rt::Name::from_static(#segments),
            kind: #kind,
            doc: #doc,
            stability: #stability,
            measurements: &[#(#measurements),*],
            metadata: &[#(#metadata),*],
        }
    }
}

fn key_info(key: &KeyDef, rt: &RuntimePath) -> TokenStream {
    let (name, rust_name, ty, doc) = (&key.name, &key.rust_name, key.ty.to_string(), &key.doc);
    let (required, sensitive) = (key.required, key.sensitive);
    let stop_only = key.phase == Phase::Stop;
    quote! {
        #rt::KeyInfo {
            name: #name,
            rust_name: #rust_name,
            ty: #ty,
            required: #required,
            stop_only: #stop_only,
            sensitive: #sensitive,
            doc: #doc,
        }
    }
}

fn measurement_info(m: &MeasurementDef, rt: &RuntimePath) -> TokenStream {
    let (name, rust_name, ty, doc) = (&m.name, &m.rust_name, m.ty.to_string(), &m.doc);
    quote! {
        #rt::KeyInfo {
            name: #name,
            rust_name: #rust_name,
            ty: #ty,
            required: true,
            stop_only: false,
            sensitive: false,
            doc: #doc,
        }
    }
}
