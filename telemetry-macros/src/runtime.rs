//! The one path generated code names the runtime by: `<runtime>::__private`, the
//! runtime's hidden contract module. `<runtime>` is `::telemetry_runtime` unless the user
//! re-exports the runtime and says where with `crate = path::to::runtime`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

/// The runtime's contract module, as generated code spells it: `#rt::Value`,
/// `#rt::kind::IsU64`.
#[derive(Clone)]
pub(crate) struct RuntimePath {
    runtime: syn::Path,
}

impl RuntimePath {
    /// The contract module under `runtime`, or under `::telemetry_runtime` when the user
    /// named no other path.
    pub(crate) fn new(runtime: Option<syn::Path>) -> Self {
        RuntimePath {
            runtime: runtime.unwrap_or_else(|| syn::parse_quote!(::telemetry_runtime)),
        }
    }
}

impl Default for RuntimePath {
    fn default() -> Self {
        RuntimePath::new(None)
    }
}

impl ToTokens for RuntimePath {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let runtime = &self.runtime;
        tokens.extend(quote!(#runtime::__private));
    }
}
