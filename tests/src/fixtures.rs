//! Loading `fixtures/<rule-name>/{deny,allow}-*.yaml` for every front door's tests.

use std::path::{Path, PathBuf};

use aisgate_core::settings::{Date, Settings};
use aisgate_core::{JsonPath, registry};
use aisgate_lint::source::{self, Document, Limits};
use serde_json::Value;

/// The repository root.
#[must_use]
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fixed "today" so exemption expiry in fixtures is deterministic.
#[must_use]
pub fn today() -> Option<Date> {
    aisgate_core::settings::parse_date("2026-11-21")
}

/// One object of a fixture file.
#[derive(Debug, Clone)]
pub struct FixtureObject {
    pub label: String,
    pub value: Value,
    pub old: Option<Value>,
    pub document: Document,
    pub base: JsonPath,
}

/// A fixture file and what it expects.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// `<rule-name>/<file stem>`.
    pub name: String,
    pub path: PathBuf,
    pub rule: String,
    pub deny: bool,
    pub expected_paths: Vec<String>,
    pub settings: Settings,
    pub settings_json: Value,
    pub objects: Vec<FixtureObject>,
    pub text: String,
}

fn parse_objects(text: &str, path: &Path) -> Vec<(Document, JsonPath, Value)> {
    let parsed = source::parse(text, &Limits::default());
    assert!(parsed.error.is_none(), "{}: {:?}", path.display(), parsed.error);
    let mut out = Vec::new();
    for document in parsed.documents {
        for (base, value) in aisgate_lint::objects(&document).unwrap_or_default() {
            let value = value.clone();
            out.push((document.clone(), base, value));
        }
    }
    out
}

/// Loads one fixture file.
#[must_use]
pub fn load(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rule = path.parent().and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    let header = |prefix: &str| -> Vec<String> {
        text.lines().filter_map(|line| line.strip_prefix(prefix).map(|rest| rest.trim().to_owned())).collect()
    };
    let settings_json: Value = header("# settings:").first().map_or(Value::Null, |json| {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: settings: {e}", path.display()))
    });
    let settings = Settings::from_json(&settings_json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let old_path = path.with_extension("old.yaml");
    let old_objects = old_path.exists().then(|| {
        let old_text = std::fs::read_to_string(&old_path).unwrap_or_default();
        parse_objects(&old_text, &old_path)
    });
    let objects = parse_objects(&text, path)
        .into_iter()
        .enumerate()
        .map(|(i, (document, base, value))| {
            let old = old_objects.as_ref().and_then(|old| old.get(i)).map(|(_, _, v)| v.clone());
            let label = format!(
                "{} {}",
                value.get("kind").and_then(Value::as_str).unwrap_or("?"),
                value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?")
            );
            FixtureObject { label, value, old, document, base }
        })
        .collect();
    Fixture {
        name: format!("{rule}/{stem}"),
        path: path.to_owned(),
        deny: stem.starts_with("deny-"),
        expected_paths: header("# expect:"),
        rule,
        settings,
        settings_json,
        objects,
        text,
    }
}

/// Every rule fixture, sorted by name. Panics on a stray file: every fixture must be
/// `deny-*.yaml`, `allow-*.yaml` or an `*.old.yaml` beside one, in a directory named after a rule.
#[must_use]
pub fn all_fixtures() -> Vec<Fixture> {
    let root = repo_root().join("fixtures");
    let mut fixtures = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if !dir.is_dir() || name == "bundles" || name == "admission" {
            continue;
        }
        assert!(registry::find(&name).is_some_and(|r| r.meta().name == name), "fixtures/{name}: not a rule name");
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let file_name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            if file_name.ends_with(".old.yaml") {
                continue;
            }
            assert!(
                (file_name.starts_with("deny-") || file_name.starts_with("allow-"))
                    && file.extension().is_some_and(|e| e == "yaml"),
                "{}: fixture names are deny-*.yaml or allow-*.yaml",
                file.display()
            );
            fixtures.push(load(&file));
        }
    }
    fixtures
}

/// A finding a bundle scenario expects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFinding {
    /// Rule name.
    pub rule: String,
    /// File of the scenario the object is in.
    pub file: String,
    /// `Kind namespace/name` or `Kind name`.
    pub object: String,
    pub path: String,
    pub line: usize,
}

/// `expect.yaml` of a bundle scenario.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioExpectation {
    #[serde(default)]
    description: String,
    #[serde(default)]
    settings: Value,
    /// Bundle rules this scenario shows passing (asserted absent like every unlisted one).
    #[serde(default)]
    allow: Vec<String>,
    /// Every finding of a rule that runs across objects (scope `bundle` or `object / bundle`).
    #[serde(default)]
    findings: Vec<ExpectedFinding>,
}

/// A multi-object scenario, `fixtures/bundles/<name>/`: YAML files and `expect.yaml`.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// `(file name, text)`, sorted by name.
    pub files: Vec<(String, String)>,
    pub settings: Settings,
    pub settings_json: Value,
    pub allow: Vec<String>,
    pub expected: Vec<ExpectedFinding>,
}

impl Scenario {
    /// The scenario's files as lint inputs.
    #[must_use]
    pub fn inputs(&self) -> Vec<aisgate_lint::Input<'_>> {
        self.files.iter().map(|(name, text)| aisgate_lint::Input { name, text }).collect()
    }

    /// Every object of the scenario, in file order.
    #[must_use]
    pub fn objects(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for (name, text) in &self.files {
            for (_, _, value) in parse_objects(text, Path::new(name)) {
                out.push(value);
            }
        }
        out
    }
}

/// Every bundle scenario, sorted by name.
#[must_use]
pub fn all_scenarios() -> Vec<Scenario> {
    let root = repo_root().join("fixtures/bundles");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
    dirs.sort();
    dirs.iter().filter(|d| d.is_dir()).map(|dir| load_scenario(dir)).collect()
}

fn load_scenario(dir: &Path) -> Scenario {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    let expect_path = dir.join("expect.yaml");
    let text = std::fs::read_to_string(&expect_path).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
    let parsed = source::parse(&text, &Limits::default());
    assert!(parsed.error.is_none(), "{}: {:?}", expect_path.display(), parsed.error);
    let value = parsed.documents.into_iter().next().map(|d| d.value).unwrap_or_default();
    let expectation: ScenarioExpectation =
        serde_json::from_value(value).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
    let settings =
        Settings::from_json(&expectation.settings).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "expect.yaml"))
        .map(|p| {
            assert!(p.extension().is_some_and(|e| e == "yaml"), "{}: scenario files are *.yaml", p.display());
            let file = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            (file, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    for rule in expectation.allow.iter().chain(expectation.findings.iter().map(|f| &f.rule)) {
        assert!(registry::find(rule).is_some_and(|r| r.meta().name == rule), "{name}: `{rule}` is not a rule name");
    }
    let mut expected = expectation.findings;
    expected.sort();
    Scenario {
        name,
        description: expectation.description,
        files,
        settings,
        settings_json: expectation.settings,
        allow: expectation.allow,
        expected,
    }
}
