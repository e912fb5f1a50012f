//! SARIF 2.1.0: one reporting descriptor per rule (its documentation as help), one result per
//! finding at its real line and column, exempted findings as suppressed results, unreadable
//! input as tool execution notifications.

use std::io::{self, Write};

use aisgate_core::{Severity, registry};
use aisgate_lint::{LintReport, ReportFinding, SuppressedBy};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString, Notification,
    PhysicalLocation, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    Sarif, Suppression, Tool, ToolComponent,
};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Deny => ResultLevel::Error,
        Severity::Warn => ResultLevel::Warning,
    }
}

/// A file name as a URI reference: relative paths stay relative (resolved against the
/// checkout by code scanning), absolute ones become `file://` URIs.
fn uri(file: &str) -> String {
    let mut encoded = String::with_capacity(file.len());
    for c in file.replace('\\', "/").chars() {
        match c {
            ' ' => encoded.push_str("%20"),
            '%' => encoded.push_str("%25"),
            '#' => encoded.push_str("%23"),
            '?' => encoded.push_str("%3F"),
            c => encoded.push(c),
        }
    }
    if encoded.starts_with('/') { format!("file://{encoded}") } else { encoded }
}

fn location(file: &str, line: usize, column: usize) -> PhysicalLocation {
    let line = i64::try_from(line).unwrap_or(i64::MAX);
    let column = i64::try_from(column).unwrap_or(i64::MAX);
    PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri(file)).build())
        .region(Region::builder().start_line(line).start_column(column).build())
        .build()
}

fn descriptors() -> Vec<ReportingDescriptor> {
    registry::RULES
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            let documentation = meta.documentation();
            ReportingDescriptor::builder()
                .id(meta.code)
                .name(meta.name)
                .short_description(MultiformatMessageString::builder().text(meta.summary).build())
                .full_description(MultiformatMessageString::builder().text(meta.summary).build())
                .help(MultiformatMessageString::builder().text(documentation.clone()).markdown(documentation).build())
                .default_configuration(
                    ReportingConfiguration::builder().level(json!(level(meta.severity).to_string())).build(),
                )
                .properties(
                    serde_sarif::sarif::PropertyBag::builder()
                        .tags(vec!["aistore".to_owned(), "kubernetes".to_owned()])
                        .build(),
                )
                .build()
        })
        .collect()
}

fn result(finding: &ReportFinding) -> SarifResult {
    let rule_index = registry::RULES.iter().position(|rule| rule.meta().code == finding.code);
    let logical = LogicalLocation::builder()
        .name(finding.object.name.clone())
        .fully_qualified_name(format!("{} {}", finding.object, finding.path))
        .kind("object")
        .build();
    let at = Location::builder()
        .physical_location(location(&finding.file, finding.line, finding.column))
        .logical_locations(vec![logical])
        .build();
    let mut result = SarifResult::builder()
        .rule_id(finding.code)
        .level(level(finding.severity))
        .message(Message::builder().text(format!("{} {}: {}", finding.code, finding.rule, finding.message)).build())
        .locations(vec![at])
        .build();
    result.rule_index = rule_index.and_then(|i| i64::try_from(i).ok());
    if !finding.related.is_empty() {
        // The other objects of a rule across objects, each where it starts.
        let related = finding
            .related
            .iter()
            .zip(1_i64..)
            .map(|(other, id)| {
                Location::builder()
                    .id(id)
                    .physical_location(location(&other.file, other.line, other.column))
                    .message(Message::builder().text(other.object.to_string()).build())
                    .build()
            })
            .collect();
        result.related_locations = Some(related);
    }
    if let (Some(by), Some(reason)) = (finding.suppressed_by, &finding.reason) {
        let kind = match by {
            SuppressedBy::Annotation => "inSource",
            SuppressedBy::Settings => "external",
        };
        result.suppressions =
            Some(vec![Suppression::builder().kind(json!(kind)).justification(reason.clone()).build()]);
    }
    result
}

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    let notifications: Vec<Notification> = report
        .errors
        .iter()
        .map(|error| {
            Notification::builder()
                .level(json!("error"))
                .message(Message::builder().text(error.message.clone()).build())
                .locations(vec![
                    Location::builder().physical_location(location(&error.file, error.line, error.column)).build(),
                ])
                .build()
        })
        .collect();
    let invocation = Invocation::builder()
        .execution_successful(report.errors.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    let driver = ToolComponent::builder()
        .name("aisgate")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(descriptors())
        .build();
    let results = report.findings.iter().chain(&report.suppressed).map(result).collect::<Vec<_>>();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        // Our columns count Unicode characters, not UTF-16 code units.
        .column_kind(json!("unicodeCodePoints"))
        .build();
    let sarif = Sarif::builder().schema(SCHEMA).version(json!("2.1.0")).runs(vec![run]).build();
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}
