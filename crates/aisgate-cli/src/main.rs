//! `aisgate`: lint AIStore-on-Kubernetes manifests offline and gate CI.
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage error
//! or unreadable input (the report still lists everything that could be read).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aisgate_core::{Engine, Settings, Severity, registry};
use aisgate_lint::{Input, Limits, LintReport, ReportError};
use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "aisgate", version, about = "Lint AIStore deployments on Kubernetes before they break")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check manifests: files, directories (*.yaml, *.yml, *.json, recursively) or - for stdin.
    Lint(LintArgs),
    /// List the rules.
    Rules,
    /// Show a rule's documentation, by code (AIS020) or name (host-port-on-shared-node).
    Explain { rule: String },
}

#[derive(clap::Args)]
struct LintArgs {
    /// Files, directories or - (stdin).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Settings file (YAML or JSON), the same schema as the policy's settings.
    #[arg(long)]
    settings: Option<PathBuf>,
    /// Lowest severity that fails the run.
    #[arg(long, value_enum, default_value_t = FailOn::Deny)]
    fail_on: FailOn,
    /// Previous versions of the objects, for rules about updates.
    #[arg(long)]
    old: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Deny,
    Warn,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Lint(args) => lint(&args),
        Command::Rules => rules().map(|()| ExitCode::SUCCESS),
        Command::Explain { rule } => explain(&rule),
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

/// A named text read from disk or stdin.
struct Loaded {
    name: String,
    text: String,
}

/// Expands directories into their YAML and JSON files, sorted; records unreadable paths.
fn collect(paths: &[PathBuf], errors: &mut Vec<ReportError>) -> Vec<Loaded> {
    let mut loaded = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            match io::stdin().read_to_string(&mut text) {
                Ok(_) => loaded.push(Loaded { name: "-".to_owned(), text }),
                Err(e) => errors.push(ReportError::new("-", 1, 1, format!("cannot read stdin: {e}"))),
            }
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files, errors);
            files.sort();
            for file in files {
                read_file(&file, &mut loaded, errors);
            }
        } else {
            read_file(path, &mut loaded, errors);
        }
    }
    loaded
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ReportError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(ReportError::new(&dir.display().to_string(), 1, 1, format!("cannot read directory: {e}")));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files, errors);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "yaml" | "yml" | "json")) {
            files.push(path);
        }
    }
}

fn read_file(path: &Path, loaded: &mut Vec<Loaded>, errors: &mut Vec<ReportError>) {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => loaded.push(Loaded { name, text }),
            Err(e) => {
                let (line, column, message) = not_utf8(e.as_bytes(), e.utf8_error().valid_up_to());
                errors.push(ReportError::new(&name, line, column, message));
            }
        },
        Err(e) => errors.push(ReportError::new(&name, 1, 1, format!("cannot read: {e}"))),
    }
}

/// Where the first byte that is not UTF-8 is (line, column, message); `valid` bytes before it are.
fn not_utf8(bytes: &[u8], valid: usize) -> (usize, usize, String) {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return (1, 1, "not UTF-8 text: UTF-16 (byte order mark); save the file as UTF-8".to_owned());
    }
    let before = bytes.get(..valid).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
    let byte = bytes.get(valid).copied().unwrap_or_default();
    (line, column, format!("not UTF-8 text: byte 0x{byte:02X} at offset {valid}; save the file as UTF-8"))
}

fn as_inputs(loaded: &[Loaded]) -> Vec<Input<'_>> {
    loaded.iter().map(|l| Input { name: &l.name, text: &l.text }).collect()
}

fn load_settings(path: Option<&Path>) -> Result<Settings> {
    let Some(path) = path else { return Ok(Settings::default()) };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read settings {}", path.display()))?;
    let parsed = aisgate_lint::source::parse(&text, &Limits::default());
    if let Some(error) = parsed.error {
        anyhow::bail!("{}:{error}", path.display());
    }
    let value = parsed.documents.into_iter().next().map(|d| d.value).unwrap_or_default();
    Settings::from_json(&value).with_context(|| format!("{}", path.display()))
}

fn lint(args: &LintArgs) -> Result<ExitCode> {
    let settings = load_settings(args.settings.as_deref())?;
    let engine = Engine::new(settings, today());
    let mut errors = Vec::new();
    let inputs = collect(&args.paths, &mut errors);
    let old = collect(&args.old, &mut errors);
    let limits = engine.settings().limits;
    let mut report = aisgate_lint::lint(&engine, &as_inputs(&inputs), &as_inputs(&old), &limits);
    report.summary.files +=
        errors.iter().filter(|e| e.message.starts_with("not UTF-8") || e.message.starts_with("cannot read:")).count();
    errors.append(&mut report.errors);
    report.errors = errors;
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Text => write_text(&mut out, &report, &inputs)?,
    }
    out.flush()?;
    let failing = match args.fail_on {
        FailOn::Deny => report.worst() == Some(Severity::Deny),
        FailOn::Warn => report.worst().is_some(),
        FailOn::Never => false,
    };
    Ok(if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_text(out: &mut impl Write, report: &LintReport, inputs: &[Loaded]) -> io::Result<()> {
    for finding in &report.findings {
        writeln!(
            out,
            "{}:{}:{}: {} {} {}: {}",
            finding.file, finding.line, finding.column, finding.severity, finding.code, finding.rule, finding.message
        )?;
        writeln!(out, "  {} at {}", finding.object, finding.path)?;
        let source_line = inputs
            .iter()
            .find(|i| i.name == finding.file)
            .and_then(|i| i.text.lines().nth(finding.line.saturating_sub(1)));
        if let Some(line) = source_line {
            writeln!(out, "   | {line}")?;
            writeln!(out, "   | {}^", " ".repeat(finding.column.saturating_sub(1)))?;
        }
        writeln!(out, "  see: aisgate explain {}", finding.code)?;
        writeln!(out)?;
    }
    for error in &report.errors {
        writeln!(out, "{}:{}:{}: error: {}", error.file, error.line, error.column, error.message)?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "{} deny, {} warn in {} objects ({} documents, {} skipped, {} files){}",
        s.deny,
        s.warn,
        s.objects,
        s.documents,
        s.skipped,
        s.files,
        if report.errors.is_empty() { String::new() } else { format!("; {} errors", report.errors.len()) }
    )
}

fn today() -> Option<aisgate_core::settings::Date> {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    aisgate_core::settings::date_from_unix(i64::try_from(seconds).ok()?)
}

fn rules() -> Result<()> {
    let mut out = io::stdout().lock();
    for rule in registry::RULES {
        let meta = rule.meta();
        writeln!(out, "{}  {:<38} {:<5} {}", meta.code, meta.name, meta.severity.as_str(), meta.summary)?;
    }
    Ok(())
}

fn explain(code_or_name: &str) -> Result<ExitCode> {
    let Some(rule) = registry::find(code_or_name) else {
        eprintln!("aisgate: no rule `{code_or_name}`; `aisgate rules` lists them");
        return Ok(ExitCode::from(2));
    };
    let meta = rule.meta();
    let mut out = io::stdout().lock();
    writeln!(out, "# {} {} ({})\n", meta.code, meta.name, meta.severity)?;
    writeln!(out, "{}", meta.documentation())?;
    Ok(ExitCode::SUCCESS)
}
