//! `aisgate lint`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use aisgate_core::{Engine, Severity};
use anyhow::{Context, Result};
use clap::ValueEnum;

use crate::format::{self, Format};
use crate::input;

#[derive(clap::Args)]
pub struct Args {
    /// Files, directories or - (stdin).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Settings file (YAML or JSON), the same schema as the policy's settings.
    #[arg(long)]
    settings: Option<PathBuf>,
    /// Lowest severity that fails the run (exit code 1).
    #[arg(long, value_enum, default_value_t = FailOn::Deny)]
    fail_on: FailOn,
    /// Previous versions of the objects, for rules about updates.
    #[arg(long)]
    old: Vec<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Deny,
    Warn,
    Never,
}

impl FailOn {
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Deny => severity == Severity::Deny,
            FailOn::Warn => true,
            FailOn::Never => false,
        }
    }
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let (settings, _) = input::load_settings(args.settings.as_deref())?;
    let engine = Engine::new(settings, input::today());
    let collected = input::collect(&args.paths);
    let old = input::collect(&args.old);
    let mut report = aisgate_lint::lint(&engine, &collected.inputs(), &old.inputs(), &engine.settings().limits);
    report.summary.files += collected.unreadable;
    let mut errors = collected.errors.clone();
    errors.extend(old.errors.iter().cloned());
    errors.append(&mut report.errors);
    report.errors = errors;

    let written = if let Some(path) = &args.output {
        let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut buffered = std::io::BufWriter::new(file);
        // A file gets no colour.
        let mut out = anstream::StripStream::new(&mut buffered as &mut dyn Write);
        format::write(args.format, &report, &collected, args.fail_on, &mut out).and_then(|()| buffered.flush())
    } else {
        let mut out = anstream::stdout().lock();
        format::write(args.format, &report, &collected, args.fail_on, &mut out).and_then(|()| out.flush())
    };
    crate::ignore_broken_pipe(written)?;

    let failing = report.findings.iter().any(|f| args.fail_on.fails(f.severity));
    Ok(if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
