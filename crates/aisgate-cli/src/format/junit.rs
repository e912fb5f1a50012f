//! JUnit XML: a test suite per file, a test case per Kubernetes object. An object fails when
//! it has findings at or above `--fail-on`; unreadable input is a test case in error.

use std::io::{self, Write};

use aisgate_lint::{LintReport, ReportFinding, ReportObject};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::lint::FailOn;

fn line(finding: &ReportFinding) -> String {
    format!(
        "{}:{}:{}: {} {} {}: {}",
        finding.file, finding.line, finding.column, finding.severity, finding.code, finding.rule, finding.message
    )
}

fn case(object: &ReportObject, findings: &[&ReportFinding], fail_on: FailOn) -> TestCase {
    let failing: Vec<&&ReportFinding> = findings.iter().filter(|f| fail_on.fails(f.severity)).collect();
    let status = if failing.is_empty() {
        TestCaseStatus::success()
    } else {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let first = failing[0];
        let more = if failing.len() > 1 { format!(" (and {} more)", failing.len() - 1) } else { String::new() };
        status.set_message(format!("{} {}: {}{more}", first.code, first.rule, first.message));
        status.set_type(first.severity.as_str());
        status.set_description(failing.iter().map(|f| line(f)).collect::<Vec<_>>().join("\n"));
        status
    };
    let mut case = TestCase::new(object.object.to_string(), status);
    case.set_classname(format!("{}:{}", object.file, object.line));
    let below: Vec<String> = findings.iter().filter(|f| !fail_on.fails(f.severity)).map(|f| line(f)).collect();
    if !below.is_empty() {
        case.set_system_out(below.join("\n"));
    }
    case
}

pub fn write(report: &LintReport, fail_on: FailOn, out: &mut dyn Write) -> io::Result<()> {
    let mut junit = Report::new("aisgate");
    let mut files: Vec<&str> = Vec::new();
    for name in report.objects.iter().map(|o| &*o.file).chain(report.errors.iter().map(|e| e.file.as_str())) {
        if !files.contains(&name) {
            files.push(name);
        }
    }
    for file in files {
        let mut suite = TestSuite::new(file);
        for object in report.objects.iter().filter(|o| *o.file == *file) {
            let findings: Vec<&ReportFinding> =
                report.findings.iter().filter(|f| f.file == file && f.object == *object.object).collect();
            suite.add_test_case(case(object, &findings, fail_on));
        }
        for error in report.errors.iter().filter(|e| e.file == file) {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(error.message.clone());
            let mut case = TestCase::new(format!("{}:{}:{}", error.file, error.line, error.column), status);
            case.set_classname(file);
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    // Serialised whole first, so a closed pipe surfaces as the writer's own error.
    let xml = junit.to_string().map_err(io::Error::other)?;
    writeln!(out, "{xml}")
}
