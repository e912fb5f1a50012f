//! Generated files are fresh: what `cargo xtask gen` would write is what is committed.

use aisgate_tests::fixtures::repo_root;
use xtask::generate::{self, Stale};

#[test]
fn generated_files_are_fresh() {
    let stale = generate::check(&repo_root()).unwrap();
    let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
    assert!(stale.is_empty(), "run `cargo xtask gen` and commit the result:\n  {}", list.join("\n  "));
}

#[test]
fn every_rule_has_a_page_and_a_table_row() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let usage = std::fs::read_to_string(repo_root().join("policy/README.md")).unwrap();
    for rule in aisgate_core::registry::RULES {
        let meta = rule.meta();
        let page = std::fs::read_to_string(repo_root().join(generate::rule_doc_path(meta))).unwrap();
        assert!(page.contains(&format!("# {} {}\n", meta.code, meta.name)), "{}", meta.code);
        assert!(page.ends_with(&meta.documentation()), "{}: the page ends with the rule's doc comment", meta.code);
        let row =
            format!("| [{}]({}) | `{}` | {} |", meta.code, generate::rule_doc_path(meta), meta.name, meta.severity);
        assert!(readme.contains(&row), "README lacks the row {row}");
        let usage_row = format!("| {} | `{}` | {} | {} |", meta.code, meta.name, meta.severity, meta.scope.as_str());
        assert!(usage.contains(&usage_row), "policy/README.md lacks the row {usage_row}");
    }
}

#[test]
fn a_stale_file_is_reported_by_path() {
    // A copy of the inputs with one rule page edited and one orphan page added.
    let dir = std::env::temp_dir().join(format!("aisgate-gen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for path in [
        "README.md",
        "policy/README.md",
        "policy/metadata.yml",
        "policy/questions-ui.yml",
        "artifacthub/artifacthub-pkg.yml",
        "artifacthub/artifacthub-repo.yml",
    ] {
        std::fs::create_dir_all(dir.join(path).parent().unwrap()).unwrap();
        std::fs::copy(repo_root().join(path), dir.join(path)).unwrap();
    }
    std::fs::create_dir_all(dir.join("docs/rules")).unwrap();
    generate::write(&dir).unwrap();
    assert_eq!(generate::check(&dir).unwrap(), Vec::<Stale>::new(), "gen then check is clean");

    let page = dir.join("docs/rules/AIS020-host-port-on-shared-node.md");
    std::fs::write(&page, "edited by hand\n").unwrap();
    std::fs::write(dir.join("docs/rules/AIS999-gone.md"), "old\n").unwrap();
    let package = dir.join("artifacthub/artifacthub-pkg.yml");
    let text = std::fs::read_to_string(&package).unwrap();
    let created = text.lines().find(|l| l.starts_with("createdAt:")).unwrap();
    std::fs::write(&package, text.replace(created, "createdAt: \"2020-01-01T00:00:00Z\"")).unwrap();
    assert_eq!(
        generate::check(&dir).unwrap(),
        [
            Stale::Outdated("docs/rules/AIS020-host-port-on-shared-node.md".to_owned()),
            Stale::Orphan("docs/rules/AIS999-gone.md".to_owned())
        ],
        "createdAt alone is not staleness"
    );
    generate::write(&dir).unwrap();
    assert!(!dir.join("docs/rules/AIS999-gone.md").exists());
    assert_eq!(generate::check(&dir).unwrap(), Vec::<Stale>::new());
    std::fs::remove_dir_all(&dir).unwrap();
}
