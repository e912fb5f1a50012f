//! The JSON report (interfaces.md §3), version 1. Field names and shapes are a contract.

use std::sync::Arc;

use aisgate_core::{Finding, JsonPath, ObjectRef, Severity};
use serde::Serialize;

use crate::source::{self, Document, Position};

/// The report's format version.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    pub version: u32,
    pub findings: Vec<ReportFinding>,
    /// Findings an exemption accepted, with its reason.
    pub suppressed: Vec<ReportFinding>,
    pub errors: Vec<ReportError>,
    pub summary: Summary,
    /// Every Kubernetes object read, in input order (for per-object reports such as `JUnit` XML).
    #[serde(skip)]
    pub objects: Vec<ReportObject>,
}

/// A Kubernetes object that was linted, and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportObject {
    /// Shared with the context of the rules across objects.
    pub object: Arc<ObjectRef>,
    /// Shared by the objects of a file.
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
    /// Whether it is an AIS object (the rules looked at it).
    pub checked: bool,
}

/// What accepted a suppressed finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressedBy {
    /// An exemption in the settings (also honoured at admission).
    Settings,
    /// The object's `aisgate.io/ignore` annotation (offline only).
    Annotation,
}

impl Default for LintReport {
    fn default() -> Self {
        Self {
            version: VERSION,
            findings: Vec::new(),
            suppressed: Vec::new(),
            errors: Vec::new(),
            summary: Summary::default(),
            objects: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportFinding {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub object: ObjectRef,
    pub path: JsonPath,
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The Helm template the object came from (`# Source:` comment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helm_source: Option<String>,
    /// Other objects involved (bundle rules), with where they are; empty for single-object rules.
    pub related: Vec<RelatedObject>,
    /// Why the finding is exempt (suppressed findings only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What exempted it (suppressed findings only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<SuppressedBy>,
}

impl ReportFinding {
    pub(crate) fn new(
        file: &str,
        at: Position,
        helm_source: Option<String>,
        finding: Finding,
        suppressed: Option<(SuppressedBy, String)>,
        related: Vec<RelatedObject>,
    ) -> Self {
        Self {
            code: finding.code,
            rule: finding.rule,
            severity: finding.severity,
            message: finding.message,
            object: finding.object,
            path: finding.path,
            file: file.to_owned(),
            line: at.line,
            column: at.column,
            helm_source,
            related,
            reason: suppressed.as_ref().map(|(_, reason)| reason.clone()),
            suppressed_by: suppressed.map(|(by, _)| by),
        }
    }
}

/// An object a finding involves besides its own, with its location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedObject {
    #[serde(flatten)]
    pub object: ObjectRef,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ReportError {
    #[must_use]
    pub fn new(file: &str, line: usize, column: usize, message: String) -> Self {
        Self { file: file.to_owned(), line, column, message }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    /// Documents that are not Kubernetes objects (Helm values, empty documents).
    pub skipped: usize,
    pub deny: usize,
    pub warn: usize,
}

impl LintReport {
    pub(crate) fn push_finding(
        &mut self,
        file: &str,
        document: &Document,
        base: &JsonPath,
        finding: Finding,
        suppressed: Option<(SuppressedBy, String)>,
        related: Vec<RelatedObject>,
    ) {
        let at = document.position(&source::join(base, &finding.path));
        self.push(ReportFinding::new(file, at, document.helm_source.clone(), finding, suppressed, related));
    }

    /// Adds a finding to `findings`, or to `suppressed` when it has a reason.
    pub(crate) fn push(&mut self, entry: ReportFinding) {
        if entry.reason.is_some() {
            self.suppressed.push(entry);
        } else {
            self.findings.push(entry);
        }
    }

    /// Sorts findings by file (in `file_order`), then position, drops the duplicates a rule's
    /// single-object and bundle halves can both report, and counts them.
    pub(crate) fn finish(&mut self, file_order: &[&str]) {
        let rank = |file: &str| file_order.iter().position(|f| *f == file).unwrap_or(usize::MAX);
        for list in [&mut self.findings, &mut self.suppressed] {
            list.sort_by(|a, b| {
                (rank(&a.file), a.line, a.column, a.code, &a.path, &a.message).cmp(&(
                    rank(&b.file),
                    b.line,
                    b.column,
                    b.code,
                    &b.path,
                    &b.message,
                ))
            });
            list.dedup_by(|a, b| {
                a.file == b.file
                    && a.object == b.object
                    && a.code == b.code
                    && a.path == b.path
                    && a.message == b.message
            });
        }
        self.summary.deny = self.findings.iter().filter(|f| f.severity == Severity::Deny).count();
        self.summary.warn = self.findings.iter().filter(|f| f.severity == Severity::Warn).count();
    }

    /// The most severe finding, if any.
    #[must_use]
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}
