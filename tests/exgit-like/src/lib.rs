//! An instrumented exgit-like library.
