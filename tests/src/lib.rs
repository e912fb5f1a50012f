//! Shared test support: fixtures, and the compiled policy in a waPC host.

// Test support: panicking with a clear message is how it reports a broken fixture or host.
#![allow(clippy::missing_panics_doc, clippy::must_use_candidate)]

pub mod fixtures;
pub mod large;
pub mod wapc_host;
