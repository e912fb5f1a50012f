use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::Role;
use crate::model::statefulset::{Flavor, StatefulSet};
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// On a `StatefulSet` of the legacy AIS Helm chart (labels `component: proxy|target` and an
    /// `app` containing `ais`), checks the values required of the chart's node labels in the
    /// pod `nodeSelector` and in node affinity (`In` expressions, required or preferred):
    ///
    /// | node label | value |
    /// |---|---|
    /// | `nvidia.com/ais-target` | `<release>-ais` |
    /// | `nvidia.com/ais-proxy` | `<release>-ais-electable` |
    /// | `nvidia.com/ais-initial-primary-proxy` | `<release>-ais` |
    ///
    /// The release is the `release` label; without one, `<release>-ais` is taken from the
    /// `StatefulSet` name without `-proxy`/`-target`.
    ///
    /// ## Why is this bad?
    /// The chart's documentation has the administrator label nodes with exactly these
    /// values. A pod that selects another value matches none of the prepared nodes and stays
    /// `Pending` (`didn't match Pod's node affinity/selector`), or, if some node happens to
    /// carry that value, lands on a node that was not prepared for it (no disks, wrong
    /// primary).
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: demo-ais-target
    ///   labels: {app: ais, component: target, release: demo}
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         nvidia.com/ais-target: demo
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///       nodeSelector:
    ///         nvidia.com/ais-target: demo-ais
    /// ```
    pub struct NodeLabelConvention {
        code: "AIS501",
        name: "node-label-convention",
        severity: Warn,
        scope: Object,
        kinds: [StatefulSet],
        summary: "A legacy-chart node selector or node affinity uses an nvidia.com/ais-* node label value other than the chart's",
        fix: None,
    }
}

/// The value the chart gives a node label key, from the base name `<release>-ais`.
fn expected_value(key: &str, base: &str) -> Option<String> {
    match key {
        "nvidia.com/ais-target" | "nvidia.com/ais-initial-primary-proxy" => Some(base.to_owned()),
        "nvidia.com/ais-proxy" => Some(format!("{base}-electable")),
        _ => None,
    }
}

/// `<release>-ais` and where it came from.
fn base_name(sts: &StatefulSet, role: Role) -> Option<(String, String)> {
    let release = sts.metadata.label("release").or_else(|| sts.spec.template.metadata.labels.text("release"));
    if let Some(release) = release.filter(|r| !r.is_empty()) {
        return Some((format!("{release}-ais"), format!("release {}", names::abbreviate(release, 30))));
    }
    let name = sts.metadata.name.as_deref()?;
    let base = name.strip_suffix(&format!("-{}", role.as_str()))?;
    Some((base.to_owned(), "from the name".to_owned()))
}

fn message(key: &str, value: &str, expected: &str, source: &str) -> String {
    let key_short = key.trim_start_matches("nvidia.com/");
    let (value, expected) = (names::abbreviate(value, 30), names::abbreviate(expected, 40));
    let long = format!("{key}={value} should be {expected} ({source}): nodes labelled per the chart won't match");
    if long.chars().count() <= 120 {
        return long;
    }
    format!("{key_short}={value} should be {expected}: nodes labelled per the chart won't match")
}

impl Rule for NodeLabelConvention {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::StatefulSet(sts, workload) = check.object() else { return };
        if workload.flavor != Flavor::LegacyChart {
            return;
        }
        let Some((base, source)) = base_name(sts, workload.role) else { return };
        let pod = &sts.spec.template.spec;
        let pod_path = JsonPath::from_keys("spec.template.spec");
        for (key, value) in &pod.node_selector {
            if let Some(expected) = expected_value(key, &base)
                && **value != *expected
            {
                out.push(Violation::new(
                    pod_path.key("nodeSelector").key_of(key),
                    message(key, value, &expected, &source),
                ));
            }
        }
        let Some(node_affinity) = pod.affinity.as_ref().and_then(|a| a.node_affinity.as_ref()) else { return };
        let affinity_path = pod_path.keys("affinity.nodeAffinity");
        let required = node_affinity
            .required_during_scheduling_ignored_during_execution
            .iter()
            .flat_map(|selector| selector.node_selector_terms.iter().enumerate())
            .map(|(i, term)| {
                (affinity_path.keys("requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms").index(i), term)
            });
        let preferred =
            node_affinity.preferred_during_scheduling_ignored_during_execution.iter().flatten().enumerate().map(
                |(i, p)| {
                    (
                        affinity_path.key("preferredDuringSchedulingIgnoredDuringExecution").index(i).key("preference"),
                        &p.preference,
                    )
                },
            );
        for (term_path, term) in required.chain(preferred) {
            for (j, expression) in term.match_expressions.iter().flatten().enumerate() {
                let Some(expected) = expected_value(&expression.key, &base) else { continue };
                if expression.operator != "In" {
                    continue;
                }
                for (k, value) in expression.values.iter().flatten().enumerate() {
                    if *value != expected {
                        out.push(Violation::new(
                            term_path.key("matchExpressions").index(j).key("values").index(k),
                            message(&expression.key, value, &expected, &source),
                        ));
                    }
                }
            }
        }
    }
}
