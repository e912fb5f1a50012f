//! The release module, annotated by `cargo xtask annotate` as `kwctl annotate -m
//! policy/metadata.yml -u policy/README.md` would: the `io.kubewarden.metadata` section read back from
//! the module holds metadata.yml plus the usage and kwctl annotations, and the module still runs.

use aisgate_tests::fixtures::repo_root;
use aisgate_tests::wapc_host::{Cluster, PolicyHost, policy_wasm};
use serde_json::{Value, json};
use xtask::annotate::{self, KWCTL_FORMAT_VERSION, PolicyMetadata};

fn annotated() -> (Vec<u8>, Value, String) {
    let metadata_text = std::fs::read_to_string(repo_root().join("policy/metadata.yml")).unwrap();
    let readme = std::fs::read_to_string(repo_root().join("policy/README.md")).unwrap();
    let metadata = PolicyMetadata::from_yaml(&metadata_text, "policy/metadata.yml").unwrap().annotated(Some(&readme));
    let module = annotate::annotate(policy_wasm(), &metadata).unwrap();
    let yaml = xtask::yaml::to_value(&metadata_text, "policy/metadata.yml").unwrap();
    (module, yaml, readme)
}

#[test]
fn section_holds_metadata_yml_usage_and_protocol_version() {
    let (module, yaml, readme) = annotated();
    let raw = annotate::metadata_section(&module).unwrap().expect("the section is present");
    let text = String::from_utf8(raw).unwrap();
    assert!(text.starts_with(r#"{"protocolVersion":"v1","rules":[{"apiGroups":["ais.nvidia.com"]"#), "{text:.80}");
    let section: Value = serde_json::from_str(&text).unwrap();

    let mut annotations = yaml["annotations"].clone();
    annotations["io.kubewarden.kwctl"] = json!(KWCTL_FORMAT_VERSION);
    annotations["io.kubewarden.policy.usage"] = json!(readme);
    let mut expected = json!({
        "protocolVersion": "v1",
        "rules": yaml["rules"],
        "annotations": annotations,
        "mutating": yaml["mutating"],
        "backgroundAudit": yaml["backgroundAudit"],
        "executionMode": "kubewarden-wapc",
        "policyType": "kubernetes",
        "contextAwareResources": yaml.get("contextAwareResources").cloned().unwrap_or_else(|| json!([])),
    });
    if let Some(capabilities) = yaml.get("hostCapabilities") {
        expected["hostCapabilities"] = capabilities.clone();
    }
    assert_eq!(section, expected);
    assert_eq!(section["annotations"]["io.kubewarden.policy.version"], json!(env!("CARGO_PKG_VERSION")));
}

#[test]
fn annotated_module_still_runs_and_speaks_the_declared_protocol() {
    let (module, _, _) = annotated();
    assert!(module.len() > policy_wasm().len(), "the section is added");
    let host = PolicyHost::new(&module, Cluster::default());
    let version = host.call_raw("protocol_version", b"").unwrap();
    let section = annotate::read_metadata(&module).unwrap().unwrap();
    assert_eq!(version, serde_json::to_value(section.protocol_version).unwrap(), "section protocolVersion");
    let answer = host.call("validate_settings", &json!({}));
    assert_eq!(answer["valid"], json!(true), "{answer}");
}

#[test]
fn the_unannotated_module_has_no_section_and_annotation_is_idempotent() {
    assert_eq!(annotate::metadata_section(policy_wasm()).unwrap(), None);
    let (once, _, readme) = annotated();
    let metadata_text = std::fs::read_to_string(repo_root().join("policy/metadata.yml")).unwrap();
    let metadata = PolicyMetadata::from_yaml(&metadata_text, "m").unwrap().annotated(Some(&readme));
    assert_eq!(annotate::annotate(&once, &metadata).unwrap(), once);
}
