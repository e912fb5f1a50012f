//! The bad-input corpus (`tests/bad-input/`) through the `aisgate` binary, as users run it:
//! every manifest exits 2 with errors naming the file, line and column (`finding-*` cases:
//! rule findings, exit 1), and every bad settings file exits 2 naming the field.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The corpus files of one kind, relative to the repository root.
fn cases(kind: &str) -> Vec<String> {
    let dir = repo_root().join("tests/bad-input").join(kind);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| format!("tests/bad-input/{kind}/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    files.sort();
    files
}

fn stem(path: &str) -> String {
    Path::new(path).file_stem().unwrap().to_string_lossy().into_owned()
}

fn aisgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aisgate")).current_dir(repo_root()).args(args).output().unwrap()
}

#[test]
fn bad_manifests_exit_2_with_located_errors() {
    for path in cases("manifests") {
        let name = stem(&path);
        let output = aisgate(&["lint", "--format", "json", &path]);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected_exit = if name.starts_with("finding-") { 1 } else { 2 };
        assert_eq!(output.status.code(), Some(expected_exit), "{name}: {report:#}");
        let errors = report["errors"].as_array().unwrap();
        if expected_exit == 2 {
            assert!(!errors.is_empty(), "{name}");
        } else {
            assert!(errors.is_empty() && report["summary"]["deny"].as_u64() > Some(0), "{name}: {report:#}");
        }
        for error in errors {
            assert_eq!(error["file"], json!(path), "{name}");
            assert!(error["line"].as_u64() >= Some(1) && error["column"].as_u64() >= Some(1), "{name}: {error}");
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        insta::assert_yaml_snapshot!(
            format!("manifest__{name}"),
            json!({"exit": output.status.code(), "errors": report["errors"], "findings": report["findings"], "summary": report["summary"], "stderr": stderr})
        );
    }
}

#[test]
fn bad_settings_exit_2_naming_the_field() {
    for path in cases("settings") {
        let name = stem(&path);
        let output = aisgate(&["lint", "--format", "json", "--settings", &path, "examples/storage.yaml"]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert!(output.stdout.is_empty(), "{name}: nothing is linted with settings it cannot read");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.starts_with(&format!("aisgate: {path}:")), "{name}: {stderr}");
        insta::assert_snapshot!(format!("settings__{name}"), stderr);
    }
}
