//! Finding the catalogue that governs a macro invocation.
//!
//! The rule, from the directory of the file that invokes the macro upwards:
//! 1. a directory whose `Cargo.toml` sets `[package.metadata.telemetry] catalog = "path"`
//!    uses that path (relative to the `Cargo.toml`);
//! 2. otherwise a `telemetry.toml` in the directory is the catalogue;
//! 3. the search stops at the first directory holding a `Cargo.toml` (the crate root).
//!
//! So a crate's catalogue is usually `telemetry.toml` beside its `Cargo.toml`, and a crate
//! that emits the events of two libraries can keep one catalogue per module folder.
//! Files compiled from outside the crate (as `trybuild` does) are governed by the folder
//! they live in.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use telemetry_catalog::Catalog;

/// The catalogue of one invocation, and where it came from.
pub(crate) struct Located {
    pub(crate) catalog: Arc<Catalog>,
    /// The file, for `include_bytes!` (absolute, so it resolves from any module).
    pub(crate) absolute: PathBuf,
    /// The file as errors cite it: relative to the compiler's working directory when
    /// possible.
    pub(crate) display: String,
}

impl Located {
    /// `telemetry.toml:12`, for messages that point into the catalogue.
    pub(crate) fn cite(&self, line: usize) -> String {
        format!("{}:{line}", self.display)
    }

    /// An item that makes Cargo rebuild the crate when the catalogue changes.
    ///
    /// One `include_bytes!` per catalogue and compilation is enough for Cargo's
    /// dependency tracking, and each costs the compiler a copy of the file: so only the
    /// first expansion that uses a catalogue emits it. (The compiler loads the macros once
    /// per crate it compiles; macro expansion is never cached between builds.)
    pub(crate) fn tracking(&self) -> TokenStream {
        static TRACKED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
        let mut tracked = TRACKED.lock().unwrap_or_else(PoisonError::into_inner);
        if tracked.contains(&self.absolute) {
            return TokenStream::new();
        }
        tracked.push(self.absolute.clone());
        let path = self.absolute.to_string_lossy();
        quote! {
            const _: &[u8] = include_bytes!(#path);
        }
    }
}

/// Finds and loads the catalogue; errors point at `error_span` (the user's event name).
pub(crate) fn catalog(error_span: Span) -> syn::Result<Located> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let start =
        invoking_dir(&cwd).or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from));
    let Some(start) = start else {
        return Err(syn::Error::new(
            error_span,
            "cannot locate the telemetry catalogue: the compiler gave no source file and \
             CARGO_MANIFEST_DIR is not set",
        ));
    };
    let path = telemetry_catalog::locate(&start)
        .map_err(|searched| missing(error_span, &searched, &cwd))?;
    let display = display_path(&path, &cwd);
    let catalog = Catalog::load(Path::new(&display)).map_err(|diagnostics| {
        syn::Error::new(
            error_span,
            format!("the telemetry catalogue has errors; fix them first:\n{diagnostics}"),
        )
    })?;
    Ok(Located {
        catalog,
        absolute: path,
        display,
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

/// The catalogue file, or the directories searched in vain.
fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

fn missing(span: Span, searched: &[PathBuf], cwd: &Path) -> syn::Error {
    let Some(root) = searched.last() else {
        return syn::Error::new(span, "no telemetry catalogue found");
    };
    let root_shown = match display_path(root, cwd) {
        shown if shown.is_empty() => ".".to_owned(),
        shown => shown,
    };
    syn::Error::new(
        span,
        format!(
            "no telemetry catalogue found: looked for telemetry.toml in {}\n\
             help: create {root_shown}/telemetry.toml declaring this crate's events, or name \
             a catalogue elsewhere in {root_shown}/Cargo.toml:\n\
             \n    [package.metadata.telemetry]\n    catalog = \"path/to/telemetry.toml\"",
            telemetry_catalog::searched_places(searched)
        ),
    )
}
