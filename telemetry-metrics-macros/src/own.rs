//! `use crate;`: the catalogue of the crate that invokes `metrics!`, found by the rule its
//! event macros follow ([`telemetry_catalog::locate`]) and read from its file. (A crate
//! cannot reach the `__telemetry_catalog!` its own `catalog!()` exports: Rust refuses a
//! path to a macro exported by a macro of the same crate.)

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use telemetry_catalog::Catalog;

/// The crate's own catalogue: its file as messages cite it, and its text.
pub(crate) struct Own {
    pub(crate) display: String,
    pub(crate) text: String,
    absolute: PathBuf,
}

impl Own {
    /// An item that makes Cargo rebuild the crate when the catalogue changes.
    pub(crate) fn tracking(&self) -> TokenStream {
        let path = self.absolute.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    }
}

/// Finds, reads and checks the catalogue; errors point at `span` (the `crate` of `use`).
pub(crate) fn catalogue(span: Span) -> syn::Result<Own> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let start =
        invoking_dir(&cwd).or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from));
    let Some(start) = start else {
        return Err(syn::Error::new(
            span,
            "cannot locate this crate's telemetry catalogue: the compiler gave no source file \
             and CARGO_MANIFEST_DIR is not set",
        ));
    };
    let absolute =
        telemetry_catalog::locate(&start).map_err(|searched| missing(span, &searched))?;
    let display = absolute
        .strip_prefix(&cwd)
        .unwrap_or(&absolute)
        .to_string_lossy()
        .into_owned();
    let invalid = |diagnostics| {
        syn::Error::new(
            span,
            format!("this crate's telemetry catalogue has errors; fix them first:\n{diagnostics}"),
        )
    };
    let text = Catalog::read_source(&absolute).map_err(invalid)?;
    Catalog::parse(&text, Path::new(&display)).map_err(invalid)?;
    Ok(Own {
        display,
        text,
        absolute,
    })
}

fn invoking_dir(cwd: &Path) -> Option<PathBuf> {
    let file = proc_macro::Span::call_site().local_file()?;
    let file = if file.is_absolute() {
        file
    } else {
        cwd.join(file)
    };
    file.parent().map(Path::to_path_buf)
}

fn missing(span: Span, searched: &[PathBuf]) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "`use crate` names this crate's catalogue, but it has none: looked for \
             telemetry.toml in {}; create one beside Cargo.toml, or name the libraries whose \
             events these metrics observe",
            telemetry_catalog::searched_places(searched)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_without_a_catalogue_is_told_where_one_was_looked_for() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let error = missing(Span::call_site(), &[root.join("src"), root.clone()]);
        assert_eq!(
            error.to_string(),
            "`use crate` names this crate's catalogue, but it has none: looked for \
             telemetry.toml in src/, the crate root; create one beside Cargo.toml, or name \
             the libraries whose events these metrics observe"
        );
    }
}
