//! `aisgate plan`: per node, the target pods that can land there, their disks (PV, path,
//! capacity) and host ports, then the problems the rules across objects find, in text or JSON.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use aisgate_core::bundle::Analysis;
use aisgate_core::plan::{Placement, Plan};
use aisgate_core::{Engine, Severity, registry};
use aisgate_lint::{ReportError, ReportFinding};
use anyhow::Result;
use serde::Serialize;

use crate::input;

#[derive(clap::Args)]
pub struct PlanArgs {
    /// Files, directories or - (stdin): AIStores or target StatefulSets, PVs, StorageClasses, Nodes.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    format: PlanFormat,
    /// Settings file (YAML or JSON), the same schema as the policy's settings.
    #[arg(long)]
    settings: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PlanFormat {
    Text,
    Json,
}

/// The JSON form (versioned like the lint report).
#[derive(Serialize)]
struct PlanReport<'a> {
    version: u32,
    #[serde(flatten)]
    plan: &'a Plan,
    /// Findings of the rules across objects, with file and line.
    problems: Vec<&'a ReportFinding>,
    errors: &'a [ReportError],
}

pub fn run(args: &PlanArgs) -> Result<ExitCode> {
    let (settings, _) = input::load_settings(args.settings.as_deref())?;
    let engine = Engine::new(settings, input::today());
    let collected = input::collect(&args.paths);
    let mut errors = collected.errors.clone();
    let inputs = collected.inputs();
    let limits = engine.settings().limits;
    // One pass: the plan and the findings come from the same inventory and analysis.
    let read = aisgate_lint::read(&engine, &inputs, &[], &limits);
    let inventory = read.inventory();
    let analysis = Analysis::new(&inventory, engine.settings());
    let mut report = read.judge(&engine, &inventory, &analysis);
    errors.append(&mut report.errors);
    let plan = aisgate_core::plan::plan(&inventory, &analysis);
    let across = |f: &&ReportFinding| registry::find(f.code).is_some_and(|r| r.meta().scope.across_objects());
    let problems: Vec<&ReportFinding> = report.findings.iter().filter(across).collect();
    let mut out = io::stdout().lock();
    match args.format {
        PlanFormat::Json => {
            let json = PlanReport { version: 1, plan: &plan, problems: problems.clone(), errors: &errors };
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        PlanFormat::Text => write_text(&mut out, &plan, &problems, &errors)?,
    }
    out.flush()?;
    Ok(if !errors.is_empty() {
        ExitCode::from(2)
    } else if problems.iter().any(|p| p.severity == Severity::Deny) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_text(
    out: &mut impl Write,
    plan: &Plan,
    problems: &[&ReportFinding],
    errors: &[ReportError],
) -> io::Result<()> {
    let write_target = |out: &mut dyn Write, target: &aisgate_core::plan::PlannedTarget| -> io::Result<()> {
        let how = match target.placement {
            Placement::Pinned => "pinned by its PVs",
            Placement::Matched => "fitting unbound PVs here",
            Placement::Possible => "may land here",
        };
        let ports = if target.host_ports.is_empty() {
            "no host ports".to_owned()
        } else {
            format!("host ports {}", target.host_ports.join(", "))
        };
        let namespace = target.statefulset.split_once('/').map_or("", |(ns, _)| ns);
        writeln!(out, "  {namespace}/{} ({how}; {ports})", target.pod)?;
        for disk in &target.disks {
            let mount = disk.mount_path.as_deref().unwrap_or("-");
            match &disk.volume {
                Some(pv) => writeln!(
                    out,
                    "    {mount} <- PV {pv} {} {}",
                    disk.path.as_deref().unwrap_or("-"),
                    disk.capacity.as_deref().unwrap_or("-")
                )?,
                None => match &disk.provisioned_by {
                    Some(class) => writeln!(out, "    {mount} <- provisioned by class {class}")?,
                    None => writeln!(out, "    {mount} <- no PV binds claim {}", disk.claim)?,
                },
            }
        }
        Ok(())
    };
    for node in &plan.nodes {
        let pinned = node.targets.iter().filter(|t| t.placement == Placement::Pinned).count();
        writeln!(out, "node {}: {} targets ({pinned} pinned)", node.node, node.targets.len())?;
        for target in &node.targets {
            write_target(out, target)?;
        }
    }
    if !plan.unplaced.is_empty() {
        writeln!(out, "no node known: {} targets", plan.unplaced.len())?;
        for target in &plan.unplaced {
            write_target(out, target)?;
        }
    }
    if !problems.is_empty() {
        writeln!(out, "\nproblems:")?;
    }
    for problem in problems {
        writeln!(
            out,
            "{}:{}:{}: {} {} {}: {}",
            problem.file, problem.line, problem.column, problem.severity, problem.code, problem.rule, problem.message
        )?;
    }
    for error in errors {
        writeln!(out, "{}:{}:{}: error: {}", error.file, error.line, error.column, error.message)?;
    }
    Ok(())
}
