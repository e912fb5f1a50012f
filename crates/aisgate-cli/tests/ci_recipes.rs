//! The CI entry points run the command lines they define: the pre-commit hook
//! (`.pre-commit-hooks.yaml`), the GitHub Action's lint and fail steps (`action.yml`), and the
//! README's `helm template … | aisgate lint -` recipe (the rendered chart fed on stdin).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    let parsed = aisgate_lint::source::parse(&text, &aisgate_lint::source::Limits::default());
    assert!(parsed.error.is_none(), "{path}: {:?}", parsed.error);
    parsed.documents.into_iter().next().unwrap().value
}

/// PATH with the `aisgate` under test first, as an installed CLI would be.
fn path_with_aisgate() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_aisgate")).parent().unwrap().display().to_string();
    format!("{bin}:{}", std::env::var("PATH").unwrap_or_default())
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aisgate-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn assert_sarif(path: &Path, expected_rules: &[&str]) {
    let sarif: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let mut rules: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    rules.sort_unstable();
    assert_eq!(rules, expected_rules);
    for result in results {
        let line = &result["locations"][0]["physicalLocation"]["region"]["startLine"];
        assert!(line.as_u64().is_some_and(|l| l > 1), "a real region: {result}");
    }
}

fn bash(script: &str, dir: &Path, env: &[(&str, String)]) -> Output {
    let mut command = Command::new("bash");
    command.args(["-e", "-c", script]).current_dir(dir).env("PATH", path_with_aisgate());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

const EXAMPLE_RULES: [&str; 8] = ["AIS002", "AIS020", "AIS020", "AIS021", "AIS034", "AIS201", "AIS203", "AIS204"];

#[test]
fn pre_commit_hook_lints_the_committed_manifests() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "aisgate-lint");
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    let exclude = regex::Regex::new(hook["exclude"].as_str().unwrap()).unwrap();
    assert!(exclude.is_match("charts/ais/templates/target.yaml") && !exclude.is_match("deploy/ais.yaml"));
    // The files pre-commit would pass: those of examples/ that the hook's patterns select.
    let mut staged = vec![
        "examples/aistore.yaml".to_owned(),
        "examples/storage.yaml".to_owned(),
        "examples/generated/ais-target-statefulset.yaml".to_owned(),
        "README.md".to_owned(),
    ];
    staged.retain(|f| files.is_match(f) && !exclude.is_match(f));
    assert_eq!(staged.len(), 3);
    // pre-commit runs `entry` (split like a shell would) + `args` + the file names.
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    let args: Vec<String> = hook
        .get("args")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    let output = Command::new(entry[0])
        .args(&entry[1..])
        .args(&args)
        .args(&staged)
        .current_dir(repo_root())
        .env("PATH", path_with_aisgate())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.ends_with("6 deny, 2 warn in 7 objects (7 documents, 0 skipped, 3 files)\n"), "{stdout}");
}

/// A step of action.yml with `${{ inputs.X }}` replaced by `inputs`.
fn step_env(step: &Value, inputs: &[(&str, &str)]) -> Vec<(String, String)> {
    step["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, value)| {
            let mut value = value.as_str().unwrap().to_owned();
            for (name, input) in inputs {
                value = value.replace(&format!("${{{{ inputs.{name} }}}}"), input);
            }
            (key.clone(), value)
        })
        .collect()
}

#[test]
fn github_action_lints_writes_sarif_and_fails_the_job() {
    let action = yaml("action.yml");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let lint = steps.iter().find(|s| s["id"] == "lint").unwrap();
    let fail = steps.iter().find(|s| s["name"] == "Fail on findings").unwrap();
    let upload = steps.iter().find(|s| s["name"] == "Upload SARIF").unwrap();
    assert_eq!(upload["uses"], "github/codeql-action/upload-sarif@v3");
    assert!(repo_root().join("crates/aisgate-cli/Cargo.toml").exists(), "the install step's path");

    let dir = scratch("action");
    let sarif = dir.join("aisgate.sarif");
    let outputs = dir.join("github-output");
    let default = |name: &str| action["inputs"][name]["default"].as_str().unwrap().to_owned();
    let fail_on = default("fail-on");
    let inputs = [
        ("paths", "examples/"),
        ("settings", ""),
        ("fail-on", fail_on.as_str()),
        ("sarif-file", sarif.to_str().unwrap()),
    ];
    let mut env: Vec<(&str, String)> = vec![("GITHUB_OUTPUT", outputs.display().to_string())];
    let lint_env = step_env(lint, &inputs);
    env.extend(lint_env.iter().map(|(k, v)| (k.as_str(), v.clone())));
    let run = bash(lint["run"].as_str().unwrap(), &repo_root(), &env);
    assert!(run.status.success(), "the lint step records the exit code: {run:?}");
    let recorded = std::fs::read_to_string(&outputs).unwrap();
    let code = recorded.trim().strip_prefix("exit-code=").unwrap().to_owned();
    assert_eq!(code, "1");
    assert_sarif(&sarif, &EXAMPLE_RULES);

    let fail_env = vec![("AISGATE_EXIT_CODE", code.clone())];
    let failed = bash(fail["run"].as_str().unwrap(), &repo_root(), &fail_env);
    assert_eq!(failed.status.code(), Some(code.parse().unwrap()));
    assert!(String::from_utf8_lossy(&failed.stdout).starts_with("::error title=aisgate::aisgate lint exited with "));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn helm_recipe_lints_rendered_templates_from_stdin() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let recipe = readme.split("<!-- ci-recipe: helm -->\n```sh\n").nth(1).unwrap().lines().next().unwrap();
    let (helm, lint) = recipe.split_once(" | ").unwrap();
    assert!(helm.starts_with("helm template "), "{recipe}");
    assert!(lint.starts_with("aisgate lint ") && lint.contains(" - "), "{recipe}");
    // `helm template …` is replaced by the output it renders.
    let rendered = repo_root().join("crates/aisgate-cli/tests/data/helm-template-ais-cluster.yaml");
    let dir = scratch("helm");
    let run = bash(&format!("cat '{}' | {lint}", rendered.display()), &dir, &[]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert_sarif(&dir.join("aisgate.sarif"), &["AIS020"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
