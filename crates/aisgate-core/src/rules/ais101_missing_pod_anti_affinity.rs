use serde_json::{Map, Value, json};

use crate::declare_rule;
use crate::model::AisObject;
use crate::model::affinity::PodAffinityTerm;
use crate::model::aistore::Role;
use crate::model::map::SmallMap;
use crate::model::statefulset::{HOSTNAME_LABEL, StatefulSet};
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, FixInput, FixMeta, Rule, Violation};
use crate::settings::Mutation;

declare_rule! {
    /// ## What it does
    /// Flags an AIS proxy or target `StatefulSet` with more than one replica whose pods have no
    /// required pod anti-affinity term that selects the `StatefulSet`'s own pods with
    /// `topologyKey: kubernetes.io/hostname`.
    ///
    /// Not raised when co-location is meant (see `host-port-on-shared-node`): an
    /// operator-managed target `StatefulSet` without pod anti-affinity (the operator omits it
    /// only for `targetSpec.disablePodAntiAffinity: true`), the shared-node annotation
    /// (`aisgate.io/shared-nodes: "true"` by default), or a nodeSelector that pins one
    /// `kubernetes.io/hostname`. Proxies are never meant to share a node.
    ///
    /// ## Why is this bad?
    /// The operator always gives proxies, and targets unless told otherwise, a required
    /// anti-affinity term on `kubernetes.io/hostname`: one pod per node. Without it the
    /// scheduler may put every replica on the same node, and one node failure takes down all
    /// gateways or all storage of the cluster. A term on another key does not help:
    /// the legacy chart's `topology.kubernetes.io/node` is a label nodes do not carry, so it
    /// never blocks co-location. Neither does a term whose `labelSelector` does not select
    /// the `StatefulSet`'s own pods.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: ais-proxy
    ///   labels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: proxy,
    ///            app.kubernetes.io/managed-by: ais-operator}
    /// spec:
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: proxy}
    ///   template:
    ///     spec:
    ///       containers: [{name: ais-node, image: aistorage/aisnode:v3.31}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   template:
    ///     spec:
    ///       affinity:
    ///         podAntiAffinity:
    ///           requiredDuringSchedulingIgnoredDuringExecution:
    ///             - labelSelector:
    ///                 matchLabels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: proxy}
    ///               topologyKey: kubernetes.io/hostname
    /// ```
    ///
    /// ## Fix
    /// With `mutations.addPodAntiAffinity: true`, the policy adds the operator's term on
    /// CREATE: `labelSelector.matchLabels` = the `StatefulSet`'s `spec.selector.matchLabels`,
    /// `topologyKey: kubernetes.io/hostname`, appended to
    /// `spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`
    /// (existing preferred terms and node affinity are kept). Skipped when the selector has no
    /// `matchLabels`.
    pub struct MissingPodAntiAffinity {
        code: "AIS101",
        name: "missing-pod-anti-affinity",
        severity: Warn,
        scope: Object,
        kinds: [StatefulSet],
        summary: "AIS proxies or targets with several replicas and no required one-pod-per-node anti-affinity",
        fix: Some(FixMeta {
            mutation: Some(Mutation::AddPodAntiAffinity),
            create_only: true,
            summary: "add a required podAntiAffinity term on kubernetes.io/hostname over the StatefulSet's selector labels",
        }),
    }
}

const REQUIRED: &str = "requiredDuringSchedulingIgnoredDuringExecution";

/// The labels the `StatefulSet`'s pods carry: the template's, else the selector's matchLabels.
fn own_pod_labels(sts: &StatefulSet) -> SmallMap {
    let labels = &sts.spec.template.metadata.labels;
    if !labels.is_empty() {
        return labels.clone();
    }
    sts.spec.selector.as_ref().and_then(|s| s.match_labels.clone()).unwrap_or_default()
}

/// Whether a pod (anti-)affinity term selects the `StatefulSet`'s own pods.
fn selects_own_pods(term: &PodAffinityTerm, labels: &SmallMap, namespace: Option<&str>) -> bool {
    // A term without labelSelector selects no pods.
    let Some(selector) = &term.label_selector else { return false };
    let in_namespace = match (term.namespaces.as_deref(), namespace) {
        (Some(list), Some(ns)) if !list.is_empty() => list.iter().any(|n| n == ns),
        _ => true,
    };
    in_namespace && names::selector_matches(selector, labels)
}

impl Rule for MissingPodAntiAffinity {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::StatefulSet(sts, workload) = check.object() else { return };
        let replicas = sts.replicas();
        if replicas <= 1 || sts.sharing(workload, &check.settings.shared_node_annotation).is_some() {
            return;
        }
        let anti = sts.spec.template.spec.affinity.as_ref().and_then(|a| a.pod_anti_affinity.as_ref());
        let required =
            anti.and_then(|a| a.required_during_scheduling_ignored_during_execution.as_deref()).unwrap_or_default();
        let labels = own_pod_labels(sts);
        let namespace = sts.metadata.namespace.as_deref();
        let own: Vec<&PodAffinityTerm> = required.iter().filter(|t| selects_own_pods(t, &labels, namespace)).collect();
        if own.iter().any(|t| t.topology_key == HOSTNAME_LABEL) {
            return;
        }
        let roles = match workload.role {
            Role::Proxy => "proxies",
            Role::Target => "targets",
        };
        let path = JsonPath::from_keys("spec.template.spec.affinity.podAntiAffinity")
            .key(REQUIRED)
            .nearest_existing(check.subject.raw);
        let message = if !own.is_empty() {
            let keys = crate::sort::sorted_set(own.iter().map(|term| term.topology_key.as_str()).collect());
            let keys = names::abbreviate(&keys.join(", "), 30);
            format!("anti-affinity on {keys} can't keep {replicas} {roles} on separate nodes; use {HOSTNAME_LABEL}")
        } else if !required.is_empty() {
            format!(
                "no required anti-affinity term selects its own pods: {replicas} {roles} may share a node; add one on {HOSTNAME_LABEL}"
            )
        } else {
            format!(
                "no required anti-affinity: all {replicas} {roles} may land on one node and fail together; add a {HOSTNAME_LABEL} term"
            )
        };
        out.push(Violation::new(path, message));
    }

    fn fix(&self, object: &mut Value, _input: &FixInput<'_>) -> Option<String> {
        let match_labels = object.pointer("/spec/selector/matchLabels")?.as_object()?.clone();
        if match_labels.is_empty() {
            return None;
        }
        // By key (whatever order the JSON map keeps).
        let mut described: Vec<(&String, &Value)> = match_labels.iter().collect();
        crate::sort::sort_by(&mut described, |a, b| a.0.cmp(b.0));
        let described = described
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(",");
        let term = json!({"labelSelector": {"matchLabels": match_labels}, "topologyKey": HOSTNAME_LABEL});
        let mut node = object;
        for key in ["spec", "template", "spec", "affinity", "podAntiAffinity"] {
            node = child_object(node, key)?;
        }
        let map = node.as_object_mut()?;
        let list = map.entry(REQUIRED).or_insert_with(|| Value::Array(Vec::new()));
        if list.is_null() {
            *list = Value::Array(Vec::new());
        }
        let list = list.as_array_mut()?;
        if list.contains(&term) {
            return None;
        }
        list.push(term);
        Some(format!("added required pod anti-affinity on {HOSTNAME_LABEL} over {described}"))
    }
}

/// The object under `key`, created (or replacing `null`) when absent; `None` if it is not an object.
fn child_object<'v>(node: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    let map = node.as_object_mut()?;
    let child = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if child.is_null() {
        *child = Value::Object(Map::new());
    }
    child.is_object().then_some(child)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model;
    use crate::rule::Operation;
    use crate::settings::Settings;

    fn proxies(selector: &Value) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "ais-proxy", "namespace": "ais", "labels": {"app": "ais", "type": "proxy"}},
            "spec": {
                "replicas": 3,
                "selector": selector,
                "template": {
                    "metadata": {"labels": {"app": "ais", "type": "proxy"}},
                    "spec": {
                        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}},
                        "containers": [{"name": "aisnode"}]
                    }
                }
            }
        })
    }

    fn run(object: &Value) -> (Vec<Violation>, Option<Value>) {
        let settings = Settings::default();
        let subject = model::decode(object, &settings).unwrap().unwrap();
        let check = Check { subject: &subject, old: None, settings: &settings };
        let mut out = Vec::new();
        MissingPodAntiAffinity.check(&check, &mut out);
        let fixed = out.first().and_then(|violation| {
            let mut fixed = object.clone();
            let input = FixInput { violation, subject: &subject, operation: Operation::Create };
            MissingPodAntiAffinity.fix(&mut fixed, &input).map(|_| fixed)
        });
        (out, fixed)
    }

    #[test]
    fn fix_adds_term_keeps_node_affinity_and_is_idempotent() {
        let object = proxies(&json!({"matchLabels": {"app": "ais", "type": "proxy"}}));
        let (found, fixed) = run(&object);
        assert_eq!(found.len(), 1);
        let fixed = fixed.unwrap();
        let affinity = &fixed["spec"]["template"]["spec"]["affinity"];
        assert!(affinity.get("nodeAffinity").is_some());
        assert_eq!(
            affinity["podAntiAffinity"][REQUIRED],
            json!([{"labelSelector": {"matchLabels": {"app": "ais", "type": "proxy"}}, "topologyKey": HOSTNAME_LABEL}])
        );
        let (again, _) = run(&fixed);
        assert!(again.is_empty());
        let mut twice = fixed.clone();
        let settings = Settings::default();
        let subject = model::decode(&fixed, &settings).unwrap().unwrap();
        let violation = Violation::new(JsonPath::root(), "");
        let input = FixInput { violation: &violation, subject: &subject, operation: Operation::Create };
        assert_eq!(MissingPodAntiAffinity.fix(&mut twice, &input), None);
        assert_eq!(twice, fixed);
    }

    #[test]
    fn no_fix_without_match_labels() {
        let object = proxies(&json!({"matchExpressions": [{"key": "type", "operator": "In", "values": ["proxy"]}]}));
        let (found, fixed) = run(&object);
        assert_eq!(found.len(), 1);
        assert!(fixed.is_none());
    }

    #[test]
    fn term_in_other_namespace_does_not_count() {
        let term = PodAffinityTerm {
            label_selector: Some(crate::model::affinity::LabelSelector {
                match_labels: Some([("type", Box::from("proxy"))].into_iter().collect()),
                ..Default::default()
            }),
            namespaces: Some(vec!["other".to_owned()]),
            topology_key: HOSTNAME_LABEL.to_owned(),
            ..Default::default()
        };
        let labels: SmallMap = [("type", "proxy".into())].into_iter().collect();
        assert!(!selects_own_pods(&term, &labels, Some("ais")));
        assert!(selects_own_pods(&term, &labels, Some("other")));
    }
}
