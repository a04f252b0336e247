//! An instrumented charon-like library.
