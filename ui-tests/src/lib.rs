//! The ui-tests crate holds only tests.
