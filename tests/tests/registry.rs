//! The registry against the catalog (rules.md): codes and names are a contract, and every
//! rule is documented and has failing and passing fixtures.

use std::collections::BTreeSet;
use std::path::Path;

use aisgate_core::registry::{self, RULES};
use aisgate_core::rule::Scope;
use aisgate_tests::fixtures::repo_root;

/// The catalog: (code, name, severity, scope as rules.md writes it; section D is all `bundle`).
const CATALOG: &[(&str, &str, &str, &str)] = &[
    ("AIS001", "removed-field", "deny", "object"),
    ("AIS002", "deprecated-field", "warn", "object"),
    ("AIS003", "state-storage-undefined", "deny", "object"),
    ("AIS004", "cluster-size-invalid", "deny", "object"),
    ("AIS005", "port-out-of-range", "deny", "object"),
    ("AIS006", "public-port-mismatch", "warn", "object"),
    ("AIS007", "public-port-collides-intra", "deny", "object"),
    ("AIS010", "mount-path-invalid", "deny", "object"),
    ("AIS011", "claim-name-invalid", "deny", "object"),
    ("AIS012", "mount-without-size-or-class", "warn", "object"),
    ("AIS020", "host-port-on-shared-node", "deny", "object"),
    ("AIS021", "host-path-on-shared-node", "deny", "object"),
    ("AIS022", "proxy-target-host-port-clash", "deny", "object / bundle"),
    ("AIS023", "host-network-port-mismatch", "deny", "object"),
    ("AIS024", "shared-node-without-external-access", "warn", "object"),
    ("AIS030", "anti-affinity-replaced", "warn", "object"),
    ("AIS031", "unknown-topology-key", "warn", "object"),
    ("AIS032", "pdb-blocks-drain", "warn", "object"),
    ("AIS033", "destructive-scale-down", "warn", "object"),
    ("AIS034", "mutable-image-tag", "warn", "object"),
    ("AIS040", "immutable-field-changed", "deny", "update"),
    ("AIS101", "missing-pod-anti-affinity", "warn", "object"),
    ("AIS102", "preferred-anti-affinity-only", "warn", "object"),
    ("AIS103", "duplicate-host-port", "deny", "object"),
    ("AIS104", "duplicate-container-port", "deny", "object"),
    ("AIS105", "claim-name-convention", "warn", "object / bundle"),
    ("AIS106", "volume-mount-unresolved", "deny", "object"),
    ("AIS107", "statefulset-name-too-long", "warn", "object"),
    ("AIS108", "claim-retention-deletes-data", "warn", "object"),
    ("AIS201", "pv-without-node-affinity", "deny", "object"),
    ("AIS202", "pv-node-affinity-not-single-node", "deny", "object"),
    ("AIS203", "pv-reclaim-deletes-data", "deny", "object"),
    ("AIS204", "access-mode-invalid", "deny", "object"),
    ("AIS205", "block-volume-mode", "deny", "object"),
    ("AIS206", "pv-network-filesystem", "warn", "object"),
    ("AIS207", "claim-ref-invalid", "deny", "object"),
    ("AIS208", "capacity-invalid", "deny", "object"),
    ("AIS401", "claim-without-volume", "deny", "bundle"),
    ("AIS402", "claim-ref-out-of-range", "warn", "bundle"),
    ("AIS403", "duplicate-claim-ref", "deny", "bundle"),
    ("AIS404", "duplicate-disk", "deny", "bundle"),
    ("AIS405", "ordinal-split-across-nodes", "deny", "bundle"),
    ("AIS406", "targets-exceed-nodes", "deny", "bundle"),
    ("AIS407", "capacity-below-request", "deny", "bundle"),
    ("AIS408", "storage-class-mismatch", "deny", "bundle"),
    ("AIS409", "selector-mismatch", "deny", "bundle"),
    ("AIS410", "pv-node-outside-selector", "warn", "bundle"),
    ("AIS501", "node-label-convention", "warn", "object"),
    ("AIS502", "release-name-invalid", "deny", "object"),
];

#[test]
fn registry_matches_the_catalog() {
    let registered: Vec<_> = RULES.iter().map(|r| r.meta()).collect();
    assert_eq!(registered.len(), CATALOG.len(), "rule count differs from the catalog");
    for (meta, (code, name, severity, scope)) in registered.iter().zip(CATALOG) {
        assert_eq!((meta.code, meta.name, meta.severity.as_str()), (*code, *name, *severity));
        assert_eq!(*scope, meta.scope.as_str(), "{code}: scope");
    }
}

#[test]
fn registry_matches_the_shared_spec_when_present() {
    // The spec lives beside the checkout (../shared/spec); CI has it, so this cannot silently pass there.
    let spec = repo_root().join("../shared/spec/rules.md");
    let Ok(text) = std::fs::read_to_string(&spec) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have {}", spec.display());
        return;
    };
    for line in text.lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
        let Some(code) = cells.first().filter(|c| c.len() == 6 && c.starts_with("AIS")) else { continue };
        let rule = registry::find(code).unwrap_or_else(|| panic!("{code} missing from the registry"));
        assert_eq!(Some(&rule.meta().name), cells.get(1), "{code}: name differs from rules.md");
        assert_eq!(Some(&rule.meta().severity.as_str()), cells.get(2), "{code}: severity differs from rules.md");
    }
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in RULES {
        let meta = rule.meta();
        assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
        assert!(names.insert(meta.name), "duplicate name {}", meta.name);
        assert!(
            meta.code.len() == 6 && meta.code.starts_with("AIS") && meta.code[3..].bytes().all(|b| b.is_ascii_digit())
        );
        assert!(meta.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{} is not kebab-case", meta.name);
        let file = Path::new(meta.file).file_name().unwrap().to_str().unwrap();
        assert_eq!(file, format!("{}_{}.rs", meta.code.to_lowercase(), meta.name.replace('-', "_")), "file name");
    }
}

#[test]
fn every_rule_is_documented() {
    for rule in RULES {
        let meta = rule.meta();
        let doc = meta.documentation();
        for section in ["## What it does", "## Why is this bad?", "## Example", "Use instead", "```yaml"] {
            assert!(doc.contains(section), "{}: doc lacks `{section}`", meta.code);
        }
        assert!(!doc.contains("TODO") && !meta.summary.contains("TODO"), "{}: unfinished doc", meta.code);
        assert!(!meta.summary.is_empty() && !meta.summary.ends_with('.'), "{}: summary", meta.code);
        assert_eq!(
            meta.fix.is_some(),
            doc.contains("## Fix"),
            "{}: a rule with a fix documents it under `## Fix`",
            meta.code
        );
    }
}

#[test]
fn every_rule_has_failing_and_passing_fixtures() {
    let scenarios = aisgate_tests::fixtures::all_scenarios();
    for rule in RULES {
        let meta = rule.meta();
        if meta.scope.across_objects() {
            // Bundle halves: fixtures/bundles/<scenario>/ that raise the rule and that allow it.
            let raised = scenarios.iter().any(|s| s.expected.iter().any(|f| f.rule == meta.name));
            let allowed = scenarios.iter().any(|s| s.allow.iter().any(|r| r == meta.name));
            assert!(raised, "{}: no bundle scenario raises it", meta.code);
            assert!(allowed, "{}: no bundle scenario lists it under `allow`", meta.code);
        }
        if meta.scope == Scope::Bundle {
            continue;
        }
        let dir = repo_root().join("fixtures").join(meta.name);
        let files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{}: no fixtures/{}/", meta.code, meta.name))
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        assert!(files.iter().any(|f| f.starts_with("deny-")), "{}: no deny-*.yaml fixture", meta.code);
        assert!(files.iter().any(|f| f.starts_with("allow-")), "{}: no allow-*.yaml fixture", meta.code);
    }
}
