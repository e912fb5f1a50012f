//! Report formats of `aisgate lint`.

mod github;
mod junit;
mod sarif;
mod text;

use std::io::{self, Write};

use aisgate_lint::LintReport;
use clap::ValueEnum;

use crate::input::Collected;
use crate::lint::FailOn;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: location, rule, message, and the source line with a caret.
    Text,
    /// The versioned JSON report.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs).
    Sarif,
    /// JUnit XML: one test case per object.
    Junit,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// Writes `report` as `format`. `sources` gives the text of the files for source excerpts.
pub fn write(
    format: Format,
    report: &LintReport,
    sources: &Collected,
    fail_on: FailOn,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, sources, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
        Format::Sarif => sarif::write(report, out),
        Format::Junit => junit::write(report, fail_on, out),
        Format::Github => github::write(report, out),
    }
}
