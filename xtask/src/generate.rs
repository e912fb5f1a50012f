//! Every generated file, computed from the code: `cargo xtask gen` writes them and
//! `cargo xtask gen --check` (run by `cargo test`) fails when one is stale.
//!
//! | file | from |
//! |---|---|
//! | `docs/rules/<code>-<name>.md` | each rule's doc comment and catalog entry (`registry::RULES`) |
//! | README rule table (between markers) | the registry |
//! | README policy build commands (between markers) | `policy_build`'s flags |
//! | `docs/settings.md`, `docs/settings.schema.json` | the settings type's JSON Schema |
//! | `policy/metadata.yml` rules and `mutating` (between markers) | the engine's targeted kinds and fixes |
//! | version numbers (README, metadata, deploy/) | the workspace version |
//! | `artifacthub/artifacthub-pkg.yml`, `artifacthub-repo.yml` | metadata.yml, questions-ui.yml, version |

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use aisgate_core::model::Kind;
use aisgate_core::registry::RULES;
use aisgate_core::rule::{Operation, RuleMeta};
use aisgate_core::settings::Mutations;
use regex::Regex;

use crate::annotate::{AnnotateError, PolicyMetadata};
use crate::artifacthub::{self, PackageError, PackageInputs};
use crate::settings_doc::{self, SchemaError};

/// The release: the workspace version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub const README: &str = "README.md";
/// The policy's usage text, embedded in the annotated module.
pub const POLICY_README: &str = "policy/README.md";
pub const METADATA: &str = "policy/metadata.yml";
pub const QUESTIONS_UI: &str = "policy/questions-ui.yml";
pub const PACKAGE: &str = "artifacthub/artifacthub-pkg.yml";
pub const REPOSITORY: &str = "artifacthub/artifacthub-repo.yml";
pub const RULE_DOCS: &str = "docs/rules";
const SETTINGS_DOC: &str = "docs/settings.md";
const SETTINGS_SCHEMA: &str = "docs/settings.schema.json";
/// Directories whose YAML files carry the release version in image references.
const STAMPED_DIRS: &[&str] = &["deploy"];

const TABLE_BEGIN: &str = "<!-- BEGIN GENERATED: rule table (cargo xtask gen) -->";
const TABLE_END: &str = "<!-- END GENERATED: rule table -->";
const BUILD_BEGIN: &str = "<!-- BEGIN GENERATED: policy build (cargo xtask gen) -->";
const BUILD_END: &str = "<!-- END GENERATED: policy build -->";
const POLICY_TABLE_BEGIN: &str = "<!-- BEGIN GENERATED: policy rule table (cargo xtask gen) -->";
const POLICY_TABLE_END: &str = "<!-- END GENERATED: policy rule table -->";
const RULES_BEGIN: &str = "# BEGIN GENERATED: admission rules (cargo xtask gen) from the engine's targeted kinds";
const RULES_END: &str = "# END GENERATED: admission rules";

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Content { path: String, message: String },
    #[error(transparent)]
    Metadata(#[from] AnnotateError),
    #[error(transparent)]
    Package(#[from] PackageError),
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// A generated file: its path from the repository root (with `/`) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: String,
    pub content: String,
}

fn read(root: &Path, path: &str) -> Result<String, GenError> {
    std::fs::read_to_string(root.join(path)).map_err(|source| GenError::Io { path: path.to_owned(), source })
}

fn read_optional(root: &Path, path: &str) -> Result<Option<String>, GenError> {
    match std::fs::read_to_string(root.join(path)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(GenError::Io { path: path.to_owned(), source }),
    }
}

/// Replaces the lines strictly between the `begin` and `end` marker lines.
fn replace_between(text: &str, path: &str, begin: &str, end: &str, body: &str) -> Result<String, GenError> {
    let missing = |marker: &str| GenError::Content {
        path: path.to_owned(),
        message: format!("marker line `{marker}` not found"),
    };
    let start = text.find(begin).ok_or_else(|| missing(begin))?;
    let body_start = text[start..].find('\n').map(|i| start + i + 1).ok_or_else(|| missing(begin))?;
    let body_end = text[body_start..].find(end).map(|i| body_start + i).ok_or_else(|| missing(end))?;
    Ok(format!("{}{body}{}", &text[..body_start], &text[body_end..]))
}

/// Sets every version reference that names an aisgate release to `version`.
fn stamp_version(text: &str, version: &str) -> String {
    // Image tags, action and hook refs, and the policy version annotation.
    static PATTERNS: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let pattern = PATTERNS.get_or_init(|| {
        Regex::new(
            r"(?m)(?P<lead>policies/aisgate:v|aisgate/aisgate@v|aisgate/aisgate\n\s+rev: v|^\s*io\.kubewarden\.policy\.version: )[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?",
        )
        .expect("the version pattern is valid")
    });
    pattern.replace_all(text, |caps: &regex::Captures<'_>| format!("{}{version}", &caps["lead"])).into_owned()
}

/// The path of a rule's page.
#[must_use]
pub fn rule_doc_path(meta: &RuleMeta) -> String {
    format!("{RULE_DOCS}/{}-{}.md", meta.code, meta.name)
}

fn fix_text(meta: &RuleMeta) -> String {
    let Some(fix) = meta.fix else { return "-".to_owned() };
    let mut text = fix.summary.to_owned();
    match fix.mutation {
        Some(mutation) => {
            let on = Mutations::default().enabled(mutation);
            let _ = write!(
                text,
                " (admission: `mutations.{}`, {} by default{})",
                mutation.key(),
                if on { "on" } else { "off" },
                if fix.create_only { ", CREATE only" } else { "" }
            );
        }
        None => text.push_str(" (offline `fix` only)"),
    }
    text
}

fn rule_doc(meta: &RuleMeta) -> String {
    let file_name = Path::new(meta.file).file_name().and_then(|f| f.to_str()).unwrap_or(meta.file);
    format!(
        "<!-- Generated by `cargo xtask gen` from {file}; edit its doc comment. -->\n\n\
         # {code} {name}\n\n{summary}.\n\n\
         | | |\n|---|---|\n\
         | Default severity | `{severity}` |\n| Scope | {scope} |\n| Fix | {fix} |\n\
         | Source | [{file_name}](../../{file}) |\n\n\
         Set its level with the `rules` setting (`{name}: deny`, `warn` or `off`); `aisgate explain {code}` prints the documentation below.\n\n{doc}",
        file = meta.file,
        code = meta.code,
        name = meta.name,
        summary = meta.summary,
        severity = meta.severity.as_str(),
        scope = meta.scope.as_str(),
        fix = fix_text(meta).replace('|', "\\|"),
        doc = meta.documentation(),
    )
}

fn rule_table() -> String {
    let mut table =
        String::from("| Code | Name | Severity | Scope | Fix | What it catches |\n|---|---|---|---|---|---|\n");
    for rule in RULES {
        let meta = rule.meta();
        let fix = meta.fix.map_or("-", |fix| fix.summary);
        let _ = writeln!(
            table,
            "| [{code}]({path}) | `{name}` | {severity} | {scope} | {fix} | {summary} |",
            code = meta.code,
            path = rule_doc_path(meta),
            name = meta.name,
            severity = meta.severity.as_str(),
            scope = meta.scope.as_str(),
            fix = fix.replace('|', "\\|"),
            summary = meta.summary.replace('|', "\\|"),
        );
    }
    table
}

/// The policy README's rule table: short, without links (it is read inside the module, by
/// `kwctl inspect` and on Artifact Hub), with the setting that turns each fix on at admission.
fn policy_rule_table() -> String {
    let mut table = String::from(
        "| Code | Name | Severity | Scope | Fix at admission | What it catches |\n|---|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let meta = rule.meta();
        let fix = match meta.fix.and_then(|fix| fix.mutation) {
            Some(mutation) => {
                format!("`{}` ({})", mutation.key(), if Mutations::default().enabled(mutation) { "on" } else { "off" })
            }
            None => "-".to_owned(),
        };
        let _ = writeln!(
            table,
            "| {code} | `{name}` | {severity} | {scope} | {fix} | {summary} |",
            code = meta.code,
            name = meta.name,
            severity = meta.severity.as_str(),
            scope = meta.scope.as_str(),
            summary = meta.summary.replace('|', "\\|"),
        );
    }
    table
}

/// `policy/metadata.yml`'s admission rules: one per API group and version, the kinds the
/// engine reads, the operations it handles; `mutating` when any rule fixes at admission.
fn admission_rules() -> String {
    let quoted = |items: &[&str]| items.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(", ");
    let operations: Vec<&str> = Operation::ALL.iter().map(|op| op.as_str()).collect();
    let mut groups: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for kind in Kind::ALL {
        let api = kind.resource();
        match groups.iter_mut().find(|(g, v, _)| *g == api.group && *v == api.version) {
            Some((_, _, resources)) => resources.push(api.resource),
            None => groups.push((api.group, api.version, vec![api.resource])),
        }
    }
    let mut text = String::from("rules:\n");
    for (group, version, resources) in groups {
        let _ = write!(
            text,
            "  - apiGroups: [{}]\n    apiVersions: [{}]\n    resources: [{}]\n    operations: [{}]\n",
            quoted(&[group]),
            quoted(&[version]),
            quoted(&resources),
            quoted(&operations)
        );
    }
    let mutating = RULES.iter().any(|rule| rule.meta().fix.is_some_and(|fix| fix.mutation.is_some()));
    let _ = writeln!(text, "mutating: {mutating}");
    text
}

/// A top-level string field of a YAML file we generated earlier; `None` when absent or unreadable
/// (then it is regenerated).
fn top_level_value(text: &str, key: &str) -> Option<String> {
    let value = crate::yaml::to_value(text, "").ok()?;
    value.get(key)?.as_str().map(str::to_owned)
}

/// The `createdAt` to write: kept while the version is unchanged, else now.
fn created_at(existing: Option<&str>) -> String {
    if let Some(existing) = existing
        && top_level_value(existing, "version").as_deref() == Some(VERSION)
        && let Some(created) = top_level_value(existing, "createdAt")
    {
        return created;
    }
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn stamped_files(root: &Path) -> Result<Vec<String>, GenError> {
    let mut files = Vec::new();
    for dir in STAMPED_DIRS {
        let entries = match std::fs::read_dir(root.join(dir)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(GenError::Io { path: (*dir).to_owned(), source }),
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let extension = Path::new(&name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            if matches!(extension.as_deref(), Some("yaml" | "yml")) {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Every generated file's expected content.
pub fn outputs(root: &Path) -> Result<Vec<Output>, GenError> {
    let mut outputs = Vec::new();
    for rule in RULES {
        outputs.push(Output { path: rule_doc_path(rule.meta()), content: rule_doc(rule.meta()) });
    }
    let schema = settings_doc::schema();
    outputs.push(Output { path: SETTINGS_DOC.to_owned(), content: settings_doc::render(&schema)? });
    let schema_json = serde_json::to_string_pretty(&schema).unwrap_or_default();
    outputs.push(Output { path: SETTINGS_SCHEMA.to_owned(), content: format!("{schema_json}\n") });

    let readme = read(root, README)?;
    let readme = replace_between(&readme, README, TABLE_BEGIN, TABLE_END, &rule_table())?;
    let readme = replace_between(&readme, README, BUILD_BEGIN, BUILD_END, &crate::policy_build::shell_commands())?;
    outputs.push(Output { path: README.to_owned(), content: stamp_version(&readme, VERSION) });
    let policy_readme = read(root, POLICY_README)?;
    let policy_readme =
        replace_between(&policy_readme, POLICY_README, POLICY_TABLE_BEGIN, POLICY_TABLE_END, &policy_rule_table())?;
    outputs.push(Output { path: POLICY_README.to_owned(), content: stamp_version(&policy_readme, VERSION) });

    let metadata_text = read(root, METADATA)?;
    let metadata_text = replace_between(&metadata_text, METADATA, RULES_BEGIN, RULES_END, &admission_rules())?;
    let metadata_text = stamp_version(&metadata_text, VERSION);
    let metadata = PolicyMetadata::from_yaml(&metadata_text, METADATA)?;
    outputs.push(Output { path: METADATA.to_owned(), content: metadata_text });

    for path in stamped_files(root)? {
        let text = read(root, &path)?;
        outputs.push(Output { content: stamp_version(&text, VERSION), path });
    }

    let existing_package = read_optional(root, PACKAGE)?;
    let created = created_at(existing_package.as_deref());
    let questions_ui = read(root, QUESTIONS_UI)?;
    let inputs = PackageInputs { version: VERSION, created_at: &created, questions_ui: &questions_ui };
    outputs.push(Output { path: PACKAGE.to_owned(), content: artifacthub::package(&metadata, inputs)? });
    let repository_id = read_optional(root, REPOSITORY)?.and_then(|text| top_level_value(&text, "repositoryID"));
    outputs.push(Output {
        path: REPOSITORY.to_owned(),
        content: artifacthub::repository(&metadata, repository_id.as_deref())?,
    });
    Ok(outputs)
}

/// A generated file that differs from what the code says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// Missing or different content.
    Outdated(String),
    /// A page under `docs/rules/` that no rule generates.
    Orphan(String),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Outdated(path) => write!(f, "{path} is stale"),
            Stale::Orphan(path) => write!(f, "{path} belongs to no rule"),
        }
    }
}

/// The content compared for freshness: `createdAt` is a timestamp, not content.
fn comparable(path: &str, text: &str) -> String {
    if path == PACKAGE {
        text.lines().filter(|line| !line.starts_with("createdAt:")).collect::<Vec<_>>().join("\n")
    } else {
        text.to_owned()
    }
}

fn orphans(root: &Path, outputs: &[Output]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(RULE_DOCS)) else { return Vec::new() };
    let mut orphans: Vec<String> = entries
        .flatten()
        .map(|e| format!("{RULE_DOCS}/{}", e.file_name().to_string_lossy()))
        .filter(|path| !outputs.iter().any(|o| &o.path == path))
        .collect();
    orphans.sort();
    orphans
}

/// What `gen` would change; empty when everything is fresh.
pub fn check(root: &Path) -> Result<Vec<Stale>, GenError> {
    let outputs = outputs(root)?;
    let mut stale = Vec::new();
    for output in &outputs {
        let current = read_optional(root, &output.path)?;
        if current.as_deref().map(|c| comparable(&output.path, c)) != Some(comparable(&output.path, &output.content)) {
            stale.push(Stale::Outdated(output.path.clone()));
        }
    }
    stale.extend(orphans(root, &outputs).into_iter().map(Stale::Orphan));
    Ok(stale)
}

/// Writes every stale file and deletes orphan rule pages; returns what changed.
pub fn write(root: &Path) -> Result<Vec<Stale>, GenError> {
    let outputs = outputs(root)?;
    let mut changed = Vec::new();
    for output in &outputs {
        let path: PathBuf = root.join(&output.path);
        if read_optional(root, &output.path)?.as_deref() == Some(output.content.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| GenError::Io { path: output.path.clone(), source })?;
        }
        std::fs::write(&path, &output.content).map_err(|source| GenError::Io { path: output.path.clone(), source })?;
        changed.push(Stale::Outdated(output.path.clone()));
    }
    for orphan in orphans(root, &outputs) {
        std::fs::remove_file(root.join(&orphan)).map_err(|source| GenError::Io { path: orphan.clone(), source })?;
        changed.push(Stale::Orphan(orphan));
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_release_references_only() {
        let text = "image: ghcr.io/aisgate/policies/aisgate:v0.0.9\nuses: aisgate/aisgate@v0.0.9\n  - repo: https://github.com/aisgate/aisgate\n    rev: v0.0.9\n  io.kubewarden.policy.version: 0.0.9\nother: ghcr.io/kubewarden/policies/pod-privileged:v0.0.9\nrev: v0.0.9\n";
        assert_eq!(
            stamp_version(text, "1.2.3"),
            "image: ghcr.io/aisgate/policies/aisgate:v1.2.3\nuses: aisgate/aisgate@v1.2.3\n  - repo: https://github.com/aisgate/aisgate\n    rev: v1.2.3\n  io.kubewarden.policy.version: 1.2.3\nother: ghcr.io/kubewarden/policies/pod-privileged:v0.0.9\nrev: v0.0.9\n"
        );
    }

    #[test]
    fn replaces_between_markers_and_names_a_missing_one() {
        assert_eq!(
            replace_between("a\n<b>\nold\n<e>\nz\n", "f", "<b>", "<e>", "new\n").unwrap(),
            "a\n<b>\nnew\n<e>\nz\n"
        );
        assert_eq!(
            replace_between("a\n", "README.md", "<b>", "<e>", "").unwrap_err().to_string(),
            "README.md: marker line `<b>` not found"
        );
    }

    #[test]
    fn admission_rules_cover_the_targeted_kinds() {
        assert_eq!(
            admission_rules(),
            "rules:\n  - apiGroups: [\"ais.nvidia.com\"]\n    apiVersions: [\"v1beta1\"]\n    resources: [\"aistores\"]\n    operations: [\"CREATE\", \"UPDATE\"]\n  - apiGroups: [\"apps\"]\n    apiVersions: [\"v1\"]\n    resources: [\"statefulsets\"]\n    operations: [\"CREATE\", \"UPDATE\"]\n  - apiGroups: [\"\"]\n    apiVersions: [\"v1\"]\n    resources: [\"persistentvolumes\", \"persistentvolumeclaims\"]\n    operations: [\"CREATE\", \"UPDATE\"]\nmutating: true\n"
        );
    }

    #[test]
    fn created_at_is_kept_while_the_version_is_unchanged() {
        let same = format!("version: {VERSION}\ncreatedAt: \"2026-01-02T03:04:05Z\"\n");
        assert_eq!(created_at(Some(&same)), "2026-01-02T03:04:05Z");
        let older = created_at(Some("version: 0.0.0\ncreatedAt: 2026-01-02T03:04:05Z\n"));
        assert_ne!(older, "2026-01-02T03:04:05Z");
        assert!(time::OffsetDateTime::parse(&older, &time::format_description::well_known::Rfc3339).is_ok(), "{older}");
    }
}
