//! Shared test support: fixtures and (see [`wapc_host`]) the compiled policy in a waPC host.

pub mod fixtures;
