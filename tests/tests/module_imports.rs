//! What the compiled policy can reach outside itself, read from the module's imports: waPC
//! host calls only for the Kubernetes lookups of `clusterContext` (policy-server answers them
//! only for the `contextAwareResources` metadata.yml declares; tests/tests/bundles.rs checks
//! which lookups are made), and no WASI call that opens a file, reads input, or touches the
//! network. docs/security.md explains each import that is allowed.

use aisgate_tests::wapc_host::policy_wasm;
use wasmtime_provider::wasmtime::{Engine, Module};

/// Every import the module may have, and why.
const ALLOWED: [(&str, &str, &str); 14] = [
    ("wapc", "__guest_request", "waPC: read the call's payload"),
    ("wapc", "__host_call", "waPC: Kubernetes lookups (clusterContext.enabled only)"),
    ("wapc", "__host_response_len", "waPC: a lookup's answer"),
    ("wapc", "__host_response", "waPC: a lookup's answer"),
    ("wapc", "__host_error_len", "waPC: a failed lookup"),
    ("wapc", "__host_error", "waPC: a failed lookup"),
    ("wapc", "__guest_response", "waPC: return the answer"),
    ("wapc", "__guest_error", "waPC: return an error"),
    ("wasi_snapshot_preview1", "random_get", "hash-map seeds"),
    ("wasi_snapshot_preview1", "clock_time_get", "today's date, for exemption expiry"),
    ("wasi_snapshot_preview1", "fd_write", "Rust's panic path writes its message to stderr"),
    ("wasi_snapshot_preview1", "proc_exit", "Rust's abort path"),
    ("wasi_snapshot_preview1", "environ_get", "Rust's panic and alloc-error hooks read RUST_BACKTRACE"),
    ("wasi_snapshot_preview1", "environ_sizes_get", "as environ_get"),
];

fn imports() -> Vec<(String, String)> {
    let module = Module::new(&Engine::default(), policy_wasm()).expect("the policy module compiles");
    module.imports().map(|import| (import.module().to_owned(), import.name().to_owned())).collect()
}

#[test]
fn the_module_imports_nothing_beyond_the_allowed_list() {
    let imports = imports();
    for (module, name) in &imports {
        assert!(
            ALLOWED.iter().any(|(m, n, _)| m == module && n == name),
            "policy.wasm imports {module}.{name}: not in the allowed list (tests/tests/module_imports.rs, docs/security.md)"
        );
    }
    // The three waPC guest functions are what makes it a waPC module at all.
    for function in ["__guest_request", "__guest_response", "__guest_error"] {
        assert!(imports.contains(&("wapc".to_owned(), function.to_owned())), "{function} missing");
    }
}

#[test]
fn no_files_network_or_stdin() {
    let imports = imports();
    let forbidden = |_module: &str, name: &str| {
        name.starts_with("sock_")
            || name.starts_with("path_")
            || name.starts_with("fd_prestat")
            || matches!(name, "fd_read" | "fd_pread" | "fd_readdir" | "fd_seek" | "poll_oneoff")
    };
    let found: Vec<String> = imports.iter().filter(|(m, n)| forbidden(m, n)).map(|(m, n)| format!("{m}.{n}")).collect();
    assert!(found.is_empty(), "policy.wasm can reach outside itself through {found:?}");
}
