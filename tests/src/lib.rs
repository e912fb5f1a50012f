//! Shared test support: fixtures, and the compiled policy in a waPC host.

pub mod fixtures;
pub mod wapc_host;
