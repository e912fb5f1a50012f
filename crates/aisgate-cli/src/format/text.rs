//! The text report: one block per finding, for people at a terminal or in a CI log.

use std::fmt::Write as _;
use std::io::{self, Write};

use aisgate_core::Severity;
use aisgate_lint::{LintReport, ReportFinding};
use anstyle::{AnsiColor, Style};

use crate::input::Collected;

const DENY: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const LOCATION: Style = Style::new().bold();
const GUTTER: Style = AnsiColor::Blue.on_default().bold();
const DIM: Style = Style::new().dimmed();

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Deny => DENY,
        Severity::Warn => WARN,
    }
}

pub fn write(report: &LintReport, sources: &Collected, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        write_finding(out, finding, sources)?;
    }
    for error in &report.errors {
        writeln!(
            out,
            "{LOCATION}{}:{}:{}{LOCATION:#}: {ERROR}error{ERROR:#}: {}",
            error.file, error.line, error.column, error.message
        )?;
        excerpt(out, sources.text(&error.file), error.line, error.column, ERROR)?;
        writeln!(out)?;
    }
    let s = &report.summary;
    let mut summary = format!(
        "{} deny, {} warn in {} ({}, {} skipped, {})",
        s.deny,
        s.warn,
        count(s.objects, "object"),
        count(s.documents, "document"),
        s.skipped,
        count(s.files, "file")
    );
    if !report.suppressed.is_empty() {
        let _ = write!(summary, "; {} suppressed", report.suppressed.len());
    }
    if !report.errors.is_empty() {
        let _ = write!(summary, "; {}", count(report.errors.len(), "error"));
    }
    writeln!(out, "{LOCATION}{summary}{LOCATION:#}")
}

/// `1 file`, `2 files`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn write_finding(out: &mut dyn Write, finding: &ReportFinding, sources: &Collected) -> io::Result<()> {
    let style = severity_style(finding.severity);
    writeln!(
        out,
        "{LOCATION}{}:{}:{}{LOCATION:#}: {style}{} {} {}{style:#}: {}",
        finding.file, finding.line, finding.column, finding.severity, finding.code, finding.rule, finding.message
    )?;
    let template = finding.helm_source.as_deref().map(|t| format!(" (template {t})")).unwrap_or_default();
    writeln!(out, "  {GUTTER}-->{GUTTER:#} {} at {}{template}", finding.object, finding.path)?;
    excerpt(out, sources.text(&finding.file), finding.line, finding.column, style)?;
    writeln!(out, "  {GUTTER}={GUTTER:#} {DIM}see: aisgate explain {}{DIM:#}", finding.code)?;
    writeln!(out)
}

/// The source line with a caret under `column` (1-based, in characters).
fn excerpt(out: &mut dyn Write, text: Option<&str>, line: usize, column: usize, style: Style) -> io::Result<()> {
    let Some(source_line) = text.and_then(|text| text.lines().nth(line.saturating_sub(1))) else {
        return Ok(());
    };
    let number = line.to_string();
    let blank = " ".repeat(number.len());
    // Tabs before the column stay tabs so the caret lines up whatever the tab width.
    let padding: String =
        source_line.chars().take(column.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    writeln!(out, "  {GUTTER}{blank} |{GUTTER:#}")?;
    writeln!(out, "  {GUTTER}{number} |{GUTTER:#} {source_line}")?;
    writeln!(out, "  {GUTTER}{blank} |{GUTTER:#} {padding}{style}^{style:#}")
}
