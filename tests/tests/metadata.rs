//! policy/metadata.yml and policy/questions-ui.yml against the code.

use aisgate_core::Settings;
use aisgate_lint::source::{Limits, parse};
use aisgate_tests::fixtures::repo_root;
use serde_json::{Value, json};

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    let parsed = parse(&text, &Limits::default());
    assert!(parsed.error.is_none(), "{path}: {:?}", parsed.error);
    parsed.documents.into_iter().next().unwrap().value
}

#[test]
fn metadata_targets_the_four_resources_and_mutates() {
    let metadata = yaml("policy/metadata.yml");
    let targets: Vec<(String, String, String)> = metadata["rules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rule| {
            assert_eq!(rule["operations"], json!(["CREATE", "UPDATE"]));
            let group = rule["apiGroups"][0].as_str().unwrap().to_owned();
            let version = rule["apiVersions"][0].as_str().unwrap().to_owned();
            rule["resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |r| (group.clone(), version.clone(), r.as_str().unwrap().to_owned()))
        })
        .collect();
    let expected = [
        ("ais.nvidia.com", "v1beta1", "aistores"),
        ("apps", "v1", "statefulsets"),
        ("", "v1", "persistentvolumes"),
        ("", "v1", "persistentvolumeclaims"),
    ];
    assert_eq!(targets, expected.map(|(g, v, r)| (g.to_owned(), v.to_owned(), r.to_owned())));
    assert_eq!(metadata["mutating"], json!(true));
    assert_eq!(metadata["executionMode"], json!("kubewarden-wapc"));
    let annotations = &metadata["annotations"];
    assert_eq!(
        annotations["io.kubewarden.policy.version"],
        json!(env!("CARGO_PKG_VERSION")),
        "policy version != workspace version"
    );
    for key in [
        "io.artifacthub.displayName",
        "io.artifacthub.resources",
        "io.artifacthub.keywords",
        "io.kubewarden.policy.title",
        "io.kubewarden.policy.description",
        "io.kubewarden.policy.author",
        "io.kubewarden.policy.url",
        "io.kubewarden.policy.source",
        "io.kubewarden.policy.license",
        "io.kubewarden.policy.ociUrl",
        "io.kubewarden.policy.severity",
        "io.kubewarden.policy.category",
    ] {
        assert!(annotations[key].is_string(), "metadata.yml lacks annotation {key}");
    }
}

#[test]
fn questions_ui_describes_every_setting() {
    let questions = yaml("policy/questions-ui.yml");
    let variables: Vec<&str> =
        questions["questions"].as_array().unwrap().iter().map(|q| q["variable"].as_str().unwrap()).collect();
    let defaults = serde_json::to_value(Settings::default()).unwrap();
    let mut expected = Vec::new();
    for (key, value) in defaults.as_object().unwrap() {
        match value {
            Value::Object(inner) if key != "rules" && !inner.is_empty() => {
                expected.extend(inner.keys().map(|sub| format!("{key}.{sub}")));
            }
            _ => expected.push(key.clone()),
        }
    }
    for key in &expected {
        assert!(variables.contains(&key.as_str()), "questions-ui.yml does not describe setting `{key}`");
    }
    for variable in &variables {
        assert!(
            expected.contains(&(*variable).to_owned()),
            "questions-ui.yml describes `{variable}`, which is not a setting"
        );
    }
    // Defaults shown in the form are the real defaults.
    for question in questions["questions"].as_array().unwrap() {
        let variable = question["variable"].as_str().unwrap();
        let real = variable.split('.').fold(&defaults, |v, k| &v[k]);
        let real = if real.is_null() { json!({}) } else { real.clone() };
        assert_eq!(question["default"], real, "questions-ui.yml default of `{variable}`");
    }
}

#[test]
fn metadata_declares_what_cluster_context_looks_up() {
    let metadata = yaml("policy/metadata.yml");
    // As a set: kwctl writes them sorted, metadata.yml lists them in that order.
    let declared: std::collections::BTreeSet<(String, String)> = metadata["contextAwareResources"]
        .as_array()
        .expect("contextAwareResources")
        .iter()
        .map(|r| (r["apiVersion"].as_str().unwrap().to_owned(), r["kind"].as_str().unwrap().to_owned()))
        .collect();
    let looked_up: std::collections::BTreeSet<(String, String)> =
        aisgate_core::context::KINDS.iter().map(|(v, k)| ((*v).to_owned(), (*k).to_owned())).collect();
    assert_eq!(declared, looked_up);
    assert_eq!(
        metadata["hostCapabilities"],
        json!(["kubernetes/list_resources_all", "kubernetes/list_resources_by_namespace"])
    );
}
