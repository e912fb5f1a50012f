//! `aisgate rules` and `aisgate explain`.

use std::io::{self, Write};
use std::process::ExitCode;

use aisgate_core::registry;
use aisgate_core::rule::Scope;
use anyhow::Result;
use clap::ValueEnum;
use serde_json::json;

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

fn scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Object => "object",
        Scope::Update => "update",
    }
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
            let rules: Vec<_> = registry::RULES
                .iter()
                .map(|rule| {
                    let meta = rule.meta();
                    json!({
                        "code": meta.code,
                        "name": meta.name,
                        "severity": meta.severity,
                        "scope": scope(meta.scope),
                        "summary": meta.summary,
                        "fix": meta.fix.map(|fix| json!({
                            "summary": fix.summary,
                            "mutation": fix.mutation.map(aisgate_core::settings::Mutation::key),
                            "createOnly": fix.create_only,
                        })),
                        "documentation": meta.documentation(),
                    })
                })
                .collect();
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
                    scope(meta.scope),
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
