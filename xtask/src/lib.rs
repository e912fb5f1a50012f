//! aisgate's project tooling, run as `cargo xtask <command>` (see `main.rs`).
//!
//! - [`annotate`]: embed `policy/metadata.yml` and the README into the policy module as
//!   `kwctl annotate` does.
//! - [`generate`]: every generated file (rule docs, settings reference, README rule table,
//!   metadata rules, Artifact Hub package, version numbers), with a check mode `cargo test`
//!   runs so stale files fail the build.
//! - [`policy_build`]: the policy module as it ships (std rebuilt for size, `wasm-opt -Oz`),
//!   for `make policy.wasm` and the tests alike.

pub mod annotate;
pub mod artifacthub;
pub mod generate;
pub mod policy_build;
pub mod settings_doc;
pub mod yaml;
