//! One accumulator for the errors of a macro invocation, so that a user sees every mistake
//! of one attribute at once.

/// Collects errors; must be checked (`check` or `finish`) before it is dropped, so that
/// no error found is ever lost.
pub(crate) struct Errors {
    errors: Option<syn::Error>,
    finished: bool,
}

impl Errors {
    pub(crate) fn new() -> Self {
        Errors {
            errors: None,
            finished: false,
        }
    }

    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(existing) => existing.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// The value of `result`, or `None` after recording its error.
    pub(crate) fn handle<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    /// Stops at what was found so far: later checks would only repeat it (a field already
    /// rejected as misspelled is usually the key that then seems missing).
    pub(crate) fn check(&mut self) -> syn::Result<()> {
        match self.errors.take() {
            Some(errors) => {
                self.finished = true;
                Err(errors)
            }
            None => Ok(()),
        }
    }

    /// Ends the accumulation.
    pub(crate) fn finish(mut self) -> syn::Result<()> {
        self.finished = true;
        match self.errors.take() {
            Some(errors) => Err(errors),
            None => Ok(()),
        }
    }
}

impl Drop for Errors {
    fn drop(&mut self) {
        // A bug of the macros themselves, never of their input: errors found and then
        // forgotten would let wrong code compile.
        if !self.finished && !std::thread::panicking() {
            panic!("telemetry macros: errors were collected and never checked");
        }
    }
}
