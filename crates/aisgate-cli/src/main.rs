//! `aisgate`: lint AIStore-on-Kubernetes manifests offline and gate CI.
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage error
//! or unreadable input (the report still lists everything that could be read). A closed
//! pipe on stdout (`aisgate lint . | head`) is not an error.

mod fix;
mod format;
mod input;
mod lint;
mod plan;
mod review;
mod rules;

use std::io;
use std::process::ExitCode;

/// Linting allocates and frees many small values (a YAML node, a JSON value, a finding): with
/// glibc's allocator a fifth of `aisgate lint`'s time went to malloc and free. jemalloc lints
/// a 10,000-target cluster 14% faster at the same peak memory (docs/performance.md, "Offline").
#[cfg(not(any(target_env = "msvc", target_family = "wasm")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "aisgate", version, about = "Lint AIStore deployments on Kubernetes before they break")]
struct Cli {
    /// Colour in text output (auto: on a terminal, unless the `NO_COLOR` variable is set).
    #[arg(long, value_enum, global = true, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Check manifests: files, directories (*.yaml, *.yml, *.json, recursively) or - for stdin.
    Lint(lint::Args),
    /// Apply the fixes the policy would make, plus the offline-only ones (removed and deprecated AIStore fields).
    Fix(fix::Args),
    /// List the rules.
    Rules(rules::Args),
    /// Show a rule's documentation, by code (AIS020) or name (host-port-on-shared-node).
    Explain {
        /// A rule code or name.
        rule: String,
    },
    /// Evaluate an AdmissionReview as the policy would; prints the AdmissionReview response.
    Review(review::Args),
    /// Per node: the targets that can land there, their disks and host ports, and the problems across objects.
    Plan(plan::PlanArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.color {
        ColorWhen::Auto => {}
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
    }
    let result = match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Rules(args) => rules::list(&args),
        Command::Explain { rule } => rules::explain(&rule),
        Command::Review(args) => review::run(&args),
        Command::Plan(args) => plan::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("aisgate: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

/// Treats a closed pipe as success: the reader has all it wanted.
fn ignore_broken_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
