//! Exemptions from settings: which findings each kind of selector accepts, and which it
//! leaves standing. Paths are JSONPath queries (RFC 9535, evaluated by jsonpath-rust); a
//! finding is exempt when its path is at or below a node the query selects.

use aisgate_core::{Engine, Settings};
use aisgate_tests::fixtures::{load, repo_root, today};
use serde_json::{Value, json};

/// The operator target StatefulSet that binds host port 51081 without anti-affinity.
fn host_port_statefulset() -> Value {
    load(&repo_root().join("fixtures/host-port-on-shared-node/deny-operator-statefulset-host-port.yaml"))
        .objects
        .remove(0)
        .value
}

/// A finding's (code, path); a suppressed one's (code, path, reason).
type Standing = Vec<(String, String)>;
type Suppressed = Vec<(String, String, String)>;

/// The findings left standing and those suppressed, under `settings`.
fn judge(object: &Value, settings: &Value) -> (Standing, Suppressed) {
    let engine = Engine::new(Settings::from_json(settings).unwrap(), today());
    let report = engine.check(object, None).unwrap().unwrap();
    let standing = report.findings.iter().map(|f| (f.code.to_owned(), f.path.to_string())).collect();
    let suppressed = report
        .suppressed
        .iter()
        .map(|s| (s.finding.code.to_owned(), s.finding.path.to_string(), s.reason.clone()))
        .collect();
    (standing, suppressed)
}

const HOST_PORT: &str = "$.spec.template.spec.containers[0].ports[0].hostPort";

fn exemption(paths: &[&str]) -> Value {
    json!({"exemptions": [{"rules": ["host-port-on-shared-node"], "paths": paths, "reason": "lab cluster, one target per node"}]})
}

#[test]
fn without_exemptions_the_host_port_finding_stands() {
    let (standing, suppressed) = judge(&host_port_statefulset(), &json!({}));
    assert!(standing.contains(&("AIS020".to_owned(), HOST_PORT.to_owned())), "{standing:?}");
    assert!(suppressed.is_empty());
}

#[test]
fn a_path_selecting_the_node_or_an_ancestor_exempts_the_finding() {
    for query in [
        HOST_PORT,
        "$.spec.template.spec.containers[0]",
        "$.spec.template.spec.containers[?@.name == 'ais-node']",
        "$.spec.template.spec.containers[?match(@.name, 'ais-.*')]",
        "$.spec.template.spec.containers[?search(@.image, 'aisnode')].ports[*]",
        "$..hostPort",
    ] {
        let (standing, suppressed) = judge(&host_port_statefulset(), &exemption(&[query]));
        assert!(!standing.iter().any(|(code, _)| code == "AIS020"), "{query}: {standing:?}");
        assert_eq!(
            suppressed,
            vec![("AIS020".to_owned(), HOST_PORT.to_owned(), "lab cluster, one target per node".to_owned())],
            "{query}"
        );
    }
}

#[test]
fn a_path_selecting_elsewhere_exempts_nothing() {
    for query in [
        "$.spec.template.spec.initContainers[0]",
        "$.spec.template.spec.containers[?@.name == 'sidecar']",
        "$.spec.template.spec.containers[?match(@.name, 'ais')]",
        "$.spec.template.spec.containers[0].ports[0].containerPort",
    ] {
        let (standing, suppressed) = judge(&host_port_statefulset(), &exemption(&[query]));
        assert!(standing.contains(&("AIS020".to_owned(), HOST_PORT.to_owned())), "{query}: {standing:?}");
        assert!(suppressed.is_empty(), "{query}: {suppressed:?}");
    }
}

#[test]
fn an_exemption_covers_only_its_rules() {
    let (standing, suppressed) = judge(
        &host_port_statefulset(),
        &json!({"exemptions": [{"rules": ["AIS001"], "paths": ["$"], "reason": "not this rule"}]}),
    );
    assert!(standing.contains(&("AIS020".to_owned(), HOST_PORT.to_owned())), "{standing:?}");
    assert!(suppressed.is_empty());
}

#[test]
fn namespace_and_name_globs_select_objects() {
    let object = host_port_statefulset();
    let with = |selector: Value| {
        let mut exemption = json!({"rules": ["AIS020"], "reason": "lab"});
        exemption.as_object_mut().unwrap().extend(selector.as_object().unwrap().clone());
        judge(&object, &json!({"exemptions": [exemption]})).1.len()
    };
    assert_eq!(with(json!({"namespaces": ["ai*"]})), 1);
    assert_eq!(with(json!({"names": ["ais-t?rget"]})), 1);
    assert_eq!(with(json!({"namespaces": ["ais"], "names": ["ais-proxy"]})), 0);
    assert_eq!(with(json!({"namespaces": ["default"]})), 0);
}

#[test]
fn an_invalid_path_is_refused_with_its_field() {
    let error = Settings::from_json(&exemption(&["$.spec[?@.name == ]"])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "settings: exemptions[0].paths[0]: `$.spec[?@.name == ]` is not an RFC 9535 JSONPath query: at column 19: expected a comparable (a literal, a singular query or a function)"
    );
}

#[test]
fn the_compiled_policy_reads_queries_nested_to_the_limit_and_refuses_deeper_ones() {
    use aisgate_core::query::MAX_NESTING;
    use aisgate_tests::wapc_host::{Cluster, PolicyHost, policy_wasm};
    let host = PolicyHost::new(policy_wasm(), Cluster::default());
    let nested = |levels: usize| format!("$[?{}@.name=='x'{}]", "(".repeat(levels - 1), ")".repeat(levels - 1));
    let answer = host.call("validate_settings", &exemption(&[&nested(MAX_NESTING)]));
    assert_eq!(answer, json!({"valid": true, "message": null}), "the wasm stack holds the deepest query");
    let too_deep = nested(MAX_NESTING + 1);
    let answer = host.call("validate_settings", &exemption(&[&too_deep]));
    assert_eq!(
        answer["message"],
        json!(format!(
            "settings: exemptions[0].paths[0]: `{too_deep}` is not an RFC 9535 JSONPath query: at column {}: nested deeper than 128 brackets and parentheses",
            MAX_NESTING + 3
        ))
    );
    // Nested functions and filters, each read once: jsonpath-rust's backtracking parser took
    // over a minute (debug build) on this query, found by fuzzing.
    let functions = "$[?in(search(in(search($[?in((search(in(search($[?in($[?in(search(in(search(rch$";
    let answer = host.call("validate_settings", &exemption(&[functions]));
    assert_eq!(answer["valid"], json!(false), "{answer}");
}
