//! `aisgate fix`: writes the fixes back into the manifests' text.
//!
//! Prints the fixed text by default (one input: exactly its fixed text, so `fix - | fix -`
//! is stable), writes the files with `--write`, or shows a unified diff with `--diff` (exit
//! code 1 when there is something to fix, for CI). Each change is listed on stderr.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use aisgate_core::Engine;
use anyhow::{Context, Result};

use crate::input;

#[derive(clap::Args)]
pub struct Args {
    /// Files, directories or - (stdin).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Write the fixes into the files (stdin is still printed).
    #[arg(long, conflicts_with = "diff")]
    write: bool,
    /// Show what would change as a unified diff; exit code 1 when something would.
    #[arg(long)]
    diff: bool,
    /// Settings file (YAML or JSON): its `mutations` switch fixes on and off, as in the policy.
    #[arg(long)]
    settings: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let (settings, _) = input::load_settings(args.settings.as_deref())?;
    let engine = Engine::new(settings, input::today());
    let collected = input::collect(&args.paths);
    let outcome = aisgate_lint::fix(&engine, &collected.inputs(), &engine.settings().limits);

    let mut stderr = anstream::stderr().lock();
    for change in outcome.files.iter().flat_map(|file| &file.changes) {
        writeln!(
            stderr,
            "{}:{}:{}: fixed {} {}: {}",
            change.file, change.line, change.column, change.code, change.rule, change.message
        )?;
    }
    let errors: Vec<_> = collected.errors.iter().chain(&outcome.errors).collect();
    for error in &errors {
        writeln!(stderr, "{}:{}:{}: error: {}", error.file, error.line, error.column, error.message)?;
    }

    let changed: Vec<_> =
        outcome.files.iter().zip(&collected.loaded).filter(|(fixed, original)| fixed.text != original.text).collect();
    let mut stdout = io::stdout().lock();
    let written = if args.diff {
        changed.iter().try_for_each(|(fixed, original)| {
            let diff = similar::TextDiff::from_lines(&original.text, &fixed.text);
            let a = format!("a/{}", original.name);
            let b = format!("b/{}", original.name);
            write!(stdout, "{}", diff.unified_diff().header(&a, &b))
        })
    } else if args.write {
        for (fixed, original) in &changed {
            if original.name != "-" {
                std::fs::write(&original.name, &fixed.text)
                    .with_context(|| format!("cannot write {}", original.name))?;
            }
        }
        outcome.files.iter().filter(|f| f.name == "-").try_for_each(|f| stdout.write_all(f.text.as_bytes()))
    } else {
        print_all(&mut stdout, &outcome.files)
    };
    crate::ignore_broken_pipe(written.and_then(|()| stdout.flush()))?;

    Ok(if !errors.is_empty() {
        ExitCode::from(2)
    } else if args.diff && !changed.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Every input's fixed text; several inputs are joined into one YAML stream.
fn print_all(out: &mut dyn Write, files: &[aisgate_lint::FixedFile]) -> io::Result<()> {
    for (i, file) in files.iter().enumerate() {
        if i > 0 {
            out.write_all(b"---\n")?;
        }
        out.write_all(file.text.as_bytes())?;
        if files.len() > 1 && !file.text.is_empty() && !file.text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}
