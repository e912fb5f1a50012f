//! `aisgate rules` and `aisgate explain`.

use std::io::{self, Write};
use std::process::ExitCode;

use aisgate_core::registry;
use anyhow::Result;
use clap::ValueEnum;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
    Markdown,
}

pub fn list(args: &Args) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    match args.format {
        RulesFormat::Text => {
            for rule in registry::RULES {
                let meta = rule.meta();
                let fix = if meta.fix.is_some() { "fix" } else { "-" };
                writeln!(
                    out,
                    "{}  {:<38} {:<5} {:<3} {}",
                    meta.code,
                    meta.name,
                    meta.severity.as_str(),
                    fix,
                    meta.summary
                )?;
            }
        }
        RulesFormat::Json => {
            let rules = aisgate_lint::catalog::rules();
            serde_json::to_writer_pretty(&mut out, &rules)?;
            writeln!(out)?;
        }
        RulesFormat::Markdown => {
            writeln!(out, "| code | name | severity | scope | fix | what it catches |")?;
            writeln!(out, "|---|---|---|---|---|---|")?;
            for rule in registry::RULES {
                let meta = rule.meta();
                let fix = meta.fix.map_or("-", |fix| fix.summary);
                writeln!(
                    out,
                    "| {} | `{}` | {} | {} | {} | {} |",
                    meta.code,
                    meta.name,
                    meta.severity,
                    meta.scope.as_str(),
                    fix.replace('|', "\\|"),
                    meta.summary.replace('|', "\\|")
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn explain(code_or_name: &str) -> Result<ExitCode> {
    let Some(rule) = registry::find(code_or_name) else {
        eprintln!("aisgate: no rule `{code_or_name}`; `aisgate rules` lists them");
        return Ok(ExitCode::from(2));
    };
    let meta = rule.meta();
    let mut out = io::stdout().lock();
    writeln!(out, "# {} {} ({})\n", meta.code, meta.name, meta.severity)?;
    writeln!(out, "{}", meta.documentation())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
