//! aisgate's rule engine: checks of AIStore deployments on Kubernetes, with no IO.
//!
//! Front doors (the Kubewarden policy, the CLI, the JavaScript package) decode their input
//! into `serde_json::Value`, call [`Engine`], and encode what it returns. Every rule lives in
//! its own file under [`rules`], listed once in [`registry::RULES`].

// In the policy module (built at opt-level "z" with nightly features, xtask's policy_build),
// the functions every request runs through ask for speed (`optimize(speed)` under
// `aisgate_policy_module`): the struct readers (`model/read.rs`, `read_struct!`), the map and
// path helpers they call, and `Engine::report`. docs/performance.md, "Now", has what each
// bought.
#![cfg_attr(aisgate_policy_module, feature(optimize_attribute))]
// A panic in the policy traps the wasm module and the user sees "internal server error".
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod bundle;
pub mod context;
pub mod engine;
pub mod finding;
pub mod model;
pub mod names;
pub mod path;
pub mod plan;
pub mod quantity;
pub mod query;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod settings;
pub mod sort;
#[cfg(test)]
mod testing;

pub use context::{Context, Inventory};
pub use engine::{BundleFinding, BundleRule, Change, Engine, FixScope, Outcome, Report, Suppressed};
pub use finding::{Finding, ObjectRef, Severity};
pub use model::DecodeError;
pub use path::JsonPath;
pub use rule::{Operation, Rule, RuleMeta};
pub use settings::{Settings, SettingsError};
