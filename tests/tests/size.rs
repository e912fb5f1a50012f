//! The shipped policy module stays within its recorded size budgets.
//!
//! policy-server downloads, compiles and instantiates every module it serves, so bytes are
//! start-up time. Raise a budget only with a measured reason in the commit message.

use aisgate_tests::fixtures::repo_root;
use aisgate_tests::wapc_host::policy_wasm;
use xtask::annotate::{self, PolicyMetadata};

/// Bytes of the module after `wasm-opt -Oz` (549,650 when recorded, down from 1,044,328;
/// `xtask::policy_build` says how it is built; JSONPath queries parsed by `aisgate_core::query`
/// rather than jsonpath-rust's pest parser; the request path at `opt-level = 2`, +29 KB for
/// requests 1.4x faster, Cargo.toml; 552,962 with the request's region, +1.8 KB, paths made
/// only for findings, +0.9 KB, and JSON read from text, +0.8 KB; 522,946 with fewer function
/// table entries, `serde_json` at "z" and boxed read errors; 510,243 since only the request path
/// is at level 2; 510,383 with the whole request in the region, +140 B; 514,315 with the struct
/// readers' key matches compiled for speed, +3.9 KB for a target StatefulSet 5% and a PV 8%
/// faster under policy-server's engine; 514,818 with label lookups by scan, +503 B for a PVC's
/// instructions -4.7%; 516,219 with a word-wise `memcmp`, more of the request path for speed
/// and a `u64` quantity path, +1.4 KB for a PVC 6% faster under policy-server's engine and
/// 3% under the provider's defaults; 521,337 reading objects without `metadata.managedFields`,
/// +5.0 KB for an API server's target StatefulSet 31% faster). Lower the budget as the module
/// shrinks.
const POLICY_WASM_BUDGET: usize = 521_400;

/// Bytes of the module annotated with metadata.yml and policy/README.md, as it is published
/// (564,412 when recorded, down from 1,078,837; 525,005 since; 529,077 with the readers for
/// speed, 529,580 with label lookups by scan, 530,981 with the request path's second round
/// for speed, 536,099 without managed fields). Issue 7 asks for at most 600,000.
const ANNOTATED_POLICY_WASM_BUDGET: usize = 536_200;

#[test]
fn policy_module_fits_its_size_budget() {
    let size = policy_wasm().len();
    assert!(size <= POLICY_WASM_BUDGET, "policy.wasm is {size} bytes, over its budget of {POLICY_WASM_BUDGET}");
}

#[test]
fn annotated_module_fits_its_size_budget() {
    let metadata_text = std::fs::read_to_string(repo_root().join("policy/metadata.yml")).unwrap();
    let readme = std::fs::read_to_string(repo_root().join("policy/README.md")).unwrap();
    let metadata = PolicyMetadata::from_yaml(&metadata_text, "policy/metadata.yml").unwrap().annotated(Some(&readme));
    let size = annotate::annotate(policy_wasm(), &metadata).unwrap().len();
    assert!(
        size <= ANNOTATED_POLICY_WASM_BUDGET,
        "annotated-policy.wasm is {size} bytes, over its budget of {ANNOTATED_POLICY_WASM_BUDGET}"
    );
}
