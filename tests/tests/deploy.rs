//! The deployment samples in deploy/: they target what policy/metadata.yml declares, pull the
//! current release, and their settings do what their comments say when the compiled policy
//! runs with them.

use aisgate_tests::fixtures::repo_root;
use aisgate_tests::wapc_host::{Cluster, PolicyHost, admission_request, patch_for, policy_wasm};
use serde_json::{Value, json};

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    xtask::yaml::to_value(&text, path).unwrap()
}

fn module_reference() -> String {
    let metadata = yaml("policy/metadata.yml");
    let oci = metadata["annotations"]["io.kubewarden.policy.ociUrl"].as_str().unwrap();
    format!("registry://{oci}:v{}", env!("CARGO_PKG_VERSION"))
}

const SAMPLES: [(&str, bool); 3] = [
    ("deploy/cluster-admission-policy-validate.yaml", false),
    ("deploy/cluster-admission-policy-mutate.yaml", true),
    ("deploy/cluster-admission-policy-context-aware.yaml", true),
];

/// A hostPath AIS data PV created with `Delete`: AIS203 denies it, its fix sets `Retain`.
fn pv_with_delete() -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": "node-a-pv-ais-sda"},
        "spec": {"capacity": {"storage": "1Ti"}, "accessModes": ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "ais-local-storage",
            "hostPath": {"path": "/ais/sda"},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-a"]}]}]}}}})
}

fn validate_settings(host: &PolicyHost, settings: &Value) -> Value {
    host.call("validate_settings", settings)
}

#[test]
fn samples_target_the_metadata_rules_and_the_release() {
    let metadata = yaml("policy/metadata.yml");
    for (path, mutating) in SAMPLES {
        let sample = yaml(path);
        assert_eq!(sample["apiVersion"], json!("policies.kubewarden.io/v1"), "{path}");
        assert_eq!(sample["kind"], json!("ClusterAdmissionPolicy"), "{path}: PVs are cluster-scoped");
        let spec = &sample["spec"];
        assert_eq!(spec["module"], json!(module_reference()), "{path}");
        assert_eq!(spec["rules"], metadata["rules"], "{path}: rules differ from policy/metadata.yml");
        assert_eq!(spec["mutating"], json!(mutating), "{path}");
        assert_eq!(spec["backgroundAudit"], json!(true), "{path}");
        assert_eq!(spec["failurePolicy"], json!("Fail"), "{path}");
    }
}

#[test]
fn context_aware_sample_grants_every_lookup_the_rules_across_objects_make() {
    let sample = yaml("deploy/cluster-admission-policy-context-aware.yaml");
    let granted: Vec<(String, String)> = sample["spec"]["contextAwareResources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["apiVersion"].as_str().unwrap().to_owned(), r["kind"].as_str().unwrap().to_owned()))
        .collect();
    let wanted = [
        ("v1", "PersistentVolume"),
        ("v1", "PersistentVolumeClaim"),
        ("apps/v1", "StatefulSet"),
        ("ais.nvidia.com/v1beta1", "AIStore"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("v1", "Node"),
    ];
    assert_eq!(granted, wanted.map(|(a, k)| (a.to_owned(), k.to_owned())));
    // Once metadata.yml declares the lookups, the sample must grant exactly those.
    let metadata = yaml("policy/metadata.yml");
    if let Some(declared) = metadata.get("contextAwareResources") {
        let mut declared: Vec<(String, String)> = declared
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["apiVersion"].as_str().unwrap().to_owned(), r["kind"].as_str().unwrap().to_owned()))
            .collect();
        let mut granted = granted.clone();
        declared.sort();
        granted.sort();
        assert_eq!(granted, declared, "contextAwareResources differ from policy/metadata.yml");
    }
    assert_eq!(sample["spec"]["settings"]["clusterContext"]["enabled"], json!(true));
}

#[test]
fn sample_settings_are_valid_for_the_compiled_policy() {
    let host = PolicyHost::new(policy_wasm(), Cluster::default());
    for (path, _) in SAMPLES {
        let answer = validate_settings(&host, &yaml(path)["spec"]["settings"]);
        if path.ends_with("context-aware.yaml") && answer["valid"] == json!(false) {
            // Until the release with cluster context, only that switch may be refused.
            let message = answer["message"].as_str().unwrap();
            assert!(message.starts_with("settings: clusterContext.enabled: "), "{path}: {message}");
            continue;
        }
        assert_eq!(answer, json!({"valid": true, "message": null}), "{path}");
    }
    let policies = yaml("deploy/policies.yml");
    for (name, policy) in policies.as_object().unwrap() {
        assert_eq!(policy["module"], json!(module_reference()), "policies.yml {name}");
        assert_eq!(
            validate_settings(&host, &policy["settings"]),
            json!({"valid": true, "message": null}),
            "policies.yml {name}"
        );
    }
}

#[test]
fn validation_only_settings_never_patch_and_mutating_ones_fix() {
    let host = PolicyHost::new(policy_wasm(), Cluster::default());
    let pv = pv_with_delete();
    let request = admission_request("CREATE", &pv, None);

    let validate = yaml("deploy/cluster-admission-policy-validate.yaml");
    let response = host.validate(&request, &validate["spec"]["settings"]);
    assert_eq!(response["accepted"], json!(false), "{response}");
    assert!(response["message"].as_str().unwrap().contains("AIS203 pv-reclaim-deletes-data"), "{response}");
    assert!(patch_for(&pv, &response).is_none(), "a validating policy must not patch: {response}");

    let mutate = yaml("deploy/cluster-admission-policy-mutate.yaml");
    let response = host.validate(&request, &mutate["spec"]["settings"]);
    assert_eq!(response["accepted"], json!(true), "{response}");
    let patch = serde_json::to_value(patch_for(&pv, &response).unwrap()).unwrap();
    assert_eq!(patch, json!([{"op": "replace", "path": "/spec/persistentVolumeReclaimPolicy", "value": "Retain"}]));

    // policies.yml: `allowedToMutate: false` only where every fix is off.
    let policies = yaml("deploy/policies.yml");
    for (name, policy) in policies.as_object().unwrap() {
        let response = host.validate(&request, &policy["settings"]);
        let patches = patch_for(&pv, &response).is_some();
        assert_eq!(policy["allowedToMutate"], json!(patches), "policies.yml {name}: {response}");
    }
}

/// The YAML blocks of the policy's usage text (policy/README.md), in order.
fn usage_yaml_blocks() -> Vec<Value> {
    let text = std::fs::read_to_string(repo_root().join("policy/README.md")).unwrap();
    text.split("```yaml\n")
        .skip(1)
        .map(|block| xtask::yaml::to_value(block.split("```").next().unwrap(), "policy/README.md").unwrap())
        .collect()
}

#[test]
fn usage_text_examples_deploy_the_release_and_hold_valid_settings() {
    let blocks = usage_yaml_blocks();
    let [policy, settings] = blocks.as_slice() else { panic!("two YAML blocks: the policy and the settings") };
    let metadata = yaml("policy/metadata.yml");
    assert_eq!(policy["kind"], json!("ClusterAdmissionPolicy"));
    assert_eq!(policy["spec"]["module"], json!(module_reference()));
    assert_eq!(policy["spec"]["rules"], metadata["rules"]);
    let host = PolicyHost::new(policy_wasm(), Cluster::default());
    assert_eq!(validate_settings(&host, &policy["spec"]["settings"]), json!({"valid": true, "message": null}));
    assert_eq!(validate_settings(&host, settings), json!({"valid": true, "message": null}));
    // Every top-level setting is shown.
    let shown: Vec<&String> = settings.as_object().unwrap().keys().collect();
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("docs/settings.schema.json")).unwrap()).unwrap();
    let all: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    assert_eq!(shown, all, "the settings example shows every top-level setting");
}
