//! The rule catalog as front doors show it: `rules` (a serializable list) and `explain`
//! (a rule's documentation), shared by the CLI and the JavaScript package.

use aisgate_core::rule::RuleMeta;
use aisgate_core::{Severity, registry};
use serde::Serialize;

/// One rule of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleEntry {
    pub code: &'static str,
    pub name: &'static str,
    /// The default severity; settings may change it.
    pub severity: Severity,
    /// `object`, `update` (needs the previous version), `bundle` or `object / bundle` (rules.md).
    pub scope: &'static str,
    pub summary: &'static str,
    pub fix: Option<FixEntry>,
    /// The rule's doc comment, Markdown.
    pub documentation: String,
}

/// The fix a rule offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FixEntry {
    pub summary: &'static str,
    /// The settings key under `mutations` that turns it on at admission; `None`: offline `fix` only.
    pub mutation: Option<&'static str>,
    /// Applied on CREATE only.
    pub create_only: bool,
}

impl From<&RuleMeta> for RuleEntry {
    fn from(meta: &RuleMeta) -> Self {
        Self {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            scope: meta.scope.as_str(),
            summary: meta.summary,
            fix: meta.fix.map(|fix| FixEntry {
                summary: fix.summary,
                mutation: fix.mutation.map(aisgate_core::settings::Mutation::key),
                create_only: fix.create_only,
            }),
            documentation: meta.documentation(),
        }
    }
}

/// Every rule, in code order.
#[must_use]
pub fn rules() -> Vec<RuleEntry> {
    registry::RULES.iter().map(|rule| RuleEntry::from(rule.meta())).collect()
}

/// A code or name that no rule has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no rule `{0}`; `aisgate rules` lists them")]
pub struct UnknownRule(pub String);

/// A rule's documentation as Markdown, headed by its code, name and default severity.
pub fn explain(code_or_name: &str) -> Result<String, UnknownRule> {
    let rule = registry::find(code_or_name).ok_or_else(|| UnknownRule(code_or_name.to_owned()))?;
    let meta = rule.meta();
    Ok(format!("# {} {} ({})\n\n{}", meta.code, meta.name, meta.severity, meta.documentation()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_rule_with_its_fix() {
        let rules = rules();
        assert_eq!(rules.len(), registry::RULES.len());
        let retain = rules.iter().find(|r| r.code == "AIS203").unwrap();
        let json = serde_json::to_value(retain).unwrap();
        assert_eq!(json["name"], "pv-reclaim-deletes-data");
        assert_eq!(json["severity"], "deny");
        assert_eq!(json["scope"], "object");
        assert_eq!(json["fix"]["mutation"], "retainReclaimPolicy");
        assert!(json["fix"]["createOnly"].is_boolean());
        assert!(json["documentation"].as_str().unwrap().starts_with("## What it does\n"));
        let update = rules.iter().find(|r| r.code == "AIS040").unwrap();
        assert_eq!((update.scope, update.fix.is_none()), ("update", true));
    }

    #[test]
    fn explains_by_code_or_name() {
        let by_code = explain("ais020").unwrap();
        assert_eq!(by_code, explain("host-port-on-shared-node").unwrap());
        assert!(by_code.starts_with("# AIS020 host-port-on-shared-node (deny)\n\n## What it does\n"), "{by_code}");
        assert_eq!(explain("AIS999").unwrap_err().to_string(), "no rule `AIS999`; `aisgate rules` lists them");
    }
}
