//! The code a checked definition becomes: a `Metric` built once, when `metrics!` runs.

use proc_macro2::TokenStream;
use quote::quote;

use crate::catalogs::SpanPhase;
use crate::plan::{Kind, Measure, Plan};

/// The one path generated code names.
pub(crate) fn private() -> TokenStream {
    quote!(::telemetry_metrics::__private)
}

pub(crate) fn metrics(plans: &[Plan]) -> TokenStream {
    let private = private();
    let metrics = plans.iter().map(|plan| metric(plan, &private));
    quote! {
        #private::Metrics::new(::std::vec![#(#metrics),*])
    }
}

fn metric(plan: &Plan, private: &TokenStream) -> TokenStream {
    let kind = match plan.kind {
        Kind::Counter => quote!(Counter),
        Kind::Sum => quote!(Sum),
        Kind::LastValue => quote!(LastValue),
        Kind::Summary => quote!(Summary),
        Kind::Distribution => quote!(Distribution),
    };
    let name = &plan.name;
    let segments = &plan.segments;
    let mut event = quote!(#private::Name::from_static(&[#(#segments),*]));
    if let Some(phase) = plan.phase {
        let phase = match phase {
            SpanPhase::Start => quote!(Start),
            SpanPhase::Stop => quote!(Stop),
            SpanPhase::Exception => quote!(Exception),
        };
        event = quote!(#event.with_phase(#private::Phase::#phase));
    }
    let key = match &plan.measure {
        Measure::Key(key) => key.as_str(),
        Measure::Function(_) => "",
    };
    let mut out = quote! {
        #private::Metric::new(#private::Kind::#kind, #name, #event, #key)
    };
    if let Measure::Function(f) = &plan.measure {
        out = quote!(#out.measure_with(#f));
    }
    if !plan.tags.is_empty() {
        let tags = plan.tags.iter().map(|(label, key)| quote!((#label, #key)));
        out = quote!(#out.tags(&[#(#tags),*]));
    }
    if let Some(f) = &plan.tag_values {
        let n = plan.tags.len();
        out = quote!(#out.tag_values::<_, #n>(#f));
    }
    if let Some((keep, f)) = &plan.filter {
        out = quote!(#out.filter(#keep, #f));
    }
    if let Some((from, to)) = &plan.unit {
        let to = to.to_tokens(private);
        out = match from {
            Some(from) => {
                let from = from.to_tokens(private);
                quote!(#out.unit(#private::Conversion::between(#from, #to)))
            }
            None => quote!(#out.unit(#private::Conversion::to(#to))),
        };
    }
    if let Some(description) = &plan.description {
        out = quote!(#out.description(#description));
    }
    if !plan.buckets.is_empty() {
        let buckets = &plan.buckets;
        out = quote!(#out.buckets(&[#(#buckets),*]));
    }
    if plan.sum_as_gauge {
        out = quote!(#out.sum_as(#private::SumAs::Gauge));
    }
    if let Some(n) = plan.max_series {
        out = quote!(#out.max_series(#n));
    }
    out
}
