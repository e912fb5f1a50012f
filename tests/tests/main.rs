//! The integration tests of the shipped policy module and the engine, one binary: each file
//! here is a module (`cargo test -p aisgate-tests --test integration -- policy::` runs one).

mod annotation;
mod bad_input;
mod bundles;
mod deploy;
mod exemptions;
mod fix;
mod fixtures;
mod generated;
mod limits;
mod metadata;
mod module_imports;
mod policy;
mod properties;
mod registry;
mod regressions;
mod rule_kinds;
mod security;
mod size;
