//! Builds the Kubewarden policy module as it ships: the `policy` profile for wasm32-wasip1 with
//! the standard library rebuilt for size, then binaryen's `wasm-opt -Oz`. `make policy.wasm`,
//! `cargo xtask build-policy` and the tests' waPC host all build through [`build`], so what is
//! tested is what ships.
//!
//! Why the standard library is rebuilt: the prebuilt std for wasm32-wasip1 is compiled at
//! opt-level 3 and carries panic messages, their locations and the formatting machinery that
//! prints them. Rebuilt with the module (`-Zbuild-std`) under `panic = immediate-abort`,
//! without panic locations and with std's `optimize_for_size` feature, the module is 72 KB
//! smaller and compiles about 40 ms faster (docs/performance.md). `alloc` at opt-level 2 keeps
//! request latency where the prebuilt std had it, for no size.
//!
//! These are unstable cargo and rustc features, and the project builds with one stable
//! toolchain (no nightly can be installed where it is built): this one cargo invocation sets
//! `RUSTC_BOOTSTRAP=1`, the same compiler with its unstable features unlocked. It needs the
//! `rust-src` component. What a panic becomes: with `panic = "abort"` it already trapped the
//! instance (policy-server answers the request with an error); now the trap carries no message.
//! The engine does not panic on any input (`fuzz/`, `tests/tests/bad_input.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// The policy's target: WASI preview 1, as policy-server's waPC host runs it.
pub const WASM_TARGET: &str = "wasm32-wasip1";

/// rustc flags for the policy crate and its dependencies (not build scripts or proc macros:
/// with `--target`, cargo gives target flags to target code only). `aisgate_policy_module`
/// tells the engine crate that it is compiled for size with nightly features on, so the
/// functions every request runs through may ask for speed (`aisgate-core`'s `lib.rs`).
const RUSTC_FLAGS: [&str; 5] =
    ["-Zunstable-options", "-Cpanic=immediate-abort", "-Zlocation-detail=none", "--cfg", "aisgate_policy_module"];

/// The WebAssembly features rustc enables by default for wasm32-wasip1; the stripped module
/// has no `target_features` section for wasm-opt to read them from.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-multivalue",
    "--enable-reference-types",
];

/// The cargo command line of the policy build. `alloc` at level 2: see the module's doc.
const CARGO_ARGS: [&str; 12] = [
    "build",
    "--locked",
    "--profile",
    "policy",
    "--target",
    WASM_TARGET,
    "-p",
    "aisgate-policy",
    "-Zbuild-std=std,panic_abort",
    "-Zbuild-std-features=optimize_for_size",
    "--config",
    "profile.policy.package.alloc.opt-level=2",
];

/// [`build`] as shell commands, for the README (generated, so that it cannot drift from what
/// ships): the same flags, the default target directory, the module written to `policy.wasm`.
#[must_use]
pub fn shell_commands() -> String {
    let line = |args: &[&str]| args.join(" ");
    let (build, rest) = CARGO_ARGS.split_at(8);
    let (std, config) = rest.split_at(2);
    let (features_a, features_b) = WASM_FEATURES.split_at(3);
    format!(
        "```sh\n\
         rustup target add {WASM_TARGET} && rustup component add rust-src\n\
         RUSTC_BOOTSTRAP=1 RUSTFLAGS=\"{flags}\" \\\n  cargo {build} \\\n  {std} \\\n  {config} --target-dir target/policy-wasm\n\
         wasm-opt -Oz {features_a} \\\n  {features_b} \\\n  target/policy-wasm/{WASM_TARGET}/policy/aisgate_policy.wasm -o policy.wasm\n\
         ```\n",
        flags = line(&RUSTC_FLAGS),
        build = line(build),
        std = line(std),
        config = line(config),
        features_a = line(features_a),
        features_b = line(features_b),
    )
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot run {program}: {source} ({hint})")]
    Spawn { program: String, source: std::io::Error, hint: &'static str },
    #[error("{command} failed ({status}); {hint}")]
    Failed { command: &'static str, status: ExitStatus, hint: &'static str },
}

/// Where the policy is built unless told otherwise: `policy-wasm/` in the workspace's target
/// directory (`$CARGO_TARGET_DIR`, else `target/`), a directory of its own because its flags
/// differ from every other build's.
#[must_use]
pub fn default_target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace.join("target"), PathBuf::from).join("policy-wasm")
}

/// Builds the shipped `policy.wasm` for the workspace at `workspace` into `target_dir` (cargo's
/// target directory for this build alone) and returns its path, `target_dir/policy.wasm`.
/// cargo rebuilds only what changed; wasm-opt runs only when cargo's module is newer.
pub fn build(workspace: &Path, target_dir: &Path) -> Result<PathBuf, BuildError> {
    // The cargo that runs this (from `cargo xtask` or `cargo test`), else the one on PATH.
    let mut cargo_build = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo_build
        .current_dir(workspace)
        .args(CARGO_ARGS)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_ENCODED_RUSTFLAGS", RUSTC_FLAGS.join("\x1f"))
        .env_remove("RUSTFLAGS")
        .env("CARGO_TARGET_DIR", target_dir);
    run(
        &mut cargo_build,
        "cargo build (policy)",
        "is the target and std's source installed? `rustup target add wasm32-wasip1 && rustup component add rust-src`",
    )?;

    let built = target_dir.join(WASM_TARGET).join("policy/aisgate_policy.wasm");
    let optimized = target_dir.join("policy.wasm");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    if let (Some(built_at), Some(optimized_at)) = (modified(&built), modified(&optimized))
        && optimized_at > built_at
    {
        return Ok(optimized);
    }
    let mut wasm_opt = Command::new("wasm-opt");
    wasm_opt.arg("-Oz").args(WASM_FEATURES).arg(&built).arg("-o").arg(&optimized);
    run(&mut wasm_opt, "wasm-opt -Oz", "install binaryen: `apt-get install binaryen`, or run ./scripts/test")?;
    Ok(optimized)
}

fn run(command: &mut Command, name: &'static str, hint: &'static str) -> Result<(), BuildError> {
    let status = command.status().map_err(|source| BuildError::Spawn {
        program: command.get_program().to_string_lossy().into_owned(),
        source,
        hint,
    })?;
    if status.success() { Ok(()) } else { Err(BuildError::Failed { command: name, status, hint }) }
}
