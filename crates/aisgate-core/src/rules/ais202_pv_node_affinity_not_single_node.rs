use k8s_openapi::api::core::v1::{NodeSelectorRequirement, NodeSelectorTerm};

use crate::declare_rule;
use crate::model::AisObject;
use crate::model::statefulset::HOSTNAME_LABEL;
use crate::model::volume::PvNodeAffinity;
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags the required node affinity of an AIS `hostPath` or `local` `PersistentVolume`
    /// when it does not pin exactly one node:
    /// - several `nodeSelectorTerms` (terms are alternatives);
    /// - a `kubernetes.io/hostname` expression with several values (or none);
    /// - an operator other than `In` (`NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`);
    /// - a key other than `kubernetes.io/hostname` (a zone, a rack, a custom node label);
    /// - `matchFields` (Kubernetes evaluates PV node affinity against node labels only,
    ///   so a `metadata.name` field selector matches no node).
    ///
    /// A term is fine when one of its expressions is `kubernetes.io/hostname In [<one node>]`:
    /// further expressions in the same term must all hold, so they can only narrow it.
    ///
    /// ## Why is this bad?
    /// A target's disk is on one node. When the PV's affinity admits several nodes the
    /// scheduler may start the target on another one, where the `hostPath`/`local` path is a
    /// different disk or a plain directory: the target writes to the wrong place, and data
    /// written before a reschedule is no longer where the target looks for it. An affinity
    /// that matches no node (`DoesNotExist` on the hostname, `matchFields`, an empty term)
    /// leaves the target `Pending` forever.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-nvme0n1}
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   hostPath: {path: /ais/nvme0n1}
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - {key: topology.kubernetes.io/zone, operator: In, values: [zone-a]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   hostPath: {path: /ais/nvme0n1}
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - {key: kubernetes.io/hostname, operator: In, values: [node1]}
    /// ```
    pub struct PvNodeAffinityNotSingleNode {
        code: "AIS202",
        name: "pv-node-affinity-not-single-node",
        severity: Deny,
        scope: Object,
        kinds: [PersistentVolume],
        summary: "An AIS hostPath or local PV's required node affinity does not pin exactly one node",
        fix: None,
    }
}

/// Whether `expression` is `kubernetes.io/hostname In [<one node>]`.
fn pins_one_node(expression: &NodeSelectorRequirement) -> bool {
    expression.key == HOSTNAME_LABEL
        && expression.operator == "In"
        && expression.values.as_ref().is_some_and(|v| v.len() == 1)
}

/// Why a `kubernetes.io/hostname` expression that does not pin one node fails, with the offending field.
fn hostname_problem(expression: &NodeSelectorRequirement) -> (&'static str, String) {
    let values = expression.values.as_deref().unwrap_or_default();
    match expression.operator.as_str() {
        "In" if values.is_empty() => {
            ("values", "hostname In with no values matches no node; list the one node holding the disk".to_owned())
        }
        "In" => (
            "values",
            format!(
                "{} hostnames: the target may start on any of them, away from the disk; list exactly one node",
                values.len()
            ),
        ),
        "NotIn" => (
            "operator",
            "hostname NotIn matches every other node; use In with the one node holding the disk".to_owned(),
        ),
        "Exists" => {
            ("operator", "hostname Exists matches every node; use In with the one node holding the disk".to_owned())
        }
        "DoesNotExist" => (
            "operator",
            "hostname DoesNotExist matches no node (every node has one); use In with the node holding the disk"
                .to_owned(),
        ),
        other => (
            "operator",
            format!(
                "operator {} does not pin one node; use In with the one node holding the disk",
                names::abbreviate(other, 16)
            ),
        ),
    }
}

/// The path of the `i`th term; built only for a finding (most PVs pin their node).
fn term_path(i: usize) -> JsonPath {
    JsonPath::from_keys(TERMS).index(i)
}

const TERMS: &str = "spec.nodeAffinity.required.nodeSelectorTerms";

fn check_term(term: &NodeSelectorTerm, i: usize, out: &mut Vec<Violation>) {
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if !fields.is_empty() {
        out.push(Violation::new(
            term_path(i).key("matchFields"),
            "matchFields is not evaluated for PVs (node labels only): matches no node; use matchExpressions on the hostname",
        ));
    }
    let expressions = term.match_expressions.as_deref().unwrap_or_default();
    if expressions.iter().any(pins_one_node) {
        return;
    }
    if expressions.is_empty() && fields.is_empty() {
        out.push(Violation::new(
            term_path(i),
            "empty nodeSelectorTerm matches no node; add kubernetes.io/hostname In [<node>] for the node holding the disk",
        ));
    }
    for (j, expression) in expressions.iter().enumerate() {
        let at = term_path(i).key("matchExpressions").index(j);
        if expression.key == HOSTNAME_LABEL {
            let (field, message) = hostname_problem(expression);
            let at = if field == "values" && expression.values.is_none() { at } else { at.key(field) };
            out.push(Violation::new(at, message));
        } else {
            out.push(Violation::new(
                at.key("key"),
                format!(
                    "key {} can match several nodes; pin the disk's node with kubernetes.io/hostname In [<node>]",
                    names::abbreviate(&expression.key, 30)
                ),
            ));
        }
    }
}

impl Rule for PvNodeAffinityNotSingleNode {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::PersistentVolume(pv) = check.object() else { return };
        if pv.disk_path().is_none() {
            return; // Network and CSI volumes carry zone affinities by design; AIS206 covers them.
        }
        // One node pinned: one term, which pins it.
        let Some(PvNodeAffinity::Other(affinity)) = &pv.spec.node_affinity else { return };
        let Some(required) = affinity.required.as_ref() else { return };
        let terms = &required.node_selector_terms;
        if terms.is_empty() {
            out.push(Violation::new(
                JsonPath::from_keys(TERMS),
                "no nodeSelectorTerms: the PV matches no node; add one term with kubernetes.io/hostname In [<node>]",
            ));
        } else if terms.len() > 1 {
            out.push(Violation::new(
                JsonPath::from_keys(TERMS),
                format!(
                    "{} nodeSelectorTerms are ORed: the PV admits several nodes; keep one term pinning the disk's node",
                    terms.len()
                ),
            ));
        }
        for (i, term) in terms.iter().enumerate() {
            check_term(term, i, out);
        }
    }
}
