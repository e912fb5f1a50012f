//! End-to-end tests of the `aisgate` binary: every report format against golden files
//! (`tests/snapshots/`), exit codes, stdin, unreadable input, settings errors, annotations,
//! `fix`, `review`, colour and closed pipes. Inputs live in `tests/data/`.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde_json::{Value, json};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `aisgate` in `tests/data` with a clean colour environment.
fn aisgate_with(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aisgate"));
    command
        .args(args)
        .current_dir(data())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn aisgate(args: &[&str]) -> Run {
    aisgate_with(args, None, &[])
}

fn golden(name: &str, text: &str) {
    insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn text_report() {
    let run = aisgate(&["lint", "bundle"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    golden("lint_text", &run.stdout);
}

#[test]
fn json_report() {
    let run = aisgate(&["lint", "bundle", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    golden("lint_json", &run.stdout);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(
        report["summary"],
        json!({"files": 4, "documents": 6, "objects": 5, "skipped": 2, "deny": 7, "warn": 1})
    );
    // The Helm template an object came from is reported with it.
    let from_helm: Vec<&Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["file"] == "bundle/helm/rendered.yaml").collect();
    assert_eq!(from_helm.len(), 3);
    assert!(from_helm.iter().all(|f| f["helmSource"] == "ais-pv/templates/pv.yaml"));
}

#[test]
fn sarif_report() {
    let run = aisgate(&["lint", "bundle", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    golden("lint_sarif", &run.stdout);
    let sarif: serde_sarif::sarif::Sarif = serde_json::from_str(&run.stdout).unwrap();
    let run0 = &sarif.runs[0];
    let rules = run0.tool.driver.rules.as_ref().unwrap();
    assert_eq!(rules.len(), aisgate_core::registry::RULES.len());
    let host_port = rules.iter().find(|r| r.id == "AIS020").unwrap();
    assert!(host_port.help.as_ref().unwrap().text.starts_with("## What it does"));
    let result = run0.results.as_ref().unwrap().iter().find(|r| r.rule_id.as_deref() == Some("AIS020")).unwrap();
    let region = result.locations.as_ref().unwrap()[0].physical_location.as_ref().unwrap().region.as_ref().unwrap();
    assert_eq!((region.start_line, region.start_column), (Some(26), Some(15)));
}

#[test]
fn sarif_names_the_other_objects_of_a_finding_across_objects() {
    let scenario = repo_root().join("fixtures/bundles/duplicate-claim-ref");
    let run = aisgate(&["lint", "--format", "sarif", scenario.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let duplicates: Vec<(Value, Value)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "AIS403")
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"]["region"];
            let related = &r["relatedLocations"][0];
            (
                json!([at["startLine"], at["startColumn"]]),
                json!([related["message"]["text"], related["physicalLocation"]["region"]["startLine"]]),
            )
        })
        .collect();
    // Each of the two PVs pre-bound to one claim is reported, naming the other where it starts.
    assert_eq!(
        duplicates,
        vec![
            (json!([20, 13]), json!(["PersistentVolume node2-pv-ais-sda", 28])),
            (json!([38, 13]), json!(["PersistentVolume node1-pv-ais-sda", 10])),
        ]
    );
}

#[test]
fn junit_report() {
    let run = aisgate(&["lint", "bundle", "--format", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    golden("lint_junit", &run.stdout);
}

#[test]
fn github_report() {
    let run = aisgate(&["lint", "bundle", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    golden("lint_github", &run.stdout);
    assert!(run.stdout.contains(
        "::error file=bundle/aistore.yaml,line=26,col=15,title=AIS020 host-port-on-shared-node::hostPort 51081 on targets"
    ));
}

#[test]
fn output_file_has_the_report_without_colour() {
    let dir = std::env::temp_dir().join(format!("aisgate-output-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.txt");
    let run = aisgate(&["--color", "always", "lint", "bundle", "--output", file.to_str().unwrap()]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, aisgate(&["lint", "bundle"]).stdout);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn colour_on_request_and_never_with_no_color() {
    let forced = aisgate_with(&["lint", "bundle/pv.json"], None, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.stdout.contains("\u{1b}[1m\u{1b}[31mdeny AIS203"), "{}", forced.stdout);
    let no_color = aisgate_with(&["lint", "bundle/pv.json"], None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no_color.stdout.contains('\u{1b}'));
    // Not a terminal: no colour.
    assert!(!aisgate(&["lint", "bundle/pv.json"]).stdout.contains('\u{1b}'));
}

#[test]
fn exit_codes_follow_fail_on() {
    // A warning only (mutable tag).
    let warn_only = "apiVersion: ais.nvidia.com/v1beta1\nkind: AIStore\nmetadata: {name: ais, namespace: ais}\nspec:\n  size: 1\n  nodeImage: aistorage/aisnode:latest\n  stateStorage: {emptyDir: {}}\n";
    let code = |args: &[&str], stdin: &str| aisgate_with(args, Some(stdin), &[]).code;
    assert_eq!(code(&["lint", "-"], warn_only), 0);
    assert_eq!(code(&["lint", "-", "--fail-on", "warn"], warn_only), 1);
    assert_eq!(code(&["lint", "-", "--fail-on", "never"], warn_only), 0);
    assert_eq!(aisgate(&["lint", "bundle/pv.json"]).code, 1);
    assert_eq!(aisgate(&["lint", "bundle/pv.json", "--fail-on", "never"]).code, 0);
    assert_eq!(aisgate(&["lint", "bundle/helm/values.yaml"]).code, 0);
    // Usage errors.
    assert_eq!(aisgate(&["lint"]).code, 2);
    assert_eq!(aisgate(&["lint", "bundle", "--format", "xml"]).code, 2);
    let missing = aisgate(&["lint", "no-such-file.yaml", "--format", "json"]);
    assert_eq!(missing.code, 2);
    let report: Value = serde_json::from_str(&missing.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["errors"][0]["file"], "no-such-file.yaml");
}

#[test]
fn stdin_is_read_and_named_dash() {
    let text = std::fs::read_to_string(data().join("bundle/pv.json")).unwrap();
    let run = aisgate_with(&["lint", "-", "--format", "json"], Some(&text), &[]);
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(
        (finding["file"].as_str(), finding["line"].as_u64(), finding["column"].as_u64()),
        (Some("-"), Some(9), Some(38))
    );
}

#[test]
fn a_broken_file_is_an_error_and_the_others_are_still_reported() {
    let run = aisgate(&["lint", "broken", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["errors"],
        json!([{"file": "broken/unreadable.yaml", "line": 6, "column": 5,
                "message": "YAML syntax error: while parsing a flow mapping, did not find expected ',' or '}'"}])
    );
    let found: Vec<(&str, &str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["code"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, [("broken/good.yaml", "AIS201", 5), ("broken/good.yaml", "AIS203", 9)]);
    assert_eq!(report["summary"]["files"], 2);
    let text = aisgate(&["lint", "broken"]);
    assert!(text.stdout.contains("broken/unreadable.yaml:6:5: error: YAML syntax error"), "{}", text.stdout);
}

#[test]
fn settings_errors_name_the_file_line_and_field() {
    let run = aisgate(&["lint", "bundle", "--settings", "settings/unknown-key.yaml"]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    assert_eq!(
        run.stderr,
        "aisgate: settings/unknown-key.yaml:3:1: invalid settings: (root): unknown field `mutation`, expected one of \
         `rules`, `mutations`, `exemptions`, `aisStorageClasses`, `staticStorageClasses`, `topologyKeys`, `sharedNodeAnnotation`, \
         `networkCsiDrivers`, `statefulSetSelector`, `clusterContext`, `limits`\n"
    );
    let run = aisgate(&["lint", "bundle", "--settings", "settings/bad-level.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "aisgate: settings/bad-level.yaml:2:22: invalid settings: rules.mutable-image-tag: unknown variant `error`, \
         expected one of `deny`, `warn`, `off`\n"
    );
    let run = aisgate(&["lint", "bundle", "--settings", "settings/none.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("aisgate: settings: cannot read settings/none.yaml: "), "{}", run.stderr);
}

#[test]
fn settings_switch_rules_off_and_exempt_findings() {
    let run = aisgate(&["lint", "bundle/aistore.yaml", "--settings", "settings/quiet.yaml", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["AIS001"]);
    let suppressed = &report["suppressed"][0];
    assert_eq!(
        (&suppressed["code"], &suppressed["reason"], &suppressed["suppressedBy"]),
        (&json!("AIS020"), &json!("single-node dev cluster"), &json!("settings"))
    );
}

#[test]
fn annotations_exempt_offline_and_need_a_reason() {
    let run = aisgate(&["lint", "annotated.yaml", "--format", "json"]);
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let suppressed: Vec<(&str, &str, &str)> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["reason"].as_str().unwrap(), f["suppressedBy"].as_str().unwrap()))
        .collect();
    assert_eq!(
        suppressed,
        [
            ("AIS201", "scratch disk, rebuilt nightly", "annotation"),
            ("AIS203", "scratch disk, rebuilt nightly", "annotation")
        ]
    );
    // Without a reason the annotation exempts nothing, and says why.
    assert_eq!(report["findings"][0]["object"]["name"], "scratch-sdb");
    assert_eq!(
        report["errors"],
        json!([{"file": "annotated.yaml", "line": 22, "column": 24,
                "message": "aisgate.io/ignore needs aisgate.io/ignore-reason: say why these findings are accepted"}])
    );
    let sarif: Value = serde_json::from_str(&aisgate(&["lint", "annotated.yaml", "--format", "sarif"]).stdout).unwrap();
    let suppressions: Vec<&Value> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().filter_map(|r| r.get("suppressions")).collect();
    assert_eq!(suppressions.len(), 2);
    assert_eq!(suppressions[0], &json!([{"kind": "inSource", "justification": "scratch disk, rebuilt nightly"}]));
}

#[test]
fn fix_edits_in_place_keeps_untouched_documents_and_is_idempotent() {
    let text = std::fs::read_to_string(data().join("bundle/helm/rendered.yaml")).unwrap();
    let once = aisgate_with(&["fix", "-"], Some(&text), &[]);
    assert_eq!(once.code, 0, "{}", once.stderr);
    assert_eq!(
        once.stdout,
        text.replace("persistentVolumeReclaimPolicy: Delete", "persistentVolumeReclaimPolicy: Retain")
    );
    assert_eq!(
        once.stderr,
        "-:21:38: fixed AIS203 pv-reclaim-deletes-data: set persistentVolumeReclaimPolicy to Retain (was Delete)\n"
    );
    let twice = aisgate_with(&["fix", "-"], Some(&once.stdout), &[]);
    assert_eq!((twice.code, twice.stdout.as_str(), twice.stderr.as_str()), (0, once.stdout.as_str(), ""));

    let aistore = std::fs::read_to_string(data().join("bundle/aistore.yaml")).unwrap();
    let fixed = aisgate_with(&["fix", "-"], Some(&aistore), &[]);
    assert_eq!(fixed.stdout, aistore.replace("  enablePromExporter: true              # removed from the CRD\n", ""));
}

#[test]
fn fix_diff_and_write() {
    let run = aisgate(&["fix", "bundle", "--diff"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    golden("fix_diff", &run.stdout);
    let dir = std::env::temp_dir().join(format!("aisgate-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["aistore.yaml", "pv.json"] {
        std::fs::copy(data().join("bundle").join(name), dir.join(name)).unwrap();
    }
    std::fs::write(dir.join("clean.yaml"), "# nothing to fix\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n")
        .unwrap();
    let run = aisgate(&["fix", dir.to_str().unwrap(), "--write"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    let pv = std::fs::read_to_string(dir.join("pv.json")).unwrap();
    assert!(pv.contains("\"persistentVolumeReclaimPolicy\": \"Retain\","), "{pv}");
    serde_json::from_str::<Value>(&pv).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("clean.yaml")).unwrap(),
        "# nothing to fix\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n"
    );
    assert_eq!(aisgate(&["fix", dir.to_str().unwrap(), "--diff"]).code, 0);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Every finding on every rule fixture points at its node: the text at its line and column
/// starts with the node's key or its value.
#[test]
fn positions_match_the_fixture_text() {
    let fixtures = repo_root().join("fixtures");
    let run = aisgate(&["lint", fixtures.to_str().unwrap(), "--format", "json", "--fail-on", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() > 100, "only {} findings", findings.len());
    for finding in findings {
        let file = finding["file"].as_str().unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        let line = text.lines().nth(usize::try_from(finding["line"].as_u64().unwrap() - 1).unwrap()).unwrap();
        let column = usize::try_from(finding["column"].as_u64().unwrap()).unwrap();
        let at: String = line.chars().skip(column - 1).collect();
        let before: String = line.chars().take(column - 1).collect();
        let before = before.trim_end();
        let path = finding["path"].as_str().unwrap();
        let last = path.rsplit(['.', '[']).next().unwrap().trim_end_matches(']').trim_matches('\'');
        let ok = if last.parse::<usize>().is_ok() {
            // A sequence item: after its dash or bracket or comma.
            before.ends_with(['-', '[', ','])
        } else {
            // A key, or a value just after its key.
            at.starts_with(last)
                || at.starts_with(&format!("\"{last}\""))
                || before.ends_with(&format!("{last}:"))
                || before.ends_with(&format!("\"{last}\":"))
                || path == "$"
        };
        assert!(ok, "{file}:{}:{column}: `{at}` is not at {path}", finding["line"]);
    }
}

#[test]
fn rules_and_explain() {
    let json_rules: Value = serde_json::from_str(&aisgate(&["rules", "--format", "json"]).stdout).unwrap();
    let rules = json_rules.as_array().unwrap();
    assert_eq!(rules.len(), aisgate_core::registry::RULES.len());
    assert_eq!(rules[0]["code"], "AIS001");
    assert_eq!(rules[0]["fix"]["mutation"], Value::Null);
    let markdown = aisgate(&["rules", "--format", "markdown"]).stdout;
    assert!(markdown.starts_with("| code | name | severity | scope | fix | what it catches |\n|---|"));
    assert_eq!(markdown.lines().count(), rules.len() + 2);
    let text = aisgate(&["rules"]).stdout;
    assert!(text.lines().any(|l| l.starts_with("AIS203  pv-reclaim-deletes-data") && l.contains(" deny  fix ")));
    let explain = aisgate(&["explain", "host-port-on-shared-node"]);
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.starts_with("# AIS020 host-port-on-shared-node (deny)\n\n## What it does\n"));
    assert_eq!(aisgate(&["explain", "ais020"]).stdout, explain.stdout);
    let unknown = aisgate(&["explain", "AIS999"]);
    assert_eq!((unknown.code, unknown.stderr.as_str()), (2, "aisgate: no rule `AIS999`; `aisgate rules` lists them\n"));
}

#[test]
fn review_answers_as_the_policy_with_the_patch() {
    let run = aisgate(&["review", "review/create-pv-delete.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let review: Value = serde_json::from_str(&run.stdout).unwrap();
    let response = &review["response"];
    assert_eq!(response["uid"], "0d6b3a1e-2f7c-4d2b-9a51-1f1f5b0c9e01");
    assert_eq!(response["allowed"], true);
    assert_eq!(response["patchType"], "JSONPatch");
    let patch = base64::engine::general_purpose::STANDARD.decode(response["patch"].as_str().unwrap()).unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&patch).unwrap(),
        json!([{"op": "replace", "path": "/spec/persistentVolumeReclaimPolicy", "value": "Retain"}])
    );
    assert_eq!(
        response["warnings"],
        json!(["AIS203 pv-reclaim-deletes-data: fixed: set persistentVolumeReclaimPolicy to Retain (was Delete)"])
    );

    let denied = aisgate(&["review", "review/create-aistore-host-port.yaml"]);
    assert_eq!(denied.code, 1);
    golden("review_denied", &denied.stdout);

    // The same settings as the policy: switching the mutation off leaves the PV denied.
    let settings = "settings/no-retain.json";
    std::fs::write(data().join(settings), r#"{"mutations": {"retainReclaimPolicy": false}}"#).unwrap();
    let run = aisgate(&["review", "review/create-pv-delete.json", "--settings", settings]);
    std::fs::remove_file(data().join(settings)).unwrap();
    let review: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!((run.code, &review["response"]["allowed"]), (1, &json!(false)));

    let not_a_review = aisgate(&["review", "bundle/pv.json"]);
    assert_eq!(not_a_review.code, 2);
    assert_eq!(
        not_a_review.stderr,
        "aisgate: bundle/pv.json: not an AdmissionReview (expected kind: AdmissionReview)\n"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let fixtures = repo_root().join("fixtures");
    let fixtures = fixtures.to_str().unwrap();
    // Enough output to fill the pipe several times over.
    let mut child = Command::new(env!("CARGO_BIN_EXE_aisgate"))
        .args(["lint", fixtures, fixtures, fixtures, fixtures, fixtures, "--fail-on", "never"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0; 64];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn old_versions_enable_update_rules() {
    let fixture = repo_root().join("fixtures/immutable-field-changed/deny-aistore-mounts-and-host-port");
    let new = fixture.with_extension("yaml");
    let old = fixture.with_extension("old.yaml");
    let without = aisgate(&["lint", new.to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&without.stdout).unwrap();
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["code"] != "AIS040"));
    let with = aisgate(&["lint", new.to_str().unwrap(), "--old", old.to_str().unwrap(), "--format", "json"]);
    assert_eq!(with.code, 1, "{}", with.stderr);
    let report: Value = serde_json::from_str(&with.stdout).unwrap();
    let found: Vec<(&str, &str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "AIS040")
        .map(|f| (f["code"].as_str().unwrap(), f["path"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, [("AIS040", "$.spec.targetSpec", 22), ("AIS040", "$.spec.targetSpec.mounts", 28)]);
}

#[test]
fn hostile_yaml_is_refused_with_its_location() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..6 {
        let previous = if i == 0 { "a".to_owned() } else { format!("l{}", i - 1) };
        let _ = writeln!(bomb, "l{i}: &l{i} [{}]", vec![format!("*{previous}"); 10].join(", "));
    }
    let run = aisgate_with(&["lint", "-", "--format", "json"], Some(&bomb), &[]);
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["errors"][0]["message"],
        "aliases expand to too many nodes (a possible YAML bomb), over the limit of 100000 nodes; raise it with the setting limits.maxAliasNodes"
    );
    assert_eq!((report["errors"][0]["line"].as_u64(), report["errors"][0]["file"].as_str()), (Some(5), Some("-")));
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let run = aisgate_with(&["lint", "-", "--format", "json"], Some(&deep), &[]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (run.code, &report["errors"][0]["message"], &report["errors"][0]["column"]),
        (
            2,
            &json!("nesting too deep, over the limit of 128 levels; raise it with the setting limits.maxDepth"),
            &json!(129)
        )
    );
}

#[test]
fn binary_files_are_reported_not_read() {
    let dir = std::env::temp_dir().join(format!("aisgate-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("latin1.yaml"), b"kind: PersistentVolume\nname: caf\xe9\n").unwrap();
    std::fs::write(dir.join("notes.txt"), b"not a manifest").unwrap();
    let run = aisgate(&["lint", dir.to_str().unwrap(), "--format", "json"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let file = dir.join("latin1.yaml").display().to_string();
    assert_eq!(
        report["errors"],
        json!([{"file": file, "line": 2, "column": 10, "message": "not UTF-8 text: byte 0xE9 at offset 32; save the file as UTF-8"}])
    );
    assert_eq!(report["summary"]["files"], 1);
}
