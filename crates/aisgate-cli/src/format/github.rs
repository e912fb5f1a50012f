//! GitHub Actions workflow commands: each finding becomes an annotation on its file and line.

use std::io::{self, Write};

use aisgate_core::Severity;
use aisgate_lint::LintReport;

/// Escapes a command's message (GitHub's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        let command = match finding.severity {
            Severity::Deny => "error",
            Severity::Warn => "warning",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&finding.file),
            finding.line,
            finding.column,
            escape_property(&format!("{} {}", finding.code, finding.rule)),
            escape_data(&format!("{} ({} at {})", finding.message, finding.object, finding.path))
        )?;
    }
    for error in &report.errors {
        writeln!(
            out,
            "::error file={},line={},col={},title=aisgate::{}",
            escape_property(&error.file),
            error.line,
            error.column,
            escape_data(&error.message)
        )?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "aisgate: {} deny, {} warn in {} objects ({} files, {} suppressed, {} errors)",
        s.deny,
        s.warn,
        s.objects,
        s.files,
        report.suppressed.len(),
        report.errors.len()
    )
}
