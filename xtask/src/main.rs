//! `cargo xtask <command>`: aisgate's project tooling.
//!
//! - `annotate POLICY.wasm -o annotated-policy.wasm`: embed `policy/metadata.yml` and the README
//!   as the `io.kubewarden.metadata` section, as `kwctl annotate -m metadata.yml -u README.md` does.
//! - `gen`: write every generated file; `gen --check`: fail when one is stale (`cargo test` runs it).
//! - `inspect POLICY.wasm`: print the module's metadata section as JSON.
//! - `build-policy [-o policy.wasm]`: build the policy module as it ships (`xtask::policy_build`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use xtask::annotate::{self, PolicyMetadata};
use xtask::{generate, policy_build};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "aisgate project tooling")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Embed the policy metadata and usage into a policy module, as `kwctl annotate` does.
    Annotate {
        /// The policy module (wasm32-wasip1, waPC).
        wasm: PathBuf,
        /// Kubewarden metadata.
        #[arg(short, long, default_value = "policy/metadata.yml")]
        metadata: PathBuf,
        /// Usage text, embedded as the `io.kubewarden.policy.usage` annotation.
        #[arg(short, long, default_value = "policy/README.md")]
        usage: PathBuf,
        /// Where to write the annotated module.
        #[arg(short, long, default_value = "annotated-policy.wasm")]
        output: PathBuf,
    },
    /// Write every generated file (docs, README rule table, metadata rules, Artifact Hub package, versions).
    Gen {
        /// Change nothing; fail when a generated file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Print a policy module's `io.kubewarden.metadata` section.
    Inspect { wasm: PathBuf },
    /// Build the policy module as it ships: std rebuilt for size, then `wasm-opt -Oz`.
    BuildPolicy {
        /// Where to copy the module.
        #[arg(short, long, default_value = "policy.wasm")]
        output: PathBuf,
        /// The workspace's target directory (`$CARGO_TARGET_DIR`, else `target/`); the build
        /// uses its own directory inside it, `policy-wasm/`, as the tests do.
        #[arg(long)]
        target_dir: Option<PathBuf>,
    },
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Annotate { wasm, metadata, usage, output } => {
            let module = read(&wasm)?;
            let metadata_text =
                String::from_utf8(read(&metadata)?).with_context(|| format!("{} is not UTF-8", metadata.display()))?;
            let usage_text =
                String::from_utf8(read(&usage)?).with_context(|| format!("{} is not UTF-8", usage.display()))?;
            let prepared = PolicyMetadata::from_yaml(&metadata_text, &metadata.display().to_string())?
                .annotated(Some(&usage_text));
            let annotated = annotate::annotate(&module, &prepared).with_context(|| wasm.display().to_string())?;
            std::fs::write(&output, &annotated).with_context(|| format!("cannot write {}", output.display()))?;
            eprintln!("annotated {} -> {} ({} bytes)", wasm.display(), output.display(), annotated.len());
        }
        Command::Gen { check } => {
            let root = repo_root();
            if check {
                let stale = generate::check(&root)?;
                if !stale.is_empty() {
                    let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
                    bail!("generated files are stale; run `cargo xtask gen`:\n  {}", list.join("\n  "));
                }
            } else {
                for change in generate::write(&root)? {
                    eprintln!("updated: {change}");
                }
            }
        }
        Command::Inspect { wasm } => {
            let module = read(&wasm)?;
            let Some(section) = annotate::metadata_section(&module).with_context(|| wasm.display().to_string())? else {
                bail!("{} has no `{}` section; annotate it first", wasm.display(), annotate::METADATA_SECTION);
            };
            let value: serde_json::Value = serde_json::from_slice(&section)?;
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        Command::BuildPolicy { output, target_dir } => {
            let root = repo_root();
            let target_dir =
                target_dir.map_or_else(|| policy_build::default_target_dir(&root), |dir| dir.join("policy-wasm"));
            let built = policy_build::build(&root, &target_dir)?;
            let bytes = std::fs::copy(&built, &output).with_context(|| format!("cannot write {}", output.display()))?;
            eprintln!("built {} ({bytes} bytes)", output.display());
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::from(2)
        }
    }
}
