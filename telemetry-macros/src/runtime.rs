//! The one path generated code names the runtime by: `<runtime>::__private`, the
//! runtime's hidden contract module. `<runtime>` is `::telemetry_runtime` unless the user
//! re-exports the runtime and says where with `crate = path::to::runtime`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};

/// The runtime's contract module, as generated code spells it: `#rt::Value`,
/// `#rt::kind::IsU64`.
#[derive(Clone)]
pub(crate) struct RuntimePath {
    runtime: syn::Path,
    /// Whether the tokens name the module through the alias that [`RuntimePath::import`]
    /// declares, one identifier instead of the whole path at every use.
    aliased: bool,
}

impl RuntimePath {
    /// The contract module under `runtime`, or under `::telemetry_runtime` when the user
    /// named no other path.
    pub(crate) fn new(runtime: Option<syn::Path>) -> Self {
        RuntimePath {
            runtime: runtime.unwrap_or_else(|| syn::parse_quote!(::telemetry_runtime)),
            aliased: false,
        }
    }

    /// The `use` item that names the contract module by one identifier in the block it
    /// opens, and the path that names it so: every token a generated item spends the
    /// compiler parses, resolves and hashes on every build, and the full path is five.
    pub(crate) fn import(&self) -> (TokenStream, RuntimePath) {
        let runtime = &self.runtime;
        let alias = alias();
        let import = quote!(use #runtime::__private as #alias;);
        let aliased = RuntimePath {
            runtime: self.runtime.clone(),
            aliased: true,
        };
        (import, aliased)
    }
}

fn alias() -> syn::Ident {
    syn::Ident::new("__telemetry_rt", Span::call_site())
}

impl Default for RuntimePath {
    fn default() -> Self {
        RuntimePath::new(None)
    }
}

impl ToTokens for RuntimePath {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if self.aliased {
            return alias().to_tokens(tokens);
        }
        let runtime = &self.runtime;
        tokens.extend(quote!(#runtime::__private));
    }
}
