//! The shipped policy module stays within its recorded size budget.
//!
//! policy-server downloads, compiles and instantiates every module it serves, so bytes are
//! start-up time. Raise the budget only with a measured reason in the commit message.

use aisgate_tests::wapc_host::policy_wasm;

/// Bytes of the release module after `wasm-opt -Oz` (962,886 when recorded).
const POLICY_WASM_BUDGET: usize = 1024 * 1024;

#[test]
fn policy_module_fits_its_size_budget() {
    let size = policy_wasm().len();
    assert!(size <= POLICY_WASM_BUDGET, "policy.wasm is {size} bytes, over its budget of {POLICY_WASM_BUDGET}");
}
